//! The operating-system layer: the only module with `unsafe` and `libc::`.
//!
//! Two kernel backends share one set of module names, so the daemon above calls the same
//! paths on both (spec §6 lists the calls):
//!
//! | module | Linux | FreeBSD |
//! |---|---|---|
//! | [`abi`] | `<linux/mroute.h>`, `<linux/mroute6.h>` mirrors | `<netinet/ip_mroute.h>`, `<netinet6/ip6_mroute.h>` mirrors (`freebsd/abi.rs`) |
//! | [`mroute`] | `MrouteSys` (`VIFF_USE_IFINDEX`, `MRT_TABLE`) | `MrouteSys` (VIFs by interface address, no tables; `freebsd/mroute.rs`) |
//! | [`ifevent`] | rtnetlink ([`netlink`]) | routing socket + `NET_RT_IFLIST` (`freebsd/route_socket.rs`) |
//! | [`mrdisc`] | RFC 4286 sockets | unsupported: opening fails with `EOPNOTSUPP` (`freebsd/mrdisc.rs`) |
//! | [`join`] | `MCAST_JOIN_*` + drop-all BPF | `MCAST_JOIN_*` (no `SO_ATTACH_FILTER`) |
//!
//! The process-level modules (`poll`, `signal`, `clock`, `log`, `fs`, `process`, `privs`,
//! `notify`, `unix`, ...) are POSIX with a few `cfg`s where the two differ.
//!
//! Every `unsafe` block performs one FFI call and says in a `// SAFETY:` comment why it is
//! sound. Safe functions here never take raw pointers: buffers are slices, structs are
//! `&T` of `#[repr(C)]` types whose layout is asserted beside them.
#![allow(unsafe_code)]

/// `syscall(number, args...)` (at most six arguments, each a `long`, an `int` or a
/// pointer) as the kernel's own result: the `syscall` instruction in line on x86_64 with
/// glibc, where the result is the kernel's (`-errno` on failure, see [`kernel_ret`]);
/// `libc::syscall` elsewhere on Linux (-1 and `errno`). Only for calls that cannot fail
/// (`getpid`, `exit_group`) or whose result is read through [`syscall!`]. Only inside an
/// `unsafe` block, whose `// SAFETY:` comment speaks for the call.
///
/// The instruction changes only `rax`, `rcx` and `r11` and touches no stack (`nostack`:
/// the red zone stays valid). It may read and write memory (the kernel does), and the
/// flags change.
#[cfg(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64"))]
macro_rules! syscall_raw {
    (@go $nr:expr $(, $reg:tt = $arg:expr)*) => {{
        let rc: libc::c_long;
        core::arch::asm!(
            "syscall",
            inlateout("rax") $nr as libc::c_long => rc,
            $(in($reg) $arg as usize,)*
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
        rc
    }};
    ($nr:expr $(,)?) => { syscall_raw!(@go $nr) };
    ($nr:expr, $a:expr $(,)?) => { syscall_raw!(@go $nr, "rdi" = $a) };
    ($nr:expr, $a:expr, $b:expr $(,)?) => { syscall_raw!(@go $nr, "rdi" = $a, "rsi" = $b) };
    ($nr:expr, $a:expr, $b:expr, $c:expr $(,)?) => {
        syscall_raw!(@go $nr, "rdi" = $a, "rsi" = $b, "rdx" = $c)
    };
    ($nr:expr, $a:expr, $b:expr, $c:expr, $d:expr $(,)?) => {
        syscall_raw!(@go $nr, "rdi" = $a, "rsi" = $b, "rdx" = $c, "r10" = $d)
    };
    ($nr:expr, $a:expr, $b:expr, $c:expr, $d:expr, $e:expr $(,)?) => {
        syscall_raw!(@go $nr, "rdi" = $a, "rsi" = $b, "rdx" = $c, "r10" = $d, "r8" = $e)
    };
    ($nr:expr, $a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr $(,)?) => {
        syscall_raw!(@go $nr, "rdi" = $a, "rsi" = $b, "rdx" = $c, "r10" = $d, "r8" = $e, "r9" = $f)
    };
}
/// See the x86_64 glibc variant: `libc::syscall` itself here.
#[cfg(all(
    target_os = "linux",
    not(all(target_env = "gnu", target_arch = "x86_64"))
))]
macro_rules! syscall_raw {
    ($($arg:expr),+ $(,)?) => { libc::syscall($($arg),+) };
}

