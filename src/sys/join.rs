//! Group joins on pools of helper sockets (SMCRoute's `mcgroup.c`).
//!
//! Joins are made with RFC 3678 `MCAST_JOIN_GROUP`/`MCAST_JOIN_SOURCE_GROUP` on per-family
//! `SOCK_DGRAM` sockets that never read anything: a classic-BPF "drop everything" filter
//! (Linux only), loop and multicast-all off. The kernel limits memberships per socket
//! (`net.ipv4.igmp_max_memberships`, 20 by default), so a socket is reused until it holds
//! `max_groups` joins; an `ENOBUFS` lowers `max_groups` to what that socket really holds
//! and retries on a new socket. The caller (the router, whose joins name their socket)
//! says which sockets hold an (ifindex, group) already and none of them gets it again,
//! which keeps ASM and SSM joins of one group, and several sources of one group, apart
//! (the kernel would refuse to mix filter modes or exceed `igmp_max_msf` on one socket).
//! Sockets are closed when their last membership is left.

use super::abi::{group_req, group_source_req, sockaddr_storage};
use super::mroute::{loop_and_all_off, socket};
use super::sock::setsockopt_prefix;
use super::Fd;
use crate::errno::Errno;
use crate::kernel::JoinSockets;
use crate::limits::MAX_JOIN_SOCKETS;
use crate::net::{Addr, Family};
use libc::c_int;

/// Joins per socket before trying a new one (SMCRoute's initial `max_groups`).
pub const INITIAL_MAX_GROUPS: u16 = 20;

/// The errno of a join when every helper socket slot is in use (SMCRoute's wording of it
/// lived only in tests: the router logs the errno).
pub const SOCKETS_FULL: Errno = Errno::EMFILE;

/// The errno of a leave on a socket slot not in use.
pub const NOT_JOINED: Errno = Errno::ENOENT;

/// The per-socket limit was recalibrated after `ENOBUFS`: SMCRoute warns about it (the
/// daemon logs `router::msg::Msg::MaxGroupsAdjusted`, worded with the other messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxGroupsAdjusted {
    /// Family whose limit changed.
    pub family: Family,
    /// The new limit.
    pub max_groups: u16,
}

/// A helper socket slot; free while `fd` is `None`. Not an `Option<JoinSock>`: its `None`
/// would be `Family`'s niche value, not zero bytes (see [`JoinPool::new`]).
struct JoinSock {
    fd: Option<Fd>,
    family: Family,
    count: u16,
}

impl JoinSock {
    const FREE: Self = Self {
        fd: None,
        family: Family::V4,
        count: 0,
    };

    /// The socket, if this slot is in use.
    fn fd(&self) -> Option<&Fd> {
        self.fd.as_ref()
    }
}

/// Helper sockets and how many memberships each holds. Which memberships those are is
/// the router's bookkeeping (its joins name their socket slot): the pool keeps no second
/// copy of it.
///
/// [`JoinPool::new`] is all zero bytes, so the daemon's static holding it stays in .bss
/// and needs no start-up copy: free slots are `fd: None`, a lowered limit of 0 means
/// [`INITIAL_MAX_GROUPS`], and the last recalibration is a flag and a family rather than
/// an `Option` (whose `None` would be `Family`'s niche, a non-zero byte).
///
/// `repr(C)`, the socket table last: the limits and the flag are reached with one-byte
/// offsets.
#[repr(C)]
pub struct JoinPool {
    /// Per-socket join limit of each family; 0 until an `ENOBUFS` lowers it.
    lowered: [u16; 2],
    /// Set when a limit was lowered and not yet reported; `adjusted_family`'s.
    adjusted: bool,
    adjusted_family: Family,
    socks: [JoinSock; MAX_JOIN_SOCKETS],
}

impl Default for JoinPool {
    fn default() -> Self {
        Self::new()
    }
}

const fn slot(family: Family) -> usize {
    match family {
        Family::V4 => 0,
        Family::V6 => 1,
    }
}

impl JoinPool {
    /// No sockets, no memberships.
    pub const fn new() -> Self {
        Self {
            socks: [JoinSock::FREE; MAX_JOIN_SOCKETS],
            lowered: [0; 2],
            adjusted: false,
            adjusted_family: Family::V4,
        }
    }

