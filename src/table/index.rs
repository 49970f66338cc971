//! Hash indexes of slab ids: [`HashIndex`].
//!
//! [`HashIndex`] is open addressing with linear probing and backward-shift deletion (no
//! tombstones, so a cache with constant churn never degrades). It stores ids, not keys:
//! the caller hashes its key and confirms a candidate against its own slab. Each slot
//! also keeps the high bits of its hash (the "tag"), so a lookup only asks the caller to
//! confirm ids whose hash agrees, not every id of the probe run. The home bucket is taken
//! from bits of the tag ([`HOME_SHIFT`]), so a slot tells where its chain starts: a
//! removal shifts the chain back without asking the caller for the hashes of the other
//! ids (no callback per table). Ids are stored plus one so that a fresh index is all zero
//! bytes.
//!
//! Linear probing is O(1) expected when keys are distinct: ids sharing one key all land
//! in one probe run, which every insert of that key and every lookup walks (the
//! templates of one match key, which are few: see `super::rules`).

use crate::net::{Addr, Prefix};

use super::Full;

/// Index size for `n` entries: a power of two with load at most 2/3, never completely
/// full (an empty slot ends every probe chain).
pub const fn buckets(n: usize) -> usize {
    (n + n / 2 + 1).next_power_of_two()
}

/// A 32-bit hash of table keys: words are mixed in with a rotate, xor and multiply (as
/// rustc's FxHash does) and the result is avalanched (murmur3's finaliser), so the low
/// bits (home bucket) and the high bits (tag) both depend on every input bit. Four bytes
/// per step: keys are addresses and short names, hashed once per lookup.
#[derive(Clone, Copy)]
pub struct KeyHash(u32);

impl Default for KeyHash {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyHash {
    const K: u32 = 0x9e37_79b9;

    /// The initial state.
    pub const fn new() -> Self {
        Self(0)
    }

    /// Mixes a 32-bit number in.
    pub fn u32(self, n: u32) -> Self {
        Self((self.0.rotate_left(5) ^ n).wrapping_mul(Self::K))
    }

    /// Mixes one byte in.
    pub fn byte(self, b: u8) -> Self {
        self.u32(u32::from(b))
    }

    /// Mixes bytes in, four at a time (a short last group as a smaller number), and
    /// their number first.
    pub fn bytes(self, bytes: &[u8]) -> Self {
        let mut h = self.u32(bytes.len() as u32);
        for group in bytes.chunks(4) {
            // Little-endian, as `u32::from_le_bytes` of a full group.
            h = h.u32(group.iter().rev().fold(0, |w, &b| w << 8 | u32::from(b)));
        }
        h
    }

    /// Mixes an address in (family included: its octets and their number).
    pub fn addr(self, a: &Addr) -> Self {
        self.bytes(a.octets())
    }

    /// Mixes a prefix in: its address, then its length. Not inlined: one copy for the
    /// four prefixes of the rule and membership identities.
    #[inline(never)]
    pub fn prefix(self, p: &Prefix) -> Self {
        self.addr(&p.addr).byte(p.len)
    }

    /// The hash.
    pub fn finish(self) -> u32 {
        let mut h = self.0;
        h ^= h >> 16;
        h = h.wrapping_mul(0x85eb_ca6b);
        h ^= h >> 13;
        h = h.wrapping_mul(0xc2b2_ae35);
        h ^ (h >> 16)
    }
}

/// A hash index of ids with `B` buckets (`B` a power of two, larger than the slab).
// `repr(C)`, scalars first: on MIPS a field past 32 KiB from the table costs three
// instructions to address (see `Router`).
#[repr(C)]
pub struct HashIndex<const B: usize> {
    slots: [u32; B],
}

impl<const B: usize> Default for HashIndex<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const B: usize> HashIndex<B> {
    /// The probing derives its masks from the slot count (see [`Probe::of`]); the home
    /// bucket bits ([`HOME_SHIFT`] up) must lie within the tag, above the id bits.
    const POWER_OF_TWO: () = {
        assert!(B.is_power_of_two(), "buckets must be a power of two");
        assert!(B <= 1 << HOME_SHIFT, "home bucket bits must be tag bits");
    };

