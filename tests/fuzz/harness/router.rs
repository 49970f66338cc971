//! The stateful target: one router driven by an input-chosen sequence of interface scans
//! (interfaces created, deleted, re-created with a new ifindex, renamed, set up/down,
//! losing multicast), conf statements, IPC commands (through the wire format and back),
//! kernel upcalls (through the upcall decoder), timer ticks and reloads.
//!
//! The host is a *model kernel*, not a recorder: it keeps the VIFs, MFC entries, group
//! memberships and mrdisc registrations the router created and asserts that every request
//! makes sense against that state (no VIF added twice or deleted while a route uses it,
//! no route on a missing VIF, no duplicate join, no leave of what was never joined, ...).
//! With `faults` on, some kernel requests fail and only the checks that must survive a
//! failing kernel stay strict.

use std::collections::{HashMap, HashSet};

use smcroute::conf::{self, Directive, OifWords};
use smcroute::errno::Errno;
use smcroute::fmt::{Level, Log};
use smcroute::ipc::show::{Headings, Out, Renderer};
use smcroute::ipc::{Framer, Request};
use smcroute::kernel::{Host, IfInfo, JoinSockets, Kernel, Mfc, SgCount};
use smcroute::limits::{
    IPC_MAX_ARGS, IPC_MSG_MAX, LOG_LINE_MAX, MAX_JOINS, MAX_JOIN_SOCKETS, MAX_KERNEL_ROUTES,
    MAX_VIFS,
};
use smcroute::net::{Addr, Family};
pub use smcroute::router::Options;
use smcroute::router::{Origin, Router};
use smcroute::time::Instant;
use smcroute::wire::upcall;

use super::rng::Rng;
use super::Bytes;

/// Bug 1 (reported to the lead, regression test `regression_unknown_letter_0_reply`):
/// the error reply to command letter 0 holds the letter itself, a NUL. Tolerated here
/// until it is fixed so that the loop keeps looking for other bugs; set to false then.
pub static KNOWN_BUG_NUL_IN_UNKNOWN_LETTER: bool = false;

/// Bug 2 (regression test `regression_add_wildcard_iif_without_multicast_is_silent`):
/// `add eth+ G ...` fails without a log line when no interface matching `eth+` has
/// IFF_MULTICAST, so the client's error reply is whatever was logged before.
pub static KNOWN_BUG_SILENT_WILDCARD_IIF: bool = false;

/// Bug 3 (regression test `regression_same_join_through_two_iif_words`): `mgroup from a1
/// group G` and `mgroup from a+ group G` both join (*,G) on a1; the kernel (and
/// the router) holds one membership, so leaving either dropped it for both.
pub static KNOWN_BUG_DUPLICATE_JOIN: bool = false;

// ===== model kernel =====

/// A kernel route and the (VIF, ifindex) pairs it used when it was added.
pub type MfcUses = (Mfc, Vec<(u8, u32)>);

/// A kernel that remembers what the router asked of it and checks each request.
#[derive(Default)]
pub struct ModelHost {
    pub vifs: HashMap<(Family, u8), u32>,
    /// Each entry with the ifindex of every VIF it used when it was added.
    pub mfc: HashMap<(Addr, Addr), MfcUses>,
    /// Memberships, with the helper socket slot each was joined on (memberships of the
    /// router that share one, as `a1` and `a+` do, join it once: the router shares it and
    /// leaves it with the last of them).
    pub joins: HashMap<(u32, Option<Addr>, Addr), u16>,
    pub mrdisc: HashSet<u32>,
    /// ifindex -> IFF_MULTICAST of the interfaces the last scan reported.
    pub present: HashMap<u32, bool>,
    pub no_v6: bool,
    /// Some: kernel requests fail at random.
    pub faults: Option<Rng>,
    pub last: String,
    pub lines: u64,
}

fn fam(a: &Addr) -> Family {
    a.family()
}

impl ModelHost {
    fn strict(&self) -> bool {
        self.faults.is_none()
    }

    /// An injected failure, one request in eight.
    fn fault(&mut self, errnos: &[Errno]) -> Option<Errno> {
        let rng = self.faults.as_mut()?;
        (rng.below(8) == 0).then(|| errnos[rng.below(errnos.len())])
    }
}

impl ModelHost {
    /// Between steps every kernel route uses only VIFs that still exist and still belong
    /// to the interfaces they belonged to when the route was added (a VIF index reused by
    /// another interface would silently redirect the route).
    pub fn check_at_rest(&self) {
        if !self.strict() {
            return;
        }
        for (m, uses) in self.mfc.values() {
            let f = fam(&m.group);
            for &(vif, ifindex) in uses {
                assert_eq!(
                    self.vifs.get(&(f, vif)),
                    Some(&ifindex),
                    "kernel route {m:?} uses {f:?} VIF {vif} (if{ifindex} when added), now \
                     gone or reused"
                );
            }
        }
    }
}

