//! libc calls whose static musl wrappers link much more than the call (and whose glibc
//! imports cost more than the call, see "cancellation points"): on Linux they are made
//! here as the raw system call (`syscall!`: the `syscall` instruction in line on
//! x86_64 with glibc, libc's `syscall` elsewhere); on FreeBSD they stay the libc
//! functions.
//!
//! Each function has the libc arguments and returns the libc result as `Result` (the
//! value, or the error: on x86_64 with glibc the kernel's own `-errno`, with no `errno`
//! set or read; elsewhere `errno`), one shape on every target, so a call site swaps
//! `ret(libc::name(..))` for `call::name(..)`; its `// SAFETY:` comment still holds.
//! Arguments are widened to `c_long` (or passed as pointers) because `syscall` reads
//! `long`s. The raw wrappers are in line on x86_64, where the call and the `Result`
//! unpacking at each site cost more than the instruction and its test (and, on x86_64
//! musl, libc's `syscall` and its test: -224 B on the static bench build).
//!
//! What musl's wrapper does beyond the system call, and why we do not need it, is noted
//! on each function. Measured on a static mipsel build; see the commit messages.

#[cfg(target_os = "linux")]
use libc::c_long;

use crate::errno::Errno;

/// `fork()` as `clone(SIGCHLD, 0, 0, 0, 0)` (aarch64 has no `SYS_fork`; the unused
/// arguments are zero in every architecture's argument order).
///
/// musl's `fork` (~3 KB static: atfork handlers, the thread-list and libc locks, rwlocks
/// and their timed waits) exists to make the child of a multi-threaded process usable.
/// Our processes have one thread whenever they fork. What the raw call leaves behind is
/// libc's cached thread id, which in the child is still the parent's; it is read only by
/// calls that signal or lock by thread id (`raise`, `abort`, `pthread_kill`, recursive
/// or robust mutexes, stdio locks), none of which the programs use: the script child
/// only changes a signal action and `execve`s or `_exit`s, and the daemon child of
/// `daemonize` uses plain system calls, `malloc`-free libc and panics by trapping.
/// `getpid` is a real system call in musl and glibc (no cached pid).
///
/// On glibc too (-40 B on x86_64: an import less). glibc's `fork` also resets state of
/// its own in the child: its locks (malloc's arenas, the environment's, stdio's list)
/// and the single-threaded flag, for a child of a multi-threaded process, where another
/// thread may hold a lock. In ours no other thread exists to hold one, and the flag is
/// already set; the script child's `unsetenv`/`putenv` take plain (not owner-checked)
/// locks and may call `malloc`, whose state is consistent for the same reason.
///
/// # Safety
/// As `fork(2)` in a single-threaded process: the child must not rely on libc's cached
/// thread id (see above).
#[cfg(target_os = "linux")]
pub unsafe fn fork() -> Result<libc::pid_t, Errno> {
    let flags = libc::SIGCHLD as c_long;
    // SAFETY: a clone without CLONE_VM, stack, TLS or tid pointers is a plain fork: the
    // child runs on its own copy of this stack and returns 0 from here. The caller
    // upholds the conditions above.
    let rc = unsafe {
        syscall!(
            libc::SYS_clone,
            flags,
            0 as c_long,
            0 as c_long,
            0 as c_long,
            0 as c_long,
        )
    };
    rc.map(|n| n as libc::pid_t)
}

/// `fork()` (FreeBSD).
///
/// # Safety
/// As `fork(2)`.
#[cfg(not(target_os = "linux"))]
pub unsafe fn fork() -> Result<libc::pid_t, Errno> {
    // SAFETY: the caller upholds `fork`'s contract.
    super::ret(unsafe { libc::fork() })
}

/// `_exit(code)` as the raw `exit_group`, which is all glibc's and musl's `_exit` do: no
/// atexit handlers, no stdio flushing.
#[cfg(target_os = "linux")]
pub fn exit_now(code: libc::c_int) -> ! {
    // SAFETY: integer argument only; the call ends every thread of the process.
    unsafe { syscall_raw!(libc::SYS_exit_group, code as c_long) };
    // `exit_group` does not return; a loop keeps the type `!` without `unsafe`.
    #[allow(clippy::empty_loop)]
    loop {}
}

/// `_exit(code)`.
#[cfg(not(target_os = "linux"))]
pub fn exit_now(code: libc::c_int) -> ! {
    // SAFETY: `_exit` never returns and has no preconditions.
    unsafe { libc::_exit(code) }
}

// ===== ioctl and the terminal =====

/// `ioctl(fd, request, arg)`.
///
/// musl's rewrites the argument of a few requests that carry a `time_t` on 32-bit ABIs
/// (`convert_ioctl_struct`, ~800 B static); ours carry none (`SIOCGETSGCNT*`,
/// `TCGETS`/`TCSETS`, `TIOCGWINSZ`).
///
/// # Safety
/// `arg` is what `request` reads or writes, live for the call.
#[cfg(target_os = "linux")]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub unsafe fn ioctl(
    fd: libc::c_int,
    request: libc::c_ulong,
    arg: *mut libc::c_void,
) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `arg`; the kernel sees the same arguments as
    // through `ioctl(2)`.
    let rc = unsafe { syscall!(libc::SYS_ioctl, fd as c_long, request as c_long, arg) };
    rc.map(|n| n as libc::c_int)
}

/// `ioctl(fd, request, arg)`.
///
/// # Safety
/// `arg` is what `request` reads or writes, live for the call.
#[cfg(not(target_os = "linux"))]
pub unsafe fn ioctl(
    fd: libc::c_int,
    request: libc::c_ulong,
    arg: *mut libc::c_void,
) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `arg`.
    super::ret(unsafe { libc::ioctl(fd, request as _, arg) })
}

/// `tcgetattr(fd, termios)`: on Linux the `TCGETS` ioctl it is in musl.
///
/// The kernel's `struct termios` is a prefix of libc's (the same four flag words, then
/// `c_line` and fewer `c_cc`, asserted below), so the kernel fills the start and the
/// rest keeps what the caller put there; [`tcsetattr_now`] hands the kernel the same
/// prefix back.
///
/// # Safety
/// `termios` is valid for writes of one `libc::termios`.
#[cfg(target_os = "linux")]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub unsafe fn tcgetattr(
    fd: libc::c_int,
    termios: *mut libc::termios,
) -> Result<libc::c_int, Errno> {
    // SAFETY: `TCGETS` writes a kernel `termios`, no larger than the caller's.
    unsafe { ioctl(fd, libc::TCGETS as libc::c_ulong, termios.cast()) }
}

/// `tcsetattr(fd, TCSANOW, termios)`: on Linux the `TCSETS` ioctl it is in musl.
///
/// # Safety
/// `termios` points to a live `libc::termios`.
#[cfg(target_os = "linux")]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub unsafe fn tcsetattr_now(
    fd: libc::c_int,
    termios: *const libc::termios,
) -> Result<libc::c_int, Errno> {
    // SAFETY: `TCSETS` only reads a kernel `termios`, a prefix of the caller's.
    unsafe { ioctl(fd, libc::TCSETS as libc::c_ulong, termios.cast_mut().cast()) }
}

