//! Multicast Router Discovery (RFC 4286) messages, as SMCRoute's mrdisc sends them.
//!
//! Every message is an 8-byte IGMP-style packet (SMCRoute sends a whole `struct igmp`):
//!
//! ```text
//!  0        1        2                 4                                  8
//! +--------+--------+-----------------+----------------------------------+
//! |  type  |  code  |    checksum     |  zero (query interval/robustness)|
//! +--------+--------+-----------------+----------------------------------+
//!   0x30 Advertisement, code = advertisement interval in seconds
//!   0x31 Solicitation, 0x32 Termination (code 0)
//! ```
//!
//! Received packets come from a raw IGMP socket, so they start with the IP header.

/// IGMP type of a Multicast Router Advertisement.
pub const MRDISC_ANNOUNCE: u8 = 0x30;
/// IGMP type of a Multicast Router Solicitation.
pub const MRDISC_SOLICIT: u8 = 0x31;
/// IGMP type of a Multicast Router Termination.
pub const MRDISC_TERMINATE: u8 = 0x32;
/// Length of every message we send.
pub const MRDISC_LEN: usize = 8;
/// `IPPROTO_IGMP`.
pub const IPPROTO_IGMP: u8 = 2;
/// All-Snoopers group, where advertisements and terminations go (RFC 4286).
pub const ALL_SNOOPERS: [u8; 4] = [224, 0, 0, 106];
/// All-Routers group, where solicitations go.
pub const ALL_ROUTERS: [u8; 4] = [224, 0, 0, 2];
/// IP Router Alert option (RFC 2113), set with `IP_OPTIONS` on the sending socket.
pub const ROUTER_ALERT: [u8; 4] = [0x94, 0x04, 0, 0];

