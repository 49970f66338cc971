//! `smcrouted`'s command line (spec §1) and exit codes (§7.4) against the real daemon:
//! `-h -v -i/-I -P -u -d -D -N -t`, bad options, not root, identity-derived default paths,
//! the PID file as readiness signal, a busy multicast routing socket (69), and graceful
//! exit by SIGTERM, SIGINT and `smcroutectl kill` (`MRT_DONE`).
//!
//! Where SMCRoute 2.5.6 has the option, its texts and exit codes are compared with the C
//! reference's (Debian builds it with `/run` where we have `/var/run`).
//! Exit 76 (no multicast routing in the kernel) cannot be provoked on this kernel, which
//! has `CONFIG_IP_MROUTE`: the mapping from `ENOPROTOOPT`/`EOPNOTSUPP` to 76 is covered
//! by the unit tests of `sys::mroute` only.

mod common;
#[path = "common/spawn.rs"]
mod spawn;

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;
use spawn::*;

/// Default directories of the build under test (`SMCROUTE_SYSCONFDIR`/`RUNSTATEDIR`).
fn sysconfdir() -> &'static str {
    option_env!("SMCROUTE_SYSCONFDIR").unwrap_or("/etc")
}
fn runstatedir() -> &'static str {
    option_env!("SMCROUTE_RUNSTATEDIR").unwrap_or("/var/run")
}

/// The C reference's text with its directories replaced by ours.
fn c_text_with_our_paths(text: &str) -> String {
    text.replace(" /run/", &format!(" {}/", runstatedir()))
        .replace(" /etc/", &format!(" {}/", sysconfdir()))
}

fn daemon_run(bin: &Path, args: &[&str]) -> Ran {
    ran(Command::new(bin).args(args))
}

/// The three lines of `-h` that carry the identity's default paths, and the `-i` line.
fn path_lines(ident: &str) -> Vec<String> {
    vec![
        format!(
            "  -f FILE         Configuration file, default use ident NAME: {}/{ident}.conf",
            sysconfdir()
        ),
        format!(
            "  -i NAME         Identity for .conf/.pid/.sock file, and syslog, default: {ident}"
        ),
        format!(
            "                  Default use ident NAME: {}/{ident}.pid",
            runstatedir()
        ),
        format!(
            "                  Default use ident NAME: {}/{ident}.sock",
            runstatedir()
        ),
    ]
}

