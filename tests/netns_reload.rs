//! Reload (SIGHUP and `smcroutectl reload`), the VIF order of spec §5.7, pending entries
//! activated by interfaces that appear later, cache expiry (`-c`) and `flush`.

mod common;

use std::time::Duration;

use common::*;

const SG: &str = "mroute from a1 source 10.0.1.2 group 225.1.2.3";

/// OIF names and thresholds of (10.0.1.2, 225.1.2.3), sorted.
fn oifs(t: &Topology) -> Vec<(String, u32)> {
    let e = t.r.mfc("10.0.1.2", "225.1.2.3").expect("(S,G) installed");
    let mut o = t.r.oif_names(&e);
    o.sort();
    o
}

#[test]
fn reload_by_sighup_changes_oifs_and_threshold() {
    let Some(env) = env("reload_by_sighup_changes_oifs_and_threshold") else {
        return;
    };
    let t = Topology::new(&["s1", "h1", "h2"]);
    let mut d = t.start(&env, &format!("{SG} to a2\n"), &[]);
    assert_eq!(oifs(&t), vec![("a2".to_string(), 1)]);
    let got = t.flow("s1", &["h1", "h2"], "225.1.2.3", 5101, 20);
    assert_arrived("h1 before reload", got[0], 20, 95);
    assert_eq!(got[1], 0);

    d.rewrite_conf(&format!("phyint a3 ttl-threshold 3\n{SG} to a3\n"));
    d.reload_hup();
    let line =
        t.r.mroute_line("10.0.1.2", "225.1.2.3")
            .expect("ip mroute line");
    assert!(line.contains("a3(ttl 3)"), "ip mroute after reload: {line}");
    // SMCRoute 2.5 merged the OIFs of a reloaded route; 2.6 replaces them (spec §5.2).
    let replaced = !env.is_legacy();
    if replaced {
        assert_eq!(
            oifs(&t),
            vec![("a3".to_string(), 3)],
            "OIFs/threshold after reload"
        );
        assert!(!line.contains("a2"), "ip mroute after reload: {line}");
    }
    let got = t.flow("s1", &["h1", "h2"], "225.1.2.3", 5101, 20);
    if replaced {
        assert_eq!(got[0], 0, "old OIF still forwarded after reload");
    }
    assert_arrived("h2 after reload", got[1], 20, 95);
    d.stop_clean();
}

#[test]
fn reload_by_ctl_discards_ipc_changes_keeps_learned_flows() {
    let Some(env) = env("reload_by_ctl_discards_ipc_changes_keeps_learned_flows") else {
        return;
    };
    let t = Topology::new(&["s1", "h1", "h2"]);
    let conf = "mroute from a1 group 225.3.3.3 to a2\n";
    let mut d = t.start(&env, conf, &[]);
    t.learn("s1", "225.3.3.3", 5102);
    let got = t.flow("s1", &["h1"], "225.3.3.3", 5102, 20);
    assert_arrived("h1", got[0], 20, 95);
    let before = t.r.mfc("10.0.1.2", "225.3.3.3").expect("learned entry");
    d.ctl_ok(&["add", "a1", "10.0.1.2", "225.9.9.9", "a3"]);
    assert!(
        t.r.mfc("10.0.1.2", "225.9.9.9").is_some(),
        "IPC route not installed"
    );

    // Same conf, reloaded by the control tool: the IPC route goes (by design), the
    // learned flow of the surviving template stays with its counters.
    d.reload_ctl();
    assert!(
        t.r.mfc("10.0.1.2", "225.9.9.9").is_none(),
        "IPC route survived the reload"
    );
    let after =
        t.r.mfc("10.0.1.2", "225.3.3.3")
            .expect("learned entry dropped by reload");
    assert_eq!(after.oifs, before.oifs);
    assert!(
        after.pkts >= before.pkts,
        "counters reset: flow was re-installed"
    );
    let got = t.flow("s1", &["h1"], "225.3.3.3", 5102, 20);
    assert_arrived("h1 after reload (no loss)", got[0], 20, 100);
    d.stop_clean();
}

