//! Every message the router logs, with its level and wording, in one place.
//!
//! The wording is SMCRoute's where the spec gives it: a failing IPC command replies with
//! the daemon's last log line, so these strings are part of the interface. Messages about
//! a conf line or an IPC command carry an [`Origin`] prefix (`FILE line N: ` or `ipc: `);
//! messages of the lower layers (kernel, groups) do not, as in SMCRoute.

use ufmt::{uDisplay, uWrite, Formatter};

use super::{Origin, Words};
use crate::errno::Errno;
use crate::fmt::{utf8_prefix, Level};
use crate::net::{prefix_text, Addr, Family, Prefix, FULL_LEN};
use crate::table::pending::Kind as PendingKind;
use crate::texts::{put_unpacked, separated, separated_len};

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
/// `(*,225.1.1.1)`, `(10.0.0.1,225.3.2.250/30)`. Borrowed: an `Addr` is 17 bytes of
/// alignment 1, copied byte by byte. `show` lays out the same parts its own way (one
/// type and one set of constructors for both).
#[derive(Debug, Clone, Copy)]
pub struct Compact<'a> {
    /// Source, `None` for `*`.
    pub(crate) source: Option<&'a Addr>,
    /// Source length.
    pub(crate) slen: u8,
    /// Group.
    pub(crate) group: &'a Addr,
    /// Group length.
    pub(crate) glen: u8,
}

impl<'a> Compact<'a> {
    /// A kernel (S,G) with full-length addresses.
    pub fn sg(source: &'a Addr, group: &'a Addr) -> Self {
        Self::hosts(Some(source), group)
    }

    /// A kernel join or (S,G): full-length addresses ([`FULL_LEN`]), `*` for no source.
    pub fn hosts(source: Option<&'a Addr>, group: &'a Addr) -> Self {
        Self {
            source,
            slen: FULL_LEN,
            group,
            glen: FULL_LEN,
        }
    }

    /// A membership: prefixes, `*` for no source. Not inlined: three callers, and the
    /// four fields from an optional source are a dozen instructions each on x86_64.
    #[inline(never)]
    pub fn prefixes(source: Option<&'a Prefix>, group: &'a Prefix) -> Self {
        Self {
            source: source.map(|s| &s.addr),
            slen: source.map_or(0, |s| s.len),
            group: &group.addr,
            glen: group.len,
        }
    }
}

impl uDisplay for Origin<'_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match self {
            // Through the messages' template writer: no formatting code of its own.
            Origin::Conf { file, line } => {
                let args = [Arg::Str(file), Arg::Int(Halves::of(i64::from(*line)))];
                put(f, CONF_ORIGIN, &args)
            }
            Origin::Ipc => f.write_str("ipc: "),
        }
    }
}

/// Which wording a message has: one per template, so a directive-dependent message
/// (`mroute:` or `join:`) is two kinds. In the order of their levels: errors, warnings,
/// notices, infos, debug messages (see [`Kind::level`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    // A full table, in the order of [`Table`]: its name is in the wording.
    InterfaceFull,
    JoinFull,
    MgroupFull,
    PendingFull,
    MrouteFull,
    KernelRouteFull,
    JoinFailed,
    PhyintMissing,
    PhyintTtl,
    PhyintUnknown,
    BadGroupMroute,
    BadGroupJoin,
    BadGroupIpc,
    BadSourceMroute,
    BadSourceJoin,
    BadGroupLenMroute,
    BadGroupLenJoin,
    BadSourceLenMroute,
    BadSourceLenJoin,
    TooFewArgsMroute,
    TooFewArgsJoin,
    TooManyOifs,
    NotKnownInbound,
    NotKnownOutbound,
    NotMulticastInbound,
    NotMulticastOutbound,
    NoVifInbound,
    NoVifOutbound,
    VifNotMulticast,
    VifsExhausted,
    VifAddFailed,
    MfcAddFailed,
    UnknownVif,
    PimRegister,
    NoGroup,
    UnknownIface,
    LeaveFailed,
    UnknownIpc,
    MaxGroupsAdjusted,
    PendingAdded,
    Activated,
    Moved,
    IfaceGone,
    SameIif,
    NoMatch,
    WrongVif,
    WrongVifConfigured,
    AlreadyJoined,
    Deleting,
    VifDelFailed,
    MfcDelFailed,
    NewData,
    UnknownUpcall,
}

impl Kind {
    /// Syslog level: the kinds are in the order of their levels, so a kind's level is
    /// how many of the first kinds of the next levels it is at or past (no table).
    fn level(self) -> Level {
        let k = self as u8;
        let past = |first: Kind| u8::from(k >= first as u8);
        Level::from_number(
            Level::Err as u8
                + past(Kind::PhyintMissing)
                + past(Kind::PendingAdded)
                + past(Kind::SameIif)
                + past(Kind::Deleting),
        )
    }
}

/// How many kinds of message there are: one wording each.
const KINDS: usize = Kind::UnknownUpcall as usize + 1;
/// The templates after the kinds': [`Compact`], an [`Origin::Conf`], an [`Arg::Explicit`].
const COMPACT: usize = KINDS;
const CONF_ORIGIN: usize = KINDS + 1;
const EXPLICIT: usize = KINDS + 2;

