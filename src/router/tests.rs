//! Scenario tests: state built through `apply`/`command`/`upcall` with a recording host,
//! checked by the exact kernel operations and the exact `show` text.

extern crate std;
use std::boxed::Box;
use std::string::String;
use std::vec::Vec;

use super::testhost::TestHost;
use super::{Failed, Options, Origin, Router};
use crate::conf::{self, Directive, OifWords};
use crate::errno::Errno;
use crate::kernel::{IfInfo, Upcall, UpcallKind};
use crate::net::Addr;
use crate::time::Instant;

/// A router (2 MB of tables: run on a big stack) with a recording host.
pub(super) struct T {
    pub r: Box<Router>,
    pub h: TestHost,
    pub now: u64,
}

pub(super) fn run(f: impl FnOnce(&mut T) + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut t = T {
                r: Box::new(Router::new()),
                h: TestHost::new(),
                now: 0,
            };
            f(&mut t)
        })
        .unwrap()
        .join()
        .unwrap()
}

/// The directive of a conf line and its OIF words, as the daemon's loader parses them.
fn directive(line: &str) -> (Directive<'_>, OifWords<'_>) {
    let mut d = Directive::new();
    let mut oifs = OifWords::new();
    let parsed = conf::parse_into(line.as_bytes(), None, &mut d, &mut oifs);
    assert_eq!(parsed, Some(Ok(())), "test conf: {line}");
    (d, oifs)
}

pub(super) fn addr(s: &str) -> Addr {
    Addr::parse(s).unwrap()
}

impl T {
    /// A full interface scan: (name, ifindex, multicast).
    pub fn scan(&mut self, list: &[(&str, u32, bool)]) {
        self.r.scan_begin();
        for &(name, ifindex, multicast) in list {
            self.r.scan_iface(&IfInfo {
                name,
                ifindex,
                up: true,
                multicast,
            });
        }
        self.r.scan_end(&mut self.h);
    }

    /// Applies conf lines (file `t.conf`, numbered from 1 per call) and returns how many
    /// failed.
    pub fn conf(&mut self, lines: &[&str]) -> usize {
        let mut failed = 0;
        for (n, line) in lines.iter().enumerate() {
            let origin = Origin::Conf {
                file: "t.conf",
                line: n as u32 + 1,
            };
            let (d, oifs) = directive(line);
            if self.r.apply(&mut self.h, &origin, &d, &oifs).is_err() {
                failed += 1;
            }
        }
        failed
    }

    pub fn ipc(&mut self, cmd: u8, args: &[&str]) -> Result<(), Failed> {
        let mut out = String::new();
        let now = Instant(self.now);
        let r = self
            .r
            .command(&mut self.h, now, cmd, args, &mut Sink(&mut out));
        assert!(out.is_empty());
        r
    }

    pub fn show(&mut self, cmd: u8, what: &str) -> String {
        let mut out = String::new();
        let now = Instant(self.now);
        let args: Vec<&str> = if what.is_empty() {
            Vec::new()
        } else {
            std::vec![what]
        };
        self.r
            .command(&mut self.h, now, cmd, &args, &mut Sink(&mut out))
            .unwrap();
        out
    }

    pub fn up(&mut self, kind: UpcallKind, vif: u8, s: &str, g: &str) {
        let up = Upcall {
            kind,
            vif,
            source: addr(s),
            group: addr(g),
        };
        self.r.upcall(&mut self.h, Instant(self.now), &up);
    }

    pub fn reload(&mut self, ifaces: &[(&str, u32, bool)], lines: &[&str]) -> usize {
        self.r.reload_begin(&mut self.h);
        self.scan(ifaces);
        let failed = self.conf(lines);
        self.r.reload_end(&mut self.h);
        failed
    }

    pub fn ops(&mut self) -> Vec<String> {
        self.h.take()
    }
}

pub(super) struct Sink<'a>(pub &'a mut String);

impl ufmt::uWrite for Sink<'_> {
    type Error = core::convert::Infallible;
    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        self.0.push_str(s);
        Ok(())
    }
}

const A: &[(&str, u32, bool)] = &[
    ("lo", 1, false),
    ("x1", 2, true),
    ("a1", 3, true),
    ("x2", 4, true),
    ("a2", 5, true),
];

fn v(ops: &[&str]) -> Vec<String> {
    ops.iter().map(|s| String::from(*s)).collect()
}

// ===== startup conf =====

#[test]
fn startup_conf_ops() {
    run(|t| {
        t.scan(A);
        assert_eq!(t.ops(), Vec::<String>::new(), "no VIF before it is needed");
        let failed = t.conf(&[
            "phyint a2 ttl-threshold 3",
            "mroute from a1 source 10.0.0.5 group 225.4.4.4 to a2",
            "mroute from a1 group 225.3.3.3 to a2",
        ]);
        assert_eq!(failed, 0);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if5 ttl3",
                "add_vif v6 0 if5 ttl3",
                "add_vif v4 1 if3 ttl1",
                "add_vif v6 1 if3 ttl1",
                "add_mfc 10.0.0.5 225.4.4.4 in1 out 0:3",
            ])
        );
        // Duplicate conf line: merged, unchanged, no kernel op.
        assert_eq!(
            t.conf(&["mroute from a1 source 10.0.0.5 group 225.4.4.4 to a2"]),
            0
        );
        assert_eq!(t.ops(), Vec::<String>::new());
    });
}

#[test]
fn conf_errors() {
    run(|t| {
        t.scan(A);
        assert_eq!(t.conf(&["mroute from a1 group 10.1.1.1 to a2"]), 1);
        assert_eq!(
            t.h.last(),
            "t.conf line 1: mroute: Invalid multicast group: 10.1.1.1"
        );
        assert_eq!(
            t.conf(&["mroute from a1 source foo group 225.1.1.1 to a2"]),
            1
        );
        assert_eq!(
            t.h.last(),
            "t.conf line 1: mroute: Invalid source address: foo"
        );
        assert_eq!(t.conf(&["mroute group 225.1.1.1 to a2"]), 1);
        assert_eq!(t.conf(&["mgroup from a1"]), 1);
        assert_eq!(t.conf(&["mroute from lo group 225.1.1.1 to a2"]), 1);
        assert_eq!(
            t.h.last(),
            "t.conf line 1: mroute: inbound lo is not multicast capable"
        );
        assert!(t
            .h
            .logged("Interface lo is not multicast capable, skipping VIF."));
        assert_eq!(t.conf(&["phyint"]), 1);
        assert_eq!(
            t.h.last(),
            "t.conf line 1: phyint missing interface pattern"
        );
        assert_eq!(t.conf(&["phyint a1 ttl-threshold 300"]), 1);
        assert_eq!(
            t.h.last(),
            "t.conf line 1: phyint a1 ttl 300 out of range (1-255)"
        );
        assert_eq!(t.conf(&["phyint nope"]), 0);
        assert_eq!(
            t.h.last(),
            "t.conf line 1: phyint nope does not exist (yet?) on this system"
        );
        // Same IIF as OIF: info, still installed.
        t.ops();
        assert_eq!(
            t.conf(&["mroute from a1 source 10.0.0.1 group 225.1.1.1 to a1 a2"]),
            0
        );
        assert!(t.h.logged(
            "t.conf line 1: mroute: Same outbound interface (a1) as inbound (a1) may cause routing loops."
        ));
        assert_eq!(
            t.ops().last().unwrap(),
            "add_mfc 10.0.0.1 225.1.1.1 in0 out 0:1 1:1"
        );
        // Wildcard OIF never includes the IIF, silently.
        assert_eq!(
            t.conf(&["mroute from a1 source 10.0.0.2 group 225.1.1.1 to a+"]),
            0
        );
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.2 225.1.1.1 in0 out 1:1"]));
        // The first word naming an interface decides: wildcard first, the IIF is skipped
        // even when named after it; named first, it stays (with the warning).
        let lines = t.h.log.lines.len();
        assert_eq!(
            t.conf(&["mroute from a1 source 10.0.0.3 group 225.1.1.1 to a+ a1"]),
            0
        );
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.3 225.1.1.1 in0 out 1:1"]));
        assert_eq!(t.h.log.lines.len(), lines);
        assert_eq!(
            t.conf(&["mroute from a1 source 10.0.0.4 group 225.1.1.1 to a1 a+"]),
            0
        );
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.4 225.1.1.1 in0 out 0:1 1:1"]));
        assert_eq!(t.h.log.lines.len(), lines + 1);
    });
}

