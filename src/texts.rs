//! Tables of constant texts without pointers.
//!
//! A `&str` in a static table is 16 bytes on 64-bit targets plus a relocation, and the
//! table lands in the RELRO region (`.data.rel.ro`). [`PackedTexts`] keeps the texts one
//! after the other, packed: plain bytes in `.rodata`, built at compile time from an array
//! of texts that is never stored. A few short texts are stretches of one byte string
//! instead, at places found at compile time ([`place_in`]), taken with no walk.

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

/// Where `text` is in `bytes`, at compile time (a compile error if it is not there).
pub const fn place_in(bytes: &[u8], text: &[u8]) -> usize {
    let mut at = 0;
    while at + text.len() <= bytes.len() {
        let mut n = 0;
        while n < text.len() && bytes[at + n] == text[n] {
            n += 1;
        }
        if n == text.len() {
            return at;
        }
        at += 1;
    }
    panic!("text not in its bytes");
}

/// `a == b` in a const fn.
pub const fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// In a [packed](pack) text: where [`put_unpacked`] puts the text it is given.
pub const INSERT: u8 = 0x01;
/// In a packed text: the end of a text of [`PackedTexts`] ([`put_unpacked`] stops there).
const END: u8 = 0x00;
/// [`INSERT`] as text, for the parts a packed text is joined from.
pub const INSERT_TEXT: &str = "\x01";
static_assertions::const_assert!(INSERT_TEXT.as_bytes()[0] == INSERT);
/// In a packed text, byte `RUN_CODE + n` stands for `n` blanks, `2 <= n <=` [`MAX_RUN`]
/// (bytes 0x0d to 0x1f, which no usage text holds).
const RUN_CODE: u8 = 0x0b;
const MAX_RUN: usize = 20;
/// The blanks of the longest run: the unpacked runs, and the padding of `show`'s
/// columns, a piece of up to this many at a time (one copy of them).
pub static BLANKS: [u8; MAX_RUN] = [b' '; MAX_RUN];
/// In a packed text, a byte from `REF_CODE` on starts a reference: two bytes that stand
/// for `MIN_REF + len` bytes of the packed text from position `pos` on, a stretch of
/// plain text written earlier (so the decoder puts them as they are). The first byte is
/// `REF_CODE | len << REF_POS_HIGH_BITS | pos >> 8`, the second the low byte of `pos`.
/// The texts are ASCII, so no plain byte is from `REF_CODE` on (checked by [`pack`]).
const REF_CODE: u8 = 0x80;
/// The shortest stretch a reference stands for: a shorter one saves nothing (3 bytes
/// save one, but break up longer repeats after them: on a model of this packer, 4 packs
/// `smcrouted -h` 21 bytes smaller than 3).
const MIN_REF: usize = 4;
/// The bits of `pos` in the first byte of a reference; four are left for `len`.
const REF_POS_HIGH_BITS: u32 = 3;
/// The longest stretch a reference stands for.
const MAX_REF: usize = MIN_REF + (0x7f >> REF_POS_HIGH_BITS);
/// References point below this position of the packed text.
const REF_POS_END: usize = 1 << (8 + REF_POS_HIGH_BITS);

/// Whether `b` in a packed text is plain text, not a code: a line break or printable
/// ASCII (what the help texts hold besides [`INSERT`]; checked by [`pack`]).
const fn is_plain(b: u8) -> bool {
    b == b'\n' || (b >= b' ' && b < REF_CODE)
}

/// Blanks at `text[i..]`, at most [`MAX_RUN`].
const fn run_at(text: &[u8], i: usize) -> usize {
    let mut n = 0;
    while i + n < text.len() && n < MAX_RUN && text[i + n] == b' ' {
        n += 1;
    }
    n
}

/// The longest packed text (the compressor's buffer).
const MAX_PACKED: usize = 4096;
/// The number of hash chains of the compressor, one per hash of 4 bytes.
const CHAINS: usize = 1 << 12;
/// The end of a hash chain.
const NO_POS: u16 = u16::MAX;

