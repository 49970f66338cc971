//! IPC clients of the daemon: framing, dispatch and replies (spec §4).
//!
//! A connection may carry several requests back to back; each gets one reply (the output
//! and a NUL, or the error text and a NUL). Once every complete request has been answered
//! and no partial one is waiting, the connection is closed, as SMCRoute does (its client
//! reads the reply until end of file). A client that sends a partial frame and then
//! nothing is dropped after [`IDLE_MS`].

use super::host::DaemonHost;
use super::said::{say_bare, Said};
use crate::fmt::{utf8_prefix, Level, Line};
use crate::ipc::show::Out;
use crate::ipc::{Framer, Request, WireError};
use crate::limits::MAX_CLIENTS;
use crate::router::Router;
use crate::sys::poll::PollFd;
use crate::sys::unix;
use crate::sys::{Fd, WriteBuf};
use crate::time::Instant;

/// How long a client may keep a partial request open.
pub const IDLE_MS: u64 = 2000;

/// How long one reply write may block on a client that does not read.
pub const SEND_TIMEOUT_MS: u32 = 1000;

/// What the daemon must do after a request was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deferred {
    /// `reload`: re-read the conf on this loop iteration.
    pub reload: bool,
    /// `kill`: exit gracefully.
    pub kill: bool,
}

/// A client slot. The framer stays in place between connections: a new client resets
/// its positions, not its kilobyte of buffer (no zero fill, no copy into the slot).
///
/// `repr(C)`, the framer's kilobyte last: the descriptor and the time are reached with
/// one-byte offsets.
#[repr(C)]
struct Client {
    /// The connection; `None` while the slot is free.
    fd: Option<Fd>,
    since: Instant,
    framer: Framer,
}

/// Bytes of a reply buffered per send.
const REPLY_BUF: usize = 4096;

/// The fixed set of connected clients, and the buffers requests are answered with (one
/// request is answered at a time). The daemon keeps this in a static: together some
/// 12 KiB that a stack frame would keep resident.
pub struct Clients {
    slots: [Client; MAX_CLIENTS],
    reply: [u8; REPLY_BUF],
}

/// Buffers reply bytes and sends them in pieces, so `show` of any size streams out.
struct Reply<'a> {
    state: WriteBuf,
    buf: &'a mut [u8; REPLY_BUF],
}

impl Out for Reply<'_> {
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn put(&mut self, bytes: &[u8]) {
        self.state.put(self.buf, bytes);
    }
}

impl Clients {
    /// No clients.
    pub const fn new() -> Self {
        Self {
            slots: [const {
                Client {
                    fd: None,
                    framer: Framer::new(),
                    since: Instant(0),
                }
            }; MAX_CLIENTS],
            reply: [0; REPLY_BUF],
        }
    }

    /// Accepts a pending connection; when every slot is taken it is closed at once.
    pub fn accept(&mut self, host: &mut DaemonHost, listener: &Fd, now: Instant) {
        let fd = match unix::accept(listener) {
            Ok(fd) => fd,
            Err(_) => return,
        };
        let Some(slot) = self.slots.iter_mut().find(|s| s.fd.is_none()) else {
            say_bare(&mut host.log, Said::TooManyClients, None);
            return;
        };
        let _ = unix::set_send_timeout(&fd, SEND_TIMEOUT_MS);
        // The slot is free: the `None` replaced needs no drop.
        debug_assert!(slot.fd.is_none());
        core::mem::forget(slot.fd.replace(fd));
        slot.framer.clear();
        slot.since = now;
    }

