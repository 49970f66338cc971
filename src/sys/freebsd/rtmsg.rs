//! FreeBSD routing-socket messages (`<net/route.h>`, `<net/if.h>`, `<net/if_dl.h>`), as
//! read from a `PF_ROUTE` socket or a `sysctl(NET_RT_IFLIST)` dump. Pure: no `libc`, no
//! `unsafe`, so it is unit-tested on every host; `freebsd/abi.rs` asserts every offset and
//! number here against the `libc` crate's FreeBSD definitions.
//!
//! Every message starts with the same four bytes; an interface message (`RTM_IFINFO`)
//! continues with `struct if_msghdr` and is followed by the socket addresses its
//! `ifm_addrs` bitmap names, in `RTAX_*` order, each rounded up to a `long`:
//!
//! ```text
//!  0        2       3      4          8          12         14         hdr_len
//! +--------+-------+------+----------+----------+----------+----------+-- ... --+-------------+
//! | msglen |version| type |ifm_addrs |ifm_flags |ifm_index | spare    | if_data | sockaddrs...|
//! +--------+-------+------+----------+----------+----------+----------+-- ... --+-------------+
//! ```
//!
//! The interface name is in the `RTAX_IFP` address, a `struct sockaddr_dl`:
//! `sdl_len`, `sdl_family` (`AF_LINK`), `sdl_index`, `sdl_type`, `sdl_nlen`, `sdl_alen`,
//! `sdl_slen`, then `sdl_nlen` name bytes (no NUL).

use crate::kernel::IfInfo;
use crate::limits::IFNAMSIZ;

/// Offset of `rtm_msglen`/`ifm_msglen` (`u_short`, host order).
pub const MSGLEN: usize = 0;
/// Offset of the version byte.
pub const VERSION: usize = 2;
/// Offset of the message type byte.
pub const TYPE: usize = 3;
/// Offset of `ifm_addrs` (`int`).
pub const IFM_ADDRS: usize = 4;
/// Offset of `ifm_flags` (`int`).
pub const IFM_FLAGS: usize = 8;
/// Offset of `ifm_index` (`u_short`).
pub const IFM_INDEX: usize = 12;

/// Offset of `sdl_len`.
pub const SDL_LEN: usize = 0;
/// Offset of `sdl_family`.
pub const SDL_FAMILY: usize = 1;
/// Offset of `sdl_nlen`.
pub const SDL_NLEN: usize = 5;
/// Offset of `sdl_data` (the name comes first).
pub const SDL_DATA: usize = 8;
/// Socket addresses in a message are padded to a multiple of `sizeof(long)`.
pub const SA_ALIGN: usize = core::mem::size_of::<usize>();

/// `RTM_VERSION`.
pub const RTM_VERSION: u8 = 5;
/// `RTM_NEWADDR`: an address was added to an interface.
pub const RTM_NEWADDR: u8 = 0xc;
/// `RTM_DELADDR`: an address was removed.
pub const RTM_DELADDR: u8 = 0xd;
/// `RTM_IFINFO`: an interface changed (up/down, flags).
pub const RTM_IFINFO: u8 = 0xe;
/// `RTM_IFANNOUNCE`: an interface arrived or departed.
pub const RTM_IFANNOUNCE: u8 = 0x11;
/// `RTAX_IFP`: index of the interface's link-level address in `ifm_addrs`.
pub const RTAX_IFP: u32 = 4;
/// `AF_LINK`.
pub const AF_LINK: u8 = 18;
/// `IFF_UP`.
pub const IFF_UP: u32 = 0x1;
/// `IFF_MULTICAST`.
pub const IFF_MULTICAST: u32 = 0x8000;

/// The messages of a buffer holding several (a sysctl dump). Stops at the first message
/// whose length is shorter than its fixed start or runs past the buffer.
pub fn messages(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = buf;
    core::iter::from_fn(move || {
        let len = usize::from(u16_at(rest, MSGLEN)?);
        if len < TYPE + 1 {
            return None;
        }
        let msg = rest.get(..len)?;
        rest = rest.get(len..)?;
        Some(msg)
    })
}

/// True if `msg` (one message read from a routing socket) says an interface or one of its
/// addresses changed, i.e. the interface list must be read again. Route changes, misses
/// and multicast-membership messages (which our own joins cause) are not.
pub fn is_interface_event(msg: &[u8]) -> bool {
    msg.get(VERSION) == Some(&RTM_VERSION)
        && matches!(
            msg.get(TYPE),
            Some(&(RTM_IFINFO | RTM_IFANNOUNCE | RTM_NEWADDR | RTM_DELADDR))
        )
}

