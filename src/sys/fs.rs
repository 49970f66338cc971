//! Files: reading the conf, `glob(3)` for `include` (a walker of our own, but glibc's
//! on glibc), the PID file, and the NUL-terminated path buffers every other `sys`
//! module uses to pass `&str` to C.

use core::ffi::{c_char, CStr};
use core::mem::MaybeUninit;

use ufmt::{uDisplay, uWrite, Formatter};

use super::Fd;
use crate::errno::Errno;

// ===== NUL-terminated copies =====

/// A NUL-terminated copy of a string in a fixed buffer of `N` bytes (so at most `N - 1`
/// characters), for passing to C without an allocator.
pub struct CStrBuf<const N: usize> {
    /// A NUL-terminated string from the first byte, every byte of it up to its NUL
    /// initialised; the bytes after the NUL may not be. Not zero-filled when made: the
    /// buffers are made for one call each, a fill of a quarter kilobyte apiece.
    buf: [MaybeUninit<u8>; N],
}

/// Longest path we pass to the kernel, NUL included. Longer paths are refused with
/// `ENAMETOOLONG` rather than truncated.
pub const PATH_BUF: usize = 256;

/// A path ready for a syscall.
pub type CPath = CStrBuf<PATH_BUF>;

impl<const N: usize> CStrBuf<N> {
    /// Copies `s` and appends the NUL. `ENAMETOOLONG` if it does not fit, `EINVAL` if it
    /// contains a NUL itself (C would silently cut it there). Returning the buffer moves
    /// it (a copy through the `Result`); the syscall wrappers use [`Self::empty`] and
    /// [`Self::set`] instead.
    pub fn new(s: &str) -> Result<Self, Errno> {
        let mut c = Self::empty();
        c.set(&[s])?;
        Ok(c)
    }

    /// The empty string, to be [`set`](Self::set) in place (no copy of the buffer).
    pub const fn empty() -> Self {
        // There must be room for the NUL.
        const { assert!(N > 0) };
        let mut buf = [MaybeUninit::uninit(); N];
        buf[0] = MaybeUninit::new(0);
        Self { buf }
    }

    /// Makes the string the concatenation of `parts`, with the errors of [`Self::new`]
    /// (checked part by part); the empty string on error.
    pub fn set(&mut self, parts: &[&str]) -> Result<(), Errno> {
        fill_nul_terminated(&mut self.buf, parts)
    }

    /// The string as a C string.
    pub fn as_cstr(&self) -> &CStr {
        // SAFETY: `buf` holds a NUL-terminated string from its first byte, initialised
        // up to its NUL (`empty` and `fill_nul_terminated` keep it so, see `buf`), and
        // `as_ptr` points at it for as long as `self` is borrowed.
        unsafe { CStr::from_ptr(self.as_ptr()) }
    }

    /// Pointer to the NUL-terminated string, valid while `self` lives. The string
    /// always ends inside the buffer: `empty` writes its NUL, and `fill_nul_terminated`
    /// ends every string it writes, even after a failure (then the empty one).
    pub fn as_ptr(&self) -> *const c_char {
        self.buf.as_ptr().cast()
    }
}

/// [`CStrBuf::set`] for every `N`: one out-of-line copy. Writes characters only below
/// `buf.len() - 1` (`end < cap`), so the NUL always fits after them; on an error it
/// leaves the empty string (a NUL first).
#[inline(never)]
fn fill_nul_terminated(buf: &mut [MaybeUninit<u8>], parts: &[&str]) -> Result<(), Errno> {
    let cap = buf.len();
    let mut len = 0;
    let filled = 'fill: {
        for part in parts {
            let bytes = part.as_bytes();
            if crate::fmt::has_byte(bytes, 0) {
                break 'fill Err(Errno::EINVAL);
            }
            let end = len + bytes.len();
            match buf.get_mut(len..end) {
                Some(dst) if end < cap => {
                    for (to, &byte) in dst.iter_mut().zip(bytes) {
                        *to = MaybeUninit::new(byte);
                    }
                }
                _ => break 'fill Err(Errno::new(libc::ENAMETOOLONG)),
            }
            len = end;
        }
        Ok(())
    };
    // The NUL after the parts, or first of all on an error.
    let end = if filled.is_ok() { len } else { 0 };
    if let Some(nul) = buf.get_mut(end) {
        *nul = MaybeUninit::new(0);
    }
    filled
}

// ===== reading =====

/// Error returned by [`read_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// `open` or `read` failed (`ENOENT` when the file does not exist).
    Os(Errno),
    /// The file is larger than the buffer, which holds this many bytes.
    TooBig {
        /// Size of the caller's buffer.
        max: usize,
    },
}

impl uDisplay for ReadError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match self {
            Self::Os(e) => ufmt::uwrite!(f, "{}", e),
            Self::TooBig { max } => ufmt::uwrite!(f, "File too large (max {} bytes)", *max),
        }
    }
}

/// `open(path, O_RDONLY | O_CLOEXEC)`, then `read` until end of file: reads the whole
/// file into `buf` and returns its length. A file that does not fit is an error, never
/// silently cut.
///
/// # References
/// `man 2 open`, `man 2 read`
pub fn read_file(path: &str, buf: &mut [u8]) -> Result<usize, ReadError> {
    let fd = open(path, libc::O_RDONLY, 0).map_err(ReadError::Os)?;
    let mut len = 0;
    loop {
        let Some(rest) = buf.get_mut(len..).filter(|rest| !rest.is_empty()) else {
            // Full: one more byte tells "exactly full" from "too big".
            let more = super::read(&fd, &mut [0u8; 1]).map_err(ReadError::Os)?;
            return if more == 0 {
                Ok(len)
            } else {
                Err(ReadError::TooBig { max: buf.len() })
            };
        };
        match super::read(&fd, rest).map_err(ReadError::Os)? {
            0 => return Ok(len),
            n => len += n,
        }
    }
}

/// Longest line [`for_each_line`] hands out, newline excluded.
pub const TEXT_LINE_MAX: usize = 1023;

/// Reads the text file `path` through a fixed buffer and calls `f` with each line,
/// without its newline, until `f` returns false or the file ends. Files of any size are
/// read; a line longer than [`TEXT_LINE_MAX`] is skipped whole. One copy for every caller
/// (`dyn`), the conf loader's [`lines_of`] included.
///
/// # Errors
/// `open` or `read` failed (`ENOENT` when the file does not exist).
pub fn for_each_line(path: &str, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), Errno> {
    let fd = open(path, libc::O_RDONLY, 0)?;
    let mut buf = [0u8; TEXT_LINE_MAX + 1];
    lines_of(&fd, &mut buf, &mut |line| {
        line.is_none_or(|(bytes, _)| f(bytes))
    })
}

/// A line [`lines_of`] hands out: its bytes, and the same as text when it is ASCII.
pub type Line<'a> = (&'a [u8], Option<&'a str>);