    /// An empty index.
    pub const fn new() -> Self {
        let () = Self::POWER_OF_TWO;
        Self { slots: [0; B] }
    }

    /// Number of ids (counted: only the tests ask).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|&&v| v != 0).count()
    }

    /// True if there are no ids.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `id` (not in the index yet) under `hash`. Fails if `id` does not fit beside
    /// the tag: ids are below `B - 1`, so at least one slot stays empty and ends every
    /// probe chain, and no count of the ids is needed to keep it so.
    pub fn insert(&mut self, hash: u32, id: usize) -> Result<(), Full> {
        Probe::insert(&mut self.slots, hash, id)
    }

    /// The first id on `hash`'s chain for which `pred` holds (the caller's key check).
    pub fn find(&self, hash: u32, mut pred: impl FnMut(usize) -> bool) -> Option<usize> {
        Probe::find(&self.slots, hash, &mut pred)
    }

    /// Puts `new` in the place of `old`, both under `hash`. False if `old` is absent or
    /// `new` does not fit.
    pub fn replace(&mut self, hash: u32, old: usize, new: usize) -> bool {
        Probe::replace(&mut self.slots, hash, old, new)
    }

    /// Removes `id`, which was inserted under `hash`.
    pub fn remove(&mut self, hash: u32, id: usize) {
        Probe::remove(&mut self.slots, hash, id);
    }
}

/// The lowest bit of a hash that picks its home bucket: above the id bits of a slot
/// (there are at most 16 of them), so the home bits are tag bits, kept in the slot.
const HOME_SHIFT: u32 = 16;

/// The probing of a [`HashIndex`], non-generic: one copy of the code serves every
/// index size and every key check (passed as `dyn`), where generic code was copied
/// into each caller. Its masks come from the slot count, not from the callers (two
/// arguments fewer at each call).
#[derive(Clone, Copy)]
struct Probe {
    /// Buckets minus one (their count is a power of two).
    mask: usize,
    /// Low bits of a slot that hold the id plus one (ids are below the bucket count);
    /// the rest hold the tag.
    id_mask: u32,
}

impl Probe {
    /// The masks of `slots`, whose length is a power of two.
    fn of(slots: &[u32]) -> Self {
        let mask = slots.len().wrapping_sub(1);
        Self {
            mask,
            id_mask: mask as u32,
        }
    }

    /// The home bucket of `hash`, or of a stored slot value (the bits it is taken from
    /// are tag bits, kept in the slot).
    fn start(self, hash: u32) -> usize {
        (hash >> HOME_SHIFT) as usize & self.mask
    }

    /// The tag bits of `hash`, in place (the id bits cleared).
    fn tag(self, hash: u32) -> u32 {
        hash & !self.id_mask
    }

    /// The slot value for `id` under `hash`, if `id` fits beside the tag.
    fn encode(self, hash: u32, id: usize) -> Option<u32> {
        let v = u32::try_from(id).ok()?.checked_add(1)?;
        (v & self.id_mask == v).then_some(self.tag(hash) | v)
    }

    /// The id in a non-empty slot value.
    fn id_of(self, v: u32) -> usize {
        ((v & self.id_mask) as usize).wrapping_sub(1)
    }

    #[inline(never)]
    fn insert(slots: &mut [u32], hash: u32, id: usize) -> Result<(), Full> {
        let p = Self::of(slots);
        let v = p.encode(hash, id).ok_or(Full)?;
        let mut pos = p.start(hash);
        for _ in 0..slots.len() {
            let slot = slots.get_mut(pos).ok_or(Full)?;
            if *slot == 0 {
                *slot = v;
                return Ok(());
            }
            pos = (pos + 1) & p.mask;
        }
        Err(Full)
    }