/// [`MIN_REF`] bytes from `bytes[i]` on, hashed to pick a chain.
const fn chain_of(bytes: &[u8], i: usize) -> usize {
    ((bytes[i] as usize) << 9
        ^ (bytes[i + 1] as usize) << 6
        ^ (bytes[i + 2] as usize) << 3
        ^ bytes[i + 3] as usize)
        & (CHAINS - 1)
}

/// A packed text in the compressor's buffer: its first `len` bytes.
struct Packed {
    bytes: [u8; MAX_PACKED],
    len: usize,
}

/// `text` packed, at compile time: each run of blanks is one code byte, and each
/// repeat of [`MIN_REF`] or more bytes of plain text is a reference to the longest
/// earlier stretch it repeats (found through hash chains of the positions where four
/// plain bytes start, so the evaluation stays short). A compile error if `text` holds a
/// byte other than [`INSERT`], [`END`], a line break and printable ASCII (the others
/// may be codes), or packs to more than [`MAX_PACKED`].
const fn packed(text: &[u8]) -> Packed {
    let mut out = [0; MAX_PACKED];
    let mut plain = [false; MAX_PACKED];
    let mut head = [NO_POS; CHAINS];
    let mut next = [NO_POS; REF_POS_END];
    let (mut i, mut at) = (0, 0);
    while i < text.len() {
        let (from, mut len) = longest(text, i, &out, &plain, &head, &next);
        // Lazy: a longer repeat from the next byte on is taken instead, after this byte
        // as it is.
        if len >= MIN_REF
            && is_plain(text[i])
            && run_at(text, i) < 2
            && longest(text, i + 1, &out, &plain, &head, &next).1 > len
        {
            len = 0;
        }
        let run = run_at(text, i);
        if len >= MIN_REF {
            out[at] = REF_CODE | ((len - MIN_REF) << REF_POS_HIGH_BITS | from >> 8) as u8;
            out[at + 1] = from as u8;
            at += 2;
            i += len;
        } else if run >= 2 {
            out[at] = RUN_CODE + run as u8;
            at += 1;
            i += run;
        } else {
            let b = text[i];
            assert!(b == INSERT || b == END || is_plain(b));
            out[at] = b;
            plain[at] = is_plain(b);
            // Four plain bytes end here: a stretch a reference may start at.
            if at >= MIN_REF - 1 && at < REF_POS_END + MIN_REF - 1 {
                let start = at + 1 - MIN_REF;
                if plain[start] && plain[start + 1] && plain[start + 2] && plain[start + 3] {
                    let chain = chain_of(&out, start);
                    next[start] = head[chain];
                    head[chain] = start as u16;
                }
            }
            at += 1;
            i += 1;
        }
    }
    Packed {
        bytes: out,
        len: at,
    }
}

/// The longest earlier stretch of plain packed text that `text[i..]` repeats (at most
/// [`MAX_REF`] bytes), found through the hash chains: its position and length (0 for
/// none).
const fn longest(
    text: &[u8],
    i: usize,
    out: &[u8; MAX_PACKED],
    plain: &[bool; MAX_PACKED],
    head: &[u16; CHAINS],
    next: &[u16; REF_POS_END],
) -> (usize, usize) {
    let (mut from, mut len) = (0, 0);
    if i + MIN_REF <= text.len() {
        let mut pos = head[chain_of(text, i)];
        while pos != NO_POS {
            let p = pos as usize;
            let mut n = 0;
            while n < MAX_REF && i + n < text.len() && plain[p + n] && out[p + n] == text[i + n] {
                n += 1;
            }
            if n > len {
                (from, len) = (p, n);
            }
            pos = next[p];
        }
    }
    (from, len)
}

/// The bytes of `text` [packed](pack).
pub const fn packed_len(text: &[u8]) -> usize {
    packed(text).len
}

