//! Helpers of the hostile-input, full-table, fault and privilege tests: raw IPC frames
//! and connections, a live multicast stream counted end to end, a small-capacity build
//! of the daemon, an `LD_PRELOAD` shim that makes `MRT_ADD_MFC` fail, and running a
//! command as `nobody`.

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::{mcast_py, read_line, repo, run, Ns, Topology};

// ===== raw IPC =====

/// `sizeof(struct ipc_msg)` on 64-bit Linux: `size_t len; u16 cmd; u16 count;` + padding.
pub const HDR: usize = 16;

/// A frame with an arbitrary header (lying `len`, `count`) followed by `body`.
pub fn raw_frame(len: u64, cmd: u16, count: u16, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(HDR + body.len());
    f.extend_from_slice(&len.to_ne_bytes());
    f.extend_from_slice(&cmd.to_ne_bytes());
    f.extend_from_slice(&count.to_ne_bytes());
    f.extend_from_slice(&[0; 4]);
    f.extend_from_slice(body);
    f
}

/// A well-formed request frame, as `smcroutectl` builds it.
pub fn frame(cmd: u8, args: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    for a in args {
        body.extend_from_slice(a.as_bytes());
        body.push(0);
    }
    body.push(0);
    raw_frame(
        (HDR + body.len()) as u64,
        u16::from(cmd),
        args.len() as u16,
        &body,
    )
}

/// What came back on a connection.
#[derive(Debug)]
pub struct Reply {
    pub bytes: Vec<u8>,
    /// The daemon closed the connection (end of file or reset).
    pub closed: bool,
    /// How long until the connection closed (or the timeout).
    pub took: Duration,
}

impl Reply {
    /// The reply as text, NULs shown as `\0`.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).replace('\0', "\\0")
    }

    /// Number of NUL-terminated replies received.
    pub fn replies(&self) -> usize {
        self.bytes.iter().filter(|&&b| b == 0).count()
    }
}

/// A raw client connection to the daemon's IPC socket.
pub struct Conn {
    pub s: UnixStream,
}

impl Conn {
    /// Connects (retrying briefly while the daemon's backlog is full).
    pub fn open(sock: &Path) -> Conn {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            match UnixStream::connect(sock) {
                Ok(s) => return Conn { s },
                Err(e) if Instant::now() < end && e.kind() != ErrorKind::NotFound => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => panic!("connect {}: {e}", sock.display()),
            }
        }
    }

    /// Sends bytes; a daemon that already closed the connection is not an error here.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        self.s.write_all(bytes).is_ok()
    }

    /// Reads until the daemon closes the connection or `timeout` passes.
    pub fn reply(&mut self, timeout: Duration) -> Reply {
        let start = Instant::now();
        let mut bytes = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            let left = timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Reply {
                    bytes,
                    closed: false,
                    took: start.elapsed(),
                };
            }
            let _ = self.s.set_read_timeout(Some(left));
            match self.s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break, // reset: closed
            }
        }
        Reply {
            bytes,
            closed: true,
            took: start.elapsed(),
        }
    }
}

/// Sends one frame on a new connection and collects the reply (5 s at most).
pub fn ask(sock: &Path, bytes: &[u8]) -> Reply {
    let mut c = Conn::open(sock);
    c.send(bytes);
    c.reply(Duration::from_secs(5))
}

// ===== live stream =====

/// A stream of datagrams from one host to a receiver on another, running in the
/// background until [`Live::finish`], which returns exactly how many were sent and
/// received.
pub struct Live {
    tx: Option<Child>,
    rx: Option<Child>,
    what: String,
}

fn stream_py() -> PathBuf {
    repo().join("tests/tools/stream.py")
}

fn expect_ready(child: &mut Child, what: &str) {
    let line = read_line(child);
    if line.trim() != "READY" {
        let _ = child.kill();
        panic!("{what} did not start: {line}");
    }
}

fn value_of(out: &str, key: &str) -> u32 {
    out.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} line in: {out}"))
}

impl Live {
    /// Starts a receiver on `to` and a sender on `from` (one datagram every `interval`
    /// seconds); both use the host's `eth0`.
    pub fn start(
        t: &Topology,
        from: &str,
        to: &str,
        group: &str,
        port: u16,
        interval: f64,
    ) -> Live {
        Live::start_ns(t.ns(from), t.ns(to), group, port, interval)
    }

