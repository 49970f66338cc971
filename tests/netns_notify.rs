//! systemd's readiness protocol written by hand (issue 2 "Beyond"; spec §5.12): the
//! datagrams the real daemon sends to `$NOTIFY_SOCKET`, a path or an abstract `@name`,
//! at start-up, around each reload (SIGHUP and `smcroutectl reload`) and at exit.

mod common;
#[path = "common/spawn.rs"]
mod spawn;

use std::time::Duration;

use common::*;
use spawn::*;

const READY_STATUS: &str = "STATUS=Ready, waiting for client request or kernel event.";

fn ready(pid: u32) -> String {
    format!("READY=1\n{READY_STATUS}\nMAINPID={pid}")
}

/// Waits for the listener to hold `n` messages; returns them.
fn wait_messages(l: &Proc, n: usize) -> Vec<String> {
    wait_for(Duration::from_secs(5), || messages(l).len() >= n);
    messages(l)
}

/// Asserts a RELOADING message; returns its MONOTONIC_USEC.
#[track_caller]
fn assert_reloading(msg: &str) -> u64 {
    let (head, usec) = msg.rsplit_once("\nMONOTONIC_USEC=").unwrap_or(("", ""));
    assert_eq!(
        head, "RELOADING=1\nSTATUS=Reloading configuration, please wait ...",
        "{msg:?}"
    );
    usec.parse()
        .unwrap_or_else(|_| panic!("MONOTONIC_USEC in {msg:?}"))
}

#[test]
fn notify_socket_path_ready_reloading_stopping() {
    let Some(env) = env("notify_socket_path_ready_reloading_stopping") else {
        return;
    };
    if env.needs_26("systemd notify without libsystemd") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    let path = t.dir.join("notify.sock");
    let l = listener(None, &t.dir, "notify", &["dgram", path.to_str().unwrap()]);
    let conf = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";
    let mut d = start(
        &t,
        &env.daemon,
        conf,
        &["-l", "debug"],
        &[("NOTIFY_SOCKET", path.to_str().unwrap())],
    );
    let pid = d.proc.pid;
    let msgs = wait_messages(&l, 1);
    assert_eq!(msgs, vec![ready(pid)], "at start-up");

    d.reload_hup();
    let msgs = wait_messages(&l, 3);
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    let first = assert_reloading(&msgs[1]);
    assert_eq!(msgs[2], ready(pid), "after the SIGHUP reload");

    assert_eq!(d.ctl(&env.ctl, &["reload"]).code, 0);
    let msgs = wait_messages(&l, 5);
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    let second = assert_reloading(&msgs[3]);
    assert!(second > first, "MONOTONIC_USEC {first} then {second}");
    assert_eq!(msgs[4], ready(pid), "after smcroutectl reload");

    d.proc.signal("TERM");
    assert_eq!(d.proc.wait_exit(Duration::from_secs(5)), Some(0));
    let msgs = wait_messages(&l, 6);
    assert_eq!(msgs.len(), 6, "{msgs:?}");
    assert_eq!(msgs[5], "STOPPING=1");
}

#[test]
fn notify_socket_abstract_and_absent() {
    let Some(env) = env("notify_socket_abstract_and_absent") else {
        return;
    };
    if env.needs_26("systemd notify without libsystemd") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    let name = format!("@{}", unique("notify"));
    // Abstract names live in the network namespace: listen in the daemon's.
    let l = listener(Some(&t.r), &t.dir, "notify", &["dgram", &name]);
    let conf = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";
    let mut d = start(&t, &env.daemon, conf, &[], &[("NOTIFY_SOCKET", &name)]);
    assert_eq!(wait_messages(&l, 1), vec![ready(d.proc.pid)]);
    let o = d.ctl(&env.ctl, &["kill"]);
    assert_eq!(o.code, 0, "{o:?}");
    assert_eq!(d.proc.wait_exit(Duration::from_secs(5)), Some(0));
    assert_eq!(
        wait_messages(&l, 2),
        vec![ready(d.proc.pid), "STOPPING=1".to_string()]
    );

    // A socket nobody listens on, or a form we do not speak: the daemon runs as usual.
    for bad in ["@smit-nobody-listens-here", "vsock:2:1234", "relative/path"] {
        let mut d = start(&t, &env.daemon, conf, &[], &[("NOTIFY_SOCKET", bad)]);
        assert!(t.r.mfc("10.0.1.2", "225.1.2.3").is_some(), "{bad}");
        assert_eq!(d.ctl(&env.ctl, &["reload"]).code, 0, "{bad}");
        assert_eq!(d.proc.stop(), 0, "{bad}");
    }
}
