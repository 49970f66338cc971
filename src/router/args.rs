//! Argument words to addresses, with SMCRoute's rules (§3 "Common argument rules"), shared
//! by conf lines and IPC commands so both report the same messages.

use super::msg::{note, say, Cmd, Msg};
use super::{Failed, Mode, Origin, Router, Words};
use crate::conf::{self, atoi, Directive};
use crate::fmt::Log;
use crate::kernel::Host;
use crate::limits::MAX_OIFS;
use crate::net::{Addr, Family, Prefix};
use crate::table::pending::Kind;

/// `ADDR[/LEN]` → (address text, written length). `/0` and non-numeric mean "no length",
/// 0: a plain number, not an `Option`.
fn split_len(word: &str) -> (&str, i64) {
    // A plain index loop: `split_once` goes through a generic searcher and `memchr`.
    let mut slash = 0;
    while word.as_bytes().get(slash).is_some_and(|&b| b != b'/') {
        slash += 1;
    }
    // Both cuts are next to the ASCII `/`, so on character boundaries; the second one
    // fails only when there is no `/`.
    match (word.get(..slash), word.get(slash + 1..)) {
        (Some(addr), Some(len)) => {
            // A length below `-i64::MAX` is reported as `-i64::MAX`, as it always was here.
            (addr, atoi(len).max(-i64::MAX))
        }
        _ => (word, 0),
    }
}

/// `ADDR[/LEN]` → (address text, written length, the address if the text is one).
///
/// The text and the length are written into `text` and `len` (which hold `word` and 0
/// for a whole address), the address into `addr` (some address if the text is none):
/// only whether it is one comes back, not a 56-byte triple or an optional address.
fn parse_prefix<'a>(word: &'a str, text: &mut &'a str, len: &mut i64, addr: &mut Addr) -> bool {
    (*text, *len) = split_len(word);
    addr.parse_into(text)
}

/// Length check: 0 (none written) → full length.
fn checked_len(addr: &Addr, len: i64) -> Result<u8, i64> {
    let bits = addr.family().bits();
    match len {
        0 => Ok(bits),
        n if (1..=bits as i64).contains(&n) => Ok(n as u8),
        n => Err(n),
    }
}

/// A multicast group (`is_group`) or a source (any address; the unspecified one is the
/// wildcard), `ADDR[/LEN]`, into `out`: one body for both. (Written in place: a 19-byte
/// `Result<Prefix, _>` is copied byte by byte on MIPS.)
fn prefix<L: Log + ?Sized>(
    log: &mut L,
    origin: &Origin<'_>,
    cmd: Cmd,
    word: &str,
    is_group: bool,
    out: &mut Prefix,
) -> Result<(), Failed> {
    let (mut text, mut len) = ("", 0);
    // Parsed straight into `out`: no optional address copied out of the parser.
    let parsed = parse_prefix(word, &mut text, &mut len, &mut out.addr);
    let msg = if !parsed || (is_group && !out.addr.is_multicast()) {
        if is_group {
            Msg::BadGroup(cmd, text)
        } else {
            Msg::BadSource(cmd, text)
        }
    } else {
        match checked_len(&out.addr, len) {
            Ok(len) => {
                out.len = len;
                return Ok(());
            }
            Err(n) => {
                say(
                    log,
                    origin,
                    Msg::BadLen(cmd, is_group, out.addr.family(), n),
                );
                return Err(Failed);
            }
        }
    };
    say(log, origin, msg);
    Err(Failed)
}

/// A placeholder for a prefix [`sg_words`] fills in.
pub(crate) const UNSET: Prefix = Prefix {
    addr: Addr::V4([0; 4]),
    len: 0,
};

