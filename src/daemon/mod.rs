//! The daemon: start-up, the `poll` loop, reload and shutdown. No `unsafe`, no `libc`:
//! it wires `sys` to the pure [`Router`].
//!
//! ```text
//!             +------------- poll() ---------------+
//!  signals -->| self-pipe   HUP: reload  TERM: exit |
//!  kernel  -->| mroute v4/v6 sockets: upcalls       |--> Router --> Kernel (MRT_*, joins)
//!  netlink -->| link events: rescan, pending drain  |
//!  clients -->| IPC listener + up to N clients      |--> replies
//!  mrdisc  -->| solicitations                       |
//!  timers  -->| -c expiry, -m announcements, -D     |
//!             +-------------------------------------+
//! ```

mod clients;
mod host;
mod load;
pub(crate) mod said;
mod verify;

use crate::args::{self, DaemonOpts, NotRun};
use crate::errno::Errno;
use crate::fmt::Level;
use crate::net::Family;
use crate::router::{Options, Router};
use crate::sys::cell::StaticCell;
use crate::sys::entry::Args;
use crate::sys::log::{SysLog, Target};
use crate::sys::mroute::{self, MrouteSys};
use crate::sys::notify::{self, Notify};
use crate::sys::poll::{poll, PollFd};
use crate::sys::signal::Signals;
use crate::sys::{self, clock, fs, ifevent, privs, process, unix, Fd};
use crate::time::Instant;
use core::mem::{ManuallyDrop, MaybeUninit};

use self::clients::Clients;
use self::host::{DaemonHost, Mrdiscs};
use self::load::{ConfBufs, LoadError};
use self::said::{say, say_bare, say_texts, Said};

/// sysexits(3) codes the daemon exits with (spec §7.4).
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Bad `-m`, bad `-p` user or group (`err(1, ...)` in SMCRoute).
    pub const FAILURE: i32 = 1;
    /// `EX_USAGE`: unknown option, negative `-t`.
    pub const USAGE: i32 = 64;
    /// `EX_UNAVAILABLE`: another daemon owns the multicast routing socket.
    pub const UNAVAILABLE: i32 = 69;
    /// `EX_SOFTWARE`.
    pub const SOFTWARE: i32 = 70;
    /// `EX_OSERR`: fork, pipe, socket failures at start.
    pub const OSERR: i32 = 71;
    /// `EX_PROTOCOL`: the kernel has no multicast routing.
    pub const PROTOCOL: i32 = 76;
    /// `EX_NOPERM`: not root.
    pub const NOPERM: i32 = 77;
    /// `EX_CONFIG`: `-F` found errors.
    pub const CONFIG: i32 = 78;
}

/// The router, the conf read buffers, the routing sockets with their join pool and the
/// IPC clients live in a static, not in `main`'s stack frame: capacity in .bss costs no
/// memory until it is used, and a stack page once touched stays resident. One static,
/// taken once (each take is an atomic swap).
static STORE: StaticCell<Store> = StaticCell::new(Store {
    router: Router::new(),
    bufs: [[0; load::CHUNK]; crate::limits::MAX_INCLUDE_DEPTH],
    kernel: MrouteSys::new(),
    mrdisc: Mrdiscs::new(),
    clients: Clients::new(),
    recv_buf: [0; RECV_BUF],
    poll_set: [PollFd::new(0, 0); MAX_POLL],
    argv: [MaybeUninit::uninit(); MAX_ARGV],
});