/// Reads `fd` to its end through `buf` and calls `f` with each line, without its
/// newline, until `f` returns false. A line that does not fit in `buf` with its newline
/// is skipped whole: `f` gets `None` for it, once, when it is found.
///
/// An ASCII line comes with itself as text too, found so by the pass that looks for its
/// end: the conf parser then has no UTF-8 check to run on it.
///
/// # Errors
/// `read` failed; `f` has seen the lines before the failure.
pub fn lines_of(
    fd: &Fd,
    buf: &mut [u8],
    f: &mut dyn FnMut(Option<Line<'_>>) -> bool,
) -> Result<(), Errno> {
    let mut len = 0;
    // The line in progress is too long: drop it up to its newline.
    let mut skipping = false;
    loop {
        let n = super::read(fd, buf.get_mut(len..).unwrap_or(&mut []))?;
        len += n;
        let mut start = 0;
        loop {
            let rest = buf.get(start..len).unwrap_or(&[]);
            // A line ends at its newline; at the end of the file, a last line without one
            // counts too.
            let (end, text) = newline(rest);
            let end = match end {
                Some(i) => i,
                None if n == 0 && !rest.is_empty() => rest.len(),
                None => break,
            };
            let line = rest.get(..end).unwrap_or(&[]);
            if !skipping && !f(Some((line, text))) {
                return Ok(());
            }
            skipping = false;
            start += end + 1;
        }
        if n == 0 {
            return Ok(());
        }
        crate::fmt::move_to_front(buf, start, len);
        len -= start;
        if len == buf.len() {
            if !skipping && !f(None) {
                return Ok(());
            }
            skipping = true;
            len = 0;
        }
    }
}

/// The index of the first `\n` in `bytes`, skipping a machine word at a time to the one
/// that holds it: this is the one pass over every byte of a conf file, comments included.
/// Also the bytes before it (all of them, when there is none) as text if they are ASCII:
/// a word with a byte from 0x80 up is left to the byte loop too, which sees it.
fn newline(bytes: &[u8]) -> (Option<usize>, Option<&str>) {
    const WORD: usize = core::mem::size_of::<usize>();
    const ONES: usize = usize::from_le_bytes([1; WORD]);
    const NEWLINES: usize = ONES * b'\n' as usize;
    const HIGH_BITS: usize = ONES << 7;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + WORD) {
        let Ok(&word) = <&[u8; WORD]>::try_from(word) else {
            break;
        };
        // A zero byte where `bytes` has a `\n`: the word holds one if the classic
        // "has a zero byte" test is true; the byte loop below finds which. A word with
        // a high bit set stops the skip as well.
        let word = usize::from_le_bytes(word);
        let x = word ^ NEWLINES;
        if (x.wrapping_sub(ONES) & !x | word) & HIGH_BITS != 0 {
            break;
        }
        at += WORD;
    }
    let mut seen = 0;
    let found = loop {
        match bytes.get(at) {
            Some(b'\n') => break Some(at),
            Some(&b) => seen |= b,
            None => break None,
        }
        at += 1;
    };
    if seen >= 0x80 {
        return (found, None);
    }
    let line = bytes.get(..at).unwrap_or(bytes);
    // SAFETY: every byte of `line` is below 0x80 (the words skipped had no high bit, the
    // byte loop saw the rest), and ASCII is UTF-8.
    let text = unsafe { core::str::from_utf8_unchecked(line) };
    (found, Some(text))
}

/// A system call on one path name.
#[derive(Clone, Copy)]
enum PathCall {
    /// `open(path, flags | O_CLOEXEC, mode)`.
    Open(libc::c_int, libc::mode_t),
    /// `access(path, mode)`.
    Access(libc::c_int),
    /// `unlink(path)`.
    Unlink,
    /// `utimensat(AT_FDCWD, path, NULL, 0)`.
    Touch,
    /// `chown(path, uid, gid)`.
    Chown(u32, u32),
}

/// Makes `call` on `path`: one copy of the C string set-up (the buffer, the copy,
/// its checks) for every call on a path name.
#[cfg(not(target_os = "linux"))]
#[inline(never)]
fn path_call(path: &str, call: PathCall) -> Result<libc::c_int, Errno> {
    let mut c = CPath::empty();
    c.set(&[path])?;
    let path = c.as_ptr();
    match call {
        // SAFETY: `path` is NUL-terminated (set above) and `c` outlives the call.
        PathCall::Open(flags, mode) => unsafe {
            super::call::open(path, flags | libc::O_CLOEXEC, mode)
        },
        // SAFETY: as for `Open`.
        PathCall::Access(mode) => unsafe { super::call::access(path, mode) },
        // SAFETY: as for `Open`.
        PathCall::Unlink => unsafe { super::call::unlink(path) },
        // SAFETY: as for `Open`; a null `times` means "now".
        PathCall::Touch => unsafe { super::call::utimensat_now(path) },
        // SAFETY: as for `Open`.
        PathCall::Chown(uid, gid) => unsafe { super::call::chown(path, uid, gid) },
    }
}

/// Makes `call` on `path`. On Linux every call is an `*at` system call of `AT_FDCWD`,
/// the path and at most three more arguments (the calls of [`super::call`]: the same
/// numbers and arguments), so it is data: a number and two arguments, found here in
/// line (each caller's call is a constant) and made by one out-of-line [`at_call`], not
/// one in-line call per kind (x86_64 smcrouted -152 B).
#[cfg(target_os = "linux")]
#[inline(always)]
fn path_call(path: &str, call: PathCall) -> Result<libc::c_int, Errno> {
    use libc::c_long;
    let (nr, a, b) = match call {
        // `O_LARGEFILE`, as musl's `open` adds it (see `call::open`).
        PathCall::Open(flags, mode) => (
            libc::SYS_openat,
            (flags | libc::O_LARGEFILE | libc::O_CLOEXEC) as c_long,
            mode as c_long,
        ),
        PathCall::Access(mode) => (libc::SYS_faccessat, mode as c_long, 0),
        PathCall::Unlink => (libc::SYS_unlinkat, 0, 0),
        // A null `times` means "now". (musl's `utimensat` converts `times` between
        // `time_t` widths and retries with `utimensat_time64`, ~800 B static; with null
        // `times` it makes this very call.)
        PathCall::Touch => (libc::SYS_utimensat, 0, 0),
        PathCall::Chown(uid, gid) => (libc::SYS_fchownat, uid as c_long, gid as c_long),
    };
    at_call(path, nr, a, b)
}

/// System call `nr` of `AT_FDCWD`, `path`, `a`, `b` and 0: one copy of the C string
/// set-up (the buffer, the copy, its checks) and of the call for every call on a path
/// name (see [`path_call`]).
#[cfg(target_os = "linux")]
#[inline(never)]
fn at_call(
    path: &str,
    nr: libc::c_long,
    a: libc::c_long,
    b: libc::c_long,
) -> Result<libc::c_int, Errno> {
    let mut c = CPath::empty();
    c.set(&[path])?;
    let dirfd = libc::AT_FDCWD as libc::c_long;
    // SAFETY: `c` is NUL-terminated (set above) and outlives the call; the arguments after
    // it are integers (`utimensat`'s null `times` and the flags of `unlinkat`,
    // `utimensat` and `fchownat` are 0; the calls that take fewer ignore the rest).
    let rc = unsafe { syscall!(nr, dirfd, c.as_ptr(), a, b, 0 as libc::c_long) };
    rc.map(|n| n as libc::c_int)
}

