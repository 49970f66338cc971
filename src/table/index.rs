//! An open-addressing hash index of slab ids (linear probing, backward-shift deletion).
//!
//! The index stores only ids, never keys: the caller hashes its key and confirms a
//! candidate id against its own slab. Several ids may share a hash or a key (multi-map);
//! lookups walk the probe chain. Deletion shifts later entries back instead of leaving
//! tombstones, so a cache with constant churn never degrades. Ids are stored plus one so
//! that a fresh index is all zero bytes.

use crate::net::Addr;

use super::Full;

/// Index size for `n` entries: a power of two with load at most 2/3, never completely
/// full (an empty slot ends every probe chain).
pub const fn buckets(n: usize) -> usize {
    (n + n / 2 + 1).next_power_of_two()
}

/// 32-bit FNV-1a, enough to spread addresses and names over a power-of-two table.
#[derive(Clone, Copy)]
pub struct Fnv(u32);

impl Default for Fnv {
    fn default() -> Self {
        Self::new()
    }
}

impl Fnv {
    /// The offset basis.
    pub const fn new() -> Self {
        Self(0x811c_9dc5)
    }

    /// Mixes bytes in.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        for &b in bytes {
            self.0 = (self.0 ^ b as u32).wrapping_mul(0x0100_0193);
        }
        self
    }

    /// Mixes one byte in.
    pub fn byte(self, b: u8) -> Self {
        self.bytes(&[b])
    }

    /// Mixes a 32-bit number in.
    pub fn u32(self, n: u32) -> Self {
        self.bytes(&n.to_le_bytes())
    }

    /// Mixes an address in (family included).
    pub fn addr(self, a: &Addr) -> Self {
        self.byte(a.family().bits()).bytes(a.octets())
    }

    /// The hash.
    pub fn finish(self) -> u32 {
        // Fold the high bits down: the index uses the low bits only.
        self.0 ^ (self.0 >> 16)
    }
}

/// A hash index of ids with `B` buckets (`B` a power of two, larger than the slab).
pub struct HashIndex<const B: usize> {
    slots: [u32; B],
    len: usize,
}

impl<const B: usize> Default for HashIndex<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const B: usize> HashIndex<B> {
    const MASK: usize = B.wrapping_sub(1);

