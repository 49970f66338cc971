extern crate std;
use super::*;
use crate::args::RUNSTATEDIR;
use crate::ipc::show::Out;
use crate::ipc::{Framer, Request};
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

fn no_input(_: &mut ReadBuf<BATCH_READ>) -> Result<&[u8], Errno> {
    Ok(&[])
}

/// Runs smcroutectl with `args` (after the program name) and `input`; returns the status.
fn ctl_input(args: &[&str], input: Input<'_>, rec: &mut Rec) -> i32 {
    let mut argv = std::vec!["smcroutectl"];
    argv.extend_from_slice(args);
    run(&argv, input, rec)
}

/// Runs smcroutectl with `args`; returns status and output.
fn ctl(args: &[&str]) -> (i32, Rec) {
    let mut rec = Rec::default();
    let rc = ctl_input(args, &mut no_input, &mut rec);
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
fn options_may_follow_command_words() {
    // As SMCRoute built on glibc: `show groups -d` is a detailed show.
    let (rc, _, seen) = with_daemon("permute", &[SHOW_GROUPS_DETAIL], &["show", "groups", "-dt"]);
    assert_eq!((rc, seen), (0, std::vec![(b'S', words(&["groups"]))]));
    // `--` ends the options: `-d` is then an argument, here an interface name.
    let (rc, _, seen) = with_daemon("dashes", &[b"\0"], &["join", "--", "-d", "225.1.1.1"]);
    assert_eq!(
        (rc, seen),
        (0, std::vec![(b'j', words(&["-d", "225.1.1.1"]))])
    );
}

#[test]
fn help_option_is_a_flag_as_in_smcroute() {
    let add_help = "Help:\n  Add a multicast route\n\nExample:\n  smcroutectl add eth0 192.168.2.42 225.1.2.3 eth1 eth2\n\n";
    for args in [
        &["-h", "add"][..],
        &["add", "-h"],
        &["-h", "foo", "a"],
        &["-h", "help", "add"],
        &["help", "add", "-h"],
    ] {
        let (rc, rec) = ctl(args);
        assert_eq!(
            (rc, rec.out().as_str(), rec.err()),
            (0, add_help, StdString::new()),
            "{args:?}"
        );
    }
    for args in [&["-h", "foo"][..], &["-h", "-d"], &["-h", "help"]] {
        let (rc, rec) = ctl(args);
        assert_eq!((rc, rec.out()), (0, usage()), "{args:?}");
    }
    let (rc, rec) = ctl(&["-h", "version"]);
    assert!(rc == 0 && rec.out().starts_with("SMCRoute v"));
    // The options after -h still count, errors included; -v wins wherever it stands.
    let (rc, rec) = ctl(&["-h", "-x"]);
    assert_eq!(
        (rc, rec.err()),
        (1, "smcroutectl: invalid option -- 'x'\n".into())
    );
    let (rc, rec) = ctl(&["-h", "show", "-v", "-x"]);
    assert!(rc == 0 && rec.out().starts_with("SMCRoute v"));
    // With -b, every line prints its help instead of running (no socket is opened).
    let (rc, rec) = batch(&["-hb", "-u", "/nonexistent"], "add a1\nflush\n");
    assert_eq!((rc, rec.err()), (0, StdString::new()));
    assert_eq!(rec.out().matches("Help:").count(), 2);
    assert!(rec.out().contains("smcroutectl flush"));
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
  -u FILE       UNIX domain socket for daemon, default: RUNSTATEDIR/smcroute.sock
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
    USAGE
        .replace("\n+ ", "\n  ")
        .replace("RUNSTATEDIR", RUNSTATEDIR)
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
    // A letter that is not ASCII is reported by its first byte, as glibc does.
    let (rc, rec) = ctl(&["-\u{e9}"]);
    assert_eq!(rc, 1);
    assert_eq!(rec.err, b"smcroutectl: invalid option -- '\xc3'\n");
    let (rc, rec) = ctl(&["-i"]);
    assert_eq!(rc, 1);
    assert_eq!(
        rec.err(),
        "smcroutectl: option requires an argument -- 'i'\n"
    );
    let many = ["w"; CTL_MAX_WORDS + 1];
    let (rc, rec) = ctl(&many);
    assert_eq!(rc, 1);
    assert_eq!(
        rec.err(),
        "smcroutectl: Failed constructing IPC command: Argument list too long\n"
    );
    // Errors that are not getopt's come without the usage.
    let long = "x".repeat(300);
    let (rc, rec) = ctl(&["-i", &long, "show"]);
    assert_eq!(
        (rc, rec.out(), rec.err()),
        (
            1,
            StdString::new(),
            "smcroutectl: Path from -i too long, max 256 bytes.\n".into()
        )
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
        format!(
            "smcroutectl: Cannot find IPC socket {RUNSTATEDIR}/smcroutectl-test-nonexistent.sock\n\
             smcroutectl: Daemon may be running with another -i NAME\n"
        )
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

    let (rc, rec, seen) = with_daemon("err", &[ALREADY_JOINED], &["-d", "join", "a1", "225.1.1.1"]);
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
    // Two bytes at a time, to cross line boundaries.
    let mut rec = Rec::default();
    let rc = ctl_input(
        &["-b", "-t", "-u", &path],
        &mut reader(input.as_bytes(), 2),
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
    let (rc, _) = batch(&["-b"], &"add x\n".repeat(300));
    assert_eq!(rc, session::MAX_STATUS as i32);

    let mut fail = input(|_| Err(Errno::EBADF));
    let mut rec = Rec::default();
    assert_eq!(ctl_input(&["-b"], &mut fail, &mut rec), 1);
    assert_eq!(
        rec.err(),
        "smcroutectl: Failed reading commands: Bad file descriptor\n"
    );

    let mut sent = false;
    let mut bad = input(|buf| {
        if std::mem::replace(&mut sent, true) {
            return Ok(&[]);
        }
        Ok(buf.fill(b"\xff\n"))
    });
    let mut rec = Rec::default();
    assert_eq!(ctl_input(&["-b"], &mut bad, &mut rec), 1);
    assert_eq!(rec.err(), "smcroutectl: Skipping line that is not UTF-8\n");
}

#[test]
fn batch_lines_far_past_the_limit_are_skipped_whole() {
    // Kept up to one byte past the limit, the rest dropped: one message per line, the
    // last one ended by the end of the input.
    let input = format!("{}\n{}", "x".repeat(3000), "y".repeat(BATCH_LINE_MAX + 600));
    let (rc, rec) = batch(&["-b"], &input);
    assert_eq!(
        (rc, rec.err()),
        (
            2,
            "smcroutectl: Skipping line longer than 511 characters\n\
             smcroutectl: Skipping line longer than 511 characters\n"
                .into()
        )
    );
}

/// `f` as batch input (the closure's signature given: its result borrows the buffer).
fn input<F>(f: F) -> F
where
    F: FnMut(&mut ReadBuf<BATCH_READ>) -> Result<&[u8], Errno>,
{
    f
}

/// Batch input that reads `input` at most `chunk` bytes at a time.
fn reader(
    mut input: &[u8],
    chunk: usize,
) -> impl FnMut(&mut ReadBuf<BATCH_READ>) -> Result<&[u8], Errno> + '_ {
    move |buf: &mut ReadBuf<BATCH_READ>| {
        let read = buf.fill(&input[..input.len().min(chunk)]);
        input = &input[read.len()..];
        Ok(read)
    }
}

/// Runs smcroutectl with `args` and `input` as its standard input.
fn batch(args: &[&str], input: &str) -> (i32, Rec) {
    let mut rec = Rec::default();
    let rc = ctl_input(args, &mut reader(input.as_bytes(), usize::MAX), &mut rec);
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
    assert_eq!(rec.err().len(), "smcroutectl: ".len() + 256 + 1);
}
