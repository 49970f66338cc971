//! The in-suite fuzzer: a seeded, deterministic random-input loop over every decoder
//! harness of `tests/fuzz/harness` (the same code the cargo-fuzz targets run), plus the
//! stateful router harness. Each decoder gets 100,000 inputs per run: half mutations of
//! the checked-in seed corpus (`tests/fuzz/corpus/<target>/`), half random bytes.
//!
//! A failing input is printed in hex with the target name; save it as
//! `tests/fuzz/corpus/<target>/crash-<name>` and add a named regression test below.
//! `FUZZ_PROPS_SEED=N` changes the seed (the default is fixed so CI is reproducible);
//! `FUZZ_PROPS_INPUTS=N` changes the count.

#[path = "fuzz/harness/mod.rs"]
#[allow(dead_code)]
mod harness;

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use harness::decoders;
use harness::rng::Rng;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(target)
}

/// The checked-in files of a target's corpus, in name order.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus_dir(target))
        .unwrap_or_else(|e| panic!("corpus of {target}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `f` on `input`; on a panic prints a reproducer first.
fn guarded(target: &str, what: &str, input: &[u8], f: fn(&[u8])) {
    if let Err(e) = catch_unwind(AssertUnwindSafe(|| f(input))) {
        eprintln!(
            "fuzz_props: {target} failed on {what} ({} bytes): {}",
            input.len(),
            hex(input)
        );
        resume_unwind(e);
    }
}

/// The seed corpus as is, then `INPUTS` generated inputs; returns how many ran.
fn fuzz(target: &str, salt: u64, max_len: usize, f: fn(&[u8])) -> u64 {
    let seeds = corpus(target);
    assert!(!seeds.is_empty(), "no seed corpus for {target}");
    for (name, data) in &seeds {
        guarded(target, name, data, f);
    }
    let inputs = env_u64("FUZZ_PROPS_INPUTS", 100_000);
    let mut rng = Rng::new(env_u64("FUZZ_PROPS_SEED", 0x5eed_f00d) ^ salt);
    for i in 0..inputs {
        let input = if i % 2 == 0 {
            let (_, seed) = &seeds[rng.below(seeds.len())];
            let (_, other) = &seeds[rng.below(seeds.len())];
            rng.mutate(seed, other, max_len)
        } else {
            rng.bytes(max_len)
        };
        guarded(target, "a generated input", &input, f);
    }
    eprintln!(
        "fuzz_props: {target}: {} inputs",
        seeds.len() as u64 + inputs
    );
    seeds.len() as u64 + inputs
}

#[test]
fn fuzz_conf_parser() {
    assert!(fuzz("conf", 1, 1200, decoders::conf) >= 100_000);
}

#[test]
fn fuzz_ipc_request() {
    assert!(fuzz("ipc_request", 2, 1100, decoders::ipc_request) >= 100_000);
}

#[test]
fn fuzz_ipc_framer() {
    assert!(fuzz("ipc_framer", 3, 2400, decoders::ipc_framer) >= 100_000);
}

#[test]
fn fuzz_ipc_reply() {
    assert!(fuzz("ipc_reply", 4, 2400, decoders::ipc_reply) >= 100_000);
}

#[test]
fn fuzz_upcall() {
    assert!(fuzz("upcall", 5, 96, decoders::upcall) >= 100_000);
}

#[test]
fn fuzz_netlink() {
    assert!(fuzz("netlink", 6, 600, decoders::netlink) >= 100_000);
}

#[test]
fn fuzz_mrdisc() {
    assert!(fuzz("mrdisc", 7, 96, decoders::mrdisc) >= 100_000);
}

/// The router on the seed op streams, their mutations and random op streams, at least
/// 20,000 steps in all (on a big stack: the router is 2 MB).
#[test]
fn fuzz_router_stateful() {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let seeds = corpus("router");
            assert!(!seeds.is_empty(), "no seed corpus for router");
            let mut total = harness::router::Stats::default();
            let run =
                |total: &mut harness::router::Stats, what: &str, data: &[u8], max_steps: u64| {
                    match catch_unwind(AssertUnwindSafe(|| harness::router::run(data, max_steps))) {
                        Ok(s) => *total += s,
                        Err(e) => {
                            eprintln!(
                                "fuzz_props: router failed on {what} ({} bytes): {}",
                                data.len(),
                                hex(data)
                            );
                            resume_unwind(e);
                        }
                    }
                };
            for (name, data) in &seeds {
                run(&mut total, name, data, 2000);
            }
            let target = env_u64("FUZZ_PROPS_ROUTER_STEPS", 20_000);
            let mut rng = Rng::new(env_u64("FUZZ_PROPS_SEED", 0x5eed_f00d) ^ 8);
            let mut i = 0u64;
            while total.steps < target {
                let data = if i % 2 == 0 {
                    let (_, seed) = &seeds[rng.below(seeds.len())];
                    let (_, other) = &seeds[rng.below(seeds.len())];
                    rng.mutate(seed, other, 8192)
                } else {
                    (0..1 + rng.below(8192)).map(|_| rng.byte()).collect()
                };
                run(&mut total, "a generated op stream", &data, 2000);
                i += 1;
            }
            eprintln!("fuzz_props: router: {total:?}");
            assert!(total.steps >= target);
            assert!(total.commands > 0 && total.upcalls > 0 && total.reloads > 0);
        })
        .unwrap()
        .join()
        .unwrap_or_else(|e| resume_unwind(e));
}