#[test]
fn help_version_and_bad_options() {
    let Some(env) = env("help_version_and_bad_options") else {
        return;
    };
    // Pointed at the C 2.5.6 binary (to validate this test), paths are Debian's.
    let path_lines = |ident: &str| -> Vec<String> {
        let ours = path_lines(ident);
        if env.is_legacy() {
            return ours
                .iter()
                .map(|l| l.replace(runstatedir(), "/run"))
                .collect();
        }
        ours
    };
    let bin = env.daemon.to_str().unwrap();
    let help = daemon_run(&env.daemon, &["-h"]);
    assert_eq!((help.code, help.stderr.as_str()), (0, ""), "-h: {help:?}");
    assert!(
        help.stdout.starts_with("Usage:\n  smcrouted [-hnNsv] "),
        "{}",
        help.stdout
    );
    for line in path_lines("smcroute") {
        assert!(
            help.stdout.lines().any(|l| l == line),
            "-h lacks {line:?}:\n{}",
            help.stdout
        );
    }
    // `-i NAME` (and its alias `-I`) before `-h` changes every default path in the text.
    for opt in ["-i", "-I"] {
        let named = daemon_run(&env.daemon, &[opt, "mr2", "-h"]);
        assert_eq!(named.code, 0);
        for line in path_lines("mr2") {
            assert!(
                named.stdout.lines().any(|l| l == line),
                "{opt} mr2 -h lacks {line:?}:\n{}",
                named.stdout
            );
        }
        let others = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.contains("smcroute") && !l.contains("mr2"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            others(&named.stdout),
            others(&help.stdout),
            "{opt}: other lines"
        );
    }

    let version = daemon_run(&env.daemon, &["-v"]);
    if !env.is_legacy() {
        assert_eq!(
            version.stdout,
            "SMCRoute v2.6.0\n\nBug report address: https://github.com/troglobit/smcroute/issues\n\
             Project homepage:   https://troglobit.com/smcroute.html\n"
        );
    }
    assert_eq!((version.code, version.stderr.as_str()), (0, ""));

    // getopt's messages name the program as invoked; the usage text follows on stdout.
    let bad = daemon_run(&env.daemon, &["-x"]);
    assert_eq!(bad.code, 64, "unknown option: {bad:?}");
    assert_eq!(bad.stderr, format!("{bin}: invalid option -- 'x'\n"));
    assert_eq!(bad.stdout, help.stdout, "usage after an unknown option");
    let missing = daemon_run(&env.daemon, &["-n", "-f"]);
    assert_eq!(missing.code, 64, "missing argument: {missing:?}");
    assert_eq!(
        missing.stderr,
        format!("{bin}: option requires an argument -- 'f'\n")
    );
    assert_eq!(missing.stdout, help.stdout);

    let table = daemon_run(&env.daemon, &["-t", "-1"]);
    assert_eq!(table.code, 64, "-t -1: {table:?}");
    assert_eq!(table.stdout, help.stdout, "usage after -t -1");
    if !env.is_legacy() {
        // README "Differences": we also say why.
        assert_eq!(
            table.stderr,
            "smcrouted: Invalid multicast routing table ID, must be 0 or more.\n"
        );
    }

    for m in ["3", "181", "0", "x"] {
        let o = daemon_run(&env.daemon, &["-m", m]);
        assert_eq!(o.code, 1, "-m {m}: {o:?}");
        assert_eq!(
            o.stderr,
            "smcrouted: Invalid mrdisc announcement interval, 4-180.\n"
        );
        assert_eq!(o.stdout, "", "-m {m} prints no usage");
    }

    // The same texts and codes as SMCRoute 2.5.6, paths aside.
    if env.have_reference() {
        let cref = env.ref_daemon.to_str().unwrap();
        for args in [
            &["-h"][..],
            &["-i", "mr2", "-h"],
            &["-I", "mr2", "-h"],
            &["-x"],
            &["-n", "-f"],
            &["-t", "-1"],
            &["-m", "3"],
            &["-m", "181"],
        ] {
            let ours = daemon_run(&env.daemon, args);
            let theirs = daemon_run(&env.ref_daemon, args);
            assert_eq!(ours.code, theirs.code, "{args:?}: exit code");
            assert_eq!(
                ours.stdout,
                if env.is_legacy() {
                    theirs.stdout.clone()
                } else {
                    c_text_with_our_paths(&theirs.stdout)
                },
                "{args:?}: stdout differs from SMCRoute's"
            );
            if args != ["-t", "-1"] {
                assert_eq!(
                    ours.stderr.replace(bin, "PROG"),
                    theirs.stderr.replace(cref, "PROG"),
                    "{args:?}: stderr differs from SMCRoute's"
                );
            }
        }
    }
}

/// `smcroute[PID]: TEXT\n` with any PID.
fn is_perror_line(line: &str, text: &str) -> bool {
    line.strip_prefix("smcroute[")
        .and_then(|r| r.split_once("]: "))
        .is_some_and(|(pid, rest)| pid.parse::<u32>().is_ok() && rest == text)
}

#[test]
fn not_root_exits_77() {
    let Some(env) = env("not_root_exits_77") else {
        return;
    };
    let dir = std::env::temp_dir().join(unique("noroot"));
    fs::create_dir_all(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let mut bins = vec![("ours", env.daemon.clone())];
    if env.have_reference() {
        bins.push(("C", env.ref_daemon.clone()));
    }
    for (who, bin) in bins {
        // A copy nobody can surely read and run, wherever the build tree lives. SMCRoute
        // names itself in the message by the base name it was started as.
        let copy = dir.join(format!("smcrouted-{who}"));
        fs::copy(&bin, &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        let sock = dir.join(format!("{who}.sock"));
        let pid = dir.join(format!("{who}.pid"));
        let run = || {
            ran(Command::new("setpriv")
                .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .arg(&copy)
                .args(["-n", "-f", "/dev/null", "-u"])
                .arg(&sock)
                .arg("-P")
                .arg(&pid))
        };
        // A process another test thread forked while fs::copy had the copy open for
        // writing holds that descriptor until it execs: exec then fails with ETXTBSY
        // ("Text file busy") for a few milliseconds. Not the program's doing: run again.
        let mut o = run();
        for _ in 0..50 {
            if !o.stderr.contains("Text file busy") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            o = run();
        }
        assert_eq!(o.code, 77, "{who}: not root: {o:?}");
        assert!(
            is_perror_line(
                o.stderr.trim_end_matches('\n'),
                &format!("Need root privileges to start smcrouted-{who}")
            ) && o.stderr.lines().count() == 1,
            "{who}: stderr {:?}",
            o.stderr
        );
        assert_eq!(o.stdout, "");
        assert!(!sock.exists() && !pid.exists(), "{who}: left files");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Removes `RUNSTATEDIR/NAME.{pid,sock}` when dropped (should a test fail half-way).
struct RunFiles(Vec<PathBuf>);

impl RunFiles {
    fn of(idents: &[&str]) -> RunFiles {
        RunFiles(
            idents
                .iter()
                .flat_map(|i| {
                    ["pid", "sock"].map(|ext| PathBuf::from(format!("{}/{i}.{ext}", runstatedir())))
                })
                .collect(),
        )
    }
}

impl Drop for RunFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = fs::remove_file(p);
        }
    }
}

fn is_socket(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_socket())
}