    /// As [`Live::start`], with namespaces.
    pub fn start_ns(from: &Ns, to: &Ns, group: &str, port: u16, interval: f64) -> Live {
        let what = format!("stream {group}:{port} {} -> {}", from.name, to.name);
        let mut rx = to
            .cmd("python3")
            .arg(mcast_py())
            .args([
                "recv",
                "eth0",
                group,
                &port.to_string(),
                "--duration",
                "600",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("receiver");
        expect_ready(&mut rx, &what);
        let mut tx = from
            .cmd("python3")
            .arg(stream_py())
            .args(["eth0", group, &port.to_string()])
            .args(["--interval", &interval.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sender");
        expect_ready(&mut tx, &what);
        Live {
            tx: Some(tx),
            rx: Some(rx),
            what,
        }
    }

    /// Stops the sender, lets the last datagrams arrive, stops the receiver; returns
    /// (sent, received).
    pub fn finish(mut self) -> (u32, u32) {
        let mut tx = self.tx.take().expect("finished twice");
        drop(tx.stdin.take());
        let out = tx.wait_with_output().expect("sender output");
        let sent = value_of(&String::from_utf8_lossy(&out.stdout), "SENT ");
        std::thread::sleep(Duration::from_millis(300));
        let mut rx = self.rx.take().expect("finished twice");
        drop(rx.stdin.take());
        let out = rx.wait_with_output().expect("receiver output");
        let got = value_of(&String::from_utf8_lossy(&out.stdout), "COUNT ");
        eprintln!("{}: sent {sent}, received {got}", self.what);
        (sent, got)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        for c in [self.tx.take(), self.rx.take()].into_iter().flatten() {
            let mut c = c;
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

// ===== builds =====

/// Capacities of the small build (see [`small_build`]).
pub const SMALL_KERNEL_ROUTES: usize = 64;
pub const SMALL_GROUPS: usize = 12;
pub const SMALL_JOINS: usize = 14;

/// The daemon and control tool built with small tables (`SMCROUTE_MAX_KERNEL_ROUTES=64`,
/// `SMCROUTE_MAX_GROUPS=12`, `SMCROUTE_MAX_JOINS=14`) into `target/small`, once per test
/// binary; cargo's lock on that directory serialises the test binaries that need it.
pub fn small_build() -> (PathBuf, PathBuf) {
    static BUILT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = repo().join("target/small");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let start = Instant::now();
            let out = run(Command::new(cargo)
                .current_dir(repo())
                .args(["build", "--offline", "--bins", "--target-dir"])
                .arg(&dir)
                .env(
                    "SMCROUTE_MAX_KERNEL_ROUTES",
                    SMALL_KERNEL_ROUTES.to_string(),
                )
                .env("SMCROUTE_MAX_GROUPS", SMALL_GROUPS.to_string())
                .env("SMCROUTE_MAX_JOINS", SMALL_JOINS.to_string()));
            assert!(
                out.status.success(),
                "small build failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!("small build took {:?}", start.elapsed());
            let bin = dir.join("debug");
            (bin.join("smcrouted"), bin.join("smcroutectl"))
        })
        .clone()
}

/// `target/shims/fail_mfc.so`: makes `MRT_ADD_MFC` for groups in 225.66.0.0/16 fail
/// with `ENOBUFS` (see `tests/tools/shim/fail_mfc.c`).
pub fn fail_mfc_shim() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = repo().join("target/shims");
            std::fs::create_dir_all(&dir).expect("shim dir");
            let so = dir.join(format!("fail_mfc-{}.so", std::process::id()));
            let out = run(Command::new("cc")
                .args(["-shared", "-fPIC", "-O2", "-o"])
                .arg(&so)
                .arg(repo().join("tests/tools/shim/fail_mfc.c"))
                .arg("-ldl"));
            assert!(
                out.status.success(),
                "cc fail_mfc.c: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            so
        })
        .clone()
}

// ===== users =====

/// `setpriv` prefix that runs a command as `nobody:nogroup` without any capability.
pub fn as_nobody(program: &Path) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "--inh-caps=-all",
        "--",
    ])
    .arg(program);
    c
}

/// A `/proc/PID/status` field (e.g. `CapEff`), its text after the colon.
pub fn status_field(pid: u32, field: &str) -> String {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

/// Number of lines of `log` containing `needle`.
pub fn count_lines(log: &str, needle: &str) -> usize {
    log.lines().filter(|l| l.contains(needle)).count()
}
