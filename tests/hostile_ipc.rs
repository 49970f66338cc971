//! Hostile IPC clients against a daemon that routes a live stream (issue 5, "Hostile
//! IPC"): lying `len` fields, `count` above 35, missing NULs, empty frames, frames split
//! into single bytes, garbage after a valid frame, a client that never sends, one that
//! never reads a large reply, 1,000 connections at once, unknown command letters. Each
//! gets a clear error reply or a closed connection and a log line; the stream through the
//! configured route loses nothing and `show` answers after every case. The socket is
//! root-only.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, Instant};

use common::hostile::*;
use common::*;

const ROUTE: &str = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";

/// The exact route plus `n` templates, so that `show` is large (about 60 bytes a rule).
fn big_conf(n: u32) -> String {
    let mut conf = String::from(ROUTE);
    for i in 0..n {
        conf += &format!(
            "mroute from a1 group 225.50.{}.{} to a2\n",
            i / 250,
            i % 250 + 1
        );
    }
    conf
}

/// `show` through the real control tool must answer, fast, with the configured route.
#[track_caller]
fn show_works(d: &Daemon, after: &str) {
    let start = Instant::now();
    let o = d.ctl(&["-t", "show"]);
    assert_eq!(o.code, 0, "show after {after}: {o:?}");
    assert!(
        o.stdout.contains("(10.0.1.2, 225.1.2.3)"),
        "show after {after} lacks the route: {}",
        &o.stdout[..o.stdout.len().min(500)]
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "show after {after} took {:?}",
        start.elapsed()
    );
}

/// One malformed request: the reply must be `want` + NUL and the connection closed, and
/// the daemon must log `want`.
#[track_caller]
fn refused(d: &Daemon, what: &str, bytes: &[u8], want: &str) {
    let logged = count_lines(&d.log_text(), want);
    let r = ask(&d.sock, bytes);
    assert!(r.closed, "{what}: connection left open ({r:?})");
    assert_eq!(r.text(), format!("{want}\\0"), "{what}: reply");
    assert!(
        d.wait_log(want, Duration::from_secs(2)) && count_lines(&d.log_text(), want) > logged,
        "{what}: no log line {want:?}"
    );
    show_works(d, what);
}

