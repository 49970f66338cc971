//! `#[repr(C)]` mirrors of the FreeBSD multicast routing ABI, which the `libc` crate lacks
//! (`<netinet/ip_mroute.h>`, `<netinet6/ip6_mroute.h>`, the `SIOCGETSGCNT*` numbers of
//! `<sys/sockio.h>` and `<netinet6/in6_var.h>`), plus the socket structs whose `libc`
//! versions have private padding or unions.
//!
//! How FreeBSD differs from Linux, and why the mirrors are separate:
//! - `MRT_*` start at 100 (Linux: 200); `MRT_PIM` is `MRT_ASSERT`; `MRT6_INIT` is 108
//!   (100 is the old `MRT6_OINIT` with the `omrt6msg` upcall format); there is no
//!   `MRT_TABLE`.
//! - `struct vifctl` names the interface by its IPv4 address (`vifc_lcl_addr`, no
//!   ifindex union, no `VIFF_USE_IFINDEX`); `MRT_DEL_VIF` takes only the `vifi_t`.
//! - `struct mfcctl` is just origin, group, parent and TTLs (no counters); `mfcctl2` adds
//!   per-VIF flags and an RP address and is only read after `MRT_API_CONFIG`.
//! - `struct mif6ctl` has no threshold or rate limit; `MAXMIFS` is 64.
//! - `struct sioc_sg_req6` counters are `u_quad_t` (the IPv4 ones stay `u_long`).
//! - `struct igmpmsg` has `unused3` where Linux has `im_vif_hi`: the upcall copies the IP
//!   header, so that byte is half of the packet's checksum, not a VIF number.
//! - `sockaddr_*` start with a length byte, and the `SIOC*` numbers encode the size of
//!   their argument (`_IOWR`).
//!
//! Every struct has compile-time size and offset assertions (per pointer width where
//! `u_long` is involved), and the constants the pure decoders use are asserted equal.
//! `targets/freebsd-check` also compiles the same numbers as C `_Static_assert`s against
//! the real FreeBSD headers when zig (which ships them) is installed.
#![allow(non_camel_case_types, missing_docs)]

use core::mem::{align_of, offset_of, size_of};

use libc::{c_int, c_uint, c_ulong, in6_addr, in_addr, sockaddr_in6};
use static_assertions::{assert_eq_size, const_assert_eq};

use crate::wire;

// ===== <netinet/ip_mroute.h> =====

pub const MRT_INIT: c_int = 100;
pub const MRT_DONE: c_int = 101;
pub const MRT_ADD_VIF: c_int = 102;
pub const MRT_DEL_VIF: c_int = 103;
pub const MRT_ADD_MFC: c_int = 104;
pub const MRT_DEL_MFC: c_int = 105;
pub const MRT_VERSION: c_int = 106;
pub const MRT_ASSERT: c_int = 107;
/// `MRT_PIM` is an alias of `MRT_ASSERT`: it enables `IGMPMSG_WRONGVIF` upcalls.
pub const MRT_PIM: c_int = MRT_ASSERT;
pub const MRT_API_SUPPORT: c_int = 109;
pub const MRT_API_CONFIG: c_int = 110;

pub const MAXVIFS: usize = 32;
pub const VIFF_TUNNEL: u8 = 0x1;
pub const VIFF_SRCRT: u8 = 0x2;
pub const VIFF_REGISTER: u8 = 0x4;

pub const MRT_MFC_FLAGS_DISABLE_WRONGVIF: u8 = 1 << 0;
pub const MRT_MFC_FLAGS_BORDER_VIF: u8 = 1 << 1;

pub const IGMPMSG_NOCACHE: u8 = 1;
pub const IGMPMSG_WRONGVIF: u8 = 2;
pub const IGMPMSG_WHOLEPKT: u8 = 3;
/// Bandwidth-monitor upcall; never requested by us (Linux uses 4 for WRVIFWHOLE).
pub const IGMPMSG_BW_UPCALL: u8 = 4;

