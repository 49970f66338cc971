//! The pending list (SMCRoute §3.3): directives waiting for their interfaces, kept as the
//! words they were written with so they can be replayed later.

use super::slab::Blank;
use super::{Slab, Text};

/// Bytes of words one entry can hold (a conf line is at most 511 bytes).
pub const PENDING_TEXT: usize = 512;

/// What a pending entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An `mroute` / `add`.
    Mroute,
    /// An `mgroup` / `join`.
    Mgroup,
}

/// A route's or a membership's words as written (conf line, IPC command or pending
/// entry): passed on by reference, one pointer, not eight words at every call between
/// the parsers, the router's two bodies and this list.
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    /// The inbound interface word (may be a wildcard).
    pub iif: &'a str,
    /// The source word, if any.
    pub source: Option<&'a str>,
    /// The group word.
    pub group: &'a str,
    /// The outbound interface words (none for a membership).
    pub oifs: &'a [&'a str],
}

/// One pending directive. Words are stored NUL-separated (no IPC or conf word can hold a
/// NUL): IIF, optional source, group, OIFs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// Route or group.
    pub kind: Kind,
    words: Text<PENDING_TEXT>,
    has_source: bool,
}

/// Appends a NUL and `word` (a word after the first). Not inlined: one call per word,
/// not two pushes and their checks.
#[inline(never)]
fn push_word(words: &mut Text<PENDING_TEXT>, word: &str) -> Option<()> {
    words.push_str("\0").ok()?;
    words.push_str(word).ok()
}

impl Pending {
    /// Builds an entry; `None` if the words do not fit. (The tests' way in: the router
    /// writes entries in place through [`PendingTable::add_words`].)
    #[cfg(test)]
    pub fn new(
        kind: Kind,
        iif: &str,
        source: Option<&str>,
        group: &str,
        oifs: &[&str],
    ) -> Option<Self> {
        let mut p = Self::BLANK;
        let w = Words {
            iif,
            source,
            group,
            oifs,
        };
        p.write(kind, &w).map(|()| p)
    }

    /// Makes this the entry of these words, in place; `None` if they do not fit. (A
    /// slice, not an iterator: one copy of the code.)
    fn write(&mut self, kind: Kind, w: &Words<'_>) -> Option<()> {
        self.kind = kind;
        self.has_source = w.source.is_some();
        let words = &mut self.words;
        words.clear();
        words.push_str(w.iif).ok()?;
        if let Some(s) = w.source {
            push_word(words, s)?;
        }
        push_word(words, w.group)?;
        for o in w.oifs {
            push_word(words, o)?;
        }
        Some(())
    }

    fn word(&self, n: usize) -> &str {
        self.args().nth(n).unwrap_or("")
    }

    /// The inbound interface word.
    pub fn iif(&self) -> &str {
        self.word(0)
    }

    /// The source word.
    pub fn source(&self) -> Option<&str> {
        self.has_source.then(|| self.word(1))
    }

    /// The group word.
    pub fn group(&self) -> &str {
        self.word(if self.has_source { 2 } else { 1 })
    }

    /// The outbound interface words.
    pub fn oifs(&self) -> impl Iterator<Item = &str> {
        self.args().skip(if self.has_source { 3 } else { 2 })
    }

    /// True if the words include a source (the second word).
    pub fn has_source(&self) -> bool {
        self.has_source
    }

    /// True if `o` is the same directive written the same way.
    fn same_as(&self, o: &Pending) -> bool {
        self.kind == o.kind
            && self.has_source == o.has_source
            && self.words.as_bytes() == o.words.as_bytes()
    }

    /// All words in order: IIF, source (if any), group, OIFs: the bytes between the
    /// NULs, by core's slice split on a byte (x86_64 .text -13 B against `fmt::fields`,
    /// which then went).
    pub fn args(&self) -> impl Iterator<Item = &str> {
        self.words
            .as_bytes()
            .split(|&b| b == 0)
            .map(crate::fmt::utf8_prefix)
    }
}

impl Blank for Pending {
    const BLANK: Self = Self {
        kind: Kind::Mroute,
        words: Text::new(),
        has_source: false,
    };
}

/// Up to `N` pending entries in arrival order, without duplicates.
pub struct PendingTable<const N: usize> {
    slab: Slab<Pending, N>,
    /// The entry [`PendingTable::add_words`] writes, in place: not built on the stack
    /// of each caller and copied in (an entry is half a kilobyte).
    draft: Pending,
}

/// Why [`PendingTable::add_words`] queued nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddError {
    /// The words do not fit in an entry.
    TooLong,
    /// The list is full.
    Full,
}

