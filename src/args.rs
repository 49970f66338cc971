//! Command lines of `smcrouted` and `smcroutectl` (SMCRoute 2.6 §1, §2.1).
//!
//! Pure: the input is the argument list as text, program name first; the output is a
//! value saying what to do. Nothing is resolved here (users and groups are `sys`'s job),
//! nothing is printed: the usage text and the error line are handed to the caller's
//! writing function piece by piece.
//! Options are read in order and the first terminal one decides, as in SMCRoute: `-h -x`
//! is help, `-x -h` an error, `-v -x` the version.

mod getopt;

use heapless::{String, Vec};

pub use self::getopt::{Arg, Getopt, Mode};
use crate::conf::atoi;
use crate::fmt::{join, joined_len, utf8_prefix, Level};
use crate::ipc::cmd;
use crate::ipc::wire::WireError;
use crate::texts::{
    packed_len, place_in, separated, separated_len, Coded, PackedTexts, INSERT_TEXT,
};

/// A file path from the command line or derived from the identity.
pub type Path = String<PATH_MAX_LEN>;

/// Longest path we accept, in bytes.
pub const PATH_MAX_LEN: usize = 256;

/// Directory of the default conf file (`./configure --sysconfdir`), settable at build
/// time through `SMCROUTE_SYSCONFDIR`.
pub const SYSCONFDIR: &str = match option_env!("SMCROUTE_SYSCONFDIR") {
    Some(dir) => dir,
    None => "/etc",
};

/// Directory of the default PID file and IPC socket (`./configure --runstatedir`),
/// settable at build time through `SMCROUTE_RUNSTATEDIR`.
pub const RUNSTATEDIR: &str = match option_env!("SMCROUTE_RUNSTATEDIR") {
    Some(dir) => dir,
    None => "/var/run",
};

/// [`SYSCONFDIR`] and a `/`, joined at compile time (one part less to append).
const SYSCONF_DIR: &str = crate::joined![SYSCONFDIR, "/"];

/// [`RUNSTATEDIR`] and a `/`, joined at compile time (one part less to append).
const RUN_DIR: &str = crate::joined![RUNSTATEDIR, "/"];

/// Default identity: syslog tag and base name of the conf, PID and socket files.
pub const DEFAULT_IDENT: &str = "smcroute";

/// `getopt` string of `smcrouted`.
pub const DAEMON_OPTIONS: &str = "c:d:D:e:f:F:hI:i:l:m:nNp:P:st:u:v";

/// `getopt` string of `smcroutectl`.
pub const CTL_OPTIONS: &str = "bdjpthvu:I:i:";

/// How `smcroutectl` reads its options. SMCRoute's tool uses the C library's `getopt`,
/// which permutes on glibc (so `show -d` means `-d show`, as on Debian) but stops at
/// the first operand on musl; we do as glibc. `--` ends the options.
pub const CTL_MODE: Mode = Mode::Permute;

/// Most command words `smcroutectl` takes (words before the command word included).
pub const CTL_MAX_WORDS: usize = 128;

/// How `smcrouted` reads its options: it has no operands, so words that are not options
/// are skipped and the options after them still count, as with glibc.
pub const DAEMON_MODE: Mode = Mode::Permute;

/// Exit status of `smcroutectl` on a bad command line (after its usage text).
pub const CTL_USAGE_EXIT: i32 = 1;

// ===== errors =====

/// What is wrong with a command line; the wording is in [`ErrorLine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgError {
    /// `getopt`: an option letter that does not exist.
    InvalidOption(u8),
    /// `getopt`: an option that needs an argument is the last word.
    MissingArgument(u8),
    /// `-m` outside 4..180.
    MrdiscInterval,
    /// `-t` below 0.
    NegativeTableId,
    /// A path given with, or derived from, this option is longer than [`PATH_MAX_LEN`].
    PathTooLong(u8),
    /// `smcroutectl`: the words make no IPC request: more than [`CTL_MAX_WORDS`] of
    /// them on the command line ([`WireError::TooManyArgs`]), or, for
    /// [`crate::ctl::Session`], a request that cannot be built (the same line).
    Request(WireError),
}

impl ArgError {
    /// Exit status of `smcrouted`: 64 (`EX_USAGE`), or 1 where SMCRoute calls `errx(1)`.
    pub const fn daemon_exit_code(self) -> i32 {
        match self {
            Self::MrdiscInterval => 1,
            _ => 64,
        }
    }

    /// Whether `smcrouted` prints its usage text (to stdout) after the error line.
    pub const fn daemon_shows_usage(self) -> bool {
        matches!(
            self,
            Self::InvalidOption(_) | Self::MissingArgument(_) | Self::NegativeTableId
        )
    }
}

/// An error as one line for stderr (without the newline), prefixed as the C programs
/// do: glibc's `getopt` names the program by `argv[0]` as given, `errx` by its base name.
pub struct ErrorLine<'a> {
    /// `argv[0]`.
    pub prog: &'a str,
    /// The error.
    pub error: ArgError,
}

