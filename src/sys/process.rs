//! The process itself: identity, daemonising, limits, environment, and the `-e` script
//! hook's children.

use core::ffi::{c_char, CStr};

use super::fs::{CPath, CStrBuf};
use crate::errno::Errno;
use crate::limits::MAX_SCRIPT_ENV;
use crate::net::Addr;

/// `getpid()`.
pub fn getpid() -> i32 {
    super::call::getpid()
}

/// `geteuid()`: smcrouted refuses to start unless this is 0 (spec §5.13). A call on
/// x86_64, where the copy in line in the daemon's start-up came out larger than the
/// call (-20 B .text, r22c).
#[cfg_attr(target_arch = "x86_64", inline(never))]
pub fn geteuid() -> u32 {
    super::call::geteuid()
}

/// See the glibc variant: everywhere else, and in the tests, [`fork_daemonize`].
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
pub use self::fork_daemonize as daemonize;
/// `fork()`, then in the child `setsid()`, `chdir("/")` and standard input, output and
/// error redirected to `/dev/null`; the parent `_exit(0)`s at once. Returns in the child
/// only. That is glibc's `daemon(0, 0)` step for step, so on glibc (linked dynamically,
/// where it costs the program nothing) it is that call ([`system_daemonize`]); other
/// libcs' differ (musl forks twice), so elsewhere it is written out (`fork_daemonize`).
///
/// The PID file is the caller's job, after this returns: the parent is gone by then and
/// `getpid()` is the daemon's.
///
/// # References
/// `man 3 daemon`
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
pub use self::system_daemonize as daemonize;

/// glibc's `daemon(0, 0)` (see [`daemonize`]).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn system_daemonize() -> Result<(), Errno> {
    // SAFETY: as in `fork_daemonize`, whose steps glibc's `daemon` takes.
    super::ret(unsafe { libc::daemon(0, 0) }).map(drop)
}

/// [`daemonize`] written out.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
pub fn fork_daemonize() -> Result<(), Errno> {
    // SAFETY: the daemon is single-threaded when it daemonises, so the child is a full
    // copy of the process and may go on running normal code, none of which relies on
    // libc's cached thread id (see `call::fork`).
    match unsafe { super::call::fork() }? {
        0 => {}
        // Skipping atexit handlers and stdio flushing is exactly right for the parent,
        // whose state now belongs to the child.
        _ => super::call::exit_now(0),
    }
    // Fails only if we lead a process group, which a freshly forked child does not.
    super::call::setsid()?;
    // SAFETY: the path is a NUL-terminated literal.
    unsafe { super::call::chdir(c"/".as_ptr()) }?;
    // SAFETY: the path is a NUL-terminated literal; the descriptor is new and ours.
    let null = unsafe { super::call::open(c"/dev/null".as_ptr(), libc::O_RDWR, 0) }?;
    for std_fd in 0..=2 {
        // `null` is open; `dup2` atomically replaces `std_fd`, which the process owns
        // as its standard stream.
        super::call::dup2(null, std_fd)?;
    }
    if null > 2 {
        // `null` is ours and no longer used; 0..=2 now hold copies.
        let _ = super::call::close(null);
    }
    Ok(())
}

/// `sleep(secs)`, resumed after interrupting signals until the whole time has passed.
pub fn sleep_secs(secs: u32) {
    super::call::nanosleep(secs, 0, true);
}

