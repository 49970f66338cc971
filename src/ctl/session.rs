//! One run's conversation with the daemon: requests are queued, sent back to back on one
//! connection, and their replies read and printed in order.

use heapless::Vec;

use super::{print_arg_error, warn, warn_with, Term, Warning, PROG};
use crate::args::ArgError;
use crate::args::{CtlFlag, CtlOpts};
use crate::errno::Errno;
use crate::ipc::cmd::IpcCmd;
use crate::ipc::show::{Headings, Renderer};
use crate::ipc::wire::{self, WireError};
use crate::limits::IPC_MSG_MAX;
use crate::sys::unix;
use crate::sys::{Fd, ReadBuf};

/// `ECONNREFUSED` is retried this many times, 100 ms apart (a daemon still starting).
const CONNECT_RETRIES: u32 = 30;
const CONNECT_RETRY_MS: u32 = 100;

/// Exit status: the number of failed commands (batch lines), capped below the shell's
/// range for "not executable"/"not found"/signals (SMCRoute's sum wraps around at 256).
pub const MAX_STATUS: usize = 125;

// Every offset in the frames fits the queue's `u16`.
static_assertions::const_assert!(IPC_MSG_MAX <= u16::MAX as usize);

/// Most requests sent back to back on one connection: as many of the smallest frame (a
/// header and the NUL that ends the words) as fit in the frame buffer, so the queue is
/// never full before the buffer.
const MAX_PIPELINE: usize = IPC_MSG_MAX / (wire::HEADER_LEN + 1);

/// Most bytes of a daemon's error text looked at (the first line of them is printed;
/// SMCRoute's daemon sends at most 127): a status reply is kept in a show renderer's
/// line buffer, which holds more.
const ERROR_TEXT_MAX: usize = 256;
static_assertions::const_assert!(ERROR_TEXT_MAX <= crate::ipc::show::LINE_MAX);

/// Requests waiting to be sent, and the running exit status.
///
/// Batch lines are pipelined: consecutive requests go out in one `send` of at most
/// [`IPC_MSG_MAX`] bytes on one connection (SMCRoute's daemon frames them and answers each
/// in order), so that even SMCRoute's daemon, which reads at most one buffer per
/// connection, sees them all. Anything printed locally first sends what is queued, so
/// output keeps the order of the input, and `reload` and `kill` end a pipeline, so the
/// daemon acts on them before it sees the next line, as with one connection per line.
///
/// `repr(C)` with the scalars first: x86_64 reaches them with one-byte offsets, not
/// four-byte ones past the frames.
#[repr(C)]
pub struct Session<'o, 'a> {
    opts: &'o CtlOpts<'a>,
    len: usize,
    failed: usize,
    /// Start offset in `frames` of each queued request, and whether it is a show. Two
    /// bytes of offset, not a word: the entries are a quarter of the size, and so are
    /// their index computations.
    queued: Vec<(u16, bool), MAX_PIPELINE>,
    frames: [u8; IPC_MSG_MAX],
}

impl<'o, 'a> Session<'o, 'a> {
    /// A session with nothing queued.
    pub fn new(opts: &'o CtlOpts<'a>) -> Self {
        Self {
            opts,
            frames: [0; IPC_MSG_MAX],
            len: 0,
            queued: Vec::new(),
            failed: 0,
        }
    }

    /// The command line of the run.
    pub fn opts(&self) -> &'o CtlOpts<'a> {
        self.opts
    }

    /// Sends what is queued and returns the exit status: the number of failed commands,
    /// at most [`MAX_STATUS`]. By reference: a session moved in would be copied whole
    /// (its 2 KiB of frames).
    pub fn finish(&mut self, t: &mut impl Term) -> i32 {
        self.flush(t);
        // (At most `MAX_STATUS`: no truncation.)
        self.failed as i32
    }