impl ErrorLine<'_> {
    /// Passes the line, newline included, to `put` piece by piece (each program buffers
    /// or writes them as it does; no `uDisplay` of the line compiled). One out-of-line
    /// body for the daemon and the control tool, told apart by `letter_as_is`: the
    /// control tool writes a non-ASCII option byte itself, as glibc's `getopt` does; the
    /// daemon writes `?` for it (a byte that is not text on its own).
    ///
    /// The body is `put_error_line`, which takes the line's fields in registers: the
    /// line is not stored on the stack at each call (x86_64 `smcrouted` -64 B; MIPS16e
    /// .text +16 B, where the body comes out a little longer).
    #[inline(always)]
    pub fn put_line(&self, put: &mut dyn FnMut(&[u8]), letter_as_is: bool) {
        put_error_line(self.prog, self.error, put, letter_as_is);
    }
}

/// The text of each error, newline included, with an `INSERT` where the option letter
/// goes (a table, not a match of tuples: one lookup instead of six sets of stores;
/// pointer-free, so in .rodata, not string slices in the RELRO region), packed after
/// the help texts as `put_unpacked` takes them ("option", "Invalid", "multicast
/// routing table" are references). One text each, not the pieces before and after
/// the letter: one `put_unpacked` call.
#[rustfmt::skip]
const ERROR_LINE_PARTS: [&[u8]; 6] = [
    b": invalid option -- '\x01'\n",
    b": option requires an argument -- '\x01'\n",
    b": Invalid mrdisc announcement interval, 4-180.\n",
    // SMCRoute prints only the usage text here; one line of why does no harm.
    b": Invalid multicast routing table ID, must be 0 or more.\n",
    // `PATH_MAX_LEN` written out (the unit tests check the line).
    b": Path from -\x01 too long, max 256 bytes.\n",
    // SMCRoute's wording for a request that cannot be built; the error's text
    // after it (in the program already, for the daemon's log), then the newline.
    b": Failed constructing IPC command: ",
];
/// [`ERROR_LINE_PARTS`] [separated](separated), what [`put_error_line`] packs.
pub(crate) const ERROR_LINE_SEPARATED: [u8; separated_len(&ERROR_LINE_PARTS)] =
    separated(&ERROR_LINE_PARTS);
/// [`ERROR_LINE_SEPARATED`] byte-pair [coded](Coded), once.
const ERROR_LINE_CODED: Coded = Coded::of(&ERROR_LINE_SEPARATED);

/// [`ErrorLine::put_line`] of `prog` and `error`.
#[inline(never)]
fn put_error_line(prog: &str, error: ArgError, put: &mut dyn FnMut(&[u8]), letter_as_is: bool) {
    crate::packed_after_help! {
        static TEXTS = ERROR_LINE_CODED;
    }
    // The place of the error's text, then its letter: two matches, the first of which
    // is the variant's number as it is.
    let index = match error {
        ArgError::InvalidOption(_) => 0,
        ArgError::MissingArgument(_) => 1,
        ArgError::MrdiscInterval => 2,
        ArgError::NegativeTableId => 3,
        ArgError::PathTooLong(_) => 4,
        ArgError::Request(_) => 5,
    };
    // (A text without an `INSERT` does not use it.)
    let letter = match error {
        ArgError::InvalidOption(c) | ArgError::MissingArgument(c) | ArgError::PathTooLong(c) => c,
        _ => 0,
    };
    // The daemon's `?` for a byte that is not ASCII, after the match, not in a guarded
    // arm of it: one test of the letter, not one per variant.
    let letter = if letter_as_is || letter.is_ascii() {
        letter
    } else {
        b'?'
    };
    // getopt's own messages name the program as it was called.
    let name = if index < 2 { prog } else { basename(prog) };
    put(name.as_bytes());
    crate::texts::put_unpacked(&TEXTS, index + 1, put, &[letter]);
    if let ArgError::Request(e) = error {
        e.put(put);
        put(b"\n");
    }
}

/// The last `/`-separated part of `prog`, as `basename(3)` (the whole of it if it ends
/// in `/`), `smcrouted`-style names for usage and `errx` messages.
pub fn basename(prog: &str) -> &str {
    // Bytes, not `rsplit`: a `/` never occurs inside a UTF-8 sequence, and the str
    // searcher costs `smcroutectl` half a kilobyte.
    match prog.bytes().rposition(|b| b == b'/') {
        Some(slash) => match prog.get(slash + 1..) {
            Some(name) if !name.is_empty() => name,
            _ => prog,
        },
        None => prog,
    }
}

// ===== smcrouted =====

/// Which messages the daemon logs (`-l`): `setlogmask(LOG_UPTO(level))` or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// `-l none`. Difference: SMCRoute maps it to `LOG_UPTO(0x10)`, which logs everything.
    Nothing,
    /// This level and the more urgent ones.
    UpTo(Level),
}

impl LogLevel {
    /// Whether a message of `level` is logged.
    pub fn enables(self, level: Level) -> bool {
        match self {
            Self::Nothing => false,
            Self::UpTo(max) => level <= max,
        }
    }
}