#[test]
fn ipc_v6_disabled_and_vif_failures() {
    run(|t| {
        t.h.no_v6 = true;
        t.scan(A);
        assert!(t.ipc(b'a', &["a1", "ff2e::42", "a2"]).is_err());
        assert_eq!(
            t.h.last(),
            "ipc: mroute: inbound a1 has no VIF, VIF table exhausted?"
        );
        assert_eq!(t.ops(), v(&["add_vif v4 0 if3 ttl1"]));
        t.h.fail_add_vif = Some(Errno::EEXIST);
        t.ipc(b'a', &["a1", "10.0.0.1", "225.1.1.1", "a2"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 1 if5 ttl1",
                "add_mfc 10.0.0.1 225.1.1.1 in0 out 1:1"
            ])
        );
        t.h.fail_add_vif = Some(Errno::ENOBUFS);
        assert!(t.ipc(b'a', &["x1", "10.0.0.1", "225.1.1.2", "a2"]).is_err());
        assert!(t
            .h
            .logged("Failed adding VIF for x1: No buffer space available"));
        assert_eq!(
            t.h.last(),
            "ipc: mroute: inbound x1 has no VIF, VIF table exhausted?"
        );
        t.h.fail_add_vif = None;
        t.h.fail_add_mfc = Some(Errno::ENOBUFS);
        assert!(t.ipc(b'a', &["a1", "10.0.0.9", "225.1.1.1", "a2"]).is_err());
        assert_eq!(
            t.h.last(),
            "failed adding IPv4 multicast route (10.0.0.9,225.1.1.1): No buffer space available"
        );
        t.h.fail_add_mfc = None;
        // The failed add left nothing in the kernel list, nor a configured rule.
        let shown = t.show(b's', "");
        assert!(!shown.contains("10.0.0.9"), "{shown}");
        // A refused change to an existing rule keeps the rule.
        t.ipc(b'a', &["a1", "10.0.0.9", "225.1.1.1", "a2"]).unwrap();
        t.h.fail_add_mfc = Some(Errno::ENOBUFS);
        assert!(t.ipc(b'a', &["a1", "10.0.0.9", "225.1.1.1", "x2"]).is_err());
        t.h.fail_add_mfc = None;
        assert!(t.show(b's', "").contains("(10.0.0.9, 225.1.1.1)"));
        // A conf rule the kernel refused stays configured: a reload installs it again.
        t.h.fail_add_mfc = Some(Errno::ENOBUFS);
        assert_eq!(
            t.conf(&["mroute from a1 source 10.0.0.8 group 225.1.1.8 to a2"]),
            1
        );
        t.h.fail_add_mfc = None;
        assert!(t.show(b's', "").contains("(10.0.0.8, 225.1.1.8)"));
    });
}

#[test]
fn vif_table_exhausted() {
    run(|t| {
        let names: Vec<String> = (0..34).map(|i| std::format!("e{i}")).collect();
        let list: Vec<(&str, u32, bool)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as u32 + 10, true))
            .collect();
        t.scan(&list);
        t.conf(&["phyint e+"]);
        assert!(t.h.logged("Not enough available VIFs to create e32"));
        assert!(t
            .ipc(b'a', &["e33", "10.0.0.1", "225.1.1.1", "e0"])
            .is_err());
        assert_eq!(
            t.h.last(),
            "ipc: mroute: inbound e33 has no VIF, VIF table exhausted?"
        );
        assert!(t
            .ipc(b'a', &["e0", "10.0.0.1", "225.1.1.1", "e33"])
            .is_err());
        assert_eq!(
            t.h.last(),
            "ipc: mroute: outbound e33 has no VIF, VIF table exhausted?"
        );
    });
}

// ===== IPC add/remove =====

#[test]
fn ipc_add_union_and_remove() {
    run(|t| {
        t.scan(A);
        t.ipc(b'a', &["a1", "10.0.0.1", "225.1.1.1", "a2"]).unwrap();
        t.ipc(b'a', &["a1", "10.0.0.1", "225.1.1.1", "x1"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if3 ttl1",
                "add_vif v6 0 if3 ttl1",
                "add_vif v4 1 if5 ttl1",
                "add_vif v6 1 if5 ttl1",
                "add_mfc 10.0.0.1 225.1.1.1 in0 out 1:1",
                "add_vif v4 2 if2 ttl1",
                "add_vif v6 2 if2 ttl1",
                "add_mfc 10.0.0.1 225.1.1.1 in0 out 1:1 2:1",
            ])
        );
        // Remove one OIF, then the other: stays as a stop filter.
        t.ipc(b'r', &["a1", "10.0.0.1", "225.1.1.1", "a2"]).unwrap();
        t.ipc(b'r', &["a1", "10.0.0.1", "225.1.1.1", "x1"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.1 225.1.1.1 in0 out 2:1",
                "add_mfc 10.0.0.1 225.1.1.1 in0 out",
            ])
        );
        assert!(t
            .show(b's', "")
            .contains("(10.0.0.1, 225.1.1.1)                      a1  \n"));
        // Remove without OIFs: gone from kernel and conf.
        t.ipc(b'r', &["a1", "10.0.0.1", "225.1.1.1"]).unwrap();
        assert_eq!(t.ops(), v(&["del_mfc 10.0.0.1 225.1.1.1 in0"]));
        assert_eq!(t.show(b's', ""), "");
        // Missing rule: ENOENT, replying SMCRoute's debug line.
        assert!(t.ipc(b'r', &["a1", "225.8.8.8"]).is_err());
        assert_eq!(
            t.h.last(),
            "mroute: deleting route from a1 (0.0.0.0/32,225.8.8.8/32)"
        );
        // Unknown IIF / OIF.
        assert!(t.ipc(b'a', &["nope", "225.1.1.1", "a2"]).is_err());
        assert_eq!(
            t.h.last(),
            "ipc: mroute: inbound nope is not a known phyint"
        );
        assert!(t.ipc(b'a', &["a1", "225.1.1.1", "nope"]).is_err());
        assert_eq!(
            t.h.last(),
            "ipc: mroute: outbound nope is not a known phyint"
        );
        assert!(t.ipc(b'r', &["nope", "225.1.1.1"]).is_err());
        assert_eq!(
            t.h.last(),
            "ipc: mroute: inbound nope is not a known phyint"
        );
        assert!(t.ipc(b'a', &["a1", "10.0.0.1", "a2"]).is_err());
        assert_eq!(t.h.last(), "ipc: mroute: Invalid multicast group: a2");
        assert!(t.ipc(b'a', &["a1", "a2"]).is_err());
        assert_eq!(t.h.last(), "mroute: invalid multicast group: a2");
        assert!(t.ipc(b'x', &[]).is_err());
        assert_eq!(
            t.h.last(),
            "Unknown or malformed IPC message 'x' from client."
        );
        // No OIF at all: a configured stop filter.
        t.ops();
        t.ipc(b'a', &["a1", "10.0.0.7", "225.1.1.7"]).unwrap();
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.7 225.1.1.7 in0 out"]));
    });
}