/// `text` packed at compile time: the help texts are laid out in columns (a few hundred
/// blanks) and say the same words again (options, paths, "default"), so each run of
/// blanks is one byte and each repeat a two-byte reference to where it was first
/// written; a compile error if `text` holds a byte other than [`INSERT`], [`END`], a
/// line break and printable ASCII. [`put_unpacked`] writes it out as it was.
pub const fn pack<const N: usize>(text: &[u8]) -> [u8; N] {
    let packed = packed(text);
    assert!(packed.len == N);
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = packed.bytes[i];
        i += 1;
    }
    out
}

/// Writes [packed](pack) text through `put` as it was before packing: its text `nth`,
/// from after its `nth` [`END`] to the next (0 for all of a text; a [`PackedTexts`]
/// entry is found by this walk, not a table of where each starts), with `insert` where
/// it holds [`INSERT`]; nothing past the last. `packed` is [`crate::args::HELP_TEXTS`]
/// or a [tail](packed_tail) of a packing that began with them: every packed table of the
/// programs is, so its references count their bytes first, then its own (and may point
/// into them), and no call site passes them (x86_64 smcrouted -64 B .text). A call per
/// stretch of text, run of blanks, reference and insertion, from one call site (a
/// reference is to plain text, put as it is: nothing is kept across two calls). One
/// copy for both programs' help texts and the daemon's messages.
pub fn put_unpacked(packed: &[u8], nth: usize, put: &mut dyn FnMut(&[u8]), insert: &[u8]) {
    put_unpacked_after(crate::args::HELP_TEXTS.bytes(), packed, nth, put, insert);
}

/// [`put_unpacked`] of the [tail](packed_tail) `packed` of a packing that began with
/// `earlier` (`&[]` for none): its references count the bytes of `earlier` first, then
/// its own. Inlined into [`put_unpacked`], its one caller in the programs (the unit
/// tests unpack texts of their own packings through it).
#[inline(always)]
fn put_unpacked_after(
    earlier: &[u8],
    packed: &[u8],
    mut nth: usize,
    put: &mut dyn FnMut(&[u8]),
    insert: &[u8],
) {
    let mut at = 0;
    while nth > 0 {
        let Some(&b) = packed.get(at) else { return };
        nth -= usize::from(b == END);
        // A reference is two bytes: its second may be any byte.
        at += 1 + usize::from(b >= REF_CODE);
    }
    while let Some(&first) = packed.get(at).filter(|&&b| b != END) {
        let from = at;
        at += 1;
        let run = usize::from(first.wrapping_sub(RUN_CODE));
        let piece = if first == INSERT {
            insert
        } else if (2..=MAX_RUN).contains(&run) {
            BLANKS.get(..run).unwrap_or(&[])
        } else if first >= REF_CODE {
            let low = packed.get(at).copied().unwrap_or(0);
            at += 1;
            let pos = usize::from(first) << 8 & (REF_POS_END - 1) | usize::from(low);
            let len = MIN_REF + usize::from((first & !REF_CODE) >> REF_POS_HIGH_BITS);
            // Positions count `earlier` first; no reference spans its last END.
            let (text, pos) = match pos.checked_sub(earlier.len()) {
                Some(own) => (packed, own),
                None => (earlier, pos),
            };
            text.get(pos..pos + len).unwrap_or(&[])
        } else {
            // The text up to the next code byte.
            while packed.get(at).is_some_and(|&b| is_plain(b)) {
                at += 1;
            }
            packed.get(from..at).unwrap_or(&[])
        };
        put(piece);
    }
}

/// The bytes of `parts` with [`END`] between each two (what [`PackedTexts`] packs).
pub const fn separated_len(parts: &[&[u8]]) -> usize {
    let mut len = parts.len() - 1;
    let mut i = 0;
    while i < parts.len() {
        len += parts[i].len();
        i += 1;
    }
    len
}

