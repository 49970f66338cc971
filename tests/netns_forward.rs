//! Real packets through the router namespace: (S,G) routes, (*,G) learning, stop filters
//! and templates added at run time. Counted at the receivers, checked in the kernel MFC.

mod common;

use common::*;

/// `s1` sends, `h1` and `h2` receive: router interfaces a1 (s1), a2 (h1), a3 (h2).
fn three() -> Topology {
    Topology::new(&["s1", "h1", "h2"])
}

#[test]
fn ipv4_sg_forwarded_to_every_oif() {
    let Some(env) = env("ipv4_sg_forwarded_to_every_oif") else {
        return;
    };
    let t = three();
    let mut d = t.start(
        &env,
        "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2 a3\n",
        &[],
    );
    // Installed at start-up, before any traffic.
    let e =
        t.r.mfc("10.0.1.2", "225.1.2.3")
            .expect("(S,G) in ip_mr_cache at start");
    assert_eq!(e.iif as u32, t.r.vif_of("a1").expect("VIF of a1"));
    let names: Vec<String> = t.r.oif_names(&e).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.contains(&"a2".into()) && names.contains(&"a3".into()),
        "{names:?}"
    );
    let line =
        t.r.mroute_line("10.0.1.2", "225.1.2.3")
            .expect("ip mroute line");
    assert!(
        line.contains("Iif: a1") && line.contains("a2") && line.contains("a3"),
        "{line}"
    );

    let got = t.flow("s1", &["h1", "h2"], "225.1.2.3", 5001, 40);
    assert_arrived("h1", got[0], 40, 95);
    assert_arrived("h2", got[1], 40, 95);
    let e = t.r.mfc("10.0.1.2", "225.1.2.3").unwrap();
    assert!(e.pkts >= 40, "kernel counted {} packets", e.pkts);
    d.stop_clean();
}

#[test]
fn ipv4_sg_other_source_not_forwarded() {
    let Some(env) = env("ipv4_sg_other_source_not_forwarded") else {
        return;
    };
    let t = three();
    let mut d = t.start(
        &env,
        "mroute from a1 source 10.0.1.99 group 225.1.2.4 to a2\n",
        &[],
    );
    // The sender is 10.0.1.2, not the configured source: nothing may pass.
    let got = t.flow("s1", &["h1"], "225.1.2.4", 5002, 20);
    assert_eq!(
        got[0], 0,
        "traffic from an unconfigured source was forwarded"
    );
    let stop =
        t.r.mfc("10.0.1.2", "225.1.2.4")
            .expect("stop filter for the unknown source");
    assert!(stop.oifs.is_empty(), "stop filter has OIFs: {stop:?}");
    d.stop_clean();
}

#[test]
fn ipv6_sg_forwarded() {
    let Some(env) = env("ipv6_sg_forwarded") else {
        return;
    };
    let t = three();
    // A new namespace's IPv4 `all` settings are the root namespace's (sysctl
    // net.core.devconf_inherit_init_net=0), so a multicast router running on the host
    // shows here too: count from what the namespace starts with.
    let before = ["ipv4", "ipv6"].map(|fam| t.r.mc_forwarding(fam));
    let mut d = t.start(
        &env,
        "mroute from a1 source fc00:1::2 group ff0e::1:3 to a2 a3\n",
        &[],
    );
    // MRT_INIT / MRT6_INIT done: the kernel marks the namespace as multicast router.
    for (fam, before) in ["ipv4", "ipv6"].into_iter().zip(before) {
        assert_eq!(t.r.mc_forwarding(fam), before + 1, "{fam} mc_forwarding");
    }
    let e =
        t.r.mfc("fc00:1::2", "ff0e::1:3")
            .expect("(S,G) in ip6_mr_cache at start");
    assert_eq!(e.iif as u32, t.r.mif_of("a1").expect("MIF of a1"));
    assert_eq!(e.oifs.len(), 2, "{e:?}");
    let line =
        t.r.mroute_line("fc00:1::2", "ff0e::1:3")
            .expect("ip -6 mroute line");
    assert!(line.contains("Iif: a1"), "{line}");

    let got = t.flow("s1", &["h1", "h2"], "ff0e::1:3", 5003, 40);
    assert_arrived("h1", got[0], 40, 95);
    assert_arrived("h2", got[1], 40, 95);
    d.stop_clean();
}

