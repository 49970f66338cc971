//! The router: SMCRoute's state machine, pure.
//!
//! It owns the interface database, the conf list (rules), the kernel list (MFC mirror),
//! the group memberships and the pending list, and changes the kernel only through
//! [`Host`]. The daemon feeds it interface scans, conf statements, IPC commands, kernel
//! upcalls and timer ticks; every decision is a function of those inputs (time included).
//!
//! ```text
//!  scan_*  ─► ifaces ──(lazy VIF/MIF)──► vifs/mifs
//!  apply / command(a r j l) ─► rules ──(exact)──────────► mfc ──► Kernel::add_mfc
//!                               │  └─(templates)◄─ upcall ─┘
//!                               └► groups ─► joins ─► Kernel::join
//!  missing interfaces ─► pending ─(activate_pending)─► replayed as IPC
//! ```
//!
//! Beyond SMCRoute: rules and joins of an interface that vanishes or changes ifindex go
//! back on the pending list and return by themselves when it reappears.

mod args;
mod group;
pub mod msg;
mod reload;
mod route;
pub(crate) mod show;
mod upcall;
mod vif;

#[cfg(test)]
mod testhost;
#[cfg(test)]
mod tests;

use crate::kernel::{Host, Upcall};
use crate::limits::{
    MAX_GROUPS, MAX_IFACES, MAX_JOINS, MAX_KERNEL_ROUTES, MAX_PENDING, MAX_RULES, MAX_VIFS,
};
use crate::table::buckets;
use crate::table::groups::GroupTable;
use crate::table::iface::IfaceTable;
use crate::table::mfc::MfcTable;
pub(crate) use crate::table::pending::Words;
use crate::table::pending::{Kind, PendingTable};
use crate::table::rules::RuleTable;
use crate::time::Instant;
use msg::{say, Cmd, Msg};

/// A pending entry's directive word, as `show` and the log name it: the conf reader's
/// directive names, so `.rodata` has no second copy of them (x86_64 -8 B, mipsel -48 B).
// No inline hint: since its log callers became one (`Msg::pending`), out of line on
// x86_64 measured +8 B.
fn pending_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Mroute => crate::conf::MROUTE_WORD,
        Kind::Mgroup => crate::conf::MGROUP_WORD,
    }
}

/// Daemon options that change routing behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// `phyint` without `enable`/`disable` means enable (cleared by `-N`).
    pub do_vifs: bool,
    /// `-c SEC`: cache expiry period; 0 disables the timer.
    pub cache_timeout_secs: u32,
}

impl Options {
    /// SMCRoute's defaults: VIFs on, 60 s cache timeout.
    pub const fn new() -> Self {
        Self {
            do_vifs: true,
            cache_timeout_secs: 60,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a directive comes from; it prefixes the messages about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A conf file line: `FILE line N: `.
    Conf {
        /// File name as given.
        file: &'a str,
        /// Line number.
        line: u32,
    },
    /// An IPC command: `ipc: `.
    Ipc,
}

/// The operation failed; the reason was logged (SMCRoute replies with that last line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

pub(crate) type Ifaces = IfaceTable<MAX_IFACES, { buckets(MAX_IFACES) }>;
pub(crate) type Rules = RuleTable<MAX_RULES, { buckets(MAX_RULES) }>;
pub(crate) type Mfcs = MfcTable<MAX_KERNEL_ROUTES, { buckets(MAX_KERNEL_ROUTES) }>;
pub(crate) type Groups = GroupTable<MAX_GROUPS, { buckets(MAX_GROUPS) }, MAX_JOINS>;
pub(crate) type PendingList = PendingTable<MAX_PENDING>;

/// The whole routing state. Construct it in a `static` with [`Router::new`].
///
/// In this order (`repr(C)`): the router is megabytes, and on MIPS a field more than
/// 32 KiB from `self` costs three instructions to address instead of none. The small
/// interface table first: the router's address is the table's, so its many lookups are
/// passed `self` as it is, no offset added (x86_64 -144 B, mipsel -16 B against the
/// scalars first); then the scalars, the VIF and MIF maps, the conf list (the most used)
/// and the rest (this order measured smallest).
#[repr(C)]
pub struct Router {
    ifaces: Ifaces,
    /// Set by [`Router::set_options`]; [`Options::new`] until then (kept as a flag so
    /// that a fresh router is all zero bytes and its `static` lands in `.bss`).
    opts: Options,
    opts_set: bool,
    /// Between `reload_begin` and `reload_end`.
    reloading: bool,
    /// Interfaces the last scan could not record (table full).
    ifaces_dropped: usize,
    /// Interface id + 1 per IPv4 VIF, 0 = free.
    vifs: [u32; MAX_VIFS],
    /// Interface id + 1 per IPv6 MIF, 0 = free.
    mifs: [u32; MAX_VIFS],
    rules: Rules,
    mfc: Mfcs,
    groups: Groups,
    pending: PendingList,
}

impl Default for Router {
    fn default() -> Self {
        Self::new()
    }
}

/// How a route or group directive is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// From the conf: missing interfaces make it pending; a rule from the previous conf is
    /// replaced, a duplicate line merged.
    Conf,
    /// From IPC: missing interfaces are an error; OIFs are merged.
    Ipc,
    /// Replay of a pending entry: as IPC, but "already joined" is success.
    Replay,
    /// IPC `leave`: the membership the words name is left (memberships only).
    Leave,
    /// IPC `remove`: the rules the words name lose the OIFs named, or go without any
    /// (routes only).
    Remove,
}

/// The bit set in the IPC join commands (`j`, `l`) and clear in the route commands
/// (`a`, `r`).
const JOIN_COMMAND_BIT: u8 = 0x08;
static_assertions::const_assert!(
    b'a' & JOIN_COMMAND_BIT == 0
        && b'r' & JOIN_COMMAND_BIT == 0
        && b'j' & JOIN_COMMAND_BIT != 0
        && b'l' & JOIN_COMMAND_BIT != 0
);

impl Router {
    /// An empty router (all-zero tables, so a `static` of it lives in `.bss`).
    pub const fn new() -> Self {
        Self {
            opts: Options {
                do_vifs: false,
                cache_timeout_secs: 0,
            },
            opts_set: false,
            ifaces: IfaceTable::new(),
            rules: RuleTable::new(),
            mfc: MfcTable::new(),
            groups: GroupTable::new(),
            pending: PendingTable::new(),
            vifs: [0; MAX_VIFS],
            mifs: [0; MAX_VIFS],
            reloading: false,
            ifaces_dropped: 0,
        }
    }