/// `open(path, flags | O_CLOEXEC, mode)`.
pub(super) fn open(path: &str, flags: libc::c_int, mode: libc::mode_t) -> Result<Fd, Errno> {
    // The returned descriptor is new and owned by nobody else, so `Fd` may take it.
    path_call(path, PathCall::Open(flags, mode)).map(Fd::from_raw)
}

// ===== glob =====

/// `glob(pattern, 0, NULL, &g)` for `include`: calls `f` with each matching path in
/// sorted order (see `walk_glob` for the rules and errors). On glibc that is glibc's
/// own `glob(3)` ([`system_glob`]), SMCRoute's very call: the program links glibc
/// dynamically, so it costs nothing, where our walker is 2 KB of code. The static musl
/// programs, which would link `glob` with `malloc` and `qsort`, walk the directories
/// themselves; so do the unit tests, which compare the two.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
pub use self::system_glob as glob;
/// See the glibc variant: everywhere else, and in the tests, [`walk_glob`].
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
pub use self::walk_glob as glob;

/// glibc's `glob(pattern, 0, NULL, &g)`, with the walker's edges: the same errors for the
/// pattern, and paths that are not UTF-8 or would not fit in a [`CPath`] skipped, as is
/// a file named by a pattern ending with `/`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn system_glob(pattern: &str, f: &mut impl FnMut(&str)) -> Result<(), Errno> {
    let mut c = CPath::empty();
    c.set(&[pattern])?;
    let mut found = GlobList::new();
    // SAFETY: `c` is NUL-terminated and `found.0` a live, empty `glob_t`, which `Drop`
    // frees whatever `glob` returns.
    let rc = unsafe { first_glob(c.as_ptr(), 0, None, &mut found.0) };
    if rc != 0 {
        // `GLOB_NOMATCH`, or `GLOB_NOSPACE`/`GLOB_ABORTED`: nothing to include, as an
        // unreadable directory is nothing to our walker.
        return Ok(());
    }
    // The last byte, not `ends_with`: a second caller of that would take it out of line
    // in the interface lookup, which start-up runs 5,000 times.
    let dirs_only = pattern.as_bytes().last() == Some(&b'/');
    let paths = found.0.gl_pathv;
    for i in 0..found.0.gl_pathc {
        // SAFETY: `gl_pathv` holds `gl_pathc` entries after a successful `glob`, and
        // `i < gl_pathc`.
        let ptr = unsafe { *paths.wrapping_add(i) };
        // No null test: without `GLOB_DOOFFS` the first `gl_pathc` entries are the paths
        // (`man 3 glob`); only the one after them is null.
        // SAFETY: each entry is a NUL-terminated string owned by `found`, which lives
        // until the loop ends.
        let bytes = unsafe { super::c_str_bytes(ptr) };
        // glibc gives `dir/file` for the pattern `dir/file/` (a file is no directory);
        // the walker, as musl, gives directories only, with their slash.
        let kept = bytes.len() < PATH_BUF && (!dirs_only || bytes.last() == Some(&b'/'));
        if kept {
            if let Some(path) = crate::fmt::as_utf8(bytes) {
                f(path);
            }
        }
    }
    Ok(())
}

#[cfg(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64"))]
extern "C" {
    /// glibc's `glob`, on x86_64 by its first version. glibc 2.27 added a GLIBC_2.27 `glob`
    /// that differs from the first only with `GLOB_ALTDIRFUNC` (it calls the caller's
    /// `gl_lstat` where the first calls `gl_stat`: glibc's `glob-lstat-compat.c`); with no
    /// flags the two are the same (`glob_agrees_with_libc` compares them), and the program
    /// needs no GLIBC_2.27 version (-32 B).
    #[link_name = "glob@GLIBC_2.2.5"]
    fn first_glob(
        pattern: *const libc::c_char,
        flags: libc::c_int,
        errfunc: Option<extern "C" fn(*const libc::c_char, libc::c_int) -> libc::c_int>,
        pglob: *mut libc::glob_t,
    ) -> libc::c_int;
}
#[cfg(all(target_os = "linux", target_env = "gnu", not(target_arch = "x86_64")))]
use libc::glob as first_glob;

/// A `glob_t`, freed when dropped.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
struct GlobList(libc::glob_t);