/// What [`STORE`] holds.
///
/// Page-aligned, its fields in this order (`repr(C)`): where the tables fall within their
/// pages no longer moves with the size of the code. It matters to glibc's `memcmp` (the
/// benchmark's host build), whose short compares take a slower path near a page end: at
/// start-up the interface names are compared 10,000 times, and a code size change that
/// only shifted this static measured +20,000 Ir. (Virtual .bss padding only: no page of
/// it is touched.)
#[repr(C, align(4096))]
struct Store {
    router: Router,
    bufs: ConfBufs,
    // `MrouteSys::new()` is all zero bytes too (no sockets, an empty join pool; see
    // `JoinPool`): .bss, no start-up copy.
    kernel: MrouteSys,
    // `Mrdiscs::new()` is all zero bytes too (empty slots).
    mrdisc: Mrdiscs,
    // `Clients::new()` is all zero bytes (empty slots and buffers), so it stays in .bss
    // and needs no copy at start-up (`size` shows 16 B of .data on mipsel with it).
    clients: Clients,
    /// What the loop reads signals, upcalls, link events and mrdisc packets into: here,
    /// not in `main`'s frame, it needs no clearing at start-up.
    recv_buf: RecvBuf,
    /// The loop's poll set, refilled at each turn: here, not in a frame of the loop, it
    /// needs no clearing. (All zero bytes to start with, .bss.)
    poll_set: PollSet,
    /// The command line's words (a kilobyte, out of `main`'s frame: its other slots come
    /// closer to the stack pointer, -16 B on x86_64). The options stay in the frame: in
    /// here their address is a constant that LLVM propagates into `parse_daemon_into`,
    /// whose stores then take 4-byte displacements (+32 B).
    argv: [MaybeUninit<&'static str>; MAX_ARGV],
}

/// Bytes read at once from a signal pipe, routing, netlink or mrdisc socket.
const RECV_BUF: usize = 512;

/// The loop's receive buffer (see [`Store::recv_buf`]).
type RecvBuf = [u8; RECV_BUF];

/// Most command-line words we look at.
const MAX_ARGV: usize = 64;

/// Sent to systemd when the daemon is ready, its status logged ([`READY`]).
const READY_MESSAGE: &str = crate::joined![
    notify::READY_HEAD,
    "Ready, waiting for client request or kernel event.",
    notify::READY_TAIL,
];
/// Logged when the daemon is ready: the status of [`READY_MESSAGE`].
const READY: &str = notify::status_of(READY_MESSAGE, notify::READY_HEAD, notify::READY_TAIL);
/// Sent to systemd when a reload begins, its status logged ([`RELOADING`]).
const RELOADING_MESSAGE: &str = crate::joined![
    notify::RELOADING_HEAD,
    "Reloading configuration, please wait ...",
    notify::RELOADING_TAIL,
];
/// Logged when a reload begins: the status of [`RELOADING_MESSAGE`].
const RELOADING: &str = notify::status_of(
    RELOADING_MESSAGE,
    notify::RELOADING_HEAD,
    notify::RELOADING_TAIL,
);
// The messages fit with any number after them.
const _: () = assert!(READY_MESSAGE.len() + 20 <= notify::MSG_MAX);
const _: () = assert!(RELOADING_MESSAGE.len() + 20 <= notify::MSG_MAX);

/// `smcrouted` entry point; returns the exit code.
pub fn main(raw: &Args) -> i32 {
    let Some(Store {
        router,
        bufs,
        kernel,
        mrdisc,
        clients,
        recv_buf,
        poll_set,
        argv,
    }) = STORE.take()
    else {
        return exit::SOFTWARE;
    };
    let Some(argv) = raw.words_into(argv) else {
        sys::stderr(b"smcrouted: too many arguments\n");
        return exit::USAGE;
    };
    let prog = argv.first().copied().unwrap_or("smcrouted");
    let mut opts = DaemonOpts::new();
    if let Err(stop) = args::parse_daemon_into(argv, &mut opts) {
        let (code, usage) = match stop {
            NotRun::Help { ident } => (exit::OK, Some(ident)),
            NotRun::Version => {
                sys::stdout(args::VERSION_TEXT.as_bytes());
                return exit::OK;
            }
            NotRun::Usage { error, ident } => {
                // Unbuffered, a write per piece: no second 4 KiB writer made for one line.
                args::ErrorLine { prog, error }.put_line(&mut sys::stderr, false);
                let usage = error.daemon_shows_usage().then_some(ident);
                (error.daemon_exit_code(), usage)
            }
        };
        // One call for `-h` and the errors that show the usage too.
        if let Some(ident) = usage {
            args::put_daemon_usage(&mut sys::stdout, prog, ident);
        }
        return code;
    }
    if opts.table_id != 0 && !mroute::HAS_TABLES {
        // SMCRoute: errx(1, ...) while parsing options, before anything else.
        sys::stderr(
            b"smcrouted: Different multicast routing tables not supported on this platform.\n",
        );
        return exit::FAILURE;
    }
    let statics = Statics {
        router,
        bufs,
        kernel,
        mrdisc,
        clients,
        recv_buf,
        poll_set,
    };
    run(prog, &opts, statics)
}

/// The daemon's state that lives in a static (see [`STORE`]).
struct Statics {
    router: &'static mut Router,
    bufs: &'static mut ConfBufs,
    kernel: &'static mut MrouteSys,
    mrdisc: &'static mut Mrdiscs,
    clients: &'static mut Clients,
    recv_buf: &'static mut RecvBuf,
    poll_set: &'static mut PollSet,
}

/// `prog` is `argv[0]`: SMCRoute names itself by its base name when it refuses to start.
fn run(prog: &str, opts: &DaemonOpts<'_>, statics: Statics) -> i32 {
    let Statics {
        router,
        bufs,
        kernel,
        mrdisc,
        clients,
        recv_buf,
        poll_set,
    } = statics;
    let target = if opts.verify {
        Target::Verify
    } else if opts.log_stderr {
        Target::SyslogAndStderr
    } else {
        Target::Syslog
    };
    // Made first, in this frame, and never dropped: every early return below ends the
    // process, which closes the syslog socket (no drop code at each of them).
    let log = SysLog::open(opts.ident, opts.log_level, target);
    let interval = opts.mrdisc_interval as u8;
    let mut host = ManuallyDrop::new(DaemonHost::new(kernel, mrdisc, log, interval));
    if opts.verify {
        return verify::run(router, &mut host, bufs, opts);
    }
    if process::geteuid() != 0 {
        let prog = args::basename(prog);
        say(&mut host.log, Said::NeedRoot, prog, None);
        return exit::NOPERM;
    }
    let ids = match opts.user {
        None => None,
        Some(user) => match privs::resolve(user, opts.group) {
            Ok(ids) => Some(ids),
            Err(e) => {
                let (said, name) = match e {
                    privs::ResolveError::UnknownUser => (Said::UnknownUser, user),
                    privs::ResolveError::UnknownGroup => {
                        (Said::UnknownGroup, opts.group.unwrap_or(""))
                    }
                };
                say(&mut host.log, said, name, None);
                say_bare(&mut host.log, Said::InvalidUserGroup, None);
                return exit::FAILURE;
            }
        },
    };
    if !opts.foreground {
        if let Err(e) = process::daemonize() {
            say_bare(&mut host.log, Said::Daemonizing, Some(e));
            return exit::OSERR;
        }
    }
    // One piece: `text`, not `words` (a one-slice array would be a relocated static).
    crate::fmt::text(&mut *host, Level::Notice, args::VERSION_LINE);
    if opts.startup_delay > 0 {
        process::sleep_secs(opts.startup_delay);
    }
    let start = clock::now();

    // Multicast routing sockets: IPv4 is required, IPv6 optional.
    let v4 = match mroute::open_v4(opts.table_id) {
        Ok(fd) => fd,
        Err(e) => {
            init_failed(&mut host.log, e.level(), e);
            if let Some(hint) = e.hint() {
                let [a, b, c] = hint;
                let texts = [a, b, c, said::EMPTY];
                say_texts(&mut host.log, Level::Err, texts, "", None);
            }
            return if e.errno == Errno::EADDRINUSE {
                exit::UNAVAILABLE
            } else if e.unsupported() {
                exit::PROTOCOL
            } else {
                exit::OSERR
            };
        }
    };
    if let Err(e) = mroute::enable_pim(&v4) {
        say_bare(&mut host.log, Said::Pim, Some(e));
    }
    let v6 = match mroute::open_v6(opts.table_id) {
        Ok(fd) => Some(fd),
        Err(e) => {
            init_failed(&mut host.log, Level::Notice, e);
            say_bare(&mut host.log, Said::V4Only, None);
            None
        }
    };
    // The store's routing sockets are still `None` here: forgetting the old values
    // closes nothing, and spares the drop code of two assignments.
    debug_assert!(host.kernel.v4.is_none() && host.kernel.v6.is_none());
    core::mem::forget(host.kernel.v4.replace(v4));
    core::mem::forget(core::mem::replace(&mut host.kernel.v6, v6));
    start_host(router, &mut host, bufs, opts, false);

    let signals = match Signals::install() {
        Ok(s) => s,
        Err(e) => {
            say_bare(&mut host.log, Said::Signals, Some(e));
            return exit::OSERR;
        }
    };
    let _ = process::raise_nofile_limit();
    let listener = match unix::listen(opts.socket.as_str()) {
        Ok(fd) => Some(fd),
        Err(e) => {
            say_bare(&mut host.log, Said::Ipc, Some(e));
            None
        }
    };
    let events = match ifevent::open_events() {
        Ok(fd) => Some(fd),
        Err(e) => {
            say_bare(&mut host.log, Said::Events, Some(e));
            None
        }
    };

    if let Err(LoadError::Missing) =
        load_conf(router, &mut host, bufs, opts.conf.as_str(), Level::Notice)
    {
        say_bare(&mut host.log, Said::Continuing, None);
    }
    if let Err(e) = fs::write_pid_file(opts.pid_file.as_str(), process::getpid()) {
        let pid_file = opts.pid_file.as_str();
        say(&mut host.log, Said::PidFile, pid_file, Some(e));
    }
    if let Some(ids) = &ids {
        let _ = fs::chown(opts.pid_file.as_str(), ids.uid, ids.gid);
    }
    let notify = Notify::from_env();
    if let Some(n) = &notify {
        n.ready(READY_MESSAGE);
    }
    crate::fmt::text(&mut *host, Level::Notice, READY);
    if let Some(ids) = &ids {
        let user = opts.user.unwrap_or("");
        match privs::drop_to(*ids, user) {
            Ok(dropped) if privs::LEAVES_GROUPS_OUT && dropped.groups_left_out => {
                say(&mut host.log, Said::MoreGroups, user, None)
            }
            Ok(_) => {}
            Err(e) => {
                // What failed, then " failed: " and the error if there is one.
                let (what, errno) = e.what();
                let level = Level::Warning;
                let failed = errno.map_or(said::EMPTY, |_| Said::Failed.number());
                let head = Said::CouldNotDrop.number();
                let texts = [head, said::drop_what(what), failed, said::EMPTY];
                say_texts(&mut host.log, level, texts, "", errno);
            }
        }
    }
    if let Some(script) = &opts.script {
        if fs::is_executable(script.as_str()) {
            host.script = Some(script.as_str());
        } else {
            let script = script.as_str();
            say(&mut host.log, Said::NotExecutable, script, None);
        }
    }

    let mut state = Loop {
        router,
        host: &mut host,
        bufs,
        opts,
        signals,
        listener,
        events,
        clients,
        recv_buf,
        poll_set,
        next_expire: after(start, opts.cache_timeout),
        next_mrdisc: plus_secs(start, opts.mrdisc_interval),
        exit_at: after(start, opts.exit_delay),
        notify,
    };
    let code = state.run();
    state.shutdown();
    // The process exits with `code` now: its descriptors close with it, and the signal
    // handlers stay in place until then (a late SIGTERM still ends it with this code).
    // No drop code for the loop's sockets, the signal set-up and the syslog socket.
    core::mem::forget(state);
    code
}

/// `secs` seconds after `t` (one copy of the 64-bit arithmetic, which is long on 32-bit
/// routers, for every timer; on x86_64 LLVM puts the add and multiply in line by itself).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
fn plus_secs(t: Instant, secs: u32) -> Instant {
    t.add_secs(secs)
}

/// The deadline of a disabled timer: later than any time the clock reaches, so it
/// never fires and never comes first (no `Option` to test at every use).
const NEVER: Instant = Instant(u64::MAX);

/// `t` or `timer`, whichever comes first (one copy of the 64-bit comparison, which is
/// long on 32-bit routers; a compare and a move in line on x86_64: -16 B).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
fn sooner(t: Instant, timer: Instant) -> Instant {
    t.min(timer)
}

/// `secs` seconds after `t`, or [`NEVER`] for 0 (a disabled timer).
fn after(t: Instant, secs: u32) -> Instant {
    if secs > 0 {
        plus_secs(t, secs)
    } else {
        NEVER
    }
}

/// Logs why a multicast routing socket could not be set up (one formatting call for the
/// IPv4 and the IPv6 socket). The error by value: its few bytes go in a register, not
/// through a stack slot at each call (x86_64 -64 B).
#[inline(never)]
fn init_failed(log: &mut SysLog<'_>, level: Level, e: mroute::InitError) {
    let ([head, family, tail], errno) = e.texts();
    say_texts(log, level, [head, family, tail, said::EMPTY], "", errno);
}

/// Re-reads the interface list (rtnetlink or `NET_RT_IFLIST` dump) into the router,
/// through the first conf read buffer (idle between conf loads: no 16 KiB stack buffer
/// cleared, and kept resident, by each scan).
fn rescan(router: &mut Router, host: &mut DaemonHost, bufs: &mut ConfBufs) {
    router.scan_begin();
    let [scratch, ..] = bufs;
    if let Err(e) = ifevent::dump_links_in(scratch, &mut |info| router.scan_iface(info)) {
        say_bare(&mut host.log, Said::Interfaces, Some(e));
    }
    router.scan_end(host);
}

/// Loads the conf file: the number of failed lines, or why it could not be read (logged,
/// a missing file at level `missing`).
fn load_conf(
    router: &mut Router,
    host: &mut DaemonHost,
    bufs: &mut ConfBufs,
    path: &str,
    missing: Level,
) -> Result<u32, LoadError> {
    match load::load(router, host, bufs, path) {
        Ok(loaded) => Ok(loaded.errors),
        Err(e) => {
            conf_failed(&mut host.log, missing, e, path, said::EMPTY);
            Err(e)
        }
    }
}

/// Logs why the conf at `path` could not be read, followed by text `tail` (one copy of the
/// messages for start-up, reload and `-F`). A missing file is logged at level `missing`,
/// any other failure as an error.
#[inline(never)]
fn conf_failed(log: &mut SysLog<'_>, missing: Level, e: LoadError, path: &str, tail: u8) {
    let (level, said, errno) = match e {
        LoadError::Missing => (missing, Said::ConfMissing, None),
        LoadError::Unreadable(e) => (Level::Err, Said::Reading, Some(e)),
    };
    let empty = said::EMPTY;
    say_texts(log, level, [said.number(), empty, empty, tail], path, errno);
}

/// Sets up `host`, the router's options and its interface list: the steps a start and
/// `-F` share. The host is made by the caller, in its own frame (no copy of it through a
/// return value).
fn start_host(
    router: &mut Router,
    host: &mut DaemonHost<'_>,
    bufs: &mut ConfBufs,
    opts: &DaemonOpts<'_>,
    dry_run: bool,
) {
    host.dry_run = dry_run;
    router.set_options(Options {
        do_vifs: opts.phyint_enable_default,
        cache_timeout_secs: opts.cache_timeout,
    });
    rescan(router, host, bufs);
}

// The poll set has an entry for every source the daemon can have, at a fixed place: a
// source that is not open (no IPv6 socket, a free client or mrdisc slot) is an unused
// entry, which `poll` skips. What an entry is follows from its place: no list of sources
// kept beside the descriptors, no pushes (x86_64 -120 B, MIPS16e -96 B).
/// The self-pipe of the signal handlers.
const SIGNALS: usize = 0;
/// The IPv4 routing socket; the IPv6 one is next.
const MROUTE_V4: usize = 1;
/// The IPv6 routing socket.
const MROUTE_V6: usize = 2;
/// The link events socket.
const NETLINK: usize = 3;
/// The IPC listener.
const LISTENER: usize = 4;
/// The first client slot's entry.
const CLIENTS: usize = 5;
/// The first mrdisc slot's entry, after the clients'.
const MRDISCS: usize = CLIENTS + crate::limits::MAX_CLIENTS;
/// Entries in the poll set.
const MAX_POLL: usize = MRDISCS + crate::limits::MAX_VIFS;

/// The loop's poll set (see [`Store::poll_set`]).
type PollSet = [PollFd; MAX_POLL];

/// The poll entry of `fd` if it is open, else an unused one.
fn poll_entry(fd: &Option<Fd>) -> PollFd {
    match fd {
        Some(fd) => PollFd::new(fd.raw(), PollFd::IN),
        None => PollFd::unused(),
    }
}

/// `repr(C)`, the router first: `turn` reaches it with no offset added (x86_64 .text
/// -1 B; the host first measured 0).
#[repr(C)]
struct Loop<'a, 'h> {
    router: &'static mut Router,
    /// Borrowed from `run`'s frame: moving the host (its log line and mrdisc table, some
    /// 700 bytes) into the loop would copy it.
    host: &'h mut DaemonHost<'a>,
    bufs: &'static mut ConfBufs,
    opts: &'a DaemonOpts<'a>,
    signals: Signals,
    listener: Option<Fd>,
    events: Option<Fd>,
    clients: &'static mut Clients,
    /// [`Store::recv_buf`]. A field read by `serve` and `upcalls`, not an argument of
    /// `turn`: a static's address passed down is a constant that LLVM propagates into
    /// `serve`, which then inlines otherwise (+265 B on x86_64).
    recv_buf: &'static mut RecvBuf,
    /// [`Store::poll_set`].
    poll_set: &'static mut PollSet,
    /// The next `-c` expiry pass ([`NEVER`] without one).
    next_expire: Instant,
    next_mrdisc: Instant,
    /// `-x`: when the daemon exits ([`NEVER`] without one).
    exit_at: Instant,
    notify: Option<Notify<'static>>,
}

impl Loop<'_, '_> {
    /// Turns until the daemon must exit; the exit code.
    fn run(&mut self) -> i32 {
        while !self.turn() {}
        exit::OK
    }