/// `vifi_t` (`u_short`).
pub type vifi_t = u16;

/// `struct vifctl` (`MRT_ADD_VIF`). The kernel finds the interface with
/// `ifa_ifwithaddr(vifc_lcl_addr)`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct vifctl {
    pub vifc_vifi: vifi_t,
    pub vifc_flags: u8,
    pub vifc_threshold: u8,
    pub vifc_rate_limit: c_uint,
    pub vifc_lcl_addr: in_addr,
    pub vifc_rmt_addr: in_addr,
}

/// `struct mfcctl` (`MRT_ADD_MFC`, `MRT_DEL_MFC`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mfcctl {
    pub mfcc_origin: in_addr,
    pub mfcc_mcastgrp: in_addr,
    pub mfcc_parent: vifi_t,
    pub mfcc_ttls: [u8; MAXVIFS],
}

/// `struct mfcctl2`: what the kernel stores; it reads this longer form from
/// `MRT_ADD_MFC` only after `MRT_API_CONFIG` enabled a flag. We never do, so we send
/// [`mfcctl`], which is its prefix (asserted below).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mfcctl2 {
    pub mfcc_origin: in_addr,
    pub mfcc_mcastgrp: in_addr,
    pub mfcc_parent: vifi_t,
    pub mfcc_ttls: [u8; MAXVIFS],
    pub mfcc_flags: [u8; MAXVIFS],
    pub mfcc_rp: in_addr,
}

/// `struct sioc_sg_req` (`SIOCGETSGCNT`); the counters are `u_long`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sioc_sg_req {
    pub src: in_addr,
    pub grp: in_addr,
    pub pktcnt: c_ulong,
    pub bytecnt: c_ulong,
    pub wrong_if: c_ulong,
}

/// `struct igmpmsg`: an upcall overlaid on a copy of the packet's IP header.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct igmpmsg {
    pub unused1: u32,
    pub unused2: u32,
    pub im_msgtype: u8,
    pub im_mbz: u8,
    pub im_vif: u8,
    /// The low or high byte of the IP checksum: not zero, not a VIF number.
    pub unused3: u8,
    pub im_src: in_addr,
    pub im_dst: in_addr,
}

// ===== <netinet6/ip6_mroute.h> =====

// 100 is `MRT6_OINIT` (the old `omrt6msg` upcall layout), visible to the kernel only.
pub const MRT6_DONE: c_int = 101;
pub const MRT6_ADD_MIF: c_int = 102;
pub const MRT6_DEL_MIF: c_int = 103;
pub const MRT6_ADD_MFC: c_int = 104;
pub const MRT6_DEL_MFC: c_int = 105;
pub const MRT6_PIM: c_int = 107;
/// Initialisation with the `mrt6msg` upcall layout (the one Linux also uses).
pub const MRT6_INIT: c_int = 108;

pub const MAXMIFS: usize = 64;
pub const MIFF_REGISTER: u8 = 0x1;

pub const MRT6MSG_NOCACHE: u8 = 1;
pub const MRT6MSG_WRONGMIF: u8 = 2;
pub const MRT6MSG_WHOLEPKT: u8 = 3;

/// `mifi_t` (`u_short`).
pub type mifi_t = u16;

/// `struct if_set`: a 256-bit interface bitmap (`IF_SETSIZE`) of `uint32_t` words.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct if_set {
    pub ifs_bits: [u32; 8],
}

impl if_set {
    /// `IF_SET(n, self)`; indexes past the bitmap are ignored.
    pub fn set(&mut self, n: usize) {
        if let Some(w) = self.ifs_bits.get_mut(n / 32) {
            *w |= 1 << (n % 32);
        }
    }
}

/// `struct mif6ctl` (`MRT6_ADD_MIF`): no threshold, no rate limit on FreeBSD.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mif6ctl {
    pub mif6c_mifi: mifi_t,
    pub mif6c_flags: u8,
    pub mif6c_pifi: u16,
}