impl Log for ModelHost {
    fn log(&mut self, _level: Level, line: &str) {
        assert!(
            line.len() <= LOG_LINE_MAX,
            "log line over {LOG_LINE_MAX}: {line:?}"
        );
        assert!(!line.contains('\n'), "log line with a newline: {line:?}");
        self.last.clear();
        self.last.push_str(line);
        self.lines += 1;
    }
}

impl Kernel for ModelHost {
    fn has_family(&self, family: Family) -> bool {
        !(self.no_v6 && family == Family::V6)
    }

    fn add_vif(&mut self, f: Family, vif: u8, ifindex: u32, threshold: u8) -> Result<(), Errno> {
        assert!(self.has_family(f), "add_vif on an uninitialised family");
        assert!(usize::from(vif) < MAX_VIFS, "vif {vif}");
        assert!(threshold >= 1, "ttl threshold 0");
        assert_eq!(
            self.present.get(&ifindex),
            Some(&true),
            "add_vif on ifindex {ifindex}, not a present multicast interface"
        );
        assert!(
            !self.vifs.contains_key(&(f, vif)),
            "add_vif {f:?} {vif}: slot in use by if{:?}",
            self.vifs.get(&(f, vif))
        );
        assert!(
            !self.vifs.iter().any(|(&(g, _), &i)| g == f && i == ifindex),
            "second {f:?} VIF on ifindex {ifindex}"
        );
        match self.fault(&[
            Errno::ENOBUFS,
            Errno::EADDRINUSE,
            Errno::EEXIST,
            Errno::ENOMEM,
        ]) {
            Some(Errno::EEXIST) => {
                self.vifs.insert((f, vif), ifindex);
                Err(Errno::EEXIST)
            }
            Some(e) => Err(e),
            None => {
                self.vifs.insert((f, vif), ifindex);
                Ok(())
            }
        }
    }

    fn del_vif(&mut self, f: Family, vif: u8, ifindex: u32) -> Result<(), Errno> {
        assert_eq!(
            self.vifs.get(&(f, vif)),
            Some(&ifindex),
            "del_vif {f:?} {vif} if{ifindex}: not what was added"
        );
        // Routes through it may still be there: SMCRoute's reload deletes VIFs before
        // routes. `check_at_rest` catches routes left behind once the step is done.
        self.vifs.remove(&(f, vif));
        Ok(())
    }

    fn add_mfc(&mut self, m: &Mfc) -> Result<(), Errno> {
        let f = fam(&m.group);
        if fam(&m.source) != f {
            // SMCRoute does not check (spec §3.2); `sys::mroute` refuses. Same below.
            return Err(Errno::EINVAL);
        }
        assert!(m.group.is_multicast(), "non-multicast group in {m:?}");
        assert!(
            self.vifs.contains_key(&(f, m.parent)),
            "add_mfc with missing inbound VIF: {m:?}"
        );
        for (vif, &t) in m.ttls.iter().enumerate() {
            if t != 0 {
                assert!(
                    self.vifs.contains_key(&(f, vif as u8)),
                    "add_mfc with missing outbound VIF {vif}: {m:?}"
                );
            }
        }
        let key = (m.source, m.group);
        assert!(
            self.mfc.len() < MAX_KERNEL_ROUTES || self.mfc.contains_key(&key),
            "more kernel routes than MAX_KERNEL_ROUTES"
        );
        if let Some(e) = self.fault(&[Errno::ENOBUFS, Errno::ENOMEM, Errno::EINVAL]) {
            return Err(e);
        }
        let mut uses = vec![(m.parent, self.vifs[&(f, m.parent)])];
        for (vif, &t) in m.ttls.iter().enumerate() {
            if t != 0 {
                uses.push((vif as u8, self.vifs[&(f, vif as u8)]));
            }
        }
        self.mfc.insert(key, (*m, uses));
        Ok(())
    }

