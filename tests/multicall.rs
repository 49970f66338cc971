//! The multicall `smcrouted`: run through a link named `smcroutectl` (as the packages
//! install it) it is the control tool, byte for byte and exit code for exit code the same
//! as the standalone `smcroutectl`; under its own name, or renamed for a second instance,
//! it is still the daemon. The naming rule itself is unit-tested in `src/sys/entry.rs`.

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;

const CONF: &str = "\
phyint a1 enable
phyint a2 enable
mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2
mgroup from a2 group 225.1.1.1
";

/// `dir/name`, a symbolic link to `target`.
fn link(dir: &Path, name: &str, target: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).expect("link dir");
    let path = dir.join(name);
    symlink(target, &path).expect("symlink");
    path
}

/// What a control tool run shows, with the program's path (named in getopt's messages as
/// `argv[0]`) replaced by `smcroutectl`, so that two links in different places compare.
fn seen(o: CtlOut, prog: &Path) -> (i32, String, String) {
    let p = prog.display().to_string();
    (
        o.code,
        o.stdout.replace(&p, "smcroutectl"),
        o.stderr.replace(&p, "smcroutectl"),
    )
}

#[test]
fn smcroutectl_link_to_smcrouted_is_the_control_tool() {
    let Some(env) = env("smcroutectl_link_to_smcrouted_is_the_control_tool") else {
        return;
    };
    if env.needs_26("the multicall smcrouted") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    // Both tools called `smcroutectl`, as a user would run them.
    let standalone = link(&t.dir.join("standalone"), "smcroutectl", &env.ctl);
    let multicall = link(&t.dir.join("multicall"), "smcroutectl", &env.daemon);
    let mut d = t.start(&env, CONF, &[]);
    let both = |d: &Daemon, args: &[&str]| {
        let a = seen(d.ctl_with(&standalone, args), &standalone);
        let b = seen(d.ctl_with(&multicall, args), &multicall);
        assert_eq!(
            a, b,
            "smcroutectl {args:?}: standalone (left) and the smcrouted link (right) differ"
        );
        a
    };
    let rif = |h: &str| t.rif(h);
    let (a1, a2) = (rif("s1"), rif("h1"));

    for args in [
        &["show"][..],
        &["show", "routes"],
        &["-d", "show"],
        &["-p", "show", "interfaces"],
        &["-t", "show", "groups"],
        &["-j", "show"],
    ] {
        let (code, out, _) = both(&d, args);
        assert_eq!(code, 0, "smcroutectl {args:?}");
        assert!(!out.is_empty(), "smcroutectl {args:?} printed nothing");
    }
    let (_, routes, _) = both(&d, &["show"]);
    assert!(
        routes.contains("225.1.2.3"),
        "show lacks the conf route:\n{routes}"
    );

    // add and remove change state: each tool adds (then removes) its own route, and the
    // two runs must answer alike.
    let add = |ctl: &Path, group: &str| seen(d.ctl_with(ctl, &["add", &a1, group, &a2]), ctl);
    let sa = add(&standalone, "225.7.7.1");
    let ma = add(&multicall, "225.7.7.2");
    assert_eq!(
        sa, ma,
        "add: standalone (left) and the smcrouted link (right)"
    );
    assert_eq!(sa.0, 0, "add failed: {sa:?}\nlog:\n{}", d.log_text());
    let (_, routes, _) = both(&d, &["show"]);
    for g in ["225.7.7.1", "225.7.7.2"] {
        assert!(routes.contains(g), "show lacks the added {g}:\n{routes}");
    }
    let remove = |ctl: &Path, group: &str| seen(d.ctl_with(ctl, &["remove", &a1, group]), ctl);
    let sr = remove(&standalone, "225.7.7.2");
    let mr = remove(&multicall, "225.7.7.1");
    assert_eq!(
        sr, mr,
        "remove: standalone (left) and the smcrouted link (right)"
    );
    assert_eq!(sr.0, 0, "remove failed: {sr:?}");
    // Removing what is no longer there fails alike.
    both(&d, &["remove", &a1, "225.7.7.1"]);

    // Errors: a bad command, bad arguments, a bad option, a missing argument.
    // An unknown word is no command, so SMCRoute shows the routes.
    let (code, out, _) = both(&d, &["zzz"]);
    assert_eq!(code, 0, "an unknown word");
    assert!(out.contains("225.1.2.3"), "{out}");
    let (code, _, err) = both(&d, &["add", &a1]);
    assert_eq!(code, 1, "add without enough arguments");
    assert!(err.contains("Not enough arguments to command add"), "{err}");
    let (code, _, _) = both(&d, &["add", &a1, "not-an-address", &a2]);
    assert_ne!(code, 0, "add with a bad group succeeded");
    let (code, _, err) = both(&d, &["-x", "show"]);
    assert_ne!(code, 0, "a bad option succeeded");
    assert!(err.contains("smcroutectl: invalid option"), "{err}");
    both(&d, &["-i"]);

    // Version and help.
    let (code, out, _) = both(&d, &["-v"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("SMCRoute v"), "{out}");
    let (code, out, _) = both(&d, &["-h"]);
    assert_eq!(code, 0);
    assert!(out.contains("smcroutectl [OPTIONS] CMD"), "{out}");
    both(&d, &["help"]);
    both(&d, &["version"]);

    // The daemon is still there and answers; `kill` through the link stops it.
    let (code, _, _) = both(&d, &["show"]);
    assert_eq!(code, 0);
    let (code, _, _) = seen(d.ctl_with(&multicall, &["kill"]), &multicall);
    assert_eq!(code, 0, "kill through the link");
    assert_eq!(
        d.wait_exit(Duration::from_secs(5)),
        Some(0),
        "the daemon did not exit 0 after kill; log:\n{}",
        d.log_text()
    );
    // With no daemon to talk to, both fail alike.
    both(&d, &["show"]);
}

#[test]
fn smcrouted_under_its_own_name_or_renamed_is_the_daemon() {
    let Some(env) = env("smcrouted_under_its_own_name_or_renamed_is_the_daemon") else {
        return;
    };
    if env.needs_26("the multicall smcrouted") {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    // Its own name: -h is the daemon's usage, not the tool's.
    let h = run(t.r.cmd(&env.daemon).arg("-h"));
    let text = String::from_utf8_lossy(&h.stdout);
    assert_eq!(h.status.code(), Some(0));
    assert!(text.contains("smcrouted [-hnNsv]"), "{text}");
    assert!(!text.contains("smcroutectl [OPTIONS]"), "{text}");

    // A second instance under another name (a link `smcrouted-wan`) runs the daemon,
    // with the identity and paths of its options, and the tool talks to it.
    let renamed = link(&t.dir.join("wan"), "smcrouted-wan", &env.daemon);
    let mut d = t.start_bin(&renamed, &env.ctl, CONF, &[]);
    let out = d.ctl_ok(&["show"]);
    assert!(out.contains("225.1.2.3"), "show:\n{out}");
    let ctl = link(&t.dir.join("wan"), "smcroutectl", &env.daemon);
    assert_eq!(seen(d.ctl_with(&ctl, &["show"]), &ctl).1, out);
    d.stop_clean();

    // The daemon started by its own name (the multicall program itself) stops cleanly too.
    let mut d = t.start(&env, CONF, &[]);
    assert!(d.ctl_ok(&["show"]).contains("225.1.2.3"));
    d.stop_clean();
}
