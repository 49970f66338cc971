//! [`SysLog`]: the daemon's [`Log`] sink, to syslog and/or standard error the way
//! SMCRoute logs (spec §5.12), or to standard output in verify mode (spec §7.3).
//!
//! | mode | where lines go | format |
//! |---|---|---|
//! | [`Target::Syslog`] (daemon, or `-n -s`) | `/dev/log` | `<PRI>ident[pid]: message`, facility `LOG_DAEMON` |
//! | [`Target::SyslogAndStderr`] (`-n`) | both | stderr as glibc's `LOG_PERROR`: `ident[pid]: message` |
//! | `Target::Stderr` (not on glibc) | stderr only | as above |
//! | [`Target::Verify`] (`-F`) | stdout | `message` |
//!
//! On glibc (linked dynamically, so free) syslog is glibc's `syslog(3)`, opened as
//! SMCRoute opens it (`openlog(ident, LOG_PID | LOG_PERROR with -n, LOG_DAEMON)`): the
//! datagrams are then SMCRoute's, timestamp included, and glibc writes the stderr copy.
//! Elsewhere it is our own small client, not `syslog(3)`:
//! musl's pulls `printf`, `strftime` and the time zone code into the static programs
//! only to write the timestamp. That client, also the one the unit tests run, sends one
//! datagram per line to `/dev/log` without a timestamp, which RFC 3164 §4.3.2 allows: a
//! relay or collector that receives a message without a valid TIMESTAMP adds its own
//! time of reception, and every local receiver we target does so (busybox `syslogd`
//! checks for the `Mmm dd hh:mm:ss ` shape and prepends the current time, rsyslog's
//! `imuxsock` and systemd-journald stamp each message on receipt anyway). What a reader
//! sees is therefore the same line as before, timed by the receiver instead of us.

#[cfg(all(target_env = "gnu", not(test)))]
use core::sync::atomic::{AtomicU8, Ordering};

use heapless::String;

#[cfg(not(all(target_env = "gnu", not(test))))]
use super::process::getpid;
#[cfg(not(all(target_env = "gnu", not(test))))]
use super::Fd;
use crate::args::LogLevel;
#[cfg(not(all(target_env = "gnu", not(test))))]
use crate::errno::Errno;
use crate::fmt::{push_truncated, Level, Log};
use crate::limits::LOG_LINE_MAX;
#[cfg(not(all(target_env = "gnu", not(test))))]
use crate::net::Dec;

/// Longest syslog ident kept (longer identities are cut in the log tag only).
pub const IDENT_MAX: usize = 32;

/// Where the local syslog daemon reads messages (`_PATH_LOG`).
#[cfg(not(any(target_os = "freebsd", all(target_env = "gnu", not(test)))))]
const DEV_LOG: &str = "/dev/log";
/// Where the local syslog daemon reads messages (`_PATH_LOG`).
#[cfg(target_os = "freebsd")]
const DEV_LOG: &str = "/var/run/log";

/// `LOG_DAEMON`: the facility of every message; the priority is facility | level.
#[cfg(not(all(target_env = "gnu", not(test))))]
const FACILITY_DAEMON: u8 = 3 << 3;

/// Where [`SysLog`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// syslog only.
    Syslog,
    /// syslog, and a copy on standard error.
    SyslogAndStderr,
    /// Standard error only (not on glibc, whose `syslog(3)` writes the stderr copy:
    /// the daemon never uses it, as SMCRoute has no such mode).
    #[cfg(not(all(target_env = "gnu", not(test))))]
    Stderr,
    /// Verify mode: plain lines on standard output.
    Verify,
}

/// A [`Log`] sink with a level mask that remembers the last line.
///
/// `repr(C)`, the line buffer after the small fields: the level test reaches them with
/// one-byte offsets.
#[repr(C)]
pub struct SysLog<'a> {
    target: Target,
    /// Which levels are shown (`-l`).
    max: LogLevel,
    /// An IPC command is being answered: remember lines of every level, hidden or not.
    capture: bool,
    /// Borrowed from the options (no copy), cut to [`IDENT_MAX`] bytes. On glibc,
    /// `openlog` has it (see `open_system_syslog`).
    #[cfg(not(all(target_env = "gnu", not(test))))]
    ident: &'a str,
    /// On glibc the ident is `openlog`'s, the borrow only kept in the type.
    #[cfg(all(target_env = "gnu", not(test)))]
    ident: core::marker::PhantomData<&'a str>,
    last: String<LOG_LINE_MAX>,
    /// The connection to syslog, made on first use.
    #[cfg(not(all(target_env = "gnu", not(test))))]
    syslog: SyslogClient,
}

