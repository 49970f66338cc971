//! `AF_UNIX` stream sockets for IPC, and the few terminal calls `smcroutectl` needs.
//!
//! Only root may talk to the daemon: [`listen`] makes the socket file mode 0600 (owned by
//! the daemon's user), so `connect` fails with `EACCES` for anyone else. No peer
//! credentials are checked.
//!
//! # References
//! `man 7 unix`, `man 2 accept4`, `man 2 send`, `man 3 termios`.

use core::ffi::c_int;
use core::mem::{size_of, MaybeUninit};

use super::{call, ret, Fd};
use crate::errno::Errno;

/// Standard input, output and error descriptor numbers.
pub const STDIN: c_int = 0;
/// Standard output.
pub const STDOUT: c_int = 1;
/// Standard error.
pub const STDERR: c_int = 2;

// ===== addresses =====

/// `sizeof(sun_path)`: 108 on Linux, 104 on FreeBSD.
const SUN_PATH_LEN: usize =
    size_of::<libc::sockaddr_un>() - core::mem::offset_of!(libc::sockaddr_un, sun_path);

/// An `AF_UNIX` address with an empty path, for [`set_path`] and the notification
/// socket's name. Not inlined on x86_64: one zero fill of its 110 bytes, written into
/// each caller's address in place (-67 B, and -35 B more shared with `Notify::send`);
/// MIPS16e measured the call larger.
#[cfg_attr(target_arch = "x86_64", inline(never))]
pub(super) fn sockaddr() -> libc::sockaddr_un {
    libc::sockaddr_un {
        #[cfg(target_os = "freebsd")]
        sun_len: size_of::<libc::sockaddr_un>() as u8,
        sun_family: libc::AF_UNIX as libc::sa_family_t,
        sun_path: [0; SUN_PATH_LEN],
    }
}

/// Puts `path` in the all-zero `sun_path` of a [`sockaddr`], which keeps a NUL after
/// it, as the kernel wants it, in place (no copy of the address through a `Result`).
/// `EINVAL` for an empty path or one with a NUL, `ENAMETOOLONG` if it does not fit.
fn set_path(addr: &mut libc::sockaddr_un, path: &str) -> Result<(), Errno> {
    let bytes = path.as_bytes();
    if bytes.is_empty() || crate::fmt::has_byte(bytes, 0) {
        return Err(Errno::EINVAL);
    }
    let out = super::c_bytes_mut(&mut addr.sun_path);
    if bytes.len() >= out.len() {
        return Err(Errno::new(libc::ENAMETOOLONG));
    }
    if let Some(dst) = out.get_mut(..bytes.len()) {
        dst.copy_from_slice(bytes);
    }
    Ok(())
}

const SOCKADDR_LEN: libc::socklen_t = size_of::<libc::sockaddr_un>() as libc::socklen_t;

fn stream_socket(flags: c_int) -> Result<Fd, Errno> {
    let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC | flags;
    let fd = call::socket(libc::AF_UNIX, ty, 0)?;
    Ok(Fd::from_raw(fd))
}

// ===== server side =====

/// `unlink(path)`.
pub fn unlink(path: &str) -> Result<(), Errno> {
    let mut addr = sockaddr();
    set_path(&mut addr, path)?;
    unlink_at(&addr)
}

fn unlink_at(addr: &libc::sockaddr_un) -> Result<(), Errno> {
    // SAFETY: `sun_path` is NUL-terminated (built by `set_path`) and lives across the call.
    unsafe { call::unlink(addr.sun_path.as_ptr()) }.map(|_| ())
}

/// A listening socket at `path`: removes a stale file, `socket(AF_UNIX, SOCK_STREAM |
/// SOCK_CLOEXEC | SOCK_NONBLOCK)`, `bind`, `chmod(path, 0600)`, `listen(fd, 16)`.
///
/// The mode is set before `listen`, so nobody can connect while the file is still open
/// to everyone. The listener is non-blocking: a client that gives up between `poll` and
/// [`accept`] costs an `EAGAIN`, not a hung daemon.
pub fn listen(path: &str) -> Result<Fd, Errno> {
    let mut addr = sockaddr();
    set_path(&mut addr, path)?;
    match unlink_at(&addr) {
        Ok(()) | Err(Errno::ENOENT) => {}
        Err(e) => return Err(e),
    }
    let fd = stream_socket(libc::SOCK_NONBLOCK)?;
    let addr_ptr: *const libc::sockaddr_un = &addr;
    // SAFETY: `addr_ptr` points to a live `sockaddr_un` of `SOCKADDR_LEN` bytes; `fd` is
    // open and owned by us.
    unsafe { call::bind(fd.raw(), addr_ptr.cast(), SOCKADDR_LEN) }?;
    // SAFETY: `sun_path` is NUL-terminated (built by `set_path`) and lives across the call.
    unsafe { call::chmod(addr.sun_path.as_ptr(), 0o600) }?;
    call::listen(fd.raw(), 16)?;
    Ok(fd)
}

