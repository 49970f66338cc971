//! FreeBSD multicast routing sockets: `MRT_INIT`, VIFs/MIFs, MFC entries, counters,
//! upcalls. The same public names as the Linux module ([`MrouteSys`] implementing
//! [`Kernel`], `open_v4`, `open_v6`, `enable_pim`, `recv_upcall`, `done`), over the FreeBSD
//! structs of [`super::abi`].
//!
//! Differences from Linux that show here: a VIF is named by the interface's IPv4 address
//! (looked up with `SIOCGIFADDR`, so an interface without one cannot become a VIF:
//! `EADDRNOTAVAIL`), `MRT_DEL_VIF` takes the VIF number alone, MIFs have no TTL threshold,
//! there are no routing tables (`-t`) and no `IP_MULTICAST_ALL`, and the kernel module
//! (`ip_mroute`) answers `EOPNOTSUPP` when it is not loaded.
//!
//! # References
//! `man 4 multicast`, `<netinet/ip_mroute.h>`, `<netinet6/ip6_mroute.h>`,
//! `sys/netinet/ip_mroute.c`, `sys/netinet6/ip6_mroute.c`.

use core::mem::size_of;

use libc::c_int;

use super::abi::{self, if_set, mf6cctl, mfcctl, mif6ctl, vifctl};
use super::Fd;
use crate::errno::Errno;
use crate::kernel::{JoinSockets, Kernel, Mfc, SgCount, Upcall};
use crate::net::{Addr, Family};
use crate::wire;

pub use super::mrinit::{InitError, InitStep};
use super::mrsys::family_of;
pub use super::mrsys::MrouteSys;
pub(super) use super::sock::{in_addr, ioctl_rw, recv, setsockopt, setsockopt_int, socket};

/// FreeBSD has one multicast routing table per vnet: `-t` cannot be honoured.
pub const HAS_TABLES: bool = false;

fn sockaddr_in6(a: [u8; 16]) -> libc::sockaddr_in6 {
    libc::sockaddr_in6 {
        sin6_len: size_of::<libc::sockaddr_in6>() as u8,
        sin6_family: libc::AF_INET6 as libc::sa_family_t,
        sin6_port: 0,
        sin6_flowinfo: 0,
        sin6_addr: libc::in6_addr { s6_addr: a },
        sin6_scope_id: 0,
    }
}

// ===== initialisation =====

/// Sets `IP(V6)_MULTICAST_LOOP` to 0 on `fd` (FreeBSD has no `IP_MULTICAST_ALL`: its
/// sockets only ever receive the groups they joined themselves).
pub(super) fn loop_and_all_off(fd: &Fd, family: Family) -> Result<(), Errno> {
    match family {
        Family::V4 => setsockopt(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, &0u8),
        Family::V6 => setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP, 0),
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
    if table != 0 {
        return Err(fail(InitStep::Table)(Errno::EOPNOTSUPP));
    }
    let (domain, proto, level, opt_init) = match family {
        Family::V4 => (
            libc::AF_INET,
            libc::IPPROTO_IGMP,
            libc::IPPROTO_IP,
            abi::MRT_INIT,
        ),
        Family::V6 => (
            libc::AF_INET6,
            libc::IPPROTO_ICMPV6,
            libc::IPPROTO_IPV6,
            abi::MRT6_INIT,
        ),
    };
    let fd = socket(domain, libc::SOCK_RAW | libc::SOCK_NONBLOCK, proto)
        .map_err(fail(InitStep::Socket))?;
    loop_and_all_off(&fd, family).map_err(fail(InitStep::Options))?;
    // Both read an int that must be 1 (the API version).
    setsockopt_int(&fd, level, opt_init, 1).map_err(fail(InitStep::Init))?;
    // Room for upcall bursts, as on Linux. Best effort: the kernel caps it at
    // `kern.ipc.maxsockbuf`.
    let _ = setsockopt_int(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, UPCALL_RCVBUF);
    Ok(fd)
}