/// The wording of every [`Kind`], with a [`HOLE`] for each argument, in the order of
/// the kinds.
const TEMPLATE_PARTS: [&[u8]; KINDS + 3] = [
    b"interface table full (% entries)",              // InterfaceFull
    b"join table full (% entries)",                   // JoinFull
    b"mgroup table full (% entries)",                 // MgroupFull
    b"pending table full (% entries)",                // PendingFull
    b"mroute table full (% entries)",                 // MrouteFull
    b"kernel route table full (% entries)",           // KernelRouteFull
    b"Failed joining group % on %: %",                // JoinFailed
    b"phyint missing interface pattern",              // PhyintMissing
    b"phyint % ttl % out of range (1-255)",           // PhyintTtl
    b"phyint % does not exist (yet?) on this system", // PhyintUnknown
    b"mroute: Invalid multicast group: %",            // BadGroupMroute
    b"join: Invalid multicast group: %",              // BadGroupJoin
    b"mroute: invalid multicast group: %",            // BadGroupIpc
    b"mroute: Invalid source address: %",             // BadSourceMroute
    b"join: Invalid multicast source: %",             // BadSourceJoin
    b"mroute: Invalid multicast group prefix length, %", // BadGroupLenMroute
    b"join: Invalid group prefix length (0-%): %",    // BadGroupLenJoin
    b"mroute: invalid prefix length: %",              // BadSourceLenMroute
    b"join: Invalid source prefix length (0-%): %",   // BadSourceLenJoin
    b"mroute: Not enough arguments",                  // TooFewArgsMroute
    b"join: Not enough arguments",                    // TooFewArgsJoin
    b"mroute: Too many outbound interfaces",          // TooManyOifs
    b"mroute: inbound % is not a known phyint",       // NotKnownInbound
    b"mroute: outbound % is not a known phyint",      // NotKnownOutbound
    b"mroute: inbound % is not multicast capable",    // NotMulticastInbound
    b"mroute: outbound % is not multicast capable",   // NotMulticastOutbound
    b"mroute: inbound % has no VIF, VIF table exhausted?", // NoVifInbound
    b"mroute: outbound % has no VIF, VIF table exhausted?", // NoVifOutbound
    b"Interface % is not multicast capable, skipping VIF.", // VifNotMulticast
    b"Not enough available VIFs to create %",         // VifsExhausted
    b"Failed adding %IF for %: %",                    // VifAddFailed
    b"failed adding IPv% multicast route %: %",       // MfcAddFailed
    b"No matching interface for VIF %, cannot handle IGMP message %.", // UnknownVif
    b"Receiving PIM register data from %, group %, ignoring.", // PimRegister
    b"No group % on % to leave",                      // NoGroup
    b"unknown interface %",                           // UnknownIface
    b"Failed leaving group % on %: %",                // LeaveFailed
    b"Unknown or malformed IPC message '%' from client.", // UnknownIpc
    b"Out of groups on socket adjusting max_groups %.", // MaxGroupsAdjusted
    b"% from % group % pending: interface not available", // PendingAdded
    b"Activated pending % from % group %",            // Activated
    b"Moved % inbound to % after WRONGVIF",           // Moved
    b"Interface % gone or changed, its routes and groups are pending", // IfaceGone
    b"mroute: Same outbound interface (%) as inbound (%) may cause routing loops.", // SameIif
    b"Multicast from %, group %, on % does not match any (*,G) rule", // NoMatch
    b"Multicast % on wrong VIF %, no matching rule",  // WrongVif
    b"Multicast % on wrong VIF %, keeping the configured route", // WrongVifConfigured
    b"Already joined % on %",                         // AlreadyJoined
    b"mroute: deleting route from % (%,%)",           // Deleting
    b"Failed deleting %IF for %: %",                  // VifDelFailed
    b"failed removing IPv% multicast route %: %",     // MfcDelFailed
    b"New multicast data from % to group % on %",     // NewData
    b"Unknown IGMP message type % from kernel",       // UnknownUpcall
    // The parts of messages that are templates of their own, after the kinds'.
    b"(%,%)",      // COMPACT
    b"% line %: ", // CONF_ORIGIN
    b"%/%",        // EXPLICIT
];
pub(crate) const TEMPLATES_SEPARATED: [u8; separated_len(&TEMPLATE_PARTS)] =
    separated(&TEMPLATE_PARTS);
/// [`TEMPLATES_SEPARATED`] byte-pair [coded](crate::texts::Coded), once.
const TEMPLATES_CODED: crate::texts::Coded = crate::texts::Coded::of(&TEMPLATES_SEPARATED);

crate::packed_after_help! {
    /// [`TEMPLATE_PARTS`] packed together, text `kind as usize + 1` the wording of `kind`:
    /// they say the same words again ("mroute: ", "multicast", "interface", "Invalid"), a
    /// repeat a two-byte reference to where it was first written. Looked up by a walk, not
    /// a table of string slices (8 bytes each); only a message that is logged is looked up.
    /// Packed after [`args::HELP_TEXTS`], as the [tail](packed_tail) of that packing, as
    /// [`put_unpacked`] takes every packed text: their words ("multicast", "interface",
    /// "group") are references to them too (x86_64 smcrouted -24 B .rodata).
    static TEMPLATES = TEMPLATES_CODED;
}

/// One value a message template refers to.
#[derive(Debug, Clone, Copy)]
enum Arg<'a> {
    /// Fills the argument slots a template has no hole for; never printed.
    Nil,
    Str(&'a str),
    Int(Halves),
    /// An address and a length, printed as [`prefix_text`] does (an address alone with
    /// [`FULL_LEN`]).
    Prefix(&'a Addr, u8),
    Sg(&'a Compact<'a>),
    /// A prefix with its `/LEN` always printed, a host's too (the route delete debug
    /// line).
    Explicit(&'a Prefix),
    Errno(Errno),
    /// A byte from a client, echoed only if printable.
    Byte(u8),
}

impl uDisplay for Arg<'_> {
    // Not inlined into each writer's message loop on x86_64 (one copy per sink type).
    #[inline(never)]
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        // The arguments that are templates of their own fill them by one call.
        let (template, parts) = match *self {
            Arg::Nil => return Ok(()),
            Arg::Str(s) => return f.write_str(s),
            Arg::Int(n) => return crate::net::write_i64(f, n.joined()),
            Arg::Prefix(a, len) => return f.write_str(prefix_text(a, len).as_str()),
            Arg::Sg(sg) => (
                COMPACT,
                [
                    sg.source.map_or(Arg::Str("*"), |s| Arg::Prefix(s, sg.slen)),
                    Arg::Prefix(sg.group, sg.glen),
                ],
            ),
            Arg::Explicit(p) => (
                EXPLICIT,
                [
                    Arg::Prefix(&p.addr, FULL_LEN),
                    Arg::Int(Halves::of(p.len.into())),
                ],
            ),
            Arg::Errno(e) => return e.fmt(f),
            Arg::Byte(c) => {
                // The reply ends at the first NUL: never echo a control byte.
                return f.write_char(char::from(if c.is_ascii_graphic() { c } else { b'?' }));
            }
        };
        put(f, template, &parts)
    }
}

/// An `i64` as two 32-bit halves: with the 4-byte alignment of its halves an argument
/// slot is 12 bytes, not 16 (an `i64` is 8-byte aligned on 32-bit MIPS), and every
/// message is a third smaller to build. On 64-bit targets a slot is 8-byte aligned for
/// its string slices anyway: the number is kept whole there, with no split and no join.
#[derive(Debug, Clone, Copy)]
#[cfg(not(target_pointer_width = "64"))]
struct Halves([u32; 2]);

