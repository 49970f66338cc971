//! The seam between the pure router and the operating system.
//!
//! The router never touches a socket: every change it makes to the kernel goes through
//! [`Kernel`]. `sys::linux` implements it with the multicast routing socket and the join
//! helper sockets; tests implement it with a recorder.

use crate::errno::Errno;
use crate::limits::{MAX_JOIN_SOCKETS, MAX_VIFS};
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

    /// `MRT_DEL_MFC` / `MRT6_DEL_MFC` for the (S,G) of `mfc` (the entry as installed: the
    /// kernel reads its addresses, and its parent, not its TTLs).
    fn del_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno>;

    /// `ioctl(SIOCGETSGCNT)` for (S,G): on success the counters land in `count` (left
    /// alone on an error). An out-parameter, not `Result<SgCount, _>`: that came back
    /// through memory, its tag tested apart from the counters (x86_64 smcrouted -24 B).
    fn sg_count(&mut self, source: &Addr, group: &Addr, count: &mut SgCount) -> Result<(), Errno>;

    /// Joins `group` (ASM) or (`source`, `group`) (SSM) on `ifindex`, on a helper socket
    /// chosen by the implementation (which handles `ENOBUFS` by opening another socket)
    /// among those not in `busy` (the ones holding (`ifindex`, `group`) already: a socket
    /// must not mix filter modes or sources of one group). Returns that socket's slot,
    /// for [`Kernel::leave`]. The caller keeps the memberships: one asked for twice (`a1`
    /// and `a+`) is joined once.
    fn join(
        &mut self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &JoinSockets,
    ) -> Result<u16, Errno>;

    /// Leaves what [`Kernel::join`] joined on socket slot `sock`.
    fn leave(
        &mut self,
        sock: u16,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
    ) -> Result<(), Errno>;
}

/// A set of join helper socket slots (below [`MAX_JOIN_SOCKETS`]), one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JoinSockets([u32; MAX_JOIN_SOCKETS.div_ceil(32)]);

impl JoinSockets {
    /// Adds slot `sock` (ignored beyond the capacity).
    pub fn insert(&mut self, sock: u16) {
        if let Some(w) = self.0.get_mut(usize::from(sock / 32)) {
            *w |= 1 << (sock % 32);
        }
    }

    /// True if slot `sock` is in the set.
    pub fn contains(&self, sock: usize) -> bool {
        self.0
            .get(sock / 32)
            .is_some_and(|w| w & (1 << (sock % 32)) != 0)
    }
}

/// Everything else the router asks of its host besides kernel requests: logging, the
/// `-e` script and mrdisc (RFC 4286) announcements. The daemon implements it over `sys`;
/// tests record the calls.
pub trait Host: Kernel + crate::fmt::Log {
    /// A template produced a kernel (S,G) entry (NOCACHE or WRONGVIF): SMCRoute runs the
    /// `-e` script with `install` and `source`/`group` in its environment.
    fn route_installed(&mut self, source: &Addr, group: &Addr);

    /// A VIF was created on an interface whose `phyint` line has `mrdisc`: start sending
    /// announcements there.
    fn mrdisc_register(&mut self, ifindex: u32, name: &str);

    /// The VIF of an mrdisc interface was removed: send a termination, stop announcing.
    fn mrdisc_deregister(&mut self, ifindex: u32);
}

/// Interface facts the router needs, as read from the kernel (rtnetlink dump or event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfInfo<'a> {
    /// Interface name.
    pub name: &'a str,
    /// Kernel interface index.
    pub ifindex: u32,
    /// `IFF_UP`.
    pub up: bool,
    /// `IFF_MULTICAST`.
    pub multicast: bool,
}

/// A kernel upcall on the multicast routing socket (`struct igmpmsg` / `struct mrt6msg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upcall {
    /// What the kernel reports.
    pub kind: UpcallKind,
    /// VIF/MIF the packet arrived on.
    pub vif: u8,
    /// Packet source.
    pub source: Addr,
    /// Packet destination group.
    pub group: Addr,
}

/// Upcall message types (`IGMPMSG_*`, `MRT6MSG_*`); unknown values are kept, not dropped.
///
/// Each known kind's tag is its message type: the conversions to and from the number
/// are then no more than the tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum UpcallKind {
    /// Any other message type.
    Unknown(u8) = 0,
    /// No MFC entry for (S,G): `IGMPMSG_NOCACHE` (1) / `MRT6MSG_NOCACHE` (1).
    NoCache = 1,
    /// Arrived on a VIF other than the entry's parent: `IGMPMSG_WRONGVIF` (2) /
    /// `MRT6MSG_WRONGMIF` (2).
    WrongVif = 2,
    /// PIM register data: `IGMPMSG_WHOLEPKT` (3) / `MRT6MSG_WHOLEPKT` (3).
    WholePkt = 3,
    /// `IGMPMSG_WRVIFWHOLE` (4).
    WrVifWhole = 4,
}
