//! The multicast routing sockets: `MRT_INIT`, VIFs/MIFs, MFC entries, counters, upcalls.
//!
//! [`MrouteSys`] implements [`Kernel`] over the IPv4 raw IGMP socket and the IPv6 raw
//! ICMPv6 socket (either may be missing: the daemon runs with what it got) and the
//! join pool of helper sockets.
//!
//! # References
//! `man 7 ip`, `man 7 ipv6`, `<linux/mroute.h>`, `<linux/mroute6.h>`, `net/ipv4/ipmr.c`.

use core::mem::{offset_of, size_of, MaybeUninit};

use libc::{c_int, c_ulong};

use super::abi::{self, mf6cctl, mfcctl, mif6ctl, vifctl};
use super::Fd;
use crate::errno::Errno;
use crate::kernel::{JoinSockets, Kernel, Mfc, SgCount, Upcall};
use crate::net::{Addr, Family};
use crate::wire;

// ===== socket helpers (shared by join, mrdisc, netlink) =====

pub(super) use super::sock::{
    in_addr, ioctl_rw, recv, setsockopt, setsockopt_bytes, setsockopt_int, socket,
};

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
    let set = setsockopt_int(fd, level, all, 0);
    if set == Err(Errno::ENOPROTOOPT) {
        return Ok(());
    }
    set
}

