//! The multicast routing sockets: `MRT_INIT`, VIFs/MIFs, MFC entries, counters, upcalls.
//!
//! [`MrouteSys`] implements [`Kernel`] over the IPv4 raw IGMP socket and the IPv6 raw
//! ICMPv6 socket (either may be missing: the daemon runs with what it got) and the
//! join pool of helper sockets.
//!
//! # References
//! `man 7 ip`, `man 7 ipv6`, `<linux/mroute.h>`, `<linux/mroute6.h>`, `net/ipv4/ipmr.c`.

use core::mem::{offset_of, size_of};

use libc::{c_int, c_ulong};

use super::abi::{self, if_set, mf6cctl, mfcctl, mif6ctl, vifctl};
use super::{ret, Fd};
use crate::errno::Errno;
use crate::kernel::{Kernel, Mfc, SgCount, Upcall};
use crate::net::{Addr, Family};
use crate::wire;

// ===== socket helpers (shared by join, mrdisc, netlink) =====

pub(super) use super::sock::{
    in_addr, ioctl_rw, recv, setsockopt, setsockopt_bytes, setsockopt_int, socket,
};

/// A `sockaddr_in6` of `a`. Not inlined: the address is copied byte by byte (it is not
/// aligned), once here rather than at each of the four requests that carry one.
#[inline(never)]
fn sockaddr_in6(a: &[u8; 16]) -> libc::sockaddr_in6 {
    libc::sockaddr_in6 {
        sin6_family: libc::AF_INET6 as libc::sa_family_t,
        sin6_port: 0,
        sin6_flowinfo: 0,
        sin6_addr: libc::in6_addr { s6_addr: *a },
        sin6_scope_id: 0,
    }
}

// ===== initialisation =====

pub use super::mrinit::{InitError, InitStep};
use super::mrsys::family_of;
pub use super::mrsys::MrouteSys;

/// Linux has numbered multicast routing tables (`-t`, `MRT_TABLE`).
pub const HAS_TABLES: bool = true;

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
    let fd = ret(unsafe {
        super::call::open(PATH.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC, 0)
    })?;
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

/// Reads one datagram from the `family` routing socket without waiting (`EAGAIN` once
/// it is empty) and returns its length. Kernel upcalls are among ordinary IGMP/ICMPv6
/// packets: [`wire::upcall::decode`] tells them apart, called by the caller where the
/// upcall is handled (an `Upcall` is moved byte by byte, so it is not returned).
pub fn recv_datagram(fd: &Fd, _family: Family, buf: &mut [u8]) -> Result<usize, Errno> {
    recv(fd, buf, libc::MSG_DONTWAIT)
}

/// Reads from the `family` routing socket until a kernel upcall arrives (returned) or the
/// socket is empty (`Ok(None)`). Ordinary IGMP/ICMPv6 packets are read and dropped; at
/// most 64 datagrams are read per call, so a flood cannot starve the caller's loop.
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

// ===== MrouteSys (shared with the other OS: sys/mrsys.rs) =====

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
                let ifindex = c_int::try_from(ifindex).map_err(|_| Errno::EINVAL)?;
                set_vif(fd, abi::MRT_ADD_VIF, vif, ifindex, threshold)
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
                let ifindex = c_int::try_from(ifindex).unwrap_or(0);
                set_vif(fd, abi::MRT_DEL_VIF, vif, ifindex, 0)
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
        // One buffer for `sioc_sg_req` and `sioc_sg_req6`, by their offsets: the two
        // addresses written in, the three counters read back (one body, not one per
        // struct). The kernel reads only the addresses of the IPv6 `sockaddr_in6`s.
        let (request, src_at, grp_at, counts_at) = match group {
            Addr::V4(_) => (
                abi::SIOCGETSGCNT,
                offset_of!(abi::sioc_sg_req, src),
                offset_of!(abi::sioc_sg_req, grp),
                offset_of!(abi::sioc_sg_req, pktcnt),
            ),
            Addr::V6(_) => (
                abi::SIOCGETSGCNT_IN6,
                offset_of!(abi::sioc_sg_req6, src) + SIN6_ADDR,
                offset_of!(abi::sioc_sg_req6, grp) + SIN6_ADDR,
                offset_of!(abi::sioc_sg_req6, pktcnt),
            ),
        };
        let mut req: SgReq = [0; SG_REQ_WORDS];
        let bytes = ulong_bytes_mut(&mut req);
        let (src, grp) = (source.octets(), group.octets());
        if let Some(dst) = bytes.get_mut(src_at..src_at + src.len()) {
            dst.copy_from_slice(src);
        }
        if let Some(dst) = bytes.get_mut(grp_at..grp_at + grp.len()) {
            dst.copy_from_slice(grp);
        }
        ioctl_rw(fd, request, &mut req)?;
        let word = |i: usize| req.get(counts_at / size_of::<c_ulong>() + i).copied();
        Ok(sg_count(
            word(0).unwrap_or(0),
            word(1).unwrap_or(0),
            word(2).unwrap_or(0),
        ))
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

