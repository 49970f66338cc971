//! Kernel upcalls read from the multicast routing socket.
//!
//! IPv4: the raw IGMP socket returns whole IP packets; the kernel's `struct igmpmsg`
//! overlays an IP header so that `im_mbz` sits where `ip_p` is. Real IGMP packets have
//! `ip_p == 2`, upcalls have 0 there and a non-zero `im_msgtype` in the TTL byte:
//!
//! ```text
//!  0               4               8       9       10      11      12              16              20
//! +---------------+---------------+-------+-------+-------+-------+---------------+---------------+
//! |   unused1     |   unused2     |msgtype|  mbz  |  vif  |vif_hi |    im_src     |    im_dst     |
//! +---------------+---------------+-------+-------+-------+-------+---------------+---------------+
//!                                  (ttl)   (ip_p)                  (ip_src)        (ip_dst)
//! ```
//!
//! IPv6: the raw ICMPv6 socket returns ICMPv6 payloads only; `struct mrt6msg` overlays the
//! ICMPv6 header so that `im6_mbz` sits where the ICMPv6 type is (never 0 for real
//! messages). `im6_mif` is in host byte order, addresses in network order:
//!
//! ```text
//!  0      1        2                4                8                      24                     40
//! +------+--------+----------------+----------------+----------------------+----------------------+
//! | mbz  |msgtype |   mif (host)   |      pad       |        im6_src       |        im6_dst       |
//! +------+--------+----------------+----------------+----------------------+----------------------+
//! ```

use super::{array, Endian};
use crate::kernel::{Upcall, UpcallKind};
use crate::net::{Addr, Family};

/// `sizeof(struct igmpmsg)`.
pub const IGMPMSG_SIZE: usize = 20;
/// Offset of `igmpmsg.im_msgtype`.
pub const IM_MSGTYPE: usize = 8;
/// Offset of `igmpmsg.im_mbz` (the IP header's protocol byte).
pub const IM_MBZ: usize = 9;
/// Offset of `igmpmsg.im_vif`.
pub const IM_VIF: usize = 10;
/// Offset of `igmpmsg.im_vif_hi`.
pub const IM_VIF_HI: usize = 11;
/// Offset of `igmpmsg.im_src`.
pub const IM_SRC: usize = 12;
/// Offset of `igmpmsg.im_dst`.
pub const IM_DST: usize = 16;

/// `sizeof(struct mrt6msg)`.
pub const MRT6MSG_SIZE: usize = 40;
/// Offset of `mrt6msg.im6_mbz`.
pub const IM6_MBZ: usize = 0;
/// Offset of `mrt6msg.im6_msgtype`.
pub const IM6_MSGTYPE: usize = 1;
/// Offset of `mrt6msg.im6_mif`.
pub const IM6_MIF: usize = 2;
/// Offset of `mrt6msg.im6_src`.
pub const IM6_SRC: usize = 8;
/// Offset of `mrt6msg.im6_dst`.
pub const IM6_DST: usize = 24;

/// `IGMPMSG_NOCACHE` / `MRT6MSG_NOCACHE`.
pub const MSG_NOCACHE: u8 = 1;
/// `IGMPMSG_WRONGVIF` / `MRT6MSG_WRONGMIF`.
pub const MSG_WRONGVIF: u8 = 2;
/// `IGMPMSG_WHOLEPKT` / `MRT6MSG_WHOLEPKT`.
pub const MSG_WHOLEPKT: u8 = 3;
/// `IGMPMSG_WRVIFWHOLE` / `MRT6MSG_WRMIFWHOLE`.
pub const MSG_WRVIFWHOLE: u8 = 4;

impl UpcallKind {
    /// The kind of message type `t` (total: unknown values are kept).
    pub const fn from_msgtype(t: u8) -> Self {
        match t {
            MSG_NOCACHE => Self::NoCache,
            MSG_WRONGVIF => Self::WrongVif,
            MSG_WHOLEPKT => Self::WholePkt,
            MSG_WRVIFWHOLE => Self::WrVifWhole,
            other => Self::Unknown(other),
        }
    }
}

/// Decodes one datagram read from the `family` routing socket, in host byte order.
/// Returns `None` for anything that is not a kernel upcall (ordinary IGMP/ICMPv6 traffic,
/// short reads, VIF numbers that do not fit a `u8`).
pub fn decode(family: Family, buf: &[u8]) -> Option<Upcall> {
    decode_with(family, buf, Endian::NATIVE)
}

/// [`decode`] with an explicit byte order for `im6_mif` (for tests of other targets).
pub fn decode_with(family: Family, buf: &[u8], endian: Endian) -> Option<Upcall> {
    match family {
        Family::V4 => decode_v4(buf),
        Family::V6 => decode_v6(buf, endian),
    }
}

fn decode_v4(buf: &[u8]) -> Option<Upcall> {
    if buf.len() < IGMPMSG_SIZE || *buf.get(IM_MBZ)? != 0 {
        return None;
    }
    let msgtype = *buf.get(IM_MSGTYPE)?;
    if msgtype == 0 || *buf.get(IM_VIF_HI)? != 0 {
        return None;
    }
    Some(Upcall {
        kind: UpcallKind::from_msgtype(msgtype),
        vif: *buf.get(IM_VIF)?,
        source: Addr::V4(array(buf, IM_SRC)?),
        group: Addr::V4(array(buf, IM_DST)?),
    })
}

