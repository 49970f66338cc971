//! The conf list: configured multicast routes, exact (S,G) rules and templates alike.
//!
//! Kept in insertion order (`show` order, and the first matching template wins). Two
//! indexes: by rule identity (family, IIF, source, group, both lengths) so adding N rules
//! is O(N), and for templates by their masked match key. Templates written differently
//! can share a match key (`225.1.2.3/16` and `225.1.4.5/16`); they share a probe run of
//! the match index, and the oldest of them (lowest `seq`) wins. A NOCACHE upcall probes
//! the match index once per distinct (family, source length, group length) shape in use,
//! so matching costs O(shapes), not O(templates). Past [`MAX_SHAPES`] shapes matching
//! falls back to walking the list.

use super::slab::Blank;
use super::{Full, HashIndex, KeyHash, Slab};
use crate::limits::MAX_VIFS;
use crate::net::{Addr, Prefix};

/// Distinct template shapes indexed before matching falls back to a list walk.
pub const MAX_SHAPES: usize = 64;

/// One configured route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Inbound interface (interface table id).
    pub iif: u32,
    /// Source as written, its length full unless `/LEN` was given; the unspecified
    /// address means any source. (Prefixes, as the words are parsed: `mroute_words`
    /// parses them straight into its rule.)
    pub source: Prefix,
    /// Group as written.
    pub group: Prefix,
    /// TTL threshold per outbound VIF (IPv4) or MIF (IPv6); 0 = not forwarded.
    pub ttls: [u8; MAX_VIFS],
    /// Seen in the configuration being (re)loaded.
    pub used: bool,
    /// Insertion sequence number (set by the table).
    pub seq: u64,
}

impl Rule {
    /// A rule with no outbound interfaces (borrowed prefixes: copied once, here).
    pub fn new(iif: u32, source: &Prefix, group: &Prefix) -> Self {
        Self {
            iif,
            source: *source,
            group: *group,
            ttls: [0; MAX_VIFS],
            used: true,
            seq: 0,
        }
    }

    /// True if the source is the wildcard `*`.
    pub fn any_source(&self) -> bool {
        self.source.addr.is_unspecified()
    }

    /// True if this is an exact (S,G) rule; otherwise it is a (*,G) template.
    pub fn is_exact(&self) -> bool {
        let bits = self.group.addr.family().bits();
        // The lengths first: cheaper than the 17-byte unspecified-address test.
        self.source.len == bits && self.group.len == bits && !self.any_source()
    }

    /// True for IPv6 rules (their `ttls` are indexed by MIF).
    pub fn is_v6(&self) -> bool {
        self.group.addr.family() == crate::net::Family::V6
    }

    /// Source length used for matching: 0 for the wildcard.
    fn match_slen(&self) -> u8 {
        if self.any_source() {
            0
        } else {
            self.source.len
        }
    }

    /// True if the template covers (S,G) (the IIF is checked by the caller).
    pub fn covers(&self, source: &Addr, group: &Addr) -> bool {
        group.in_prefix(&self.group.addr, self.group.len)
            && source.family() == self.group.addr.family()
            && (self.any_source() || source.in_prefix(&self.source.addr, self.source.len))
    }

    /// True if the rule has at least one outbound interface.
    pub fn has_oifs(&self) -> bool {
        self.ttls.iter().any(|&t| t != 0)
    }

    fn identity_hash(&self) -> u32 {
        identity_hash(self.iif, &self.source, &self.group)
    }

    fn match_hash(&self) -> u32 {
        let sl = self.match_slen();
        match_hash(
            self.iif,
            &self.source.addr,
            sl,
            &self.group.addr,
            self.group.len,
        )
    }

    /// True if the template matches with key (IIF, masked source and length, masked
    /// group and length). Compared in place: no 44-byte key tuples built and copied.
    fn has_match_key(&self, iif: u32, source: &Addr, slen: u8, group: &Addr, glen: u8) -> bool {
        self.iif == iif
            && self.match_slen() == slen
            && self.group.len == glen
            && source.in_prefix(&self.source.addr, slen)
            && group.in_prefix(&self.group.addr, glen)
    }

    fn same_identity(&self, o: &Rule) -> bool {
        self.iif == o.iif && self.source == o.source && self.group == o.group
    }
}

impl Blank for Rule {
    const BLANK: Self = Self {
        iif: 0,
        source: Prefix {
            addr: Addr::V4([0; 4]),
            len: 0,
        },
        group: Prefix {
            addr: Addr::V4([0; 4]),
            len: 0,
        },
        ttls: [0; MAX_VIFS],
        used: false,
        seq: 0,
    };
}

