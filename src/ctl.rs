//! `smcroutectl`: the control tool. Parses its options and command words, sends IPC
//! requests to `smcrouted` and prints the replies.
//!
//! ```text
//!   argv --parse_options--> CtlOpts + words --ipc::cmd::find--> command
//!     help/version/usage errors: printed here
//!     others: ipc::wire::Request --> Session queue --flush--> one connection, one send
//!   reply: "\0" = ok (exit 0) | "text\0" = error (exit 1) | show text --> ipc::show
//! ```
//!
//! Messages and exit codes follow SMCRoute 2.6 (spec §2). Output goes through a [`Term`]
//! and batch input through a read function, so everything but the socket and terminal
//! calls is tested with recorded output.

use heapless::{String, Vec};

use crate::errno::Errno;
use crate::ipc::batch::{self, BATCH_LINE_MAX};
use crate::ipc::cmd::{self, Action, CmdSpec, IpcCmd, COMMANDS};
use crate::ipc::show::{self, Headings, Out, Renderer, DEFAULT_WIDTH};
use crate::ipc::{Request, WireError};
use crate::limits::IPC_MSG_MAX;
use crate::sys::entry::Args;
use crate::sys::unix;
use crate::sys::Fd;

/// Name used in messages and usage, whatever `argv[0]` is (as SMCRoute's `__progname`).
const PROG: &str = "smcroutectl";
/// Default identity: base name of the socket.
const IDENT: &str = "smcroute";
/// Directory of the default socket (SMCRoute's `RUNSTATEDIR`, as Debian builds it).
const RUNSTATEDIR: &str = "/run";
/// `ECONNREFUSED` is retried this many times, 100 ms apart (a daemon still starting).
const CONNECT_RETRIES: u32 = 30;
const CONNECT_RETRY_MS: u32 = 100;
/// How long the terminal has to answer the cursor-position query.
const WIDTH_PROBE_MS: i32 = 300;
/// Index of `show` in [`COMMANDS`], the command of a line without a command word.
const SHOW: usize = 6;
/// Most words on the command line.
const MAX_ARGV: usize = 128;
/// Batch mode exit status: the number of failed lines, capped below the shell's range for
/// "not executable"/"not found"/signals (SMCRoute's sum wraps around at 256).
const MAX_BATCH_STATUS: i32 = 125;

/// The version text of `-v` and `version` (the same as `smcrouted -v`).
const VERSION_TEXT: &str = "\n\nBug report address: https://github.com/troglobit/smcroute/issues\n\
Project homepage:   https://troglobit.com/smcroute.html\n";

// ===== options =====

/// Options of `smcroutectl` (getopt `bdhI:i:jptu:v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CtlOpts<'a> {
    /// `-b`: read commands from stdin.
    pub batch: bool,
    /// `-d`: detailed show.
    pub detail: bool,
    /// `-j`: JSON show (wins over `-d`).
    pub json: bool,
    /// `-p`: plain headings.
    pub plain: bool,
    /// `-t`: no headings.
    pub no_heading: bool,
    /// `-i`/`-I NAME`: daemon identity.
    pub ident: &'a str,
    /// `-u FILE`: socket path.
    pub socket: Option<&'a str>,
}

impl Default for CtlOpts<'_> {
    fn default() -> Self {
        Self {
            batch: false,
            detail: false,
            json: false,
            plain: false,
            no_heading: false,
            ident: IDENT,
            socket: None,
        }
    }
}

/// What the command line asks for.
// Built once per run on the stack; there is no allocator to box the words into.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// Run with these options and command words.
    Run(CtlOpts<'a>, Vec<&'a str, MAX_ARGV>),
    /// `-h`.
    Help,
    /// `-v`.
    Version,
}

/// A command-line error, worded as getopt does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptError {
    /// `invalid option -- 'x'`.
    Invalid(u8),
    /// `option requires an argument -- 'x'`.
    MissingArgument(u8),
    /// More than `MAX_ARGV` words.
    TooManyWords,
}

/// Parses the arguments after `argv[0]` like GNU getopt: options may follow words
/// (`show -d`), `--` ends the options, `-uFILE` and `-u FILE` both work. `-h` and `-v`
/// act as soon as they are seen, as in SMCRoute.
pub fn parse_options<'a>(args: &[&'a str]) -> Result<Parsed<'a>, OptError> {
    let mut opts = CtlOpts::default();
    let mut words = Vec::new();
    let mut i = 0;
    let mut only_words = false;
    while let Some(&arg) = args.get(i) {
        i += 1;
        if only_words || arg.len() < 2 || !arg.starts_with('-') {
            words.push(arg).map_err(|_| OptError::TooManyWords)?;
            continue;
        }
        if arg == "--" {
            only_words = true;
            continue;
        }
        let flags = arg.as_bytes();
        for (k, &flag) in flags.iter().enumerate().skip(1) {
            match flag {
                b'b' => opts.batch = true,
                b'd' => opts.detail = true,
                b'j' => opts.json = true,
                b'p' => opts.plain = true,
                b't' => opts.no_heading = true,
                b'h' => return Ok(Parsed::Help),
                b'v' => return Ok(Parsed::Version),
                b'i' | b'I' | b'u' => {
                    let value = match arg.get(k + 1..) {
                        Some(rest) if !rest.is_empty() => rest,
                        _ => {
                            let next = args.get(i).ok_or(OptError::MissingArgument(flag))?;
                            i += 1;
                            next
                        }
                    };
                    if flag == b'u' {
                        opts.socket = Some(value);
                    } else {
                        opts.ident = value;
                    }
                    break;
                }
                other => return Err(OptError::Invalid(other)),
            }
        }
    }
    Ok(Parsed::Run(opts, words))
}

// ===== output =====

/// Where `smcroutectl` writes, and its terminal.
pub trait Term: Out {
    /// Writes to standard error (after what was written to standard output).
    fn err(&mut self, bytes: &[u8]);
    /// Terminal width for tty headings.
    fn width(&mut self) -> usize;
}

/// Writes `smcroutectl: ` + the parts + newline to standard error.
fn warn(t: &mut dyn Term, parts: &[&[u8]]) {
    t.err(PROG.as_bytes());
    t.err(b": ");
    for p in parts {
        t.err(p);
    }
    t.err(b"\n");
}

