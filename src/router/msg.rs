//! Every message the router logs, with its level and wording, in one place.
//!
//! The wording is SMCRoute's where the spec gives it: a failing IPC command replies with
//! the daemon's last log line, so these strings are part of the interface. Messages about
//! a conf line or an IPC command carry an [`Origin`] prefix (`FILE line N: ` or `ipc: `);
//! messages of the lower layers (kernel, groups) do not, as in SMCRoute.

use ufmt::{uDisplay, uWrite, Formatter};

use super::Origin;
use crate::errno::Errno;
use crate::fmt::Level;
use crate::net::{write_dec, Addr, Family, Prefix};

/// Which directive a parse message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// `mroute` / `add` / `remove`.
    Mroute,
    /// `mgroup` / `join` / `leave`.
    Join,
}

/// Which end of a route an interface message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// The IIF.
    Inbound,
    /// An OIF.
    Outbound,
}

/// `(S,G)` the compact way SMCRoute prints memberships and kernel routes:
/// `(*,225.1.1.1)`, `(10.0.0.1,225.3.2.250/30)`.
#[derive(Debug, Clone, Copy)]
pub struct Compact {
    /// Source, `None` for `*`.
    pub source: Option<Prefix>,
    /// Group.
    pub group: Prefix,
}

impl Compact {
    /// A kernel (S,G) with full-length addresses.
    pub fn sg(source: &Addr, group: &Addr) -> Self {
        Self {
            source: Some(Prefix::host(*source)),
            group: Prefix::host(*group),
        }
    }
}

impl uDisplay for Compact {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        f.write_char('(')?;
        match &self.source {
            Some(s) => s.fmt(f)?,
            None => f.write_char('*')?,
        }
        f.write_char(',')?;
        self.group.fmt(f)?;
        f.write_char(')')
    }
}

/// `(ADDR/LEN,ADDR/LEN)` with lengths always printed (the route delete debug line).
#[derive(Debug, Clone, Copy)]
pub struct Explicit {
    /// Source (the unspecified address for `*`).
    pub source: Addr,
    /// Source length.
    pub slen: u8,
    /// Group.
    pub group: Addr,
    /// Group length.
    pub glen: u8,
}

impl uDisplay for Explicit {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        ufmt::uwrite!(f, "({}/", self.source)?;
        write_dec(f, self.slen as u32)?;
        ufmt::uwrite!(f, ",{}/", self.group)?;
        write_dec(f, self.glen as u32)?;
        f.write_char(')')
    }
}

impl uDisplay for Origin<'_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match self {
            Origin::Conf { file, line } => {
                ufmt::uwrite!(f, "{} line ", *file)?;
                write_dec(f, *line)?;
                f.write_str(": ")
            }
            Origin::Ipc => f.write_str("ipc: "),
        }
    }
}

fn ipv(f: Family) -> &'static str {
    match f {
        Family::V4 => "IPv4",
        Family::V6 => "IPv6",
    }
}

fn cmd(c: Cmd) -> &'static str {
    match c {
        Cmd::Mroute => "mroute",
        Cmd::Join => "join",
    }
}