impl<'a> SysLog<'a> {
    /// A sink showing the levels `level` enables on `target`, tagging its lines `ident`
    /// (cut to [`IDENT_MAX`] bytes). Syslog is connected when the first line is sent.
    pub fn open(ident: &'a str, level: LogLevel, target: Target) -> Self {
        // The valid start of the first `IDENT_MAX` bytes: cut at a character boundary.
        let bytes = ident.as_bytes();
        let kept = crate::fmt::utf8_prefix(bytes.get(..IDENT_MAX).unwrap_or(bytes));
        #[cfg(all(target_env = "gnu", not(test)))]
        if target != Target::Verify {
            open_system_syslog(kept, target != Target::Syslog);
        }
        Self {
            target,
            max: level,
            #[cfg(not(all(target_env = "gnu", not(test))))]
            ident: kept,
            #[cfg(all(target_env = "gnu", not(test)))]
            ident: core::marker::PhantomData,
            last: String::new(),
            capture: false,
            #[cfg(not(all(target_env = "gnu", not(test))))]
            syslog: SyslogClient {
                path: DEV_LOG,
                sock: None,
            },
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

impl Log for SysLog<'_> {
    #[inline(never)] // called from every log site: once, not inlined ten times
    fn wants(&self, level: Level) -> bool {
        self.capture || self.enabled(level)
    }

    fn log(&mut self, level: Level, line: &str) {
        // Every output gets the same text, cut at `LOG_LINE_MAX` as SMCRoute cuts it.
        self.last.clear();
        push_truncated(&mut self.last, line);
        if self.enabled(level) {
            self.show(level);
        }
    }
}

impl SysLog<'_> {
    /// Shows the last line on the target. On glibc, `syslog(3)` also writes the copy on
    /// standard error (`LOG_PERROR`, glibc's `ident[pid]: message` line, as SMCRoute's).
    #[cfg(all(target_env = "gnu", not(test)))]
    fn show(&mut self, level: Level) {
        let line = self.last.as_bytes();
        if self.target == Target::Verify {
            super::stdout(line);
            super::stdout(b"\n");
            return;
        }
        system_syslog(level, line);
    }

    /// Shows the last line on the target.
    #[cfg(not(all(target_env = "gnu", not(test))))]
    fn show(&mut self, level: Level) {
        // One buffer, formatted once: each output sends its part of it.
        let mut out = OutLine::new();
        let cuts = format_line(&mut out, level, self.ident, getpid(), &self.last);
        let bytes = out.as_bytes();
        if self.target == Target::Verify {
            super::stdout(bytes.get(cuts.plain..).unwrap_or(&[]));
            return;
        }
        if self.target != Target::Stderr {
            self.syslog
                .send(bytes.get(..cuts.syslog_end).unwrap_or(&[]));
        }
        if self.target != Target::Syslog {
            super::stderr(bytes.get(cuts.perror..).unwrap_or(&[]));
        }
    }
}

#[cfg(not(all(target_env = "gnu", not(test))))]
/// Room for `<PRI>ident[pid]: ` plus a log line and a newline: every output line.
const OUT_LINE_MAX: usize = 5 + IDENT_MAX + 16 + LOG_LINE_MAX + 1;

/// An output line. More room than [`OUT_LINE_MAX`]: the capacity of a path
/// ([`crate::args::Path`]), so heapless's append code for it is in the program once.
#[cfg(not(all(target_env = "gnu", not(test))))]
type OutLine = String<{ crate::args::PATH_MAX_LEN }>;
#[cfg(not(all(target_env = "gnu", not(test))))]
static_assertions::const_assert!(OUT_LINE_MAX <= crate::args::PATH_MAX_LEN);

/// Where each output's part of a [`format_line`] line is.
#[cfg(not(all(target_env = "gnu", not(test))))]
struct Cuts {
    /// glibc's `LOG_PERROR` line `ident[pid]: message\n` starts here (after `<PRI>`).
    perror: usize,
    /// Verify mode's `message\n` starts here.
    plain: usize,
    /// The datagram for `/dev/log`, `<PRI>ident[pid]: message`, ends here: no
    /// timestamp (see the module docs) and no newline, as glibc sends it, and cut at a
    /// NUL in the message, as C would print it.
    syslog_end: usize,
}

/// Writes `<PRI>ident[pid]: message\n` into `out` (empty): one line that holds every
/// output's (see [`Cuts`]). `line` is at most `LOG_LINE_MAX` bytes (what `log` passes:
/// its `last`, already cut), so it and the newline always fit; a longer one is left out.
#[cfg(not(all(target_env = "gnu", not(test))))]
fn format_line(out: &mut OutLine, level: Level, ident: &str, pid: i32, line: &str) -> Cuts {
    // Numbers through `Dec`: no `ufmt` formatting compiled for this line type. A PID
    // is positive.
    let _ = out.push_str("<");
    let _ = out.push_str(Dec::of(u64::from(FACILITY_DAEMON | level as u8)).as_str());
    let _ = out.push_str(">");
    let perror = out.len();
    let _ = out.push_str(ident);
    let _ = out.push_str("[");
    let _ = out.push_str(Dec::of(u64::from(pid.unsigned_abs())).as_str());
    let _ = out.push_str("]: ");
    let plain = out.len();
    let _ = out.push_str(line);
    let message = out.get(plain..).unwrap_or("");
    let syslog_end = plain
        + message
            .bytes()
            .position(|b| b == 0)
            .unwrap_or(message.len());
    let _ = out.push_str("\n");
    Cuts {
        perror,
        plain,
        syslog_end,
    }
}

/// The ident glibc's `openlog` keeps a pointer to: a NUL-terminated copy that never
/// moves (the last byte stays 0: an ident is at most [`IDENT_MAX`] bytes). Atomic
/// bytes, so a `static` written once needs no `unsafe`.
#[cfg(all(target_env = "gnu", not(test)))]
static IDENT: [AtomicU8; IDENT_MAX + 1] = [const { AtomicU8::new(0) }; IDENT_MAX + 1];

/// `openlog(ident, LOG_PID | LOG_PERROR with perror, LOG_DAEMON)`, as SMCRoute opens its
/// log: made when the log is, not tested for at each line (x86_64 -48 B). glibc connects
/// at the first `syslog` call (no `LOG_NDELAY`), so this sends or opens nothing yet.
#[cfg(all(target_env = "gnu", not(test)))]
fn open_system_syslog(ident: &str, perror: bool) {
    for (slot, &byte) in IDENT.iter().zip(ident.as_bytes()) {
        slot.store(byte, Ordering::Relaxed);
    }
    let options = if perror {
        libc::LOG_PID | libc::LOG_PERROR
    } else {
        libc::LOG_PID
    };
    // SAFETY: `IDENT` is a NUL-terminated string in a `static`: it outlives every later
    // `syslog` call that reads it; `AtomicU8` has the layout of `u8`.
    unsafe { libc::openlog(IDENT.as_ptr().cast(), options, libc::LOG_DAEMON) };
}

/// Sends `msg` (the message; a NUL ends it, as in C) through glibc's `syslog(3)`, opened
/// by [`open_system_syslog`] (with `LOG_PERROR` it also writes standard error's copy,
/// `ident[pid]: message`). glibc connects lazily, reconnects once if a send fails, and
/// drops the message silently otherwise, as our client does.
#[cfg(all(target_env = "gnu", not(test)))]
fn system_syslog(level: Level, msg: &[u8]) {
    // A message is at most `LOG_LINE_MAX` bytes, so its length fits a C int.
    let len = msg.len() as libc::c_int;
    // SAFETY: the format reads one C int and a pointer to at least that many bytes
    // (`%.*s` stops there, or at a NUL, so `msg` needs no terminator), which we pass.
    unsafe { libc::syslog(level as libc::c_int, c"%.*s".as_ptr(), len, msg.as_ptr()) };
}

/// Our `syslog(3)`: an `AF_UNIX` datagram socket connected to `path`.
#[cfg(not(all(target_env = "gnu", not(test))))]
struct SyslogClient {
    path: &'static str,
    sock: Option<Fd>,
}

#[cfg(not(all(target_env = "gnu", not(test))))]
impl SyslogClient {
    /// Sends `msg`, connecting first if needed. If the send fails (`ECONNREFUSED` after
    /// syslogd restarted, `ENOTCONN`, `ENOENT`...) the socket is reconnected once and the
    /// message sent again; if that fails too it is dropped silently, as `syslog(3)` does.
    fn send(&mut self, msg: &[u8]) {
        for _ in 0..2 {
            if self.sock.is_none() {
                self.sock = connect_dgram(self.path).ok();
            }
            match &self.sock {
                Some(sock) if send(sock, msg).is_ok() => return,
                _ => self.sock = None,
            }
        }
    }
}

/// `socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC)` connected to `path`.
#[cfg(not(all(target_env = "gnu", not(test))))]
fn connect_dgram(path: &str) -> Result<Fd, Errno> {
    super::unix::connect_as(path, libc::SOCK_DGRAM)
}

/// `send(fd, msg, MSG_NOSIGNAL)`, retried on `EINTR`: one datagram, whole or not at all
/// (the IPC reply writer's loop; a datagram is never sent in part).
#[cfg(not(all(target_env = "gnu", not(test))))]
fn send(fd: &Fd, msg: &[u8]) -> Result<(), Errno> {
    super::unix::send_all(fd, msg)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    /// The part of the output line an output sends.
    fn part(
        level: Level,
        ident: &str,
        pid: i32,
        line: &str,
        pick: fn(&Cuts) -> (usize, usize),
    ) -> std::string::String {
        let mut out = OutLine::new();
        let cuts = format_line(&mut out, level, ident, pid, line);
        let (from, to) = pick(&cuts);
        out[from..to.min(out.len())].to_string()
    }

    fn perror(ident: &str, pid: i32, line: &str) -> std::string::String {
        part(Level::Err, ident, pid, line, |c| (c.perror, usize::MAX))
    }

    fn plain(line: &str) -> std::string::String {
        part(Level::Err, "x", 1, line, |c| (c.plain, usize::MAX))
    }

    fn syslog(level: Level, ident: &str, pid: i32, line: &str) -> std::string::String {
        part(level, ident, pid, line, |c| (0, c.syslog_end))
    }

    #[test]
    fn stderr_format_is_glibc_log_perror() {
        assert_eq!(perror("smcroute", 42, "Ready."), "smcroute[42]: Ready.\n");
        // As `log` passes it: cut to LOG_LINE_MAX.
        let mut long = String::<LOG_LINE_MAX>::new();
        push_truncated(&mut long, &"é".repeat(100));
        let out = perror(&"i".repeat(IDENT_MAX), i32::MIN, &long);
        assert!(out.ends_with('\n') && out.len() <= OutLine::new().capacity());
        let out = perror("smcroute", 1, &"é".repeat(100));
        assert!(out.len() <= OutLine::new().capacity());
        assert_eq!(plain("a line"), "a line\n");
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
        let long = "i".repeat(50);
        let cut = SysLog::open(&long, LogLevel::UpTo(Level::Debug), Target::Stderr);
        assert_eq!(cut.ident.len(), IDENT_MAX);
        // Cut at a character boundary.
        let wide = "é".repeat(20);
        let cut = SysLog::open(&wide, LogLevel::UpTo(Level::Debug), Target::Stderr);
        assert_eq!(cut.ident, "é".repeat(16));
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
            both.syslog.path = "/nonexistent/log";
            log!(&mut both, Level::Notice, "Ready{}", ".");
            let mut syslog = SysLog::open("other", LogLevel::UpTo(Level::Debug), Target::Syslog);
            syslog.syslog.path = "/nonexistent/log";
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

    #[test]
    fn syslog_datagram_format() {
        assert_eq!(
            syslog(Level::Notice, "smcroute", 42, "Ready."),
            "<29>smcroute[42]: Ready."
        );
        assert_eq!(syslog(Level::Emerg, "x", 1, "a\0b"), "<24>x[1]: a");
        assert_eq!(syslog(Level::Debug, "x", 1, ""), "<31>x[1]: ");
        // The longest line `log` passes: its `last`, cut to LOG_LINE_MAX.
        let mut cut = String::<LOG_LINE_MAX>::new();
        push_truncated(&mut cut, &"é".repeat(200));
        let long = syslog(Level::Err, &"i".repeat(IDENT_MAX), i32::MIN, &cut);
        assert!(long.len() <= OutLine::new().capacity());
        assert!(long.ends_with(cut.as_str()));
    }

    /// A private `/dev/log` in a temp dir.
    struct FakeDevLog {
        path: &'static str,
        sock: Option<std::os::unix::net::UnixDatagram>,
    }

    impl FakeDevLog {
        fn new(name: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("smcroute-log-{}-{name}", std::process::id()));
            let path: &'static str = std::string::String::leak(path.to_str().unwrap().to_string());
            let mut log = Self { path, sock: None };
            log.restart();
            log
        }

        /// A new socket at the same path, as a restarted syslogd makes.
        fn restart(&mut self) {
            self.stop();
            let sock = std::os::unix::net::UnixDatagram::bind(self.path).unwrap();
            sock.set_read_timeout(Some(std::time::Duration::from_millis(200)))
                .unwrap();
            self.sock = Some(sock);
        }

        fn stop(&mut self) {
            // Shut down, not only closed: a child another test forks holds a copy of
            // the socket until its exec, and a closed copy alone would still take the
            // client's next datagram instead of refusing it (the reconnect under test).
            if let Some(sock) = self.sock.take() {
                let _ = sock.shutdown(std::net::Shutdown::Both);
            }
            let _ = std::fs::remove_file(self.path);
        }

        fn recv(&self) -> Option<std::string::String> {
            let mut buf = [0u8; 1024];
            let n = self.sock.as_ref()?.recv(&mut buf).ok()?;
            Some(std::string::String::from_utf8_lossy(&buf[..n]).into_owned())
        }
    }

    impl Drop for FakeDevLog {
        fn drop(&mut self) {
            self.stop();
        }
    }

    #[test]
    fn syslog_client_connects_lazily_and_reconnects() {
        let mut dev_log = FakeDevLog::new("client");
        let mut l = SysLog::open("smcroute", LogLevel::UpTo(Level::Info), Target::Syslog);
        l.syslog.path = dev_log.path;
        assert!(l.syslog.sock.is_none(), "connected lazily");
        let pid = std::process::id();
        log!(&mut l, Level::Notice, "Ready{}", ".");
        assert_eq!(
            dev_log.recv().unwrap(),
            format!("<29>smcroute[{pid}]: Ready.")
        );
        // Close-on-exec: the `-e` script does not inherit it.
        let fd = l.syslog.sock.as_ref().unwrap().raw();
        // SAFETY: F_GETFD takes no pointer; `fd` is open.
        let fd_flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
        assert_eq!(fd_flags & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
        // `-l` filters what reaches syslog.
        log!(&mut l, Level::Debug, "hidden");
        log!(&mut l, Level::Err, "shown");
        assert_eq!(
            dev_log.recv().unwrap(),
            format!("<27>smcroute[{pid}]: shown")
        );
        // syslogd restarted: the old connection is refused, one reconnect delivers.
        dev_log.restart();
        log!(&mut l, Level::Info, "after restart");
        assert_eq!(
            dev_log.recv().unwrap(),
            format!("<30>smcroute[{pid}]: after restart")
        );
        // No syslogd: lines are dropped quietly, and delivered again once it is back.
        dev_log.stop();
        log!(&mut l, Level::Warning, "lost");
        assert!(l.syslog.sock.is_none());
        assert_eq!(l.last(), "lost");
        dev_log.restart();
        log!(&mut l, Level::Warning, "back");
        assert_eq!(
            dev_log.recv().unwrap(),
            format!("<28>smcroute[{pid}]: back")
        );
        assert_eq!(dev_log.recv(), None);
        // A path that cannot be a socket address.
        assert_eq!(
            connect_dgram(&"x".repeat(200)).err(),
            Some(Errno::new(libc::ENAMETOOLONG))
        );
    }
}