    fn del_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        let (source, group, parent) = (&mfc.source, &mfc.group, mfc.parent);
        if fam(source) != fam(group) {
            return Err(Errno::EINVAL);
        }
        match self.mfc.get(&(*source, *group)) {
            Some((m, _)) => {
                if self.strict() {
                    assert_eq!(m.parent, parent, "del_mfc with the wrong parent: {m:?}");
                }
                self.mfc.remove(&(*source, *group));
                Ok(())
            }
            None => {
                assert!(
                    !self.strict(),
                    "del_mfc of ({source:?}, {group:?}): no such entry"
                );
                Err(Errno::ENOENT)
            }
        }
    }

    fn sg_count(&mut self, source: &Addr, group: &Addr, count: &mut SgCount) -> Result<(), Errno> {
        match self.mfc.get(&(*source, *group)) {
            Some((m, _)) => {
                *count = SgCount {
                    packets: u64::from(m.parent) + 1,
                    bytes: 1500,
                    wrong_if: 0,
                };
                Ok(())
            }
            None => Err(Errno::EADDRNOTAVAIL),
        }
    }

    fn join(
        &mut self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &JoinSockets,
    ) -> Result<u16, Errno> {
        assert!(
            group.is_multicast(),
            "join of a non-multicast group {group:?}"
        );
        if source.is_some_and(|s| fam(s) != fam(group)) {
            return Err(Errno::EINVAL);
        }
        assert!(
            self.present.contains_key(&ifindex),
            "join on ifindex {ifindex}, not a present interface"
        );
        let key = (ifindex, source.copied(), *group);
        // A held membership is shared by the router, never joined twice.
        assert!(!self.joins.contains_key(&key), "duplicate join of {key:?}");
        // Every socket holding (ifindex, group) is named busy: no socket gets the group
        // twice.
        for (k, sock) in &self.joins {
            if k.0 == ifindex && k.2 == *group {
                assert!(
                    busy.contains(usize::from(*sock)),
                    "{k:?} on {sock} not busy"
                );
            }
        }
        assert!(self.joins.len() < MAX_JOINS, "more joins than MAX_JOINS");
        if let Some(e) = self.fault(&[Errno::ENOBUFS, Errno::EADDRINUSE, Errno::ENODEV]) {
            return Err(e);
        }
        // As the join pool: no socket slot left for this group is EMFILE.
        let Some(sock) = (0..MAX_JOIN_SOCKETS as u16).find(|&i| !busy.contains(usize::from(i)))
        else {
            return Err(Errno::EMFILE);
        };
        self.joins.insert(key, sock);
        Ok(sock)
    }

    fn leave(
        &mut self,
        sock: u16,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
    ) -> Result<(), Errno> {
        if source.is_some_and(|s| fam(s) != fam(group)) {
            return Err(Errno::EINVAL);
        }
        let key = (ifindex, source.copied(), *group);
        let Some(held) = self.joins.remove(&key) else {
            assert!(!self.strict(), "leave of {key:?}, never joined");
            return Err(Errno::EADDRNOTAVAIL);
        };
        assert_eq!(held, sock, "leave of {key:?} on another socket");
        Ok(())
    }
}

impl Host for ModelHost {
    fn route_installed(&mut self, source: &Addr, group: &Addr) {
        if self.strict() {
            assert!(
                self.mfc.contains_key(&(*source, *group)),
                "script run for ({source:?}, {group:?}), not in the kernel"
            );
        }
    }

    fn mrdisc_register(&mut self, ifindex: u32, name: &str) {
        assert!(!name.is_empty());
        assert!(
            self.vifs
                .iter()
                .any(|(&(f, _), &i)| f == Family::V4 && i == ifindex),
            "mrdisc on ifindex {ifindex} without a VIF"
        );
        assert!(
            self.mrdisc.insert(ifindex),
            "mrdisc registered twice on {ifindex}"
        );
    }

    fn mrdisc_deregister(&mut self, ifindex: u32) {
        assert!(
            self.mrdisc.remove(&ifindex),
            "mrdisc deregistered on {ifindex}, never registered"
        );
    }
}

// ===== input vocabulary =====

const NAMES: &[&str] = &[
    "a1",
    "a2",
    "a3",
    "eth0",
    "eth1",
    "lo",
    "wg0",
    "ppp0",
    "fifteen-chars-x",
    "sixteen-chars-xx",
];
const IIFS: &[&str] = &[
    "a1",
    "a2",
    "a3",
    "eth0",
    "eth1",
    "lo",
    "wg0",
    "ppp0",
    "eth+",
    "a+",
    "+",
    "a1:1",
    "nope",
    "fifteen-chars-x",
    "sixteen-chars-xx",
    "",
];
const GROUPS: &[&str] = &[
    "225.1.1.1",
    "225.1.1.2",
    "225.3.3.3",
    "225.9.0.0/16",
    "225.3.2.250/30",
    "239.0.0.0/8",
    "232.1.1.1",
    "224.0.0.0/4",
    "225.1.1.1/0",
    "225.1.1.1/33",
    "225.1.1.1/-1",
    "ff2e::42",
    "ff04::114",
    "ff05::1/120",
    "ff2e::/16",
    "ff2e::42/129",
    "10.0.0.1",
    "garbage",
    "",
];
const SOURCES: &[&str] = &[
    "10.0.0.1",
    "10.0.0.2",
    "10.0.0.0/24",
    "192.168.1.42",
    "0.0.0.0",
    "10.0.0.1/33",
    "fc00::1",
    "fc00::/64",
    "::",
    "225.1.1.1",
    "x.y",
    "",
];
const SHOW: &[&str] = &[
    "routes",
    "groups",
    "interfaces",
    "pending",
    "",
    "g",
    "i",
    "p",
    "zzz",
];
const KEYWORDS: &[&str] = &[
    "from",
    "source",
    "group",
    "to",
    "enable",
    "disable",
    "mrdisc",
    "ttl-threshold",
    "#c",
    "tomato",
    "fromage",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "64",
    "255",
    "256",
    "-1",
    "99999999999999999999",
    "x",
];
const UP_SOURCES: &[[u8; 4]] = &[
    [10, 0, 0, 1],
    [10, 0, 0, 2],
    [10, 0, 0, 77],
    [192, 168, 1, 42],
];
const UP_GROUPS: &[[u8; 4]] = &[
    [225, 1, 1, 1],
    [225, 3, 3, 3],
    [225, 9, 1, 2],
    [225, 3, 2, 249],
    [239, 1, 2, 3],
    [232, 1, 1, 1],
    [224, 0, 0, 1],
];