/// `prlimit(0, RLIMIT_NOFILE)`: raises the soft limit on open files to the hard limit, as
/// SMCRoute does at start (each joined group may cost a socket).
///
/// `prlimit` rather than `setrlimit`: musl's `setrlimit` applies the limit to every thread
/// through `__synccall` (semaphores, rwlocks: ~2.5 KB of a static MIPS build), while a
/// limit set by `prlimit` is per process anyway. And the raw `prlimit64` rather than
/// musl's `prlimit`, which only adds a MIPS-specific clamp of the 32-bit `RLIM_INFINITY`
/// that the 64-bit limits of `prlimit64` do not have.
#[cfg(target_os = "linux")]
pub fn raise_nofile_limit() -> Result<(), Errno> {
    // `struct rlimit64`: current and maximum, 64 bits each on every ABI.
    let mut lim: [u64; 2] = [0; 2];
    let lim_ptr: *mut [u64; 2] = &mut lim;
    let keep: *const [u64; 2] = core::ptr::null();
    let resource = libc::RLIMIT_NOFILE as libc::c_long;
    // SAFETY: no new limit (null); `lim_ptr` points to a live, writable `rlimit64` for
    // the old one.
    let rc = unsafe {
        syscall!(
            libc::SYS_prlimit64,
            0 as libc::c_long,
            resource,
            keep,
            lim_ptr,
        )
    };
    rc?;
    lim[0] = lim[1];
    let lim_ptr: *const [u64; 2] = &lim;
    let old: *mut [u64; 2] = core::ptr::null_mut();
    // SAFETY: `lim_ptr` points to a live `rlimit64`, only read; no old limit wanted.
    let rc = unsafe {
        syscall!(
            libc::SYS_prlimit64,
            0 as libc::c_long,
            resource,
            lim_ptr,
            old,
        )
    };
    rc.map(drop)
}

/// `setrlimit(RLIMIT_NOFILE, {hard, hard})`: raises the soft limit on open files to the
/// hard limit, as SMCRoute does at start (each joined group may cost a socket).
#[cfg(not(target_os = "linux"))]
pub fn raise_nofile_limit() -> Result<(), Errno> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a live, writable `rlimit`.
    super::ret(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) })?;
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: `lim` is a live `rlimit`, only read.
    super::ret(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }).map(drop)
}

/// `getenv(name)`: the variable's value, if set (bytes: its one user, the notification
/// socket's path, needs no text), by a walk of the environment block. Not libc's: musl's
/// links `strncmp` and `strchrnul` for this one call, and on glibc, linked dynamically,
/// an imported function costs its symbol, name, version, GOT slot and relocation (about
/// 70 B), more than the walk (x86_64 smcrouted -16 B against glibc's `getenv`). The value
/// points into the block, which this program never changes (the script hook's
/// environment is a copy, or on glibc edited in the child, see [`run_script`]), so it
/// lives as long as the process.
pub fn getenv(name: &CStr) -> Option<&'static [u8]> {
    let name = name.to_bytes();
    if name.is_empty() || crate::fmt::has_byte(name, b'=') {
        return None;
    }
    let (_, text) = environment().find(|(_, text)| {
        text.strip_prefix(name)
            .is_some_and(|rest| rest.first() == Some(&b'='))
    })?;
    text.get(name.len() + 1..)
}

extern "C" {
    /// The process environment, `NAME=value` strings ending with a null pointer.
    static environ: *const *const c_char;
}

/// The `environ` entries: each C string's pointer and its bytes (NUL excluded).
fn environment() -> impl Iterator<Item = (*const c_char, &'static [u8])> {
    // SAFETY: reading the pointer; the programs are single-threaded and never change
    // their environment, so `environ` is the stable block the process started with.
    let mut entry = unsafe { environ };
    core::iter::from_fn(move || {
        if entry.is_null() {
            return None;
        }
        // SAFETY: `entry` points into the null-terminated `environ` array, at or before
        // its terminating null pointer (we stop there).
        let ptr = unsafe { *entry };
        if ptr.is_null() {
            return None;
        }
        entry = entry.wrapping_add(1);
        // SAFETY: each `environ` entry is a NUL-terminated string that lives as long as
        // the process (see above).
        let text: &'static [u8] = unsafe { super::c_str_bytes(ptr) };
        Some((ptr, text))
    })
}

// ===== script hook =====

/// Environment of a script hook run (spec §5.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptEnv<'a> {
    /// `reload`: `source` and `group` are removed from the child's environment.
    Clear,
    /// `install`: `source=<S>` and `group=<G>` overwrite any inherited values.
    Route {
        /// The source address (written without a prefix length).
        source: &'a Addr,
        /// The group address.
        group: &'a Addr,
    },
}

/// `name=` and an address as long as `INET6_ADDRSTRLEN` (NUL included).
type AddrVar = CStrBuf<{ 7 + 46 }>;