fn errno_text(e: Errno) -> String<32> {
    let mut s = String::new();
    let _ = ufmt::uwrite!(s, "{}", e);
    s
}

fn print_version(t: &mut dyn Term) {
    t.put(crate::VERSION_BANNER.as_bytes());
    t.put(VERSION_TEXT.as_bytes());
}

fn default_socket(ident: &str) -> String<256> {
    let mut path = String::new();
    let _ = ufmt::uwrite!(path, "{}/{}.sock", RUNSTATEDIR, ident);
    path
}

/// The usage text of `help` and `-h` (SMCRoute's layout, with 2.6's `-h -j -v` and
/// `show pending`).
pub fn print_usage(t: &mut dyn Term) {
    let pad = |t: &mut dyn Term, s: &str, w: usize| {
        t.put(s.as_bytes());
        for _ in s.len()..w {
            t.put(b" ");
        }
    };
    t.put(b"Usage:\n  ");
    t.put(PROG.as_bytes());
    t.put(b" [OPTIONS] CMD [ARGS]\n\nOptions:\n");
    let socket = default_socket(IDENT);
    let options: [(u8, &str, &str, &str); 9] = [
        (b'b', "", "Batch mode, read commands from stdin", ""),
        (b'd', "", "Detailed output in show command", ""),
        (b'h', "", "This help text", ""),
        (
            b'i',
            "NAME",
            "Identity of routing daemon instance, default: ",
            IDENT,
        ),
        (b'j', "", "JSON output in show command", ""),
        (b'p', "", "Use plain table headings, no ctrl chars", ""),
        (b't', "", "Skip table heading in show command", ""),
        (
            b'u',
            "FILE",
            "UNIX domain socket for daemon, default: ",
            socket.as_str(),
        ),
        (b'v', "", "Show program version and support information", ""),
    ];
    for (flag, arg, help, default) in options {
        t.put(b"  -");
        t.put(&[flag, b' ']);
        pad(t, arg, 10);
        t.put(b" ");
        t.put(help.as_bytes());
        t.put(default.as_bytes());
        t.put(b"\n");
    }
    t.put(b"\nCommands:\n");
    for c in COMMANDS.iter().filter(|c| !c.hidden) {
        t.put(b"  ");
        pad(t, c.word, 7);
        t.put(if c.min_args > 0 {
            b" ARGS  "
        } else {
            b"       "
        });
        t.put(c.help.as_bytes());
        t.put(b"\n");
    }
    t.put(
        b"\nArguments:\n\
\x20        <---------- INBOUND ------------>  <- OUTBOUND ->\n\
\x20 add    IIF [SOURCE-IP[/LEN]] GROUP[/LEN]  OIF [OIF ... ]\n\
\x20 remove IIF [SOURCE-IP[/LEN]] GROUP[/LEN]\n\
\n\
\x20 join   IIF [SOURCE-IP[/LEN]] GROUP[/LEN]\n\
\x20 leave  IIF [SOURCE-IP[/LEN]] GROUP[/LEN]\n\
\n\
\x20 show   interfaces    Show configured multicast interfaces\n\
\x20 show   groups        Show joined multicast groups\n\
\x20 show   pending       Show routes and groups waiting for their interfaces\n\
\x20 show   routes        Show (*,G) and (S,G) multicast routes, default\n\
\n\
Note:\n\
\x20 Inbound (IIF) and outbound (OIF) interfaces can be either an interface\n\
\x20 name or a wildcard.  E.g., \"eth+\" matches eth0, eth15, etc.\n\n",
    );
}

/// `help CMD` text: the command's help line and an example.
fn print_command_help(t: &mut dyn Term, c: &'static CmdSpec) {
    let c = cmd::help_entry(c);
    t.put(b"Help:\n  ");
    t.put(c.help.as_bytes());
    t.put(b"\n\nExample:\n  ");
    t.put(PROG.as_bytes());
    t.put(b" ");
    t.put(c.word.as_bytes());
    t.put(b" ");
    t.put(c.example.as_bytes());
    t.put(b"\n\n");
}

fn print_opt_error(t: &mut dyn Term, argv0: &str, e: OptError) {
    match e {
        OptError::Invalid(c) => {
            t.err(argv0.as_bytes());
            t.err(b": invalid option -- '");
            t.err(&[c]);
            t.err(b"'\n");
        }
        OptError::MissingArgument(c) => {
            t.err(argv0.as_bytes());
            t.err(b": option requires an argument -- '");
            t.err(&[c]);
            t.err(b"'\n");
        }
        OptError::TooManyWords => {
            warn(
                t,
                &[b"Failed constructing IPC command: Argument list too long"],
            );
            return;
        }
    }
    print_usage(t);
}

// ===== commands =====

/// Most requests sent back to back on one connection (the smallest frame is 17 bytes).
const MAX_PIPELINE: usize = 64;

/// Requests waiting to be sent, and the running exit status.
///
/// Batch lines are pipelined: consecutive requests go out in one `send` of at most
/// [`IPC_MSG_MAX`] bytes on one connection (SMCRoute's daemon frames them and answers each
/// in order), so that even SMCRoute's daemon, which reads at most one buffer per
/// connection, sees them all. Anything printed locally first sends what is queued, so
/// output keeps the order of the input, and `reload` and `kill` end a pipeline, so the
/// daemon acts on them before it sees the next line, as with one connection per line.
pub struct Session<'o, 'a> {
    opts: &'o CtlOpts<'a>,
    frames: [u8; IPC_MSG_MAX],
    len: usize,
    /// End offset in `frames` of each queued request, and whether it is a show.
    queued: Vec<(usize, bool), MAX_PIPELINE>,
    headings: Option<Headings>,
    failed: i32,
}

impl<'o, 'a> Session<'o, 'a> {
    /// A session with nothing queued.
    pub fn new(opts: &'o CtlOpts<'a>) -> Self {
        Self {
            opts,
            frames: [0; IPC_MSG_MAX],
            len: 0,
            queued: Vec::new(),
            headings: None,
            failed: 0,
        }
    }

    /// Sends what is queued and returns the number of failed commands so far.
    pub fn finish(mut self, t: &mut dyn Term) -> i32 {
        self.flush(t);
        self.failed
    }