/// `tcgetattr(fd, termios)`.
///
/// # Safety
/// `termios` is valid for writes of one `libc::termios`.
#[cfg(not(target_os = "linux"))]
pub unsafe fn tcgetattr(
    fd: libc::c_int,
    termios: *mut libc::termios,
) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `termios`.
    super::ret(unsafe { libc::tcgetattr(fd, termios) })
}

/// `tcsetattr(fd, TCSANOW, termios)`.
///
/// # Safety
/// `termios` points to a live `libc::termios`.
#[cfg(not(target_os = "linux"))]
pub unsafe fn tcsetattr_now(
    fd: libc::c_int,
    termios: *const libc::termios,
) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `termios`.
    super::ret(unsafe { libc::tcsetattr(fd, libc::TCSANOW, termios) })
}

/// The kernel's `struct termios` (`TCGETS`): `c_iflag`, `c_oflag`, `c_cflag`, `c_lflag`,
/// `c_line`, then `NCCS` control characters: 19 on most ABIs, 23 on MIPS (powerpc puts
/// `c_cc` before `c_line`, within the same bytes). libc's must start the same way and
/// be at least as long.
#[cfg(target_os = "linux")]
mod termios_layout {
    use core::mem::{offset_of, size_of};
    use static_assertions::const_assert;
    use static_assertions::const_assert_eq;
    const_assert_eq!(offset_of!(libc::termios, c_iflag), 0);
    const_assert_eq!(offset_of!(libc::termios, c_oflag), 4);
    const_assert_eq!(offset_of!(libc::termios, c_cflag), 8);
    const_assert_eq!(offset_of!(libc::termios, c_lflag), 12);
    const_assert!(offset_of!(libc::termios, c_cc) <= 17);
    const_assert!(size_of::<libc::termios>() >= 4 * 4 + 1 + 23);
}

// ===== sleeping =====

/// `nanosleep` for `secs` seconds and `nanos` nanoseconds; with `resume`, sleeps on
/// after an interrupting signal until the whole time has passed.
///
/// Linux: the raw `nanosleep`, whose `timespec` is two `long`s on every ABI. musl's
/// `nanosleep`/`sleep` go through `clock_nanosleep` and its `clock_nanosleep_time64`
/// fallback (~700 B static) and end up in the same 32-bit call for short sleeps.
#[cfg(target_os = "linux")]
// Left to the inliner: `inline(always)` on x86_64 once saved 14 B, now it costs 28 B
// of .text (r22c).
pub fn nanosleep(secs: u32, nanos: u32, resume: bool) {
    // A 32-bit `long` holds 68 years; longer sleeps are cut to that.
    let secs = secs.min(i32::MAX as u32) as c_long;
    let mut ts: [c_long; 2] = [secs, nanos as c_long];
    let ts_ptr: *mut [c_long; 2] = &mut ts;
    loop {
        // SAFETY: `ts_ptr` points to a live kernel `timespec`, read as the request and
        // overwritten with the time left when interrupted (one buffer for both is
        // allowed).
        let rc = unsafe { syscall!(libc::SYS_nanosleep, ts_ptr, ts_ptr) };
        if !(resume && rc == Err(Errno::EINTR)) {
            return;
        }
    }
}

/// `nanosleep` for `secs` seconds and `nanos` nanoseconds; with `resume`, sleeps on
/// after an interrupting signal until the whole time has passed.
#[cfg(not(target_os = "linux"))]
pub fn nanosleep(secs: u32, nanos: u32, resume: bool) {
    let mut ts = libc::timespec {
        tv_sec: secs as libc::time_t,
        tv_nsec: nanos as libc::c_long,
    };
    let ts_ptr: *mut libc::timespec = &mut ts;
    loop {
        // SAFETY: `ts_ptr` points to a live `timespec`, the request and the time left.
        let rc = super::ret(unsafe { libc::nanosleep(ts_ptr, ts_ptr) });
        if !(resume && rc == Err(Errno::EINTR)) {
            return;
        }
    }
}

// ===== files and limits =====

/// `utimensat(AT_FDCWD, path, NULL, 0)`: access and modification times to now.
///
/// # Safety
/// `path` is a NUL-terminated string, live for the call.
#[cfg(not(target_os = "linux"))]
pub unsafe fn utimensat_now(path: *const libc::c_char) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `path`; a null `times` means "now".
    super::ret(unsafe { libc::utimensat(libc::AT_FDCWD, path, core::ptr::null(), 0) })
}

// ===== sockets and pipes =====

/// `socket(domain, ty, protocol)`.
///
/// musl's retries without `SOCK_CLOEXEC`/`SOCK_NONBLOCK` and sets them with `fcntl` for
/// kernels before 2.6.27, which lack the MRT_TABLE, VIFF_USE_IFINDEX and rtnetlink
/// features the daemon needs anyway.
#[cfg(target_os = "linux")]
pub fn socket(
    domain: libc::c_int,
    ty: libc::c_int,
    protocol: libc::c_int,
) -> Result<libc::c_int, Errno> {
    let (domain, ty, protocol) = (domain as c_long, ty as c_long, protocol as c_long);
    // SAFETY: integer arguments only; the caller owns the returned descriptor.
    let rc = unsafe { syscall!(libc::SYS_socket, domain, ty, protocol) };
    rc.map(|n| n as libc::c_int)
}

/// `socket(domain, ty, protocol)`.
#[cfg(not(target_os = "linux"))]
pub fn socket(
    domain: libc::c_int,
    ty: libc::c_int,
    protocol: libc::c_int,
) -> Result<libc::c_int, Errno> {
    // SAFETY: integer arguments only; the caller owns the returned descriptor.
    super::ret(unsafe { libc::socket(domain, ty, protocol) })
}

/// `setsockopt(fd, level, name, value, len)`.
///
/// musl's converts `SO_RCVTIMEO`/`SO_SNDTIMEO`/`SO_TIMESTAMP*` between `time_t` widths
/// for 32-bit ABIs built with a 64-bit `time_t` (~450 B static). The `libc` crate gives
/// `timeval` and `SO_SNDTIMEO` as a matching kernel pair (the `long` one with
/// `SO_SNDTIMEO_OLD` while its `time_t` is `long`, the 64-bit one with `_NEW`
/// otherwise), so no conversion is due.
///
/// Only on static musl: on glibc the fault tests interpose it with `LD_PRELOAD`
/// (`tests/tools/shim/fail_mfc.c`), which a raw system call would bypass.
///
/// # Safety
/// `value` is valid for reads of `len` bytes.
#[cfg(all(target_os = "linux", target_env = "musl"))]
pub unsafe fn setsockopt(
    fd: libc::c_int,
    level: libc::c_int,
    name: libc::c_int,
    value: *const libc::c_void,
    len: libc::socklen_t,
) -> Result<libc::c_int, Errno> {
    let (fd, level, name, len) = (fd as c_long, level as c_long, name as c_long, len as c_long);
    // SAFETY: the caller vouches for `value` and `len`.
    let rc = unsafe { syscall!(libc::SYS_setsockopt, fd, level, name, value, len) };
    rc.map(|n| n as libc::c_int)
}