/// Parses `-l LVL` as SMCRoute: compared case-insensitively with glibc's `prioritynames`
/// table in its order, over the length of the shorter of the two (so `deb`, `ERROR` and
/// `debugging` all match, and `e` is `emerg`); anything else is read with `atoi` (`7` is
/// debug, garbage is 0, emerg). Difference: numbers above 7 mean debug and negative ones
/// emerg (SMCRoute's `setlogmask` ignores a negative level's empty mask: everything).
///
/// Out of line on x86_64, where the copy in line in `parse_daemon_into` came out larger
/// than the call (-34 B .text, r22c).
#[cfg_attr(target_arch = "x86_64", inline(never))]
pub fn parse_log_level(s: &str) -> LogLevel {
    // Each name followed by its level number (`NONE` for `none`), one after the other
    // (`NAMES`): a level is below every lowercase letter, so it also ends its name.
    // Pointer-free, so in .rodata, not 10 string slices in the RELRO region; not rows
    // padded to 8 bytes either (55 bytes, not 80).
    const NONE: u8 = 8;
    const ROWS: [(&str, u8); 10] = [
        ("alert", Level::Alert as u8),
        ("crit", Level::Crit as u8),
        ("debug", Level::Debug as u8),
        ("emerg", Level::Emerg as u8),
        // glibc's `error` and `warning` come right after `err` and `warn`, which match
        // whatever they would (their first three and four letters): never reached, left
        // out.
        ("err", Level::Err as u8),
        ("info", Level::Info as u8),
        ("none", NONE),
        ("notice", Level::Notice as u8),
        ("panic", Level::Emerg as u8),
        ("warn", Level::Warning as u8),
    ];
    const NAMES_LEN: usize = {
        let (mut len, mut i) = (0, 0);
        while i < ROWS.len() {
            len += ROWS[i].0.len() + 1;
            i += 1;
        }
        len
    };
    const NAMES: [u8; NAMES_LEN] = {
        let mut out = [0; NAMES_LEN];
        let (mut at, mut i) = (0, 0);
        while i < ROWS.len() {
            let (name, level) = ROWS[i];
            let mut k = 0;
            while k < name.len() {
                assert!(name.as_bytes()[k].is_ascii_lowercase());
                out[at] = name.as_bytes()[k];
                at += 1;
                k += 1;
            }
            assert!(level < b'a');
            out[at] = level;
            at += 1;
            i += 1;
        }
        out
    };
    // One walk over the bytes: a name's letters compared with those of `s` over the
    // shorter length, case-insensitively (the names are lowercase: a byte compare, not
    // `eq_ignore_ascii_case`, core's 16-byte chunked compare, 250 bytes on x86_64).
    let mut i = 0;
    let mut same = true;
    for &b in &NAMES {
        if b >= b'a' {
            if let Some(c) = s.as_bytes().get(i) {
                same &= c.to_ascii_lowercase() == b;
            }
            i += 1;
        } else if same {
            return match b {
                NONE => LogLevel::Nothing,
                n => LogLevel::UpTo(Level::from_number(n)),
            };
        } else {
            same = true;
            i = 0;
        }
    }
    let n = atoi(s).clamp(0, 7);
    LogLevel::UpTo(Level::from_number(n as u8))
}

/// Everything `smcrouted` needs from its command line.
///
/// `repr(C)`, the small fields first and the kilobyte of paths last: the code that reads
/// the options through a pointer reaches the numbers and flags with one-byte offsets.
/// The numbers and flags whose defaults are not zero come first, the zeros after them:
/// [`DaemonOpts::new`] stores them as immediates, without a 16-byte constant in
/// .rodata (x86_64 `smcrouted` -16 B; MIPS16e unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(C)]
pub struct DaemonOpts<'a> {
    /// `-c`: (*,G) cache flush period in seconds; 0 (also for negative) disables it.
    pub cache_timeout: u32,
    /// `-m`: mrdisc announcement interval, 4..180, default 20.
    pub mrdisc_interval: u32,
    /// `-l`, default notice (info with `-F`).
    pub log_level: LogLevel,
    /// `-F`: check the conf file and exit (0 or 78).
    pub verify: bool,
    /// `-n`: do not daemonise.
    pub foreground: bool,
    /// Also log to stderr: `-n` without `-s` (SMCRoute's syslog counter: 1, `-n`
    /// subtracts, `-s` adds; stderr when it is below 1).
    pub log_stderr: bool,
    /// What a `phyint` line with neither `enable` nor `disable` means; false with `-N`.
    pub phyint_enable_default: bool,
    /// `-d`: seconds to sleep before start-up (negative: none).
    pub startup_delay: u32,
    /// `-D` (hidden, for tests): exit after this many seconds; 0 never.
    pub exit_delay: u32,
    /// `-t`: multicast routing table; 0 is the default table.
    pub table_id: u32,
    /// `-i`/`-I`: syslog ident and base name of the default files.
    pub ident: &'a str,
    /// `-p USER[:GROUP]`: the user, as written.
    pub user: Option<&'a str>,
    /// `-p USER:GROUP`: the group, as written (`Some("")` for `USER:`).
    pub group: Option<&'a str>,
    /// `-f`/`-F`, default `SYSCONFDIR/<ident>.conf`.
    pub conf: Path,
    /// `-P`, default `RUNSTATEDIR/<ident>.pid`; a name that is not absolute becomes
    /// `RUNSTATEDIR/NAME.pid`.
    pub pid_file: Path,
    /// `-u`, default `RUNSTATEDIR/<ident>.sock`.
    pub socket: Path,
    /// `-e`: program run after a reload or a (*,G) install.
    pub script: Option<Path>,
}

