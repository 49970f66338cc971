//! Reading conf files into the router: chunked reads, `include` globs, error counting.
//!
//! Files are read in fixed chunks of whole lines, so a conf of any size loads without a
//! buffer as big as the file; each `include` level has its own chunk buffer.

use ufmt::{uDisplay, uWrite, Formatter};

use crate::conf::{self, LineError, Stmt};
use crate::errno::Errno;
use crate::fmt::Level;
use crate::kernel::Host;
use crate::limits::MAX_INCLUDE_DEPTH;
use crate::net::write_dec;
use crate::router::{Origin, Router};
use crate::sys;

/// Bytes read at a time; a line longer than this is reported and skipped.
pub const CHUNK: usize = 16 * 1024;

/// One chunk buffer per include level.
pub type ConfBufs = [[u8; CHUNK]; MAX_INCLUDE_DEPTH];

/// Outcome of loading one file tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loaded {
    /// Lines that failed (parse errors, rejected directives, unreadable includes).
    pub errors: u32,
}

/// Why the top-level file could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadError {
    /// The file does not exist.
    Missing,
    /// Any other open/read error.
    Unreadable(Errno),
}

/// Checks that the top-level file can be opened and read, before a reload throws the
/// running configuration away (a directory opens fine and fails on `read`).
pub fn probe(path: &str) -> Result<(), LoadError> {
    let fd = match sys::open_read(path) {
        Ok(fd) => fd,
        Err(Errno::ENOENT) => return Err(LoadError::Missing),
        Err(e) => return Err(LoadError::Unreadable(e)),
    };
    let mut byte = [0u8; 1];
    loop {
        match sys::read(&fd, &mut byte) {
            Ok(_) => return Ok(()),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(LoadError::Unreadable(e)),
        }
    }
}

/// Loads `path` (and everything it includes) into `router`.
pub fn load<H: Host>(
    router: &mut Router,
    host: &mut H,
    bufs: &mut ConfBufs,
    path: &str,
) -> Result<Loaded, LoadError> {
    let mut loaded = Loaded::default();
    load_file(router, host, bufs, path, 0, &mut loaded)?;
    if loaded.errors > 0 {
        warn(host, Warn::ParseError(path));
    }
    Ok(loaded)
}