/// Any word of the vocabulary.
fn word(b: &mut Bytes<'_>) -> &'static str {
    match b.below(6) {
        0 => b.pick(IIFS),
        1 => b.pick(GROUPS),
        2 => b.pick(SOURCES),
        3 => b.pick(KEYWORDS),
        4 => b.pick(NUMBERS),
        _ => b.pick(SHOW),
    }
}

// ===== the interface world =====

#[derive(Clone, Copy)]
struct Link {
    ifindex: u32,
    up: bool,
    multicast: bool,
}

struct World {
    links: Vec<Option<Link>>,
    next_ifindex: u32,
}

impl World {
    fn new() -> Self {
        let mut w = Self {
            links: vec![None; NAMES.len()],
            next_ifindex: 1,
        };
        for (i, mc) in [(5, false), (0, true), (1, true), (3, true)] {
            w.create(i, true, mc);
        }
        w
    }

    fn create(&mut self, i: usize, up: bool, multicast: bool) {
        self.links[i] = Some(Link {
            ifindex: self.next_ifindex,
            up,
            multicast,
        });
        self.next_ifindex += 1;
    }

    fn change(&mut self, b: &mut Bytes<'_>) {
        let i = b.below(NAMES.len());
        match (b.below(6), self.links[i]) {
            (0, Some(_)) => self.links[i] = None,
            (1, _) => self.create(i, true, true),
            (2, Some(l)) => self.links[i] = Some(Link { up: !l.up, ..l }),
            (3, Some(l)) => {
                self.links[i] = Some(Link {
                    multicast: !l.multicast,
                    ..l
                })
            }
            (4, Some(l)) => {
                // Rename: the same ifindex under a free name.
                let j = b.below(NAMES.len());
                if self.links[j].is_none() {
                    self.links[i] = None;
                    self.links[j] = Some(l);
                }
            }
            _ => self.create(i, b.u8() & 1 == 0, b.u8() & 3 != 0),
        }
    }
}

// ===== driver =====

/// What a run did (for the closing figures).
#[derive(Default, Debug, Clone, Copy)]
pub struct Stats {
    pub steps: u64,
    pub scans: u64,
    pub conf_lines: u64,
    pub commands: u64,
    pub failed_commands: u64,
    pub upcalls: u64,
    pub reloads: u64,
    pub shows: u64,
    pub max_mfc: usize,
    pub max_joins: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Self) {
        self.steps += o.steps;
        self.scans += o.scans;
        self.conf_lines += o.conf_lines;
        self.commands += o.commands;
        self.failed_commands += o.failed_commands;
        self.upcalls += o.upcalls;
        self.reloads += o.reloads;
        self.shows += o.shows;
        self.max_mfc = self.max_mfc.max(o.max_mfc);
        self.max_joins = self.max_joins.max(o.max_joins);
    }
}

struct Collect(Vec<u8>);

impl Out for Collect {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

struct Driver {
    r: Box<Router>,
    h: ModelHost,
    world: World,
    now: Instant,
    line: u32,
    stats: Stats,
}

impl Driver {
    fn scan(&mut self) {
        self.h.present.clear();
        for l in self.world.links.iter().flatten() {
            self.h.present.insert(l.ifindex, l.multicast);
        }
        self.r.scan_begin();
        for (name, l) in NAMES.iter().zip(&self.world.links) {
            if let Some(l) = l {
                self.r.scan_iface(&IfInfo {
                    name,
                    ifindex: l.ifindex,
                    up: l.up,
                    multicast: l.multicast,
                });
            }
        }
        self.r.scan_end(&mut self.h);
        self.stats.scans += 1;
    }

