//! The multicast routing sockets: `MRT_INIT`, VIFs/MIFs, MFC entries, counters, upcalls.
//!
//! [`MrouteSys`] implements [`Kernel`] over the IPv4 raw IGMP socket and the IPv6 raw
//! ICMPv6 socket (either may be missing: the daemon runs with what it got) and the
//! [`JoinPool`] of helper sockets for group joins.
//!
//! # References
//! `man 7 ip`, `man 7 ipv6`, `<linux/mroute.h>`, `<linux/mroute6.h>`, `net/ipv4/ipmr.c`.

use core::mem::size_of;

use libc::{c_int, c_void};
use ufmt::{uDisplay, uWrite, Formatter};

use super::abi::{self, if_set, mf6cctl, mfcctl, mif6ctl, vifctl};
use super::join::JoinPool;
use super::{ret, ret_len, Fd};
use crate::errno::Errno;
use crate::fmt::Level;
use crate::kernel::{Kernel, Mfc, SgCount, Upcall};
use crate::net::{Addr, Family};
use crate::wire;

// ===== socket helpers (shared by join, mrdisc, netlink) =====

/// `socket(domain, ty | SOCK_CLOEXEC, protocol)`.
pub(super) fn socket(domain: c_int, ty: c_int, protocol: c_int) -> Result<Fd, Errno> {
    // SAFETY: no pointers; the returned descriptor is owned by the new `Fd` only.
    let fd = ret(unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, protocol) })?;
    Ok(Fd::from_raw(fd))
}

/// `setsockopt(fd, level, name, value, sizeof(T))`.
pub(super) fn setsockopt<T: Copy>(
    fd: &Fd,
    level: c_int,
    name: c_int,
    value: &T,
) -> Result<(), Errno> {
    let ptr: *const T = value;
    // SAFETY: `fd` is open; `ptr` points to a live `T` of exactly `size_of::<T>()` bytes,
    // the length we pass, and the kernel only reads it.
    ret(unsafe { libc::setsockopt(fd.raw(), level, name, ptr.cast(), size_of::<T>() as _) })?;
    Ok(())
}

/// `setsockopt` with a byte string value (`SO_BINDTODEVICE`).
pub(super) fn setsockopt_bytes(
    fd: &Fd,
    level: c_int,
    name: c_int,
    value: &[u8],
) -> Result<(), Errno> {
    // SAFETY: `fd` is open; `value` is valid for reads of `value.len()` bytes.
    ret(unsafe {
        libc::setsockopt(
            fd.raw(),
            level,
            name,
            value.as_ptr().cast(),
            value.len() as _,
        )
    })?;
    Ok(())
}

/// `setsockopt` of an `int`.
pub(super) fn setsockopt_int(
    fd: &Fd,
    level: c_int,
    name: c_int,
    value: c_int,
) -> Result<(), Errno> {
    setsockopt(fd, level, name, &value)
}

/// `recv(fd, buf, len, flags)`.
pub(super) fn recv(fd: &Fd, buf: &mut [u8], flags: c_int) -> Result<usize, Errno> {
    // SAFETY: `fd` is open; `buf` is valid for writes of `buf.len()` bytes.
    ret_len(unsafe { libc::recv(fd.raw(), buf.as_mut_ptr().cast(), buf.len(), flags) })
}

/// `ioctl(fd, request, arg)` for a request that reads and writes one `T`.
fn ioctl_rw<T: Copy>(fd: &Fd, request: libc::c_ulong, arg: &mut T) -> Result<(), Errno> {
    let ptr: *mut T = arg;
    // SAFETY: `fd` is open; `ptr` points to a live, exclusively borrowed `T`, which is the
    // argument type of `request` (checked by the layout assertions in `abi`).
    ret(unsafe { libc::ioctl(fd.raw(), request as _, ptr.cast::<c_void>()) })?;
    Ok(())
}

pub(super) fn in_addr(a: [u8; 4]) -> libc::in_addr {
    // s_addr holds the address in network order, i.e. the bytes in memory order.
    libc::in_addr {
        s_addr: u32::from_ne_bytes(a),
    }
}

fn sockaddr_in6(a: [u8; 16]) -> libc::sockaddr_in6 {
    libc::sockaddr_in6 {
        sin6_family: libc::AF_INET6 as libc::sa_family_t,
        sin6_port: 0,
        sin6_flowinfo: 0,
        sin6_addr: libc::in6_addr { s6_addr: a },
        sin6_scope_id: 0,
    }
}