    fn fail(&mut self) {
        self.failed = self.failed.saturating_add(1);
    }

    /// Queues one request; sends the queue first if it would not fit.
    fn queue(&mut self, req: &Request<'_>, t: &mut dyn Term) {
        let need = req.buffer_len();
        if self.len + need > self.frames.len() || self.queued.is_full() {
            self.flush(t);
        }
        let emitted = self
            .frames
            .get_mut(self.len..)
            .ok_or(WireError::BufferTooSmall)
            .and_then(|buf| req.emit(buf));
        match emitted {
            Ok(n) => {
                self.len += n;
                let is_show = IpcCmd::from_letter(req.cmd).is_some_and(IpcCmd::is_show);
                let _ = self.queued.push((self.len, is_show));
            }
            Err(e) => {
                let mut text = String::<64>::new();
                let _ = ufmt::uwrite!(text, "{}", e);
                warn(t, &[b"Failed constructing IPC command: ", text.as_bytes()]);
                self.fail();
            }
        }
    }

    /// Sends the queued requests and prints their replies in order. Requests the daemon
    /// did not answer before closing are sent again on a new connection.
    fn flush(&mut self, t: &mut dyn Term) {
        let mut next = 0;
        while next < self.queued.len() {
            let default_path = default_socket(self.opts.ident);
            let path = self.opts.socket.unwrap_or(default_path.as_str());
            let Some(fd) = connect(path, self.opts.socket.is_none(), t) else {
                for _ in next..self.queued.len() {
                    self.fail();
                }
                break;
            };
            let from = match next.checked_sub(1).and_then(|i| self.queued.get(i)) {
                Some(&(end, _)) => end,
                None => 0,
            };
            if let Err(e) = unix::send_all(&fd, self.frames.get(from..self.len).unwrap_or(&[])) {
                warn(
                    t,
                    &[
                        b"Communication with daemon failed: ",
                        errno_text(e).as_bytes(),
                    ],
                );
                for _ in next..self.queued.len() {
                    self.fail();
                }
                break;
            }
            let answered = self.replies(&fd, next, t);
            if answered == 0 {
                warn(t, &[b"Communication with daemon failed: no reply"]);
                self.fail();
                next += 1;
            }
            next += answered;
        }
        self.queued.clear();
        self.len = 0;
    }

    /// Reads replies for the requests from `first` on; returns how many were answered.
    fn replies(&mut self, fd: &Fd, first: usize, t: &mut dyn Term) -> usize {
        let mut buf = [0u8; 4096];
        let mut index = first;
        let mut reply = self.start_reply(index, t);
        loop {
            let n = match unix::recv(fd, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let mut data = buf.get(..n).unwrap_or(&[]);
            while !data.is_empty() {
                let Some(r) = reply.as_mut() else {
                    break;
                };
                let used = r.feed(data, t);
                data = data.get(used..).unwrap_or(&[]);
                if r.done() {
                    if r.end(t) != 0 {
                        self.fail();
                    }
                    index += 1;
                    reply = self.start_reply(index, t);
                }
            }
            if reply.is_none() {
                break;
            }
        }
        // The connection closed in the middle of a reply: what came of it still counts.
        match reply {
            Some(Reply::Show(mut s)) if s.seen => {
                s.renderer.finish(t);
                index += 1;
            }
            Some(r @ Reply::Status(_)) if r.started() => {
                if r.end(t) != 0 {
                    self.fail();
                }
                index += 1;
            }
            _ => {}
        }
        index - first
    }

    fn start_reply(&mut self, index: usize, t: &mut dyn Term) -> Option<Reply> {
        let &(_, is_show) = self.queued.get(index)?;
        if !is_show {
            return Some(Reply::Status(Vec::new()));
        }
        let opts = self.opts;
        let headings = *self.headings.get_or_insert_with(|| {
            if opts.no_heading {
                Headings::Off
            } else if opts.plain {
                Headings::Plain
            } else {
                Headings::Tty { width: t.width() }
            }
        });
        Some(Reply::Show(ShowReply {
            renderer: Renderer::new(headings),
            seen: false,
        }))
    }
}

/// A show reply being printed.
struct ShowReply {
    renderer: Renderer,
    seen: bool,
}

/// One reply being read.
// One at a time, on the stack; there is no allocator to box the renderer into.
#[allow(clippy::large_enum_variant)]
enum Reply {
    Show(ShowReply),
    /// The first bytes of a status reply (one NUL = success, else error text).
    Status(Vec<u8, 256>),
}

impl Reply {
    /// Takes reply bytes; returns how many belonged to this reply.
    fn feed(&mut self, data: &[u8], t: &mut dyn Term) -> usize {
        match self {
            Self::Show(s) => {
                s.seen = true;
                s.renderer.feed(data, t)
            }
            Self::Status(text) => {
                let used = data
                    .iter()
                    .position(|&b| b == 0)
                    .map_or(data.len(), |i| i + 1);
                for &b in data.get(..used).unwrap_or(&[]) {
                    if text.push(b).is_err() {
                        // Keep the terminating NUL even when the text is cut.
                        if b == 0 {
                            let _ = text.pop();
                            let _ = text.push(0);
                        }
                    }
                }
                used
            }
        }
    }

    /// True once some of the reply arrived.
    fn started(&self) -> bool {
        match self {
            Self::Show(s) => s.seen,
            Self::Status(text) => !text.is_empty(),
        }
    }

    fn done(&self) -> bool {
        match self {
            Self::Show(s) => s.renderer.is_done(),
            Self::Status(text) => text.last() == Some(&0),
        }
    }

