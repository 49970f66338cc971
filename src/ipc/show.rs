//! Client-side rendering of a show reply (SMCRoute's heading protocol); the same reader
//! keeps a status reply ([`Headings::Status`]).
//!
//! The daemon marks heading lines by their last character: `_` ends a section title, `=`
//! ends a column header. The client strips the marker and draws the heading for the
//! chosen [`Headings`] mode; every other line is printed as is. The reply ends with one
//! NUL, which SMCRoute's client prints as a final empty line, and so do we.
//!
//! ```text
//!  reply:  "Kernel MFC Table_\nROUTE (S,G)   IIF  OIFS=\n(10.0.0.1, 225.1.1.1)  a1   a2\n\0"
//!  -p:     ____...____ (79)      ====...==== (79)
//!          Kernel MFC Table      ROUTE (S,G)   IIF  OIFS
//!                                ====...==== (79)
//!  tty:    ESC[4m + W spaces + ESC[0m, newline, title
//!          ESC[7m + header + (W - len) spaces + ESC[0m
//!  -t:     heading lines dropped
//! ```

use heapless::Vec;

/// Width of plain rules and the tty width when the terminal does not answer.
pub const DEFAULT_WIDTH: usize = 79;

/// Longest line kept whole to look for a heading marker; longer lines (JSON) are passed
/// through in pieces.
pub const LINE_MAX: usize = 1024;

/// How heading lines are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headings {
    /// ANSI underline/reverse video, `width` columns wide (the default on a terminal).
    Tty {
        /// Terminal width in columns.
        width: usize,
    },
    /// Rows of `_` and `=` (`-p`).
    Plain,
    /// No headings at all (`-t`).
    Off,
    /// Not a show: a status reply (empty, or an error text), kept in the line buffer
    /// whole, newlines too, for [`Renderer::status`]; nothing is drawn. The show
    /// renderer's buffer and NUL search serve it: no second reader of replies.
    Status,
}

/// A byte sink for show output, both sides: the client's rendered text, and the daemon's
/// reply, which the router's `show` writes straight into (no UTF-8 check on the way:
/// show text is bytes).
pub trait Out {
    /// Writes all of `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Writes one byte (a sink may store it without a copy call).
    fn byte(&mut self, b: u8) {
        self.put(&[b]);
    }
}

/// Renders one reply, fed in arbitrary pieces.
///
/// On x86_64 `repr(C)`, the line last: the flags are reached with one-byte offsets
/// (-18 B). MIPS16e measured Rust's order smaller.
#[cfg_attr(target_arch = "x86_64", repr(C))]
pub struct Renderer {
    headings: Headings,
    /// The current line outgrew `line` and is being passed through, a buffer at a time.
    passing: bool,
    done: bool,
    line: Vec<u8, LINE_MAX>,
}

impl Renderer {
    /// A renderer for one reply.
    pub const fn new(headings: Headings) -> Self {
        Self {
            headings,
            line: Vec::new(),
            passing: false,
            done: false,
        }
    }

