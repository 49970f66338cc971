//! The process itself: identity, daemonising, limits, environment, and the `-e` script
//! hook's children.

use core::ffi::{c_char, CStr};

use super::fs::{CPath, CStrBuf};
use super::ret;
use crate::errno::Errno;

/// `getpid()`.
pub fn getpid() -> i32 {
    // SAFETY: `getpid` has no preconditions and cannot fail.
    unsafe { libc::getpid() }
}

/// `geteuid()`: smcrouted refuses to start unless this is 0 (spec §5.13).
pub fn geteuid() -> u32 {
    // SAFETY: `geteuid` has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// `fork()`, then in the child `setsid()`, `chdir("/")` and standard input, output and
/// error redirected to `/dev/null`; the parent `_exit(0)`s at once (like `daemon(0, 0)`,
/// written out so every libc behaves the same). Returns in the child only.
///
/// The PID file is the caller's job, after this returns: the parent is gone by then and
/// `getpid()` is the daemon's.
///
/// # References
/// `man 3 daemon`
pub fn daemonize() -> Result<(), Errno> {
    // SAFETY: the daemon is single-threaded when it daemonises, so the child is a full
    // copy of the process and may go on running normal code.
    match ret(unsafe { libc::fork() })? {
        0 => {}
        // SAFETY: `_exit` never returns; skipping atexit handlers and stdio flushing is
        // exactly right for the parent, whose state now belongs to the child.
        _ => unsafe { libc::_exit(0) },
    }
    // SAFETY: no pointer arguments; fails only if we lead a process group, which a
    // freshly forked child does not.
    ret(unsafe { libc::setsid() })?;
    // SAFETY: the path is a NUL-terminated literal.
    ret(unsafe { libc::chdir(c"/".as_ptr()) })?;
    // SAFETY: the path is a NUL-terminated literal; the descriptor is new and ours.
    let null = ret(unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) })?;
    for std_fd in 0..=2 {
        // SAFETY: `null` is open; `dup2` atomically replaces `std_fd`, which the
        // process owns as its standard stream.
        ret(unsafe { libc::dup2(null, std_fd) })?;
    }
    if null > 2 {
        // SAFETY: `null` is ours and no longer used; 0..=2 now hold copies.
        unsafe { libc::close(null) };
    }
    Ok(())
}

/// `sleep(secs)`, resumed after interrupting signals until the whole time has passed.
pub fn sleep_secs(secs: u32) {
    let mut left = secs;
    while left > 0 {
        // SAFETY: `sleep` has no preconditions.
        left = unsafe { libc::sleep(left) };
    }
}

/// `setrlimit(RLIMIT_NOFILE, {hard, hard})`: raises the soft limit on open files to the
/// hard limit, as SMCRoute does at start (each joined group may cost a socket).
pub fn raise_nofile_limit() -> Result<(), Errno> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a live, writable `rlimit`.
    ret(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) })?;
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: `lim` is a live `rlimit`, only read.
    ret(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }).map(drop)
}

/// `getenv(name)`: the variable's value, if set and UTF-8.
///
/// The value points into the environment block, which this program never changes in
/// its own process (the script hook's `setenv` runs in the forked child), so it lives
/// as long as the process.
pub fn getenv(name: &str) -> Option<&'static str> {
    let name = CStrBuf::<64>::new(name).ok()?;
    // SAFETY: `name` is NUL-terminated and outlives the call.
    let value = unsafe { libc::getenv(name.as_ptr()) };
    if value.is_null() {
        return None;
    }
    // SAFETY: a non-null `getenv` result is a NUL-terminated string that stays valid
    // until the environment is modified, which this process never does (see above).
    let value: &'static CStr = unsafe { CStr::from_ptr(value) };
    value.to_str().ok()
}

// ===== script hook =====

/// Environment of a script hook run (spec §5.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptEnv<'a> {
    /// `reload`: `source` and `group` are removed from the child's environment.
    Clear,
    /// `install`: `source=<S>` and `group=<G>` overwrite any inherited values.
    Route {
        /// The source address as text (no prefix length).
        source: &'a str,
        /// The group address as text (no prefix length).
        group: &'a str,
    },
}

/// Address text as long as `INET6_ADDRSTRLEN`, NUL included.
type AddrText = CStrBuf<46>;

