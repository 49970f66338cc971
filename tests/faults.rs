//! Faults while traffic flows (issue 5, "Faults"): interface churn, 100 reloads under a
//! live stream, a conf that vanishes or turns to garbage, kernel refusals (mroute socket
//! taken, IPv6 multicast routing taken, `MRT_ADD_MFC` failing) and SIGTERM under load.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::hostile::*;
use common::*;

const LIVE: &str = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";

/// Row of `show interfaces` for `ifname`: (index, vif, mif) as printed.
fn iface_row(d: &Daemon, ifname: &str) -> Option<(u32, String, String)> {
    let out = d.ctl_ok(&["-t", "show", "interfaces"]);
    out.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        match f.as_slice() {
            [idx, name, vif, mif] if *name == ifname => {
                Some((idx.parse().ok()?, vif.to_string(), mif.to_string()))
            }
            _ => None,
        }
    })
}

/// Reloads by SIGHUP or `smcroutectl reload` and waits for the "Ready" line.
fn reload(d: &Daemon, by_signal: bool) {
    let ready = "Ready, waiting";
    let before = count_lines(&d.log_text(), ready);
    if by_signal {
        d.signal("HUP");
    } else {
        d.ctl_ok(&["reload"]);
    }
    let done = wait_for(Duration::from_secs(5), || {
        count_lines(&d.log_text(), ready) > before
    });
    assert!(done, "reload did not finish; log:\n{}", d.log_text());
}

fn alive(d: &mut Daemon) {
    assert_eq!(d.wait_exit(Duration::ZERO), None, "daemon died");
}