    fn conf_line(&mut self, b: &mut Bytes<'_>) {
        let text = conf_text(b);
        self.apply_line(&text);
    }

    fn apply_line(&mut self, text: &str) {
        self.line += 1;
        // `include` is the caller's to expand; `apply` ignores it.
        let mut directive = Directive::new();
        let mut oifs = OifWords::new();
        if let Some(Ok(())) = conf::parse_into(text.as_bytes(), None, &mut directive, &mut oifs) {
            let origin = Origin::Conf {
                file: "/etc/fuzz.conf",
                line: self.line,
            };
            let _ = self.r.apply(&mut self.h, &origin, &directive, &oifs);
        }
        self.stats.conf_lines += 1;
    }

    /// One request as the daemon answers it: through the wire format, then `command`,
    /// then the reply through the client's renderer.
    fn ipc(&mut self, b: &mut Bytes<'_>) {
        let cmd = b.pick(b"aaarrjjllFsSJHk?\0\xff");
        let mut args: Vec<&str> = Vec::new();
        let structured = b.below(5) != 0;
        match cmd {
            b'a' | b'r' if structured => {
                args.push(b.pick(IIFS));
                if b.u8() & 1 == 0 {
                    args.push(b.pick(SOURCES));
                }
                args.push(b.pick(GROUPS));
                for _ in 0..b.below(5) {
                    args.push(b.pick(IIFS));
                }
            }
            b'j' | b'l' if structured => {
                args.push(b.pick(IIFS));
                if b.u8() & 1 == 0 {
                    args.push(b.pick(SOURCES));
                }
                args.push(b.pick(GROUPS));
            }
            b's' | b'S' | b'J' if structured => {
                if b.u8() & 3 != 0 {
                    args.push(b.pick(SHOW));
                }
            }
            _ => {
                let n = b.below(IPC_MAX_ARGS + 4);
                for _ in 0..n {
                    args.push(word(b));
                }
            }
        }
        let cut = b.u16();
        self.request(cmd, &args, usize::from(cut));
    }