    /// True once the reply's terminating NUL was seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Renders bytes of the reply; returns how many belonged to it (up to its NUL).
    ///
    /// Not inlined into the client's reply loop on x86_64: in line there, the per-byte
    /// loop (the same instructions) ran 12% slower for a show of 60,000 routes (CPU time
    /// of smcroutectl, 9.3 -> 10.5 ms), which the 48 B it saves do not pay for.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub fn feed(&mut self, data: &[u8], out: &mut (impl Out + ?Sized)) -> usize {
        for (i, &b) in data.iter().enumerate() {
            if self.done {
                return i;
            }
            match b {
                // SMCRoute's client reads the NUL as a last line of its own.
                b'\n' | 0 if self.headings != Headings::Status => {
                    self.end_line(out);
                    self.done = b == 0;
                }
                0 => self.done = true,
                _ => {
                    // A full buffer is passed on; the line goes on in the emptied buffer.
                    // A status keeps its first bytes; the rest is dropped.
                    if self.line.is_full() {
                        if self.headings == Headings::Status {
                            continue;
                        }
                        out.put(&self.line);
                        self.line.clear();
                        self.passing = true;
                    }
                    let _ = self.line.push(b);
                }
            }
        }
        data.len()
    }

    /// A status reply's bytes so far (up to the line buffer's size); `None` for a show.
    pub fn status(&self) -> Option<&[u8]> {
        (self.headings == Headings::Status).then_some(&self.line)
    }

    /// The connection closed: a partial last line of a show is still printed.
    pub fn finish(&mut self, out: &mut (impl Out + ?Sized)) {
        // A line passed through always has bytes in the buffer (its last piece).
        if !self.done && !self.line.is_empty() {
            self.end_line(out);
        }
        self.done = true;
    }

    fn end_line(&mut self, out: &mut (impl Out + ?Sized)) {
        render(&self.line, !self.passing, self.headings, out);
        self.line.clear();
        self.passing = false;
    }
}

/// Renders one complete line (without its newline).
pub fn render_line(line: &[u8], headings: Headings, out: &mut (impl Out + ?Sized)) {
    render(line, true, headings, out);
}

/// [`render_line`], or the end of a line passed through (`whole` false: never a heading).
/// The text and its newline are written by one pair of calls for every style that has
/// them on their own line.
fn render(line: &[u8], whole: bool, headings: Headings, out: &mut (impl Out + ?Sized)) {
    let (text, marker) = match line.split_last() {
        Some((&m, text)) if whole && !text.is_empty() && (m == b'_' || m == b'=') => (text, m),
        _ => (line, 0),
    };
    let plain_width = text.len().max(DEFAULT_WIDTH);
    match (headings, marker) {
        (_, 0) => {}
        // (A status is never rendered.)
        (Headings::Off | Headings::Status, _) => return,
        (Headings::Plain, rule) => repeat(out, rule, plain_width, b"\n"),
        (Headings::Tty { width }, b'_') => {
            out.put(b"\x1b[4m");
            repeat(out, b' ', width, TTY_END);
        }
        (Headings::Tty { width }, _) => {
            out.put(b"\x1b[7m");
            out.put(text);
            // SMCRoute's `%*s` with a negative width pads anyway; a narrow terminal gets none.
            repeat(out, b' ', width.saturating_sub(text.len()), TTY_END);
            return;
        }
    }
    out.put(text);
    out.put(b"\n");
    if headings == Headings::Plain && marker == b'=' {
        repeat(out, b'=', plain_width, b"\n");
    }
}

/// Writes `byte` `n` times, one at a time: a heading's rule is a few dozen bytes, into
/// a buffered sink (a chunk of them built on the stack costs more code).
fn repeat(out: &mut (impl Out + ?Sized), byte: u8, n: usize, end: &[u8]) {
    for _ in 0..n {
        out.put(&[byte]);
    }
    out.put(end);
}

/// The end of a tty heading: attributes off, newline.
const TTY_END: &[u8] = b"\x1b[0m\n";