/// What `smcrouted` is asked to do instead of running (with [`parse_daemon_into`]'s
/// options filled in place, it runs, or checks the conf file with [`DaemonOpts::verify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRun<'a> {
    /// `-h`: print [`put_daemon_usage`] to stdout, exit 0.
    Help {
        /// Identity given before `-h`, for the default paths in the text.
        ident: &'a str,
    },
    /// `-v`: print [`VERSION_TEXT`] to stdout, exit 0.
    Version,
    /// A bad command line: print [`ErrorLine`] to stderr, then the usage text to stdout
    /// if [`ArgError::daemon_shows_usage`]; exit [`ArgError::daemon_exit_code`].
    Usage {
        /// What is wrong.
        error: ArgError,
        /// Identity given so far, for the usage text.
        ident: &'a str,
    },
}

impl DaemonOpts<'_> {
    /// The defaults, before any option (the paths are empty until parsed).
    pub const fn new() -> Self {
        Self {
            ident: DEFAULT_IDENT,
            conf: Path::new(),
            verify: false,
            pid_file: Path::new(),
            socket: Path::new(),
            script: None,
            cache_timeout: 60,
            startup_delay: 0,
            exit_delay: 0,
            mrdisc_interval: 20,
            table_id: 0,
            log_level: LogLevel::UpTo(Level::Notice),
            foreground: false,
            log_stderr: false,
            phyint_enable_default: true,
            user: None,
            group: None,
        }
    }
}

impl Default for DaemonOpts<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// Parses the command line of `smcrouted` (`args[0]` is the program name) into `opts`,
/// which is [`DaemonOpts::new`]: in place, since options returned by value are copied,
/// over a kilobyte each time.
// Not inlined into `main` (its one caller), whose frame is large enough already: -25 B.
#[inline(never)]
pub fn parse_daemon_into<'a>(
    args: &'a [&'a str],
    opts: &mut DaemonOpts<'a>,
) -> Result<(), NotRun<'a>> {
    let mut seen = DaemonWords::default();
    // A word: it cannot overflow, each option moves it by one and there are fewer
    // options than words in `args` (no saturating arithmetic).
    let mut syslog_counter: isize = 1;
    // Every usage error leaves this block with its `ArgError`: one place builds the
    // `NotRun` of them all.
    let error = 'usage: {
        let mut getopt = Getopt::new(args, DAEMON_OPTIONS, DAEMON_MODE);
        while let Some(item) = getopt.next_arg() {
            let (letter, value) = match item {
                Ok(Arg::Option(letter, value)) => (letter, value),
                // Skipped, as glibc's permuting `getopt` leaves them for a program that
                // takes none.
                Ok(Arg::Operand(_)) => continue,
                Err(error) => break 'usage error,
            };
            // By the lower-case letter: one jump table from `c` to `v`, the upper-case
            // options told apart within their lower-case twin's arm (no compares before
            // the table for `D`, `F`, `I`, `N` and `P`).
            let upper = letter.is_ascii_uppercase();
            match letter.to_ascii_lowercase() {
                // One conversion for the three times in seconds.
                b'c' | b'd' => {
                    let seconds =
                        u32::try_from(atoi(value).clamp(0, i64::from(i32::MAX))).unwrap_or(0);
                    let field = match letter {
                        b'c' => &mut opts.cache_timeout,
                        b'd' => &mut opts.startup_delay,
                        _ => &mut opts.exit_delay,
                    };
                    *field = seconds;
                }
                b'e' => seen.script = Some(value),
                b'f' => {
                    seen.conf = Some((letter, value));
                    opts.verify |= upper;
                }
                b'h' => return Err(NotRun::Help { ident: opts.ident }),
                b'i' => opts.ident = value,
                b'l' => seen.log_level = Some(parse_log_level(value)),
                b'm' => match atoi(value) {
                    n @ 4..=180 => opts.mrdisc_interval = n as u32,
                    _ => break 'usage ArgError::MrdiscInterval,
                },
                b'n' if upper => opts.phyint_enable_default = false,
                b'n' => {
                    opts.foreground = true;
                    syslog_counter -= 1;
                }
                b'p' if upper => seen.pid_file = Some(value),
                b'p' => {
                    let (user, group) = match crate::fmt::split_once(value, b':') {
                        Some((user, group)) => (user, Some(group)),
                        None => (value, None),
                    };
                    opts.user = Some(user);
                    opts.group = group;
                }
                b's' => syslog_counter += 1,
                b't' => match u32::try_from(atoi(value).min(i64::from(i32::MAX))) {
                    Ok(id) => opts.table_id = id,
                    Err(_) => break 'usage ArgError::NegativeTableId,
                },
                b'u' => seen.socket = Some(value),
                b'v' => return Err(NotRun::Version),
                // Every letter of DAEMON_OPTIONS is handled above.
                _ => {}
            }
        }
        opts.log_stderr = opts.foreground && syslog_counter < 1;
        // `-l` wins over the level `-F` implies, whatever their order (SMCRoute applies it
        // after reading all options).
        opts.log_level = match seen.log_level {
            Some(level) => level,
            None if opts.verify => LogLevel::UpTo(Level::Info),
            None => LogLevel::UpTo(Level::Notice),
        };
        match seen.finish(opts) {
            Ok(()) => return Ok(()),
            Err(error) => error,
        }
    };
    Err(NotRun::Usage {
        error,
        ident: opts.ident,
    })
}

/// Option values that are only turned into paths once all options are read, because
/// the defaults depend on `-i` wherever it stands.
#[derive(Default)]
struct DaemonWords<'a> {
    conf: Option<(u8, &'a str)>,
    pid_file: Option<&'a str>,
    socket: Option<&'a str>,
    script: Option<&'a str>,
    log_level: Option<LogLevel>,
}

