//! The `smcroute.conf` grammar (SMCRoute 2.6 §3): lines in, statements out.
//!
//! Pure and zero-copy: [`parse`] walks a byte buffer the caller has read and hands each
//! statement, with its line number, to a callback; the daemon reads a file line by line
//! into one [`Directive`] ([`parse_into`]). It never touches the filesystem: `include`
//! comes back as a statement and the caller expands the glob and recurses.
//! Addresses are *not* parsed here: conf lines and IPC commands share one argument path
//! in the router (the same messages for both), so statements carry the words as written.

use heapless::Vec;

use crate::limits::{CONF_LINE_MAX, MAX_OIFS};

/// Outbound interface words of one `mroute` line. SMCRoute accepts at most one OIF per
/// VIF; more words than that is an error of the line.
pub type OifWords<'a> = Vec<&'a str, MAX_OIFS>;

/// One directive of the conf file as a value: the words its kind uses
/// ([`Directive::stmt`]), what [`parse`] and [`parse_line`] hand out.
// Without an allocator there is nothing to box `oifs` into; a statement lives on the
// stack for one callback at a time, so the 0.5 KiB of `Mroute` is paid once.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt<'a> {
    /// `phyint IFNAME [enable|disable] [mrdisc] [ttl-threshold N]`.
    Phyint {
        /// Interface name or `eth+` wildcard; `None` if missing.
        ifname: Option<&'a str>,
        /// `Some(true)` for `enable`, `Some(false)` for `disable`, `None` if neither (the
        /// default then depends on `-N`). The last one written wins.
        enable: Option<bool>,
        /// `mrdisc` was given.
        mrdisc: bool,
        /// `ttl-threshold N` as written (range checked by the router, which logs the
        /// "out of range" message); `None` if absent.
        ttl: Option<i64>,
    },
    /// `mroute from IIF [source S[/LEN]] group G[/LEN] [to OIF...]` or, with `join`,
    /// `mgroup`/`ssmgroup from IIF [source S[/LEN]] group G[/LEN]` (no OIFs): one variant
    /// for the words both have.
    Route {
        /// The `from` word.
        from: Option<&'a str>,
        /// The `source` word.
        source: Option<&'a str>,
        /// The `group` word.
        group: Option<&'a str>,
        /// Words after `to` (up to a `#` comment); always empty for a membership.
        oifs: OifWords<'a>,
        /// An `mgroup`/`ssmgroup` line (a membership), not an `mroute`.
        join: bool,
    },
    /// `include PATTERN` (`None` if the pattern is missing).
    Include(Option<&'a str>),
}

/// The directive a line starts with. A route's and a membership's are numbered as the
/// router's rule kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `mroute`.
    Mroute,
    /// `mgroup` or `ssmgroup`.
    Mgroup,
    /// `phyint`.
    Phyint,
    /// `include`.
    Include,
}

/// One line's directive as the parser fills it in place: its kind and every word it
/// reads but the OIFs, whatever the kind (a `phyint` line's flags too), for the daemon to
/// take what the kind uses. No statement is built of it, nor moved; [`Directive::stmt`]
/// is that statement, for callers that want values.
///
/// The words after `to` go to an [`OifWords`] list of the caller's, next to it, on any
/// directive: the list is 0.5 KiB, and on its own the directive is a few dozen bytes in
/// a stack slot of its own, which the loader's code then reaches by short offsets from
/// the stack pointer (x86_64 smcrouted -48 B against the list inside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    /// The directive word.
    pub kind: Kind,
    /// The words after `from` (or the first word of `phyint` and `include`), `source`,
    /// `group` and `ttl-threshold`, by their keyword's number.
    values: [Option<&'a str>; VALUE_KEYS],
    /// `enable` (`Some(true)`) or `disable`, the last one written.
    pub enable: Option<bool>,
    /// `mrdisc` was given.
    pub mrdisc: bool,
}

impl<'a> Directive<'a> {
    /// No words: what [`parse_into`] fills (an `include` without a pattern until then).
    pub const fn new() -> Self {
        Self {
            kind: Kind::Include,
            // Written out, not `[None; VALUE_KEYS]`: LLVM built the repeat in a loop on
            // the stack and copied it in, at each line (x86_64 smcrouted -16 B).
            values: [None, None, None, None],
            enable: None,
            mrdisc: false,
        }
    }