/// `syscall(number, args...)` as `Result<c_long, Errno>`: [`syscall_raw!`] and
/// [`kernel_ret`], the one shape on every Linux target. Only inside an `unsafe` block,
/// whose `// SAFETY:` comment speaks for the call.
#[cfg(target_os = "linux")]
macro_rules! syscall {
    ($($arg:expr),+ $(,)?) => { $crate::sys::kernel_ret(syscall_raw!($($arg),+)) };
}

pub mod entry;
pub mod errno;
pub mod join;
pub mod mrinit;
pub mod mrsys;
pub mod sock;
#[cfg(all(
    smcroute_own_start,
    target_os = "linux",
    target_env = "gnu",
    target_arch = "x86_64"
))]
mod start;
pub mod unix;

#[cfg(target_os = "linux")]
pub mod abi;
#[cfg(target_os = "linux")]
pub mod mrdisc;
#[cfg(target_os = "linux")]
pub mod mroute;
#[cfg(target_os = "linux")]
pub mod netlink;
/// Interface hot-plug events and the interface list: rtnetlink on Linux.
#[cfg(target_os = "linux")]
pub use self::netlink as ifevent;

#[cfg(target_os = "freebsd")]
#[path = "freebsd/abi.rs"]
pub mod abi;
#[cfg(target_os = "freebsd")]
#[path = "freebsd/mrdisc.rs"]
pub mod mrdisc;
#[cfg(target_os = "freebsd")]
#[path = "freebsd/mroute.rs"]
pub mod mroute;
#[cfg(target_os = "freebsd")]
#[path = "freebsd/route_socket.rs"]
pub mod route_socket;
/// Interface hot-plug events and the interface list: the routing socket on FreeBSD.
#[cfg(target_os = "freebsd")]
pub use self::route_socket as ifevent;
/// Pure decoder of FreeBSD routing-socket messages (unit-tested on every host).
#[cfg(any(target_os = "freebsd", test))]
#[path = "freebsd/rtmsg.rs"]
pub mod rtmsg;

use core::mem::MaybeUninit;

use crate::errno::Errno;

/// The calling thread's `errno`.
pub fn errno() -> Errno {
    // SAFETY: `__errno_location` returns a valid pointer to this thread's errno.
    Errno::new(unsafe { *errno_location() })
}

#[cfg(target_os = "linux")]
fn errno_location() -> *mut libc::c_int {
    // SAFETY: always safe to call; returns a thread-local pointer.
    unsafe { libc::__errno_location() }
}

#[cfg(target_os = "freebsd")]
fn errno_location() -> *mut libc::c_int {
    // SAFETY: always safe to call; returns a thread-local pointer.
    unsafe { libc::__error() }
}

/// The longest start of `bytes` that is UTF-8 (all of them when they are), as the valid
/// part of the first of `core`'s `utf8_chunks` (which is 372 bytes of x86_64 code): a
/// character at a time, its length from its first byte and the range of its second
/// (Unicode's table of well-formed sequences; the only ranges narrower than `80..=BF` are
/// those that keep out overlong forms, surrogates and code points past U+10FFFF). Here,
/// as the one place that may make a `&str` of checked bytes; [`crate::fmt::utf8_prefix`]
/// for every caller.
#[inline(never)]
pub fn utf8_prefix(bytes: &[u8]) -> &str {
    let mut valid = 0;
    while let Some(&first) = bytes.get(valid) {
        // ASCII, most of what comes here (addresses, numbers, names on every `show`
        // line), at one test in a leaf loop with nothing to set up.
        if first < 0x80 {
            valid += 1;
            continue;
        }
        match char_len(bytes, valid) {
            Some(len) => valid += len,
            None => break,
        }
    }
    let text = bytes.get(..valid).unwrap_or(&[]);
    // SAFETY: `text` is whole well-formed UTF-8 sequences, each checked here or by
    // `char_len`.
    unsafe { core::str::from_utf8_unchecked(text) }
}