// ===== templates, upcalls, stop filters =====

#[test]
fn templates_upcalls_stop_filters() {
    run(|t| {
        t.scan(A);
        t.conf(&[
            "mroute from a1 group 225.3.3.3 to a2",
            "mroute from a1 group 225.9.0.0/16 to x1",
        ]);
        t.ops();
        // a1 is VIF 0.
        t.up(UpcallKind::NoCache, 0, "10.0.0.1", "225.3.3.3");
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.1 225.3.3.3 in0 out 1:1",
                "script install 10.0.0.1 225.3.3.3"
            ])
        );
        assert!(t
            .h
            .logged("New multicast data from 10.0.0.1 to group 225.3.3.3 on a1"));
        t.up(UpcallKind::NoCache, 0, "10.0.0.1", "225.9.1.2");
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.1 225.9.1.2 in0 out 2:1",
                "script install 10.0.0.1 225.9.1.2"
            ])
        );
        // No match: stop filter, no script.
        t.up(UpcallKind::NoCache, 0, "10.0.0.1", "225.7.7.7");
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.1 225.7.7.7 in0 out"]));
        assert_eq!(
            t.h.last(),
            "Multicast from 10.0.0.1, group 225.7.7.7, on a1 does not match any (*,G) rule"
        );
        // Wrong IIF for the template: stop filter.
        t.up(UpcallKind::NoCache, 1, "10.0.0.1", "225.3.3.3");
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.1 225.3.3.3 in1 out"]));
        // Unknown VIF, PIM, unknown type.
        t.up(UpcallKind::NoCache, 9, "10.0.0.1", "225.3.3.3");
        assert_eq!(
            t.h.last(),
            "No matching interface for VIF 9, cannot handle IGMP message 1."
        );
        t.up(UpcallKind::WholePkt, 0, "10.0.0.1", "225.3.3.3");
        assert_eq!(
            t.h.last(),
            "Receiving PIM register data from 10.0.0.1, group 225.3.3.3, ignoring."
        );
        t.up(UpcallKind::Unknown(9), 0, "10.0.0.1", "225.3.3.3");
        assert_eq!(t.h.last(), "Unknown IGMP message type 9 from kernel");
        assert_eq!(t.ops(), Vec::<String>::new());
        // A later template converts the stop filter (same IIF) at once.
        t.ipc(b'a', &["a1", "225.7.0.0/16", "a2"]).unwrap();
        assert_eq!(t.ops(), v(&["add_mfc 10.0.0.1 225.7.7.7 in0 out 1:1"]));
        // The (S,G) moved to a stop filter on VIF 1: removing the a1 template leaves it.
        t.ipc(b'r', &["a1", "225.3.3.3"]).unwrap();
        assert_eq!(t.ops(), Vec::<String>::new());
        // Removing a template deletes what it learned (not turned into stop filters).
        t.up(UpcallKind::NoCache, 0, "10.0.0.2", "225.9.3.3");
        t.up(UpcallKind::NoCache, 0, "10.0.0.3", "225.9.4.4");
        t.ops();
        t.ipc(b'r', &["a1", "225.9.0.0/16"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "del_mfc 10.0.0.1 225.9.1.2 in0",
                "del_mfc 10.0.0.2 225.9.3.3 in0",
                "del_mfc 10.0.0.3 225.9.4.4 in0",
            ])
        );
    });
}

// ===== show, golden =====

fn spec_routes(t: &mut T) {
    t.scan(A);
    assert_eq!(
        t.conf(&[
            "mroute from a1 group 225.3.3.3 to a2",
            "mroute from a1 group 225.9.0.0/16 to a2",
            "mroute from a1 source 10.0.0.0/24 group 225.5.5.5 to a2",
            "mroute from a1 group ff2e::42 to a2",
            "mroute from a1 source 10.0.0.5 group 225.4.4.4 to a2",
            "mroute from a1 source fc00::1 group ff04::114 to a2",
        ]),
        0
    );
    t.up(UpcallKind::NoCache, 0, "10.0.0.1", "225.3.3.3");
    t.up(UpcallKind::NoCache, 0, "10.0.0.1", "225.7.7.7");
}

#[test]
fn show_routes_golden() {
    run(|t| {
        assert_eq!(t.show(b's', ""), "", "nothing configured: empty");
        spec_routes(t);
        let expect = "\
(*,G) Template Rules_
ROUTE (S,G)                                IIF  OIFS=
(*, 225.3.3.3)                             a1   a2
(*, 225.9.0.0/16)                          a1   a2
(10.0.0.0/24, 225.5.5.5)                   a1   a2
(*, ff2e::42)                              a1   a2
(S,G) Rules_
ROUTE (S,G)                                IIF  OIFS=
(10.0.0.5, 225.4.4.4)                      a1   a2
(fc00::1, ff04::114)                       a1   a2
Kernel MFC Table_
ROUTE (S,G)                                IIF  OIFS=
(10.0.0.5, 225.4.4.4)                      a1   a2
(fc00::1, ff04::114)                       a1   a2
(10.0.0.1, 225.3.3.3)                      a1   a2
(10.0.0.1, 225.7.7.7)                      a1  \n";
        assert_eq!(t.show(b's', ""), expect);
        assert_eq!(t.show(b's', "routes"), expect);
        assert_eq!(t.show(b's', "xyz"), expect);
    });
}

#[test]
fn show_routes_detail_golden() {
    run(|t| {
        spec_routes(t);
        t.h.set_count("10.0.0.1", "225.3.3.3", 2, 168, 0);
        t.h.set_count("10.0.0.5", "225.4.4.4", 12345, 1234567890, 0);
        let expect = "\
(*,G) Template Rules_
ROUTE (S,G)                                IIF    PACKETS      BYTES  OIFS=
(*, 225.3.3.3)                             a1           0          0  a2
(*, 225.9.0.0/16)                          a1           0          0  a2
(10.0.0.0/24, 225.5.5.5)                   a1           0          0  a2
(*, ff2e::42)                              a1           0          0  a2
(S,G) Rules_
ROUTE (S,G)                                IIF    PACKETS      BYTES  OIFS=
(10.0.0.5, 225.4.4.4)                      a1       12345 1234567890  a2
(fc00::1, ff04::114)                       a1           0          0  a2
Kernel MFC Table_
ROUTE (S,G)                                IIF    PACKETS      BYTES  OIFS=
(10.0.0.5, 225.4.4.4)                      a1       12345 1234567890  a2
(fc00::1, ff04::114)                       a1           0          0  a2
(10.0.0.1, 225.3.3.3)                      a1           2        168  a2
(10.0.0.1, 225.7.7.7)                      a1           0          0 \n";
        assert_eq!(t.show(b'S', ""), expect);
    });
}