#[test]
fn ipv4_star_g_learned() {
    let Some(env) = env("ipv4_star_g_learned") else {
        return;
    };
    let t = three();
    let mut d = t.start(&env, "mroute from a1 group 225.3.3.3 to a3\n", &[]);
    assert!(
        t.r.mfc4().is_empty(),
        "template installed something before traffic"
    );
    // The first packet goes to the daemon (NOCACHE upcall), which installs the (S,G).
    t.learn("s1", "225.3.3.3", 5004);
    let got = t.flow("s1", &["h1", "h2"], "225.3.3.3", 5004, 40);
    assert_eq!(got[0], 0, "h1 is not an OIF of the template");
    assert_arrived("h2", got[1], 40, 95);
    let e =
        t.r.mfc("10.0.1.2", "225.3.3.3")
            .expect("learned (S,G) in ip_mr_cache");
    assert_eq!(t.r.oif_names(&e), vec![("a3".to_string(), 1)]);
    assert!(
        d.log_text().contains("10.0.1.2"),
        "no log line about the new source"
    );
    d.stop_clean();
}

#[test]
fn ipv4_star_g_len_learned_and_outside_blocked() {
    let Some(env) = env("ipv4_star_g_len_learned_and_outside_blocked") else {
        return;
    };
    let t = three();
    let mut d = t.start(&env, "mroute from a1 group 225.9.0.0/16 to a2\n", &[]);
    for (g, port) in [("225.9.4.5", 5005), ("225.9.200.1", 5006)] {
        t.learn("s1", g, port);
        let got = t.flow("s1", &["h1"], g, port, 30);
        assert_arrived(g, got[0], 30, 95);
        let e =
            t.r.mfc("10.0.1.2", g)
                .unwrap_or_else(|| panic!("{g} not learned"));
        assert_eq!(e.oifs.len(), 1, "{e:?}");
    }
    let got = t.flow("s1", &["h1"], "225.10.0.1", 5007, 20);
    assert_eq!(got[0], 0, "group outside 225.9.0.0/16 was forwarded");
    let stop = t.r.mfc("10.0.1.2", "225.10.0.1").expect("stop filter");
    assert!(stop.oifs.is_empty(), "{stop:?}");
    d.stop_clean();
}

#[test]
fn ipv4_source_prefix_learned_and_other_sources_blocked() {
    let Some(env) = env("ipv4_source_prefix_learned_and_other_sources_blocked") else {
        return;
    };
    let t = three();
    let mut d = t.start(
        &env,
        "mroute from a1 source 10.0.1.0/24 group 225.5.5.5 to a2\n",
        &[],
    );
    // Learn first: the sender's own source and forged ones inside and outside the prefix.
    t.learn("s1", "225.5.5.5", 5008);
    let forged = "10.7.7.7,10.0.1.77";
    rawsend(t.ns("s1"), "eth0", "225.5.5.5", 5008, forged, 1);
    let seen = wait_for(std::time::Duration::from_secs(3), || {
        t.r.mfc("10.7.7.7", "225.5.5.5").is_some() && t.r.mfc("10.0.1.77", "225.5.5.5").is_some()
    });
    assert!(
        seen,
        "forged sources not seen by the daemon: {:?}",
        t.r.mfc4()
    );

    let rx = t.receiver("h1", "225.5.5.5", 5008);
    let sent = t.send("s1", "225.5.5.5", 5008, 30);
    let raw = rawsend(t.ns("s1"), "eth0", "225.5.5.5", 5008, forged, 10);
    assert_eq!(raw, 20);
    std::thread::sleep(std::time::Duration::from_millis(150));
    let r = rx.finish();
    let by = |a: &str| {
        r.sources
            .iter()
            .find(|(s, _)| s == a)
            .map(|x| x.1)
            .unwrap_or(0)
    };
    assert_arrived("10.0.1.2", by("10.0.1.2"), sent, 95);
    assert_arrived("10.0.1.77", by("10.0.1.77"), 10, 90);
    assert_eq!(by("10.7.7.7"), 0, "source outside the prefix was forwarded");
    assert_eq!(
        t.r.mfc("10.0.1.2", "225.5.5.5")
            .expect("learned")
            .oifs
            .len(),
        1
    );
    assert_eq!(
        t.r.mfc("10.0.1.77", "225.5.5.5")
            .expect("learned")
            .oifs
            .len(),
        1
    );
    assert!(t
        .r
        .mfc("10.7.7.7", "225.5.5.5")
        .expect("stop filter")
        .oifs
        .is_empty());
    d.stop_clean();
}

#[test]
fn ipv6_star_g_learned() {
    let Some(env) = env("ipv6_star_g_learned") else {
        return;
    };
    let t = three();
    let mut d = t.start(&env, "mroute from a1 group ff0e::42 to a2\n", &[]);
    t.learn("s1", "ff0e::42", 5009);
    let got = t.flow("s1", &["h1", "h2"], "ff0e::42", 5009, 40);
    assert_arrived("h1", got[0], 40, 95);
    assert_eq!(got[1], 0, "h2 is not an OIF");
    let e =
        t.r.mfc("fc00:1::2", "ff0e::42")
            .expect("learned IPv6 (S,G)");
    assert_eq!(t.r.oif_names(&e).len(), 1);
    let got = t.flow("s1", &["h1"], "ff0e::43", 5010, 20);
    assert_eq!(got[0], 0, "unmatched IPv6 group forwarded");
    assert!(t
        .r
        .mfc("fc00:1::2", "ff0e::43")
        .expect("IPv6 stop filter")
        .oifs
        .is_empty());
    d.stop_clean();
}

