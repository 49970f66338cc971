//! Full tables (issue 5, "Full tables and limits"): every table filled to its capacity
//! and one past it, through the conf and through IPC, while a stream flows through a
//! configured route. Each time: an error naming the table and its capacity, everything
//! installed still forwarding, the daemon answering. Learned (S,G) entries are a cache
//! (the longest-idle one gives way); configured routes never are.
//!
//! The rule and VIF tables are tested at their real capacities (10240, 32); the kernel
//! route and group tables with a small build of the daemon (`target/small`, see
//! [`common::hostile::small_build`]).

mod common;

use std::time::Duration;

use common::hostile::*;
use common::*;

const LIVE: &str = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";

/// Sources of a forged flood: `10.9.{block}.{1..=n}`.
fn flood_sources(block: u8, n: u32) -> Vec<String> {
    (1..=n).map(|i| format!("10.9.{block}.{i}")).collect()
}

/// Resolved kernel MFC entries (the kernel also lists pending upcalls, with IIF -1).
fn resolved(t: &Topology) -> usize {
    t.r.mfc4().iter().filter(|e| e.iif >= 0).count()
}

#[track_caller]
fn show_answers(d: &Daemon) -> String {
    let o = d.ctl(&["-t", "show"]);
    assert_eq!(o.code, 0, "show: {o:?}");
    assert!(
        o.stdout.contains("(10.0.1.2, 225.1.2.3)"),
        "show lacks the live route"
    );
    o.stdout
}

/// The default rule capacity (`src/limits.rs`, `MAX_RULES`).
const RULES: u32 = 10240;

#[test]
fn rule_table_full_at_default_capacity() {
    let Some(env) = env("rule_table_full_at_default_capacity") else {
        return;
    };
    if env.needs_26("bounded rule table") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    // 1 exact route + (RULES - 1) templates = RULES rules; one more is one too many.
    let mut conf = String::from(LIVE);
    for i in 0..RULES {
        conf += &format!(
            "mroute from a1 group 225.{}.{}.1 to a2\n",
            50 + i / 250,
            i % 250
        );
    }
    let mut d = t.start(&env, &conf, &[]);
    let want = format!("mroute table full ({RULES} entries)");
    let want = want.as_str();
    assert_eq!(
        count_lines(&d.log_text(), want),
        1,
        "the conf line past capacity"
    );
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 7001, 0.005);
    let o = d.ctl(&["add", "a1", "10.0.1.2", "225.1.2.9", "a2"]);
    assert_eq!(o.code, 1, "IPC add past capacity: {o:?}");
    assert!(o.stderr.contains(want), "IPC add past capacity: {o:?}");
    assert!(t.r.mfc("10.0.1.2", "225.1.2.9").is_none());
    let rules = show_answers(&d)
        .lines()
        .filter(|l| l.starts_with('('))
        .count();
    assert_eq!(rules, RULES as usize + 1, "all rules and the kernel entry");
    // Room again after a remove.
    d.ctl_ok(&["remove", "a1", "225.50.0.1"]);
    d.ctl_ok(&["add", "a1", "10.0.1.2", "225.1.2.9", "a2"]);
    assert!(t.r.mfc("10.0.1.2", "225.1.2.9").is_some());
    let (sent, received) = live.finish();
    assert_eq!(received, sent, "live route lost packets");
    d.stop_clean();
}