/// `parts` joined with [`END`] between each two, at compile time (`L` is their
/// [`separated_len`]).
pub const fn separated<const L: usize>(parts: &[&[u8]]) -> [u8; L] {
    let mut out = [END; L];
    let (mut i, mut at) = (0, 0);
    while i < parts.len() {
        let part = parts[i];
        let mut j = 0;
        while j < part.len() {
            out[at] = part[j];
            at += 1;
            j += 1;
        }
        // The separator: left as it is.
        at += 1;
        i += 1;
    }
    out
}

/// `N` texts [packed](pack) together, a repeat in one a reference to another: the
/// [`separated`] texts packed, so no reference spans two texts ([`END`] is no plain
/// text), and text `i` is unpacked from after the `i`th [`END`] of the packed bytes to
/// the next or the end of the bytes (found by a walk: no table of starts). For a table of short texts that say the same
/// words again (`L` is the [`packed_len`] of the separated texts).
pub struct PackedTexts<const N: usize, const L: usize> {
    bytes: [u8; L],
}

impl<const N: usize, const L: usize> PackedTexts<N, L> {
    /// The table of the [`separated`] texts `separated`, at compile time.
    pub const fn new(separated: &[u8]) -> Self {
        let mut ends = 0;
        let mut i = 0;
        while i < separated.len() {
            ends += (separated[i] == END) as usize;
            i += 1;
        }
        assert!(ends + 1 == N);
        Self {
            bytes: pack(separated),
        }
    }

    /// The bytes of the packed texts.
    #[cfg(test)]
    pub fn bytes_len(&self) -> usize {
        L
    }

    /// Writes text `i` through `put` (nothing past the end), with `insert` where it
    /// holds [`INSERT`]: a table [`put_unpacked`] takes, [`crate::args::HELP_TEXTS`].
    pub fn put(&'static self, i: usize, insert: &[u8], put: &mut dyn FnMut(&[u8])) {
        put_unpacked(&self.bytes, i, put, insert);
    }

