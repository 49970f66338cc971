//! Shared harness of the real-kernel integration tests.
//!
//! Every test builds its own network namespaces (a router `r` and hosts such as the sender
//! `s1` and receivers `h1`, `h2`, each joined to the router by a veth pair), starts the
//! daemon under test inside the router namespace, sends real multicast with
//! `tests/tools/mcast.py` and counts what arrives. Everything is torn down on drop, also
//! when the test panics. Traffic never leaves the namespaces a test created.
//!
//! Programs under test, chosen by environment variables:
//! - `SMCROUTED`, `SMCROUTECTL`: daemon and control tool (default: this package's bins,
//!   `target/debug/smcrouted`, `target/debug/smcroutectl`);
//! - `SMCROUTED_REF`, `SMCROUTECTL_REF`: the C reference (Debian's smcroute 2.5.6, fetched
//!   by `tests/tools/fetch-c-ref` into `target/smcroute-ref/`), for interoperability.
//!
//! Pointing `SMCROUTED`/`SMCROUTECTL` at the C 2.5.6 binaries validates the tests
//! themselves; tests of 2.6 features then skip (see [`Env::needs_26`]).
#![allow(dead_code, unused_imports)]

pub mod hostile;
pub mod kstate;
pub use kstate::{McFilter, Mfc, Vif};
pub mod traffic;

use std::fs;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub use traffic::*;

/// Where the package lives (the tests' working directory under cargo).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The python3 traffic helper.
pub fn mcast_py() -> PathBuf {
    repo().join("tests/tools/mcast.py")
}

fn env_path(var: &str, default: PathBuf) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => {
            let p = PathBuf::from(v);
            if p.is_absolute() {
                p
            } else {
                repo().join(p)
            }
        }
        _ => default,
    }
}

fn is_ci() -> bool {
    matches!(
        std::env::var("CI").as_deref(),
        Ok("true") | Ok("1") | Ok("yes")
    )
}

fn is_root() -> bool {
    // The effective uid is the second field of the "Uid:" line.
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        .map(|uid| uid == "0")
        .unwrap_or(false)
}

