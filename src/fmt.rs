//! Logging facade over `ufmt`, declared first so every module can use the macros.
//!
//! Pure code never writes anywhere: it formats one line into a fixed [`Line`] and hands it
//! to a [`Log`] sink it was given. `sys` provides the syslog/stderr sink; tests record.
//! `core::fmt` is never used outside tests.

use heapless::String;

use crate::errno::Errno;
use crate::limits::LOG_LINE_MAX;

/// Syslog priority of a message; the numeric values are syslog's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    /// `LOG_EMERG`
    Emerg = 0,
    /// `LOG_ALERT`
    Alert = 1,
    /// `LOG_CRIT`
    Crit = 2,
    /// `LOG_ERR`
    Err = 3,
    /// `LOG_WARNING`
    Warning = 4,
    /// `LOG_NOTICE`
    Notice = 5,
    /// `LOG_INFO`
    Info = 6,
    /// `LOG_DEBUG`
    Debug = 7,
}

impl Level {
    /// The level with syslog number `n` (values above 7 mean debug).
    pub const fn from_number(n: u8) -> Self {
        match n {
            0 => Self::Emerg,
            1 => Self::Alert,
            2 => Self::Crit,
            3 => Self::Err,
            4 => Self::Warning,
            5 => Self::Notice,
            6 => Self::Info,
            _ => Self::Debug,
        }
    }
}

/// Where log lines go. Implementations decide filtering by level; every implementation
/// must remember the last line whatever its level while it may be asked for it, because
/// SMCRoute replies to a failed IPC command with the daemon's last log message.
pub trait Log {
    /// Emits one formatted line (no trailing newline).
    fn log(&mut self, level: Level, line: &str);

    /// False if a line of `level` would be neither shown nor remembered, so `log!`
    /// need not format it (the daemon filters most debug lines, one per upcall).
    fn wants(&self, _level: Level) -> bool {
        true
    }
}

/// One log line, truncated at [`LOG_LINE_MAX`] bytes as SMCRoute truncates its messages.
#[derive(Default)]
pub struct Line(String<LOG_LINE_MAX>);

impl Line {
    /// An empty line.
    pub const fn new() -> Self {
        Self(String::new())
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl ufmt::uWrite for Line {
    type Error = core::convert::Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        push_truncated(&mut self.0, s);
        Ok(())
    }
}

/// Appends as much of `s` as fits in `out`, cut at a character boundary.
pub fn push_truncated<const N: usize>(out: &mut String<N>, s: &str) {
    let _ = out.push_str(fitting(s, N - out.len()));
}

/// The longest start of `s` of at most `room` bytes that ends at a character boundary.
fn fitting(s: &str, room: usize) -> &str {
    utf8_prefix(s.as_bytes().get(..room).unwrap_or(s.as_bytes()))
}

/// `bytes` as text if they are UTF-8: through [`utf8_prefix`], the one UTF-8 check of
/// the programs (each caller of `from_utf8` would handle an error with a position we
/// never use).
#[inline(never)]
pub fn as_utf8(bytes: &[u8]) -> Option<&str> {
    let text = utf8_prefix(bytes);
    (text.len() == bytes.len()).then_some(text)
}

/// The longest start of `bytes` that is UTF-8 (all of them when they are): the valid
/// part of the first of `core`'s `utf8_chunks`, checked by a loop of ours in `sys`.
/// Smaller than `from_utf8`, whose word-at-a-time ASCII path no start-up needs any more:
/// the conf reader finds ASCII lines while it looks for their ends, and only the others
/// come here (5 calls for 5,000 routes).
pub use crate::sys::utf8_prefix;

/// Moves `buf[start..end]` to the front of `buf`, as `buf.copy_within(start..end, 0)`:
/// a byte loop, so the programs import no `memmove` for their two moves of a partial
/// line or frame (what is left after the complete ones, once per read). Bytes past the
/// buffer are not moved.
pub fn move_to_front(buf: &mut [u8], start: usize, end: usize) {
    let mut i = start;
    while i < end {
        if let Some(&b) = buf.get(i) {
            if let Some(d) = buf.get_mut(i - start) {
                *d = b;
            }
        }
        i += 1;
    }
}

/// `text` cut at its first `sep` (ASCII), as `text.split_once(sep as char)`, by a byte
/// search: `str::split_once` goes through `core`'s generic char searcher and `memchr`,
/// a kilobyte in a static program.
pub fn split_once(text: &str, sep: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == sep)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// True if `bytes` contains `byte`. `<[u8]>::contains` is `memchr`, word at a time,
/// half a kilobyte for strings of a few dozen bytes. Out of line but on x86_64, where
/// the byte loop in line at its few callers measured smaller (-88 B).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub fn has_byte(bytes: &[u8], byte: u8) -> bool {
    for &b in bytes {
        if b == byte {
            return true;
        }
    }
    false
}