/// The corpora stay small (they are checked in) and every target has one.
#[test]
fn seed_corpora_are_small() {
    for t in [
        "conf",
        "ipc_request",
        "ipc_framer",
        "ipc_reply",
        "upcall",
        "netlink",
        "mrdisc",
        "router",
    ] {
        let files = corpus(t);
        assert!(
            (5..=80).contains(&files.len()),
            "{t}: {} files",
            files.len()
        );
        let bytes: usize = files.iter().map(|f| f.1.len()).sum();
        assert!(bytes < 256 << 10, "{t}: {bytes} bytes");
    }
}

/// Writes the seed corpora from `harness::seeds` (run by hand after changing it).
#[test]
#[ignore = "writes tests/fuzz/corpus; run by hand"]
fn write_seed_corpora() {
    for (target, name, data) in harness::seeds::all() {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), data).unwrap();
    }
}

// ===== regression tests: one per crash found (input in tests/fuzz/corpus/<t>/crash-*) =====

fn script(lines: &[&str]) {
    let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            harness::router::script(harness::router::Options::new(), &lines);
        })
        .unwrap()
        .join()
        .unwrap_or_else(|e| resume_unwind(e));
}

/// Bug 1: the error reply to command letter 0 is "Unknown or malformed IPC message '\0'
/// from client." with the raw letter in it; the client ends the reply at that NUL and
/// takes the rest (`' from client.\0`) as the reply to its next request.
#[test]
fn regression_unknown_letter_0_reply() {
    assert!(
        !harness::router::KNOWN_BUG_NUL_IN_UNKNOWN_LETTER,
        "known bug still tolerated"
    );
    script(&["scan a1=1", "ipc 0x00", "ipc 0x00 a1 225.1.1.1"]);
    let data = std::fs::read(corpus_dir("router").join("crash-letter-0")).unwrap();
    // The router is megabytes: build it on a big stack, as `script` does.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || harness::router::router(&data))
        .unwrap()
        .join()
        .unwrap();
}

/// Bug 2: `add eth+ 224.0.0.0/4 lo` when the only `eth+` interface lacks IFF_MULTICAST
/// fails with no log line, so the reply is the previous, unrelated log line.
#[test]
fn regression_add_wildcard_iif_without_multicast_is_silent() {
    assert!(
        !harness::router::KNOWN_BUG_SILENT_WILDCARD_IIF,
        "known bug still tolerated"
    );
    script(&[
        "scan a1=1 eth0=2/nomc lo=3",
        "conf phyint nope",
        "ipc a eth+ 224.0.0.0/4 lo",
    ]);
}

/// Bug 3: one membership joined twice through two group entries (`a1` and `a+`); the
/// kernel keeps one, so `leave a1 225.1.1.1` also ends the one `a+` still wants.
#[test]
fn regression_same_join_through_two_iif_words() {
    assert!(
        !harness::router::KNOWN_BUG_DUPLICATE_JOIN,
        "known bug still tolerated"
    );
    script(&[
        "scan a1=1 a2=2",
        "conf mgroup from a1 group 225.1.1.1",
        "conf mgroup from a+ group 225.1.1.1",
        "ipc l a1 225.1.1.1",
        "check",
    ]);
}

/// Interface churn against the model kernel: an OIF re-created with a new ifindex, an IIF
/// renamed away and back, a template's learned entry across both; the model checks that
/// no kernel route is left on a VIF that is gone or now belongs to another interface.
#[test]
fn scenario_churn_keeps_kernel_routes_on_live_vifs() {
    script(&[
        "scan a1=1 a2=2 a3=3",
        "conf mroute from a1 source 10.0.0.1 group 225.1.1.1 to a2 a3",
        "conf mroute from a1 group 225.3.3.3 to a2",
        "conf mgroup from a1 group 225.1.1.1",
        "upcall v4 1 0 10.0.0.2 225.3.3.3",
        "check",
        "scan a1=1 a2=7 a3=3",
        "pending",
        "check",
        "scan eth0=1 a2=7 a3=3",
        "check",
        "scan a1=1 a2=7 a3=3",
        "pending",
        "upcall v4 1 0 10.0.0.2 225.3.3.3",
        "check",
        "reload_begin",
        "scan a1=1 a2=7 a3=3",
        "conf mroute from a1 source 10.0.0.1 group 225.1.1.1 to a2",
        "reload_end",
        "check",
        "shutdown",
    ]);
}