#[cfg(not(target_pointer_width = "64"))]
impl Halves {
    const fn of(n: i64) -> Self {
        Self([(n >> 32) as u32, n as u32])
    }

    const fn joined(self) -> i64 {
        ((self.0[0] as u64) << 32 | self.0[1] as u64) as i64
    }
}

/// [`Halves`] on 64-bit targets: the number whole.
#[derive(Debug, Clone, Copy)]
#[cfg(target_pointer_width = "64")]
struct Halves(i64);

#[cfg(target_pointer_width = "64")]
impl Halves {
    const fn of(n: i64) -> Self {
        Self(n)
    }

    const fn joined(self) -> i64 {
        self.0
    }
}

/// Where a template takes its next argument.
const HOLE: u8 = b'%';

/// One log message: a wording and the values for its holes. Data rather than an enum
/// with a formatting arm per shape: built where it is logged, and one call prints every
/// message. The messages of the common shapes ([`StrMsg`], [`IntsMsg`], [`SgMsg`],
/// [`AddrsMsg`], [`VifMsg`]) are built inside their shape's one logging call, not at
/// each call site; the constructors of the rare shapes return a `Msg`.
#[derive(Debug, Clone, Copy)]
pub struct Msg<'a> {
    kind: Kind,
    args: [Arg<'a>; 3],
}

/// The constructors are named like the variants of the enum `Msg` once was, so a call
/// site reads `Msg::NoGroup(&sg, iif)` as before.
#[allow(non_snake_case, non_upper_case_globals)]
impl<'a> Msg<'a> {
    const fn of(kind: Kind, a: Arg<'a>, b: Arg<'a>, c: Arg<'a>) -> Self {
        Self {
            kind,
            args: [a, b, c],
        }
    }

    // The shapes below are not inlined: a call passing the kind and the values in
    // registers is smaller at each of the many call sites than filling the slots there.
    // A shape with fewer values passes on to a wider one where the slots it leaves have
    // no hole in its templates (so are never printed): one body fills them all.

    #[inline(never)]
    fn str2(kind: Kind, a: &'a str, b: &'a str) -> Self {
        Self::str3(kind, a, b, "")
    }

    // No hint: its callers are the out-of-line `str2` and `pending` (mipsel -16 B,
    // x86_64 .text -3 B against out of line).
    fn str3(kind: Kind, a: &'a str, b: &'a str, c: &'a str) -> Self {
        Self::of(kind, Arg::Str(a), Arg::Str(b), Arg::Str(c))
    }

    // Out of line except on x86_64, where LLVM puts it in line by itself (smaller there).
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    fn mfc_errno(kind: Kind, fam: Family, sg: &'a Compact<'a>, e: Errno) -> Self {
        // The IP version as a number in the wording's `IPv%`: 4, or 6 for IPv6 (1).
        let version = Arg::Int(Halves::of(4 + 2 * fam as i64));
        Self::of(kind, version, Arg::Sg(sg), Arg::Errno(e))
    }