/// True for the inherited variables the script does not get (see [`ScriptEnvp`]).
/// Three tests, not a table of names (16 B of relocated data per name in a PIE).
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn is_replaced(var: &[u8]) -> bool {
    var.starts_with(b"NOTIFY_SOCKET=") || var.starts_with(b"source=") || var.starts_with(b"group=")
}

/// The script's `envp`: the inherited variables but `NOTIFY_SOCKET`, `source` and
/// `group`, then our `source=`/`group=` if given, and the null pointer. It borrows the
/// strings it points to.
// Never made on glibc, whose script child edits its own environment instead
// (`system_script_env`) and hands `exec_script` no `ScriptEnvp`.
#[cfg_attr(
    all(target_os = "linux", target_env = "gnu", not(test)),
    allow(dead_code)
)]
struct ScriptEnvp<'a> {
    ptrs: [*const c_char; MAX_SCRIPT_ENV + 3],
    /// Inherited variables beyond [`MAX_SCRIPT_ENV`], not passed on.
    left_out: usize,
    _vars: core::marker::PhantomData<&'a AddrVar>,
}

impl<'a> ScriptEnvp<'a> {
    #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
    fn new(vars: Option<&'a (AddrVar, AddrVar)>) -> Self {
        let mut ptrs = [core::ptr::null(); MAX_SCRIPT_ENV + 3];
        let (mut len, mut left_out) = (0, 0);
        for (ptr, text) in environment() {
            if !is_replaced(text) {
                match ptrs.get_mut(len).filter(|_| len < MAX_SCRIPT_ENV) {
                    Some(slot) => {
                        *slot = ptr;
                        len += 1;
                    }
                    None => left_out += 1,
                }
            }
        }
        if let Some((source, group)) = vars {
            for &ptr in &[source.as_ptr(), group.as_ptr()] {
                if let Some(slot) = ptrs.get_mut(len) {
                    *slot = ptr;
                    len += 1;
                }
            }
        }
        Self {
            ptrs,
            left_out,
            _vars: core::marker::PhantomData,
        }
    }
}

/// `name=value` as a C string (tests; [`run_script`] fills its pair in place).
#[cfg(test)]
fn var(name: &str, value: &str) -> Result<AddrVar, Errno> {
    let mut v = AddrVar::empty();
    v.set(&[name, value])?;
    Ok(v)
}

/// `fork()`, then in the child `execve(path, [path, arg], envp)`: runs the `-e` script
/// without a shell. Its environment is ours without `NOTIFY_SOCKET` (the script is not
/// the main process), with `source`/`group` set or cleared as `env` says (at most
/// [`MAX_SCRIPT_ENV`] inherited variables are kept); the child also restores `SIGPIPE`,
/// which the daemon ignores. If `execve` fails it `_exit(127)`s, like a shell. Returns
/// the child's pid and how many inherited variables were left out; [`reap_children`]
/// collects the child.
///
/// # References
/// `man 2 fork`, `man 2 execve`
pub fn run_script(path: &str, arg: &str, env: ScriptEnv<'_>) -> Result<Started, Errno> {
    // Everything is built before the fork, so the child only makes calls.
    let (mut c_path, mut c_arg) = (CPath::empty(), CStrBuf::<32>::empty());
    c_path.set(&[path])?;
    c_arg.set(&[arg])?;
    let (path, arg) = (&c_path, &c_arg);
    // Filled in place: no copies of the buffers through `Result`s.
    let mut pair = (AddrVar::empty(), AddrVar::empty());
    let vars = match env {
        ScriptEnv::Clear => None,
        ScriptEnv::Route { source, group } => {
            set_addr_var(&mut pair.0, "source=", source)?;
            set_addr_var(&mut pair.1, "group=", group)?;
            Some(&pair)
        }
    };
    #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
    let envp = ScriptEnvp::new(vars);
    // SAFETY: the daemon is single-threaded; the child only calls `exec_script` (on
    // glibc after `system_script_env`), which never returns and does not rely on libc's
    // cached thread id (see `call::fork`).
    let pid = unsafe { super::call::fork() }?;
    if pid == 0 {
        #[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
        {
            system_script_env(vars);
            exec_script(path, arg, None);
        }
        #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
        exec_script(path, arg, Some(&envp));
    }
    Ok(Started {
        pid,
        #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
        env_left_out: envp.left_out,
        #[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
        env_left_out: 0,
    })
}