impl<const N: usize> Default for PendingTable<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> PendingTable<N> {
    /// An empty list.
    pub const fn new() -> Self {
        Self {
            slab: Slab::new(),
            draft: Pending::BLANK,
        }
    }

    /// Capacity.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Adds the entry of these words unless an identical entry is queued. `Ok(false)`
    /// for a duplicate (even when the list is full). The list is short (a few hundred
    /// at most), so the duplicate check walks it, comparing the words written (not the
    /// whole buffers).
    pub fn add_words(&mut self, kind: Kind, w: &Words<'_>) -> Result<bool, AddError> {
        let draft = &mut self.draft;
        draft.write(kind, w).ok_or(AddError::TooLong)?;
        // A plain walk of the ids, not a slab iterator chain.
        let mut walk = super::Walk::new();
        while let Some(id) = self.slab.step(&mut walk) {
            if self.slab.get(id).is_some_and(|q| q.same_as(draft)) {
                return Ok(false);
            }
        }
        self.slab
            .insert_with(|slot| *slot = *draft)
            .map(|_| true)
            .map_err(|_| AddError::Full)
    }

    /// Removes entry `id`; false if there was none.
    pub fn remove(&mut self, id: usize) -> bool {
        self.slab.remove(id)
    }

    /// Empties the list.
    pub fn clear(&mut self) {
        while let Some(id) = self.slab.first() {
            self.slab.remove(id);
        }
    }

    /// Entry `id`.
    pub fn get(&self, id: usize) -> Option<&Pending> {
        self.slab.get(id)
    }

    /// The oldest entry.
    pub fn first(&self) -> Option<usize> {
        self.slab.first()
    }

    /// The entry after `id`.
    pub fn next(&self, id: usize) -> Option<usize> {
        self.slab.next(id)
    }

    /// The next id of walk `w` in insertion order (see [`super::Slab::step`]).
    pub fn step(&self, w: &mut super::Walk) -> Option<usize> {
        self.slab.step(w)
    }

    /// Entries in order.
    pub fn iter(&self) -> super::slab::Iter<'_, Pending, N> {
        self.slab.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.slab.len()
    }

    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn words_round_trip() {
        let p = Pending::new(Kind::Mroute, "wg0", None, "239.5.5.5", &["a2", "a3"]).unwrap();
        assert_eq!(p.iif(), "wg0");
        assert_eq!(p.source(), None);
        assert_eq!(p.group(), "239.5.5.5");
        assert_eq!(p.oifs().collect::<Vec<_>>(), ["a2", "a3"]);
        let q = Pending::new(Kind::Mgroup, "a1", Some("10.0.0.10"), "225.1.2.3", &[]).unwrap();
        assert_eq!(q.source(), Some("10.0.0.10"));
        assert!(q.has_source() && !p.has_source());
        assert_eq!(q.group(), "225.1.2.3");
        assert_eq!(q.oifs().count(), 0);
        assert_eq!(
            q.args().collect::<Vec<_>>(),
            ["a1", "10.0.0.10", "225.1.2.3"]
        );
        let long = "x".repeat(600);
        assert_eq!(Pending::new(Kind::Mgroup, &long, None, "g", &[]), None);
    }

    #[test]
    fn full_dedup_remove_reinsert() {
        let mut t = PendingTable::<2>::new();
        let add = |t: &mut PendingTable<2>, group: &str| {
            let w = Words {
                iif: "a1",
                source: None,
                group,
                oifs: &[],
            };
            t.add_words(Kind::Mgroup, &w)
        };
        assert_eq!(add(&mut t, "225.1.1.1"), Ok(true));
        assert_eq!(add(&mut t, "225.1.1.1"), Ok(false));
        assert_eq!(add(&mut t, "225.1.1.2"), Ok(true));
        assert_eq!(add(&mut t, "225.1.1.3"), Err(AddError::Full));
        // A duplicate of a queued entry is one when the list is full, too.
        assert_eq!(add(&mut t, "225.1.1.2"), Ok(false));
        let long = "x".repeat(600);
        assert_eq!(add(&mut t, &long), Err(AddError::TooLong));
        let first = t.first().unwrap();
        assert_eq!(t.get(first).map(|e| e.group()), Some("225.1.1.1"));
        assert!(t.remove(first));
        assert!(!t.remove(first));
        assert_eq!(add(&mut t, "225.1.1.3"), Ok(true));
        let groups: Vec<_> = t.iter().map(|(_, e)| e.group()).collect();
        assert_eq!(groups, ["225.1.1.2", "225.1.1.3"]);
        assert_eq!(t.len(), 2);
        assert!(t.get(t.first().unwrap()).is_some());
        assert!(t.next(t.first().unwrap()).is_some());
        t.clear();
        assert!(t.is_empty());
        assert_eq!(t.capacity(), 2);
    }
}