#[test]
fn identity_gives_default_conf_pid_and_socket_paths() {
    let Some(env) = env("identity_gives_default_conf_pid_and_socket_paths") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    for opt in ["-i", "-I"] {
        let name = unique("ident");
        let _cleanup = RunFiles::of(&[&name]);
        let conf = t.write(
            &format!("{name}.conf"),
            "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n",
        );
        // `/etc/NAME.conf` exists only in the daemon's private mount namespace.
        let mut cmd = with_private_etc(&t.r, &[(&format!("{name}.conf"), &conf)], &env.daemon);
        cmd.args(["-n", opt, &name, "-l", "debug"]);
        let mut p = Proc::spawn(&mut cmd, &t.dir, &name, false);
        let pidfile = PathBuf::from(format!("{}/{name}.pid", runstatedir()));
        let sock = PathBuf::from(format!("{}/{name}.sock", runstatedir()));
        let text = wait_pid_file(&pidfile, READY_TIMEOUT);
        assert_eq!(
            text,
            Some(format!("{}\n", p.pid)),
            "{opt}: PID file {}; stderr:\n{}",
            pidfile.display(),
            p.stderr()
        );
        assert!(is_socket(&sock), "{opt}: no socket at {}", sock.display());
        assert!(
            t.r.mfc("10.0.1.2", "225.1.2.3").is_some(),
            "{opt}: the route of {}/{name}.conf is not installed; stderr:\n{}",
            sysconfdir(),
            p.stderr()
        );
        // smcroutectl finds the daemon by the same identity.
        let o = ran(Command::new(&env.ctl).args([opt, &name, "-t", "show"]));
        assert_eq!(o.code, 0, "{o:?}");
        assert!(o.stdout.contains("(10.0.1.2, 225.1.2.3)"), "{}", o.stdout);
        // The syslog ident, seen in the stderr copy of the log.
        let banner = format!("{name}[{}]: SMCRoute v2.6.0", p.pid);
        if !env.is_legacy() {
            assert!(p.stderr().lines().any(|l| l == banner), "{}", p.stderr());
        }
        assert_eq!(p.stop(), 0);
        assert!(
            !pidfile.exists() && !sock.exists(),
            "{opt}: files left after exit"
        );
    }
}