/// `setsockopt(fd, level, name, value, len)`.
///
/// # Safety
/// `value` is valid for reads of `len` bytes.
#[cfg(not(all(target_os = "linux", target_env = "musl")))]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub unsafe fn setsockopt(
    fd: libc::c_int,
    level: libc::c_int,
    name: libc::c_int,
    value: *const libc::c_void,
    len: libc::socklen_t,
) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `value` and `len`.
    super::ret(unsafe { libc::setsockopt(fd, level, name, value, len) })
}

/// `accept4(fd, NULL, NULL, flags)`.
///
/// musl's falls back to `accept` and `fcntl` on kernels without `accept4` (before
/// 2.6.28); every kernel the daemon runs on has it.
#[cfg(target_os = "linux")]
pub fn accept4(fd: libc::c_int, flags: libc::c_int) -> Result<libc::c_int, Errno> {
    let no_addr: *mut libc::sockaddr = core::ptr::null_mut();
    let no_len: *mut libc::socklen_t = core::ptr::null_mut();
    // SAFETY: null address pointers are allowed (peer address not wanted); the caller
    // owns the returned descriptor.
    let rc = unsafe {
        syscall!(
            libc::SYS_accept4,
            fd as c_long,
            no_addr,
            no_len,
            flags as c_long,
        )
    };
    rc.map(|n| n as libc::c_int)
}

/// `accept4(fd, NULL, NULL, flags)`.
#[cfg(not(target_os = "linux"))]
pub fn accept4(fd: libc::c_int, flags: libc::c_int) -> Result<libc::c_int, Errno> {
    // SAFETY: null address pointers are allowed (peer address not wanted).
    super::ret(unsafe { libc::accept4(fd, core::ptr::null_mut(), core::ptr::null_mut(), flags) })
}

/// `pipe2(fds, flags)`.
///
/// musl's falls back to `pipe` and `fcntl` on kernels before 2.6.27. `pipe2` writes
/// the descriptors to `fds` on every ABI (the plain `pipe` of MIPS returns them in
/// registers instead, which is why it is not used here).
#[cfg(target_os = "linux")]
pub fn pipe2(fds: &mut [libc::c_int; 2], flags: libc::c_int) -> Result<libc::c_int, Errno> {
    let fds: *mut [libc::c_int; 2] = fds;
    // SAFETY: `fds` points to two live, writable `int`s, which the call fills.
    let rc = unsafe { syscall!(libc::SYS_pipe2, fds, flags as c_long) };
    rc.map(|n| n as libc::c_int)
}

/// `pipe2(fds, flags)`.
#[cfg(not(target_os = "linux"))]
pub fn pipe2(fds: &mut [libc::c_int; 2], flags: libc::c_int) -> Result<libc::c_int, Errno> {
    // SAFETY: `fds` is two live, writable `int`s, which the call fills.
    super::ret(unsafe { libc::pipe2(fds.as_mut_ptr(), flags) })
}

/// `fchmod(fd, mode)`.
///
/// musl's retries through `/proc/self/fd/N` when the descriptor was opened `O_PATH`
/// (`__procfdname`, ~430 B static); ours come from a plain `open`.
#[cfg(target_os = "linux")]
pub fn fchmod(fd: libc::c_int, mode: libc::mode_t) -> Result<libc::c_int, Errno> {
    // SAFETY: integer arguments only.
    let rc = unsafe { syscall!(libc::SYS_fchmod, fd as c_long, mode as c_long) };
    rc.map(|n| n as libc::c_int)
}

/// `fchmod(fd, mode)`.
#[cfg(not(target_os = "linux"))]
pub fn fchmod(fd: libc::c_int, mode: libc::mode_t) -> Result<libc::c_int, Errno> {
    // SAFETY: integer arguments only.
    super::ret(unsafe { libc::fchmod(fd, mode) })
}

// ===== cancellation points and plain wrappers =====
//
// musl makes `open`, `close`, `read`, `write`, `poll`, `connect`, `sendto`, `recvfrom`
// and `waitpid` thread-cancellation points: they enter the kernel through
// `__syscall_cp`, which checks for a pending `pthread_cancel` around the call
// (`__syscall_cp_c`, `sccp`, ~300 B static with their wrappers). Our programs have one
// thread and never cancel it, so the plain system call behaves the same. Once no call
// site uses a cancellation point the whole machinery drops out of the link.
//
// On glibc, linked dynamically, each imported function costs the program ~70 B of
// dynamic-linking tables (its `.dynsym` entry, name, version, GOT slot and relocation)
// while one `syscall` serves every call: the raw calls took 17 imports out, -944 B on
// x86_64 (and on x86_64 our own `syscall!` took out `syscall` itself, see `sys::raw`).
// glibc's wrappers are the same system calls (its cancellation points too).
// FreeBSD keeps its libc.