/// `fork()`, then in the child `execv(path, [path, arg])`: runs the `-e` script without
/// a shell. The child first drops `NOTIFY_SOCKET` (the script is not the main process),
/// sets or clears `source`/`group` as `env` says, and restores `SIGPIPE`, which the
/// daemon ignores; if `execv` fails it `_exit(127)`s, like a shell. Returns the
/// child's pid; [`reap_children`] collects it.
///
/// # References
/// `man 2 fork`, `man 3 execv`
pub fn run_script(path: &str, arg: &str, env: ScriptEnv<'_>) -> Result<i32, Errno> {
    // Every C string is built before the fork, so the child only makes calls.
    let path = CPath::new(path)?;
    let arg = CStrBuf::<32>::new(arg)?;
    let vars = match env {
        ScriptEnv::Clear => None,
        ScriptEnv::Route { source, group } => Some((AddrText::new(source)?, AddrText::new(group)?)),
    };
    // SAFETY: the daemon is single-threaded; the child only calls `exec_script`, which
    // never returns.
    let pid = ret(unsafe { libc::fork() })?;
    if pid == 0 {
        exec_script(&path, &arg, vars.as_ref());
    }
    Ok(pid)
}

/// The child side of [`run_script`]. `setenv` may allocate inside libc: acceptable here
/// because it runs only in the forked child of a single-threaded process (no lock can
/// be held by another thread) and the process image is replaced right after.
fn exec_script(path: &CPath, arg: &CStrBuf<32>, vars: Option<&(AddrText, AddrText)>) -> ! {
    // SAFETY: the name is a NUL-terminated literal.
    unsafe { libc::unsetenv(c"NOTIFY_SOCKET".as_ptr()) };
    match vars {
        Some((source, group)) => {
            // SAFETY: name and value are NUL-terminated and outlive the call.
            unsafe { libc::setenv(c"source".as_ptr(), source.as_ptr(), 1) };
            // SAFETY: name and value are NUL-terminated and outlive the call.
            unsafe { libc::setenv(c"group".as_ptr(), group.as_ptr(), 1) };
        }
        None => {
            // SAFETY: the name is a NUL-terminated literal.
            unsafe { libc::unsetenv(c"source".as_ptr()) };
            // SAFETY: the name is a NUL-terminated literal.
            unsafe { libc::unsetenv(c"group".as_ptr()) };
        }
    }
    // An ignored signal stays ignored across exec; scripts expect the default.
    // SAFETY: setting a default disposition has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let argv: [*const c_char; 3] = [path.as_ptr(), arg.as_ptr(), core::ptr::null()];
    // SAFETY: `path` and every `argv` entry are NUL-terminated strings alive for the call,
    // and `argv` ends with a null pointer.
    unsafe { libc::execv(path.as_ptr(), argv.as_ptr()) };
    // SAFETY: `_exit` never returns; nothing of the parent's may be flushed from here.
    unsafe { libc::_exit(127) }
}

/// `waitpid(-1, &status, WNOHANG)` until no exited child is left: collects finished
/// script hooks (on `SIGCHLD`) and returns how many were reaped.
pub fn reap_children() -> usize {
    let mut reaped = 0;
    loop {
        let mut status = 0;
        // SAFETY: `status` is a live, writable `int`.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return reaped;
        }
        reaped += 1;
    }
}

