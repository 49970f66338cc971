//! Multicast Router Discovery (RFC 4286) is not available on FreeBSD, as in SMCRoute
//! (its `mrdisc.c` is Linux-only: it binds a raw socket to one interface with
//! `SO_BINDTODEVICE`). The type keeps the Linux module's interface so the daemon is the
//! same on both; [`Mrdisc::open`] always fails, so a `phyint … mrdisc` line logs
//! "mrdisc: cannot open socket on IFNAME: Operation not supported" and routing goes on.

use super::Fd;
use crate::errno::Errno;
use crate::wire::igmp::Mrdisc as Received;

/// The mrdisc socket of one interface (never created on FreeBSD).
pub struct Mrdisc {
    fd: Fd,
    ifindex: u32,
}

impl Mrdisc {
    /// Always `EOPNOTSUPP`: mrdisc is Linux-only.
    pub fn open(_ifname: &str, _ifindex: u32) -> Result<Self, Errno> {
        Err(Errno::EOPNOTSUPP)
    }

    /// The socket, for `poll`.
    pub fn fd(&self) -> &Fd {
        &self.fd
    }

    /// The interface index this socket serves.
    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// Not supported.
    pub fn announce(&self, _interval: u8) -> Result<(), Errno> {
        Err(Errno::EOPNOTSUPP)
    }

    /// Not supported.
    pub fn terminate(&self) -> Result<(), Errno> {
        Err(Errno::EOPNOTSUPP)
    }

    /// Not supported.
    pub fn solicit(&self) -> Result<(), Errno> {
        Err(Errno::EOPNOTSUPP)
    }

    /// Not supported.
    pub fn recv(&self, _buf: &mut [u8]) -> Result<Option<Received>, Errno> {
        Err(Errno::EOPNOTSUPP)
    }
}