#[test]
fn kernel_table_full_learned_evicted_configured_kept() {
    let Some(env) = env("kernel_table_full_learned_evicted_configured_kept") else {
        return;
    };
    if env.needs_26("bounded kernel route table") {
        return;
    }
    let (daemon, ctl) = small_build();
    let cap = SMALL_KERNEL_ROUTES as u32;
    let t = Topology::new(&["s1", "h1"]);
    let conf = format!(
        "{LIVE}mroute from a1 source 10.0.1.2 group 225.1.2.4 to a2\n\
         mroute from a1 group 225.9.9.9 to a2\n"
    );
    let mut d = t.start_bin(&daemon, &ctl, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 7101, 0.005);
    let learned = |src: &str| t.r.mfc(src, "225.9.9.9").is_some();

    // A flood of new sources fills the table exactly: 2 configured + 62 learned.
    let a = flood_sources(1, cap - 2);
    let sent = rawsend_paced(t.ns("s1"), "eth0", "225.9.9.9", 7102, &a.join(","), 1, 0.01);
    assert_eq!(sent, cap - 2);
    let full = wait_for(Duration::from_secs(5), || a.iter().all(|s| learned(s)));
    assert!(
        full,
        "flood A not all learned: {} entries",
        t.r.mfc4().len()
    );
    assert_eq!(resolved(&t), cap as usize);

    // Ten more: the ten longest idle (the first of flood A) give way, nothing else.
    let b = flood_sources(2, 10);
    rawsend_paced(t.ns("s1"), "eth0", "225.9.9.9", 7102, &b.join(","), 1, 0.01);
    let done = wait_for(Duration::from_secs(5), || b.iter().all(|s| learned(s)));
    assert!(done, "flood B not learned");
    std::thread::sleep(Duration::from_millis(200));
    let evicted: Vec<&String> = a.iter().filter(|s| !learned(s)).collect();
    assert_eq!(
        evicted,
        a.iter().take(10).collect::<Vec<_>>(),
        "not the longest-idle entries evicted"
    );
    assert_eq!(resolved(&t), cap as usize, "table over capacity");
    for g in ["225.1.2.3", "225.1.2.4"] {
        assert!(
            t.r.mfc("10.0.1.2", g).is_some(),
            "configured (S,{g}) evicted"
        );
    }

    // Configured routes through IPC push the learned ones out, then hit the limit.
    let mut added = 0;
    let want = format!("kernel route table full ({cap} entries)");
    let refused = loop {
        let g = format!("225.2.{}.{}", added / 250, added % 250 + 1);
        let o = d.ctl(&["add", "a1", "10.0.1.2", &g, "a2"]);
        if o.code != 0 {
            break (g, o);
        }
        added += 1;
        assert!(added <= cap, "no limit on configured routes");
    };
    assert_eq!(added, cap - 2, "configured routes admitted: {added}");
    assert!(
        refused.1.stderr.contains(&want),
        "IPC past capacity: {refused:?}"
    );
    assert!(t.r.mfc("10.0.1.2", &refused.0).is_none());
    let listed = show_answers(&d);
    assert!(
        !listed.contains(&format!("(10.0.1.2, {})", refused.0)),
        "a refused IPC route is still configured"
    );
    assert!(
        !t.r.mfc4().iter().any(|e| e.group == addr("225.9.9.9")),
        "learned left"
    );
    assert_eq!(resolved(&t), cap as usize);
    // A new source now cannot be learned: logged, nothing else moves.
    let before = count_lines(&d.log_text(), &want);
    rawsend(t.ns("s1"), "eth0", "225.9.9.9", 7102, "10.9.3.1", 1);
    assert!(
        wait_for(Duration::from_secs(3), || count_lines(&d.log_text(), &want)
            > before),
        "full table on upcall not logged"
    );
    show_answers(&d);

    // Through the conf: 65 configured (S,G) on reload; the one past capacity is refused.
    let mut conf = String::from(LIVE);
    for i in 0..cap {
        conf += &format!(
            "mroute from a1 source 10.0.1.2 group 225.3.0.{} to a2\n",
            i + 1
        );
    }
    d.rewrite_conf(&conf);
    let before = count_lines(&d.log_text(), &want);
    d.reload_hup();
    assert!(
        count_lines(&d.log_text(), &want) > before,
        "conf past capacity"
    );
    assert!(t.r.mfc("10.0.1.2", "225.1.2.3").is_some());
    assert_eq!(resolved(&t), cap as usize);

    let (sent, received) = live.finish();
    eprintln!("FIGURES kernel table: stream sent {sent} received {received}");
    assert_eq!(
        received, sent,
        "live route lost packets while the table was full"
    );
    show_answers(&d);
    d.stop_clean();
}

#[test]
fn group_tables_full_and_igmp_max_memberships() {
    let Some(env) = env("group_tables_full_and_igmp_max_memberships") else {
        return;
    };
    if env.needs_26("bounded group tables") {
        return;
    }
    let (daemon, ctl) = small_build();
    let t = Topology::new(&["s1", "h1"]);
    // The kernel allows 3 groups per socket: the daemon must spread joins over sockets.
    t.r.sysctl("net.ipv4.igmp_max_memberships", "3");
    let mut conf = String::from(LIVE);
    for i in 1..=SMALL_GROUPS + 1 {
        conf += &format!("mgroup from a2 group 225.30.0.{i}\n");
    }
    let mut d = t.start_bin(&daemon, &ctl, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 7201, 0.005);
    let groups = format!("mgroup table full ({SMALL_GROUPS} entries)");
    assert_eq!(count_lines(&d.log_text(), &groups), 1, "conf past capacity");
    assert!(
        d.log_text()
            .contains("Out of groups on socket adjusting max_groups 3."),
        "igmp_max_memberships not detected"
    );
    let joined = t.r.maddr("a2");
    for i in 1..=SMALL_GROUPS {
        let g = addr(&format!("225.30.0.{i}"));
        assert!(joined.contains(&g), "{g} not joined");
    }
    assert!(!joined.contains(&addr(&format!("225.30.0.{}", SMALL_GROUPS + 1))));

    // Through IPC.
    let o = d.ctl(&["join", "a2", "225.31.0.1"]);
    assert_eq!(o.code, 1, "IPC join past capacity: {o:?}");
    assert!(o.stderr.contains(&groups), "{o:?}");
    d.ctl_ok(&["leave", "a2", &format!("225.30.0.{SMALL_GROUPS}")]);
    // 11 joins held, a /30 needs 4 more than the 14 there are: refused whole.
    let joins = format!("join table full ({SMALL_JOINS} entries)");
    let o = d.ctl(&["join", "a2", "225.31.0.0/30"]);
    assert_eq!(o.code, 1, "IPC range join past capacity: {o:?}");
    assert!(o.stderr.contains(&joins), "{o:?}");
    assert!(
        !t.r.maddr("a2").contains(&addr("225.31.0.1")),
        "partial range joined"
    );
    d.ctl_ok(&["join", "a2", "225.31.0.1"]);
    assert!(t.r.maddr("a2").contains(&addr("225.31.0.1")));
    let shown = d.ctl_ok(&["-t", "show", "groups"]);
    assert_eq!(
        shown.lines().filter(|l| l.starts_with('(')).count(),
        SMALL_GROUPS
    );

    let (sent, received) = live.finish();
    assert_eq!(received, sent, "live route lost packets");
    show_answers(&d);
    d.stop_clean();
}