    /// `phyint` without a name.
    pub fn PhyintMissing() -> StrMsg<'a> {
        StrMsg::bare(Kind::PhyintMissing)
    }
    /// More OIF words than VIFs.
    pub fn TooManyOifs() -> StrMsg<'a> {
        StrMsg::bare(Kind::TooManyOifs)
    }

    /// `ttl-threshold` outside 1..=255.
    pub fn PhyintTtl(name: &'a str, ttl: i64) -> Self {
        // Filled where it is logged: the one message of its shape (its own out-of-line
        // shape measured 24 B bigger on x86_64).
        Self::of(
            Kind::PhyintTtl,
            Arg::Str(name),
            Arg::Int(Halves::of(ttl)),
            Arg::Nil,
        )
    }
    /// `phyint` for an interface that does not exist.
    pub fn PhyintUnknown(name: &'a str) -> StrMsg<'a> {
        StrMsg::of(Kind::PhyintUnknown, name)
    }
    /// Group word does not parse or is not multicast.
    pub fn BadGroup(c: Cmd, text: &'a str) -> StrMsg<'a> {
        let kind = match c {
            Cmd::Mroute => Kind::BadGroupMroute,
            Cmd::Join => Kind::BadGroupJoin,
        };
        StrMsg::of(kind, text)
    }
    /// IPC `add`/`remove` whose only address word is not a group.
    pub fn BadGroupIpc(text: &'a str) -> StrMsg<'a> {
        StrMsg::of(Kind::BadGroupIpc, text)
    }
    /// Source word does not parse.
    pub fn BadSource(c: Cmd, text: &'a str) -> StrMsg<'a> {
        let kind = match c {
            Cmd::Mroute => Kind::BadSourceMroute,
            Cmd::Join => Kind::BadSourceJoin,
        };
        StrMsg::of(kind, text)
    }
    /// Group (`is_group`) or source `/LEN` out of range: one body for the four wordings
    /// (one call to fill the slots, the arguments chosen by the directive alone).
    pub fn BadLen(c: Cmd, is_group: bool, fam: Family, len: i64) -> IntsMsg {
        let kind = match (c, is_group) {
            (Cmd::Mroute, true) => Kind::BadGroupLenMroute,
            (Cmd::Join, true) => Kind::BadGroupLenJoin,
            (Cmd::Mroute, false) => Kind::BadSourceLenMroute,
            (Cmd::Join, false) => Kind::BadSourceLenJoin,
        };
        let (a, b) = match c {
            Cmd::Mroute => (len, 0),
            Cmd::Join => (fam.bits() as i64, len),
        };
        IntsMsg::of(kind, a, b)
    }
    /// Missing command arguments.
    pub fn TooFewArgs(c: Cmd) -> StrMsg<'a> {
        StrMsg::bare(match c {
            Cmd::Mroute => Kind::TooFewArgsMroute,
            Cmd::Join => Kind::TooFewArgsJoin,
        })
    }
    /// Interface does not exist.
    pub fn NotKnown(d: Dir, name: &'a str) -> StrMsg<'a> {
        StrMsg::of(
            match d {
                Dir::Inbound => Kind::NotKnownInbound,
                Dir::Outbound => Kind::NotKnownOutbound,
            },
            name,
        )
    }
    /// Interface lacks `IFF_MULTICAST`.
    pub fn NotMulticast(d: Dir, name: &'a str) -> StrMsg<'a> {
        StrMsg::of(
            match d {
                Dir::Inbound => Kind::NotMulticastInbound,
                Dir::Outbound => Kind::NotMulticastOutbound,
            },
            name,
        )
    }
    /// No VIF could be allocated.
    pub fn NoVif(d: Dir, name: &'a str) -> StrMsg<'a> {
        StrMsg::of(
            match d {
                Dir::Inbound => Kind::NoVifInbound,
                Dir::Outbound => Kind::NoVifOutbound,
            },
            name,
        )
    }
    /// IIF repeated as OIF.
    pub fn SameIif(oif: &'a str, iif: &'a str) -> Self {
        Self::str2(Kind::SameIif, oif, iif)
    }
    /// Directive queued until its interfaces exist.
    pub fn PendingAdded(what: PendingKind, w: &Words<'a>) -> Self {
        Self::pending(Kind::PendingAdded, what, w)
    }
    /// Pending directive replayed.
    pub fn Activated(what: PendingKind, w: &Words<'a>) -> Self {
        Self::pending(Kind::Activated, what, w)
    }
    /// A pending directive's message: its directive word, IIF and group taken here from
    /// its kind and words, not at each of the two call sites. Not inlined, as the shapes.
    #[inline(never)]
    fn pending(kind: Kind, what: PendingKind, w: &Words<'a>) -> Self {
        Self::str3(kind, super::pending_word(what), w.iif, w.group)
    }
    /// A table is full.
    pub fn TableFull(table: Table, capacity: usize) -> IntsMsg {
        let kind = match table {
            Table::Interface => Kind::InterfaceFull,
            Table::Join => Kind::JoinFull,
            Table::Mgroup => Kind::MgroupFull,
            Table::Pending => Kind::PendingFull,
            Table::Mroute => Kind::MrouteFull,
            Table::KernelRoute => Kind::KernelRouteFull,
        };
        IntsMsg::of(kind, capacity as i64, 0)
    }
    /// IPC remove, logged before looking (SMCRoute's reply when nothing matched).
    // Not in line in its one caller's loop (`remove_rules`) on x86_64 (-16 B); MIPS16e
    // measured +16 B out of line.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub fn Deleting(iif: &'a str, source: &'a Prefix, group: &'a Prefix) -> Self {
        let (s, g) = (Arg::Explicit(source), Arg::Explicit(group));
        Self::of(Kind::Deleting, Arg::Str(iif), s, g)
    }
    /// VIF creation on a non-multicast interface.
    pub fn VifNotMulticast(name: &'a str) -> StrMsg<'a> {
        StrMsg::of(Kind::VifNotMulticast, name)
    }
    /// VIF table exhausted.
    pub fn VifsExhausted(name: &'a str) -> StrMsg<'a> {
        StrMsg::of(Kind::VifsExhausted, name)
    }
    /// `MRT_ADD_VIF` / `MRT6_ADD_MIF` failed.
    pub fn VifAddFailed(fam: Family, name: &'a str, e: Errno) -> VifMsg<'a> {
        VifMsg::of(Kind::VifAddFailed, fam, name, e)
    }
    /// `MRT_DEL_VIF` / `MRT6_DEL_MIF` failed.
    pub fn VifDelFailed(fam: Family, name: &'a str, e: Errno) -> VifMsg<'a> {
        VifMsg::of(Kind::VifDelFailed, fam, name, e)
    }
    /// `MRT_ADD_MFC` failed.
    pub fn MfcAddFailed(fam: Family, sg: &'a Compact<'a>, e: Errno) -> Self {
        Self::mfc_errno(Kind::MfcAddFailed, fam, sg, e)
    }
    /// `MRT_DEL_MFC` failed.
    pub fn MfcDelFailed(fam: Family, sg: &'a Compact<'a>, e: Errno) -> Self {
        Self::mfc_errno(Kind::MfcDelFailed, fam, sg, e)
    }
    /// A template matched a NOCACHE upcall.
    pub fn NewData(source: &'a Addr, group: &'a Addr, iif: &'a str) -> AddrsMsg<'a> {
        AddrsMsg::of(Kind::NewData, source, group, iif)
    }
    /// No template matched a NOCACHE upcall: stop filter.
    pub fn NoMatch(source: &'a Addr, group: &'a Addr, iif: &'a str) -> AddrsMsg<'a> {
        AddrsMsg::of(Kind::NoMatch, source, group, iif)
    }
    /// WRONGVIF repaired.
    pub fn Moved(sg: &'a Compact<'a>, iif: &'a str) -> SgMsg<'a> {
        SgMsg::of(Kind::Moved, sg, iif)
    }
    /// WRONGVIF without a matching template.
    pub fn WrongVif(sg: &'a Compact<'a>, iif: &'a str) -> SgMsg<'a> {
        SgMsg::of(Kind::WrongVif, sg, iif)
    }
    /// WRONGVIF for a configured (S,G): left alone.
    pub fn WrongVifConfigured(sg: &'a Compact<'a>, iif: &'a str) -> SgMsg<'a> {
        SgMsg::of(Kind::WrongVifConfigured, sg, iif)
    }
    /// Upcall on a VIF the router does not know.
    pub fn UnknownVif(vif: u8, kind: u8) -> IntsMsg {
        IntsMsg::of(Kind::UnknownVif, vif as i64, kind as i64)
    }
    /// PIM register data.
    pub fn PimRegister(source: &'a Addr, group: &'a Addr) -> AddrsMsg<'a> {
        AddrsMsg::of(Kind::PimRegister, source, group, "")
    }
    /// Unknown upcall type.
    pub fn UnknownUpcall(kind: u8) -> IntsMsg {
        IntsMsg::of(Kind::UnknownUpcall, kind as i64, 0)
    }
    /// Join of an existing membership.
    pub fn AlreadyJoined(sg: &'a Compact<'a>, iif: &'a str) -> SgMsg<'a> {
        SgMsg::of(Kind::AlreadyJoined, sg, iif)
    }
    /// Leave of an unknown membership.
    pub fn NoGroup(sg: &'a Compact<'a>, iif: &'a str) -> SgMsg<'a> {
        SgMsg::of(Kind::NoGroup, sg, iif)
    }
    /// Join on an interface that does not exist.
    pub fn UnknownIface(name: &'a str) -> StrMsg<'a> {
        StrMsg::of(Kind::UnknownIface, name)
    }
    /// Kernel join failed.
    pub fn JoinFailed(sg: &'a Compact<'a>, iif: &'a str, e: Errno) -> SgMsg<'a> {
        SgMsg::of_errno(Kind::JoinFailed, sg, iif, e)
    }
    /// Kernel leave failed.
    pub fn LeaveFailed(sg: &'a Compact<'a>, iif: &'a str, e: Errno) -> SgMsg<'a> {
        SgMsg::of_errno(Kind::LeaveFailed, sg, iif, e)
    }
    /// Interface went away or changed: its state was dropped.
    pub fn IfaceGone(name: &'a str) -> StrMsg<'a> {
        StrMsg::of(Kind::IfaceGone, name)
    }
    /// Unknown IPC command letter.
    pub fn UnknownIpc(c: u8) -> Self {
        Self::of(Kind::UnknownIpc, Arg::Byte(c), Arg::Nil, Arg::Nil)
    }
    /// A join socket's group limit was lowered after `ENOBUFS` (the daemon's kernel side
    /// reports it; worded here with the other templates, no formatting code of its own).
    pub fn MaxGroupsAdjusted(max_groups: u16) -> IntsMsg {
        IntsMsg::of(Kind::MaxGroupsAdjusted, max_groups.into(), 0)
    }

    /// Syslog level.
    pub fn level(&self) -> Level {
        self.kind.level()
    }
}

impl uDisplay for Msg<'_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        put(f, self.kind as usize, &self.args)
    }
}

/// Writes template `i` of [`TEMPLATE_PARTS`] with its [`HOLE`]s filled by `args` in
/// order. The wording is data: a template and its arguments per message are smaller
/// than a formatting call sequence. The wording is unpacked a piece at a time, and its
/// holes take the arguments in order across the pieces (none past their end); each
/// piece is cut at its holes here, by a byte search (not `fields`, whose iterator and
/// error plumbing cost more: x86_64 .text -62 B), and the holes stay plain text in the
/// packing, so a repeat may span one (`% entries)`).
fn put<W: uWrite + ?Sized>(
    f: &mut Formatter<'_, W>,
    i: usize,
    args: &[Arg<'_>],
) -> Result<(), W::Error> {
    let mut args = args.iter();
    let mut result = Ok(());
    put_unpacked(
        &TEMPLATES,
        i + 1,
        &mut |piece| {
            let mut rest = piece;
            while result.is_ok() {
                let Some(at) = rest.iter().position(|&b| b == HOLE) else {
                    result = f.write_str(utf8_prefix(rest));
                    return;
                };
                let (text, after) = rest.split_at(at);
                result = f.write_str(utf8_prefix(text));
                if let (Ok(()), Some(arg)) = (&result, args.next()) {
                    result = arg.fmt(f);
                }
                rest = after.get(1..).unwrap_or(&[]);
            }
        },
        b"",
    );
    result
}

/// A table of the router, named by its "full" message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// The interface database.
    Interface,
    /// Kernel group joins.
    Join,
    /// Configured memberships.
    Mgroup,
    /// The pending list.
    Pending,
    /// The conf list (routes).
    Mroute,
    /// The kernel list.
    KernelRoute,
}

/// The capacity of each [`Table`], in its order: 32 bits each (every limit fits, checked
/// at compile time), not a word.
const TABLE_CAPACITIES: [u32; 6] = {
    use crate::limits::*;
    let all = [
        MAX_IFACES,
        MAX_JOINS,
        MAX_GROUPS,
        MAX_PENDING,
        MAX_RULES,
        MAX_KERNEL_ROUTES,
    ];
    let mut out = [0; 6];
    let mut i = 0;
    while i < all.len() {
        assert!(all[i] <= u32::MAX as usize);
        out[i] = all[i] as u32;
        i += 1;
    }
    out
};

/// Logs that `table` is full: `NAME table full (N entries)`. Not inlined: each caller
/// passes one byte, not the name, the capacity and a message to build.
#[inline(never)]
pub fn note_full<L: crate::fmt::Log + ?Sized>(log: &mut L, table: Table) {
    let i = table as usize;
    let capacity = TABLE_CAPACITIES.get(i).copied().unwrap_or(0);
    note(log, Msg::TableFull(table, capacity as usize));
}

/// A message of one string value (a name or a word), the shape of most messages: built
/// into a [`Msg`] by one out-of-line call that logs it too ([`tell_str`]), so a call site
/// passes the kind and the string in registers and keeps no `Msg` slot of its own.
#[derive(Debug, Clone, Copy)]
pub struct StrMsg<'a> {
    kind: Kind,
    s: &'a str,
}

impl<'a> StrMsg<'a> {
    const fn of(kind: Kind, s: &'a str) -> Self {
        Self { kind, s }
    }

    /// A message without values: its template has no hole, the empty string is never
    /// printed (one logging call for both shapes).
    const fn bare(kind: Kind) -> Self {
        Self::of(kind, "")
    }
}

/// A message of two numbers (the second unused by most), logged as a [`StrMsg`] is, by
/// one out-of-line [`tell_ints`].
#[derive(Debug, Clone, Copy)]
pub struct IntsMsg {
    kind: Kind,
    a: i64,
    b: i64,
}

impl IntsMsg {
    const fn of(kind: Kind, a: i64, b: i64) -> Self {
        Self { kind, a, b }
    }
}

/// A message of an (S,G), a name and an errno (unused by most), logged as a [`StrMsg`]
/// is, by one out-of-line [`note_sg`]; never with an origin.
#[derive(Debug, Clone, Copy)]
pub struct SgMsg<'a> {
    kind: Kind,
    sg: &'a Compact<'a>,
    s: &'a str,
    e: Errno,
}

impl<'a> SgMsg<'a> {
    const fn of(kind: Kind, sg: &'a Compact<'a>, s: &'a str) -> Self {
        Self::of_errno(kind, sg, s, Errno::new(0))
    }

    const fn of_errno(kind: Kind, sg: &'a Compact<'a>, s: &'a str, e: Errno) -> Self {
        Self { kind, sg, s, e }
    }
}

/// A message of a source, a group and a name, logged as a [`StrMsg`] is, by one
/// out-of-line [`note_addrs`]; never with an origin.
#[derive(Debug, Clone, Copy)]
pub struct AddrsMsg<'a> {
    kind: Kind,
    source: &'a Addr,
    group: &'a Addr,
    iif: &'a str,
}

impl<'a> AddrsMsg<'a> {
    const fn of(kind: Kind, source: &'a Addr, group: &'a Addr, iif: &'a str) -> Self {
        Self {
            kind,
            source,
            group,
            iif,
        }
    }
}

/// A message of a VIF's family, its interface's name and an errno, logged as a
/// [`StrMsg`] is, by one out-of-line [`note_vif`]; never with an origin.
#[derive(Debug, Clone, Copy)]
pub struct VifMsg<'a> {
    kind: Kind,
    fam: Family,
    name: &'a str,
    e: Errno,
}

impl<'a> VifMsg<'a> {
    const fn of(kind: Kind, fam: Family, name: &'a str, e: Errno) -> Self {
        Self { kind, fam, name, e }
    }
}

/// What [`say`] and [`note`] log: a whole [`Msg`] or one of the common shapes
/// ([`StrMsg`], [`IntsMsg`], [`SgMsg`], [`AddrsMsg`], [`VifMsg`]), each by its own call.
/// The methods, `say` and `note` are always in line: a call site then makes the one
/// out-of-line logging call itself (left to LLVM they stay out of line, one copy per
/// message type: x86_64 smcrouted +168 B).
pub trait Message<'a>: Sized {
    /// The whole message.
    fn msg(self) -> Msg<'a>;
    /// Logs the message without a prefix.
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L);
    /// Logs the message with an optional origin prefix: the whole message, built at the
    /// call site (the shapes logged with an origin at many sites have their own call).
    #[inline(always)]
    fn tell_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L, origin: Option<&Origin<'_>>) {
        tell(log, origin, &self.msg());
    }
}

impl<'a> Message<'a> for Msg<'a> {
    fn msg(self) -> Msg<'a> {
        self
    }
    #[inline(always)]
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L) {
        note_msg(log, self);
    }
    // Lent as it is, not moved through `msg()` first (the default: +24 B on x86_64).
    #[inline(always)]
    fn tell_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L, origin: Option<&Origin<'_>>) {
        tell(log, origin, &self);
    }
}

impl<'a> Message<'a> for StrMsg<'a> {
    fn msg(self) -> Msg<'a> {
        Msg::str2(self.kind, self.s, "")
    }
    #[inline(always)]
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L) {
        tell_str(log, None, self.kind, self.s);
    }
    #[inline(always)]
    fn tell_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L, origin: Option<&Origin<'_>>) {
        tell_str(log, origin, self.kind, self.s);
    }
}

impl<'a> Message<'a> for IntsMsg {
    fn msg(self) -> Msg<'a> {
        let (a, b) = (Arg::Int(Halves::of(self.a)), Arg::Int(Halves::of(self.b)));
        Msg::of(self.kind, a, b, Arg::Nil)
    }
    #[inline(always)]
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L) {
        tell_ints(log, None, self.kind, self.a, self.b);
    }
    #[inline(always)]
    fn tell_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L, origin: Option<&Origin<'_>>) {
        tell_ints(log, origin, self.kind, self.a, self.b);
    }
}

