//! `smcrouted -F FILE`: check a conf file and exit 0 (clean) or 78 (errors), spec §7.3.
//!
//! The conf goes through the same router code as a real start, against a host whose
//! kernel accepts everything, so every message is the one the daemon would log. Unlike
//! SMCRoute, VIFs are allocated lazily here too (no false "has no VIF" errors) and the
//! error count cannot cancel out to 0.

use crate::args::DaemonOpts;
use crate::errno::Errno;
use crate::fmt::{Level, Log};
use crate::kernel::{Host, Kernel, Mfc, SgCount};
use crate::net::{Addr, Family};
use crate::router::{Options, Router};
use crate::sys::log::{SysLog, Target};
use crate::sys::netlink;

use super::exit;
use super::load::{self, ConfBufs, LoadError};

/// A host that changes nothing and prints messages to stdout.
struct VerifyHost {
    log: SysLog,
}

impl Log for VerifyHost {
    fn log(&mut self, level: Level, line: &str) {
        self.log.log(level, line);
    }
}

impl Kernel for VerifyHost {
    fn has_family(&self, _: Family) -> bool {
        true
    }
    fn add_vif(&mut self, _: Family, _: u8, _: u32, _: u8) -> Result<(), Errno> {
        Ok(())
    }
    fn del_vif(&mut self, _: Family, _: u8, _: u32) -> Result<(), Errno> {
        Ok(())
    }
    fn add_mfc(&mut self, _: &Mfc) -> Result<(), Errno> {
        Ok(())
    }
    fn del_mfc(&mut self, _: &Addr, _: &Addr, _: u8) -> Result<(), Errno> {
        Ok(())
    }
    fn sg_count(&mut self, _: &Addr, _: &Addr) -> Result<SgCount, Errno> {
        Ok(SgCount::default())
    }
    fn join(&mut self, _: u32, _: Option<&Addr>, _: &Addr) -> Result<(), Errno> {
        Ok(())
    }
    fn leave(&mut self, _: u32, _: Option<&Addr>, _: &Addr) -> Result<(), Errno> {
        Ok(())
    }
}

impl Host for VerifyHost {
    fn route_installed(&mut self, _: &Addr, _: &Addr) {}
    fn mrdisc_register(&mut self, _: u32, _: &str) {}
    fn mrdisc_deregister(&mut self, _: u32) {}
}

/// Runs the check; returns the exit code.
pub fn run(opts: &DaemonOpts<'_>, router: &mut Router, bufs: &mut ConfBufs) -> i32 {
    let mut host = VerifyHost { log: SysLog::open(opts.ident, opts.log_level, Target::Verify) };
    router.set_options(Options { do_vifs: opts.phyint_enable_default, cache_timeout_secs: opts.cache_timeout });
    router.scan_begin();
    if let Err(e) = netlink::dump_links(&mut |info| router.scan_iface(info)) {
        log!(&mut host, Level::Err, "Failed reading interfaces: {}", e);
    }
    router.scan_end(&mut host);
    let path = opts.conf.as_str();
    match load::load(router, &mut host, bufs, path) {
        Ok(loaded) if loaded.errors == 0 => exit::OK,
        Ok(_) => exit::CONFIG,
        Err(LoadError::Missing) => {
            log!(&mut host, Level::Err, "Configuration file {} does not exist", path);
            exit::CONFIG
        }
        Err(LoadError::Unreadable(e)) => {
            log!(&mut host, Level::Err, "Failed reading {}: {}", path, e);
            exit::CONFIG
        }
    }
}