/// Which targets make the calls below as raw system calls.
macro_rules! raw_linux {
    ($($item:item)*) => {
        $(
            #[cfg(target_os = "linux")]
            #[cfg_attr(target_arch = "x86_64", inline(always))]
            $item
        )*
    };
}
/// Which targets call libc for them.
macro_rules! via_libc {
    ($($item:item)*) => { $( #[cfg(not(target_os = "linux"))] $item )* };
}

raw_linux! {
    /// `open(path, flags, mode)` as `openat(AT_FDCWD, path, flags | O_LARGEFILE, mode)`
    /// (aarch64 has no `SYS_open`), the call musl's `open` makes. musl's also sets
    /// `FD_CLOEXEC` again with `fcntl` for kernels before 2.6.23 that ignore `O_CLOEXEC`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn open(
        path: *const libc::c_char,
        flags: libc::c_int,
        mode: libc::mode_t,
    ) -> Result<libc::c_int, Errno> {
        let dirfd = libc::AT_FDCWD as c_long;
        let flags = (flags | libc::O_LARGEFILE) as c_long;
        // SAFETY: the caller vouches for `path`; the other arguments are integers.
        let rc = unsafe { syscall!(libc::SYS_openat, dirfd, path, flags, mode as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `close(fd)`. (musl's also maps `EINTR` to success; no caller looks at either.)
    pub fn close(fd: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: integer argument only; the caller gives up the descriptor.
        let rc = unsafe { syscall!(libc::SYS_close, fd as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `read(fd, buf, len)`.
    ///
    /// # Safety
    /// `buf` is valid for writes of `len` bytes.
    pub unsafe fn read(fd: libc::c_int, buf: *mut libc::c_void, len: usize) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for `buf` and `len`.
        let rc = unsafe { syscall!(libc::SYS_read, fd as c_long, buf, len) };
        rc.map(|n| n as usize)
    }

    /// `write(fd, buf, len)`. Async-signal-safe, like the system call.
    ///
    /// # Safety
    /// `buf` is valid for reads of `len` bytes.
    pub unsafe fn write(fd: libc::c_int, buf: *const libc::c_void, len: usize) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for `buf` and `len`.
        let rc = unsafe { syscall!(libc::SYS_write, fd as c_long, buf, len) };
        rc.map(|n| n as usize)
    }

    /// `connect(fd, addr, len)`.
    ///
    /// # Safety
    /// `addr` is valid for reads of `len` bytes.
    pub unsafe fn connect(
        fd: libc::c_int,
        addr: *const libc::sockaddr,
        len: libc::socklen_t,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `addr` and `len`.
        let rc = unsafe { syscall!(libc::SYS_connect, fd as c_long, addr, len as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `sendto(fd, buf, len, flags, addr, addr_len)`.
    ///
    /// # Safety
    /// `buf` is valid for reads of `len` bytes, `addr` of `addr_len` bytes (or null with
    /// 0).
    pub unsafe fn sendto(
        fd: libc::c_int,
        buf: *const libc::c_void,
        len: usize,
        flags: libc::c_int,
        addr: *const libc::sockaddr,
        addr_len: libc::socklen_t,
    ) -> Result<usize, Errno> {
        let (fd, flags, addr_len) = (fd as c_long, flags as c_long, addr_len as c_long);
        // SAFETY: the caller vouches for the buffers and their lengths.
        let rc = unsafe { syscall!(libc::SYS_sendto, fd, buf, len, flags, addr, addr_len) };
        rc.map(|n| n as usize)
    }

    /// `recv(fd, buf, len, flags)` as `recvfrom` without a peer address (aarch64 and
    /// x86_64 have no `SYS_recv`), as musl's `recv` does.
    ///
    /// # Safety
    /// `buf` is valid for writes of `len` bytes.
    pub unsafe fn recv(
        fd: libc::c_int,
        buf: *mut libc::c_void,
        len: usize,
        flags: libc::c_int,
    ) -> Result<usize, Errno> {
        let (fd, flags) = (fd as c_long, flags as c_long);
        let no_addr: *mut libc::sockaddr = core::ptr::null_mut();
        let no_len: *mut libc::socklen_t = core::ptr::null_mut();
        // SAFETY: the caller vouches for `buf` and `len`; no peer address is wanted.
        let rc =
            unsafe { syscall!(libc::SYS_recvfrom, fd, buf, len, flags, no_addr, no_len) };
        rc.map(|n| n as usize)
    }

    /// `waitpid(pid, status, options)` as `wait4(pid, status, options, NULL)`, as musl's
    /// does (aarch64 and x86_64 have no `SYS_waitpid`).
    ///
    /// # Safety
    /// `status` is valid for writes of one `int`.
    pub unsafe fn waitpid(
        pid: libc::pid_t,
        status: *mut libc::c_int,
        options: libc::c_int,
    ) -> Result<libc::pid_t, Errno> {
        let no_usage: *mut libc::rusage = core::ptr::null_mut();
        // SAFETY: the caller vouches for `status`; no resource usage is wanted.
        let rc = unsafe {
            syscall!(
                libc::SYS_wait4,
                pid as c_long,
                status,
                options as c_long,
                no_usage,
            )
        };
        rc.map(|n| n as libc::pid_t)
    }

    /// `lseek(fd, 0, SEEK_SET)`: back to the start (musl's `lseek` goes through
    /// `_llseek` on 32-bit ABIs for 64-bit offsets; offset 0 needs none).
    pub fn rewind(fd: libc::c_int) -> Result<libc::c_int, Errno> {
        let start = libc::SEEK_SET as c_long;
        // SAFETY: integer arguments only.
        let rc = unsafe { syscall!(libc::SYS_lseek, fd as c_long, 0 as c_long, start) };
        rc.map(|n| n as libc::c_int)
    }

    /// `prctl(option, arg, 0, 0, 0)` for options with integer arguments. (musl's is the
    /// same call through a variadic wrapper.)
    pub fn prctl(option: libc::c_int, arg: libc::c_ulong) -> Result<libc::c_int, Errno> {
        let (option, arg, zero) = (option as c_long, arg as c_long, 0 as c_long);
        // SAFETY: the options used here take integer arguments only.
        let rc = unsafe { syscall!(libc::SYS_prctl, option, arg, zero, zero, zero) };
        rc.map(|n| n as libc::c_int)
    }
}

/// `poll(fds, nfds, timeout_ms)`.
///
/// # Safety
/// `fds` is valid for reads and writes of `nfds` entries.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "mips", target_arch = "arm", target_arch = "x86_64")
))]
pub unsafe fn poll(
    fds: *mut libc::pollfd,
    nfds: libc::nfds_t,
    timeout_ms: libc::c_int,
) -> Result<libc::c_int, Errno> {
    // SAFETY: the caller vouches for `fds` and `nfds`.
    let rc = unsafe { syscall!(libc::SYS_poll, fds, nfds as c_long, timeout_ms as c_long) };
    rc.map(|n| n as libc::c_int)
}

/// `poll(fds, nfds, timeout_ms)` as `ppoll` (aarch64 has no `SYS_poll`), as musl's
/// does there: a negative timeout is none (wait forever), no signal mask.
///
/// # Safety
/// `fds` is valid for reads and writes of `nfds` entries.
#[cfg(all(
    target_os = "linux",
    not(any(target_arch = "mips", target_arch = "arm", target_arch = "x86_64"))
))]
pub unsafe fn poll(
    fds: *mut libc::pollfd,
    nfds: libc::nfds_t,
    timeout_ms: libc::c_int,
) -> Result<libc::c_int, Errno> {
    let ts: [c_long; 2] = [
        (timeout_ms / 1000) as c_long,
        (timeout_ms % 1000) as c_long * 1_000_000,
    ];
    let ts_ptr: *const [c_long; 2] = if timeout_ms < 0 {
        core::ptr::null()
    } else {
        &ts
    };
    let no_mask: *const libc::sigset_t = core::ptr::null();
    // SAFETY: the caller vouches for `fds` and `nfds`; `ts_ptr` is null or points to a
    // live kernel `timespec` (two `long`s on 64-bit ABIs); no signal mask.
    let rc = unsafe {
        syscall!(
            libc::SYS_ppoll,
            fds,
            nfds as c_long,
            ts_ptr,
            no_mask,
            8 as c_long,
        )
    };
    rc.map(|n| n as libc::c_int)
}

via_libc! {
    /// `open(path, flags, mode)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn open(
        path: *const libc::c_char,
        flags: libc::c_int,
        mode: libc::mode_t,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        super::ret(unsafe { libc::open(path, flags, libc::c_uint::from(mode)) })
    }

    /// `close(fd)`.
    pub fn close(fd: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: integer argument only; the caller gives up the descriptor.
        super::ret(unsafe { libc::close(fd) })
    }

    /// `read(fd, buf, len)`.
    ///
    /// # Safety
    /// `buf` is valid for writes of `len` bytes.
    pub unsafe fn read(fd: libc::c_int, buf: *mut libc::c_void, len: usize) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for `buf` and `len`.
        super::ret_len(unsafe { libc::read(fd, buf, len) })
    }

    /// `write(fd, buf, len)`. Async-signal-safe.
    ///
    /// # Safety
    /// `buf` is valid for reads of `len` bytes.
    pub unsafe fn write(fd: libc::c_int, buf: *const libc::c_void, len: usize) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for `buf` and `len`.
        super::ret_len(unsafe { libc::write(fd, buf, len) })
    }

    /// `connect(fd, addr, len)`.
    ///
    /// # Safety
    /// `addr` is valid for reads of `len` bytes.
    pub unsafe fn connect(
        fd: libc::c_int,
        addr: *const libc::sockaddr,
        len: libc::socklen_t,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `addr` and `len`.
        super::ret(unsafe { libc::connect(fd, addr, len) })
    }

    /// `sendto(fd, buf, len, flags, addr, addr_len)`.
    ///
    /// # Safety
    /// `buf` is valid for reads of `len` bytes, `addr` of `addr_len` bytes (or null with
    /// 0).
    pub unsafe fn sendto(
        fd: libc::c_int,
        buf: *const libc::c_void,
        len: usize,
        flags: libc::c_int,
        addr: *const libc::sockaddr,
        addr_len: libc::socklen_t,
    ) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for the buffers and their lengths.
        super::ret_len(unsafe { libc::sendto(fd, buf, len, flags, addr, addr_len) })
    }

    /// `recv(fd, buf, len, flags)`.
    ///
    /// # Safety
    /// `buf` is valid for writes of `len` bytes.
    pub unsafe fn recv(
        fd: libc::c_int,
        buf: *mut libc::c_void,
        len: usize,
        flags: libc::c_int,
    ) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for `buf` and `len`.
        super::ret_len(unsafe { libc::recv(fd, buf, len, flags) })
    }

    /// `waitpid(pid, status, options)`.
    ///
    /// # Safety
    /// `status` is valid for writes of one `int`.
    pub unsafe fn waitpid(
        pid: libc::pid_t,
        status: *mut libc::c_int,
        options: libc::c_int,
    ) -> Result<libc::pid_t, Errno> {
        // SAFETY: the caller vouches for `status`.
        super::ret(unsafe { libc::waitpid(pid, status, options) })
    }

    /// `lseek(fd, 0, SEEK_SET)`: back to the start.
    pub fn rewind(fd: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: integer arguments only.
        let rc = unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
        super::ret(rc as libc::c_int)
    }

    /// `poll(fds, nfds, timeout_ms)`.
    ///
    /// # Safety
    /// `fds` is valid for reads and writes of `nfds` entries.
    pub unsafe fn poll(
        fds: *mut libc::pollfd,
        nfds: libc::nfds_t,
        timeout_ms: libc::c_int,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `fds` and `nfds`.
        super::ret(unsafe { libc::poll(fds, nfds, timeout_ms) })
    }
}

