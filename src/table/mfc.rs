//! The kernel list: the daemon's mirror of what it put into the kernel MFC.
//!
//! One entry per (S,G), as the kernel keys its cache. An entry is either owned by a
//! configured exact (S,G) rule, or a cache entry (learned from a template or a stop
//! filter). Cache entries are also on an LRU list ordered by last sign of life, so when
//! the table is full the longest-idle one gives way in O(1).

use core::cell::Cell;

use super::slab::Blank;
use super::{Full, HashIndex, KeyHash, Links, Slab};
use crate::kernel::Mfc;
use crate::limits::MAX_VIFS;
use crate::net::Addr;
use crate::time::Instant;

/// One kernel MFC entry.
///
/// `repr(C)`, the kernel request first: an entry's address is its request's, passed to
/// the kernel calls as it is (x86_64 -16 B, mipsel -16 B); the flag beside the request's
/// last byte, so the entry is no larger (88 bytes on 64-bit targets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Route {
    /// What the kernel has: (S,G), inbound VIF/MIF, outbound TTLs. Kept as the kernel
    /// request, so installing the entry passes it as it is.
    pub mfc: Mfc,
    /// Visited by the expiry pass at least once.
    pub stamped: bool,
    /// Owning configured rule id plus one; 0 for a cache entry.
    pub owner: u32,
    /// When the expiry pass last saw traffic (or first visited).
    pub last_use: Instant,
    /// Valid packets (pktcnt − wrong_if) at `last_use`.
    pub last_count: u64,
}

impl Route {
    /// A cache entry (learned or stop filter), for the tests: the table writes its
    /// entries in place ([`MfcTable::insert`]).
    #[cfg(test)]
    pub fn cache(source: &Addr, group: &Addr, parent: u8, ttls: &[u8; MAX_VIFS]) -> Self {
        Self {
            mfc: Mfc {
                source: *source,
                group: *group,
                parent,
                ttls: *ttls,
            },
            owner: 0,
            stamped: false,
            last_use: Instant(0),
            last_count: 0,
        }
    }

    /// True for learned entries and stop filters.
    pub fn is_cache(&self) -> bool {
        self.owner == 0
    }

    /// The configured rule owning this entry.
    pub fn owner_rule(&self) -> Option<usize> {
        self.owner.checked_sub(1).map(|v| v as usize)
    }

    /// True if the entry forwards somewhere.
    pub fn has_oifs(&self) -> bool {
        self.mfc.ttls.iter().any(|&t| t != 0)
    }

    /// True for IPv6 entries.
    pub fn is_v6(&self) -> bool {
        self.mfc.group.family() == crate::net::Family::V6
    }
}

impl Blank for Route {
    const BLANK: Self = Self {
        mfc: Mfc {
            source: Addr::V4([0; 4]),
            group: Addr::V4([0; 4]),
            parent: 0,
            ttls: [0; MAX_VIFS],
        },
        owner: 0,
        stamped: false,
        last_use: Instant(0),
        last_count: 0,
    };
}

fn sg_hash(source: &Addr, group: &Addr) -> u32 {
    KeyHash::new().addr(source).addr(group).finish()
}

/// Up to `N` kernel entries, `B` index buckets (see [`super::buckets`]).
// `repr(C)`, the slab first: the table's address is the slab's, which its callers and its
// own methods pass on as it is, no offset added (x86_64 -64 B, mipsel -48 B against the
// found hash first, though on MIPS a field past 32 KiB from the table, as the found hash
// now is, costs three instructions to address: see `Router`).
#[repr(C)]
pub struct MfcTable<const N: usize, const B: usize> {
    slab: Slab<Route, N>,
    /// The (S,G) hash of the last [`MfcTable::find`]: an entry is only ever inserted
    /// after a find of its (S,G) missed, so the insert reuses it instead of hashing the
    /// (S,G) a second time (one less hash per route at start-up). A `Cell`, as finds take
    /// `&self` (an atomic would keep them MIPS32 code in the MIPS16e builds).
    found_hash: Cell<u32>,
    by_sg: HashIndex<B>,
    lru: Links<N>,
}

