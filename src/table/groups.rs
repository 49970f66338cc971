//! Configured group memberships (`mgroup`, IPC `join`) and the kernel joins they made.
//!
//! A membership's identity is (IIF as written, source, group with length). Its `/LEN`
//! ranges and wildcard interfaces expand to individual kernel joins, listed per
//! membership (a [`super::Links`] list in parts: its ends in the membership, its nodes
//! in the table) so that leaving it is proportional to its own joins.

use super::iface::IfName;
use super::links::{self, Ends, Node, NO_NODE};
use super::slab::Blank;
use super::{Full, HashIndex, KeyHash, Slab};
use crate::kernel::JoinSockets;
use crate::net::{Addr, Prefix};

/// One configured membership.
///
/// `repr(C)` in this order, the source and group first: measured smallest (x86_64 -8 B,
/// mipsel -16 B against Rust's own order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Group {
    /// Source (SSM) as written, or `None` (ASM).
    pub source: Option<Prefix>,
    /// Group as written.
    pub group: Prefix,
    /// Inbound interface as written (may be a wildcard or alias).
    pub iif: IfName,
    /// Its joins, oldest first.
    joins: Ends,
    /// Its identity's hash, kept from its insert: its removal from the index hashes
    /// nothing.
    hash: u32,
    /// Seen in the configuration being (re)loaded.
    pub used: bool,
}

impl Group {
    /// True if the membership has no kernel joins.
    pub fn has_no_joins(&self) -> bool {
        self.joins.front().is_none()
    }
}

impl Blank for Group {
    // `Some`: a `None` source would not be zero bytes.
    const BLANK: Self = Self {
        iif: IfName::new(),
        source: Some(Prefix {
            addr: Addr::V4([0; 4]),
            len: 0,
        }),
        group: Prefix {
            addr: Addr::V4([0; 4]),
            len: 0,
        },
        used: false,
        joins: Ends::new(),
        hash: 0,
    };
}

fn identity_hash(iif: &[u8], source: Option<&Prefix>, group: &Prefix) -> u32 {
    // The name's length is mixed in first: no terminator needed.
    let mut h = KeyHash::new().bytes(iif);
    if let Some(s) = source {
        h = h.prefix(s);
    }
    h.prefix(group).finish()
}

/// The hash of a membership identity, from [`GroupTable::find`] of that identity.
#[derive(Debug, Clone, Copy)]
pub struct IdentityHash(u32);

/// One kernel join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    /// Interface table id.
    pub iface: u32,
    /// Kernel index the join was made with.
    pub ifindex: u32,
    /// Source for SSM.
    pub source: Option<Addr>,
    /// Group address.
    pub group: Addr,
    /// Join helper socket slot holding the kernel membership ([`crate::kernel::Kernel::join`]).
    pub sock: u16,
    owner: u32,
}

impl Join {
    /// A join on `iface` (`ifindex`), held on socket slot `sock`.
    pub fn new(iface: u32, ifindex: u32, source: Option<Addr>, group: Addr, sock: u16) -> Self {
        Self {
            iface,
            ifindex,
            source,
            group,
            sock,
            owner: 0,
        }
    }

    /// The membership this join belongs to.
    pub fn owner(&self) -> usize {
        self.owner as usize
    }
}

impl Blank for Join {
    // `Some`: a `None` source would not be zero bytes.
    const BLANK: Self = Self {
        iface: 0,
        ifindex: 0,
        source: Some(Addr::V4([0; 4])),
        group: Addr::V4([0; 4]),
        sock: 0,
        owner: 0,
    };
}

/// Up to `G` memberships (`GB` index buckets) and `J` kernel joins. Several joins can be
/// of one kernel membership (`a1` and `a+`): they share its socket, and the membership
/// is left with the last of them ([`GroupTable::holders`]).
pub struct GroupTable<const G: usize, const GB: usize, const J: usize> {
    groups: Slab<Group, G>,
    by_identity: HashIndex<GB>,
    joins: Slab<Join, J>,
    /// The links of each membership's list of joins, by join id.
    join_links: [Node; J],
}

impl<const G: usize, const GB: usize, const J: usize> Default for GroupTable<G, GB, J> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const G: usize, const GB: usize, const J: usize> GroupTable<G, GB, J> {
    /// Empty tables.
    pub const fn new() -> Self {
        Self {
            groups: Slab::new(),
            by_identity: HashIndex::new(),
            joins: Slab::new(),
            join_links: [NO_NODE; J],
        }
    }

    /// Membership capacity.
    pub const fn capacity(&self) -> usize {
        G
    }

    /// Join capacity.
    pub const fn join_capacity(&self) -> usize {
        J
    }

    /// Free join slots.
    pub fn joins_free(&self) -> usize {
        J - self.joins.len()
    }