    /// Counts `n` failed commands, up to [`MAX_STATUS`] (a sum capped at each step is
    /// the sum capped). Not inlined: called for every kind of failure.
    #[inline(never)]
    pub fn fail(&mut self, n: usize) {
        // (`n` is at most a queue's length: no overflow.)
        self.failed = (self.failed + n).min(MAX_STATUS);
    }

    /// Says `what` with `detail` and counts one failed command: the end of every
    /// failure said in one line. Not inlined on x86_64: one call at each place, not two
    /// (smcroutectl -40 B, smcrouted .text -3 B); MIPS16e measured the calls larger
    /// (+16 B each program).
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    #[cfg_attr(not(target_arch = "x86_64"), inline(always))]
    pub(super) fn warn_failed(&mut self, t: &mut impl Term, what: Warning, detail: &[u8]) {
        warn(t, what, detail);
        self.fail(1);
    }

    /// Queues the request `cmd args` (sending the queue first if it would not fit), or
    /// reports why it cannot be built. `reload` and `kill` are sent at once.
    pub fn send(&mut self, cmd: IpcCmd, args: &[&str], t: &mut impl Term) {
        match wire::checked_frame_len(args) {
            Ok(n) => {
                if self.len + n > self.frames.len() {
                    self.flush(t);
                }
                // (A frame fits an empty queue: `checked_frame_len` checked.)
                if let Some(out) = self.frames.get_mut(self.len..self.len + n) {
                    wire::write_frame(cmd.letter(), args, out);
                    // (An offset in the 1 KiB of frames: it fits.)
                    let _ = self.queued.push((self.len as u16, cmd.is_show()));
                    self.len += n;
                }
            }
            Err(e) => self.refuse(e, t),
        }
        if matches!(cmd, IpcCmd::Reload | IpcCmd::Kill) {
            self.flush(t);
        }
    }

    /// A request that cannot be built: reported in its place in the output, and failed.
    /// The line is the command line's for too many words (one copy of its wording).
    fn refuse(&mut self, e: WireError, t: &mut impl Term) {
        self.flush_failing(t);
        print_arg_error(t, PROG, ArgError::Request(e));
    }

    /// Sends what is queued and counts one failed command, said next by the caller: one
    /// method for the three failures that are said after a flush (x86_64 smcrouted and
    /// smcroutectl -32 B; MIPS16e smcrouted -16 B, smcroutectl +16 B).
    pub(super) fn flush_failing(&mut self, t: &mut impl Term) {
        self.flush(t);
        self.fail(1);
    }