#[test]
fn vif_table_full_with_33_interfaces() {
    let Some(env) = env("vif_table_full_with_33_interfaces") else {
        return;
    };
    if env.needs_26("lazy VIF allocation") {
        return;
    }
    let mut t = Topology::new(&["s1", "h1"]);
    let stubs: Vec<String> = (1..=31).map(|k| format!("x{k}")).collect();
    t.add_stubs(&stubs.iter().map(String::as_str).collect::<Vec<_>>());
    // a1, a2 and x1..x31: 33 interfaces for 32 VIFs.
    let mut conf = String::from(LIVE);
    for s in &stubs {
        conf += &format!("phyint {s} enable\n");
    }
    let mut d = t.start(&env, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 7301, 0.005);
    assert!(
        d.log_text()
            .contains("Not enough available VIFs to create x31"),
        "VIF exhaustion not logged"
    );
    assert_eq!(t.r.vifs4().len(), 32, "VIFs: {:?}", t.r.vifs4());
    assert_eq!(t.r.vif_of("x31"), None);
    let row = d
        .ctl_ok(&["-t", "show", "interfaces"])
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("x31"))
        .map(str::to_string)
        .expect("x31 in show interfaces");
    assert!(row.ends_with("N/A  N/A"), "x31: {row}");

    // Through IPC: a route out of x31 and a join on it.
    let o = d.ctl(&["add", "a1", "10.0.1.2", "225.1.2.9", "x31"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("x31 has no VIF, VIF table exhausted?"),
        "{o:?}"
    );
    assert!(t.r.mfc("10.0.1.2", "225.1.2.9").is_none());
    d.ctl(&["join", "x31", "225.33.3.3"]);
    assert_eq!(t.r.vifs4().len(), 32);

    // A VIF freed by a reload goes to x31 on the next one (spec §5.7: new VIFs are
    // allocated while the old ones still exist, unused ones are freed at the end).
    d.rewrite_conf(&conf.replace("phyint x1 enable\n", ""));
    d.reload_ctl();
    assert_eq!(t.r.vif_of("x1"), None, "x1 kept its VIF");
    d.reload_hup();
    assert!(t.r.vif_of("x31").is_some(), "x31 got no freed VIF");
    assert_eq!(t.r.vifs4().len(), 32);
    d.ctl_ok(&["add", "a1", "10.0.1.2", "225.1.2.9", "x31"]);

    let (sent, received) = live.finish();
    eprintln!("FIGURES vifs: stream sent {sent} received {received}");
    assert_eq!(received, sent, "live route lost packets");
    show_answers(&d);
    d.stop_clean();
}

#[test]
fn group_table_full_at_default_capacity() {
    let Some(env) = env("group_table_full_at_default_capacity") else {
        return;
    };
    if env.needs_26("bounded group tables") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    // 1024 memberships (the default capacity), 20 per join socket (igmp_max_memberships).
    let mut conf = String::from(LIVE);
    for i in 0..1025u32 {
        conf += &format!("mgroup from a2 group 225.40.{}.{}\n", i / 250, i % 250 + 1);
    }
    let mut d = t.start(&env, &conf, &[]);
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 7401, 0.005);
    let log = d.log_text();
    let full = count_lines(&log, "mgroup table full (1024 entries)")
        + count_lines(&log, "join table full (1024 entries)");
    assert_eq!(full, 1, "line 1026 of the conf");
    let joined = t.r.maddr("a2");
    let ours = joined
        .iter()
        .filter(|a| a.to_string().starts_with("225.40."))
        .count();
    assert_eq!(ours, 1024, "kernel joins on a2");
    let o = d.ctl(&["join", "a2", "225.41.0.1"]);
    assert_eq!(o.code, 1, "IPC join past capacity: {o:?}");
    assert!(o.stderr.contains("table full (1024 entries)"), "{o:?}");
    let (sent, received) = live.finish();
    assert_eq!(received, sent, "live route lost packets");
    show_answers(&d);
    d.stop_clean();
}
