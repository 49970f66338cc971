//! `#[repr(C)]` mirrors of the Linux multicast routing ABI, which the `libc` crate lacks
//! (`<linux/mroute.h>`, `<linux/mroute6.h>`), plus the few socket structs whose `libc`
//! versions have private padding and so cannot be built without `unsafe`.
//!
//! Every struct has compile-time size and field-offset assertions, per pointer width
//! (`unsigned long` counters differ), and the unit tests compare all of them and every
//! constant against the real headers with a small C probe when a C compiler is present.
//! The numbers the pure decoders in [`crate::wire`] use are asserted equal here too.
#![allow(non_camel_case_types, missing_docs)]

use core::mem::{offset_of, size_of};

use libc::{c_int, c_uint, c_ulong, in6_addr, in_addr, sockaddr_in6};
use static_assertions::{assert_eq_size, const_assert_eq};

use crate::wire;

// ===== <linux/mroute.h> =====

pub const MRT_BASE: c_int = 200;
pub const MRT_INIT: c_int = MRT_BASE;
pub const MRT_DONE: c_int = MRT_BASE + 1;
pub const MRT_ADD_VIF: c_int = MRT_BASE + 2;
pub const MRT_DEL_VIF: c_int = MRT_BASE + 3;
pub const MRT_ADD_MFC: c_int = MRT_BASE + 4;
pub const MRT_DEL_MFC: c_int = MRT_BASE + 5;
pub const MRT_VERSION: c_int = MRT_BASE + 6;
pub const MRT_ASSERT: c_int = MRT_BASE + 7;
pub const MRT_PIM: c_int = MRT_BASE + 8;
pub const MRT_TABLE: c_int = MRT_BASE + 9;

/// `SIOCPROTOPRIVATE` from `<linux/sockios.h>` (the same on every architecture).
pub const SIOCPROTOPRIVATE: c_ulong = 0x89E0;
pub const SIOCGETVIFCNT: c_ulong = SIOCPROTOPRIVATE;
pub const SIOCGETSGCNT: c_ulong = SIOCPROTOPRIVATE + 1;

/// `MAXVIFS`: the kernel rejects a VIF index of 32 or more.
pub const MAXVIFS: usize = 32;
/// `vifc_flags`: `vifc_lcl_ifindex` holds an ifindex instead of an address (Linux 2.6.33+).
pub const VIFF_USE_IFINDEX: u8 = 0x8;

pub const IGMPMSG_NOCACHE: u8 = 1;
pub const IGMPMSG_WRONGVIF: u8 = 2;
pub const IGMPMSG_WHOLEPKT: u8 = 3;
pub const IGMPMSG_WRVIFWHOLE: u8 = 4;

/// `vifi_t`.
pub type vifi_t = u16;

/// The anonymous union of `struct vifctl`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union vifc_lcl {
    pub vifc_lcl_addr: in_addr,
    pub vifc_lcl_ifindex: c_int,
}

/// `struct vifctl` (`MRT_ADD_VIF`, `MRT_DEL_VIF`). Note `vifc_flags` is `unsigned char`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct vifctl {
    pub vifc_vifi: vifi_t,
    pub vifc_flags: u8,
    pub vifc_threshold: u8,
    pub vifc_rate_limit: c_uint,
    pub vifc_lcl: vifc_lcl,
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
    pub mfcc_pkt_cnt: c_uint,
    pub mfcc_byte_cnt: c_uint,
    pub mfcc_wrong_if: c_uint,
    pub mfcc_expire: c_int,
}

/// `struct sioc_sg_req` (`SIOCGETSGCNT`); the counters are `unsigned long`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sioc_sg_req {
    pub src: in_addr,
    pub grp: in_addr,
    pub pktcnt: c_ulong,
    pub bytecnt: c_ulong,
    pub wrong_if: c_ulong,
}

/// `struct igmpmsg`: an upcall, overlaid on an IP header (decoded by
/// [`wire::upcall`]; this mirror only pins the offsets).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct igmpmsg {
    pub unused1: u32,
    pub unused2: u32,
    pub im_msgtype: u8,
    pub im_mbz: u8,
    pub im_vif: u8,
    pub im_vif_hi: u8,
    pub im_src: in_addr,
    pub im_dst: in_addr,
}

// ===== <linux/mroute6.h> =====