/// Decodes an `RTM_IFINFO` message whose `struct if_msghdr` is `hdr_len` bytes long.
/// `None` for other messages and for malformed ones (truncated, no `RTAX_IFP` address,
/// name not UTF-8, empty or too long).
pub fn ifinfo(msg: &[u8], hdr_len: usize) -> Option<IfInfo<'_>> {
    if msg.get(VERSION) != Some(&RTM_VERSION) || msg.get(TYPE) != Some(&RTM_IFINFO) {
        return None;
    }
    let addrs = u32_at(msg, IFM_ADDRS)?;
    let flags = u32_at(msg, IFM_FLAGS)?;
    let index = u16_at(msg, IFM_INDEX)?;
    if addrs & (1 << RTAX_IFP) == 0 {
        return None;
    }
    let mut at = hdr_len;
    for bit in 0..RTAX_IFP {
        if addrs & (1 << bit) != 0 {
            at = at.checked_add(sa_size(*msg.get(at)?))?;
        }
    }
    let sdl = msg.get(at..)?;
    if *sdl.get(SDL_FAMILY)? != AF_LINK {
        return None;
    }
    let sdl = sdl.get(..usize::from(*sdl.get(SDL_LEN)?))?;
    let nlen = usize::from(*sdl.get(SDL_NLEN)?);
    let name = sdl.get(SDL_DATA..SDL_DATA.checked_add(nlen)?)?;
    let name = core::str::from_utf8(name).ok()?;
    if name.is_empty() || name.len() >= IFNAMSIZ {
        return None;
    }
    Some(IfInfo {
        name,
        ifindex: u32::from(index),
        up: flags & IFF_UP != 0,
        multicast: flags & IFF_MULTICAST != 0,
    })
}

/// `SA_SIZE`: the space a socket address of length `sa_len` takes in a message.
pub fn sa_size(sa_len: u8) -> usize {
    match usize::from(sa_len) {
        0 => SA_ALIGN,
        n => 1 + ((n - 1) | (SA_ALIGN - 1)),
    }
}

fn u16_at(buf: &[u8], at: usize) -> Option<u16> {
    let b = buf.get(at..at.checked_add(2)?)?;
    Some(u16::from_ne_bytes([*b.first()?, *b.get(1)?]))
}

