//! Processes of the option tests: the daemon started with any command line (not the
//! harness's fixed `-n -f -u -P -l debug`), its stdout and stderr kept apart, and the
//! listeners of `tests/tools/listen.py` (syslog, systemd notify, mrdisc capture).
//!
//! Test files include it with `#[path = "common/spawn.rs"] mod spawn;` after `mod common;`
//! (it is not declared in `common/mod.rs`, so other test crates do not build it).
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::common::{repo, wait_for, Ns};

static SEQ: AtomicU32 = AtomicU32::new(0);

/// The listener helper.
pub fn listen_py() -> PathBuf {
    repo().join("tests/tools/listen.py")
}

/// A unique name for files and identities of this test process.
pub fn unique(tag: &str) -> String {
    format!(
        "smit-{tag}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    )
}

/// Exit code, or 128+signal.
pub fn code_of(st: ExitStatus) -> i32 {
    st.code().unwrap_or_else(|| 128 + st.signal().unwrap_or(0))
}

/// A program run to its end: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command to its end with stdin closed.
pub fn ran(cmd: &mut Command) -> Ran {
    let o = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    Ran {
        code: code_of(o.status),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A command running `program` in `ns`, or in the test's own namespace if `None`.
pub fn in_ns(ns: Option<&Ns>, program: impl AsRef<std::ffi::OsStr>) -> Command {
    match ns {
        Some(ns) => ns.cmd(program),
        None => Command::new(program),
    }
}

/// A command running `program ARGS` in `ns` inside a private mount namespace where
/// `/dev` is a fresh tmpfs holding only `null` and `log`, the latter a bind mount of the
/// socket at `log_sock`: the daemon's syslog goes to the test, nowhere else. Every
/// `exec` keeps the PID, so the child's PID is the program's.
pub fn with_private_dev_log(ns: &Ns, log_sock: &Path, program: &Path) -> Command {
    let mut c = ns.cmd("unshare");
    c.args([
        "-m",
        "--propagation",
        "private",
        "sh",
        "-c",
        "mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && touch /dev/log \
         && mount --bind \"$1\" /dev/log && shift && exec \"$@\"",
        "sh",
    ]);
    c.arg(log_sock).arg(program);
    c
}

/// A command running `program ARGS` in `ns` inside a private mount namespace whose
/// `/etc` is a tmpfs holding only `files` (name, contents): default conf paths under
/// `/etc` without writing to the host's.
pub fn with_private_etc(ns: &Ns, files: &[(&str, &Path)], program: &Path) -> Command {
    let mut script = String::from("mount -t tmpfs none /etc");
    for (k, (name, _)) in files.iter().enumerate() {
        script += &format!(" && cp \"${}\" /etc/{name}", k + 1);
    }
    script += &format!(" && shift {} && exec \"$@\"", files.len());
    let mut c = ns.cmd("unshare");
    c.args(["-m", "--propagation", "private", "sh", "-c", &script, "sh"]);
    for (_, src) in files {
        c.arg(src);
    }
    c.arg(program);
    c
}

/// A background process whose stdout and stderr go to files of their own.
pub struct Proc {
    child: Option<Child>,
    pub pid: u32,
    pub out: PathBuf,
    pub err: PathBuf,
    stdin: Option<ChildStdin>,
    status: Option<ExitStatus>,
    pub started: Instant,
}

impl Proc {
    /// Starts `cmd` with stdout/stderr to `dir/TAG.out` and `dir/TAG.err`; stdin piped
    /// (see [`Proc::say`]) if `piped_stdin`, else closed.
    pub fn spawn(cmd: &mut Command, dir: &Path, tag: &str, piped_stdin: bool) -> Proc {
        let out = dir.join(format!("{tag}.out"));
        let err = dir.join(format!("{tag}.err"));
        let child = cmd
            .stdin(if piped_stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(fs::File::create(&out).expect("stdout file"))
            .stderr(fs::File::create(&err).expect("stderr file"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let mut p = Proc {
            pid: child.id(),
            child: Some(child),
            out,
            err,
            stdin: None,
            status: None,
            started: Instant::now(),
        };
        p.stdin = p.child.as_mut().and_then(|c| c.stdin.take());
        p
    }

    pub fn stdout(&self) -> String {
        fs::read_to_string(&self.out).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Writes one line to the process's stdin.
    pub fn say(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin not piped");
        writeln!(stdin, "{line}").expect("write to stdin");
        stdin.flush().expect("flush stdin");
    }

    /// Closes stdin (listeners then stop).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// True while the process runs.
    pub fn running(&mut self) -> bool {
        if self.status.is_some() {
            return false;
        }
        match self
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
        {
            Some(st) => {
                self.status = Some(st);
                false
            }
            None => true,
        }
    }

    /// Waits for the exit; the code, or `None` on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let end = Instant::now() + timeout;
        loop {
            if !self.running() {
                return self.status.map(code_of);
            }
            if Instant::now() >= end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a signal by name (`HUP`, `TERM`, ...).
    pub fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid.to_string())
            .status()
            .expect("kill");
        assert!(st.success(), "kill -{sig} {} failed", self.pid);
    }

    /// SIGTERM, then SIGKILL after 5 s; the exit code.
    pub fn stop(&mut self) -> i32 {
        if self.running() {
            self.signal("TERM");
        }
        if let Some(code) = self.wait_exit(Duration::from_secs(5)) {
            return code;
        }
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            if let Ok(st) = c.wait() {
                self.status = Some(st);
            }
        }
        self.status.map(code_of).unwrap_or(-1)
    }

    /// Waits until stdout holds a line for which `pred` is true; returns it.
    pub fn wait_line(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let mut found = None;
        wait_for(timeout, || {
            found = self.stdout().lines().find(|l| pred(l)).map(str::to_string);
            found.is_some()
        });
        found
    }

    /// Waits until stderr contains `needle`.
    pub fn wait_stderr(&self, needle: &str, timeout: Duration) -> bool {
        wait_for(timeout, || self.stderr().contains(needle))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stdin = None;
        if self.running() {
            self.stop();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- {} stdout ----\n{}---- stderr ----\n{}----",
                self.out.display(),
                self.stdout(),
                self.stderr()
            );
        }
    }
}

/// A `listen.py` listener: started, and READY on return.
pub fn listener(ns: Option<&Ns>, dir: &Path, tag: &str, args: &[&str]) -> Proc {
    let mut cmd = in_ns(ns, "python3");
    cmd.arg(listen_py()).args(args);
    let mut p = Proc::spawn(&mut cmd, dir, tag, true);
    let ready = wait_for(Duration::from_secs(5), || {
        p.stdout().lines().next() == Some("READY")
    });
    if !ready {
        let _ = p.running();
        panic!("listener {args:?} not ready: {}", p.stderr());
    }
    p
}

/// The messages a `dgram` listener printed so far, unescaped.
pub fn messages(p: &Proc) -> Vec<String> {
    p.stdout()
        .lines()
        .filter_map(|l| l.strip_prefix("MSG "))
        .map(unrepr)
        .collect()
}

/// Undoes Python's `repr` of a str (quotes and the escapes it uses for our text).
fn unrepr(s: &str) -> String {
    let inner = s
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(s);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).map(char::from).unwrap_or('?'));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A PID file's text once it is complete (ends in a newline), or `None`.
pub fn pid_file_text(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok().filter(|t| t.ends_with('\n'))
}

/// Waits for a complete PID file.
pub fn wait_pid_file(path: &Path, timeout: Duration) -> Option<String> {
    let mut text = None;
    wait_for(timeout, || {
        text = pid_file_text(path);
        text.is_some()
    });
    text
}

/// A daemon started by [`start`]: the process and its paths.
pub struct Started {
    pub proc: Proc,
    pub conf: PathBuf,
    pub sock: PathBuf,
    pub pidfile: PathBuf,
}

impl Started {
    /// Runs `ctl -u SOCK ARGS`.
    pub fn ctl(&self, ctl: &Path, args: &[&str]) -> Ran {
        ran(Command::new(ctl).arg("-u").arg(&self.sock).args(args))
    }

    /// Reloads by SIGHUP and waits for the "Ready" line to appear once more on stderr.
    pub fn reload_hup(&self) {
        let before = self.proc.stderr().matches("Ready, waiting").count();
        self.proc.signal("HUP");
        let ok = wait_for(Duration::from_secs(5), || {
            self.proc.stderr().matches("Ready, waiting").count() > before
        });
        assert!(ok, "reload did not finish:\n{}", self.proc.stderr());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts `bin -n -f CONF -u SOCK -P PID EXTRA...` in the router namespace of `t` with
/// the variables `vars` added to its environment, and waits (8 s at most) for the PID
/// file. `-l` is not given: pass it in `extra` if needed.
pub fn start(
    t: &crate::common::Topology,
    bin: &Path,
    conf_text: &str,
    extra: &[&str],
    vars: &[(&str, &str)],
) -> Started {
    let tag = unique("d");
    let conf = t.write(&format!("{tag}.conf"), conf_text);
    let sock = t.dir.join(format!("{tag}.sock"));
    let pidfile = t.dir.join(format!("{tag}.pid"));
    let mut cmd = t.r.cmd(bin);
    cmd.arg("-n")
        .arg("-f")
        .arg(&conf)
        .arg("-u")
        .arg(&sock)
        .arg("-P")
        .arg(&pidfile)
        .args(extra)
        .envs(vars.iter().copied());
    let mut proc = Proc::spawn(&mut cmd, &t.dir, &tag, false);
    let ok = wait_for(crate::common::READY_TIMEOUT, || {
        pid_file_text(&pidfile).is_some() || !proc.running()
    });
    assert!(
        ok && proc.running(),
        "daemon {extra:?} not ready (exit {:?}); stderr:\n{}",
        proc.wait_exit(Duration::ZERO),
        proc.stderr()
    );
    Started {
        proc,
        conf,
        sock,
        pidfile,
    }
}