#[test]
fn hostile_clients_do_not_disturb_routing() {
    let Some(env) = env("hostile_clients_do_not_disturb_routing") else {
        return;
    };
    if env.needs_26("IPC hardening of smcroute-rs") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    // 3,000 templates: `show` is ~170 KB, more than a socket buffer holds.
    let d = t.start(&env, &big_conf(3000), &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 6001, 0.005);
    std::thread::sleep(Duration::from_millis(200));

    // --- lying len fields ---
    let body = b"routes\0\0";
    refused(
        &d,
        "len shorter than the header",
        &raw_frame(4, b's'.into(), 1, body),
        "Bad message length",
    );
    refused(
        &d,
        "len 0",
        &raw_frame(0, b's'.into(), 0, &[]),
        "Bad message length",
    );
    refused(
        &d,
        "len past 1024",
        &raw_frame(2000, b's'.into(), 1, body),
        "Message too long",
    );
    refused(
        &d,
        "len u64::MAX",
        &raw_frame(u64::MAX, b's'.into(), 1, body),
        "Message too long",
    );
    // Shorter than the strings: the second string runs past len.
    refused(
        &d,
        "len cutting a string",
        &raw_frame((HDR + 3) as u64, b'a'.into(), 2, b"a1\0"),
        "Bad message",
    );
    // Longer than what is sent: the daemon waits for the rest, then drops the client.
    {
        let before = count_lines(&d.log_text(), "idle too long");
        let mut c = Conn::open(&d.sock);
        c.send(&raw_frame((HDR + 200) as u64, b's'.into(), 1, body));
        show_works(&d, "a partial frame pending");
        let r = c.reply(Duration::from_secs(6));
        assert!(r.closed && r.bytes.is_empty(), "len too long: {r:?}");
        assert!(
            r.took >= Duration::from_millis(1500),
            "dropped too early: {r:?}"
        );
        assert!(count_lines(&d.log_text(), "idle too long") > before);
        show_works(&d, "len too long");
    }

    // --- count above 35, missing NULs, non-UTF-8, empty frames ---
    let mut words = Vec::new();
    for i in 0..36 {
        words.extend_from_slice(format!("x{i}\0").as_bytes());
    }
    words.push(0);
    refused(
        &d,
        "count 36",
        &raw_frame((HDR + words.len()) as u64, b'a'.into(), 36, &words),
        "Argument list too long",
    );
    refused(
        &d,
        "count 65535",
        &raw_frame((HDR + 8) as u64, b's'.into(), u16::MAX, b"routes\0\0"),
        "Argument list too long",
    );
    refused(
        &d,
        "missing NUL terminators",
        &raw_frame((HDR + 6) as u64, b's'.into(), 1, b"routes"),
        "Bad message",
    );
    refused(
        &d,
        "count above the strings sent",
        &raw_frame((HDR + 8) as u64, b'a'.into(), 3, b"routes\0\0"),
        "Bad message",
    );
    refused(
        &d,
        "bytes after the last string",
        &raw_frame((HDR + 12) as u64, b's'.into(), 1, b"routes\0\0junk"),
        "Bad message",
    );
    refused(
        &d,
        "not UTF-8",
        &raw_frame((HDR + 5) as u64, b'a'.into(), 1, b"\xff\xfe\0\0\0"),
        "Invalid or incomplete multibyte or wide character",
    );
    // A header alone is a request without arguments: `show` of the routes.
    let r = ask(&d.sock, &raw_frame(HDR as u64, b's'.into(), 0, &[]));
    assert!(r.closed && r.replies() == 1, "header-only frame: {r:?}");
    assert!(
        r.text().contains("(10.0.1.2, 225.1.2.3)"),
        "header-only show"
    );
    // A connection that closes without a byte.
    {
        let c = Conn::open(&d.sock);
        let _ = c.s.shutdown(std::net::Shutdown::Write);
        let mut c = c;
        let r = c.reply(Duration::from_secs(3));
        assert!(r.closed && r.bytes.is_empty(), "empty connection: {r:?}");
        show_works(&d, "empty connection");
    }

    // --- unknown command letters ---
    refused(
        &d,
        "unknown letter",
        &frame(b'x', &["a1"]),
        "Unknown or malformed IPC message 'x' from client.",
    );
    refused(
        &d,
        "command wider than a byte",
        &raw_frame((HDR + 1) as u64, 0x1273, 0, &[0]),
        "Unknown or malformed IPC message '?' from client.",
    );

    // --- a frame split into single bytes: still one well-formed request ---
    {
        let req = frame(b'a', &["a1", "10.0.1.2", "225.1.9.9", "a2"]);
        let mut c = Conn::open(&d.sock);
        for b in &req {
            assert!(c.send(&[*b]), "daemon closed during a byte-wise frame");
            std::thread::sleep(Duration::from_millis(2));
        }
        let r = c.reply(Duration::from_secs(3));
        assert_eq!(r.text(), "\\0", "byte-wise add: {r:?}");
        assert!(r.closed);
        assert!(t.r.mfc("10.0.1.2", "225.1.9.9").is_some(), "byte-wise add");
        show_works(&d, "single bytes");
    }

    // --- garbage after a valid frame: the valid one is answered, then an error ---
    {
        let mut bytes = frame(b'r', &["a1", "10.0.1.2", "225.1.9.9"]);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        let logged = d.log_text().lines().count();
        let r = ask(&d.sock, &bytes);
        assert!(r.closed, "garbage after a frame: connection left open");
        assert!(
            r.text().starts_with("\\0") && r.replies() == 2,
            "want the remove's reply, then an error: {r:?}"
        );
        assert!(t.r.mfc("10.0.1.2", "225.1.9.9").is_none(), "remove lost");
        let text = d.log_text();
        let new: Vec<&str> = text.lines().skip(logged).collect();
        assert!(
            new.iter()
                .any(|l| l.contains("Message too long") || l.contains("Bad")),
            "no log line for the garbage: {new:?}"
        );
        show_works(&d, "garbage after a frame");
    }

    // --- a client that connects and never sends ---
    {
        let before = count_lines(&d.log_text(), "idle too long");
        let mut c = Conn::open(&d.sock);
        show_works(&d, "a silent client connected");
        let r = c.reply(Duration::from_secs(6));
        assert!(r.closed && r.bytes.is_empty(), "silent client: {r:?}");
        assert!(count_lines(&d.log_text(), "idle too long") > before);
    }

    // --- a client that never reads a large reply ---
    {
        let mut stuck = Conn::open(&d.sock);
        stuck.send(&frame(b'S', &["routes"]));
        std::thread::sleep(Duration::from_millis(100));
        show_works(&d, "a client not reading its show");
        // Another client gets its full reply meanwhile.
        let r = ask(&d.sock, &frame(b's', &["routes"]));
        assert!(
            r.replies() == 1 && r.bytes.len() > 150_000,
            "big show: {} B",
            r.bytes.len()
        );
        // It got what fitted in the socket buffer, without the final NUL: the client
        // sees a truncated reply and end of file, never a reply claiming success.
        let r = stuck.reply(Duration::from_secs(5));
        assert!(r.closed, "non-reading client never dropped");
        assert_eq!(r.replies(), 0, "truncated reply ends in NUL");
        assert!(
            d.wait_log("client not reading its reply", Duration::from_secs(2)),
            "no log line for the non-reading client"
        );
        show_works(&d, "non-reading client");
    }

    // --- 1,000 connections opened at once, each with a request ---
    {
        let start = Instant::now();
        let mut conns: Vec<Conn> = (0..1000)
            .map(|_| {
                let mut c = Conn::open(&d.sock);
                c.send(&frame(b's', &["interfaces"]));
                c
            })
            .collect();
        let (mut answered, mut refused_n) = (0, 0);
        for c in conns.iter_mut() {
            let r = c.reply(Duration::from_secs(5));
            assert!(r.closed, "a connection of the 1,000 hangs");
            if r.replies() == 1 && r.text().contains("PHYINT") {
                answered += 1;
            } else {
                assert!(r.bytes.is_empty(), "odd reply: {r:?}");
                refused_n += 1;
            }
        }
        eprintln!(
            "FIGURES 1000 sequential connections: {answered} answered, {refused_n} closed unanswered, {:?}",
            start.elapsed()
        );
        assert_eq!(answered + refused_n, 1000);
        assert!(answered >= 8, "only {answered} of 1000 answered");
        if refused_n > 0 {
            assert!(d.log_text().contains("too many clients"), "no log line");
        }
        show_works(&d, "1000 connections");
    }

    // --- 1,000 connections open at the same time, requests sent only then ---
    {
        let before = count_lines(&d.log_text(), "too many clients");
        let idle_before = count_lines(&d.log_text(), "idle too long");
        let mut conns: Vec<Conn> = (0..1000).map(|_| Conn::open(&d.sock)).collect();
        for c in conns.iter_mut() {
            c.send(&frame(b's', &["interfaces"]));
        }
        let (mut answered, mut refused_n) = (0, 0);
        for c in conns.iter_mut() {
            let r = c.reply(Duration::from_secs(5));
            assert!(r.closed, "a connection of the 1,000 hangs");
            if r.replies() == 1 && r.text().contains("PHYINT") {
                answered += 1;
            } else {
                assert!(r.bytes.is_empty(), "odd reply: {r:?}");
                refused_n += 1;
            }
        }
        // Refused at accept, or (on a very slow machine) dropped idle before its request.
        let logged = count_lines(&d.log_text(), "too many clients") - before
            + count_lines(&d.log_text(), "idle too long")
            - idle_before;
        eprintln!(
            "FIGURES 1000 simultaneous connections: {answered} answered, {refused_n} closed \
             at once ({logged} logged)"
        );
        assert_eq!(answered + refused_n, 1000);
        assert!(answered >= 1, "no connection answered");
        assert_eq!(logged, refused_n, "one log line per refused connection");
        show_works(&d, "1000 simultaneous connections");
    }

    // The stream through the configured route lost nothing during all of this.
    let (sent, got) = live.finish();
    eprintln!("FIGURES hostile_ipc: stream sent {sent} received {got}");
    assert!(sent > 500, "stream too short: {sent}");
    assert_eq!(got, sent, "packets lost during IPC abuse");
    let e = t.r.mfc("10.0.1.2", "225.1.2.3").expect("route gone");
    assert!(e.pkts >= u64::from(sent));
    let mut d = d;
    d.stop_clean();
}

#[test]
fn ipc_socket_is_root_only() {
    let Some(env) = env("ipc_socket_is_root_only") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let mut d = t.start(&env, ROUTE, &[]);
    let meta = std::fs::metadata(&d.sock).expect("socket exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "socket mode");
    assert_eq!(meta.uid(), 0, "socket owner");
    // The test directory is world-readable, so only the socket's mode stops `nobody`.
    let out = run(as_nobody(&env.ctl).arg("-u").arg(&d.sock).arg("show"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "non-root client: {err}");
    assert!(
        err.contains("Need root privileges to connect to daemon"),
        "non-root client: {err}"
    );
    let out = run(as_nobody(&env.ctl).arg("-u").arg(&d.sock).args([
        "add",
        "a1",
        "10.0.1.2",
        "225.6.6.6",
        "a2",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        t.r.mfc("10.0.1.2", "225.6.6.6").is_none(),
        "non-root added a route"
    );
    d.ctl_ok(&["show"]);
    d.stop_clean();
}