impl DaemonWords<'_> {
    /// Fills in the paths of `opts`.
    fn finish(self, opts: &mut DaemonOpts<'_>) -> Result<(), ArgError> {
        let ident = opts.ident;
        // Each path is a name in a form (alone for a file given whole): one `fill` per
        // path, the cases only choose the name and the form.
        let (letter, name, form) = match self.conf {
            Some((letter, file)) => (letter, file, PathForm::Whole),
            None => (b'i', ident, PathForm::Conf),
        };
        fill(&mut opts.conf, letter, name, form)?;
        let (letter, name, form) = match self.pid_file {
            Some(file) if file.as_bytes().first() == Some(&b'/') => (b'P', file, PathForm::Whole),
            Some(name) => (b'P', name, PathForm::Pid),
            None => (b'i', ident, PathForm::Pid),
        };
        fill(&mut opts.pid_file, letter, name, form)?;
        socket_path(&mut opts.socket, self.socket, ident)?;
        if let Some(file) = self.script {
            fill(opts.script.insert(Path::new()), b'e', file, PathForm::Whole)?;
        }
        Ok(())
    }
}

/// What goes around the name of a path: nothing (a file given whole), or the directory
/// and the suffix of a default file. Passed to [`fill`] as a number, not as two more
/// strings: one lookup there, not the pieces of each path stored on the stack at each
/// call (x86_64 `smcrouted` -80 B; the standalone `smcroutectl`, with one path, +16 B).
/// Each form's number is where its directory and its suffix are in [`PATH_TEXT`]
/// ([`form_spans`]): taken with no walk and no table.
#[derive(Clone, Copy)]
#[repr(u32)]
enum PathForm {
    Whole = 0,
    Conf = form_spans(SYSCONF_DIR, ".conf"),
    Pid = form_spans(RUN_DIR, ".pid"),
    Sock = form_spans(RUN_DIR, ".sock"),
}

/// The directories and the suffixes of the [`PathForm`]s, one after the other.
const PATH_TEXT: &str = crate::joined![SYSCONF_DIR, RUN_DIR, ".conf.pid.sock"];

/// A [`PathForm`]'s number, at compile time: the place in [`PATH_TEXT`] and the length
/// of `dir` in its low two bytes, those of `suffix` in its high two (a compile error if
/// one is past 255).
const fn form_spans(dir: &str, suffix: &str) -> u32 {
    const fn span(text: &str) -> u32 {
        let at = place_in(PATH_TEXT.as_bytes(), text.as_bytes());
        assert!(at <= 0xff && text.len() <= 0xff);
        (at | text.len() << 8) as u32
    }
    span(dir) | span(suffix) << 16
}

/// Appends `name` in `form` to `out`, or the error of `letter`'s path if too long. In
/// place: a [`Path`] returned by value is copied, a quarter kilobyte each time.
fn fill(out: &mut Path, letter: u8, name: &str, form: PathForm) -> Result<(), ArgError> {
    // Directory, name, suffix: one append call site.
    for k in 0..3 {
        let part = match k {
            1 => name,
            // The directory's span for 0, the suffix's for 2.
            _ => {
                let span = form as u32 >> (8 * k);
                let at = usize::from(span as u8);
                let text = PATH_TEXT
                    .as_bytes()
                    .get(at..at + usize::from((span >> 8) as u8));
                utf8_prefix(text.unwrap_or(&[]))
            }
        };
        out.push_str(part)
            .map_err(|()| ArgError::PathTooLong(letter))?;
    }
    Ok(())
}

/// `-u FILE` into `out`, else `RUNSTATEDIR/<ident>.sock`.
fn socket_path(out: &mut Path, given: Option<&str>, ident: &str) -> Result<(), ArgError> {
    let (letter, name, form) = match given {
        Some(file) => (b'u', file, PathForm::Whole),
        None => (b'i', ident, PathForm::Sock),
    };
    fill(out, letter, name, form)
}

// ===== smcroutectl =====

/// The command line of `smcroutectl`.
///
/// `repr(C)`, the flags first and the two kilobytes of words and path last: the code that
/// reads the options through a pointer reaches the flags with one-byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(C)]
pub struct CtlOpts<'a> {
    /// The flags, by [`CtlFlag`]: an array, not a field each, so that
    /// [`parse_ctl_into`] sets a flag option by its letter's place in [`CTL_FLAG_LETTERS`]
    /// (one search and one store, not a compare and a store for each letter).
    flags: [bool; CTL_FLAGS],
    /// `-i`/`-I`: identity of the daemon.
    pub ident: &'a str,
    /// The socket to connect to: `-u FILE`, else `RUNSTATEDIR/<ident>.sock`.
    pub socket: Path,
    /// The command and its arguments: every word that is not an option, in order
    /// (permuted as glibc's `getopt` does: `show -d groups` is `-d show groups`).
    pub words: Vec<&'a str, CTL_MAX_WORDS>,
}

/// The flags of [`CtlOpts`], their places in its flag array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtlFlag {
    /// `-b`: read commands from stdin.
    Batch,
    /// `-d`: detailed `show`.
    Detail,
    /// `-j`: JSON `show` (wins over `-d`).
    Json,
    /// `-p`: plain headings.
    Plain,
    /// `-t`: no headings.
    NoHeading,
    /// `-h`: help of the command in `words`, or the usage if there is none (SMCRoute's
    /// help flag: the options after `-h` still count, errors included).
    Help,
    /// `-v`: print the version, exit 0. Reading stops at `-v`, as in SMCRoute, so the
    /// other fields hold only the words before it.
    Version,
    /// `-u` was given (the connect error message depends on it).
    SocketGiven,
}

