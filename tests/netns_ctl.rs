//! The control surface: `-F` verify mode, `show` output byte for byte for a known state,
//! `-j` JSON, and interoperability with the C SMCRoute 2.5.6 programs in both directions.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const GOOD: &str = "\
phyint a1 enable
phyint a2 enable
mroute from a1 source 10.0.1.2 group 225.1.2.3 to a2
mroute from a1 group 225.3.3.3 to a2
mgroup from a2 group 225.1.1.1
";

#[test]
fn verify_mode_exit_codes_and_messages() {
    let Some(env) = env("verify_mode_exit_codes_and_messages") else {
        return;
    };
    let t = Topology::new(&["s1", "h1"]);
    let verify = |path: &std::path::Path| {
        let o = run(t
            .r
            .cmd(&env.daemon)
            .arg("-F")
            .arg(path)
            .stdin(Stdio::null()));
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let good = t.write("good.conf", GOOD);
    let (code, out) = verify(&good);
    assert_eq!(code, 0, "-F on a good conf: {out}");
    assert!(
        !out.contains(" line "),
        "a good conf reported problems:\n{out}"
    );

    let bad = t.write(
        "bad.conf",
        &format!("{GOOD}mroute from a1 group 10.1.1.1 to a2\n"),
    );
    let (code, out) = verify(&bad);
    assert_eq!(code, 78, "-F on a bad conf must exit 78 (EX_CONFIG): {out}");
    let want = format!(
        "{} line 6: mroute: Invalid multicast group: 10.1.1.1",
        bad.display()
    );
    assert!(
        out.lines().any(|l| l == want),
        "missing {want:?} in -F output:\n{out}"
    );

    let missing = t.dir.join("missing.conf");
    let (code, out) = verify(&missing);
    assert_eq!(code, 78, "-F on a missing file: {out}");
    // Verify mode never touches the kernel's multicast routing.
    assert!(t.r.vifs4().is_empty(), "-F created VIFs");
}

/// Interfaces of the router: lo, a1, a2, so the IIF column is 3 wide.
fn known_state(env: &Env) -> (Topology, Daemon) {
    let t = Topology::new(&["s1", "h1"]);
    let conf = "\
mroute from a1 group 225.3.3.3 to a2
mroute from a1 group 225.9.0.0/16 to a2
mroute from a1 source 10.0.1.0/24 group 225.5.5.5 to a2
mroute from a1 group ff2e::42 to a2
mroute from a1 source 10.0.1.2 group 225.4.4.4 to a2
mroute from a1 source fc00:1::2 group ff04::114 to a2
mgroup from a1 group 225.1.1.1
mgroup from a1 source 10.0.1.10 group 225.1.2.3
mgroup from a2 group 225.3.2.250/30
";
    let d = t.start(env, conf, &["-c", "0"]);
    // One learned entry, one stop filter, 10 packets of 47 bytes on the (S,G).
    t.learn("s1", "225.3.3.3", 5201);
    t.send("s1", "225.3.3.3", 5201, 4);
    t.send("s1", "225.7.7.7", 5201, 2);
    t.send("s1", "225.4.4.4", 5201, 10);
    assert!(wait_for(Duration::from_secs(2), || t
        .r
        .mfc("10.0.1.2", "225.7.7.7")
        .is_some()));
    (t, d)
}

const RULE: &str =
    "===============================================================================";
const SECT: &str =
    "_______________________________________________________________________________";

fn plain_routes() -> String {
    let head = format!("{RULE}\nROUTE (S,G)                                IIF  OIFS\n{RULE}\n");
    format!(
        "{SECT}\n(*,G) Template Rules\n{head}\
(*, 225.3.3.3)                             a1   a2
(*, 225.9.0.0/16)                          a1   a2
(10.0.1.0/24, 225.5.5.5)                   a1   a2
(*, ff2e::42)                              a1   a2
{SECT}\n(S,G) Rules\n{head}\
(10.0.1.2, 225.4.4.4)                      a1   a2
(fc00:1::2, ff04::114)                     a1   a2
{SECT}\nKernel MFC Table\n{head}\
(10.0.1.2, 225.4.4.4)                      a1   a2
(fc00:1::2, ff04::114)                     a1   a2
(10.0.1.2, 225.3.3.3)                      a1   a2
(10.0.1.2, 225.7.7.7)                      a1  \n\n"
    )
}

#[test]
fn show_output_byte_exact() {
    let Some(env) = env("show_output_byte_exact") else {
        return;
    };
    let (t, mut d) = known_state(&env);
    let routes = d.ctl_ok(&["-p", "show"]);
    assert_eq!(routes, plain_routes(), "show -p routes");
    assert_eq!(d.ctl_ok(&["-p"]), routes, "no command means show routes");
    let data: String = plain_routes()
        .lines()
        .filter(|l| l.starts_with('(') && !l.ends_with("Rules"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        d.ctl_ok(&["-t", "show", "routes"]),
        format!("{data}\n"),
        "show -t"
    );

    let detail = d.ctl_ok(&["-p", "-d", "show"]);
    let header = "ROUTE (S,G)                                IIF    PACKETS      BYTES  OIFS";
    assert!(
        detail.lines().any(|l| l == header),
        "detail header:\n{detail}"
    );
    // 10 datagrams of 20 + 8 + 19 bytes each.
    let row = "(10.0.1.2, 225.4.4.4)                      a1          10        470  a2";
    assert!(
        detail.lines().any(|l| l == row),
        "detail row {row:?} missing:\n{detail}"
    );

    let groups = d.ctl_ok(&["-p", "show", "groups"]);
    let want = format!(
        "{SECT}\nGroup Memberships Table\n{RULE}\nGROUP (S,G)                                IIF             \n{RULE}\n\
(*, 225.1.1.1)                             a1
(10.0.1.10, 225.1.2.3)                     a1
(*, 225.3.2.250/30)                        a2

"
    );
    assert_eq!(groups, want, "show -p groups");

    if !env.is_legacy() {
        // 2.6: interfaces get VIFs lazily, in order of first use.
        let ifs = d.ctl_ok(&["-p", "show", "interfaces"]);
        let want = format!(
            "{RULE}\n INDEX PHYINT  VIF  MIF\n{RULE}\n{:6} lo      N/A  N/A\n{:6} a1        0    0\n{:6} a2        1    1\n\n",
            t.r.ifindex("lo"),
            t.r.ifindex("a1"),
            t.r.ifindex("a2")
        );
        assert_eq!(ifs, want, "show -p interfaces");
    }
    d.stop_clean();
}

/// Feeds `text` to `python3 -m json.tool`; panics unless it parses.
fn json_parses(what: &str, text: &str) {
    let mut c = Command::new("python3")
        .args(["-m", "json.tool"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    c.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "{what}: not JSON ({}):\n{text}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn json_show_parses() {
    let Some(env) = env("json_show_parses") else {
        return;
    };
    if env.needs_26("JSON output, -j") {
        return;
    }
    let (_t, mut d) = known_state(&env);
    for (args, head) in [
        (&["-j", "show"][..], "{\"routes\":{\"asm\":["),
        (&["-j", "show", "groups"][..], "{\"groups\":{\"conf\":["),
        (&["-j", "show", "interfaces"][..], "{\"interfaces\":["),
        (&["-j", "show", "pending"][..], "{\"pending\":["),
    ] {
        let out = d.ctl_ok(args);
        let first = out.lines().next().unwrap_or("");
        assert!(first.starts_with(head), "{args:?}: {out}");
        json_parses(&format!("{args:?}"), first);
        assert_eq!(
            out,
            format!("{first}\n\n"),
            "{args:?}: one line then the empty line"
        );
    }
    let routes = d.ctl_ok(&["-j", "show"]);
    for part in [
        "{\"source\":null,\"group\":\"225.9.0.0/16\",\"iif\":\"a1\",\"oifs\":[\"a2\"]}",
        "{\"source\":\"10.0.1.2\",\"group\":\"225.4.4.4\",\"iif\":\"a1\",\"oifs\":[\"a2\"]}",
        "{\"source\":\"10.0.1.2\",\"group\":\"225.7.7.7\",\"iif\":\"a1\",\"oifs\":[]}",
    ] {
        assert!(routes.contains(part), "JSON routes lack {part}:\n{routes}");
    }
    d.stop_clean();
}

/// The commands SMCRoute 2.5.6 has, run with `ctl` against a daemon `d`, each checked in
/// the kernel. Ends with `kill`.
fn ctl_sequence(t: &Topology, d: &mut Daemon, ctl: &std::path::Path) {
    let ok = |args: &[&str]| {
        let o = d.ctl_with(ctl, args);
        assert_eq!(
            o.code,
            0,
            "{} {args:?}: {o:?}\nlog:\n{}",
            ctl.display(),
            d.log_text()
        );
        o.stdout
    };
    ok(&["add", "a1", "10.0.1.2", "225.6.6.6", "a2"]);
    assert!(
        t.r.mfc("10.0.1.2", "225.6.6.6").is_some(),
        "add (S,G) via IPC"
    );
    ok(&["add", "a1", "225.7.7.7", "a2"]);
    t.learn("s1", "225.7.7.7", 5301);
    let got = t.flow("s1", &["h1"], "225.7.7.7", 5301, 20);
    assert_arrived("(*,G) added by IPC", got[0], 20, 95);
    let show = ok(&["-t", "show"]);
    for row in [
        "(*, 225.7.7.7)                             a1   a2",
        "(10.0.1.2, 225.6.6.6)                      a1   a2",
        "(10.0.1.2, 225.7.7.7)                      a1   a2",
    ] {
        assert!(
            show.lines().any(|l| l == row),
            "show lacks {row:?}:\n{show}"
        );
    }
    ok(&["join", "a2", "225.1.1.1"]);
    assert!(t.r.maddr("a2").contains(&addr("225.1.1.1")), "join via IPC");
    let groups = ok(&["-t", "show", "groups"]);
    assert!(groups.contains("(*, 225.1.1.1)"), "show groups:\n{groups}");
    let ifs = ok(&["-t", "show", "interfaces"]);
    assert!(
        ifs.lines()
            .any(|l| l.split_whitespace().nth(1) == Some("a1")),
        "{ifs}"
    );
    ok(&["leave", "a2", "225.1.1.1"]);
    assert!(
        !t.r.maddr("a2").contains(&addr("225.1.1.1")),
        "leave via IPC"
    );
    ok(&["remove", "a1", "10.0.1.2", "225.6.6.6"]);
    assert!(t.r.mfc("10.0.1.2", "225.6.6.6").is_none(), "remove via IPC");
    let o = d.ctl_with(ctl, &["remove", "a1", "10.0.1.2", "225.6.6.6"]);
    assert_eq!(o.code, 1, "removing a missing route: {o:?}");
    ok(&["flush"]);
    ok(&["reload"]);
    assert!(
        wait_for(Duration::from_secs(3), || t
            .r
            .mfc("10.0.1.2", "225.7.7.7")
            .is_none()),
        "reload kept the IPC-made template's flow"
    );
    ok(&["kill"]);
    let code = d.wait_exit(Duration::from_secs(5));
    assert_eq!(
        code,
        Some(0),
        "exit code after kill; log:\n{}",
        d.log_text()
    );
    assert!(
        t.r.vifs4().is_empty(),
        "VIFs left after exit (no MRT_DONE?)"
    );
}

#[test]
fn interop_c_ctl_against_daemon_under_test() {
    let Some(env) = env("interop_c_ctl_against_daemon_under_test") else {
        return;
    };
    if !env.have_reference() {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    let mut d = t.start(&env, "phyint a1 enable\nphyint a2 enable\n", &[]);
    ctl_sequence(&t, &mut d, &env.ref_ctl);
}

#[test]
fn interop_ctl_under_test_against_c_daemon() {
    let Some(env) = env("interop_ctl_under_test_against_c_daemon") else {
        return;
    };
    if !env.have_reference() {
        return;
    }
    let t = Topology::new(&["s1", "h1"]);
    let conf = "phyint a1 enable\nphyint a2 enable\n";
    let mut d = t.start_bin(&env.ref_daemon, &env.ctl, conf, &[]);
    ctl_sequence(&t, &mut d, &env.ctl);
}

#[test]
fn both_ctls_print_the_same_show_output() {
    let Some(env) = env("both_ctls_print_the_same_show_output") else {
        return;
    };
    if !env.have_reference() {
        return;
    }
    let (_t, mut d) = known_state(&env);
    for args in [
        &["-p", "show"][..],
        &["-t", "show"][..],
        &["-p", "-d", "show"][..],
        &["-p", "show", "groups"][..],
        &["-p", "show", "interfaces"][..],
    ] {
        let ours = d.ctl_with(&env.ctl, args);
        let theirs = d.ctl_with(&env.ref_ctl, args);
        // Packet counters may move between the two runs only if traffic flowed; none does.
        assert_eq!(
            ours.stdout, theirs.stdout,
            "{args:?}: output differs from the C tool"
        );
        assert_eq!((ours.code, theirs.code), (0, 0), "{args:?}");
    }
    d.stop_clean();
}

#[test]
fn ctl_without_daemon_fails() {
    let Some(env) = env("ctl_without_daemon_fails") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("smit-nodaemon-{}", std::process::id()));
    let o = run(Command::new(&env.ctl)
        .arg("-u")
        .arg(dir.join("none.sock"))
        .arg("show"));
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Cannot find IPC socket"), "{err}");
}