    /// The membership with this identity, and the identity's hash for
    /// [`GroupTable::insert`] (hashed once when a lookup precedes an insert).
    pub fn find(
        &self,
        iif: &str,
        source: Option<&Prefix>,
        group: &Prefix,
    ) -> (IdentityHash, Option<usize>) {
        let hash = identity_hash(iif.as_bytes(), source, group);
        let found = self.by_identity.find(hash, |id| {
            self.groups.get(id).is_some_and(|g| {
                g.iif.as_bytes() == iif.as_bytes()
                    && g.source.as_ref() == source
                    && g.group == *group
            })
        });
        (IdentityHash(hash), found)
    }

    /// Adds a membership without joins (which must not exist yet; `hash` from its
    /// [`GroupTable::find`]). Its parts borrowed and copied once, into the slot (filled
    /// in place, the name too: no name record built first). `iif` must fit an
    /// [`IfName`] (the caller checked; else it is cut to nothing).
    pub fn insert(
        &mut self,
        hash: IdentityHash,
        iif: &str,
        source: Option<&Prefix>,
        group: &Prefix,
    ) -> Result<usize, Full> {
        let id = self.groups.insert_with(|g| {
            g.iif.clear();
            let _ = g.iif.push_str(iif);
            // Written in each case, not copied through the stack as one optional value.
            match source {
                Some(s) => g.source = Some(*s),
                None => g.source = None,
            }
            g.group = *group;
            g.used = true;
            g.joins = Ends::new();
            g.hash = hash.0;
        })?;
        let _ = self.by_identity.insert(hash.0, id);
        Ok(id)
    }

    /// The join helper socket holding (`ifindex`, `source`, `group`) itself if any (a
    /// join of it shares that socket's kernel membership), and into `busy` those holding
    /// (`ifindex`, `group`) already. One pass over the joins. (The set is filled in place:
    /// a pair returned in memory was copied out again.)
    pub fn holders(
        &self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &mut JoinSockets,
    ) -> Option<u16> {
        let mut same = None;
        for (_, j) in self.joins.iter() {
            if j.ifindex == ifindex && j.group == *group {
                busy.insert(j.sock);
                if j.source.as_ref() == source {
                    same = Some(j.sock);
                }
            }
        }
        same
    }

    /// Removes membership `id`, which has no joins left (the caller left and forgot
    /// them first); false if there was none.
    pub fn remove(&mut self, id: usize) -> bool {
        let Some(hash) = self.groups.get(id).map(|g| g.hash) else {
            return false;
        };
        debug_assert!(
            self.first_join(id).is_none(),
            "membership removed with joins"
        );
        self.by_identity.remove(hash, id);
        self.groups.remove_found(id);
        true
    }

    /// Records a kernel join of membership `owner`.
    pub fn add_join(&mut self, owner: usize, join: Join) -> Result<usize, Full> {
        // The membership stays borrowed throughout (the joins are other fields): one
        // lookup of it.
        let Some(g) = self.groups.get_mut(owner) else {
            return Err(Full);
        };
        let mut join = join;
        join.owner = owner as u32;
        let id = self.joins.insert(join)?;
        links::push_back(&mut self.join_links, &mut g.joins, id);
        Ok(id)
    }

    /// Forgets kernel join `id`; false if there was none (read it first if needed: no
    /// copy is returned).
    pub fn remove_join(&mut self, id: usize) -> bool {
        let Some(owner) = self.joins.get(id).map(Join::owner) else {
            return false;
        };
        if let Some(g) = self.groups.get_mut(owner) {
            links::unlink(&mut self.join_links, &mut g.joins, id);
        }
        self.joins.remove_found(id);
        true
    }

    /// The most recent join of membership `id`.
    pub fn first_join(&self, id: usize) -> Option<usize> {
        self.groups.get(id).and_then(|g| g.joins.back())
    }

    /// The join made before join `id` of the same membership.
    pub fn next_join(&self, id: usize) -> Option<usize> {
        links::prev_of(&self.join_links, id)
    }

    /// Membership `id`.
    pub fn get(&self, id: usize) -> Option<&Group> {
        self.groups.get(id)
    }

    /// Membership `id`, mutably (only `used` may change).
    pub fn get_mut(&mut self, id: usize) -> Option<&mut Group> {
        self.groups.get_mut(id)
    }

    /// Join `id`.
    pub fn join(&self, id: usize) -> Option<&Join> {
        self.joins.get(id)
    }