/// One log message.
#[derive(Debug, Clone, Copy)]
pub enum Msg<'a> {
    /// `phyint` without a name.
    PhyintMissing,
    /// `ttl-threshold` outside 1..=255.
    PhyintTtl(&'a str, i64),
    /// `phyint` for an interface that does not exist.
    PhyintUnknown(&'a str),
    /// Group word does not parse or is not multicast.
    BadGroup(Cmd, &'a str),
    /// IPC `add`/`remove` whose only address word is not a group.
    BadGroupIpc(&'a str),
    /// Source word does not parse.
    BadSource(Cmd, &'a str),
    /// Group `/LEN` out of range.
    BadGroupLen(Cmd, Family, i64),
    /// Source `/LEN` out of range.
    BadSourceLen(Cmd, Family, i64),
    /// Missing command arguments.
    TooFewArgs(Cmd),
    /// More OIF words than VIFs.
    TooManyOifs,
    /// Interface does not exist.
    NotKnown(Dir, &'a str),
    /// Interface lacks `IFF_MULTICAST`.
    NotMulticast(Dir, &'a str),
    /// No VIF could be allocated.
    NoVif(Dir, &'a str),
    /// IIF repeated as OIF.
    SameIif(&'a str, &'a str),
    /// Directive queued until its interfaces exist.
    PendingAdded(&'a str, &'a str, &'a str),
    /// Pending directive replayed.
    Activated(&'a str, &'a str, &'a str),
    /// A table is full.
    TableFull(&'static str, usize),
    /// IPC remove, logged before looking (SMCRoute's reply when nothing matched).
    Deleting(&'a str, &'a Explicit),
    /// VIF creation on a non-multicast interface.
    VifNotMulticast(&'a str),
    /// VIF table exhausted.
    VifsExhausted(&'a str),
    /// `MRT_ADD_VIF` / `MRT6_ADD_MIF` failed.
    VifAddFailed(Family, &'a str, Errno),
    /// `MRT_DEL_VIF` / `MRT6_DEL_MIF` failed.
    VifDelFailed(Family, &'a str, Errno),
    /// `MRT_ADD_MFC` failed.
    MfcAddFailed(Family, &'a Compact, Errno),
    /// `MRT_DEL_MFC` failed.
    MfcDelFailed(Family, &'a Compact, Errno),
    /// A template matched a NOCACHE upcall.
    NewData(&'a Addr, &'a Addr, &'a str),
    /// No template matched a NOCACHE upcall: stop filter.
    NoMatch(&'a Addr, &'a Addr, &'a str),
    /// WRONGVIF repaired.
    Moved(&'a Compact, &'a str),
    /// WRONGVIF without a matching template.
    WrongVif(&'a Compact, &'a str),
    /// WRONGVIF for a configured (S,G): left alone.
    WrongVifConfigured(&'a Compact, &'a str),
    /// Upcall on a VIF the router does not know.
    UnknownVif(u8, u8),
    /// PIM register data.
    PimRegister(&'a Addr, &'a Addr),
    /// Unknown upcall type.
    UnknownUpcall(u8),
    /// Join of an existing membership.
    AlreadyJoined(&'a Compact, &'a str),
    /// Leave of an unknown membership.
    NoGroup(&'a Compact, &'a str),
    /// Join on an interface that does not exist.
    UnknownIface(&'a str),
    /// Kernel join failed.
    JoinFailed(&'a Compact, &'a str, Errno),
    /// Kernel leave failed.
    LeaveFailed(&'a Compact, &'a str, Errno),
    /// Interface went away or changed: its state was dropped.
    IfaceGone(&'a str),
    /// Unknown IPC command letter.
    UnknownIpc(u8),
}

impl Msg<'_> {
    /// Syslog level.
    pub fn level(&self) -> Level {
        use Msg::*;
        match self {
            PendingAdded(..) | Activated(..) | Moved(..) | IfaceGone(..) => Level::Notice,
            SameIif(..)
            | NoMatch(..)
            | WrongVif(..)
            | WrongVifConfigured(..)
            | AlreadyJoined(..) => Level::Info,
            Deleting(..) | NewData(..) | UnknownUpcall(..) | MfcDelFailed(..)
            | VifDelFailed(..) => Level::Debug,
            TableFull(..) | JoinFailed(..) => Level::Err,
            _ => Level::Warning,
        }
    }
}

/// One value a message template refers to.
#[derive(Clone, Copy)]
enum Arg<'a> {
    Str(&'a str),
    Int(i64),
    Addr(&'a Addr),
    Sg(&'a Compact),
    Explicit(&'a Explicit),
    Errno(Errno),
    /// A byte from a client, echoed only if printable.
    Byte(u8),
}

impl uDisplay for Arg<'_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match *self {
            Arg::Str(s) => f.write_str(s),
            Arg::Int(n) => n.fmt(f),
            Arg::Addr(a) => a.fmt(f),
            Arg::Sg(sg) => sg.fmt(f),
            Arg::Explicit(sg) => sg.fmt(f),
            Arg::Errno(e) => e.fmt(f),
            Arg::Byte(c) => {
                // The reply ends at the first NUL: never echo a control byte.
                let b = [if c.is_ascii_graphic() { c } else { b'?' }];
                f.write_str(core::str::from_utf8(&b).unwrap_or("?"))
            }
        }
    }
}

/// Where a template takes its next argument.
const HOLE: char = '%';

impl Msg<'_> {
    /// The wording, with a [`HOLE`] for each argument.
    fn template(&self) -> &'static str {
        use Msg::*;
        match self {
            PhyintMissing => "phyint missing interface pattern",
            PhyintTtl(..) => "phyint % ttl % out of range (1-255)",
            PhyintUnknown(..) => "phyint % does not exist (yet?) on this system",
            BadGroup(..) => "%: Invalid multicast group: %",
            BadGroupIpc(..) => "mroute: invalid multicast group: %",
            BadSource(Cmd::Mroute, _) => "mroute: Invalid source address: %",
            BadSource(Cmd::Join, _) => "join: Invalid multicast source: %",
            BadGroupLen(Cmd::Mroute, ..) => "mroute: Invalid multicast group prefix length, %",
            BadGroupLen(Cmd::Join, ..) => "join: Invalid group prefix length (0-%): %",
            BadSourceLen(Cmd::Mroute, ..) => "mroute: invalid prefix length: %",
            BadSourceLen(Cmd::Join, ..) => "join: Invalid source prefix length (0-%): %",
            TooFewArgs(..) => "%: Not enough arguments",
            TooManyOifs => "mroute: Too many outbound interfaces",
            NotKnown(..) => "mroute: % % is not a known phyint",
            NotMulticast(..) => "mroute: % % is not multicast capable",
            NoVif(..) => "mroute: % % has no VIF, VIF table exhausted?",
            SameIif(..) => {
                "mroute: Same outbound interface (%) as inbound (%) may cause routing loops."
            }
            PendingAdded(..) => "% from % group % pending: interface not available",
            Activated(..) => "Activated pending % from % group %",
            TableFull(..) => "% table full (% entries)",
            Deleting(..) => "mroute: deleting route from % %",
            VifNotMulticast(..) => "Interface % is not multicast capable, skipping VIF.",
            VifsExhausted(..) => "Not enough available VIFs to create %",
            VifAddFailed(..) => "Failed adding % for %: %",
            VifDelFailed(..) => "Failed deleting % for %: %",
            MfcAddFailed(..) => "failed adding % multicast route %: %",
            MfcDelFailed(..) => "failed removing % multicast route %: %",
            NewData(..) => "New multicast data from % to group % on %",
            NoMatch(..) => "Multicast from %, group %, on % does not match any (*,G) rule",
            Moved(..) => "Moved % inbound to % after WRONGVIF",
            WrongVif(..) => "Multicast % on wrong VIF %, no matching rule",
            WrongVifConfigured(..) => "Multicast % on wrong VIF %, keeping the configured route",
            UnknownVif(..) => "No matching interface for VIF %, cannot handle IGMP message %.",
            PimRegister(..) => "Receiving PIM register data from %, group %, ignoring.",
            UnknownUpcall(..) => "Unknown IGMP message type % from kernel",
            AlreadyJoined(..) => "Already joined % on %",
            NoGroup(..) => "No group % on % to leave",
            UnknownIface(..) => "unknown interface %",
            JoinFailed(..) => "Failed joining group % on %: %",
            LeaveFailed(..) => "Failed leaving group % on %: %",
            IfaceGone(..) => "Interface % gone or changed, its routes and groups are pending",
            UnknownIpc(..) => "Unknown or malformed IPC message '%' from client.",
        }
    }
}

impl uDisplay for Msg<'_> {
    /// The template with the arguments of the message's shape: one arm per shape, not
    /// per message.
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        use Arg::{Byte, Int, Sg, Str};
        use Msg::*;
        let t = self.template();
        match *self {
            PhyintMissing | TooManyOifs => put(f, t, &[]),
            PhyintUnknown(s)
            | BadGroupIpc(s)
            | BadSource(_, s)
            | VifNotMulticast(s)
            | VifsExhausted(s)
            | UnknownIface(s)
            | IfaceGone(s) => put(f, t, &[Str(s)]),
            PhyintTtl(s, n) => put(f, t, &[Str(s), Int(n)]),
            BadGroup(c, s) => put(f, t, &[Str(cmd(c)), Str(s)]),
            TooFewArgs(c) => put(f, t, &[Str(cmd(c))]),
            BadGroupLen(Cmd::Mroute, _, n) | BadSourceLen(Cmd::Mroute, _, n) => {
                put(f, t, &[Int(n)])
            }
            BadGroupLen(Cmd::Join, fam, n) | BadSourceLen(Cmd::Join, fam, n) => {
                put(f, t, &[Int(fam.bits() as i64), Int(n)])
            }
            NotKnown(d, s) | NotMulticast(d, s) | NoVif(d, s) => put(f, t, &[Str(dir(d)), Str(s)]),
            SameIif(a, b) => put(f, t, &[Str(a), Str(b)]),
            PendingAdded(a, b, c) | Activated(a, b, c) => put(f, t, &[Str(a), Str(b), Str(c)]),
            TableFull(s, n) => put(f, t, &[Str(s), Int(n as i64)]),
            Deleting(s, sg) => put(f, t, &[Str(s), Arg::Explicit(sg)]),
            VifAddFailed(fam, s, e) | VifDelFailed(fam, s, e) => {
                put(f, t, &[Str(vif(fam)), Str(s), Arg::Errno(e)])
            }
            MfcAddFailed(fam, sg, e) | MfcDelFailed(fam, sg, e) => {
                put(f, t, &[Str(ipv(fam)), Sg(sg), Arg::Errno(e)])
            }
            NewData(a, b, s) | NoMatch(a, b, s) => put(f, t, &[Arg::Addr(a), Arg::Addr(b), Str(s)]),
            PimRegister(a, b) => put(f, t, &[Arg::Addr(a), Arg::Addr(b)]),
            Moved(sg, s)
            | WrongVif(sg, s)
            | WrongVifConfigured(sg, s)
            | AlreadyJoined(sg, s)
            | NoGroup(sg, s) => put(f, t, &[Sg(sg), Str(s)]),
            JoinFailed(sg, s, e) | LeaveFailed(sg, s, e) => {
                put(f, t, &[Sg(sg), Str(s), Arg::Errno(e)])
            }
            UnknownVif(a, b) => put(f, t, &[Int(a as i64), Int(b as i64)]),
            UnknownUpcall(a) => put(f, t, &[Int(a as i64)]),
            UnknownIpc(c) => put(f, t, &[Byte(c)]),
        }
    }
}

/// Writes `template` with its [`HOLE`]s filled by `args` in order. The wording is data:
/// a template and its arguments per message are smaller than a formatting call sequence.
#[inline(never)]
fn put<W: uWrite + ?Sized>(
    f: &mut Formatter<'_, W>,
    template: &str,
    args: &[Arg<'_>],
) -> Result<(), W::Error> {
    let mut pieces = template.split(HOLE);
    if let Some(first) = pieces.next() {
        f.write_str(first)?;
    }
    for (piece, arg) in pieces.zip(args.iter()) {
        arg.fmt(f)?;
        f.write_str(piece)?;
    }
    Ok(())
}

fn dir(d: Dir) -> &'static str {
    match d {
        Dir::Inbound => "inbound",
        Dir::Outbound => "outbound",
    }
}

fn vif(f: Family) -> &'static str {
    match f {
        Family::V4 => "VIF",
        Family::V6 => "MIF",
    }
}

/// Logs `msg` with an origin prefix.
pub fn say<L: crate::fmt::Log + ?Sized>(log: &mut L, origin: &Origin<'_>, msg: Msg<'_>) {
    crate::log!(log, msg.level(), "{}{}", *origin, msg);
}

/// Logs `msg` without a prefix.
pub fn note<L: crate::fmt::Log + ?Sized>(log: &mut L, msg: Msg<'_>) {
    crate::log!(log, msg.level(), "{}", msg);
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn show(m: Msg<'_>) -> String {
        let mut line = crate::fmt::Line::new();
        ufmt::uwrite!(line, "{}", m).unwrap();
        line.as_str().into()
    }

    #[test]
    fn every_shape_fills_its_holes() {
        let a = Addr::parse("10.0.0.1").unwrap();
        let g = Addr::parse("225.1.2.3").unwrap();
        let sg = Compact::sg(&a, &g);
        let star = Compact {
            source: None,
            group: Prefix { addr: g, len: 24 },
        };
        let cases = [
            (Msg::PhyintMissing, "phyint missing interface pattern"),
            (
                Msg::PhyintTtl("eth0", 300),
                "phyint eth0 ttl 300 out of range (1-255)",
            ),
            (
                Msg::BadSource(Cmd::Join, "x"),
                "join: Invalid multicast source: x",
            ),
            (
                Msg::BadGroupLen(Cmd::Mroute, Family::V4, -1),
                "mroute: Invalid multicast group prefix length, -1",
            ),
            (
                Msg::BadSourceLen(Cmd::Join, Family::V6, 129),
                "join: Invalid source prefix length (0-128): 129",
            ),
            (Msg::TooFewArgs(Cmd::Join), "join: Not enough arguments"),
            (
                Msg::NoVif(Dir::Outbound, "eth1"),
                "mroute: outbound eth1 has no VIF, VIF table exhausted?",
            ),
            (
                Msg::Activated("mroute", "eth0", "225.1.2.3"),
                "Activated pending mroute from eth0 group 225.1.2.3",
            ),
            (
                Msg::TableFull("join", 2048),
                "join table full (2048 entries)",
            ),
            (
                Msg::Deleting(
                    "eth0",
                    &Explicit {
                        source: a,
                        slen: 32,
                        group: g,
                        glen: 24,
                    },
                ),
                "mroute: deleting route from eth0 (10.0.0.1/32,225.1.2.3/24)",
            ),
            (
                Msg::VifAddFailed(Family::V6, "eth0", Errno::EINVAL),
                "Failed adding MIF for eth0: Invalid argument",
            ),
            (
                Msg::MfcDelFailed(Family::V4, &sg, Errno(0)),
                "failed removing IPv4 multicast route (10.0.0.1,225.1.2.3): Unknown error 0",
            ),
            (
                Msg::NoMatch(&a, &g, "eth0"),
                "Multicast from 10.0.0.1, group 225.1.2.3, on eth0 does not match any (*,G) rule",
            ),
            (
                Msg::PimRegister(&a, &g),
                "Receiving PIM register data from 10.0.0.1, group 225.1.2.3, ignoring.",
            ),
            (
                Msg::NoGroup(&star, "eth0"),
                "No group (*,225.1.2.3/24) on eth0 to leave",
            ),
            (
                Msg::LeaveFailed(&sg, "eth0", Errno::EPERM),
                "Failed leaving group (10.0.0.1,225.1.2.3) on eth0: Operation not permitted",
            ),
            (
                Msg::UnknownVif(7, 1),
                "No matching interface for VIF 7, cannot handle IGMP message 1.",
            ),
            (
                Msg::UnknownUpcall(9),
                "Unknown IGMP message type 9 from kernel",
            ),
            (
                Msg::UnknownIpc(0),
                "Unknown or malformed IPC message '?' from client.",
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(show(msg), want);
        }
    }
}