impl<const N: usize, const B: usize> Default for MfcTable<N, B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const B: usize> MfcTable<N, B> {
    /// An empty table.
    pub const fn new() -> Self {
        Self {
            slab: Slab::new(),
            by_sg: HashIndex::new(),
            lru: Links::new(),
            found_hash: Cell::new(0),
        }
    }

    /// Capacity.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.slab.len()
    }

    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }

    /// True if an insert would fail.
    pub fn is_full(&self) -> bool {
        self.slab.is_full()
    }

    /// True if there are cache entries (they are the LRU list: no count is kept).
    pub fn has_caches(&self) -> bool {
        self.lru.front().is_some()
    }

    /// The entry for (S,G).
    pub fn find(&self, source: &Addr, group: &Addr) -> Option<usize> {
        let hash = sg_hash(source, group);
        self.found_hash.set(hash);
        self.by_sg.find(hash, |id| {
            self.slab
                .get(id)
                .is_some_and(|r| r.mfc.source == *source && r.mfc.group == *group)
        })
    }

    /// Adds an entry for an (S,G) that has none: the last [`MfcTable::find`] must have
    /// been of this (S,G) (it missed; removals since do not matter). A cache entry
    /// (`owner` 0) goes to the back of the LRU. Written into its slot in place; its id
    /// and its kernel request come back (no lookup of it to install it).
    pub fn insert(
        &mut self,
        source: &Addr,
        group: &Addr,
        parent: u8,
        ttls: &[u8; MAX_VIFS],
        owner: u32,
    ) -> Result<(usize, &Mfc), Full> {
        let sg = self.found_hash.get();
        debug_assert_eq!(sg, sg_hash(source, group));
        let (id, route) = self.slab.insert_in_place(|r| {
            r.mfc.source = *source;
            r.mfc.group = *group;
            r.mfc.parent = parent;
            r.mfc.ttls = *ttls;
            r.owner = owner;
            r.stamped = false;
            r.last_use = Instant(0);
            r.last_count = 0;
        })?;
        let _ = self.by_sg.insert(sg, id);
        if owner == 0 {
            self.lru.push_back(id);
        }
        Ok((id, &route.mfc))
    }

    /// Removes entry `id`; false if there was none.
    pub fn remove(&mut self, id: usize) -> bool {
        let Some(r) = self.slab.get(id) else {
            return false;
        };
        self.by_sg.remove(sg_hash(&r.mfc.source, &r.mfc.group), id);
        if r.is_cache() {
            self.lru.unlink(id);
        }
        self.slab.remove_found(id);
        true
    }

    /// Sets the owner of `id` (0 = cache entry), keeping the LRU consistent.
    pub fn set_owner(&mut self, id: usize, owner: u32) {
        let Some(r) = self.slab.get_mut(id) else {
            return;
        };
        let was_cache = r.is_cache();
        r.owner = owner;
        match (was_cache, owner == 0) {
            (true, false) => {
                self.lru.unlink(id);
            }
            (false, true) => {
                r.stamped = false;
                self.lru.push_back(id);
            }
            _ => {}
        }
    }

    /// Marks cache entry `id` as recently active.
    pub fn touch(&mut self, id: usize) {
        if self.slab.get(id).is_some_and(Route::is_cache) {
            self.lru.move_to_back(id);
        }
    }

    /// The longest-idle cache entry.
    pub fn idlest(&self) -> Option<usize> {
        self.lru.front()
    }

    /// Entry `id`.
    pub fn get(&self, id: usize) -> Option<&Route> {
        self.slab.get(id)
    }

    /// Entry `id`, mutably (not its (S,G) or owner).
    pub fn get_mut(&mut self, id: usize) -> Option<&mut Route> {
        self.slab.get_mut(id)
    }

    /// The oldest entry.
    pub fn first(&self) -> Option<usize> {
        self.slab.first()
    }

    /// The entry after `id` in insertion order.
    pub fn next(&self, id: usize) -> Option<usize> {
        self.slab.next(id)
    }

    /// The next id of walk `w` in insertion order (see [`super::Slab::step`]).
    pub fn step(&self, w: &mut super::Walk) -> Option<usize> {
        self.slab.step(w)
    }

    /// All entries in insertion order.
    pub fn iter(&self) -> super::slab::Iter<'_, Route, N> {
        self.slab.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Addr {
        Addr::parse(s).unwrap()
    }

    /// Inserts as the router does: after a find of the (S,G) that missed.
    fn add<const N: usize, const B: usize>(
        t: &mut MfcTable<N, B>,
        r: Route,
    ) -> Result<usize, Full> {
        assert_eq!(t.find(&r.mfc.source, &r.mfc.group), None);
        let m = &r.mfc;
        let (id, entry) = t.insert(&m.source, &m.group, m.parent, &m.ttls, r.owner)?;
        // The request returned is the entry's as inserted.
        assert_eq!(entry, m);
        Ok(id)
    }

    fn r(s: &str, g: &str) -> Route {
        Route::cache(&a(s), &a(g), 0, &[0; MAX_VIFS])
    }

    #[test]
    fn full_remove_reinsert_lru() {
        let mut t = MfcTable::<2, 4>::new();
        let x = add(&mut t, r("10.0.0.1", "225.1.1.1")).unwrap();
        let y = add(&mut t, r("10.0.0.2", "225.1.1.1")).unwrap();
        assert!(t.is_full());
        assert_eq!(add(&mut t, r("10.0.0.3", "225.1.1.1")), Err(Full));
        assert_eq!(t.find(&a("10.0.0.2"), &a("225.1.1.1")), Some(y));
        assert_eq!(t.idlest(), Some(x));
        t.touch(x);
        assert_eq!(t.idlest(), Some(y));
        t.set_owner(y, 1);
        assert!(t.has_caches());
        assert_eq!(t.idlest(), Some(x));
        assert_eq!(t.get(y).unwrap().owner_rule(), Some(0));
        t.set_owner(y, 0);
        assert!(t.has_caches());
        assert_eq!(t.idlest(), Some(x));
        assert_eq!(t.get(x).map(|r| r.mfc.source), Some(a("10.0.0.1")));
        assert!(t.remove(x));
        assert!(!t.remove(x));
        assert_eq!(t.find(&a("10.0.0.1"), &a("225.1.1.1")), None);
        assert_eq!(t.idlest(), Some(y));
        let z = add(&mut t, r("10.0.0.3", "225.1.1.1")).unwrap();
        assert_eq!(t.find(&a("10.0.0.3"), &a("225.1.1.1")), Some(z));
        assert_eq!(t.len(), 2);
        assert_eq!(t.capacity(), 2);
        assert!(!t.is_empty());
        assert!(!t.get(z).unwrap().has_oifs());
        assert_eq!(t.iter().count(), 2);
        assert_eq!(t.first(), Some(y));
        assert_eq!(t.next(y), Some(z));
        t.get_mut(z).unwrap().mfc.parent = 3;
    }

    extern crate std;

    #[test]
    fn many_sources_of_one_group() {
        // Thousands of sources of one group: each found and removed by its (S,G).
        const N: usize = 4096;
        let mut t = MfcTable::<N, { crate::table::buckets(N) }>::new();
        let g = a("225.1.0.1");
        let src = |i: usize| Addr::parse(&std::format!("10.{}.{}.1", i / 256, i % 256)).unwrap();
        for i in 0..N {
            add(&mut t, Route::cache(&src(i), &g, 0, &[0; MAX_VIFS])).unwrap();
        }
        add(&mut t, r("10.0.0.1", "225.1.0.2")).unwrap_err();
        for i in (0..N).step_by(2) {
            let id = t.find(&src(i), &g).unwrap();
            assert!(t.remove(id));
        }
        let seen: std::vec::Vec<_> = t.iter().map(|(_, r)| r.mfc.source).collect();
        let want: std::vec::Vec<_> = (1..N).step_by(2).map(src).collect();
        assert_eq!(seen, want, "oldest first");
        for i in 0..N {
            assert_eq!(t.find(&src(i), &g).is_some(), i % 2 == 1);
        }
        let other = add(&mut t, r("10.0.0.1", "225.1.0.2")).unwrap();
        assert_eq!(t.find(&a("10.0.0.1"), &a("225.1.0.2")), Some(other));
    }
}
