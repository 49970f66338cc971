//! [`SysLog`]: the daemon's [`Log`] sink, to syslog and/or standard error the way
//! SMCRoute logs (spec §5.12), or to standard output in verify mode (spec §7.3).
//!
//! | mode | where lines go | format |
//! |---|---|---|
//! | [`Target::Syslog`] (daemon, or `-n -s`) | `syslog(3)` | facility `LOG_DAEMON`, tag `ident[pid]` |
//! | [`Target::SyslogAndStderr`] (`-n`) | both | stderr as glibc's `LOG_PERROR`: `ident[pid]: message` |
//! | [`Target::Stderr`] | stderr only | as above |
//! | [`Target::Verify`] (`-F`) | stdout | `message` |

use heapless::String;

use super::cell::StaticCell;
use super::fs::CStrBuf;
use super::process::getpid;
use crate::args::LogLevel;
use crate::fmt::{push_truncated, Level, Log};
use crate::limits::LOG_LINE_MAX;

/// Longest syslog ident kept (longer identities are cut in the log tag only).
pub const IDENT_MAX: usize = 32;

/// The ident `openlog` keeps a pointer to for the rest of the process: filled once.
static IDENT: StaticCell<[u8; IDENT_MAX + 1]> = StaticCell::new([0; IDENT_MAX + 1]);

/// Where [`SysLog`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// syslog only.
    Syslog,
    /// syslog, and a copy on standard error.
    SyslogAndStderr,
    /// Standard error only.
    Stderr,
    /// Verify mode: plain lines on standard output.
    Verify,
}

/// A [`Log`] sink with a level mask that remembers the last line.
pub struct SysLog {
    target: Target,
    /// Which levels are shown (`-l`).
    max: LogLevel,
    ident: String<IDENT_MAX>,
    last: String<LOG_LINE_MAX>,
    /// An IPC command is being answered: remember lines of every level, hidden or not.
    capture: bool,
}

impl SysLog {
    /// A sink showing the levels `level` enables on `target`. For the syslog targets this calls
    /// `openlog(ident, LOG_NDELAY | LOG_PID, LOG_DAEMON)`; the ident passed to syslog is
    /// fixed by the first such call in the process.
    pub fn open(ident: &str, level: LogLevel, target: Target) -> Self {
        let mut kept = String::new();
        for c in ident.chars() {
            if kept.push(c).is_err() {
                break;
            }
        }
        if matches!(target, Target::Syslog | Target::SyslogAndStderr) {
            open_syslog(&kept);
        }
        Self {
            target,
            max: level,
            ident: kept,
            last: String::new(),
            capture: false,
        }
    }

    /// Shows levels up to `level` from now on: the effect of SMCRoute's
    /// `setlogmask(LOG_UPTO(level))`, filtered here so stderr and stdout obey it too.
    pub fn set_level(&mut self, level: LogLevel) {
        self.max = level;
    }

    /// The current level setting.
    pub fn level(&self) -> LogLevel {
        self.max
    }

    /// True if lines of `level` are shown.
    pub fn enabled(&self, level: Level) -> bool {
        self.max.enables(level)
    }

    /// The last line logged, shown or not while capturing: a failed IPC command replies
    /// with it.
    pub fn last(&self) -> &str {
        &self.last
    }

    /// Forgets the last line (before running an IPC command).
    pub fn clear_last(&mut self) {
        self.last.clear();
    }

    /// While `on`, lines of every level are formatted and remembered, so a failed IPC
    /// command can reply with its last one; otherwise hidden levels cost nothing.
    /// Turning it on forgets the last line.
    pub fn set_capture(&mut self, on: bool) {
        if on {
            self.last.clear();
        }
        self.capture = on;
    }
}

impl Log for SysLog {
    fn wants(&self, level: Level) -> bool {
        self.capture || self.enabled(level)
    }

    fn log(&mut self, level: Level, line: &str) {
        // Every output gets the same text, cut at `LOG_LINE_MAX` as SMCRoute cuts it.
        self.last.clear();
        push_truncated(&mut self.last, line);
        if !self.enabled(level) {
            return;
        }
        let line = self.last.as_str();
        let (syslog, stderr) = match self.target {
            Target::Syslog => (true, false),
            Target::SyslogAndStderr => (true, true),
            Target::Stderr => (false, true),
            Target::Verify => {
                super::stdout(plain_line(line).as_bytes());
                return;
            }
        };
        if syslog {
            to_syslog(level, line);
        }
        if stderr {
            super::stderr(perror_line(&self.ident, getpid(), line).as_bytes());
        }
    }
}

/// Room for `ident[pid]: ` plus a log line and the newline.
type OutLine = String<{ IDENT_MAX + 16 + LOG_LINE_MAX + 1 }>;

/// glibc's `LOG_PERROR` line: `ident[pid]: message\n`, written in one `write`.
fn perror_line(ident: &str, pid: i32, line: &str) -> OutLine {
    let mut out = OutLine::new();
    let _ = ufmt::uwrite!(out, "{}[{}]: ", ident, pid);
    push_truncated(&mut out, line);
    let _ = out.push('\n');
    out
}

/// Verify mode's `message\n`.
fn plain_line(line: &str) -> OutLine {
    let mut out = OutLine::new();
    push_truncated(&mut out, line);
    let _ = out.push('\n');
    out
}