/// Total length of `parts` (for the length of a [`join`]).
pub const fn joined_len(parts: &[&str]) -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < parts.len() {
        len += parts[i].len();
        i += 1;
    }
    len
}

/// `parts` one after the other, at compile time: one write of a text that is made of
/// constants, not one write per piece (`N` is their [`joined_len`]).
pub const fn join<const N: usize>(parts: &[&str]) -> [u8; N] {
    let mut out = [0; N];
    let (mut i, mut at) = (0, 0);
    while i < parts.len() {
        let part = parts[i].as_bytes();
        let mut j = 0;
        while j < part.len() {
            out[at] = part[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Number of decimal digits of `n` (for the length of a [`decimal`]).
pub const fn digits(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// `n` in decimal, at compile time, to [`join`] a limit into a message (`N` is its
/// [`digits`]).
pub const fn decimal<const N: usize>(mut n: usize) -> [u8; N] {
    let mut out = [b'0'; N];
    let mut i = N;
    while i > 0 {
        i -= 1;
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out
}

/// `bytes` as text, at compile time (for a [`join`] of `&str` constants).
pub const fn utf8(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("not UTF-8"),
    }
}

/// A `&'static str` of constant texts joined at compile time: `joined!["max ", "7"]`.
/// One write of the whole text at run time, no formatting.
#[macro_export]
macro_rules! joined {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&str] = &[$($part),+];
        const JOINED: [u8; $crate::fmt::joined_len(PARTS)] = $crate::fmt::join(PARTS);
        // A constant too, so no caller checks the text at run time.
        const TEXT: &str = $crate::fmt::utf8(&JOINED);
        TEXT
    }};
}

/// A constant number in decimal as a `&'static str`, at compile time, to put a limit
/// into a [`joined!`] message: `joined!["max ", decimal!(MAX_OIFS)]`.
#[macro_export]
macro_rules! decimal {
    ($n:expr) => {{
        const DIGITS: [u8; $crate::fmt::digits($n)] = $crate::fmt::decimal($n);
        const TEXT: &str = $crate::fmt::utf8(&DIGITS);
        TEXT
    }};
}

/// Formats with `ufmt` into a [`Line`] and sends it to a [`Log`] sink:
/// `log!(sink, Level::Warning, "{} line {}: {}", file, n, err)`. Nothing is formatted
/// when the sink does not want the level. `sink` is evaluated twice: pass a reference or
/// a place, as every caller does.
///
/// A lone literal is logged as it is, through one call (`{{` is not unescaped: no log
/// line has a brace); it must fit a [`Line`], checked at compile time.
#[macro_export]
macro_rules! log {
    ($sink:expr, $level:expr, $text:literal) => {{
        const _: () = assert!($text.len() <= $crate::limits::LOG_LINE_MAX);
        $crate::fmt::text($sink, $level, $text)
    }};
    ($sink:expr, $level:expr, $($arg:tt)*) => {{
        let level: $crate::fmt::Level = $level;
        if $crate::fmt::wants(&*$sink, level) {
            let mut line = $crate::fmt::Line::new();
            let _ = ufmt::uwrite!(line, $($arg)*);
            $crate::fmt::emit($sink, level, &line);
        }
    }};
}

/// [`Log::wants`] for `log!`, not inlined: a call at each of the many log sites is
/// smaller than the sink's level check.
#[inline(never)]
pub fn wants<L: Log + ?Sized>(sink: &L, level: Level) -> bool {
    sink.wants(level)
}

/// [`Log::log`] of a formatted [`Line`] for `log!`, not inlined (as [`wants`]).
#[inline(never)]
pub fn emit<L: Log + ?Sized>(sink: &mut L, level: Level, line: &Line) {
    sink.log(level, line.as_str());
}

/// `log!` of a line without arguments, not inlined (as [`wants`]).
#[inline(never)]
pub fn text<L: Log + ?Sized>(sink: &mut L, level: Level, text: &str) {
    if sink.wants(level) {
        sink.log(level, text);
    }
}

/// Logs `parts` in a row, then the error if any, then `tail`: the one line builder of
/// the daemon's start-up messages and of the conf loader's warnings. Through `dyn Log`:
/// one body for the daemon's log and its host.
#[inline(never)]
pub fn line_of(sink: &mut dyn Log, level: Level, parts: &[&str], e: Option<Errno>, tail: &str) {
    if sink.wants(level) {
        let mut line = Line::new();
        for part in parts {
            let _ = ufmt::uWrite::write_str(&mut line, part);
        }
        if let Some(e) = e {
            let _ = ufmt::uwrite!(line, "{}", e);
        }
        let _ = ufmt::uWrite::write_str(&mut line, tail);
        sink.log(level, line.as_str());
    }
}

/// A [`Log`] sink that keeps every line, for tests.
#[cfg(any(test, feature = "std"))]
pub mod record {
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    use super::{Level, Log};

    /// Every line logged, with its level.
    #[derive(Default, Debug)]
    pub struct RecordingLog {
        /// Lines in order.
        pub lines: Vec<(Level, String)>,
    }

    impl Log for RecordingLog {
        fn log(&mut self, level: Level, line: &str) {
            self.lines.push((level, line.into()));
        }
    }

    impl RecordingLog {
        /// True if some line contains `needle`.
        pub fn contains(&self, needle: &str) -> bool {
            self.lines.iter().any(|(_, l)| l.contains(needle))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::record::RecordingLog;
    use super::*;

    #[test]
    fn move_to_front_moves_the_tail_over_its_own_start() {
        let mut buf = *b"abcdefgh";
        move_to_front(&mut buf, 3, 8);
        assert_eq!(&buf, b"defghfgh");
        let mut buf = *b"abcdefgh";
        move_to_front(&mut buf, 6, 6);
        assert_eq!(&buf, b"abcdefgh");
        // An end past the buffer moves what is there.
        let mut buf = *b"abcd";
        move_to_front(&mut buf, 2, 9);
        assert_eq!(&buf, b"cdcd");
    }

    #[test]
    fn texts_join_at_compile_time() {
        assert_eq!(
            (digits(0), digits(9), digits(10), digits(511)),
            (1, 1, 2, 3)
        );
        assert_eq!(&decimal::<3>(511), b"511");
        assert_eq!(&decimal::<1>(0), b"0");
        const PARTS: [&str; 3] = ["max ", "32", "."];
        const JOINED: &str = utf8(&join::<{ joined_len(&PARTS) }>(&PARTS));
        assert_eq!(JOINED, "max 32.");
        assert_eq!(fitting("aé", 2), "a");
    }

    #[test]
    fn utf8_checks_as_core_does() {
        let cases: [&[u8]; 9] = [
            b"",
            b"eth0",
            "é€😀".as_bytes(),
            b"ab\xffcd",
            b"\xc3",
            b"x\xe2\x82",
            b"\xed\xa0\x80",
            b"\xc0\xaf",
            b"\xf4\x90\x80\x80",
        ];
        for bytes in cases {
            let core = std::str::from_utf8(bytes);
            assert_eq!(as_utf8(bytes), core.ok());
            let valid = core.map_or_else(|e| e.valid_up_to(), |s| s.len());
            assert_eq!(utf8_prefix(bytes).as_bytes(), &bytes[..valid]);
        }
    }

    /// Every one- and two-byte start with each kind of byte after it, and a million
    /// pseudo-random strings of bytes that are mostly lead and continuation bytes.
    #[test]
    fn utf8_prefix_agrees_with_core_everywhere() {
        let check = |bytes: &[u8]| {
            let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |s| s.len());
            assert_eq!(utf8_prefix(bytes).len(), valid, "{bytes:x?}");
        };
        let tails: [&[u8]; 6] = [b"", b"\x80\x80", b"\xbf\xbf", b"\x8f\xa0", b"a", b"\xc0"];
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for tail in tails {
                    check(&[&[a, b], tail].concat());
                }
            }
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let pick: [u8; 16] = [
            0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xf0,
            0xf4, 0xf5,
        ];
        for _ in 0..1_000_000 {
            let mut bytes = [0u8; 8];
            for byte in &mut bytes {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *byte = if x & 0x100 == 0 {
                    pick[(x & 15) as usize]
                } else {
                    (x >> 24) as u8
                };
            }
            check(&bytes);
        }
    }

    #[test]
    fn split_once_as_str_split_once() {
        for text in ["", "a", "%", "a%b", "%a%%b%", "é%ü"] {
            assert_eq!(split_once(text, b'%'), text.split_once('%'));
        }
        assert!(has_byte(b"a=b", b'=') && !has_byte(b"ab", b'=') && !has_byte(b"", 0));
    }

    #[test]
    fn truncates_at_127() {
        let mut log = RecordingLog::default();
        let long = "x".repeat(300);
        crate::log!(&mut log, Level::Info, "{}", long.as_str());
        assert_eq!(log.lines[0].1.len(), LOG_LINE_MAX);
        // Cut at a character boundary, never inside one.
        let wide = "é".repeat(100);
        crate::log!(&mut log, Level::Info, "x{}", wide.as_str());
        assert_eq!(log.lines[1].1.len(), LOG_LINE_MAX);
        crate::log!(&mut log, Level::Info, "{}", wide.as_str());
        assert_eq!(log.lines[2].1.len(), LOG_LINE_MAX - 1);
        assert!(log.lines[2].1.chars().all(|c| c == 'é'));
    }

    /// Counts formatting: each `{}` of a `Probe` is one call.
    struct Probe<'a>(&'a core::cell::Cell<u32>);

    impl ufmt::uDisplay for Probe<'_> {
        fn fmt<W: ufmt::uWrite + ?Sized>(
            &self,
            f: &mut ufmt::Formatter<'_, W>,
        ) -> Result<(), W::Error> {
            self.0.set(self.0.get() + 1);
            f.write_str("p")
        }
    }

    struct Quiet(RecordingLog);

    impl Log for Quiet {
        fn log(&mut self, level: Level, line: &str) {
            self.0.log(level, line);
        }

        fn wants(&self, level: Level) -> bool {
            level <= Level::Notice
        }
    }

    #[test]
    fn unwanted_levels_are_not_formatted() {
        let calls = core::cell::Cell::new(0);
        let mut quiet = Quiet(RecordingLog::default());
        crate::log!(&mut quiet, Level::Debug, "{}", Probe(&calls));
        assert_eq!((calls.get(), quiet.0.lines.len()), (0, 0));
        crate::log!(&mut quiet, Level::Notice, "{}", Probe(&calls));
        assert_eq!((calls.get(), quiet.0.lines.len()), (1, 1));
        crate::log!(&mut quiet, Level::Debug, "plain");
        crate::log!(&mut quiet, Level::Notice, "plain");
        assert_eq!(quiet.0.lines[1], (Level::Notice, "plain".into()));
        assert_eq!(quiet.0.lines.len(), 2);
        // The default wants everything.
        let mut all = RecordingLog::default();
        assert!(all.wants(Level::Debug));
        crate::log!(&mut all, Level::Debug, "{}", Probe(&calls));
        assert_eq!(calls.get(), 2);
    }
}