/// Receive buffer of the routing sockets, for upcall bursts.
const UPCALL_RCVBUF: c_int = 1 << 20;

/// Opens the IPv4 multicast routing socket: raw IGMP, close-on-exec, non-blocking, loop
/// off, then `MRT_INIT`. `table` must be 0 (see [`HAS_TABLES`]).
#[doc(alias = "MRT_INIT")]
pub fn open_v4(table: u32) -> Result<Fd, InitError> {
    open(Family::V4, table)
}

/// `setsockopt(fd, IPPROTO_IP, MRT_ASSERT, 1)` (`MRT_PIM` is its alias): enables
/// `IGMPMSG_WRONGVIF` upcalls.
#[doc(alias = "MRT_PIM")]
pub fn enable_pim(fd: &Fd) -> Result<(), Errno> {
    setsockopt_int(fd, libc::IPPROTO_IP, abi::MRT_PIM, 1)
}

/// Opens the IPv6 multicast routing socket: raw ICMPv6, loop off, `MRT6_INIT` (the
/// `mrt6msg` upcall format; `MRT6_OINIT` would give the old one).
#[doc(alias = "MRT6_INIT")]
pub fn open_v6(table: u32) -> Result<Fd, InitError> {
    open(Family::V6, table)
}

/// `MRT_DONE` / `MRT6_DONE`: the kernel drops every VIF/MIF and MFC entry.
#[doc(alias = "MRT_DONE")]
pub fn done(fd: &Fd, family: Family) -> Result<(), Errno> {
    match family {
        Family::V4 => setsockopt_int(fd, libc::IPPROTO_IP, abi::MRT_DONE, 0),
        Family::V6 => setsockopt_int(fd, libc::IPPROTO_IPV6, abi::MRT6_DONE, 0),
    }
}

/// Reads one datagram from the `family` routing socket without waiting (`EAGAIN` once
/// it is empty) and returns its length, with an IPv4 upcall made readable by the shared
/// [`wire::upcall::decode`] (see [`clear_unused3`]), which the caller calls where the
/// upcall is handled.
pub fn recv_datagram(fd: &Fd, family: Family, buf: &mut [u8]) -> Result<usize, Errno> {
    let n = recv(fd, buf, libc::MSG_DONTWAIT)?;
    if family == Family::V4 {
        clear_unused3(buf.get_mut(..n).unwrap_or(&mut []));
    }
    Ok(n)
}