    /// Sends one request through the wire format, cut in two pieces at `cut`.
    fn request(&mut self, cmd: u8, args: &[&str], cut: usize) {
        let Ok(req) = Request::with_args(cmd, args) else {
            assert!(args.len() > IPC_MAX_ARGS);
            return;
        };
        let mut frame = [0u8; IPC_MSG_MAX];
        let Ok(n) = req.emit(&mut frame) else {
            return;
        };
        // The daemon sees the frame through its framer, in two pieces.
        let mut framer = Framer::new();
        let cut = cut % (n + 1);
        let mut frames = Vec::new();
        framer
            .feed(&frame[..cut], |f| frames.push(f.to_vec()))
            .expect("a valid frame frames");
        framer
            .feed(&frame[cut..n], |f| frames.push(f.to_vec()))
            .expect("a valid frame frames");
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0], &frame[..n]);
        let parsed = Request::parse(&frames[0]).expect("an emitted frame parses");
        assert_eq!(parsed, req);
        self.answer(&parsed);
    }

    fn answer(&mut self, req: &Request<'_>) {
        self.stats.commands += 1;
        match req.cmd {
            b'H' => self.reload(&mut Bytes::new(&[])),
            b'k' => {}
            cmd => {
                let before = self.h.lines;
                let mut out = Collect(Vec::new());
                let res = self
                    .r
                    .command(&mut self.h, self.now, cmd, req.args.as_slice(), &mut out);
                let mut reply = out.0;
                if res.is_err() {
                    self.stats.failed_commands += 1;
                    let known_bug = KNOWN_BUG_SILENT_WILDCARD_IIF
                        && cmd == b'a'
                        && req.args.first().is_some_and(|w| w.ends_with('+'));
                    assert!(
                        known_bug || self.h.lines > before,
                        "command {:?} {:?} failed without a log line (the reply would be \
                         a stale message: {:?})",
                        cmd as char,
                        req.args,
                        self.h.last
                    );
                    assert!(!self.h.last.is_empty());
                    reply.extend_from_slice(self.h.last.as_bytes());
                } else if !matches!(cmd, b's' | b'S' | b'J') {
                    assert!(reply.is_empty(), "non-show command wrote a reply");
                }
                if cmd == b'J' && res.is_ok() {
                    check_json(&reply);
                }
                // The client ends a reply at its first NUL: one inside would cut this
                // reply short and make its tail the reply to the next request.
                let known_bug = KNOWN_BUG_NUL_IN_UNKNOWN_LETTER && cmd == 0 && res.is_err();
                if !known_bug {
                    assert!(
                        !reply.contains(&0),
                        "reply to {:?} {:?} holds a NUL: {:?}",
                        cmd as char,
                        req.args,
                        String::from_utf8_lossy(&reply)
                    );
                }
                reply.push(0);
                let mut r = Renderer::new(Headings::Plain);
                let mut rendered = Collect(Vec::new());
                let taken = r.feed(&reply, &mut rendered);
                assert!(r.is_done());
                assert!(known_bug || taken == reply.len());
            }
        }
    }

    fn show(&mut self, cmd: u8, what: &str) -> String {
        let mut out = Collect(Vec::new());
        self.r
            .command(&mut self.h, self.now, cmd, &[what], &mut out)
            .expect("show never fails");
        self.stats.shows += 1;
        String::from_utf8(out.0).expect("show is UTF-8")
    }

    /// The router's kernel mirror and group table agree with the model kernel.
    fn check_mirror(&mut self) {
        if !self.h.strict() {
            return;
        }
        let routes = self.show(b'J', "routes");
        check_json(routes.as_bytes());
        let kernel = routes
            .split("\"kernel\":[")
            .nth(1)
            .expect("routes JSON has a kernel list");
        let rows = kernel.matches("\"iif\":").count();
        assert_eq!(
            rows,
            self.h.mfc.len(),
            "show routes kernel list vs kernel: {routes}"
        );
        let groups = self.show(b'J', "groups");
        check_json(groups.as_bytes());
        let kernel = groups
            .split("\"kernel\":[")
            .nth(1)
            .expect("groups JSON has a kernel list");
        // Two memberships (`a1`, `a+`) may share one kernel join: each lists it, so
        // compare the distinct rows with the distinct kernel memberships.
        let list = kernel.split(']').next().unwrap_or("");
        let rows: std::collections::BTreeSet<&str> = list
            .split("},{")
            .filter(|r| r.contains("\"iif\":"))
            .map(|r| r.trim_matches(|c| c == '{' || c == '}'))
            .collect();
        assert_eq!(
            rows.len(),
            self.h.joins.len(),
            "show groups kernel list vs joins: {groups}"
        );
        for cmd in [b's', b'S'] {
            for what in ["routes", "groups", "interfaces", "pending"] {
                let text = self.show(cmd, what);
                assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
            }
        }
    }

    fn upcall(&mut self, b: &mut Bytes<'_>) {
        let v6 = b.u8() & 3 == 0;
        let msgtype = b.pick(&[1u8, 1, 1, 1, 2, 2, 3, 4, 9]);
        let vif = if b.u8() & 3 == 0 {
            b.below(MAX_VIFS + 3) as u8
        } else {
            let f = if v6 { Family::V6 } else { Family::V4 };
            let mut vifs: Vec<u8> = self
                .h
                .vifs
                .keys()
                .filter(|k| k.0 == f)
                .map(|k| k.1)
                .collect();
            vifs.sort_unstable();
            if vifs.is_empty() {
                0
            } else {
                vifs[b.below(vifs.len())]
            }
        };
        let src = b.pick(UP_SOURCES);
        let grp = b.pick(UP_GROUPS);
        self.send_upcall(v6, msgtype, vif, src, grp);
    }

    /// An upcall as the kernel writes it (IPv6: `fc00::S` and a group chosen by `grp[3]`).
    fn send_upcall(&mut self, v6: bool, msgtype: u8, vif: u8, src: [u8; 4], grp: [u8; 4]) {
        let (family, buf) = if v6 {
            let mut m = [0u8; upcall::MRT6MSG_SIZE];
            m[upcall::IM6_MSGTYPE] = msgtype;
            m[upcall::IM6_MIF..upcall::IM6_MIF + 2].copy_from_slice(&u16::from(vif).to_ne_bytes());
            m[upcall::IM6_SRC] = 0xfc;
            m[upcall::IM6_SRC + 15] = src[3];
            let g: [u8; 16] = match grp[3] % 3 {
                0 => [0xff, 0x2e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42],
                1 => [0xff, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x14],
                _ => [0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, grp[3]],
            };
            m[upcall::IM6_DST..upcall::IM6_DST + 16].copy_from_slice(&g);
            (Family::V6, m.to_vec())
        } else {
            let mut m = [0u8; upcall::IGMPMSG_SIZE + 8];
            m[0] = 0x45;
            m[upcall::IM_MSGTYPE] = msgtype;
            m[upcall::IM_VIF] = vif;
            m[upcall::IM_SRC..upcall::IM_SRC + 4].copy_from_slice(&src);
            m[upcall::IM_DST..upcall::IM_DST + 4].copy_from_slice(&grp);
            (Family::V4, m.to_vec())
        };
        let up = upcall::decode(family, &buf).expect("a well-formed upcall decodes");
        self.r.upcall(&mut self.h, self.now, &up);
        self.stats.upcalls += 1;
    }

    fn reload(&mut self, b: &mut Bytes<'_>) {
        self.r.reload_begin(&mut self.h);
        if b.u8() & 1 == 0 {
            self.world.change(b);
        }
        self.scan();
        for _ in 0..b.below(8) {
            self.conf_line(b);
        }
        self.r.reload_end(&mut self.h);
        self.stats.reloads += 1;
    }

    fn step(&mut self, b: &mut Bytes<'_>) {
        match b.below(16) {
            0 | 1 => {
                for _ in 0..=b.below(3) {
                    self.world.change(b);
                }
                self.scan();
                if b.u8() & 1 == 0 {
                    self.r.activate_pending(&mut self.h);
                }
            }
            2..=5 => self.conf_line(b),
            6..=9 => self.ipc(b),
            10 | 11 => self.upcall(b),
            12 => {
                let ms = b.pick(&[0u64, 1000, 5000, 59_000, 61_000, 3_600_000]);
                self.now = Instant(self.now.0 + ms);
                self.r.expire(&mut self.h, self.now);
            }
            // Reloads drop what the few random conf lines do not restate: keep them rare.
            13 if b.u8() < 32 => self.reload(b),
            13 => self.conf_line(b),
            14 => self.check_mirror(),
            _ => {
                // Raw bytes as the daemon's client loop would see them.
                let raw = b.take(64);
                let mut framer = Framer::new();
                let mut frames = Vec::new();
                let _ = framer.feed(raw, |f| frames.push(f.to_vec()));
                for f in &frames {
                    if let Ok(req) = Request::parse(f) {
                        self.answer(&req);
                    }
                }
            }
        }
        self.stats.steps += 1;
        self.h.check_at_rest();
        assert!(self.h.mfc.len() <= MAX_KERNEL_ROUTES);
        assert!(self.h.joins.len() <= MAX_JOINS);
        self.stats.max_mfc = self.stats.max_mfc.max(self.h.mfc.len());
        self.stats.max_joins = self.stats.max_joins.max(self.h.joins.len());
    }
}

