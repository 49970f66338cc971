//! Reading conf files into the router: chunked reads, `include` globs, error counting.
//!
//! Files are read in fixed chunks of whole lines, so a conf of any size loads without a
//! buffer as big as the file; each `include` level has its own chunk buffer.

use core::num::NonZeroU32;

use crate::conf::{self, Directive, Kind};
use crate::errno::Errno;
use crate::fmt::{Level, Line};
use crate::kernel::Host;
use crate::limits::MAX_INCLUDE_DEPTH;
use crate::net::Dec;
use crate::router::{Origin, Router};
use crate::sys;

use super::said::{self, Said};

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

impl LoadError {
    /// Why the top-level file could not be opened: `ENOENT` is a missing file (one
    /// mapping for the start, `-F` and a reload's probe).
    fn of_open(e: Errno) -> Self {
        match e {
            Errno::ENOENT => LoadError::Missing,
            e => LoadError::Unreadable(e),
        }
    }
}

/// Checks that the top-level file can be opened and read, before a reload throws the
/// running configuration away (a directory opens fine and fails on `read`).
pub fn probe(path: &str) -> Result<(), LoadError> {
    let fd = sys::open_read(path).map_err(LoadError::of_open)?;
    // sys::read retries on EINTR.
    match sys::read(&fd, &mut [0u8; 1]) {
        Ok(_) => Ok(()),
        Err(e) => Err(LoadError::Unreadable(e)),
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
    load_file(router, host, bufs, path, &mut loaded).map_err(LoadError::of_open)?;
    if loaded.errors > 0 {
        warn_said(host, Said::ParseError, path, None);
    }
    Ok(loaded)
}

/// Logs a warning of the loader that is one of the daemon's messages about file `path`,
/// `path` in its place, then the error number if there is one. In line at its three
/// callers (x86_64 -8 B; mipsel 0).
#[inline(always)]
fn warn_said<H: Host>(host: &mut H, said: Said, path: &str, e: Option<Errno>) {
    warn_at(host, path, None, said.number(), path, e);
}

/// Logs a warning of the loader: `{path} line {line}: ` if it is about a line, text `what`
/// of the daemon's messages with `insert` in its place, then the error number if there is
/// one. One body for the lines' warnings and the files' own.
#[inline(never)]
fn warn_at<H: Host>(
    host: &mut H,
    path: &str,
    line: Option<NonZeroU32>,
    what: u8,
    insert: &str,
    e: Option<Errno>,
) {
    let mut text = Line::new();
    if let Some(line) = line {
        said::put_text(&mut text, Said::LineOf.number(), path);
        let _ = ufmt::uWrite::write_str(&mut text, Dec::of(u64::from(line.get())).as_str());
        let _ = ufmt::uWrite::write_str(&mut text, ": ");
    }
    said::put_text(&mut text, what, insert);
    crate::fmt::line_of(host, Level::Warning, &[text.as_str()], e, "");
}

/// `Failed reading {path}: {errno}`.
fn failed_reading<H: Host>(host: &mut H, path: &str, e: Errno) {
    warn_said(host, Said::Reading, path, Some(e));
}

/// Loads `path`, reading it through the first of `bufs` (the rest are for its includes,
/// one per level deeper: their number is how deep it may still go, no depth passed down).
/// `Err` if it cannot be opened: the error as it is, which the top file's caller and an
/// include's tell apart each in its own way.
fn load_file<H: Host>(
    router: &mut Router,
    host: &mut H,
    bufs: &mut [[u8; CHUNK]],
    path: &str,
    loaded: &mut Loaded,
) -> Result<(), Errno> {
    let (buf, deeper) = match bufs.split_first_mut() {
        Some(split) => split,
        None => {
            warn_said(host, Said::TooDeep, path, None);
            loaded.errors += 1;
            return Ok(());
        }
    };
    let fd = sys::open_read(path)?;
    let mut line = 0u32;
    let read = sys::fs::lines_of(&fd, buf, &mut |text| {
        line += 1;
        // What is wrong at the line: a text number of the daemon's messages, its insert
        // and the error number if any (only an include that cannot be expanded has one,
        // and only it does not count as a failed line).
        let (what, insert, e) = match text {
            None => (Said::ChunkTooLong.number(), "", None),
            Some((bytes, text)) => {
                // Two slots: the directive's few fields apart from the 0.5 KiB list.
                let mut directive = Directive::new();
                let mut oifs = conf::OifWords::new();
                match conf::parse_into(bytes, text, &mut directive, &mut oifs) {
                    None => return true,
                    Some(Err(e)) => {
                        let (i, word) = e.text();
                        (said::line_error(i), word, None)
                    }
                    Some(Ok(())) => match (directive.kind, directive.from()) {
                        (Kind::Include, None) => (Said::NoPattern.number(), "", None),
                        (Kind::Include, Some(pattern)) => {
                            match include(router, host, deeper, pattern, loaded) {
                                Ok(()) => return true,
                                Err(e) => (Said::Include.number(), pattern, Some(e)),
                            }
                        }
                        _ => {
                            let origin = Origin::Conf { file: path, line };
                            if router.apply(host, &origin, &directive, &oifs).is_err() {
                                loaded.errors += 1;
                            }
                            return true;
                        }
                    },
                }
            }
        };
        warn_at(host, path, NonZeroU32::new(line), what, insert, e);
        loaded.errors += u32::from(e.is_none());
        true
    });
    if let Err(e) = read {
        failed_reading(host, path, e);
        loaded.errors += 1;
    }
    Ok(())
}

/// Loads every file `pattern` names, one level deeper; a file that cannot be read is
/// reported and skipped. `Err` if the pattern itself is refused.
fn include<H: Host>(
    router: &mut Router,
    host: &mut H,
    deeper: &mut [[u8; CHUNK]],
    pattern: &str,
    loaded: &mut Loaded,
) -> Result<(), Errno> {
    sys::fs::glob(pattern, &mut |file: &str| {
        if let Err(e) = load_file(router, host, deeper, file, loaded) {
            failed_reading(host, file, e);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    const LINE_TOO_LONG: &str = "Line too long, max 511 characters, skipping.";

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

    /// Logs, accepts every kernel request.
    #[derive(Default)]
    struct Quiet(crate::fmt::record::RecordingLog);

    impl crate::fmt::Log for Quiet {
        fn log(&mut self, level: Level, line: &str) {
            self.0.log(level, line);
        }
    }

    impl crate::kernel::Kernel for Quiet {
        fn has_family(&self, _: crate::net::Family) -> bool {
            true
        }
        fn add_vif(&mut self, _: crate::net::Family, _: u8, _: u32, _: u8) -> Result<(), Errno> {
            Ok(())
        }
        fn del_vif(&mut self, _: crate::net::Family, _: u8, _: u32) -> Result<(), Errno> {
            Ok(())
        }
        fn add_mfc(&mut self, _: &crate::kernel::Mfc) -> Result<(), Errno> {
            Ok(())
        }
        fn del_mfc(&mut self, _: &crate::kernel::Mfc) -> Result<(), Errno> {
            Ok(())
        }
        fn sg_count(
            &mut self,
            _: &crate::net::Addr,
            _: &crate::net::Addr,
            _: &mut crate::kernel::SgCount,
        ) -> Result<(), Errno> {
            Err(Errno::ENOENT)
        }
        fn join(
            &mut self,
            _: u32,
            _: Option<&crate::net::Addr>,
            _: &crate::net::Addr,
            _: &crate::kernel::JoinSockets,
        ) -> Result<u16, Errno> {
            Ok(0)
        }
        fn leave(
            &mut self,
            _: u16,
            _: u32,
            _: Option<&crate::net::Addr>,
            _: &crate::net::Addr,
        ) -> Result<(), Errno> {
            Ok(())
        }
    }

    impl Host for Quiet {
        fn route_installed(&mut self, _: &crate::net::Addr, _: &crate::net::Addr) {}
        fn mrdisc_register(&mut self, _: u32, _: &str) {}
        fn mrdisc_deregister(&mut self, _: u32) {}
    }

    /// Line numbers and warnings of a file with every kind of bad line, an over-long one
    /// (longer than a read buffer) and an include among them.
    #[test]
    fn files_load_line_by_line() {
        let dir = std::env::temp_dir().join(format!("smcroute-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let main = dir.join("main.conf");
        let huge = "x".repeat(CHUNK + 100);
        let long = format!("mroute {}", "y".repeat(600));
        let text = format!(
            "# comment\nbogus\n{huge}\n{long}\ninclude\ninclude {}/sub/*.conf\n\
             include {}/none/*.conf\n  \nlast",
            dir.display(),
            dir.display()
        );
        std::fs::write(&main, text).unwrap();
        std::fs::write(dir.join("sub/a.conf"), "x1\r\n# x\nx2").unwrap();
        std::fs::write(dir.join("sub/b.conf"), huge.as_bytes()).unwrap();
        let path = main.to_str().unwrap().to_string();
        let sub = |f: &str| format!("{}/sub/{f}", dir.display());
        let want = [
            format!("{path} line 2: Unknown command bogus, skipping."),
            format!("{path} line 3: line too long, skipping"),
            format!("{path} line 4: {LINE_TOO_LONG}"),
            format!("{path} line 5: include missing file pattern"),
            format!("{} line 1: Unknown command x1, skipping.", sub("a.conf")),
            format!("{} line 3: Unknown command x2, skipping.", sub("a.conf")),
            format!("{} line 1: line too long, skipping", sub("b.conf")),
            format!("{path} line 9: Unknown command last, skipping."),
            format!("Parse error in {path}"),
        ];
        let got = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || {
                let mut router = std::boxed::Box::new(Router::new());
                let mut host = Quiet::default();
                let mut bufs = std::vec![[0u8; CHUNK]; MAX_INCLUDE_DEPTH];
                let loaded = load(
                    &mut router,
                    &mut host,
                    bufs.as_mut_slice().try_into().unwrap(),
                    &path,
                );
                (
                    loaded,
                    host.0
                        .lines
                        .into_iter()
                        .map(|(_, l)| l)
                        .collect::<std::vec::Vec<_>>(),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(got.0, Ok(Loaded { errors: 8 }));
        assert_eq!(got.1, want);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn warnings_read_as_before() {
        let text = |what: u8, insert: &str, e: Option<Errno>| {
            let mut host = Quiet::default();
            warn_at(&mut host, "a.conf", NonZeroU32::new(7), what, insert, e);
            let [(level, line)] = <[_; 1]>::try_from(host.0.lines).unwrap();
            assert_eq!(level, Level::Warning);
            line
        };
        let (i, word) = conf::LineError::UnknownCommand("x").text();
        assert_eq!(
            text(said::line_error(i), word, None),
            "a.conf line 7: Unknown command x, skipping."
        );
        let mut host = Quiet::default();
        failed_reading(&mut host, "b.conf", Errno::ENOENT);
        assert_eq!(
            host.0.lines[0].1,
            "Failed reading b.conf: No such file or directory"
        );
    }
}