pub const MRT6_BASE: c_int = 200;
pub const MRT6_INIT: c_int = MRT6_BASE;
pub const MRT6_DONE: c_int = MRT6_BASE + 1;
pub const MRT6_ADD_MIF: c_int = MRT6_BASE + 2;
pub const MRT6_DEL_MIF: c_int = MRT6_BASE + 3;
pub const MRT6_ADD_MFC: c_int = MRT6_BASE + 4;
pub const MRT6_DEL_MFC: c_int = MRT6_BASE + 5;
pub const MRT6_VERSION: c_int = MRT6_BASE + 6;
pub const MRT6_ASSERT: c_int = MRT6_BASE + 7;
pub const MRT6_PIM: c_int = MRT6_BASE + 8;
pub const MRT6_TABLE: c_int = MRT6_BASE + 9;

pub const SIOCGETMIFCNT_IN6: c_ulong = SIOCPROTOPRIVATE;
pub const SIOCGETSGCNT_IN6: c_ulong = SIOCPROTOPRIVATE + 1;

pub const MAXMIFS: usize = 32;
pub const MRT6MSG_NOCACHE: u8 = 1;
pub const MRT6MSG_WRONGMIF: u8 = 2;
pub const MRT6MSG_WHOLEPKT: u8 = 3;
pub const MRT6MSG_WRMIFWHOLE: u8 = 4;

/// `mifi_t`.
pub type mifi_t = u16;

/// `struct if_set`: a 256-bit interface bitmap (`IF_SETSIZE`) of `__u32` words.
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

/// `struct mif6ctl` (`MRT6_ADD_MIF`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mif6ctl {
    pub mif6c_mifi: mifi_t,
    pub mif6c_flags: u8,
    pub vifc_threshold: u8,
    pub mif6c_pifi: u16,
    pub vifc_rate_limit: c_uint,
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

/// `struct sioc_sg_req6` (`SIOCGETSGCNT_IN6`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sioc_sg_req6 {
    pub src: sockaddr_in6,
    pub grp: sockaddr_in6,
    pub pktcnt: c_ulong,
    pub bytecnt: c_ulong,
    pub wrong_if: c_ulong,
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

// ===== socket structs with private padding in libc =====

/// `IPV6_MULTICAST_ALL` (`<linux/in6.h>`; missing from `libc` for glibc and musl).
pub const IPV6_MULTICAST_ALL: c_int = 29;
/// `SO_ATTACH_FILTER` (26 on every Linux architecture, sparc's 0x1a included).
pub const SO_ATTACH_FILTER: c_int = 26;

/// `struct sockaddr_storage`, as plain bytes with the C alignment (`unsigned long`), so
/// a `sockaddr_in`/`sockaddr_in6` can be written into it without `unsafe`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sockaddr_storage {
    pub bytes: [u8; 128],
    _align: [c_ulong; 0],
}

impl sockaddr_storage {
    /// All zero (`AF_UNSPEC`).
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

/// `struct sockaddr_nl`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sockaddr_nl {
    pub nl_family: libc::sa_family_t,
    pub nl_pad: u16,
    pub nl_pid: u32,
    pub nl_groups: u32,
}

// ===== layout assertions =====

assert_eq_size!(vifctl, [u8; 16]);
const_assert_eq!(offset_of!(vifctl, vifc_vifi), 0);
const_assert_eq!(offset_of!(vifctl, vifc_flags), 2);
const_assert_eq!(offset_of!(vifctl, vifc_threshold), 3);
const_assert_eq!(offset_of!(vifctl, vifc_rate_limit), 4);
const_assert_eq!(offset_of!(vifctl, vifc_lcl), 8);
const_assert_eq!(offset_of!(vifctl, vifc_rmt_addr), 12);
assert_eq_size!(vifc_lcl, [u8; 4]);

assert_eq_size!(mfcctl, [u8; 60]);
const_assert_eq!(offset_of!(mfcctl, mfcc_origin), 0);
const_assert_eq!(offset_of!(mfcctl, mfcc_mcastgrp), 4);
const_assert_eq!(offset_of!(mfcctl, mfcc_parent), 8);
const_assert_eq!(offset_of!(mfcctl, mfcc_ttls), 10);
const_assert_eq!(offset_of!(mfcctl, mfcc_pkt_cnt), 44);
const_assert_eq!(offset_of!(mfcctl, mfcc_byte_cnt), 48);
const_assert_eq!(offset_of!(mfcctl, mfcc_wrong_if), 52);
const_assert_eq!(offset_of!(mfcctl, mfcc_expire), 56);

