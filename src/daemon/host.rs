//! The daemon's [`Host`]: the router's window on the kernel, the log, the `-e` script and
//! mrdisc, all backed by `sys`.

use crate::errno::Errno;
use crate::fmt::{Level, Log};
use crate::kernel::{Host, JoinSockets, Kernel, Mfc, SgCount};
use crate::limits::{MAX_SCRIPT_ENV, MAX_VIFS};
use crate::net::{Addr, Family};
use crate::router::msg::{note, Msg};
use crate::sys;
use crate::sys::log::SysLog;
use crate::sys::mrdisc::Mrdisc;
use crate::sys::mroute::MrouteSys;
use crate::sys::poll::PollFd;
use crate::wire::igmp::Mrdisc as MrdiscMsg;

use super::said::{say, Said};

// The limit written into the text at compile time: no number formatting at run time.
/// The end of the warning about a script started without some of its environment.
const ENV_MAX: &str = crate::joined![" (max ", crate::decimal!(MAX_SCRIPT_ENV), ")"];
/// The end of the warning about inherited variables left out of a script's environment.
const LEFT_OUT: &str = crate::joined![" environment variables", ENV_MAX];

/// The mrdisc sockets by slot, each knowing its interface. Empty it is all zero bytes:
/// the daemon keeps it in its static (.bss), so a start initialises no copy of it.
pub struct Mrdiscs([Option<Mrdisc>; MAX_VIFS]);

impl Mrdiscs {
    /// No sockets.
    pub const fn new() -> Self {
        Self([const { None }; MAX_VIFS])
    }
}

/// Kernel, log, script hook and mrdisc sockets of the running daemon.
///
/// `repr(C)`, the log (with its line, over a hundred bytes) after the small fields the
/// router's code reaches through the host pointer (the kernel, the dry-run flag, the
/// mrdisc table: one-byte offsets), and the script, read only by [`Self::run_script`],
/// last: the log then starts 24 bytes in, and in `main`'s frame, where the host sits
/// above the spill slots, its dozen uses take one-byte offsets from the stack pointer
/// too (x86_64 -32 B against the script before the log).
#[repr(C)]
pub struct DaemonHost<'a> {
    /// Multicast routing sockets and join helpers (about 50 KiB with the join pool: a
    /// static in .bss, not a stack frame).
    pub kernel: &'static mut MrouteSys,
    mrdisc: &'static mut [Option<Mrdisc>; MAX_VIFS],
    /// `-m SEC`: mrdisc announcement interval.
    pub mrdisc_interval: u8,
    /// `-F`: accept every kernel request without making it, so the conf goes through the
    /// very code a real start runs (one `Host` type also keeps the router's generic code
    /// instantiated once in the binary).
    pub dry_run: bool,
    /// Syslog/stderr sink (remembers the last line for IPC error replies).
    pub log: SysLog<'a>,
    /// `-e CMD`, once checked executable (borrowed from the options, not copied).
    pub script: Option<&'a str>,
}

// Slot numbers of `mrdisc` are passed as `u8`.
static_assertions::const_assert!(MAX_VIFS <= 256);

impl<'a> DaemonHost<'a> {
    /// A host over opened sockets.
    pub fn new(
        kernel: &'static mut MrouteSys,
        mrdisc: &'static mut Mrdiscs,
        log: SysLog<'a>,
        mrdisc_interval: u8,
    ) -> Self {
        Self {
            kernel,
            log,
            script: None,
            mrdisc_interval,
            dry_run: false,
            mrdisc: &mut mrdisc.0,
        }
    }

    /// Runs the `-e` script with `arg` (`reload` or `install`), if one is set.
    pub fn run_script(&mut self, arg: &str, route: Option<(&Addr, &Addr)>) {
        let Some(path) = self.script else { return };
        let env = match route {
            Some((source, group)) => sys::process::ScriptEnv::Route { source, group },
            None => sys::process::ScriptEnv::Clear,
        };
        match sys::process::run_script(path, arg, env) {
            Ok(started) if started.env_left_out > 0 => {
                // Through the start-up messages' line builder: no formatting code here.
                let count = crate::net::Dec::of(started.env_left_out as u64);
                let parts = ["Script ", path, " started without ", count.as_str()];
                crate::fmt::line_of(&mut self.log, Level::Warning, &parts, None, LEFT_OUT);
            }
            Ok(_) => {}
            Err(e) => {
                say(&mut self.log, Said::Script, path, Some(e));
            }
        }
    }

    /// Sends an announcement on every mrdisc interface (the `-m` timer).
    pub fn mrdisc_announce_all(&mut self) {
        let interval = self.mrdisc_interval;
        for m in self.mrdisc.iter_mut().flatten() {
            let _ = m.announce(interval);
        }
    }