// ===== initialisation =====

/// Which step of opening a routing socket failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitStep {
    /// `socket(2)`.
    Socket,
    /// `IP(V6)_MULTICAST_LOOP`/`_ALL` on the new socket.
    Options,
    /// `MRT_TABLE`/`MRT6_TABLE`.
    Table,
    /// `MRT_INIT`/`MRT6_INIT`.
    Init,
    /// Writing `/proc/sys/net/ipv6/conf/all/mc_forwarding`.
    McForwarding,
}

/// Failure to open a multicast routing socket; displays SMCRoute's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitError {
    /// IPv4 or IPv6 socket.
    pub family: Family,
    /// What failed.
    pub step: InitStep,
    /// Why.
    pub errno: Errno,
}

impl InitError {
    /// True when the kernel lacks multicast routing (or IGMP/ICMPv6) altogether, which
    /// is also what qemu-user answers to the `MRT_*` options.
    pub fn unsupported(&self) -> bool {
        matches!(self.errno, Errno::ENOPROTOOPT | Errno::EOPNOTSUPP)
            && matches!(self.step, InitStep::Socket | InitStep::Init)
    }

    /// Log level SMCRoute uses for the message.
    pub fn level(&self) -> Level {
        if self.step == InitStep::Socket && self.unsupported() {
            Level::Warning
        } else {
            Level::Err
        }
    }

    /// The second line SMCRoute logs after the message, if any.
    pub fn hint(&self) -> Option<&'static str> {
        match (self.step, self.family, self.errno) {
            (InitStep::Table, Family::V4, _) => {
                Some("Make sure your kernel has CONFIG_IP_MROUTE_MULTIPLE_TABLES=y")
            }
            (InitStep::Table, Family::V6, _) => {
                Some("Make sure your kernel has CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y")
            }
            (InitStep::Init, _, Errno::EADDRINUSE) => {
                Some("Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?")
            }
            _ => None,
        }
    }
}

impl uDisplay for InitError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let v = match self.family {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        };
        let e = self.errno;
        match self.step {
            InitStep::Socket if self.unsupported() => match self.family {
                Family::V4 => f.write_str("Kernel does not even support IGMP, skipping ..."),
                Family::V6 => f.write_str("Kernel does not even support IPv6 ICMP, skipping ..."),
            },
            InitStep::Socket => {
                ufmt::uwrite!(f, "Failed creating {} multicast routing socket: {}", v, e)
            }
            InitStep::Options => {
                ufmt::uwrite!(
                    f,
                    "Failed setting {} multicast routing socket options: {}",
                    v,
                    e
                )
            }
            InitStep::Table => {
                ufmt::uwrite!(f, "Cannot set {} multicast routing table id: {}", v, e)
            }
            InitStep::Init if e == Errno::EADDRINUSE => {
                ufmt::uwrite!(f, "{} multicast routing API already in use: {}", v, e)
            }
            InitStep::Init if self.unsupported() => {
                ufmt::uwrite!(
                    f,
                    "Kernel does not support {} multicast routing, skipping ...",
                    v
                )
            }
            InitStep::Init => {
                ufmt::uwrite!(f, "Failed initializing {} multicast routing API: {}", v, e)
            }
            InitStep::McForwarding => {
                ufmt::uwrite!(f, "Failed enabling IPv6 multicast forwarding: {}", e)
            }
        }
    }
}

/// Sets `IP(V6)_MULTICAST_LOOP` and `IP(V6)_MULTICAST_ALL` to 0 on `fd`. `_ALL` is
/// missing on old kernels and under qemu-user: `ENOPROTOOPT` there is fine.
pub(super) fn loop_and_all_off(fd: &Fd, family: Family) -> Result<(), Errno> {
    let (level, lp, all) = match family {
        Family::V4 => (
            libc::IPPROTO_IP,
            libc::IP_MULTICAST_LOOP,
            libc::IP_MULTICAST_ALL,
        ),
        Family::V6 => (
            libc::IPPROTO_IPV6,
            libc::IPV6_MULTICAST_LOOP,
            abi::IPV6_MULTICAST_ALL,
        ),
    };
    setsockopt_int(fd, level, lp, 0)?;
    match setsockopt_int(fd, level, all, 0) {
        Err(Errno::ENOPROTOOPT) | Ok(()) => Ok(()),
        Err(e) => Err(e),
    }
}