#[test]
fn show_routes_json_golden() {
    run(|t| {
        assert_eq!(
            t.show(b'J', ""),
            "{\"routes\":{\"asm\":[],\"ssm\":[],\"kernel\":[]}}\n"
        );
        spec_routes(t);
        let r = |s: &str, g: &str, o: &str| {
            std::format!("{{\"source\":{s},\"group\":\"{g}\",\"iif\":\"a1\",\"oifs\":[{o}]}}")
        };
        let a2 = "\"a2\"";
        let expect = std::format!(
            "{{\"routes\":{{\"asm\":[{},{},{},{}],\"ssm\":[{},{}],\"kernel\":[{},{},{},{}]}}}}\n",
            r("null", "225.3.3.3", a2),
            r("null", "225.9.0.0/16", a2),
            r("\"10.0.0.0/24\"", "225.5.5.5", a2),
            r("null", "ff2e::42", a2),
            r("\"10.0.0.5\"", "225.4.4.4", a2),
            r("\"fc00::1\"", "ff04::114", a2),
            r("\"10.0.0.5\"", "225.4.4.4", a2),
            r("\"fc00::1\"", "ff04::114", a2),
            r("\"10.0.0.1\"", "225.3.3.3", a2),
            r("\"10.0.0.1\"", "225.7.7.7", ""),
        );
        assert_eq!(t.show(b'J', ""), expect);
    });
}

#[test]
fn show_groups_golden() {
    run(|t| {
        t.scan(A);
        assert_eq!(t.show(b's', "groups"), "");
        assert_eq!(
            t.show(b'J', "g"),
            "{\"groups\":{\"conf\":[],\"kernel\":[]}}\n"
        );
        assert_eq!(
            t.conf(&[
                "mgroup from a1 group 225.1.1.1",
                "mgroup from a1 source 10.0.0.10 group 225.1.2.3",
                "mgroup from a2 group 225.3.2.250/30",
            ]),
            0
        );
        let brief = "\
Group Memberships Table_
GROUP (S,G)                                IIF             =
(*, 225.1.1.1)                             a1
(10.0.0.10, 225.1.2.3)                     a1
(*, 225.3.2.250/30)                        a2
";
        assert_eq!(t.show(b's', "groups"), brief);
        let detail = std::format!(
            "{brief}\
Kernel Group Membership Table_
GROUP (S,G)                                IIF             =
(*, 225.1.1.1)                             a1
(10.0.0.10, 225.1.2.3)                     a1
(*, 225.3.2.248/30)                        a2
(*, 225.3.2.249/30)                        a2
(*, 225.3.2.250/30)                        a2
(*, 225.3.2.251/30)                        a2
"
        );
        assert_eq!(t.show(b'S', "g"), detail);
        let json = "{\"groups\":{\"conf\":[\
{\"source\":null,\"group\":\"225.1.1.1\",\"iif\":\"a1\"},\
{\"source\":\"10.0.0.10\",\"group\":\"225.1.2.3\",\"iif\":\"a1\"},\
{\"source\":null,\"group\":\"225.3.2.250/30\",\"iif\":\"a2\"}],\"kernel\":[\
{\"source\":null,\"group\":\"225.1.1.1\",\"iif\":\"a1\"},\
{\"source\":\"10.0.0.10\",\"group\":\"225.1.2.3\",\"iif\":\"a1\"},\
{\"source\":null,\"group\":\"225.3.2.248/30\",\"iif\":\"a2\"},\
{\"source\":null,\"group\":\"225.3.2.249/30\",\"iif\":\"a2\"},\
{\"source\":null,\"group\":\"225.3.2.250/30\",\"iif\":\"a2\"},\
{\"source\":null,\"group\":\"225.3.2.251/30\",\"iif\":\"a2\"}]}}\n";
        assert_eq!(t.show(b'J', "groups"), json);
    });
}

#[test]
fn show_interfaces_golden() {
    run(|t| {
        t.scan(&[("lo", 1, false), ("a1", 3, true)]);
        t.conf(&["phyint a1"]);
        let expect = concat!(
            " INDEX PHYINT  VIF  MIF=\n",
            "     1 lo      N/A  N/A\n",
            "     3 a1        0    0\n",
        );
        assert_eq!(t.show(b's', "interfaces"), expect);
        assert_eq!(t.show(b'S', "i"), expect);
        assert_eq!(
            t.show(b'J', "i"),
            "{\"interfaces\":[{\"index\":1,\"name\":\"lo\",\"vif\":null,\"mif\":null},\
{\"index\":3,\"name\":\"a1\",\"vif\":0,\"mif\":0}]}\n"
        );
        // A long name widens the column; a vanished interface stays listed.
        t.scan(&[("lo", 1, false), ("verylongname0", 7, true)]);
        let expect = concat!(
            " INDEX PHYINT         VIF  MIF=\n",
            "     1 lo             N/A  N/A\n",
            "     3 a1             N/A  N/A\n",
            "     7 verylongname0  N/A  N/A\n",
        );
        assert_eq!(t.show(b's', "i"), expect);
    });
}

#[test]
fn show_pending_golden() {
    run(|t| {
        t.scan(&[("a2", 5, true)]);
        assert_eq!(t.show(b's', "pending"), "No pending routes or groups\n");
        assert_eq!(t.show(b'J', "p"), "{\"pending\":[]}\n");
        assert_eq!(
            t.conf(&[
                "mroute from wg0 group 239.5.5.5 to a2",
                "mgroup from a1 source 10.0.0.10 group 225.1.2.3",
            ]),
            0
        );
        assert!(t
            .h
            .logged("mroute from wg0 group 239.5.5.5 pending: interface not available"));
        assert_eq!(
            t.h.last(),
            "mgroup from a1 group 225.1.2.3 pending: interface not available"
        );
        let expect = "\
PENDING ROUTES AND GROUPS
mroute  from wg0 group 239.5.5.5 to a2
mgroup  from a1 source 10.0.0.10 group 225.1.2.3
";
        assert_eq!(t.show(b's', "pending"), expect);
        assert_eq!(t.show(b'S', "p"), expect);
        assert_eq!(
            t.show(b'J', "p"),
            "{\"pending\":[{\"kind\":\"mroute\",\"iif\":\"wg0\",\"source\":null,\"group\":\"239.5.5.5\",\"oifs\":[\"a2\"]},\
{\"kind\":\"mgroup\",\"iif\":\"a1\",\"source\":\"10.0.0.10\",\"group\":\"225.1.2.3\",\"oifs\":[]}]}\n"
        );
        // Duplicates are not queued twice.
        t.conf(&["mroute from wg0 group 239.5.5.5 to a2"]);
        assert_eq!(t.show(b's', "p"), expect);
    });
}

#[test]
fn show_route_iif_column_widens() {
    run(|t| {
        t.scan(&[("uplink0", 2, true), ("a2", 3, true)]);
        t.conf(&["mroute from uplink0 group 225.1.1.1 to a2"]);
        let expect = "\
(*,G) Template Rules_
ROUTE (S,G)                                IIF      OIFS=
(*, 225.1.1.1)                             uplink0  a2
";
        assert!(t.show(b's', "").starts_with(expect), "{}", t.show(b's', ""));
        let detail = "\
(*,G) Template Rules_
ROUTE (S,G)                                IIF        PACKETS      BYTES  OIFS=
";
        assert!(t.show(b'S', "").starts_with(detail), "{}", t.show(b'S', ""));
    });
}

#[test]
fn show_pending_source_and_oifs() {
    run(|t| {
        t.scan(&[("a2", 5, true)]);
        t.conf(&["mroute from wg1 source 10.0.0.1 group 239.1.1.1 to a2 a3"]);
        assert_eq!(
            t.show(b's', "p"),
            "PENDING ROUTES AND GROUPS\n\
mroute  from wg1 source 10.0.0.1 group 239.1.1.1 to a2 a3\n"
        );
        assert_eq!(
            t.show(b'J', "p"),
            "{\"pending\":[{\"kind\":\"mroute\",\"iif\":\"wg1\",\"source\":\"10.0.0.1\",\
\"group\":\"239.1.1.1\",\"oifs\":[\"a2\",\"a3\"]}]}\n"
        );
    });
}

