//! A fixed-capacity slab: stable ids, O(1) insert and remove, iteration in insertion order.
//!
//! `heapless::FnvIndexMap::swap_remove` would reorder entries, but `show` and template
//! matching depend on insertion order, so values stay put and an intrusive list keeps the
//! order. Freed slots are reused (the reused slot goes to the back of the order).

use super::links::{self, Ends, Node, NO_NODE};
use super::Full;

/// The value of a [`Slab`]'s slots that were never used. Its bytes must all be zero: the
/// daemon's router is a `static` that stays in `.bss` only if it starts all zero.
pub trait Blank: Copy {
    /// The all-zero value.
    const BLANK: Self;
}

#[derive(Clone, Copy)]
struct Slot<T> {
    value: T,
    live: bool,
}

/// Up to `N` values of `T`, addressed by id, iterated in insertion order.
// `repr(C)`, scalars first: on MIPS a field past 32 KiB from the table costs three
// instructions to address (see `Router`).
#[repr(C)]
pub struct Slab<T: Blank, const N: usize> {
    head: Head,
    slots: [Slot<T>; N],
    nodes: [Node; N],
}

/// The scalars of a [`Slab`], whatever its type and length. `repr(C)`, the ends first:
/// they are the slab's first bytes, which its walks and its claim and release reach
/// with no offset added (x86_64 -16 B; mipsel 0).
#[repr(C)]
struct Head {
    /// The order and the freed ids are a [`super::Links`] in two parts: its ends here and
    /// its nodes last, so that the ends and the slots are both near the slab's start
    /// (cheaper to address on MIPS).
    ends: Ends,
    len: usize,
    /// Slots ever used; the ones from here on are blank and on no list. (A plain array
    /// and this count, not a `heapless::Vec`: its length sits after its megabyte of
    /// slots, and its push is a second copy of the insert.)
    used: usize,
}

/// Takes an id for a new value (the one released last, else the first never used),
/// puts it at the back of the order and counts it; `None` when all `nodes.len()` ids
/// are taken. Not generic: one copy serves every slab.
#[inline(never)]
fn claim(head: &mut Head, nodes: &mut [Node]) -> Option<usize> {
    let id = match links::reclaim(nodes, &mut head.ends) {
        Some(id) => id,
        None if head.used < nodes.len() => {
            head.used += 1;
            head.used - 1
        }
        None => return None,
    };
    links::push_back(nodes, &mut head.ends, id);
    head.len += 1;
    Some(id)
}

/// Takes live id `id` out of the order onto the free stack and uncounts it. Not
/// generic, as [`claim`].
#[inline(never)]
fn release(head: &mut Head, nodes: &mut [Node], id: usize) {
    links::release(nodes, &mut head.ends, id);
    head.len -= 1;
}

impl<T: Blank, const N: usize> Default for Slab<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Blank, const N: usize> Slab<T, N> {
    /// An empty slab (all zero bytes).
    pub const fn new() -> Self {
        Self {
            head: Head {
                len: 0,
                used: 0,
                ends: Ends::new(),
            },
            slots: [Slot {
                value: T::BLANK,
                live: false,
            }; N],
            nodes: [NO_NODE; N],
        }
    }

    /// Capacity.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.head.len
    }

    /// True if there are no values.
    pub fn is_empty(&self) -> bool {
        self.head.len == 0
    }

    /// True if an insert would fail.
    pub fn is_full(&self) -> bool {
        self.head.len >= N
    }

    /// Inserts at the back of the order. The value is not given back when full (no copy
    /// of a big `T` into the error).
    pub fn insert(&mut self, value: T) -> Result<usize, Full> {
        let id = claim(&mut self.head, &mut self.nodes).ok_or(Full)?;
        // Always there: `claim` gives ids below N.
        if let Some(slot) = self.slots.get_mut(id) {
            *slot = Slot { value, live: true };
        }
        Ok(id)
    }

    /// Inserts at the back of the order the value `fill` writes in place, into a slot
    /// that still holds an old value (so `fill` sets every field): no value is built
    /// elsewhere and copied in.
    pub fn insert_with(&mut self, fill: impl FnOnce(&mut T)) -> Result<usize, Full> {
        self.insert_in_place(fill).map(|(id, _)| id)
    }

    /// [`Slab::insert_with`], and the value inserted: no lookup of it by its new id.
    pub fn insert_in_place(&mut self, fill: impl FnOnce(&mut T)) -> Result<(usize, &mut T), Full> {
        let id = claim(&mut self.head, &mut self.nodes).ok_or(Full)?;
        // Always there: `claim` gives ids below N.
        let slot = self.slots.get_mut(id).ok_or(Full)?;
        slot.live = true;
        fill(&mut slot.value);
        Ok((id, &mut slot.value))
    }

    /// Removes the value with `id`; false if there was none. The value is not returned:
    /// no copy of a big `T` (read it first if it is needed).
    pub fn remove(&mut self, id: usize) -> bool {
        let Some(slot) = self.slots.get_mut(id).filter(|s| s.live) else {
            return false;
        };
        slot.live = false;
        release(&mut self.head, &mut self.nodes, id);
        true
    }

    /// Removes the value with `id`, which the caller has just found live: no second
    /// liveness check (the tables look a value up for its hash before removing it).
    pub fn remove_found(&mut self, id: usize) {
        debug_assert!(self.get(id).is_some(), "remove_found of a free id");
        if let Some(slot) = self.slots.get_mut(id) {
            slot.live = false;
            release(&mut self.head, &mut self.nodes, id);
        }
    }

    /// The value with `id`, if live. Not inlined: a call is smaller than the bounds and
    /// liveness checks at each of the many call sites.
    #[inline(never)]
    pub fn get(&self, id: usize) -> Option<&T> {
        self.slots.get(id).filter(|s| s.live).map(|s| &s.value)
    }

    /// The value with `id`, if live, mutably.
    #[inline(never)]
    pub fn get_mut(&mut self, id: usize) -> Option<&mut T> {
        self.slots
            .get_mut(id)
            .filter(|s| s.live)
            .map(|s| &mut s.value)
    }

    /// The oldest id.
    pub fn first(&self) -> Option<usize> {
        self.head.ends.front()
    }

    /// The id inserted after `id`. Take it before removing `id` when removing while
    /// walking.
    pub fn next(&self, id: usize) -> Option<usize> {
        links::next_of(&self.nodes, id)
    }

    /// The next id of walk `w` (insertion order), `None` at its end. The id after it is
    /// read now, so the caller may remove the id it was given. The work is in
    /// `Walk::step`, one copy for all slabs: a wrapper per slab type costs more than
    /// passing the ends and nodes at each walk.
    #[inline]
    pub fn step(&self, w: &mut Walk) -> Option<usize> {
        w.step(&self.head.ends, &self.nodes)
    }

    /// Ids and values in insertion order.
    pub fn iter(&self) -> Iter<'_, T, N> {
        Iter {
            slab: self,
            walk: Walk::new(),
        }
    }
}

