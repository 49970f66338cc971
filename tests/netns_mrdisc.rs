//! Multicast Router Discovery (RFC 4286, spec §5.10) by the real daemon, seen from the
//! host on the other end of the link: Advertisements (IGMP type 0x30) to 224.0.0.106 at
//! registration and every `-m` seconds, an immediate one for a Solicitation (0x31), and a
//! Termination (0x32) when a reload disables the interface (`phyint a1 disable`).

mod common;
#[path = "common/spawn.rs"]
mod spawn;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use spawn::*;

/// One captured IGMP packet: the `key=value` fields of `listen.py igmp`.
#[derive(Debug, Clone)]
struct Igmp(HashMap<String, String>);

impl Igmp {
    fn parse(line: &str) -> Option<Igmp> {
        let rest = line.strip_prefix("IGMP ")?;
        Some(Igmp(
            rest.split(' ')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }
    fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }
    fn t(&self) -> f64 {
        self.get("t").parse().unwrap()
    }
    fn kind(&self) -> &str {
        self.get("type")
    }
}

/// Captured mrdisc packets (types 0x30..0x32; IGMP reports and the like are left out).
fn mrdisc(cap: &Proc) -> Vec<Igmp> {
    cap.stdout()
        .lines()
        .filter_map(Igmp::parse)
        .filter(|p| matches!(p.kind(), "0x30" | "0x31" | "0x32"))
        .collect()
}

fn of_type(cap: &Proc, kind: &str) -> Vec<Igmp> {
    mrdisc(cap)
        .into_iter()
        .filter(|p| p.kind() == kind)
        .collect()
}

/// Asserts the fixed fields of a message from the router's a1 (10.0.1.1).
#[track_caller]
fn assert_from_router(p: &Igmp, kind: &str, code: &str) {
    let want = [
        ("src", "10.0.1.1"),
        ("dst", "224.0.0.106"),
        ("ttl", "1"),
        ("ra", "1"),
        ("type", kind),
        ("code", code),
        ("csum", "ok"),
        ("len", "8"),
        ("rest", "00000000"),
    ];
    for (k, v) in want {
        assert_eq!(p.get(k), v, "{k} of {p:?}");
    }
}

#[test]
fn mrdisc_announcements_solicitation_and_termination() {
    let Some(env) = env("mrdisc_announcements_solicitation_and_termination") else {
        return;
    };
    let t = Topology::new(&["h1"]);
    let mut cap = listener(Some(t.ns("h1")), &t.dir, "igmp", &["igmp", "eth0"]);
    let mut d = t.start(&env, "phyint a1 enable mrdisc\n", &["-m", "4"]);

    // One at registration, then one every 4 s (no fast-start burst).
    assert!(
        wait_for(Duration::from_millis(1500), || !of_type(&cap, "0x30")
            .is_empty()),
        "no Advertisement at start-up; captured:\n{}",
        cap.stdout()
    );
    assert!(
        wait_for(Duration::from_secs(10), || of_type(&cap, "0x30").len() >= 3),
        "fewer than 3 Advertisements in 10 s:\n{}",
        cap.stdout()
    );
    let ads = of_type(&cap, "0x30");
    for a in &ads {
        assert_from_router(a, "0x30", "4");
    }
    for pair in ads.windows(2) {
        let gap = pair[1].t() - pair[0].t();
        assert!(
            (3.5..=5.0).contains(&gap),
            "interval {gap:.3} s, not -m 4: {ads:?}"
        );
    }

    // A Solicitation is answered at once, not at the next tick (>= 3.5 s away now).
    let before = of_type(&cap, "0x30").len();
    cap.say("solicit");
    let sent = cap
        .wait_line(Duration::from_secs(2), |l| l.starts_with("SOLICITED"))
        .expect("solicitation sent");
    let sent_t: f64 = sent.split('=').nth(1).unwrap().parse().unwrap();
    assert!(
        wait_for(Duration::from_secs(1), || of_type(&cap, "0x30").len()
            > before),
        "no Advertisement after a Solicitation:\n{}",
        cap.stdout()
    );
    let answer = of_type(&cap, "0x30")[before].clone();
    assert_from_router(&answer, "0x30", "4");
    assert!(
        answer.t() - sent_t < 0.5,
        "answer {:.3} s after the Solicitation",
        answer.t() - sent_t
    );

    // A reload that disables a1 sends a Termination, then nothing more. (Dropping just
    // the `mrdisc` word keeps announcing until the VIF goes, as in SMCRoute: spec §3.2.)
    d.rewrite_conf("phyint a1 disable\n");
    d.reload_hup();
    assert!(
        wait_for(Duration::from_secs(2), || of_type(&cap, "0x32").len() == 1),
        "no Termination after the reload:\n{}",
        cap.stdout()
    );
    assert_from_router(&of_type(&cap, "0x32")[0], "0x32", "0");
    let ads = of_type(&cap, "0x30").len();
    std::thread::sleep(Duration::from_millis(4600));
    assert_eq!(
        of_type(&cap, "0x30").len(),
        ads,
        "Advertisements after the Termination:\n{}",
        cap.stdout()
    );
    assert_eq!(of_type(&cap, "0x32").len(), 1, "one Termination only");
    assert_eq!(t.r.vif_of("a1"), None, "a1 still has a VIF");
    d.stop_clean();
}