fn open(family: Family, table: u32) -> Result<Fd, InitError> {
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
    // The failed step and its error leave this block apart and become an `InitError` at
    // one place, not one built at each of four exits (x86_64 -19 B, MIPS16e -16 B).
    let (step, errno) = 'failed: {
        let fd = match socket(domain, libc::SOCK_RAW | libc::SOCK_NONBLOCK, proto) {
            Ok(fd) => fd,
            Err(e) => break 'failed (InitStep::Socket, e),
        };
        if let Err(e) = loop_and_all_off(&fd, family) {
            break 'failed (InitStep::Options, e);
        }
        if table != 0 {
            // The kernel reads the table id as a u32.
            if let Err(e) = setsockopt(&fd, level, opt_table, &table) {
                break 'failed (InitStep::Table, e);
            }
        }
        if let Err(e) = setsockopt_int(&fd, level, opt_init, 1) {
            break 'failed (InitStep::Init, e);
        }
        // A burst of new sources queues one upcall each; the default buffer drops about a
        // quarter of 5,000 and every dropped one costs a resend round. Best effort: the
        // kernel caps it at `rmem_max`.
        let _ = setsockopt_int(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, UPCALL_RCVBUF);
        return Ok(fd);
    };
    Err(InitError {
        family,
        step,
        errno,
    })
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
    let fd =
        unsafe { super::call::open(PATH.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC, 0) }?;
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
        vif_request(self, family, true, vif, ifindex, threshold)
    }

    /// `MRT_DEL_VIF` (a `vifctl` naming the VIF) or `MRT6_DEL_MIF` (a `mifi_t`).
    fn del_vif(&mut self, family: Family, vif: u8, ifindex: u32) -> Result<(), Errno> {
        vif_request(self, family, false, vif, ifindex, 0)
    }

    /// `MRT_ADD_MFC` (TTL thresholds) or `MRT6_ADD_MFC` (an `if_set` of the non-zero TTLs).
    fn add_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        set_mfc(self, mfc, true)
    }

    /// `MRT_DEL_MFC` / `MRT6_DEL_MFC`.
    fn del_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        set_mfc(self, mfc, false)
    }

    /// `ioctl(SIOCGETSGCNT)` / `ioctl(SIOCGETSGCNT_IN6)`.
    fn sg_count(&mut self, source: &Addr, group: &Addr, count: &mut SgCount) -> Result<(), Errno> {
        // `and_then`, not a `?` in `fd`'s argument: LLVM tested that inner `Result`
        // twice (x86_64 -32 B; MIPS16e the same).
        let fd = family_of(source, group).and_then(|family| self.fd(family))?;
        // One buffer for `sioc_sg_req` and `sioc_sg_req6`, by their offsets: the two
        // addresses written in (fixed-size copies of the arrays inside `Addr`, not a
        // `memcpy` call each), the three counters read back by one body. The kernel
        // reads only the addresses of the IPv6 `sockaddr_in6`s.
        // Not cleared: only the addresses are written, and only the counters the kernel
        // wrote back are read.
        let mut req: SgReq = [MaybeUninit::uninit(); SG_REQ_WORDS];
        let bytes = ulong_bytes_mut(&mut req);
        let (request, counts_at) = match group {
            Addr::V4(g) => {
                if let Addr::V4(s) = source {
                    put_uninit(bytes, offset_of!(abi::sioc_sg_req, src), s);
                }
                put_uninit(bytes, offset_of!(abi::sioc_sg_req, grp), g);
                (abi::SIOCGETSGCNT, offset_of!(abi::sioc_sg_req, pktcnt))
            }
            Addr::V6(g) => {
                if let Addr::V6(s) = source {
                    put_uninit(bytes, offset_of!(abi::sioc_sg_req6, src) + SIN6_ADDR, s);
                }
                put_uninit(bytes, offset_of!(abi::sioc_sg_req6, grp) + SIN6_ADDR, g);
                (abi::SIOCGETSGCNT_IN6, offset_of!(abi::sioc_sg_req6, pktcnt))
            }
        };
        ioctl_rw(fd, request, &mut req)?;
        let word = |i: usize| {
            let w = req.get(counts_at / size_of::<c_ulong>() + i)?;
            // SAFETY: the `ioctl` succeeded, so the kernel copied the whole request of
            // this family back, its three counters included.
            Some(unsafe { w.assume_init() })
        };
        *count = sg_count(
            word(0).unwrap_or(0),
            word(1).unwrap_or(0),
            word(2).unwrap_or(0),
        );
        Ok(())
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

/// [`Kernel::add_vif`] (`add`) or [`Kernel::del_vif`] on the socket of `family`. One
/// body for both, not inlined: the socket lookup is not repeated in each caller.
#[inline(never)]
fn vif_request(
    k: &MrouteSys,
    family: Family,
    add: bool,
    vif: u8,
    ifindex: u32,
    threshold: u8,
) -> Result<(), Errno> {
    let fd = k.fd(family)?;
    match (family, add) {
        (Family::V4, _) => {
            // A delete names the VIF: an index out of range is not an error there.
            let ifindex = match c_int::try_from(ifindex) {
                Ok(i) => i,
                Err(_) if add => return Err(Errno::EINVAL),
                Err(_) => 0,
            };
            let opt = if add {
                abi::MRT_ADD_VIF
            } else {
                abi::MRT_DEL_VIF
            };
            set_vif(fd, opt, vif, ifindex, threshold)
        }
        (Family::V6, true) => {
            let Ok(pifi) = u16::try_from(ifindex) else {
                return Err(Errno::EINVAL);
            };
            let m = mif6ctl {
                mif6c_mifi: vif.into(),
                mif6c_flags: 0,
                vifc_threshold: threshold,
                mif6c_pifi: pifi,
                vifc_rate_limit: 0,
            };
            setsockopt(fd, libc::IPPROTO_IPV6, abi::MRT6_ADD_MIF, &m)
        }
        (Family::V6, false) => {
            let mifi: abi::mifi_t = vif.into();
            setsockopt(fd, libc::IPPROTO_IPV6, abi::MRT6_DEL_MIF, &mifi)
        }
    }
}

/// `MRT_ADD_VIF` or `MRT_DEL_VIF` (`opt`): the same `vifctl` for both, one copy of it.
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

/// A `sioc_sg_req` or `sioc_sg_req6`, as the words of the larger (uninitialised but for
/// what is written).
type SgReq = [MaybeUninit<c_ulong>; SG_REQ_WORDS];

/// The bytes of `req`, to write the addresses in.
fn ulong_bytes_mut(req: &mut SgReq) -> &mut [MaybeUninit<u8>] {
    // SAFETY: a `MaybeUninit<c_ulong>` is bytes that may be uninitialised, as are
    // `MaybeUninit<u8>`s; the result covers exactly `req`'s bytes and borrows it mutably
    // for its lifetime.
    unsafe {
        core::slice::from_raw_parts_mut(
            req.as_mut_ptr().cast::<MaybeUninit<u8>>(),
            size_of::<SgReq>(),
        )
    }
}

/// Writes `bytes` into `req` at `at` (nothing if they would not fit), in a buffer that
/// may be uninitialised. Not inlined on MIPS, where an `Addr`'s unaligned bytes are
/// copied one load and store at a time: one copy per size for `mfc_request` and
/// `sg_count` (mipsel .text -192 B against inlined, with `sg_count` on it).
#[cfg_attr(target_arch = "mips", inline(never))]
fn put_uninit<const N: usize>(req: &mut [MaybeUninit<u8>], at: usize, bytes: &[u8; N]) {
    let ptr: *const [u8; N] = bytes;
    // SAFETY: `[MaybeUninit<u8>; N]` has the layout of `[u8; N]`, and initialised bytes
    // are valid `MaybeUninit<u8>`s; the result borrows `bytes` for its lifetime.
    let bytes = unsafe { &*ptr.cast::<[MaybeUninit<u8>; N]>() };
    if let Some(dst) = req.get_mut(at..at + N) {
        dst.copy_from_slice(bytes);
    }
}

#[allow(clippy::useless_conversion)] // a no-op only where `c_ulong` is `u64`
fn sg_count(packets: libc::c_ulong, bytes: libc::c_ulong, wrong_if: libc::c_ulong) -> SgCount {
    SgCount {
        packets: packets.into(),
        bytes: bytes.into(),
        wrong_if: wrong_if.into(),
    }
}

/// `MRT(6)_ADD_MFC` or `MRT(6)_DEL_MFC` (`add`) of `mfc` on the socket of its family
/// (both addresses of one: `EINVAL` otherwise). The family check and the socket lookup
/// here, not in `add_mfc` and `del_mfc`: the router's one caller of both has them in
/// line, and had two copies of them.
#[inline(never)]
fn set_mfc(k: &MrouteSys, mfc: &Mfc, add: bool) -> Result<(), Errno> {
    // A match, not a `?` in `fd`'s argument: LLVM tested that inner `Result` twice
    // (x86_64 -16 B; as `sg_count`'s `and_then` MIPS16e measured +32 B, this 0).
    let fd = match family_of(&mfc.source, &mfc.group) {
        Ok(family) => k.fd(family)?,
        Err(e) => return Err(e),
    };
    let mut req = [0u8; MFC_REQ_BYTES];
    // Cleared whole here, once: left to itself LLVM clears each family's part in its
    // branch, two copies of the stores (x86_64 smcrouted -24 B; on MIPS16e the barrier
    // costs +176 B).
    #[cfg(target_arch = "x86_64")]
    core::hint::black_box(&mut req);
    let size = mfc_request(mfc, &mut req);
    let (level, opt) = match (mfc.group.family(), add) {
        (Family::V4, true) => (libc::IPPROTO_IP, abi::MRT_ADD_MFC),
        (Family::V4, false) => (libc::IPPROTO_IP, abi::MRT_DEL_MFC),
        (Family::V6, true) => (libc::IPPROTO_IPV6, abi::MRT6_ADD_MFC),
        (Family::V6, false) => (libc::IPPROTO_IPV6, abi::MRT6_DEL_MFC),
    };
    setsockopt_bytes(fd, level, opt, req.get(..size).unwrap_or(&req))
}

/// Fills `req` with the `mfcctl` or `mf6cctl` (by `mfc.group`'s family) of `mfc` and
/// returns its size. One buffer for both, by their offsets (as `sg_count` does): the
/// addresses and the parent written by one body, not by one struct literal per family.
fn mfc_request(mfc: &Mfc, req: &mut [u8; MFC_REQ_BYTES]) -> usize {
    // Fixed-size copies (the arrays inside `Addr`, not `octets()` slices): a few moves
    // each, not a `memcpy` call per field on this once-per-route path.
    let (size, parent_at) = match &mfc.group {
        Addr::V4(g) => {
            if let Addr::V4(s) = &mfc.source {
                put(req, offset_of!(mfcctl, mfcc_origin), s);
            }
            put(req, offset_of!(mfcctl, mfcc_mcastgrp), g);
            put(req, offset_of!(mfcctl, mfcc_ttls), &mfc.ttls);
            (size_of::<mfcctl>(), offset_of!(mfcctl, mfcc_parent))
        }
        Addr::V6(g) => {
            let family = (libc::AF_INET6 as libc::sa_family_t).to_ne_bytes();
            put(req, offset_of!(mf6cctl, mf6cc_origin), &family);
            put(req, offset_of!(mf6cctl, mf6cc_mcastgrp), &family);
            if let Addr::V6(s) = &mfc.source {
                put(req, offset_of!(mf6cctl, mf6cc_origin) + SIN6_ADDR, s);
            }
            put(req, offset_of!(mf6cctl, mf6cc_mcastgrp) + SIN6_ADDR, g);
            // `IF_SET` of each forwarding MIF: bit `mif % 32` of native-endian `__u32`
            // word `mif / 32`.
            for (mif, ttl) in mfc.ttls.iter().enumerate() {
                if *ttl != 0 {
                    let bit = mif % 32;
                    let in_word = if cfg!(target_endian = "little") {
                        bit / 8
                    } else {
                        3 - bit / 8
                    };
                    let at = offset_of!(mf6cctl, mf6cc_ifset) + mif / 32 * 4 + in_word;
                    if let Some(b) = req.get_mut(at) {
                        *b |= 1 << (bit % 8);
                    }
                }
            }
            (size_of::<mf6cctl>(), offset_of!(mf6cctl, mf6cc_parent))
        }
    };
    let parent: abi::vifi_t = mfc.parent.into();
    put(req, parent_at, &parent.to_ne_bytes());
    size
}

/// Bytes of the larger MFC request, `mf6cctl`.
const MFC_REQ_BYTES: usize = size_of::<mf6cctl>();
static_assertions::const_assert!(size_of::<mfcctl>() <= MFC_REQ_BYTES);

/// Writes `bytes` into `req` at `at` (nothing if they would not fit), by
/// [`put_uninit`]: one copy per size on MIPS for both kinds of buffer.
fn put<const N: usize>(req: &mut [u8], at: usize, bytes: &[u8; N]) {
    let len = req.len();
    let ptr = req.as_mut_ptr().cast::<MaybeUninit<u8>>();
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, and the one writer of the view,
    // `put_uninit`, stores only initialised bytes: `req` stays initialised. The view
    // covers exactly `req` and borrows it mutably for the call.
    let view = unsafe { core::slice::from_raw_parts_mut(ptr, len) };
    put_uninit(view, at, bytes)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    /// `sg_count`'s request: the addresses land at the kernel's offsets of an uncleared
    /// buffer, a write that would not fit writes nothing.
    #[test]
    fn sg_request_addresses_are_written_in_place() {
        let mut req: SgReq = [MaybeUninit::new(!0); SG_REQ_WORDS];
        let bytes = ulong_bytes_mut(&mut req);
        put_uninit(
            bytes,
            offset_of!(abi::sioc_sg_req6, grp) + SIN6_ADDR,
            &[0xff; 16],
        );
        put_uninit(bytes, size_of::<SgReq>() - 2, &[0; 4]);
        // SAFETY: every word was initialised above (and only overwritten with bytes).
        let words = req.map(|w| unsafe { w.assume_init() });
        let mut expect = [0u8; size_of::<SgReq>()];
        expect.fill(0xff);
        for (i, w) in words.iter().enumerate() {
            let at = i * size_of::<c_ulong>();
            assert_eq!(w.to_ne_bytes()[..], expect[at..at + size_of::<c_ulong>()]);
        }
        let mut req: SgReq = [MaybeUninit::new(0); SG_REQ_WORDS];
        put_uninit(
            ulong_bytes_mut(&mut req),
            offset_of!(abi::sioc_sg_req, grp),
            &[239, 1, 2, 3],
        );
        // SAFETY: as above.
        let words = req.map(|w| unsafe { w.assume_init() });
        // The request's bytes as the kernel sees them (`grp` is past the first word on
        // 32-bit targets).
        let bytes: std::vec::Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        let grp = offset_of!(abi::sioc_sg_req, grp);
        assert_eq!(bytes[grp..grp + 4], [239, 1, 2, 3]);
        assert!(bytes[..grp].iter().all(|&b| b == 0));
    }

    #[test]
    fn mfc_requests_have_the_kernel_layout() {
        let mut ttls = [0; crate::limits::MAX_VIFS];
        ttls[1] = 1;
        ttls[9] = 3;
        ttls[31] = 1;
        let mut req = [0; MFC_REQ_BYTES];
        let v4 = Mfc {
            source: Addr::V4([10, 0, 0, 1]),
            group: Addr::V4([239, 1, 2, 3]),
            parent: 7,
            ttls,
        };
        assert_eq!(mfc_request(&v4, &mut req), size_of::<mfcctl>());
        assert_eq!(req[..4], [10, 0, 0, 1]);
        assert_eq!(req[4..8], [239, 1, 2, 3]);
        assert_eq!(req[8..10], 7u16.to_ne_bytes());
        assert_eq!(req[10..42], ttls);
        assert!(req[42..].iter().all(|b| *b == 0));

        let mut req = [0; MFC_REQ_BYTES];
        let (s, g) = ([0x20; 16], [0xff; 16]);
        let v6 = Mfc {
            source: Addr::V6(s),
            group: Addr::V6(g),
            parent: 2,
            ttls,
        };
        assert_eq!(mfc_request(&v6, &mut req), size_of::<mf6cctl>());
        let family = (libc::AF_INET6 as u16).to_ne_bytes();
        assert_eq!(req[..2], family);
        assert_eq!(req[8..24], s);
        assert_eq!(req[28..30], family);
        assert_eq!(req[36..52], g);
        assert_eq!(req[56..58], 2u16.to_ne_bytes());
        let word0 = u32::from_ne_bytes(req[60..64].try_into().unwrap());
        assert_eq!(word0, 1 << 1 | 1 << 9 | 1 << 31);
        assert!(req[64..].iter().all(|b| *b == 0));
        assert!(req[2..8].iter().chain(&req[24..28]).all(|b| *b == 0));
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
        let mixed = Mfc { group: g6, ..mfc };
        assert_eq!(k.del_mfc(&mixed), Err(Errno::EINVAL));
        assert_eq!(
            k.sg_count(&s, &g, &mut SgCount::default()),
            Err(Errno::ENOPROTOOPT)
        );
        assert_eq!(k.leave(0, 1, None, &g), Err(Errno::ENOENT));
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
                let mut c = SgCount {
                    packets: 1,
                    bytes: 1,
                    wrong_if: 1,
                };
                assert_eq!(k.sg_count(&source, &group, &mut c), Ok(()));
                assert_eq!(c, SgCount::default());
                let other = Addr::any(family);
                assert_eq!(
                    k.sg_count(&other, &group, &mut c),
                    Err(Errno::EADDRNOTAVAIL)
                );
            }
            true
        });
        assert_eq!(status, 0);
    }
}