/// A walk over the ids of a slab (see [`Slab::step`]) that survives the removal of the
/// id it just gave: `while let Some(id) = table.step(&mut walk)`.
#[derive(Clone, Copy, Debug)]
pub struct Walk {
    /// The next id as a link field (plus one, 0: the end), or [`Walk::START`].
    next: u32,
}

impl Walk {
    /// Not started: the next step gives the oldest id.
    const START: u32 = u32::MAX;

    /// A walk from the oldest id.
    pub const fn new() -> Self {
        Self { next: Self::START }
    }

    /// [`Slab::step`], not generic: one copy for every slab.
    #[inline(never)]
    fn step(&mut self, ends: &Ends, nodes: &[Node]) -> Option<usize> {
        let id = if self.next == Self::START {
            ends.front()
        } else {
            links::dec(self.next)
        }?;
        self.next = links::next_link(nodes, id);
        Some(id)
    }
}

impl Default for Walk {
    fn default() -> Self {
        Self::new()
    }
}

/// Iterator over a [`Slab`] in insertion order.
pub struct Iter<'a, T: Blank, const N: usize> {
    slab: &'a Slab<T, N>,
    walk: Walk,
}

impl<'a, T: Blank, const N: usize> Iterator for Iter<'a, T, N> {
    type Item = (usize, &'a T);

    fn next(&mut self) -> Option<Self::Item> {
        let id = self.slab.step(&mut self.walk)?;
        self.slab.get(id).map(|v| (id, v))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    impl Blank for u8 {
        const BLANK: u8 = 0;
    }

    fn values<const N: usize>(s: &Slab<u8, N>) -> Vec<u8> {
        s.iter().map(|(_, v)| *v).collect()
    }

    #[test]
    fn full_remove_reinsert() {
        let mut s = Slab::<u8, 2>::new();
        assert!(s.is_empty());
        let a = s.insert(1).unwrap();
        let b = s.insert(2).unwrap();
        assert!(s.is_full());
        assert_eq!(s.insert(3), Err(Full));
        assert_eq!(values(&s), [1, 2]);
        assert!(s.remove(a));
        assert!(!s.remove(a));
        assert_eq!(s.get(a), None);
        let c = s.insert(3).unwrap();
        assert_eq!(c, a, "slot reused");
        assert_eq!(values(&s), [2, 3], "reused slot goes to the back");
        *s.get_mut(b).unwrap() = 9;
        assert_eq!(values(&s), [9, 3]);
        assert_eq!(s.len(), 2);
        assert_eq!(s.get(5), None);
        assert!(!s.remove(5));
        assert_eq!(s.capacity(), 2);
    }

    #[test]
    fn remove_while_walking() {
        let mut s = Slab::<u8, 4>::new();
        for v in 0..4 {
            s.insert(v).unwrap();
        }
        let mut cur = s.first();
        while let Some(id) = cur {
            cur = s.next(id);
            if s.get(id).is_some_and(|v| v % 2 == 0) {
                s.remove(id);
            }
        }
        assert_eq!(values(&s), [1, 3]);
    }

    #[test]
    fn walk_survives_removal() {
        let mut s = Slab::<u8, 4>::new();
        let mut w = Walk::new();
        assert_eq!(s.step(&mut w), None);
        assert_eq!(s.step(&mut w), None, "an ended walk stays ended");
        for v in 0..4 {
            s.insert(v).unwrap();
        }
        let mut w = Walk::new();
        let mut seen = Vec::new();
        while let Some(id) = s.step(&mut w) {
            seen.push(id);
            if id % 2 == 0 {
                s.remove(id);
            }
        }
        assert_eq!(seen, [0, 1, 2, 3]);
        assert_eq!(values(&s), [1, 3]);
        // The next id removed meanwhile is still given (the caller's `get` skips it),
        // and the walk ends there, as with `next`.
        let mut w = Walk::new();
        assert_eq!(s.step(&mut w), Some(1));
        s.remove(3);
        assert_eq!(s.step(&mut w), Some(3));
        assert_eq!(s.get(3), None);
        assert_eq!(s.step(&mut w), None);
    }
}