/// `struct mf6cctl` (`MRT6_ADD_MFC`, `MRT6_DEL_MFC`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mf6cctl {
    pub mf6cc_origin: sockaddr_in6,
    pub mf6cc_mcastgrp: sockaddr_in6,
    pub mf6cc_parent: mifi_t,
    pub mf6cc_ifset: if_set,
}

/// `struct sioc_sg_req6` (`SIOCGETSGCNT_IN6`); the counters are `u_quad_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sioc_sg_req6 {
    pub src: sockaddr_in6,
    pub grp: sockaddr_in6,
    pub pktcnt: u64,
    pub bytecnt: u64,
    pub wrong_if: u64,
}

/// `struct mrt6msg`: an upcall, overlaid on an ICMPv6 header.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mrt6msg {
    pub im6_mbz: u8,
    pub im6_msgtype: u8,
    pub im6_mif: u16,
    pub im6_pad: u32,
    pub im6_src: in6_addr,
    pub im6_dst: in6_addr,
}

// ===== ioctl numbers (<sys/ioccom.h>) =====

const IOC_INOUT: u32 = 0x8000_0000 | 0x4000_0000;
const IOCPARM_MASK: usize = 0x1fff;

/// `_IOWR(group, num, T)` with `len = sizeof(T)`.
pub const fn iowr(group: u8, num: u8, len: usize) -> c_ulong {
    (IOC_INOUT | (((len & IOCPARM_MASK) as u32) << 16) | ((group as u32) << 8) | num as u32)
        as c_ulong
}

/// `SIOCGETSGCNT` (`<sys/sockio.h>`): `_IOWR('r', 16, struct sioc_sg_req)`.
pub const SIOCGETSGCNT: c_ulong = iowr(b'r', 16, size_of::<sioc_sg_req>());
/// `SIOCGETSGCNT_IN6` (`<netinet6/in6_var.h>`): `_IOWR('u', 106, struct sioc_sg_req6)`.
pub const SIOCGETSGCNT_IN6: c_ulong = iowr(b'u', 106, size_of::<sioc_sg_req6>());
/// `SIOCGIFADDR`: `_IOWR('i', 33, struct ifreq)` (the first IPv4 address of an interface).
pub const SIOCGIFADDR: c_ulong = iowr(b'i', 33, size_of::<ifreq_addr>());

// ===== socket structs with private padding or unions in libc =====

/// `struct sockaddr_storage`, as plain bytes with the C alignment (`__int64_t`), so a
/// `sockaddr_in`/`sockaddr_in6` can be written into it without `unsafe`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sockaddr_storage {
    pub bytes: [u8; 128],
    _align: [i64; 0],
}

impl sockaddr_storage {
    /// All zero (`AF_UNSPEC`, length 0).
    pub const fn zeroed() -> Self {
        Self {
            bytes: [0; 128],
            _align: [],
        }
    }
}

/// `struct group_req` (`MCAST_JOIN_GROUP`, `MCAST_LEAVE_GROUP`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct group_req {
    pub gr_interface: u32,
    pub gr_group: sockaddr_storage,
}

/// `struct group_source_req` (`MCAST_JOIN_SOURCE_GROUP`, `MCAST_LEAVE_SOURCE_GROUP`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct group_source_req {
    pub gsr_interface: u32,
    pub gsr_group: sockaddr_storage,
    pub gsr_source: sockaddr_storage,
}

/// `struct ifreq` with its union read as `ifr_addr` (a `sockaddr_in` for `SIOCGIFADDR`
/// on an `AF_INET` socket), padded to the union's size.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ifreq_addr {
    pub ifr_name: [u8; libc::IFNAMSIZ],
    pub ifr_addr: libc::sockaddr_in,
    _union_rest: [u8; size_of::<libc::ifreq>() - libc::IFNAMSIZ - size_of::<libc::sockaddr_in>()],
}