fn identity_hash(iif: u32, source: &Prefix, group: &Prefix) -> u32 {
    KeyHash::new()
        .u32(iif)
        .addr(&source.addr)
        .byte(source.len)
        .addr(&group.addr)
        .byte(group.len)
        .finish()
}

/// The hash of a template's match key: (S,G) masked to the lengths here, in the one
/// copy, not by each caller.
#[inline(never)]
fn match_hash(iif: u32, source: &Addr, slen: u8, group: &Addr, glen: u8) -> u32 {
    let source = Prefix {
        addr: source.masked(slen),
        len: slen,
    };
    let group = Prefix {
        addr: group.masked(glen),
        len: glen,
    };
    identity_hash(iif, &source, &group) ^ 0x5bd1_e995
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    group_bits: u8,
    slen: u8,
    glen: u8,
    count: u32,
}

/// Up to `N` rules, `B` index buckets (see [`super::buckets`]).
// `repr(C)`, scalars first: on MIPS a field past 32 KiB from the table costs three
// instructions to address (see `Router`).
#[repr(C)]
pub struct RuleTable<const N: usize, const B: usize> {
    next_seq: u64,
    templates: usize,
    unshaped: usize,
    /// In use where `count > 0`; a free slot is all zero, so no family's bits match it.
    shapes: [Shape; MAX_SHAPES],
    slab: Slab<Rule, N>,
    by_identity: HashIndex<B>,
    /// Templates by match key. Templates of one key share a probe run (found by their
    /// `seq`, oldest first): a conf writes few templates of one IIF, source and group
    /// prefix in different ways.
    by_match: HashIndex<B>,
}

impl<const N: usize, const B: usize> Default for RuleTable<N, B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const B: usize> RuleTable<N, B> {
    /// An empty table.
    pub const fn new() -> Self {
        Self {
            slab: Slab::new(),
            by_identity: HashIndex::new(),
            by_match: HashIndex::new(),
            shapes: [Shape {
                group_bits: 0,
                slen: 0,
                glen: 0,
                count: 0,
            }; MAX_SHAPES],
            templates: 0,
            unshaped: 0,
            next_seq: 0,
        }
    }