    /// Sends the queued requests and prints their replies in order. Requests the daemon
    /// did not answer before closing are sent again on a new connection.
    pub fn flush(&mut self, t: &mut impl Term) {
        let mut next = 0;
        // A failed connection or send fails the requests not yet answered, in one place
        // (none after the last is answered: failing none counts nothing).
        let unanswered = 'send: {
            while next < self.queued.len() {
                let Some(fd) = connect(self.opts, t) else {
                    break 'send self.queued.len() - next;
                };
                // (`next` is a queued request: the loop's condition.)
                let from = self
                    .queued
                    .get(next)
                    .map_or(0, |&(start, _)| usize::from(start));
                let frames = self.frames.get(from..self.len).unwrap_or(&[]);
                if let Err(e) = unix::send_all(&fd, frames) {
                    warn_with(t, Warning::CommunicationFailed, &e);
                    break 'send self.queued.len() - next;
                }
                let answered = self.replies(&fd, next, t);
                if answered == 0 {
                    // The same head as the line above (a reference to its bytes).
                    self.warn_failed(t, Warning::NoReply, b"");
                    next += 1;
                }
                next += answered;
            }
            0
        };
        self.fail(unanswered);
        self.queued.clear();
        self.len = 0;
    }

    /// Reads replies for the requests from `first` on; returns how many were answered.
    /// Every reply ends with a NUL.
    fn replies(&mut self, fd: &Fd, first: usize, t: &mut impl Term) -> usize {
        // Not cleared: only what each read wrote is looked at. Two kilobytes, not four:
        // the stack frame of `flush`, where this is in line, stays below a page, so it
        // needs no probe of its second page (x86_64 smcrouted -16 B).
        let mut buf = ReadBuf::<2048>::new();
        let mut index = first;
        let mut reply = None;
        self.start_reply(index, t, &mut reply);
        // Some of the current reply arrived.
        let mut started = false;
        // One loop for every step (feed, read more, end a reply): one call site each.
        // The first feed, of no bytes, does nothing.
        let mut data: &[u8] = &[];
        while let Some(r) = reply.as_mut() {
            let used = r.feed(data, t);
            let complete = if r.is_done() {
                data = data.get(used..).unwrap_or(&[]);
                true
            } else {
                started |= !data.is_empty();
                match buf.read(fd.raw()) {
                    Ok(read) if !read.is_empty() => {
                        data = read;
                        continue;
                    }
                    // The connection closed in the middle of a reply: what came of it
                    // still counts. (`data` is done with before the next read.)
                    _ if started => {
                        data = &[];
                        false
                    }
                    _ => break,
                }
            };
            self.end_reply(r, complete, t);
            index += 1;
            if !complete {
                break;
            }
            started = false;
            self.start_reply(index, t, &mut reply);
        }
        index - first
    }

    /// Makes `reply` the reader of the reply to request `index` (`None` past the last
    /// one): a show's renderer, or a status's. In place: a renderer holds a kilobyte of
    /// line buffer, copied if it were returned.
    fn start_reply(&self, index: usize, t: &mut impl Term, reply: &mut Option<Renderer>) {
        let Some(&(_, is_show)) = self.queued.get(index) else {
            *reply = None;
            return;
        };
        // The terminal is probed for its width only for a show.
        let headings = if !is_show {
            Headings::Status
        } else if self.opts.has(CtlFlag::NoHeading) {
            Headings::Off
        } else if self.opts.has(CtlFlag::Plain) {
            Headings::Plain
        } else {
            Headings::Tty { width: t.width() }
        };
        *reply = Some(Renderer::new(headings));
    }

    /// The reply `r` ended, `complete` with its NUL or cut short: prints the rest of a
    /// show reply or the first line of a status reply's error, which fails the command.
    fn end_reply(&mut self, r: &mut Renderer, complete: bool, t: &mut impl Term) {
        match r.status() {
            // After the NUL (its last line) this prints nothing: the renderer is done.
            None => r.finish(t),
            Some([]) if complete => {}
            Some(text) => {
                let text = text.get(..ERROR_TEXT_MAX).unwrap_or(text);
                let line = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
                self.warn_failed(t, Warning::Daemon, line);
            }
        }
    }
}

/// Connects, retrying a refused connection; reports failures as SMCRoute does.
fn connect(opts: &CtlOpts<'_>, t: &mut impl Term) -> Option<Fd> {
    let path = opts.socket.as_str();
    let mut retries = 0;
    loop {
        let err = match unix::connect(path) {
            Ok(fd) => return Some(fd),
            Err(Errno::ECONNREFUSED) if retries < CONNECT_RETRIES => {
                retries += 1;
                unix::sleep_ms(CONNECT_RETRY_MS);
                continue;
            }
            Err(e) => e,
        };
        if err == Errno::ENOENT {
            warn(t, Warning::NoSocket, path.as_bytes());
        }
        // One line of its own, or the error's text.
        let own = match err {
            Errno::ECONNREFUSED => Warning::NotRunning,
            Errno::EACCES => Warning::NeedRoot,
            Errno::ENOENT if !opts.has(CtlFlag::SocketGiven) => Warning::OtherIdentity,
            _ => {
                warn_with(t, Warning::FailedConnecting, &err);
                return None;
            }
        };
        warn(t, own, b"");
        return None;
    }
}