/// How many [`CtlFlag`]s there are.
const CTL_FLAGS: usize = CtlFlag::SocketGiven as usize + 1;

/// The option letter of each [`CtlFlag`], in its order (`-u` sets
/// [`CtlFlag::SocketGiven`] and gives the path): the first letters of [`CTL_OPTIONS`],
/// which lists them so (the program holds them once).
const CTL_FLAG_LETTERS: &[u8] = CTL_OPTIONS.as_bytes().split_at(CTL_FLAGS).0;
static_assertions::const_assert!(crate::texts::same_bytes(CTL_FLAG_LETTERS, b"bdjpthvu"));
// After the flags (`-u` takes the socket's path): the identity's two letters only.
static_assertions::const_assert!(crate::texts::same_bytes(
    CTL_OPTIONS.as_bytes().split_at(CTL_FLAGS).1,
    b":I:i:"
));

/// Parses the command line of `smcroutectl` (`args[0]` is the program name). On error
/// print [`ErrorLine`] to stderr (then, for [`ArgError::InvalidOption`] and
/// [`ArgError::MissingArgument`], the usage to stdout) and exit [`CTL_USAGE_EXIT`].
pub fn parse_ctl<'a>(args: &'a [&'a str]) -> Result<CtlOpts<'a>, ArgError> {
    let mut opts = CtlOpts::new();
    parse_ctl_into(args, &mut opts).map(|()| opts)
}

impl Default for CtlOpts<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl CtlOpts<'_> {
    /// No options, no words.
    pub const fn new() -> Self {
        Self {
            flags: [false; CTL_FLAGS],
            ident: DEFAULT_IDENT,
            socket: Path::new(),
            words: Vec::new(),
        }
    }

    /// Whether `flag` is set.
    pub const fn has(&self, flag: CtlFlag) -> bool {
        self.flags[flag as usize]
    }
}

/// [`parse_ctl`] into `opts`, which is [`CtlOpts::new`]: in place, as `smcroutectl`
/// calls it, since options returned by value are copied, over a kilobyte each time.
// Not inlined into the multicall `main`: -130 B there.
#[inline(never)]
pub fn parse_ctl_into<'a>(args: &'a [&'a str], opts: &mut CtlOpts<'a>) -> Result<(), ArgError> {
    let mut socket = None;
    let mut getopt = Getopt::new(args, CTL_OPTIONS, CTL_MODE);
    while let Some(item) = getopt.next_arg() {
        // The option by its letter's place in the spec, below.
        let value = match item? {
            Arg::Option(_, value) => value,
            Arg::Operand(word) => {
                opts.words
                    .push(word)
                    .map_err(|_| ArgError::Request(WireError::TooManyArgs))?;
                continue;
            }
        };
        // The flags are the first letters of the spec, in their order; after them come
        // only `-I` and `-i` (by their places too: no compares of letters).
        let flag = getopt.letter_at();
        match opts.flags.get_mut(flag) {
            Some(set) => {
                *set = true;
                if flag == CtlFlag::Version as usize {
                    return Ok(());
                }
            }
            None => opts.ident = value,
        }
        if flag == CtlFlag::SocketGiven as usize {
            socket = Some(value);
        }
    }
    socket_path(&mut opts.socket, socket, opts.ident)
}

// ===== texts =====

/// `smcrouted -h`, laid out as SMCRoute's, with the default paths of `ident` (`-D` and
/// `-I` are not listed, as in SMCRoute). `prog` is `argv[0]`.
pub fn put_daemon_usage(put: &mut impl FnMut(&[u8]), prog: &str, ident: &str) {
    put(b"Usage:\n  ");
    put(basename(prog).as_bytes());
    crate::texts::put_unpacked(&DAEMON_USAGE, 1, put, ident.as_bytes());
}

/// The pieces of `smcrouted -h` after the program name, joined at compile time with an
/// [`INSERT`](crate::texts::INSERT) where the identity goes. `-v`'s help is
/// `smcroutectl version`'s, from the command table: packed, a reference to it.
const DAEMON_USAGE_PARTS: [&str; 11] = [
    USAGE_TO_CONF,
    INSERT_TEXT,
    USAGE_TO_IDENT,
    INSERT_TEXT,
    USAGE_TO_PID,
    INSERT_TEXT,
    USAGE_TO_SOCKET,
    INSERT_TEXT,
    USAGE_END,
    cmd::CMD_TEXT_PARTS[cmd::COMMANDS[cmd::VERSION].help_index()],
    "\n",
];
pub(crate) const DAEMON_USAGE_JOINED: [u8; joined_len(&DAEMON_USAGE_PARTS)] =
    join(&DAEMON_USAGE_PARTS);