    /// One poll and what it found; true once the daemon must exit (logged). Not inlined:
    /// LLVM hoists the constants of a loop body this big out of the loop into spilled
    /// stack slots.
    #[inline(never)]
    fn turn(&mut self) -> bool {
        let now = clock::now();
        let set = &mut *self.poll_set;
        let kernel = &self.host.kernel;
        let (fixed, slots) = set.split_at_mut(CLIENTS);
        if let [signals, v4, v6, netlink, listener] = fixed {
            *signals = PollFd::new(self.signals.fd(), PollFd::IN);
            *v4 = poll_entry(&kernel.v4);
            *v6 = poll_entry(&kernel.v6);
            *netlink = poll_entry(&self.events);
            *listener = poll_entry(&self.listener);
        }
        let (clients, mrdiscs) = slots.split_at_mut(MRDISCS - CLIENTS);
        // The mrdisc timer always runs: there is always a deadline.
        let deadline = self.clients.poll_fds(clients, self.next_mrdisc);
        self.host.mrdisc_poll_fds(mrdiscs);
        let deadline = sooner(sooner(deadline, self.next_expire), self.exit_at);
        let timeout = now.until(deadline).min(i32::MAX as u64) as i32;
        if poll(set, timeout).is_err() {
            return false;
        }
        // Why the daemon exits: one log call for both reasons.
        let why = 'exit: {
            let now = clock::now();
            let mut reload = false;
            for i in 0..MAX_POLL {
                let readable = self.poll_set.get(i).is_some_and(PollFd::readable);
                if readable && self.serve(i, now, &mut reload) {
                    // `SIGTERM`/`SIGINT` and `smcroutectl kill` end the loop alike.
                    break 'exit Said::Exiting;
                }
            }
            if reload {
                self.reload();
            }
            // One clock read for the timers and the `-x` deadline (which, disabled, is
            // `NEVER`: no time reaches it).
            let now = clock::now();
            self.timers(now);
            if self.exit_at <= now {
                break 'exit Said::ExitDelay;
            }
            return false;
        };
        say_bare(&mut self.host.log, why, None);
        true
    }