    /// The `from` word: a route's or a membership's IIF, a `phyint`'s interface, an
    /// `include`'s pattern.
    pub fn from(&self) -> Option<&'a str> {
        self.values[Key::From.slot()]
    }

    /// The `source` word.
    pub fn source(&self) -> Option<&'a str> {
        self.values[Key::Source.slot()]
    }

    /// The `group` word.
    pub fn group(&self) -> Option<&'a str> {
        self.values[Key::Group.slot()]
    }

    /// The `ttl-threshold` word, as written (the router reads it with [`atoi`] and
    /// checks its range).
    pub fn ttl(&self) -> Option<&'a str> {
        self.values[Key::Ttl.slot()]
    }

    /// The statement of the directive, whose OIF words are `oifs`: the words its kind
    /// uses.
    pub fn stmt(&self, oifs: &OifWords<'a>) -> Stmt<'a> {
        let (from, source, group) = (self.from(), self.source(), self.group());
        match self.kind {
            Kind::Mroute | Kind::Mgroup => {
                let join = self.kind == Kind::Mgroup;
                Stmt::Route {
                    from,
                    source,
                    group,
                    oifs: if join { OifWords::new() } else { oifs.clone() },
                    join,
                }
            }
            Kind::Phyint => Stmt::Phyint {
                ifname: from,
                enable: self.enable,
                mrdisc: self.mrdisc,
                ttl: self.ttl().map(atoi),
            },
            Kind::Include => Stmt::Include(from),
        }
    }
}

impl Default for Directive<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// What is wrong with a line; the wording lives in the `uDisplay` impl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError<'a> {
    /// First word is not a directive: "Unknown command X, skipping."
    UnknownCommand(&'a str),
    /// More than [`MAX_OIFS`] words after `to` (on any directive).
    TooManyOifs,
    /// A physical line longer than 511 bytes, not counting its `\n` or `\r\n`
    /// (SMCRoute splits it; we reject it). Blank and comment lines are never errors.
    LineTooLong,
    /// A word the parser looks at is not UTF-8 (comments may hold any bytes).
    NotText,
}

// ===== parser =====

/// Calls `f(line_number, result)` for every non-empty, non-comment line, in order, and
/// returns the number of `\n` in `text` (lines a caller reading in chunks must count on).
///
/// Line numbers count physical lines from 1 (`\n`-terminated; a missing final newline is
/// fine and a `\r` before the `\n` is whitespace like any other).
///
/// Each statement is a value of its own; [`parse_each`] lends the parsed directives.
pub fn parse<'a>(text: &'a [u8], f: &mut impl FnMut(u32, Result<Stmt<'a>, LineError<'a>>)) -> u32 {
    parse_each(text, &mut |n, res| f(n, res.map(|(d, oifs)| d.stmt(oifs))))
}

/// [`parse`], lending each line's [`Directive`] and OIF words to `f`: parsed in place,
/// so the 0.5 KiB of OIF words are never moved.
pub fn parse_each<'a>(
    text: &'a [u8],
    f: &mut impl FnMut(u32, Result<(&Directive<'a>, &OifWords<'a>), LineError<'a>>),
) -> u32 {
    let mut number: u32 = 0;
    let mut start = 0;
    while start <= text.len() {
        let end = line_end(text, start);
        let line = text.get(start..end).unwrap_or(&[]);
        start = end + 1;
        number = number.saturating_add(1);
        let mut words = Words::new(line, None);
        if is_statement(&mut words) {
            let mut directive = Directive::new();
            let mut oifs = OifWords::new();
            let res = line_result(line, &mut words, &mut directive, &mut oifs);
            f(number, res.map(|()| (&directive, &oifs)));
        }
    }
    number.saturating_sub(1)
}

