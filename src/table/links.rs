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
        push_back(
            &mut self.prev,
            &mut self.next,
            &mut self.head,
            &mut self.tail,
            id,
        );
    }

    /// Removes `id` (which must be in the list).
    pub fn unlink(&mut self, id: usize) {
        unlink(
            &mut self.prev,
            &mut self.next,
            &mut self.head,
            &mut self.tail,
            id,
        );
    }

    /// Moves `id` (which must be in the list) to the back.
    pub fn move_to_back(&mut self, id: usize) {
        self.unlink(id);
        self.push_back(id);
    }
}

// The list operations work on slices, not `[u32; N]`: one copy of the code for every
// list length. Ids out of range are ignored.

#[inline(never)]
fn push_back(prev: &mut [u32], next: &mut [u32], head: &mut u32, tail: &mut u32, id: usize) {
    let (Some(p), Some(n)) = (prev.get_mut(id), next.get_mut(id)) else {
        return;
    };
    let e = enc(id);
    *p = *tail;
    *n = 0;
    match dec(*tail).and_then(|t| next.get_mut(t)) {
        Some(t) => *t = e,
        None => *head = e,
    }
    *tail = e;
}

#[inline(never)]
fn unlink(prev: &mut [u32], next: &mut [u32], head: &mut u32, tail: &mut u32, id: usize) {
    let (Some(&p), Some(&n)) = (prev.get(id), next.get(id)) else {
        return;
    };
    match dec(p).and_then(|p| next.get_mut(p)) {
        Some(pn) => *pn = n,
        None => *head = n,
    }
    match dec(n).and_then(|n| prev.get_mut(n)) {
        Some(np) => *np = p,
        None => *tail = p,
    }
    if let Some(p) = prev.get_mut(id) {
        *p = 0;
    }
    if let Some(n) = next.get_mut(id) {
        *n = 0;
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