/// The length of the well-formed UTF-8 sequence of two bytes or more at `bytes[at]`, or
/// `None` if there is none there: [`utf8_prefix`] beyond ASCII. Out of its loop on
/// x86_64, where the loop then saves no registers and sets up no constants for the
/// ASCII it mostly sees (x86_64 smcrouted -48 B, smcroutectl -24 B); in line on MIPS16e
/// (out of line there +32 B each).
#[cfg_attr(target_arch = "x86_64", inline(never))]
#[cfg_attr(not(target_arch = "x86_64"), inline(always))]
fn char_len(bytes: &[u8], at: usize) -> Option<usize> {
    let first = *bytes.get(at)?;
    let len = match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let mut low = match first {
        0xe0 => 0xa0,
        0xf0 => 0x90,
        _ => 0x80,
    };
    let mut high = match first {
        0xed => 0x9f,
        0xf4 => 0x8f,
        _ => 0xbf,
    };
    let mut i = 1;
    while i < len {
        match bytes.get(at + i) {
            Some(&b) if b >= low && b <= high => {}
            _ => return None,
        }
        // The bytes after the second: any continuation byte.
        (low, high) = (0x80, 0xbf);
        i += 1;
    }
    Some(len)
}

/// The bytes of the C string at `ptr`, its NUL excluded (what
/// `CStr::from_ptr(ptr).to_bytes()` gives), counted here rather than by `strlen`: on
/// glibc an imported function costs its symbol, name, version, GOT slot and relocation,
/// in static programs its code (x86_64 smcrouted -72 B, smcroutectl -48 B; mipsel -64 B
/// each). The strings counted are short: arguments, environment entries, interface
/// names, `glob` paths.
///
/// # Safety
/// `ptr` points to a NUL-terminated string that stays alive and unchanged for `'a`.
pub(crate) unsafe fn c_str_bytes<'a>(ptr: *const libc::c_char) -> &'a [u8] {
    let mut len = 0;
    // A volatile read: LLVM turns a plain loop back into a `strlen` call.
    // SAFETY: the string's bytes up to its NUL are readable (the caller's contract), and
    // the count stops at the NUL.
    while unsafe { ptr.wrapping_add(len).read_volatile() } != 0 {
        len += 1;
    }
    // SAFETY: the `len` bytes before the NUL are initialised and live for `'a`.
    unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) }
}

/// A C `char` array (`sun_path`) as bytes, to fill with one `copy_from_slice` (a
/// `memcpy` call) rather than a conversion loop at each use.
pub(crate) fn c_bytes_mut(chars: &mut [libc::c_char]) -> &mut [u8] {
    // SAFETY: `c_char` is `i8` or `u8`, of the size and alignment of `u8`, and every bit
    // pattern is valid as either; the result borrows `chars` mutably for its lifetime.
    unsafe { core::slice::from_raw_parts_mut(chars.as_mut_ptr().cast::<u8>(), chars.len()) }
}

/// Turns a `-1`-on-error return value into `Result`, reading `errno`: for real libc
/// calls (and, through [`kernel_ret`], libc's `syscall` off x86_64 glibc).
///
/// Inlined on x86_64, where its test and branch at each call site are smaller than the
/// call and the `Result` unpacking after it (-62 B at some thirty sites; still -32 B at
/// the few libc calls left on glibc since the raw calls return the kernel's errno); a
/// call on MIPS16e, where the inlined copies would be +128 B.
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub fn ret(rc: libc::c_int) -> Result<libc::c_int, Errno> {
    if rc < 0 {
        Err(errno())
    } else {
        Ok(rc)
    }
}