    /// Number of open helper sockets.
    pub fn sockets(&self) -> usize {
        self.socks.iter().filter(|s| s.fd.is_some()).count()
    }

    /// Current per-socket join limit of `family`.
    pub fn max_groups(&self, family: Family) -> u16 {
        match self.lowered[slot(family)] {
            0 => INITIAL_MAX_GROUPS,
            max => max,
        }
    }

    /// The last recalibration since the previous call, for the caller to log.
    pub fn take_adjusted(&mut self) -> Option<MaxGroupsAdjusted> {
        let family = self.adjusted_family;
        core::mem::take(&mut self.adjusted).then(|| MaxGroupsAdjusted {
            family,
            max_groups: self.max_groups(family),
        })
    }

    /// Joins `group` (or (`source`, `group`)) on interface `ifindex` on a socket not in
    /// `busy` (those holding (`ifindex`, `group`) already); returns the socket's slot.
    #[doc(alias = "MCAST_JOIN_GROUP")]
    #[doc(alias = "MCAST_JOIN_SOURCE_GROUP")]
    pub fn join(
        &mut self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &JoinSockets,
    ) -> Result<u16, Errno> {
        let family = group.family();
        if source.is_some_and(|s| s.family() != family) {
            return Err(Errno::EINVAL);
        }
        // Each ENOBUFS excludes one more socket, so this ends well within the bound. (A
        // half-open range: an inclusive one keeps an exhausted flag to step.)
        for _ in 0..MAX_JOIN_SOCKETS + 1 {
            let i = self.pick(family, busy).ok_or(SOCKETS_FULL)?;
            let Some(sock) = self.socks.get_mut(i) else {
                return Err(SOCKETS_FULL);
            };
            // A free slot: its socket is opened now.
            if sock.fd.is_none() {
                let fd = open_helper(family)?;
                sock.family = family;
                // Nothing to drop: the slot holds no socket.
                core::mem::forget(sock.fd.replace(fd));
            }
            let Some(fd) = sock.fd() else {
                return Err(SOCKETS_FULL);
            };
            match membership(fd, true, ifindex, source, group) {
                Ok(()) | Err(Errno::EADDRINUSE) => {
                    sock.count = sock.count.saturating_add(1);
                    return Ok(i as u16);
                }
                Err(Errno::ENOBUFS) if sock.count > 0 => {
                    let count = sock.count;
                    let max = self.max_groups(family);
                    self.lowered[slot(family)] = max.saturating_sub(1).min(count).max(1);
                    self.adjusted = true;
                    self.adjusted_family = family;
                }
                Err(e) => {
                    if sock.count == 0 {
                        *sock = JoinSock::FREE;
                    }
                    return Err(e);
                }
            }
        }
        Err(Errno::ENOBUFS)
    }

    /// Leaves what [`JoinPool::join`] joined on socket slot `sock`; the socket is closed
    /// with its last membership. `ENODEV`/`EADDRNOTAVAIL` (the interface is gone, and the
    /// kernel's membership with it) count as success.
    #[doc(alias = "MCAST_LEAVE_GROUP")]
    #[doc(alias = "MCAST_LEAVE_SOURCE_GROUP")]
    pub fn leave(
        &mut self,
        sock: u16,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
    ) -> Result<(), Errno> {
        let Some(sock) = self.socks.get_mut(usize::from(sock)) else {
            return Err(NOT_JOINED);
        };
        let Some(fd) = sock.fd() else {
            return Err(NOT_JOINED);
        };
        let result = membership(fd, false, ifindex, source, group);
        sock.count = sock.count.saturating_sub(1);
        if sock.count == 0 {
            *sock = JoinSock::FREE;
        }
        match result {
            Err(Errno::ENODEV | Errno::EADDRNOTAVAIL) => Ok(()),
            other => other,
        }
    }

    /// Closes every helper socket, which leaves all groups.
    pub fn clear(&mut self) {
        for s in self.socks.iter_mut() {
            *s = JoinSock::FREE;
        }
    }