    /// The reply is complete: prints a status reply's error; returns the exit status.
    fn end(&self, t: &mut dyn Term) -> i32 {
        match self {
            Self::Show(_) => 0,
            Self::Status(text) if text.as_slice() == [0] => 0,
            Self::Status(text) => {
                let end = text
                    .iter()
                    .position(|&b| b == b'\n' || b == 0)
                    .unwrap_or(text.len());
                warn(t, &[text.get(..end).unwrap_or(&[])]);
                1
            }
        }
    }
}

/// Runs one command line's words (also one batch line) in `session`.
pub fn run_words(session: &mut Session<'_, '_>, words: &[&str], t: &mut dyn Term) {
    let (spec, args) = match cmd::find(words) {
        Some((i, spec)) => (spec, words.get(i + 1..).unwrap_or(&[])),
        // No command word at all is `show`.
        None => (&COMMANDS[SHOW], &[][..]),
    };
    let ipc = match spec.action {
        Action::Send(ipc) if args.len() >= spec.min_args => ipc,
        action => {
            // Printed here: what is queued must be answered first.
            session.flush(t);
            match action {
                Action::Help => match args.first().and_then(|w| cmd::lookup(w)) {
                    Some(c) if c.action == Action::Version => print_version(t),
                    Some(c) if c.action != Action::Help => print_command_help(t, c),
                    _ => print_usage(t),
                },
                Action::Version => print_version(t),
                Action::Send(_) => {
                    warn(
                        t,
                        &[b"Not enough arguments to command ", spec.word.as_bytes()],
                    );
                    print_command_help(t, spec);
                    session.fail();
                }
            }
            return;
        }
    };
    let ipc = match ipc {
        IpcCmd::Show if session.opts.json => IpcCmd::ShowJson,
        IpcCmd::Show if session.opts.detail => IpcCmd::ShowDetail,
        other => other,
    };
    match Request::with_args(ipc.letter(), args) {
        Ok(req) if req.buffer_len() > IPC_MSG_MAX => {
            session.flush(t);
            warn(t, &[b"Failed constructing IPC command: Message too long"]);
            session.fail();
        }
        Ok(req) => session.queue(&req, t),
        Err(_) => {
            session.flush(t);
            warn(
                t,
                &[b"Failed constructing IPC command: Argument list too long"],
            );
            session.fail();
        }
    }
    if matches!(ipc, IpcCmd::Reload | IpcCmd::Kill) {
        session.flush(t);
    }
}

/// Connects, retrying a refused connection; reports failures as SMCRoute does.
fn connect(path: &str, default_path: bool, t: &mut dyn Term) -> Option<Fd> {
    let mut retries = 0;
    loop {
        let err = match unix::connect(path) {
            Ok(fd) => return Some(fd),
            Err(Errno::ECONNREFUSED) if retries < CONNECT_RETRIES => {
                retries += 1;
                unix::sleep_ms(CONNECT_RETRY_MS);
                continue;
            }
            Err(e) => e,
        };
        match err {
            Errno::ECONNREFUSED => warn(t, &[b"Daemon not running"]),
            Errno::EACCES => warn(t, &[b"Need root privileges to connect to daemon"]),
            Errno::ENOENT => {
                warn(t, &[b"Cannot find IPC socket ", path.as_bytes()]);
                if default_path {
                    warn(t, &[b"Daemon may be running with another -i NAME"]);
                } else {
                    warn(
                        t,
                        &[b"Failed connecting to daemon: ", err.text().as_bytes()],
                    );
                }
            }
            e => warn(
                t,
                &[b"Failed connecting to daemon: ", errno_text(e).as_bytes()],
            ),
        }
        return None;
    }
}

/// Reads input for batch mode, like `read(2)`.
type Input<'i> = &'i mut dyn FnMut(&mut [u8]) -> Result<usize, Errno>;

/// `-b`: one command per line of `input`.
fn run_batch(session: &mut Session<'_, '_>, input: Input<'_>, t: &mut dyn Term) {
    let mut line = Vec::<u8, { BATCH_LINE_MAX + 1 }>::new();
    let mut overlong = false;
    let mut buf = [0u8; 1024];
    loop {
        let n = match input(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                session.flush(t);
                warn(t, &[b"Failed reading commands: ", errno_text(e).as_bytes()]);
                session.fail();
                0
            }
        };
        for &b in buf.get(..n).unwrap_or(&[]) {
            if b == b'\n' {
                batch_line(session, &line, overlong, t);
                line.clear();
                overlong = false;
            } else if line.push(b).is_err() {
                overlong = true;
            }
        }
        if n == 0 {
            if !line.is_empty() {
                batch_line(session, &line, overlong, t);
            }
            return;
        }
    }
}

fn batch_line(session: &mut Session<'_, '_>, line: &[u8], overlong: bool, t: &mut dyn Term) {
    let split = match core::str::from_utf8(line) {
        Err(_) => Err(None),
        Ok(_) if overlong => Err(Some(batch::BatchError::LineTooLong)),
        Ok(text) => batch::split_line(text).map_err(Some),
    };
    match split {
        Ok(words) if words.is_empty() => {}
        Ok(words) => run_words(session, &words, t),
        Err(e) => {
            session.flush(t);
            let mut msg = String::<64>::new();
            let _ = match e {
                Some(e) => ufmt::uwrite!(msg, "Skipping {}", e),
                None => ufmt::uwrite!(msg, "Skipping line that is not UTF-8"),
            };
            warn(t, &[msg.as_bytes()]);
            session.fail();
        }
    }
}

/// Runs `smcroutectl` with `argv[1..]`, the program name for getopt messages, and the
/// batch input; returns the exit status.
pub fn run(argv0: &str, args: &[&str], input: Input<'_>, t: &mut dyn Term) -> i32 {
    match parse_options(args) {
        Err(e) => {
            print_opt_error(t, argv0, e);
            1
        }
        Ok(Parsed::Help) => {
            print_usage(t);
            0
        }
        Ok(Parsed::Version) => {
            print_version(t);
            0
        }
        Ok(Parsed::Run(opts, words)) => {
            let mut session = Session::new(&opts);
            if opts.batch {
                run_batch(&mut session, input, t);
            } else {
                run_words(&mut session, &words, t);
            }
            session.finish(t).min(MAX_BATCH_STATUS)
        }
    }
}

// ===== the real terminal =====

/// Buffered standard output, unbuffered standard error, and the width probe.
struct Stdio {
    buf: [u8; 4096],
    len: usize,
    width: Option<usize>,
}

impl Stdio {
    fn flush(&mut self) {
        let _ = crate::sys::write_all_raw(unix::STDOUT, self.buf.get(..self.len).unwrap_or(&[]));
        self.len = 0;
    }
}

