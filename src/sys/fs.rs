//! Files: reading the conf, `glob(3)` for `include`, the PID file, and the NUL-terminated
//! path buffers every other `sys` module uses to pass `&str` to C.

use core::ffi::{c_char, CStr};

use ufmt::{uDisplay, uWrite, Formatter};

use super::{ret, Fd};
use crate::errno::Errno;

// ===== NUL-terminated copies =====

/// A NUL-terminated copy of a string in a fixed buffer of `N` bytes (so at most `N - 1`
/// characters), for passing to C without an allocator.
pub struct CStrBuf<const N: usize> {
    buf: [u8; N],
}

/// Longest path we pass to the kernel, NUL included. Longer paths are refused with
/// `ENAMETOOLONG` rather than truncated.
pub const PATH_BUF: usize = 256;

/// A path ready for a syscall.
pub type CPath = CStrBuf<PATH_BUF>;

impl<const N: usize> CStrBuf<N> {
    /// Copies `s` and appends the NUL. `ENAMETOOLONG` if it does not fit, `EINVAL` if it
    /// contains a NUL itself (C would silently cut it there).
    pub fn new(s: &str) -> Result<Self, Errno> {
        let bytes = s.as_bytes();
        if bytes.contains(&0) {
            return Err(Errno::EINVAL);
        }
        let mut buf = [0u8; N];
        match buf.get_mut(..bytes.len()) {
            Some(dst) if bytes.len() < N => dst.copy_from_slice(bytes),
            _ => return Err(Errno(libc::ENAMETOOLONG)),
        }
        Ok(Self { buf })
    }

    /// The string as a C string.
    pub fn as_cstr(&self) -> &CStr {
        // `new` guarantees a NUL inside the buffer; the empty string is the fallback.
        CStr::from_bytes_until_nul(&self.buf).unwrap_or(c"")
    }

    /// Pointer to the NUL-terminated string, valid while `self` lives.
    pub fn as_ptr(&self) -> *const c_char {
        self.as_cstr().as_ptr()
    }
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
            let more = read_retry(&fd, &mut [0u8; 1]).map_err(ReadError::Os)?;
            return if more == 0 {
                Ok(len)
            } else {
                Err(ReadError::TooBig { max: buf.len() })
            };
        };
        match read_retry(&fd, rest).map_err(ReadError::Os)? {
            0 => return Ok(len),
            n => len += n,
        }
    }
}

fn read_retry(fd: &Fd, buf: &mut [u8]) -> Result<usize, Errno> {
    loop {
        match super::read(fd, buf) {
            Err(Errno::EINTR) => {}
            other => return other,
        }
    }
}

/// `open(path, flags | O_CLOEXEC, mode)`.
fn open(path: &str, flags: libc::c_int, mode: libc::mode_t) -> Result<Fd, Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call; the returned descriptor is
    // new and owned by nobody else, so `Fd` may take it.
    let rc = unsafe {
        libc::open(
            path.as_ptr(),
            flags | libc::O_CLOEXEC,
            libc::c_uint::from(mode),
        )
    };
    ret(rc).map(Fd::from_raw)
}

// ===== glob =====

/// `glob(pattern, 0, NULL, &g)`: calls `f` with each matching path in sorted order, then
/// `globfree`. No match calls nothing (`GLOB_NOCHECK` is off); a path that is not UTF-8
/// is skipped. Read errors in directories are ignored, as `glob` does without `GLOB_ERR`.
///
/// # Errors
/// `ENAMETOOLONG`/`EINVAL` for a pattern we cannot pass to C, `ENOMEM` if `glob` ran out
/// of memory.
///
/// # References
/// `man 3 glob`
pub fn glob(pattern: &str, f: &mut impl FnMut(&str)) -> Result<(), Errno> {
    let pattern = CPath::new(pattern)?;
    // SAFETY: an all-zero `glob_t` (null pointers, zero counts) is what `glob` expects
    // as an empty result to fill in.
    let mut g: libc::glob_t = unsafe { core::mem::zeroed() };
    // SAFETY: `pattern` is NUL-terminated; `g` is a live `glob_t` that `glob` fills and
    // we free below; no error callback.
    let rc = unsafe { libc::glob(pattern.as_ptr(), 0, None, &mut g) };
    let result = match rc {
        0 => {
            for i in 0..g.gl_pathc {
                let slot = g.gl_pathv.wrapping_add(i);
                // SAFETY: `glob` succeeded, so `gl_pathv` holds `gl_pathc` entries and
                // `i < gl_pathc`.
                let path = unsafe { *slot };
                if path.is_null() {
                    continue;
                }
                // SAFETY: each entry is a NUL-terminated string owned by `g`, alive until
                // `globfree` below, and not retained past `f`.
                let path = unsafe { CStr::from_ptr(path) };
                if let Ok(path) = path.to_str() {
                    f(path);
                }
            }
            Ok(())
        }
        libc::GLOB_NOMATCH | libc::GLOB_ABORTED => Ok(()),
        _ => Err(Errno::ENOMEM),
    };
    // SAFETY: `g` was filled by `glob` (or left zeroed, which `globfree` accepts) and is
    // not used afterwards.
    unsafe { libc::globfree(&mut g) };
    result
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
    let Ok(path) = CPath::new(path) else {
        return false;
    };
    // SAFETY: `path` is NUL-terminated and outlives the call.
    unsafe { libc::access(path.as_ptr(), mode) == 0 }
}