/// [`DAEMON_USAGE_JOINED`] byte-pair [coded](Coded), once.
const DAEMON_USAGE_CODED: Coded = Coded::of(&DAEMON_USAGE_JOINED);
const USAGE_TO_CONF: &str = crate::joined![
    " [-hnNsv] [-c SEC] [-d SEC] [-e CMD] [-f FILE] [-i NAME] [-l LVL] \n\
     \x20                    [-m SEC] [-P FILE] [-t ID] [-u FILE]\n\
     \n\
     Options:\n\
     \x20 -c SEC          Flush dynamic (*,G) multicast routes every SEC seconds,\n\
     \x20                 default 60 sec.  Useful when source/interface changes\n\
     \x20 -d SEC          Startup delay, useful for delaying interface probe at boot\n\
     \x20 -e CMD          Script or command to call on startup/reload when all routes\n\
     \x20                 have been installed, or when a (*,G) is installed\n\
     \x20 -f FILE         Configuration file, default use ident NAME: ",
    SYSCONFDIR,
    "/",
];
const USAGE_TO_IDENT: &str = ".conf\n\
    \x20 -F FILE         Check configuration file syntax, use -l to increase verbosity\n\
    \x20 -h              This help text\n\
    \x20 -i NAME         Identity for .conf/.pid/.sock file, and syslog, default: ";
const USAGE_TO_PID: &str = crate::joined![
    "\n  -l LVL          Set log level: none, err, notice*, info, debug\n\
     \x20 -m SEC          Multicast router discovery, 4-180, default: 20 sec\n\
     \x20 -n              Run daemon in foreground, when started by systemd or finit\n\
     \x20 -N              No multicast VIFs/MIFs created by default.  Use with\n\
     \x20                 smcroute.conf `phyint enable` directive\n\
     \x20 -p USER[:GROUP] After initialization set UID and GID to USER and GROUP\n\
     \x20 -P FILE         Set daemon PID file name, with optional path.\n\
     \x20                 Default use ident NAME: ",
    RUNSTATEDIR,
    "/",
];
const USAGE_TO_SOCKET: &str = crate::joined![
    ".pid\n  -s              Use syslog, default unless running in foreground, -n\n\
     \x20 -t ID           Set multicast routing table ID, default: 0\n\
     \x20 -u FILE         UNIX domain socket path, for use with smcroutectl.\n\
     \x20                 Default use ident NAME: ",
    RUNSTATEDIR,
    "/",
];
/// Up to the help text of `-v`, which comes from the command table.
const USAGE_END: &str = ".sock\n  -v              ";

/// `smcroutectl`'s usage text up to the default identity: SMCRoute's layout (options as
/// `  -%c %-10s %s`, commands as `  %-7s %s  %s`) with 2.6's `-h -j -v` and
/// `show pending`. The options are written out; the commands come from [`cmd::COMMANDS`],
/// whose help texts `help CMD` prints too.
const CTL_USAGE_HEAD: &str = "Usage:
  smcroutectl [OPTIONS] CMD [ARGS]

Options:
  -b            Batch mode, read commands from stdin
  -d            Detailed output in show command
  -h            This help text
  -i NAME       Identity of routing daemon instance, default: ";

/// From the default identity to the default socket.
const CTL_USAGE_SOCKET: &str = "
  -j            JSON output in show command
  -p            Use plain table headings, no ctrl chars
  -t            Skip table heading in show command
  -u FILE       UNIX domain socket for daemon, default: ";

/// From the default socket to the commands.
const CTL_USAGE_COMMANDS: &str = ".sock
  -v            Show program version and support information

Commands:
";

/// After the commands, [`CTL_INBOUND`] written out where it goes (its repeats are
/// references to its first bytes).
const CTL_USAGE_TAIL: &str = crate::joined![
    "
Arguments:
         <---------- INBOUND ------------>  <- OUTBOUND ->
  add    ",
    CTL_INBOUND,
    "  OIF [OIF ... ]
  remove ",
    CTL_INBOUND,
    "

  join   ",
    CTL_INBOUND,
    "
  leave  ",
    CTL_INBOUND,
    "

  show   interfaces    Show configured multicast interfaces
  show   groups        Show joined multicast groups
  show   pending       Show routes and groups waiting for their interfaces
  show   routes        Show (*,G) and (S,G) multicast routes, default

Note:
  Inbound (IIF) and outbound (OIF) interfaces can be either an interface
  name or a wildcard.  E.g., \"eth+\" matches eth0, eth15, etc.

",
];

/// The inbound words of the four route and group commands, written once.
const CTL_INBOUND: &str = "IIF [SOURCE-IP[/LEN]] GROUP[/LEN]";

/// The bytes of [`CTL_USAGE_LIST`].
const CTL_USAGE_LIST_LEN: usize = {
    let mut len = 0;
    let mut i = 0;
    while i < cmd::COMMANDS.len() {
        let c = &cmd::COMMANDS[i];
        if !c.is_alias() {
            len += CTL_USAGE_ROW_LEN + cmd::CMD_TEXT_PARTS[c.help_index()].len();
        }
        i += 1;
    }
    len
};

/// The blanks, the padded word and the arguments column of a row of [`CTL_USAGE_LIST`].
const CTL_USAGE_ROW_LEN: usize = 2 + 7 + 7;

