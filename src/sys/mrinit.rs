//! Failure to open a multicast routing socket, worded as SMCRoute words it; shared by the
//! Linux and FreeBSD backends (the steps a backend does not have never occur there).

use ufmt::{uDisplay, uWrite, Formatter};

use crate::errno::Errno;
use crate::fmt::Level;
use crate::net::Family;
use crate::texts::{ended_len, Texts};

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
    /// is also what qemu-user answers to the `MRT_*` options. Not inlined on x86_64: one
    /// copy for the daemon, `level` and `message` (-12 B .text, -56 B .rodata).
    #[cfg_attr(target_arch = "x86_64", inline(never))]
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

    /// The second line SMCRoute logs after the message, if any, in three pieces (the
    /// two kernel options differ by `V6` in the middle: one text for both).
    pub fn hint(&self) -> Option<[&'static str; 3]> {
        let (text, family, tail) = match (self.step, self.family, self.errno) {
            (InitStep::Table, Family::V4, _) => (HINT_OPTION, "", HINT_OPTION_TAIL),
            (InitStep::Table, Family::V6, _) => (HINT_OPTION, "V6", HINT_OPTION_TAIL),
            (InitStep::Init, _, Errno::EADDRINUSE) => (HINT_BUSY, "", ""),
            _ => return None,
        };
        Some([text, family, tail])
    }
}

/// The hint after a failed `MRT_TABLE`, around the family's `V6`.
const HINT_OPTION: &str = "Make sure your kernel has CONFIG_IP";
const HINT_OPTION_TAIL: &str = "_MROUTE_MULTIPLE_TABLES=y";
/// The hint when another daemon owns the routing socket.
const HINT_BUSY: &str = "Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?";

/// The messages SMCRoute logs, indexed by [`InitError::message`]: each as the text
/// before the family and the text after it. Pointer-free (one string of NUL-ended
/// texts, a [`Texts`]), not string slices in the relocated read-only data of a
/// position-independent program. Every message that names the family goes on with
/// " multicast routing": that is part of the family's text ([`FAMILY_ROUTING`]), not
/// written six times here.
const MESSAGE_PARTS: [&str; 18] = [
    "Kernel does not even support IGMP, skipping ...",
    "",
    "Kernel does not even support IPv6 ICMP, skipping ...",
    "",
    "Failed creating ",
    " socket",
    "Failed setting ",
    " socket options",
    "Cannot set ",
    " table id",
    "",
    " API already in use",
    "Kernel does not support ",
    ", skipping ...",
    "Failed initializing ",
    " API",
    "Failed enabling IPv6 multicast forwarding",
    "",
];
/// The family in a message, with the words that follow it in every message.
const FAMILY_ROUTING: [&str; 2] = ["IPv4 multicast routing", "IPv6 multicast routing"];
static MESSAGES: Texts<18, { ended_len(&MESSAGE_PARTS) }> = Texts::new(&MESSAGE_PARTS);

/// The messages that name the family between their two texts, a bit each.
const WITH_FAMILY: u16 = 0b0_1111_1100;

/// The messages followed by `": "` and the error, a bit each.
const WITH_ERROR: u16 = 0b1_1011_1100;

impl InitError {
    /// Which message SMCRoute logs.
    fn message(&self) -> usize {
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
    /// The message as pieces, `head`, family, `tail` and `": "` (each possibly empty),
    /// and the error to write after them, if any: the daemon logs them with its one line
    /// builder, no formatting code of its own.
    pub fn parts(&self) -> ([&'static str; 4], Option<Errno>) {
        let i = self.message();
        let family = match self.family {
            _ if WITH_FAMILY >> i & 1 == 0 => "",
            Family::V4 => FAMILY_ROUTING[0],
            Family::V6 => FAMILY_ROUTING[1],
        };
        let (colon, errno) = if WITH_ERROR >> i & 1 == 0 {
            ("", None)
        } else {
            (": ", Some(self.errno))
        };
        let (head, tail) = (MESSAGES.get_str(2 * i), MESSAGES.get_str(2 * i + 1));
        ([head, family, tail, colon], errno)
    }
}

impl uDisplay for InitError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let (parts, errno) = self.parts();
        for part in parts {
            f.write_str(part)?;
        }
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

    fn err(family: Family, step: InitStep, errno: Errno) -> InitError {
        InitError {
            family,
            step,
            errno,
        }
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
            busy.hint().map(|h| h.concat()),
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
            table.hint().map(|h| h.concat()),
            Some("Make sure your kernel has CONFIG_IP_MROUTE_MULTIPLE_TABLES=y".into())
        );
        assert_eq!(
            err(V6, Table, Errno::EINVAL).hint().map(|h| h.concat()),
            Some("Make sure your kernel has CONFIG_IPV6_MROUTE_MULTIPLE_TABLES=y".into())
        );
        assert_eq!(
            text(err(V6, McForwarding, Errno::ENOENT)),
            "Failed enabling IPv6 multicast forwarding: No such file or directory"
        );
    }
}