/// Makes `var` `name` and the text of `addr` (`source=<S>`, `group=<G>`): the text is made
/// here, where it is copied into the variable. Not inlined: one copy of the two calls for
/// both variables (x86_64 -32 B).
#[inline(never)]
fn set_addr_var(var: &mut AddrVar, name: &str, addr: &Addr) -> Result<(), Errno> {
    var.set(&[name, addr.text().as_str()])
}

/// On glibc (linked dynamically, so free), the script child edits its own environment
/// with glibc's `unsetenv` and `putenv` before it `execve`s with it: no copy of the
/// environment's pointers is built, and nothing is left out. `vars` (`source=<S>` and
/// `group=<G>`) stay alive in the child until its `execve`, as `putenv` needs.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
// In line in the script's child on x86_64 (-26 B).
#[cfg_attr(target_arch = "x86_64", inline(always))]
fn system_script_env(vars: Option<&(AddrVar, AddrVar)>) {
    // A call per name, not a loop over an array of them built on the stack (-52 B on x86_64).
    let unset = |name: &CStr| {
        // SAFETY: `name` is NUL-terminated; the child is single-threaded.
        unsafe { libc::unsetenv(name.as_ptr()) };
    };
    unset(c"NOTIFY_SOCKET");
    unset(c"source");
    unset(c"group");
    if let Some((source, group)) = vars {
        let put = |var: &AddrVar| {
            // SAFETY: a NUL-terminated `name=value` that outlives its use (see above);
            // glibc never writes through the pointer.
            unsafe { libc::putenv(var.as_ptr().cast_mut()) };
        };
        put(source);
        put(group);
    }
}

/// A script started by [`run_script`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Started {
    /// The child's pid.
    pub pid: i32,
    /// Inherited variables left out of its environment ([`MAX_SCRIPT_ENV`]).
    pub env_left_out: usize,
}

/// The child side of [`run_script`]: no allocation, only system calls. `envp` `None`
/// passes the process environment (glibc's child, [`system_script_env`]). In line in
/// its caller on x86_64 (-11 B).
#[cfg_attr(target_arch = "x86_64", inline(always))]
fn exec_script(path: &CPath, arg: &CStrBuf<32>, envp: Option<&ScriptEnvp<'_>>) -> ! {
    // An ignored signal stays ignored across exec; scripts expect the default.
    let _ = super::signal::set_default(libc::SIGPIPE);
    let argv: [*const c_char; 3] = [path.as_ptr(), arg.as_ptr(), core::ptr::null()];
    let envp = match envp {
        Some(envp) => envp.ptrs.as_ptr(),
        // SAFETY: reading the pointer; the child is single-threaded.
        None => unsafe { environ },
    };
    // SAFETY: `path` and every `argv` and `envp` entry are NUL-terminated strings alive
    // for the call, and both arrays end with a null pointer.
    let _ = unsafe { super::call::execve(path.as_ptr(), argv.as_ptr(), envp) };
    // Nothing of the parent's may be flushed from here.
    super::call::exit_now(127)
}

