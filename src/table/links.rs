//! An intrusive doubly linked list over slot ids `0..N`, stored as two arrays.
//!
//! Ids are stored plus one so that zero means "none": a fresh list is all zero bytes.

/// A doubly linked list of ids below `N`; each id is in the list at most once.
pub struct Links<const N: usize> {
    prev: [u32; N],
    next: [u32; N],
    head: u32,
    tail: u32,
}

impl<const N: usize> Default for Links<N> {
    fn default() -> Self {
        Self::new()
    }
}

fn enc(id: usize) -> u32 {
    u32::try_from(id).map_or(0, |v| v.wrapping_add(1))
}

fn dec(v: u32) -> Option<usize> {
    v.checked_sub(1).map(|v| v as usize)
}

impl<const N: usize> Links<N> {
    /// An empty list.
    pub const fn new() -> Self {
        Self {
            prev: [0; N],
            next: [0; N],
            head: 0,
            tail: 0,
        }
    }

    /// The first id.
    pub fn front(&self) -> Option<usize> {
        dec(self.head)
    }

    /// The id after `id`.
    pub fn next(&self, id: usize) -> Option<usize> {
        self.next.get(id).copied().and_then(dec)
    }

    /// Appends `id` (which must not be in the list) at the back.
    pub fn push_back(&mut self, id: usize) {
        if id >= N {
            return;
        }
        let e = enc(id);
        self.prev[id] = self.tail;
        self.next[id] = 0;
        match dec(self.tail) {
            Some(t) if t < N => self.next[t] = e,
            _ => self.head = e,
        }
        self.tail = e;
    }

    /// Removes `id` (which must be in the list).
    pub fn unlink(&mut self, id: usize) {
        if id >= N {
            return;
        }
        let (p, n) = (self.prev[id], self.next[id]);
        match dec(p) {
            Some(p) if p < N => self.next[p] = n,
            _ => self.head = n,
        }
        match dec(n) {
            Some(n) if n < N => self.prev[n] = p,
            _ => self.tail = p,
        }
        self.prev[id] = 0;
        self.next[id] = 0;
    }

    /// Moves `id` (which must be in the list) to the back.
    pub fn move_to_back(&mut self, id: usize) {
        self.unlink(id);
        self.push_back(id);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn collect<const N: usize>(l: &Links<N>) -> Vec<usize> {
        let mut v = Vec::new();
        let mut c = l.front();
        while let Some(id) = c {
            v.push(id);
            c = l.next(id);
        }
        v
    }

    #[test]
    fn push_unlink_move() {
        let mut l = Links::<3>::new();
        assert_eq!(l.front(), None);
        l.push_back(2);
        l.push_back(0);
        l.push_back(1);
        assert_eq!(collect(&l), [2, 0, 1]);
        l.move_to_back(2);
        assert_eq!(collect(&l), [0, 1, 2]);
        l.unlink(1);
        assert_eq!(collect(&l), [0, 2]);
        l.unlink(0);
        l.unlink(2);
        assert_eq!(collect(&l), []);
        l.push_back(1);
        assert_eq!(collect(&l), [1]);
        // Out-of-range ids are ignored, not a panic.
        l.push_back(7);
        l.unlink(7);
        assert_eq!(collect(&l), [1]);
    }
}