/// Parses a terminal's cursor position report `ESC [ row ; col R`; returns the column.
/// The row is one or more digits; the column one to six, not zero.
pub fn parse_cursor_report(reply: &[u8]) -> Option<usize> {
    // After the first `ESC [`.
    let mut rest = reply;
    let rest = loop {
        match rest {
            [0x1b, b'[', tail @ ..] => break tail,
            [_, tail @ ..] => rest = tail,
            [] => return None,
        }
    };
    // One pass: row digits, `;`, column digits, `R`.
    let mut in_col = false;
    let mut digits = 0;
    let mut col = 0usize;
    for &b in rest {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                // Wrapping: only a short number's value is used.
                col = col.wrapping_mul(10).wrapping_add(usize::from(b - b'0'));
            }
            b';' if !in_col && digits > 0 => {
                in_col = true;
                digits = 0;
                col = 0;
            }
            b'R' if in_col => return ((1..=6).contains(&digits) && col > 0).then_some(col),
            _ => return None,
        }
    }
    None
}

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;
    use std::vec::Vec as StdVec;

    /// The previous implementation, kept to check the single-pass one against it.
    fn reference_cursor_report(reply: &[u8]) -> Option<usize> {
        let start = reply.windows(2).position(|w| w == b"\x1b[")?;
        let rest = reply.get(start + 2..)?;
        let semi = rest.iter().position(|&b| b == b';')?;
        let end = rest.iter().position(|&b| b == b'R')?;
        let row = rest.get(..semi)?;
        let col = rest.get(semi + 1..end)?;
        if row.is_empty() || !row.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if col.is_empty() || col.len() > 6 {
            return None;
        }
        col.iter()
            .try_fold(0usize, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + usize::from(d - b'0'))
            })
            .filter(|&c| c > 0)
    }

    #[test]
    fn cursor_report_matches_reference() {
        let alphabet = b"\x1b[;R0123456789x";
        let mut seed = 0x2545_f491_u32;
        let mut found = 0;
        for _ in 0..200_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = (seed >> 16) as usize % 14;
            let mut reply = StdVec::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                reply.push(alphabet[(seed >> 16) as usize % alphabet.len()]);
            }
            if reply.len() > 2 && seed & 0x100 != 0 {
                reply[0] = 0x1b;
                reply[1] = b'[';
            }
            let got = parse_cursor_report(&reply);
            assert_eq!(got, reference_cursor_report(&reply), "{reply:?}");
            found += usize::from(got.is_some());
        }
        assert!(found > 100, "{found}");
    }

    impl Out for StdVec<u8> {
        fn put(&mut self, bytes: &[u8]) {
            self.extend_from_slice(bytes);
        }
    }

    fn render(reply: &[u8], headings: Headings) -> String {
        let mut out = StdVec::new();
        let mut r = Renderer::new(headings);
        assert_eq!(r.feed(reply, &mut out), reply.len());
        assert!(r.is_done());
        String::from_utf8(out).unwrap()
    }

    fn rule(c: char) -> String {
        c.to_string().repeat(79)
    }

    const ROUTES: &[u8] = b"(*,G) Template Rules_\n\
ROUTE (S,G)                                IIF  OIFS=\n\
(*, 225.3.3.3)                             a1   a2\n\
(*, 225.9.0.0/16)                          a1   a2\n\
(10.0.0.0/24, 225.5.5.5)                   a1   a2\n\
(*, ff2e::42)                              a1   a2\n\
(S,G) Rules_\n\
ROUTE (S,G)                                IIF  OIFS=\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
(fc00::1, ff04::114)                       a1   a2\n\
Kernel MFC Table_\n\
ROUTE (S,G)                                IIF  OIFS=\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
(fc00::1, ff04::114)                       a1   a2\n\
(10.0.0.1, 225.3.3.3)                      a1   a2\n\
(10.0.0.1, 225.7.7.7)                      a1  \n\0";

    #[test]
    fn show_routes_plain_matches_spec() {
        let (u, e) = (rule('_'), rule('='));
        let hdr = "ROUTE (S,G)                                IIF  OIFS";
        let want = format!(
            "{u}\n(*,G) Template Rules\n{e}\n{hdr}\n{e}\n\
(*, 225.3.3.3)                             a1   a2\n\
(*, 225.9.0.0/16)                          a1   a2\n\
(10.0.0.0/24, 225.5.5.5)                   a1   a2\n\
(*, ff2e::42)                              a1   a2\n\
{u}\n(S,G) Rules\n{e}\n{hdr}\n{e}\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
(fc00::1, ff04::114)                       a1   a2\n\
{u}\nKernel MFC Table\n{e}\n{hdr}\n{e}\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
(fc00::1, ff04::114)                       a1   a2\n\
(10.0.0.1, 225.3.3.3)                      a1   a2\n\
(10.0.0.1, 225.7.7.7)                      a1  \n\n"
        );
        assert_eq!(render(ROUTES, Headings::Plain), want);
    }

    #[test]
    fn show_routes_no_heading() {
        let want = "(*, 225.3.3.3)                             a1   a2\n\
(*, 225.9.0.0/16)                          a1   a2\n\
(10.0.0.0/24, 225.5.5.5)                   a1   a2\n\
(*, ff2e::42)                              a1   a2\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
(fc00::1, ff04::114)                       a1   a2\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
(fc00::1, ff04::114)                       a1   a2\n\
(10.0.0.1, 225.3.3.3)                      a1   a2\n\
(10.0.0.1, 225.7.7.7)                      a1  \n\n";
        assert_eq!(render(ROUTES, Headings::Off), want);
    }

    #[test]
    fn show_groups_plain_matches_spec() {
        let reply = b"Group Memberships Table_\n\
GROUP (S,G)                                IIF             =\n\
(*, 225.1.1.1)                             a1\n\
(10.0.0.10, 225.1.2.3)                     a1\n\
(*, 225.3.2.250/30)                        a2\n\0";
        let want = format!(
            "{}\nGroup Memberships Table\n{e}\n\
GROUP (S,G)                                IIF             \n{e}\n\
(*, 225.1.1.1)                             a1\n\
(10.0.0.10, 225.1.2.3)                     a1\n\
(*, 225.3.2.250/30)                        a2\n\n",
            rule('_'),
            e = rule('=')
        );
        assert_eq!(render(reply, Headings::Plain), want);
    }

    #[test]
    fn show_interfaces_plain_matches_spec() {
        let reply =
            b" INDEX PHYINT  VIF  MIF=\n     1 lo      N/A  N/A\n     3 a1        0    0\n\0";
        let e = rule('=');
        let want = format!(
            "{e}\n INDEX PHYINT  VIF  MIF\n{e}\n     1 lo      N/A  N/A\n     3 a1        0    0\n\n"
        );
        assert_eq!(render(reply, Headings::Plain), want);
    }

    #[test]
    fn tty_escapes() {
        let reply = b"Kernel MFC Table_\nROUTE (S,G) IIF=\nrow\n\0";
        let want = format!(
            "\x1b[4m{}\x1b[0m\nKernel MFC Table\n\x1b[7mROUTE (S,G) IIF{}\x1b[0m\nrow\n\n",
            " ".repeat(100),
            " ".repeat(100 - 15)
        );
        assert_eq!(render(reply, Headings::Tty { width: 100 }), want);
        // A terminal narrower than the header gets no padding.
        assert_eq!(
            render(b"ABCDEF=\n\0", Headings::Tty { width: 3 }),
            "\x1b[7mABCDEF\x1b[0m\n\n"
        );
    }

    #[test]
    fn empty_reply_is_one_empty_line() {
        assert_eq!(render(b"\0", Headings::Plain), "\n");
        assert_eq!(
            render(b"No pending routes or groups\n\0", Headings::Off),
            "No pending routes or groups\n\n"
        );
    }

    #[test]
    fn short_markers_are_text() {
        assert_eq!(render(b"_\n=\nab_\n\0", Headings::Off), "_\n=\n\n");
    }

    #[test]
    fn wide_plain_rules_follow_the_text() {
        let long = "x".repeat(90);
        let got = render(format!("{long}=\n\0").as_bytes(), Headings::Plain);
        assert_eq!(got, format!("{e}\n{long}\n{e}\n\n", e = "=".repeat(90)));
    }

    #[test]
    fn pieces_and_trailing_bytes() {
        let mut reply = ROUTES.to_vec();
        reply.extend_from_slice(b"next reply\0");
        let mut out = StdVec::new();
        let mut r = Renderer::new(Headings::Off);
        let mut used = 0;
        for b in &reply {
            used += r.feed(std::slice::from_ref(b), &mut out);
            if r.is_done() {
                break;
            }
        }
        assert_eq!(used, ROUTES.len());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            render(ROUTES, Headings::Off)
        );
        let mut out = StdVec::new();
        let mut r = Renderer::new(Headings::Off);
        assert_eq!(r.feed(&reply, &mut out), ROUTES.len());
    }

    #[test]
    fn error_text_without_newline_and_eof() {
        assert_eq!(render(b"oops\0", Headings::Plain), "oops\n");
        let mut out = StdVec::new();
        let mut r = Renderer::new(Headings::Plain);
        r.feed(b"line\npartial", &mut out);
        r.finish(&mut out);
        assert_eq!(out, b"line\npartial\n");
        let mut out = StdVec::new();
        let mut r = Renderer::new(Headings::Plain);
        r.feed(b"line\n", &mut out);
        r.finish(&mut out);
        assert_eq!(out, b"line\n");
    }

    #[test]
    fn status_replies_are_kept_not_drawn() {
        let mut out = StdVec::new();
        let mut r = Renderer::new(Headings::Status);
        assert_eq!(r.feed(b"\0next", &mut out), 1);
        assert!(r.is_done());
        assert_eq!(r.status(), Some(&b""[..]));
        let mut r = Renderer::new(Headings::Status);
        assert_eq!(r.feed(b"bad_\nsecond=\n", &mut out), 13);
        assert!(!r.is_done());
        assert_eq!(r.feed(b"x\0y", &mut out), 2);
        assert_eq!(r.status(), Some(&b"bad_\nsecond=\nx"[..]));
        // What does not fit the line buffer is dropped, not passed on.
        let mut r = Renderer::new(Headings::Status);
        let long = [b'e'; LINE_MAX + 10];
        assert_eq!(r.feed(&long, &mut out), long.len());
        assert_eq!(r.status(), Some(&long[..LINE_MAX]));
        assert!(out.is_empty());
        assert_eq!(Renderer::new(Headings::Off).status(), None);
    }

    #[test]
    fn long_json_line_passes_through() {
        let json = format!("{{\"routes\":[{}]}}", "\"x\",".repeat(2000));
        let reply = format!("{json}\n\0");
        assert_eq!(
            render(reply.as_bytes(), Headings::Tty { width: 80 }),
            format!("{json}\n\n")
        );
        let mut out = StdVec::new();
        let mut r = Renderer::new(Headings::Off);
        r.feed(json.as_bytes(), &mut out);
        r.finish(&mut out);
        assert_eq!(out, format!("{json}\n").as_bytes());
    }

    #[test]
    fn a_line_one_byte_too_long_is_not_a_heading() {
        let fits = format!("{}=", "x".repeat(LINE_MAX - 1));
        let got = render(format!("{fits}\n\0").as_bytes(), Headings::Off);
        assert_eq!(got, "\n");
        let long = format!("{}=", "x".repeat(LINE_MAX));
        let got = render(format!("{long}\n\0").as_bytes(), Headings::Off);
        assert_eq!(got, format!("{long}\n\n"));
    }

    #[test]
    fn cursor_reports() {
        assert_eq!(parse_cursor_report(b"\x1b[24;132R"), Some(132));
        assert_eq!(parse_cursor_report(b"junk\x1b[1;80R"), Some(80));
        assert_eq!(parse_cursor_report(b"\x1b[24;R"), None);
        assert_eq!(parse_cursor_report(b"\x1b[;80R"), None);
        assert_eq!(parse_cursor_report(b"\x1b[24;0R"), None);
        assert_eq!(parse_cursor_report(b"\x1b[24;80"), None);
        assert_eq!(parse_cursor_report(b"\x1b[a;80R"), None);
        assert_eq!(parse_cursor_report(b"\x1b[1;9999999R"), None);
        assert_eq!(parse_cursor_report(b""), None);
    }
}