/// The index of the first `\n` at or after `start`, or `text.len()`. Eight bytes at a
/// time: this is the one pass over every byte of the file, comments included.
fn line_end(text: &[u8], start: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const NEWLINES: u64 = ONES * b'\n' as u64;
    const BYTE_INDEX: u64 = u64::from_be_bytes([0, 1, 2, 3, 4, 5, 6, 7]);
    let mut end = start;
    let mut chunks = text.get(start..).unwrap_or(&[]).chunks_exact(8);
    for chunk in &mut chunks {
        // Always eight bytes (a pattern, not `copy_from_slice`, which calls `memcpy`).
        let &[b0, b1, b2, b3, b4, b5, b6, b7] = chunk else {
            break;
        };
        // Zero bytes where `text` has `\n`; the lowest flag marks the first one exactly
        // (a borrow can only flag bytes above a zero byte).
        let x = u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) ^ NEWLINES;
        let zeros = x.wrapping_sub(ONES) & !x & (ONES << 7);
        if zeros != 0 {
            // The lowest flag is bit 8k+7 for byte k; shifted down to bit 8k it places the
            // multiplier's byte 7-k, which holds k, in the top byte. (Not `trailing_zeros`:
            // MIPS16e has no count-zeros instruction.)
            let lowest = (zeros & zeros.wrapping_neg()) >> 7;
            return end + (lowest.wrapping_mul(BYTE_INDEX) >> 56) as usize;
        }
        end += 8;
    }
    for &b in chunks.remainder() {
        if b == b'\n' {
            return end;
        }
        end += 1;
    }
    end
}

/// Parses one physical line (without its `\n`); `None` for a blank or comment line.
///
/// [`parse`] is this applied to every line; it is public for callers that want to log
/// the raw line before its statement, as SMCRoute does at debug level.
pub fn parse_line(line: &[u8]) -> Option<Result<Stmt<'_>, LineError<'_>>> {
    let mut directive = Directive::new();
    let mut oifs = OifWords::new();
    Some(parse_into(line, None, &mut directive, &mut oifs)?.map(|()| directive.stmt(&oifs)))
}

/// The directive of `line` into `directive`, a fresh one ([`Directive::new`]), and its
/// words after `to` into `oifs`, an empty list, both of which the caller keeps in place
/// rather than moving them out of every line (a few hundred bytes with the OIF list):
/// what the daemon's loader reads. The parser writes the kind and the words the line
/// has, nothing else: a directive and its list are not reused from line to line.
///
/// `text` is `line` as text when the caller already knows it is (the conf reader finds
/// ASCII lines so while it looks for their end); `None` has `line` checked here.
pub fn parse_into<'a>(
    line: &'a [u8],
    text: Option<&'a str>,
    directive: &mut Directive<'a>,
    oifs: &mut OifWords<'a>,
) -> Option<Result<(), LineError<'a>>> {
    // The words stay in one place, lent to the parser (not moved along with it).
    let mut words = Words::new(line, text);
    is_statement(&mut words).then(|| line_result(line, &mut words, directive, oifs))
}

/// Takes the first word of a line from `words`: false for a blank or comment line.
fn is_statement(words: &mut Words<'_>) -> bool {
    words.next().is_some_and(|first| !is_comment(first))
}

/// The statement of `line`, neither blank nor a comment, whose first word is the last
/// taken from `words` (the words of `line`), into `directive` and `oifs`. The line comes
/// from the caller's hands, not read back out of `words` after the word call.
fn line_result<'a>(
    line: &[u8],
    words: &mut Words<'a>,
    directive: &mut Directive<'a>,
    oifs: &mut OifWords<'a>,
) -> Result<(), LineError<'a>> {
    // Difference: SMCRoute reads 511 bytes at a time and parses the rest of a longer
    // line as a new line, which can turn the tail of a long line into a statement. We
    // reject the line instead. Blank and comment lines are never errors, however long.
    // The length without a final `\r`: one byte test, not `strip_suffix` (a `memcmp`).
    let body_len = line.len() - usize::from(matches!(line, [.., b'\r']));
    if body_len > CONF_LINE_MAX {
        return Err(LineError::LineTooLong);
    }
    parse_words(words, directive, oifs)
}

