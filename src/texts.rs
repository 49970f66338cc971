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
/// plain text written earlier (so the decoder puts them as they are, pairs expanded).
/// The first byte is `REF_CODE | len << REF_POS_HIGH_BITS | pos >> 8`, the second the
/// low byte of `pos`. No plain byte is from `REF_CODE` on (checked by [`pack`]).
const REF_CODE: u8 = 0xc0;
/// The shortest stretch a reference stands for: a shorter one saves nothing. Three
/// bytes save one (and may break up a longer repeat after them); before the byte pairs
/// four packed smaller, with them three does (x86_64 smcrouted -16 B).
const MIN_REF: usize = 3;
/// The bits of `pos` in the first byte of a reference; three are left for `len`.
const REF_POS_HIGH_BITS: u32 = 3;
/// The longest stretch a reference stands for (of packed bytes, pairs being one each).
const MAX_REF: usize = MIN_REF + (0x3f >> REF_POS_HIGH_BITS);
/// References point below this position of the packed text.
const REF_POS_END: usize = 1 << (8 + REF_POS_HIGH_BITS);

/// In a packed text, a byte of `0x80..REF_CODE` or `2..=9` stands for a pair of
/// symbols of [`PAIRS`] (a byte of text or another pair): byte-pair encoding, done
/// before the references are found, so a repeat is shorter and a word that recurs is
/// one or two bytes where the references cannot reach. Pair `k` is byte `PAIR_HIGH + k`
/// for the first [`HIGH_PAIRS`], `PAIR_LOW + k - HIGH_PAIRS` for the rest.
const PAIR_HIGH: u8 = 0x80;
const HIGH_PAIRS: usize = (REF_CODE - PAIR_HIGH) as usize;
const PAIR_LOW: u8 = 0x02;
/// The low pair codes, `2..=9`: below the line break, above [`INSERT`].
const LOW_PAIRS: u8 = 8;
/// The number of pairs: the high ones and the low ones.
const PAIR_COUNT: usize = HIGH_PAIRS + LOW_PAIRS as usize;

/// The byte that stands for pair `k`.
const fn pair_code(k: usize) -> u8 {
    if k < HIGH_PAIRS {
        PAIR_HIGH + k as u8
    } else {
        PAIR_LOW + (k - HIGH_PAIRS) as u8
    }
}

/// The pair byte `b` (a plain byte, below [`REF_CODE`]) stands for, if it is one.
#[inline(always)]
fn pair_of(b: u8) -> Option<&'static [u8; 2]> {
    let k = if b >= PAIR_HIGH {
        usize::from(b - PAIR_HIGH)
    } else {
        usize::from(b.wrapping_sub(PAIR_LOW)) + HIGH_PAIRS
    };
    PAIRS.get(k)
}

/// The pairs of the byte-pair encoding, in the order they are applied: the pair of
/// symbols most frequent in all the programs' texts, then the most frequent with it
/// replaced, and so on (each symbol a byte of text or an earlier pair's code). Made by
/// `tests::pairs_are_the_greedy_choice`, which prints a new table when the texts change.
static PAIRS: [[u8; 2]; PAIR_COUNT] = PAIRS_TABLE;

#[rustfmt::skip]
const PAIRS_TABLE: [[u8; 2]; PAIR_COUNT] = [
    [b'i', b'n'], [b't', b' '], [b'o', b'u'], [b'e', b' '], [b'd', b' '], [b'o', b'n'],
    [b't', b'e'], [b'r', 0x82], [0x80, b'g'], [b':', b' '], [b',', b' '], [b'l', b'e'],
    [b't', b'i'], [0x88, b' '], [b's', b' '], [b'u', b'l'], [b'c', b'a'], [b'o', b'r'],
    [b'\n', b' '], [b'e', b'n'], [0x92, b' '], [b'n', b'o'], [b'a', b'n'], [b'r', b'e'],
    [b'e', b'r'], [b's', 0x81], [0x85, b' '], [0x8f, 0x8c], [b'f', b'a'], [0x90, 0x99],
    [0x9b, 0x9d], [b' ', b'm'], [0x87, 0x86], [b'i', 0x8b], [0x87, b'p'], [b'%', b' '],
    [b't', b'h'], [b'l', b' '], [0x95, 0x81], [b' ', b's'], [b'g', 0xa2], [b'a', b'b'],
    [0x86, b'r'], [b'a', b'l'], [b'I', b'F'], [b'p', b'p'], [b'I', b'P'], [b'l', 0x83],
    [b'e', b's'], [b'r', b'o'], [0x94, b'-'], [0xa1, 0x84], [b'o', b' '], [b'"', b':'],
    [b'L', b'E'], [b'O', b'U'], [b'a', 0xb3], [b'n', b'e'], [0x9c, b'c'], [0xaa, 0xba],
    [b'F', 0xb8], [b'a', b'r'], [0x9f, 0x9e], [b'-', b'-'], [b'd', b'e'], [b'e', b'm'],
    [0x80, 0xbb], [b'h', b'o'], [b'y', b' '], [0x05, b'w'], [b'c', 0x85], [b't', 0x8d],
];