/// Writes straight to stderr: the test runner's capture only hides `eprintln!`, and a
/// skip must show even when the test "passes".
fn loud(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Prints a skip message nobody can miss; under `CI=true` a skip is a failure.
pub fn skip(test: &str, why: &str) {
    let msg = format!("SKIPPED integration test `{test}`: {why}");
    let bar = "!".repeat(msg.len().min(100));
    loud(&format!("\n{bar}\n{msg}\n{bar}\n"));
    if is_ci() {
        panic!("{msg} (a skip is a failure with CI=true)");
    }
}

/// The programs under test and the C reference.
#[derive(Clone, Debug)]
pub struct Env {
    pub test: String,
    pub daemon: PathBuf,
    pub ctl: PathBuf,
    pub ref_daemon: PathBuf,
    pub ref_ctl: PathBuf,
}

/// Entry of every integration test: `let Some(env) = common::env("name") else { return };`
/// Returns `None` (after a loud message) when not root or the programs are missing.
pub fn env(test: &str) -> Option<Env> {
    if !is_root() {
        skip(
            test,
            "needs root (network namespaces, multicast routing); run tests/run as root",
        );
        return None;
    }
    let refdir = repo().join("target/smcroute-ref/usr/sbin");
    let e = Env {
        test: test.to_string(),
        daemon: env_path("SMCROUTED", PathBuf::from(env!("CARGO_BIN_EXE_smcrouted"))),
        ctl: env_path(
            "SMCROUTECTL",
            PathBuf::from(env!("CARGO_BIN_EXE_smcroutectl")),
        ),
        ref_daemon: env_path("SMCROUTED_REF", refdir.join("smcrouted")),
        ref_ctl: env_path("SMCROUTECTL_REF", refdir.join("smcroutectl")),
    };
    for p in [&e.daemon, &e.ctl] {
        assert!(
            p.exists(),
            "program under test {} does not exist",
            p.display()
        );
    }
    Some(e)
}

/// `-v` banner of a program, e.g. `SMCRoute v2.6.0`.
pub fn version_of(bin: &Path) -> String {
    let out = Command::new(bin).arg("-v").output();
    let out = out.unwrap_or_else(|e| panic!("running {} -v: {e}", bin.display()));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// True for the C 2.5.6 reference: it predates the pending list, JSON and WRONGVIF.
pub fn is_legacy(bin: &Path) -> bool {
    version_of(bin).contains("v2.5.")
}

impl Env {
    /// Tests of SMCRoute 2.6 behaviour call this first. Skips (returns true) only when
    /// the daemon or control tool under test is the C 2.5.6 binary.
    pub fn needs_26(&self, feature: &str) -> bool {
        if self.is_legacy() {
            loud(&format!(
                "\nSKIPPED `{}`: needs SMCRoute 2.6 ({feature}); the program under test is 2.5.x\n",
                self.test
            ));
            return true;
        }
        false
    }

    /// True when the daemon or control tool under test is SMCRoute 2.5.x (the C
    /// reference used to validate the tests); for checks where 2.6 behaves differently.
    pub fn is_legacy(&self) -> bool {
        is_legacy(&self.daemon) || is_legacy(&self.ctl)
    }

    /// Interop tests call this: the C reference binaries must be there (tests/run fetches
    /// them). Returns false after a loud skip when they are not.
    pub fn have_reference(&self) -> bool {
        if self.ref_daemon.exists() && self.ref_ctl.exists() {
            return true;
        }
        skip(
            &self.test,
            &format!(
                "C reference not found at {} (run tests/tools/fetch-c-ref)",
                self.ref_daemon.display()
            ),
        );
        false
    }
}

/// Runs a command, returning its output; panics if it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs a command that must succeed; returns its stdout.
pub fn must(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `ip ARGS...` in the init namespace (it names the namespace itself with `-n`).
pub fn ip(args: &[&str]) -> String {
    must(Command::new("ip").args(args))
}

/// Polls `cond` every 50 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A network namespace of the test.
#[derive(Clone, Debug)]
pub struct Ns {
    pub name: String,
}

impl Ns {
    /// A command that runs `program` inside this namespace.
    pub fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }

    /// Runs `program args` inside the namespace; must succeed; returns stdout.
    pub fn sh(&self, program: &str, args: &[&str]) -> String {
        must(self.cmd(program).args(args))
    }

    /// `ip -n NS args`.
    pub fn ip(&self, args: &[&str]) -> String {
        let mut all = vec!["-n", &self.name];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// Reads a file (e.g. under /proc/net) as seen from inside the namespace.
    pub fn read(&self, path: &str) -> String {
        self.sh("cat", &[path])
    }

    /// `/proc/sys/net/{fam}/conf/all/mc_forwarding`: how many multicast routing sockets
    /// (MRT_INIT / MRT6_INIT) the namespace has open, as the kernel counts them.
    pub fn mc_forwarding(&self, fam: &str) -> u32 {
        let path = format!("/proc/sys/net/{fam}/conf/all/mc_forwarding");
        let text = self.read(&path);
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{path}: {text:?}"))
    }

    pub fn sysctl(&self, key: &str, value: &str) {
        self.sh("sysctl", &["-qw", &format!("{key}={value}")]);
    }

    /// Waits (10 s at most) until `ifname` can carry IPv6 multicast, else panics with
    /// its state. A veth end that is up and has carrier is not yet usable for IPv6: the
    /// kernel's IPv6 layer sets the interface up (`multicast ff00::/8` route in the local
    /// table, link-local address) only once the link-watch work has processed the
    /// carrier change. Before that the router cannot forward to it (`ip6mr` finds no route
    /// for the group through the MIF and drops the packet: the MFC entry counts it, the
    /// MIF's output counter does not) and a host cannot receive on it. The link-watch queue is shared by the whole machine and runs
    /// "non-urgent" events at most once a second, 100 devices at a time; a veth end whose
    /// ifindex equals its peer's (here `a2`: index 3, peer `eth0` index 3 in `h1`) is
    /// non-urgent, so with other tests flapping links it waited seconds and the first
    /// packets of a flow to it were lost. IPv4 needs none of this.
    pub fn wait_ipv6_ready(&self, ifname: &str) {
        let mut state = String::new();
        let ready = wait_for(Duration::from_secs(10), || match self.ipv6_state(ifname) {
            Ok(()) => true,
            Err(s) => {
                state = s;
                false
            }
        });
        assert!(
            ready,
            "{}:{ifname} not ready for IPv6 after 10 s: {state}",
            self.name
        );
    }

    /// `Ok` when `ifname` is operationally up, has its IPv6 multicast route and a
    /// link-local address, and no address is still tentative; else what is missing.
    fn ipv6_state(&self, ifname: &str) -> Result<(), String> {
        // Asking for this one link also makes the kernel handle its pending link-watch
        // event at once (observed on 6.18), so the wait is normally one round.
        let link = self.ip(&["-o", "link", "show", "dev", ifname]);
        if !link.contains(" state UP ") {
            return Err(format!("operstate not UP: {}", link.trim()));
        }
        let routes = self.ip(&["-6", "route", "show", "table", "local", "dev", ifname]);
        if !routes.lines().any(|l| l.starts_with("multicast ff00::/8 ")) {
            return Err(format!("no multicast ff00::/8 route: {routes:?}"));
        }
        let addrs = self.ip(&["-6", "-o", "addr", "show", "dev", ifname]);
        if !addrs.contains(" scope link") || addrs.contains("tentative") {
            return Err(format!("link-local missing or tentative: {addrs:?}"));
        }
        Ok(())
    }

    /// Index of an interface inside the namespace.
    pub fn ifindex(&self, ifname: &str) -> u32 {
        let out = self.ip(&["-o", "link", "show", "dev", ifname]);
        out.split(':')
            .next()
            .and_then(|s| s.trim().parse().ok())
            .expect("ifindex")
    }
}

/// One veth link between the router and a host.
#[derive(Clone, Debug)]
pub struct Link {
    /// Host role and namespace name suffix: `s1`, `h1`, ...
    pub host: String,
    /// Interface name on the router: `a1`, `a2`, ...
    pub rif: String,
    /// Interface name on the host: always `eth0`.
    pub hif: String,
    pub router_v4: Ipv4Addr,
    pub host_v4: Ipv4Addr,
    pub router_v6: Ipv6Addr,
    pub host_v6: Ipv6Addr,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Prefix of every namespace the tests create (tests/run removes stale ones by it).
pub const NS_PREFIX: &str = "smit-";

/// A router namespace and hosts connected to it, removed on drop.
pub struct Topology {
    pub id: String,
    pub dir: PathBuf,
    pub r: Ns,
    hosts: Vec<(Ns, Link)>,
    extra_ns: Vec<Ns>,
    next_subnet: u8,
}

impl Topology {
    /// Router plus one host per name; host `k` (0-based) hangs off router interface
    /// `a{k+1}`, subnet `10.0.{k+1}.0/24` and `fc00:{k+1}::/64`, host address `.2`/`::2`.
    pub fn new(hosts: &[&str]) -> Topology {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let id = format!("{NS_PREFIX}{}-{n}", std::process::id());
        let dir = std::env::temp_dir().join(&id);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        let mut t = Topology {
            r: Ns {
                name: format!("{id}-r"),
            },
            id,
            dir,
            hosts: Vec::new(),
            extra_ns: Vec::new(),
            next_subnet: 1,
        };
        t.make_ns(&t.r.clone());
        for h in hosts {
            t.add_host(h);
        }
        t
    }

    fn make_ns(&self, ns: &Ns) {
        ip(&["netns", "add", &ns.name]);
        ns.ip(&["link", "set", "lo", "up"]);
        ns.sysctl("net.ipv4.conf.all.rp_filter", "0");
        ns.sysctl("net.ipv4.conf.default.rp_filter", "0");
        ns.sysctl("net.ipv4.ip_forward", "1");
        ns.sysctl("net.ipv6.conf.all.forwarding", "1");
        ns.sysctl("net.ipv6.conf.default.forwarding", "1");
        ns.sysctl("net.ipv6.conf.all.accept_dad", "0");
        ns.sysctl("net.ipv6.conf.default.accept_dad", "0");
    }

    /// Adds a host namespace and its link to the router (also while a daemon runs, to
    /// make an interface appear). Returns the new link.
    pub fn add_host(&mut self, host: &str) -> Link {
        let k = self.next_subnet;
        self.next_subnet += 1;
        self.add_host_as(host, &format!("a{k}"), k)
    }

    /// Like [`add_host`] with an explicit router interface name and subnet number.
    pub fn add_host_as(&mut self, host: &str, rif: &str, k: u8) -> Link {
        let ns = Ns {
            name: format!("{}-{host}", self.id),
        };
        self.make_ns(&ns);
        let link = Link {
            host: host.to_string(),
            rif: rif.to_string(),
            hif: "eth0".to_string(),
            router_v4: Ipv4Addr::new(10, 0, k, 1),
            host_v4: Ipv4Addr::new(10, 0, k, 2),
            router_v6: format!("fc00:{k}::1").parse().unwrap(),
            host_v6: format!("fc00:{k}::2").parse().unwrap(),
        };
        // Build the pair in the host namespace, then move the router end: the router only
        // ever sees a finished interface appear (one netlink event, not a rename).
        ns.ip(&["link", "add", "eth0", "type", "veth", "peer", "name", rif]);
        for (side, ifname, v4, v6) in [
            (&ns, "eth0", link.host_v4, link.host_v6),
            (&self.r, rif, link.router_v4, link.router_v6),
        ] {
            if side.name != ns.name {
                ns.ip(&["link", "set", rif, "netns", &side.name]);
            }
            side.sysctl(&format!("net.ipv4.conf.{ifname}.rp_filter"), "0");
            side.ip(&["addr", "add", &format!("{v4}/24"), "dev", ifname]);
            side.ip(&["addr", "add", &format!("{v6}/64"), "dev", ifname, "nodad"]);
        }
        ns.ip(&["link", "set", "eth0", "up"]);
        self.r.ip(&["link", "set", rif, "up"]);
        ns.ip(&[
            "route",
            "add",
            "default",
            "via",
            &link.router_v4.to_string(),
        ]);
        ns.ip(&[
            "-6",
            "route",
            "add",
            "default",
            "via",
            &link.router_v6.to_string(),
        ]);
        // Both ends must carry IPv6 before a test sends through them (see
        // [`Ns::wait_ipv6_ready`]).
        ns.wait_ipv6_ready("eth0");
        self.r.wait_ipv6_ready(rif);
        self.hosts.push((ns, link.clone()));
        link
    }

    /// A dummy-like interface `ifname` in the router (veth with ARP off; its peer is
    /// parked in a namespace of this test).
    pub fn add_stub(&mut self, ifname: &str) {
        let park = Ns {
            name: format!("{}-park{}", self.id, self.extra_ns.len()),
        };
        self.make_ns(&park);
        park.ip(&["link", "add", "p0", "type", "veth", "peer", "name", ifname]);
        park.ip(&["link", "set", ifname, "netns", &self.r.name]);
        self.r.ip(&["link", "set", ifname, "arp", "off", "up"]);
        park.ip(&["link", "set", "p0", "arp", "off", "up"]);
        self.extra_ns.push(park);
    }

    /// Many dummy-like interfaces in the router at once (as [`add_stub`], all peers
    /// parked in one namespace, built with two `ip -batch` runs).
    pub fn add_stubs(&mut self, names: &[&str]) {
        let park = Ns {
            name: format!("{}-park{}", self.id, self.extra_ns.len()),
        };
        self.make_ns(&park);
        let mut in_park = String::new();
        let mut in_router = String::new();
        for (k, ifname) in names.iter().enumerate() {
            in_park += &format!("link add p{k} type veth peer name {ifname}\n");
            in_park += &format!("link set p{k} arp off up\n");
            in_park += &format!("link set {ifname} netns {}\n", self.r.name);
            in_router += &format!("link set {ifname} arp off up\n");
        }
        let batch = self.write(&format!("{}.batch", park.name), &in_park);
        ip(&["-n", &park.name, "-batch", &batch.to_string_lossy()]);
        let batch = self.write(&format!("{}.rbatch", park.name), &in_router);
        ip(&["-n", &self.r.name, "-batch", &batch.to_string_lossy()]);
        self.extra_ns.push(park);
    }

    /// The namespace of a host.
    pub fn ns(&self, host: &str) -> &Ns {
        &self
            .hosts
            .iter()
            .find(|(_, l)| l.host == host)
            .expect("no such host")
            .0
    }

    /// The link of a host.
    pub fn link(&self, host: &str) -> &Link {
        &self
            .hosts
            .iter()
            .find(|(_, l)| l.host == host)
            .expect("no such host")
            .1
    }

    /// Router interface facing a host.
    pub fn rif(&self, host: &str) -> String {
        self.link(host).rif.clone()
    }

    /// Writes a file into the test's directory and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.join(name);
        fs::write(&p, text).expect("write file");
        p
    }

    /// Starts the daemon under test in the router namespace with this conf text.
    pub fn start(&self, env: &Env, conf: &str, extra: &[&str]) -> Daemon {
        self.start_bin(&env.daemon, &env.ctl, conf, extra)
    }

    /// Starts a given daemon binary (e.g. the C reference) in the router namespace.
    pub fn start_bin(&self, bin: &Path, ctl: &Path, conf: &str, extra: &[&str]) -> Daemon {
        let conf_path = self.write("smcroute.conf", conf);
        Daemon::start(self, bin, ctl, &conf_path, extra)
    }

    /// Starts a receiver on a host (joins the group on its eth0). Ready on return.
    pub fn receiver(&self, host: &str, group: &str, port: u16) -> Receiver {
        Receiver::start(self.ns(host), "eth0", group, port)
    }

    /// Sends `count` datagrams from a host to group:port (10 ms apart, TTL 8).
    pub fn send(&self, host: &str, group: &str, port: u16, count: u32) -> u32 {
        send(self.ns(host), &SendOpts::new("eth0", group, port, count))
    }

    /// Sends with options.
    pub fn send_opts(&self, host: &str, opts: &SendOpts) -> u32 {
        send(self.ns(host), opts)
    }

    /// Makes the router learn (source of `from`, group): sends one packet and waits (3 s
    /// at most) for the kernel MFC entry the daemon installs on the upcall. Later flows
    /// then measure forwarding, not the daemon's upcall latency on a busy machine.
    /// The kernel lists its own unresolved entry (IIF -1, no OIFs) from the first packet
    /// until the daemon answers the upcall: that one does not count.
    pub fn learn(&self, from: &str, group: &str, port: u16) -> Mfc {
        let l = self.link(from);
        let src = if group.contains(':') {
            l.host_v6.to_string()
        } else {
            l.host_v4.to_string()
        };
        self.send(from, group, port, 1);
        let mut found = None;
        let resolved = wait_for(Duration::from_secs(3), || {
            found = self.r.mfc(&src, group);
            found.as_ref().is_some_and(Mfc::is_resolved)
        });
        match found {
            Some(e) if resolved => e,
            Some(e) => panic!(
                "({src}, {group}) still unresolved in the kernel MFC 3 s after an upcall: {e:?}"
            ),
            None => panic!("({src}, {group}) not in the kernel MFC after an upcall"),
        }
    }

    /// Starts receivers on `to`, sends `count` from `from`, returns each receiver's count.
    pub fn flow(&self, from: &str, to: &[&str], group: &str, port: u16, count: u32) -> Vec<u32> {
        let rx: Vec<Receiver> = to.iter().map(|h| self.receiver(h, group, port)).collect();
        let sent = self.send(from, group, port, count);
        assert_eq!(sent, count, "sender sent fewer packets than asked");
        std::thread::sleep(Duration::from_millis(150));
        rx.into_iter().map(|r| r.finish().count).collect()
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // What the kernel had when the test failed.
            let mut dump = String::new();
            for path in [
                "/proc/net/ip_mr_vif",
                "/proc/net/ip_mr_cache",
                "/proc/net/ip6_mr_vif",
                "/proc/net/ip6_mr_cache",
            ] {
                let text = run(self.r.cmd("cat").arg(path));
                dump += &format!("{path}:\n{}", String::from_utf8_lossy(&text.stdout));
            }
            eprintln!("---- router {} kernel state ----\n{dump}----", self.r.name);
        }
        for (ns, _) in self.hosts.iter().rev() {
            let _ = Command::new("ip").args(["netns", "del", &ns.name]).status();
        }
        for ns in &self.extra_ns {
            let _ = Command::new("ip").args(["netns", "del", &ns.name]).status();
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.r.name])
            .status();
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Result of a control tool run.
#[derive(Debug)]
pub struct CtlOut {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A daemon running in the router namespace.
pub struct Daemon {
    child: Option<Child>,
    pub pid: u32,
    pub bin: PathBuf,
    pub ctl_bin: PathBuf,
    pub conf: PathBuf,
    pub sock: PathBuf,
    pub pidfile: PathBuf,
    pub log: PathBuf,
    pub ns: Ns,
    status: Option<ExitStatus>,
}

/// How long a daemon may take to write its PID file.
pub const READY_TIMEOUT: Duration = Duration::from_secs(8);

impl Daemon {
    /// Starts `bin -n -f conf -u sock -P pidfile -l debug EXTRA...` inside the router
    /// namespace and waits for the PID file (readiness).
    pub fn start(t: &Topology, bin: &Path, ctl: &Path, conf: &Path, extra: &[&str]) -> Daemon {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let sock = t.dir.join(format!("d{n}.sock"));
        let pidfile = t.dir.join(format!("d{n}.pid"));
        let log = t.dir.join(format!("d{n}.log"));
        let logf = fs::File::create(&log).expect("log file");
        let child =
            t.r.cmd(bin)
                .arg("-n")
                .arg("-f")
                .arg(conf)
                .arg("-u")
                .arg(&sock)
                .arg("-P")
                .arg(&pidfile)
                .args(["-l", "debug"])
                .args(extra)
                .stdin(Stdio::null())
                .stdout(logf.try_clone().expect("dup log"))
                .stderr(logf)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut d = Daemon {
            pid: child.id(),
            child: Some(child),
            bin: bin.to_path_buf(),
            ctl_bin: ctl.to_path_buf(),
            conf: conf.to_path_buf(),
            sock,
            pidfile,
            log,
            ns: t.r.clone(),
            status: None,
        };
        d.wait_ready();
        d
    }

    fn wait_ready(&mut self) {
        let end = Instant::now() + READY_TIMEOUT;
        while Instant::now() < end {
            if let Ok(text) = fs::read_to_string(&self.pidfile) {
                if text.ends_with('\n') {
                    let pid: u32 = text.trim().parse().expect("PID file holds a number");
                    assert_eq!(pid, self.pid, "PID file names another process");
                    return;
                }
            }
            if let Some(st) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.status = Some(st);
                panic!(
                    "daemon {} exited before ready ({st}); log:\n{}",
                    self.bin.display(),
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "daemon not ready after {READY_TIMEOUT:?} (no PID file); log:\n{}",
            self.log_text()
        );
    }

    /// Everything the daemon wrote to stdout/stderr so far.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log contains `needle`.
    pub fn wait_log(&self, needle: &str, timeout: Duration) -> bool {
        wait_for(timeout, || self.log_text().contains(needle))
    }

    /// Runs the control tool under test against this daemon: `ctl -u SOCK args`.
    pub fn ctl(&self, args: &[&str]) -> CtlOut {
        self.ctl_with(&self.ctl_bin.clone(), args)
    }

    /// Runs a given control tool binary against this daemon.
    pub fn ctl_with(&self, ctl: &Path, args: &[&str]) -> CtlOut {
        let out = run(Command::new(ctl)
            .arg("-u")
            .arg(&self.sock)
            .args(args)
            .stdin(Stdio::null()));
        CtlOut {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A control tool command that must succeed (exit 0); returns stdout.
    pub fn ctl_ok(&self, args: &[&str]) -> String {
        let o = self.ctl(args);
        assert_eq!(
            o.code,
            0,
            "smcroutectl {args:?} failed: {o:?}\nlog:\n{}",
            self.log_text()
        );
        o.stdout
    }

    /// Sends a signal by name (`HUP`, `TERM`, ...).
    pub fn signal(&self, sig: &str) {
        must(
            Command::new("kill")
                .arg(format!("-{sig}"))
                .arg(self.pid.to_string()),
        );
    }

    /// Replaces the conf file text (for reload tests).
    pub fn rewrite_conf(&self, text: &str) {
        fs::write(&self.conf, text).expect("rewrite conf");
    }

    /// Reloads by SIGHUP and waits for the reload to finish (PID file mtime touched or the
    /// "Ready" line logged again).
    pub fn reload_hup(&self) {
        let before = self.log_text().matches("Ready, waiting").count();
        self.signal("HUP");
        self.wait_reloaded(before);
    }

    /// Reloads through `smcroutectl reload` and waits for it to finish.
    pub fn reload_ctl(&self) {
        let before = self.log_text().matches("Ready, waiting").count();
        self.ctl_ok(&["reload"]);
        self.wait_reloaded(before);
    }

    fn wait_reloaded(&self, before: usize) {
        let ok = wait_for(Duration::from_secs(5), || {
            self.log_text().matches("Ready, waiting").count() > before
        });
        assert!(ok, "reload did not complete; log:\n{}", self.log_text());
        // The "Ready" line is logged before the script hook and last cleanups.
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Waits for the daemon to exit by itself (e.g. after `smcroutectl kill`).
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if let Some(st) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.status = Some(st);
                self.child = None;
                return Some(code_of(st));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// SIGTERM, wait (5 s at most, then SIGKILL) and return the exit code
    /// (128+signal if killed by a signal).
    pub fn stop(&mut self) -> i32 {
        if let Some(st) = self.status {
            return code_of(st);
        }
        self.signal("TERM");
        if let Some(code) = self.wait_exit(Duration::from_secs(5)) {
            return code;
        }
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let st = c.wait().expect("wait daemon");
            self.status = Some(st);
            return code_of(st);
        }
        -1
    }

    /// Stops the daemon and asserts a clean exit (code 0, PID file and socket removed).
    pub fn stop_clean(&mut self) {
        let code = self.stop();
        assert_eq!(
            code,
            0,
            "daemon exit code on SIGTERM; log:\n{}",
            self.log_text()
        );
        assert!(!self.pidfile.exists(), "PID file left behind after exit");
        assert!(!self.sock.exists(), "IPC socket left behind after exit");
    }
}

fn code_of(st: ExitStatus) -> i32 {
    st.code().unwrap_or_else(|| 128 + st.signal().unwrap_or(0))
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.stop();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- daemon log ({}) ----\n{}---- end of daemon log ----",
                self.bin.display(),
                self.log_text()
            );
        }
    }
}

/// Asserts that at least `pct` percent of `sent` arrived, and never more than sent.
#[track_caller]
pub fn assert_arrived(what: &str, got: u32, sent: u32, pct: u32) {
    assert!(
        got <= sent,
        "{what}: received {got} > sent {sent} (duplicates?)"
    );
    assert!(
        got * 100 >= sent * pct,
        "{what}: only {got} of {sent} packets arrived (want >= {pct}%)"
    );
}

/// Parses an address (test convenience).
pub fn addr(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|_| panic!("bad address {s}"))
}

/// Reads one line from a child's stdout, byte by byte (nothing past the newline is
/// consumed, so the rest can still be collected with `wait_with_output`).
pub fn read_line(child: &mut Child) -> String {
    let mut line = Vec::new();
    if let Some(out) = child.stdout.as_mut() {
        let mut b = [0u8; 1];
        while let Ok(1) = out.read(&mut b) {
            if b[0] == b'\n' {
                break;
            }
            line.push(b[0]);
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}
