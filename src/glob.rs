//! Shell wildcard patterns as `glob(3)` reads them with flags 0, one path component at
//! a time: the matcher behind the conf file's `include PATTERN` (spec §6). Walking the
//! directories is `sys::fs::glob`'s job; this module only decides. Pure.
//!
//! | pattern | matches |
//! |---|---|
//! | `*` | any run of bytes, the empty one included |
//! | `?` | any one byte |
//! | `[abc]`, `[a-z]` | one byte of the set; a range is inclusive, by byte value |
//! | `[!…]`, `[^…]` | one byte not in the set |
//! | `\c` | the byte `c` itself (also inside a set) |
//! | anything else | itself |
//!
//! A name starting with `.` is matched only by a pattern starting with a literal `.`
//! (not by `*`, `?` or a set), as glob(3) hides dot files. Matching is by byte, as in the
//! C locale the daemon runs in: `?` matches one byte of a multi-byte UTF-8 character. In
//! a set, `]` right after `[` or `[!` is a member, `-` first or last is itself, and a `[`
//! without its `]` is an ordinary byte. POSIX character classes (`[[:alpha:]]`) are not
//! supported: their bytes are read as set members.

use core::cmp::Ordering;

/// True if `component` has a wildcard (`*`, `?` or `[`) not escaped by a backslash: the
/// directory must then be read; otherwise the component names one entry.
pub fn has_wildcard(component: &[u8]) -> bool {
    let mut bytes = component.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'\\' => {
                bytes.next();
            }
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
    }
    false
}

/// Calls `f` with each byte of a component without wildcards, its backslashes removed
/// (`a\*b` is the name `a*b`). A trailing lone backslash stands for itself.
pub fn unescape(component: &[u8], f: &mut impl FnMut(u8)) {
    let mut bytes = component.iter();
    while let Some(&b) = bytes.next() {
        if b == b'\\' {
            f(bytes.next().map_or(b, |&c| c));
        } else {
            f(b);
        }
    }
}

/// True if the file name `name` (one component, no `/`) matches `pattern`.
pub fn matches(pattern: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && pattern.first() != Some(&b'.') {
        // Hidden: only a literal leading dot shows it (`\.` counts as literal).
        // Byte by byte: a slice comparison is a function of its own.
        if pattern.get(1) != Some(&b'.') || pattern.first() != Some(&b'\\') {
            return false;
        }
    }
    match_from(pattern, name)
}

/// Iterative wildcard matching with one backtrack point: the last `*` seen. On a
/// mismatch the `*` takes one more byte and matching resumes after it; earlier stars
/// never need to change, which keeps this linear in practice and never recursive.
fn match_from(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    // (pattern index after the star, name index the star's match ends at)
    let mut star: Option<(usize, usize)> = None;
    loop {
        let step = match pattern.get(p) {
            None if n == name.len() => return true,
            None => None,
            Some(b'*') => {
                star = Some((p + 1, n));
                p += 1;
                continue;
            }
            Some(_) => name.get(n).and_then(|&c| one(pattern, p, c)),
        };
        match step {
            Some(len) => {
                p += len;
                n += 1;
            }
            None => match star {
                Some((after, end)) if end < name.len() => {
                    star = Some((after, end + 1));
                    p = after;
                    n = end + 1;
                }
                _ => return false,
            },
        }
    }
}

/// Matches the single pattern item at `pattern[p]` (not `*`) against byte `c`: the item's
/// length in the pattern if it matches.
fn one(pattern: &[u8], p: usize, c: u8) -> Option<usize> {
    let item = pattern.get(p..)?;
    match *item.first()? {
        b'?' => Some(1),
        b'[' => match bracket(item, c) {
            Some((true, len)) => Some(len),
            Some((false, _)) => None,
            // No closing `]`: the `[` is an ordinary byte.
            None => (c == b'[').then_some(1),
        },
        b'\\' => match item.get(1) {
            Some(&e) => (e == c).then_some(2),
            None => (c == b'\\').then_some(1),
        },
        b => (b == c).then_some(1),
    }
}