#[test]
fn json_escapes_strings() {
    run(|t| {
        t.conf(&["mroute from we\"i\\rd group 239.5.5.5"]);
        assert_eq!(
            t.show(b'J', "p"),
            "{\"pending\":[{\"kind\":\"mroute\",\"iif\":\"we\\\"i\\\\rd\",\"source\":null,\"group\":\"239.5.5.5\",\"oifs\":[]}]}\n"
        );
        let mut out = String::new();
        super::show::tests_json_str(&mut out, "a\u{1}b");
        assert_eq!(out, "\"a\\u0001b\"");
    });
}

// ===== WRONGVIF =====

#[test]
fn wrongvif_repair() {
    run(|t| {
        t.scan(A);
        t.conf(&[
            "mroute from a1 group 225.3.3.3 to x1",
            "mroute from a2 group 225.3.3.3 to x1",
            "mroute from a1 source 10.0.0.9 group 225.3.3.3 to x1",
        ]);
        // VIFs: a1 0, x1 1, a2 2.
        t.up(UpcallKind::NoCache, 0, "10.0.0.1", "225.3.3.3");
        t.ops();
        t.up(UpcallKind::WrongVif, 2, "10.0.0.1", "225.3.3.3");
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.1 225.3.3.3 in2 out 1:1",
                "script install 10.0.0.1 225.3.3.3"
            ])
        );
        assert_eq!(
            t.h.last(),
            "Moved (10.0.0.1,225.3.3.3) inbound to a2 after WRONGVIF"
        );
        // No template on x1: info only.
        t.up(UpcallKind::WrongVif, 1, "10.0.0.1", "225.3.3.3");
        assert_eq!(t.ops(), Vec::<String>::new());
        assert_eq!(
            t.h.last(),
            "Multicast (10.0.0.1,225.3.3.3) on wrong VIF x1, no matching rule"
        );
        // A configured (S,G) is left alone.
        t.up(UpcallKind::WrongVif, 2, "10.0.0.9", "225.3.3.3");
        assert_eq!(t.ops(), Vec::<String>::new());
        // WRONGVIF without a kernel entry installs one.
        t.up(UpcallKind::WrongVif, 2, "10.0.0.2", "225.3.3.3");
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.2 225.3.3.3 in2 out 1:1",
                "script install 10.0.0.2 225.3.3.3"
            ])
        );
    });
}

// ===== groups =====

#[test]
fn joins_ranges_and_errors() {
    run(|t| {
        t.scan(A);
        t.ipc(b'j', &["a1", "225.1.1.1"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if3 ttl1",
                "add_vif v6 0 if3 ttl1",
                "join if3 * 225.1.1.1"
            ])
        );
        assert!(t.ipc(b'j', &["a1", "225.1.1.1"]).is_err());
        assert_eq!(t.h.last(), "Already joined (*,225.1.1.1) on a1");
        assert!(t.ipc(b'l', &["a1", "225.9.9.9"]).is_err());
        assert_eq!(t.h.last(), "No group (*,225.9.9.9) on a1 to leave");
        assert!(t.ipc(b'j', &["nope", "225.1.1.1"]).is_err());
        assert_eq!(t.h.last(), "unknown interface nope");
        assert!(t.ipc(b'j', &["a1", "225.1.1.1/40"]).is_err());
        assert_eq!(
            t.h.last(),
            "ipc: join: Invalid group prefix length (0-32): 40"
        );
        assert!(t.ipc(b'j', &["a1"]).is_err());
        assert_eq!(t.h.last(), "ipc: join: Not enough arguments");
        // The route commands' check is the same one, named for `mroute`.
        assert!(t.ipc(b'a', &["a1"]).is_err());
        assert_eq!(t.h.last(), "ipc: mroute: Not enough arguments");
        assert!(t.ipc(b'r', &[]).is_err());
        assert_eq!(t.h.last(), "ipc: mroute: Not enough arguments");
        t.ops();
        // SSM with source x group ranges: cartesian product.
        t.ipc(b'j', &["a2", "10.0.0.1/31", "225.2.2.2/31"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 1 if5 ttl1",
                "add_vif v6 1 if5 ttl1",
                "join if5 10.0.0.0 225.2.2.2",
                "join if5 10.0.0.0 225.2.2.3",
                "join if5 10.0.0.1 225.2.2.2",
                "join if5 10.0.0.1 225.2.2.3",
            ])
        );
        // Leave must repeat the same words.
        assert!(t.ipc(b'l', &["a2", "10.0.0.1", "225.2.2.2/31"]).is_err());
        assert_eq!(
            t.h.last(),
            "No group (10.0.0.1,225.2.2.2/31) on a2 to leave"
        );
        t.ipc(b'l', &["a2", "10.0.0.1/31", "225.2.2.2/31"]).unwrap();
        assert_eq!(t.ops().len(), 4);
        // 4+ words: the second is the group, the rest ignored.
        t.ipc(b'j', &["a2", "225.4.4.4", "x", "y"]).unwrap();
        assert_eq!(t.ops(), v(&["join if5 * 225.4.4.4"]));
        // A failing kernel join leaves nothing behind (SMCRoute keeps a dangling entry).
        t.h.fail_join = Some(("225.5.5.6".into(), Errno::ENOBUFS));
        assert!(t.ipc(b'j', &["a2", "225.5.5.4/30"]).is_err());
        assert_eq!(
            t.h.last(),
            "Failed joining group (*,225.5.5.6) on a2: No buffer space available"
        );
        assert_eq!(
            t.ops(),
            v(&[
                "join if5 * 225.5.5.4",
                "join if5 * 225.5.5.5",
                "join if5 * 225.5.5.6",
                "leave if5 * 225.5.5.5",
                "leave if5 * 225.5.5.4",
            ])
        );
        assert!(!t.show(b's', "g").contains("225.5.5.4"));
        t.h.fail_join = None;
        // Too big a range: refused before any kernel join.
        assert!(t.ipc(b'j', &["a2", "225.0.0.0/8"]).is_err());
        assert_eq!(t.h.last(), "join table full (1024 entries)");
        assert!(t.ipc(b'j', &["a2", "ff05::/16"]).is_err());
        assert_eq!(t.ops(), Vec::<String>::new());
        // Conf duplicate: info, failed line.
        assert_eq!(t.conf(&["mgroup from a1 group 225.1.1.1"]), 1);
        assert_eq!(t.h.last(), "Already joined (*,225.1.1.1) on a1");
        assert_eq!(t.h.last_level(), crate::fmt::Level::Info);
        // Wildcard interface: one join per matching multicast interface.
        t.ops();
        t.conf(&["mgroup from x+ group 225.6.6.6"]);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 2 if2 ttl1",
                "add_vif v6 2 if2 ttl1",
                "join if2 * 225.6.6.6",
                "add_vif v4 3 if4 ttl1",
                "add_vif v6 3 if4 ttl1",
                "join if4 * 225.6.6.6",
            ])
        );
        // Shutdown leaves everything.
        t.r.shutdown(&mut t.h);
        let ops = t.ops();
        assert!(ops.iter().all(|o| o.starts_with("leave ")), "{ops:?}");
        assert_eq!(ops.len(), 4);
        assert_eq!(t.show(b's', "g"), "");
    });
}

