//! Privileges (issue 5, "Privileges"): with `-p USER[:GROUP]` the daemon keeps only
//! CAP_NET_ADMIN, cannot become root again, and still adds routes over IPC, reloads,
//! creates VIFs and activates pending entries; the `-e` script runs without a shell,
//! with exactly the documented argument and environment.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::hostile::*;
use common::*;

const LIVE: &str = "mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2\n";

/// A name no shell would run as one command: spaces, `;`, `$( )`, quotes, a glob.
const HOOK_NAME: &str = "hook; touch PWNED $(touch PWNED2) 'x' *";

/// Writes the `-e` script: it appends its argv, the variables it sees and its uid to
/// `hook.log` beside it (world-writable, so it also works as `nobody`).
fn hook(t: &Topology) -> (PathBuf, PathBuf) {
    let log = t.dir.join("hook.log");
    fs::write(&log, "").unwrap();
    fs::set_permissions(&log, fs::Permissions::from_mode(0o666)).unwrap();
    let script = t.write(
        HOOK_NAME,
        &format!(
            "#!/bin/sh\n{{\n\
             printf 'argc=%s\\n' \"$#\"\n\
             printf 'arg0=%s\\n' \"$0\"\n\
             for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done\n\
             printf 'source=%s\\n' \"${{source-UNSET}}\"\n\
             printf 'group=%s\\n' \"${{group-UNSET}}\"\n\
             printf 'notify=%s\\n' \"${{NOTIFY_SOCKET-UNSET}}\"\n\
             printf 'uid=%s\\n' \"$(id -u)\"\n\
             echo --\n\
             }} >> {}\n",
            log.display()
        ),
    );
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

/// Finished runs of the hook so far, one block of `key=value` lines each. A run still
/// writing (its `--` line not yet there) is not one: the daemon does not wait for the
/// script, so a test that saw the log grow may read it half written.
fn hook_runs(log: &Path) -> Vec<String> {
    let text = fs::read_to_string(log).unwrap_or_default();
    text.split_inclusive("--\n")
        .filter_map(|b| b.strip_suffix("--\n"))
        .map(str::to_string)
        .collect()
}

/// A wrapper that starts the daemon with hostile inherited variables.
fn with_env(t: &Topology, daemon: &Path) -> PathBuf {
    let w = t.write(
        "smcrouted-env",
        &format!(
            "#!/bin/sh\nexport source=inherited group=inherited \
             NOTIFY_SOCKET=@smcroute-test-{}\nexec {} \"$@\"\n",
            t.id,
            daemon.display()
        ),
    );
    must(Command::new("chmod").arg("755").arg(&w));
    w
}

fn unprivileged(spec: &str, test: &str) {
    let Some(env) = env(test) else {
        return;
    };
    if env.needs_26("-p without libcap") {
        return;
    }
    let mut t = Topology::new(&["s1", "h1", "h2"]);
    let (script, hook_log) = hook(&t);
    let conf = format!(
        "{LIVE}mroute from a1 group 225.3.3.3 to a2\n\
         mroute from a1 source 10.0.1.2 group 225.1.2.5 to b9\n"
    );
    let mut d = t.start(&env, &conf, &["-p", spec, "-e", script.to_str().unwrap()]);
    // Only CAP_NET_ADMIN (bit 12), in the permitted and effective sets.
    let pid = d.pid;
    assert!(
        wait_for(Duration::from_secs(3), || status_field(pid, "CapEff")
            == "0000000000001000"),
        "CapEff {}",
        status_field(pid, "CapEff")
    );
    assert_eq!(status_field(pid, "CapPrm"), "0000000000001000");
    assert_eq!(status_field(pid, "CapInh"), "0000000000000000");
    assert_eq!(status_field(pid, "CapAmb"), "0000000000000000");
    // Real, effective, saved and filesystem ids all nobody/nogroup: no way back to 0.
    assert_eq!(status_field(pid, "Uid"), "65534\t65534\t65534\t65534");
    assert_eq!(status_field(pid, "Gid"), "65534\t65534\t65534\t65534");
    assert_eq!(status_field(pid, "Groups"), "65534");
    assert!(!d.log_text().contains("Could not drop"), "{}", d.log_text());
    let live = Live::start(&t, "s1", "h1", "225.1.2.3", 8001, 0.005);

    // IPC: a route needing a new VIF (a3), a join.
    d.ctl_ok(&["add", "a1", "10.0.1.2", "225.1.2.4", "a3"]);
    let e =
        t.r.mfc("10.0.1.2", "225.1.2.4")
            .expect("IPC route as nobody");
    assert_eq!(t.r.oif_names(&e), vec![("a3".to_string(), 1)]);
    d.ctl_ok(&["join", "a3", "225.7.7.7"]);
    assert!(t.r.maddr("a3").contains(&addr("225.7.7.7")));
    let got = t.flow("s1", &["h2"], "225.1.2.4", 8002, 20);
    assert_arrived("IPC route as nobody", got[0], 20, 95);

    // Learning from a template runs the script as the unprivileged user.
    t.learn("s1", "225.3.3.3", 8003);
    assert!(
        wait_for(Duration::from_secs(3), || !hook_runs(&hook_log).is_empty()),
        "install script did not run"
    );
    let runs = hook_runs(&hook_log);
    assert!(runs[0].contains("arg=install\n"), "{runs:?}");
    assert!(
        runs[0].contains("uid=65534\n"),
        "script not run as nobody: {runs:?}"
    );

    // Reloads (both ways) with a new interface in the conf.
    d.rewrite_conf(&format!(
        "{conf}mroute from a1 source 10.0.1.2 group 225.1.2.6 to a3\n"
    ));
    d.reload_hup();
    assert!(
        t.r.mfc("10.0.1.2", "225.1.2.6").is_some(),
        "reload as nobody"
    );
    d.reload_ctl();
    assert!(
        t.r.mfc("10.0.1.2", "225.1.2.6").is_some(),
        "ctl reload as nobody"
    );
    assert!(
        !d.log_text().contains("Operation not permitted"),
        "{}",
        d.log_text()
    );

    // Pending entry activated by a new interface (VIF created as nobody).
    t.add_host_as("h9", "b9", 9);
    let ok = wait_for(Duration::from_secs(5), || {
        t.r.mfc("10.0.1.2", "225.1.2.5").is_some()
    });
    assert!(ok, "pending route not activated as nobody");
    let got = t.flow("s1", &["h9"], "225.1.2.5", 8004, 20);
    assert_arrived("activated pending route", got[0], 20, 95);

    let (sent, received) = live.finish();
    assert_eq!(received, sent, "live route lost packets");
    // The socket and PID file live in a root-owned directory the unprivileged daemon
    // cannot remove them from; the exit must still be clean and MRT_DONE done.
    let code = d.stop();
    assert_eq!(code, 0, "exit as nobody; log:\n{}", d.log_text());
    assert!(
        t.r.vifs4().is_empty() && t.r.mfc4().is_empty(),
        "MRT_DONE as nobody"
    );
}

#[test]
fn dropped_to_nobody() {
    unprivileged("nobody", "dropped_to_nobody");
}

#[test]
fn dropped_to_nobody_nogroup() {
    unprivileged("nobody:nogroup", "dropped_to_nobody_nogroup");
}

#[test]
fn script_hook_gets_exact_argv_and_env_without_shell() {
    let Some(env) = env("script_hook_gets_exact_argv_and_env_without_shell") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let (script, hook_log) = hook(&t);
    let conf = format!("{LIVE}mroute from a1 group 225.3.3.3 to a2\n");
    let wrapper = with_env(&t, &env.daemon);
    let cwd = std::env::current_dir().unwrap();
    let mut d = t.start_bin(&wrapper, &env.ctl, &conf, &["-e", script.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(300));
    let started = fs::read_to_string(&hook_log).unwrap();
    assert!(started.is_empty(), "script ran at start-up: {started}");

    t.learn("s1", "225.3.3.3", 8101);
    assert!(
        wait_for(Duration::from_secs(3), || hook_runs(&hook_log).len() == 1),
        "install script did not run"
    );
    d.reload_hup();
    d.reload_ctl();
    assert!(
        wait_for(Duration::from_secs(3), || hook_runs(&hook_log).len() == 3),
        "reload script runs: {:?}",
        hook_runs(&hook_log)
    );
    // A reload with errors in the conf does not run it.
    d.rewrite_conf(&format!("{conf}mroute from a1 group 10.1.1.1 to a2\n"));
    d.reload_hup();
    std::thread::sleep(Duration::from_millis(300));

    let runs = hook_runs(&hook_log);
    let arg0 = format!("arg0={}\n", script.display());
    let want = [
        format!(
            "argc=1\n{arg0}arg=install\nsource=10.0.1.2\ngroup=225.3.3.3\nnotify=UNSET\nuid=0\n"
        ),
        format!("argc=1\n{arg0}arg=reload\nsource=UNSET\ngroup=UNSET\nnotify=UNSET\nuid=0\n"),
        format!("argc=1\n{arg0}arg=reload\nsource=UNSET\ngroup=UNSET\nnotify=UNSET\nuid=0\n"),
    ];
    assert_eq!(runs, want, "script runs");
    // No shell saw the name: nothing was touched anywhere.
    for dir in [&t.dir, &cwd] {
        for f in ["PWNED", "PWNED2"] {
            assert!(
                !dir.join(f).exists(),
                "a shell ran {f} in {}",
                dir.display()
            );
        }
    }
    d.stop_clean();
}