    /// The position of the first slot on `hash`'s chain whose id `pred` accepts; `pred`
    /// only sees ids stored under a hash with the same tag.
    #[inline(never)]
    fn position(slots: &[u32], hash: u32, pred: &mut dyn FnMut(usize) -> bool) -> Option<usize> {
        let p = Self::of(slots);
        let tag = p.tag(hash);
        let mut pos = p.start(hash);
        for _ in 0..slots.len() {
            match slots.get(pos) {
                Some(&v) if v != 0 => {
                    if v & !p.id_mask == tag && pred(p.id_of(v)) {
                        return Some(pos);
                    }
                }
                _ => return None,
            }
            pos = (pos + 1) & p.mask;
        }
        None
    }

    #[inline(never)]
    fn find(slots: &[u32], hash: u32, pred: &mut dyn FnMut(usize) -> bool) -> Option<usize> {
        let p = Self::of(slots);
        let pos = Self::position(slots, hash, pred)?;
        slots.get(pos).map(|&v| p.id_of(v))
    }

    #[inline(never)]
    fn replace(slots: &mut [u32], hash: u32, old: usize, new: usize) -> bool {
        let p = Self::of(slots);
        let Some(v) = p.encode(hash, new) else {
            return false;
        };
        match Self::position(slots, hash, &mut |id| id == old).and_then(|pos| slots.get_mut(pos)) {
            Some(slot) => {
                *slot = v;
                true
            }
            None => false,
        }
    }