/// The command list of `smcroutectl`'s usage, SMCRoute's `  %-7s %s  %s` of each visible
/// command of [`cmd::COMMANDS`] and its help text, written out at compile time: in the
/// packed help texts its rows are mostly references to the help texts, fewer bytes than
/// the loop that wrote them.
const CTL_USAGE_LIST: [u8; CTL_USAGE_LIST_LEN] = {
    let mut list = [b' '; CTL_USAGE_LIST_LEN];
    let mut at = 0;
    let mut i = 0;
    while i < cmd::COMMANDS.len() {
        let c = &cmd::COMMANDS[i];
        if !c.is_alias() {
            let word = c.word.padded();
            let mut k = 0;
            while k < word.len() {
                list[at + 2 + k] = word[k];
                k += 1;
            }
            if c.min_args > 0 {
                let args = b" ARGS";
                k = 0;
                while k < args.len() {
                    list[at + 9 + k] = args[k];
                    k += 1;
                }
            }
            at += CTL_USAGE_ROW_LEN;
            let help = cmd::CMD_TEXT_PARTS[c.help_index()].as_bytes();
            k = 0;
            while k < help.len() {
                list[at + k] = help[k];
                k += 1;
            }
            at += help.len();
        }
        i += 1;
    }
    list
};

/// `smcroutectl`'s usage text, joined at compile time (one write, not nine), the default
/// identity written out (its second time a reference to the first).
const CTL_USAGE_PARTS: [&str; 9] = [
    CTL_USAGE_HEAD,
    DEFAULT_IDENT,
    CTL_USAGE_SOCKET,
    RUNSTATEDIR,
    "/",
    DEFAULT_IDENT,
    CTL_USAGE_COMMANDS,
    match core::str::from_utf8(&CTL_USAGE_LIST) {
        Ok(list) => list,
        Err(_) => panic!("a help text is not UTF-8"),
    },
    CTL_USAGE_TAIL,
];
const CTL_USAGE_JOINED: [u8; joined_len(&CTL_USAGE_PARTS)] = join(&CTL_USAGE_PARTS);

/// Where `smcroutectl`'s usage is in [`HELP_TEXTS`] (after the
/// texts of the commands, [`cmd::CMD_TEXT_PARTS`]).
pub const HELP_CTL_USAGE: usize = cmd::CMD_TEXT_PARTS.len();
/// Where the head of a command's help page (`help CMD`) is in [`HELP_TEXTS`].
pub const HELP_PAGE_HEAD: usize = HELP_CTL_USAGE + 1;
/// Where the head of a help page's example, up to the command word, is in [`HELP_TEXTS`].
pub const HELP_PAGE_EXAMPLE: usize = HELP_CTL_USAGE + 2;
const HELP_COUNT: usize = HELP_CTL_USAGE + 3;
const HELP_PARTS: [&[u8]; HELP_COUNT] = {
    let mut parts: [&[u8]; HELP_COUNT] = [&[]; HELP_COUNT];
    let mut i = 0;
    while i < HELP_CTL_USAGE {
        parts[i] = cmd::CMD_TEXT_PARTS[i].as_bytes();
        i += 1;
    }
    parts[HELP_CTL_USAGE] = &CTL_USAGE_JOINED;
    parts[HELP_PAGE_HEAD] = b"Help:\n  ";
    parts[HELP_PAGE_EXAMPLE] = b"\nExample:\n  smcroutectl ";
    parts
};
/// The help texts [separated](separated), what [`HELP_TEXTS`] packs and every other
/// packing of texts starts with.
pub const HELP_SEPARATED: [u8; separated_len(&HELP_PARTS)] = separated(&HELP_PARTS);

/// The help texts of `smcroutectl` [packed together](PackedTexts): the commands' help
/// and examples (`smcrouted -h` has `version`'s) and the usage. Their columns are runs
/// of blanks, and they say the same words again, each other's too ("multicast",
/// "route", the example addresses): 1,049 bytes packed one by one, 928 together.
pub static HELP_TEXTS: PackedTexts<HELP_COUNT, { packed_len(HELP_CODED.text()) }> =
    PackedTexts::new(HELP_CODED.text());

/// [`HELP_SEPARATED`] byte-pair [coded](Coded), once for every packing that starts with it.
pub const HELP_CODED: Coded = Coded::of(&HELP_SEPARATED);

crate::packed_after_help! {
    /// `smcrouted -h` after the program name, packed after [`HELP_TEXTS`]: it says their
    /// words again (options, paths, "multicast routes", "default"), so its repeats of them
    /// are references to them, 948 bytes packed alone, 788 after them. Kept apart, as the
    /// [tail](packed_tail) of that packing, so the standalone `smcroutectl` does not hold it.
    static DAEMON_USAGE = DAEMON_USAGE_CODED;
}
/// The bytes of [`HELP_TEXTS`], where the tails of packings after them start.
pub const HELP_PACKED_LEN: usize = packed_len(HELP_CODED.text());

/// [`crate::VERSION_BANNER`], which the daemon logs at start, as the first bytes of
/// [`VERSION_TEXT`]: the program holds the banner once.
pub const VERSION_LINE: &str = {
    let (banner, _) = VERSION_TEXT
        .as_bytes()
        .split_at(crate::VERSION_BANNER.len());
    match core::str::from_utf8(banner) {
        Ok(banner) => banner,
        Err(_) => panic!("the banner ends inside a character"),
    }
};

/// `-v` of both programs (and `smcroutectl version`): SMCRoute's text, homepage line
/// included (`PACKAGE_URL`, as the C programs print it).
pub const VERSION_TEXT: &str = crate::joined![
    crate::VERSION_BANNER,
    "\n\n\
     Bug report address: https://github.com/troglobit/smcroute/issues\n\
     Project homepage:   https://troglobit.com/smcroute.html\n",
];

#[cfg(test)]
mod tests;
