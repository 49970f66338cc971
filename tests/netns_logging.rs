//! Logging (spec §5.12, §1 `-n -s -l`): syslog with ident `smcroute`, facility daemon and
//! the message's level; a copy on stderr in glibc's `ident[pid]: message` format with
//! `-n`, none with `-n -s`; the `-l` mask; and the daemon's own background mode.
//!
//! Syslog is captured by running the daemon in a private mount namespace whose `/dev`
//! is a tmpfs with `/dev/log` bound to a datagram socket of the test (`listen.py dgram`).

mod common;
#[path = "common/spawn.rs"]
mod spawn;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use spawn::*;

/// A syslog datagram: `<PRI>TAG: message` → (PRI, TAG, message). Our static programs
/// send no timestamp (the receiver adds it, RFC 3164 §4.3.2); glibc's `syslog(3)` (the C
/// original's, and our glibc build's) puts one in `Mmm dd hh:mm:ss ` shape after `<PRI>`,
/// skipped here too.
fn parse_syslog(msg: &str) -> Option<(u32, String, String)> {
    let (pri, rest) = msg.strip_prefix('<')?.split_once('>')?;
    let rest = if is_stamped(msg) {
        rest.get(16..)?
    } else {
        rest
    };
    let (tag, text) = rest.split_once(": ")?;
    Some((pri.parse().ok()?, tag.to_string(), text.to_string()))
}

/// True if the datagram has a timestamp after its `<PRI>`.
fn is_stamped(msg: &str) -> bool {
    let Some((_, rest)) = msg.split_once('>') else {
        return false;
    };
    let b = rest.as_bytes();
    b.len() > 16 && b[3] == b' ' && b[9] == b':' && b[12] == b':' && b[15] == b' '
}

/// True if `program` is linked against glibc, whose `syslog(3)` it then logs through.
fn links_glibc(program: &Path) -> bool {
    let bytes = fs::read(program).unwrap();
    bytes.windows(8).any(|w| w == b"GLIBC_2.")
}

/// Syslog priorities of facility daemon (3 << 3).
const NOTICE: u32 = 24 + 5;
const INFO: u32 = 24 + 6;
const DEBUG: u32 = 24 + 7;

/// stderr lines of `pid` without their `smcroute[PID]: ` prefix; panics on any other line.
fn stderr_texts(stderr: &str, ident: &str, pid: u32) -> Vec<String> {
    let prefix = format!("{ident}[{pid}]: ");
    stderr
        .lines()
        .map(|l| {
            l.strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("stderr line not in glibc format {prefix:?}: {l:?}"))
                .to_string()
        })
        .collect()
}

const CONF: &str = "mroute from a1 group 225.3.3.3 to a2\n";

/// Runs the daemon with `args` (plus conf, socket, PID file) in a private mount namespace
/// whose /dev/log is `log`; waits for the PID file; learns a (*,G) flow and makes a
/// stop filter; stops it. Returns (pid, stderr).
fn run_logged(t: &Topology, env: &Env, log: &Path, tag: &str, args: &[&str]) -> (u32, String) {
    let conf = t.write(&format!("{tag}.conf"), CONF);
    let pidfile = t.dir.join(format!("{tag}.pid"));
    let mut cmd = with_private_dev_log(&t.r, log, &env.daemon);
    cmd.arg("-f")
        .arg(&conf)
        .arg("-u")
        .arg(t.dir.join(format!("{tag}.sock")))
        .arg("-P")
        .arg(&pidfile)
        .args(args);
    let mut p = Proc::spawn(&mut cmd, &t.dir, tag, false);
    assert!(
        wait_pid_file(&pidfile, READY_TIMEOUT).is_some(),
        "{args:?}: not ready: {}",
        p.stderr()
    );
    t.learn("s1", "225.3.3.3", 5501);
    t.send("s1", "225.9.9.9", 5501, 1);
    assert!(wait_for(Duration::from_secs(3), || t
        .r
        .mfc("10.0.1.2", "225.9.9.9")
        .is_some()));
    assert_eq!(p.stop(), 0, "{args:?}: exit");
    (p.pid, p.stderr())
}