fn open(family: Family, table: u32) -> Result<Fd, InitError> {
    let fail = |step| {
        move |errno| InitError {
            family,
            step,
            errno,
        }
    };
    let (domain, proto, level, opt_table, opt_init) = match family {
        Family::V4 => (
            libc::AF_INET,
            libc::IPPROTO_IGMP,
            libc::IPPROTO_IP,
            abi::MRT_TABLE,
            abi::MRT_INIT,
        ),
        Family::V6 => (
            libc::AF_INET6,
            libc::IPPROTO_ICMPV6,
            libc::IPPROTO_IPV6,
            abi::MRT6_TABLE,
            abi::MRT6_INIT,
        ),
    };
    let fd = socket(domain, libc::SOCK_RAW | libc::SOCK_NONBLOCK, proto)
        .map_err(fail(InitStep::Socket))?;
    loop_and_all_off(&fd, family).map_err(fail(InitStep::Options))?;
    if table != 0 {
        // The kernel reads the table id as a u32.
        setsockopt(&fd, level, opt_table, &table).map_err(fail(InitStep::Table))?;
    }
    setsockopt_int(&fd, level, opt_init, 1).map_err(fail(InitStep::Init))?;
    // A burst of new sources queues one upcall each; the default buffer drops about a
    // quarter of 5,000 and every dropped one costs a resend round. Best effort: the kernel
    // caps it at `rmem_max`.
    let _ = setsockopt_int(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, UPCALL_RCVBUF);
    Ok(fd)
}

/// Receive buffer of the routing sockets, for upcall bursts.
const UPCALL_RCVBUF: libc::c_int = 1 << 20;

/// Opens the IPv4 multicast routing socket: raw IGMP, close-on-exec, non-blocking,
/// loop and multicast-all off, `MRT_TABLE` (if `table` is not 0), then `MRT_INIT`.
#[doc(alias = "MRT_INIT")]
pub fn open_v4(table: u32) -> Result<Fd, InitError> {
    open(Family::V4, table)
}

/// `setsockopt(fd, IPPROTO_IP, MRT_PIM, 1)`: also enables asserts, i.e. WRONGVIF upcalls.
/// Failure (no `CONFIG_IP_PIMSM_V*`) is not fatal: SMCRoute logs
/// "Failed enabling PIM IGMPMSG_WRONGVIF, ignoring: …".
#[doc(alias = "MRT_PIM")]
pub fn enable_pim(fd: &Fd) -> Result<(), Errno> {
    setsockopt_int(fd, libc::IPPROTO_IP, abi::MRT_PIM, 1)
}

/// Opens the IPv6 multicast routing socket: raw ICMPv6, then as [`open_v4`] with
/// `MRT6_TABLE`/`MRT6_INIT`, then writes "1" to `all/mc_forwarding` (`EACCES`, which the
/// read-only file gives, is fine).
#[doc(alias = "MRT6_INIT")]
pub fn open_v6(table: u32) -> Result<Fd, InitError> {
    let fd = open(Family::V6, table)?;
    match write_mc_forwarding() {
        Ok(()) | Err(Errno::EACCES) => Ok(fd),
        Err(errno) => Err(InitError {
            family: Family::V6,
            step: InitStep::McForwarding,
            errno,
        }),
    }
}

fn write_mc_forwarding() -> Result<(), Errno> {
    const PATH: &[u8] = b"/proc/sys/net/ipv6/conf/all/mc_forwarding\0";
    // SAFETY: `PATH` is NUL-terminated; the returned descriptor is owned by `Fd`.
    let fd = ret(unsafe { libc::open(PATH.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC) })?;
    let fd = Fd::from_raw(fd);
    super::write_all_raw(fd.raw(), b"1")
}

/// `setsockopt(fd, IPPROTO_IP, MRT_DONE)` / `MRT6_DONE`: the kernel drops every VIF/MIF and
/// MFC entry of the table.
#[doc(alias = "MRT_DONE")]
pub fn done(fd: &Fd, family: Family) -> Result<(), Errno> {
    match family {
        Family::V4 => setsockopt_int(fd, libc::IPPROTO_IP, abi::MRT_DONE, 0),
        Family::V6 => setsockopt_int(fd, libc::IPPROTO_IPV6, abi::MRT6_DONE, 0),
    }
}