// ===== plain wrappers =====
//
// Each of these musl (or zig's libc) wrappers is only the system call and `errno`, yet
// 60-100 B apiece static (and ~70 B of import tables each on glibc, see above); `syscall` does the same for all. Calls on paths use the `*at`
// forms with `AT_FDCWD` (aarch64 has only those), as musl does there; uids are 32-bit in
// `fchownat` on every ABI (ARM's plain `chown` is the 16-bit one).

raw_linux! {
    /// `access(path, mode)` as `faccessat(AT_FDCWD, path, mode)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn access(path: *const libc::c_char, mode: libc::c_int) -> Result<libc::c_int, Errno> {
        let dirfd = libc::AT_FDCWD as c_long;
        // SAFETY: the caller vouches for `path`.
        let rc = unsafe { syscall!(libc::SYS_faccessat, dirfd, path, mode as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `readlink(path, buf, len)` as `readlinkat(AT_FDCWD, ...)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, `buf` valid for writes of `len` (> 0) bytes.
    pub unsafe fn readlink(
        path: *const libc::c_char,
        buf: *mut libc::c_char,
        len: usize,
    ) -> Result<usize, Errno> {
        let dirfd = libc::AT_FDCWD as c_long;
        // SAFETY: the caller vouches for `path`, `buf` and `len`.
        let rc = unsafe { syscall!(libc::SYS_readlinkat, dirfd, path, buf, len) };
        rc.map(|n| n as usize)
    }

    /// `unlink(path)` as `unlinkat(AT_FDCWD, path, 0)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn unlink(path: *const libc::c_char) -> Result<libc::c_int, Errno> {
        let dirfd = libc::AT_FDCWD as c_long;
        // SAFETY: the caller vouches for `path`.
        let rc = unsafe { syscall!(libc::SYS_unlinkat, dirfd, path, 0 as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `rename(from, to)` as `renameat(AT_FDCWD, from, AT_FDCWD, to)`.
    ///
    /// # Safety
    /// `from` and `to` are NUL-terminated strings, live for the call.
    pub unsafe fn rename(from: *const libc::c_char, to: *const libc::c_char) -> Result<libc::c_int, Errno> {
        let dirfd = libc::AT_FDCWD as c_long;
        // SAFETY: the caller vouches for both paths.
        let rc = unsafe { syscall!(libc::SYS_renameat, dirfd, from, dirfd, to) };
        rc.map(|n| n as libc::c_int)
    }

    /// `chmod(path, mode)` as `fchmodat(AT_FDCWD, path, mode)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn chmod(path: *const libc::c_char, mode: libc::mode_t) -> Result<libc::c_int, Errno> {
        let dirfd = libc::AT_FDCWD as c_long;
        // SAFETY: the caller vouches for `path`.
        let rc = unsafe { syscall!(libc::SYS_fchmodat, dirfd, path, mode as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `chdir(path)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn chdir(path: *const libc::c_char) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        let rc = unsafe { syscall!(libc::SYS_chdir, path) };
        rc.map(|n| n as libc::c_int)
    }

    /// `execve(path, argv, envp)`; returns only on failure.
    ///
    /// # Safety
    /// As `execve(2)`: NUL-terminated `path`, null-terminated arrays of NUL-terminated
    /// strings.
    pub unsafe fn execve(
        path: *const libc::c_char,
        argv: *const *const libc::c_char,
        envp: *const *const libc::c_char,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for the three pointers.
        let rc = unsafe { syscall!(libc::SYS_execve, path, argv, envp) };
        rc.map(|n| n as libc::c_int)
    }

    /// `bind(fd, addr, len)`.
    ///
    /// # Safety
    /// `addr` is valid for reads of `len` bytes.
    pub unsafe fn bind(
        fd: libc::c_int,
        addr: *const libc::sockaddr,
        len: libc::socklen_t,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `addr` and `len`.
        let rc = unsafe { syscall!(libc::SYS_bind, fd as c_long, addr, len as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `listen(fd, backlog)`.
    pub fn listen(fd: libc::c_int, backlog: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: integer arguments only.
        let rc = unsafe { syscall!(libc::SYS_listen, fd as c_long, backlog as c_long) };
        rc.map(|n| n as libc::c_int)
    }

    /// `setsid()`.
    pub fn setsid() -> Result<libc::pid_t, Errno> {
        // SAFETY: no arguments.
        let rc = unsafe { syscall!(libc::SYS_setsid) };
        rc.map(|n| n as libc::pid_t)
    }

    /// `getpid()` (never fails).
    pub fn getpid() -> libc::pid_t {
        // SAFETY: no arguments.
        let rc = unsafe { syscall_raw!(libc::SYS_getpid) };
        rc as libc::pid_t
    }
}

/// `geteuid()` (never fails): ARM's `SYS_geteuid` is the 16-bit call, `geteuid32` the
/// real one, as musl picks.
#[cfg(target_os = "linux")]
pub fn geteuid() -> libc::uid_t {
    #[cfg(target_arch = "arm")]
    const NR: c_long = libc::SYS_geteuid32;
    #[cfg(not(target_arch = "arm"))]
    const NR: c_long = libc::SYS_geteuid;
    // SAFETY: no arguments.
    let rc = unsafe { syscall_raw!(NR) };
    rc as libc::uid_t
}

/// `dup2(old, new)`: the system call where the ABI has it, else `dup3(old, new, 0)`,
/// which refuses `old == new`; `dup2` then just returns `new`, as musl's does (for an
/// open `old`, which is the only way it is called here).
#[cfg(target_os = "linux")]
pub fn dup2(old: libc::c_int, new: libc::c_int) -> Result<libc::c_int, Errno> {
    #[cfg(any(target_arch = "mips", target_arch = "arm", target_arch = "x86_64"))]
    // SAFETY: integer arguments only; the caller owns `new`, which is replaced.
    let rc = unsafe { syscall!(libc::SYS_dup2, old as c_long, new as c_long) };
    #[cfg(not(any(target_arch = "mips", target_arch = "arm", target_arch = "x86_64")))]
    let rc = if old == new {
        Ok(new as c_long)
    } else {
        // SAFETY: integer arguments only; the caller owns `new`, which is replaced.
        unsafe { syscall!(libc::SYS_dup3, old as c_long, new as c_long, 0 as c_long) }
    };
    rc.map(|n| n as libc::c_int)
}

via_libc! {
    /// `access(path, mode)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn access(path: *const libc::c_char, mode: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        super::ret(unsafe { libc::access(path, mode) })
    }

    /// `readlink(path, buf, len)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, `buf` valid for writes of `len` (> 0) bytes.
    pub unsafe fn readlink(
        path: *const libc::c_char,
        buf: *mut libc::c_char,
        len: usize,
    ) -> Result<usize, Errno> {
        // SAFETY: the caller vouches for `path`, `buf` and `len`.
        super::ret_len(unsafe { libc::readlink(path, buf, len) })
    }

    /// `unlink(path)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn unlink(path: *const libc::c_char) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        super::ret(unsafe { libc::unlink(path) })
    }

    /// `rename(from, to)`.
    ///
    /// # Safety
    /// `from` and `to` are NUL-terminated strings, live for the call.
    pub unsafe fn rename(from: *const libc::c_char, to: *const libc::c_char) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for both paths.
        super::ret(unsafe { libc::rename(from, to) })
    }

    /// `chmod(path, mode)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn chmod(path: *const libc::c_char, mode: libc::mode_t) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        super::ret(unsafe { libc::chmod(path, mode) })
    }

    /// `chown(path, uid, gid)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn chown(
        path: *const libc::c_char,
        uid: libc::uid_t,
        gid: libc::gid_t,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        super::ret(unsafe { libc::chown(path, uid, gid) })
    }

    /// `chdir(path)`.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string, live for the call.
    pub unsafe fn chdir(path: *const libc::c_char) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `path`.
        super::ret(unsafe { libc::chdir(path) })
    }

    /// `execve(path, argv, envp)`; returns only on failure.
    ///
    /// # Safety
    /// As `execve(2)`: NUL-terminated `path`, null-terminated arrays of NUL-terminated
    /// strings.
    pub unsafe fn execve(
        path: *const libc::c_char,
        argv: *const *const libc::c_char,
        envp: *const *const libc::c_char,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for the three pointers.
        super::ret(unsafe { libc::execve(path, argv, envp) })
    }

    /// `bind(fd, addr, len)`.
    ///
    /// # Safety
    /// `addr` is valid for reads of `len` bytes.
    pub unsafe fn bind(
        fd: libc::c_int,
        addr: *const libc::sockaddr,
        len: libc::socklen_t,
    ) -> Result<libc::c_int, Errno> {
        // SAFETY: the caller vouches for `addr` and `len`.
        super::ret(unsafe { libc::bind(fd, addr, len) })
    }

    /// `listen(fd, backlog)`.
    pub fn listen(fd: libc::c_int, backlog: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: integer arguments only.
        super::ret(unsafe { libc::listen(fd, backlog) })
    }

    /// `setsid()`.
    pub fn setsid() -> Result<libc::pid_t, Errno> {
        // SAFETY: no arguments.
        super::ret(unsafe { libc::setsid() })
    }

    /// `getpid()` (never fails).
    pub fn getpid() -> libc::pid_t {
        // SAFETY: no arguments.
        unsafe { libc::getpid() }
    }

    /// `geteuid()` (never fails).
    pub fn geteuid() -> libc::uid_t {
        // SAFETY: no arguments.
        unsafe { libc::geteuid() }
    }

    /// `dup2(old, new)`.
    pub fn dup2(old: libc::c_int, new: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: integer arguments only; the caller owns `new`, which is replaced.
        super::ret(unsafe { libc::dup2(old, new) })
    }
}

// ===== sigaction =====

/// `sigaction(sig, {handler, empty mask, flags}, NULL)` as the raw `rt_sigaction`.
///
/// musl's `sigaction` (with `signal`, `sigemptyset` and the lock of `abort`: ~1 KB
/// static) also unblocks its own thread-cancellation and timer signals the first time a
/// handler is installed, for threads and POSIX timers, which we do not use.
///
/// The kernel's `struct sigaction` is not libc's: see [`KernelSigaction`].
///
/// # Safety
/// `handler` is `SIG_DFL`, `SIG_IGN` or an async-signal-safe `extern "C" fn(c_int)`.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        all(
            target_env = "musl",
            any(target_arch = "aarch64", target_arch = "arm", target_arch = "mips")
        )
    )
))]
pub unsafe fn sigaction(
    sig: libc::c_int,
    handler: libc::sighandler_t,
    flags: libc::c_int,
) -> Result<libc::c_int, Errno> {
    let action = KernelSigaction::new(handler, flags);
    let action: *const KernelSigaction = &action;
    let old: *mut KernelSigaction = core::ptr::null_mut();
    // SAFETY: `action` points to a live kernel `struct sigaction` (layout asserted below)
    // that the kernel only reads, of the `sigset_t` size passed; no old action is
    // wanted (null). The caller vouches for the handler.
    let rc = unsafe {
        syscall!(
            libc::SYS_rt_sigaction,
            sig as c_long,
            action,
            old,
            SIGSET_BYTES as c_long,
        )
    };
    rc.map(|n| n as libc::c_int)
}

