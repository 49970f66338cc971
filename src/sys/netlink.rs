//! rtnetlink: interface hot-plug events and the interface dump (on glibc, its
//! `getifaddrs(3)`, SMCRoute's call; elsewhere our own dump, as musl's allocates).
//! Decoding is [`crate::wire::netlink`]'s job.
//!
//! # References
//! `man 7 netlink`, `man 7 rtnetlink`.

use core::mem::size_of;

use super::abi::sockaddr_nl;
use super::mroute::{recv, socket};
use super::Fd;
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
    unsafe { super::call::bind(fd.raw(), ptr.cast(), size_of::<sockaddr_nl>() as _) }?;
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
///
/// On glibc, linked dynamically, the interfaces come from its `getifaddrs(3)` instead
/// ([`system_links`], the same list from the same dump, for no code of ours): the
/// request and the decoding are then not in the program.
#[cfg(any(test, not(target_env = "gnu")))]
pub fn dump_links_in(scratch: &mut [u8], f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    dump_links_with(scratch, f)
}

/// See the other variant: on glibc, [`system_links`] (`scratch` unused).
#[cfg(all(target_env = "gnu", not(test)))]
pub fn dump_links_in(_scratch: &mut [u8], f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    system_links(f)
}

/// The interfaces as glibc's `getifaddrs` lists them, in the kernel's link dump order
/// (glibc makes one entry per link from `RTM_GETLINK`, then one per address). A link's
/// entry has its hardware address (`AF_PACKET`, with the index) or, for a link without
/// one such as a tun device, no address but the link's statistics in `ifa_data`, which
/// no address entry has; its index is then looked up by name. Entries without a name,
/// or whose name is empty or not UTF-8, are skipped, as [`dump_links`] skips them.
#[cfg(target_env = "gnu")]
pub fn system_links(f: &mut impl FnMut(&IfInfo)) -> Result<(), Errno> {
    let mut list = IfAddrs(core::ptr::null_mut());
    // SAFETY: `list.0` is a live pointer for `getifaddrs` to set; `Drop` frees the list.
    super::ret(unsafe { libc::getifaddrs(&mut list.0) })?;
    let mut next = list.0;
    while !next.is_null() {
        // SAFETY: a non-null entry of the list `getifaddrs` made, alive until `list`
        // is dropped after the loop.
        let entry = unsafe { &*next };
        next = entry.ifa_next;
        if entry.ifa_name.is_null() {
            continue;
        }
        let addr = entry.ifa_addr;
        let ifindex = if !addr.is_null() {
            // SAFETY: a non-null `ifa_addr` points to a `sockaddr` of the live list.
            if libc::c_int::from(unsafe { (*addr).sa_family }) != libc::AF_PACKET {
                continue; // an interface address, not a link
            }
            // SAFETY: an `AF_PACKET` address of `getifaddrs` is a `sockaddr_ll`.
            let index = unsafe { (*addr.cast::<libc::sockaddr_ll>()).sll_ifindex };
            index as u32
        } else if !entry.ifa_data.is_null() {
            // SAFETY: `ifa_name` is a non-null, NUL-terminated string of the live list.
            unsafe { libc::if_nametoindex(entry.ifa_name) }
        } else {
            continue; // an address entry without an address
        };
        // ifi_index is a C int; the kernel never uses 0 or negative indexes.
        if ifindex == 0 || ifindex > i32::MAX as u32 {
            continue;
        }
        // SAFETY: as above; the name lives as long as the list.
        let name = unsafe { super::c_str_bytes(entry.ifa_name) };
        let Some(name) = crate::fmt::as_utf8(name).filter(|n| !n.is_empty()) else {
            continue;
        };
        let flags = entry.ifa_flags;
        f(&IfInfo {
            name,
            ifindex,
            up: flags & libc::IFF_UP as u32 != 0,
            multicast: flags & libc::IFF_MULTICAST as u32 != 0,
        });
    }
    Ok(())
}

/// The list of [`system_links`], freed when dropped.
#[cfg(target_env = "gnu")]
struct IfAddrs(*mut libc::ifaddrs);

#[cfg(target_env = "gnu")]
impl Drop for IfAddrs {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the list `getifaddrs` made, freed only here.
            unsafe { libc::freeifaddrs(self.0) };
        }
    }
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
    let sent = unsafe {
        super::call::sendto(
            fd.raw(),
            req.as_ptr().cast(),
            req.len(),
            0,
            core::ptr::null(),
            0,
        )
    }?;
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
            Batch::Error(e) => return Err(Errno::new(e.saturating_neg())),
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

    /// glibc's list is the dump's: the same interfaces, indexes and flags, in order.
    #[cfg(target_env = "gnu")]
    #[test]
    fn system_links_are_the_dump() {
        let mut dumped: Vec<(String, u32, bool, bool)> = Vec::new();
        dump_links(&mut |i| dumped.push((String::from(i.name), i.ifindex, i.up, i.multicast)))
            .unwrap();
        let mut listed: Vec<(String, u32, bool, bool)> = Vec::new();
        system_links(&mut |i| listed.push((String::from(i.name), i.ifindex, i.up, i.multicast)))
            .unwrap();
        assert!(!listed.is_empty());
        assert_eq!(listed, dumped);
    }

    #[test]
    fn event_socket_opens_and_drains() {
        let fd = open_events().unwrap();
        assert_eq!(drain(&fd), Ok(false));
    }
}