fn decode_v6(buf: &[u8], endian: Endian) -> Option<Upcall> {
    if buf.len() < MRT6MSG_SIZE || *buf.get(IM6_MBZ)? != 0 {
        return None;
    }
    let msgtype = *buf.get(IM6_MSGTYPE)?;
    if msgtype == 0 {
        return None;
    }
    let mif = u8::try_from(endian.u16(buf, IM6_MIF)?).ok()?;
    Some(Upcall {
        kind: UpcallKind::from_msgtype(msgtype),
        vif: mif,
        source: Addr::V6(array(buf, IM6_SRC)?),
        group: Addr::V6(array(buf, IM6_DST)?),
    })
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::xorshift::Rng;

    fn igmpmsg(msgtype: u8, mbz: u8, vif: u8, vif_hi: u8) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[0] = 0x45; // whatever the kernel left in unused1
        b[IM_MSGTYPE] = msgtype;
        b[IM_MBZ] = mbz;
        b[IM_VIF] = vif;
        b[IM_VIF_HI] = vif_hi;
        b[IM_SRC..IM_SRC + 4].copy_from_slice(&[10, 0, 0, 1]);
        b[IM_DST..IM_DST + 4].copy_from_slice(&[239, 1, 2, 3]);
        b
    }

    #[test]
    fn v4_nocache() {
        let up = decode(Family::V4, &igmpmsg(1, 0, 3, 0)).unwrap();
        assert_eq!(up.kind, UpcallKind::NoCache);
        assert_eq!(up.vif, 3);
        assert_eq!(up.source, Addr::V4([10, 0, 0, 1]));
        assert_eq!(up.group, Addr::V4([239, 1, 2, 3]));
    }

    #[test]
    fn v4_kinds_total() {
        for (t, k) in [
            (2, UpcallKind::WrongVif),
            (3, UpcallKind::WholePkt),
            (4, UpcallKind::WrVifWhole),
            (9, UpcallKind::Unknown(9)),
        ] {
            assert_eq!(decode(Family::V4, &igmpmsg(t, 0, 0, 0)).unwrap().kind, k);
        }
    }

    #[test]
    fn v4_rejects_non_upcalls() {
        // A real IGMP packet: ip_p = 2.
        assert_eq!(decode(Family::V4, &igmpmsg(1, 2, 0, 0)), None);
        // msgtype 0.
        assert_eq!(decode(Family::V4, &igmpmsg(0, 0, 0, 0)), None);
        // VIF number above 255.
        assert_eq!(decode(Family::V4, &igmpmsg(1, 0, 0, 1)), None);
        // Short read.
        assert_eq!(decode(Family::V4, &igmpmsg(1, 0, 0, 0)[..19]), None);
        assert_eq!(decode(Family::V4, &[]), None);
    }

    fn mrt6msg(mbz: u8, msgtype: u8, mif: [u8; 2]) -> [u8; 40] {
        let mut b = [0u8; 40];
        b[IM6_MBZ] = mbz;
        b[IM6_MSGTYPE] = msgtype;
        b[IM6_MIF..IM6_MIF + 2].copy_from_slice(&mif);
        b[IM6_SRC] = 0xfe;
        b[IM6_SRC + 1] = 0x80;
        b[IM6_SRC + 15] = 1;
        b[IM6_DST] = 0xff;
        b[IM6_DST + 1] = 0x0e;
        b[IM6_DST + 15] = 0x42;
        b
    }

    #[test]
    fn v6_both_endiannesses() {
        let le = mrt6msg(0, 1, [5, 0]);
        let be = mrt6msg(0, 1, [0, 5]);
        let up = decode_with(Family::V6, &le, Endian::Little).unwrap();
        assert_eq!(up, decode_with(Family::V6, &be, Endian::Big).unwrap());
        assert_eq!(up.kind, UpcallKind::NoCache);
        assert_eq!(up.vif, 5);
        let mut src = [0u8; 16];
        src[0] = 0xfe;
        src[1] = 0x80;
        src[15] = 1;
        assert_eq!(up.source, Addr::V6(src));
        assert!(up.group.is_multicast());
        // Read with the wrong order, mif 5 becomes 0x500: does not fit a u8.
        assert_eq!(decode_with(Family::V6, &le, Endian::Big), None);
        let native = if cfg!(target_endian = "little") {
            le
        } else {
            be
        };
        assert_eq!(decode(Family::V6, &native), Some(up));
    }

    #[test]
    fn v6_rejects_non_upcalls() {
        // An MLD report (ICMPv6 type 143 where mbz is).
        assert_eq!(decode(Family::V6, &mrt6msg(143, 0, [0, 0])), None);
        assert_eq!(decode(Family::V6, &mrt6msg(0, 0, [0, 0])), None);
        assert_eq!(decode(Family::V6, &mrt6msg(0, 2, [1, 1])), None);
        assert_eq!(decode(Family::V6, &mrt6msg(0, 1, [0, 0])[..39]), None);
        let wrong = decode(Family::V6, &mrt6msg(0, 2, [0, 0])).unwrap();
        assert_eq!(wrong.kind, UpcallKind::WrongVif);
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut buf = [0u8; 64];
        let mut seen = 0;
        for i in 0..200_000 {
            let input = rng.fill(&mut buf);
            let family = if i % 2 == 0 { Family::V4 } else { Family::V6 };
            for endian in [Endian::Little, Endian::Big] {
                if decode_with(family, input, endian).is_some() {
                    seen += 1;
                }
            }
        }
        // The bias towards small bytes makes some inputs decode: both paths were walked.
        assert!(seen > 0);
    }
}