/// The directive of a line whose first word is the last taken from `words` and whose
/// other words follow, into `directive`, a fresh one, and `oifs`, an empty list (on error
/// they hold some partial directive).
///
/// A word is looked at by its first byte (a `#` comment ends the line, whatever bytes
/// follow); any other word is made text, then matched or kept.
fn parse_words<'a>(
    words: &mut Words<'a>,
    directive: &mut Directive<'a>,
    oifs: &mut OifWords<'a>,
) -> Result<(), LineError<'a>> {
    // The first word as text: checked once, matched, and the unknown command's insert.
    let first = words.text()?;
    let Some(kind) = directive_kind(first.as_bytes()) else {
        return Err(LineError::UnknownCommand(first));
    };
    // The fields of a fresh directive, written as the words come (nothing reset here).
    let Directive {
        kind: kind_out,
        values,
        enable,
        mrdisc,
    } = directive;
    *kind_out = kind;
    // The words of the keywords that take one go to `values` by the keyword's number: one
    // read of a value for all four, and for the first word of `phyint` and `include`,
    // which is taken as is, whatever it looks like (SMCRoute pops it before looking at
    // keywords or comments), as the value of a `from`.
    // The keyword whose value the next word is.
    let mut pending = matches!(kind, Kind::Phyint | Kind::Include).then_some(Key::From);
    // After `to`, every word up to a comment is an outbound interface (a directive is
    // fresh: its list starts empty, and a second `to` is an interface name by then).
    let mut outbound = false;
    // One read of the next word for a keyword's value, a keyword and an OIF.
    loop {
        let word = words.next();
        if let Some(key) = pending.take() {
            // The value is the word as is (`None` at the end of the line).
            let value = match word {
                Some(_) => Some(words.text()?),
                None => None,
            };
            values[key.slot()] = value;
            if kind == Kind::Include {
                // Words after the pattern are ignored.
                break;
            }
            continue;
        }
        let Some(word) = word else {
            break;
        };
        // Difference: SMCRoute takes `#` and every word after it as interface names.
        if is_comment(word) {
            break;
        }
        // Any other word is looked at, so text (one test for an OIF and a keyword).
        let word = words.text()?;
        if outbound {
            oifs.push(word).map_err(|_| LineError::TooManyOifs)?;
            continue;
        }
        // Keywords are prefixes of the word (`tomato` is `to`), tried in SMCRoute's
        // order; a keyword's value is the next word taken as is; unknown words are
        // ignored; a repeated keyword overwrites (with nothing, if its value is missing).
        // `from` on a `phyint` line replaces the interface name, as in SMCRoute.
        // Only `to` and `ttl-threshold` share a first letter, and `to` comes first.
        match keyword(word.as_bytes()) {
            Some(Key::To) => outbound = true,
            // One store for either (the last one written wins).
            Some(key @ (Key::Enable | Key::Disable)) => *enable = Some(key == Key::Enable),
            Some(Key::Mrdisc) => *mrdisc = true,
            // `From`, `Source`, `Group`, `Ttl`: the keywords that take a value.
            Some(key) => pending = Some(key),
            None => {}
        }
    }
    Ok(())
}

/// A word starting with `#` ends the line: `first` is its first byte.
fn is_comment(first: u8) -> bool {
    first == b'#'
}

/// C `atoi`: optional leading whitespace and sign, then decimal digits up to the first
/// other character; no digits gives 0. Saturates instead of overflowing. `args` uses it
/// for the numeric options, which SMCRoute reads with `atoi` too.
///
/// Index loops, not `skip_while`/`peekable`: those adapters are functions of their own.
/// The router reads prefix lengths with it too.
pub fn atoi(s: &str) -> i64 {
    let bytes = s.as_bytes();
    let mut i = 0;
    while bytes.get(i).is_some_and(|&b| is_space(b)) {
        i += 1;
    }
    let negative = bytes.get(i) == Some(&b'-');
    if negative || bytes.get(i) == Some(&b'+') {
        i += 1;
    }
    let mut n: i64 = 0;
    while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
        let digit = i64::from(b - b'0');
        n = if negative {
            n.saturating_mul(10).saturating_sub(digit)
        } else {
            n.saturating_mul(10).saturating_add(digit)
        };
        i += 1;
    }
    n
}

/// C `isspace` in the C locale (note `\v`, which `u8::is_ascii_whitespace` leaves out).
const fn is_space(b: u8) -> bool {
    // `\t` `\n` `\v` `\f` `\r` are 9 to 13.
    b == b' ' || b.wrapping_sub(b'\t') < 5
}

/// Directive words, and their statements. No name is a prefix of another, so the order
/// is free: `mroute`, the directive of long confs, is tried first.
const DIRECTIVE_WORDS: [&str; 5] = ["mroute", "mgroup", "ssmgroup", "phyint", "include"];
static DIRECTIVE_NAMES: [u8; names_len(&DIRECTIVE_WORDS)] = names(&DIRECTIVE_WORDS);
const DIRECTIVES: [Kind; 5] = [
    Kind::Mroute,
    Kind::Mgroup,
    Kind::Mgroup,
    Kind::Phyint,
    Kind::Include,
];