impl ifreq_addr {
    /// A request for interface `name` (which must be shorter than `IFNAMSIZ`).
    pub fn new(name: [u8; libc::IFNAMSIZ]) -> Self {
        Self {
            ifr_name: name,
            ifr_addr: libc::sockaddr_in {
                sin_len: size_of::<libc::sockaddr_in>() as u8,
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: 0,
                sin_addr: in_addr { s_addr: 0 },
                sin_zero: [0; 8],
            },
            _union_rest: [0; size_of::<libc::ifreq>()
                - libc::IFNAMSIZ
                - size_of::<libc::sockaddr_in>()],
        }
    }
}

// ===== layout assertions =====

assert_eq_size!(vifctl, [u8; 16]);
const_assert_eq!(offset_of!(vifctl, vifc_vifi), 0);
const_assert_eq!(offset_of!(vifctl, vifc_flags), 2);
const_assert_eq!(offset_of!(vifctl, vifc_threshold), 3);
const_assert_eq!(offset_of!(vifctl, vifc_rate_limit), 4);
const_assert_eq!(offset_of!(vifctl, vifc_lcl_addr), 8);
const_assert_eq!(offset_of!(vifctl, vifc_rmt_addr), 12);
assert_eq_size!(vifi_t, [u8; 2]);

assert_eq_size!(mfcctl, [u8; 44]);
const_assert_eq!(offset_of!(mfcctl, mfcc_origin), 0);
const_assert_eq!(offset_of!(mfcctl, mfcc_mcastgrp), 4);
const_assert_eq!(offset_of!(mfcctl, mfcc_parent), 8);
const_assert_eq!(offset_of!(mfcctl, mfcc_ttls), 10);

assert_eq_size!(mfcctl2, [u8; 80]);
const_assert_eq!(
    offset_of!(mfcctl2, mfcc_parent),
    offset_of!(mfcctl, mfcc_parent)
);
const_assert_eq!(
    offset_of!(mfcctl2, mfcc_ttls),
    offset_of!(mfcctl, mfcc_ttls)
);
const_assert_eq!(offset_of!(mfcctl2, mfcc_flags), 42);
const_assert_eq!(offset_of!(mfcctl2, mfcc_rp), 76);

assert_eq_size!(igmpmsg, [u8; wire::upcall::IGMPMSG_SIZE]);
const_assert_eq!(offset_of!(igmpmsg, im_msgtype), wire::upcall::IM_MSGTYPE);
const_assert_eq!(offset_of!(igmpmsg, im_mbz), wire::upcall::IM_MBZ);
const_assert_eq!(offset_of!(igmpmsg, im_vif), wire::upcall::IM_VIF);
// The pure decoder's `im_vif_hi` is FreeBSD's `unused3`: `mroute` clears it first.
const_assert_eq!(offset_of!(igmpmsg, unused3), wire::upcall::IM_VIF_HI);
const_assert_eq!(offset_of!(igmpmsg, im_src), wire::upcall::IM_SRC);
const_assert_eq!(offset_of!(igmpmsg, im_dst), wire::upcall::IM_DST);

assert_eq_size!(mif6ctl, [u8; 6]);
const_assert_eq!(offset_of!(mif6ctl, mif6c_mifi), 0);
const_assert_eq!(offset_of!(mif6ctl, mif6c_flags), 2);
const_assert_eq!(offset_of!(mif6ctl, mif6c_pifi), 4);

assert_eq_size!(sockaddr_in6, [u8; 28]);
const_assert_eq!(offset_of!(sockaddr_in6, sin6_addr), 8);
assert_eq_size!(if_set, [u8; 32]);
assert_eq_size!(mf6cctl, [u8; 92]);
const_assert_eq!(offset_of!(mf6cctl, mf6cc_origin), 0);
const_assert_eq!(offset_of!(mf6cctl, mf6cc_mcastgrp), 28);
const_assert_eq!(offset_of!(mf6cctl, mf6cc_parent), 56);
const_assert_eq!(offset_of!(mf6cctl, mf6cc_ifset), 60);

