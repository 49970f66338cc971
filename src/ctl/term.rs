//! Where `smcroutectl` writes: the [`Term`] trait, the real terminal ([`Stdio`]) and its
//! width probe.

use crate::ipc::show::{self, Out, DEFAULT_WIDTH};
use crate::sys::unix;
use crate::sys::{FdWriter, ReadBuf};

/// How long the terminal has to answer the cursor-position query.
const WIDTH_PROBE_MS: i32 = 300;

/// Where `smcroutectl` writes, and its terminal.
pub trait Term: Out {
    /// Writes to standard error (after what was written to standard output).
    fn err(&mut self, bytes: &[u8]);
    /// Terminal width for tty headings.
    fn width(&mut self) -> usize;
}

/// Buffered standard output, unbuffered standard error, and the width probe.
pub struct Stdio {
    /// Flushed when dropped.
    out: FdWriter,
    /// The probed width; 0 before the probe, which never finds 0 columns (a report of
    /// column 0 is refused, and the default is not 0). A plain word, not an `Option`
    /// (x86_64 -22 B, MIPS16e -16 B).
    width: usize,
}

static_assertions::const_assert!(DEFAULT_WIDTH > 0);

impl Stdio {
    /// Nothing written yet; the width is probed when first asked for.
    pub const fn new() -> Self {
        Self {
            out: FdWriter::stdout(),
            width: 0,
        }
    }
}

impl Out for Stdio {
    fn put(&mut self, bytes: &[u8]) {
        self.out.put(bytes);
    }
}

impl Term for Stdio {
    fn err(&mut self, bytes: &[u8]) {
        self.out.flush();
        crate::sys::stderr(bytes);
    }

    fn width(&mut self) -> usize {
        if self.width == 0 {
            self.width = probe_width();
        }
        self.width
    }
}

/// Asks the terminal where the cursor lands at the bottom-right corner, as SMCRoute does;
/// only when stdin, stdout and stderr are all a terminal, so a pipe never waits. Stderr
/// is tested by [`unix::in_raw_terminal`], which runs no probe on anything else.
fn probe_width() -> usize {
    if !(unix::is_tty(unix::STDIN) && unix::is_tty(unix::STDOUT)) {
        return DEFAULT_WIDTH;
    }
    let probe = || {
        crate::sys::stderr(b"\x1b7\x1b[r\x1b[999;999H\x1b[6n");
        let mut reply = ReadBuf::<32>::new();
        let width = show::parse_cursor_report(reply.read_until(unix::STDIN, b'R', WIDTH_PROBE_MS));
        crate::sys::stderr(b"\x1b8");
        width.unwrap_or(DEFAULT_WIDTH)
    };
    unix::in_raw_terminal(unix::STDERR, probe).unwrap_or(DEFAULT_WIDTH)
}
