//! Failure to open a multicast routing socket, worded as SMCRoute words it; shared by the
//! Linux and FreeBSD backends (the steps a backend does not have never occur there).

use ufmt::{uDisplay, uWrite, Formatter};

use crate::errno::Errno;
use crate::fmt::utf8_prefix;
use crate::fmt::Level;
use crate::net::Family;
use crate::texts::{put_unpacked, separated, separated_len};

/// Which step of opening a routing socket failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitStep {
    /// `socket(2)`.
    Socket,
    /// `IP(V6)_MULTICAST_LOOP`/`_ALL` on the new socket.
    Options,
    /// `MRT_TABLE`/`MRT6_TABLE`.
    Table,
    /// `MRT_INIT`/`MRT6_INIT`.
    Init,
    /// Writing `/proc/sys/net/ipv6/conf/all/mc_forwarding`.
    McForwarding,
}

/// Failure to open a multicast routing socket; displays SMCRoute's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitError {
    /// IPv4 or IPv6 socket.
    pub family: Family,
    /// What failed.
    pub step: InitStep,
    /// Why.
    pub errno: Errno,
}

impl InitError {
    /// True when the kernel lacks multicast routing (or IGMP/ICMPv6) altogether, which
    /// is also what qemu-user answers to the `MRT_*` options. Left to the inliner: an
    /// `inline(never)` on x86_64 once paid (-12 B .text, -56 B .rodata), now it costs
    /// 32 B of .text (r22c).
    pub fn unsupported(&self) -> bool {
        matches!(self.errno, Errno::ENOPROTOOPT | Errno::EOPNOTSUPP)
            && matches!(self.step, InitStep::Socket | InitStep::Init)
    }

    /// Log level SMCRoute uses for the message. Not inlined on x86_64, where the
    /// daemon's start-up spilled around its copy (-22 B); inlined on MIPS16e (+32 B).
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub fn level(&self) -> Level {
        if self.step == InitStep::Socket && self.unsupported() {
            Level::Warning
        } else {
            Level::Err
        }
    }

    /// The second line SMCRoute logs after the message, if any, as three texts of
    /// [`Self::put_text`] as the message is (the two kernel options differ by `V6` in the
    /// middle: packed, the second is mostly a reference to the first).
    pub fn hint(&self) -> Option<[u8; 3]> {
        let hint = match (self.step, self.family, self.errno) {
            (InitStep::Table, Family::V4, _) => HINT_OPTION,
            (InitStep::Table, Family::V6, _) => HINT_OPTION + 1,
            (InitStep::Init, _, Errno::EADDRINUSE) => HINT_BUSY,
            _ => return None,
        };
        Some([hint, EMPTY, EMPTY])
    }
}

/// The messages SMCRoute logs, indexed by [`InitError::message`]: each as the text
/// before the family and the text after it, with `": "` if the error follows. Every
/// message that names the family goes on with " multicast routing": that is part of
/// the family's text ([`FAMILY_ROUTING`]), not written six times here. Then the
/// families' and the hints' texts: all [packed](crate::texts::pack) after the help
/// texts, as [`put_unpacked`] takes them ("Kernel does not", "multicast routing",
/// ", skipping ..." are references): 330 bytes, where the texts and `&str`s were 484
/// (x86_64 smcrouted -112 B with the daemon's line builder of texts). The daemon packs
/// them again with its own messages (`daemon::said`), so its log lines share the words.
pub const TEXT_PARTS: [&[u8]; 23] = [
    b"Kernel does not even support IGMP, skipping ...",
    b"",
    b"Kernel does not even support IPv6 ICMP, skipping ...",
    b"",
    b"Failed creating ",
    b" socket: ",
    b"Failed setting ",
    b" socket options: ",
    b"Cannot set ",
    b" table id: ",
    b"",
    b" API already in use: ",
    b"Kernel does not support ",
    b", skipping ...",
    b"Failed initializing ",
    b" API: ",
    b"Failed enabling IPv6 multicast forwarding",
    b": ",
    b"IPv4 multicast routing",
    b"IPv6 multicast routing",
    b"Make sure your kernel has CONFIG_IP_MROUTE_MULTIPLE_TABLES=y",
    b"Make sure your kernel has CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y",
    b"Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?",
];
/// The family in a message ([`TEXT_PARTS`]' text of IPv4, then IPv6), with the words
/// that follow it in every message.
const FAMILY_ROUTING: u8 = 18;
/// The hint after a failed `MRT_TABLE`, IPv4's (IPv6's is next).
const HINT_OPTION: u8 = 20;
/// The hint when another daemon owns the routing socket.
const HINT_BUSY: u8 = 22;
/// An empty text: the family of a message that names none.
pub const EMPTY: u8 = 1;
pub(crate) const TEXTS_SEPARATED: [u8; separated_len(&TEXT_PARTS)] = separated(&TEXT_PARTS);
/// [`TEXTS_SEPARATED`] byte-pair [coded](crate::texts::Coded), once.
const TEXTS_CODED: crate::texts::Coded = crate::texts::Coded::of(&TEXTS_SEPARATED);
crate::packed_after_help! {
    static TEXTS = TEXTS_CODED;
}

/// The messages that name the family between their two texts, a bit each.
const WITH_FAMILY: u16 = 0b0_1111_1100;

/// The messages followed by `": "` and the error, a bit each.
const WITH_ERROR: u16 = 0b1_1011_1100;