    #[inline(never)]
    fn remove(slots: &mut [u32], hash: u32, id: usize) {
        let p = Self::of(slots);
        let Some(mut hole) = Self::position(slots, hash, &mut |x| x == id) else {
            return;
        };
        let mut j = hole;
        for _ in 0..slots.len() {
            j = (j + 1) & p.mask;
            let v = match slots.get(j) {
                Some(&v) if v != 0 => v,
                _ => break,
            };
            let ideal = p.start(v);
            // The entry at j may fill the hole if its ideal slot is not inside (hole, j].
            if (j.wrapping_sub(ideal) & p.mask) >= (j.wrapping_sub(hole) & p.mask) {
                if let Some(s) = slots.get_mut(hole) {
                    *s = v;
                }
                hole = j;
            }
        }
        if let Some(s) = slots.get_mut(hole) {
            *s = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(buckets(2), 4);
        assert_eq!(buckets(4096), 8192);
        assert_eq!(buckets(10240), 16384);
        assert_eq!(buckets(0), 1);
    }

    /// Every id stored under `h`'s tag (probing the whole run).
    fn chain<const B: usize>(ix: &HashIndex<B>, h: u32) -> Vec<usize> {
        let mut v = Vec::new();
        Probe::position(&ix.slots, h, &mut |id| {
            v.push(id);
            false
        });
        v
    }

    #[test]
    fn collisions_and_backward_shift() {
        // Home of id = id / 2: ids 0,1 collide at 0; 2,3 at 1; wrap-around at the end.
        let hash_of = |id: usize| ((id / 2) as u32) << HOME_SHIFT;
        let mut ix = HashIndex::<8>::new();
        for id in 0..6 {
            ix.insert(hash_of(id), id).unwrap();
        }
        assert_eq!(ix.len(), 6);
        assert_eq!(ix.find(hash_of(1), |id| id == 1), Some(1));
        assert_eq!(ix.find(hash_of(3), |id| id == 3), Some(3));
        ix.remove(hash_of(0), 0);
        // Everything still reachable from its own hash.
        for id in 1..6 {
            assert_eq!(ix.find(hash_of(id), |x| x == id), Some(id), "{id}");
        }
        ix.remove(hash_of(2), 2);
        ix.remove(hash_of(1), 1);
        for id in [3, 4, 5] {
            assert_eq!(ix.find(hash_of(id), |x| x == id), Some(id), "{id}");
        }
        assert_eq!(ix.find(hash_of(1), |x| x == 1), None);
        // Removing an absent id changes nothing.
        ix.remove(hash_of(1), 1);
        assert_eq!(ix.len(), 3);
        assert!(!ix.is_empty());
        // Wrap-around chain.
        let (h3, h2) = (3 << HOME_SHIFT, 2 << HOME_SHIFT);
        let mut w = HashIndex::<4>::new();
        w.insert(h3, 0).unwrap();
        w.insert(h3, 1).unwrap();
        w.insert(h3, 2).unwrap();
        assert_eq!(
            w.insert(h3, 3),
            Err(Full),
            "id 3 does not fit: a slot stays empty"
        );
        assert_eq!(chain(&w, h3), [0, 1, 2]);
        w.remove(h3, 0);
        assert_eq!(chain(&w, h3), [1, 2]);
        w.insert(h2, 0).unwrap();
        // In the free slot before the wrapped chain, which stays whole (the chains of two
        // home buckets never share a tag: the home bits are tag bits).
        assert_eq!(chain(&w, h2), [0]);
        assert_eq!(chain(&w, h3), [1, 2]);
        assert_eq!(w.slots, [h3 | 3, 0, h2 | 1, h3 | 2]);
        // An id that does not fit beside the tag is refused, not truncated.
        assert_eq!(HashIndex::<4>::new().insert(0, 4), Err(Full));
    }

    #[test]
    fn tags_skip_other_hashes() {
        let mut ix = HashIndex::<16>::new();
        // Same home bucket (bits 16 to 19), different tags.
        ix.insert(0x13_0003, 1).unwrap();
        ix.insert(0x23_0003, 2).unwrap();
        let mut asked = Vec::new();
        let found = ix.find(0x23_0003, |id| {
            asked.push(id);
            id == 2
        });
        assert_eq!((found, asked), (Some(2), std::vec![2]));
        assert_eq!(ix.find(0x33_0003, |_| true), None);
        assert!(ix.replace(0x23_0003, 2, 5));
        assert_eq!(ix.find(0x23_0003, |_| true), Some(5));
        assert!(!ix.replace(0x23_0003, 2, 6), "old id gone");
        assert!(!ix.replace(0x23_0003, 5, 16), "new id too big");
        ix.remove(0x13_0003, 1);
        assert_eq!(ix.find(0x23_0003, |_| true), Some(5));
        assert_eq!(ix.len(), 1);
    }

    #[test]
    fn churn_keeps_working() {
        let hash_of = |id: usize| (id as u32).wrapping_mul(2_654_435_761);
        let mut ix = HashIndex::<16>::new();
        for round in 0..200usize {
            let id = round % 11;
            if ix.find(hash_of(id), |x| x == id).is_some() {
                ix.remove(hash_of(id), id);
            } else {
                ix.insert(hash_of(id), id).unwrap();
            }
            assert!(ix.len() <= 11);
        }
    }

    #[test]
    fn key_hash_spreads() {
        let h = |s: &str| KeyHash::new().addr(&Addr::parse(s).unwrap()).finish();
        assert_ne!(h("225.1.1.1"), h("225.1.1.2"));
        assert_ne!(h("::"), h("0.0.0.0"));
        assert_ne!(h("ff2e::1"), h("ff2e::2"));
        assert_eq!(
            KeyHash::default().u32(1).finish(),
            KeyHash::new().u32(1).finish()
        );
        // Names: length and tail bytes count.
        let n = |s: &str| KeyHash::new().bytes(s.as_bytes()).finish();
        assert_ne!(n("eth0"), n("eth1"));
        assert_ne!(n("a"), n("a\0"));
        assert_ne!(n("eth10"), n("eth11"));
        assert_ne!(
            KeyHash::new().byte(1).finish(),
            KeyHash::new().byte(2).finish()
        );
        // 4,096 consecutive sources of one group over 8,192 buckets: home buckets and
        // tags both spread (few home buckets shared, no tag shared by many).
        let mut homes = std::collections::HashMap::new();
        let mut tags = std::collections::HashMap::new();
        for i in 0..4096u32 {
            let s = Addr::V4((0xc612_0000 + i).to_be_bytes());
            let x = KeyHash::new()
                .addr(&s)
                .addr(&Addr::V4([225, 1, 0, 1]))
                .finish();
            *homes.entry((x >> HOME_SHIFT) & 8191).or_insert(0) += 1;
            *tags.entry(x >> 13).or_insert(0) += 1;
        }
        assert!(homes.len() > 3000, "{}", homes.len());
        assert!(*tags.values().max().unwrap() <= 3);
    }
}