/// The name of the directive at `at` in [`DIRECTIVE_NAMES`] (after its length byte).
const fn directive_name(at: usize) -> &'static str {
    let (len, name) = DIRECTIVE_NAMES.split_at(at + 1);
    match core::str::from_utf8(name.split_at(len[at] as usize).0) {
        Ok(name) => name,
        Err(_) => panic!("directive name not UTF-8"),
    }
}

/// `mroute` and `mgroup` in [`DIRECTIVE_NAMES`], for the router's pending list: no
/// second copy of them in `.rodata`. Statics, as clippy 1.95 fails on a `const` that
/// points into a static.
pub static MROUTE_WORD: &str = directive_name(0);
/// See [`MROUTE_WORD`].
pub static MGROUP_WORD: &str = directive_name(1 + MROUTE_WORD.len());

/// The directive `word` starts with.
fn directive_kind(word: &[u8]) -> Option<Kind> {
    DIRECTIVES.get(prefixed(word, &DIRECTIVE_NAMES)).copied()
}

/// Keywords of a statement, in the order SMCRoute tries them (`to` before
/// `ttl-threshold`), and what they are.
const KEYWORD_WORDS: [&str; 8] = [
    "from",
    "source",
    "group",
    "to",
    "enable",
    "disable",
    "mrdisc",
    "ttl-threshold",
];
static KEYWORD_NAMES: [u8; names_len(&KEYWORD_WORDS)] = names(&KEYWORD_WORDS);

/// The keyword `word` starts with.
fn keyword(word: &[u8]) -> Option<Key> {
    // The keywords numbered as their names: no table from one to the other.
    Some(match prefixed(word, &KEYWORD_NAMES) {
        0 => Key::From,
        1 => Key::Source,
        2 => Key::Group,
        3 => Key::To,
        4 => Key::Enable,
        5 => Key::Disable,
        6 => Key::Mrdisc,
        7 => Key::Ttl,
        _ => return None,
    })
}

/// The bytes of [`names`] of `list`.
const fn names_len(list: &[&str]) -> usize {
    crate::fmt::joined_len(list) + list.len()
}

/// Directives or keywords one after the other, each after its length byte, at compile
/// time (a compile error for an empty name or one over 255 bytes). No pointers and no
/// padding: the tables are a few bytes in `.rodata`, not string slices in the RELRO
/// region (nor fixed-width rows, half of them NULs).
const fn names<const L: usize>(list: &[&str]) -> [u8; L] {
    let mut out = [0; L];
    let (mut i, mut at) = (0, 0);
    while i < list.len() {
        let name = list[i].as_bytes();
        assert!(!name.is_empty() && name.len() <= u8::MAX as usize);
        out[at] = name.len() as u8;
        let mut j = 0;
        while j < name.len() {
            out[at + 1 + j] = name[j];
            j += 1;
        }
        at += 1 + name.len();
        i += 1;
    }
    assert!(at == L);
    out
}

/// The index of the first of `names` that `word` starts with, or `usize::MAX` if none
/// (an index past the caller's table: one bounds test there, no `Option` to test too):
/// a walk over the table, the first byte tested before the rest, not a chain of
/// compares, for the directives and the keywords.
fn prefixed(word: &[u8], mut names: &[u8]) -> usize {
    let mut index = 0;
    // An empty word (never given) starts with none: no name starts with a NUL.
    let first = word.first().copied().unwrap_or(0);
    while let [len, rest @ ..] = names {
        let Some((name, next)) = rest.split_at_checked(usize::from(*len)) else {
            break;
        };
        if rest.first() == Some(&first) && starts_with(word, name) {
            return index;
        }
        names = next;
        index += 1;
    }
    usize::MAX
}

/// A keyword of a statement, numbered as its name in [`KEYWORD_WORDS`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    From,
    Source,
    Group,
    To,
    Enable,
    Disable,
    Mrdisc,
    Ttl,
}

/// The keywords that take a value: `From`, `Source`, `Group`, `Ttl`.
const VALUE_KEYS: usize = 4;

impl Key {
    /// The slot of a keyword that takes a value among a line's values: its number's low
    /// bits (`Ttl`'s 7 is slot 3), one mask, no bounds test. (Other keywords share
    /// slots; they are never given one.)
    const fn slot(self) -> usize {
        self as usize & (VALUE_KEYS - 1)
    }
}

