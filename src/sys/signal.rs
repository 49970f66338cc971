//! Signals through a self-pipe: the handler only sets a bit and writes one byte, the main
//! loop polls the pipe and acts on [`Signals::take`] outside signal context.
//!
//! ```text
//!   SIGHUP/INT/TERM/CHLD --> on_signal(): PENDING |= 1 << sig; write(pipe[1], "!")
//!                                                      |
//!   main loop: poll(.. pipe[0] ..) readable --> take(): drain pipe[0]; swap PENDING to 0
//! ```
//!
//! `SIGPIPE` is ignored, so a client that hangs up during a reply cannot kill the daemon
//! (SMCRoute 2.6 forgot this; spec §5.12).

use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use super::{call, read, Fd};
use crate::errno::Errno;

/// Signals caught since the last [`Signals::take`], one bit per signal number.
static PENDING: AtomicU32 = AtomicU32::new(0);

/// The self-pipe's write end for the handler, plus one; 0 when no [`Signals`] is alive.
/// Plus one so that "none" is 0: a zeroed static lives in `.bss`, where an initialised one
/// (-1) would be the program's only `.data` and cost that section (~70 B on x86_64).
static PIPE_WR: AtomicI32 = AtomicI32::new(0);

const CAUGHT: [libc::c_int; 4] = [libc::SIGHUP, libc::SIGINT, libc::SIGTERM, libc::SIGCHLD];

/// The bit of `sig` in [`PENDING`] (signal numbers below 32 only; ours are all small).
const fn bit(sig: libc::c_int) -> u32 {
    1u32 << (sig as u32 & 31)
}

/// The signal handler. Async-signal-safe: an atomic OR, an atomic load and `write(2)`.
/// The interrupted code never sees `errno` change: on x86_64 with glibc the `write` is
/// the bare system call, which leaves `errno` alone; elsewhere libc's `syscall` may set
/// it, so it is saved and restored around the `write`.
extern "C" fn on_signal(sig: libc::c_int) {
    PENDING.fetch_or(bit(sig), Ordering::SeqCst);
    #[cfg(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64"))]
    wake();
    #[cfg(not(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64")))]
    {
        let errno = super::errno_location();
        // SAFETY: `errno_location` returns this thread's valid `errno` pointer.
        let saved = unsafe { *errno };
        wake();
        // SAFETY: as above; restores the interrupted code's `errno`.
        unsafe { *errno = saved };
    }
}

/// Writes one byte to the self-pipe (async-signal-safe: an atomic load and `write(2)`).
#[inline(always)]
fn wake() {
    let byte = 1u8;
    // SAFETY: `&byte` is valid for one byte. The descriptor is the non-blocking write end
    // owned by the live `Signals`, or -1 (EBADF, harmless). A full pipe (EAGAIN) loses
    // nothing: the bit is already set and a byte is already waiting.
    let _ = unsafe {
        super::call::write(
            PIPE_WR.load(Ordering::SeqCst) - 1,
            (&byte as *const u8).cast(),
            1,
        )
    };
}

/// The signals [`Signals::take`] found pending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignalSet {
    /// `SIGHUP`: reload the configuration.
    pub hup: bool,
    /// `SIGINT` or `SIGTERM`: exit gracefully.
    pub term: bool,
    /// `SIGCHLD`: a script hook ended; reap it.
    pub chld: bool,
}

