//! `smcrouted -F FILE`: check a conf file and exit 0 (clean) or 78 (errors), spec §7.3.
//!
//! The conf goes through the same router code as a real start, against the daemon's host
//! in dry-run mode (every kernel request accepted, none made), so every message is the one
//! the daemon would log. Unlike SMCRoute, VIFs are allocated lazily here too (no false
//! "has no VIF" errors) and the error count cannot cancel out to 0.

use crate::args::DaemonOpts;
use crate::fmt::Level;
use crate::router::Router;
use crate::sys::log::{SysLog, Target};
use crate::sys::mroute::MrouteSys;

use super::exit;
use super::host::{DaemonHost, Mrdiscs};
use super::load::ConfBufs;

/// Runs the check; returns the exit code.
pub fn run(
    opts: &DaemonOpts<'_>,
    router: &mut Router,
    bufs: &mut ConfBufs,
    kernel: &'static mut MrouteSys,
    mrdisc: &'static mut Mrdiscs,
) -> i32 {
    let log = SysLog::open(opts.ident, opts.log_level, Target::Verify);
    let mut host = DaemonHost::new(kernel, mrdisc, log, opts.mrdisc_interval as u8);
    super::start_host(router, &mut host, bufs, opts, true);
    let path = opts.conf.as_str();
    let code = match super::load_conf(router, &mut host, bufs, path, Level::Err) {
        Ok(0) => exit::OK,
        _ => exit::CONFIG,
    };
    // The process exits now (its syslog socket closes with it): no drop code.
    core::mem::forget(host);
    code
}