/// Whether `b` is a byte of text: a line break or printable ASCII (what the texts hold
/// besides [`INSERT`] and [`END`]; checked by [`Coded::of`]).
const fn is_text(b: u8) -> bool {
    b == b'\n' || (b >= b' ' && b < PAIR_HIGH)
}

/// Whether `b` in a packed text is plain, not a code that the decoder takes on its own:
/// text or a pair (a reference may stand for a stretch of them).
const fn is_plain(b: u8) -> bool {
    is_text(b) || (b >= PAIR_HIGH && b < REF_CODE) || (b >= PAIR_LOW && b < PAIR_LOW + LOW_PAIRS)
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
/// The number of hash chains of the compressor, one per hash of [`MIN_REF`] bytes.
const CHAINS: usize = 1 << 12;
/// The end of a hash chain.
const NO_POS: u16 = u16::MAX;

/// [`MIN_REF`] bytes from `bytes[i]` on, hashed to pick a chain.
const fn chain_of(bytes: &[u8], i: usize) -> usize {
    ((bytes[i] as usize) << 8 ^ (bytes[i + 1] as usize) << 4 ^ bytes[i + 2] as usize) & (CHAINS - 1)
}

/// A packed text in the compressor's buffer: its first `len` bytes.
struct Packed {
    bytes: [u8; MAX_PACKED],
    len: usize,
}

/// The longest text the packer takes (the byte-pair encoder's buffer).
const MAX_TEXT: usize = 8192;

/// `text` with the [`PAIRS`] applied, at compile time: for each pair in its order, every
/// occurrence from left to right becomes the pair's code. A compile error if `text`
/// holds a byte other than [`INSERT`], [`END`], a line break and printable ASCII (the
/// others are codes). Returns the buffer and the length of the text in it.
///
/// Seventy-two passes over the text: evaluated once per text (a [`Coded`] `const`), not
/// per packing of it (four per table), which took a build of the library from 7 s to 27.
const fn encoded(text: &[u8], pairs: &[[u8; 2]]) -> ([u8; MAX_TEXT], usize) {
    let mut out = [0; MAX_TEXT];
    let mut len = 0;
    while len < text.len() {
        let b = text[len];
        assert!(b == INSERT || b == END || is_text(b));
        out[len] = b;
        len += 1;
    }
    let mut k = 0;
    while k < pairs.len() {
        let [x, y] = pairs[k];
        let (mut i, mut at) = (0, 0);
        while i < len {
            if i + 1 < len && out[i] == x && out[i + 1] == y {
                out[at] = pair_code(k);
                i += 2;
            } else {
                out[at] = out[i];
                i += 1;
            }
            at += 1;
        }
        len = at;
        k += 1;
    }
    (out, len)
}

/// A text byte-pair coded with the [`PAIRS`] at compile time, what [`pack`] takes: made
/// once per text, as a `const` (its packings read it, not code it again).
pub struct Coded {
    bytes: [u8; MAX_TEXT],
    len: usize,
}

impl Coded {
    /// `text` with the [`PAIRS`] applied.
    pub const fn of(text: &[u8]) -> Self {
        let (bytes, len) = encoded(text, &PAIRS_TABLE);
        Self { bytes, len }
    }

    /// The coded text.
    pub const fn text(&self) -> &[u8] {
        self.bytes.split_at(self.len).0
    }
}

/// `text` ([coded](Coded)) packed, at compile time: each run of blanks is one code
/// byte, and each repeat of [`MIN_REF`] or more plain bytes is a reference to the longest
/// earlier stretch it repeats (found through hash chains of the positions where three
/// plain bytes start, so the evaluation stays short). A compile error if `text` holds a
/// byte other than [`INSERT`], [`END`] and plain bytes, or packs to more than
/// [`MAX_PACKED`].
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
            // Three plain bytes end here: a stretch a reference may start at.
            if at >= MIN_REF - 1 && at < REF_POS_END + MIN_REF - 1 {
                let start = at + 1 - MIN_REF;
                if plain[start] && plain[start + 1] && plain[start + 2] {
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
/// written; a compile error if `text` holds a byte other than [`INSERT`], [`END`] and
/// plain bytes ([`Coded`] text, or text with no pairs). [`put_unpacked`] writes it out
/// as it was.
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
        if first == INSERT {
            put(insert);
        } else if (2..=MAX_RUN).contains(&run) {
            put(BLANKS.get(..run).unwrap_or(&[]));
        } else {
            let plain = if first >= REF_CODE {
                let low = packed.get(at).copied().unwrap_or(0);
                at += 1;
                let pos = usize::from(first) << 8 & (REF_POS_END - 1) | usize::from(low);
                let len = MIN_REF + usize::from((first & !REF_CODE) >> REF_POS_HIGH_BITS);
                // Positions count `earlier` first; no reference spans its last END.
                let (text, pos) = match pos.checked_sub(earlier.len()) {
                    Some(own) => (packed, own),
                    None => (earlier, pos),
                };
                text.get(pos..pos + len)
            } else {
                // The plain bytes up to the next code byte.
                while packed.get(at).is_some_and(|&b| is_plain(b)) {
                    at += 1;
                }
                packed.get(from..at)
            };
            put_plain(plain.unwrap_or(&[]), put);
        }
    }
}

/// Writes plain packed bytes through `put`: each stretch of text as it is, each pair
/// as the text it stands for. In line in [`put_unpacked`] and not recursive, so
/// `put_unpacked` stays one function of its own that LLVM calls with the closure's
/// function instead of a vtable (a recursive one costs the vtables: x86_64 +900 B).
#[inline(always)]
fn put_plain(mut plain: &[u8], put: &mut dyn FnMut(&[u8])) {
    while let Some(&b) = plain.first() {
        let n = if is_text(b) {
            let n = plain
                .iter()
                .position(|&b| !is_text(b))
                .unwrap_or(plain.len());
            put(plain.get(..n).unwrap_or(&[]));
            n
        } else {
            put_pair(b, put);
            1
        };
        plain = plain.get(n..).unwrap_or(&[]);
    }
}

/// Writes the text of pair `code` through `put`, a byte at a time, depth first through
/// a stack of the symbols still to write (at most [`PAIR_DEPTH`] deep). A byte that is
/// no pair (which the packer never puts here) is written as it is.
#[inline(always)]
fn put_pair(code: u8, put: &mut dyn FnMut(&[u8])) {
    let mut stack = [0; PAIR_DEPTH];
    stack[0] = code;
    let mut n: usize = 1;
    while let Some(top) = n.checked_sub(1) {
        n = top;
        let symbol = stack.get(top).copied().unwrap_or(0);
        match (pair_of(symbol), stack.get_mut(top..top + 2)) {
            (Some(&[first, second]), Some(places)) => {
                places.copy_from_slice(&[second, first]);
                n += 2;
            }
            _ => put(&[symbol]),
        }
    }
}

/// The deepest stack [`put_pair`] needs: a pair's symbols that are pairs need one more
/// place than it (checked against [`PAIRS`] at compile time).
const PAIR_DEPTH: usize = 8;

/// How many places of its stack [`put_pair`] uses for pair `k` of `pairs`: its second
/// symbol takes the pair's place, its first the one above.
const fn pair_depth(pairs: &[[u8; 2]], k: usize) -> usize {
    let first = symbol_depth(pairs, pairs[k][0], k);
    let second = symbol_depth(pairs, pairs[k][1], k);
    if first + 1 > second {
        first + 1
    } else {
        second
    }
}

/// [`pair_depth`] of `symbol` if it is one of the first `below` pairs, else 1 (text).
const fn symbol_depth(pairs: &[[u8; 2]], symbol: u8, below: usize) -> usize {
    let mut j = 0;
    while j < below {
        if pair_code(j) == symbol {
            return pair_depth(pairs, j);
        }
        j += 1;
    }
    1
}

const _: () = {
    let mut k = 0;
    while k < PAIR_COUNT {
        assert!(pair_depth(&PAIRS_TABLE, k) <= PAIR_DEPTH);
        k += 1;
    }
};

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
    /// The table of the [`separated`] texts `separated` ([coded](Coded)), at compile time.
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

/// `static NAME = CODED;`: the [separated](separated) texts of the [`Coded`] `CODED`
/// packed after [`crate::args::HELP_TEXTS`], as the [tail](packed_tail) of that packing, which is how
/// [`put_unpacked`] takes every packed text: their words are references to the help
/// texts' too, and it asserts that the help texts pack the same with it after them.
/// Declares the static (with its attributes) and nothing else.
#[macro_export]
macro_rules! packed_after_help {
    ($(#[$attr:meta])* $vis:vis static $name:ident = $coded:expr;) => {
        $(#[$attr])*
        $vis static $name: [u8; {
            const PARTS: [&[u8]; 2] = [$crate::args::HELP_CODED.text(), $coded.text()];
            const JOINED: [u8; $crate::texts::separated_len(&PARTS)] =
                $crate::texts::separated(&PARTS);
            $crate::texts::packed_len(&JOINED) - $crate::args::HELP_PACKED_LEN
        }] = {
            const PARTS: [&[u8]; 2] = [$crate::args::HELP_CODED.text(), $coded.text()];
            const JOINED: [u8; $crate::texts::separated_len(&PARTS)] =
                $crate::texts::separated(&PARTS);
            const PACKED: [u8; $crate::texts::packed_len(&JOINED)] = $crate::texts::pack(&JOINED);
            // The help texts' packing is the same alone and with this text after it.
            const _: () = assert!($crate::texts::same_bytes(
                PACKED.split_at($crate::args::HELP_PACKED_LEN).0,
                &$crate::texts::pack::<{ $crate::args::HELP_PACKED_LEN }>(
                    $crate::args::HELP_CODED.text()
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

    /// The bytes of `text` packed as it is, without byte pairs (the tests of the other
    /// steps).
    const fn plain_len(text: &[u8]) -> usize {
        packed(text).len
    }

    /// Every text the programs pack: what each packing's separated texts hold (the help
    /// texts first, which every other packing starts with).
    fn all_texts() -> [&'static [u8]; 9] {
        [
            &crate::args::HELP_SEPARATED,
            &crate::args::DAEMON_USAGE_JOINED,
            &crate::args::ERROR_LINE_SEPARATED,
            &crate::daemon::said::SEPARATED,
            &crate::sys::mrinit::TEXTS_SEPARATED,
            &crate::router::msg::TEMPLATES_SEPARATED,
            &crate::router::show::PIECES_SEPARATED,
            &crate::ctl::WARNINGS_SEPARATED,
            &crate::errno::PACKED_SEPARATED,
        ]
    }

    /// The greedy byte-pair table of `texts`: [`PAIR_COUNT`] times, the pair of plain
    /// symbols that occurs most often (the smaller pair on a tie; never two blanks,
    /// which are a run), replaced from left to right by its code.
    fn greedy_pairs(texts: &[&[u8]]) -> std::vec::Vec<[u8; 2]> {
        let mut seqs: std::vec::Vec<std::vec::Vec<u8>> = texts.iter().map(|t| t.to_vec()).collect();
        let pairable = |x: u8, y: u8| is_plain(x) && is_plain(y) && !(x == b' ' && y == b' ');
        let mut pairs = std::vec::Vec::new();
        for k in 0..PAIR_COUNT {
            let mut count = std::vec![0u32; 1 << 16];
            for s in &seqs {
                for w in s.windows(2) {
                    if pairable(w[0], w[1]) {
                        count[usize::from(w[0]) << 8 | usize::from(w[1])] += 1;
                    }
                }
            }
            let mut best = 0;
            for (i, &n) in count.iter().enumerate() {
                if n > count[best] {
                    best = i;
                }
            }
            let (x, y) = ((best >> 8) as u8, best as u8);
            pairs.push([x, y]);
            for s in &mut seqs {
                let mut out = std::vec::Vec::with_capacity(s.len());
                let mut i = 0;
                while i < s.len() {
                    if i + 1 < s.len() && s[i] == x && s[i + 1] == y {
                        out.push(pair_code(k));
                        i += 2;
                    } else {
                        out.push(s[i]);
                        i += 1;
                    }
                }
                *s = out;
            }
        }
        pairs
    }

    /// A pair table as Rust source, for `PAIRS_TABLE`.
    fn table_source(pairs: &[[u8; 2]]) -> std::string::String {
        let sym = |b: u8| match b {
            b'\n' => std::string::String::from("b'\\n'"),
            b'\'' => std::string::String::from("b'\\''"),
            b'\\' => std::string::String::from("b'\\\\'"),
            b' '..=b'~' => std::format!("b'{}'", b as char),
            _ => std::format!("0x{b:02x}"),
        };
        let mut out = std::string::String::from("const PAIRS_TABLE: [[u8; 2]; PAIR_COUNT] = [\n");
        for row in pairs.chunks(6) {
            out.push_str("   ");
            for p in row {
                out.push_str(&std::format!(" [{}, {}],", sym(p[0]), sym(p[1])));
            }
            out.push('\n');
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn pairs_shorten_text_and_unpack_as_they_were() {
        // Words the programs say: pairs for them ("in", "te", "rface", ...), and the
        // repeat a reference to pairs and text.
        const TEXT: &[u8] = b"interface eth0: multicast routing on interface eth0\n";
        const CODED: Coded = Coded::of(TEXT);
        static PACKED: [u8; packed_len(CODED.text())] = pack(CODED.text());
        assert!(PACKED.len() + 12 < plain_len(TEXT));
        assert!(PACKED.iter().any(|&b| pair_of(b).is_some()));
        assert!(PACKED.iter().any(|&b| b >= REF_CODE));
        assert_eq!(unpacked(&PACKED, b""), TEXT);
        // Every code byte of a pair, on its own and inside a reference.
        for (k, pair) in PAIRS.iter().enumerate() {
            let code = pair_code(k);
            assert_eq!(pair_of(code), Some(pair));
            let mut want = std::vec::Vec::new();
            put_plain(&[code], &mut |b: &[u8]| want.extend_from_slice(b));
            assert!(want.len() >= 2 && want.iter().all(|&b| is_text(b)));
        }
        for b in (0..REF_CODE).filter(|&b| is_text(b) || b < PAIR_LOW) {
            assert_eq!(pair_of(b), None);
        }
    }

    #[test]
    fn pairs_are_the_greedy_choice() {
        let want = greedy_pairs(&all_texts());
        assert!(
            PAIRS_TABLE[..] == want[..],
            "the texts changed: replace PAIRS_TABLE in src/texts.rs with\n{}",
            table_source(&want)
        );
        // Each pair is of text and earlier pairs: the decoder's recursion ends.
        for (k, pair) in PAIRS_TABLE.iter().enumerate() {
            for &b in pair {
                assert!(is_text(b) || (0..k).any(|j| pair_code(j) == b), "pair {k}");
            }
        }
    }

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
        static PACKED: [u8; plain_len(TEXT)] = pack(TEXT);
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
            static PACKED: [u8; plain_len(TEXT)] = pack(TEXT);
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
        static TABLE: PackedTexts<4, { plain_len(&SEPARATED) }> = PackedTexts::new(&SEPARATED);
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
        const ALL_PACKED: [u8; plain_len(&ALL)] = pack(&ALL);
        const START: usize = plain_len(&SEPARATED);
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
        assert_eq!(packed!(b"abcdXabcd"), b"abcdX\xc8\x00");
        assert_eq!(unpacked(packed!(b"abcdXabcd"), b""), b"abcdXabcd");
        // A reference only to plain text: "bcdefg" is written as a reference and two
        // bytes, so the next "abcdefg" is "abcde" from the start and "fg" again.
        let p = packed!(b"abcde-bcdefg.abcdefg:");
        assert_eq!(p, b"abcde-\xc8\x01fg.\xd0\x00fg:");
        assert_eq!(unpacked(p, b""), b"abcde-bcdefg.abcdefg:");
        // A repeat of itself (overlapping candidates in a run of one byte).
        let p = packed!(b"aaaaaaaaaaa");
        assert_eq!(p, b"aaa\xc0\x00\xc0\x00aa");
        assert_eq!(unpacked(p, b""), b"aaaaaaaaaaa");
    }

    #[test]
    fn references_next_to_codes_unpack_as_they_were() {
        let p = packed!(b"\x01abcd  abcd\x01abcd\x01abcd   \nabcd\x01");
        assert_eq!(
            p,
            b"\x01abcd\x0d\xc8\x01\x01\xc8\x01\x01\xc8\x01\x0e\n\xc8\x01\x01"
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
            and once more: J5K6L7M8N9";
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