#[test]
fn unmatched_traffic_blocked_by_stop_filter() {
    let Some(env) = env("unmatched_traffic_blocked_by_stop_filter") else {
        return;
    };
    let t = three();
    let mut d = t.start(&env, "mroute from a1 group 225.1.1.1 to a2 a3\n", &[]);
    let got = t.flow("s1", &["h1", "h2"], "225.2.2.2", 5011, 30);
    assert_eq!(got, vec![0, 0], "unmatched traffic forwarded");
    let stop =
        t.r.mfc("10.0.1.2", "225.2.2.2")
            .expect("stop filter in ip_mr_cache");
    assert!(stop.oifs.is_empty());
    // The kernel drops the rest itself: at most a few upcalls, no forwarding.
    let vifs = t.r.vifs4();
    for v in vifs.iter().filter(|v| v.name == "a2" || v.name == "a3") {
        assert_eq!(v.pkts_out, 0, "{} sent packets", v.name);
    }
    let show = d.ctl_ok(&["-t", "show"]);
    assert!(
        show.lines().any(|l| l.starts_with("(10.0.1.2, 225.2.2.2)")
            && l.trim_end() == "(10.0.1.2, 225.2.2.2)                      a1"),
        "stop filter missing in show:\n{show}"
    );
    d.stop_clean();
}

#[test]
fn template_added_at_run_time_converts_stop_filter() {
    let Some(env) = env("template_added_at_run_time_converts_stop_filter") else {
        return;
    };
    let t = three();
    let mut d = t.start(&env, "phyint a1 enable\nphyint a2 enable\n", &[]);
    let got = t.flow("s1", &["h1"], "225.7.7.7", 5012, 20);
    assert_eq!(got[0], 0, "forwarded before any route");
    assert!(t
        .r
        .mfc("10.0.1.2", "225.7.7.7")
        .expect("stop filter")
        .oifs
        .is_empty());

    d.ctl_ok(&["add", "a1", "225.7.7.7", "a2"]);
    // The existing stop filter is converted at once: no packet needs to be lost.
    let e = t.r.mfc("10.0.1.2", "225.7.7.7").expect("entry after add");
    assert_eq!(
        t.r.oif_names(&e),
        vec![("a2".to_string(), 1)],
        "stop filter not converted"
    );
    let got = t.flow("s1", &["h1"], "225.7.7.7", 5012, 30);
    assert_arrived("h1 after add", got[0], 30, 95);
    let show = d.ctl_ok(&["-t", "show"]);
    assert!(
        show.contains("(*, 225.7.7.7)"),
        "template not shown:\n{show}"
    );

    // Removing the template removes its learned entries.
    d.ctl_ok(&["remove", "a1", "225.7.7.7"]);
    assert!(
        t.r.mfc("10.0.1.2", "225.7.7.7").is_none(),
        "learned entry left after remove"
    );
    let got = t.flow("s1", &["h1"], "225.7.7.7", 5012, 20);
    assert_eq!(got[0], 0, "forwarded after remove");
    d.stop_clean();
}