impl<'a> Message<'a> for SgMsg<'a> {
    fn msg(self) -> Msg<'a> {
        Msg::of(
            self.kind,
            Arg::Sg(self.sg),
            Arg::Str(self.s),
            Arg::Errno(self.e),
        )
    }
    #[inline(always)]
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L) {
        note_sg(log, self.kind, self.sg, self.s, self.e);
    }
}

impl<'a> Message<'a> for AddrsMsg<'a> {
    fn msg(self) -> Msg<'a> {
        let (s, g) = (
            Arg::Prefix(self.source, FULL_LEN),
            Arg::Prefix(self.group, FULL_LEN),
        );
        Msg::of(self.kind, s, g, Arg::Str(self.iif))
    }
    #[inline(always)]
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L) {
        note_addrs(log, self.kind, self.source, self.group, self.iif);
    }
}

impl<'a> Message<'a> for VifMsg<'a> {
    fn msg(self) -> Msg<'a> {
        // `VIF` or `MIF`: the wording's `%IF` takes the first letter, V for IPv4, M
        // (nine letters before it) for IPv6 (1).
        let letter = Arg::Byte(b'V' - 9 * self.fam as u8);
        Msg::of(self.kind, letter, Arg::Str(self.name), Arg::Errno(self.e))
    }
    #[inline(always)]
    fn note_to<L: crate::fmt::Log + ?Sized>(self, log: &mut L) {
        note_vif(log, self.kind, self.fam, self.name, self.e);
    }
}