/// `sigaction(sig, {handler, empty mask, flags}, NULL)` through libc.
///
/// # Safety
/// `handler` is `SIG_DFL`, `SIG_IGN` or an async-signal-safe `extern "C" fn(c_int)`.
#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        all(
            target_env = "musl",
            any(target_arch = "aarch64", target_arch = "arm", target_arch = "mips")
        )
    )
)))]
pub unsafe fn sigaction(
    sig: libc::c_int,
    handler: libc::sighandler_t,
    flags: libc::c_int,
) -> Result<libc::c_int, Errno> {
    // SAFETY: `sigaction` is plain data; all-zero is a valid value (no flags, empty
    // mask, null restorer) that we complete below.
    let mut action: libc::sigaction = unsafe { core::mem::zeroed() };
    action.sa_sigaction = handler;
    action.sa_flags = flags;
    // SAFETY: `action.sa_mask` is a live, writable `sigset_t`.
    if unsafe { libc::sigemptyset(&mut action.sa_mask) } != 0 {
        return Err(super::errno());
    }
    // SAFETY: `action` is a live, fully initialised `sigaction`; a null old-action
    // pointer is allowed. The caller vouches for the handler.
    super::ret(unsafe { libc::sigaction(sig, &action, core::ptr::null_mut()) })
}

