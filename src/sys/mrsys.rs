//! The kernel as the router sees it, the same on every OS: both multicast routing sockets
//! and the join helper sockets. Each OS's `mroute` module implements
//! [`Kernel`](crate::kernel::Kernel) for it with its own structs and calls.

use super::join::JoinPool;
use super::Fd;
use crate::errno::Errno;
use crate::net::{Addr, Family};

/// The kernel as the router sees it: both routing sockets and the join helper sockets.
pub struct MrouteSys {
    /// IPv4 routing socket, if [`open_v4`](super::mroute::open_v4) succeeded.
    pub v4: Option<Fd>,
    /// IPv6 routing socket, if [`open_v6`](super::mroute::open_v6) succeeded.
    pub v6: Option<Fd>,
    /// Helper sockets holding group joins.
    pub joins: JoinPool,
}

impl Default for MrouteSys {
    fn default() -> Self {
        Self::new()
    }
}

impl MrouteSys {
    /// No routing sockets, no joins.
    pub const fn new() -> Self {
        Self {
            v4: None,
            v6: None,
            joins: JoinPool::new(),
        }
    }

    /// The routing socket of `family`; `ENOPROTOOPT` if that family was not initialised.
    pub fn fd(&self, family: Family) -> Result<&Fd, Errno> {
        match family {
            Family::V4 => self.v4.as_ref(),
            Family::V6 => self.v6.as_ref(),
        }
        .ok_or(Errno::ENOPROTOOPT)
    }

    /// [`done`](super::mroute::done) on the `family` socket. `Ok` if there was none.
    /// The socket stays open: the daemon exits next, which closes it (no drop code).
    /// Left to the inliner: `inline(always)` on x86_64 once saved 4 B, now it costs 6 B
    /// (r22c).
    pub fn shutdown(&mut self, family: Family) -> Result<(), Errno> {
        self.fd(family)
            .map_or(Ok(()), |fd| super::mroute::done(fd, family))
    }
}

/// The family of an (S,G), `EINVAL` if its addresses' differ. The error made in a cold
/// function: LLVM then branches on the families instead of building both `Result`s in
/// registers with conditional moves at each inlined copy (x86_64 -56 B; mipsel 0).
pub(super) fn family_of(source: &Addr, group: &Addr) -> Result<Family, Errno> {
    let family = group.family();
    if source.family() != family {
        return Err(mixed());
    }
    Ok(family)
}

/// [`family_of`]'s error (see there why a function).
#[cold]
fn mixed() -> Errno {
    Errno::EINVAL
}