#[test]
fn pid_file_paths_content_readiness_and_reload_touch() {
    let Some(env) = env("pid_file_paths_content_readiness_and_reload_touch") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    // 300 routes: the PID file must not appear before the last one is in the kernel.
    let n = 300;
    let conf_text: String = (0..n)
        .map(|k| {
            format!(
                "mroute from a1 source 10.0.1.2 group 225.1.{}.{} to a2\n",
                k / 200,
                k % 200 + 1
            )
        })
        .collect();
    let conf = t.write("many.conf", &conf_text);

    // A relative -P NAME is RUNSTATEDIR/NAME.pid.
    let name = unique("pid");
    let _cleanup = RunFiles::of(&[&name]);
    let pidfile = PathBuf::from(format!("{}/{name}.pid", runstatedir()));
    let sock = t.dir.join("rel.sock");
    // A watcher in the router namespace reads the MFC the moment the PID file appears.
    let watch = format!(
        "import os,sys,time\nprint('READY',flush=True)\nend=time.time()+10\n\
         while time.time()<end:\n  if os.path.exists({p:?}):\n    \
         n=len(open('/proc/net/ip_mr_cache').read().splitlines())-1\n    \
         print('ROUTES',n,flush=True)\n    sys.exit(0)\n  time.sleep(0.0005)\n",
        p = pidfile.to_str().unwrap()
    );
    let mut wcmd = t.r.cmd("python3");
    wcmd.args(["-c", &watch]);
    let watcher = Proc::spawn(&mut wcmd, &t.dir, "watcher", false);
    assert!(watcher
        .wait_line(Duration::from_secs(5), |l| l == "READY")
        .is_some());
    let mut cmd = t.r.cmd(&env.daemon);
    cmd.args(["-n", "-f"])
        .arg(&conf)
        .arg("-u")
        .arg(&sock)
        .args(["-P", &name, "-l", "debug"]);
    let mut p = Proc::spawn(&mut cmd, &t.dir, "rel", false);
    let text = wait_pid_file(&pidfile, READY_TIMEOUT);
    assert_eq!(
        text,
        Some(format!("{}\n", p.pid)),
        "PID file; stderr:\n{}",
        p.stderr()
    );
    let seen = watcher.wait_line(Duration::from_secs(5), |l| l.starts_with("ROUTES"));
    assert_eq!(
        seen,
        Some(format!("ROUTES {n}")),
        "routes in the kernel when the PID file appeared"
    );
    assert!(is_socket(&sock), "-u socket");
    assert_eq!(p.stop(), 0);
    assert!(!pidfile.exists(), "relative -P file left");

    // An absolute -P is used as is; its mtime is touched by each reload.
    let conf_text = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";
    let mut d = t.start(&env, conf_text, &[]);
    assert_eq!(
        fs::read_to_string(&d.pidfile).unwrap(),
        format!("{}\n", d.pid)
    );
    must(
        Command::new("touch")
            .args(["-d", "@1000000000"])
            .arg(&d.pidfile),
    );
    let old = fs::metadata(&d.pidfile).unwrap().modified().unwrap();
    d.signal("HUP");
    let touched = wait_for(Duration::from_secs(5), || {
        fs::metadata(&d.pidfile).is_ok_and(|m| m.modified().unwrap() > old)
    });
    assert!(touched, "PID file mtime not touched by SIGHUP reload");
    assert_eq!(
        fs::read_to_string(&d.pidfile).unwrap(),
        format!("{}\n", d.pid)
    );
    must(
        Command::new("touch")
            .args(["-d", "@1000000000"])
            .arg(&d.pidfile),
    );
    d.ctl_ok(&["reload"]);
    let touched = wait_for(Duration::from_secs(5), || {
        fs::metadata(&d.pidfile).is_ok_and(|m| m.modified().unwrap() > old)
    });
    assert!(touched, "PID file mtime not touched by smcroutectl reload");
    d.stop_clean();
}

#[test]
fn startup_delay_d_and_exit_delay_d() {
    let Some(env) = env("startup_delay_d_and_exit_delay_d") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = t.write(
        "delay.conf",
        "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n",
    );
    let run = |tag: &str, extra: &[&str]| {
        let mut cmd = t.r.cmd(&env.daemon);
        cmd.args(["-n", "-l", "debug", "-f"])
            .arg(&conf)
            .arg("-u")
            .arg(t.dir.join(format!("{tag}.sock")))
            .arg("-P")
            .arg(t.dir.join(format!("{tag}.pid")))
            .args(extra);
        Proc::spawn(&mut cmd, &t.dir, tag, false)
    };

    // -d 2: the banner first, then nothing (no routes, no PID file) for two seconds.
    let p = run("d", &["-d", "2"]);
    let pidfile = t.dir.join("d.pid");
    assert!(
        p.wait_stderr("SMCRoute v2.", Duration::from_secs(1)),
        "{}",
        p.stderr()
    );
    std::thread::sleep(Duration::from_millis(1300));
    assert!(!pidfile.exists(), "PID file before the -d delay ended");
    assert!(
        t.r.mfc4().is_empty(),
        "conf loaded before the -d delay ended"
    );
    let text = wait_pid_file(&pidfile, Duration::from_secs(6));
    let took = p.started.elapsed();
    assert_eq!(text, Some(format!("{}\n", p.pid)), "{}", p.stderr());
    assert!(
        took >= Duration::from_secs(2),
        "ready after {took:?} with -d 2"
    );
    assert!(t.r.mfc("10.0.1.2", "225.1.2.3").is_some());
    drop(p);
    assert!(wait_for(Duration::from_secs(2), || t.r.mfc4().is_empty()));

    // -D 2: exits 0 by itself after two seconds, cleaning up as on SIGTERM.
    let mut p = run("x", &["-D", "2"]);
    assert!(
        wait_pid_file(&t.dir.join("x.pid"), READY_TIMEOUT).is_some(),
        "{}",
        p.stderr()
    );
    assert!(t.r.mfc("10.0.1.2", "225.1.2.3").is_some());
    let code = p.wait_exit(Duration::from_secs(6));
    let took = p.started.elapsed();
    assert_eq!(code, Some(0), "exit of -D 2; stderr:\n{}", p.stderr());
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(5),
        "-D 2 exited after {took:?}"
    );
    let msg = format!("smcroute[{}]: Exit delay timer expired.", p.pid);
    assert!(p.stderr().lines().any(|l| l == msg), "{}", p.stderr());
    assert!(!t.dir.join("x.pid").exists() && !t.dir.join("x.sock").exists());
    assert!(
        t.r.mfc4().is_empty() && t.r.vifs4().is_empty(),
        "no MRT_DONE after -D"
    );
}