/// Logs `msg` with an origin prefix. Always in line (see [`Message`]).
#[inline(always)]
pub fn say<'a, L: crate::fmt::Log + ?Sized>(
    log: &mut L,
    origin: &Origin<'_>,
    msg: impl Message<'a>,
) {
    msg.tell_to(log, Some(origin));
}

/// Logs `msg` without a prefix. Always in line (see [`Message`]).
#[inline(always)]
pub fn note<'a, L: crate::fmt::Log + ?Sized>(log: &mut L, msg: impl Message<'a>) {
    msg.note_to(log);
}

/// Logs a whole `msg` without a prefix. Not inlined: one argument fewer at each of its
/// many call sites than `tell`'s.
#[inline(never)]
fn note_msg<L: crate::fmt::Log + ?Sized>(log: &mut L, msg: Msg<'_>) {
    tell(log, None, &msg);
}

/// Logs message `kind` of one string value `s`: its [`Msg`] built here, not at each
/// call site (x86_64 smcrouted -144 B for the 12 sites of the 20 one-string and bare
/// kinds).
#[inline(never)]
fn tell_str<L: crate::fmt::Log + ?Sized>(
    log: &mut L,
    origin: Option<&Origin<'_>>,
    kind: Kind,
    s: &str,
) {
    tell(log, origin, &StrMsg::of(kind, s).msg());
}

/// Logs message `kind` of the numbers `a` and `b`: its [`Msg`] built here, not at each
/// call site.
#[inline(never)]
fn tell_ints<L: crate::fmt::Log + ?Sized>(
    log: &mut L,
    origin: Option<&Origin<'_>>,
    kind: Kind,
    a: i64,
    b: i64,
) {
    tell(log, origin, &IntsMsg::of(kind, a, b).msg());
}

/// Logs message `kind` of `sg`, `s` and `e` without a prefix: its [`Msg`] built here,
/// not at each call site.
#[inline(never)]
fn note_sg<L: crate::fmt::Log + ?Sized>(
    log: &mut L,
    kind: Kind,
    sg: &Compact<'_>,
    s: &str,
    e: Errno,
) {
    tell(log, None, &SgMsg::of_errno(kind, sg, s, e).msg());
}