    /// Capacity.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.slab.len()
    }

    /// True if there are no rules.
    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }

    /// Number of templates.
    pub fn templates(&self) -> usize {
        self.templates
    }

    /// The rule with the identity of `key` (its OIFs are ignored).
    pub fn find(&self, key: &Rule) -> Option<usize> {
        self.find_hashed(key, key.identity_hash())
    }

    /// [`RuleTable::find`] with the identity hash of `key` given.
    #[inline(never)]
    fn find_hashed(&self, key: &Rule, hash: u32) -> Option<usize> {
        self.by_identity.find(hash, |id| {
            self.slab.get(id).is_some_and(|r| r.same_identity(key))
        })
    }

    /// The rule with the identity of `rule`, else `rule` added at the end of the list:
    /// its id, and true if it was added. One hash for the lookup and the insert (every
    /// new route does both).
    pub fn find_or_insert(&mut self, rule: &Rule) -> Result<(usize, bool), Full> {
        let hash = rule.identity_hash();
        match self.find_hashed(rule, hash) {
            Some(id) => Ok((id, false)),
            None => self.insert_hashed(rule, hash).map(|id| (id, true)),
        }
    }

    /// Adds a rule (which must not exist yet) at the end of the list. Borrowed and
    /// copied once, straight into its slot (its `seq` is set there): a rule is 88 bytes.
    pub fn insert(&mut self, rule: &Rule) -> Result<usize, Full> {
        self.insert_hashed(rule, rule.identity_hash())
    }

    /// [`RuleTable::insert`] with the identity hash of `rule` given.
    fn insert_hashed(&mut self, rule: &Rule, hash: u32) -> Result<usize, Full> {
        // Written into its slot with its `seq`: no second lookup of the slot to set it.
        let seq = self.next_seq;
        let id = self.slab.insert_with(|r| {
            *r = *rule;
            r.seq = seq;
        })?;
        self.next_seq += 1;
        // Index capacity exceeds slab capacity, so these cannot fail.
        let _ = self.by_identity.insert(hash, id);
        if !rule.is_exact() {
            self.templates += 1;
            let _ = self.by_match.insert(rule.match_hash(), id);
            self.add_shape(rule);
        }
        Ok(id)
    }

    /// Removes rule `id`; false if there was none.
    pub fn remove(&mut self, id: usize) -> bool {
        // Borrowed, not copied: the indexes and the shapes need only hashes and keys.
        let slab = &self.slab;
        let Some(rule) = slab.get(id) else {
            return false;
        };
        self.by_identity.remove(rule.identity_hash(), id, |o| {
            slab.get(o).map_or(0, Rule::identity_hash)
        });
        if !rule.is_exact() {
            self.by_match.remove(rule.match_hash(), id, |o| {
                slab.get(o).map_or(0, Rule::match_hash)
            });
            let shape = Self::shape_of(rule);
            self.templates -= 1;
            self.del_shape(shape);
        }
        self.slab.remove(id)
    }

    fn shape_of(rule: &Rule) -> (u8, u8, u8) {
        (
            rule.group.addr.family().bits(),
            rule.match_slen(),
            rule.group.len,
        )
    }

    fn add_shape(&mut self, rule: &Rule) {
        let (group_bits, slen, glen) = Self::shape_of(rule);
        let mut free = None;
        for s in self.shapes.iter_mut() {
            if (s.group_bits, s.slen, s.glen) == (group_bits, slen, glen) {
                s.count += 1;
                return;
            }
            if s.count == 0 && free.is_none() {
                free = Some(s);
            }
        }
        match free {
            Some(s) => {
                *s = Shape {
                    group_bits,
                    slen,
                    glen,
                    count: 1,
                }
            }
            None => self.unshaped += 1,
        }
    }

    fn del_shape(&mut self, key: (u8, u8, u8)) {
        match self
            .shapes
            .iter_mut()
            .find(|s| (s.group_bits, s.slen, s.glen) == key)
        {
            Some(s) => {
                s.count -= 1;
                if s.count == 0 {
                    // Free again: all zero.
                    s.group_bits = 0;
                    s.slen = 0;
                    s.glen = 0;
                }
            }
            None => self.unshaped = self.unshaped.saturating_sub(1),
        }
        if self.templates == 0 {
            self.unshaped = 0;
        }
    }

    /// The first template (in insertion order) with inbound interface `iif` that covers
    /// (S,G).
    pub fn first_template(&self, iif: u32, source: &Addr, group: &Addr) -> Option<usize> {
        if self.templates == 0 {
            return None;
        }
        let fits = |id: usize| {
            self.slab
                .get(id)
                .filter(|r| r.iif == iif && !r.is_exact() && r.covers(source, group))
        };
        if self.unshaped > 0 {
            // A plain walk of the ids, not an iterator chain.
            let mut walk = super::Walk::new();
            while let Some(id) = self.slab.step(&mut walk) {
                if fits(id).is_some() {
                    return Some(id);
                }
            }
            return None;
        }
        let mut best: Option<(u64, usize)> = None;
        let bits = group.family().bits();
        for s in self.shapes.iter().filter(|s| s.group_bits == bits) {
            let h = match_hash(iif, source, s.slen, group, s.glen);
            // The templates of the key are in one probe run: the oldest of them wins.
            // Only templates are indexed, and matching the key is covering (S,G) (a
            // rule's source and group are of one family): no second test.
            self.by_match.find(h, |id| {
                if let Some(r) = self.slab.get(id).filter(|r| {
                    r.has_match_key(iif, source, s.slen, group, s.glen)
                        && best.is_none_or(|(seq, _)| r.seq < seq)
                }) {
                    best = Some((r.seq, id));
                }
                // Never found: the whole run is seen.
                false
            });
        }
        best.map(|(_, id)| id)
    }

    /// Rule `id`.
    pub fn get(&self, id: usize) -> Option<&Rule> {
        self.slab.get(id)
    }

    /// Rule `id`, mutably. Only the OIFs and the `used` mark may change (the identity is
    /// indexed).
    pub fn get_mut(&mut self, id: usize) -> Option<&mut Rule> {
        self.slab.get_mut(id)
    }

    /// The oldest rule.
    pub fn first(&self) -> Option<usize> {
        self.slab.first()
    }

    /// The rule after `id` in insertion order.
    pub fn next(&self, id: usize) -> Option<usize> {
        self.slab.next(id)
    }

    /// The next id of walk `w` in insertion order (see [`super::Slab::step`]).
    pub fn step(&self, w: &mut super::Walk) -> Option<usize> {
        self.slab.step(w)
    }

    /// All rules in insertion order.
    pub fn iter(&self) -> super::slab::Iter<'_, Rule, N> {
        self.slab.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Addr {
        Addr::parse(s).unwrap()
    }

    fn rule(iif: u32, s: &str, sl: u8, g: &str, gl: u8) -> Rule {
        let p = |addr, len| Prefix { addr, len };
        Rule::new(iif, &p(a(s), sl), &p(a(g), gl))
    }

    #[test]
    fn kinds() {
        assert!(rule(0, "10.0.0.1", 32, "225.1.1.1", 32).is_exact());
        assert!(!rule(0, "0.0.0.0", 32, "225.1.1.1", 32).is_exact());
        assert!(!rule(0, "10.0.0.0", 24, "225.1.1.1", 32).is_exact());
        assert!(!rule(0, "10.0.0.1", 32, "225.1.0.0", 16).is_exact());
        let t = rule(0, "10.0.0.0", 24, "225.1.0.0", 16);
        assert!(t.covers(&a("10.0.0.9"), &a("225.1.2.3")));
        assert!(!t.covers(&a("10.0.1.9"), &a("225.1.2.3")));
        assert!(!t.covers(&a("10.0.0.9"), &a("225.2.2.3")));
        let w = rule(0, "::", 128, "ff2e::42", 128);
        assert!(w.is_v6() && w.covers(&a("fc00::1"), &a("ff2e::42")));
        assert!(!w.covers(&a("10.0.0.1"), &a("ff2e::42")));
        assert!(!w.has_oifs());
    }

    #[test]
    fn find_or_insert_adds_once() {
        let mut t = RuleTable::<2, 4>::new();
        let r1 = rule(0, "10.0.0.1", 32, "225.1.1.1", 32);
        let (id, added) = t.find_or_insert(&r1).unwrap();
        assert!(added);
        let mut other_oifs = r1;
        other_oifs.ttls[3] = 1;
        assert_eq!(t.find_or_insert(&other_oifs), Ok((id, false)));
        assert_eq!(t.find(&r1), Some(id));
        let r2 = rule(1, "10.0.0.1", 32, "225.1.1.1", 32);
        let (id2, added) = t.find_or_insert(&r2).unwrap();
        assert!(added && id2 != id);
        assert_eq!(t.find(&r2), Some(id2));
        assert_eq!(t.len(), 2);
        assert_eq!(
            t.find_or_insert(&rule(2, "10.0.0.1", 32, "225.1.1.1", 32)),
            Err(Full)
        );
    }

    #[test]
    fn full_remove_reinsert() {
        let mut t = RuleTable::<2, 4>::new();
        let r1 = rule(0, "10.0.0.1", 32, "225.1.1.1", 32);
        let r2 = rule(1, "0.0.0.0", 32, "225.1.1.1", 32);
        let r3 = rule(1, "0.0.0.0", 32, "225.1.1.2", 32);
        let i1 = t.insert(&r1).unwrap();
        let i2 = t.insert(&r2).unwrap();
        assert_eq!(t.insert(&r3), Err(Full));
        assert_eq!(t.find(&r1), Some(i1));
        assert_eq!(t.find(&r2), Some(i2));
        assert_eq!(t.find(&r3), None);
        assert_eq!(t.templates(), 1);
        assert_eq!(t.get(i2).map(|r| r.group.addr), Some(a("225.1.1.1")));
        assert!(t.remove(i2));
        assert!(!t.remove(i2));
        assert_eq!(t.templates(), 0);
        assert_eq!(t.find(&r2), None);
        let i3 = t.insert(&r3).unwrap();
        assert_eq!(t.find(&r3), Some(i3));
        assert_eq!(
            t.first_template(1, &a("10.0.0.1"), &a("225.1.1.2")),
            Some(i3)
        );
        assert_eq!(t.first_template(0, &a("10.0.0.1"), &a("225.1.1.2")), None);
        let order: std::vec::Vec<_> = t.iter().map(|(id, _)| id).collect();
        assert_eq!(order, [i1, i3]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.capacity(), 2);
        assert!(t.get_mut(i1).is_some());
        assert_eq!(t.first(), Some(i1));
        assert_eq!(t.next(i1), Some(i3));
    }

    extern crate std;

    #[test]
    fn first_template_in_insertion_order() {
        let mut t = RuleTable::<8, 16>::new();
        let wide = t.insert(&rule(0, "0.0.0.0", 32, "225.0.0.0", 8)).unwrap();
        let narrow = t.insert(&rule(0, "10.0.0.0", 24, "225.1.1.1", 32)).unwrap();
        let other_if = t.insert(&rule(1, "0.0.0.0", 32, "225.1.1.1", 32)).unwrap();
        assert_eq!(
            t.first_template(0, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(wide)
        );
        assert_eq!(
            t.first_template(1, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(other_if)
        );
        t.remove(wide);
        assert_eq!(
            t.first_template(0, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(narrow)
        );
        assert_eq!(t.first_template(0, &a("10.0.1.1"), &a("225.1.1.1")), None);
        // Re-adding puts it last: the narrow one now wins.
        t.insert(&rule(0, "0.0.0.0", 32, "225.0.0.0", 8)).unwrap();
        assert_eq!(
            t.first_template(0, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(narrow)
        );
        // An exact rule is never a template.
        t.insert(&rule(0, "10.0.0.1", 32, "225.1.1.1", 32)).unwrap();
        assert_eq!(
            t.first_template(0, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(narrow)
        );
    }

    #[test]
    fn templates_sharing_a_match_key() {
        // Written differently, matching the same: the oldest wins, then the next one.
        let mut t = RuleTable::<8, 16>::new();
        let a1 = t.insert(&rule(0, "0.0.0.0", 32, "225.1.2.3", 16)).unwrap();
        let a2 = t.insert(&rule(0, "0.0.0.0", 32, "225.1.4.5", 16)).unwrap();
        let a3 = t.insert(&rule(0, "0.0.0.0", 32, "225.1.6.7", 16)).unwrap();
        let (s, g) = (a("10.0.0.1"), a("225.1.9.9"));
        assert_eq!(t.first_template(0, &s, &g), Some(a1));
        t.remove(a2);
        assert_eq!(t.first_template(0, &s, &g), Some(a1));
        t.remove(a1);
        assert_eq!(t.first_template(0, &s, &g), Some(a3));
        let a4 = t.insert(&rule(0, "0.0.0.0", 32, "225.1.0.0", 16)).unwrap();
        t.remove(a3);
        assert_eq!(t.first_template(0, &s, &g), Some(a4));
        t.remove(a4);
        assert_eq!(t.first_template(0, &s, &g), None);
        assert_eq!(t.templates(), 0);
    }

    #[test]
    fn first_template_matches_a_walk_under_churn() {
        // Templates of a few match keys (one probe run each), ids reused: the indexed
        // answer is always the first covering template in insertion order.
        let mut t = RuleTable::<16, 32>::new();
        let groups = ["225.1.2.3", "225.1.4.5", "225.2.0.1", "225.2.7.7"];
        let mut live = [None; 16];
        let mut seed = 7u32;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let k = (seed >> 8) as usize % live.len();
            match live[k] {
                Some(id) => {
                    assert!(t.remove(id));
                    live[k] = None;
                }
                None => {
                    let g = groups[(seed >> 16) as usize % groups.len()];
                    let len = if seed >> 30 == 0 { 8 } else { 16 };
                    live[k] = t.insert(&rule(0, "0.0.0.0", 32, g, len)).ok();
                }
            }
            for g in ["225.1.9.9", "225.2.9.9", "225.3.0.1"] {
                let (s, g) = (a("10.0.0.1"), a(g));
                let walked = t
                    .iter()
                    .find(|(_, r)| !r.is_exact() && r.covers(&s, &g))
                    .map(|(id, _)| id);
                assert_eq!(t.first_template(0, &s, &g), walked);
            }
        }
    }

    #[test]
    fn too_many_shapes_falls_back_to_walk() {
        let mut t = RuleTable::<128, 256>::new();
        let mut ids = std::vec::Vec::new();
        for len in 0..=32u8 {
            for sl in [8u8, 16, 24] {
                ids.push(
                    t.insert(&rule(0, "10.0.0.0", sl, "225.0.0.0", len))
                        .unwrap(),
                );
            }
        }
        assert!(t.unshaped > 0);
        // 225.0.0.0/0 (len 0) covers everything and was inserted first.
        assert_eq!(
            t.first_template(0, &a("10.0.0.1"), &a("239.1.1.1")),
            Some(ids[0])
        );
        for id in ids {
            t.remove(id);
        }
        assert_eq!(t.unshaped, 0);
        assert!(t.shapes.iter().all(|s| s.count == 0));
    }
}