impl InitError {
    /// Which message SMCRoute logs.
    fn message(&self) -> u8 {
        match self.step {
            InitStep::Socket if self.unsupported() => match self.family {
                Family::V4 => 0,
                Family::V6 => 1,
            },
            InitStep::Socket => 2,
            InitStep::Options => 3,
            InitStep::Table => 4,
            InitStep::Init if self.errno == Errno::EADDRINUSE => 5,
            InitStep::Init if self.unsupported() => 6,
            InitStep::Init => 7,
            InitStep::McForwarding => 8,
        }
    }
}

impl InitError {
    /// Writes text `i` of the messages' texts through `put` (nothing past the end).
    pub fn put_text(i: u8, put: &mut dyn FnMut(&[u8])) {
        put_unpacked(&TEXTS, usize::from(i) + 1, put, b"");
    }

    /// The message as three texts of [`Self::put_text`], head, family and tail (each
    /// possibly empty, the tail ended by `": "` if the error follows), and the error to
    /// write after them, if any: the daemon logs them with its one line builder of
    /// texts, no formatting code of its own.
    pub fn texts(&self) -> ([u8; 3], Option<Errno>) {
        let i = self.message();
        let family = match self.family {
            _ if WITH_FAMILY >> i & 1 == 0 => EMPTY,
            Family::V4 => FAMILY_ROUTING,
            Family::V6 => FAMILY_ROUTING + 1,
        };
        let errno = (WITH_ERROR >> i & 1 != 0).then_some(self.errno);
        ([2 * i, family, 2 * i + 1], errno)
    }
}

impl uDisplay for InitError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let (texts, errno) = self.texts();
        let mut result = Ok(());
        for i in texts {
            Self::put_text(i, &mut |piece| {
                if result.is_ok() {
                    result = f.write_str(utf8_prefix(piece));
                }
            });
        }
        result?;
        match errno {
            Some(e) => e.fmt(f),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn text(e: InitError) -> String {
        let mut s: heapless::String<128> = heapless::String::new();
        ufmt::uwrite!(s, "{}", e).unwrap();
        String::from(s.as_str())
    }

    fn hint_text(texts: [u8; 3]) -> String {
        let mut out = std::vec::Vec::new();
        for i in texts {
            InitError::put_text(i, &mut |b: &[u8]| out.extend_from_slice(b));
        }
        String::from_utf8(out).unwrap()
    }

    fn err(family: Family, step: InitStep, errno: Errno) -> InitError {
        InitError {
            family,
            step,
            errno,
        }
    }

    #[test]
    fn texts_unpack_as_they_were() {
        for (i, part) in TEXT_PARTS.iter().enumerate() {
            let mut out = std::vec::Vec::new();
            InitError::put_text(i as u8, &mut |b: &[u8]| out.extend_from_slice(b));
            assert_eq!(out, *part);
        }
        assert_eq!(TEXT_PARTS[usize::from(EMPTY)], b"");
        assert_eq!(
            TEXT_PARTS[usize::from(FAMILY_ROUTING)],
            b"IPv4 multicast routing"
        );
        assert_eq!(TEXT_PARTS[usize::from(HINT_BUSY)].len(), 68);
    }

    #[test]
    fn init_messages_are_smcroutes() {
        use Family::*;
        use InitStep::*;
        let busy = err(V4, Init, Errno::EADDRINUSE);
        assert_eq!(
            text(busy),
            "IPv4 multicast routing API already in use: Address already in use"
        );
        assert_eq!(
            busy.hint().map(hint_text),
            Some("Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?".into())
        );
        assert_eq!(busy.level(), Level::Err);
        assert!(!busy.unsupported());
        for errno in [Errno::ENOPROTOOPT, Errno::EOPNOTSUPP] {
            let e = err(V6, Init, errno);
            assert!(e.unsupported());
            assert_eq!(
                text(e),
                "Kernel does not support IPv6 multicast routing, skipping ..."
            );
            assert_eq!(e.hint(), None);
        }
        assert_eq!(
            text(err(V4, Init, Errno::EPERM)),
            "Failed initializing IPv4 multicast routing API: Operation not permitted"
        );
        let nosock = err(V4, Socket, Errno::ENOPROTOOPT);
        assert_eq!(
            text(nosock),
            "Kernel does not even support IGMP, skipping ..."
        );
        assert_eq!(nosock.level(), Level::Warning);
        assert_eq!(
            text(err(V6, Socket, Errno::EOPNOTSUPP)),
            "Kernel does not even support IPv6 ICMP, skipping ..."
        );
        assert_eq!(
            text(err(V6, Socket, Errno::EMFILE)),
            "Failed creating IPv6 multicast routing socket: Too many open files"
        );
        assert_eq!(
            text(err(V4, Options, Errno::EINVAL)),
            "Failed setting IPv4 multicast routing socket options: Invalid argument"
        );
        let table = err(V4, Table, Errno::ENOPROTOOPT);
        assert_eq!(
            text(table),
            "Cannot set IPv4 multicast routing table id: Protocol not available"
        );
        assert!(!table.unsupported());
        assert_eq!(
            table.hint().map(hint_text),
            Some("Make sure your kernel has CONFIG_IP_MROUTE_MULTIPLE_TABLES=y".into())
        );
        assert_eq!(
            err(V6, Table, Errno::EINVAL).hint().map(hint_text),
            Some("Make sure your kernel has CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y".into())
        );
        assert_eq!(
            text(err(V6, McForwarding, Errno::ENOENT)),
            "Failed enabling IPv6 multicast forwarding: No such file or directory"
        );
    }
}