    /// Memberships in insertion order.
    pub fn iter(&self) -> super::slab::Iter<'_, Group, G> {
        self.groups.iter()
    }

    /// All kernel joins in the order they were made.
    pub fn joins(&self) -> super::slab::Iter<'_, Join, J> {
        self.joins.iter()
    }

    /// The oldest membership.
    pub fn first(&self) -> Option<usize> {
        self.groups.first()
    }

    /// The membership after `id`.
    pub fn next(&self, id: usize) -> Option<usize> {
        self.groups.next(id)
    }

    /// The next id of walk `w` in insertion order (see [`super::Slab::step`]).
    pub fn step(&self, w: &mut super::Walk) -> Option<usize> {
        self.groups.step(w)
    }

    /// Number of memberships.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True if there are no memberships.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn p(s: &str, len: u8) -> Prefix {
        Prefix {
            addr: Addr::parse(s).unwrap(),
            len,
        }
    }

    fn g(iif: &str, grp: &str) -> (IfName, Prefix) {
        (IfName::of(iif).unwrap(), p(grp, 32))
    }

    fn insert<const G: usize, const GB: usize, const J: usize>(
        t: &mut GroupTable<G, GB, J>,
        (iif, grp): (IfName, Prefix),
    ) -> Result<usize, Full> {
        let hash = t.find(iif.as_str(), None, &grp).0;
        t.insert(hash, iif.as_str(), None, &grp)
    }

    fn chain<const G: usize, const GB: usize, const J: usize>(
        t: &GroupTable<G, GB, J>,
        id: usize,
    ) -> Vec<usize> {
        let mut v = Vec::new();
        let mut c = t.first_join(id);
        while let Some(j) = c {
            v.push(j);
            c = t.next_join(j);
        }
        v
    }

    #[test]
    fn full_remove_reinsert() {
        let mut t = GroupTable::<2, 4, 2>::new();
        let a = insert(&mut t, g("a1", "225.1.1.1")).unwrap();
        let b = insert(&mut t, g("a2", "225.1.1.1")).unwrap();
        assert_eq!(insert(&mut t, g("a3", "225.1.1.1")), Err(Full));
        assert_eq!(t.find("a2", None, &p("225.1.1.1", 32)).1, Some(b));
        assert_eq!(t.find("a2", None, &p("225.1.1.1", 24)).1, None);
        let src = p("10.0.0.1", 32);
        assert_eq!(t.find("a2", Some(&src), &p("225.1.1.1", 32)).1, None);
        let grp = Addr::parse("225.1.1.1").unwrap();
        let j1 = t.add_join(a, Join::new(0, 3, None, grp, 0)).unwrap();
        let j2 = t
            .add_join(a, Join::new(0, 3, None, grp.offset(1), 0))
            .unwrap();
        assert_eq!(t.add_join(b, Join::new(1, 4, None, grp, 0)), Err(Full));
        assert_eq!(t.joins_free(), 0);
        assert_eq!(chain(&t, a), [j2, j1]);
        assert_eq!(t.join(j1).unwrap().owner(), a);
        t.remove_join(j1);
        assert_eq!(chain(&t, a), [j2]);
        let j3 = t.add_join(b, Join::new(1, 4, None, grp, 0)).unwrap();
        assert_eq!(chain(&t, b), [j3]);
        t.remove_join(j2);
        assert!(t.remove(a));
        assert!(!t.remove(a));
        assert_eq!(t.joins().count(), 1);
        assert_eq!(t.find("a1", None, &p("225.1.1.1", 32)).1, None);
        let c = insert(&mut t, g("a3", "225.1.1.1")).unwrap();
        assert!(t.get(c).unwrap().has_no_joins());
        assert_eq!(t.iter().count(), 2);
        assert_eq!(t.len(), 2);
        assert_eq!((t.capacity(), t.join_capacity()), (2, 2));
        assert_eq!(t.first(), Some(b));
        assert_eq!(t.next(b), Some(c));
        assert!(t.get_mut(c).is_some());
        assert!(!t.is_empty());
        assert_eq!(t.add_join(7, Join::new(1, 4, None, grp, 0)), Err(Full));
    }

    #[test]
    fn remove_middle_of_chain() {
        let mut t = GroupTable::<1, 2, 4>::new();
        let a = insert(&mut t, g("a1", "225.1.1.1")).unwrap();
        let grp = Addr::parse("225.1.1.1").unwrap();
        let js: Vec<usize> = (0..3)
            .map(|i| {
                t.add_join(a, Join::new(0, 3, None, grp.offset(i), 0))
                    .unwrap()
            })
            .collect();
        t.remove_join(js[1]);
        assert_eq!(chain(&t, a), [js[2], js[0]]);
        t.remove_join(js[0]);
        assert_eq!(chain(&t, a), [js[2]]);
        let j3 = t.add_join(a, Join::new(0, 3, None, grp, 0)).unwrap();
        assert_eq!(chain(&t, a), [j3, js[2]]);
        t.remove_join(js[2]);
        assert_eq!(chain(&t, a), [j3]);
        t.remove_join(j3);
        assert_eq!(chain(&t, a), []);
        assert!(t.get(a).unwrap().has_no_joins());
    }
}