/// The result of `syscall_raw!` as `Result`: on x86_64 with glibc the kernel's own, a
/// failure as `-errno` in `-4095..=-1` (glibc's `syscall.S` range); no call succeeds
/// with a negative value (a user address is below 2^47, `lseek` goes only to 0), so the
/// sign tells them apart, and no `errno` is set or read; elsewhere libc's `syscall`, -1
/// with `errno`.
#[cfg(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64"))]
#[inline(always)]
pub fn kernel_ret(rc: libc::c_long) -> Result<libc::c_long, Errno> {
    if rc < 0 {
        let errno = rc.wrapping_neg() as i32;
        // SAFETY: the x86_64 kernel returns a value that is not negative (a user address
        // is below 2^47) or `-errno` in -4095..=-1, so `errno` is in 1..=4095.
        unsafe { core::hint::assert_unchecked(errno > 0) };
        Err(Errno::new(errno))
    } else {
        Ok(rc)
    }
}

/// The result of `syscall_raw!` as `Result`: libc's `syscall`, -1 with `errno` (see
/// the x86_64 glibc variant). In line on x86_64 musl, as the raw wrappers there (-32 B).
#[cfg(all(
    target_os = "linux",
    not(all(target_env = "gnu", target_arch = "x86_64"))
))]
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub fn kernel_ret(rc: libc::c_long) -> Result<libc::c_long, Errno> {
    if rc < 0 {
        Err(errno())
    } else {
        Ok(rc)
    }
}

/// Like [`ret`] for `ssize_t` returns: the FreeBSD libc wrappers' (on Linux the raw
/// calls return `Result` themselves).
#[cfg(not(target_os = "linux"))]
pub fn ret_len(rc: libc::ssize_t) -> Result<usize, Errno> {
    if rc < 0 {
        Err(errno())
    } else {
        Ok(rc as usize)
    }
}

/// An owned file descriptor, closed on drop.
#[derive(Debug)]
pub struct Fd(libc::c_int);

impl Fd {
    /// Takes ownership of `fd` (which must be open and owned by nobody else).
    pub fn from_raw(fd: libc::c_int) -> Self {
        Self(fd)
    }

    /// The raw descriptor number, for `poll` and syscalls.
    pub fn raw(&self) -> libc::c_int {
        self.0
    }
}

impl Drop for Fd {
    // Not inlined: every owner of a descriptor drops one, a call is smaller than the
    // system call set-up at each of them.
    #[inline(never)]
    fn drop(&mut self) {
        // We own the descriptor and nothing uses it after drop.
        let _ = call::close(self.0);
    }
}

/// `read(2)` into `buf` (retried on `EINTR`, see [`read_retry`]).
pub fn read(fd: &Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    read_retry(fd.raw(), buf)
}

/// `write(2)` of all of `buf`, retrying on partial writes and `EINTR`.
pub fn write_all_raw(fd: libc::c_int, buf: &[u8]) -> Result<(), Errno> {
    put_all(fd, buf, false)
}

