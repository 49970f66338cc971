//! `smcroutectl`: the control tool. Parses its options and command words, sends one IPC
//! request per command to `smcrouted` and prints the reply.
//!
//! ```text
//!   argv --parse_options--> CtlOpts + words --ipc::cmd::find--> command
//!        help/version: printed here          others: ipc::wire::Request --> socket
//!   reply: "\0" = ok (exit 0) | "text\0" = error (exit 1) | show text --> ipc::show
//! ```
//!
//! Messages and exit codes follow SMCRoute 2.6 (spec §2). Output goes through a [`Term`],
//! so everything but the socket and terminal calls is tested with recorded output.

use heapless::{String, Vec};

use crate::errno::Errno;
use crate::ipc::batch::{self, BATCH_LINE_MAX};
use crate::ipc::cmd::{self, Action, CmdSpec, IpcCmd, COMMANDS};
use crate::ipc::show::{self, Headings, Out, Renderer, DEFAULT_WIDTH};
use crate::ipc::Request;
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

/// Runs one command line's words (also one batch line); returns the exit status.
pub fn run_words(opts: &CtlOpts<'_>, words: &[&str], t: &mut dyn Term) -> i32 {
    let (spec, args) = match cmd::find(words) {
        Some((i, spec)) => (spec, words.get(i + 1..).unwrap_or(&[])),
        // No command word at all is `show`.
        None => (&COMMANDS[SHOW], &[][..]),
    };
    let ipc = match spec.action {
        Action::Help => {
            match args.first().and_then(|w| cmd::lookup(w)) {
                Some(c) if c.action == Action::Version => print_version(t),
                Some(c) if c.action != Action::Help => print_command_help(t, c),
                _ => print_usage(t),
            }
            return 0;
        }
        Action::Version => {
            print_version(t);
            return 0;
        }
        Action::Send(ipc) => ipc,
    };
    if args.len() < spec.min_args {
        warn(
            t,
            &[b"Not enough arguments to command ", spec.word.as_bytes()],
        );
        print_command_help(t, spec);
        return 1;
    }
    let ipc = match ipc {
        IpcCmd::Show if opts.json => IpcCmd::ShowJson,
        IpcCmd::Show if opts.detail => IpcCmd::ShowDetail,
        other => other,
    };
    let mut frame = [0u8; IPC_MSG_MAX];
    let built = Request::with_args(ipc.letter(), args).and_then(|r| r.emit(&mut frame));
    let len = match built {
        Ok(len) => len,
        Err(e) => {
            let mut text = String::<64>::new();
            let _ = ufmt::uwrite!(text, "{}", e);
            warn(t, &[b"Failed constructing IPC command: ", text.as_bytes()]);
            return 1;
        }
    };
    let default_path = default_socket(opts.ident);
    let path = opts.socket.unwrap_or(default_path.as_str());
    let Some(fd) = connect(path, opts.socket.is_none(), t) else {
        return 1;
    };
    if let Err(e) = unix::send_all(&fd, frame.get(..len).unwrap_or(&[])) {
        warn(
            t,
            &[
                b"Communication with daemon failed: ",
                errno_text(e).as_bytes(),
            ],
        );
        return 1;
    }
    if ipc.is_show() {
        let headings = if opts.no_heading {
            Headings::Off
        } else if opts.plain {
            Headings::Plain
        } else {
            Headings::Tty { width: t.width() }
        };
        show_reply(&fd, headings, t)
    } else {
        status_reply(&fd, t)
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

/// Prints a show reply; always succeeds once connected, as SMCRoute.
fn show_reply(fd: &Fd, headings: Headings, t: &mut dyn Term) -> i32 {
    let mut renderer = Renderer::new(headings);
    let mut buf = [0u8; 4096];
    while !renderer.is_done() {
        match unix::recv(fd, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                renderer.feed(buf.get(..n).unwrap_or(&[]), t);
            }
        }
    }
    renderer.finish(t);
    0
}

/// A non-show reply: one NUL is success, anything else is the daemon's error text.
fn status_reply(fd: &Fd, t: &mut dyn Term) -> i32 {
    let mut reply = Vec::<u8, 256>::new();
    let mut buf = [0u8; 256];
    let mut done = false;
    while !done {
        let n = match unix::recv(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                warn(
                    t,
                    &[
                        b"Communication with daemon failed: ",
                        errno_text(e).as_bytes(),
                    ],
                );
                return 1;
            }
        };
        for &b in buf.get(..n).unwrap_or(&[]) {
            let _ = reply.push(b);
            if b == 0 {
                done = true;
                break;
            }
        }
    }
    if reply.as_slice() == [0] {
        return 0;
    }
    if reply.is_empty() {
        warn(t, &[b"Communication with daemon failed: no reply"]);
        return 1;
    }
    let end = reply
        .iter()
        .position(|&b| b == b'\n' || b == 0)
        .unwrap_or(reply.len());
    warn(t, &[reply.get(..end).unwrap_or(&[])]);
    1
}

/// Reads input for batch mode, like `read(2)`.
type Input<'i> = &'i mut dyn FnMut(&mut [u8]) -> Result<usize, Errno>;

/// `-b`: one command per line of `input`; the status counts the failed lines.
fn run_batch(opts: &CtlOpts<'_>, input: Input<'_>, t: &mut dyn Term) -> i32 {
    let mut failed: i32 = 0;
    let mut line = Vec::<u8, { BATCH_LINE_MAX + 1 }>::new();
    let mut overlong = false;
    let mut buf = [0u8; 1024];
    loop {
        let n = match input(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                warn(t, &[b"Failed reading commands: ", errno_text(e).as_bytes()]);
                failed = failed.saturating_add(1);
                0
            }
        };
        let chunk = buf.get(..n).unwrap_or(&[]);
        for &b in chunk {
            if b == b'\n' {
                failed = failed.saturating_add(batch_line(opts, &line, overlong, t));
                line.clear();
                overlong = false;
            } else if line.push(b).is_err() {
                overlong = true;
            }
        }
        if n == 0 {
            if !line.is_empty() {
                failed = failed.saturating_add(batch_line(opts, &line, overlong, t));
            }
            return failed.min(MAX_BATCH_STATUS);
        }
    }
}

fn batch_line(opts: &CtlOpts<'_>, line: &[u8], overlong: bool, t: &mut dyn Term) -> i32 {
    let Ok(text) = core::str::from_utf8(line) else {
        warn(t, &[b"Skipping line that is not UTF-8"]);
        return 1;
    };
    let split = if overlong {
        Err(batch::BatchError::LineTooLong)
    } else {
        batch::split_line(text)
    };
    match split {
        Ok(words) if words.is_empty() => 0,
        Ok(words) => run_words(opts, &words, t),
        Err(e) => {
            let mut msg = String::<64>::new();
            let _ = ufmt::uwrite!(msg, "Skipping {}", e);
            warn(t, &[msg.as_bytes()]);
            1
        }
    }
}

/// Runs `smcroutectl` with `argv[1..]`, the program name for getopt messages, and the
/// batch input.
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
        Ok(Parsed::Run(opts, _)) if opts.batch => run_batch(&opts, input, t),
        Ok(Parsed::Run(opts, words)) => run_words(&opts, &words, t),
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