/// `unlink(path)`.
pub fn unlink(path: &str) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call.
    ret(unsafe { libc::unlink(path.as_ptr()) }).map(drop)
}

/// `utimensat(AT_FDCWD, path, NULL, 0)`: sets the access and modification times to now.
/// The daemon touches its PID file after each reload (init systems such as Finit watch
/// the mtime to see a reload complete).
pub fn touch(path: &str) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call; a null `times` means "now".
    ret(unsafe { libc::utimensat(libc::AT_FDCWD, path.as_ptr(), core::ptr::null(), 0) }).map(drop)
}

/// `chown(path, uid, gid)`.
pub fn chown(path: &str, uid: u32, gid: u32) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call.
    ret(unsafe { libc::chown(path.as_ptr(), uid, gid) }).map(drop)
}

// ===== PID file =====

/// `mkostemp("<path>.XXXXXX", O_CLOEXEC)`, `fchmod(0644)`, `write("<pid>\n")`,
/// `rename(tmp, path)`: writes the PID file atomically. The temporary file sits in the
/// same directory, so the `rename` replaces `path` in one step and a reader sees the old
/// file, no file, or the complete new one, never a half-written one. The temporary file
/// is removed on failure.
pub fn write_pid_file(path: &str, pid: i32) -> Result<(), Errno> {
    let target = CPath::new(path)?;
    let mut tmp = heapless::String::<PATH_BUF>::new();
    tmp.push_str(path)
        .and_then(|()| tmp.push_str(".XXXXXX"))
        .map_err(|()| Errno(libc::ENAMETOOLONG))?;
    let mut template = CPath::new(&tmp)?;
    // SAFETY: `template.buf` is NUL-terminated, ends in "XXXXXX" before the NUL as
    // `mkostemp` requires, and is writable; it rewrites those six bytes in place. The
    // descriptor it returns is new and ours.
    let rc = unsafe { libc::mkostemp(template.buf.as_mut_ptr().cast(), libc::O_CLOEXEC) };
    let fd = Fd::from_raw(ret(rc)?);
    let written = fill_pid_file(&fd, pid);
    drop(fd);
    let renamed = written.and_then(|()| {
        // SAFETY: both paths are NUL-terminated and outlive the call.
        ret(unsafe { libc::rename(template.as_ptr(), target.as_ptr()) }).map(drop)
    });
    if renamed.is_err() {
        // SAFETY: `template` is NUL-terminated and names the file we created.
        unsafe { libc::unlink(template.as_ptr()) };
    }
    renamed
}

fn fill_pid_file(fd: &Fd, pid: i32) -> Result<(), Errno> {
    // SAFETY: `fd` is open and owned by the caller; mkostemp made it 0600 and readers
    // of a PID file expect 0644.
    ret(unsafe { libc::fchmod(fd.raw(), 0o644) })?;
    let mut text = heapless::String::<16>::new();
    let _ = ufmt::uwrite!(text, "{}\n", pid);
    super::write_all_raw(fd.raw(), text.as_bytes())
}

/// Reads a PID file written by [`write_pid_file`] (tests and tools).
pub fn read_pid_file(path: &str) -> Result<i32, ReadError> {
    let mut buf = [0u8; 24];
    let len = read_file(path, &mut buf)?;
    let text = buf.get(..len).and_then(|b| core::str::from_utf8(b).ok());
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
            Some(Errno(libc::ENAMETOOLONG))
        );
        assert_eq!(CStrBuf::<4>::new("a\0b").err(), Some(Errno::EINVAL));
        let long = "x".repeat(PATH_BUF);
        assert_eq!(unlink(&long), Err(Errno(libc::ENAMETOOLONG)));
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
            Err(ReadError::Os(Errno(libc::EISDIR)))
        );
        let mut msg = heapless::String::<64>::new();
        ufmt::uwrite!(msg, "{}", ReadError::TooBig { max: 4 }).unwrap();
        assert_eq!(msg, "File too large (max 4 bytes)");
        msg.clear();
        ufmt::uwrite!(msg, "{}", ReadError::Os(Errno::ENOENT)).unwrap();
        assert_eq!(msg, "No such file or directory");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn globs_sorted_and_quietly() {
        let dir = temp_dir("glob");
        for name in ["b.conf", "a.conf", "c.txt"] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let mut seen = Vec::new();
        glob(&format!("{}/*.conf", s(&dir)), &mut |p| {
            seen.push(p.to_string())
        })
        .unwrap();
        assert_eq!(
            seen,
            [format!("{}/a.conf", s(&dir)), format!("{}/b.conf", s(&dir))]
        );
        seen.clear();
        glob(&format!("{}/*.none", s(&dir)), &mut |p| {
            seen.push(p.to_string())
        })
        .unwrap();
        assert!(seen.is_empty());
        // A plain name that does not exist is no match either (no GLOB_NOCHECK).
        glob(&format!("{}/nothing", s(&dir)), &mut |p| {
            seen.push(p.to_string())
        })
        .unwrap();
        assert!(seen.is_empty());
        assert_eq!(
            glob(&"x".repeat(300), &mut |_| {}),
            Err(Errno(libc::ENAMETOOLONG))
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
        assert_eq!(write_pid_file(s(&sub), 1), Err(Errno(libc::EISDIR)));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        assert_eq!(
            write_pid_file(&"x".repeat(250), 1),
            Err(Errno(libc::ENAMETOOLONG))
        );
        std::fs::write(&p, b"junk").unwrap();
        assert_eq!(read_pid_file(s(&p)), Err(ReadError::Os(Errno::EINVAL)));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