/// A warning of the loader; the wording lives in the `uDisplay` impl.
enum Warn<'a> {
    /// `{path} line {line}: ` and what.
    AtLine(&'a str, u32, AtLine<'a>),
    /// `Failed reading {path}: {errno}`.
    FailedReading(&'a str, Errno),
    /// `{path}: includes nested too deep, skipping`.
    TooDeep(&'a str),
    /// `Parse error in {path}`.
    ParseError(&'a str),
}

/// What is wrong at a line.
enum AtLine<'a> {
    Line(LineError<'a>),
    LineTooLong,
    IncludeMissing,
    Include(&'a str, Errno),
}

impl uDisplay for Warn<'_> {
    /// Piece by piece, each written once: the path with what goes around it, then the
    /// line number and what went wrong, then the error number if there is one.
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let (head, path, tail) = match self {
            Self::AtLine(path, ..) => ("", path, " line "),
            Self::FailedReading(path, _) => ("Failed reading ", path, ": "),
            Self::TooDeep(path) => ("", path, ": includes nested too deep, skipping"),
            Self::ParseError(path) => ("Parse error in ", path, ""),
        };
        f.write_str(head)?;
        f.write_str(path)?;
        f.write_str(tail)?;
        let errno = match self {
            Self::AtLine(_, line, what) => {
                write_dec(f, *line)?;
                f.write_str(": ")?;
                match what {
                    AtLine::Line(e) => e.fmt(f)?,
                    AtLine::LineTooLong => f.write_str("line too long, skipping")?,
                    AtLine::IncludeMissing => f.write_str("include missing file pattern")?,
                    AtLine::Include(pattern, e) => {
                        f.write_str("include ")?;
                        f.write_str(pattern)?;
                        f.write_str(": ")?;
                        return e.fmt(f);
                    }
                }
                return Ok(());
            }
            Self::FailedReading(_, e) => e,
            _ => return Ok(()),
        };
        errno.fmt(f)
    }
}

/// Logs `w` as a warning: one formatting call for every warning of the loader.
#[inline(never)]
fn warn<H: Host>(host: &mut H, w: Warn<'_>) {
    log!(host, Level::Warning, "{}", w);
}

/// Logs `w` as a warning and counts a failed line (one call where both are done).
#[inline(never)]
fn warn_error<H: Host>(host: &mut H, loaded: &mut Loaded, w: Warn<'_>) {
    warn(host, w);
    loaded.errors += 1;
}

fn load_file<H: Host>(
    router: &mut Router,
    host: &mut H,
    bufs: &mut [[u8; CHUNK]],
    path: &str,
    depth: usize,
    loaded: &mut Loaded,
) -> Result<(), LoadError> {
    let (buf, deeper) = match bufs.split_first_mut() {
        Some(split) => split,
        None => {
            warn_error(host, loaded, Warn::TooDeep(path));
            return Ok(());
        }
    };
    let fd = match sys::open_read(path) {
        Ok(fd) => fd,
        Err(Errno::ENOENT) => return Err(LoadError::Missing),
        Err(e) => return Err(LoadError::Unreadable(e)),
    };
    let mut filled = 0usize; // bytes in `buf` not yet parsed
    let mut line_base = 0u32; // lines before `buf[0]`
    let mut skipping_long = false; // inside an over-long line we already reported
    loop {
        let n = match buf.get_mut(filled..) {
            Some(space) if !space.is_empty() => match sys::read(&fd, space) {
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(e) => {
                    warn_error(host, loaded, Warn::FailedReading(path, e));
                    return Ok(());
                }
            },
            _ => 0,
        };
        let eof = n == 0 && filled < buf.len();
        filled += n;
        // Parse every complete line (all of it at end of file).
        let end = if eof {
            filled
        } else {
            match buf[..filled].iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None if filled == buf.len() => {
                    // A single line fills the whole chunk: report once, drop it.
                    if !skipping_long {
                        warn_error(
                            host,
                            loaded,
                            Warn::AtLine(path, line_base + 1, AtLine::LineTooLong),
                        );
                        skipping_long = true;
                    }
                    filled = 0;
                    continue;
                }
                None => continue,
            }
        };
        let mut start = 0;
        if skipping_long {
            // The tail of the over-long line ends at the first newline.
            match buf[..end].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    start = i + 1;
                    line_base += 1;
                    skipping_long = false;
                }
                None => start = end,
            }
        }
        let text = &buf[start..end];
        line_base += parse_chunk(router, host, deeper, path, depth, text, line_base, loaded);
        buf.copy_within(end..filled, 0);
        filled -= end;
        if eof {
            return Ok(());
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_chunk<H: Host>(
    router: &mut Router,
    host: &mut H,
    deeper: &mut [[u8; CHUNK]],
    path: &str,
    depth: usize,
    text: &[u8],
    line_base: u32,
    loaded: &mut Loaded,
) -> u32 {
    // Lent, not moved: a statement is 0.5 KiB.
    conf::parse_each(text, &mut |line, stmt| {
        let line = line_base + line;
        // One warning at the line for every way a line goes wrong (and whether it counts
        // as a failed line: an include's glob error does not).
        let (what, failed) = match stmt {
            Err(e) => (AtLine::Line(e), true),
            Ok(Stmt::Include(None)) => (AtLine::IncludeMissing, true),
            Ok(Stmt::Include(Some(pattern))) => {
                let globbed = sys::fs::glob(pattern, &mut |file: &str| match load_file(
                    router,
                    host,
                    deeper,
                    file,
                    depth + 1,
                    loaded,
                ) {
                    Ok(()) => {}
                    Err(e) => {
                        let e = match e {
                            LoadError::Missing => Errno::ENOENT,
                            LoadError::Unreadable(e) => e,
                        };
                        warn(host, Warn::FailedReading(file, e));
                    }
                });
                match globbed {
                    Ok(()) => return,
                    Err(e) => (AtLine::Include(pattern, e), false),
                }
            }
            Ok(stmt) => {
                if router
                    .apply(host, Origin::Conf { file: path, line }, stmt)
                    .is_err()
                {
                    loaded.errors += 1;
                }
                return;
            }
        };
        warn(host, Warn::AtLine(path, line, what));
        loaded.errors += u32::from(failed);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_tells_missing_unreadable_and_readable_apart() {
        let dir = std::env::temp_dir().join(format!("smcroute-probe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ok.conf");
        std::fs::write(&file, "").unwrap();
        let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
        assert_eq!(probe(&path(&file)), Ok(()));
        assert_eq!(
            probe(&path(&dir.join("missing.conf"))),
            Err(LoadError::Missing)
        );
        assert_eq!(
            probe(&path(&dir)),
            Err(LoadError::Unreadable(Errno::EISDIR))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn warnings_read_as_before() {
        let text = |w: Warn<'_>| {
            let mut line = crate::fmt::Line::new();
            let _ = ufmt::uwrite!(line, "{}", w);
            line.as_str().to_string()
        };
        let at = |what| text(Warn::AtLine("a.conf", 7, what));
        assert_eq!(
            at(AtLine::Line(LineError::UnknownCommand("x"))),
            "a.conf line 7: Unknown command x, skipping."
        );
        assert_eq!(
            at(AtLine::LineTooLong),
            "a.conf line 7: line too long, skipping"
        );
        assert_eq!(
            at(AtLine::IncludeMissing),
            "a.conf line 7: include missing file pattern"
        );
        assert_eq!(
            at(AtLine::Include("d/*", Errno::EINVAL)),
            "a.conf line 7: include d/*: Invalid argument"
        );
        assert_eq!(
            text(Warn::FailedReading("b.conf", Errno::ENOENT)),
            "Failed reading b.conf: No such file or directory"
        );
        assert_eq!(
            text(Warn::TooDeep("c.conf")),
            "c.conf: includes nested too deep, skipping"
        );
        assert_eq!(text(Warn::ParseError("d.conf")), "Parse error in d.conf");
    }
}