// The value keywords have slots of their own.
static_assertions::const_assert!(
    VALUE_KEYS.is_power_of_two()
        && Key::From.slot() == 0
        && Key::Source.slot() == 1
        && Key::Group.slot() == 2
        && Key::Ttl.slot() == 3
);

/// `word.starts_with(name)` for a `name` whose first byte `word` is known to share, as a
/// byte loop: names are a few bytes, and the slice comparison calls `memcmp` for each
/// (most of the cost of a keyword lookup).
fn starts_with(word: &[u8], name: &[u8]) -> bool {
    let mut i = 1;
    while i < name.len() {
        if word.get(i) != name.get(i) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whitespace-separated words of a line (no quoting, as in SMCRoute): each one's first
/// byte, then, if the parser takes it, the word as text.
///
/// The line is checked for UTF-8 once, not word by word: words inside its valid prefix
/// are text, and a word past it is not. The first word that reaches past the prefix
/// holds the bad bytes (words split at ASCII, where UTF-8 decoding is in step), and the
/// parser stops at it (an error, or a comment), so no later word is ever looked at.
struct Words<'a> {
    line: &'a [u8],
    /// The longest UTF-8 prefix of `line`.
    valid: &'a str,
    /// Where the word [`Words::next`] gave last starts and ends.
    start: usize,
    end: usize,
}

/// A word is not UTF-8: [`LineError::NotText`], which `?` makes of it. An error without
/// a payload, so each of the parser's many `?` stores nothing but its tag.
struct NotText;

impl From<NotText> for LineError<'_> {
    fn from(_: NotText) -> Self {
        LineError::NotText
    }
}

impl<'a> Words<'a> {
    /// The words of `line`, checked for UTF-8 here unless it comes as `text` too.
    fn new(line: &'a [u8], text: Option<&'a str>) -> Self {
        Self {
            line,
            valid: text.unwrap_or_else(|| crate::fmt::utf8_prefix(line)),
            start: 0,
            end: 0,
        }
    }

    /// Moves to the next word: its first byte (all the parser looks at before it takes
    /// the word as [`Words::text`]); `None` at the end of the line. Never empty.
    fn next(&mut self) -> Option<u8> {
        // Plain index loops: the size-optimised build calls iterator closures per byte.
        let mut start = self.end;
        while self.line.get(start).is_some_and(|&b| is_space(b)) {
            start += 1;
        }
        let &first = self.line.get(start)?;
        let mut end = start + 1;
        while self.line.get(end).is_some_and(|&b| !is_space(b)) {
            end += 1;
        }
        self.start = start;
        self.end = end;
        Some(first)
    }

    /// The last word as text, `Err` if it is not: it is exactly when it ends inside the
    /// valid prefix (a word ends at a space or at the end of the line and starts after a
    /// space, so inside the prefix it is whole characters). Difference: SMCRoute works on
    /// bytes; we only need the words we look at to be UTF-8 (comments may hold any
    /// bytes).
    fn text(&self) -> Result<&'a str, NotText> {
        self.valid.get(self.start..self.end).ok_or(NotText)
    }
}

// ===== messages =====

// The limits written into the texts at compile time: no number formatting at run time.
const TOO_MANY_OIFS: &str = crate::joined![
    "Too many outbound interfaces, max ",
    crate::decimal!(MAX_OIFS),
    ", skipping.",
];
const LINE_TOO_LONG: &str = crate::joined![
    "Line too long, max ",
    crate::decimal!(CONF_LINE_MAX),
    " characters, skipping.",
];

/// The messages of [`LineError`], by [`LineError::text`]'s number, the unknown word where
/// [`crate::texts::INSERT_TEXT`] stands: the daemon's loader logs them from its packed
/// texts (`daemon::said`).
pub const LINE_ERROR_TEXTS: [&str; 4] = [
    crate::joined!["Unknown command ", crate::texts::INSERT_TEXT, ", skipping."],
    TOO_MANY_OIFS,
    LINE_TOO_LONG,
    "Line is not UTF-8 text, skipping.",
];

impl<'a> LineError<'a> {
    /// The message's number in [`LINE_ERROR_TEXTS`], and the unknown word for its insert
    /// (empty for the others).
    pub fn text(&self) -> (u8, &'a str) {
        match self {
            Self::UnknownCommand(word) => (0, word),
            Self::TooManyOifs => (1, ""),
            Self::LineTooLong => (2, ""),
            Self::NotText => (3, ""),
        }
    }
}

#[cfg(test)]
mod tests;
