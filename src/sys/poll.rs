//! `poll(2)` over a caller-owned slice of [`PollFd`].

use crate::errno::Errno;

/// One entry of a `poll(2)` set: a `struct pollfd` (layout-identical, so a slice of these
/// is passed to the kernel as is).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct PollFd(libc::pollfd);

static_assertions::assert_eq_size!(PollFd, libc::pollfd);

impl PollFd {
    /// Data to read (`POLLIN`).
    pub const IN: i16 = libc::POLLIN;
    /// Room to write (`POLLOUT`).
    pub const OUT: i16 = libc::POLLOUT;

    /// Watch `fd` for `events` (a mask of [`IN`](Self::IN), [`OUT`](Self::OUT)).
    pub const fn new(fd: libc::c_int, events: i16) -> Self {
        Self(libc::pollfd {
            fd,
            events,
            revents: 0,
        })
    }

    /// An unused slot: `poll` skips negative descriptors, so fixed arrays can have holes.
    pub const fn unused() -> Self {
        Self::new(-1, 0)
    }

    /// The watched descriptor (negative for an unused slot).
    pub const fn fd(&self) -> libc::c_int {
        self.0.fd
    }

    /// Events reported by the last `poll`.
    pub const fn revents(&self) -> i16 {
        self.0.revents
    }

    /// True if a `read`/`accept`/`recv` will not block: data, end of file, hang-up or a
    /// pending error (the read then reports it).
    pub const fn readable(&self) -> bool {
        self.0.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0
    }

    /// True if a `write` will not block (`POLLOUT`), or the peer is gone (`POLLERR`).
    pub const fn writable(&self) -> bool {
        self.0.revents & (libc::POLLOUT | libc::POLLERR) != 0
    }

    /// True if the peer hung up (`POLLHUP`) or the descriptor is invalid (`POLLNVAL`).
    pub const fn hung_up(&self) -> bool {
        self.0.revents & (libc::POLLHUP | libc::POLLNVAL) != 0
    }
}

/// `poll(fds, nfds, timeout_ms)`: waits until a descriptor is ready or `timeout_ms`
/// milliseconds pass (negative: forever). Returns how many entries have events; an
/// interrupting signal (`EINTR`) is `Ok(0)`, as the caller checks its signal pipe anyway.
///
/// # References
/// `man 2 poll`
pub fn poll(fds: &mut [PollFd], timeout_ms: i32) -> Result<usize, Errno> {
    let nfds = libc::nfds_t::try_from(fds.len()).map_err(|_| Errno::EINVAL)?;
    // SAFETY: `PollFd` is `repr(transparent)` over `pollfd`, so `fds` is `nfds` valid,
    // writable `pollfd`s; the kernel writes only their `revents`.
    let rc = unsafe { super::call::poll(fds.as_mut_ptr().cast(), nfds, timeout_ms) };
    match rc {
        Ok(n) => Ok(usize::try_from(n).unwrap_or(0)),
        Err(Errno::EINTR) => Ok(0),
        Err(e) => Err(e),
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn reports_readable_and_writable() {
        let (mut a, b) = UnixStream::pair().unwrap();
        let mut set = [
            PollFd::new(b.as_raw_fd(), PollFd::IN),
            PollFd::unused(),
            PollFd::new(a.as_raw_fd(), PollFd::OUT),
        ];
        assert_eq!(poll(&mut set, 0), Ok(1));
        assert!(!set[0].readable() && set[2].writable() && !set[1].readable());
        a.write_all(b"x").unwrap();
        assert_eq!(poll(&mut set, 1000), Ok(2));
        assert!(set[0].readable() && !set[0].hung_up());
        assert_eq!(set[0].fd(), b.as_raw_fd());
        assert_eq!(set[1].fd(), -1);
        drop(a);
        set[2] = PollFd::unused();
        assert_eq!(poll(&mut set, 1000), Ok(1));
        assert!(set[0].hung_up() && set[0].readable());
    }

    #[test]
    fn times_out_and_flags_bad_descriptors() {
        let mut empty: [PollFd; 0] = [];
        assert_eq!(poll(&mut empty, 10), Ok(0));
        let mut bad = [PollFd::new(1_000_000, PollFd::IN)];
        assert_eq!(poll(&mut bad, 0), Ok(1));
        assert!(bad[0].hung_up());
        assert_ne!(bad[0].revents() & libc::POLLNVAL, 0);
    }
}