/// A conf line: mostly well-formed directives with random parts left out, sometimes soup.
fn conf_text(b: &mut Bytes<'_>) -> String {
    let mut w: Vec<&str> = Vec::new();
    match b.below(8) {
        0 | 1 => {
            w.push("mroute");
            if b.u8() & 7 != 0 {
                w.extend(["from", b.pick(IIFS)]);
            }
            if b.u8() & 1 == 0 {
                w.extend(["source", b.pick(SOURCES)]);
            }
            if b.u8() & 7 != 0 {
                w.extend(["group", b.pick(GROUPS)]);
            }
            if b.u8() & 3 != 0 {
                w.push("to");
                for _ in 0..b.below(6) {
                    w.push(b.pick(IIFS));
                }
            }
        }
        2 | 3 => {
            w.push(b.pick(&["mgroup", "ssmgroup"]));
            if b.u8() & 7 != 0 {
                w.extend(["from", b.pick(IIFS)]);
            }
            if b.u8() & 1 == 0 {
                w.extend(["source", b.pick(SOURCES)]);
            }
            if b.u8() & 7 != 0 {
                w.extend(["group", b.pick(GROUPS)]);
            }
        }
        4 | 5 => {
            w.push("phyint");
            w.push(b.pick(IIFS));
            for _ in 0..b.below(4) {
                match b.below(4) {
                    0 => w.push("enable"),
                    1 => w.push("disable"),
                    2 => w.push("mrdisc"),
                    _ => w.extend(["ttl-threshold", b.pick(NUMBERS)]),
                }
            }
        }
        _ => {
            w.push(b.pick(&[
                "mroute", "mgroup", "phyint", "include", "bogus", "#x", "mroutex",
            ]));
            for _ in 0..b.below(10) {
                w.push(word(b));
            }
        }
    }
    w.retain(|s| !s.is_empty());
    w.join(if b.u8() & 7 == 0 { "\t " } else { " " })
}

/// One line of JSON: `{...}` and a newline, brackets balanced.
fn check_json(reply: &[u8]) {
    let text = std::str::from_utf8(reply).expect("show is text");
    assert!(
        text.starts_with('{') && text.ends_with("}\n"),
        "JSON shape: {text:?}"
    );
    assert_eq!(text.matches('\n').count(), 1, "JSON on one line: {text:?}");
    let mut depth: i64 = 0;
    for c in text.chars() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
        assert!(depth >= 0, "unbalanced JSON: {text:?}");
    }
    assert_eq!(depth, 0, "unbalanced JSON: {text:?}");
}