/// `write(2)`, or on a socket (`to_socket`) `send(MSG_NOSIGNAL)`, of all of `buf`,
/// retrying on partial writes and `EINTR`: one loop for files and sockets.
pub(crate) fn put_all(fd: libc::c_int, mut buf: &[u8], to_socket: bool) -> Result<(), Errno> {
    while !buf.is_empty() {
        let rc = if to_socket {
            // SAFETY: `buf` is valid for reads of `buf.len()` bytes; no address is passed.
            unsafe {
                call::sendto(
                    fd,
                    buf.as_ptr().cast(),
                    buf.len(),
                    libc::MSG_NOSIGNAL,
                    core::ptr::null(),
                    0,
                )
            }
        } else {
            // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
            unsafe { call::write(fd, buf.as_ptr().cast(), buf.len()) }
        };
        match rc {
            Ok(n) => buf = buf.get(n..).unwrap_or(&[]),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `read(2)` into `buf`, retried on `EINTR`; `Ok(0)` is end of file (or of a stream
/// socket's input, where `read` is `recv` without flags).
#[cfg_attr(target_arch = "x86_64", inline(always))] // with `ReadRet` (x86_64 -16 B)
pub fn read_retry(fd: libc::c_int, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: a `u8` is a `MaybeUninit<u8>` that is initialised; `read_uninit` only
    // writes initialised bytes into it, so `buf` stays valid `u8`s.
    read_count(read_uninit(fd, unsafe {
        &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>])
    }))
}

/// `read(2)` into `buf`, which need not be initialised, retried on `EINTR`: the count
/// `n` read (the first `n <= buf.len()` bytes are the ones the kernel wrote) or the
/// error, as [`read_count`] decodes it.
fn read_uninit(fd: libc::c_int, buf: &mut [MaybeUninit<u8>]) -> ReadRet {
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        let rc = unsafe { call::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        match rc {
            Err(Errno::EINTR) => {}
            other => return read_ret(other),
        }
    }
}

/// What [`read_uninit`] returns. On x86_64 one register, the count or, below zero, the
/// error, rather than a `Result` returned through memory (smcrouted -120 B); elsewhere the
/// `Result` (mipsel: the register form is +64 B).
#[cfg(target_arch = "x86_64")]
type ReadRet = isize;
#[cfg(not(target_arch = "x86_64"))]
type ReadRet = Result<usize, Errno>;

/// A read's result as [`ReadRet`].
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn read_ret(rc: Result<usize, Errno>) -> ReadRet {
    match rc {
        Ok(n) => n as isize,
        // `-errno`, with the sign bit kept for a stray errno 0.
        Err(e) => (e.get() as isize).wrapping_neg() | isize::MIN,
    }
}
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn read_ret(rc: Result<usize, Errno>) -> ReadRet {
    rc
}

/// [`read_uninit`]'s result as a `Result`: `Ok(n)` bytes read, or the error.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn read_count(rc: ReadRet) -> Result<usize, Errno> {
    if rc < 0 {
        Err(Errno::new(rc.wrapping_neg() as i32))
    } else {
        Ok(rc as usize)
    }
}
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn read_count(rc: ReadRet) -> Result<usize, Errno> {
    rc
}

/// A buffer of `N` bytes that `read(2)` fills: not cleared when made, since only the
/// bytes the last read wrote are ever looked at.
pub struct ReadBuf<const N: usize> {
    buf: [MaybeUninit<u8>; N],
}

impl<const N: usize> ReadBuf<N> {
    /// An empty buffer (its bytes uninitialised).
    pub const fn new() -> Self {
        Self {
            buf: [MaybeUninit::uninit(); N],
        }
    }

    /// `read(2)` from `fd` into the buffer, retried on `EINTR`; the bytes read (empty at
    /// end of file).
    pub fn read(&mut self, fd: libc::c_int) -> Result<&[u8], Errno> {
        let n = read_count(read_uninit(fd, &mut self.buf))?;
        // SAFETY: `read(2)` returns at most the `N` bytes asked for, and wrote
        // (initialised) those `n`; they stay as written while the result borrows `self`.
        Ok(unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), n) })
    }

    /// Reads from `fd` until `last` is among the bytes read, the buffer is full, or no
    /// byte comes for `ms` milliseconds (or a read fails or ends); the bytes read. A
    /// terminal's answer to a query, which may come in pieces.
    pub fn read_until(&mut self, fd: libc::c_int, last: u8, ms: libc::c_int) -> &[u8] {
        // Bytes read so far: the buffer is initialised up to `len`.
        let mut len = 0;
        while let Some(free) = self.buf.get_mut(len..).filter(|free| !free.is_empty()) {
            if unix::wait_readable(fd, ms) != Ok(true) {
                break;
            }
            match read_count(read_uninit(fd, free)) {
                Ok(n) if n > 0 => len += n,
                _ => break,
            }
            if crate::fmt::has_byte(self.first(len), last) {
                break;
            }
        }
        self.first(len)
    }

    /// The first `len` bytes, which reads wrote (`len <= N`).
    fn first(&self, len: usize) -> &[u8] {
        // SAFETY: the callers' reads wrote (initialised) the first `len <= N` bytes, and
        // they stay as written while the result borrows `self`.
        unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), len) }
    }

    /// What a read of `bytes` (its first `N`) would give: input recorded for tests.
    #[cfg(test)]
    pub fn fill(&mut self, bytes: &[u8]) -> &[u8] {
        let n = bytes.len().min(N);
        for (to, &b) in self.buf.iter_mut().zip(&bytes[..n]) {
            *to = MaybeUninit::new(b);
        }
        // SAFETY: the loop initialised the first `n <= N` bytes.
        unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), n) }
    }
}