/// The source and group words of `w`, a route's (`cmd` [`Cmd::Mroute`]: the source is parsed
/// first, as in SMCRoute) or of a membership ([`Cmd::Join`]: the group first), written into
/// `src` and `grp` in place. A missing source is `*`: the unspecified address at the
/// group's full length. One body for the conf, IPC and replay paths of all four commands.
pub fn sg_words<L: Log + ?Sized>(
    log: &mut L,
    origin: &Origin<'_>,
    cmd: Cmd,
    w: &Words<'_>,
    src: &mut Prefix,
    grp: &mut Prefix,
) -> Result<(), Failed> {
    let (source, group) = (w.source, w.group);
    // The two words in the order of `cmd`, through one call of `prefix`.
    let group_first = cmd == Cmd::Join;
    for k in 0..2 {
        // A plain index, not an array iterator: no iterator state on the stack.
        let is_group = (k == 0) == group_first;
        let Some(word) = (if is_group { Some(group) } else { source }) else {
            continue;
        };
        let out = if is_group { &mut *grp } else { &mut *src };
        prefix(log, origin, cmd, word, is_group, out)?;
    }
    if source.is_none() {
        // All of it written (an IPv6 `::`, all zero bytes), then made IPv4's `0.0.0.0`:
        // no copy of an address whose IPv4 form leaves twelve bytes unset.
        *src = Prefix::host(Addr::V6([0; 16]));
        if grp.addr.family() == Family::V4 {
            *src = Prefix::host(Addr::V4([0; 4]));
        }
    }
    Ok(())
}

/// Route words from IPC (`add`/`remove`, SMCRoute's `do_mroute`) after the IIF
/// (`first` and the `rest`, counted by the caller): either a group, or a source and a
/// group, then OIFs, written into `w` (whose IIF the caller set). `Err` after logging
/// the reason. (Into the caller's words: not a five-word optional triple returned.)
pub fn split_route_args<'w, L: Log + ?Sized>(
    log: &mut L,
    first: &'w str,
    rest: &'w [&'w str],
    w: &mut Words<'w>,
) -> Result<(), Failed> {
    let (mut text, mut len, mut addr) = ("", 0, UNSET.addr);
    let parsed = parse_prefix(first, &mut text, &mut len, &mut addr);
    (w.source, w.group, w.oifs) = if parsed && addr.is_multicast() {
        (None, first, rest)
    } else {
        match rest {
            [group, oifs @ ..] => (Some(first), *group, oifs),
            [] => {
                note(log, Msg::BadGroupIpc(text));
                return Err(Failed);
            }
        }
    };
    if w.oifs.len() > MAX_OIFS {
        say(log, &Origin::Ipc, Msg::TooManyOifs());
        return Err(Failed);
    }
    Ok(())
}