impl SignalSet {
    /// True if no signal was pending.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The installed handlers and their self-pipe. At most one is alive at a time; the
/// daemon keeps it for its whole run.
#[derive(Debug)]
pub struct Signals {
    rd: Fd,
    wr: Fd,
}

impl Signals {
    /// `pipe2(O_CLOEXEC | O_NONBLOCK)`, then `sigaction` for `SIGHUP`, `SIGINT`,
    /// `SIGTERM` and `SIGCHLD` (`SA_RESTART`, so other syscalls are not cut short;
    /// `poll` still returns `EINTR`) and `SIG_IGN` for `SIGPIPE`.
    ///
    /// # Errors
    /// `EBUSY` if another `Signals` is alive; otherwise `pipe2`'s `errno`.
    ///
    /// # References
    /// `man 2 sigaction`, `man 2 pipe2`
    #[doc(alias = "sigaction")]
    // Out of line, as `take_with` and `drop`: the atomics keep these MIPS32 code in the
    // MIPS16e builds (targets/README.md), and their callers (the daemon's start-up and
    // main loop) stay MIPS16e.
    #[inline(never)]
    pub fn install() -> Result<Self, Errno> {
        // A load and a store, not a compare-and-swap (an ll/sc loop on MIPS): the
        // programs are single-threaded, and the handler only reads the descriptor.
        if PIPE_WR.load(Ordering::SeqCst) != 0 {
            return Err(Errno::new(libc::EBUSY));
        }
        let mut fds = [-1 as libc::c_int; 2];
        call::pipe2(&mut fds, libc::O_CLOEXEC | libc::O_NONBLOCK)?;
        let [rd, wr] = fds;
        PIPE_WR.store(wr + 1, Ordering::SeqCst);
        PENDING.store(0, Ordering::SeqCst);
        // Nothing fails past the pipe, so a failed start has nothing to undo (no drop
        // code): `sigaction` refuses only invalid signal numbers and `SIGKILL`/`SIGSTOP`,
        // and these are valid, catchable constants.
        for &sig in &CAUGHT {
            let _ = set_action(
                sig,
                on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
            );
        }
        let _ = set_action(libc::SIGPIPE, libc::SIG_IGN);
        Ok(Self {
            rd: Fd::from_raw(rd),
            wr: Fd::from_raw(wr),
        })
    }

    /// The read end of the self-pipe, to `poll` for `POLLIN`.
    pub fn fd(&self) -> libc::c_int {
        self.rd.raw()
    }

    /// Drains the pipe, then takes and clears the pending set (in that order, so a
    /// signal arriving in between leaves its byte for the next `poll`, never a bit
    /// without a wake-up).
    pub fn take(&self) -> SignalSet {
        self.take_with(&mut [0u8; 64])
    }

