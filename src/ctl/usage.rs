//! The texts `smcroutectl` prints by itself: usage, per-command help, version.

use super::Term;
use crate::args;
use crate::ipc::cmd::{self, Action, CmdSpec};

/// The usage text of `help` and `-h`, with the default socket of this build (its command
/// list written out in the text).
pub fn print_usage(t: &mut impl Term) {
    put_help_text(t, args::HELP_CTL_USAGE);
}

/// Writes text `i` of [`args::HELP_TEXTS`] (none has an insertion): one closure for
/// every help text.
fn put_help_text(t: &mut impl Term, i: usize) {
    args::HELP_TEXTS.put(i, b"", &mut |bytes| t.put(bytes));
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
            // The heads packed with the help texts ("smcroutectl " is a reference).
            put_help_text(t, args::HELP_PAGE_HEAD);
            put_help_text(t, c.help_index());
            put_help_text(t, args::HELP_PAGE_EXAMPLE);
            t.put(c.word.as_bytes());
            put_help_text(t, c.example_index());
        }
        _ => print_usage(t),
    }
}