// ===== tests =====

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Runs `f` in a forked child and returns its exit status (0 when `f` returns true).
    /// The child never returns to the test harness: a panic becomes status 101.
    /// Tests that change process-wide state (signals, uid, environment) run here.
    pub(crate) fn in_child(f: impl FnOnce() -> bool) -> i32 {
        // SAFETY: the child runs only `f` and then `_exit`s. (glibc's fork keeps malloc
        // usable in the child of a multi-threaded test harness.)
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let code = match ok {
                Ok(true) => 0,
                Ok(false) => 1,
                Err(_) => 101,
            };
            // SAFETY: leaves the child without running the harness's atexit handlers.
            unsafe { libc::_exit(code) };
        }
        wait_exit(pid)
    }

    /// `waitpid(pid)` → exit status, or 128+signal.
    pub(crate) fn wait_exit(pid: i32) -> i32 {
        let mut status = 0;
        // SAFETY: `status` is a live, writable `int`.
        let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(rc, pid, "waitpid");
        if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            128 + libc::WTERMSIG(status)
        }
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("smcroute-proc-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn identity() {
        assert_eq!(getpid(), std::process::id() as i32);
        // SAFETY: no preconditions.
        assert_eq!(geteuid(), unsafe { libc::geteuid() });
    }

    #[test]
    fn environment() {
        assert!(getenv("PATH").is_some());
        assert_eq!(getenv("SMCROUTE_SURELY_UNSET_VARIABLE"), None);
        assert_eq!(getenv(&"x".repeat(100)), None);
        assert_eq!(getenv("a\0b"), None);
    }

    #[test]
    fn nofile_limit_reaches_hard_limit() {
        let status = in_child(|| {
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: `lim` is a live `rlimit`.
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
            lim.rlim_cur = lim.rlim_max.min(64);
            // SAFETY: `lim` is a live `rlimit`.
            unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
            raise_nofile_limit().unwrap();
            // SAFETY: `lim` is a live `rlimit`.
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
            lim.rlim_cur == lim.rlim_max
        });
        assert_eq!(status, 0);
    }

    #[test]
    fn sleeps() {
        let t = std::time::Instant::now();
        sleep_secs(0);
        sleep_secs(1);
        assert!(t.elapsed() >= std::time::Duration::from_secs(1));
    }

    #[test]
    fn daemonizes_into_a_new_session() {
        let (mut rd, wr) = std::os::unix::net::UnixStream::pair().unwrap();
        let status = in_child(move || {
            let mut wr = wr;
            daemonize().unwrap();
            // Now in the grandchild: report, then leave through in_child's `_exit`.
            // SAFETY: no preconditions.
            let leader = unsafe { libc::getsid(0) } == getpid();
            let cwd = std::env::current_dir().unwrap();
            let stdin = std::fs::read_link("/proc/self/fd/0").unwrap();
            let stderr = std::fs::read_link("/proc/self/fd/2").unwrap();
            use std::io::Write;
            writeln!(
                wr,
                "{leader} {} {} {}",
                cwd.display(),
                stdin.display(),
                stderr.display()
            )
            .unwrap();
            true
        });
        // The parent of the daemon exits 0 at once.
        assert_eq!(status, 0);
        let mut report = String::new();
        use std::io::Read;
        rd.read_to_string(&mut report).unwrap();
        assert_eq!(report, "true / /dev/null /dev/null\n");
    }

    #[test]
    fn runs_scripts_with_their_environment() {
        let dir = temp_dir("script");
        let out = dir.join("out");
        let script = dir.join("hook.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$0|$1|$#|${{source-unset}}|${{group-unset}}|${{NOTIFY_SOCKET-unset}}\" >> {}\n",
                out.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let script = script.to_str().unwrap().to_string();
        let status = in_child(|| {
            std::env::set_var("NOTIFY_SOCKET", "/run/systemd/notify");
            std::env::set_var("source", "inherited");
            let env = ScriptEnv::Route {
                source: "10.0.0.1",
                group: "225.1.2.3",
            };
            let pid = run_script(&script, "install", env).unwrap();
            assert_eq!(wait_exit(pid), 0);
            let pid = run_script(&script, "reload", ScriptEnv::Clear).unwrap();
            assert_eq!(wait_exit(pid), 0);
            // The parent's environment is untouched.
            getenv("source") == Some("inherited") && getenv("NOTIFY_SOCKET").is_some()
        });
        assert_eq!(status, 0);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            format!(
                "{script}|install|1|10.0.0.1|225.1.2.3|unset\n{script}|reload|1|unset|unset|unset\n"
            )
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn failed_exec_exits_127() {
        let pid = run_script("/nonexistent/hook", "reload", ScriptEnv::Clear).unwrap();
        assert_eq!(wait_exit(pid), 127);
        assert_eq!(
            run_script(&"x".repeat(300), "reload", ScriptEnv::Clear),
            Err(Errno(libc::ENAMETOOLONG))
        );
        let long = ScriptEnv::Route {
            source: &"1".repeat(60),
            group: "225.1.2.3",
        };
        assert_eq!(
            run_script("/bin/true", "install", long),
            Err(Errno(libc::ENAMETOOLONG))
        );
    }

    #[test]
    fn reaps_every_exited_child() {
        // In a child of our own, so `waitpid(-1)` cannot steal other tests' children.
        let status = in_child(|| {
            if reap_children() != 0 {
                return false;
            }
            for _ in 0..3 {
                run_script("/bin/true", "x", ScriptEnv::Clear).unwrap();
            }
            let mut reaped = 0;
            for _ in 0..200 {
                reaped += reap_children();
                if reaped == 3 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            reaped == 3 && reap_children() == 0
        });
        assert_eq!(status, 0);
    }
}
