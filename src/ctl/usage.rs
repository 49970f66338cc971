//! The texts `smcroutectl` prints by itself: usage, per-command help, version.

use super::{Sink, Term};
use crate::args::{self, DEFAULT_IDENT, RUNSTATEDIR};
use crate::ipc::cmd::{self, Action, CmdSpec};

/// The usage text up to the default identity. The whole text is SMCRoute's layout (options
/// as `  -%c %-10s %s`, commands as `  %-7s %s  %s`) with 2.6's `-h -j -v` and
/// `show pending`; it is written out rather than built from [`cmd::COMMANDS`] at run
/// time, and a test checks the two agree.
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

/// After the default socket.
pub(super) const USAGE_TAIL: &str = ".sock
  -v            Show program version and support information

Commands:
  help          Show help text
  version       Show program version and support information
  flush         Flush all dynamically installed (*,G) multicast routes
  kill          Kill running daemon
  reload        Reload .conf file, like SIGHUP
  show          Show status of routes, joined groups, interfaces, etc.
  add     ARGS  Add a multicast route
  remove  ARGS  Remove a multicast route
  join    ARGS  Join multicast group on an interface
  leave   ARGS  Leave joined multicast group

Arguments:
         <---------- INBOUND ------------>  <- OUTBOUND ->
  add    IIF [SOURCE-IP[/LEN]] GROUP[/LEN]  OIF [OIF ... ]
  remove IIF [SOURCE-IP[/LEN]] GROUP[/LEN]

  join   IIF [SOURCE-IP[/LEN]] GROUP[/LEN]
  leave  IIF [SOURCE-IP[/LEN]] GROUP[/LEN]

  show   interfaces    Show configured multicast interfaces
  show   groups        Show joined multicast groups
  show   pending       Show routes and groups waiting for their interfaces
  show   routes        Show (*,G) and (S,G) multicast routes, default

Note:
  Inbound (IIF) and outbound (OIF) interfaces can be either an interface
  name or a wildcard.  E.g., \"eth+\" matches eth0, eth15, etc.

";

/// The usage text of `help` and `-h`, with the default socket of this build.
pub fn print_usage(t: &mut dyn Term) {
    for part in [
        USAGE_HEAD,
        DEFAULT_IDENT,
        USAGE_SOCKET,
        RUNSTATEDIR,
        "/",
        DEFAULT_IDENT,
        USAGE_TAIL,
    ] {
        t.put(part.as_bytes());
    }
}

/// `-v` and `version`: the same text as `smcrouted -v`.
pub fn print_version(t: &mut dyn Term) {
    let _ = args::write_version(&mut Sink::out(t));
}

/// `help CMD`, `-h CMD`, and the help after "Not enough arguments": the text of `topic`
/// (the usage for none or `help`, the version for `version`).
pub fn print_help(t: &mut dyn Term, topic: Option<&'static CmdSpec>) {
    match topic {
        Some(c) if c.action == Action::Version => print_version(t),
        Some(c) if c.action != Action::Help => {
            // Aliases print the help of the entry they stand for.
            let c = cmd::help_entry(c);
            for part in [
                "Help:\n  ",
                c.help,
                "\n\nExample:\n  smcroutectl ",
                c.word,
                " ",
                c.example,
                "\n\n",
            ] {
                t.put(part.as_bytes());
            }
        }
        _ => print_usage(t),
    }
}
