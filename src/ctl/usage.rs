//! The texts `smcroutectl` prints by itself: usage, per-command help, version.

use super::Term;
use crate::args::{self, DEFAULT_IDENT, RUNSTATEDIR};
use crate::fmt::{join, joined_len};
use crate::ipc::cmd::{self, Action, CmdSpec, COMMANDS};
use crate::texts::{pack, packed_len, put_unpacked, INSERT_TEXT};

/// The usage text up to the default identity: SMCRoute's layout (options as
/// `  -%c %-10s %s`, commands as `  %-7s %s  %s`) with 2.6's `-h -j -v` and
/// `show pending`. The options are written out; the commands come from [`COMMANDS`],
/// whose help texts `help CMD` prints too.
const USAGE_HEAD: &str = "Usage:
  smcroutectl [OPTIONS] CMD [ARGS]

Options:
  -b            Batch mode, read commands from stdin
  -d            Detailed output in show command
  -h            This help text
  -i NAME       Identity of routing daemon instance, default: ";

/// From the default identity to the default socket.
const USAGE_SOCKET: &str = "
  -j            JSON output in show command
  -p            Use plain table headings, no ctrl chars
  -t            Skip table heading in show command
  -u FILE       UNIX domain socket for daemon, default: ";

/// From the default socket to the commands.
const USAGE_COMMANDS: &str = ".sock
  -v            Show program version and support information

Commands:
";

/// After the commands, with an [`INSERT`](crate::texts::INSERT) for each [`INBOUND`].
const USAGE_TAIL: &str = "
Arguments:
         <---------- INBOUND ------------>  <- OUTBOUND ->
  add    \x01  OIF [OIF ... ]
  remove \x01

  join   \x01
  leave  \x01

  show   interfaces    Show configured multicast interfaces
  show   groups        Show joined multicast groups
  show   pending       Show routes and groups waiting for their interfaces
  show   routes        Show (*,G) and (S,G) multicast routes, default

Note:
  Inbound (IIF) and outbound (OIF) interfaces can be either an interface
  name or a wildcard.  E.g., \"eth+\" matches eth0, eth15, etc.

";

/// The usage text of `help` and `-h`, with the default socket of this build.
pub fn print_usage(t: &mut impl Term) {
    put_packed(t, &USAGE_OPTIONS, DEFAULT_IDENT);
    for c in COMMANDS.iter().filter(|c| !c.is_alias()) {
        t.put(b"  ");
        // `%-7s`: command words are 7 characters at most.
        t.put(c.word.padded());
        t.put(if c.min_args > 0 {
            b" ARGS  "
        } else {
            b"       "
        });
        c.put_help(&mut |bytes| t.put(bytes));
    }
    put_packed(t, &USAGE_END, INBOUND);
}

/// Writes a [packed](pack) usage text as it was, `insert` where it has [`INSERT`](crate::texts::INSERT): one
/// copy of the unpacking, shared with `smcrouted -h`.
fn put_packed(t: &mut impl Term, packed: &[u8], insert: &str) {
    put_unpacked(packed, 0, insert.as_bytes(), &mut |bytes| t.put(bytes));
}

/// The inbound words of the four route and group commands, written once.
const INBOUND: &str = "IIF [SOURCE-IP[/LEN]] GROUP[/LEN]";

/// The usage text up to the commands, joined at compile time (one write, not seven),
/// with an [`INSERT`](crate::texts::INSERT) for each default identity, and [packed](pack): the help texts are
/// laid out in columns, a hundred and fifty blanks fewer.
const USAGE_PARTS: [&str; 7] = [
    USAGE_HEAD,
    INSERT_TEXT,
    USAGE_SOCKET,
    RUNSTATEDIR,
    "/",
    INSERT_TEXT,
    USAGE_COMMANDS,
];
const USAGE_JOINED: [u8; joined_len(&USAGE_PARTS)] = join(&USAGE_PARTS);
static USAGE_OPTIONS: [u8; packed_len(&USAGE_JOINED)] = pack(&USAGE_JOINED);
/// [`USAGE_TAIL`] packed.
static USAGE_END: [u8; packed_len(USAGE_TAIL.as_bytes())] = pack(USAGE_TAIL.as_bytes());

/// `-v` and `version`: the same text as `smcrouted -v`.
pub fn print_version(t: &mut impl Term) {
    t.put(args::VERSION_TEXT.as_bytes());
}

/// `help CMD`, `-h CMD`, and the help after "Not enough arguments": the text of `topic`
/// (the usage for none or `help`, the version for `version`).
pub fn print_help(t: &mut impl Term, topic: Option<&'static CmdSpec>) {
    match topic {
        Some(c) if c.action == Action::Version => print_version(t),
        Some(c) if c.action != Action::Help => {
            // Aliases print the help of the entry they stand for.
            let c = cmd::help_entry(c);
            t.put(b"Help:\n  ");
            c.put_help(&mut |bytes| t.put(bytes));
            t.put(b"\nExample:\n  smcroutectl ");
            t.put(c.word.as_bytes());
            c.put_example(&mut |bytes| t.put(bytes));
        }
        _ => print_usage(t),
    }
}