assert_eq_size!(mrt6msg, [u8; wire::upcall::MRT6MSG_SIZE]);
const_assert_eq!(offset_of!(mrt6msg, im6_mbz), wire::upcall::IM6_MBZ);
const_assert_eq!(offset_of!(mrt6msg, im6_msgtype), wire::upcall::IM6_MSGTYPE);
const_assert_eq!(offset_of!(mrt6msg, im6_mif), wire::upcall::IM6_MIF);
const_assert_eq!(offset_of!(mrt6msg, im6_pad), 4);
const_assert_eq!(offset_of!(mrt6msg, im6_src), wire::upcall::IM6_SRC);
const_assert_eq!(offset_of!(mrt6msg, im6_dst), wire::upcall::IM6_DST);

const_assert_eq!(offset_of!(sioc_sg_req, src), 0);
const_assert_eq!(offset_of!(sioc_sg_req, grp), 4);
const_assert_eq!(offset_of!(sioc_sg_req, pktcnt), 8);
assert_eq_size!(sioc_sg_req6, [u8; 80]);
const_assert_eq!(offset_of!(sioc_sg_req6, grp), 28);
const_assert_eq!(offset_of!(sioc_sg_req6, pktcnt), 56);
const_assert_eq!(offset_of!(sioc_sg_req6, bytecnt), 64);
const_assert_eq!(offset_of!(sioc_sg_req6, wrong_if), 72);
const_assert_eq!(SIOCGETSGCNT_IN6, 0xc050_756a);

#[cfg(target_pointer_width = "64")]
mod width {
    use super::*;
    assert_eq_size!(sioc_sg_req, [u8; 32]);
    const_assert_eq!(offset_of!(sioc_sg_req, bytecnt), 16);
    const_assert_eq!(offset_of!(sioc_sg_req, wrong_if), 24);
    const_assert_eq!(SIOCGETSGCNT, 0xc020_7210);
    assert_eq_size!(group_req, [u8; 136]);
    const_assert_eq!(offset_of!(group_req, gr_group), 8);
    assert_eq_size!(group_source_req, [u8; 264]);
    const_assert_eq!(offset_of!(group_source_req, gsr_source), 136);
    assert_eq_size!(ifreq_addr, [u8; 32]);
    // The header length `route_socket` skips is libc's; this pins it to the C one.
    assert_eq_size!(libc::if_msghdr, [u8; 168]);
}

#[cfg(target_pointer_width = "32")]
mod width {
    use super::*;
    assert_eq_size!(sioc_sg_req, [u8; 20]);
    const_assert_eq!(offset_of!(sioc_sg_req, bytecnt), 12);
    const_assert_eq!(offset_of!(sioc_sg_req, wrong_if), 16);
    const_assert_eq!(SIOCGETSGCNT, 0xc014_7210);
}

// Our mirrors agree with libc's own definitions where libc has one.
assert_eq_size!(sockaddr_storage, libc::sockaddr_storage);
const_assert_eq!(
    align_of::<sockaddr_storage>(),
    align_of::<libc::sockaddr_storage>()
);
assert_eq_size!(group_req, libc::group_req);
const_assert_eq!(
    offset_of!(group_req, gr_group),
    offset_of!(libc::group_req, gr_group)
);
assert_eq_size!(group_source_req, libc::group_source_req);
const_assert_eq!(
    offset_of!(group_source_req, gsr_group),
    offset_of!(libc::group_source_req, gsr_group)
);
const_assert_eq!(
    offset_of!(group_source_req, gsr_source),
    offset_of!(libc::group_source_req, gsr_source)
);
assert_eq_size!(ifreq_addr, libc::ifreq);
const_assert_eq!(offset_of!(ifreq_addr, ifr_addr), libc::IFNAMSIZ);
// libc's own `SIOCGIFADDR` proves our `_IOWR`.
const_assert_eq!(SIOCGIFADDR, libc::SIOCGIFADDR);