#[cfg(all(target_os = "linux", target_env = "gnu"))]
impl GlobList {
    fn new() -> Self {
        // SAFETY: `glob_t` is plain data; all zero is the empty list `globfree` accepts.
        Self(unsafe { core::mem::zeroed() })
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
impl Drop for GlobList {
    fn drop(&mut self) {
        // SAFETY: `self.0` is empty or filled by `glob`, and freed only here.
        unsafe { libc::globfree(&mut self.0) };
    }
}

/// `glob(pattern, 0, NULL, &g)` without libc's `glob` (which allocates, and sorts with
/// `qsort`): calls `f` with each matching path in sorted (byte) order. No match calls
/// nothing (`GLOB_NOCHECK` is off); a path that is not UTF-8 is skipped; unreadable
/// directories are ignored, as `glob` does without `GLOB_ERR`. The wildcards are
/// [`crate::glob`]'s; they may appear in directory components too.
///
/// Nothing is allocated: the path is built in one fixed buffer, and each directory with a
/// wildcard component is read once per match, picking the smallest matching name above
/// the last one emitted. That costs time quadratic in the directory's size, fine for the
/// few files of a `conf.d`. Components without wildcards are not read: the final path
/// must then exist (`lstat`, so a dangling symlink counts, as in musl).
///
/// # Errors
/// `ENAMETOOLONG` for a pattern of [`PATH_BUF`] bytes or more, `EINVAL` for one with a
/// NUL. Matches whose path would not fit are skipped.
///
/// # References
/// `man 3 glob`, `man 7 glob`
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
pub fn walk_glob(pattern: &str, f: &mut impl FnMut(&str)) -> Result<(), Errno> {
    let pattern = pattern.as_bytes();
    if crate::fmt::has_byte(pattern, 0) {
        return Err(Errno::EINVAL);
    }
    if pattern.len() >= PATH_BUF {
        return Err(Errno::new(libc::ENAMETOOLONG));
    }
    let mut path = GlobPath {
        buf: [0; PATH_BUF],
        len: 0,
    };
    walk(&mut path, pattern, f);
    Ok(())
}

/// The path matched so far, NUL-terminated on demand; `len < PATH_BUF` always.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
struct GlobPath {
    buf: [u8; PATH_BUF],
    len: usize,
}

#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
impl GlobPath {
    /// Appends `b`; false (and unchanged) if the path would not fit with its NUL.
    fn push(&mut self, b: u8) -> bool {
        match self.buf.get_mut(self.len) {
            Some(slot) if self.len + 1 < PATH_BUF => {
                *slot = b;
                self.len += 1;
                true
            }
            _ => false,
        }
    }

    /// Writes `name` at `start` (beyond `len`, as scratch); false if it would not fit.
    fn put_at(&mut self, start: usize, name: &[u8]) -> bool {
        let end = start + name.len();
        match self.buf.get_mut(start..end) {
            Some(dst) if end < PATH_BUF => {
                dst.copy_from_slice(name);
                true
            }
            _ => false,
        }
    }

    fn at(&self, start: usize, len: usize) -> &[u8] {
        self.buf.get(start..start + len).unwrap_or(&[])
    }

    /// The path as a C string; the empty path is the current directory.
    fn as_cstr(&mut self) -> &CStr {
        if self.len == 0 {
            return c".";
        }
        if let Some(end) = self.buf.get_mut(self.len) {
            *end = 0;
        }
        let bytes = self.buf.get(..=self.len).unwrap_or(b"\0");
        // SAFETY: `bytes` ends with the NUL just written and has none before it: the
        // pattern was checked for NUL, and directory entry names end at their first one.
        unsafe { CStr::from_bytes_with_nul_unchecked(bytes) }
    }

    /// The path exists, counting a dangling symlink (what `lstat` succeeding means):
    /// `access(F_OK)`, else `readlink`. Not `lstat` itself: on 32-bit musl its `stat`
    /// conversion code is 1.2 KB of a static program.
    fn exists(&mut self) -> bool {
        let path = self.as_cstr();
        // SAFETY: `path` is NUL-terminated and outlives the call.
        if unsafe { super::call::access(path.as_ptr(), libc::F_OK) }.is_ok() {
            return true;
        }
        let mut target = [0u8; 1];
        // SAFETY: `path` is NUL-terminated; `target` is writable for the length passed.
        let rc = unsafe {
            super::call::readlink(path.as_ptr(), target.as_mut_ptr().cast(), target.len())
        };
        rc.is_ok()
    }

    fn emit(&self, f: &mut impl FnMut(&str)) {
        if let Some(path) = crate::fmt::as_utf8(self.at(0, self.len)) {
            f(path);
        }
    }
}

/// Follows `pattern` from `path` (which is empty or ends with `/`): components without
/// wildcards are appended as they are, the first one with wildcards reads its directory.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn walk(path: &mut GlobPath, mut pattern: &[u8], f: &mut impl FnMut(&str)) {
    loop {
        let (component, rest) = match pattern.iter().position(|&b| b == b'/') {
            Some(i) => (
                pattern.get(..i).unwrap_or(&[]),
                Some(pattern.get(i + 1..).unwrap_or(&[])),
            ),
            None => (pattern, None),
        };
        if crate::glob::has_wildcard(component) {
            return each_match(path, component, rest, f);
        }
        let mut fits = true;
        crate::glob::unescape(component, &mut |b| fits &= path.push(b));
        match rest {
            Some(rest) if fits && path.push(b'/') => pattern = rest,
            // The last component: a trailing `/` made it `dir/`, which only a directory
            // (or a link to one) satisfies.
            None if fits && path.exists() => return path.emit(f),
            _ => return,
        }
    }
}

/// Longest file name (`NAME_MAX`) plus one.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
const NAME_BUF: usize = 256;

/// The entries of directory `path` matching `component`, in sorted order: each is either
/// emitted (last component) or followed by `/` and the `rest` of the pattern.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn each_match(
    path: &mut GlobPath,
    component: &[u8],
    rest: Option<&[u8]>,
    f: &mut impl FnMut(&str),
) {
    use crate::glob::{matches, path_order};
    use core::cmp::Ordering::{Greater, Less};

    let start = path.len;
    let Ok(mut dir) = Dir::open(path.as_cstr()) else {
        return;
    };
    let followed = rest.is_some();
    let mut last = [0u8; NAME_BUF];
    let mut last_len: Option<usize> = None;
    loop {
        // The smallest matching name above `last`, kept in `path` beyond `start`.
        let mut best_len: Option<usize> = None;
        dir.rewind();
        while let Some(name) = dir.next_name() {
            let above_last = last_len.is_none_or(|l| {
                path_order(name, last.get(..l).unwrap_or(&[]), followed) == Greater
            });
            let below_best =
                best_len.is_none_or(|b| path_order(name, path.at(start, b), followed) == Less);
            if above_last && below_best && matches(component, name) && path.put_at(start, name) {
                best_len = Some(name.len());
            }
        }
        let Some(len) = best_len else {
            return;
        };
        path.len = start + len;
        match last.get_mut(..len) {
            Some(dst) => dst.copy_from_slice(path.at(start, len)),
            None => return,
        }
        last_len = Some(len);
        match rest {
            Some(rest) => {
                if path.push(b'/') {
                    walk(path, rest, f);
                }
            }
            None => path.emit(f),
        }
        path.len = start;
    }
}

/// Bytes of directory entries read per `getdents64` call: room for several entries, and
/// more than the largest one (19 bytes of header, a 255-byte name, NUL and padding).
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
#[cfg(target_os = "linux")]
const DIRENT_BUF: usize = 1024;

/// A directory being listed with `getdents64` into a fixed buffer (musl's `opendir`
/// allocates its `DIR`). The buffer is not cleared: only its first `len` bytes, the ones
/// the last `getdents64` wrote, are ever read.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
#[cfg(target_os = "linux")]
struct Dir {
    fd: Fd,
    buf: [MaybeUninit<u8>; DIRENT_BUF],
    /// Bytes the last `getdents64` wrote (at most `DIRENT_BUF`).
    len: usize,
    pos: usize,
}

#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
#[cfg(target_os = "linux")]
impl Dir {
    /// `open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)`.
    fn open(path: &CStr) -> Result<Self, Errno> {
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
        // SAFETY: `path` is NUL-terminated; the new descriptor is owned by the `Fd`.
        let fd = unsafe { super::call::open(path.as_ptr(), flags, 0) }?;
        Ok(Self {
            fd: Fd::from_raw(fd),
            buf: [MaybeUninit::uninit(); DIRENT_BUF],
            len: 0,
            pos: 0,
        })
    }

    /// `lseek(fd, 0, SEEK_SET)`: lists the directory again from its first entry.
    fn rewind(&mut self) {
        let _ = super::call::rewind(self.fd.raw());
        self.len = 0;
        self.pos = 0;
    }