#[test]
fn sg_added_and_removed_at_run_time() {
    let Some(env) = env("sg_added_and_removed_at_run_time") else {
        return;
    };
    let t = three();
    let mut d = t.start(&env, "", &[]);
    d.ctl_ok(&["add", "a1", "10.0.1.2", "225.6.6.6", "a2", "a3"]);
    let got = t.flow("s1", &["h1", "h2"], "225.6.6.6", 5013, 30);
    assert_arrived("h1", got[0], 30, 95);
    assert_arrived("h2", got[1], 30, 95);
    // Remove one OIF: the route stays with the other.
    d.ctl_ok(&["remove", "a1", "10.0.1.2", "225.6.6.6", "a2"]);
    let e =
        t.r.mfc("10.0.1.2", "225.6.6.6")
            .expect("route after removing one OIF");
    assert_eq!(t.r.oif_names(&e), vec![("a3".to_string(), 1)]);
    let got = t.flow("s1", &["h1", "h2"], "225.6.6.6", 5013, 30);
    assert_eq!(got[0], 0);
    assert_arrived("h2", got[1], 30, 95);
    d.ctl_ok(&["remove", "a1", "10.0.1.2", "225.6.6.6"]);
    assert!(
        t.r.mfc("10.0.1.2", "225.6.6.6").is_none(),
        "route left after remove"
    );
    // Removing it again is an error.
    let o = d.ctl(&["remove", "a1", "10.0.1.2", "225.6.6.6"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.starts_with("smcroutectl: "), "{o:?}");
    d.stop_clean();
}

#[test]
fn ttl_threshold_drops_low_ttl() {
    let Some(env) = env("ttl_threshold_drops_low_ttl") else {
        return;
    };
    let t = three();
    let conf = "phyint a2 ttl-threshold 5\nphyint a1 enable\nphyint a3 enable\n\
                mroute from a1 source 10.0.1.2 group 225.8.8.8 to a2 a3\n";
    let mut d = t.start(&env, conf, &[]);
    let e = t.r.mfc("10.0.1.2", "225.8.8.8").expect("route");
    let mut oifs = t.r.oif_names(&e);
    oifs.sort();
    assert_eq!(oifs, vec![("a2".to_string(), 5), ("a3".to_string(), 1)]);
    // TTL 4 arrives with 4 at the router: below a2's threshold 5, above a3's 1.
    let rx1 = t.receiver("h1", "225.8.8.8", 5014);
    let rx2 = t.receiver("h2", "225.8.8.8", 5014);
    let sent = t.send_opts("s1", &SendOpts::new("eth0", "225.8.8.8", 5014, 30).ttl(4));
    std::thread::sleep(std::time::Duration::from_millis(150));
    assert_eq!(
        rx1.finish().count,
        0,
        "packets below the threshold forwarded"
    );
    assert_arrived("h2", rx2.finish().count, sent, 95);
    d.stop_clean();
}

#[test]
fn many_sources_learned() {
    let Some(env) = env("many_sources_learned") else {
        return;
    };
    let t = three();
    let mut d = t.start(
        &env,
        "mroute from a1 group 225.11.11.11 to a2\n",
        &["-c", "0"],
    );
    // 300 forged sources in 10.1.0.0/16, three rounds so that every source's upcall is
    // seen even if the kernel's unresolved queue overflowed in an earlier round.
    let n = 300u32;
    let sent = rawsend_paced(
        t.ns("s1"),
        "eth0",
        "225.11.11.11",
        5015,
        "10.1.0.1/300",
        3,
        0.0005,
    );
    assert_eq!(sent, 3 * n);
    let learned = |t: &Topology| {
        t.r.mfc4()
            .iter()
            .filter(|e| e.group == addr("225.11.11.11") && e.oifs.len() == 1)
            .count()
    };
    assert!(
        wait_for(std::time::Duration::from_secs(3), || learned(&t)
            == n as usize),
        "learned {} of {n} sources",
        learned(&t)
    );
    let show = d.ctl_ok(&["-t", "show"]);
    let rows = show
        .lines()
        .filter(|l| l.starts_with("(10.1.") && l.contains(", 225.11.11.11)") && l.ends_with(" a2"))
        .count();
    assert_eq!(rows, n as usize, "kernel rows in show");
    d.stop_clean();
}

#[test]
fn wrongvif_moves_learned_entry_to_new_inbound() {
    let Some(env) = env("wrongvif_moves_learned_entry_to_new_inbound") else {
        return;
    };
    if env.needs_26("WRONGVIF repair, MRT_PIM") {
        return;
    }
    let t = three();
    let conf = "mroute from a1 group 225.12.12.12 to a3\nmroute from a2 group 225.12.12.12 to a3\n";
    let mut d = t.start(&env, conf, &["-c", "0"]);
    let e = t.learn("s1", "225.12.12.12", 5016);
    let a1 = t.r.vif_of("a1").expect("VIF a1") as i32;
    assert_eq!(e.iif, a1);
    // The same source now arrives through a2 (forged on h1's link): the kernel reports
    // WRONGVIF and the daemon moves the entry to the template of a2.
    let a2 = t.r.vif_of("a2").expect("VIF a2 (used by a template)") as i32;
    rawsend(t.ns("h1"), "eth0", "225.12.12.12", 5016, "10.0.1.2", 2);
    let moved = wait_for(std::time::Duration::from_secs(3), || {
        t.r.mfc("10.0.1.2", "225.12.12.12").map(|e| e.iif) == Some(a2)
    });
    assert!(
        moved,
        "entry not moved to a2: {:?}",
        t.r.mfc("10.0.1.2", "225.12.12.12")
    );
    assert!(
        d.log_text().contains("after WRONGVIF"),
        "no WRONGVIF notice logged"
    );
    let rx = t.receiver("h2", "225.12.12.12", 5016);
    let sent = rawsend(t.ns("h1"), "eth0", "225.12.12.12", 5016, "10.0.1.2", 20);
    std::thread::sleep(std::time::Duration::from_millis(150));
    assert_arrived("h2 from the new inbound", rx.finish().count, sent, 95);
    d.stop_clean();
}