/// `openlog(ident, LOG_NDELAY | LOG_PID, LOG_DAEMON)` with a process-lifetime copy of
/// `ident` (syslog keeps the pointer).
fn open_syslog(ident: &str) {
    let Some(slot) = IDENT.take() else {
        return; // Already open: the first ident stays.
    };
    let len = ident.len().min(IDENT_MAX);
    if let (Some(dst), Some(src)) = (slot.get_mut(..len), ident.as_bytes().get(..len)) {
        dst.copy_from_slice(src);
    }
    let slot: &'static [u8; IDENT_MAX + 1] = slot;
    // SAFETY: `slot` is NUL-terminated (its last byte is never written) and lives for
    // the rest of the process, as `openlog` requires of its ident; nothing writes to it
    // again, `take` having handed it out once.
    unsafe {
        libc::openlog(
            slot.as_ptr().cast(),
            libc::LOG_NDELAY | libc::LOG_PID,
            libc::LOG_DAEMON,
        )
    };
}

/// `syslog(level, "%s", line)`.
fn to_syslog(level: Level, line: &str) {
    // A line with a NUL in it is cut there, as C would print it.
    let text = line.split('\0').next().unwrap_or("");
    let Ok(text) = CStrBuf::<{ LOG_LINE_MAX + 1 }>::new(text) else {
        return;
    };
    // SAFETY: the format is a NUL-terminated literal with one `%s`, matched by one
    // NUL-terminated string argument that outlives the call.
    unsafe {
        libc::syslog(
            libc::c_int::from(level as u8),
            c"%s".as_ptr(),
            text.as_ptr(),
        )
    };
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_format_is_glibc_log_perror() {
        assert_eq!(
            perror_line("smcroute", 42, "Ready."),
            "smcroute[42]: Ready.\n"
        );
        let long = "é".repeat(100);
        let out = perror_line("smcroute", 1, &long);
        assert!(out.ends_with('\n') && out.len() <= out.capacity());
        assert_eq!(plain_line("a line"), "a line\n");
    }

    #[test]
    fn mask_filters_but_last_line_is_always_kept() {
        let mut l = SysLog::open(
            "smcroute-test",
            LogLevel::UpTo(Level::Notice),
            Target::Stderr,
        );
        assert!(l.enabled(Level::Notice) && !l.enabled(Level::Info));
        // Hidden lines are not even formatted, unless an IPC command is being answered.
        assert!(l.wants(Level::Notice) && !l.wants(Level::Info));
        log!(&mut l, Level::Debug, "quiet {}", 1);
        assert_eq!(l.last(), "");
        log!(&mut l, Level::Notice, "shown {}", 1);
        assert_eq!(l.last(), "shown 1");
        l.set_capture(true);
        assert_eq!(l.last(), "", "capturing starts afresh");
        assert!(l.wants(Level::Debug));
        log!(&mut l, Level::Debug, "quiet {}", 1);
        assert_eq!(l.last(), "quiet 1");
        l.set_capture(false);
        assert!(!l.wants(Level::Debug));
        assert_eq!(l.last(), "quiet 1");
        l.clear_last();
        assert_eq!(l.last(), "");
        l.set_level(LogLevel::Nothing); // -l none
        assert!(!l.enabled(Level::Emerg));
        assert_eq!(l.level(), LogLevel::Nothing);
        l.set_level(LogLevel::UpTo(Level::Emerg));
        l.set_capture(true);
        log!(&mut l, Level::Err, "{}", "x".repeat(300).as_str());
        assert_eq!(l.last().len(), LOG_LINE_MAX);
        let cut = SysLog::open(
            &"i".repeat(50),
            LogLevel::UpTo(Level::Debug),
            Target::Stderr,
        );
        assert_eq!(cut.ident.len(), IDENT_MAX);
    }

    #[test]
    fn writes_to_the_chosen_stream() {
        // Redirects this child's stdout and stderr into pipes and reads them back.
        let status = super::super::process::tests::in_child(|| {
            use std::io::Read;
            use std::os::fd::AsRawFd;
            let (mut out_rd, out_wr) = std::os::unix::net::UnixStream::pair().unwrap();
            let (mut err_rd, err_wr) = std::os::unix::net::UnixStream::pair().unwrap();
            // SAFETY: both descriptors are open; dup2 replaces our stdout/stderr.
            unsafe { libc::dup2(out_wr.as_raw_fd(), 1) };
            // SAFETY: as above.
            unsafe { libc::dup2(err_wr.as_raw_fd(), 2) };
            drop((out_wr, err_wr));
            let mut verify = SysLog::open("smcroute", LogLevel::UpTo(Level::Info), Target::Verify);
            log!(&mut verify, Level::Warning, "f.conf line {}: bad", 3);
            log!(&mut verify, Level::Debug, "hidden");
            let mut both = SysLog::open(
                "smcroute",
                LogLevel::UpTo(Level::Info),
                Target::SyslogAndStderr,
            );
            log!(&mut both, Level::Notice, "Ready{}", ".");
            let mut syslog = SysLog::open("other", LogLevel::UpTo(Level::Debug), Target::Syslog);
            log!(&mut syslog, Level::Info, "to syslog only\0cut");
            // SAFETY: closing our own stdout/stderr so the readers see end of file.
            unsafe { libc::close(1) };
            // SAFETY: as above.
            unsafe { libc::close(2) };
            let (mut out, mut err) = (std::string::String::new(), std::string::String::new());
            out_rd.read_to_string(&mut out).unwrap();
            err_rd.read_to_string(&mut err).unwrap();
            out == "f.conf line 3: bad\n"
                && err == format!("smcroute[{}]: Ready.\n", std::process::id())
        });
        assert_eq!(status, 0);
    }
}