    /// Fills `out` with a poll entry per slot, in slot order (an unused one for a free
    /// slot); returns `deadline`, or the earliest time an idle client must be dropped if
    /// that is sooner (one pass over the slots for both: x86_64 -37 B, MIPS16e -16 B).
    pub fn poll_fds(&self, out: &mut [PollFd], mut deadline: Instant) -> Instant {
        for (entry, c) in out.iter_mut().zip(self.slots.iter()) {
            *entry = match &c.fd {
                Some(fd) => {
                    deadline = deadline.min(Instant(c.since.0 + IDLE_MS));
                    PollFd::new(fd.raw(), PollFd::IN)
                }
                None => PollFd::unused(),
            };
        }
        deadline
    }

    /// Drops clients that kept a partial request open too long.
    pub fn reap_idle(&mut self, host: &mut DaemonHost, now: Instant) {
        for c in self.slots.iter_mut() {
            if c.fd.is_some() && c.since.until(now) > IDLE_MS {
                say_bare(&mut host.log, Said::Idle, None);
                c.fd = None;
            }
        }
    }

    /// Reads from client `slot` and answers every complete request.
    pub fn readable(
        &mut self,
        slot: usize,
        router: &mut Router,
        host: &mut DaemonHost,
        now: Instant,
    ) -> Deferred {
        let mut deferred = Deferred::default();
        let Some(client) = self.slots.get_mut(slot) else {
            return deferred;
        };
        let Some(fd) = &client.fd else {
            return deferred;
        };
        let reply = &mut self.reply;
        // Received straight into the framer's free room (no copy through a buffer of
        // its own); what does not fit stays queued for the next poll.
        // One place closes the connection: end of file, a read error, a request that
        // asks for it, or every request answered.
        let close = match unix::recv(fd, client.framer.spare()) {
            Ok(0) | Err(_) => true,
            Ok(n) => {
                client.framer.filled(n);
                client.since = now;
                let mut failed = false;
                // A frame that cannot be cut is answered as a request that cannot be
                // parsed: with the error, then the connection closes.
                while let Some(frame) = client.framer.next_frame().transpose() {
                    if !answer(fd, reply, frame, router, host, now, &mut deferred) {
                        failed = true;
                        break;
                    }
                }
                failed || client.framer.is_empty()
            }
        };
        if close {
            client.fd = None;
        }
        deferred
    }
}

/// Answers one request frame, or the framing error; false if the connection must be
/// closed. Not inlined: the request dispatch kept in the daemon's loop makes it spill
/// more registers.
#[inline(never)]
fn answer(
    fd: &Fd,
    buf: &mut [u8; REPLY_BUF],
    frame: Result<&[u8], WireError>,
    router: &mut Router,
    host: &mut DaemonHost,
    now: Instant,
    deferred: &mut Deferred,
) -> bool {
    let mut reply = Reply {
        state: WriteBuf::new(fd.raw(), true),
        buf,
    };
    // A failure replies with the last log line, whatever its level: format every line
    // while the request runs (only then; hidden levels are skipped otherwise).
    host.log.set_capture(true);
    let mut args = heapless::Vec::new();
    let parsed = frame.and_then(|frame| Request::parse_into(frame, &mut args));
    let failed = match parsed {
        Err(e) => {
            // Captured (turned on above), so always logged: no level check, no `log!`
            // formatting of the error's `Display` in line here.
            let mut line = Line::new();
            e.put(&mut |piece| {
                let _ = ufmt::uWrite::write_str(&mut line, utf8_prefix(piece));
            });
            crate::fmt::emit(host, Level::Warning, &line);
            true
        }
        Ok(b'H') => {
            deferred.reload = true;
            false
        }
        Ok(b'k') => {
            deferred.kill = true;
            false
        }
        Ok(cmd) => router
            .command(host, now, cmd, args.as_slice(), &mut reply)
            .is_err(),
    };
    if failed {
        reply.put(host.log.last().as_bytes());
    }
    host.log.set_capture(false);
    reply.put(b"\0");
    reply.state.flush(reply.buf);
    if reply.state.failed() {
        say_bare(&mut host.log, Said::NotReading, None);
    }
    parsed.is_ok() && !reply.state.failed()
}