    /// A socket of `family` with room that is not in `busy`, else the first free slot
    /// (`count` 0; the caller opens its socket): one walk for both.
    fn pick(&self, family: Family, busy: &JoinSockets) -> Option<usize> {
        let max = self.max_groups(family);
        let mut free = None;
        for (i, s) in self.socks.iter().enumerate() {
            if s.fd.is_none() {
                free = free.or(Some(i));
            } else if !busy.contains(i) && s.family == family && s.count < max {
                return Some(i);
            }
        }
        free
    }
}

/// A `SOCK_DGRAM` socket that drops everything it would receive.
fn open_helper(family: Family) -> Result<Fd, Errno> {
    let domain = match family {
        Family::V4 => libc::AF_INET,
        Family::V6 => libc::AF_INET6,
    };
    let fd = socket(domain, libc::SOCK_DGRAM, 0)?;
    drop_all(&fd);
    let _ = loop_and_all_off(&fd, family);
    Ok(fd)
}

/// Attaches a classic-BPF filter that accepts 0 bytes of every packet. Best effort, as in
/// SMCRoute ("failed setting IPv4 socket filter, continuing anyway"): the socket never
/// reads, the filter only saves the kernel from queueing.
#[cfg(target_os = "linux")]
fn drop_all(fd: &Fd) {
    // BPF_RET | BPF_K with k = 0.
    let mut drop_all = [libc::sock_filter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k: 0,
    }];
    let prog = libc::sock_fprog {
        len: 1,
        filter: drop_all.as_mut_ptr(),
    };
    let _ = super::sock::setsockopt(fd, libc::SOL_SOCKET, super::abi::SO_ATTACH_FILTER, &prog);
}

/// FreeBSD has no `SO_ATTACH_FILTER` (nor does SMCRoute use one there): the helper socket
/// is never bound to a port, so no datagram is queued on it anyway.
#[cfg(target_os = "freebsd")]
fn drop_all(_fd: &Fd) {}

/// Writes a `sockaddr_in`/`sockaddr_in6` with address `a` into `s` (all zero before).
/// Not inlined: a group request fills two (group and source).
#[inline(never)]
fn fill_storage(s: &mut sockaddr_storage, a: &Addr) {
    let (family, at, bytes) = match a {
        Addr::V4(o) => (
            libc::AF_INET,
            core::mem::offset_of!(libc::sockaddr_in, sin_addr),
            &o[..],
        ),
        Addr::V6(o) => (
            libc::AF_INET6,
            core::mem::offset_of!(libc::sockaddr_in6, sin6_addr),
            &o[..],
        ),
    };
    // Linux: `sa_family_t sin_family`; BSD: `uint8_t sin_len; sa_family_t sin_family`.
    #[cfg(target_os = "linux")]
    let fam = (family as libc::sa_family_t).to_ne_bytes();
    #[cfg(target_os = "freebsd")]
    let fam = [
        match a {
            Addr::V4(_) => core::mem::size_of::<libc::sockaddr_in>() as u8,
            Addr::V6(_) => core::mem::size_of::<libc::sockaddr_in6>() as u8,
        },
        family as libc::sa_family_t,
    ];
    // Both fit: a `sockaddr_in6` is far shorter than the storage.
    if let Some(d) = s.bytes.get_mut(..fam.len()) {
        d.copy_from_slice(&fam);
    }
    if let Some(d) = s.bytes.get_mut(at..at + bytes.len()) {
        d.copy_from_slice(bytes);
    }
}

// A `group_req` is the start of a `group_source_req`: one struct serves both requests.
static_assertions::const_assert_eq!(
    core::mem::offset_of!(group_req, gr_group),
    core::mem::offset_of!(group_source_req, gsr_group)
);
static_assertions::const_assert!(
    core::mem::size_of::<group_req>() <= core::mem::size_of::<group_source_req>()
);