#[test]
fn interface_churn_under_traffic() {
    let Some(env) = env("interface_churn_under_traffic") else {
        return;
    };
    if env.needs_26("netlink hot-plug and pending re-activation") {
        return;
    }
    let mut t = Topology::new(&["s1", "h1", "h2"]);
    let conf = format!(
        "{LIVE}\
mroute from a1 source 10.0.1.2 group 225.1.2.4 to a3
mroute from a1 source 10.0.1.2 group 225.1.2.5 to b9
mgroup from a3 group 225.8.8.8
"
    );
    let mut d = t.start(&env, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 6101, 0.005);
    let old = iface_row(&d, "a3").expect("a3 in show interfaces");
    assert_ne!(old.1, "N/A", "a3 has no VIF: {old:?}");

    // Deleted: kept in `show interfaces` without a VIF; its route and join go pending.
    t.r.ip(&["link", "del", "a3"]);
    let gone = wait_for(Duration::from_secs(5), || {
        iface_row(&d, "a3").is_some_and(|r| r.1 == "N/A")
    });
    assert!(gone, "a3 after delete: {:?}", iface_row(&d, "a3"));
    alive(&mut d);
    let pending = d.ctl_ok(&["show", "pending"]);
    assert!(
        pending.contains("group 225.1.2.4 to a3"),
        "route via a3 not pending:\n{pending}"
    );
    // The OIF is pruned (SMCRoute keeps the entry, forwarding nowhere).
    let pruned = t.r.mfc("10.0.1.2", "225.1.2.4");
    assert!(
        pruned.as_ref().is_none_or(|e| e.oifs.is_empty()),
        "entry still forwards to the deleted a3: {pruned:?}"
    );

    // Re-created with a new ifindex: pending entries activate, forwarding resumes.
    t.add_host_as("h3", "a3", 3);
    let new_index = t.r.ifindex("a3");
    assert_ne!(new_index, old.0, "veth got its old ifindex back");
    let back = wait_for(Duration::from_secs(5), || {
        iface_row(&d, "a3").is_some_and(|r| r.0 == new_index && r.1 != "N/A")
            && t.r
                .mfc("10.0.1.2", "225.1.2.4")
                .is_some_and(|e| !e.oifs.is_empty())
    });
    assert!(
        back,
        "a3 re-created: {:?}, pending:\n{}",
        iface_row(&d, "a3"),
        d.ctl_ok(&["show", "pending"])
    );
    assert!(
        t.r.maddr("a3").contains(&addr("225.8.8.8")),
        "join not restored on the re-created a3"
    );
    let got = t.flow("s1", &["h3"], "225.1.2.4", 6102, 20);
    assert_arrived("via re-created a3", got[0], 20, 95);

    // Renamed: the new name appears, the old one is kept without VIF; renamed back, it
    // forwards again.
    for (from, to) in [("a3", "c3"), ("c3", "a3")] {
        t.r.ip(&["link", "set", from, "down"]);
        t.r.ip(&["link", "set", from, "name", to]);
        t.r.ip(&["link", "set", to, "up"]);
        let seen = wait_for(Duration::from_secs(5), || {
            iface_row(&d, to).is_some_and(|r| r.0 == new_index)
        });
        assert!(seen, "{to} not in show interfaces after rename");
        alive(&mut d);
    }
    let ok = wait_for(Duration::from_secs(5), || {
        t.r.mfc("10.0.1.2", "225.1.2.4")
            .is_some_and(|e| !e.oifs.is_empty())
    });
    assert!(ok, "route via a3 not back after renames");
    let got = t.flow("s1", &["h3"], "225.1.2.4", 6103, 20);
    assert_arrived("via a3 after renames", got[0], 20, 95);

    // Down and up.
    for _ in 0..3 {
        t.r.ip(&["link", "set", "a3", "down"]);
        std::thread::sleep(Duration::from_millis(100));
        t.r.ip(&["link", "set", "a3", "up"]);
        std::thread::sleep(Duration::from_millis(100));
    }
    alive(&mut d);
    let got = t.flow("s1", &["h3"], "225.1.2.4", 6104, 20);
    assert_arrived("via a3 after down/up", got[0], 20, 95);

    // An interface the conf named before it existed.
    t.add_host_as("h9", "b9", 9);
    let ok = wait_for(Duration::from_secs(5), || {
        t.r.mfc("10.0.1.2", "225.1.2.5").is_some()
    });
    assert!(ok, "pending route to b9 not activated");
    let got = t.flow("s1", &["h9"], "225.1.2.5", 6105, 20);
    assert_arrived("via late b9", got[0], 20, 95);

    // None of this touched the stream through a2.
    let (sent, received) = live.finish();
    eprintln!("FIGURES churn: stream sent {sent} received {received}");
    assert_eq!(
        received, sent,
        "packets lost on a2 during churn of other links"
    );

    // a2 itself down and up: forwarding resumes without a reload.
    t.r.ip(&["link", "set", "a2", "down"]);
    std::thread::sleep(Duration::from_millis(200));
    t.r.ip(&["link", "set", "a2", "up"]);
    let ok = wait_for(Duration::from_secs(5), || {
        t.r.mfc("10.0.1.2", "225.1.2.3")
            .is_some_and(|e| !e.oifs.is_empty())
    });
    assert!(ok, "route via a2 lost after down/up");
    let got = t.flow("s1", &["h1"], "225.1.2.3", 6106, 20);
    assert_arrived("via a2 after down/up", got[0], 20, 95);
    d.stop_clean();
}