#[test]
fn groups_table_full() {
    run(|t| {
        t.scan(A);
        for i in 0..crate::limits::MAX_GROUPS {
            let o = addr("225.0.0.0").offset(i as u32);
            let o = o.octets();
            let g = std::format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
            t.ipc(b'j', &["a1", g.as_str()]).unwrap();
        }
        assert!(t.ipc(b'j', &["a1", "226.0.0.1"]).is_err());
        assert_eq!(t.h.last(), "join table full (1024 entries)");
        t.ipc(b'l', &["a1", "225.0.0.0"]).unwrap();
        t.ipc(b'j', &["a1", "226.0.0.1"]).unwrap();
    });
}

// ===== pending + hot-plug =====

#[test]
fn pending_full_duplicate_and_too_long() {
    run(|t| {
        let cap = crate::limits::MAX_PENDING;
        let lines: Vec<String> = (0..=cap)
            .map(|i| format!("mgroup from wg0 group 239.1.{}.{}", i / 256, i % 256))
            .collect();
        let refs: Vec<&str> = lines.iter().map(|l| l.as_str()).collect();
        t.conf(&refs[..cap]);
        assert_eq!(t.r.pending.len(), cap);
        let n = t.h.log.lines.len();
        // Full: said to be pending, then the list is full.
        t.conf(&refs[cap..]);
        let said: Vec<&str> = t.h.log.lines[n..].iter().map(|l| l.1.as_str()).collect();
        let last = format!(
            "mgroup from wg0 group 239.1.1.{} pending: interface not available",
            cap % 256
        );
        let full = format!("pending table full ({cap} entries)");
        assert_eq!(said, [last.as_str(), full.as_str()]);
        // A duplicate is one even when the list is full: no second message.
        let n = t.h.log.lines.len();
        t.conf(&refs[..1]);
        assert_eq!(t.h.log.lines.len(), n + 1);
        assert!(t.h.last().ends_with("pending: interface not available"));
        // Words too long for an entry: only the list's message. (A line too long for the
        // conf parser: its OIFs are added to the parsed directive.)
        t.r.pending.clear();
        let (long, mut oifs) = directive("mroute from wg0 group 239.5.5.5");
        for _ in 0..crate::limits::MAX_OIFS {
            oifs.push("o123456789abcdef").unwrap();
        }
        let n = t.h.log.lines.len();
        let origin = Origin::Conf {
            file: "t.conf",
            line: 1,
        };
        let _ = t.r.apply(&mut t.h, &origin, &long, &oifs);
        let said: Vec<&str> = t.h.log.lines[n..].iter().map(|l| l.1.as_str()).collect();
        assert_eq!(said, [full.as_str()]);
        assert!(t.r.pending.is_empty());
    });
}

#[test]
fn pending_activation() {
    run(|t| {
        t.scan(&[("a1", 3, true)]);
        t.conf(&[
            "mroute from wg0 group 239.5.5.5 to a1",
            "mroute from a1 source 10.0.0.1 group 239.6.6.6 to a2 wg0",
            "mgroup from wg0 group 239.7.7.7",
        ]);
        // IIF present, OIFs missing: installed without them and queued.
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if3 ttl1",
                "add_vif v6 0 if3 ttl1",
                "add_mfc 10.0.0.1 239.6.6.6 in0 out"
            ])
        );
        assert_eq!(t.r.pending.len(), 3);
        // a2 appears: the second entry still waits for wg0.
        t.scan(&[("a1", 3, true), ("a2", 5, true)]);
        t.r.activate_pending(&mut t.h);
        assert_eq!(t.ops(), Vec::<String>::new());
        // wg0 appears without MULTICAST: not yet.
        t.scan(&[("a1", 3, true), ("a2", 5, true), ("wg0", 9, false)]);
        t.r.activate_pending(&mut t.h);
        assert_eq!(t.ops(), Vec::<String>::new());
        t.scan(&[("a1", 3, true), ("a2", 5, true), ("wg0", 9, true)]);
        t.r.activate_pending(&mut t.h);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 1 if9 ttl1",
                "add_vif v6 1 if9 ttl1",
                "add_vif v4 2 if5 ttl1",
                "add_vif v6 2 if5 ttl1",
                "add_mfc 10.0.0.1 239.6.6.6 in0 out 1:1 2:1",
                "join if9 * 239.7.7.7",
            ])
        );
        assert!(t
            .h
            .logged("Activated pending mroute from wg0 group 239.5.5.5"));
        assert!(t
            .h
            .logged("Activated pending mroute from a1 group 239.6.6.6"));
        assert_eq!(
            t.h.last(),
            "Activated pending mgroup from wg0 group 239.7.7.7"
        );
        assert_eq!(t.show(b's', "p"), "No pending routes or groups\n");
    });
}

#[test]
fn interface_recreation_restores_routes_and_joins() {
    run(|t| {
        let before: &[(&str, u32, bool)] = &[("a1", 3, true), ("a2", 5, true), ("wg0", 9, true)];
        t.scan(before);
        t.conf(&[
            "mroute from wg0 source 10.0.0.1 group 239.1.1.1 to a1",
            "mroute from a1 source 10.0.0.2 group 239.2.2.2 to a2 wg0",
            "mroute from a1 group 239.3.0.0/16 to wg0",
            "mgroup from wg0 group 239.7.7.7",
        ]);
        t.up(UpcallKind::NoCache, 1, "10.0.0.3", "239.3.1.1");
        t.ops();
        let routes = t.show(b's', "");
        // wg0 is re-created with a new ifindex.
        t.scan(&[("a1", 3, true), ("a2", 5, true), ("wg0", 11, true)]);
        assert_eq!(
            t.ops(),
            v(&[
                "leave if9 * 239.7.7.7",
                "del_mfc 10.0.0.1 239.1.1.1 in0",
                "add_mfc 10.0.0.2 239.2.2.2 in1 out 2:1",
                "add_mfc 10.0.0.3 239.3.1.1 in1 out",
                "del_vif v4 0 if9",
                "del_vif v6 0 if9",
            ])
        );
        assert_eq!(
            t.show(b's', "p"),
            "PENDING ROUTES AND GROUPS\n\
mgroup  from wg0 group 239.7.7.7\n\
mroute  from wg0 source 10.0.0.1 group 239.1.1.1 to a1\n\
mroute  from a1 source 10.0.0.2 group 239.2.2.2 to wg0\n\
mroute  from a1 group 239.3.0.0/16 to wg0\n"
        );
        t.r.activate_pending(&mut t.h);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if11 ttl1",
                "add_vif v6 0 if11 ttl1",
                "join if11 * 239.7.7.7",
                "add_mfc 10.0.0.1 239.1.1.1 in0 out 1:1",
                "add_mfc 10.0.0.2 239.2.2.2 in1 out 0:1 2:1",
                "add_mfc 10.0.0.3 239.3.1.1 in1 out 0:1",
            ])
        );
        assert_eq!(t.show(b's', "p"), "No pending routes or groups\n");
        // Same rules as before (the restored ones now come last).
        let sorted = |s: String| {
            let mut l: Vec<String> = s.lines().map(String::from).collect();
            l.sort();
            l
        };
        assert_eq!(sorted(t.show(b's', "")), sorted(routes.clone()));
        // Vanishing entirely works the same way; coming back restores.
        t.scan(&[("a1", 3, true), ("a2", 5, true)]);
        assert!(t
            .h
            .logged("Interface wg0 gone or changed, its routes and groups are pending"));
        t.r.activate_pending(&mut t.h);
        assert_eq!(t.r.pending.len(), 4);
        t.scan(&[("a1", 3, true), ("a2", 5, true), ("wg0", 12, true)]);
        t.r.activate_pending(&mut t.h);
        assert_eq!(t.r.pending.len(), 0);
        assert_eq!(sorted(t.show(b's', "")), sorted(routes));
    });
}

