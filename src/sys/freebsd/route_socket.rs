//! FreeBSD interface hot-plug: a `PF_ROUTE` socket for events (`RTM_IFINFO`,
//! `RTM_IFANNOUNCE`, address changes) and a `sysctl(NET_RT_IFLIST)` dump for the list,
//! read at start, on reload and after an event (the dump is of fixed size and needs no
//! allocation, unlike `getifaddrs(3)`). Decoding is [`super::rtmsg`]'s job.
//!
//! Same names as the Linux `netlink` module, so the daemon calls `sys::ifevent::*` on both.
//!
//! # References
//! `man 4 route`, `man 3 sysctl` (`NET_RT_IFLIST`).

use core::mem::size_of;

use super::mroute::{recv, socket};
use super::rtmsg;
use super::{ret, Fd};
use crate::errno::Errno;
use crate::kernel::IfInfo;

/// What the event socket is, for "Failed opening … socket" messages.
pub const EVENTS_SOCKET: &str = "routing";

/// Buffer of [`dump_links`]: about 200 bytes per interface (`struct if_msghdr` and its
/// `sockaddr_dl`), so room for some 300 interfaces. More fail with `ENOMEM`.
pub const DUMP_BUF: usize = 65536;

/// `socket(PF_ROUTE, SOCK_RAW | SOCK_NONBLOCK, AF_UNSPEC)`: readable whenever the routing
/// table or an interface changes. [`drain`] tells the two apart.
pub fn open_events() -> Result<Fd, Errno> {
    socket(
        libc::PF_ROUTE,
        libc::SOCK_RAW | libc::SOCK_NONBLOCK,
        libc::AF_UNSPEC,
    )
}

/// Reads everything queued on the event socket (at most 256 messages per call). Returns
/// true if an interface or one of its addresses changed; route changes and multicast
/// membership messages (our own joins) are read and ignored. `ENOBUFS` (messages were
/// lost) counts as a change.
pub fn drain(fd: &Fd) -> Result<bool, Errno> {
    drain_into(fd, &mut [0; 512])
}

/// [`drain`] through `buf`, the daemon's receive buffer (no buffer of its own cleared at
/// each event).
pub fn drain_into(fd: &Fd, buf: &mut [u8]) -> Result<bool, Errno> {
    let mut any = false;
    for _ in 0..256 {
        match recv(fd, buf, libc::MSG_DONTWAIT) {
            Ok(n) => any |= rtmsg::is_interface_event(buf.get(..n).unwrap_or(&[])),
            Err(Errno::ENOBUFS) => any = true,
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(any)
}

/// Reads the interface list (`sysctl {CTL_NET, PF_ROUTE, 0, AF_LINK, NET_RT_IFLIST, 0}`:
/// one `RTM_IFINFO` per interface, no addresses) and calls `f` for every interface.
/// Malformed entries are skipped.
pub fn dump_links(f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    let mut buf = [0u8; DUMP_BUF];
    dump_links_with(&mut buf, f)
}

/// [`dump_links`]; the buffer the caller lends (the daemon's conf read buffer, enough for
/// a netlink batch) is not used: the interface list comes whole and may need
/// [`DUMP_BUF`].
pub fn dump_links_in(_scratch: &mut [u8], f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    dump_links(f)
}

/// [`dump_links`] into a caller's buffer (`ENOMEM` if the list does not fit).
pub fn dump_links_with(buf: &mut [u8], f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    let mib: [libc::c_int; 6] = [
        libc::CTL_NET,
        libc::PF_ROUTE,
        0,
        libc::AF_LINK,
        libc::NET_RT_IFLIST,
        0,
    ];
    let mut len: libc::size_t = buf.len();
    let len_ptr: *mut libc::size_t = &mut len;
    // SAFETY: `mib` is valid for reads of its 6 ints; `buf` is valid for writes of `len`
    // bytes and `len_ptr` points to that length, which the kernel updates; no new value.
    ret(unsafe {
        libc::sysctl(
            mib.as_ptr(),
            mib.len() as libc::c_uint,
            buf.as_mut_ptr().cast(),
            len_ptr,
            core::ptr::null(),
            0,
        )
    })?;
    let data = buf.get(..len).ok_or(Errno::EMSGSIZE)?;
    for msg in rtmsg::messages(data) {
        if let Some(info) = rtmsg::ifinfo(msg, size_of::<libc::if_msghdr>()) {
            f(&info);
        }
    }
    Ok(())
}
