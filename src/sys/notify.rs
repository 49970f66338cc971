//! systemd's readiness protocol by hand, without libsystemd: one datagram per state
//! change to the `AF_UNIX` socket named by `$NOTIFY_SOCKET` (spec §5.12).
//!
//! ```text
//!   start-up done:  READY=1\nSTATUS=<msg>\nMAINPID=<pid>
//!   reload begins:  RELOADING=1\nSTATUS=<msg>\nMONOTONIC_USEC=<CLOCK_MONOTONIC in µs>
//!   reload done:    READY=1\nSTATUS=<msg>\nMAINPID=<pid>
//!   exiting:        STOPPING=1
//! ```
//!
//! `MONOTONIC_USEC` is what `Type=notify-reload` units require with `RELOADING=1`.

use core::mem::size_of;

use heapless::String;

use super::process::{getenv, getpid};
use super::Fd;
use crate::errno::Errno;

/// Longest notification sent.
pub const MSG_MAX: usize = 256;

/// A readiness message up to its status: [`Notify::ready`]'s message is this, the status
/// and [`READY_TAIL`].
pub const READY_HEAD: &str = "READY=1\nSTATUS=";
/// A readiness message after its status: the main PID follows.
pub const READY_TAIL: &str = "\nMAINPID=";
/// A reload's message up to its status: [`Notify::reloading`]'s message is this, the
/// status and [`RELOADING_TAIL`].
pub const RELOADING_HEAD: &str = "RELOADING=1\nSTATUS=";
/// A reload's message after its status: the monotonic clock follows.
pub const RELOADING_TAIL: &str = "\nMONOTONIC_USEC=";

/// The status in `message`, a message made of `head`, the status and a tail at compile
/// time (`crate::joined!`): the caller's log line borrows the status from the message, no
/// second copy of its text.
pub const fn status_of(message: &'static str, head: &str, tail: &str) -> &'static str {
    let (_, rest) = message.as_bytes().split_at(head.len());
    let (status, _) = rest.split_at(rest.len() - tail.len());
    match core::str::from_utf8(status) {
        Ok(status) => status,
        Err(_) => panic!("status not UTF-8"),
    }
}

/// `sizeof(sun_path)`: 108 on Linux, 104 on FreeBSD.
const SUN_PATH_LEN: usize =
    size_of::<libc::sockaddr_un>() - core::mem::offset_of!(libc::sockaddr_un, sun_path);

/// The service manager's notification socket.
///
/// It keeps the name as `$NOTIFY_SOCKET` gives it (checked by [`Notify::new`]) and makes
/// the address at each send: the daemon holds 16 bytes, not a `sockaddr_un` built at
/// start-up and copied into its loop.
pub struct Notify<'a> {
    name: &'a [u8],
}

impl Notify<'static> {
    /// The socket named by `$NOTIFY_SOCKET`, or `None` when not run by systemd (unset,
    /// or a form we do not speak, such as `vsock:`).
    pub fn from_env() -> Option<Self> {
        Self::new(getenv(c"NOTIFY_SOCKET")?)
    }
}