#[test]
fn syslog_and_stderr_with_n_and_s() {
    let Some(env) = env("syslog_and_stderr_with_n_and_s") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let log_sock = t.dir.join("log.sock");
    let log_path = log_sock.to_str().unwrap();

    // -n: every line on stderr and in syslog, the same text.
    let syslog = listener(None, &t.dir, "syslog1", &["dgram", log_path]);
    let (pid, stderr) = run_logged(&t, &env, &log_sock, "n", &["-n", "-l", "debug"]);
    let texts = stderr_texts(&stderr, "smcroute", pid);
    for want in [
        "SMCRoute v2.6.0",
        "Ready, waiting for client request or kernel event.",
        "New multicast data from 10.0.1.2 to group 225.3.3.3 on a1",
        "Multicast from 10.0.1.2, group 225.9.9.9, on a1 does not match any (*,G) rule",
        "Exiting.",
    ] {
        if env.is_legacy() && want.starts_with("SMCRoute") {
            continue;
        }
        assert!(
            texts.iter().any(|l| l == want),
            "stderr lacks {want:?}:\n{stderr}"
        );
    }
    assert!(wait_for(Duration::from_secs(2), || messages(&syslog)
        .iter()
        .any(|m| m.ends_with("Exiting."))));
    let logged: Vec<(u32, String, String)> = messages(&syslog)
        .iter()
        .map(|m| parse_syslog(m).unwrap_or_else(|| panic!("not syslog: {m:?}")))
        .collect();
    let tag = format!("smcroute[{pid}]");
    assert!(logged.iter().all(|(_, t, _)| *t == tag), "tags: {logged:?}");
    // glibc's syslog(3) stamps every datagram, our own client (static programs) none;
    // either way the tag follows (checked above by parse_syslog).
    let stamped = links_glibc(&env.daemon);
    assert!(
        messages(&syslog).iter().all(|m| is_stamped(m) == stamped),
        "stamped ({stamped}): {:?}",
        messages(&syslog)
    );
    let syslog_texts: Vec<&str> = logged.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        syslog_texts, texts,
        "syslog and stderr carry the same lines"
    );
    let pri_of = |text: &str| {
        logged
            .iter()
            .find(|(_, _, m)| m == text)
            .map(|(p, _, _)| *p)
    };
    assert_eq!(
        pri_of("Ready, waiting for client request or kernel event."),
        Some(NOTICE)
    );
    assert_eq!(
        pri_of("New multicast data from 10.0.1.2 to group 225.3.3.3 on a1"),
        Some(DEBUG)
    );
    assert_eq!(
        pri_of("Multicast from 10.0.1.2, group 225.9.9.9, on a1 does not match any (*,G) rule"),
        Some(INFO)
    );
    drop(syslog);

    // -n -s: syslog only, nothing at all on stderr.
    let syslog = listener(None, &t.dir, "syslog2", &["dgram", log_path]);
    let (pid, stderr) = run_logged(&t, &env, &log_sock, "ns", &["-n", "-s", "-l", "debug"]);
    assert_eq!(stderr, "", "-n -s wrote to stderr");
    assert!(wait_for(Duration::from_secs(2), || messages(&syslog)
        .iter()
        .any(|m| m.ends_with(&format!("smcroute[{pid}]: Exiting.")))));
    let logged: Vec<String> = messages(&syslog)
        .iter()
        .filter_map(|m| parse_syslog(m))
        .filter(|(_, tag, _)| *tag == format!("smcroute[{pid}]"))
        .map(|(_, _, text)| text)
        .collect();
    for want in &texts {
        // Lines that depend on the run (none in ours) are in both runs alike.
        if !env.is_legacy() {
            assert!(
                logged.contains(want),
                "-n -s syslog lacks {want:?}: {logged:#?}"
            );
        }
    }
    assert!(logged.len() >= 5, "-n -s syslog: {logged:#?}");
}

/// Kills a daemonised process (found by its PID file) on drop.
struct Daemonised(PathBuf);