/// Logs message `kind` of `source`, `group` and `iif` without a prefix: its [`Msg`]
/// built here, not at each call site.
#[inline(never)]
fn note_addrs<L: crate::fmt::Log + ?Sized>(
    log: &mut L,
    kind: Kind,
    source: &Addr,
    group: &Addr,
    iif: &str,
) {
    tell(log, None, &AddrsMsg::of(kind, source, group, iif).msg());
}

/// Logs message `kind` of a VIF of family `fam` on `name` and `e` without a prefix: its
/// [`Msg`] built here, not at each call site.
#[inline(never)]
fn note_vif<L: crate::fmt::Log + ?Sized>(
    log: &mut L,
    kind: Kind,
    fam: Family,
    name: &str,
    e: Errno,
) {
    tell(log, None, &VifMsg::of(kind, fam, name, e).msg());
}

/// [`say`] and [`note`] in one, not inlined: one copy for both.
#[inline(never)]
fn tell<L: crate::fmt::Log + ?Sized>(log: &mut L, origin: Option<&Origin<'_>>, msg: &Msg<'_>) {
    crate::log!(log, msg.level(), "{}{}", OriginPrefix(origin), *msg);
}

/// An optional [`Origin`] prefix.
struct OriginPrefix<'a, 'b>(Option<&'a Origin<'b>>);