    /// The next entry's name (`.` and `..` included); `None` at the end or on an error.
    fn next_name(&mut self) -> Option<&[u8]> {
        if self.pos >= self.len {
            let buf = self.buf.as_mut_ptr();
            // SAFETY: `buf` is valid for writes of `DIRENT_BUF` bytes; `fd` is open.
            let rc = unsafe { syscall!(libc::SYS_getdents64, self.fd.raw(), buf, DIRENT_BUF) };
            self.len = (rc.ok().filter(|&n| n > 0)? as usize).min(DIRENT_BUF);
            self.pos = 0;
        }
        // SAFETY: `getdents64` wrote the first `len` bytes (`len <= DIRENT_BUF`), and they
        // stay as written until the next call, which needs `&mut self`.
        let filled =
            unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast::<u8>(), self.len) };
        // struct linux_dirent64 { u64 d_ino; i64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
        let rec = filled.get(self.pos..)?;
        let reclen = usize::from(u16::from_ne_bytes([*rec.get(16)?, *rec.get(17)?]));
        let name = rec.get(19..reclen)?;
        self.pos += reclen;
        name.split(|&b| b == 0).next()
    }
}

/// A directory being listed with `opendir`/`readdir` (FreeBSD: size is not the concern
/// there, and its `dirent` differs from Linux's).
#[cfg(target_os = "freebsd")]
struct Dir(*mut libc::DIR);

#[cfg(target_os = "freebsd")]
impl Dir {
    fn open(path: &CStr) -> Result<Self, Errno> {
        // SAFETY: `path` is NUL-terminated; the `DIR` is ours until `Drop` closes it.
        let dir = unsafe { libc::opendir(path.as_ptr()) };
        if dir.is_null() {
            return Err(super::errno());
        }
        Ok(Self(dir))
    }

    fn rewind(&mut self) {
        // SAFETY: `self.0` is an open `DIR`.
        unsafe { libc::rewinddir(self.0) };
    }

    fn next_name(&mut self) -> Option<&[u8]> {
        // SAFETY: `self.0` is an open `DIR`.
        let entry = unsafe { libc::readdir(self.0) };
        if entry.is_null() {
            return None;
        }
        // SAFETY: a non-null `readdir` result points to a valid entry, left alone until
        // the next `readdir` on this `DIR`, which needs `&mut self`.
        let entry = unsafe { &*entry };
        // SAFETY: the entry's name is NUL-terminated within `d_name`.
        let name = unsafe { CStr::from_ptr(entry.d_name.as_ptr()) };
        Some(name.to_bytes())
    }
}

#[cfg(target_os = "freebsd")]
impl Drop for Dir {
    fn drop(&mut self) {
        // SAFETY: `self.0` is an open `DIR`, closed only here.
        unsafe { libc::closedir(self.0) };
    }
}

// ===== metadata =====

/// `access(path, F_OK)`: true if `path` names an existing file (following symlinks).
pub fn exists(path: &str) -> bool {
    access(path, libc::F_OK)
}

/// `access(path, X_OK)`: true if the real user may execute `path`, the check SMCRoute
/// makes on the `-e` script.
pub fn is_executable(path: &str) -> bool {
    access(path, libc::X_OK)
}

fn access(path: &str, mode: libc::c_int) -> bool {
    path_call(path, PathCall::Access(mode)).is_ok()
}

/// `unlink(path)`.
pub fn unlink(path: &str) -> Result<(), Errno> {
    path_call(path, PathCall::Unlink).map(drop)
}

/// `utimensat(AT_FDCWD, path, NULL, 0)`: sets the access and modification times to now.
/// The daemon touches its PID file after each reload (init systems such as Finit watch
/// the mtime to see a reload complete).
pub fn touch(path: &str) -> Result<(), Errno> {
    path_call(path, PathCall::Touch).map(drop)
}

/// `chown(path, uid, gid)`.
pub fn chown(path: &str, uid: u32, gid: u32) -> Result<(), Errno> {
    path_call(path, PathCall::Chown(uid, gid)).map(drop)
}

// ===== PID file =====

/// `open("<path>.<pid>", O_CREAT | O_TRUNC | O_NOFOLLOW)`, `fchmod(0644)`,
/// `write("<pid>\n")`, `rename(tmp, path)`: writes the PID file atomically. The temporary
/// file sits in the same directory, so the `rename` replaces `path` in one step and a
/// reader sees the old file, no file, or the complete new one, never a half-written one.
/// The temporary name carries our PID, so no other live process uses it (a leftover of a
/// dead one is overwritten; `O_NOFOLLOW` refuses a planted symlink). The temporary file
/// is removed on failure.
///
/// Left to the inliner: on x86_64 it now goes in line into the daemon's start-up, its one
/// call (-17 B .text against `inline(never)`, r22c).
pub fn write_pid_file(path: &str, pid: i32) -> Result<(), Errno> {
    // The digits, formatted once for the name and the contents, by `Dec`: the program's
    // digit loop anyway (a `ufmt` write into a string of its own size was one more copy
    // of heapless's append code). A PID is positive.
    let dec = crate::net::Dec::of(u64::from(pid.unsigned_abs()));
    let digits = dec.as_str();
    let mut target = CPath::empty();
    target.set(&[path])?;
    let mut template = CPath::empty();
    template.set(&[path, ".", digits])?;
    let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: `template` is NUL-terminated and outlives the call; the returned descriptor
    // is new and owned by nobody else, so `Fd` may take it.
    let fd = unsafe { super::call::open(template.as_ptr(), flags, 0o644) }?;
    let fd = Fd::from_raw(fd);
    let written = fill_pid_file(&fd, digits.as_bytes());
    drop(fd);
    let renamed = written.and_then(|()| {
        // SAFETY: both paths are NUL-terminated and outlive the call.
        unsafe { super::call::rename(template.as_ptr(), target.as_ptr()) }.map(drop)
    });
    if renamed.is_err() {
        // SAFETY: `template` is NUL-terminated and names the file we created.
        let _ = unsafe { super::call::unlink(template.as_ptr()) };
    }
    renamed
}

/// Makes the new PID file 0644 and writes `<digits>\n` into it.
fn fill_pid_file(fd: &Fd, digits: &[u8]) -> Result<(), Errno> {
    // Readers of a PID file expect 0644, whatever the umask made of `open`'s mode.
    super::call::fchmod(fd.raw(), 0o644)?;
    super::write_all_raw(fd.raw(), digits)?;
    super::write_all_raw(fd.raw(), b"\n")
}