    /// An empty index.
    pub const fn new() -> Self {
        Self {
            slots: [0; B],
            len: 0,
        }
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if there are no ids.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn start(hash: u32) -> usize {
        hash as usize & Self::MASK
    }

    /// Adds `id` under `hash`. Fails only if the index would lose its last empty slot.
    pub fn insert(&mut self, hash: u32, id: usize) -> Result<(), Full> {
        if self.len + 1 >= B {
            return Err(Full);
        }
        let v = u32::try_from(id)
            .ok()
            .and_then(|v| v.checked_add(1))
            .ok_or(Full)?;
        let mut pos = Self::start(hash);
        for _ in 0..B {
            let slot = self.slots.get_mut(pos).ok_or(Full)?;
            if *slot == 0 {
                *slot = v;
                self.len += 1;
                return Ok(());
            }
            pos = (pos + 1) & Self::MASK;
        }
        Err(Full)
    }

    /// The first id on `hash`'s chain for which `pred` holds.
    pub fn find(&self, hash: u32, mut pred: impl FnMut(usize) -> bool) -> Option<usize> {
        let mut found = None;
        self.walk(hash, |id| {
            if found.is_none() && pred(id) {
                found = Some(id);
            }
        });
        found
    }

    /// Calls `f` with every id on `hash`'s chain (callers confirm the key).
    pub fn walk(&self, hash: u32, mut f: impl FnMut(usize)) {
        let mut pos = Self::start(hash);
        for _ in 0..B {
            match self.slots.get(pos) {
                Some(&v) if v != 0 => f(v as usize - 1),
                _ => return,
            }
            pos = (pos + 1) & Self::MASK;
        }
    }

    /// Removes `id`, which was inserted under `hash`. `hash_of` gives the hash of any
    /// other stored id, needed to shift the rest of the chain back.
    pub fn remove(&mut self, hash: u32, id: usize, hash_of: impl Fn(usize) -> u32) {
        let want = match u32::try_from(id).ok().and_then(|v| v.checked_add(1)) {
            Some(v) => v,
            None => return,
        };
        let mut pos = Self::start(hash);
        let mut hole = None;
        for _ in 0..B {
            match self.slots.get(pos) {
                Some(&v) if v == want => {
                    hole = Some(pos);
                    break;
                }
                Some(&v) if v != 0 => pos = (pos + 1) & Self::MASK,
                _ => return,
            }
        }
        let Some(mut hole) = hole else { return };
        self.len -= 1;
        let mut j = hole;
        for _ in 0..B {
            j = (j + 1) & Self::MASK;
            let v = match self.slots.get(j) {
                Some(&v) if v != 0 => v,
                _ => break,
            };
            let ideal = Self::start(hash_of(v as usize - 1));
            // The entry at j may fill the hole if its ideal slot is not inside (hole, j].
            if (j.wrapping_sub(ideal) & Self::MASK) >= (j.wrapping_sub(hole) & Self::MASK) {
                if let Some(s) = self.slots.get_mut(hole) {
                    *s = v;
                }
                hole = j;
            }
        }
        if let Some(s) = self.slots.get_mut(hole) {
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

    fn chain<const B: usize>(ix: &HashIndex<B>, h: u32) -> Vec<usize> {
        let mut v = Vec::new();
        ix.walk(h, |id| v.push(id));
        v
    }

    #[test]
    fn collisions_and_backward_shift() {
        // Hash of id = id / 2: ids 0,1 collide at 0; 2,3 at 1; wrap-around at the end.
        let hash_of = |id: usize| (id / 2) as u32;
        let mut ix = HashIndex::<8>::new();
        for id in 0..6 {
            ix.insert(hash_of(id), id).unwrap();
        }
        assert_eq!(ix.len(), 6);
        assert_eq!(ix.find(0, |id| id == 1), Some(1));
        assert_eq!(ix.find(1, |id| id == 3), Some(3));
        ix.remove(0, 0, hash_of);
        // Everything still reachable from its own hash.
        for id in 1..6 {
            assert_eq!(ix.find(hash_of(id), |x| x == id), Some(id), "{id}");
        }
        ix.remove(1, 2, hash_of);
        ix.remove(0, 1, hash_of);
        for id in [3, 4, 5] {
            assert_eq!(ix.find(hash_of(id), |x| x == id), Some(id), "{id}");
        }
        assert_eq!(ix.find(0, |x| x == 1), None);
        // Removing an absent id changes nothing.
        ix.remove(0, 1, hash_of);
        assert_eq!(ix.len(), 3);
        // Wrap-around chain.
        let mut w = HashIndex::<4>::new();
        w.insert(3, 10).unwrap();
        w.insert(3, 11).unwrap();
        w.insert(3, 12).unwrap();
        assert_eq!(w.insert(3, 13), Err(Full), "last empty slot kept");
        assert_eq!(chain(&w, 3), [10, 11, 12]);
        w.remove(3, 10, |_| 3);
        assert_eq!(chain(&w, 3), [11, 12]);
        w.insert(2, 20).unwrap();
        assert_eq!(chain(&w, 2), [20, 11, 12]);
    }

    #[test]
    fn churn_keeps_working() {
        let hash_of = |id: usize| (id as u32).wrapping_mul(2_654_435_761);
        let mut ix = HashIndex::<16>::new();
        for round in 0..200usize {
            let id = round % 11;
            if ix.find(hash_of(id), |x| x == id).is_some() {
                ix.remove(hash_of(id), id, hash_of);
            } else {
                ix.insert(hash_of(id), id).unwrap();
            }
            assert!(ix.len() <= 11);
        }
    }

    #[test]
    fn fnv_differs() {
        let a = Fnv::new().addr(&Addr::parse("225.1.1.1").unwrap()).finish();
        let b = Fnv::new().addr(&Addr::parse("225.1.1.2").unwrap()).finish();
        assert_ne!(a, b);
        assert_eq!(Fnv::default().u32(1).finish(), Fnv::new().u32(1).finish());
    }
}