impl<const N: usize> Default for ReadBuf<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes to standard output (best effort).
pub fn stdout(s: &[u8]) {
    let _ = write_all_raw(1, s);
}

/// Writes to standard error (best effort).
pub fn stderr(s: &[u8]) {
    let _ = write_all_raw(2, s);
}

/// Bytes an [`FdWriter`] buffers: a `show` table of `smcroutectl` goes out in a few
/// writes.
const FD_WRITER_BUF: usize = 4096;

/// The state of a buffered writer to a descriptor, whose buffer its owner keeps and
/// passes in: one copy of the buffering for `smcroutectl`'s standard output
/// ([`FdWriter`]) and the daemon's IPC replies, whose buffer lives in a static (two
/// copies of it before: multicall x86_64 -144 B, MIPS16e .text -96 B).
///
/// `repr(C)`, the descriptor first and the length last (the compiler's own order put the
/// length first): smcrouted x86_64 -32 B, MIPS16e -32 B.
#[repr(C)]
pub struct WriteBuf {
    fd: libc::c_int,
    /// `send(MSG_NOSIGNAL)` rather than `write`.
    to_socket: bool,
    /// A send to the socket failed: nothing more is sent (a peer that does not read
    /// would cost a send timeout per piece). Never set for a file.
    failed: bool,
    len: usize,
}

impl WriteBuf {
    /// Nothing buffered yet for `fd`, a socket if `to_socket`.
    pub const fn new(fd: libc::c_int, to_socket: bool) -> Self {
        Self {
            fd,
            to_socket,
            failed: false,
            len: 0,
        }
    }

    /// Whether a send to the socket failed.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Appends `bytes` to `buf` (never empty), writing it out whenever it is full and
    /// more follows (a byte stream: where it is cut does not matter).
    #[inline]
    pub fn put(&mut self, buf: &mut [u8], bytes: &[u8]) {
        // SAFETY: a `u8` is a `MaybeUninit<u8>` that is initialised; `put_into` only
        // writes initialised bytes, so `buf` stays initialised.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        // SAFETY: every byte of `buf` is initialised.
        unsafe { self.put_into(buf, bytes) }
    }

    /// Writes out what `buf` holds.
    #[inline]
    pub fn flush(&mut self, buf: &[u8]) {
        // SAFETY: a `u8` is a `MaybeUninit<u8>` that is initialised; read only.
        let buf = unsafe { &*(buf as *const [u8] as *const [MaybeUninit<u8>]) };
        // SAFETY: every byte of `buf` is initialised.
        unsafe { self.flush_from(buf) }
    }

    /// [`put`](Self::put) into a buffer that need not be initialised past what was put
    /// into it: [`FdWriter`]'s, not cleared when made.
    ///
    /// # Safety
    /// The first bytes of `buf`, as many as are buffered, are initialised (it is the
    /// buffer of every `put_into` since the last flush, or initialised throughout).
    #[inline(never)]
    unsafe fn put_into(&mut self, buf: &mut [MaybeUninit<u8>], mut bytes: &[u8]) {
        loop {
            let n = buf.len().saturating_sub(self.len).min(bytes.len());
            let (now, rest) = bytes.split_at(n);
            // SAFETY: a `u8` is a `MaybeUninit<u8>` that is initialised; read only.
            let now = unsafe { &*(now as *const [u8] as *const [MaybeUninit<u8>]) };
            if let Some(dst) = buf.get_mut(self.len..self.len + n) {
                dst.copy_from_slice(now);
            }
            self.len += n;
            if rest.is_empty() {
                return;
            }
            // SAFETY: the caller's buffered bytes and this call's are initialised.
            unsafe { self.flush_from(buf) };
            bytes = rest;
        }
    }