#[test]
fn losing_multicast_flag_detaches() {
    run(|t| {
        t.scan(&[("a1", 3, true), ("a2", 5, true)]);
        t.conf(&["mroute from a1 source 10.0.0.1 group 239.1.1.1 to a2"]);
        t.ops();
        t.scan(&[("a1", 3, true), ("a2", 5, false)]);
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.1 239.1.1.1 in0 out",
                "del_vif v4 1 if5",
                "del_vif v6 1 if5"
            ])
        );
        t.scan(&[("a1", 3, true), ("a2", 5, true)]);
        t.r.activate_pending(&mut t.h);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 1 if5 ttl1",
                "add_vif v6 1 if5 ttl1",
                "add_mfc 10.0.0.1 239.1.1.1 in0 out 1:1"
            ])
        );
    });
}

// ===== reload =====

#[test]
fn reload_order_numbering_and_untouched_flows() {
    run(|t| {
        let ifs: &[(&str, u32, bool)] = &[
            ("a1", 3, true),
            ("a2", 5, true),
            ("x1", 2, true),
            ("x2", 4, true),
        ];
        t.scan(ifs);
        t.conf(&[
            "mroute from a1 source 10.0.0.1 group 239.1.1.1 to a2",
            "mroute from a1 source 10.0.0.3 group 239.1.1.3 to a2",
            "mroute from a1 group 239.3.3.3 to a2",
            "mroute from x1 source 10.0.0.2 group 239.2.2.2 to a2",
            "mgroup from a1 group 239.9.9.9",
            "mgroup from x1 group 239.8.8.8",
        ]);
        t.up(UpcallKind::NoCache, 0, "10.0.0.5", "239.3.3.3");
        t.ipc(b'a', &["a1", "10.0.0.1", "239.1.1.1", "x2"]).unwrap();
        t.ipc(b'j', &["a2", "239.7.7.7"]).unwrap();
        t.ops();
        let mut ifs2 = ifs.to_vec();
        ifs2.push(("y1", 6, true));
        let failed = t.reload(
            &ifs2,
            &[
                "mroute from a1 source 10.0.0.1 group 239.1.1.1 to a2",
                "mroute from a1 source 10.0.0.3 group 239.1.1.3 to a2",
                "mroute from a1 group 239.3.3.3 to a2",
                "mroute from y1 source 10.0.0.6 group 239.6.6.6 to a2",
                "mgroup from a1 group 239.9.9.9",
            ],
        );
        assert_eq!(failed, 0);
        assert_eq!(
            t.ops(),
            v(&[
                // Parse: the IPC-added OIF is dropped; unchanged 239.1.1.3 untouched.
                "add_mfc 10.0.0.1 239.1.1.1 in0 out 1:1",
                // New interface: lowest free slot while the old VIFs still exist.
                "add_vif v4 4 if6 ttl1",
                "add_vif v6 4 if6 ttl1",
                "add_mfc 10.0.0.6 239.6.6.6 in4 out 1:1",
                // End: unused VIFs, unused routes, groups.
                "del_vif v4 2 if2",
                "del_vif v6 2 if2",
                "del_vif v4 3 if4",
                "del_vif v6 3 if4",
                "del_mfc 10.0.0.2 239.2.2.2 in2",
                "leave if2 * 239.8.8.8",
                "leave if5 * 239.7.7.7",
            ])
        );
        // The learned entry of the surviving template is kept.
        let shown = t.show(b's', "");
        assert!(
            shown.contains("(10.0.0.5, 239.3.3.3)                      a1   a2\n"),
            "{shown}"
        );
        // A reload of the same conf changes nothing at all.
        let same = [
            "mroute from a1 source 10.0.0.1 group 239.1.1.1 to a2",
            "mroute from a1 source 10.0.0.3 group 239.1.1.3 to a2",
            "mroute from a1 group 239.3.3.3 to a2",
            "mroute from y1 source 10.0.0.6 group 239.6.6.6 to a2",
            "mgroup from a1 group 239.9.9.9",
        ];
        t.reload(&ifs2, &same);
        assert_eq!(t.ops(), Vec::<String>::new());
        // Freed slots are reused lowest first.
        t.ipc(b'a', &["x2", "10.0.0.8", "239.8.8.8", "x1"]).unwrap();
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 2 if4 ttl1",
                "add_vif v6 2 if4 ttl1",
                "add_vif v4 3 if2 ttl1",
                "add_vif v6 3 if2 ttl1",
                "add_mfc 10.0.0.8 239.8.8.8 in2 out 3:1",
            ])
        );
    });
}

#[test]
fn reload_template_changes_follow_learned_entries() {
    run(|t| {
        t.scan(A);
        t.conf(&[
            "mroute from a1 group 239.3.0.0/16 to a2",
            "mroute from a1 group 239.4.4.4 to a2",
        ]);
        t.up(UpcallKind::NoCache, 0, "10.0.0.5", "239.3.1.1");
        t.up(UpcallKind::NoCache, 0, "10.0.0.5", "239.4.4.4");
        t.up(UpcallKind::NoCache, 0, "10.0.0.5", "239.5.5.5");
        t.ops();
        // Template OIFs change, the second template goes: its learned entry goes, the
        // stop filter stays, and a new template converts a stop filter at the end.
        t.reload(
            A,
            &[
                "mroute from a1 group 239.3.0.0/16 to a2 x1",
                "mroute from a1 group 239.5.5.5 to x2",
            ],
        );
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 2 if2 ttl1",
                "add_vif v6 2 if2 ttl1",
                "add_vif v4 3 if4 ttl1",
                "add_vif v6 3 if4 ttl1",
                "del_mfc 10.0.0.5 239.4.4.4 in0",
                "add_mfc 10.0.0.5 239.3.1.1 in0 out 1:1 2:1",
                "add_mfc 10.0.0.5 239.5.5.5 in0 out 3:1",
            ])
        );
    });
}

#[test]
fn phyint_mrdisc_threshold_and_disable() {
    run(|t| {
        t.scan(A);
        t.conf(&[
            "phyint a2 enable mrdisc ttl-threshold 5",
            "phyint x+ disable",
        ]);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if5 ttl5",
                "add_vif v6 0 if5 ttl5",
                "mrdisc+ if5 a2"
            ])
        );
        t.conf(&["mroute from a1 source 10.0.0.1 group 239.1.1.1 to a2"]);
        assert_eq!(
            t.ops().last().unwrap(),
            "add_mfc 10.0.0.1 239.1.1.1 in1 out 0:5"
        );
        // EEXIST path: threshold stored, no re-creation, mrdisc untouched.
        t.conf(&["phyint a2 ttl-threshold 7"]);
        assert_eq!(t.ops(), Vec::<String>::new());
        // disable: VIF gone, route pruned to a stop filter.
        t.conf(&["phyint a2 disable"]);
        assert_eq!(
            t.ops(),
            v(&[
                "add_mfc 10.0.0.1 239.1.1.1 in1 out",
                "del_vif v4 0 if5",
                "del_vif v6 0 if5",
                "mrdisc- if5",
            ])
        );
        // -N: phyint without enable/disable means disable.
        t.r.set_options(Options {
            do_vifs: false,
            ..Options::new()
        });
        t.conf(&["phyint x1"]);
        assert_eq!(t.ops(), Vec::<String>::new());
        // Reload: unused interface with mrdisc loses its VIF and announcements.
        t.r.set_options(Options::new());
        t.conf(&["phyint x1 mrdisc"]);
        assert_eq!(
            t.ops(),
            v(&[
                "add_vif v4 0 if2 ttl1",
                "add_vif v6 0 if2 ttl1",
                "mrdisc+ if2 x1"
            ])
        );
        t.reload(A, &["mroute from a1 source 10.0.0.1 group 239.1.1.1"]);
        assert_eq!(
            t.ops(),
            v(&["del_vif v4 0 if2", "del_vif v6 0 if2", "mrdisc- if2"])
        );
    });
}

