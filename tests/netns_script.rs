//! The `-e` script hook (spec §5.11): `install` with `source`/`group` after a template
//! learns an (S,G), IPv4 and IPv6, and after a WRONGVIF repair; `reload` after each
//! successful reload, never at start-up nor after a reload with conf errors; argv exactly
//! `[SCRIPT, arg]`; inherited `source`/`group` replaced or removed; `NOTIFY_SOCKET` unset.
//! (A script that is not executable: `netns_logging.rs`, `log_level_l_masks_lines`.)

mod common;
#[path = "common/spawn.rs"]
mod spawn;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use common::*;
use spawn::*;

/// Runs of the hook so far, one block of `key=value` lines each.
fn runs(log: &Path) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .split("--\n")
        .filter(|b| !b.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn block(script: &Path, arg: &str, source: &str, group: &str) -> String {
    format!(
        "argc=1\narg0={}\narg1={arg}\nsource={source}\ngroup={group}\nnotify=UNSET\n",
        script.display()
    )
}

#[test]
fn script_hook_install_and_reload() {
    let Some(env) = env("script_hook_install_and_reload") else {
        return;
    };
    if env.needs_26("WRONGVIF repair runs the install hook") {
        return;
    }
    let t = Topology::new(&["s1", "h1", "h2"]);
    let log = t.dir.join("hook.log");
    let script = t.write(
        "hook.sh",
        &format!(
            "#!/bin/sh\n{{\nprintf 'argc=%s\\narg0=%s\\n' \"$#\" \"$0\"\n\
             i=1; for a in \"$@\"; do printf 'arg%s=%s\\n' $i \"$a\"; i=$((i+1)); done\n\
             printf 'source=%s\\ngroup=%s\\nnotify=%s\\n--\\n' \"${{source-UNSET}}\" \
             \"${{group-UNSET}}\" \"${{NOTIFY_SOCKET-UNSET}}\"\n}} >> {}\n",
            log.display()
        ),
    );
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let conf = "\
mroute from a1 source 10.0.1.2 group 225.1.2.3 to a3
mroute from a1 group 225.12.12.12 to a3
mroute from a2 group 225.12.12.12 to a3
mroute from a1 group ff0e::12 to a3
";
    let notify = t.dir.join("notify.sock");
    let _notify = listener(None, &t.dir, "notify", &["dgram", notify.to_str().unwrap()]);
    let d = start(
        &t,
        &env.daemon,
        conf,
        &["-l", "debug", "-c", "0", "-e", script.to_str().unwrap()],
        &[
            ("source", "inherited"),
            ("group", "inherited"),
            ("NOTIFY_SOCKET", notify.to_str().unwrap()),
        ],
    );
    let expect = |n: usize| {
        wait_for(Duration::from_secs(3), || runs(&log).len() >= n);
        std::thread::sleep(Duration::from_millis(200));
        let r = runs(&log);
        assert_eq!(
            r.len(),
            n,
            "hook runs: {r:#?}\nstderr:\n{}",
            d.proc.stderr()
        );
        r
    };
    // Not at start-up, although the conf installed an (S,G).
    std::thread::sleep(Duration::from_millis(300));
    assert!(t.r.mfc("10.0.1.2", "225.1.2.3").is_some());
    expect(0);

    // A template learns (10.0.1.2, 225.12.12.12) on a1, then (fc00:1::2, ff0e::12).
    t.learn("s1", "225.12.12.12", 5601);
    let r = expect(1);
    assert_eq!(r[0], block(&script, "install", "10.0.1.2", "225.12.12.12"));
    t.learn("s1", "ff0e::12", 5601);
    let r = expect(2);
    assert_eq!(r[1], block(&script, "install", "fc00:1::2", "ff0e::12"));

    // The same source now arrives on a2: WRONGVIF, moved to a2's template, `install`.
    let a2 = t.r.vif_of("a2").expect("VIF of a2") as i32;
    rawsend(t.ns("h1"), "eth0", "225.12.12.12", 5601, "10.0.1.2", 2);
    assert!(
        wait_for(Duration::from_secs(3), || t
            .r
            .mfc("10.0.1.2", "225.12.12.12")
            .map(|e| e.iif)
            == Some(a2)),
        "no WRONGVIF repair"
    );
    let r = expect(3);
    assert_eq!(r[2], block(&script, "install", "10.0.1.2", "225.12.12.12"));

    // `reload` after a good reload, inherited source/group removed.
    d.reload_hup();
    let r = expect(4);
    assert_eq!(r[3], block(&script, "reload", "UNSET", "UNSET"));
    assert_eq!(d.ctl(&env.ctl, &["reload"]).code, 0);
    let r = expect(5);
    assert_eq!(r[4], block(&script, "reload", "UNSET", "UNSET"));

    // Not after a reload whose conf has an error.
    fs::write(
        &d.conf,
        format!("{conf}mroute from a1 group 10.1.1.1 to a3\n"),
    )
    .unwrap();
    d.reload_hup();
    expect(5);
    // And again after the conf is fixed.
    fs::write(&d.conf, conf).unwrap();
    d.reload_hup();
    let r = expect(6);
    assert_eq!(r[5], block(&script, "reload", "UNSET", "UNSET"));
}