#[test]
fn reload_vif_order() {
    let Some(env) = env("reload_vif_order") else {
        return;
    };
    if env.needs_26("lazy VIF allocation, spec §5.7 order") {
        return;
    }
    let t = Topology::new(&["s1", "h1", "h2"]);
    let mut d = t.start(&env, &format!("{SG} to a2\n"), &[]);
    assert_eq!(t.r.vif_of("a1"), Some(0));
    assert_eq!(t.r.vif_of("a2"), Some(1));
    assert_eq!(
        t.r.vif_of("a3"),
        None,
        "VIF for an unused interface (not lazy)"
    );

    // a3 is allocated while a2's VIF still exists (slot 2); a2's slot is freed at the end.
    d.rewrite_conf(&format!("{SG} to a3\n"));
    d.reload_hup();
    assert_eq!(t.r.vif_of("a1"), Some(0));
    assert_eq!(
        t.r.vif_of("a3"),
        Some(2),
        "new VIF not at the lowest slot free during parse"
    );
    assert_eq!(
        t.r.vif_of("a2"),
        None,
        "unused VIF not deleted at the end of reload"
    );
    assert_eq!(t.r.mfc("10.0.1.2", "225.1.2.3").unwrap().oifs, vec![(2, 1)]);

    // a2 comes back at the lowest free slot, 1: OIFs now list a2 before a3.
    d.rewrite_conf(&format!("{SG} to a3 a2\n"));
    d.reload_ctl();
    assert_eq!(t.r.vif_of("a2"), Some(1));
    let e = t.r.mfc("10.0.1.2", "225.1.2.3").unwrap();
    assert_eq!(e.oifs, vec![(1, 1), (2, 1)], "OIFs in VIF order");
    let line = t.r.mroute_line("10.0.1.2", "225.1.2.3").unwrap();
    let oifs_text = line.split("Oifs:").nth(1).unwrap_or("");
    let order: Vec<&str> = oifs_text.split_whitespace().take(2).collect();
    assert_eq!(order, vec!["a2", "a3"], "ip mroute: {line}");
    let got = t.flow("s1", &["h1", "h2"], "225.1.2.3", 5103, 20);
    assert_arrived("h1", got[0], 20, 95);
    assert_arrived("h2", got[1], 20, 95);
    d.stop_clean();
}

#[test]
fn pending_entries_activate_when_interfaces_appear() {
    let Some(env) = env("pending_entries_activate_when_interfaces_appear") else {
        return;
    };
    if env.needs_26("pending list and netlink hot-plug") {
        return;
    }
    let mut t = Topology::new(&["s1", "h1"]);
    let conf = "\
mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2 b9
mroute from b8 group 225.2.2.2 to a2
mgroup from b9 group 225.4.4.4
";
    let mut d = t.start(&env, conf, &[]);
    // IIF exists, an OIF does not: installed with what exists, and pending.
    assert_eq!(oifs(&t), vec![("a2".to_string(), 1)]);
    let pending = d.ctl_ok(&["show", "pending"]);
    assert!(
        pending.starts_with("PENDING ROUTES AND GROUPS\n"),
        "{pending}"
    );
    for want in [
        "mroute  from b8 group 225.2.2.2 to a2",
        "mgroup  from b9 group 225.4.4.4",
        "mroute  from a1 source 10.0.1.2 group 225.1.2.3 to a2 b9",
    ] {
        assert!(
            pending.lines().any(|l| l == want),
            "missing {want:?} in:\n{pending}"
        );
    }

    t.add_host_as("h3", "b9", 9);
    t.add_host_as("s2", "b8", 8);
    let drained = wait_for(Duration::from_secs(5), || {
        d.ctl_ok(&["show", "pending"])
            .contains("No pending routes or groups")
    });
    assert!(
        drained,
        "pending list not drained:\n{}",
        d.ctl_ok(&["show", "pending"])
    );
    assert_eq!(oifs(&t), vec![("a2".to_string(), 1), ("b9".to_string(), 1)]);
    assert!(
        t.r.maddr("b9").contains(&addr("225.4.4.4")),
        "pending mgroup not joined"
    );
    assert!(
        d.log_text().contains("Activated pending"),
        "no activation notice"
    );

    let got = t.flow("s1", &["h1", "h3"], "225.1.2.3", 5104, 20);
    assert_arrived("h1", got[0], 20, 95);
    assert_arrived("h3 (late OIF)", got[1], 20, 95);
    t.learn("s2", "225.2.2.2", 5105);
    let got = t.flow("s2", &["h1"], "225.2.2.2", 5105, 20);
    assert_arrived("h1 from the late IIF", got[0], 20, 95);
    d.stop_clean();
}