impl Drop for Daemonised {
    fn drop(&mut self) {
        if let Some(pid) = pid_file_text(&self.0) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

#[test]
fn without_n_the_daemon_backgrounds_and_logs_to_syslog_only() {
    let Some(env) = env("without_n_the_daemon_backgrounds_and_logs_to_syslog_only") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let log_sock = t.dir.join("log.sock");
    let syslog = listener(
        None,
        &t.dir,
        "syslog",
        &["dgram", log_sock.to_str().unwrap()],
    );
    let conf = t.write(
        "bg.conf",
        "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n",
    );
    let pidfile = t.dir.join("bg.pid");
    let sock = t.dir.join("bg.sock");
    let _guard = Daemonised(pidfile.clone());
    let mut cmd = with_private_dev_log(&t.r, &log_sock, &env.daemon);
    cmd.arg("-f")
        .arg(&conf)
        .arg("-u")
        .arg(&sock)
        .arg("-P")
        .arg(&pidfile)
        .args(["-l", "debug"]);
    let mut p = Proc::spawn(&mut cmd, &t.dir, "bg", false);
    // The program returns at once; its child carries on as the daemon.
    assert_eq!(
        p.wait_exit(Duration::from_secs(5)),
        Some(0),
        "{}",
        p.stderr()
    );
    let text = wait_pid_file(&pidfile, READY_TIMEOUT).expect("PID file of the daemon");
    let pid: u32 = text.trim().parse().unwrap();
    assert_ne!(pid, p.pid, "the PID file names the foreground process");
    assert_eq!((p.stdout(), p.stderr()), (String::new(), String::new()));
    // A session of its own, cwd /, standard streams on /dev/null.
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(") ").unwrap().1.split(' ').collect();
    assert_eq!(fields[3], pid.to_string(), "not a session leader: {stat}");
    assert_eq!(
        fs::read_link(format!("/proc/{pid}/cwd")).unwrap(),
        PathBuf::from("/")
    );
    for fd in 0..=2 {
        let target = fs::read_link(format!("/proc/{pid}/fd/{fd}")).unwrap();
        assert!(
            target.to_string_lossy().ends_with("/null"),
            "fd {fd} -> {}",
            target.display()
        );
    }
    assert!(
        t.r.mfc("10.0.1.2", "225.1.2.3").is_some(),
        "route of the daemon"
    );
    let want = format!("smcroute[{pid}]: Ready, waiting for client request or kernel event.");
    assert!(
        wait_for(Duration::from_secs(2), || messages(&syslog)
            .iter()
            .any(|m| m.ends_with(&want))),
        "syslog: {:?}",
        messages(&syslog)
    );
    must(std::process::Command::new("kill").arg(pid.to_string()));
    assert!(
        wait_for(Duration::from_secs(5), || !pidfile.exists()
            && !sock.exists()),
        "daemon did not exit on SIGTERM"
    );
}

#[test]
fn log_level_l_masks_lines() {
    let Some(env) = env("log_level_l_masks_lines") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = "mroute from a1 group 225.3.3.3 to a2\n";
    let not_exec = t.write("not-exec.sh", "#!/bin/sh\nexit 0\n");
    let not_exec = not_exec.to_str().unwrap();
    let debug_line = "New multicast data from 10.0.1.2 to group 225.3.3.3 on a1";
    let info_line = "does not match any (*,G) rule";
    let err_line = format!("{not_exec} is not executable.");
    // (level, shows debug, shows info, shows notice, shows err)
    for (level, debug, info, notice, err) in [
        ("debug", true, true, true, true),
        ("info", false, true, true, true),
        ("notice", false, false, true, true),
        ("err", false, false, false, true),
        ("none", false, false, false, false),
    ] {
        if env.is_legacy() && level == "none" {
            continue; // SMCRoute logs everything at -l none (README "Differences").
        }
        let mut d = start(
            &t,
            &env.daemon,
            conf,
            &["-l", level, "-e", not_exec, "-c", "0"],
            &[],
        );
        t.learn("s1", "225.3.3.3", 5502);
        t.send("s1", "225.9.9.9", 5502, 1);
        assert!(wait_for(Duration::from_secs(3), || t
            .r
            .mfc("10.0.1.2", "225.9.9.9")
            .is_some()));
        // The daemon carries on without the hook.
        assert_eq!(d.ctl(&env.ctl, &["-t", "show"]).code, 0);
        assert_eq!(d.proc.stop(), 0);
        let texts = stderr_texts(&d.proc.stderr(), "smcroute", d.proc.pid);
        let has = |s: &str| texts.iter().any(|l| l.contains(s));
        assert_eq!(has(debug_line), debug, "-l {level}: debug line\n{texts:#?}");
        assert_eq!(has(info_line), info, "-l {level}: info line\n{texts:#?}");
        assert_eq!(
            has("Exiting."),
            notice,
            "-l {level}: notice line\n{texts:#?}"
        );
        assert_eq!(
            texts.contains(&err_line),
            err,
            "-l {level}: err line\n{texts:#?}"
        );
    }
}