/// The Internet checksum (RFC 1071) of `data`, as the bytes to store in the packet.
pub fn checksum(data: &[u8]) -> [u8; 2] {
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for c in chunks.by_ref() {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let Some(&last) = chunks.remainder().first() {
        sum += u32::from(last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    (!(sum as u16)).to_be_bytes()
}

/// One mrdisc message with its checksum filled in.
pub fn packet(kind: u8, code: u8) -> [u8; MRDISC_LEN] {
    // The other words are zero: the sum is the first word, which cannot carry, and the
    // checksum is its complement ([`checksum`] of the packet, without the loop), byte
    // by byte. On x86_64 the first word twice, the second copy complemented, in one
    // 32-bit value (not four bytes shifted into place: smcrouted -11 B .text; MIPS16e
    // measured +36 B so).
    #[cfg(target_arch = "x86_64")]
    let [kind, code, hi, lo] = {
        let word = u32::from(u16::from_le_bytes([kind, code]));
        ((word | word << 16) ^ 0xffff_0000).to_le_bytes()
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (hi, lo) = (!kind, !code);
    [kind, code, hi, lo, 0, 0, 0, 0]
}

/// An mrdisc message received on an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mrdisc {
    /// Another router's advertisement, with its interval.
    Announcement(u8),
    /// A snooping switch asks routers to announce themselves.
    Solicitation,
    /// A router stopped routing.
    Termination,
}

/// Classifies an IP packet read from a raw IGMP socket; `None` for anything that is not
/// a well-formed mrdisc message with a correct checksum.
pub fn classify(ip: &[u8]) -> Option<Mrdisc> {
    let vihl = *ip.first()?;
    let ihl = usize::from(vihl & 0x0f) * 4;
    if vihl >> 4 != 4 || ihl < 20 || *ip.get(9)? != IPPROTO_IGMP {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]));
    // Linux hands raw sockets the real total length; trust the shorter of the two.
    let igmp = ip.get(ihl..total.min(ip.len()))?;
    if igmp.len() < 4 || checksum(igmp) != [0, 0] {
        return None;
    }
    match *igmp.first()? {
        MRDISC_ANNOUNCE => Some(Mrdisc::Announcement(*igmp.get(1)?)),
        MRDISC_SOLICIT => Some(Mrdisc::Solicitation),
        MRDISC_TERMINATE => Some(Mrdisc::Termination),
        _ => None,
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;
    use crate::wire::xorshift::Rng;

    #[test]
    fn checksum_known_vectors() {
        // RFC 1071 section 3 example: sum 0xddf2, checksum 0x220d.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            [0x22, 0x0d]
        );
        // An IGMPv2 general query: 11 64 ee 9b 00 00 00 00.
        assert_eq!(checksum(&[0x11, 0x64, 0, 0, 0, 0, 0, 0]), [0xee, 0x9b]);
        // Odd length pads with a zero byte.
        assert_eq!(checksum(&[0xff]), [0x00, 0xff]);
        assert_eq!(checksum(&[]), [0xff, 0xff]);
    }

    #[test]
    fn packets() {
        assert_eq!(
            packet(MRDISC_ANNOUNCE, 20),
            [0x30, 20, 0xcf, 0xeb, 0, 0, 0, 0]
        );
        assert_eq!(
            packet(MRDISC_TERMINATE, 0),
            [0x32, 0, 0xcd, 0xff, 0, 0, 0, 0]
        );
        // The closed form agrees with the checksum for every type and code.
        for kind in 0..=u8::MAX {
            for code in 0..=u8::MAX {
                let p = packet(kind, code);
                assert_eq!(checksum(&p), [0, 0], "{kind} {code}");
                assert_eq!(&p[2..4], &checksum(&[kind, code, 0, 0, 0, 0, 0, 0]));
            }
        }
    }

    fn ip(payload: &[u8], options: &[u8]) -> Vec<u8> {
        let ihl = (20 + options.len()) / 4;
        let total = (20 + options.len() + payload.len()) as u16;
        let mut v = std::vec![0x40 | ihl as u8, 0xc0];
        v.extend_from_slice(&total.to_be_bytes());
        v.extend_from_slice(&[0, 0, 0, 0, 1, IPPROTO_IGMP, 0, 0]);
        v.extend_from_slice(&[10, 0, 0, 1]);
        v.extend_from_slice(&ALL_ROUTERS);
        v.extend_from_slice(options);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn classify_received() {
        let sol = ip(&packet(MRDISC_SOLICIT, 0), &ROUTER_ALERT);
        assert_eq!(classify(&sol), Some(Mrdisc::Solicitation));
        let ann = ip(&packet(MRDISC_ANNOUNCE, 20), &[]);
        assert_eq!(classify(&ann), Some(Mrdisc::Announcement(20)));
        let term = ip(&packet(MRDISC_TERMINATE, 0), &[]);
        assert_eq!(classify(&term), Some(Mrdisc::Termination));
        // RFC 4286 solicitations may be 4 bytes long.
        let short = ip(&packet(MRDISC_SOLICIT, 0)[..4], &[]);
        assert_eq!(classify(&short), Some(Mrdisc::Solicitation));
    }

    #[test]
    fn classify_rejects() {
        let mut bad_sum = ip(&packet(MRDISC_SOLICIT, 0), &[]);
        bad_sum[22] ^= 1;
        assert_eq!(classify(&bad_sum), None);
        let query = ip(&packet(0x11, 100), &[]);
        assert_eq!(classify(&query), None);
        let mut udp = ip(&packet(MRDISC_SOLICIT, 0), &[]);
        udp[9] = 17;
        assert_eq!(classify(&udp), None);
        let mut v6 = ip(&packet(MRDISC_SOLICIT, 0), &[]);
        v6[0] = 0x65;
        assert_eq!(classify(&v6), None);
        let mut tiny_ihl = ip(&packet(MRDISC_SOLICIT, 0), &[]);
        tiny_ihl[0] = 0x44;
        assert_eq!(classify(&tiny_ihl), None);
        let full = ip(&packet(MRDISC_SOLICIT, 0), &[]);
        assert_eq!(classify(&full[..23]), None);
        assert_eq!(classify(&[]), None);
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        let mut buf = [0u8; 48];
        for _ in 0..150_000 {
            let input = rng.fill(&mut buf);
            let _ = classify(input);
            let _ = checksum(input);
        }
        let base = ip(&packet(MRDISC_SOLICIT, 0), &ROUTER_ALERT);
        let mut m = base.clone();
        let mut found = 0;
        for _ in 0..100_000 {
            m.copy_from_slice(&base);
            let at = (rng.next() as usize) % m.len();
            m[at] = rng.next() as u8;
            if classify(&m).is_some() {
                found += 1;
            }
        }
        assert!(found > 0);
    }
}
