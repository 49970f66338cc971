//! `smcroutectl`: the control tool. Parses its command line, sends IPC requests to
//! `smcrouted` and prints the replies.
//!
//! ```text
//!   argv --args::parse_ctl--> CtlOpts (options + words) --ipc::cmd::find--> command
//!     help/version/usage errors: printed here (usage.rs)
//!     others: ipc::wire::Request --> Session queue --flush--> one connection, one send
//!   reply: "\0" = ok (exit 0) | "text\0" = error (exit 1) | show text --> ipc::show
//! ```
//!
//! Messages and exit codes follow SMCRoute 2.6 (spec §2). Output goes through a [`Term`]
//! and batch input through a read function, so everything but the socket and terminal
//! calls is tested with recorded output.

mod session;
mod term;
mod usage;

use core::mem::MaybeUninit;
use heapless::Vec;
use ufmt::uDisplay;

pub use self::session::Session;
pub use self::term::Term;
use crate::args::{self, ArgError, CtlFlag, CtlOpts, ErrorLine, CTL_MAX_WORDS};
use crate::errno::Errno;
use crate::fmt::Line;
use crate::ipc::batch::{self, BatchError, BATCH_LINE_MAX};
use crate::ipc::cmd::{self, Action, IpcCmd, COMMANDS};
use crate::ipc::wire::WireError;
use crate::sys::entry::Args;
use crate::sys::{unix, ReadBuf};
use crate::texts::{put_unpacked, separated, separated_len};

/// The start of every message of the tool's own: its name and a colon.
const WARN_HEAD: &str = "smcroutectl: ";
/// Name used in messages and usage, whatever `argv[0]` is: [`WARN_HEAD`] without its
/// `: `, so the name's bytes are in the program once.
const PROG: &str = crate::fmt::utf8(WARN_HEAD.as_bytes().split_at(WARN_HEAD.len() - 2).0);
/// Index of `show` in [`COMMANDS`], the command of a line without a command word.
const SHOW: usize = 6;

/// The tool's own messages after [`WARN_HEAD`], each with an
/// [`INSERT`](crate::texts::INSERT) where its detail goes and its newline, in the order of
/// [`Warning`].
#[rustfmt::skip]
const WARNING_PARTS: [&[u8]; 13] = [
    b"Not enough arguments to command \x01\n",
    b"Failed reading commands: \x01\n",
    // A batch line that is not run: not UTF-8, then each [`BatchError`]'s, in its order.
    b"Skipping line that is not UTF-8\n",
    crate::joined!["Skipping ", batch::LINE_TOO_LONG, "\n"].as_bytes(),
    crate::joined!["Skipping ", batch::TOO_MANY_WORDS, "\n"].as_bytes(),
    b"Communication with daemon failed: \x01\n",
    b"Cannot find IPC socket \x01\n",
    b"Daemon not running\n",
    b"Need root privileges to connect to daemon\n",
    b"Daemon may be running with another -i NAME\n",
    b"Failed connecting to daemon: \x01\n",
    // A daemon's error line, as it is.
    b"\x01\n",
    b"Communication with daemon failed: no reply\n",
];
pub(crate) const WARNINGS_SEPARATED: [u8; separated_len(&WARNING_PARTS)] =
    separated(&WARNING_PARTS);
/// [`WARNINGS_SEPARATED`] byte-pair [coded](crate::texts::Coded), once.
const WARNINGS_CODED: crate::texts::Coded = crate::texts::Coded::of(&WARNINGS_SEPARATED);

crate::packed_after_help! {
    /// [`WARNING_PARTS`] packed after [`args::HELP_TEXTS`], as the [tail](packed_tail) of
    /// that packing, as [`put_unpacked`] takes every packed text: "daemon", "command",
    /// "running", "socket" are references to them.
    static WARNINGS = WARNINGS_CODED;
}

/// One of the tool's own messages: its place in [`WARNING_PARTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Warning {
    NotEnoughArgs,
    FailedReading,
    SkippingNotUtf8,
    SkippingTooLong,
    SkippingTooManyWords,
    CommunicationFailed,
    NoSocket,
    NotRunning,
    NeedRoot,
    OtherIdentity,
    FailedConnecting,
    Daemon,
    NoReply,
}

/// Writes `smcroutectl: ` + the text of `what` with `detail` (bytes: the daemon's words
/// need not be UTF-8) in it + newline to standard error.
#[inline(never)]
fn warn(t: &mut impl Term, what: Warning, detail: &[u8]) {
    t.err(WARN_HEAD.as_bytes());
    put_unpacked(&WARNINGS, what as usize + 1, &mut |b| t.err(b), detail);
}

/// Writes `smcroutectl: ` + the text of `what` with `value` in it + newline to standard
/// error. The value is formatted into a log [`Line`] (every such value fits in it: the
/// `uDisplay` of an `Errno` or a `WireError` into a `Line` is in the program already,
/// for the daemon's log); the rest is [`warn`]'s, one copy for every type of value.
fn warn_with(t: &mut impl Term, what: Warning, value: &impl uDisplay) {
    let mut line = Line::new();
    let _ = ufmt::uwrite!(line, "{}", value);
    warn(t, what, line.as_str().as_bytes());
}

