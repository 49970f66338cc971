//! The texts `smcroutectl` prints by itself: usage, per-command help, version.

use super::Term;
use crate::args::{self, DEFAULT_IDENT};
use crate::ipc::cmd::{self, Action, CmdSpec, COMMANDS};
use crate::texts::BLANKS;

/// The usage text of `help` and `-h`, with the default socket of this build.
pub fn print_usage(t: &mut impl Term) {
    put_help_text(t, args::HELP_CTL_USAGE, DEFAULT_IDENT);
    for c in COMMANDS.iter().filter(|c| !c.is_alias()) {
        // Blanks from the packed texts' runs, not literals of their own (-16 B).
        t.put(&BLANKS[..2]);
        // `%-7s`: command words are 7 characters at most.
        t.put(c.word.padded());
        t.put(if c.min_args > 0 {
            b" ARGS  "
        } else {
            &BLANKS[..7]
        });
        put_help_text(t, c.help_index(), "");
    }
    put_help_text(t, args::HELP_CTL_USAGE_END, args::CTL_INBOUND);
}

/// Writes text `i` of [`args::HELP_TEXTS`], `insert` where it has an
/// [`INSERT`](crate::texts::INSERT): one closure for every help text.
fn put_help_text(t: &mut impl Term, i: usize, insert: &str) {
    args::HELP_TEXTS.put(i, insert.as_bytes(), &mut |bytes| t.put(bytes));
}

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
            put_help_text(t, c.help_index(), "");
            t.put(b"\nExample:\n  smcroutectl ");
            t.put(c.word.as_bytes());
            put_help_text(t, c.example_index(), "");
        }
        _ => print_usage(t),
    }
}
