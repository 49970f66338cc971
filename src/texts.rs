//! Tables of constant texts without pointers.
//!
//! A `&str` in a static table is 16 bytes on 64-bit targets plus a relocation, and the
//! table lands in the RELRO region (`.data.rel.ro`). [`Texts`] keeps the texts one after
//! the other with the end offset of each: plain bytes in `.rodata`, looked up by index.
//! The table is built at compile time from an array of `&str` that is never stored.

use crate::fmt::{as_utf8, join, joined_len};

/// `N` texts of `L` bytes together (`L` is [`joined_len`] of the parts).
pub struct Texts<const N: usize, const L: usize> {
    bytes: [u8; L],
    ends: [u16; N],
}

impl<const N: usize, const L: usize> Texts<N, L> {
    /// The table of `parts`, at compile time.
    pub const fn new(parts: &[&str; N]) -> Self {
        assert!(joined_len(parts) == L && L <= u16::MAX as usize);
        let mut ends = [0; N];
        let (mut i, mut at) = (0, 0);
        while i < N {
            at += parts[i].len();
            ends[i] = at as u16;
            i += 1;
        }
        Self {
            bytes: join(parts),
            ends,
        }
    }

    /// Text `i` (empty past the end).
    pub fn get(&'static self, i: usize) -> &'static [u8] {
        piece(&self.bytes, &self.ends, i)
    }
}

impl<const N: usize, const L: usize> Texts<N, L> {
    /// Text `i` as the `&str` it was built from (empty past the end): the texts are
    /// cut where the parts ended, so each is UTF-8 (checked by the programs' one UTF-8
    /// check, not an inlined `from_utf8`).
    pub fn get_str(&'static self, i: usize) -> &'static str {
        str_piece(&self.bytes, &self.ends, i)
    }
}

/// [`piece`] as text: one copy for every table (a table's `get_str` only passes its
/// bytes and ends on).
#[inline(never)]
fn str_piece(bytes: &'static [u8], ends: &[u16], i: usize) -> &'static str {
    as_utf8(piece(bytes, ends, i)).unwrap_or("")
}

/// Text `i` of `bytes` cut at `ends`: one copy for every table.
#[inline(never)]
fn piece(bytes: &'static [u8], ends: &[u16], i: usize) -> &'static [u8] {
    let start = match i.checked_sub(1) {
        Some(p) => ends.get(p).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(i).copied().unwrap_or(0);
    bytes
        .get(usize::from(start)..usize::from(end))
        .unwrap_or(&[])
}

/// `text` in a zeroed `[u8; N]` from byte `at` on, at compile time (a compile error if
/// it does not fit): a fixed-width row of a table, which holds no pointer.
pub const fn padded<const N: usize>(text: &str, at: usize) -> [u8; N] {
    let text = text.as_bytes();
    let mut row = [0; N];
    let mut i = 0;
    while i < text.len() {
        row[at + i] = text[i];
        i += 1;
    }
    row
}

/// The index of `text` in `parts`, at compile time (a compile error if it is not there).
pub const fn index_of(parts: &[&str], text: &str) -> usize {
    let mut i = 0;
    while i < parts.len() {
        if same(parts[i], text) {
            return i;
        }
        i += 1;
    }
    panic!("text not in its table");
}

/// `a == b` in a const fn.
pub const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// In a [packed](pack) text: where [`put_unpacked`] puts the text it is given.
pub const INSERT: u8 = 0x01;
/// In a packed text, byte `RUN_CODE + n` stands for `n` blanks, `2 <= n <=` [`MAX_RUN`]
/// (bytes 0x0d to 0x1f, which no usage text holds).
const RUN_CODE: u8 = 0x0b;
const MAX_RUN: usize = 20;
/// The blanks of the longest run.
const BLANKS: &[u8; MAX_RUN] = &[b' '; MAX_RUN];

/// Blanks at `text[i..]`, at most [`MAX_RUN`].
const fn run_at(text: &[u8], i: usize) -> usize {
    let mut n = 0;
    while i + n < text.len() && n < MAX_RUN && text[i + n] == b' ' {
        n += 1;
    }
    n
}

/// The bytes of `text` [packed](pack).
pub const fn packed_len(text: &[u8]) -> usize {
    let (mut i, mut len) = (0, 0);
    while i < text.len() {
        let run = run_at(text, i);
        i += if run >= 2 { run } else { 1 };
        len += 1;
    }
    len
}

/// `text` with each run of blanks made one byte, at compile time (the help texts are
/// laid out in columns: a few hundred blanks); a compile error if `text` holds a byte
/// that stands for blanks. [`put_unpacked`] writes it out as it was.
pub const fn pack<const N: usize>(text: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    let (mut i, mut at) = (0, 0);
    while i < text.len() {
        let run = run_at(text, i);
        if run >= 2 {
            out[at] = RUN_CODE + run as u8;
            i += run;
        } else {
            assert!(text[i] <= RUN_CODE + 1 || text[i] >= b' ');
            out[at] = text[i];
            i += 1;
        }
        at += 1;
    }
    assert!(at == N);
    out
}

/// Writes [packed](pack) text through `put` as it was before packing, with `insert`
/// where it holds [`INSERT`]: a call per stretch of text, run of blanks and insertion,
/// from one call site (the loop keeps nothing across two calls). One copy for both
/// programs' help texts.
pub fn put_unpacked(packed: &[u8], insert: &[u8], put: &mut dyn FnMut(&[u8])) {
    let mut rest = packed;
    while let [first, tail @ ..] = rest {
        let run = usize::from(first.wrapping_sub(RUN_CODE));
        let (piece, after) = if *first == INSERT {
            (insert, tail)
        } else if (2..=MAX_RUN).contains(&run) {
            (BLANKS.get(..run).unwrap_or(&[]), tail)
        } else {
            // The text up to the next code byte.
            let mut end = 1;
            while let Some(&b) = rest.get(end) {
                if b == INSERT || (2..=MAX_RUN).contains(&usize::from(b.wrapping_sub(RUN_CODE))) {
                    break;
                }
                end += 1;
            }
            rest.split_at_checked(end).unwrap_or((rest, &[]))
        };
        put(piece);
        rest = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: [&str; 4] = ["ab", "", "cde", "f"];
    static TABLE: Texts<4, { joined_len(&PARTS) }> = Texts::new(&PARTS);

    #[test]
    fn texts_by_index() {
        for (i, p) in PARTS.iter().enumerate() {
            assert_eq!(TABLE.get(i), p.as_bytes());
        }
        assert_eq!(TABLE.get(4), b"");
        assert_eq!(TABLE.get(usize::MAX), b"");
        assert_eq!(TABLE.get_str(2), "cde");
        assert_eq!(TABLE.get_str(9), "");
        assert_eq!(index_of(&PARTS, "cde"), 2);
        assert_eq!(index_of(&PARTS, ""), 1);
    }

    #[test]
    fn packed_texts_unpack_as_they_were() {
        const TEXT: &[u8] = b"a  b \x01c\n                          d \t";
        static PACKED: [u8; packed_len(TEXT)] = pack(TEXT);
        assert_eq!(PACKED.len(), TEXT.len() - 1 - 19 - 5);
        let mut out = std::vec::Vec::new();
        put_unpacked(&PACKED, b"<in>", &mut |b: &[u8]| out.extend_from_slice(b));
        assert_eq!(out, b"a  b <in>c\n                          d \t");
        out.clear();
        put_unpacked(b"x\x0cy\x20\x0d\x1f\x20", b"", &mut |b: &[u8]| {
            out.extend_from_slice(b)
        });
        let mut want = std::vec![b'x', 0x0c, b'y', b' '];
        want.extend_from_slice(&[b' '; 2]);
        want.extend_from_slice(&[b' '; 20]);
        want.push(b' ');
        assert_eq!(out, want);
    }
}