    /// The packed texts: the `earlier` bytes of a [`packed_tail`] after them.
    pub fn bytes(&'static self) -> &'static [u8] {
        &self.bytes
    }
}

/// The bytes of `packed` from `from` on, at compile time (`M` of them): the packing of
/// a text after others, with an [`END`] first. Packed with the others, its repeats of
/// them are references to them too; [`put_unpacked`] writes it from position 1 on (text
/// 1 on), the packing of the others as its `earlier` bytes. A program that has the others but not
/// it has their bytes only (the packing of a text does not depend on what follows it).
pub const fn packed_tail<const M: usize>(packed: &[u8], from: usize) -> [u8; M] {
    assert!(packed[from] == END && from + M == packed.len());
    let mut out = [0; M];
    let mut i = 0;
    while i < M {
        out[i] = packed[from + i];
        i += 1;
    }
    out
}

/// `static NAME = SEPARATED;`: the [separated](separated) texts `SEPARATED` packed after
/// [`crate::args::HELP_TEXTS`], as the [tail](packed_tail) of that packing, which is how
/// [`put_unpacked`] takes every packed text: their words are references to the help
/// texts' too, and it asserts that the help texts pack the same with it after them.
/// Declares the static (with its attributes) and nothing else.
#[macro_export]
macro_rules! packed_after_help {
    ($(#[$attr:meta])* $vis:vis static $name:ident = $separated:expr;) => {
        $(#[$attr])*
        $vis static $name: [u8; {
            const PARTS: [&[u8]; 2] = [&$crate::args::HELP_SEPARATED, &$separated];
            const JOINED: [u8; $crate::texts::separated_len(&PARTS)] =
                $crate::texts::separated(&PARTS);
            $crate::texts::packed_len(&JOINED) - $crate::args::HELP_PACKED_LEN
        }] = {
            const PARTS: [&[u8]; 2] = [&$crate::args::HELP_SEPARATED, &$separated];
            const JOINED: [u8; $crate::texts::separated_len(&PARTS)] =
                $crate::texts::separated(&PARTS);
            const PACKED: [u8; $crate::texts::packed_len(&JOINED)] = $crate::texts::pack(&JOINED);
            // The help texts' packing is the same alone and with this text after it.
            const _: () = assert!($crate::texts::same_bytes(
                PACKED.split_at($crate::args::HELP_PACKED_LEN).0,
                &$crate::texts::pack::<{ $crate::args::HELP_PACKED_LEN }>(
                    &$crate::args::HELP_SEPARATED
                )
            ));
            $crate::texts::packed_tail(&PACKED, $crate::args::HELP_PACKED_LEN)
        };
    };
}

/// `a == b` for bytes, in a const fn.
pub const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: [&str; 4] = ["ab", "", "cde", "f"];

    #[test]
    fn places_at_compile_time() {
        assert_eq!(index_of(&PARTS, "cde"), 2);
        assert_eq!(index_of(&PARTS, ""), 1);
        assert_eq!(place_in(b"abcabd", b"abd"), 3);
        assert_eq!(place_in(b"abc", b""), 0);
    }

    #[test]
    fn packed_texts_unpack_as_they_were() {
        const TEXT: &[u8] = b"a  b \x01c\n                          d ~";
        static PACKED: [u8; packed_len(TEXT)] = pack(TEXT);
        assert_eq!(PACKED.len(), TEXT.len() - 1 - 19 - 5);
        let mut out = std::vec::Vec::new();
        put_unpacked_after(
            &[],
            &PACKED,
            0,
            &mut |b: &[u8]| out.extend_from_slice(b),
            b"<in>",
        );
        assert_eq!(out, b"a  b <in>c\n                          d ~");
        out.clear();
        put_unpacked_after(
            &[],
            b"x\x0cy\x20\x0d\x1f\x20",
            0,
            &mut |b: &[u8]| out.extend_from_slice(b),
            b"",
        );
        let mut want = std::vec![b'x', 0x0c, b'y', b' '];
        want.extend_from_slice(&[b' '; 2]);
        want.extend_from_slice(&[b' '; 20]);
        want.push(b' ');
        assert_eq!(out, want);
    }

    /// `text` packed at compile time.
    macro_rules! packed {
        ($text:expr) => {{
            const TEXT: &[u8] = $text;
            static PACKED: [u8; packed_len(TEXT)] = pack(TEXT);
            &PACKED[..]
        }};
    }

    fn unpacked(packed: &[u8], insert: &[u8]) -> std::vec::Vec<u8> {
        let mut out = std::vec::Vec::new();
        put_unpacked_after(
            &[],
            packed,
            0,
            &mut |b: &[u8]| out.extend_from_slice(b),
            insert,
        );
        out
    }

    #[test]
    fn packed_texts_are_put_one_by_one() {
        const PARTS: [&[u8]; 4] = [b"abcdef\n", b"", b"xabcdefy  z", b"cdef"];
        const SEPARATED: [u8; separated_len(&PARTS)] = separated(&PARTS);
        static TABLE: PackedTexts<4, { packed_len(&SEPARATED) }> = PackedTexts::new(&SEPARATED);
        // The repeats are references, none across an end.
        assert_eq!(TABLE.bytes_len(), SEPARATED.len() - 4 - 1 - 2);
        for (i, part) in PARTS.iter().enumerate() {
            let mut out = std::vec::Vec::new();
            put_unpacked_after(
                &[],
                TABLE.bytes(),
                i,
                &mut |b: &[u8]| out.extend_from_slice(b),
                b"",
            );
            assert_eq!(out, *part);
        }
        let mut out = std::vec::Vec::new();
        put_unpacked_after(
            &[],
            TABLE.bytes(),
            4,
            &mut |b: &[u8]| out.extend_from_slice(b),
            b"",
        );
        assert!(out.is_empty());
        // A text packed after them, kept apart: its repeats of them and of itself are
        // references, and it unpacks as it was.
        const MORE: &[u8] = b"xabcdefy \x01 cdefxabcdefy";
        const ALL_PARTS: [&[u8]; 2] = [&SEPARATED, MORE];
        const ALL: [u8; separated_len(&ALL_PARTS)] = separated(&ALL_PARTS);
        const ALL_PACKED: [u8; packed_len(&ALL)] = pack(&ALL);
        const START: usize = packed_len(&SEPARATED);
        static TAIL: [u8; ALL_PACKED.len() - START] = packed_tail(&ALL_PACKED, START);
        assert!(same_bytes(&ALL_PACKED[..START], TABLE.bytes()));
        assert!(TAIL.len() <= 1 + MORE.len() - 8);
        out.clear();
        put_unpacked_after(
            TABLE.bytes(),
            &TAIL,
            1,
            &mut |b: &[u8]| out.extend_from_slice(b),
            b"<in>",
        );
        assert_eq!(out, b"xabcdefy <in> cdefxabcdefy");
    }

    #[test]
    fn repeats_are_references_to_plain_text() {
        // No repetition (and repeats shorter than MIN_REF): the text as it is.
        let text = b"abc abd bcd-cda";
        assert_eq!(packed!(b"abc abd bcd-cda"), text);
        // A repeat of the start of the text, at the end of it.
        assert_eq!(packed!(b"abcdXabcd"), b"abcdX\x80\x00");
        assert_eq!(unpacked(packed!(b"abcdXabcd"), b""), b"abcdXabcd");
        // A reference only to plain text: "bcdefg" is written as a reference and two
        // bytes, so the next "abcdefg" is "abcde" from the start and "fg" again.
        let p = packed!(b"abcde-bcdefg.abcdefg:");
        assert_eq!(p, b"abcde-\x80\x01fg.\x88\x00fg:");
        assert_eq!(unpacked(p, b""), b"abcde-bcdefg.abcdefg:");
        // A repeat of itself (overlapping candidates in a run of one byte).
        let p = packed!(b"aaaaaaaaaaa");
        assert_eq!(p, b"aaaa\x80\x00aaa");
        assert_eq!(unpacked(p, b""), b"aaaaaaaaaaa");
    }

    #[test]
    fn references_next_to_codes_unpack_as_they_were() {
        let p = packed!(b"\x01abcd  abcd\x01abcd\x01abcd   \nabcd\x01");
        assert_eq!(
            p,
            b"\x01abcd\x0d\x80\x01\x01\x80\x01\x01\x80\x01\x0e\n\x80\x01\x01"
        );
        assert_eq!(
            unpacked(p, b"<in>"),
            b"<in>abcd  abcd<in>abcd<in>abcd   \nabcd<in>"
        );
        // Longer repeats than a reference stands for, far from the start.
        const LONG: &[u8] = b"\
            0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?/()[]{}<>=+-*\n\
            0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E\n\
            00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo pp qq\n\
            a0b1c2d3e4f5g6h7i8j9k0l1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6B7C8D9E0F1G2H3I4J5K6L7M8N9\n\
            \x01 the end: 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?/\n\
            and once more: I4J5K6L7M8N9";
        let p = packed!(LONG);
        assert!(LONG.len() > 300 && p.len() < LONG.len() - 60);
        // The last repeat is of a stretch past the first 256 bytes.
        let [.., last, low] = *p else { panic!() };
        assert!(
            last >= REF_CODE && usize::from(last) << 8 & (REF_POS_END - 1) | usize::from(low) > 256
        );
        let mut want = LONG.to_vec();
        let insert = LONG.iter().position(|&b| b == INSERT).unwrap();
        want.splice(insert..insert + 1, *b"<in>");
        assert_eq!(unpacked(p, b"<in>"), want);
    }
}