#[test]
fn bare_phyint_is_disabled_under_big_n() {
    let Some(env) = env("bare_phyint_is_disabled_under_big_n") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    // Without -N a bare `phyint` line enables the interface: it gets a VIF at once.
    let mut d = t.start(&env, "phyint a1\n", &[]);
    assert_eq!(t.r.vif_of("a1"), Some(0), "bare phyint without -N");
    if !env.is_legacy() {
        // 2.6 creates VIFs lazily: only for interfaces in use (2.5 made one for all).
        assert_eq!(t.r.vifs4().len(), 1);
    }
    d.stop_clean();
    // With -N it means disable; an explicit `enable` still works.
    let mut d = t.start(&env, "phyint a1\nphyint a2 enable\n", &["-N"]);
    assert_eq!(t.r.vif_of("a1"), None, "bare phyint under -N made a VIF");
    assert_eq!(t.r.vif_of("a2"), Some(0), "phyint enable under -N");
    assert_eq!(t.r.vifs4().len(), 1);
    d.stop_clean();
}

#[test]
fn table_id_t_two_daemons_one_namespace() {
    let Some(env) = env("table_id_t_two_daemons_one_namespace") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let (n5, n0) = (unique("t5"), unique("t0"));
    let _cleanup = RunFiles::of(&[&n5, &n0]);
    let c5 = t.write(
        "t5.conf",
        "mroute from a1 source 10.0.1.2 group 225.5.5.5 to a2\n",
    );
    let c0 = t.write(
        "t0.conf",
        "mroute from a2 source 10.0.2.2 group 225.0.0.9 to a1\n",
    );
    let start = |name: &str, conf: &Path, table: &str| {
        let mut cmd = t.r.cmd(&env.daemon);
        cmd.args(["-n", "-l", "debug", "-i", name, "-t", table, "-f"])
            .arg(conf);
        let p = Proc::spawn(&mut cmd, &t.dir, name, false);
        let pidfile = PathBuf::from(format!("{}/{name}.pid", runstatedir()));
        assert!(
            wait_pid_file(&pidfile, READY_TIMEOUT).is_some(),
            "-t {table} not ready:\n{}",
            p.stderr()
        );
        p
    };
    let mut p5 = start(&n5, &c5, "5");
    let mut p0 = start(&n0, &c0, "0");
    let table5 = t.r.ip(&["mroute", "show", "table", "5"]);
    let main = t.r.ip(&["mroute", "show"]);
    assert!(
        table5.contains("(10.0.1.2,225.5.5.5)") && table5.contains("Iif: a1"),
        "table 5:\n{table5}"
    );
    assert!(!table5.contains("225.0.0.9"), "table 5:\n{table5}");
    assert!(
        main.contains("(10.0.2.2,225.0.0.9)"),
        "default table:\n{main}"
    );
    assert!(
        !main.contains("225.5.5.5"),
        "-t 5 route in the default table:\n{main}"
    );
    assert!(
        t.r.mfc("10.0.1.2", "225.5.5.5").is_none(),
        "/proc shows the default table"
    );
    // Each daemon answers on its own identity's socket.
    let show = |name: &str| ran(Command::new(&env.ctl).args(["-i", name, "-t", "show"])).stdout;
    assert!(show(&n5).contains("(10.0.1.2, 225.5.5.5)"), "{}", show(&n5));
    assert!(!show(&n5).contains("225.0.0.9"));
    assert!(show(&n0).contains("(10.0.2.2, 225.0.0.9)"), "{}", show(&n0));
    // Stopping one empties its table only.
    assert_eq!(p5.stop(), 0);
    let table5 = t.r.ip(&["mroute", "show", "table", "5"]);
    assert!(
        !table5.contains("225.5.5.5"),
        "table 5 after exit:\n{table5}"
    );
    assert!(
        t.r.mfc("10.0.2.2", "225.0.0.9").is_some(),
        "other table touched"
    );
    assert_eq!(p0.stop(), 0);
}