/// The set at the start of `item` (which begins with `[`): whether `c` is in it (taking
/// `!`/`^` into account) and the set's length, or `None` if it has no closing `]`.
fn bracket(item: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(item.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    loop {
        let lo = match *item.get(i)? {
            b']' if !first => return Some((found != negate, i + 1)),
            b'\\' => {
                i += 1;
                *item.get(i)?
            }
            b => b,
        };
        first = false;
        i += 1;
        // A range `lo-hi`, unless the `-` is the last byte before `]`.
        let hi = match (item.get(i), item.get(i + 1)) {
            (Some(b'-'), Some(&h)) if h != b']' => {
                i += 2;
                if h == b'\\' {
                    let escaped = *item.get(i)?;
                    i += 1;
                    escaped
                } else {
                    h
                }
            }
            _ => lo,
        };
        if lo <= c && c <= hi {
            found = true;
        }
    }
}

/// The order `glob(3)` sorts its results in, seen from one directory: byte order of the
/// whole paths. Entries followed by more of the path compare as `name/` (so `a-b/x`
/// comes before `a/x`, `-` being below `/`), which makes emitting each directory's
/// matches in this order, depth first, give exactly the sorted list.
pub fn path_order(a: &[u8], b: &[u8], followed_by_slash: bool) -> Ordering {
    // By index, not `chain(..).cmp(..)`: the iterator adapters are functions of their own.
    let at = |s: &[u8], i: usize| match s.get(i) {
        Some(&c) => Some(c),
        None if followed_by_slash && i == s.len() => Some(b'/'),
        None => None,
    };
    let mut i = 0;
    loop {
        match (at(a, i), at(b, i)) {
            (Some(x), Some(y)) if x == y => i += 1,
            // A path that ends first sorts first (`None` is below every byte).
            (x, y) => return x.cmp(&y),
        }
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        matches(p.as_bytes(), n.as_bytes())
    }

    fn unesc(p: &str) -> std::string::String {
        let mut out = std::vec::Vec::new();
        unescape(p.as_bytes(), &mut |b| out.push(b));
        std::string::String::from_utf8(out).unwrap()
    }

    #[test]
    fn literals() {
        assert!(m("a.conf", "a.conf"));
        assert!(!m("a.conf", "a.con"));
        assert!(!m("a.con", "a.conf"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(!m("a", ""));
    }

    #[test]
    fn star() {
        assert!(m("*", "anything"));
        assert!(m("*", "x"));
        assert!(m("*.conf", "a.conf"));
        assert!(!m("*.conf", ".conf.conf"), "hidden");
        assert!(m("*.conf", "b.conf"));
        assert!(!m("*.conf", "a.conf~"));
        assert!(m("a*", "a"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abbbc"));
        assert!(!m("a*b*c", "aXbY"));
        assert!(m("**", "ab"));
        assert!(m("*a*", "banana"));
        assert!(m("*ana", "banana"), "backtracks past the first 'ana'");
        assert!(!m("*x", "banana"));
        // Long runs stay cheap (no exponential backtracking).
        let name = "a".repeat(200);
        assert!(!m(&format!("{}b", "*a".repeat(20)), &name));
    }

    #[test]
    fn question_mark() {
        assert!(m("?", "a"));
        assert!(!m("?", ""));
        assert!(!m("?", "ab"));
        assert!(m("a?c", "abc"));
        assert!(m("??", "é"), "one byte each, as in the C locale");
    }

    #[test]
    fn sets_and_ranges() {
        assert!(m("[abc]", "b"));
        assert!(!m("[abc]", "d"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[a-c]x", "dx"));
        assert!(m("[0-9a-f]", "e"));
        assert!(m("[!abc]", "d"));
        assert!(!m("[!abc]", "a"));
        assert!(m("[^abc]", "d"));
        assert!(!m("[^a-z]", "q"));
        // `]` first is a member; `-` first or last is itself.
        assert!(m("[]a]", "]"));
        assert!(m("[!]a]", "b"));
        assert!(!m("[!]a]", "]"));
        assert!(m("[-a]", "-"));
        assert!(m("[a-]", "-"));
        assert!(!m("[a-]", "b"));
        // A backslash escapes inside a set too.
        assert!(m("[\\]]", "]"));
        assert!(m("[a\\-z]", "-"));
        assert!(!m("[a\\-z]", "b"));
        assert!(m("[a-\\z]", "q"));
        // Reversed ranges match nothing.
        assert!(!m("[z-a]", "q"));
        // No closing bracket: an ordinary `[`.
        assert!(m("[ab", "[ab"));
        assert!(!m("[ab", "a"));
        assert!(m("x[", "x["));
        assert!(!m("[!", "a"));
        assert!(!m("[\\", "["));
        assert!(!m("[a-\\", "a"));
        // A set is one byte.
        assert!(!m("[ab]", ""));
        assert!(!m("[ab]", "ab"));
    }

    #[test]
    fn escapes() {
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("a\\?", "a?"));
        assert!(!m("a\\?", "ab"));
        assert!(m("\\[a]", "[a]"));
        assert!(m("a\\", "a\\"), "a trailing backslash is itself");
        assert!(m("\\a", "a"));
    }

    #[test]
    fn hidden_names_need_a_literal_dot() {
        assert!(!m("*", ".hidden"));
        assert!(!m("?hidden", ".hidden"));
        assert!(!m("[.]hidden", ".hidden"));
        assert!(m(".*", ".hidden"));
        assert!(m(".*", "."));
        assert!(m(".*", ".."));
        assert!(m("\\.h*", ".hidden"));
        assert!(m(".h?dden", ".hidden"));
        // Only a leading dot is special.
        assert!(m("a*", "a.b"));
        assert!(m("*.conf", "a.conf"));
    }

    #[test]
    fn wildcard_detection() {
        assert!(!has_wildcard(b"etc"));
        assert!(!has_wildcard(b""));
        assert!(has_wildcard(b"*.conf"));
        assert!(has_wildcard(b"a?"));
        assert!(has_wildcard(b"[ab]"));
        assert!(!has_wildcard(b"a\\*b"));
        assert!(has_wildcard(b"a\\\\*"));
        assert!(!has_wildcard(b"a\\"));
    }

    #[test]
    fn unescaping() {
        assert_eq!(unesc("plain"), "plain");
        assert_eq!(unesc("a\\*b"), "a*b");
        assert_eq!(unesc("\\\\"), "\\");
        assert_eq!(unesc("a\\"), "a\\");
        assert_eq!(unesc("x\\"), "x\\");
        assert_eq!(unesc("ab\\c\\d"), "abcd");
        assert_eq!(unesc("\\a\\b"), "ab");
        assert_eq!(unesc(""), "");
    }

    #[test]
    fn sorted_as_whole_paths() {
        assert_eq!(path_order(b"a", b"b", false), Ordering::Less);
        assert_eq!(path_order(b"a", b"a-b", false), Ordering::Less);
        // "a/..." > "a-b/..." because '-' < '/'.
        assert_eq!(path_order(b"a", b"a-b", true), Ordering::Greater);
        assert_eq!(path_order(b"a", b"a0", true), Ordering::Less);
        assert_eq!(path_order(b"B", b"a", false), Ordering::Less, "byte order");
        assert_eq!(path_order(b"x", b"x", true), Ordering::Equal);
        // As the whole paths compare, against the chained bytes.
        let names: [&[u8]; 7] = [b"", b"a", b"a-b", b"a/", b"a0", b"ab", b"b"];
        for x in names {
            for y in names {
                for slash in [false, true] {
                    let tail: &[u8] = if slash { b"/" } else { b"" };
                    let want = [x, tail].concat().cmp(&[y, tail].concat());
                    assert_eq!(path_order(x, y, slash), want);
                }
            }
        }
    }
}
