//! `smcrouted -F FILE`: check a conf file and exit 0 (clean) or 78 (errors), spec §7.3.
//!
//! The conf goes through the same router code as a real start, against the daemon's host
//! in dry-run mode (every kernel request accepted, none made), so every message is the one
//! the daemon would log. Unlike SMCRoute, VIFs are allocated lazily here too (no false
//! "has no VIF" errors) and the error count cannot cancel out to 0.

use crate::args::DaemonOpts;
use crate::fmt::Level;
use crate::router::Router;

use super::exit;
use super::host::DaemonHost;
use super::load::ConfBufs;

/// Runs the check with `host`, the daemon's, logging as `-F` does (made by the start
/// before anything a real start does; never dropped: the process exits next, its
/// syslog socket closes with it); returns the exit code.
pub fn run(
    router: &mut Router,
    host: &mut DaemonHost<'_>,
    bufs: &mut ConfBufs,
    opts: &DaemonOpts<'_>,
) -> i32 {
    super::start_host(router, host, bufs, opts, true);
    match super::load_conf(router, host, bufs, opts.conf.as_str(), Level::Err) {
        Ok(0) => exit::OK,
        _ => exit::CONFIG,
    }
}