/// Runs the router on the op stream `data`, at most `max_steps` steps. Needs a big stack
/// (the router is 2 MB; run it on a thread with 64 MB).
pub fn run(data: &[u8], max_steps: u64) -> Stats {
    let mut b = Bytes::new(data);
    let flags = b.u8();
    let mut h = ModelHost {
        no_v6: flags & 0x08 != 0,
        ..ModelHost::default()
    };
    if flags & 0x30 == 0x30 {
        h.faults = Some(Rng::new(u64::from(b.u16()) + 1));
    }
    let mut d = Driver {
        r: Box::new(Router::new()),
        h,
        world: World::new(),
        now: Instant(0),
        line: 0,
        stats: Stats::default(),
    };
    d.r.set_options(Options {
        do_vifs: flags & 1 == 0,
        cache_timeout_secs: [60, 0, 1, 5][usize::from(flags >> 1 & 3)],
    });
    d.scan();
    while !b.is_empty() && d.stats.steps < max_steps {
        d.step(&mut b);
    }
    d.check_mirror();
    d.r.shutdown(&mut d.h);
    assert!(
        d.h.joins.is_empty(),
        "joins left after shutdown: {:?}",
        d.h.joins
    );
    d.stats
}

/// The router harness for libFuzzer: one run of up to 400 steps.
pub fn router(data: &[u8]) {
    run(data, 400);
}

/// Runs a readable scenario against the same model kernel, for regression tests:
///
/// ```text
/// scan a1=1 eth0=2/nomc lo=3/down     the interfaces that exist now (then rescan)
/// pending                             activate the pending list
/// conf mroute from a1 group 225.1.1.1 one conf line
/// ipc a a1 225.1.1.1 a2               one request (letter `0x00` for a raw byte)
/// upcall v4 1 0 10.0.0.1 225.1.1.1    kind, vif, source, group (v6: fc00::S, group by G)
/// expire 61000                        advance the clock (ms) and run the timer
/// reload_begin / reload_end / check / shutdown
/// ```
pub fn script(opts: Options, lines: &[&str]) -> Stats {
    let mut d = Driver {
        r: Box::new(Router::new()),
        h: ModelHost::default(),
        world: World {
            links: vec![None; NAMES.len()],
            next_ifindex: 1,
        },
        now: Instant(0),
        line: 0,
        stats: Stats::default(),
    };
    d.r.set_options(opts);
    for line in lines {
        let (op, rest) = line.split_once(' ').unwrap_or((line, ""));
        let words: Vec<&str> = rest.split_whitespace().collect();
        match op {
            "scan" => {
                d.world.links = vec![None; NAMES.len()];
                for w in &words {
                    let (name, spec) = w.split_once('=').expect("NAME=IFINDEX");
                    let mut spec = spec.split('/');
                    let ifindex = spec.next().unwrap().parse().unwrap();
                    let flags: Vec<&str> = spec.collect();
                    let i = NAMES
                        .iter()
                        .position(|n| *n == name)
                        .expect("a name of NAMES");
                    d.world.links[i] = Some(Link {
                        ifindex,
                        up: !flags.contains(&"down"),
                        multicast: !flags.contains(&"nomc"),
                    });
                }
                d.scan();
            }
            "pending" => d.r.activate_pending(&mut d.h),
            "conf" => d.apply_line(rest),
            "ipc" => {
                let letter = words[0];
                let cmd = match letter.strip_prefix("0x") {
                    Some(hex) => u8::from_str_radix(hex, 16).unwrap(),
                    None => letter.as_bytes()[0],
                };
                d.request(cmd, &words[1..], usize::MAX);
            }
            "upcall" => {
                let v4 = |w: &str| -> [u8; 4] {
                    let o: Vec<u8> = w.split('.').map(|x| x.parse().unwrap()).collect();
                    o.try_into().unwrap()
                };
                d.send_upcall(
                    words[0] == "v6",
                    words[1].parse().unwrap(),
                    words[2].parse().unwrap(),
                    v4(words[3]),
                    v4(words[4]),
                );
            }
            "expire" => {
                d.now = Instant(d.now.0 + rest.parse::<u64>().unwrap());
                d.r.expire(&mut d.h, d.now);
            }
            "reload_begin" => d.r.reload_begin(&mut d.h),
            "reload_end" => d.r.reload_end(&mut d.h),
            "check" => d.check_mirror(),
            "shutdown" => {
                d.r.shutdown(&mut d.h);
                assert!(d.h.joins.is_empty(), "joins left after shutdown");
            }
            other => panic!("unknown script op {other}"),
        }
        d.stats.steps += 1;
        d.h.check_at_rest();
    }
    d.stats
}
