//! An intrusive doubly linked list over slot ids `0..N`, stored as one array of nodes.
//!
//! Ids are stored plus one so that zero means "none": a fresh list is all zero bytes.
//!
//! Ids released from the list wait for reuse on a free stack threaded through `prev`
//! (which an id off the list does not need; its `next` stays zero, so a walk that reaches
//! it ends as before): the slab needs no free list of its own.

/// A doubly linked list of ids below `N`; each id is in the list at most once.
// `repr(C)`, scalars first: on MIPS a field past 32 KiB from the table costs three
// instructions to address (see `Router`).
#[repr(C)]
pub struct Links<const N: usize> {
    ends: Ends,
    nodes: [Node; N],
}

/// The neighbours of one id (plus one; zero for none).
#[derive(Clone, Copy)]
pub(crate) struct Node {
    prev: u32,
    next: u32,
}

/// First and last id of the list, and the top of the free stack (plus one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ends {
    head: u32,
    tail: u32,
    free: u32,
}

/// No neighbours.
pub(crate) const NO_NODE: Node = Node { prev: 0, next: 0 };

impl Ends {
    /// An empty list.
    pub(crate) const fn new() -> Self {
        Self {
            head: 0,
            tail: 0,
            free: 0,
        }
    }

    /// The first id.
    pub(crate) fn front(&self) -> Option<usize> {
        dec(self.head)
    }

    /// The last id.
    pub(crate) fn back(&self) -> Option<usize> {
        dec(self.tail)
    }
}

/// The link field after `id` (the id plus one, 0 for none), in a list kept as separate
/// parts.
pub(crate) fn next_link(nodes: &[Node], id: usize) -> u32 {
    nodes.get(id).map_or(0, |n| n.next)
}

/// The id before `id`, in a list kept as separate parts.
pub(crate) fn prev_of(nodes: &[Node], id: usize) -> Option<usize> {
    nodes.get(id).and_then(|n| dec(n.prev))
}

/// The id after `id`, in a list kept as separate parts (see [`super::Slab`]).
pub(crate) fn next_of(nodes: &[Node], id: usize) -> Option<usize> {
    nodes.get(id).and_then(|n| dec(n.next))
}

impl<const N: usize> Default for Links<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// An id as stored in a link field: id plus one, so 0 means "none".
pub(crate) fn enc(id: usize) -> u32 {
    u32::try_from(id).map_or(0, |v| v.wrapping_add(1))
}

/// The id of a stored link field, `None` for 0.
pub(crate) fn dec(v: u32) -> Option<usize> {
    v.checked_sub(1).map(|v| v as usize)
}

// The per-length methods below only pass the slice on: inlined, not one copy per length
// (-48 B on mipsel).
impl<const N: usize> Links<N> {
    /// An empty list.
    pub const fn new() -> Self {
        Self {
            nodes: [Node { prev: 0, next: 0 }; N],
            ends: Ends {
                head: 0,
                tail: 0,
                free: 0,
            },
        }
    }

    /// The first id.
    pub fn front(&self) -> Option<usize> {
        dec(self.ends.head)
    }

    /// The id after `id`.
    pub fn next(&self, id: usize) -> Option<usize> {
        self.nodes.get(id).and_then(|n| dec(n.next))
    }

    /// Appends `id` (which must not be in the list) at the back.
    #[inline(always)]
    pub fn push_back(&mut self, id: usize) {
        push_back(&mut self.nodes, &mut self.ends, id);
    }

    /// Removes `id` (which must be in the list).
    #[inline(always)]
    pub fn unlink(&mut self, id: usize) {
        unlink(&mut self.nodes, &mut self.ends, id);
    }

    /// Removes `id` (which must be in the list) and puts it on the free stack.
    #[inline(always)]
    pub fn release(&mut self, id: usize) {
        release(&mut self.nodes, &mut self.ends, id);
    }

    /// Takes the id released last off the free stack.
    #[inline(always)]
    pub fn reclaim(&mut self) -> Option<usize> {
        reclaim(&mut self.nodes, &mut self.ends)
    }

    /// Moves `id` (which must be in the list) to the back.
    pub fn move_to_back(&mut self, id: usize) {
        self.unlink(id);
        self.push_back(id);
    }
}

// The list operations work on slices, not `[Node; N]`: one copy of the code for every
// list length. Ids out of range are ignored.

#[inline(never)]
pub(crate) fn push_back(nodes: &mut [Node], ends: &mut Ends, id: usize) {
    let e = enc(id);
    let tail = ends.tail;
    let Some(node) = nodes.get_mut(id) else {
        return;
    };
    *node = Node {
        prev: tail,
        next: 0,
    };
    match dec(tail).and_then(|t| nodes.get_mut(t)) {
        Some(t) => t.next = e,
        None => ends.head = e,
    }
    ends.tail = e;
}

#[inline(never)]
pub(crate) fn unlink(nodes: &mut [Node], ends: &mut Ends, id: usize) {
    let Some(node) = nodes.get_mut(id) else {
        return;
    };
    let Node { prev: p, next: n } = *node;
    *node = Node { prev: 0, next: 0 };
    match dec(p).and_then(|p| nodes.get_mut(p)) {
        Some(pn) => pn.next = n,
        None => ends.head = n,
    }
    match dec(n).and_then(|n| nodes.get_mut(n)) {
        Some(np) => np.prev = p,
        None => ends.tail = p,
    }
}

// Out of line except on x86_64, where LLVM puts it in line by itself (smaller there).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
pub(crate) fn release(nodes: &mut [Node], ends: &mut Ends, id: usize) {
    unlink(nodes, ends, id);
    if let Some(node) = nodes.get_mut(id) {
        node.prev = ends.free;
        ends.free = enc(id);
    }
}

// In line on x86_64, where its few calls measured smaller so (-72 B).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub(crate) fn reclaim(nodes: &mut [Node], ends: &mut Ends) -> Option<usize> {
    let id = dec(ends.free)?;
    let node = nodes.get_mut(id)?;
    ends.free = node.prev;
    node.prev = 0;
    Some(id)
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

    #[test]
    fn release_reclaim() {
        let mut l = Links::<4>::new();
        assert_eq!(l.reclaim(), None);
        for id in [3, 1, 0, 2] {
            l.push_back(id);
        }
        l.release(1);
        l.release(2);
        assert_eq!(collect(&l), [3, 0]);
        assert_eq!(l.next(1), None, "a released id ends a walk");
        assert_eq!(l.reclaim(), Some(2), "last released first");
        assert_eq!(l.reclaim(), Some(1));
        assert_eq!(l.reclaim(), None);
        l.push_back(1);
        assert_eq!(collect(&l), [3, 0, 1]);
        // Out-of-range ids are ignored, not a panic.
        l.release(9);
        assert_eq!(l.reclaim(), None);
    }
}
