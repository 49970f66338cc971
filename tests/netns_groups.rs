//! `mgroup` joins (ASM, SSM, /LEN ranges, IPv4 and IPv6) seen by the kernel in
//! `ip maddr` and `/proc/net/mcfilter(6)`, and `join`/`leave` at run time.

mod common;

use std::net::IpAddr;

use common::*;

fn a(s: &str) -> IpAddr {
    addr(s)
}

#[test]
fn conf_joins_visible_in_kernel() {
    let Some(env) = env("conf_joins_visible_in_kernel") else {
        return;
    };
    let t = Topology::new(&["s1", "h1", "h2"]);
    let conf = "\
mgroup from a2 group 225.1.1.1
mgroup from a2 source 10.0.1.2 group 225.1.2.3
mgroup from a3 group 225.3.2.250/30
mgroup from a2 group ff0e::1:2
mgroup from a2 source fc00:1::2 group ff0e::1:3
";
    let mut d = t.start(&env, conf, &[]);
    let m2 = t.r.maddr("a2");
    for g in ["225.1.1.1", "225.1.2.3", "ff0e::1:2", "ff0e::1:3"] {
        assert!(m2.contains(&a(g)), "{g} not joined on a2: {m2:?}");
    }
    assert!(
        !m2.contains(&a("225.3.2.250")),
        "range joined on the wrong interface"
    );
    // The /30 range expands to the four addresses of the prefix, nothing more.
    let m3 = t.r.maddr("a3");
    for g in ["225.3.2.248", "225.3.2.249", "225.3.2.250", "225.3.2.251"] {
        assert!(
            m3.contains(&a(g)),
            "{g} of the /30 range not joined: {m3:?}"
        );
    }
    for g in ["225.3.2.247", "225.3.2.252", "225.1.1.1"] {
        assert!(
            !m3.contains(&a(g)),
            "{g} joined on a3 but outside the conf: {m3:?}"
        );
    }
    // SSM joins carry their source in the socket filter tables.
    let f4 = t.r.mcfilter4();
    let want4 = McFilter {
        dev: "a2".into(),
        group: a("225.1.2.3"),
        source: a("10.0.1.2"),
    };
    assert!(
        f4.contains(&want4),
        "SSM join missing in /proc/net/mcfilter: {f4:?}"
    );
    assert_eq!(f4.len(), 1, "unexpected source filters: {f4:?}");
    let f6 = t.r.mcfilter6();
    let want6 = McFilter {
        dev: "a2".into(),
        group: a("ff0e::1:3"),
        source: a("fc00:1::2"),
    };
    assert!(
        f6.contains(&want6),
        "SSM join missing in /proc/net/mcfilter6: {f6:?}"
    );

    let show = d.ctl_ok(&["-t", "show", "groups"]);
    for row in [
        "(*, 225.1.1.1)                             a2",
        "(10.0.1.2, 225.1.2.3)                      a2",
        "(*, 225.3.2.250/30)                        a3",
        "(*, ff0e::1:2)                             a2",
        "(fc00:1::2, ff0e::1:3)                     a2",
    ] {
        assert!(
            show.lines().any(|l| l == row),
            "missing row {row:?} in show groups:\n{show}"
        );
    }

    // A graceful exit leaves every group.
    d.stop_clean();
    let m2 = t.r.maddr("a2");
    assert!(
        !m2.contains(&a("225.1.1.1")),
        "group still joined after exit: {m2:?}"
    );
    assert!(t.r.mcfilter4().is_empty(), "SSM join left after exit");
}

#[test]
fn join_and_leave_at_run_time() {
    let Some(env) = env("join_and_leave_at_run_time") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let mut d = t.start(&env, "", &[]);
    d.ctl_ok(&["join", "a2", "225.4.4.4"]);
    assert!(
        t.r.maddr("a2").contains(&a("225.4.4.4")),
        "join not in ip maddr"
    );
    let again = d.ctl(&["join", "a2", "225.4.4.4"]);
    assert_eq!(again.code, 1, "second join of the same group: {again:?}");
    assert!(again.stderr.contains("Already joined"), "{again:?}");

    d.ctl_ok(&["join", "a2", "10.0.1.2", "225.4.4.5"]);
    let f = t.r.mcfilter4();
    assert!(
        f.iter()
            .any(|x| x.dev == "a2" && x.group == a("225.4.4.5") && x.source == a("10.0.1.2")),
        "SSM join missing: {f:?}"
    );
    d.ctl_ok(&["join", "a2", "ff0e::4:4"]);
    assert!(
        t.r.maddr("a2").contains(&a("ff0e::4:4")),
        "IPv6 join not in ip maddr"
    );

    d.ctl_ok(&["leave", "a2", "225.4.4.4"]);
    assert!(
        !t.r.maddr("a2").contains(&a("225.4.4.4")),
        "still joined after leave"
    );
    d.ctl_ok(&["leave", "a2", "10.0.1.2", "225.4.4.5"]);
    assert!(t.r.mcfilter4().is_empty(), "SSM join left after leave");
    d.ctl_ok(&["leave", "a2", "ff0e::4:4"]);
    assert!(
        !t.r.maddr("a2").contains(&a("ff0e::4:4")),
        "IPv6 group still joined"
    );
    let o = d.ctl(&["leave", "a2", "225.4.4.4"]);
    assert_eq!(o.code, 1, "leaving a group that is not joined: {o:?}");
    assert!(o.stderr.starts_with("smcroutectl: "), "{o:?}");
    d.stop_clean();
}

/// Two memberships that need one kernel join (`from a2` and `from a+`, which matches a2)
/// share it: leaving one keeps the group joined for the other, and the kernel is asked
/// to drop it only with the last.
#[test]
fn exact_and_wildcard_share_one_kernel_join() {
    let Some(env) = env("exact_and_wildcard_share_one_kernel_join") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = "mgroup from a2 group 225.6.6.6\nmgroup from a+ group 225.6.6.6\n";
    let mut d = t.start(&env, conf, &[]);
    for iface in ["a1", "a2"] {
        assert!(
            t.r.maddr(iface).contains(&a("225.6.6.6")),
            "225.6.6.6 not joined on {iface}"
        );
    }
    d.ctl_ok(&["leave", "a2", "225.6.6.6"]);
    assert!(
        t.r.maddr("a2").contains(&a("225.6.6.6")),
        "leaving the exact membership dropped the one a+ holds"
    );
    d.ctl_ok(&["leave", "a+", "225.6.6.6"]);
    for iface in ["a1", "a2"] {
        assert!(
            !t.r.maddr(iface).contains(&a("225.6.6.6")),
            "225.6.6.6 still joined on {iface} after both leaves"
        );
    }
    assert!(
        !d.log_text().contains("Failed"),
        "a shared join logged a failure: {}",
        d.log_text()
    );
    d.stop_clean();
}
