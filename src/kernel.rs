//! The seam between the pure router and the operating system.
//!
//! The router never touches a socket: every change it makes to the kernel goes through
//! [`Kernel`]. `sys::linux` implements it with the multicast routing socket and the join
//! helper sockets; tests implement it with a recorder.

use crate::errno::Errno;
use crate::limits::MAX_VIFS;
use crate::net::{Addr, Family};

/// One kernel multicast forwarding cache entry (`struct mfcctl` / `struct mf6cctl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mfc {
    /// Source address (full length).
    pub source: Addr,
    /// Group address (full length).
    pub group: Addr,
    /// Inbound VIF/MIF index.
    pub parent: u8,
    /// TTL threshold per outbound VIF; 0 means not forwarded. IPv6 uses only non-zero-ness.
    pub ttls: [u8; MAX_VIFS],
}

/// Counters of one (S,G) from `SIOCGETSGCNT` / `SIOCGETSGCNT_IN6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SgCount {
    /// Packets forwarded.
    pub packets: u64,
    /// Bytes forwarded.
    pub bytes: u64,
    /// Packets that arrived on the wrong interface.
    pub wrong_if: u64,
}

/// Kernel operations the router needs. Every method maps to one kernel request.
pub trait Kernel {
    /// True if multicast routing for `family` was initialised (`MRT_INIT`/`MRT6_INIT`).
    fn has_family(&self, family: Family) -> bool;

    /// `MRT_ADD_VIF` (IPv4, with `VIFF_USE_IFINDEX`) or `MRT6_ADD_MIF` (IPv6).
    fn add_vif(
        &mut self,
        family: Family,
        vif: u8,
        ifindex: u32,
        threshold: u8,
    ) -> Result<(), Errno>;

    /// `MRT_DEL_VIF` / `MRT6_DEL_MIF`.
    fn del_vif(&mut self, family: Family, vif: u8, ifindex: u32) -> Result<(), Errno>;

    /// `MRT_ADD_MFC` / `MRT6_ADD_MFC`: installs or replaces the entry for (S,G).
    fn add_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno>;

    /// `MRT_DEL_MFC` / `MRT6_DEL_MFC` for (S,G) with inbound VIF `parent`.
    fn del_mfc(&mut self, source: &Addr, group: &Addr, parent: u8) -> Result<(), Errno>;

    /// `ioctl(SIOCGETSGCNT)` for (S,G).
    fn sg_count(&mut self, source: &Addr, group: &Addr) -> Result<SgCount, Errno>;

    /// Joins `group` (ASM) or (`source`, `group`) (SSM) on `ifindex`, on a helper socket
    /// chosen by the implementation (which handles `ENOBUFS` by opening another socket).
    fn join(&mut self, ifindex: u32, source: Option<&Addr>, group: &Addr) -> Result<(), Errno>;

    /// Leaves what [`Kernel::join`] joined.
    fn leave(&mut self, ifindex: u32, source: Option<&Addr>, group: &Addr) -> Result<(), Errno>;
}