    /// [`flush`](Self::flush) from the buffer of [`put_into`](Self::put_into).
    ///
    /// # Safety
    /// As for `put_into`: the first bytes of `buf`, as many as are buffered, are
    /// initialised.
    #[inline(never)]
    unsafe fn flush_from(&mut self, buf: &[MaybeUninit<u8>]) {
        let held = buf.get(..self.len).unwrap_or(&[]);
        // SAFETY: the caller's promise: these bytes are initialised.
        let held = unsafe { &*(held as *const [MaybeUninit<u8>] as *const [u8]) };
        if !self.failed && put_all(self.fd, held, self.to_socket).is_err() {
            self.failed = self.to_socket;
        }
        self.len = 0;
    }
}

/// Buffered writer to a raw descriptor, flushed on drop: `smcroutectl`'s standard output.
pub struct FdWriter {
    state: WriteBuf,
    /// Not cleared when made: only what `put` wrote is written out.
    buf: [MaybeUninit<u8>; FD_WRITER_BUF],
}

impl FdWriter {
    /// Writer to standard output.
    pub const fn stdout() -> Self {
        Self::new(1)
    }

    /// Writer to standard error.
    pub const fn stderr() -> Self {
        Self::new(2)
    }

    const fn new(fd: libc::c_int) -> Self {
        Self {
            state: WriteBuf::new(fd, false),
            buf: [MaybeUninit::uninit(); FD_WRITER_BUF],
        }
    }

    /// Writes out what is buffered. This and `put` (and the daemon's reply `put`) in line
    /// on x86_64, where each is a call anyway (-26 B, standalone `smcroutectl` -48 B);
    /// calls on MIPS16e, where LLVM put copies of their bodies at each use (+80 B in
    /// each program).
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    pub fn flush(&mut self) {
        // SAFETY: only `put_into` writes the buffer, which it is given on every call.
        unsafe { self.state.flush_from(&self.buf) };
    }

    /// Buffers `bytes`, writing the buffer out whenever it fills.
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    pub fn put(&mut self, bytes: &[u8]) {
        // SAFETY: only `put_into` writes the buffer, which it is given on every call.
        unsafe { self.state.put_into(&mut self.buf, bytes) };
    }
}

impl ufmt::uWrite for FdWriter {
    type Error = core::convert::Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        self.put(s.as_bytes());
        Ok(())
    }
}

impl Drop for FdWriter {
    fn drop(&mut self) {
        self.flush();
    }
}

/// `_exit(2)`-free process exit through libc `exit(3)` (runs atexit handlers, flushes).
pub fn exit(code: i32) -> ! {
    // SAFETY: `exit` never returns and has no preconditions.
    unsafe { libc::exit(code) }
}

/// `abort(3)`.
pub fn abort() -> ! {
    // SAFETY: `abort` never returns and has no preconditions.
    unsafe { libc::abort() }
}

pub mod call;
pub mod cell;
pub mod clock;
pub mod fs;
pub mod log;
pub mod notify;
pub mod poll;
pub mod privs;
pub mod process;
pub mod signal;