impl uDisplay for OriginPrefix<'_, '_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match self.0 {
            Some(origin) => origin.fmt(f),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    /// The line and level `msg` is logged with, by the call the router makes.
    fn logged<'a>(msg: impl Message<'a>) -> (Level, String) {
        let mut log = crate::fmt::record::RecordingLog::default();
        note(&mut log, msg);
        assert_eq!(log.lines.len(), 1);
        log.lines.remove(0)
    }

    fn show<'a>(msg: impl Message<'a>) -> String {
        logged(msg).1
    }

    /// The words of a directive without a source or OIFs.
    fn words<'a>(iif: &'a str, group: &'a str) -> Words<'a> {
        Words {
            iif,
            source: None,
            group,
            oifs: &[],
        }
    }

    #[test]
    fn every_shape_fills_its_holes() {
        let a = Addr::parse("10.0.0.1").unwrap();
        let g = Addr::parse("225.1.2.3").unwrap();
        let sg = Compact::sg(&a, &g);
        let g24 = Prefix { addr: g, len: 24 };
        let star = Compact::prefixes(None, &g24);
        let a32 = Prefix { addr: a, len: 32 };
        let cases = [
            (
                show(Msg::PhyintMissing()),
                "phyint missing interface pattern",
            ),
            (
                show(Msg::PhyintTtl("eth0", 300)),
                "phyint eth0 ttl 300 out of range (1-255)",
            ),
            (
                show(Msg::BadSource(Cmd::Join, "x")),
                "join: Invalid multicast source: x",
            ),
            (
                show(Msg::BadLen(Cmd::Mroute, true, Family::V4, -1)),
                "mroute: Invalid multicast group prefix length, -1",
            ),
            (
                show(Msg::BadLen(Cmd::Join, false, Family::V6, 129)),
                "join: Invalid source prefix length (0-128): 129",
            ),
            (
                show(Msg::TooFewArgs(Cmd::Join)),
                "join: Not enough arguments",
            ),
            (
                show(Msg::NoVif(Dir::Outbound, "eth1")),
                "mroute: outbound eth1 has no VIF, VIF table exhausted?",
            ),
            (
                show(Msg::Activated(
                    PendingKind::Mroute,
                    &words("eth0", "225.1.2.3"),
                )),
                "Activated pending mroute from eth0 group 225.1.2.3",
            ),
            (
                show(Msg::TableFull(Table::Join, 2048)),
                "join table full (2048 entries)",
            ),
            (
                show(Msg::Deleting("eth0", &a32, &g24)),
                "mroute: deleting route from eth0 (10.0.0.1/32,225.1.2.3/24)",
            ),
            (
                show(Msg::VifAddFailed(Family::V6, "eth0", Errno::EINVAL)),
                "Failed adding MIF for eth0: Invalid argument",
            ),
            (
                show(Msg::MfcDelFailed(Family::V4, &sg, Errno::new(0))),
                "failed removing IPv4 multicast route (10.0.0.1,225.1.2.3): Unknown error 0",
            ),
            (
                show(Msg::NoMatch(&a, &g, "eth0")),
                "Multicast from 10.0.0.1, group 225.1.2.3, on eth0 does not match any (*,G) rule",
            ),
            (
                show(Msg::PimRegister(&a, &g)),
                "Receiving PIM register data from 10.0.0.1, group 225.1.2.3, ignoring.",
            ),
            (
                show(Msg::NoGroup(&star, "eth0")),
                "No group (*,225.1.2.3/24) on eth0 to leave",
            ),
            (
                show(Msg::LeaveFailed(&sg, "eth0", Errno::EPERM)),
                "Failed leaving group (10.0.0.1,225.1.2.3) on eth0: Operation not permitted",
            ),
            (
                show(Msg::UnknownVif(7, 1)),
                "No matching interface for VIF 7, cannot handle IGMP message 1.",
            ),
            (
                show(Msg::UnknownUpcall(9)),
                "Unknown IGMP message type 9 from kernel",
            ),
            (
                show(Msg::UnknownIpc(0)),
                "Unknown or malformed IPC message '?' from client.",
            ),
            (
                show(Msg::UnknownIpc(b'x')),
                "Unknown or malformed IPC message 'x' from client.",
            ),
            (
                show(Msg::MaxGroupsAdjusted(5)),
                "Out of groups on socket adjusting max_groups 5.",
            ),
            (
                show(Msg::TooManyOifs()),
                "mroute: Too many outbound interfaces",
            ),
            (
                show(Msg::PhyintUnknown("eth9")),
                "phyint eth9 does not exist (yet?) on this system",
            ),
            (
                show(Msg::BadGroup(Cmd::Mroute, "x")),
                "mroute: Invalid multicast group: x",
            ),
            (
                show(Msg::BadGroupIpc("x")),
                "mroute: invalid multicast group: x",
            ),
            (
                show(Msg::BadSource(Cmd::Mroute, "x")),
                "mroute: Invalid source address: x",
            ),
            (
                show(Msg::BadLen(Cmd::Join, true, Family::V4, 33)),
                "join: Invalid group prefix length (0-32): 33",
            ),
            (
                show(Msg::BadLen(Cmd::Mroute, false, Family::V4, 40)),
                "mroute: invalid prefix length: 40",
            ),
            (
                show(Msg::NotKnown(Dir::Inbound, "eth1")),
                "mroute: inbound eth1 is not a known phyint",
            ),
            (
                show(Msg::NotMulticast(Dir::Outbound, "eth1")),
                "mroute: outbound eth1 is not multicast capable",
            ),
            (
                show(Msg::SameIif("eth0", "eth0")),
                "mroute: Same outbound interface (eth0) as inbound (eth0) may cause routing loops.",
            ),
            (
                show(Msg::PendingAdded(
                    PendingKind::Mgroup,
                    &words("eth0", "225.1.2.3"),
                )),
                "mgroup from eth0 group 225.1.2.3 pending: interface not available",
            ),
            (
                show(Msg::VifNotMulticast("lo")),
                "Interface lo is not multicast capable, skipping VIF.",
            ),
            (
                show(Msg::VifsExhausted("eth0")),
                "Not enough available VIFs to create eth0",
            ),
            (
                show(Msg::VifDelFailed(Family::V4, "eth0", Errno::EINVAL)),
                "Failed deleting VIF for eth0: Invalid argument",
            ),
            (
                show(Msg::MfcAddFailed(Family::V6, &sg, Errno::EINVAL)),
                "failed adding IPv6 multicast route (10.0.0.1,225.1.2.3): Invalid argument",
            ),
            (
                show(Msg::NewData(&a, &g, "eth0")),
                "New multicast data from 10.0.0.1 to group 225.1.2.3 on eth0",
            ),
            (
                show(Msg::Moved(&sg, "eth1")),
                "Moved (10.0.0.1,225.1.2.3) inbound to eth1 after WRONGVIF",
            ),
            (
                show(Msg::WrongVif(&sg, "eth1")),
                "Multicast (10.0.0.1,225.1.2.3) on wrong VIF eth1, no matching rule",
            ),
            (
                show(Msg::WrongVifConfigured(&sg, "eth1")),
                "Multicast (10.0.0.1,225.1.2.3) on wrong VIF eth1, keeping the configured route",
            ),
            (
                show(Msg::AlreadyJoined(&sg, "eth0")),
                "Already joined (10.0.0.1,225.1.2.3) on eth0",
            ),
            (show(Msg::UnknownIface("eth7")), "unknown interface eth7"),
            (
                show(Msg::JoinFailed(&sg, "eth0", Errno::EPERM)),
                "Failed joining group (10.0.0.1,225.1.2.3) on eth0: Operation not permitted",
            ),
            (
                show(Msg::IfaceGone("eth0")),
                "Interface eth0 gone or changed, its routes and groups are pending",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(line, want);
        }
        let levels = [
            (logged(Msg::PhyintMissing()), Level::Warning),
            (logged(Msg::IfaceGone("x")), Level::Notice),
            (logged(Msg::SameIif("x", "y")), Level::Info),
            (logged(Msg::NewData(&a, &g, "x")), Level::Debug),
            (logged(Msg::TableFull(Table::KernelRoute, 1)), Level::Err),
        ];
        for ((level, _), want) in levels {
            assert_eq!(level, want);
        }
    }

    #[test]
    fn one_template_per_kind() {
        // One wording per kind (the array's length), none empty, each unpacked as it
        // was written.
        assert!(TEMPLATE_PARTS.iter().all(|t| !t.is_empty()));
        for (kind, part) in TEMPLATE_PARTS.iter().enumerate() {
            let mut out = std::vec::Vec::new();
            put_unpacked(
                &TEMPLATES,
                kind + 1,
                &mut |b: &[u8]| out.extend_from_slice(b),
                b"",
            );
            assert_eq!(out, *part);
        }
        assert_eq!(
            TEMPLATE_PARTS[Kind::PhyintMissing as usize],
            b"phyint missing interface pattern"
        );
    }

    #[test]
    fn kinds_have_their_levels() {
        use Kind::*;
        let want = |k: Kind| match k {
            PendingAdded | Activated | Moved | IfaceGone => Level::Notice,
            SameIif | NoMatch | WrongVif | WrongVifConfigured | AlreadyJoined => Level::Info,
            Deleting | NewData | UnknownUpcall | MfcDelFailed | VifDelFailed => Level::Debug,
            InterfaceFull | JoinFull | MgroupFull | PendingFull | MrouteFull | KernelRouteFull
            | JoinFailed => Level::Err,
            _ => Level::Warning,
        };
        for k in [
            InterfaceFull,
            JoinFull,
            MgroupFull,
            PendingFull,
            MrouteFull,
            KernelRouteFull,
            JoinFailed,
            PhyintMissing,
            PhyintTtl,
            PhyintUnknown,
            BadGroupMroute,
            BadGroupJoin,
            BadGroupIpc,
            BadSourceMroute,
            BadSourceJoin,
            BadGroupLenMroute,
            BadGroupLenJoin,
            BadSourceLenMroute,
            BadSourceLenJoin,
            TooFewArgsMroute,
            TooFewArgsJoin,
            TooManyOifs,
            NotKnownInbound,
            NotKnownOutbound,
            NotMulticastInbound,
            NotMulticastOutbound,
            NoVifInbound,
            NoVifOutbound,
            VifNotMulticast,
            VifsExhausted,
            VifAddFailed,
            MfcAddFailed,
            UnknownVif,
            PimRegister,
            NoGroup,
            UnknownIface,
            LeaveFailed,
            UnknownIpc,
            MaxGroupsAdjusted,
            PendingAdded,
            Activated,
            Moved,
            IfaceGone,
            SameIif,
            NoMatch,
            WrongVif,
            WrongVifConfigured,
            AlreadyJoined,
            Deleting,
            VifDelFailed,
            MfcDelFailed,
            NewData,
            UnknownUpcall,
        ] {
            assert_eq!(k.level(), want(k), "{k:?}");
        }
    }

    #[test]
    fn full_tables_name_their_capacity() {
        use crate::limits::*;
        let tables = [
            (Table::Interface, "interface", MAX_IFACES),
            (Table::Join, "join", MAX_JOINS),
            (Table::Mgroup, "mgroup", MAX_GROUPS),
            (Table::Pending, "pending", MAX_PENDING),
            (Table::Mroute, "mroute", MAX_RULES),
            (Table::KernelRoute, "kernel route", MAX_KERNEL_ROUTES),
        ];
        for (table, name, capacity) in tables {
            let mut log = crate::fmt::record::RecordingLog::default();
            note_full(&mut log, table);
            let want = std::format!("{name} table full ({capacity} entries)");
            assert_eq!(log.lines, [(Level::Err, want)]);
        }
    }
}