    /// Sets the daemon options.
    pub fn set_options(&mut self, opts: Options) {
        self.opts = opts;
        self.opts_set = true;
    }

    /// The options in force.
    pub fn options(&self) -> Options {
        if self.opts_set {
            self.opts
        } else {
            Options::new()
        }
    }

    /// A route's words ([`Router::mroute_words`]) or a membership's (`oifs` unused:
    /// [`Router::join_words`]). The one call the conf, IPC and replay paths make, not one
    /// per kind at each.
    ///
    /// Its arguments start as both bodies' do, in the same order, so it passes them on
    /// untouched (to `mroute_words` by a jump on x86_64). On x86_64 LLVM keeps the three
    /// apart by itself (smaller than the direct calls or both bodies in line here); on
    /// MIPS16e both bodies are in line here (-96 B; +16 B kept apart).
    pub(crate) fn words<H: Host>(
        &mut self,
        h: &mut H,
        origin: &Origin<'_>,
        mode: Mode,
        w: &Words<'_>,
        kind: Kind,
    ) -> Result<(), Failed> {
        match kind {
            Kind::Mroute => self.mroute_words(h, origin, mode, w),
            Kind::Mgroup => self.join_words(h, origin, mode, w),
        }
    }

    /// Runs one IPC command: `a` add, `r` remove, `j` join, `l` leave, `F` flush, `s`/`S`/
    /// `J` show (brief, detail, JSON) into `out` with the `_`/`=` heading markers (without
    /// the final NUL). `Err` means the daemon replies with the host's last log line.
    // Not inlined into the daemon's request handler on x86_64 (-41 B); on MIPS16e
    // inlined is smaller (+64 B out of line).
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub fn command<H: Host, W: crate::ipc::show::Out + ?Sized>(
        &mut self,
        h: &mut H,
        now: Instant,
        cmd: u8,
        args: &[&str],
        out: &mut W,
    ) -> Result<(), Failed> {
        let origin = Origin::Ipc;
        match cmd {
            b'a' | b'r' | b'j' | b'l' => {
                // On x86_64 one bit tells the route commands from the join commands: a
                // compare with both letters let the compiler split this arm in two, one
                // copy of it per kind (x86_64 -32 B; on MIPS16e the bit is +16 B).
                let route = if cfg!(target_arch = "x86_64") {
                    cmd & JOIN_COMMAND_BIT == 0
                } else {
                    matches!(cmd, b'a' | b'r')
                };
                // One "Not enough arguments" check for the route and the join commands.
                let [iif, first, ref rest @ ..] = *args else {
                    let c = if route { Cmd::Mroute } else { Cmd::Join };
                    say(h, &origin, Msg::TooFewArgs(c));
                    return Err(Failed);
                };
                // The words written in place by either kind.
                let mut w = Words {
                    iif,
                    source: None,
                    group: first,
                    oifs: &[],
                };
                let (kind, mode) = if route {
                    args::split_route_args(h, first, rest, &mut w)?;
                    let mode = if cmd == b'a' { Mode::Ipc } else { Mode::Remove };
                    (Kind::Mroute, mode)
                } else {
                    // `IIF S G`; any other count names the group second (SMCRoute).
                    if let [group] = *rest {
                        (w.source, w.group) = (Some(first), group);
                    }
                    let mode = if cmd == b'j' { Mode::Ipc } else { Mode::Leave };
                    (Kind::Mgroup, mode)
                };
                self.words(h, &origin, mode, &w, kind)
            }
            b'F' => {
                self.expire_pass(h, now, 0);
                Ok(())
            }
            b's' | b'S' | b'J' => {
                // A sink that fails drops the rest of the reply; that is the daemon's business.
                self.show(h, cmd, args.first().copied(), out);
                Ok(())
            }
            other => {
                msg::note(h, Msg::UnknownIpc(other));
                Err(Failed)
            }
        }
    }

    /// Handles one kernel upcall (§5.3, §5.4).
    pub fn upcall<H: Host>(&mut self, h: &mut H, now: Instant, up: &Upcall) {
        self.handle_upcall(h, now, up);
    }

    /// The `-c` timer tick: expires idle learned routes and stop filters (§5.6).
    pub fn expire<H: Host>(&mut self, h: &mut H, now: Instant) {
        let secs = self.options().cache_timeout_secs;
        if secs > 0 {
            self.expire_pass(h, now, secs);
        }
    }

    /// Leaves every joined group (the daemon then closes the mroute sockets: `MRT_DONE`).
    pub fn shutdown<H: Host>(&mut self, h: &mut H) {
        while let Some(id) = self.groups.first() {
            self.drop_group(h, id);
        }
    }
}
