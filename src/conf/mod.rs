//! The `smcroute.conf` grammar (SMCRoute 2.6 §3): lines in, statements out.
//!
//! Pure and zero-copy: [`parse`] walks a byte buffer the caller has read and hands each
//! statement, with its line number, to a callback. It never touches the filesystem:
//! `include` comes back as a statement and the caller expands the glob and recurses.
//! Addresses are *not* parsed here: conf lines and IPC commands share one argument path
//! in the router (the same messages for both), so statements carry the words as written.

use heapless::Vec;

use crate::limits::MAX_OIFS;

/// Outbound interface words of one `mroute` line. SMCRoute accepts at most one OIF per
/// VIF; more words than that is an error of the line.
pub type OifWords<'a> = Vec<&'a str, MAX_OIFS>;

/// One directive of the conf file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt<'a> {
    /// `phyint IFNAME [enable|disable] [mrdisc] [ttl-threshold N]`.
    Phyint {
        /// Interface name or `eth+` wildcard; `None` if missing.
        ifname: Option<&'a str>,
        /// `Some(true)` for `enable`, `Some(false)` for `disable`, `None` if neither (the
        /// default then depends on `-N`). The last one written wins.
        enable: Option<bool>,
        /// `mrdisc` was given.
        mrdisc: bool,
        /// `ttl-threshold N` as written (range checked by the router, which logs the
        /// "out of range" message); `None` if absent.
        ttl: Option<i64>,
    },
    /// `mgroup`/`ssmgroup from IIF [source S[/LEN]] group G[/LEN]`.
    Mgroup {
        /// The `from` word.
        from: Option<&'a str>,
        /// The `source` word.
        source: Option<&'a str>,
        /// The `group` word.
        group: Option<&'a str>,
    },
    /// `mroute from IIF [source S[/LEN]] group G[/LEN] [to OIF...]`.
    Mroute {
        /// The `from` word.
        from: Option<&'a str>,
        /// The `source` word.
        source: Option<&'a str>,
        /// The `group` word.
        group: Option<&'a str>,
        /// Words after `to` (up to a `#` comment).
        oifs: OifWords<'a>,
    },
    /// `include PATTERN` (`None` if the pattern is missing).
    Include(Option<&'a str>),
}

/// What is wrong with a line; the wording lives in the `uDisplay` impl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError<'a> {
    /// First word is not a directive: "Unknown command X, skipping."
    UnknownCommand(&'a str),
    /// `mroute` with more than [`MAX_OIFS`] outbound interfaces.
    TooManyOifs,
    /// A physical line longer than 511 bytes (SMCRoute splits it; we reject it).
    LineTooLong,
    /// The line is not valid UTF-8.
    NotText,
}