/// `MRT_ADD_VIF` or `MRT_DEL_VIF` (`opt`): the same `vifctl` for both, one copy of it.
#[inline(never)]
fn set_vif(fd: &Fd, opt: c_int, vif: u8, ifindex: c_int, threshold: u8) -> Result<(), Errno> {
    let v = vifctl {
        vifc_vifi: vif.into(),
        vifc_flags: abi::VIFF_USE_IFINDEX,
        vifc_threshold: threshold,
        vifc_rate_limit: 0,
        vifc_lcl: abi::vifc_lcl {
            vifc_lcl_ifindex: ifindex,
        },
        vifc_rmt_addr: in_addr([0; 4]),
    };
    setsockopt(fd, libc::IPPROTO_IP, opt, &v)
}

/// Counters are `unsigned long`: 32 bits on 32-bit targets, where they can wrap.
/// Offset of the address in a `sockaddr_in6`.
const SIN6_ADDR: usize = offset_of!(libc::sockaddr_in6, sin6_addr);

/// Words of the larger request, `sioc_sg_req6` (a whole number of them: its counters
/// are `unsigned long`s at its end).
const SG_REQ_WORDS: usize = size_of::<abi::sioc_sg_req6>() / size_of::<c_ulong>();
static_assertions::const_assert_eq!(size_of::<abi::sioc_sg_req6>() % size_of::<c_ulong>(), 0);
static_assertions::const_assert!(size_of::<abi::sioc_sg_req>() <= size_of::<SgReq>());

/// A `sioc_sg_req` or `sioc_sg_req6`, as the words of the larger.
type SgReq = [c_ulong; SG_REQ_WORDS];

/// The bytes of `req`, to write the addresses in.
fn ulong_bytes_mut(req: &mut SgReq) -> &mut [u8] {
    // SAFETY: `c_ulong` has no padding and every bit pattern is valid, as for `u8`; the
    // result covers exactly `req`'s bytes and borrows it mutably for its lifetime.
    unsafe { core::slice::from_raw_parts_mut(req.as_mut_ptr().cast::<u8>(), size_of::<SgReq>()) }
}

#[allow(clippy::useless_conversion)] // a no-op only where `c_ulong` is `u64`
fn sg_count(packets: libc::c_ulong, bytes: libc::c_ulong, wrong_if: libc::c_ulong) -> SgCount {
    SgCount {
        packets: packets.into(),
        bytes: bytes.into(),
        wrong_if: wrong_if.into(),
    }
}

fn set_mfc(fd: &Fd, mfc: &Mfc, add: bool) -> Result<(), Errno> {
    // By reference: an `Addr` copy is a byte-wise move on targets without unaligned loads.
    match (&mfc.source, &mfc.group) {
        (Addr::V4(s), Addr::V4(g)) => {
            let m = mfcctl {
                mfcc_origin: in_addr(*s),
                mfcc_mcastgrp: in_addr(*g),
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
    use super::*;

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

    /// The counters of a real kernel entry, in a network namespace of a child of ours
    /// (root only; skipped otherwise, and where the kernel lacks multicast routing).
    #[test]
    fn counts_of_a_kernel_entry() {
        // SAFETY: no arguments.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("SKIPPED: needs root for a network namespace");
            return;
        }
        let status = super::super::process::tests::in_child(|| {
            // SAFETY: the child is single-threaded and only moves itself.
            if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
                return true; // no namespaces here: nothing to test
            }
            let mut k = MrouteSys::new();
            let (Ok(v4), Ok(v6)) = (open_v4(0), open_v6(0)) else {
                return true; // no multicast routing in this kernel
            };
            k.v4 = Some(v4);
            k.v6 = Some(v6);
            let mut g6 = [0u8; 16];
            g6[0] = 0xff;
            g6[1] = 0x0e;
            g6[15] = 1;
            let mut s6 = [0u8; 16];
            s6[0] = 0xfe;
            s6[1] = 0x80;
            s6[15] = 2;
            let pairs = [
                (Addr::V4([10, 0, 0, 1]), Addr::V4([239, 1, 2, 3])),
                (Addr::V6(s6), Addr::V6(g6)),
            ];
            for (family, (source, group)) in [Family::V4, Family::V6].into_iter().zip(pairs) {
                // `lo` (index 1) as VIF 0.
                if k.add_vif(family, 0, 1, 1).is_err() {
                    return true;
                }
                let mfc = Mfc {
                    source,
                    group,
                    parent: 0,
                    ttls: [0; 32],
                };
                assert_eq!(k.add_mfc(&mfc), Ok(()));
                // Found by its addresses: they are where the kernel reads them.
                assert_eq!(k.sg_count(&source, &group), Ok(SgCount::default()));
                let other = Addr::any(family);
                assert_eq!(k.sg_count(&other, &group), Err(Errno::EADDRNOTAVAIL));
            }
            true
        });
        assert_eq!(status, 0);
    }
}