/// `MCAST_JOIN_GROUP` and the like: the group (and source) filled in place in one
/// `group_source_req`, of which a group-only request passes the `group_req` prefix.
fn membership(
    fd: &Fd,
    join: bool,
    ifindex: u32,
    source: Option<&Addr>,
    group: &Addr,
) -> Result<(), Errno> {
    let level: c_int = match group.family() {
        Family::V4 => libc::IPPROTO_IP,
        Family::V6 => libc::IPPROTO_IPV6,
    };
    let mut req = group_source_req {
        gsr_interface: ifindex,
        gsr_group: sockaddr_storage::zeroed(),
        gsr_source: sockaddr_storage::zeroed(),
    };
    fill_storage(&mut req.gsr_group, group);
    let (opt, len) = match source {
        None => {
            let opt = if join {
                libc::MCAST_JOIN_GROUP
            } else {
                libc::MCAST_LEAVE_GROUP
            };
            (opt, core::mem::size_of::<group_req>())
        }
        Some(src) => {
            fill_storage(&mut req.gsr_source, src);
            let opt = if join {
                libc::MCAST_JOIN_SOURCE_GROUP
            } else {
                libc::MCAST_LEAVE_SOURCE_GROUP
            };
            (opt, core::mem::size_of::<group_source_req>())
        }
    };
    setsockopt_prefix(fd, level, opt, &req, len)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    fn storage(a: &Addr) -> sockaddr_storage {
        let mut s = sockaddr_storage::zeroed();
        fill_storage(&mut s, a);
        s
    }

    #[test]
    fn joins_and_leaves_on_loopback() {
        // Unprivileged, on `lo` (index 1): the kernel reads the request as built.
        // qemu-user does not translate MCAST_JOIN_GROUP's group_req (targets/test sets
        // SMCROUTE_UNDER_QEMU); the native runs (x86_64, every CI run) test it.
        if std::env::var_os("SMCROUTE_UNDER_QEMU").is_some() {
            eprintln!("SKIPPED under qemu-user: MCAST_JOIN_GROUP is not emulated");
            return;
        }
        let mut pool = JoinPool::new();
        let g = Addr::V4([239, 255, 42, 1]);
        let s = Addr::V4([127, 0, 0, 1]);
        let ssm = Addr::V4([232, 1, 2, 3]);
        let none = JoinSockets::default();
        assert_eq!(pool.join(1, None, &g, &none), Ok(0));
        assert_eq!(pool.join(1, Some(&s), &ssm, &none), Ok(0));
        assert_eq!(pool.leave(0, 1, Some(&s), &ssm), Ok(()));
        // Socket 0 holds (lo, g): a second membership of that group goes elsewhere.
        let mut busy = JoinSockets::default();
        busy.insert(0);
        assert_eq!(pool.join(1, Some(&s), &g, &busy), Ok(1));
        assert_eq!(pool.sockets(), 2);
        assert_eq!(pool.leave(1, 1, Some(&s), &g), Ok(()));
        assert_eq!(pool.sockets(), 1);
        assert_eq!(pool.leave(0, 1, None, &g), Ok(()));
        assert_eq!(pool.sockets(), 0);
        assert_eq!(pool.leave(0, 1, None, &g), Err(NOT_JOINED));
    }

    #[test]
    fn storage_layout() {
        let s = storage(&Addr::V4([239, 1, 2, 3]));
        assert_eq!(&s.bytes[..2], &(libc::AF_INET as u16).to_ne_bytes());
        assert_eq!(&s.bytes[2..8], &[0, 0, 239, 1, 2, 3]);
        assert!(s.bytes[8..].iter().all(|&b| b == 0));
        let mut g = [0u8; 16];
        g[0] = 0xff;
        g[15] = 7;
        let s = storage(&Addr::V6(g));
        assert_eq!(&s.bytes[..2], &(libc::AF_INET6 as u16).to_ne_bytes());
        assert_eq!(&s.bytes[8..24], &g);
    }

    #[test]
    fn errors_map() {
        assert_eq!(SOCKETS_FULL, Errno::EMFILE);
        assert_eq!(NOT_JOINED, Errno::ENOENT);
    }

    #[test]
    fn leave_of_unknown_and_bad_family() {
        let mut pool = JoinPool::new();
        let g = Addr::V4([239, 1, 1, 1]);
        assert_eq!(pool.leave(0, 1, None, &g), Err(NOT_JOINED));
        assert_eq!(pool.leave(999, 1, None, &g), Err(NOT_JOINED));
        let s6 = Addr::V6([0; 16]);
        assert_eq!(
            pool.join(1, Some(&s6), &g, &JoinSockets::default()),
            Err(Errno::EINVAL)
        );
        assert_eq!(pool.sockets(), 0);
        assert_eq!(pool.max_groups(Family::V6), INITIAL_MAX_GROUPS);
        assert_eq!(pool.take_adjusted(), None);
    }
}