impl<'a> Notify<'a> {
    /// The socket at `bytes`: absolute (`/run/systemd/notify`) or abstract (`@name`),
    /// any bytes but NUL, as `sd_notify` takes it. `None` for anything else, or a path
    /// too long for `sun_path`.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        let abstract_name = match bytes.first() {
            Some(b'@') => true,
            Some(b'/') => false,
            _ => return None,
        };
        // A path needs its NUL inside `sun_path`; an abstract name does not.
        let room = SUN_PATH_LEN - usize::from(!abstract_name);
        (bytes.len() >= 2 && bytes.len() <= room).then_some(Self { name: bytes })
    }

    /// `socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC)` and `sendto(msg, MSG_NOSIGNAL)`: one
    /// raw notification (`KEY=value` lines).
    ///
    /// # References
    /// `man 3 sd_notify`
    pub fn send(&self, msg: &str) -> Result<(), Errno> {
        let mut addr = super::unix::sockaddr();
        let name = self.name;
        // `new` checked that the name fits, with a path's NUL after it.
        if let Some(dst) = super::c_bytes_mut(&mut addr.sun_path).get_mut(..name.len()) {
            dst.copy_from_slice(name);
        }
        let abstract_name = name.first() == Some(&b'@');
        if let (true, Some(first)) = (abstract_name, addr.sun_path.first_mut()) {
            *first = 0; // `@` stands for the leading NUL of an abstract name.
        }
        // Abstract names are exactly as long as given; paths include their NUL.
        let path_len = name.len() + usize::from(!abstract_name);
        let len = core::mem::offset_of!(libc::sockaddr_un, sun_path) + path_len;
        let rc = super::call::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        let fd = Fd::from_raw(rc?);
        let addr = (&addr as *const libc::sockaddr_un).cast::<libc::sockaddr>();
        // SAFETY: `msg` is valid for `msg.len()` bytes; `addr` points to our live
        // `sockaddr_un` of which `len <= size_of::<sockaddr_un>()` bytes are read.
        let sent = unsafe {
            super::call::sendto(
                fd.raw(),
                msg.as_ptr().cast(),
                msg.len(),
                libc::MSG_NOSIGNAL,
                addr,
                len as libc::socklen_t,
            )
        };
        match sent? {
            n if n == msg.len() => Ok(()),
            _ => Err(Errno::EMSGSIZE),
        }
    }

    /// `READY=1\nSTATUS=<status>\nMAINPID=<pid>`, `message` being all of it up to the
    /// PID ([`READY_HEAD`], the status, [`READY_TAIL`]): start-up or reload finished. Not
    /// inlined: MIPS16e put a copy into `main` (+44 B there).
    #[inline(never)]
    pub fn ready(&self, message: &str) {
        self.state(false, message)
    }

    /// `RELOADING=1\nSTATUS=<status>\nMONOTONIC_USEC=<now>`, `message` being all of it up
    /// to the clock ([`RELOADING_HEAD`], the status, [`RELOADING_TAIL`]): a reload has
    /// begun.
    pub fn reloading(&self, message: &str) {
        self.state(true, message)
    }

    /// The message of a reload beginning (`reloading`) or of readiness: `message`, made at
    /// compile time with its fixed pieces (one piece to write here, not four: x86_64
    /// smcrouted -40 B), then the number it ends with. A `message` that does not fit
    /// [`MSG_MAX`] is not sent (the daemon's fit). Nothing is returned, nor by `ready`,
    /// `reloading` and `stopping`: the daemon goes on whether the manager heard it or not,
    /// and no caller had a use for the error (x86_64 smcrouted -32 B).
    #[inline(never)]
    fn state(&self, reloading: bool, message: &str) {
        let value = if reloading {
            super::clock::now_usec()
        } else {
            u64::try_from(getpid()).unwrap_or(0)
        };
        let mut msg = String::<MSG_MAX>::new();
        if msg.push_str(message).is_ok() {
            let _ = msg.push_str(crate::net::Dec::of(value).as_str());
            let _ = self.send(&msg);
        }
    }

    /// `STOPPING=1`: the daemon is exiting.
    pub fn stopping(&self) {
        let _ = self.send("STOPPING=1");
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::super::process::tests::in_child;
    use super::*;
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};

    fn recv(sock: &UnixDatagram) -> std::string::String {
        let mut buf = [0u8; 512];
        sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let n = sock.recv(&mut buf).unwrap();
        std::str::from_utf8(&buf[..n]).unwrap().to_string()
    }

    #[test]
    fn sends_each_state_to_a_path_socket() {
        let dir = std::env::temp_dir().join(format!("smcroute-notify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notify");
        let sock = UnixDatagram::bind(&path).unwrap();
        let path = path.to_str().unwrap().to_string();
        // The environment is process-wide: set it in a child of our own.
        let status = in_child(|| {
            std::env::set_var("NOTIFY_SOCKET", &path);
            let n = Notify::from_env().unwrap();
            n.ready("READY=1\nSTATUS=Ready, waiting for client request or kernel event.\nMAINPID=");
            n.reloading(
                "RELOADING=1\nSTATUS=Reloading configuration, please wait ...\nMONOTONIC_USEC=",
            );
            n.stopping();
            std::env::remove_var("NOTIFY_SOCKET");
            Notify::from_env().is_none()
        });
        assert_eq!(status, 0);
        let ready = recv(&sock);
        let pid: i32 = ready.rsplit('=').next().unwrap().parse().unwrap();
        assert_ne!(pid, getpid());
        assert_eq!(
            ready,
            format!(
                "READY=1\nSTATUS=Ready, waiting for client request or kernel event.\nMAINPID={pid}"
            )
        );
        let reloading = recv(&sock);
        let (head, usec) = reloading.rsplit_once('=').unwrap();
        assert_eq!(
            head,
            "RELOADING=1\nSTATUS=Reloading configuration, please wait ...\nMONOTONIC_USEC"
        );
        let usec: u64 = usec.parse().unwrap();
        let now = super::super::clock::now_usec();
        assert!(usec <= now && now - usec < 10_000_000);
        assert_eq!(recv(&sock), "STOPPING=1");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn sends_to_an_abstract_socket() {
        let name = format!("smcroute-notify-test-{}", std::process::id());
        let sock =
            UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(&name).unwrap()).unwrap();
        let env = format!("@{name}");
        let n = Notify::new(env.as_bytes()).unwrap();
        n.ready("READY=1\nSTATUS=\nMAINPID=");
        let msg = recv(&sock);
        assert_eq!(msg, format!("READY=1\nSTATUS=\nMAINPID={}", getpid()));
        // A message that does not fit is not sent: the next datagram is the one after it.
        n.ready(&"s".repeat(1000));
        n.stopping();
        assert_eq!(recv(&sock), "STOPPING=1");
    }

    #[test]
    fn refuses_unusable_addresses() {
        assert!(Notify::new("".as_bytes()).is_none());
        assert!(Notify::new("/".as_bytes()).is_none());
        assert!(Notify::new("relative/path".as_bytes()).is_none());
        assert!(Notify::new("vsock:2:1234".as_bytes()).is_none());
        assert!(Notify::new(format!("/{}", "x".repeat(106)).as_bytes()).is_some());
        assert!(Notify::new(format!("/{}", "x".repeat(107)).as_bytes()).is_none());
        assert!(Notify::new(format!("@{}", "x".repeat(107)).as_bytes()).is_some());
        assert!(Notify::new(format!("@{}", "x".repeat(108)).as_bytes()).is_none());
        // Nobody listening: the error is reported, not fatal.
        let gone = Notify::new("/nonexistent/notify".as_bytes()).unwrap();
        assert_eq!(gone.send("STOPPING=1"), Err(Errno::ENOENT));
        gone.stopping();
        let nobody = Notify::new("@smcroute-nobody-listens-here".as_bytes()).unwrap();
        assert_eq!(nobody.send("STOPPING=1"), Err(Errno::ECONNREFUSED));
        nobody.stopping();
    }

    #[test]
    fn status_of_takes_the_middle() {
        const MESSAGE: &str = crate::joined![READY_HEAD, "Ready.", READY_TAIL];
        const STATUS: &str = status_of(MESSAGE, READY_HEAD, READY_TAIL);
        assert_eq!(STATUS, "Ready.");
        assert_eq!(MESSAGE, "READY=1\nSTATUS=Ready.\nMAINPID=");
        let reloading = crate::joined![RELOADING_HEAD, "R", RELOADING_TAIL];
        assert_eq!(reloading, "RELOADING=1\nSTATUS=R\nMONOTONIC_USEC=");
    }
}