#[test]
fn second_daemon_on_busy_socket_exits_69() {
    let Some(env) = env("second_daemon_on_busy_socket_exits_69") else {
        return;
    };
    if env.needs_26("exit 69 (SMCRoute keeps running uselessly)") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    let mut d = t.start(
        &env,
        "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n",
        &[],
    );
    // Same socket and PID file as the first: the second must not take or remove them.
    let o = ran(t
        .r
        .cmd(&env.daemon)
        .args(["-n", "-f"])
        .arg(&d.conf)
        .arg("-u")
        .arg(&d.sock)
        .arg("-P")
        .arg(&d.pidfile));
    assert_eq!(o.code, 69, "second daemon: {o:?}");
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert!(
        lines.iter().any(|l| is_perror_line(
            l,
            "IPv4 multicast routing API already in use: Address already in use"
        )),
        "{}",
        o.stderr
    );
    assert!(
        lines.iter().any(|l| is_perror_line(
            l,
            "Is another multicast routing daemon (igmpproxy, mcpd, pimd) running?"
        )),
        "{}",
        o.stderr
    );
    assert_eq!(
        fs::read_to_string(&d.pidfile).unwrap(),
        format!("{}\n", d.pid)
    );
    assert!(d.ctl_ok(&["-t", "show"]).contains("(10.0.1.2, 225.1.2.3)"));
    assert!(t.r.mfc("10.0.1.2", "225.1.2.3").is_some());
    d.stop_clean();
}

#[test]
fn graceful_exit_by_term_int_and_kill() {
    let Some(env) = env("graceful_exit_by_term_int_and_kill") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let conf = "\
mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2
mroute from a1 source fc00:1::2 group ff0e::1:3 to a2
mroute from a1 group 225.3.3.3 to a2
mgroup from a2 group 225.7.7.7
mgroup from a2 group ff0e::7
";
    for how in ["TERM", "INT", "kill"] {
        let mut d = t.start(&env, conf, &["-c", "0"]);
        t.learn("s1", "225.3.3.3", 5401);
        assert_eq!(t.r.vifs4().len(), 2, "{how}: VIFs before");
        assert!(!t.r.mfc6().is_empty(), "{how}: IPv6 route before");
        assert!(
            t.r.maddr("a2").contains(&addr("225.7.7.7")),
            "{how}: join before"
        );
        let code = match how {
            "kill" => {
                d.ctl_ok(&["kill"]);
                d.wait_exit(Duration::from_secs(5))
            }
            sig => {
                d.signal(sig);
                d.wait_exit(Duration::from_secs(5))
            }
        };
        assert_eq!(code, Some(0), "{how}: exit code; log:\n{}", d.log_text());
        assert!(d.log_text().contains("Exiting."), "{how}: no \"Exiting.\"");
        // MRT_DONE / MRT6_DONE: the kernel dropped every VIF, MIF and MFC entry.
        for path in [
            "/proc/net/ip_mr_vif",
            "/proc/net/ip_mr_cache",
            "/proc/net/ip6_mr_vif",
            "/proc/net/ip6_mr_cache",
        ] {
            let text = t.r.read(path);
            assert_eq!(text.lines().count(), 1, "{how}: {path} not empty:\n{text}");
        }
        let m = t.r.maddr("a2");
        assert!(
            !m.contains(&addr("225.7.7.7")) && !m.contains(&addr("ff0e::7")),
            "{how}: joins left: {m:?}"
        );
        assert!(!d.pidfile.exists(), "{how}: PID file left");
        assert!(!d.sock.exists(), "{how}: socket left");
    }
}
