//! Tests of both command lines, the getopt walker, and the texts.

extern crate std;
use std::format;
use std::string::String;
use std::vec::Vec;

use super::*;

/// What `smcrouted` is asked to do: [`parse_daemon_into`]'s two outcomes in one value,
/// so that the tests compare whole results.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
enum DaemonCmd<'a> {
    Run(DaemonOpts<'a>),
    Help { ident: &'a str },
    Version,
    Usage { error: ArgError, ident: &'a str },
}

fn parse_daemon<'a>(args: &'a [&'a str]) -> DaemonCmd<'a> {
    let mut opts = DaemonOpts::new();
    match parse_daemon_into(args, &mut opts) {
        Ok(()) => DaemonCmd::Run(opts),
        Err(NotRun::Help { ident }) => DaemonCmd::Help { ident },
        Err(NotRun::Version) => DaemonCmd::Version,
        Err(NotRun::Usage { error, ident }) => DaemonCmd::Usage { error, ident },
    }
}

/// The `DaemonOpts` of a command line that must run.
fn run<'a>(args: &'a [&'a str]) -> DaemonOpts<'a> {
    match parse_daemon(args) {
        DaemonCmd::Run(opts) => opts,
        other => panic!("{args:?}: {other:?}"),
    }
}

/// The error of a daemon command line that must fail.
fn fails(args: &[&str]) -> ArgError {
    match parse_daemon(args) {
        DaemonCmd::Usage { error, .. } => error,
        other => panic!("{args:?}: {other:?}"),
    }
}

/// The daemon's error line, without its newline.
fn error_line(prog: &str, error: ArgError) -> String {
    let mut bytes = Vec::new();
    ErrorLine { prog, error }.put_line(&mut |b| bytes.extend_from_slice(b), false);
    let line = String::from_utf8(bytes).unwrap();
    line.strip_suffix('\n').unwrap().to_string()
}

// ===== getopt =====

/// What `getopt` yields.
type Item<'a> = Result<(u8, Option<&'a str>), ArgError>;

fn walk<'a>(args: &'a [&'a str], spec: &'static str, mode: Mode) -> (Vec<Item<'a>>, &'a [&'a str]) {
    let mut g = Getopt::new(args, spec, mode);
    let got = g.by_ref().collect();
    (got, g.operands())
}

#[test]
fn getopt_clusters_and_arguments() {
    let args = ["p", "-nsN", "-c60", "-c", "60", "-nc", "7", "-nc8"];
    let (got, rest) = walk(&args, "c:nNs", Mode::StopAtOperand);
    assert_eq!(
        got,
        [
            Ok((b'n', None)),
            Ok((b's', None)),
            Ok((b'N', None)),
            Ok((b'c', Some("60"))),
            Ok((b'c', Some("60"))),
            Ok((b'n', None)),
            Ok((b'c', Some("7"))),
            Ok((b'n', None)),
            Ok((b'c', Some("8"))),
        ]
    );
    assert!(rest.is_empty());
}

#[test]
fn getopt_argument_taken_whatever_it_looks_like() {
    let args = ["p", "-c", "-5", "-c", "--", "-n"];
    let (got, _) = walk(&args, "c:n", Mode::StopAtOperand);
    assert_eq!(
        got,
        [
            Ok((b'c', Some("-5"))),
            Ok((b'c', Some("--"))),
            Ok((b'n', None))
        ]
    );
}

#[test]
fn getopt_stop_at_operand() {
    let args = ["p", "-b", "show", "-d", "x"];
    let (got, rest) = walk(&args, "bd", Mode::StopAtOperand);
    assert_eq!(got, [Ok((b'b', None))]);
    assert_eq!(rest, ["show", "-d", "x"]);
    // A lone `-` is an operand.
    let args = ["p", "-", "-b"];
    let (got, rest) = walk(&args, "b", Mode::StopAtOperand);
    assert!(got.is_empty());
    assert_eq!(rest, ["-", "-b"]);
}

#[test]
fn getopt_double_dash() {
    let args = ["p", "-b", "--", "-d", "x"];
    let (got, rest) = walk(&args, "bd", Mode::StopAtOperand);
    assert_eq!(got, [Ok((b'b', None))]);
    assert_eq!(rest, ["-d", "x"]);
    let (got, rest) = walk(&args, "bd", Mode::Permute);
    assert_eq!(got, [Ok((b'b', None))]);
    assert_eq!(rest, ["-d", "x"]);
}

#[test]
fn getopt_permute_skips_operands() {
    let args = ["p", "foo", "-b", "-", "bar", "-d"];
    let (got, rest) = walk(&args, "bd", Mode::Permute);
    assert_eq!(got, [Ok((b'b', None)), Ok((b'd', None))]);
    assert!(rest.is_empty());
}

#[test]
fn getopt_keeps_the_place_of_the_letter() {
    let args = ["p", "-c", "5", "-nc7"];
    let mut g = Getopt::new(&args, "nc:", Mode::StopAtOperand);
    assert_eq!(g.next(), Some(Ok((b'c', Some("5")))));
    assert_eq!(g.letter_at(), 1);
    assert_eq!(g.next(), Some(Ok((b'n', None))));
    assert_eq!(g.letter_at(), 0);
    assert_eq!(g.next(), Some(Ok((b'c', Some("7")))));
    assert_eq!(g.letter_at(), 1);
}

#[test]
fn getopt_errors() {
    let args = ["p", "-x", "-b:", "-\u{e9}"];
    let (got, _) = walk(&args, "b", Mode::StopAtOperand);
    assert_eq!(
        got,
        [
            Err(ArgError::InvalidOption(b'x')),
            Ok((b'b', None)),
            Err(ArgError::InvalidOption(b':')),
            Err(ArgError::InvalidOption(0xc3)),
        ]
    );
    let args = ["p", "-bc"];
    let (got, _) = walk(&args, "bc:", Mode::StopAtOperand);
    assert_eq!(
        got,
        [Ok((b'b', None)), Err(ArgError::MissingArgument(b'c'))]
    );
}

#[test]
fn getopt_next_arg_keeps_operands_in_order() {
    let all = |args: &'static [&'static str], mode| {
        let mut g = Getopt::new(args, "bc:", mode);
        let mut got = Vec::new();
        while let Some(item) = g.next_arg() {
            got.push(item);
        }
        got
    };
    let args = &["p", "foo", "-b", "-", "-c", "x", "bar", "--", "-b", "baz"][..];
    let (b, c) = (Arg::Option(b'b', ""), Arg::Option(b'c', "x"));
    let operand = |w| Ok(Arg::Operand(w));
    assert_eq!(
        all(args, Mode::Permute),
        [
            operand("foo"),
            Ok(b),
            operand("-"),
            Ok(c),
            operand("bar"),
            operand("-b"),
            operand("baz")
        ]
    );
    assert_eq!(
        all(args, Mode::StopAtOperand),
        ["foo", "-b", "-", "-c", "x", "bar", "--", "-b", "baz"].map(operand)
    );
    assert_eq!(
        all(&["p", "-x", "w", "-c"], Mode::Permute),
        [
            Err(ArgError::InvalidOption(b'x')),
            operand("w"),
            Err(ArgError::MissingArgument(b'c'))
        ]
    );
    assert!(all(&["p"], Mode::Permute).is_empty());
}

#[test]
fn getopt_empty_lists() {
    let (got, rest) = walk(&[], "b", Mode::StopAtOperand);
    assert!(got.is_empty() && rest.is_empty());
    let (got, rest) = walk(&["p"], "b", Mode::Permute);
    assert!(got.is_empty() && rest.is_empty());
}

// ===== smcrouted =====

#[test]
fn daemon_defaults() {
    let o = run(&["smcrouted"]);
    assert_eq!(o.ident, "smcroute");
    assert_eq!(o.conf.as_str(), format!("{SYSCONFDIR}/smcroute.conf"));
    assert_eq!(o.pid_file.as_str(), format!("{RUNSTATEDIR}/smcroute.pid"));
    assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/smcroute.sock"));
    assert!(!o.verify);
    assert_eq!(o.script, None);
    assert_eq!(o.cache_timeout, 60);
    assert_eq!(o.startup_delay, 0);
    assert_eq!(o.exit_delay, 0);
    assert_eq!(o.mrdisc_interval, 20);
    assert_eq!(o.table_id, 0);
    assert_eq!(o.log_level, LogLevel::UpTo(Level::Notice));
    assert!(!o.foreground && !o.log_stderr);
    assert!(o.phyint_enable_default);
    assert_eq!((o.user, o.group), (None, None));
}

#[test]
fn default_dirs() {
    // Build-time overridable; the defaults are SMCRoute's with our configure flags.
    if option_env!("SMCROUTE_SYSCONFDIR").is_none() {
        assert_eq!(SYSCONFDIR, "/etc");
    }
    if option_env!("SMCROUTE_RUNSTATEDIR").is_none() {
        assert_eq!(RUNSTATEDIR, "/var/run");
    }
}

#[test]
fn daemon_identity_sets_every_default_path() {
    for flag in ["-i", "-I"] {
        let args = ["smcrouted", flag, "mr2"];
        let o = run(&args);
        assert_eq!(o.ident, "mr2");
        assert_eq!(o.conf.as_str(), format!("{SYSCONFDIR}/mr2.conf"));
        assert_eq!(o.pid_file.as_str(), format!("{RUNSTATEDIR}/mr2.pid"));
        assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/mr2.sock"));
    }
    // Wherever -i stands.
    let o = run(&["smcrouted", "-n", "-imr3"]);
    assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/mr3.sock"));
}

#[test]
fn daemon_explicit_paths() {
    let o = run(&[
        "smcrouted",
        "-f",
        "a.conf",
        "-u",
        "/tmp/s",
        "-P",
        "/tmp/p.pid",
        "-i",
        "x",
    ]);
    assert_eq!(o.conf.as_str(), "a.conf");
    assert_eq!(o.socket.as_str(), "/tmp/s");
    assert_eq!(o.pid_file.as_str(), "/tmp/p.pid");
    let o = run(&["smcrouted", "-P", "foo", "-i", "bar"]);
    assert_eq!(o.pid_file.as_str(), format!("{RUNSTATEDIR}/foo.pid"));
    assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/bar.sock"));
    let o = run(&["smcrouted", "-e", "/bin/hook"]);
    assert_eq!(o.script.as_ref().map(|p| p.as_str()), Some("/bin/hook"));
}

#[test]
fn daemon_verify_mode() {
    let o = run(&["smcrouted", "-F", "x.conf"]);
    assert!(o.verify);
    assert_eq!(o.conf.as_str(), "x.conf");
    assert_eq!(o.log_level, LogLevel::UpTo(Level::Info));
    // -l wins over -F's level in either order.
    assert_eq!(
        run(&["smcrouted", "-l", "debug", "-F", "x"]).log_level,
        LogLevel::UpTo(Level::Debug)
    );
    assert_eq!(
        run(&["smcrouted", "-F", "x", "-l", "err"]).log_level,
        LogLevel::UpTo(Level::Err)
    );
    // The last of -f/-F names the file; -F still means verify.
    let o = run(&["smcrouted", "-F", "x", "-f", "y"]);
    assert!(o.verify);
    assert_eq!(o.conf.as_str(), "y");
}

#[test]
fn daemon_numbers() {
    let o = run(&[
        "smcrouted",
        "-c",
        "30",
        "-d",
        "5",
        "-D",
        "9",
        "-m",
        "4",
        "-t",
        "3",
    ]);
    assert_eq!((o.cache_timeout, o.startup_delay, o.exit_delay), (30, 5, 9));
    assert_eq!((o.mrdisc_interval, o.table_id), (4, 3));
    // atoi: garbage is 0, trailing garbage ignored, negative delays are none.
    let o = run(&["smcrouted", "-c", "x", "-d", "-5", "-D", "7s", "-t", "2x"]);
    assert_eq!(
        (o.cache_timeout, o.startup_delay, o.exit_delay, o.table_id),
        (0, 0, 7, 2)
    );
    assert_eq!(run(&["smcrouted", "-c", "-1"]).cache_timeout, 0);
    assert_eq!(run(&["smcrouted", "-t", "0"]).table_id, 0);
    assert_eq!(
        run(&["smcrouted", "-c", "99999999999999"]).cache_timeout,
        i32::MAX as u32
    );
}

#[test]
fn daemon_mrdisc_range() {
    assert_eq!(run(&["smcrouted", "-m", "180"]).mrdisc_interval, 180);
    assert_eq!(run(&["smcrouted", "-m4"]).mrdisc_interval, 4);
    for bad in ["3", "181", "0", "-20", "x"] {
        assert_eq!(fails(&["smcrouted", "-m", bad]), ArgError::MrdiscInterval);
    }
    let e = ArgError::MrdiscInterval;
    assert_eq!(e.daemon_exit_code(), 1);
    assert!(!e.daemon_shows_usage());
    assert_eq!(
        error_line("/usr/sbin/smcrouted", e),
        "smcrouted: Invalid mrdisc announcement interval, 4-180."
    );
}

#[test]
fn daemon_negative_table() {
    assert_eq!(fails(&["smcrouted", "-t", "-1"]), ArgError::NegativeTableId);
    assert_eq!(fails(&["smcrouted", "-t-7"]), ArgError::NegativeTableId);
    let e = ArgError::NegativeTableId;
    assert_eq!(e.daemon_exit_code(), 64);
    assert!(e.daemon_shows_usage());
    assert_eq!(
        error_line("smcrouted", e),
        "smcrouted: Invalid multicast routing table ID, must be 0 or more."
    );
}

#[test]
fn daemon_foreground_and_syslog_counter() {
    let o = run(&["smcrouted", "-n"]);
    assert!(o.foreground && o.log_stderr);
    let o = run(&["smcrouted", "-n", "-s"]);
    assert!(o.foreground && !o.log_stderr);
    let o = run(&["smcrouted", "-sn"]);
    assert!(o.foreground && !o.log_stderr);
    let o = run(&["smcrouted", "-s"]);
    assert!(!o.foreground && !o.log_stderr);
    let o = run(&["smcrouted", "-nns"]);
    assert!(o.log_stderr, "counter: 1 - 2 + 1 = 0");
}

#[test]
fn daemon_no_vifs() {
    assert!(!run(&["smcrouted", "-N"]).phyint_enable_default);
}

#[test]
fn daemon_user_group() {
    let o = run(&["smcrouted", "-p", "nobody"]);
    assert_eq!((o.user, o.group), (Some("nobody"), None));
    let o = run(&["smcrouted", "-p", "nobody:nogroup"]);
    assert_eq!((o.user, o.group), (Some("nobody"), Some("nogroup")));
    let o = run(&["smcrouted", "-pnobody:"]);
    assert_eq!((o.user, o.group), (Some("nobody"), Some("")));
    let o = run(&["smcrouted", "-p", "a:b:c"]);
    assert_eq!((o.user, o.group), (Some("a"), Some("b:c")));
    let o = run(&["smcrouted", "-p", "a:b", "-p", "c"]);
    assert_eq!((o.user, o.group), (Some("c"), None), "the last one wins");
}

#[test]
fn daemon_help_and_version_stop_reading() {
    assert_eq!(
        parse_daemon(&["smcrouted", "-h"]),
        DaemonCmd::Help { ident: "smcroute" }
    );
    assert_eq!(
        parse_daemon(&["smcrouted", "-i", "x", "-h", "-i", "y"]),
        DaemonCmd::Help { ident: "x" }
    );
    assert_eq!(
        parse_daemon(&["smcrouted", "-hv"]),
        DaemonCmd::Help { ident: "smcroute" }
    );
    assert_eq!(parse_daemon(&["smcrouted", "-vh"]), DaemonCmd::Version);
    assert_eq!(
        parse_daemon(&["smcrouted", "-h", "-x"]),
        DaemonCmd::Help { ident: "smcroute" }
    );
    assert_eq!(
        parse_daemon(&["smcrouted", "-v", "-m", "1"]),
        DaemonCmd::Version
    );
}

#[test]
fn daemon_bad_options() {
    assert_eq!(
        parse_daemon(&["smcrouted", "-i", "q", "-x", "-h"]),
        DaemonCmd::Usage {
            error: ArgError::InvalidOption(b'x'),
            ident: "q"
        }
    );
    for letter in [
        "c", "d", "D", "e", "f", "F", "I", "i", "l", "m", "p", "P", "t", "u",
    ] {
        let flag = format!("-{letter}");
        let want = ArgError::MissingArgument(letter.as_bytes()[0]);
        assert_eq!(fails(&["smcrouted", &flag]), want);
        assert_eq!(want.daemon_exit_code(), 64);
        assert!(want.daemon_shows_usage());
    }
    assert_eq!(ArgError::InvalidOption(b'x').daemon_exit_code(), 64);
    assert_eq!(
        error_line("/tmp/x/smcrouted", ArgError::InvalidOption(b'x')),
        "/tmp/x/smcrouted: invalid option -- 'x'"
    );
    assert_eq!(
        error_line("./smcrouted", ArgError::MissingArgument(b'c')),
        "./smcrouted: option requires an argument -- 'c'"
    );
    // The first byte of a letter that is not ASCII is not text on its own.
    assert_eq!(
        error_line("smcrouted", ArgError::InvalidOption(0xc3)),
        "smcrouted: invalid option -- '?'"
    );
}

#[test]
fn daemon_ignores_operands() {
    let o = run(&["smcrouted", "foo", "-n", "bar"]);
    assert!(o.foreground);
    assert_eq!(
        parse_daemon(&["smcrouted", "foo", "-x"]),
        DaemonCmd::Usage {
            error: ArgError::InvalidOption(b'x'),
            ident: "smcroute"
        }
    );
    let o = run(&["smcrouted", "--", "-x"]);
    assert!(!o.foreground);
}

#[test]
fn daemon_empty_argument_list() {
    assert!(matches!(parse_daemon(&[]), DaemonCmd::Run(_)));
}

#[test]
fn daemon_paths_too_long() {
    let long = "x".repeat(PATH_MAX_LEN + 1);
    let just = "x".repeat(PATH_MAX_LEN);
    assert_eq!(run(&["smcrouted", "-f", &just]).conf.len(), PATH_MAX_LEN);
    assert_eq!(
        fails(&["smcrouted", "-f", &long]),
        ArgError::PathTooLong(b'f')
    );
    assert_eq!(
        fails(&["smcrouted", "-F", &long]),
        ArgError::PathTooLong(b'F')
    );
    assert_eq!(
        fails(&["smcrouted", "-u", &long]),
        ArgError::PathTooLong(b'u')
    );
    assert_eq!(
        fails(&["smcrouted", "-e", &long]),
        ArgError::PathTooLong(b'e')
    );
    assert_eq!(
        fails(&["smcrouted", "-P", &long]),
        ArgError::PathTooLong(b'P')
    );
    assert_eq!(
        fails(&["smcrouted", "-P", &just]),
        ArgError::PathTooLong(b'P'),
        "dir and .pid added"
    );
    assert_eq!(
        fails(&["smcrouted", "-i", &just]),
        ArgError::PathTooLong(b'i')
    );
    let e = ArgError::PathTooLong(b'i');
    assert_eq!(e.daemon_exit_code(), 64);
    assert!(!e.daemon_shows_usage());
    assert_eq!(
        error_line("a/smcrouted", e),
        "smcrouted: Path from -i too long, max 256 bytes."
    );
    // The line writes the limit out.
    assert!(error_line("x", e).contains(&format!(" max {PATH_MAX_LEN} bytes")));
}

#[test]
fn version_line_is_the_banner() {
    assert_eq!(VERSION_LINE, crate::VERSION_BANNER);
    assert!(VERSION_TEXT.starts_with(VERSION_LINE));
}

// ===== -l =====

#[test]
fn log_levels() {
    let up = LogLevel::UpTo;
    let cases = [
        ("err", up(Level::Err)),
        ("ERROR", up(Level::Err)),
        ("warn", up(Level::Warning)),
        ("warning", up(Level::Warning)),
        ("7", up(Level::Debug)),
        ("garbage", up(Level::Emerg)),
        ("deb", up(Level::Debug)),
        ("debugging", up(Level::Debug)),
        ("DeBuG", up(Level::Debug)),
        ("info", up(Level::Info)),
        ("notice", up(Level::Notice)),
        ("not", up(Level::Notice)),
        ("no", LogLevel::Nothing),
        ("none", LogLevel::Nothing),
        ("n", LogLevel::Nothing),
        ("e", up(Level::Emerg)),
        ("er", up(Level::Err)),
        ("crit", up(Level::Crit)),
        ("alert", up(Level::Alert)),
        ("", up(Level::Alert)),
        ("panic", up(Level::Emerg)),
        ("emerg", up(Level::Emerg)),
        ("3", up(Level::Err)),
        ("0", up(Level::Emerg)),
        ("99", up(Level::Debug)),
        ("-1", up(Level::Emerg)),
        ("\u{e9}", up(Level::Emerg)),
        ("d\u{e9}", up(Level::Emerg)),
    ];
    for (word, want) in cases {
        assert_eq!(parse_log_level(word), want, "-l {word:?}");
    }
    assert_eq!(run(&["smcrouted", "-l", "info"]).log_level, up(Level::Info));
}

/// `parse_log_level` leaves out glibc's `error` and `warning` rows (never reached after
/// `err` and `warn`): it reads every word as the whole table in glibc's order would.
#[test]
fn log_levels_as_the_whole_glibc_table() {
    const GLIBC: [(&str, Option<Level>); 12] = [
        ("alert", Some(Level::Alert)),
        ("crit", Some(Level::Crit)),
        ("debug", Some(Level::Debug)),
        ("emerg", Some(Level::Emerg)),
        ("err", Some(Level::Err)),
        ("error", Some(Level::Err)),
        ("info", Some(Level::Info)),
        ("none", None),
        ("notice", Some(Level::Notice)),
        ("panic", Some(Level::Emerg)),
        ("warn", Some(Level::Warning)),
        ("warning", Some(Level::Warning)),
    ];
    let by_table = |word: &str| {
        GLIBC.iter().find_map(|(name, level)| {
            let same = name
                .bytes()
                .zip(word.bytes())
                .all(|(n, c)| c.to_ascii_lowercase() == n);
            same.then_some(match level {
                Some(level) => LogLevel::UpTo(*level),
                None => LogLevel::Nothing,
            })
        })
    };
    let letters = b"aceginorwxER";
    let mut words = vec![std::string::String::new()];
    for _ in 0..5 {
        let longer: Vec<_> = words
            .iter()
            .flat_map(|w| letters.iter().map(move |&c| format!("{w}{}", c as char)))
            .collect();
        words.extend(longer.into_iter().filter(|w| w.len() <= 5));
        words.sort();
        words.dedup();
    }
    words.extend(
        [
            "error", "errors", "ERRORX", "warning", "warnings", "WARNING",
        ]
        .map(String::from),
    );
    for word in &words {
        if let Some(want) = by_table(word) {
            assert_eq!(parse_log_level(word), want, "-l {word:?}");
        }
    }
}

#[test]
fn log_level_filter() {
    let info = LogLevel::UpTo(Level::Info);
    assert!(info.enables(Level::Err) && info.enables(Level::Info));
    assert!(!info.enables(Level::Debug));
    assert!(!LogLevel::Nothing.enables(Level::Emerg));
}

// ===== smcroutectl =====

fn ctl<'a>(args: &'a [&'a str]) -> CtlOpts<'a> {
    parse_ctl(args).unwrap()
}

#[test]
fn ctl_defaults() {
    let o = ctl(&["smcroutectl"]);
    assert!(
        !(o.has(CtlFlag::Batch)
            || o.has(CtlFlag::Detail)
            || o.has(CtlFlag::Json)
            || o.has(CtlFlag::Plain)
            || o.has(CtlFlag::NoHeading)
            || o.has(CtlFlag::Help)
            || o.has(CtlFlag::Version))
    );
    assert_eq!(o.ident, "smcroute");
    assert!(!o.has(CtlFlag::SocketGiven));
    assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/smcroute.sock"));
    assert!(o.words.is_empty());
}

#[test]
fn ctl_every_option() {
    let o = ctl(&["smcroutectl", "-bdjpt", "-h", "show", "groups"]);
    assert!(
        o.has(CtlFlag::Batch)
            && o.has(CtlFlag::Detail)
            && o.has(CtlFlag::Json)
            && o.has(CtlFlag::Plain)
            && o.has(CtlFlag::NoHeading)
            && o.has(CtlFlag::Help)
    );
    assert!(!o.has(CtlFlag::Version));
    assert_eq!(o.words, ["show", "groups"]);
    let o = ctl(&["smcroutectl", "-i", "mr2", "add", "a", "b"]);
    assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/mr2.sock"));
    assert_eq!(o.words, ["add", "a", "b"]);
    let o = ctl(&["smcroutectl", "-Imr3"]);
    assert_eq!(o.ident, "mr3");
    let o = ctl(&["smcroutectl", "-u", "/tmp/s", "-i", "x"]);
    assert!(o.has(CtlFlag::SocketGiven));
    assert_eq!((o.socket.as_str(), o.ident), ("/tmp/s", "x"));
    let o = ctl(&["smcroutectl", "-i", "y", "-u", "/tmp/t", "-i", "x"]);
    assert_eq!((o.socket.as_str(), o.ident), ("/tmp/t", "x"));
    let o = ctl(&["smcroutectl", "-i", "y", "show", "-i", "x"]);
    assert_eq!(o.socket.as_str(), format!("{RUNSTATEDIR}/x.sock"));
}

#[test]
fn ctl_options_may_follow_words_as_with_glibc() {
    assert_eq!(CTL_MODE, Mode::Permute);
    let o = ctl(&["smcroutectl", "show", "-d", "groups", "-tu", "/s"]);
    assert!(o.has(CtlFlag::Detail) && o.has(CtlFlag::NoHeading));
    assert_eq!(o.words, ["show", "groups"]);
    assert_eq!(o.socket.as_str(), "/s");
    let o = ctl(&["smcroutectl", "add", "-i", "mr", "a1", "-", "225.1.1.1"]);
    assert_eq!(o.ident, "mr");
    assert_eq!(o.words, ["add", "a1", "-", "225.1.1.1"]);
    // `--` ends the options; the words after it follow the ones before.
    let o = ctl(&["smcroutectl", "join", "--", "-d", "x"]);
    assert!(!o.has(CtlFlag::Detail));
    assert_eq!(o.words, ["join", "-d", "x"]);
    let o = ctl(&["smcroutectl", "show", "-h"]);
    assert!(o.has(CtlFlag::Help));
    assert_eq!(o.words, ["show"]);
}

#[test]
fn ctl_version_stops_reading() {
    let o = ctl(&["smcroutectl", "-d", "-v", "-x"]);
    assert!(o.has(CtlFlag::Version) && o.has(CtlFlag::Detail));
    let o = ctl(&["smcroutectl", "-hv"]);
    assert!(o.has(CtlFlag::Version));
    let o = ctl(&["smcroutectl", "show", "-v", "-x", "groups"]);
    assert!(o.has(CtlFlag::Version));
    assert_eq!(o.words, ["show"]);
}

#[test]
fn ctl_errors() {
    assert_eq!(
        parse_ctl(&["smcroutectl", "-x"]),
        Err(ArgError::InvalidOption(b'x'))
    );
    assert_eq!(
        parse_ctl(&["smcroutectl", "-h", "-x"]),
        Err(ArgError::InvalidOption(b'x'))
    );
    assert_eq!(
        parse_ctl(&["smcroutectl", "-u"]),
        Err(ArgError::MissingArgument(b'u'))
    );
    assert_eq!(
        parse_ctl(&["smcroutectl", "-bi"]),
        Err(ArgError::MissingArgument(b'i'))
    );
    assert_eq!(
        parse_ctl(&["smcroutectl", "-I"]),
        Err(ArgError::MissingArgument(b'I'))
    );
    let long = "x".repeat(PATH_MAX_LEN + 1);
    assert_eq!(
        parse_ctl(&["smcroutectl", "-u", &long]),
        Err(ArgError::PathTooLong(b'u'))
    );
    assert_eq!(
        parse_ctl(&["smcroutectl", "-i", &long]),
        Err(ArgError::PathTooLong(b'i'))
    );
    assert_eq!(
        parse_ctl(&["smcroutectl", "show", "-x", "-h"]),
        Err(ArgError::InvalidOption(b'x'))
    );
    let many = ["w"; CTL_MAX_WORDS + 2];
    assert_eq!(
        parse_ctl(&many),
        Err(ArgError::Request(WireError::TooManyArgs))
    );
    let mut most = [""; CTL_MAX_WORDS + 3];
    most[1..].fill("w");
    most[CTL_MAX_WORDS + 1] = "-d";
    most[CTL_MAX_WORDS + 2] = "-tbhpjIx";
    let o = ctl(&most);
    assert!(
        o.has(CtlFlag::Detail)
            && o.has(CtlFlag::NoHeading)
            && o.has(CtlFlag::Batch)
            && o.has(CtlFlag::Help)
            && o.has(CtlFlag::Plain)
            && o.has(CtlFlag::Json)
    );
    assert_eq!((o.words.len(), o.ident), (CTL_MAX_WORDS, "x"));
    assert_eq!(CTL_USAGE_EXIT, 1);
    assert_eq!(
        error_line("/usr/sbin/smcroutectl", ArgError::InvalidOption(b'x')),
        "/usr/sbin/smcroutectl: invalid option -- 'x'"
    );
    assert_eq!(
        error_line(
            "/usr/sbin/smcroutectl",
            ArgError::Request(WireError::TooManyArgs)
        ),
        "smcroutectl: Failed constructing IPC command: Argument list too long"
    );
}

// ===== texts =====

#[test]
fn basenames() {
    assert_eq!(basename("/usr/sbin/smcrouted"), "smcrouted");
    assert_eq!(basename("smcrouted"), "smcrouted");
    assert_eq!(basename("a/"), "a/");
    assert_eq!(basename(""), "");
}

#[test]
fn version_text() {
    assert_eq!(
        VERSION_TEXT,
        "SMCRoute v2.6.0\n\
         \n\
         Bug report address: https://github.com/troglobit/smcroute/issues\n\
         Project homepage:   https://troglobit.com/smcroute.html\n"
    );
}

#[test]
fn usage_text() {
    let mut bytes = Vec::new();
    put_daemon_usage(
        &mut |b| bytes.extend_from_slice(b),
        "/usr/sbin/smcrouted",
        "mr2",
    );
    let got = String::from_utf8(bytes).unwrap();
    let want = format!(
        "Usage:
  smcrouted [-hnNsv] [-c SEC] [-d SEC] [-e CMD] [-f FILE] [-i NAME] [-l LVL] 
                     [-m SEC] [-P FILE] [-t ID] [-u FILE]

Options:
  -c SEC          Flush dynamic (*,G) multicast routes every SEC seconds,
                  default 60 sec.  Useful when source/interface changes
  -d SEC          Startup delay, useful for delaying interface probe at boot
  -e CMD          Script or command to call on startup/reload when all routes
                  have been installed, or when a (*,G) is installed
  -f FILE         Configuration file, default use ident NAME: {SYSCONFDIR}/mr2.conf
  -F FILE         Check configuration file syntax, use -l to increase verbosity
  -h              This help text
  -i NAME         Identity for .conf/.pid/.sock file, and syslog, default: mr2
  -l LVL          Set log level: none, err, notice*, info, debug
  -m SEC          Multicast router discovery, 4-180, default: 20 sec
  -n              Run daemon in foreground, when started by systemd or finit
  -N              No multicast VIFs/MIFs created by default.  Use with
                  smcroute.conf `phyint enable` directive
  -p USER[:GROUP] After initialization set UID and GID to USER and GROUP
  -P FILE         Set daemon PID file name, with optional path.
                  Default use ident NAME: {RUNSTATEDIR}/mr2.pid
  -s              Use syslog, default unless running in foreground, -n
  -t ID           Set multicast routing table ID, default: 0
  -u FILE         UNIX domain socket path, for use with smcroutectl.
                  Default use ident NAME: {RUNSTATEDIR}/mr2.sock
  -v              Show program version and support information

"
    );
    assert_eq!(got, want);
}
