//! Multicast Router Discovery (RFC 4286) on one interface: SMCRoute's `mrdisc.c`.
//!
//! One raw IGMP socket per interface, bound to it with `SO_BINDTODEVICE`, joined to
//! All-Snoopers (224.0.0.106) and All-Routers (224.0.0.2), TTL 1, loop off, with the IP
//! Router Alert option. Packets are built and recognised by [`crate::wire::igmp`]; timing
//! (the `-m` interval) is the caller's.

use core::mem::size_of;

use super::mroute::{in_addr, recv, setsockopt_bytes, socket};
use super::Fd;
use crate::errno::Errno;
use crate::limits::IFNAMSIZ;
use crate::wire::igmp::{self, Mrdisc as Received};

/// The mrdisc socket of one interface.
pub struct Mrdisc {
    fd: Fd,
    ifindex: u32,
}

impl Mrdisc {
    /// Opens and configures the socket for interface `ifname` (index `ifindex`).
    pub fn open(ifname: &str, ifindex: u32) -> Result<Self, Errno> {
        let name = ifname.as_bytes();
        if name.is_empty() || name.len() >= IFNAMSIZ || crate::fmt::has_byte(name, 0) {
            return Err(Errno::ENODEV);
        }
        let ifindex_c = libc::c_int::try_from(ifindex).map_err(|_| Errno::ENODEV)?;
        let fd = socket(
            libc::AF_INET,
            libc::SOCK_RAW | libc::SOCK_NONBLOCK,
            libc::IPPROTO_IGMP,
        )?;
        setsockopt_bytes(&fd, libc::SOL_SOCKET, libc::SO_BINDTODEVICE, name)?;
        // One table, one call site: both joins, the outgoing interface (no group), TTL 1,
        // loop off, Router Alert; all on `IPPROTO_IP`. Each value is its row's four bytes,
        // four zero bytes and the interface index (an `ip_mreqn`), of which the kernel
        // reads the row's length: a constant table, not six values and their slices built
        // on the stack. Walked by reference, read in place: walked by value the table is
        // copied to the stack first (x86_64 -48 B, MIPS16e -64 B).
        let [i0, i1, i2, i3] = ifindex_c.to_ne_bytes();
        for &(opt, head, len) in &STEPS {
            let [h0, h1, h2, h3] = head;
            let value = [h0, h1, h2, h3, 0, 0, 0, 0, i0, i1, i2, i3];
            let value = value.get(..usize::from(len)).unwrap_or(&value);
            let opt = libc::c_int::from(opt);
            match setsockopt_bytes(&fd, libc::IPPROTO_IP, opt, value) {
                Ok(()) => {}
                // Already a member (another socket of ours, or a restart): fine.
                Err(Errno::EADDRINUSE) if opt == libc::IP_ADD_MEMBERSHIP => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Self { fd, ifindex })
    }

    /// The socket, for `poll`.
    pub fn fd(&self) -> &Fd {
        &self.fd
    }

    /// The interface index this socket serves.
    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// Sends an Advertisement with `interval` seconds to All-Snoopers. `ENETUNREACH` and
    /// `ENETDOWN` (interface down) are not errors, as in SMCRoute.
    pub fn announce(&self, interval: u8) -> Result<(), Errno> {
        self.send(igmp::MRDISC_ANNOUNCE, interval)
    }

    /// Sends a Termination to All-Snoopers (when the interface stops being routed).
    pub fn terminate(&self) -> Result<(), Errno> {
        self.send(igmp::MRDISC_TERMINATE, 0)
    }

    /// Sends a Solicitation to All-Routers (what a snooping switch does; for tests).
    pub fn solicit(&self) -> Result<(), Errno> {
        self.send_to(igmp::MRDISC_SOLICIT, 0, igmp::ALL_ROUTERS)
    }

    fn send(&self, kind: u8, code: u8) -> Result<(), Errno> {
        self.send_to(kind, code, igmp::ALL_SNOOPERS)
    }

    fn send_to(&self, kind: u8, code: u8, group: [u8; 4]) -> Result<(), Errno> {
        let packet = igmp::packet(kind, code);
        let dest = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: 0,
            sin_addr: in_addr(group),
            sin_zero: [0; 8],
        };
        let dest_ptr: *const libc::sockaddr_in = &dest;
        // SAFETY: `fd` is open; `packet` is valid for reads of its length; `dest_ptr`
        // points to a live `sockaddr_in` of exactly the length we pass.
        let rc = unsafe {
            super::call::sendto(
                self.fd.raw(),
                packet.as_ptr().cast(),
                packet.len(),
                0,
                dest_ptr.cast(),
                size_of::<libc::sockaddr_in>() as _,
            )
        };
        match rc {
            Ok(_) | Err(Errno::ENETUNREACH | Errno::ENETDOWN) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Reads what arrived (at most 64 packets) and returns the first mrdisc message, if
    /// any. On a [`Received::Solicitation`] the caller announces at once.
    pub fn recv(&self, buf: &mut [u8]) -> Result<Option<Received>, Errno> {
        for _ in 0..64 {
            match recv(&self.fd, buf, libc::MSG_DONTWAIT) {
                Ok(n) => {
                    if let Some(m) = igmp::classify(buf.get(..n).unwrap_or(&[])) {
                        return Ok(Some(m));
                    }
                }
                Err(Errno::EAGAIN) => return Ok(None),
                Err(Errno::EINTR) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }
}

// A row's four bytes, four zero bytes (any local address) and the index write the
// kernel's `struct ip_mreqn` byte for byte.
static_assertions::const_assert_eq!(size_of::<libc::ip_mreqn>(), 12);

/// The `IPPROTO_IP` options of an mrdisc socket, in order: the option (a byte: they are
/// all below 256, checked below), the first four bytes of its value (an `ip_mreqn`'s
/// group; an `int`; the Router Alert option) and the length of the value. An `ip_mreqn`
/// goes on with any local address and the interface index, which `open` writes after
/// the four bytes of every row.
const STEPS: [(u8, [u8; 4], u8); 6] = [
    (libc::IP_ADD_MEMBERSHIP as u8, igmp::ALL_SNOOPERS, 12),
    (libc::IP_ADD_MEMBERSHIP as u8, igmp::ALL_ROUTERS, 12),
    (libc::IP_MULTICAST_IF as u8, [0; 4], 12),
    (libc::IP_MULTICAST_TTL as u8, 1i32.to_ne_bytes(), 4),
    (libc::IP_MULTICAST_LOOP as u8, 0i32.to_ne_bytes(), 4),
    (libc::IP_OPTIONS as u8, igmp::ROUTER_ALERT, 4),
];

static_assertions::const_assert!(
    libc::IP_ADD_MEMBERSHIP < 256
        && libc::IP_MULTICAST_IF < 256
        && libc::IP_MULTICAST_TTL < 256
        && libc::IP_MULTICAST_LOOP < 256
        && libc::IP_OPTIONS < 256
);

/// A `struct ip_mreqn` for `group` (any local address) on interface `ifindex`, as
/// `open` writes it (for the test).
#[cfg(test)]
fn mreqn(group: [u8; 4], ifindex: libc::c_int) -> [u8; 12] {
    let [g0, g1, g2, g3] = group;
    let [i0, i1, i2, i3] = ifindex.to_ne_bytes();
    [g0, g1, g2, g3, 0, 0, 0, 0, i0, i1, i2, i3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mreqn_is_the_kernel_struct() {
        let b = mreqn([224, 0, 0, 106], 7);
        assert_eq!(&b[..8], &[224, 0, 0, 106, 0, 0, 0, 0]);
        assert_eq!(&b[8..], &7i32.to_ne_bytes());
        assert_eq!(core::mem::offset_of!(libc::ip_mreqn, imr_ifindex), 8);
    }

    #[test]
    fn bad_names_are_refused_before_any_syscall() {
        assert!(matches!(Mrdisc::open("", 1), Err(Errno::ENODEV)));
        assert!(matches!(
            Mrdisc::open("a-very-long-ifname", 1),
            Err(Errno::ENODEV)
        ));
        assert!(matches!(Mrdisc::open("a\0b", 1), Err(Errno::ENODEV)));
        assert!(matches!(Mrdisc::open("eth0", u32::MAX), Err(Errno::ENODEV)));
    }
}