impl Router {
    /// Applies one conf directive, whose words after `to` are `oifs` (`include` is the
    /// caller's business and ignored here). `Err` means the line failed (the daemon then
    /// reports "Parse error in FILE").
    pub fn apply<H: Host>(
        &mut self,
        h: &mut H,
        origin: &Origin<'_>,
        d: &Directive<'_>,
        oifs: &[&str],
    ) -> Result<(), Failed> {
        let kind = match d.kind {
            conf::Kind::Phyint => {
                let ttl = d.ttl().map(atoi);
                return self.phyint(h, origin, d.from(), d.enable, d.mrdisc, ttl);
            }
            conf::Kind::Include => return Ok(()),
            conf::Kind::Mroute => Kind::Mroute,
            conf::Kind::Mgroup => Kind::Mgroup,
        };
        // Missing `from` or `group`: SMCRoute fails the line without a message.
        let (Some(iif), Some(group)) = (d.from(), d.group()) else {
            return Err(Failed);
        };
        // A membership's OIF words are not read (`join_words`).
        let w = Words {
            iif,
            source: d.source(),
            group,
            oifs,
        };
        self.words(h, origin, Mode::Conf, &w, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::record::RecordingLog;

    /// A multicast group `G[/LEN]`.
    fn group<L: Log + ?Sized>(
        log: &mut L,
        origin: &Origin<'_>,
        cmd: Cmd,
        word: &str,
    ) -> Result<Prefix, Failed> {
        let mut p = UNSET;
        prefix(log, origin, cmd, word, true, &mut p).map(|_| p)
    }

    /// A source `S[/LEN]` (the unspecified address is the wildcard).
    fn source<L: Log + ?Sized>(
        log: &mut L,
        origin: &Origin<'_>,
        cmd: Cmd,
        word: &str,
    ) -> Result<Prefix, Failed> {
        let mut p = UNSET;
        prefix(log, origin, cmd, word, false, &mut p).map(|_| p)
    }

    fn last(l: &RecordingLog) -> &str {
        &l.lines.last().unwrap().1
    }

    #[test]
    fn prefixes_parse_whole_or_split() {
        let parsed = |w| {
            let (mut text, mut len, mut addr) = ("", 0, UNSET.addr);
            let is_addr = parse_prefix(w, &mut text, &mut len, &mut addr);
            (text, len, is_addr.then(|| addr.family().bits()))
        };
        assert_eq!(parsed("10.1.2.3"), ("10.1.2.3", 0, Some(32)));
        assert_eq!(parsed("ff2e::1/64"), ("ff2e::1", 64, Some(128)));
        assert_eq!(parsed("10.1.2.3/0"), ("10.1.2.3", 0, Some(32)));
        assert_eq!(parsed("x/8"), ("x", 8, None));
        assert_eq!(parsed("x"), ("x", 0, None));
        assert_eq!(parsed("1.2.3.4/8/9"), ("1.2.3.4", 8, Some(32)));
    }

    #[test]
    fn lengths_read_like_atoi() {
        assert_eq!(split_len("a/24"), ("a", 24));
        assert_eq!(split_len("a/ -3x"), ("a", -3));
        assert_eq!(split_len("a/+7"), ("a", 7));
        assert_eq!(split_len("a/x"), ("a", 0));
        assert_eq!(split_len("a"), ("a", 0));
        assert_eq!(split_len("a/"), ("a", 0));
        assert_eq!(split_len(""), ("", 0));
        assert_eq!(split_len("/8"), ("", 8));
        assert_eq!(split_len("\u{e9}/8/9"), ("\u{e9}", 8));
        assert_eq!(split_len("a/99999999999999999999999"), ("a", i64::MAX));
        assert_eq!(split_len("a/-9223372036854775808"), ("a", -i64::MAX));
        assert_eq!(split_len("a/-99999999999999999999"), ("a", -i64::MAX));
    }

    #[test]
    fn groups_and_lengths() {
        let mut l = RecordingLog::default();
        let o = Origin::Conf {
            file: "f.conf",
            line: 3,
        };
        let g = group(&mut l, &o, Cmd::Mroute, "225.9.0.0/16").unwrap();
        assert_eq!(g.len, 16);
        assert_eq!(
            group(&mut l, &o, Cmd::Mroute, "225.1.1.1/0").unwrap().len,
            32
        );
        assert_eq!(
            group(&mut l, &o, Cmd::Mroute, "225.1.1.1/xx").unwrap().len,
            32
        );
        assert_eq!(group(&mut l, &o, Cmd::Mroute, "ff2e::42").unwrap().len, 128);
        assert!(group(&mut l, &o, Cmd::Mroute, "10.1.1.1").is_err());
        assert_eq!(
            last(&l),
            "f.conf line 3: mroute: Invalid multicast group: 10.1.1.1"
        );
        assert!(group(&mut l, &Origin::Ipc, Cmd::Join, "225.1.1.1/40").is_err());
        assert_eq!(
            last(&l),
            "ipc: join: Invalid group prefix length (0-32): 40"
        );
        assert!(group(&mut l, &o, Cmd::Mroute, "225.1.1.1/-1").is_err());
        assert_eq!(
            last(&l),
            "f.conf line 3: mroute: Invalid multicast group prefix length, -1"
        );
        assert!(source(&mut l, &o, Cmd::Mroute, "10.0.0.0/33").is_err());
        assert_eq!(last(&l), "f.conf line 3: mroute: invalid prefix length: 33");
        assert!(source(&mut l, &o, Cmd::Mroute, "nope").is_err());
        assert_eq!(
            last(&l),
            "f.conf line 3: mroute: Invalid source address: nope"
        );
        assert!(source(&mut l, &o, Cmd::Join, "x").is_err());
        assert_eq!(last(&l), "f.conf line 3: join: Invalid multicast source: x");
        assert!(source(&mut l, &o, Cmd::Join, "::1/200").is_err());
        assert_eq!(
            last(&l),
            "f.conf line 3: join: Invalid source prefix length (0-128): 200"
        );
        assert_eq!(
            source(&mut l, &o, Cmd::Join, "10.0.0.0/24").unwrap().len,
            24
        );
    }

    /// The words of a directive with this source and group.
    fn sg<'a>(source: Option<&'a str>, group: &'a str) -> Words<'a> {
        Words {
            iif: "a1",
            source,
            group,
            oifs: &[],
        }
    }

    #[test]
    fn sg_words_order_and_default_source() {
        let mut l = RecordingLog::default();
        let (mut s, mut g) = (UNSET, UNSET);
        let o = Origin::Ipc;
        sg_words(
            &mut l,
            &o,
            Cmd::Mroute,
            &sg(None, "ff2e::1/64"),
            &mut s,
            &mut g,
        )
        .unwrap();
        assert_eq!(s, Prefix::host(Addr::any(crate::net::Family::V6)));
        assert_eq!((g.len, g.addr.family()), (64, crate::net::Family::V6));
        let w = sg(Some("10.0.0.0/8"), "225.1.1.1");
        sg_words(&mut l, &o, Cmd::Join, &w, &mut s, &mut g).unwrap();
        assert_eq!((s.len, g.len), (8, 32));
        // Both words bad: a route reports the source, a membership the group.
        assert!(sg_words(&mut l, &o, Cmd::Mroute, &sg(Some("x"), "y"), &mut s, &mut g).is_err());
        assert_eq!(last(&l), "ipc: mroute: Invalid source address: x");
        assert!(sg_words(&mut l, &o, Cmd::Join, &sg(Some("x"), "y"), &mut s, &mut g).is_err());
        assert_eq!(last(&l), "ipc: join: Invalid multicast group: y");
        assert_eq!(l.lines.len(), 2);
    }

    #[test]
    fn ipc_route_words() {
        let mut l = RecordingLog::default();
        let split = |l: &mut RecordingLog, first, rest| {
            let mut w = Words {
                iif: "a1",
                source: None,
                group: "",
                oifs: &[],
            };
            split_route_args(l, first, rest, &mut w).map(|()| (w.source, w.group, w.oifs))
        };
        let args = ["225.1.1.1", "a2", "a3"];
        let (s, g, o) = split(&mut l, args[0], &args[1..]).unwrap();
        assert_eq!((s, g, o), (None, "225.1.1.1", &args[1..]));
        let (s, g, o) = split(&mut l, "10.0.0.1", &["225.1.1.1/24"]).unwrap();
        assert_eq!((s, g, o.len()), (Some("10.0.0.1"), "225.1.1.1/24", 0));
        assert!(split(&mut l, "a2", &[]).is_err());
        assert_eq!(last(&l), "mroute: invalid multicast group: a2");
        // "Not enough arguments" is the command's check: `Router::command`'s tests.
        let many: std::vec::Vec<&str> = core::iter::repeat_n("x", 33).collect();
        assert!(split(&mut l, "225.1.1.1", &many).is_err());
        assert_eq!(last(&l), "ipc: mroute: Too many outbound interfaces");
    }

    extern crate std;
}