// The numbers of the pure decoders are the C ones.
const_assert_eq!(IGMPMSG_NOCACHE, wire::upcall::MSG_NOCACHE);
const_assert_eq!(IGMPMSG_WRONGVIF, wire::upcall::MSG_WRONGVIF);
const_assert_eq!(IGMPMSG_WHOLEPKT, wire::upcall::MSG_WHOLEPKT);
const_assert_eq!(MRT6MSG_NOCACHE, wire::upcall::MSG_NOCACHE);
const_assert_eq!(MRT6MSG_WRONGMIF, wire::upcall::MSG_WRONGVIF);
const_assert_eq!(MRT6MSG_WHOLEPKT, wire::upcall::MSG_WHOLEPKT);
const_assert_eq!(MAXVIFS, crate::limits::MAX_VIFS);
const_assert_eq!(libc::IPPROTO_IGMP as u8, crate::wire::igmp::IPPROTO_IGMP);

/// The routing-socket decoder ([`super::rtmsg`]) against `<net/if.h>`, `<net/route.h>`,
/// `<net/if_dl.h>`.
mod route {
    use super::*;
    use crate::sys::rtmsg as rt;
    const_assert_eq!(offset_of!(libc::if_msghdr, ifm_msglen), rt::MSGLEN);
    const_assert_eq!(offset_of!(libc::if_msghdr, ifm_version), rt::VERSION);
    const_assert_eq!(offset_of!(libc::if_msghdr, ifm_type), rt::TYPE);
    const_assert_eq!(offset_of!(libc::if_msghdr, ifm_addrs), rt::IFM_ADDRS);
    const_assert_eq!(offset_of!(libc::if_msghdr, ifm_flags), rt::IFM_FLAGS);
    const_assert_eq!(offset_of!(libc::if_msghdr, ifm_index), rt::IFM_INDEX);
    const_assert_eq!(offset_of!(libc::if_announcemsghdr, ifan_type), rt::TYPE);
    const_assert_eq!(offset_of!(libc::sockaddr_dl, sdl_len), rt::SDL_LEN);
    const_assert_eq!(offset_of!(libc::sockaddr_dl, sdl_family), rt::SDL_FAMILY);
    const_assert_eq!(offset_of!(libc::sockaddr_dl, sdl_nlen), rt::SDL_NLEN);
    const_assert_eq!(offset_of!(libc::sockaddr_dl, sdl_data), rt::SDL_DATA);
    const_assert_eq!(size_of::<libc::c_long>(), rt::SA_ALIGN);
    const_assert_eq!(libc::RTM_VERSION as u8, rt::RTM_VERSION);
    const_assert_eq!(libc::RTM_NEWADDR as u8, rt::RTM_NEWADDR);
    const_assert_eq!(libc::RTM_DELADDR as u8, rt::RTM_DELADDR);
    const_assert_eq!(libc::RTM_IFINFO as u8, rt::RTM_IFINFO);
    const_assert_eq!(libc::RTM_IFANNOUNCE as u8, rt::RTM_IFANNOUNCE);
    const_assert_eq!(libc::RTAX_IFP as u32, rt::RTAX_IFP);
    const_assert_eq!(libc::RTA_IFP as u32, 1 << rt::RTAX_IFP);
    const_assert_eq!(libc::AF_LINK as u8, rt::AF_LINK);
    const_assert_eq!(libc::IFF_UP as u32, rt::IFF_UP);
    const_assert_eq!(libc::IFF_MULTICAST as u32, rt::IFF_MULTICAST);
    const_assert_eq!(libc::IFNAMSIZ, crate::limits::IFNAMSIZ);
}
