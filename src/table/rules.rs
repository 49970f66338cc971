//! The conf list: configured multicast routes, exact (S,G) rules and templates alike.
//!
//! Kept in insertion order (`show` order, and the first matching template wins). Indexed
//! by rule identity (family, IIF, source, group, both lengths) so adding N rules is O(N);
//! the templates are also listed on their own, in insertion order, so a NOCACHE upcall
//! walks the templates (a conf has few), not the thousands of exact rules.

use super::slab::Blank;
use super::{Full, HashIndex, KeyHash, Links, Slab};
use crate::limits::MAX_VIFS;
use crate::net::{Addr, Prefix};

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
    };
}

fn identity_hash(iif: u32, source: &Prefix, group: &Prefix) -> u32 {
    KeyHash::new()
        .u32(iif)
        .prefix(source)
        .prefix(group)
        .finish()
}

/// Up to `N` rules, `B` index buckets (see [`super::buckets`]).
// `repr(C)`, scalars first: on MIPS a field past 32 KiB from the table costs three
// instructions to address (see `Router`).
#[repr(C)]
pub struct RuleTable<const N: usize, const B: usize> {
    slab: Slab<Rule, N>,
    by_identity: HashIndex<B>,
    /// The templates' ids in insertion order.
    template_order: Links<N>,
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
            template_order: Links::new(),
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

    /// Number of templates (counted: only the tests ask).
    #[cfg(test)]
    pub fn templates(&self) -> usize {
        let mut n = 0;
        let mut cur = self.template_order.front();
        while let Some(id) = cur {
            n += 1;
            cur = self.template_order.next(id);
        }
        n
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
    /// copied once, straight into its slot (a rule is 76 bytes).
    pub fn insert(&mut self, rule: &Rule) -> Result<usize, Full> {
        self.insert_hashed(rule, rule.identity_hash())
    }

    /// [`RuleTable::insert`] with the identity hash of `rule` given.
    fn insert_hashed(&mut self, rule: &Rule, hash: u32) -> Result<usize, Full> {
        let id = self.slab.insert_with(|r| *r = *rule)?;
        // Index capacity exceeds slab capacity, so these cannot fail.
        let _ = self.by_identity.insert(hash, id);
        if !rule.is_exact() {
            self.template_order.push_back(id);
        }
        Ok(id)
    }

    /// Removes rule `id`; false if there was none.
    pub fn remove(&mut self, id: usize) -> bool {
        let Some(rule) = self.slab.get(id) else {
            return false;
        };
        self.by_identity.remove(rule.identity_hash(), id);
        if !rule.is_exact() {
            self.template_order.unlink(id);
        }
        self.slab.remove_found(id);
        true
    }

    /// The first template (in insertion order) with inbound interface `iif` that covers
    /// (S,G). The rule itself: its callers want its OIFs, not an id to look up again.
    pub fn first_template(&self, iif: u32, source: &Addr, group: &Addr) -> Option<&Rule> {
        let mut cur = self.template_order.front();
        while let Some(id) = cur {
            let rule = self.slab.get(id);
            if rule.is_some_and(|r| r.iif == iif && r.covers(source, group)) {
                return rule;
            }
            cur = self.template_order.next(id);
        }
        None
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
        assert_eq!(core::mem::size_of::<Rule>(), 76);
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

    /// The id of the rule [`RuleTable::first_template`] answers (the slot it lives in).
    fn first_id<const N: usize, const B: usize>(
        t: &RuleTable<N, B>,
        iif: u32,
        source: &Addr,
        group: &Addr,
    ) -> Option<usize> {
        let found = t.first_template(iif, source, group)?;
        let mut rules = t.iter();
        rules
            .find(|(_, r)| core::ptr::eq(*r, found))
            .map(|(id, _)| id)
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
        assert_eq!(first_id(&t, 1, &a("10.0.0.1"), &a("225.1.1.2")), Some(i3));
        assert_eq!(first_id(&t, 0, &a("10.0.0.1"), &a("225.1.1.2")), None);
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
        assert_eq!(first_id(&t, 0, &a("10.0.0.1"), &a("225.1.1.1")), Some(wide));
        assert_eq!(
            first_id(&t, 1, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(other_if)
        );
        t.remove(wide);
        assert_eq!(
            first_id(&t, 0, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(narrow)
        );
        assert_eq!(first_id(&t, 0, &a("10.0.1.1"), &a("225.1.1.1")), None);
        // Re-adding puts it last: the narrow one now wins.
        t.insert(&rule(0, "0.0.0.0", 32, "225.0.0.0", 8)).unwrap();
        assert_eq!(
            first_id(&t, 0, &a("10.0.0.1"), &a("225.1.1.1")),
            Some(narrow)
        );
        // An exact rule is never a template.
        t.insert(&rule(0, "10.0.0.1", 32, "225.1.1.1", 32)).unwrap();
        assert_eq!(
            first_id(&t, 0, &a("10.0.0.1"), &a("225.1.1.1")),
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
        assert_eq!(first_id(&t, 0, &s, &g), Some(a1));
        t.remove(a2);
        assert_eq!(first_id(&t, 0, &s, &g), Some(a1));
        t.remove(a1);
        assert_eq!(first_id(&t, 0, &s, &g), Some(a3));
        let a4 = t.insert(&rule(0, "0.0.0.0", 32, "225.1.0.0", 16)).unwrap();
        t.remove(a3);
        assert_eq!(first_id(&t, 0, &s, &g), Some(a4));
        t.remove(a4);
        assert_eq!(first_id(&t, 0, &s, &g), None);
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
                assert_eq!(first_id(&t, 0, &s, &g), walked);
            }
        }
    }

    #[test]
    fn templates_of_many_shapes() {
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
        // 225.0.0.0/0 (len 0) covers everything and was inserted first.
        assert_eq!(
            first_id(&t, 0, &a("10.0.0.1"), &a("239.1.1.1")),
            Some(ids[0])
        );
        assert_eq!(first_id(&t, 0, &a("11.0.0.1"), &a("239.1.1.1")), None);
        for id in ids {
            t.remove(id);
        }
        assert_eq!(t.templates(), 0);
        assert_eq!(first_id(&t, 0, &a("10.0.0.1"), &a("225.0.0.0")), None);
    }
}