/// Reads from the `family` routing socket until a kernel upcall arrives (returned) or the
/// socket is empty (`Ok(None)`); at most 64 datagrams per call. Ordinary IGMP/ICMPv6
/// packets are dropped.
pub fn recv_upcall(fd: &Fd, family: Family, buf: &mut [u8]) -> Result<Option<Upcall>, Errno> {
    for _ in 0..64 {
        match recv_datagram(fd, family, buf) {
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

/// FreeBSD's `igmpmsg.unused3` is a byte of the copied IP checksum where Linux has
/// `im_vif_hi`, which the shared decoder requires to be 0 (VIF numbers are below 32).
fn clear_unused3(msg: &mut [u8]) {
    if let Some(b) = msg.get_mut(core::mem::offset_of!(abi::igmpmsg, unused3)) {
        *b = 0;
    }
}

// ===== interface addresses =====

/// The first IPv4 address of interface `ifindex` (`if_indextoname` + `SIOCGIFADDR` on
/// the IPv4 routing socket), which `struct vifctl` names the interface by.
fn ifaddr_v4(fd: &Fd, ifindex: u32) -> Result<libc::in_addr, Errno> {
    let mut name = [0u8; libc::IFNAMSIZ];
    let name_ptr = name.as_mut_ptr().cast::<libc::c_char>();
    // SAFETY: `name_ptr` points to `IFNAMSIZ` writable bytes, what `if_indextoname` needs;
    // it writes a NUL-terminated name or returns null.
    if unsafe { libc::if_indextoname(ifindex, name_ptr) }.is_null() {
        return Err(Errno::ENODEV);
    }
    let mut req = abi::ifreq_addr::new(name);
    ioctl_rw(fd, abi::SIOCGIFADDR, &mut req)?;
    Ok(req.ifr_addr.sin_addr)
}

// ===== MrouteSys (shared with the other OS: sys/mrsys.rs) =====

impl Kernel for MrouteSys {
    fn has_family(&self, family: Family) -> bool {
        self.fd(family).is_ok()
    }

    /// `MRT_ADD_VIF` naming the interface by its IPv4 address, or `MRT6_ADD_MIF` (no
    /// threshold on FreeBSD's MIFs).
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
                    vifc_flags: 0,
                    vifc_threshold: threshold,
                    vifc_rate_limit: 0,
                    vifc_lcl_addr: ifaddr_v4(fd, ifindex)?,
                    vifc_rmt_addr: in_addr([0; 4]),
                };
                setsockopt(fd, libc::IPPROTO_IP, abi::MRT_ADD_VIF, &v)
            }
            Family::V6 => {
                let m = mif6ctl {
                    mif6c_mifi: vif.into(),
                    mif6c_flags: 0,
                    mif6c_pifi: u16::try_from(ifindex).map_err(|_| Errno::EINVAL)?,
                };
                setsockopt(fd, libc::IPPROTO_IPV6, abi::MRT6_ADD_MIF, &m)
            }
        }
    }

    /// `MRT_DEL_VIF` / `MRT6_DEL_MIF`, both with the bare VIF/MIF number.
    fn del_vif(&mut self, family: Family, vif: u8, _ifindex: u32) -> Result<(), Errno> {
        let fd = self.fd(family)?;
        let index: u16 = vif.into();
        let (level, opt): (c_int, c_int) = match family {
            Family::V4 => (libc::IPPROTO_IP, abi::MRT_DEL_VIF),
            Family::V6 => (libc::IPPROTO_IPV6, abi::MRT6_DEL_MIF),
        };
        setsockopt(fd, level, opt, &index)
    }

    /// `MRT_ADD_MFC` (TTL thresholds) or `MRT6_ADD_MFC` (an `if_set` of the non-zero TTLs).
    fn add_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        set_mfc(self.fd(family_of(&mfc.source, &mfc.group)?)?, mfc, true)
    }

    /// `MRT_DEL_MFC` / `MRT6_DEL_MFC`.
    fn del_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        set_mfc(self.fd(family_of(&mfc.source, &mfc.group)?)?, mfc, false)
    }

    /// `ioctl(SIOCGETSGCNT)` / `ioctl(SIOCGETSGCNT_IN6)`.
    fn sg_count(&mut self, source: &Addr, group: &Addr, count: &mut SgCount) -> Result<(), Errno> {
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
                *count = sg_count_v4(req.pktcnt, req.bytecnt, req.wrong_if);
                Ok(())
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
                *count = SgCount {
                    packets: req.pktcnt,
                    bytes: req.bytecnt,
                    wrong_if: req.wrong_if,
                };
                Ok(())
            }
            _ => Err(Errno::EINVAL),
        }
    }

    fn join(
        &mut self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &JoinSockets,
    ) -> Result<u16, Errno> {
        self.joins.join(ifindex, source, group, busy)
    }

    fn leave(
        &mut self,
        sock: u16,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
    ) -> Result<(), Errno> {
        self.joins.leave(sock, ifindex, source, group)
    }
}

/// IPv4 counters are `u_long`: 32 bits on 32-bit targets, where they can wrap.
#[allow(clippy::useless_conversion)] // a no-op only where `c_ulong` is `u64`
fn sg_count_v4(packets: libc::c_ulong, bytes: libc::c_ulong, wrong_if: libc::c_ulong) -> SgCount {
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