#[test]
fn hundred_reloads_under_traffic_lose_nothing() {
    let Some(env) = env("hundred_reloads_under_traffic_lose_nothing") else {
        return;
    };
    let t = Topology::new(&["s1", "h1", "h2"]);
    // The live route stays; the rest changes on every reload.
    let a = format!(
        "{LIVE}mroute from a1 source 10.0.1.2 group 225.4.4.4 to a3\n\
         mroute from a1 group 225.5.0.0/16 to a3\nmgroup from a3 group 225.6.6.6\n"
    );
    let b = format!(
        "phyint a3 ttl-threshold 4\nmroute from a1 group 225.7.7.7 to a3\n{LIVE}\
         mgroup from a2 group 225.6.6.7\n"
    );
    let mut d = t.start(&env, &a, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 6201, 0.005);
    let start = Instant::now();
    for i in 0..100 {
        d.rewrite_conf(if i % 2 == 0 { &b } else { &a });
        reload(&d, i % 3 != 0);
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    alive(&mut d);
    let (sent, received) = live.finish();
    eprintln!(
        "FIGURES reloads: 100 reloads in {took:?}; stream sent {sent} received {received} \
         lost {}",
        sent - received
    );
    assert_eq!(received, sent, "packets lost during 100 reloads");
    assert!(sent >= 200, "stream too short to mean anything: {sent}");
    let e = t.r.mfc("10.0.1.2", "225.1.2.3").expect("live route gone");
    assert_eq!(t.r.oif_names(&e), vec![("a2".to_string(), 1)]);
    assert_eq!(count_lines(&d.log_text(), "Reloading configuration"), 100);
    d.stop_clean();
}

#[test]
fn bad_conf_at_reload_keeps_running_routes() {
    let Some(env) = env("bad_conf_at_reload_keeps_running_routes") else {
        return;
    };
    let t = Topology::new(&["s1", "h1", "h2"]);
    let conf = format!("{LIVE}mroute from a1 source 10.0.1.2 group 225.4.4.4 to a3\n");
    let mut d = t.start(&env, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 6301, 0.005);
    let path = d.conf.clone();
    let check = |what: &str, d: &Daemon| {
        for g in ["225.1.2.3", "225.4.4.4"] {
            assert!(t.r.mfc("10.0.1.2", g).is_some(), "{what}: (S,{g}) dropped");
        }
        let show = d.ctl_ok(&["-t", "show"]);
        assert!(show.contains("(10.0.1.2, 225.4.4.4)"), "{what}:\n{show}");
    };

    std::thread::sleep(Duration::from_millis(300));
    // Disappears.
    std::fs::rename(&path, path.with_extension("away")).unwrap();
    reload(&d, true);
    assert!(
        d.log_text().contains("does not exist"),
        "missing conf not logged"
    );
    check("conf missing", &d);

    std::thread::sleep(Duration::from_millis(300));
    // Unreadable (a directory where the file was: root reads any file).
    std::fs::create_dir(&path).unwrap();
    reload(&d, false);
    assert!(
        d.log_text()
            .contains(&format!("Failed reading {}", path.display())),
        "unreadable conf not logged"
    );
    check("conf unreadable", &d);
    std::fs::remove_dir(&path).unwrap();

    std::thread::sleep(Duration::from_millis(300));
    // Garbage between the good lines: each bad line logged with file and line.
    let garbage = format!(
        "\u{1}\u{2}\u{3}\u{7f}binary\n{LIVE}mroute from a1 source 10.0.1.2 group 225.4.4.4 to a3\n\
         mroute from a1 source 999.1.1.1 group 225.1.1.1 to a2\n\
         mroute from a1 source 10.0.1.2 group 10.1.1.1 to a2\n\
         mgroup from a2 group 225.1.1.1/99\n\
         phyint a2 ttl-threshold 9999\n\
         {}\n\
         include\n",
        "x".repeat(70_000)
    );
    let mut bytes = garbage.into_bytes();
    bytes.extend_from_slice(b"mroute from \xff\xfe group \x00\x01\n");
    std::fs::write(&path, &bytes).unwrap();
    let logged = d.log_text().lines().count();
    reload(&d, true);
    check("garbage conf", &d);
    let log = d.log_text();
    let new: Vec<&str> = log.lines().skip(logged).collect();
    let at = |n: u32| {
        let tag = format!("{} line {n}:", path.display());
        new.iter().any(|l| l.contains(&tag))
    };
    for n in [1, 4, 5, 6, 7, 8, 9, 10] {
        assert!(at(n), "no error logged for line {n}:\n{}", new.join("\n"));
    }
    alive(&mut d);

    let (sent, received) = live.finish();
    eprintln!("FIGURES bad conf: stream sent {sent} received {received}");
    assert_eq!(received, sent, "packets lost during bad reloads");
    d.rewrite_conf(&conf);
    reload(&d, false);
    check("good conf again", &d);
    d.stop_clean();
}

#[test]
fn mroute_socket_taken_exits_69() {
    let Some(env) = env("mroute_socket_taken_exits_69") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let mut d = t.start(&env, LIVE, &[]);
    let out = run(t
        .r
        .cmd(&env.daemon)
        .arg("-n")
        .arg("-f")
        .arg(&d.conf)
        .arg("-u")
        .arg(t.dir.join("second.sock"))
        .arg("-P")
        .arg(t.dir.join("second.pid"))
        .stdin(Stdio::null()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "second daemon: {err}");
    assert!(
        err.contains("already in use") && err.contains("another multicast routing daemon"),
        "second daemon's message: {err}"
    );
    assert!(
        !t.dir.join("second.pid").exists(),
        "second daemon wrote a PID file"
    );
    alive(&mut d);
    let got = t.flow("s1", &["h1"], "225.1.2.3", 6401, 20);
    assert_arrived("first daemon still routes", got[0], 20, 95);
    d.stop_clean();
}

#[test]
fn ipv6_routing_taken_continues_ipv4_only() {
    let Some(env) = env("ipv6_routing_taken_continues_ipv4_only") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    // Another process holds MRT6_INIT (MRT6_BASE 200) in the router namespace.
    let hold = "import socket,struct,sys\n\
s=socket.socket(socket.AF_INET6,socket.SOCK_RAW,socket.IPPROTO_ICMPV6)\n\
s.setsockopt(socket.IPPROTO_IPV6,200,struct.pack('i',1))\n\
print('READY',flush=True)\nsys.stdin.read()\n";
    let mut holder =
        t.r.cmd("python3")
            .args(["-c", hold])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
    assert_eq!(read_line(&mut holder), "READY");
    let conf = format!("{LIVE}mroute from a1 source fc00:1::2 group ff0e::1:3 to a2\n");
    let mut d = t.start(&env, &conf, &[]);
    assert!(
        d.wait_log("IPv6 multicast routing unavailable", Duration::from_secs(2)),
        "no notice about IPv6"
    );
    let o = d.ctl(&["add", "a1", "fc00:1::2", "ff0e::9", "a2"]);
    assert_eq!(o.code, 1, "IPv6 add without IPv6 routing: {o:?}");
    alive(&mut d);
    let got = t.flow("s1", &["h1"], "225.1.2.3", 6501, 20);
    assert_arrived("IPv4 without IPv6", got[0], 20, 95);
    d.ctl_ok(&["show"]);
    d.stop_clean();
    drop(holder.stdin.take());
    let _ = holder.wait();
}

/// A wrapper script that starts the daemon with the `MRT_ADD_MFC` failing shim.
fn shimmed(t: &Topology, daemon: &Path) -> std::path::PathBuf {
    let so = fail_mfc_shim();
    let wrapper = t.write(
        "smcrouted-shimmed",
        &format!(
            "#!/bin/sh\nLD_PRELOAD={} exec {} \"$@\"\n",
            so.display(),
            daemon.display()
        ),
    );
    must(Command::new("chmod").arg("755").arg(&wrapper));
    wrapper
}

#[test]
fn mfc_add_failure_is_logged_never_fatal() {
    let Some(env) = env("mfc_add_failure_is_logged_never_fatal") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = format!(
        "{LIVE}mroute from a1 source 10.0.1.2 group 225.66.1.1 to a2\n\
         mroute from a1 group 225.66.3.0/24 to a2\n"
    );
    let wrapper = shimmed(&t, &env.daemon);
    let mut d = t.start_bin(&wrapper, &env.ctl, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 6601, 0.005);
    assert!(
        d.wait_log(
            "failed adding IPv4 multicast route (10.0.1.2,225.66.1.1)",
            Duration::from_secs(2)
        ),
        "conf route refusal not logged"
    );
    // Through IPC: an error reply naming the failure.
    let o = d.ctl(&["add", "a1", "10.0.1.2", "225.66.2.2", "a2"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("failed adding IPv4 multicast route"),
        "{o:?}"
    );
    // Through an upcall of a template: logged.
    t.send("s1", "225.66.3.3", 6602, 3);
    assert!(
        d.wait_log("225.66.3.3", Duration::from_secs(2)),
        "upcall refusal not logged"
    );
    alive(&mut d);
    let show = d.ctl_ok(&["-t", "show"]);
    assert!(show.contains("(10.0.1.2, 225.1.2.3)"), "{show}");
    let (sent, received) = live.finish();
    assert_eq!(
        received, sent,
        "packets lost while the kernel refused routes"
    );
    d.stop_clean();
}

#[test]
fn sigterm_under_load_cleans_up() {
    let Some(env) = env("sigterm_under_load_cleans_up") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = format!(
        "{LIVE}mroute from a1 group 225.9.0.0/16 to a2\n\
         mroute from a1 source fc00:1::2 group ff0e::1:3 to a2\nmgroup from a2 group 225.7.7.7\n"
    );
    // What the namespace starts with (see netns_forward.rs `ipv6_sg_forwarded`).
    let before = ["ipv4", "ipv6"].map(|fam| t.r.mc_forwarding(fam));
    let mut d = t.start(&env, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 6701, 0.002);
    // Load: a flood of new sources (upcalls) and a client asking `show` in a loop.
    let flood = t
        .ns("s1")
        .cmd("python3")
        .arg(mcast_py())
        .args(["rawsend", "eth0", "225.9.1.1", "6702"])
        .args(["--source-range", "10.77.0.1/2000", "--count", "50"])
        .args(["--interval", "0", "--gap", "0"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let sock = d.sock.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let asker = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(mut s) = std::os::unix::net::UnixStream::connect(&sock) {
                    use std::io::{Read, Write};
                    let _ = s.write_all(&frame(b'S', &["routes"]));
                    let mut sink = Vec::new();
                    let _ = s.read_to_end(&mut sink);
                    n += 1;
                }
            }
            n
        })
    };
    let loaded = wait_for(Duration::from_secs(5), || t.r.mfc4().len() > 20);
    assert!(loaded, "no load: {} MFC entries", t.r.mfc4().len());
    let start = Instant::now();
    let code = d.stop();
    let took = start.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let asked = asker.join().unwrap();
    let mut flood = flood;
    let _ = flood.kill();
    let _ = flood.wait();
    drop(live);
    eprintln!("FIGURES sigterm: exit {code} after {took:?}, {asked} show requests served");
    assert_eq!(code, 0, "exit code on SIGTERM under load");
    assert!(took < Duration::from_secs(3), "slow exit: {took:?}");
    assert!(!d.pidfile.exists(), "PID file left behind");
    assert!(!d.sock.exists(), "IPC socket left behind");
    // MRT_DONE / MRT6_DONE: the kernel dropped every VIF, MIF and MFC entry.
    assert!(t.r.vifs4().is_empty(), "VIFs left: {:?}", t.r.vifs4());
    assert!(t.r.vifs6().is_empty(), "MIFs left: {:?}", t.r.vifs6());
    assert!(t.r.mfc4().is_empty(), "MFC left: {:?}", t.r.mfc4());
    assert!(t.r.mfc6().is_empty(), "MFC6 left: {:?}", t.r.mfc6());
    assert!(
        !t.r.maddr("a2").contains(&addr("225.7.7.7")),
        "group still joined"
    );
    for (fam, before) in ["ipv4", "ipv6"].into_iter().zip(before) {
        assert_eq!(
            t.r.mc_forwarding(fam),
            before,
            "{fam} mc_forwarding after exit"
        );
    }
}