assert_eq_size!(igmpmsg, [u8; wire::upcall::IGMPMSG_SIZE]);
const_assert_eq!(offset_of!(igmpmsg, im_msgtype), wire::upcall::IM_MSGTYPE);
const_assert_eq!(offset_of!(igmpmsg, im_mbz), wire::upcall::IM_MBZ);
const_assert_eq!(offset_of!(igmpmsg, im_vif), wire::upcall::IM_VIF);
const_assert_eq!(offset_of!(igmpmsg, im_vif_hi), wire::upcall::IM_VIF_HI);
const_assert_eq!(offset_of!(igmpmsg, im_src), wire::upcall::IM_SRC);
const_assert_eq!(offset_of!(igmpmsg, im_dst), wire::upcall::IM_DST);

assert_eq_size!(mif6ctl, [u8; 12]);
const_assert_eq!(offset_of!(mif6ctl, mif6c_mifi), 0);
const_assert_eq!(offset_of!(mif6ctl, mif6c_flags), 2);
const_assert_eq!(offset_of!(mif6ctl, vifc_threshold), 3);
const_assert_eq!(offset_of!(mif6ctl, mif6c_pifi), 4);
const_assert_eq!(offset_of!(mif6ctl, vifc_rate_limit), 8);

assert_eq_size!(sockaddr_in6, [u8; 28]);
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
const_assert_eq!(offset_of!(sioc_sg_req6, grp), 28);
const_assert_eq!(offset_of!(sioc_sg_req6, pktcnt), 56);

#[cfg(target_pointer_width = "64")]
mod width {
    use super::*;
    assert_eq_size!(sioc_sg_req, [u8; 32]);
    const_assert_eq!(offset_of!(sioc_sg_req, bytecnt), 16);
    const_assert_eq!(offset_of!(sioc_sg_req, wrong_if), 24);
    assert_eq_size!(sioc_sg_req6, [u8; 80]);
    const_assert_eq!(offset_of!(sioc_sg_req6, bytecnt), 64);
    const_assert_eq!(offset_of!(sioc_sg_req6, wrong_if), 72);
    assert_eq_size!(group_req, [u8; 136]);
    const_assert_eq!(offset_of!(group_req, gr_group), 8);
    assert_eq_size!(group_source_req, [u8; 264]);
    const_assert_eq!(offset_of!(group_source_req, gsr_source), 136);
}

#[cfg(target_pointer_width = "32")]
mod width {
    use super::*;
    assert_eq_size!(sioc_sg_req, [u8; 20]);
    const_assert_eq!(offset_of!(sioc_sg_req, bytecnt), 12);
    const_assert_eq!(offset_of!(sioc_sg_req, wrong_if), 16);
    assert_eq_size!(sioc_sg_req6, [u8; 68]);
    const_assert_eq!(offset_of!(sioc_sg_req6, bytecnt), 60);
    const_assert_eq!(offset_of!(sioc_sg_req6, wrong_if), 64);
    assert_eq_size!(group_req, [u8; 132]);
    const_assert_eq!(offset_of!(group_req, gr_group), 4);
    assert_eq_size!(group_source_req, [u8; 260]);
    const_assert_eq!(offset_of!(group_source_req, gsr_source), 132);
}

// Our mirrors agree with libc's own definitions where libc has one.
assert_eq_size!(sockaddr_storage, libc::sockaddr_storage);
const_assert_eq!(
    core::mem::align_of::<sockaddr_storage>(),
    core::mem::align_of::<libc::sockaddr_storage>()
);
assert_eq_size!(group_req, libc::group_req);
const_assert_eq!(
    offset_of!(group_req, gr_group),
    offset_of!(libc::group_req, gr_group)
);
assert_eq_size!(group_source_req, libc::group_source_req);
const_assert_eq!(
    offset_of!(group_source_req, gsr_source),
    offset_of!(libc::group_source_req, gsr_source)
);
assert_eq_size!(sockaddr_nl, [u8; 12]);
const_assert_eq!(offset_of!(sockaddr_nl, nl_pid), 4);
const_assert_eq!(offset_of!(sockaddr_nl, nl_groups), 8);

