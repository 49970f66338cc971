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
    Deleting(&'a str, Explicit),
    /// VIF creation on a non-multicast interface.
    VifNotMulticast(&'a str),
    /// VIF table exhausted.
    VifsExhausted(&'a str),
    /// `MRT_ADD_VIF` / `MRT6_ADD_MIF` failed.
    VifAddFailed(Family, &'a str, Errno),
    /// `MRT_DEL_VIF` / `MRT6_DEL_MIF` failed.
    VifDelFailed(Family, &'a str, Errno),
    /// `MRT_ADD_MFC` failed.
    MfcAddFailed(Family, Compact, Errno),
    /// `MRT_DEL_MFC` failed.
    MfcDelFailed(Family, Compact, Errno),
    /// A template matched a NOCACHE upcall.
    NewData(Addr, Addr, &'a str),
    /// No template matched a NOCACHE upcall: stop filter.
    NoMatch(Addr, Addr, &'a str),
    /// WRONGVIF repaired.
    Moved(Compact, &'a str),
    /// WRONGVIF without a matching template.
    WrongVif(Compact, &'a str),
    /// WRONGVIF for a configured (S,G): left alone.
    WrongVifConfigured(Compact, &'a str),
    /// Upcall on a VIF the router does not know.
    UnknownVif(u8, u8),
    /// PIM register data.
    PimRegister(Addr, Addr),
    /// Unknown upcall type.
    UnknownUpcall(u8),
    /// Join of an existing membership.
    AlreadyJoined(Compact, &'a str),
    /// Leave of an unknown membership.
    NoGroup(Compact, &'a str),
    /// Join on an interface that does not exist.
    UnknownIface(&'a str),
    /// Kernel join failed.
    JoinFailed(Compact, &'a str, Errno),
    /// Kernel leave failed.
    LeaveFailed(Compact, &'a str, Errno),
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

impl uDisplay for Msg<'_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        use Arg::{Byte, Int, Sg, Str};
        use Msg::*;
        match self {
            PhyintMissing => put(f, "phyint missing interface pattern", &[]),
            PhyintTtl(n, t) => put(f, "phyint % ttl % out of range (1-255)", &[Str(n), Int(*t)]),
            PhyintUnknown(n) => put(
                f,
                "phyint % does not exist (yet?) on this system",
                &[Str(n)],
            ),
            BadGroup(c, g) => put(f, "%: Invalid multicast group: %", &[Str(cmd(*c)), Str(g)]),
            BadGroupIpc(g) => put(f, "mroute: invalid multicast group: %", &[Str(g)]),
            BadSource(Cmd::Mroute, s) => put(f, "mroute: Invalid source address: %", &[Str(s)]),
            BadSource(Cmd::Join, s) => put(f, "join: Invalid multicast source: %", &[Str(s)]),
            BadGroupLen(Cmd::Mroute, _, n) => put(
                f,
                "mroute: Invalid multicast group prefix length, %",
                &[Int(*n)],
            ),
            BadGroupLen(Cmd::Join, fam, n) => put(
                f,
                "join: Invalid group prefix length (0-%): %",
                &[Int(fam.bits() as i64), Int(*n)],
            ),
            BadSourceLen(Cmd::Mroute, _, n) => {
                put(f, "mroute: invalid prefix length: %", &[Int(*n)])
            }
            BadSourceLen(Cmd::Join, fam, n) => put(
                f,
                "join: Invalid source prefix length (0-%): %",
                &[Int(fam.bits() as i64), Int(*n)],
            ),
            TooFewArgs(c) => put(f, "%: Not enough arguments", &[Str(cmd(*c))]),
            TooManyOifs => put(f, "mroute: Too many outbound interfaces", &[]),
            NotKnown(d, n) => put(
                f,
                "mroute: % % is not a known phyint",
                &[Str(dir(*d)), Str(n)],
            ),
            NotMulticast(d, n) => put(
                f,
                "mroute: % % is not multicast capable",
                &[Str(dir(*d)), Str(n)],
            ),
            NoVif(d, n) => put(
                f,
                "mroute: % % has no VIF, VIF table exhausted?",
                &[Str(dir(*d)), Str(n)],
            ),
            SameIif(o, i) => put(
                f,
                "mroute: Same outbound interface (%) as inbound (%) may cause routing loops.",
                &[Str(o), Str(i)],
            ),
            PendingAdded(k, i, g) => put(
                f,
                "% from % group % pending: interface not available",
                &[Str(k), Str(i), Str(g)],
            ),
            Activated(k, i, g) => put(
                f,
                "Activated pending % from % group %",
                &[Str(k), Str(i), Str(g)],
            ),
            TableFull(t, n) => put(f, "% table full (% entries)", &[Str(t), Int(*n as i64)]),
            Deleting(i, sg) => put(
                f,
                "mroute: deleting route from % %",
                &[Str(i), Arg::Explicit(sg)],
            ),
            VifNotMulticast(n) => put(
                f,
                "Interface % is not multicast capable, skipping VIF.",
                &[Str(n)],
            ),
            VifsExhausted(n) => put(f, "Not enough available VIFs to create %", &[Str(n)]),
            VifAddFailed(fam, n, e) => put(
                f,
                "Failed adding % for %: %",
                &[Str(vif(*fam)), Str(n), Arg::Errno(*e)],
            ),
            VifDelFailed(fam, n, e) => put(
                f,
                "Failed deleting % for %: %",
                &[Str(vif(*fam)), Str(n), Arg::Errno(*e)],
            ),
            MfcAddFailed(fam, sg, e) => put(
                f,
                "failed adding % multicast route %: %",
                &[Str(ipv(*fam)), Sg(sg), Arg::Errno(*e)],
            ),
            MfcDelFailed(fam, sg, e) => put(
                f,
                "failed removing % multicast route %: %",
                &[Str(ipv(*fam)), Sg(sg), Arg::Errno(*e)],
            ),
            NewData(s, g, i) => put(
                f,
                "New multicast data from % to group % on %",
                &[Arg::Addr(s), Arg::Addr(g), Str(i)],
            ),
            NoMatch(s, g, i) => put(
                f,
                "Multicast from %, group %, on % does not match any (*,G) rule",
                &[Arg::Addr(s), Arg::Addr(g), Str(i)],
            ),
            Moved(sg, i) => put(f, "Moved % inbound to % after WRONGVIF", &[Sg(sg), Str(i)]),
            WrongVif(sg, i) => put(
                f,
                "Multicast % on wrong VIF %, no matching rule",
                &[Sg(sg), Str(i)],
            ),
            WrongVifConfigured(sg, i) => put(
                f,
                "Multicast % on wrong VIF %, keeping the configured route",
                &[Sg(sg), Str(i)],
            ),
            UnknownVif(v, t) => put(
                f,
                "No matching interface for VIF %, cannot handle IGMP message %.",
                &[Int(*v as i64), Int(*t as i64)],
            ),
            PimRegister(s, g) => put(
                f,
                "Receiving PIM register data from %, group %, ignoring.",
                &[Arg::Addr(s), Arg::Addr(g)],
            ),
            UnknownUpcall(t) => put(
                f,
                "Unknown IGMP message type % from kernel",
                &[Int(*t as i64)],
            ),
            AlreadyJoined(sg, i) => put(f, "Already joined % on %", &[Sg(sg), Str(i)]),
            NoGroup(sg, i) => put(f, "No group % on % to leave", &[Sg(sg), Str(i)]),
            UnknownIface(i) => put(f, "unknown interface %", &[Str(i)]),
            JoinFailed(sg, i, e) => put(
                f,
                "Failed joining group % on %: %",
                &[Sg(sg), Str(i), Arg::Errno(*e)],
            ),
            LeaveFailed(sg, i, e) => put(
                f,
                "Failed leaving group % on %: %",
                &[Sg(sg), Str(i), Arg::Errno(*e)],
            ),
            IfaceGone(i) => put(
                f,
                "Interface % gone or changed, its routes and groups are pending",
                &[Str(i)],
            ),
            UnknownIpc(c) => put(
                f,
                "Unknown or malformed IPC message '%' from client.",
                &[Byte(*c)],
            ),
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