impl Out for Stdio {
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buf.len() {
            self.flush();
        }
        match self.buf.get_mut(self.len..self.len + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => {
                let _ = crate::sys::write_all_raw(unix::STDOUT, bytes);
            }
        }
    }
}

impl Term for Stdio {
    fn err(&mut self, bytes: &[u8]) {
        self.flush();
        crate::sys::stderr(bytes);
    }

    fn width(&mut self) -> usize {
        *self.width.get_or_insert_with(probe_width)
    }
}

impl Drop for Stdio {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Asks the terminal where the cursor lands at the bottom-right corner, as SMCRoute does;
/// only when stdin, stdout and stderr are all a terminal, so a pipe never waits.
fn probe_width() -> usize {
    if !(unix::is_tty(unix::STDIN) && unix::is_tty(unix::STDOUT) && unix::is_tty(unix::STDERR)) {
        return DEFAULT_WIDTH;
    }
    let Ok(_raw) = unix::RawTerminal::new(unix::STDERR) else {
        return DEFAULT_WIDTH;
    };
    crate::sys::stderr(b"\x1b7\x1b[r\x1b[999;999H\x1b[6n");
    let mut reply = Vec::<u8, 32>::new();
    let mut buf = [0u8; 32];
    while !reply.contains(&b'R') && !reply.is_full() {
        match unix::wait_readable(unix::STDIN, WIDTH_PROBE_MS) {
            Ok(true) => {}
            _ => break,
        }
        let n = match unix::read_stdin(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in buf.get(..n).unwrap_or(&[]) {
            let _ = reply.push(b);
        }
    }
    crate::sys::stderr(b"\x1b8");
    show::parse_cursor_report(&reply).unwrap_or(DEFAULT_WIDTH)
}

/// `smcroutectl` entry point; returns the exit code.
pub fn main(args: &Args) -> i32 {
    let mut words = Vec::<&str, MAX_ARGV>::new();
    let mut t = Stdio {
        buf: [0; 4096],
        len: 0,
        width: None,
    };
    for w in args.iter().skip(1) {
        if words.push(w).is_err() {
            warn(
                &mut t,
                &[b"Failed constructing IPC command: Argument list too long"],
            );
            return 1;
        }
    }
    let argv0 = args.str(0).unwrap_or(PROG);
    run(argv0, &words, &mut unix::read_stdin, &mut t)
}

// ===== tests =====

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::ipc::Framer;
    use std::string::String as StdString;
    use std::thread::JoinHandle;
    use std::vec::Vec as StdVec;

    #[derive(Default)]
    struct Rec {
        out: StdVec<u8>,
        err: StdVec<u8>,
    }

    impl Out for Rec {
        fn put(&mut self, bytes: &[u8]) {
            self.out.extend_from_slice(bytes);
        }
    }

    impl Term for Rec {
        fn err(&mut self, bytes: &[u8]) {
            self.err.extend_from_slice(bytes);
        }
        fn width(&mut self) -> usize {
            100
        }
    }

    impl Rec {
        fn out(&self) -> StdString {
            StdString::from_utf8(self.out.clone()).unwrap()
        }
        fn err(&self) -> StdString {
            StdString::from_utf8(self.err.clone()).unwrap()
        }
    }

    type Seen = StdVec<(u8, StdVec<StdString>)>;

    fn no_input(_: &mut [u8]) -> Result<usize, Errno> {
        Ok(0)
    }

    /// Runs smcroutectl with `args`; returns status and output.
    fn ctl(args: &[&str]) -> (i32, Rec) {
        let mut rec = Rec::default();
        let rc = run("smcroutectl", args, &mut no_input, &mut rec);
        (rc, rec)
    }

    fn tmp_sock(name: &str) -> StdString {
        format!("/tmp/smcroutectl-test-{}-{name}.sock", std::process::id())
    }

    /// A daemon answering the frames of each connection in order with the next replies,
    /// at most `per_conn` of them before closing; returns what each connection asked.
    fn fake_daemon_conns(
        name: &str,
        replies: &[&[u8]],
        per_conn: usize,
    ) -> (StdString, JoinHandle<StdVec<Seen>>) {
        let path = tmp_sock(name);
        let listener = unix::listen(&path).unwrap();
        let replies: StdVec<StdVec<u8>> = replies.iter().map(|r| r.to_vec()).collect();
        let handle = std::thread::spawn(move || {
            let mut conns = StdVec::new();
            let mut replies = replies.into_iter();
            while replies.len() > 0 {
                if !unix::wait_readable(listener.raw(), 10_000).unwrap() {
                    break;
                }
                let conn = unix::accept(&listener).unwrap();
                let mut framer = Framer::new();
                let mut buf = [0u8; 2048];
                let mut frames = StdVec::new();
                // Read what the client sent in one go, as the C daemon does.
                while frames.is_empty() || unix::wait_readable(conn.raw(), 50).unwrap() {
                    unix::wait_readable(conn.raw(), 10_000).unwrap();
                    let n = unix::recv(&conn, &mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    framer.feed(&buf[..n], |f| frames.push(f.to_vec())).unwrap();
                }
                let mut seen = Seen::new();
                for f in frames.iter().take(per_conn) {
                    let req = Request::parse(f).unwrap();
                    seen.push((req.cmd, req.args.iter().map(|a| a.to_string()).collect()));
                    if let Some(reply) = replies.next() {
                        unix::send_all(&conn, &reply).unwrap();
                    }
                }
                conns.push(seen);
            }
            conns
        });
        (path, handle)
    }

    /// [`fake_daemon_conns`] answering everything, with the requests of all connections.
    fn fake_daemon(name: &str, replies: &[&[u8]]) -> (StdString, JoinHandle<Seen>) {
        let (path, handle) = fake_daemon_conns(name, replies, usize::MAX);
        let flat = std::thread::spawn(move || handle.join().unwrap().concat());
        (path, flat)
    }

    fn with_daemon(name: &str, replies: &[&[u8]], args: &[&str]) -> (i32, Rec, Seen) {
        let (path, daemon) = fake_daemon(name, replies);
        let mut full = std::vec!["-u", path.as_str()];
        full.extend_from_slice(args);
        let (rc, rec) = ctl(&full);
        let seen = daemon.join().unwrap();
        let _ = std::fs::remove_file(&path);
        (rc, rec, seen)
    }

    fn words(v: &[&str]) -> StdVec<StdString> {
        v.iter().map(|s| s.to_string()).collect()
    }

    // Replies captured from SMCRoute 2.5.6's smcrouted.
    const SHOW_ROUTES: &[u8] = b"(*,G) Template Rules_\nROUTE (S,G)                                IIF  OIFS=\n(*, 225.3.3.3)                             a1   a2\n(S,G) Rules_\nROUTE (S,G)                                IIF  OIFS=\n(10.0.0.5, 225.4.4.4)                      a1   a2\nKernel MFC Table_\nROUTE (S,G)                                IIF  OIFS=\n(10.0.0.5, 225.4.4.4)                      a1   a2\n\x00";
    const SHOW_GROUPS_DETAIL: &[u8] = b"Group Memberships Table_\nGROUP (S,G)                                IIF             =\n(*, 225.1.1.1)                             a1\nKernel Group Membership Table_\n(*, 225.1.1.1)                             a1\n\x00";
    const ALREADY_JOINED: &[u8] = b"Already joined (*,225.1.1.1) on a1\x00";

    // ----- options -----

    #[test]
    fn options_like_getopt() {
        let run = |args: &[&'static str]| parse_options(args);
        let Ok(Parsed::Run(o, w)) = run(&["-dp", "show", "-t", "groups", "-ufoo", "-i", "x"])
        else {
            panic!()
        };
        assert!(o.detail && o.plain && o.no_heading && !o.batch && !o.json);
        assert_eq!((o.socket, o.ident), (Some("foo"), "x"));
        assert_eq!(&w[..], &["show", "groups"]);
        let Ok(Parsed::Run(o, w)) = run(&["-bj", "-I", "y", "--", "-d", "-"]) else {
            panic!()
        };
        assert!(o.batch && o.json && !o.detail && o.ident == "y");
        assert_eq!(&w[..], &["-d", "-"]);
        assert_eq!(run(&["-x"]), Err(OptError::Invalid(b'x')));
        assert_eq!(run(&["-u"]), Err(OptError::MissingArgument(b'u')));
        assert_eq!(run(&["-h", "-x"]), Ok(Parsed::Help));
        assert_eq!(run(&["-x", "-h"]), Err(OptError::Invalid(b'x')));
        assert_eq!(run(&["show", "-v"]), Ok(Parsed::Version));
        let many = ["w"; MAX_ARGV + 1];
        assert_eq!(run(&many), Err(OptError::TooManyWords));
        let Ok(Parsed::Run(o, w)) = run(&[]) else {
            panic!()
        };
        assert_eq!((o, w.len()), (CtlOpts::default(), 0));
    }

    // ----- local commands -----

    /// `smcroutectl help` of SMCRoute 2.5.6 with the 2.6 additions marked `+`.
    const USAGE: &str = "Usage:
  smcroutectl [OPTIONS] CMD [ARGS]

Options:
  -b            Batch mode, read commands from stdin
  -d            Detailed output in show command
+ -h            This help text
  -i NAME       Identity of routing daemon instance, default: smcroute
+ -j            JSON output in show command
  -p            Use plain table headings, no ctrl chars
  -t            Skip table heading in show command
  -u FILE       UNIX domain socket for daemon, default: /run/smcroute.sock
+ -v            Show program version and support information

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
+ show   pending       Show routes and groups waiting for their interfaces
  show   routes        Show (*,G) and (S,G) multicast routes, default

Note:
  Inbound (IIF) and outbound (OIF) interfaces can be either an interface
  name or a wildcard.  E.g., \"eth+\" matches eth0, eth15, etc.

";

    fn usage() -> StdString {
        USAGE.replace("\n+ ", "\n  ")
    }

    #[test]
    fn usage_and_help() {
        for args in [
            &["help"][..],
            &["-h"],
            &["help", "help"],
            &["help", "foo"],
            &["h"],
        ] {
            let (rc, rec) = ctl(args);
            assert_eq!(
                (rc, rec.out(), rec.err()),
                (0, usage(), StdString::new()),
                "{args:?}"
            );
        }
        let (rc, rec) = ctl(&["-x"]);
        assert_eq!(rc, 1);
        assert_eq!(rec.err(), "smcroutectl: invalid option -- 'x'\n");
        assert_eq!(rec.out(), usage());
        let (rc, rec) = ctl(&["-i"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: option requires an argument -- 'i'\n"
        );
        let many = ["w"; MAX_ARGV + 1];
        let (rc, rec) = ctl(&many);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Failed constructing IPC command: Argument list too long\n"
        );
    }

    #[test]
    fn command_help_matches_smcroute() {
        let cases = [
            (
                "add",
                "Add a multicast route",
                "add eth0 192.168.2.42 225.1.2.3 eth1 eth2",
            ),
            (
                "del",
                "Remove a multicast route",
                "remove eth0 192.168.2.42 225.1.2.3",
            ),
            ("restart", "Reload .conf file, like SIGHUP", "reload "),
            (
                "show",
                "Show status of routes, joined groups, interfaces, etc.",
                "show ",
            ),
            (
                "j",
                "Join multicast group on an interface",
                "join eth0 225.1.2.3",
            ),
            (
                "leave",
                "Leave joined multicast group",
                "leave eth0 225.1.2.3",
            ),
            (
                "flush",
                "Flush all dynamically installed (*,G) multicast routes",
                "flush ",
            ),
            ("kill", "Kill running daemon", "kill "),
        ];
        for (word, help, example) in cases {
            let (rc, rec) = ctl(&["help", word]);
            assert_eq!(rc, 0);
            assert_eq!(
                rec.out(),
                format!("Help:\n  {help}\n\nExample:\n  smcroutectl {example}\n\n")
            );
        }
    }

    #[test]
    fn version() {
        let want = "SMCRoute v2.6.0\n\nBug report address: https://github.com/troglobit/smcroute/issues\nProject homepage:   https://troglobit.com/smcroute.html\n";
        for args in [
            &["-v"][..],
            &["version"],
            &["help", "version"],
            &["foo", "v", "x"],
        ] {
            let (rc, rec) = ctl(args);
            assert_eq!((rc, rec.out().as_str()), (0, want), "{args:?}");
        }
    }

    #[test]
    fn not_enough_arguments() {
        let (rc, rec) = ctl(&["add", "eth0", "1.2.3.4"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Not enough arguments to command add\n"
        );
        assert_eq!(
            rec.out(),
            "Help:\n  Add a multicast route\n\nExample:\n  smcroutectl add eth0 192.168.2.42 225.1.2.3 eth1 eth2\n\n"
        );
        let (rc, rec) = ctl(&["rem", "eth0"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Not enough arguments to command remove\n"
        );
        let (rc, rec) = ctl(&["d"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Not enough arguments to command del\n"
        );
        assert!(rec.out().contains("smcroutectl remove eth0"));
    }

    #[test]
    fn message_too_long() {
        let long = "x".repeat(1100);
        let (rc, rec) = ctl(&["-u", "/nonexistent", "add", "a1", "225.1.1.1", &long]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Failed constructing IPC command: Message too long\n"
        );
        let many = ["o"; 40];
        let mut args = std::vec!["-u", "/nonexistent", "add", "a1", "225.1.1.1"];
        args.extend_from_slice(&many);
        let (rc, rec) = ctl(&args);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Failed constructing IPC command: Argument list too long\n"
        );
    }

    // ----- connecting -----

    #[test]
    fn socket_missing() {
        let (rc, rec) = ctl(&["-u", "/tmp/smcroutectl-test-nonexistent.sock", "show"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Cannot find IPC socket /tmp/smcroutectl-test-nonexistent.sock\n\
             smcroutectl: Failed connecting to daemon: No such file or directory\n"
        );
        let (rc, rec) = ctl(&["-i", "smcroutectl-test-nonexistent", "kill"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Cannot find IPC socket /run/smcroutectl-test-nonexistent.sock\n\
             smcroutectl: Daemon may be running with another -i NAME\n"
        );
        let long = format!("/tmp/{}", "x".repeat(200));
        let (rc, rec) = ctl(&["-u", &long, "show"]);
        assert_eq!(rc, 1);
        assert!(rec
            .err()
            .starts_with("smcroutectl: Failed connecting to daemon: "));
    }

    #[test]
    fn daemon_not_running_after_retries() {
        let path = tmp_sock("refused");
        drop(unix::listen(&path).unwrap());
        let start = std::time::Instant::now();
        let (rc, rec) = ctl(&["-u", &path, "flush"]);
        let _ = std::fs::remove_file(&path);
        assert_eq!(rc, 1);
        assert_eq!(rec.err(), "smcroutectl: Daemon not running\n");
        assert!(start.elapsed() >= std::time::Duration::from_millis(2900));
    }

    // ----- talking to a daemon -----

    #[test]
    fn status_commands() {
        let (rc, rec, seen) = with_daemon(
            "ok",
            &[b"\0"],
            &["add", "a1", "10.0.0.1", "225.7.7.7", "a2"],
        );
        assert_eq!(
            (rc, rec.out(), rec.err()),
            (0, StdString::new(), StdString::new())
        );
        assert_eq!(
            seen,
            [(b'a', words(&["a1", "10.0.0.1", "225.7.7.7", "a2"]))]
        );

        let (rc, rec, seen) =
            with_daemon("err", &[ALREADY_JOINED], &["-d", "join", "a1", "225.1.1.1"]);
        assert_eq!(rc, 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Already joined (*,225.1.1.1) on a1\n"
        );
        assert_eq!(seen, [(b'j', words(&["a1", "225.1.1.1"]))]);

        let (rc, rec, _) = with_daemon("multi", &[b"first line\nsecond\0"], &["r"]);
        assert_eq!((rc, rec.err()), (1, "smcroutectl: first line\n".into()));

        let (rc, rec, seen) = with_daemon("empty", &[b""], &["k"]);
        assert_eq!(
            (rc, rec.err()),
            (
                1,
                "smcroutectl: Communication with daemon failed: no reply\n".into()
            )
        );
        assert_eq!(seen, [(b'k', words(&[]))]);

        for (word, letter) in [
            ("leave", b'l'),
            ("rem", b'r'),
            ("flush", b'F'),
            ("reload", b'H'),
        ] {
            let (rc, _, seen) = with_daemon(word, &[b"\0"], &[word, "a1", "225.1.1.1"]);
            assert_eq!(rc, 0);
            assert_eq!(seen[0].0, letter);
        }
    }

    #[test]
    fn show_modes() {
        let (rc, rec, seen) = with_daemon("plain", &[SHOW_ROUTES], &["-p"]);
        assert_eq!((rc, seen), (0, std::vec![(b's', words(&[]))]));
        let (u, e) = ("_".repeat(79), "=".repeat(79));
        let hdr = "ROUTE (S,G)                                IIF  OIFS";
        assert_eq!(
            rec.out(),
            format!(
                "{u}\n(*,G) Template Rules\n{e}\n{hdr}\n{e}\n\
(*, 225.3.3.3)                             a1   a2\n\
{u}\n(S,G) Rules\n{e}\n{hdr}\n{e}\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\
{u}\nKernel MFC Table\n{e}\n{hdr}\n{e}\n\
(10.0.0.5, 225.4.4.4)                      a1   a2\n\n"
            )
        );

        let (rc, rec, seen) = with_daemon(
            "detail",
            &[SHOW_GROUPS_DETAIL],
            &["-t", "-d", "show", "groups"],
        );
        assert_eq!((rc, seen), (0, std::vec![(b'S', words(&["groups"]))]));
        assert_eq!(
            rec.out(),
            "(*, 225.1.1.1)                             a1\n(*, 225.1.1.1)                             a1\n\n"
        );

        let (_, rec, seen) = with_daemon("tty", &[b"T_\nH=\n\0"], &["-j", "-d", "foo", "sh", "i"]);
        assert_eq!(seen, [(b'J', words(&["i"]))]);
        let pad = " ".repeat(100);
        assert_eq!(
            rec.out(),
            format!("\x1b[4m{pad}\x1b[0m\nT\n\x1b[7mH{}\x1b[0m\n\n", &pad[1..])
        );

        // Show always exits 0, even with the daemon's error text.
        let (rc, rec, _) = with_daemon("showerr", &[b"oops\0"], &["show"]);
        assert_eq!((rc, rec.out()), (0, "oops\n".into()));
    }

    #[test]
    fn batch_lines() {
        let (path, daemon) = fake_daemon("batch", &[b"\0", ALREADY_JOINED, b"row\n\0"]);
        let long = "x".repeat(BATCH_LINE_MAX + 1);
        let input = format!(
            "add a1 10.0.0.1 225.7.7.7 a2\n\n# comment\n   \njoin\ta1  225.1.1.1\n{long}\nadd a1\n-p show"
        );
        let mut input = input.as_bytes();
        let mut read = |buf: &mut [u8]| -> Result<usize, Errno> {
            // Two bytes at a time, to cross line boundaries.
            let n = input.len().min(buf.len()).min(2);
            buf[..n].copy_from_slice(&input[..n]);
            input = &input[n..];
            Ok(n)
        };
        let mut rec = Rec::default();
        let rc = run(
            "smcroutectl",
            &["-b", "-t", "-u", &path],
            &mut read,
            &mut rec,
        );
        let seen = daemon.join().unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            seen,
            [
                (b'a', words(&["a1", "10.0.0.1", "225.7.7.7", "a2"])),
                (b'j', words(&["a1", "225.1.1.1"])),
                (b's', words(&[])),
            ]
        );
        assert_eq!(
            rec.err(),
            "smcroutectl: Already joined (*,225.1.1.1) on a1\n\
             smcroutectl: Skipping line longer than 511 characters\n\
             smcroutectl: Not enough arguments to command add\n"
        );
        // "-p show" is not an option in batch mode: "-p" is a skipped word, -t still holds.
        assert!(rec.out().ends_with("row\n\n"));
        assert_eq!(rc, 3);
    }

    #[test]
    fn batch_status_is_capped_and_read_errors_count() {
        let input = "add x\n".repeat(300);
        let mut input = input.as_bytes();
        let mut read = |buf: &mut [u8]| -> Result<usize, Errno> {
            let n = input.len().min(buf.len());
            buf[..n].copy_from_slice(&input[..n]);
            input = &input[n..];
            Ok(n)
        };
        let mut rec = Rec::default();
        assert_eq!(
            run("smcroutectl", &["-b"], &mut read, &mut rec),
            MAX_BATCH_STATUS
        );

        let mut fail = |_: &mut [u8]| -> Result<usize, Errno> { Err(Errno::EBADF) };
        let mut rec = Rec::default();
        assert_eq!(run("smcroutectl", &["-b"], &mut fail, &mut rec), 1);
        assert_eq!(
            rec.err(),
            "smcroutectl: Failed reading commands: Bad file descriptor\n"
        );

        let mut sent = false;
        let mut bad = |buf: &mut [u8]| -> Result<usize, Errno> {
            if std::mem::replace(&mut sent, true) {
                return Ok(0);
            }
            buf[..2].copy_from_slice(b"\xff\n");
            Ok(2)
        };
        let mut rec = Rec::default();
        assert_eq!(run("smcroutectl", &["-b"], &mut bad, &mut rec), 1);
        assert_eq!(rec.err(), "smcroutectl: Skipping line that is not UTF-8\n");
    }

    fn batch(args: &[&str], input: &str) -> (i32, Rec) {
        let mut input = input.as_bytes();
        let mut read = |buf: &mut [u8]| -> Result<usize, Errno> {
            let n = input.len().min(buf.len());
            buf[..n].copy_from_slice(&input[..n]);
            input = &input[n..];
            Ok(n)
        };
        let mut rec = Rec::default();
        let rc = run("smcroutectl", args, &mut read, &mut rec);
        (rc, rec)
    }

    #[test]
    fn batch_pipelines_until_reload() {
        let (path, daemon) = fake_daemon_conns("pipe", &[b"\0", b"x\n\0", b"\0", b"\0"], 8);
        let input = "join a1 225.1.1.1\nshow\nreload\nadd a1 10.0.0.1 225.1.1.1 a2\n";
        let (rc, rec) = batch(&["-t", "-b", "-u", &path], input);
        let conns = daemon.join().unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            (rc, rec.out(), rec.err()),
            (0, "x\n\n".into(), StdString::new())
        );
        let letters: StdVec<StdVec<u8>> = conns
            .iter()
            .map(|c| c.iter().map(|r| r.0).collect())
            .collect();
        assert_eq!(letters, [b"jsH".to_vec(), b"a".to_vec()]);
    }

    #[test]
    fn batch_resends_what_a_daemon_left_unanswered() {
        let (path, daemon) = fake_daemon_conns("resend", &[b"\0", b"bad\0", b"\0"], 1);
        let (rc, rec) = batch(&["-b", "-u", &path], "flush\njoin a1 225.1.1.1\nflush\n");
        let conns = daemon.join().unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!((rc, rec.err()), (1, "smcroutectl: bad\n".into()));
        let letters: StdVec<StdVec<u8>> = conns
            .iter()
            .map(|c| c.iter().map(|r| r.0).collect())
            .collect();
        assert_eq!(letters, [b"F".to_vec(), b"j".to_vec(), b"F".to_vec()]);
    }

    #[test]
    fn batch_without_daemon_counts_every_line() {
        let (rc, rec) = batch(
            &["-b", "-u", "/tmp/smcroutectl-test-none.sock"],
            "flush\nflush\nhelp add\nflush\n",
        );
        assert_eq!(rc, 3);
        assert_eq!(rec.err().matches("Cannot find IPC socket").count(), 2);
        assert!(rec.out().starts_with("Help:"));
    }

    #[test]
    fn partial_replies_at_close() {
        let (rc, rec, _) = with_daemon("cut", &[b"half a reply"], &["flush"]);
        assert_eq!((rc, rec.err()), (1, "smcroutectl: half a reply\n".into()));
        let (rc, rec, _) = with_daemon("cutshow", &[b"row\npart"], &["show"]);
        assert_eq!((rc, rec.out()), (0, "row\npart\n".into()));
        let long = [b'e'; 600];
        let mut reply = long.to_vec();
        reply.push(0);
        let (rc, rec, _) = with_daemon("longerr", &[&reply], &["flush"]);
        assert_eq!(rc, 1);
        assert_eq!(rec.err().len(), "smcroutectl: ".len() + 255 + 1);
    }
}