#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        all(target_env = "musl", any(target_arch = "aarch64", target_arch = "arm"))
    )
))]
pub use self::generic_sigaction::*;

/// The kernel's `struct sigaction` of the generic ABIs (`<asm-generic/signal.h>`, and
/// x86's and ARM's own, which match): handler, `unsigned long` flags, restorer, and a
/// 64-signal `sigset_t`.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        all(target_env = "musl", any(target_arch = "aarch64", target_arch = "arm"))
    )
))]
mod generic_sigaction {
    use core::mem::{offset_of, size_of};

    use libc::c_ulong;
    use static_assertions::const_assert_eq;

    /// `_NSIG / 8`: the `sigsetsize` argument `rt_sigaction` insists on.
    pub const SIGSET_BYTES: usize = 8;

    #[repr(C)]
    pub struct KernelSigaction {
        handler: libc::sighandler_t,
        flags: c_ulong,
        restorer: usize,
        mask: [c_ulong; SIGSET_BYTES / size_of::<c_ulong>()],
    }

    impl KernelSigaction {
        /// `{handler, flags, restorer, empty mask}`.
        pub fn new(handler: libc::sighandler_t, flags: libc::c_int) -> Self {
            let (restorer_flag, restorer) = restorer();
            Self {
                handler,
                flags: (flags | restorer_flag) as c_ulong,
                restorer,
                mask: [0; SIGSET_BYTES / size_of::<c_ulong>()],
            }
        }
    }

    /// `SA_RESTORER` and the trampoline below on x86_64; none elsewhere (see the module
    /// note below).
    #[cfg(target_arch = "x86_64")]
    fn restorer() -> (libc::c_int, usize) {
        (SA_RESTORER, restore_rt as unsafe extern "C" fn() as usize)
    }

    /// See the x86_64 variant.
    #[cfg(not(target_arch = "x86_64"))]
    fn restorer() -> (libc::c_int, usize) {
        (0, 0)
    }

    /// `SA_RESTORER` (`<asm/signal.h>` on x86): `restorer` is the handler's return address.
    #[cfg(target_arch = "x86_64")]
    const SA_RESTORER: libc::c_int = 0x0400_0000;

    // x86_64 has no kernel trampoline for returning from a handler: the kernel pushes
    // `restorer` as the handler's return address, and it must make the `rt_sigreturn`
    // system call (15), as glibc's and musl's `__restore_rt` do. Not a Rust function:
    // it runs on the signal frame the kernel built, with no return address of its own.
    #[cfg(target_arch = "x86_64")]
    core::arch::global_asm!(
        ".pushsection .text.smcroute_restore_rt, \"ax\", @progbits",
        ".globl smcroute_restore_rt",
        ".hidden smcroute_restore_rt",
        ".type smcroute_restore_rt, @function",
        "smcroute_restore_rt:",
        "mov eax, 15",
        "syscall",
        ".size smcroute_restore_rt, . - smcroute_restore_rt",
        ".popsection",
    );

    #[cfg(target_arch = "x86_64")]
    extern "C" {
        /// The `rt_sigreturn` trampoline above (only its address is used).
        #[link_name = "smcroute_restore_rt"]
        fn restore_rt();
    }

    #[cfg(target_pointer_width = "64")]
    mod layout {
        use super::*;
        const_assert_eq!(size_of::<KernelSigaction>(), 32);
        const_assert_eq!(offset_of!(KernelSigaction, handler), 0);
        const_assert_eq!(offset_of!(KernelSigaction, flags), 8);
        const_assert_eq!(offset_of!(KernelSigaction, restorer), 16);
        const_assert_eq!(offset_of!(KernelSigaction, mask), 24);
    }

    #[cfg(target_pointer_width = "32")]
    mod layout {
        use super::*;
        const_assert_eq!(size_of::<KernelSigaction>(), 20);
        const_assert_eq!(offset_of!(KernelSigaction, handler), 0);
        const_assert_eq!(offset_of!(KernelSigaction, flags), 4);
        const_assert_eq!(offset_of!(KernelSigaction, restorer), 8);
        const_assert_eq!(offset_of!(KernelSigaction, mask), 12);
    }
}

// aarch64 and ARM need no restorer: without `SA_RESTORER` the kernel returns from a
// handler through its own trampoline (the vDSO's on aarch64, the signal page on ARM).
// x86_64 has none: `restore_rt` above is ours, as libc's is. On glibc this replaces
// `signal`, an import (~70 B of dynamic tables and a GOT call with its `errno` read).

/// The kernel's `struct sigaction` on MIPS (`arch/mips/include/uapi/asm/signal.h`):
/// `unsigned int` flags first, then the handler, then a 128-signal `sigset_t`; no
/// restorer (the kernel's trampoline is in the vDSO or on the stack).
#[cfg(all(target_os = "linux", target_env = "musl", target_arch = "mips"))]
#[repr(C)]
pub struct KernelSigaction {
    flags: libc::c_uint,
    handler: libc::sighandler_t,
    mask: [libc::c_ulong; SIGSET_BYTES / core::mem::size_of::<libc::c_ulong>()],
}

/// `_NSIG / 8` on MIPS (128 signals): the `sigsetsize` argument `rt_sigaction` insists on.
#[cfg(all(target_os = "linux", target_env = "musl", target_arch = "mips"))]
pub const SIGSET_BYTES: usize = 16;