/// Reads from the `family` routing socket until a kernel upcall arrives (returned) or the
/// socket is empty (`Ok(None)`). Ordinary IGMP/ICMPv6 packets are read and dropped; at
/// most 64 datagrams are read per call, so a flood cannot starve the caller's loop.
pub fn recv_upcall(fd: &Fd, family: Family, buf: &mut [u8]) -> Result<Option<Upcall>, Errno> {
    for _ in 0..64 {
        match recv(fd, buf, libc::MSG_DONTWAIT) {
            Ok(n) => {
                if let Some(up) = wire::upcall::decode(family, buf.get(..n).unwrap_or(&[])) {
                    return Ok(Some(up));
                }
            }
            Err(Errno::EAGAIN) => return Ok(None),
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

// ===== MrouteSys =====

/// The kernel as the router sees it: both routing sockets and the join helper sockets.
pub struct MrouteSys {
    /// IPv4 routing socket, if [`open_v4`] succeeded.
    pub v4: Option<Fd>,
    /// IPv6 routing socket, if [`open_v6`] succeeded.
    pub v6: Option<Fd>,
    /// Helper sockets holding group joins.
    pub joins: JoinPool,
}

impl Default for MrouteSys {
    fn default() -> Self {
        Self::new()
    }
}

impl MrouteSys {
    /// No routing sockets, no joins.
    pub const fn new() -> Self {
        Self {
            v4: None,
            v6: None,
            joins: JoinPool::new(),
        }
    }

    /// The routing socket of `family`; `ENOPROTOOPT` if that family was not initialised.
    pub fn fd(&self, family: Family) -> Result<&Fd, Errno> {
        match family {
            Family::V4 => self.v4.as_ref(),
            Family::V6 => self.v6.as_ref(),
        }
        .ok_or(Errno::ENOPROTOOPT)
    }

    /// [`done`] on the `family` socket, which is then closed. `Ok` if there was none.
    pub fn shutdown(&mut self, family: Family) -> Result<(), Errno> {
        let fd = match family {
            Family::V4 => self.v4.take(),
            Family::V6 => self.v6.take(),
        };
        fd.map_or(Ok(()), |fd| done(&fd, family))
    }
}

fn family_of(source: &Addr, group: &Addr) -> Result<Family, Errno> {
    if source.family() == group.family() {
        Ok(group.family())
    } else {
        Err(Errno::EINVAL)
    }
}

impl Kernel for MrouteSys {
    fn has_family(&self, family: Family) -> bool {
        self.fd(family).is_ok()
    }

    /// `MRT_ADD_VIF` with `VIFF_USE_IFINDEX`, or `MRT6_ADD_MIF`.
    fn add_vif(
        &mut self,
        family: Family,
        vif: u8,
        ifindex: u32,
        threshold: u8,
    ) -> Result<(), Errno> {
        let fd = self.fd(family)?;
        match family {
            Family::V4 => {
                let v = vifctl {
                    vifc_vifi: vif.into(),
                    vifc_flags: abi::VIFF_USE_IFINDEX,
                    vifc_threshold: threshold,
                    vifc_rate_limit: 0,
                    vifc_lcl: abi::vifc_lcl {
                        vifc_lcl_ifindex: c_int::try_from(ifindex).map_err(|_| Errno::EINVAL)?,
                    },
                    vifc_rmt_addr: in_addr([0; 4]),
                };
                setsockopt(fd, libc::IPPROTO_IP, abi::MRT_ADD_VIF, &v)
            }
            Family::V6 => {
                let m = mif6ctl {
                    mif6c_mifi: vif.into(),
                    mif6c_flags: 0,
                    vifc_threshold: threshold,
                    mif6c_pifi: u16::try_from(ifindex).map_err(|_| Errno::EINVAL)?,
                    vifc_rate_limit: 0,
                };
                setsockopt(fd, libc::IPPROTO_IPV6, abi::MRT6_ADD_MIF, &m)
            }
        }
    }

    /// `MRT_DEL_VIF` (a `vifctl` naming the VIF) or `MRT6_DEL_MIF` (a `mifi_t`).
    fn del_vif(&mut self, family: Family, vif: u8, ifindex: u32) -> Result<(), Errno> {
        let fd = self.fd(family)?;
        match family {
            Family::V4 => {
                let v = vifctl {
                    vifc_vifi: vif.into(),
                    vifc_flags: abi::VIFF_USE_IFINDEX,
                    vifc_threshold: 0,
                    vifc_rate_limit: 0,
                    vifc_lcl: abi::vifc_lcl {
                        vifc_lcl_ifindex: c_int::try_from(ifindex).unwrap_or(0),
                    },
                    vifc_rmt_addr: in_addr([0; 4]),
                };
                setsockopt(fd, libc::IPPROTO_IP, abi::MRT_DEL_VIF, &v)
            }
            Family::V6 => {
                let mifi: abi::mifi_t = vif.into();
                setsockopt(fd, libc::IPPROTO_IPV6, abi::MRT6_DEL_MIF, &mifi)
            }
        }
    }

    /// `MRT_ADD_MFC` (TTL thresholds) or `MRT6_ADD_MFC` (an `if_set` of the non-zero TTLs).
    fn add_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        set_mfc(self.fd(family_of(&mfc.source, &mfc.group)?)?, mfc, true)
    }

    /// `MRT_DEL_MFC` / `MRT6_DEL_MFC`.
    fn del_mfc(&mut self, source: &Addr, group: &Addr, parent: u8) -> Result<(), Errno> {
        let mfc = Mfc {
            source: *source,
            group: *group,
            parent,
            ttls: [0; crate::limits::MAX_VIFS],
        };
        set_mfc(self.fd(family_of(source, group)?)?, &mfc, false)
    }

    /// `ioctl(SIOCGETSGCNT)` / `ioctl(SIOCGETSGCNT_IN6)`.
    fn sg_count(&mut self, source: &Addr, group: &Addr) -> Result<SgCount, Errno> {
        let fd = self.fd(family_of(source, group)?)?;
        match (source, group) {
            (Addr::V4(s), Addr::V4(g)) => {
                let mut req = abi::sioc_sg_req {
                    src: in_addr(*s),
                    grp: in_addr(*g),
                    pktcnt: 0,
                    bytecnt: 0,
                    wrong_if: 0,
                };
                ioctl_rw(fd, abi::SIOCGETSGCNT, &mut req)?;
                Ok(sg_count(req.pktcnt, req.bytecnt, req.wrong_if))
            }
            (Addr::V6(s), Addr::V6(g)) => {
                let mut req = abi::sioc_sg_req6 {
                    src: sockaddr_in6(*s),
                    grp: sockaddr_in6(*g),
                    pktcnt: 0,
                    bytecnt: 0,
                    wrong_if: 0,
                };
                ioctl_rw(fd, abi::SIOCGETSGCNT_IN6, &mut req)?;
                Ok(sg_count(req.pktcnt, req.bytecnt, req.wrong_if))
            }
            _ => Err(Errno::EINVAL),
        }
    }

    fn join(&mut self, ifindex: u32, source: Option<&Addr>, group: &Addr) -> Result<(), Errno> {
        self.joins
            .join(ifindex, source, group)
            .map_err(|e| e.errno())
    }

    fn leave(&mut self, ifindex: u32, source: Option<&Addr>, group: &Addr) -> Result<(), Errno> {
        self.joins
            .leave(ifindex, source, group)
            .map_err(|e| e.errno())
    }
}

/// Counters are `unsigned long`: 32 bits on 32-bit targets, where they can wrap.
#[allow(clippy::useless_conversion)] // a no-op only where `c_ulong` is `u64`
fn sg_count(packets: libc::c_ulong, bytes: libc::c_ulong, wrong_if: libc::c_ulong) -> SgCount {
    SgCount {
        packets: packets.into(),
        bytes: bytes.into(),
        wrong_if: wrong_if.into(),
    }
}

fn set_mfc(fd: &Fd, mfc: &Mfc, add: bool) -> Result<(), Errno> {
    match (mfc.source, mfc.group) {
        (Addr::V4(s), Addr::V4(g)) => {
            let m = mfcctl {
                mfcc_origin: in_addr(s),
                mfcc_mcastgrp: in_addr(g),
                mfcc_parent: mfc.parent.into(),
                mfcc_ttls: mfc.ttls,
                mfcc_pkt_cnt: 0,
                mfcc_byte_cnt: 0,
                mfcc_wrong_if: 0,
                mfcc_expire: 0,
            };
            let opt = if add {
                abi::MRT_ADD_MFC
            } else {
                abi::MRT_DEL_MFC
            };
            setsockopt(fd, libc::IPPROTO_IP, opt, &m)
        }
        (Addr::V6(s), Addr::V6(g)) => {
            let mut ifset = if_set::default();
            for (mif, ttl) in mfc.ttls.iter().enumerate() {
                if *ttl != 0 {
                    ifset.set(mif);
                }
            }
            let m = mf6cctl {
                mf6cc_origin: sockaddr_in6(s),
                mf6cc_mcastgrp: sockaddr_in6(g),
                mf6cc_parent: mfc.parent.into(),
                mf6cc_ifset: ifset,
            };
            let opt = if add {
                abi::MRT6_ADD_MFC
            } else {
                abi::MRT6_DEL_MFC
            };
            setsockopt(fd, libc::IPPROTO_IPV6, opt, &m)
        }
        _ => Err(Errno::EINVAL),
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn text(e: InitError) -> String {
        let mut s: heapless::String<128> = heapless::String::new();
        ufmt::uwrite!(s, "{}", e).unwrap();
        String::from(s.as_str())
    }

    fn err(family: Family, step: InitStep, errno: Errno) -> InitError {
        InitError {
            family,
            step,
            errno,
        }
    }

    #[test]
    fn init_messages_are_smcroutes() {
        use Family::*;
        use InitStep::*;
        let busy = err(V4, Init, Errno::EADDRINUSE);
        assert_eq!(
            text(busy),
            "IPv4 multicast routing API already in use: Address already in use"
        );
        assert_eq!(
            busy.hint(),
            Some("Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?")
        );
        assert_eq!(busy.level(), Level::Err);
        assert!(!busy.unsupported());
        for errno in [Errno::ENOPROTOOPT, Errno::EOPNOTSUPP] {
            let e = err(V6, Init, errno);
            assert!(e.unsupported());
            assert_eq!(
                text(e),
                "Kernel does not support IPv6 multicast routing, skipping ..."
            );
            assert_eq!(e.hint(), None);
        }
        assert_eq!(
            text(err(V4, Init, Errno::EPERM)),
            "Failed initializing IPv4 multicast routing API: Operation not permitted"
        );
        let nosock = err(V4, Socket, Errno::ENOPROTOOPT);
        assert_eq!(
            text(nosock),
            "Kernel does not even support IGMP, skipping ..."
        );
        assert_eq!(nosock.level(), Level::Warning);
        assert_eq!(
            text(err(V6, Socket, Errno::EOPNOTSUPP)),
            "Kernel does not even support IPv6 ICMP, skipping ..."
        );
        assert_eq!(
            text(err(V6, Socket, Errno::EMFILE)),
            "Failed creating IPv6 multicast routing socket: Too many open files"
        );
        assert_eq!(
            text(err(V4, Options, Errno::EINVAL)),
            "Failed setting IPv4 multicast routing socket options: Invalid argument"
        );
        let table = err(V4, Table, Errno::ENOPROTOOPT);
        assert_eq!(
            text(table),
            "Cannot set IPv4 multicast routing table id: Protocol not available"
        );
        assert!(!table.unsupported());
        assert_eq!(
            table.hint(),
            Some("Make sure your kernel has CONFIG_IP_MROUTE_MULTIPLE_TABLES=y")
        );
        assert_eq!(
            err(V6, Table, Errno::EINVAL).hint(),
            Some("Make sure your kernel has CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y")
        );
        assert_eq!(
            text(err(V6, McForwarding, Errno::ENOENT)),
            "Failed enabling IPv6 multicast forwarding: No such file or directory"
        );
    }

    #[test]
    fn without_sockets_every_request_fails_cleanly() {
        let mut k = MrouteSys::new();
        let s = Addr::V4([10, 0, 0, 1]);
        let g = Addr::V4([239, 0, 0, 1]);
        let g6 = Addr::V6([0xff; 16]);
        assert!(!k.has_family(Family::V4) && !k.has_family(Family::V6));
        assert_eq!(k.add_vif(Family::V4, 0, 1, 1), Err(Errno::ENOPROTOOPT));
        assert_eq!(k.del_vif(Family::V6, 0, 1), Err(Errno::ENOPROTOOPT));
        let mfc = Mfc {
            source: s,
            group: g,
            parent: 0,
            ttls: [0; 32],
        };
        assert_eq!(k.add_mfc(&mfc), Err(Errno::ENOPROTOOPT));
        assert_eq!(k.del_mfc(&s, &g6, 0), Err(Errno::EINVAL));
        assert_eq!(k.sg_count(&s, &g), Err(Errno::ENOPROTOOPT));
        assert_eq!(k.leave(1, None, &g), Err(Errno::ENOENT));
        assert_eq!(k.shutdown(Family::V4), Ok(()));
    }
}