/// `accept4(fd, NULL, NULL, SOCK_CLOEXEC)`: the next client. It is blocking on purpose:
/// the daemon reads only after `poll` says readable, and writes replies with a send
/// timeout (`SO_SNDTIMEO`), which a non-blocking socket would ignore (`EAGAIN` at once).
pub fn accept(listener: &Fd) -> Result<Fd, Errno> {
    loop {
        let rc = call::accept4(listener.raw(), libc::SOCK_CLOEXEC);
        match rc {
            Ok(fd) => return Ok(Fd::from_raw(fd)),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// `fcntl(fd, F_SETFL, flags | O_NONBLOCK)`.
pub fn set_nonblocking(fd: &Fd) -> Result<(), Errno> {
    // SAFETY: F_GETFL takes no pointer; `fd` is open.
    let flags = ret(unsafe { libc::fcntl(fd.raw(), libc::F_GETFL) })?;
    // SAFETY: F_SETFL takes an int; `fd` is open.
    ret(unsafe { libc::fcntl(fd.raw(), libc::F_SETFL, flags | libc::O_NONBLOCK) }).map(|_| ())
}

/// `setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, {ms})`: a blocked send gives up after `ms`.
pub fn set_send_timeout(fd: &Fd, ms: u32) -> Result<(), Errno> {
    let tv = libc::timeval {
        tv_sec: (ms / 1000) as _, // `time_t`: 32 or 64 bits by ABI and libc cfg
        tv_usec: ((ms % 1000) * 1000) as _,
    };
    let tv_ptr: *const libc::timeval = &tv;
    // SAFETY: `tv_ptr` points to a live `timeval` of exactly the length we pass; `fd` is
    // open.
    let rc = unsafe {
        call::setsockopt(
            fd.raw(),
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            tv_ptr.cast(),
            size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    rc.map(|_| ())
}

// ===== client side =====

/// `connect` a new `AF_UNIX` stream socket to `path`.
pub fn connect(path: &str) -> Result<Fd, Errno> {
    connect_as(path, libc::SOCK_STREAM)
}

/// `connect` a new close-on-exec `AF_UNIX` socket of type `ty` (`SOCK_STREAM` for IPC,
/// `SOCK_DGRAM` for syslog) to `path`, retrying on `EINTR`: one copy for both.
pub(super) fn connect_as(path: &str, ty: c_int) -> Result<Fd, Errno> {
    let mut addr = sockaddr();
    set_path(&mut addr, path)?;
    let fd = call::socket(libc::AF_UNIX, ty | libc::SOCK_CLOEXEC, 0)?;
    let fd = Fd::from_raw(fd);
    let addr_ptr: *const libc::sockaddr_un = &addr;
    loop {
        // SAFETY: `addr_ptr` points to a live `sockaddr_un` of `SOCKADDR_LEN` bytes; `fd`
        // is open and owned by us.
        let rc = unsafe { call::connect(fd.raw(), addr_ptr.cast(), SOCKADDR_LEN) };
        match rc {
            Ok(_) => return Ok(fd),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

// ===== data =====

/// `send(fd, buf, MSG_NOSIGNAL)` until all of `buf` is sent: a peer that went away is
/// `EPIPE`, never a SIGPIPE.
pub fn send_all(fd: &Fd, buf: &[u8]) -> Result<(), Errno> {
    super::put_all(fd.raw(), buf, true)
}

/// `recv(fd, buf, 0)` (as `read`, the same on a stream socket); `Ok(0)` is end of stream.
/// Retries on `EINTR`.
pub fn recv(fd: &Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    super::read_retry(fd.raw(), buf)
}

// ===== terminal =====

/// `isatty(fd)`: whether `fd` has a terminal window size, which is how musl asks.
pub fn is_tty(fd: c_int) -> bool {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let size_ptr: *mut libc::winsize = &mut size;
    // SAFETY: `TIOCGWINSZ` writes one `winsize`, which `size_ptr` points to; an invalid
    // descriptor just fails.
    unsafe { call::ioctl(fd, libc::TIOCGWINSZ as libc::c_ulong, size_ptr.cast()) }.is_ok()
}

/// `poll({fd, POLLIN}, 1, ms)`: true once `fd` is readable (or at end of file).
pub fn wait_readable(fd: c_int, ms: c_int) -> Result<bool, Errno> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `&mut pfd` is one valid `pollfd`, matching the count of 1.
    let n = unsafe { call::poll(&mut pfd, 1, ms) }?;
    Ok(n > 0)
}

/// Sleeps `ms` milliseconds (`nanosleep`; an interrupted sleep ends early).
pub fn sleep_ms(ms: u32) {
    call::nanosleep(ms / 1000, (ms % 1000) * 1_000_000, false);
}

/// Runs `f` with the terminal on `fd` switched to non-canonical, no-echo input, then
/// restores it (so the cursor-position report of a width probe can be read without
/// Enter and is not shown); fails, without running `f`, if `fd` is not a terminal.
///
/// The settings stay in this frame, changed in place and two fields put back after: no
/// guard value holding a second copy of the whole `termios` is built and moved. They are
/// not cleared first: `tcgetattr` writes every byte `tcsetattr_now` reads back (on Linux
/// the kernel's prefix of libc's `termios`, see [`call::tcgetattr`]), and only its flag
/// words are read here.
pub fn in_raw_terminal<R>(fd: c_int, f: impl FnOnce() -> R) -> Result<R, Errno> {
    let mut settings = MaybeUninit::<libc::termios>::uninit();
    let ptr = settings.as_mut_ptr();
    // SAFETY: `ptr` points to a live, writable `termios`.
    unsafe { call::tcgetattr(fd, ptr) }?;
    // SAFETY: `tcgetattr` succeeded, so it wrote the flag words (in the kernel's prefix).
    let cflag = unsafe { (*ptr).c_cflag };
    // SAFETY: as for `c_cflag`.
    let lflag = unsafe { (*ptr).c_lflag };
    let set_flags = |c, l| {
        // SAFETY: `ptr` points to the live `termios`; a plain integer is written through
        // the pointer (no reference to the partly uninitialised whole is made).
        unsafe { (*ptr).c_cflag = c };
        // SAFETY: as for `c_cflag`.
        unsafe { (*ptr).c_lflag = l };
    };
    set_flags(
        cflag | libc::CLOCAL | libc::CREAD,
        lflag & !(libc::ICANON | libc::ECHO | libc::ECHOE | libc::ISIG),
    );
    // SAFETY: `ptr` is the `termios` `tcgetattr` filled, two flag words changed.
    unsafe { call::tcsetattr_now(fd, ptr) }?;
    let result = f();
    set_flags(cflag, lflag);
    // SAFETY: `ptr` is the `termios` `tcgetattr` filled, its two flag words restored.
    let _ = unsafe { call::tcsetattr_now(fd, ptr) };
    Ok(result)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp_path(name: &str) -> std::string::String {
        format!("/tmp/smcroute-unix-test-{}-{name}.sock", std::process::id())
    }

    #[test]
    fn path_checks() {
        let sun_path = |p: &str| set_path(&mut sockaddr(), p);
        assert_eq!(sun_path("").err(), Some(Errno::EINVAL));
        assert_eq!(sun_path("a\0b").err(), Some(Errno::EINVAL));
        assert_eq!(
            sun_path(&"x".repeat(108)).err(),
            Some(Errno::new(libc::ENAMETOOLONG))
        );
        assert!(sun_path(&"x".repeat(107)).is_ok());
        // On a fresh address (as every caller makes one) the NUL is already there.
        let mut addr = sockaddr();
        assert_eq!(set_path(&mut addr, "/a"), Ok(()));
        assert_eq!(&addr.sun_path[..3], &[b'/' as libc::c_char, b'a' as _, 0]);
        assert_eq!(
            connect(&"x".repeat(200)).err(),
            Some(Errno::new(libc::ENAMETOOLONG))
        );
    }

    #[test]
    fn listen_accept_connect_send_recv() {
        let path = tmp_path("io");
        std::fs::write(&path, b"stale").unwrap();
        let listener = listen(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap();
        use std::os::unix::fs::{FileTypeExt, PermissionsExt};
        assert!(mode.file_type().is_socket());
        assert_eq!(mode.permissions().mode() & 0o777, 0o600);

        let client = connect(&path).unwrap();
        let server = accept(&listener).unwrap();
        send_all(&client, b"hello").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(recv(&server, &mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");

        // Non-blocking accept with nobody waiting.
        assert_eq!(accept(&listener).err(), Some(Errno::EAGAIN));
        // The accepted socket blocks (so SO_SNDTIMEO applies): a send into a full buffer
        // waits out the timeout instead of failing at once.
        let _client2 = connect(&path).unwrap();
        let server2 = accept(&listener).unwrap();
        set_send_timeout(&server2, 50).unwrap();
        let big = [0u8; 1 << 16];
        let start = std::time::Instant::now();
        let mut sent = Ok(());
        for _ in 0..64 {
            sent = send_all(&server2, &big);
            if sent.is_err() {
                break;
            }
        }
        assert_eq!(
            sent.err(),
            Some(Errno::EAGAIN),
            "send into a full buffer times out"
        );
        assert!(start.elapsed() >= std::time::Duration::from_millis(50));

        // A closed peer: EOF for recv, EPIPE (not SIGPIPE) for send.
        drop(server);
        assert_eq!(recv(&client, &mut buf).unwrap(), 0);
        let mut err = None;
        for _ in 0..3 {
            if let Err(e) = send_all(&client, b"x") {
                err = Some(e);
                break;
            }
        }
        assert_eq!(err, Some(Errno::EPIPE));

        drop(listener);
        unlink(&path).unwrap();
        assert_eq!(connect(&path).err(), Some(Errno::ENOENT));
        assert_eq!(unlink(&path).err(), Some(Errno::ENOENT));
    }

    #[test]
    fn refused_without_listener_and_nonblocking() {
        let path = tmp_path("refused");
        let listener = listen(&path).unwrap();
        set_nonblocking(&listener).unwrap();
        drop(listener);
        // The file stays but nobody listens.
        assert_eq!(connect(&path).err(), Some(Errno::ECONNREFUSED));
        unlink(&path).unwrap();
    }

    #[test]
    fn terminal_calls_on_non_terminals() {
        assert!(!is_tty(-1));
        assert!(in_raw_terminal(-1, || ()).is_err());
        let path = tmp_path("poll");
        let listener = listen(&path).unwrap();
        assert!(!wait_readable(listener.raw(), 0).unwrap());
        let _client = connect(&path).unwrap();
        assert!(wait_readable(listener.raw(), 100).unwrap());
        sleep_ms(1);
        unlink(&path).unwrap();
    }

    /// A pseudo-terminal pair: (controller, terminal), or `None` where the system has
    /// none (some qemu and container setups).
    fn pty() -> Option<(std::fs::File, std::fs::File)> {
        use std::os::fd::FromRawFd;
        let controller = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/ptmx")
            .ok()?;
        use std::os::fd::AsRawFd;
        // SAFETY: `controller` is an open pseudo-terminal controller.
        let rc = unsafe { libc::unlockpt(controller.as_raw_fd()) };
        (rc == 0).then_some(())?;
        let mut name = [0 as libc::c_char; 64];
        // SAFETY: `name` is valid for writes of its length.
        let rc = unsafe { libc::ptsname_r(controller.as_raw_fd(), name.as_mut_ptr(), 64) };
        (rc == 0).then_some(())?;
        // SAFETY: `ptsname_r` succeeded, so `name` is NUL-terminated.
        let fd = unsafe { libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY) };
        (fd >= 0).then_some(())?;
        // SAFETY: `fd` is a new descriptor owned by nobody else.
        Some((controller, unsafe { std::fs::File::from_raw_fd(fd) }))
    }

    /// libc's own view of the terminal: (c_lflag, c_cflag).
    fn flags(fd: c_int) -> (libc::tcflag_t, libc::tcflag_t) {
        // SAFETY: `termios` is plain data; all-zero is a valid value.
        let mut t: libc::termios = unsafe { core::mem::zeroed() };
        // SAFETY: `t` is a live, writable `termios`.
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        (t.c_lflag, t.c_cflag)
    }

    #[test]
    fn raw_terminal_switches_and_restores() {
        use std::os::fd::AsRawFd;
        let Some((_controller, terminal)) = pty() else {
            std::eprintln!("SKIPPED raw_terminal_switches_and_restores: no pty");
            return;
        };
        let fd = terminal.as_raw_fd();
        assert!(is_tty(fd));
        let (lflag, cflag) = flags(fd);
        assert_ne!(lflag & libc::ICANON, 0, "a new pty is canonical");
        let off = libc::ICANON | libc::ECHO | libc::ECHOE | libc::ISIG;
        let raw = in_raw_terminal(fd, || flags(fd)).unwrap();
        assert_eq!(raw, (lflag & !off, cflag | libc::CLOCAL | libc::CREAD));
        assert_eq!(flags(fd), (lflag, cflag));
    }
}
