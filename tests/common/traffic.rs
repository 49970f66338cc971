//! Multicast senders and receivers (python3 `tests/tools/mcast.py`) inside namespaces.

use std::process::{Child, Command, Stdio};

use super::{mcast_py, must, read_line, Ns};

/// A receiver joined to a group on a host interface, counting datagrams until finished.
pub struct Receiver {
    child: Option<Child>,
    what: String,
}

/// What a receiver counted.
#[derive(Debug, Default)]
pub struct Received {
    pub count: u32,
    /// Per source address: (address, count).
    pub sources: Vec<(String, u32)>,
    /// Sequence numbers received (payload counters of `send`), comma-separated.
    pub seqs: String,
}

impl Receiver {
    /// Starts `mcast.py recv` and waits until it has joined the group.
    pub fn start(ns: &Ns, ifname: &str, group: &str, port: u16) -> Receiver {
        let what = format!("receiver {group}:{port} on {}:{ifname}", ns.name);
        let mut child = ns
            .cmd("python3")
            .arg(mcast_py())
            .args(["recv", ifname, group, &port.to_string(), "--duration", "60"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let line = read_line(&mut child);
        if line.trim() != "READY" {
            let _ = child.kill();
            let out = child.wait_with_output().expect("receiver output");
            panic!(
                "{what} did not start: {line}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Receiver {
            child: Some(child),
            what,
        }
    }

    /// Closes its stdin (the signal that the senders are done) and collects the count.
    pub fn finish(mut self) -> Received {
        let mut child = self.child.take().expect("receiver finished twice");
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("receiver output");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} failed: {text}{}",
            self.what,
            String::from_utf8_lossy(&out.stderr)
        );
        let mut r = Received::default();
        for line in text.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            match f.as_slice() {
                ["COUNT", n] => r.count = n.parse().expect("count"),
                ["SEQ", list] => r.seqs = list.to_string(),
                ["SRC", a, n] => r.sources.push((a.to_string(), n.parse().expect("count"))),
                _ => {}
            }
        }
        // Captured by the test runner: shown only when the test fails.
        eprintln!("{}: {r:?}", self.what);
        r
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Options of `mcast.py send`.
#[derive(Clone, Debug)]
pub struct SendOpts {
    pub ifname: String,
    pub group: String,
    pub port: u16,
    pub count: u32,
    pub interval: f64,
    pub ttl: u8,
    pub source: Option<String>,
}

impl SendOpts {
    pub fn new(ifname: &str, group: &str, port: u16, count: u32) -> SendOpts {
        SendOpts {
            ifname: ifname.to_string(),
            group: group.to_string(),
            port,
            count,
            interval: 0.01,
            ttl: 8,
            source: None,
        }
    }

    pub fn ttl(mut self, ttl: u8) -> SendOpts {
        self.ttl = ttl;
        self
    }
}

fn sent_of(out: &str) -> u32 {
    out.lines()
        .find_map(|l| l.strip_prefix("SENT "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("sender printed no SENT line: {out}"))
}

/// Sends datagrams as `opts` says from inside `ns`; returns how many were sent.
pub fn send(ns: &Ns, opts: &SendOpts) -> u32 {
    let mut c: Command = ns.cmd("python3");
    c.arg(mcast_py()).args([
        "send",
        &opts.ifname,
        &opts.group,
        &opts.port.to_string(),
        "--count",
        &opts.count.to_string(),
        "--interval",
        &opts.interval.to_string(),
        "--ttl",
        &opts.ttl.to_string(),
    ]);
    if let Some(src) = &opts.source {
        c.args(["--source", src]);
    }
    sent_of(&must(&mut c))
}

/// Writes raw frames from forged sources (`sources` is `A,B,...` or, with `range`,
/// `BASE/COUNT`), `rounds` times each, on a host interface; returns frames sent.
pub fn rawsend(ns: &Ns, ifname: &str, group: &str, port: u16, sources: &str, rounds: u32) -> u32 {
    rawsend_paced(ns, ifname, group, port, sources, rounds, 0.0)
}

/// [`rawsend`] with a pause of `gap` seconds after each frame.
pub fn rawsend_paced(
    ns: &Ns,
    ifname: &str,
    group: &str,
    port: u16,
    sources: &str,
    rounds: u32,
    gap: f64,
) -> u32 {
    let flag = if sources.contains('/') {
        "--source-range"
    } else {
        "--sources"
    };
    let out = must(ns.cmd("python3").arg(mcast_py()).args([
        "rawsend",
        ifname,
        group,
        &port.to_string(),
        flag,
        sources,
        "--count",
        &rounds.to_string(),
        "--interval",
        "0.01",
        "--gap",
        &gap.to_string(),
    ]));
    sent_of(&out)
}