    /// Fills `out` with a poll entry per mrdisc slot, in slot order (an unused one for a
    /// free slot; see [`Self::mrdisc_readable`]).
    pub fn mrdisc_poll_fds(&self, out: &mut [PollFd]) {
        for (entry, m) in out.iter_mut().zip(self.mrdisc.iter()) {
            *entry = match m {
                Some(m) => PollFd::new(m.fd().raw(), PollFd::IN),
                None => PollFd::unused(),
            };
        }
    }

    /// Handles the readable mrdisc socket of `slot`: a Solicitation gets an immediate
    /// announcement. `buf` is the daemon's receive buffer.
    pub fn mrdisc_readable(&mut self, slot: usize, buf: &mut [u8]) {
        if let Some(Some(m)) = self.mrdisc.get(slot) {
            if let Ok(Some(MrdiscMsg::Solicitation)) = m.recv(buf) {
                let _ = m.announce(self.mrdisc_interval);
            }
        }
    }
}

// Not inlined: called from every log line of the router and the daemon.
impl Log for DaemonHost<'_> {
    #[inline(never)]
    fn log(&mut self, level: Level, line: &str) {
        self.log.log(level, line);
    }

    #[inline(never)]
    fn wants(&self, level: Level) -> bool {
        self.log.wants(level)
    }
}

impl Kernel for DaemonHost<'_> {
    fn has_family(&self, family: Family) -> bool {
        self.dry_run || self.kernel.has_family(family)
    }

    fn add_vif(
        &mut self,
        family: Family,
        vif: u8,
        ifindex: u32,
        threshold: u8,
    ) -> Result<(), Errno> {
        if self.dry_run {
            return Ok(());
        }
        self.kernel.add_vif(family, vif, ifindex, threshold)
    }

    fn del_vif(&mut self, family: Family, vif: u8, ifindex: u32) -> Result<(), Errno> {
        if self.dry_run {
            return Ok(());
        }
        self.kernel.del_vif(family, vif, ifindex)
    }

    fn add_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        if self.dry_run {
            return Ok(());
        }
        self.kernel.add_mfc(mfc)
    }

    fn del_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        if self.dry_run {
            return Ok(());
        }
        self.kernel.del_mfc(mfc)
    }

    fn sg_count(&mut self, source: &Addr, group: &Addr, count: &mut SgCount) -> Result<(), Errno> {
        if self.dry_run {
            *count = SgCount::default();
            return Ok(());
        }
        self.kernel.sg_count(source, group, count)
    }

    fn join(
        &mut self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &JoinSockets,
    ) -> Result<u16, Errno> {
        if self.dry_run {
            return Ok(0);
        }
        let result = self.kernel.join(ifindex, source, group, busy);
        if let Some(adjusted) = self.kernel.joins.take_adjusted() {
            note(self, Msg::MaxGroupsAdjusted(adjusted.max_groups));
        }
        result
    }

    fn leave(
        &mut self,
        sock: u16,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
    ) -> Result<(), Errno> {
        if self.dry_run {
            return Ok(());
        }
        self.kernel.leave(sock, ifindex, source, group)
    }
}

impl Host for DaemonHost<'_> {
    fn route_installed(&mut self, source: &Addr, group: &Addr) {
        if self.dry_run {
            return;
        }
        self.run_script("install", Some((source, group)));
    }

    fn mrdisc_register(&mut self, ifindex: u32, name: &str) {
        if self.dry_run {
            return;
        }
        // One walk finds an existing socket of the interface and the first free slot (not
        // a search for each): x86_64 .text -5 B, MIPS16e -16 B.
        let mut free = None;
        for m in self.mrdisc.iter_mut() {
            match m {
                Some(m) if m.ifindex() == ifindex => return,
                Some(_) => {}
                None => {
                    if free.is_none() {
                        free = Some(m);
                    }
                }
            }
        }
        // Never full: the router registers an interface once, when it gets its IPv4 VIF,
        // and deregisters it with that VIF, so there are at most MAX_VIFS sockets.
        let Some(slot) = free else {
            return;
        };
        match Mrdisc::open(name, ifindex) {
            Ok(sock) => {
                let _ = sock.announce(self.mrdisc_interval);
                // The slot is free: the `None` replaced needs no drop.
                debug_assert!(slot.is_none());
                core::mem::forget(slot.replace(sock));
            }
            Err(e) => {
                say(&mut self.log, Said::Mrdisc, name, Some(e));
            }
        }
    }

    fn mrdisc_deregister(&mut self, ifindex: u32) {
        for slot in self.mrdisc.iter_mut() {
            if slot.as_ref().is_some_and(|m| m.ifindex() == ifindex) {
                if let Some(m) = slot.take() {
                    let _ = m.terminate();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_max_names_the_limit() {
        assert_eq!(ENV_MAX, format!(" (max {MAX_SCRIPT_ENV})"));
        let left_out = format!(" environment variables (max {MAX_SCRIPT_ENV})");
        assert_eq!(LEFT_OUT, left_out);
    }
}