#[test]
fn learned_entries_expire_with_cache_timeout() {
    let Some(env) = env("learned_entries_expire_with_cache_timeout") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = format!("mroute from a1 group 225.3.3.3 to a2\n{SG} to a2\n");
    let mut d = t.start(&env, &conf, &["-c", "2"]);
    t.learn("s1", "225.3.3.3", 5106);
    let got = t.flow("s1", &["h1"], "225.3.3.3", 5106, 10);
    assert_arrived("h1", got[0], 10, 90);
    t.send("s1", "225.9.9.9", 5106, 3); // an unmatched group: a stop filter
    assert!(t.r.mfc("10.0.1.2", "225.3.3.3").is_some(), "not learned");
    assert!(t.r.mfc("10.0.1.2", "225.9.9.9").is_some(), "no stop filter");
    // Idle learned entries and stop filters go after one or two periods (2-4 s).
    let gone = wait_for(Duration::from_secs(7), || {
        t.r.mfc("10.0.1.2", "225.3.3.3").is_none() && t.r.mfc("10.0.1.2", "225.9.9.9").is_none()
    });
    assert!(gone, "idle entries not expired: {:?}", t.r.mfc4());
    // The configured (S,G) is never expired.
    assert!(
        t.r.mfc("10.0.1.2", "225.1.2.3").is_some(),
        "configured (S,G) expired"
    );
    let show = d.ctl_ok(&["-t", "show"]);
    assert!(
        !show.contains("(10.0.1.2, 225.3.3.3)"),
        "expired entry still shown:\n{show}"
    );
    d.stop_clean();
}

#[test]
fn flush_removes_idle_learned_entries() {
    let Some(env) = env("flush_removes_idle_learned_entries") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = format!("mroute from a1 group 225.3.3.3 to a2\n{SG} to a2\n");
    let mut d = t.start(&env, &conf, &["-c", "0"]);
    t.learn("s1", "225.3.3.3", 5107);
    let got = t.flow("s1", &["h1"], "225.3.3.3", 5107, 10);
    assert_arrived("h1", got[0], 10, 90);
    assert!(t.r.mfc("10.0.1.2", "225.3.3.3").is_some(), "not learned");
    // With -c 0 there is no timer: the entry stays until flushed.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        t.r.mfc("10.0.1.2", "225.3.3.3").is_some(),
        "expired without a timer"
    );
    // The first flush stamps, the second removes what saw no traffic in between.
    d.ctl_ok(&["flush"]);
    d.ctl_ok(&["flush"]);
    assert!(
        t.r.mfc("10.0.1.2", "225.3.3.3").is_none(),
        "idle entry survived two flushes"
    );
    assert!(
        t.r.mfc("10.0.1.2", "225.1.2.3").is_some(),
        "flush removed a configured (S,G)"
    );
    // It is learned again by the next packets.
    t.learn("s1", "225.3.3.3", 5107);
    let got = t.flow("s1", &["h1"], "225.3.3.3", 5107, 10);
    assert_arrived("h1 after flush", got[0], 10, 90);
    d.stop_clean();
}