/// `waitpid(-1, &status, WNOHANG)` until no exited child is left: collects finished
/// script hooks (on `SIGCHLD`) and returns how many were reaped.
pub fn reap_children() -> usize {
    let mut reaped = 0;
    loop {
        let mut status = 0;
        // SAFETY: `status` is a live, writable `int`.
        let pid = unsafe { super::call::waitpid(-1, &mut status, libc::WNOHANG) };
        if !matches!(pid, Ok(pid) if pid > 0) {
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
        let long = std::ffi::CString::new("x".repeat(100)).unwrap();
        let path = std::env::var("PATH").unwrap();
        assert_eq!(getenv(c"PATH"), Some(path.as_bytes()));
        assert_eq!(getenv(c"SMCROUTE_SURELY_UNSET_VARIABLE"), None);
        assert_eq!(getenv(&long), None);
        assert_eq!(getenv(c""), None);
        assert_eq!(getenv(c"PATH=/bin"), None);
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
        daemonizes_with(fork_daemonize);
        #[cfg(target_env = "gnu")]
        daemonizes_with(system_daemonize);
    }

    fn daemonizes_with(daemonize: fn() -> Result<(), Errno>) {
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
                "#!/bin/sh\necho \"$0|$1|$#|${{source-unset}}|${{group-unset}}|${{NOTIFY_SOCKET-unset}}|${{KEPT-unset}}\" >> {}\n",
                out.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let script = script.to_str().unwrap().to_string();
        let status = in_child(|| {
            std::env::set_var("NOTIFY_SOCKET", "/run/systemd/notify");
            std::env::set_var("source", "inherited");
            std::env::set_var("KEPT", "kept");
            let (source, group) = (Addr::V4([10, 0, 0, 1]), Addr::V4([225, 1, 2, 3]));
            let env = ScriptEnv::Route {
                source: &source,
                group: &group,
            };
            let pid = run_script(&script, "install", env).unwrap().pid;
            assert_eq!(wait_exit(pid), 0);
            let pid = run_script(&script, "reload", ScriptEnv::Clear).unwrap().pid;
            assert_eq!(wait_exit(pid), 0);
            // The parent's environment is untouched.
            getenv(c"source") == Some(&b"inherited"[..]) && getenv(c"NOTIFY_SOCKET").is_some()
        });
        assert_eq!(status, 0);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            format!(
                "{script}|install|1|10.0.0.1|225.1.2.3|unset|kept\n{script}|reload|1|unset|unset|unset|kept\n"
            )
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// glibc's child: `NOTIFY_SOCKET` and the inherited `source`/`group` removed, ours
    /// set for a route, the rest kept.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn system_script_env_edits_the_childs_environment() {
        let status = in_child(|| {
            std::env::set_var("NOTIFY_SOCKET", "/run/systemd/notify");
            std::env::set_var("source", "inherited");
            std::env::set_var("group", "inherited");
            std::env::set_var("KEPT", "kept");
            let vars = (
                var("source=", "10.0.0.1").unwrap(),
                var("group=", "225.1.1.1").unwrap(),
            );
            system_script_env(Some(&vars));
            let get = |name: &str| std::env::var(name).ok();
            let route = get("NOTIFY_SOCKET").is_none()
                && get("source").as_deref() == Some("10.0.0.1")
                && get("group").as_deref() == Some("225.1.1.1")
                && get("KEPT").as_deref() == Some("kept");
            system_script_env(None);
            route
                && get("source").is_none()
                && get("group").is_none()
                && get("KEPT").as_deref() == Some("kept")
        });
        assert_eq!(status, 0);
    }

    #[test]
    fn script_environment_is_capped_but_keeps_ours() {
        let status = in_child(|| {
            for i in 0..MAX_SCRIPT_ENV + 10 {
                std::env::set_var(format!("FILLER{i}"), "x");
            }
            let vars = (
                var("source=", "10.0.0.1").unwrap(),
                var("group=", "225.1.1.1").unwrap(),
            );
            let envp = ScriptEnvp::new(Some(&vars));
            let set: Vec<&CStr> = envp
                .ptrs
                .iter()
                .take_while(|p| !p.is_null())
                // SAFETY: every non-null entry is a live NUL-terminated string.
                .map(|&p| unsafe { CStr::from_ptr(p) })
                .collect();
            set.len() == MAX_SCRIPT_ENV + 2
                && set[MAX_SCRIPT_ENV..] == [c"source=10.0.0.1", c"group=225.1.1.1"]
                && envp.left_out >= 10
        });
        assert_eq!(status, 0);
    }

    #[test]
    fn failed_exec_exits_127() {
        let pid = run_script("/nonexistent/hook", "reload", ScriptEnv::Clear)
            .unwrap()
            .pid;
        assert_eq!(wait_exit(pid), 127);
        assert_eq!(
            run_script(&"x".repeat(300), "reload", ScriptEnv::Clear),
            Err(Errno::new(libc::ENAMETOOLONG))
        );
        // The longest address text fits its variable.
        let widest = Addr::parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").unwrap();
        let mut v = AddrVar::empty();
        assert_eq!(v.set(&["source=", widest.text().as_str()]), Ok(()));
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