#[cfg(all(target_os = "linux", target_env = "musl", target_arch = "mips"))]
impl KernelSigaction {
    /// `{flags, handler, empty mask}`.
    pub fn new(handler: libc::sighandler_t, flags: libc::c_int) -> Self {
        Self {
            flags: flags as libc::c_uint,
            handler,
            mask: [0; SIGSET_BYTES / core::mem::size_of::<libc::c_ulong>()],
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "musl", target_arch = "mips"))]
mod mips_layout {
    use super::KernelSigaction;
    use core::mem::{offset_of, size_of};
    use static_assertions::const_assert_eq;
    const_assert_eq!(size_of::<KernelSigaction>(), 24);
    const_assert_eq!(offset_of!(KernelSigaction, flags), 0);
    const_assert_eq!(offset_of!(KernelSigaction, handler), 4);
    const_assert_eq!(offset_of!(KernelSigaction, mask), 8);
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::super::process::tests::in_child;
    use super::*;

    extern "C" fn ignore(_sig: libc::c_int) {}

    /// What `libc::sigaction` reads back: (handler, flags without `SA_RESTORER`).
    fn current(sig: libc::c_int) -> (libc::sighandler_t, libc::c_int) {
        // SAFETY: `sigaction` is plain data; all-zero is a valid value.
        let mut old: libc::sigaction = unsafe { core::mem::zeroed() };
        // SAFETY: no new action (null); `old` is a live, writable `sigaction`.
        let rc = unsafe { libc::sigaction(sig, core::ptr::null(), &mut old) };
        assert_eq!(rc, 0);
        (old.sa_sigaction, old.sa_flags & !0x0400_0000)
    }

    /// Our kernel `struct sigaction` is the one libc reads back: handler and flags land
    /// in the right fields on this architecture, and a handled signal returns.
    #[test]
    fn sigaction_agrees_with_libc() {
        let status = in_child(|| {
            let handler = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SAFETY: `ignore` is async-signal-safe (it does nothing).
            let rc = unsafe { sigaction(libc::SIGUSR1, handler, libc::SA_RESTART) };
            assert_eq!(rc, Ok(0));
            assert_eq!(current(libc::SIGUSR1), (handler, libc::SA_RESTART));
            // SAFETY: sends SIGUSR1, handled by `ignore`, to ourselves.
            assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
            // SAFETY: ignoring a signal has no preconditions.
            assert_eq!(unsafe { sigaction(libc::SIGUSR2, libc::SIG_IGN, 0) }, Ok(0));
            assert_eq!(current(libc::SIGUSR2), (libc::SIG_IGN, 0));
            // SAFETY: SIGUSR2 is ignored.
            assert_eq!(unsafe { libc::raise(libc::SIGUSR2) }, 0);
            // SAFETY: as above; SIGKILL's action cannot be changed.
            let rc = unsafe { sigaction(libc::SIGKILL, libc::SIG_IGN, 0) };
            rc == Err(Errno::new(libc::EINVAL))
        });
        assert_eq!(status, 0);
    }

    /// poll (ppoll on aarch64), dup2 (dup3 there), read, write, close, getpid and
    /// geteuid (geteuid32 on ARM) as the raw calls of the router builds: these run under
    /// qemu-user for each router target (targets/test), where the daemon's own use of
    /// them cannot be run (its start-up stops at MRT_INIT).
    #[test]
    fn descriptor_calls_and_ids_agree_with_libc() {
        let mut fds = [-1; 2];
        assert_eq!(pipe2(&mut fds, libc::O_CLOEXEC), Ok(0));
        let [rd, wr] = fds;
        let mut pfd = libc::pollfd {
            fd: rd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pfd` is one live, writable pollfd.
        assert_eq!(unsafe { poll(&mut pfd, 1, 0) }, Ok(0));
        let start = std::time::Instant::now();
        // SAFETY: as above.
        assert_eq!(unsafe { poll(&mut pfd, 1, 30) }, Ok(0));
        assert!(start.elapsed() >= std::time::Duration::from_millis(25));
        // A copy of the write end under another number, then written through.
        // SAFETY: `dup` of an open descriptor.
        let spare = unsafe { libc::dup(libc::STDERR_FILENO) };
        assert!(spare > 2);
        assert_eq!(dup2(wr, spare), Ok(spare));
        assert_eq!(dup2(spare, spare), Ok(spare));
        // SAFETY: writes 3 bytes from a live 3-byte buffer.
        assert_eq!(unsafe { write(spare, b"abc".as_ptr().cast(), 3) }, Ok(3));
        // SAFETY: as above; a negative timeout waits until readable.
        assert_eq!(unsafe { poll(&mut pfd, 1, -1) }, Ok(1));
        assert_eq!(pfd.revents & libc::POLLIN, libc::POLLIN);
        let mut got = [0u8; 8];
        // SAFETY: reads at most 8 bytes into a live 8-byte buffer.
        let rc = unsafe { read(rd, got.as_mut_ptr().cast(), got.len()) };
        assert_eq!(rc, Ok(3));
        assert_eq!(&got[..3], b"abc");
        for fd in [spare, wr, rd] {
            assert_eq!(close(fd), Ok(0));
        }
        // SAFETY: plain id queries.
        assert_eq!(getpid(), unsafe { libc::getpid() });
        // SAFETY: as above.
        assert_eq!(geteuid(), unsafe { libc::geteuid() });
    }

    #[test]
    fn fork_returns_twice() {
        // SAFETY: the child only `_exit`s.
        let pid = unsafe { fork() }.expect("fork");
        if pid == 0 {
            // SAFETY: leaves the child at once.
            unsafe { libc::_exit(7) };
        }
        assert!(pid > 0);
        assert_eq!(super::super::process::tests::wait_exit(pid), 7);
    }

    /// A one-shot `SIGALRM` in 20 ms.
    fn alarm_in_20ms() {
        let zero = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        let timer = libc::itimerval {
            it_interval: zero,
            it_value: libc::timeval {
                tv_sec: 0,
                tv_usec: 20_000,
            },
        };
        // SAFETY: `timer` is a live `itimerval`; no old value wanted (null).
        let rc = unsafe { libc::setitimer(libc::ITIMER_REAL, &timer, core::ptr::null_mut()) };
        assert_eq!(rc, 0);
    }

    #[test]
    fn nanosleep_resumes_only_when_asked() {
        let status = in_child(|| {
            let handler = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SAFETY: `ignore` is async-signal-safe; no SA_RESTART, so sleeps see EINTR.
            assert_eq!(unsafe { sigaction(libc::SIGALRM, handler, 0) }, Ok(0));
            let start = std::time::Instant::now();
            alarm_in_20ms();
            nanosleep(0, 200_000_000, true);
            let resumed = start.elapsed();
            let start = std::time::Instant::now();
            alarm_in_20ms();
            nanosleep(5, 0, false);
            let cut = start.elapsed();
            resumed >= std::time::Duration::from_millis(200)
                && cut < std::time::Duration::from_secs(4)
        });
        assert_eq!(status, 0);
    }
}