// ===== expiry =====

#[test]
fn expiry_two_tick_and_flush() {
    run(|t| {
        t.scan(A);
        t.conf(&[
            "mroute from a1 group 239.3.3.3 to a2",
            "mroute from a1 source 10.0.0.9 group 239.3.3.3 to a2",
        ]);
        t.up(UpcallKind::NoCache, 0, "10.0.0.1", "239.3.3.3");
        t.up(UpcallKind::NoCache, 0, "10.0.0.2", "239.3.3.3");
        t.up(UpcallKind::NoCache, 0, "10.0.0.3", "239.4.4.4");
        t.h.set_count("10.0.0.1", "239.3.3.3", 10, 1000, 3);
        t.h.set_count("10.0.0.2", "239.3.3.3", 5, 500, 0);
        t.ops();
        let tick = |t: &mut T, secs: u64| {
            t.now = secs * 1000;
            t.r.expire(&mut t.h, Instant(t.now));
            t.h.take()
        };
        assert_eq!(tick(t, 0), Vec::<String>::new(), "first visit only stamps");
        assert_eq!(tick(t, 30), Vec::<String>::new(), "not idle long enough");
        // 10.0.0.1: packets up but wrong_if up as much: no valid traffic.
        t.h.set_count("10.0.0.1", "239.3.3.3", 14, 1400, 7);
        t.h.set_count("10.0.0.2", "239.3.3.3", 6, 600, 0);
        assert_eq!(
            tick(t, 60),
            v(&[
                "del_mfc 10.0.0.1 239.3.3.3 in0",
                "del_mfc 10.0.0.3 239.4.4.4 in0"
            ])
        );
        assert_eq!(tick(t, 90), Vec::<String>::new());
        assert_eq!(tick(t, 120), v(&["del_mfc 10.0.0.2 239.3.3.3 in0"]));
        // The configured (S,G) is never expired.
        assert!(t.show(b's', "").contains("(10.0.0.9, 239.3.3.3)"));
        // flush = max idle 0: stamps first, then removes the unchanged.
        t.up(UpcallKind::NoCache, 0, "10.0.0.4", "239.3.3.3");
        t.ops();
        t.ipc(b'F', &[]).unwrap();
        assert_eq!(t.ops(), Vec::<String>::new());
        t.ipc(b'F', &[]).unwrap();
        assert_eq!(t.ops(), v(&["del_mfc 10.0.0.4 239.3.3.3 in0"]));
        // -c 0 disables the timer.
        t.r.set_options(Options {
            cache_timeout_secs: 0,
            ..Options::new()
        });
        t.up(UpcallKind::NoCache, 0, "10.0.0.4", "239.3.3.3");
        t.ops();
        for s in [1000, 2000, 3000] {
            assert_eq!(tick(t, s), Vec::<String>::new());
        }
    });
}

// ===== capacity =====

#[test]
fn kernel_table_full_evicts_idlest_learned() {
    run(|t| {
        t.scan(A);
        t.conf(&[
            "mroute from a1 source 10.0.0.9 group 239.9.9.9 to a2",
            "mroute from a1 group 232.0.0.0/8 to a2",
        ]);
        let n = crate::limits::MAX_KERNEL_ROUTES - 1;
        let g = |i: usize| {
            let a = addr("232.0.0.0").offset(i as u32);
            let o = a.octets();
            std::format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
        };
        for i in 0..n {
            t.up(UpcallKind::NoCache, 0, "10.0.0.1", &g(i));
        }
        assert_eq!(t.r.mfc.len(), crate::limits::MAX_KERNEL_ROUTES);
        // A sign of life (WRONGVIF repair) moves entry 0 to the back: entry 1 is idlest.
        t.up(UpcallKind::WrongVif, 0, "10.0.0.1", &g(0));
        t.ops();
        t.up(UpcallKind::NoCache, 0, "10.0.0.3", "233.0.0.1");
        assert_eq!(
            t.ops(),
            v(&[
                &std::format!("del_mfc 10.0.0.1 {} in0", g(1)),
                "add_mfc 10.0.0.3 233.0.0.1 in0 out",
            ])
        );
        t.up(UpcallKind::NoCache, 0, "10.0.0.3", "233.0.0.2");
        assert_eq!(
            t.ops(),
            v(&[
                &std::format!("del_mfc 10.0.0.1 {} in0", g(2)),
                "add_mfc 10.0.0.3 233.0.0.2 in0 out",
            ])
        );
        // The configured entry never gives way.
        assert!(t
            .show(b's', "")
            .contains("(10.0.0.9, 239.9.9.9)                      a1   a2\n"));
        assert!(t.r.mfc.find(&addr("10.0.0.1"), &addr(&g(0))).is_some());
    });
}

#[test]
fn kernel_table_full_of_configured_entries() {
    // Nothing to evict: only configured (S,G) entries. Needs room for as many rules.
    if crate::limits::MAX_RULES < crate::limits::MAX_KERNEL_ROUTES {
        return;
    }
    run(|t| {
        t.scan(A);
        for i in 0..crate::limits::MAX_KERNEL_ROUTES {
            let g = addr("232.0.0.0").offset(i as u32);
            let o = g.octets();
            let g = std::format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
            t.ipc(b'a', &["a1", "10.0.0.1", &g, "a2"]).unwrap();
        }
        assert_eq!(t.r.mfc.len(), crate::limits::MAX_KERNEL_ROUTES);
        t.ops();
        t.up(UpcallKind::NoCache, 0, "10.0.0.3", "233.0.0.1");
        assert_eq!(t.ops(), Vec::<String>::new());
        let full = std::format!(
            "kernel route table full ({} entries)",
            crate::limits::MAX_KERNEL_ROUTES
        );
        assert_eq!(t.h.last(), full);
        assert!(t
            .r
            .mfc
            .find(&addr("10.0.0.3"), &addr("233.0.0.1"))
            .is_none());
    });
}

#[test]
fn rule_table_full() {
    run(|t| {
        t.scan(A);
        for i in 0..crate::limits::MAX_RULES {
            let g = addr("232.0.0.0").offset(i as u32);
            let o = g.octets();
            let g = std::format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
            t.ipc(b'a', &["a1", &g, "a2"]).unwrap();
        }
        assert!(t.ipc(b'a', &["a1", "239.1.1.1", "a2"]).is_err());
        let full = std::format!("mroute table full ({} entries)", crate::limits::MAX_RULES);
        assert_eq!(t.h.last(), full);
        // Merging into an existing rule still works when full.
        t.ipc(b'a', &["a1", "232.0.0.0", "x1"]).unwrap();
        t.ipc(b'r', &["a1", "232.0.0.0"]).unwrap();
        t.ipc(b'a', &["a1", "239.1.1.1", "a2"]).unwrap();
    });
}

#[test]
fn router_is_const() {
    // In a static, as the daemon keeps it (not `Sync`: lookups cache through `Cell`s).
    static R: crate::sys::cell::StaticCell<Router> =
        crate::sys::cell::StaticCell::new(Router::new());
    let r = R.take().unwrap();
    assert!(r.rules.is_empty() && r.mfc.is_empty() && r.pending.is_empty());
}