/// Reads a PID file written by [`write_pid_file`] (tests and tools).
pub fn read_pid_file(path: &str) -> Result<i32, ReadError> {
    let mut buf = [0u8; 24];
    let len = read_file(path, &mut buf)?;
    let text = buf.get(..len).and_then(crate::fmt::as_utf8);
    text.and_then(|t| t.trim().parse().ok())
        .ok_or(ReadError::Os(Errno::EINVAL))
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::PathBuf;

    pub(crate) fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("smcroute-fs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn s(p: &std::path::Path) -> &str {
        p.to_str().unwrap()
    }

    #[test]
    fn cstrbuf_bounds() {
        assert_eq!(CStrBuf::<4>::new("abc").unwrap().as_cstr(), c"abc");
        assert_eq!(CStrBuf::<4>::new("").unwrap().as_cstr(), c"");
        assert_eq!(
            CStrBuf::<4>::new("abcd").err(),
            Some(Errno::new(libc::ENAMETOOLONG))
        );
        assert_eq!(CStrBuf::<4>::new("a\0b").err(), Some(Errno::EINVAL));
        // In place, from parts; a shorter string after a longer one ends at its own NUL.
        let mut c = CStrBuf::<6>::empty();
        assert_eq!(c.as_cstr(), c"");
        assert_eq!(c.set(&["ab", "cde"]), Ok(()));
        assert_eq!(c.as_cstr(), c"abcde");
        assert_eq!(c.set(&["x"]), Ok(()));
        assert_eq!(c.as_cstr(), c"x");
        assert_eq!(c.set(&["abc", "def"]), Err(Errno::new(libc::ENAMETOOLONG)));
        assert_eq!(c.set(&["a", "b\0"]), Err(Errno::EINVAL));
        // A failure leaves the empty string, NUL-terminated where `as_ptr` points.
        assert_eq!(c.as_cstr(), c"");
        assert_eq!(c.as_ptr(), c.as_cstr().as_ptr());
        assert_eq!(c.set(&["ab"]), Ok(()));
        assert_eq!(c.set(&["ab", "\0"]), Err(Errno::EINVAL));
        assert_eq!(c.as_cstr(), c"");
        let long = "x".repeat(PATH_BUF);
        assert_eq!(unlink(&long), Err(Errno::new(libc::ENAMETOOLONG)));
        assert!(!exists(&long));
    }

    #[test]
    fn reads_whole_files_and_refuses_big_ones() {
        let dir = temp_dir("read");
        let p = dir.join("f");
        std::fs::write(&p, b"hello").unwrap();
        let mut buf = [0u8; 5];
        assert_eq!(read_file(s(&p), &mut buf), Ok(5));
        assert_eq!(&buf, b"hello");
        let mut small = [0u8; 4];
        assert_eq!(
            read_file(s(&p), &mut small),
            Err(ReadError::TooBig { max: 4 })
        );
        let mut none = [0u8; 0];
        assert_eq!(
            read_file(s(&p), &mut none),
            Err(ReadError::TooBig { max: 0 })
        );
        std::fs::write(&p, b"").unwrap();
        assert_eq!(read_file(s(&p), &mut none), Ok(0));
        let missing = dir.join("missing");
        assert_eq!(
            read_file(s(&missing), &mut buf),
            Err(ReadError::Os(Errno::ENOENT))
        );
        // A directory opens but cannot be read.
        assert_eq!(
            read_file(s(&dir), &mut buf),
            Err(ReadError::Os(Errno::new(libc::EISDIR)))
        );
        let mut msg = heapless::String::<64>::new();
        ufmt::uwrite!(msg, "{}", ReadError::TooBig { max: 4 }).unwrap();
        assert_eq!(msg, "File too large (max 4 bytes)");
        msg.clear();
        ufmt::uwrite!(msg, "{}", ReadError::Os(Errno::ENOENT)).unwrap();
        assert_eq!(msg, "No such file or directory");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The paths `glob(pattern)` gives, relative to `dir` (on glibc, checked to be what
    /// its `glob` gives too).
    fn globbed(dir: &std::path::Path, pattern: &str) -> Vec<std::string::String> {
        let base = format!("{}/", s(dir));
        let mut seen = Vec::new();
        glob(&format!("{base}{pattern}"), &mut |p| {
            seen.push(p.strip_prefix(&base).unwrap().to_string())
        })
        .unwrap();
        #[cfg(target_env = "gnu")]
        {
            let mut system = Vec::new();
            system_glob(&format!("{base}{pattern}"), &mut |p| {
                system.push(p.strip_prefix(&base).unwrap().to_string())
            })
            .unwrap();
            assert_eq!(system, seen, "{pattern}");
        }
        seen
    }

    /// `Dir` reads only what `getdents64` wrote: a directory of long names spread over
    /// several buffer fills (whose last fill is shorter than the one before it, leaving
    /// stale entries beyond `len`) is listed exactly, each name once.
    #[cfg(target_os = "linux")]
    #[test]
    fn dir_lists_only_the_entries_read() {
        let dir = temp_dir("dirent");
        let mut made: Vec<std::string::String> = (0..41)
            .map(|i| format!("{i:03}-{}", "x".repeat(200)))
            .collect();
        for name in &made {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let path = std::ffi::CString::new(s(&dir)).unwrap();
        let mut listed = Vec::new();
        let mut d = Dir::open(&path).unwrap();
        for _ in 0..2 {
            listed.clear();
            while let Some(name) = d.next_name() {
                listed.push(std::str::from_utf8(name).unwrap().to_string());
            }
            listed.retain(|n| n != "." && n != "..");
            listed.sort();
            made.sort();
            assert_eq!(listed, made);
            d.rewind();
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn globs_sorted_and_quietly() {
        let dir = temp_dir("glob");
        for name in [
            "b.conf",
            "a.conf",
            "c.txt",
            "B.conf",
            "a.conf~",
            ".hidden.conf",
        ] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        assert_eq!(globbed(&dir, "*.conf"), ["B.conf", "a.conf", "b.conf"]);
        assert_eq!(globbed(&dir, "?.conf"), ["B.conf", "a.conf", "b.conf"]);
        assert_eq!(globbed(&dir, "[ab].conf"), ["a.conf", "b.conf"]);
        assert_eq!(globbed(&dir, "[!ab].*"), ["B.conf", "c.txt"]);
        assert_eq!(globbed(&dir, "a.conf*"), ["a.conf", "a.conf~"]);
        assert_eq!(
            globbed(&dir, "*"),
            ["B.conf", "a.conf", "a.conf~", "b.conf", "c.txt"]
        );
        // Hidden files only for a literal leading dot; `.` and `..` are entries too.
        assert_eq!(globbed(&dir, ".*.conf"), [".hidden.conf"]);
        assert_eq!(globbed(&dir, ".*"), [".", "..", ".hidden.conf"]);
        assert!(globbed(&dir, "*.none").is_empty());
        // A plain name: given if it exists, no match otherwise (no GLOB_NOCHECK).
        assert_eq!(globbed(&dir, "c.txt"), ["c.txt"]);
        assert!(globbed(&dir, "nothing").is_empty());
        assert!(globbed(&dir, "nothing/*").is_empty());
        assert_eq!(
            glob(&"x".repeat(300), &mut |_| {}),
            Err(Errno::new(libc::ENAMETOOLONG))
        );
        assert_eq!(glob("a\0b", &mut |_| {}), Err(Errno::EINVAL));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn globs_through_directories_in_path_order() {
        let dir = temp_dir("globdirs");
        for sub in ["a", "a-b", "a0", ".dot", "empty", "lit*"] {
            std::fs::create_dir(dir.join(sub)).unwrap();
        }
        for file in [
            "a/x.conf",
            "a-b/x.conf",
            "a0/y.conf",
            ".dot/x.conf",
            "lit*/z.conf",
        ] {
            std::fs::write(dir.join(file), b"").unwrap();
        }
        std::fs::write(dir.join("afile"), b"").unwrap();
        // Whole-path byte order: "a-b/" < "a/" < "a0/" ('-' < '/' < '0').
        assert_eq!(
            globbed(&dir, "a*/*.conf"),
            ["a-b/x.conf", "a/x.conf", "a0/y.conf"]
        );
        assert_eq!(globbed(&dir, "*/x.conf"), ["a-b/x.conf", "a/x.conf"]);
        assert_eq!(globbed(&dir, ".*/x.conf"), [".dot/x.conf"]);
        assert_eq!(globbed(&dir, "a/*"), ["a/x.conf"]);
        // A trailing slash keeps directories only, and the slash.
        assert_eq!(globbed(&dir, "a*/"), ["a-b/", "a/", "a0/"]);
        assert!(globbed(&dir, "afile/").is_empty());
        // Escaped wildcards are literal names; doubled slashes are kept.
        assert_eq!(globbed(&dir, "lit\\*/*"), ["lit*/z.conf"]);
        assert_eq!(globbed(&dir, "a//x.conf"), ["a//x.conf"]);
        assert!(globbed(&dir, "empty/*").is_empty());
        assert!(globbed(&dir, "afile/*").is_empty());
        // A dangling symlink is a file glob gives (lstat).
        std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
        assert_eq!(globbed(&dir, "dangling"), ["dangling"]);
        // Many entries: more than one getdents64 buffer.
        std::fs::create_dir(dir.join("many")).unwrap();
        let mut want: Vec<std::string::String> = (0..300)
            .map(|i| format!("many/f{i:03}-{}", "n".repeat(40)))
            .collect();
        for w in &want {
            std::fs::write(dir.join(w), b"").unwrap();
        }
        want.sort();
        assert_eq!(globbed(&dir, "many/f*"), want);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// libc's `glob(pattern, 0)`: the reference our walker must agree with.
    fn libc_glob(pattern: &str) -> Vec<std::string::String> {
        let c = std::ffi::CString::new(pattern).unwrap();
        // SAFETY: all-zero is an empty `glob_t`.
        let mut g: libc::glob_t = unsafe { core::mem::zeroed() };
        // SAFETY: `c` is NUL-terminated, `g` live; freed below.
        let rc = unsafe { libc::glob(c.as_ptr(), 0, None, &mut g) };
        let mut out = Vec::new();
        if rc == 0 {
            for i in 0..g.gl_pathc {
                // SAFETY: `gl_pathv` holds `gl_pathc` entries and `i < gl_pathc`.
                let p = unsafe { *g.gl_pathv.wrapping_add(i) };
                // SAFETY: each entry is a NUL-terminated string owned by `g`.
                let p = unsafe { CStr::from_ptr(p) };
                out.push(p.to_str().unwrap().to_string());
            }
        }
        // SAFETY: filled by `glob`.
        unsafe { libc::globfree(&mut g) };
        out
    }

    #[test]
    fn glob_agrees_with_libc() {
        let dir = temp_dir("globlibc");
        for sub in ["a", "a-b", "a.b", "B", ".h", "[x]"] {
            std::fs::create_dir(dir.join(sub)).unwrap();
            for file in ["1.conf", "10.conf", "2.conf", ".x.conf", "Z", "a-b", "a.b"] {
                std::fs::write(dir.join(sub).join(file), b"").unwrap();
            }
        }
        let d = s(&dir);
        for pattern in [
            "*",
            "*/*",
            "*/*.conf",
            "a*/[0-9]*",
            "?/?",
            "[!a]*/*",
            "*/.*",
            ".[!.]*/*", // not `.*/*`: `..` would list /tmp, which other tests change meanwhile
            "\\[x]/*",
            "[[]x]/1*",
            "a*/",
            "*/a[-.]b",
            "*/[a-]*",
            "[]a]*/Z",
            "a/1.conf",
            "a/nope",
            "*/*/",
        ] {
            let pattern = format!("{d}/{pattern}");
            let mut ours = Vec::new();
            glob(&pattern, &mut |p| ours.push(p.to_string())).unwrap();
            assert_eq!(ours, libc_glob(&pattern), "{pattern}");
            // What the glibc programs run instead of the walker gives the same.
            #[cfg(target_env = "gnu")]
            {
                let mut system = Vec::new();
                system_glob(&pattern, &mut |p| system.push(p.to_string())).unwrap();
                assert_eq!(system, ours, "{pattern}");
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// glibc's glob has the walker's edges: the pattern's errors, no match for a
    /// missing file, and paths that are not UTF-8 or too long for a `CPath` skipped.
    #[cfg(target_env = "gnu")]
    #[test]
    fn system_glob_has_the_walkers_edges() {
        use std::os::unix::ffi::OsStrExt;
        let dir = temp_dir("globsys");
        std::fs::write(dir.join("ok.conf"), b"").unwrap();
        std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"bad\xff.conf")), b"").unwrap();
        // A name that fits the file system but not, with the directory, a `CPath`.
        let long = format!("{}.conf", "l".repeat(250));
        std::fs::write(dir.join(&long), b"").unwrap();
        let d = s(&dir);
        for pattern in ["*.conf", "ok.conf", "missing.conf", "*/*"] {
            let pattern = format!("{d}/{pattern}");
            let (mut system, mut walked) = (Vec::new(), Vec::new());
            system_glob(&pattern, &mut |p| system.push(p.to_string())).unwrap();
            walk_glob(&pattern, &mut |p| walked.push(p.to_string())).unwrap();
            assert_eq!(system, walked, "{pattern}");
        }
        let mut all = Vec::new();
        system_glob(&format!("{d}/*.conf"), &mut |p| all.push(p.to_string())).unwrap();
        assert_eq!(all, [format!("{d}/ok.conf")]);
        assert_eq!(
            system_glob(&"x".repeat(300), &mut |_| {}),
            Err(Errno::new(libc::ENAMETOOLONG))
        );
        assert_eq!(system_glob("a\0b", &mut |_| {}), Err(Errno::EINVAL));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn globs_relative_to_the_working_directory() {
        let dir = temp_dir("globrel");
        std::fs::create_dir(dir.join("d")).unwrap();
        std::fs::write(dir.join("d/one.conf"), b"").unwrap();
        std::fs::write(dir.join("two.conf"), b"").unwrap();
        let status = super::super::process::tests::in_child(|| {
            std::env::set_current_dir(&dir).unwrap();
            let mut seen = Vec::new();
            glob("*.conf", &mut |p| seen.push(p.to_string())).unwrap();
            glob("*/*.conf", &mut |p| seen.push(p.to_string())).unwrap();
            seen == ["two.conf", "d/one.conf"]
        });
        assert_eq!(status, 0);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn glob_reenters_from_its_callback() {
        // `include` files include others: the callback globs again.
        let dir = temp_dir("globnest");
        for name in ["1.conf", "2.conf"] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let mut pairs = Vec::new();
        glob(&format!("{}/*.conf", s(&dir)), &mut |outer| {
            glob(&format!("{}/*.conf", s(&dir)), &mut |inner| {
                pairs.push(format!("{outer} {inner}"))
            })
            .unwrap();
        })
        .unwrap();
        let d = s(&dir);
        assert_eq!(
            pairs,
            [
                format!("{d}/1.conf {d}/1.conf"),
                format!("{d}/1.conf {d}/2.conf"),
                format!("{d}/2.conf {d}/1.conf"),
                format!("{d}/2.conf {d}/2.conf"),
            ]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn newline_agrees_with_position() {
        // Bytes that borrow in the word trick: 0x0b is `\n` ^ 1, 0x8a is `\n` ^ 0x80.
        let text = b"a\n\x0b\x8a\n\n0123456789\x0b\x8a\xff\n\x00xyz\n\x0b";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let bytes = &text[start..end];
                let want = bytes.iter().position(|&b| b == b'\n');
                let before = &bytes[..want.unwrap_or(bytes.len())];
                let text = before
                    .is_ascii()
                    .then(|| std::str::from_utf8(before).unwrap());
                assert_eq!(newline(bytes), (want, text), "{bytes:?}");
            }
        }
    }

    #[test]
    fn lines_of_gives_ascii_lines_as_text() {
        let dir = temp_dir("ascii");
        let f = dir.join("text");
        let text = b"plain words\ncaf\xc3\xa9\n\xff bad\nlong enough to fill words \xe9\nend";
        std::fs::write(&f, text).unwrap();
        let fd = open(s(&f), libc::O_RDONLY, 0).unwrap();
        let mut seen = Vec::new();
        lines_of(&fd, &mut [0; 64], &mut |line| {
            seen.push(line.map(|(bytes, text)| (bytes.to_vec(), text.map(str::to_owned))));
            true
        })
        .unwrap();
        let text = |t: &str| Some((t.as_bytes().to_vec(), Some(t.to_owned())));
        let bytes = |b: &[u8]| Some((b.to_vec(), None));
        assert_eq!(
            seen,
            [
                text("plain words"),
                bytes(b"caf\xc3\xa9"),
                bytes(b"\xff bad"),
                bytes(b"long enough to fill words \xe9"),
                text("end"),
            ]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_lines_of_any_file_size() {
        let dir = temp_dir("lines");
        let f = dir.join("text");
        let lines_of = |text: &[u8]| {
            std::fs::write(&f, text).unwrap();
            let mut seen = Vec::new();
            for_each_line(s(&f), &mut |l| {
                seen.push(std::string::String::from_utf8(l.to_vec()).unwrap());
                true
            })
            .unwrap();
            seen
        };
        assert_eq!(lines_of(b"a\nbb\n\nccc"), ["a", "bb", "", "ccc"]);
        assert_eq!(lines_of(b"a\n"), ["a"]);
        assert!(lines_of(b"").is_empty());
        // A big file, lines across buffer boundaries.
        let many: Vec<std::string::String> = (0..2000).map(|i| format!("line {i}")).collect();
        assert_eq!(lines_of(many.join("\n").as_bytes()), many);
        // Too-long lines are skipped whole, the longest that fits is kept.
        let fits = "y".repeat(TEXT_LINE_MAX);
        let text = format!("a\n{}\nb\n{fits}\n{}", "x".repeat(5000), "z".repeat(1500));
        assert_eq!(lines_of(text.as_bytes()), ["a", "b", fits.as_str()]);
        let text = format!("{}\nlast", "x".repeat(TEXT_LINE_MAX + 1));
        assert_eq!(lines_of(text.as_bytes()), ["last"]);
        // Stops when asked.
        std::fs::write(&f, b"1\n2\n3\n").unwrap();
        let mut count = 0;
        for_each_line(s(&f), &mut |_| {
            count += 1;
            count < 2
        })
        .unwrap();
        assert_eq!(count, 2);
        assert_eq!(
            for_each_line(s(&dir.join("nope")), &mut |_| true),
            Err(Errno::ENOENT)
        );
        assert_eq!(
            for_each_line(s(&dir), &mut |_| true),
            Err(Errno::new(libc::EISDIR))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn metadata_helpers() {
        let dir = temp_dir("meta");
        let f = dir.join("script");
        std::fs::write(&f, b"#!/bin/sh\n").unwrap();
        assert!(exists(s(&f)));
        assert!(!exists(s(&dir.join("nope"))));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(!is_executable(s(&f)));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_executable(s(&f)));
        assert!(!is_executable(s(&dir.join("nope"))));

        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000);
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(old)
            .unwrap();
        touch(s(&f)).unwrap();
        let mtime = std::fs::metadata(&f).unwrap().modified().unwrap();
        assert!(mtime > old + std::time::Duration::from_secs(1_000_000));
        assert_eq!(touch(s(&dir.join("nope"))), Err(Errno::ENOENT));

        let uid = std::fs::metadata(&f).unwrap().uid();
        let gid = std::fs::metadata(&f).unwrap().gid();
        chown(s(&f), uid, gid).unwrap();
        assert_eq!(chown(s(&dir.join("nope")), uid, gid), Err(Errno::ENOENT));
        if super::super::process::geteuid() == 0 {
            chown(s(&f), 65534, 65534).unwrap();
            assert_eq!(std::fs::metadata(&f).unwrap().uid(), 65534);
        }

        unlink(s(&f)).unwrap();
        assert!(!exists(s(&f)));
        assert_eq!(unlink(s(&f)), Err(Errno::ENOENT));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn pid_file_is_replaced_whole() {
        let dir = temp_dir("pid");
        let p = dir.join("smcroute.pid");
        write_pid_file(s(&p), 4242).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "4242\n");
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o644);
        write_pid_file(s(&p), 7).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "7\n");
        assert_eq!(read_pid_file(s(&p)), Ok(7));
        // Only the PID file is left: no temporaries.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        // Close-on-exec: nothing of ours stays open after the call.
        let fds = std::fs::read_dir("/proc/self/fd").unwrap();
        for fd in fds {
            let target = std::fs::read_link(fd.unwrap().path()).unwrap_or_default();
            assert!(!target.starts_with(&dir), "leaked {target:?}");
        }
        assert_eq!(
            write_pid_file(s(&dir.join("no/such/dir.pid")), 1),
            Err(Errno::ENOENT)
        );
        // rename onto a directory fails; the temporary file is cleaned up.
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("x"), b"").unwrap();
        assert_eq!(write_pid_file(s(&sub), 1), Err(Errno::new(libc::EISDIR)));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        assert_eq!(
            write_pid_file(&"x".repeat(254), 1),
            Err(Errno::new(libc::ENAMETOOLONG))
        );
        // A symlink planted at the temporary name is not followed.
        let victim = dir.join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let planted = format!("{}.7", s(&p));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        assert_eq!(write_pid_file(s(&p), 7), Err(Errno::new(libc::ELOOP)));
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        std::fs::remove_file(&planted).unwrap();
        std::fs::write(&p, b"junk").unwrap();
        assert_eq!(read_pid_file(s(&p)), Err(ReadError::Os(Errno::EINVAL)));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