/// `open(path, O_RDONLY | O_CLOEXEC)`.
pub fn open_read(path: &str) -> Result<Fd, Errno> {
    fs::open(path, libc::O_RDONLY, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_str_bytes_stop_at_the_nul() {
        for s in [c"", c"a", c"eth0", c"/etc/smcroute.conf"] {
            // SAFETY: a C string literal, NUL-terminated and static.
            assert_eq!(unsafe { c_str_bytes(s.as_ptr()) }, s.to_bytes());
        }
        let bytes = b"ab\0cd\0";
        // SAFETY: `bytes` holds a NUL after `ab` and lives for the call.
        assert_eq!(unsafe { c_str_bytes(bytes.as_ptr().cast()) }, b"ab");
    }

    /// A `ReadBuf` yields exactly the bytes each read wrote (no more, nothing stale from
    /// a longer earlier read), and nothing at end of file.
    #[test]
    fn read_buf_yields_what_was_read() {
        let mut fds = [0; 2];
        // SAFETY: `fds` is two writable `int`s.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (reader, writer) = (Fd::from_raw(fds[0]), Fd::from_raw(fds[1]));
        let mut buf = ReadBuf::<8>::new();
        write_all_raw(writer.raw(), b"longer!").unwrap();
        assert_eq!(buf.read(reader.raw()).unwrap(), b"longer!");
        write_all_raw(writer.raw(), b"ab").unwrap();
        assert_eq!(buf.read(reader.raw()).unwrap(), b"ab");
        write_all_raw(writer.raw(), b"0123456789").unwrap();
        assert_eq!(buf.read(reader.raw()).unwrap(), b"01234567");
        assert_eq!(buf.read(reader.raw()).unwrap(), b"89");
        // In pieces up to the last byte; what is in the buffer is all read.
        write_all_raw(writer.raw(), b"\x1b[1").unwrap();
        let mut reply = ReadBuf::<8>::new();
        assert_eq!(reply.read_until(reader.raw(), b'R', 0), b"\x1b[1");
        write_all_raw(writer.raw(), b"ab").unwrap();
        write_all_raw(writer.raw(), b"Rcd").unwrap();
        write_all_raw(writer.raw(), b"x").unwrap();
        assert_eq!(reply.read_until(reader.raw(), b'R', 0), b"abRcdx");
        // Up to a full buffer, without a last byte.
        write_all_raw(writer.raw(), b"0123456789").unwrap();
        assert_eq!(reply.read_until(reader.raw(), b'R', 0), b"01234567");
        drop(writer);
        assert_eq!(reply.read_until(reader.raw(), b'R', 0), b"89");
        assert_eq!(buf.read(reader.raw()).unwrap(), b"");
        assert_eq!(buf.fill(b"0123456789"), b"01234567");
        assert_eq!(buf.fill(b"x"), b"x");
    }

    /// Reads what is in the pipe `reader` (up to 8 KiB).
    fn drain(reader: &Fd) -> std::vec::Vec<u8> {
        let mut got = std::vec::Vec::new();
        let mut buf = ReadBuf::<8192>::new();
        while unix::wait_readable(reader.raw(), 0) == Ok(true) {
            let read = buf.read(reader.raw()).unwrap();
            if read.is_empty() {
                break;
            }
            got.extend_from_slice(read);
        }
        got
    }

    /// A writer's uncleared buffer writes out exactly what was put, in order, across
    /// fills; so does a caller's buffer of bytes (the daemon's replies).
    #[test]
    fn write_buf_writes_what_was_put() {
        let mut fds = [0; 2];
        // SAFETY: `fds` is two writable `int`s.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (reader, writer) = (Fd::from_raw(fds[0]), Fd::from_raw(fds[1]));
        let mut want = std::vec::Vec::new();
        let mut out = FdWriter::new(writer.raw());
        for i in 0..700u32 {
            let piece = [b'a' + (i % 26) as u8; 7];
            out.put(&piece);
            want.extend_from_slice(&piece);
        }
        drop(out);
        assert_eq!(drain(&reader), want);
        let mut state = WriteBuf::new(writer.raw(), false);
        let mut buf = [0xff; 8];
        state.put(&mut buf, b"0123456789");
        state.put(&mut buf, b"ab");
        state.flush(&buf);
        assert_eq!(drain(&reader), b"0123456789ab");
    }
}