/// Runs one command line's words (also one batch line) in `session`.
pub fn run_words(session: &mut Session<'_, '_>, words: &[&str], t: &mut impl Term) {
    let found = cmd::find(words);
    let (spec, args) = match found {
        Some(found) => found,
        // No command word at all is `show`.
        None => (&COMMANDS[SHOW], &[][..]),
    };
    let help = session.opts().has(CtlFlag::Help);
    let ipc = match spec.action {
        Action::Send(ipc) if !help && args.len() >= usize::from(spec.min_args) => ipc,
        action => {
            // Printed here: what is queued must be answered first.
            session.flush(t);
            let topic = match action {
                Action::Help => args.first().and_then(|w| cmd::lookup(w)),
                // `-h`: the help of the command, or the usage if there is none.
                _ if help => found.map(|(spec, _)| spec),
                Action::Version => Some(spec),
                Action::Send(_) => {
                    session.warn_failed(t, Warning::NotEnoughArgs, spec.word.as_bytes());
                    Some(spec)
                }
            };
            usage::print_help(t, topic);
            return;
        }
    };
    let opts = session.opts();
    let ipc = match ipc {
        IpcCmd::Show if opts.has(CtlFlag::Json) => IpcCmd::ShowJson,
        IpcCmd::Show if opts.has(CtlFlag::Detail) => IpcCmd::ShowDetail,
        other => other,
    };
    session.send(ipc, args, t);
}

/// Bytes batch mode reads at a time.
pub const BATCH_READ: usize = 1024;

/// Reads input for batch mode, like `read(2)`: the bytes read, none at the end.
pub type Input<'i> = &'i mut dyn FnMut(&mut ReadBuf<BATCH_READ>) -> Result<&[u8], Errno>;

/// `-b`: one command per line of `input`. No x86_64 hint since r24a: `inline(never)`
/// measured +24 B in `smcrouted`, +40 B in `smcroutectl` (MIPS16e measured +16 B so).
fn run_batch(session: &mut Session<'_, '_>, input: Input<'_>, t: &mut impl Term) {
    // One byte more than a line may hold: a longer line is kept that far, and
    // `split_line_into` finds it too long (what is dropped of it is never looked at).
    let mut line = Vec::<u8, { BATCH_LINE_MAX + 1 }>::new();
    // Not cleared: only what each read wrote is looked at.
    let mut buf = ReadBuf::new();
    loop {
        let read = match input(&mut buf) {
            Ok(read) => read,
            Err(e) => {
                session.flush_failing(t);
                warn_with(t, Warning::FailedReading, &e);
                &[]
            }
        };
        let end = read.is_empty();
        // The end of the input ends a last line as a newline would: one call of
        // `batch_line` for every line.
        let data: &[u8] = match read {
            [] if line.is_empty() => return,
            [] => b"\n",
            data => data,
        };
        for &b in data {
            if b == b'\n' {
                batch_line(session, &line, t);
                line.clear();
            } else {
                let _ = line.push(b);
            }
        }
        if end {
            return;
        }
    }
}

fn batch_line(session: &mut Session<'_, '_>, line: &[u8], t: &mut impl Term) {
    // The words are used where they are split: no copy of the word list in a `Result`.
    let why = match crate::fmt::as_utf8(line) {
        None => Warning::SkippingNotUtf8,
        Some(text) => {
            // Split in place: the word list is not copied out through a `Result`.
            let mut words = Vec::new();
            match batch::split_line_into(text, &mut words) {
                Ok(()) => {
                    if !words.is_empty() {
                        run_words(session, &words, t);
                    }
                    return;
                }
                Err(BatchError::LineTooLong) => Warning::SkippingTooLong,
                Err(BatchError::TooManyWords) => Warning::SkippingTooManyWords,
            }
        }
    };
    session.flush_failing(t);
    warn(t, why, b"");
}

/// Prints a command-line error as SMCRoute does: getopt's line, then the usage.
fn print_arg_error(t: &mut impl Term, argv0: &str, error: ArgError) {
    // The daemon's writer of the line, the option byte as given.
    ErrorLine { prog: argv0, error }.put_line(&mut |bytes| t.err(bytes), true);
    if matches!(
        error,
        ArgError::InvalidOption(_) | ArgError::MissingArgument(_)
    ) {
        usage::print_usage(t);
    }
}

/// Runs `smcroutectl` with the command line `args` (program name first) and the batch
/// input; returns the exit status.
pub fn run(args: &[&str], input: Input<'_>, t: &mut impl Term) -> i32 {
    let mut opts = CtlOpts::new();
    if let Err(error) = args::parse_ctl_into(args, &mut opts) {
        print_arg_error(t, args.first().copied().unwrap_or(PROG), error);
        return args::CTL_USAGE_EXIT;
    }
    if opts.has(CtlFlag::Version) {
        usage::print_version(t);
        return 0;
    }
    let mut session = Session::new(&opts);
    if opts.has(CtlFlag::Batch) {
        run_batch(&mut session, input, t);
    } else {
        run_words(&mut session, &opts.words, t);
    }
    session.finish(t)
}

/// `smcroutectl` entry point; returns the exit code.
#[inline(never)]
pub fn main(argv: &Args) -> i32 {
    let mut t = term::Stdio::new();
    let mut slots = [MaybeUninit::uninit(); CTL_MAX_WORDS + 1];
    let Some(args) = argv.words_into(&mut slots) else {
        print_arg_error(&mut t, PROG, ArgError::Request(WireError::TooManyArgs));
        return args::CTL_USAGE_EXIT;
    };
    run(args, &mut read_stdin, &mut t)
}

/// Batch input: standard input.
fn read_stdin(buf: &mut ReadBuf<BATCH_READ>) -> Result<&[u8], Errno> {
    buf.read(unix::STDIN)
}

#[cfg(test)]
mod tests;
