//! The daemon's own messages, packed after the help texts together with the routing
//! sockets' ([`mrinit::TEXT_PARTS`]), the conf lines' errors' and what failed to drop
//! root privileges (their words, `Failed`, `socket`, `skipping`, are references to the
//! help texts' and each other's): a message is a byte (its number) at each site, not a
//! text of its own in `.rodata`, and one function logs them all.

use crate::conf;
use crate::errno::Errno;
use crate::fmt::{line_of, utf8_prefix, Level, Line};
use crate::limits::{MAX_CLIENTS, MAX_USER_GROUPS};
use crate::sys::log::SysLog;
use crate::sys::{ifevent, mrinit, privs};
use crate::texts::{put_unpacked, separated, separated_len};

/// Declares [`Said`], a message by its number, and [`PARTS`], the texts in its order.
macro_rules! said {
    ($($(#[$doc:meta])* $name:ident = $text:expr,)*) => {
        /// A message of the daemon, by its number among its own texts. Where it holds
        /// [`crate::texts::INSERT_TEXT`] (`\x01` below), [`say`] puts its insert.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Said {
            $($(#[$doc])* $name,)*
        }

        /// The texts of [`Said`], in its order.
        const PARTS: [&[u8]; [$(Said::$name),*].len()] = [$($text.as_bytes(),)*];
    };
}

said! {
    // Said at level err (the first, up to `Ipc`).
    /// `smcrouted` was started by another user than root.
    NeedRoot = "Need root privileges to start \x01",
    /// After the unknown user or group of `-p`.
    InvalidUserGroup = "Invalid user:group argument",
    /// `-p`: no such user.
    UnknownUser = "User '\x01' not found!",
    /// `-p`: no such group.
    UnknownGroup = "Group '\x01' not found!",
    /// `fork`/`setsid` failed.
    Daemonizing = "Failed daemonizing: ",
    /// `MRT_PIM` failed.
    Pim = "Failed enabling PIM IGMPMSG_WRONGVIF, ignoring: ",
    /// The self-pipe or the handlers could not be set up.
    Signals = "Failed setting up signals: ",
    /// The link events socket could not be opened.
    Events = crate::joined![
        "Failed opening ",
        ifevent::EVENTS_SOCKET,
        " socket, no interface hot-plug: ",
    ],
    /// The `-e` script cannot be run.
    NotExecutable = "\x01 is not executable.",
    /// The interface list could not be read.
    Interfaces = "Failed reading interfaces: ",
    // At level warning (from `Ipc`, up to `V4Only`).
    /// The IPC socket could not be bound.
    Ipc = "Failed binding IPC socket, client disabled: ",
    /// The PID file could not be written.
    PidFile = "Failed creating PID file \x01: ",
    /// The `-p` user is in more groups than the daemon keeps.
    MoreGroups = crate::joined![
        "User \x01 is in more than ",
        crate::decimal!(MAX_USER_GROUPS),
        " groups, the others do not apply",
    ],
    /// The `-e` script could not be started.
    Script = "Cannot start script \x01: ",
    /// An mrdisc socket could not be opened.
    Mrdisc = "mrdisc: cannot open socket on \x01: ",
    /// An accepted client found every slot taken.
    TooManyClients = crate::joined![
        "ipc: too many clients (",
        crate::decimal!(MAX_CLIENTS),
        " max), closing connection",
    ],
    /// A client's reply could not be written.
    NotReading = "ipc: client not reading its reply, closing connection",
    // At level notice (from `V4Only`, up to `Idle`).
    /// No IPv6 routing socket.
    V4Only = "IPv6 multicast routing unavailable, continuing IPv4 only.",
    /// No conf file at start-up.
    Continuing = "Continuing anyway, waiting for client to connect.",
    /// `SIGTERM`, `SIGINT` or `smcroutectl kill`.
    Exiting = "Exiting.",
    /// The `-x` deadline.
    ExitDelay = "Exit delay timer expired.",
    // At level info (`Idle`).
    /// A client kept a partial request open too long.
    Idle = "ipc: client idle too long, closing connection",
    // Pieces of messages, never said alone (no level).
    /// Root privileges could not be dropped: what failed follows.
    CouldNotDrop = "Could not drop root privileges, continuing as root: ",
    /// After what failed, before the error.
    Failed = " failed: ",
    /// Conf files include each other deeper than the daemon reads.
    TooDeep = "\x01: includes nested too deep, skipping",
    /// After a conf file with errors was loaded.
    ParseError = "Parse error in \x01",
    /// A conf line's place: its file's name, then its number.
    LineOf = "\x01 line ",
    /// A conf line longer than the read buffer.
    ChunkTooLong = "line too long, skipping",
    /// `include` without a pattern.
    NoPattern = "include missing file pattern",
    /// An `include` whose pattern was refused: the error follows.
    Include = "include \x01: ",
    /// A reload found the conf file missing or unreadable: after the error.
    Keeping = ", keeping the running configuration",
    /// The conf file is missing.
    ConfMissing = "Configuration file \x01 does not exist",
    /// A conf file could not be read.
    Reading = "Failed reading \x01: ",
}

/// The texts, numbered in this order: the routing sockets' ([`mrinit::TEXT_PARTS`]), the
/// conf lines' errors' ([`conf::LINE_ERROR_TEXTS`]), what failed to drop root privileges
/// ([`privs::DROP_WHAT_TEXTS`]), then [`PARTS`] (text [`Said`] `n` is text `FIRST + n`).
pub(crate) const SEPARATED: [u8; separated_len(&SEPARATED_PARTS)] = separated(&SEPARATED_PARTS);
/// [`SEPARATED`] byte-pair [coded](crate::texts::Coded), once.
const SAID_CODED: crate::texts::Coded = crate::texts::Coded::of(&SEPARATED);
const SEPARATED_PARTS: [&[u8]; 4] = [
    &ROUTING_SEPARATED,
    &LINE_SEPARATED,
    &DROP_SEPARATED,
    &OWN_SEPARATED,
];
const ROUTING_SEPARATED: [u8; separated_len(&mrinit::TEXT_PARTS)] = separated(&mrinit::TEXT_PARTS);
const LINE_PARTS: [&[u8]; conf::LINE_ERROR_TEXTS.len()] = bytes_of(conf::LINE_ERROR_TEXTS);
const LINE_SEPARATED: [u8; separated_len(&LINE_PARTS)] = separated(&LINE_PARTS);
const DROP_PARTS: [&[u8]; privs::DROP_WHAT_TEXTS.len()] = bytes_of(privs::DROP_WHAT_TEXTS);
const DROP_SEPARATED: [u8; separated_len(&DROP_PARTS)] = separated(&DROP_PARTS);
const OWN_SEPARATED: [u8; separated_len(&PARTS)] = separated(&PARTS);
/// The number of the first conf line error's text.
const LINE_FIRST: u8 = mrinit::TEXT_PARTS.len() as u8;
/// The number of the first text of what failed to drop root privileges.
const DROP_FIRST: u8 = LINE_FIRST + LINE_PARTS.len() as u8;
/// The number of [`Said`]'s first text.
const FIRST: u8 = DROP_FIRST + DROP_PARTS.len() as u8;

/// The bytes of each of `texts`, at compile time.
const fn bytes_of<const N: usize>(texts: [&'static str; N]) -> [&'static [u8]; N] {
    let mut parts: [&[u8]; N] = [&[]; N];
    let mut i = 0;
    while i < N {
        parts[i] = texts[i].as_bytes();
        i += 1;
    }
    parts
}

static_assertions::const_assert!(FIRST as usize + PARTS.len() <= 256);
crate::packed_after_help! {
    /// [`SEPARATED`] packed.
    static TEXTS = SAID_CODED;
}

/// An empty text (for [`say_texts`]).
pub const EMPTY: u8 = mrinit::EMPTY;

/// The number of text `i` of [`conf::LINE_ERROR_TEXTS`] (for [`put_text`]).
pub fn line_error(i: u8) -> u8 {
    LINE_FIRST + i
}

/// The number of text `i` of [`privs::DROP_WHAT_TEXTS`] (for [`say_texts`]).
pub fn drop_what(i: u8) -> u8 {
    DROP_FIRST + i
}

impl Said {
    /// The message's number among all texts (for [`say_texts`]).
    pub const fn number(self) -> u8 {
        FIRST + self as u8
    }

    /// The level the message is said at (by [`say`]): from its place in the order, where
    /// the messages of a level follow each other (a level argument at each call, and a
    /// message said at two levels, would be more code).
    pub const fn level(self) -> Level {
        let n = self as u8;
        if n < Said::Ipc as u8 {
            Level::Err
        } else if n < Said::V4Only as u8 {
            Level::Warning
        } else if n < Said::Idle as u8 {
            Level::Notice
        } else {
            Level::Info
        }
    }
}

/// Logs message `said`, which has no insert, at its level, then `e` if there is one: one
/// call without the empty insert [`say`] takes besides.
#[inline(never)]
pub fn say_bare(log: &mut SysLog<'_>, said: Said, e: Option<Errno>) {
    say(log, said, "", e);
}

/// Logs message `said` at its level with `insert` in its place, then `e` if there is one.
/// Out of line: its callers pass the message alone, not its texts and level.
#[inline(never)]
pub fn say(log: &mut SysLog<'_>, said: Said, insert: &str, e: Option<Errno>) {
    say_texts(
        log,
        said.level(),
        [said.number(), EMPTY, EMPTY, EMPTY],
        insert,
        e,
    );
}

/// Logs `texts` (numbers in [`SEPARATED`]'s order) at `level`: the first three in a row, `insert` where they hold
/// [`crate::texts::INSERT`], then `e` if there is one, then the last. Unpacked into two
/// lines, which go through [`line_of`] as its piece and tail (no error formatting and
/// level filter here). The texts by value, in a register (x86_64 -48 B against a slice).
#[inline(never)]
pub fn say_texts(
    log: &mut SysLog<'_>,
    level: Level,
    texts: [u8; 4],
    insert: &str,
    e: Option<Errno>,
) {
    let mut line = Line::new();
    let mut tail = Line::new();
    let [a, b, c, d] = texts;
    for i in [a, b, c] {
        put_text(&mut line, i, insert);
    }
    put_text(&mut tail, d, insert);
    line_of(log, level, &[line.as_str()], e, tail.as_str());
}

/// Writes text `i` (a number as in [`say_texts`]) into `line`, `insert` where it holds
/// [`crate::texts::INSERT`]: also for the conf loader, which logs through its host.
#[inline(never)]
pub fn put_text(line: &mut Line, i: u8, insert: &str) {
    let put = &mut |piece: &[u8]| {
        let _ = ufmt::uWrite::write_str(line, utf8_prefix(piece));
    };
    put_unpacked(&TEXTS, usize::from(i) + 1, put, insert.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::LogLevel;
    use crate::sys::log::Target;

    #[test]
    fn messages_keep_their_levels() {
        use Said::*;
        let at = |level, said: &[Said]| said.iter().all(|s| s.level() == level);
        let err = [
            NeedRoot,
            InvalidUserGroup,
            UnknownUser,
            UnknownGroup,
            Daemonizing,
            Pim,
        ];
        assert!(at(Level::Err, &err));
        assert!(at(
            Level::Err,
            &[Signals, Events, NotExecutable, Interfaces]
        ));
        let warning = [
            Ipc,
            PidFile,
            MoreGroups,
            Script,
            Mrdisc,
            TooManyClients,
            NotReading,
        ];
        assert!(at(Level::Warning, &warning));
        assert!(at(Level::Notice, &[V4Only, Continuing, Exiting, ExitDelay]));
        assert!(at(Level::Info, &[Idle]));
    }

    #[test]
    fn messages_unpack_as_written() {
        let mut log = SysLog::open("smcroute-test", LogLevel::Nothing, Target::Stderr);
        // Capturing: every line is kept as the last one, none shown.
        log.set_capture(true);
        let mut said = |said, insert, e| {
            say(&mut log, said, insert, e);
            std::string::String::from(log.last())
        };
        assert_eq!(
            said(Said::NeedRoot, "smcrouted", None),
            "Need root privileges to start smcrouted"
        );
        assert_eq!(
            said(Said::PidFile, "/run/x.pid", Some(Errno::EACCES)),
            "Failed creating PID file /run/x.pid: Permission denied"
        );
        assert_eq!(
            said(Said::MoreGroups, "nobody", None),
            format!(
                "User nobody is in more than {MAX_USER_GROUPS} groups, the others do not apply"
            )
        );
        assert_eq!(
            said(Said::TooManyClients, "", None),
            format!("ipc: too many clients ({MAX_CLIENTS} max), closing connection")
        );
        assert_eq!(
            said(Said::UnknownGroup, "wheel", None),
            "Group 'wheel' not found!"
        );
        assert_eq!(said(Said::UnknownUser, "x", None), "User 'x' not found!");
        let texts = [
            Said::CouldNotDrop.number(),
            drop_what(2),
            Said::Failed.number(),
            EMPTY,
        ];
        say_texts(&mut log, Level::Err, texts, "", Some(Errno::EPERM));
        assert_eq!(
            log.last(),
            "Could not drop root privileges, continuing as root: setgid failed: \
             Operation not permitted"
        );
        let texts = [Said::CouldNotDrop.number(), drop_what(5), EMPTY, EMPTY];
        say_texts(&mut log, Level::Err, texts, "", None);
        assert_eq!(
            log.last(),
            "Could not drop root privileges, continuing as root: still able to regain root"
        );
        let texts = [Said::Reading.number(), EMPTY, EMPTY, Said::Keeping.number()];
        say_texts(
            &mut log,
            Level::Err,
            texts,
            "/etc/x.conf",
            Some(Errno::EISDIR),
        );
        assert_eq!(
            log.last(),
            "Failed reading /etc/x.conf: Is a directory, keeping the running configuration"
        );
        let all = (mrinit::TEXT_PARTS.iter().chain(LINE_PARTS.iter()))
            .chain(DROP_PARTS.iter())
            .chain(PARTS.iter());
        for (i, part) in all.enumerate() {
            let mut out = std::vec::Vec::new();
            put_unpacked(
                &TEXTS,
                i + 1,
                &mut |b: &[u8]| out.extend_from_slice(b),
                b"\x01",
            );
            assert_eq!(out, *part);
        }
    }
}