// The numbers of the pure decoders are the C ones.
const_assert_eq!(IGMPMSG_NOCACHE, wire::upcall::MSG_NOCACHE);
const_assert_eq!(IGMPMSG_WRONGVIF, wire::upcall::MSG_WRONGVIF);
const_assert_eq!(IGMPMSG_WHOLEPKT, wire::upcall::MSG_WHOLEPKT);
const_assert_eq!(IGMPMSG_WRVIFWHOLE, wire::upcall::MSG_WRVIFWHOLE);
const_assert_eq!(MRT6MSG_NOCACHE, wire::upcall::MSG_NOCACHE);
const_assert_eq!(MRT6MSG_WRONGMIF, wire::upcall::MSG_WRONGVIF);
const_assert_eq!(MRT6MSG_WHOLEPKT, wire::upcall::MSG_WHOLEPKT);
const_assert_eq!(MRT6MSG_WRMIFWHOLE, wire::upcall::MSG_WRVIFWHOLE);
const_assert_eq!(MAXVIFS, crate::limits::MAX_VIFS);
const_assert_eq!(MAXMIFS, crate::limits::MAX_VIFS);

mod netlink {
    use super::*;
    use crate::wire::netlink as nl;
    const_assert_eq!(size_of::<libc::nlmsghdr>(), nl::NLMSG_HDRLEN);
    const_assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_type), nl::NLMSG_TYPE);
    const_assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_flags), nl::NLMSG_FLAGS);
    const_assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_seq), nl::NLMSG_SEQ);
    const_assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_pid), nl::NLMSG_PID);
    const_assert_eq!(size_of::<libc::ifinfomsg>(), nl::IFINFOMSG_SIZE);
    const_assert_eq!(offset_of!(libc::ifinfomsg, ifi_index), nl::IFI_INDEX);
    const_assert_eq!(offset_of!(libc::ifinfomsg, ifi_flags), nl::IFI_FLAGS);
    const_assert_eq!(size_of::<libc::rtattr>(), nl::RTA_HDRLEN);
    const_assert_eq!(libc::NLMSG_ERROR as u16, nl::NLMSG_ERROR);
    const_assert_eq!(libc::NLMSG_DONE as u16, nl::NLMSG_DONE);
    const_assert_eq!(libc::RTM_NEWLINK, nl::RTM_NEWLINK);
    const_assert_eq!(libc::RTM_DELLINK, nl::RTM_DELLINK);
    const_assert_eq!(libc::RTM_GETLINK, nl::RTM_GETLINK);
    const_assert_eq!(libc::NLM_F_REQUEST as u16, nl::NLM_F_REQUEST);
    const_assert_eq!(libc::NLM_F_DUMP as u16, nl::NLM_F_DUMP);
    const_assert_eq!(libc::IFLA_IFNAME, nl::IFLA_IFNAME);
    const_assert_eq!(libc::IFF_UP as u32, nl::IFF_UP);
    const_assert_eq!(libc::IFF_MULTICAST as u32, nl::IFF_MULTICAST);
    const_assert_eq!(libc::IPPROTO_IGMP as u8, crate::wire::igmp::IPPROTO_IGMP);
}

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::process::Command;
    use std::string::String;
    use std::vec::Vec;

    use super::*;

    /// (C expression, value on the Rust side).
    fn facts() -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = Vec::new();
        macro_rules! size {
            ($c:literal, $t:ty) => {
                v.push((format!("sizeof({})", $c), size_of::<$t>() as i64));
            };
        }
        macro_rules! off {
            ($c:literal, $t:ty, $($f:tt)+) => {
                v.push((
                    format!("offsetof({}, {})", $c, stringify!($($f)+)),
                    offset_of!($t, $($f)+) as i64,
                ));
            };
        }
        macro_rules! konst {
            ($($name:ident),*) => {
                $(v.push((String::from(stringify!($name)), $name as i64));)*
            };
        }
        size!("struct vifctl", vifctl);
        off!("struct vifctl", vifctl, vifc_vifi);
        off!("struct vifctl", vifctl, vifc_flags);
        off!("struct vifctl", vifctl, vifc_threshold);
        off!("struct vifctl", vifctl, vifc_rate_limit);
        v.push((
            String::from("offsetof(struct vifctl, vifc_lcl_ifindex)"),
            offset_of!(vifctl, vifc_lcl) as i64,
        ));
        v.push((
            String::from("offsetof(struct vifctl, vifc_lcl_addr)"),
            offset_of!(vifctl, vifc_lcl) as i64,
        ));
        off!("struct vifctl", vifctl, vifc_rmt_addr);
        size!("((struct vifctl *)0)->vifc_flags", u8);
        size!("struct mfcctl", mfcctl);
        off!("struct mfcctl", mfcctl, mfcc_origin);
        off!("struct mfcctl", mfcctl, mfcc_mcastgrp);
        off!("struct mfcctl", mfcctl, mfcc_parent);
        off!("struct mfcctl", mfcctl, mfcc_ttls);
        off!("struct mfcctl", mfcctl, mfcc_pkt_cnt);
        off!("struct mfcctl", mfcctl, mfcc_byte_cnt);
        off!("struct mfcctl", mfcctl, mfcc_wrong_if);
        off!("struct mfcctl", mfcctl, mfcc_expire);
        size!("struct sioc_sg_req", sioc_sg_req);
        off!("struct sioc_sg_req", sioc_sg_req, src);
        off!("struct sioc_sg_req", sioc_sg_req, grp);
        off!("struct sioc_sg_req", sioc_sg_req, pktcnt);
        off!("struct sioc_sg_req", sioc_sg_req, bytecnt);
        off!("struct sioc_sg_req", sioc_sg_req, wrong_if);
        size!("struct igmpmsg", igmpmsg);
        off!("struct igmpmsg", igmpmsg, im_msgtype);
        off!("struct igmpmsg", igmpmsg, im_mbz);
        off!("struct igmpmsg", igmpmsg, im_vif);
        off!("struct igmpmsg", igmpmsg, im_vif_hi);
        off!("struct igmpmsg", igmpmsg, im_src);
        off!("struct igmpmsg", igmpmsg, im_dst);
        size!("struct mif6ctl", mif6ctl);
        off!("struct mif6ctl", mif6ctl, mif6c_mifi);
        off!("struct mif6ctl", mif6ctl, mif6c_flags);
        off!("struct mif6ctl", mif6ctl, vifc_threshold);
        off!("struct mif6ctl", mif6ctl, mif6c_pifi);
        off!("struct mif6ctl", mif6ctl, vifc_rate_limit);
        size!("struct if_set", if_set);
        size!("struct mf6cctl", mf6cctl);
        off!("struct mf6cctl", mf6cctl, mf6cc_origin);
        off!("struct mf6cctl", mf6cctl, mf6cc_mcastgrp);
        off!("struct mf6cctl", mf6cctl, mf6cc_parent);
        off!("struct mf6cctl", mf6cctl, mf6cc_ifset);
        size!("struct sioc_sg_req6", sioc_sg_req6);
        off!("struct sioc_sg_req6", sioc_sg_req6, src);
        off!("struct sioc_sg_req6", sioc_sg_req6, grp);
        off!("struct sioc_sg_req6", sioc_sg_req6, pktcnt);
        off!("struct sioc_sg_req6", sioc_sg_req6, bytecnt);
        off!("struct sioc_sg_req6", sioc_sg_req6, wrong_if);
        size!("struct mrt6msg", mrt6msg);
        off!("struct mrt6msg", mrt6msg, im6_mbz);
        off!("struct mrt6msg", mrt6msg, im6_msgtype);
        off!("struct mrt6msg", mrt6msg, im6_mif);
        off!("struct mrt6msg", mrt6msg, im6_pad);
        off!("struct mrt6msg", mrt6msg, im6_src);
        off!("struct mrt6msg", mrt6msg, im6_dst);
        size!("struct group_req", group_req);
        off!("struct group_req", group_req, gr_group);
        size!("struct group_source_req", group_source_req);
        off!("struct group_source_req", group_source_req, gsr_group);
        off!("struct group_source_req", group_source_req, gsr_source);
        size!("struct __kernel_sockaddr_storage", sockaddr_storage);
        size!("struct sockaddr_nl", sockaddr_nl);
        off!("struct sockaddr_nl", sockaddr_nl, nl_pid);
        off!("struct sockaddr_nl", sockaddr_nl, nl_groups);
        konst!(
            MRT_INIT,
            MRT_DONE,
            MRT_ADD_VIF,
            MRT_DEL_VIF,
            MRT_ADD_MFC,
            MRT_DEL_MFC
        );
        konst!(
            MRT_VERSION,
            MRT_ASSERT,
            MRT_PIM,
            MRT_TABLE,
            MAXVIFS,
            VIFF_USE_IFINDEX
        );
        konst!(SIOCPROTOPRIVATE, SIOCGETVIFCNT, SIOCGETSGCNT);
        konst!(
            IGMPMSG_NOCACHE,
            IGMPMSG_WRONGVIF,
            IGMPMSG_WHOLEPKT,
            IGMPMSG_WRVIFWHOLE
        );
        konst!(
            MRT6_INIT,
            MRT6_DONE,
            MRT6_ADD_MIF,
            MRT6_DEL_MIF,
            MRT6_ADD_MFC,
            MRT6_DEL_MFC
        );
        konst!(MRT6_VERSION, MRT6_ASSERT, MRT6_PIM, MRT6_TABLE, MAXMIFS);
        konst!(SIOCGETMIFCNT_IN6, SIOCGETSGCNT_IN6);
        konst!(
            MRT6MSG_NOCACHE,
            MRT6MSG_WRONGMIF,
            MRT6MSG_WHOLEPKT,
            MRT6MSG_WRMIFWHOLE
        );
        konst!(IPV6_MULTICAST_ALL, SO_ATTACH_FILTER);
        v
    }

    /// Compiles and runs a C program printing every fact with the real headers, and
    /// compares. Skipped (loudly) without a C compiler, without the Linux UAPI headers
    /// (package `linux-libc-dev`), or when the test runs for another architecture than
    /// the compiler's (cross builds under qemu).
    #[test]
    fn layouts_match_linux_headers() {
        let skip = |why: &str| {
            std::eprintln!("SKIPPED abi::layouts_match_linux_headers: {why}");
        };
        let Ok(out) = Command::new("cc").arg("-dumpmachine").output() else {
            return skip("no C compiler `cc`");
        };
        let machine = String::from_utf8_lossy(&out.stdout).into_owned();
        let arch = std::env::consts::ARCH;
        let arch_ok = machine.starts_with(arch)
            || (arch == "x86" && machine.starts_with("i686"))
            || (arch == "arm" && machine.starts_with("arm"));
        if !arch_ok || !machine.contains("linux") {
            return skip(&format!(
                "compiler targets {}, tests run for {arch}",
                machine.trim()
            ));
        }
        if !std::path::Path::new("/usr/include/linux/mroute6.h").exists() {
            return skip("no <linux/mroute6.h>: install linux-libc-dev");
        }
        let facts = facts();
        let mut c = String::from(
            "#include <stddef.h>\n#include <stdio.h>\n#include <sys/socket.h>\n\
             #include <linux/mroute.h>\n#include <linux/mroute6.h>\n\
             #include <linux/netlink.h>\n#include <linux/in6.h>\nint main(void) {\n",
        );
        for (expr, _) in &facts {
            c.push_str(&format!("  printf(\"%ld\\n\", (long)({expr}));\n"));
        }
        c.push_str("  return 0;\n}\n");
        let dir = std::env::temp_dir().join(format!("smcr-abi-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("probe.c");
        let bin = dir.join("probe");
        std::fs::write(&src, c).unwrap();
        let cc = Command::new("cc")
            .arg("-o")
            .arg(&bin)
            .arg(&src)
            .output()
            .unwrap();
        assert!(
            cc.status.success(),
            "C probe failed to compile:\n{}",
            String::from_utf8_lossy(&cc.stderr)
        );
        let run = Command::new(&bin).output().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let text = String::from_utf8(run.stdout).unwrap();
        let got: Vec<i64> = text.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(got.len(), facts.len());
        let wrong: Vec<_> = facts
            .iter()
            .zip(&got)
            .filter(|((_, rust), c)| rust != *c)
            .map(|((e, rust), c)| format!("{e}: rust {rust}, C {c}"))
            .collect();
        assert!(wrong.is_empty(), "ABI mismatches:\n{}", wrong.join("\n"));
        std::eprintln!("abi: {} facts checked against the C headers", facts.len());
    }

    #[test]
    fn if_set_bits() {
        let mut s = if_set::default();
        s.set(0);
        s.set(33);
        s.set(255);
        s.set(256); // ignored
        assert_eq!(s.ifs_bits[0], 1);
        assert_eq!(s.ifs_bits[1], 2);
        assert_eq!(s.ifs_bits[7], 1 << 31);
    }
}