    /// Reads what poll found at entry `i` of the poll set; true if the daemon must exit.
    /// Not inlined, as [`Self::turn`].
    #[inline(never)]
    fn serve(&mut self, i: usize, now: Instant, reload: &mut bool) -> bool {
        let recv_buf = &mut *self.recv_buf;
        match i {
            SIGNALS => {
                let set = self.signals.take_with(recv_buf);
                if !set.term {
                    if set.chld {
                        process::reap_children();
                    }
                    *reload |= set.hup;
                }
                set.term
            }
            MROUTE_V4 | MROUTE_V6 => {
                let family = if i == MROUTE_V4 {
                    Family::V4
                } else {
                    Family::V6
                };
                self.upcalls(family, now);
                false
            }
            NETLINK => {
                let changed = match &self.events {
                    Some(fd) => ifevent::drain_into(fd, recv_buf).unwrap_or(true),
                    None => true,
                };
                if changed {
                    rescan(self.router, self.host, self.bufs);
                    self.router.activate_pending(self.host);
                }
                false
            }
            LISTENER => {
                if let Some(fd) = &self.listener {
                    self.clients.accept(self.host, fd, now);
                }
                false
            }
            _ if i < MRDISCS => {
                let d = self
                    .clients
                    .readable(i - CLIENTS, self.router, self.host, now);
                *reload |= d.reload;
                d.kill
            }
            _ => {
                self.host.mrdisc_readable(i - MRDISCS, recv_buf);
                false
            }
        }
    }