    /// [`Signals::take`] reading the pipe through `buf`, the daemon's receive buffer (no
    /// buffer of its own cleared at each signal). Inlined into the daemon's one call on
    /// x86_64 (-61 B), a call elsewhere.
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    pub fn take_with(&self, buf: &mut [u8]) -> SignalSet {
        while matches!(read(&self.rd, buf), Ok(n) if n > 0) {}
        let bits = PENDING.swap(0, Ordering::SeqCst);
        SignalSet {
            hup: bits & bit(libc::SIGHUP) != 0,
            term: bits & (bit(libc::SIGINT) | bit(libc::SIGTERM)) != 0,
            chld: bits & bit(libc::SIGCHLD) != 0,
        }
    }
}

impl Drop for Signals {
    /// Restores the default actions, then stops the handler from writing to the pipe
    /// before it is closed (so it never writes to a reused descriptor number).
    #[inline(never)]
    fn drop(&mut self) {
        for &sig in &CAUGHT {
            let _ = set_action(sig, libc::SIG_DFL);
        }
        let _ = PIPE_WR.compare_exchange(self.wr.raw() + 1, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// `sigaction(sig, {handler, empty mask, SA_RESTART}, NULL)`: on glibc its `signal`,
/// which is BSD's and makes that very call (`SA_RESTART`; `sig` in the mask, which a
/// handler without `SA_NODEFER` blocks anyway), with no `struct sigaction` built here.
/// Not on x86_64, where our raw `sigaction` is smaller than the import (`call::sigaction`).
#[cfg(all(target_os = "linux", target_env = "gnu", not(target_arch = "x86_64")))]
fn set_action(sig: libc::c_int, handler: libc::sighandler_t) -> Result<(), Errno> {
    // SAFETY: `handler` is `SIG_DFL`, `SIG_IGN` or `on_signal`, which is
    // async-signal-safe.
    if unsafe { libc::signal(sig, handler) } == libc::SIG_ERR {
        return Err(super::errno());
    }
    Ok(())
}

/// `sigaction(sig, {handler, empty mask, SA_RESTART}, NULL)`.
#[cfg(not(all(target_os = "linux", target_env = "gnu", not(target_arch = "x86_64"))))]
fn set_action(sig: libc::c_int, handler: libc::sighandler_t) -> Result<(), Errno> {
    // SAFETY: `handler` is `SIG_DFL`, `SIG_IGN` or `on_signal`, which is
    // async-signal-safe.
    unsafe { call::sigaction(sig, handler, libc::SA_RESTART) }.map(drop)
}

/// `signal(sig, SIG_DFL)`: the default action for `sig` (the script hook's child
/// restores `SIGPIPE` before `execve`; an ignored signal would stay ignored). In line
/// on x86_64 (-5 B).
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub fn set_default(sig: libc::c_int) -> Result<(), Errno> {
    set_action(sig, libc::SIG_DFL)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::super::poll::{poll, PollFd};
    use super::super::process::tests::in_child;
    use super::*;

    fn raise(sig: libc::c_int) {
        // SAFETY: sends a signal whose handler we installed to ourselves.
        assert_eq!(unsafe { libc::raise(sig) }, 0);
    }

    fn readable(signals: &Signals, timeout_ms: i32) -> bool {
        let mut set = [PollFd::new(signals.fd(), PollFd::IN)];
        poll(&mut set, timeout_ms).unwrap() == 1 && set[0].readable()
    }

    // Handlers are process-wide: each test runs in a forked child.

    #[test]
    fn signals_arrive_through_the_pipe() {
        let status = in_child(|| {
            let signals = Signals::install().unwrap();
            assert!(signals.take().is_empty());
            assert!(!readable(&signals, 0));
            raise(libc::SIGHUP);
            assert!(readable(&signals, 1000));
            let set = signals.take();
            assert_eq!(
                set,
                SignalSet {
                    hup: true,
                    term: false,
                    chld: false
                }
            );
            assert!(!readable(&signals, 0));
            assert!(signals.take().is_empty());

            raise(libc::SIGINT);
            raise(libc::SIGCHLD);
            raise(libc::SIGTERM);
            raise(libc::SIGTERM);
            // Through a lent buffer smaller than the bytes queued: drained all the same.
            let set = signals.take_with(&mut [0; 1]);
            assert!(set.term && set.chld && !set.hup);
            assert!(!readable(&signals, 0));

            // SIGPIPE is ignored: writing to a closed socket returns EPIPE, no death.
            raise(libc::SIGPIPE);
            let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
            drop(b);
            use std::io::Write;
            let err = (&a).write_all(b"x").unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EPIPE));
            true
        });
        assert_eq!(status, 0);
    }

    #[test]
    fn handler_preserves_errno_and_pipe_never_blocks() {
        let status = in_child(|| {
            let signals = Signals::install().unwrap();
            // Far more signals than the pipe holds bytes: the handler must not block.
            for _ in 0..100_000 {
                // SAFETY: `errno_location` is valid for this thread.
                unsafe { *crate::sys::errno_location() = 4242 };
                raise(libc::SIGHUP);
                // SAFETY: as above.
                assert_eq!(unsafe { *crate::sys::errno_location() }, 4242);
            }
            let set = signals.take();
            set.hup && !readable(&signals, 0)
        });
        assert_eq!(status, 0);
    }

    #[test]
    fn one_instance_at_a_time_and_drop_restores_defaults() {
        let status = in_child(|| {
            let first = Signals::install().unwrap();
            // The handler is set to restart interrupted calls, SIGPIPE is ignored.
            // SAFETY: all-zero is a valid `sigaction` to read the current one into.
            let mut old: libc::sigaction = unsafe { core::mem::zeroed() };
            // SAFETY: a null new action only reads the current one into `old`.
            unsafe { libc::sigaction(libc::SIGHUP, core::ptr::null(), &mut old) };
            assert_ne!(old.sa_flags & libc::SA_RESTART, 0);
            assert_eq!(
                old.sa_sigaction,
                on_signal as extern "C" fn(libc::c_int) as usize
            );
            // SAFETY: as above.
            unsafe { libc::sigaction(libc::SIGPIPE, core::ptr::null(), &mut old) };
            assert_eq!(old.sa_sigaction, libc::SIG_IGN);
            assert_eq!(Signals::install().err(), Some(Errno::new(libc::EBUSY)));
            // The failed attempt did not disturb the live one.
            raise(libc::SIGHUP);
            assert!(readable(&first, 1000) && first.take().hup);
            drop(first);
            assert_eq!(PIPE_WR.load(Ordering::SeqCst), 0);
            let second = Signals::install().unwrap();
            drop(second);
            // Default SIGTERM action again: this child dies by the signal.
            raise(libc::SIGTERM);
            false
        });
        assert_eq!(status, 128 + libc::SIGTERM);
    }
}
