//! `smcrouted -F FILE`: check a conf file and exit 0 (clean) or 78 (errors), spec §7.3.
//!
//! The conf goes through the same router code as a real start, against the daemon's host
//! in dry-run mode (every kernel request accepted, none made), so every message is the one
//! the daemon would log. Unlike SMCRoute, VIFs are allocated lazily here too (no false
//! "has no VIF" errors) and the error count cannot cancel out to 0.

use crate::args::DaemonOpts;
use crate::fmt::Level;
use crate::router::{Options, Router};
use crate::sys::log::{SysLog, Target};
use crate::sys::mroute::MrouteSys;

use super::exit;
use super::host::DaemonHost;
use super::load::{self, ConfBufs, LoadError};

/// Runs the check; returns the exit code.
pub fn run(
    opts: &DaemonOpts<'_>,
    router: &mut Router,
    bufs: &mut ConfBufs,
    kernel: &'static mut MrouteSys,
) -> i32 {
    let log = SysLog::open(opts.ident, opts.log_level, Target::Verify);
    let mut host = DaemonHost::new(kernel, log, opts.mrdisc_interval as u8);
    host.dry_run = true;
    router.set_options(Options {
        do_vifs: opts.phyint_enable_default,
        cache_timeout_secs: opts.cache_timeout,
    });
    super::rescan(router, &mut host);
    let path = opts.conf.as_str();
    match load::load(router, &mut host, bufs, path) {
        Ok(loaded) if loaded.errors == 0 => exit::OK,
        Ok(_) => exit::CONFIG,
        Err(LoadError::Missing) => {
            let missing = ["Configuration file ", path, " does not exist"];
            super::words(&mut host.log, Level::Err, &missing);
            exit::CONFIG
        }
        Err(LoadError::Unreadable(e)) => {
            super::failed(&mut host.log, Level::Err, "Failed reading ", path, ": ", e);
            exit::CONFIG
        }
    }
}