    /// Handles the upcalls waiting on the routing socket of `family`.
    fn upcalls(&mut self, family: Family, now: Instant) {
        let buf = &mut *self.recv_buf;
        // Bounded: a flood of packets cannot starve the other sources.
        for _ in 0..256 {
            let Ok(fd) = self.host.kernel.fd(family) else {
                break;
            };
            let n = match mroute::recv_datagram(fd, family, buf) {
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(_) => break,
            };
            // Decoded and borrowed where it is handled: an upcall holds two `Addr`s,
            // whose moves are byte-wise copies.
            let data = buf.get(..n).unwrap_or(&[]);
            if let Some(up) = &crate::wire::upcall::decode(family, data) {
                self.router.upcall(self.host, now, up);
            }
        }
    }

    fn timers(&mut self, now: Instant) {
        if self.next_expire <= now {
            self.router.expire(self.host, now);
            self.next_expire = plus_secs(now, self.opts.cache_timeout);
        }
        if self.next_mrdisc <= now {
            self.host.mrdisc_announce_all();
            self.next_mrdisc = plus_secs(now, self.opts.mrdisc_interval);
        }
        self.clients.reap_idle(self.host, now);
    }

    /// SIGHUP / `smcroutectl reload`, in the order of spec §5.7. In line in `turn` on
    /// x86_64, its one caller (-28 B .text, r22c); a call elsewhere.
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    fn reload(&mut self) {
        crate::fmt::text(self.host, Level::Notice, RELOADING);
        if let Some(n) = &self.notify {
            n.reloading(RELOADING_MESSAGE);
        }
        let path = self.opts.conf.as_str();
        // A conf that vanished or cannot be read keeps the running configuration.
        let errors = match load::probe(path) {
            Err(e) => {
                let keep = Said::Keeping.number();
                conf_failed(&mut self.host.log, Level::Err, e, path, keep);
                1
            }
            Ok(()) => {
                self.router.reload_begin(self.host);
                rescan(self.router, self.host, self.bufs);
                let loaded = load_conf(self.router, self.host, self.bufs, path, Level::Notice);
                self.router.reload_end(self.host);
                match loaded {
                    Ok(errors) => errors,
                    Err(LoadError::Missing) => 0,
                    Err(LoadError::Unreadable(_)) => 1,
                }
            }
        };
        let _ = fs::touch(self.opts.pid_file.as_str());
        if let Some(n) = &self.notify {
            n.ready(READY_MESSAGE);
        }
        crate::fmt::text(self.host, Level::Notice, READY);
        if errors == 0 {
            self.host.run_script("reload", None);
        }
    }

    /// Graceful exit: leave groups, `MRT_DONE`, remove the socket and PID file.
    fn shutdown(&mut self) {
        if let Some(n) = &self.notify {
            n.stopping();
        }
        self.router.shutdown(self.host);
        let _ = self.host.kernel.shutdown(Family::V4);
        let _ = self.host.kernel.shutdown(Family::V6);
        if self.listener.is_some() {
            // The listener closes with the process, as the loop's other descriptors do
            // (no drop code here). A path that was bound is a valid file name: the PID
            // file's unlink serves.
            let _ = fs::unlink(self.opts.socket.as_str());
        }
        let _ = fs::unlink(self.opts.pid_file.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_timers_never_fire_nor_come_first() {
        let t = Instant(5_000);
        assert_eq!(after(t, 0), NEVER);
        assert_eq!(after(t, 2), Instant(7_000));
        assert_eq!(sooner(t, NEVER), t);
        assert_eq!(sooner(NEVER, t), t);
        assert_eq!(sooner(t, Instant(4_000)), Instant(4_000));
        assert!(NEVER > plus_secs(Instant(u64::MAX / 2), u32::MAX));
    }
}