fn u32_at(buf: &[u8], at: usize) -> Option<u32> {
    let b = buf.get(at..at.checked_add(4)?)?;
    let mut w = [0u8; 4];
    w.copy_from_slice(b);
    Some(u32::from_ne_bytes(w))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    const HDR: usize = 168;

    fn sdl(name: &[u8]) -> Vec<u8> {
        let mut s = std::vec![0u8; SDL_DATA + 46];
        s[SDL_LEN] = (SDL_DATA + name.len() + 6) as u8;
        s[SDL_FAMILY] = AF_LINK;
        s[SDL_NLEN] = name.len() as u8;
        s[SDL_DATA..SDL_DATA + name.len()].copy_from_slice(name);
        let keep = sa_size(s[SDL_LEN]);
        s.truncate(keep);
        s
    }

    /// An `RTM_IFINFO` message with the given addresses (`(RTAX bit, sockaddr bytes)`).
    fn ifm(flags: u32, index: u16, addrs: &[(u32, Vec<u8>)]) -> Vec<u8> {
        let mut m = std::vec![0u8; HDR];
        m[VERSION] = RTM_VERSION;
        m[TYPE] = RTM_IFINFO;
        let bits: u32 = addrs.iter().map(|(b, _)| 1 << b).sum();
        m[IFM_ADDRS..IFM_ADDRS + 4].copy_from_slice(&bits.to_ne_bytes());
        m[IFM_FLAGS..IFM_FLAGS + 4].copy_from_slice(&flags.to_ne_bytes());
        m[IFM_INDEX..IFM_INDEX + 2].copy_from_slice(&index.to_ne_bytes());
        for (_, sa) in addrs {
            m.extend_from_slice(sa);
        }
        let len = m.len() as u16;
        m[MSGLEN..MSGLEN + 2].copy_from_slice(&len.to_ne_bytes());
        m
    }

    #[test]
    fn decodes_ifinfo() {
        let m = ifm(IFF_UP | IFF_MULTICAST | 0x2, 3, &[(RTAX_IFP, sdl(b"em0"))]);
        let i = ifinfo(&m, HDR).unwrap();
        assert_eq!(
            i,
            IfInfo {
                name: "em0",
                ifindex: 3,
                up: true,
                multicast: true
            }
        );
        let m = ifm(0, 1, &[(RTAX_IFP, sdl(b"lo0"))]);
        let i = ifinfo(&m, HDR).unwrap();
        assert!(!i.up && !i.multicast);
    }

    #[test]
    fn skips_addresses_before_the_interface() {
        let mut sa = std::vec![0u8; 16];
        sa[0] = 16;
        let empty = std::vec![0u8; SA_ALIGN]; // sa_len 0 still takes one long
        let m = ifm(
            IFF_UP,
            7,
            &[(0, sa), (2, empty), (RTAX_IFP, sdl(b"vtnet0"))],
        );
        assert_eq!(ifinfo(&m, HDR).unwrap().name, "vtnet0");
    }

    #[test]
    fn rejects_malformed() {
        let good = ifm(IFF_UP, 2, &[(RTAX_IFP, sdl(b"em1"))]);
        assert!(ifinfo(&good, HDR).is_some());
        // Truncated anywhere.
        for n in 0..HDR + SDL_DATA + 3 {
            assert_eq!(ifinfo(&good[..n], HDR), None, "length {n}");
        }
        // Other version or type.
        let mut m = good.clone();
        m[VERSION] = 4;
        assert_eq!(ifinfo(&m, HDR), None);
        let mut m = good.clone();
        m[TYPE] = RTM_NEWADDR;
        assert_eq!(ifinfo(&m, HDR), None);
        // No RTAX_IFP address.
        let m = ifm(IFF_UP, 2, &[]);
        assert_eq!(ifinfo(&m, HDR), None);
        // Not AF_LINK.
        let mut m = good.clone();
        m[HDR + SDL_FAMILY] = 2;
        assert_eq!(ifinfo(&m, HDR), None);
        // Name longer than sdl_len says.
        let mut m = good.clone();
        m[HDR + SDL_NLEN] = 60;
        assert_eq!(ifinfo(&m, HDR), None);
        // Empty, too long, not UTF-8.
        assert_eq!(ifinfo(&ifm(0, 2, &[(RTAX_IFP, sdl(b""))]), HDR), None);
        let long = ifm(0, 2, &[(RTAX_IFP, sdl(b"abcdefghijklmnop"))]);
        assert_eq!(ifinfo(&long, HDR), None);
        let bad = ifm(0, 2, &[(RTAX_IFP, sdl(b"em\xff"))]);
        assert_eq!(ifinfo(&bad, HDR), None);
        // A header length past the message.
        assert_eq!(ifinfo(&good, 4096), None);
    }

    #[test]
    fn splits_a_dump() {
        let a = ifm(IFF_UP, 1, &[(RTAX_IFP, sdl(b"lo0"))]);
        let b = ifm(IFF_UP, 2, &[(RTAX_IFP, sdl(b"em0"))]);
        let mut buf = a.clone();
        buf.extend_from_slice(&b);
        let names: Vec<_> = messages(&buf)
            .filter_map(|m| ifinfo(m, HDR))
            .map(|i| i.name)
            .collect();
        assert_eq!(names, ["lo0", "em0"]);
        // A zero or short length ends the walk instead of looping; so does a length past
        // the end.
        let mut z = buf.clone();
        z[a.len()] = 0;
        z[a.len() + 1] = 0;
        assert_eq!(messages(&z).count(), 1);
        let mut long = a.clone();
        long[MSGLEN..MSGLEN + 2].copy_from_slice(&1000u16.to_ne_bytes());
        assert_eq!(messages(&long).count(), 0);
        assert_eq!(messages(&[]).count(), 0);
        assert_eq!(messages(&[7]).count(), 0);
    }

    #[test]
    fn interface_events() {
        for t in [RTM_IFINFO, RTM_IFANNOUNCE, RTM_NEWADDR, RTM_DELADDR] {
            assert!(is_interface_event(&[0, 0, RTM_VERSION, t]));
        }
        // RTM_ADD, RTM_MISS, RTM_NEWMADDR (our own joins), wrong version, short.
        for t in [0x1, 0x7, 0xf] {
            assert!(!is_interface_event(&[0, 0, RTM_VERSION, t]));
        }
        assert!(!is_interface_event(&[0, 0, 4, RTM_IFINFO]));
        assert!(!is_interface_event(&[0, 0, RTM_VERSION]));
    }

    #[test]
    fn sa_sizes() {
        assert_eq!(sa_size(0), SA_ALIGN);
        assert_eq!(sa_size(1), SA_ALIGN);
        assert_eq!(sa_size(16), 16);
        assert_eq!(sa_size(17), 16 + SA_ALIGN);
        assert_eq!(sa_size(255), 256);
    }
}
