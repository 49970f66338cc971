//! rtnetlink: interface hot-plug events and the interface dump (instead of
//! `getifaddrs(3)`, which allocates). Decoding is [`crate::wire::netlink`]'s job.
//!
//! # References
//! `man 7 netlink`, `man 7 rtnetlink`.

use core::mem::size_of;

use super::abi::sockaddr_nl;
use super::mroute::{recv, socket};
use super::{ret, ret_len, Fd};
use crate::errno::Errno;
use crate::kernel::IfInfo;
use crate::wire::netlink::{dump_batch, getlink_request, Batch, GETLINK_REQUEST_SIZE};

/// What the event socket is, for "Failed opening … socket" messages.
pub const EVENTS_SOCKET: &str = "netlink";

/// Receive buffer of [`dump_links`]. The kernel sizes dump batches by the reader's buffer
/// but never below one page (`NLMSG_GOODSIZE`, at most 8 KiB), so this always holds one.
pub const DUMP_BUF: usize = 16384;

fn bind(fd: &Fd, groups: u32) -> Result<(), Errno> {
    let addr = sockaddr_nl {
        nl_family: libc::AF_NETLINK as libc::sa_family_t,
        nl_pad: 0,
        nl_pid: 0,
        nl_groups: groups,
    };
    let ptr: *const sockaddr_nl = &addr;
    // SAFETY: `fd` is open; `ptr` points to a live `sockaddr_nl` (layout asserted in
    // `abi`) of exactly the length we pass.
    ret(unsafe { super::call::bind(fd.raw(), ptr.cast(), size_of::<sockaddr_nl>() as _) })?;
    Ok(())
}

/// `socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE)` bound to
/// `RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR`: readable whenever a link or
/// address changes. SMCRoute does not parse the events: [`drain`], then rescan.
pub fn open_events() -> Result<Fd, Errno> {
    let fd = socket(
        libc::AF_NETLINK,
        libc::SOCK_RAW | libc::SOCK_NONBLOCK,
        libc::NETLINK_ROUTE,
    )?;
    let groups = libc::RTMGRP_LINK | libc::RTMGRP_IPV4_IFADDR | libc::RTMGRP_IPV6_IFADDR;
    bind(&fd, groups as u32)?;
    Ok(fd)
}

/// Reads and discards everything queued on the event socket (at most 256 datagrams per
/// call). Returns true if anything was read. `ENOBUFS` (events were lost because the
/// socket overflowed) also counts as "something happened".
pub fn drain(fd: &Fd) -> Result<bool, Errno> {
    drain_into(fd, &mut [0; 512])
}

/// [`drain`] through `buf`, the daemon's receive buffer (no buffer of its own cleared at
/// each event).
pub fn drain_into(fd: &Fd, buf: &mut [u8]) -> Result<bool, Errno> {
    let mut any = false;
    for _ in 0..256 {
        match recv(fd, buf, libc::MSG_DONTWAIT | libc::MSG_TRUNC) {
            Ok(_) | Err(Errno::ENOBUFS) => any = true,
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(any)
}

/// Sends an `RTM_GETLINK` dump request on a fresh netlink socket and calls `f` for every
/// interface the kernel reports. Malformed entries are skipped.
pub fn dump_links(f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    let mut buf = [0u8; DUMP_BUF];
    dump_links_with(&mut buf, f)
}

/// [`dump_links`] through `scratch`, a buffer the caller lends (the daemon's idle conf
/// read buffer): no [`DUMP_BUF`] stack buffer cleared at each scan. It must hold one
/// kernel batch, at most a page of 8 KiB ([`dump_links_with`]).
pub fn dump_links_in(scratch: &mut [u8], f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    dump_links_with(scratch, f)
}

/// [`dump_links`] into a caller's buffer (which must hold one kernel batch; `EMSGSIZE`
/// otherwise).
pub fn dump_links_with(buf: &mut [u8], f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    // Not bound: the kernel gives the socket a port id at its first send (as musl's
    // `getifaddrs` relies on too).
    let fd = socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)?;
    const SEQ: u32 = 1;
    // Built at compile time: bytes in .rodata rather than code storing them.
    static REQUEST: [u8; GETLINK_REQUEST_SIZE] = getlink_request(SEQ);
    let req = &REQUEST;
    // SAFETY: `fd` is open; `req` is valid for reads of `req.len()` bytes. An unconnected
    // netlink socket sends to the kernel.
    let sent = ret_len(unsafe {
        super::call::sendto(
            fd.raw(),
            req.as_ptr().cast(),
            req.len(),
            0,
            core::ptr::null(),
            0,
        )
    })?;
    if sent != req.len() {
        return Err(Errno::EMSGSIZE);
    }
    loop {
        let n = match recv(&fd, buf, libc::MSG_TRUNC) {
            Err(Errno::EINTR) => continue,
            r => r?,
        };
        let data = buf.get(..n).ok_or(Errno::EMSGSIZE)?;
        match dump_batch(data, SEQ, f) {
            Batch::More => {}
            Batch::Done => return Ok(()),
            Batch::Error(e) => return Err(Errno(e.saturating_neg())),
        }
        if n == 0 {
            return Err(Errno::EBADMSG);
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn dump_finds_loopback() {
        let mut seen: Vec<(String, u32, bool)> = Vec::new();
        dump_links(&mut |i| seen.push((String::from(i.name), i.ifindex, i.multicast))).unwrap();
        assert!(seen.iter().any(|(n, _, _)| n == "lo"), "{seen:?}");
        // A buffer too small for one batch is reported, not overrun.
        let mut tiny = [0u8; 64];
        assert_eq!(
            dump_links_with(&mut tiny, &mut |_| {}),
            Err(Errno::EMSGSIZE)
        );
    }

    #[test]
    fn event_socket_opens_and_drains() {
        let fd = open_events().unwrap();
        assert_eq!(drain(&fd), Ok(false));
    }
}
