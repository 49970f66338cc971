//! Tests of the conf parser: every directive, keyword, error and lexing rule, plus a
//! randomized no-panic loop.

extern crate std;
use std::string::String;
use std::vec::Vec;

use super::*;

/// All callbacks of `parse` over `text`.
fn all(text: &[u8]) -> Vec<(u32, Result<Stmt<'_>, LineError<'_>>)> {
    let mut out = Vec::new();
    parse(text, &mut |n, r| out.push((n, r)));
    out
}

/// The one statement of a one-line text.
fn one(text: &str) -> Result<Stmt<'_>, LineError<'_>> {
    let mut got = all(text.as_bytes());
    assert_eq!(got.len(), 1, "{text:?} gave {got:?}");
    got.remove(0).1
}

fn mroute<'a>(
    from: Option<&'a str>,
    source: Option<&'a str>,
    group: Option<&'a str>,
    oifs: &[&'a str],
) -> Stmt<'a> {
    Stmt::Route {
        from,
        source,
        group,
        oifs: OifWords::from_slice(oifs).unwrap(),
        join: false,
    }
}

fn phyint(ifname: Option<&str>, enable: Option<bool>, mrdisc: bool, ttl: Option<i64>) -> Stmt<'_> {
    Stmt::Phyint {
        ifname,
        enable,
        mrdisc,
        ttl,
    }
}

fn mgroup<'a>(from: Option<&'a str>, source: Option<&'a str>, group: Option<&'a str>) -> Stmt<'a> {
    Stmt::Route {
        from,
        source,
        group,
        oifs: OifWords::new(),
        join: true,
    }
}

/// `e` as the daemon words it: its text with the unknown word in its place.
fn message(e: LineError<'_>) -> String {
    let (i, word) = e.text();
    LINE_ERROR_TEXTS[usize::from(i)].replace(crate::texts::INSERT_TEXT, word)
}

// ===== directives =====

#[test]
fn mroute_full() {
    assert_eq!(
        one("mroute from eth0 source 10.0.0.1 group 225.1.2.3 to eth1 eth2"),
        Ok(mroute(
            Some("eth0"),
            Some("10.0.0.1"),
            Some("225.1.2.3"),
            &["eth1", "eth2"]
        ))
    );
}

#[test]
fn mroute_without_source_or_oifs() {
    assert_eq!(
        one("mroute from eth0 group 225.0.0.0/8"),
        Ok(mroute(Some("eth0"), None, Some("225.0.0.0/8"), &[]))
    );
    assert_eq!(one("mroute"), Ok(mroute(None, None, None, &[])));
    assert_eq!(
        one("mroute to"),
        Ok(mroute(None, None, None, &[])),
        "`to` with nothing after it"
    );
}

#[test]
fn mroute_ipv6_and_prefixes_kept_as_written() {
    assert_eq!(
        one("mroute from a1 source fc00::1/64 group ff2e::42/128 to a2"),
        Ok(mroute(
            Some("a1"),
            Some("fc00::1/64"),
            Some("ff2e::42/128"),
            &["a2"]
        ))
    );
}

#[test]
fn mgroup_and_ssmgroup() {
    assert_eq!(
        one("mgroup from eth0 group 225.1.1.1"),
        Ok(mgroup(Some("eth0"), None, Some("225.1.1.1")))
    );
    assert_eq!(
        one("ssmgroup from eth0 source 10.0.0.1 group 232.1.1.1"),
        Ok(mgroup(Some("eth0"), Some("10.0.0.1"), Some("232.1.1.1")))
    );
    assert_eq!(one("mgroup"), Ok(mgroup(None, None, None)));
}

#[test]
fn mgroup_ignores_to() {
    assert_eq!(
        one("mgroup from eth0 group 225.1.1.1 to eth1"),
        Ok(mgroup(Some("eth0"), None, Some("225.1.1.1")))
    );
}

#[test]
fn phyint_every_keyword() {
    assert_eq!(
        one("phyint eth0"),
        Ok(phyint(Some("eth0"), None, false, None))
    );
    assert_eq!(
        one("phyint eth0 enable mrdisc ttl-threshold 5"),
        Ok(phyint(Some("eth0"), Some(true), true, Some(5)))
    );
    assert_eq!(
        one("phyint eth0 disable"),
        Ok(phyint(Some("eth0"), Some(false), false, None))
    );
    assert_eq!(
        one("phyint eth0 enable disable"),
        Ok(phyint(Some("eth0"), Some(false), false, None)),
        "last one wins"
    );
    assert_eq!(
        one("phyint eth0 disable enable"),
        Ok(phyint(Some("eth0"), Some(true), false, None))
    );
}

#[test]
fn phyint_name_is_the_second_word_whatever_it_is() {
    assert_eq!(one("phyint"), Ok(phyint(None, None, false, None)));
    assert_eq!(
        one("phyint enable"),
        Ok(phyint(Some("enable"), None, false, None))
    );
    assert_eq!(one("phyint #x"), Ok(phyint(Some("#x"), None, false, None)));
    assert_eq!(
        one("phyint eth+"),
        Ok(phyint(Some("eth+"), None, false, None))
    );
}

#[test]
fn phyint_from_replaces_the_name() {
    // Verified against SMCRoute 2.5.6: "phyint lo from eth9" reports eth9.
    assert_eq!(
        one("phyint lo from eth9"),
        Ok(phyint(Some("eth9"), None, false, None))
    );
}

#[test]
fn ttl_threshold_atoi() {
    let ttl = |s: &str| match one(s) {
        Ok(Stmt::Phyint { ttl, .. }) => ttl,
        other => panic!("{other:?}"),
    };
    assert_eq!(ttl("phyint e ttl-threshold 300"), Some(300));
    assert_eq!(ttl("phyint e ttl-threshold -5x"), Some(-5));
    assert_eq!(ttl("phyint e ttl-threshold +7"), Some(7));
    assert_eq!(ttl("phyint e ttl-threshold garbage"), Some(0));
    assert_eq!(ttl("phyint e ttl-threshold"), None);
    assert_eq!(ttl("phyint e ttl-threshold 2 ttl-threshold"), None);
    assert_eq!(
        ttl("phyint e ttl-threshold 99999999999999999999999"),
        Some(i64::MAX)
    );
    assert_eq!(ttl("phyint e ttl-thresholdXX 9"), Some(9), "prefix match");
}

#[test]
fn include_pattern() {
    assert_eq!(
        one("include /etc/smcroute.d/*.conf"),
        Ok(Stmt::Include(Some("/etc/smcroute.d/*.conf")))
    );
    assert_eq!(one("include"), Ok(Stmt::Include(None)));
    assert_eq!(
        one("include a.conf b.conf to x"),
        Ok(Stmt::Include(Some("a.conf"))),
        "words after the pattern are ignored"
    );
    assert_eq!(one("includes x"), Ok(Stmt::Include(Some("x"))));
}

// ===== keywords =====

#[test]
fn keywords_in_any_order_and_on_any_directive() {
    assert_eq!(
        one("mroute to eth1"),
        Ok(mroute(None, None, None, &["eth1"]))
    );
    assert_eq!(
        one("mroute group 225.1.1.1 source 1.2.3.4 from eth0 to eth1"),
        Ok(mroute(
            Some("eth0"),
            Some("1.2.3.4"),
            Some("225.1.1.1"),
            &["eth1"]
        ))
    );
    // ttl-threshold, enable, mrdisc on an mroute line: parsed and ignored.
    assert_eq!(
        one("mroute from a enable mrdisc ttl-threshold 3 group g"),
        Ok(mroute(Some("a"), None, Some("g"), &[]))
    );
}

#[test]
fn keyword_prefix_matching() {
    assert_eq!(
        one("mroutexx fromage lo groupie 225.3.3.3 sourced 1.1.1.1 tomato lo"),
        Ok(mroute(
            Some("lo"),
            Some("1.1.1.1"),
            Some("225.3.3.3"),
            &["lo"]
        ))
    );
    assert_eq!(
        one("mgroupfoo from a group g"),
        Ok(mgroup(Some("a"), None, Some("g")))
    );
    assert_eq!(
        one("phyintX e enabled mrdiscovery"),
        Ok(phyint(Some("e"), Some(true), true, None))
    );
    assert_eq!(
        one("phyint e disabled"),
        Ok(phyint(Some("e"), Some(false), false, None))
    );
    // A keyword must be at the start of the word.
    assert_eq!(
        one("mroute xfrom a xgroup g"),
        Ok(mroute(None, None, None, &[]))
    );
}

#[test]
fn repeated_keywords_overwrite() {
    assert_eq!(
        one("mroute from a from b group g1 group g2 source s1 source s2"),
        Ok(mroute(Some("b"), Some("s2"), Some("g2"), &[]))
    );
    assert_eq!(
        one("mroute from a group g group"),
        Ok(mroute(Some("a"), None, None, &[])),
        "a missing value overwrites with nothing"
    );
}

#[test]
fn missing_values() {
    assert_eq!(one("mroute from"), Ok(mroute(None, None, None, &[])));
    assert_eq!(one("mroute source"), Ok(mroute(None, None, None, &[])));
    assert_eq!(
        one("mgroup from a group"),
        Ok(mgroup(Some("a"), None, None))
    );
}

#[test]
fn values_are_taken_as_is() {
    // SMCRoute pops the value without looking at it: a keyword or `#` is a value.
    assert_eq!(
        one("mroute from group group 225.1.1.1"),
        Ok(mroute(Some("group"), None, Some("225.1.1.1"), &[]))
    );
    assert_eq!(
        one("mroute from #x group g"),
        Ok(mroute(Some("#x"), None, Some("g"), &[]))
    );
}

#[test]
fn unknown_words_are_ignored() {
    assert_eq!(
        one("mroute banana from a split group g"),
        Ok(mroute(Some("a"), None, Some("g"), &[]))
    );
}

#[test]
fn to_takes_the_rest_of_the_line() {
    assert_eq!(
        one("mroute from a to b group g c"),
        Ok(mroute(Some("a"), None, None, &["b", "group", "g", "c"]))
    );
}

#[test]
fn wildcard_names() {
    assert_eq!(
        one("mroute from eth+ group 225.1.1.1 to vlan+ +"),
        Ok(mroute(
            Some("eth+"),
            None,
            Some("225.1.1.1"),
            &["vlan+", "+"]
        ))
    );
    assert_eq!(
        one("mgroup from eth+ group 225.1.1.1"),
        Ok(mgroup(Some("eth+"), None, Some("225.1.1.1")))
    );
}

// ===== comments and lexing =====

#[test]
fn comments() {
    assert!(all(b"# a comment\n#\n   # indented\n#mroute from a group g\n").is_empty());
    assert_eq!(
        one("mroute from a # group g"),
        Ok(mroute(Some("a"), None, None, &[]))
    );
    assert_eq!(
        one("mroute from a #group g"),
        Ok(mroute(Some("a"), None, None, &[]))
    );
    assert_eq!(
        one("phyint e #enable"),
        Ok(phyint(Some("e"), None, false, None))
    );
    // Not a comment: `#` inside a word.
    assert_eq!(
        one("mroute from a#b group g"),
        Ok(mroute(Some("a#b"), None, Some("g"), &[]))
    );
}

#[test]
fn comment_after_to_ends_the_oifs() {
    // Difference from SMCRoute, which would take `#` and `note` as interfaces.
    assert_eq!(
        one("mroute from a group g to b c # note d"),
        Ok(mroute(Some("a"), None, Some("g"), &["b", "c"]))
    );
    assert_eq!(
        one("mroute from a group g to b #note"),
        Ok(mroute(Some("a"), None, Some("g"), &["b"]))
    );
}

#[test]
fn whitespace_is_c_isspace() {
    assert_eq!(
        one("\t mroute\x0bfrom\x0ca\rgroup  g\t\tto\tb \r"),
        Ok(mroute(Some("a"), None, Some("g"), &["b"]))
    );
    // Not whitespace in C: NUL and non-ASCII spaces are word characters.
    assert_eq!(
        one("mroute from a\u{a0}b"),
        Ok(mroute(Some("a\u{a0}b"), None, None, &[]))
    );
}

#[test]
fn blank_lines_are_skipped() {
    assert!(all(b"").is_empty());
    assert!(all(b"\n\n  \n\t\r\n\x0b\n").is_empty());
}

#[test]
fn line_numbers_count_physical_lines() {
    let got = all(b"# c\n\nmroute from a\r\n  \nphyint b\nfoo\nmgroup from c");
    let numbers: Vec<u32> = got.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [3, 5, 6, 7]);
    assert_eq!(got[0].1, Ok(mroute(Some("a"), None, None, &[])));
    assert_eq!(got[2].1, Err(LineError::UnknownCommand("foo")));
    assert_eq!(got[3].1, Ok(mgroup(Some("c"), None, None)));
}

#[test]
fn missing_final_newline_and_crlf() {
    let got = all(b"phyint a\r\nphyint b");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], (1, Ok(phyint(Some("a"), None, false, None))));
    assert_eq!(got[1], (2, Ok(phyint(Some("b"), None, false, None))));
}

// ===== errors =====

#[test]
fn unknown_command() {
    assert_eq!(one("foo bar baz"), Err(LineError::UnknownCommand("foo")));
    // Verified against SMCRoute 2.5.6: a directive later on the line is not looked for.
    assert_eq!(
        one("foo mroute from a group g"),
        Err(LineError::UnknownCommand("foo"))
    );
    assert_eq!(one("foo # x"), Err(LineError::UnknownCommand("foo")));
    assert_eq!(
        one("ttl-threshold 5"),
        Err(LineError::UnknownCommand("ttl-threshold"))
    );
    assert_eq!(one("mrout x"), Err(LineError::UnknownCommand("mrout")));
    assert_eq!(one("from a"), Err(LineError::UnknownCommand("from")));
    assert_eq!(
        message(LineError::UnknownCommand("foo")),
        "Unknown command foo, skipping."
    );
}

#[test]
fn too_many_oifs() {
    let words: Vec<String> = (0..MAX_OIFS).map(|i| std::format!("e{i}")).collect();
    let line = std::format!("mroute from a group g to {}", words.join(" "));
    match one(&line) {
        Ok(Stmt::Route { oifs, .. }) => assert_eq!(oifs.len(), MAX_OIFS),
        other => panic!("{other:?}"),
    }
    let line = std::format!("{line} one-more");
    assert_eq!(one(&line), Err(LineError::TooManyOifs));
    // A comment after the 32nd is fine.
    let line = std::format!("mroute from a group g to {} # x y", words.join(" "));
    assert!(one(&line).is_ok());
    assert_eq!(
        message(LineError::TooManyOifs),
        "Too many outbound interfaces, max 32, skipping."
    );
}

#[test]
fn line_too_long() {
    let pad = |n: usize| "x".repeat(n);
    let fits = std::format!("mroute from a group g to {}", pad(CONF_LINE_MAX - 25));
    assert_eq!(fits.len(), CONF_LINE_MAX);
    assert!(one(&fits).is_ok());
    assert!(one(&std::format!("{fits}\r")).is_ok(), "CR is not counted");
    let long = std::format!("{fits}y");
    assert_eq!(one(&long), Err(LineError::LineTooLong));
    // The whole line is one error: the tail is not parsed as a line of its own.
    let text = std::format!("{}mroute from a group g\nphyint b\n", pad(CONF_LINE_MAX));
    let got = all(text.as_bytes());
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], (1, Err(LineError::LineTooLong)));
    assert_eq!(got[1], (2, Ok(phyint(Some("b"), None, false, None))));
    // Long comment and blank lines are no error.
    assert!(all(std::format!("#{}\n{}\n", pad(600), " ".repeat(600)).as_bytes()).is_empty());
    assert_eq!(
        message(LineError::LineTooLong),
        "Line too long, max 511 characters, skipping."
    );
}

#[test]
fn not_text() {
    assert_eq!(
        all(b"mroute from \xff group g")[0].1,
        Err(LineError::NotText)
    );
    assert_eq!(all(b"\xfe\xff")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"mroute \xc3 from a")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"mroute to a \xff")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"phyint \xff")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"include \xff")[0].1, Err(LineError::NotText));
    // A directive or keyword whose word goes on past UTF-8 is not text, not a match;
    // nor is an unknown first word an unknown command.
    assert_eq!(all(b"mroute\xff from a")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"bogus\xff")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"mroute from\xe9 a")[0].1, Err(LineError::NotText));
    assert_eq!(all(b"mroute from a tox\xff")[0].1, Err(LineError::NotText));
    // Bytes in comments do not matter; UTF-8 words are fine.
    assert!(all(b"# J\xfcrgen\n").is_empty());
    assert!(all(b"mroute from a # J\xfcrgen").first().unwrap().1.is_ok());
    assert_eq!(
        one("mroute from br\u{e9}"),
        Ok(mroute(Some("br\u{e9}"), None, None, &[]))
    );
    assert_eq!(
        message(LineError::NotText),
        "Line is not UTF-8 text, skipping."
    );
}

#[test]
fn errors_do_not_stop_the_file() {
    let got = all(b"foo\nmroute from a\xff\nphyint x\n");
    assert_eq!(got.len(), 3);
    assert!(got[2].1.is_ok());
}

#[test]
fn parse_line_alone() {
    assert_eq!(parse_line(b""), None);
    assert_eq!(parse_line(b"  # x"), None);
    assert_eq!(
        parse_line(b"phyint a"),
        Some(Ok(phyint(Some("a"), None, false, None)))
    );
}

// ===== atoi =====

#[test]
fn atoi_is_c() {
    assert_eq!(atoi("42"), 42);
    assert_eq!(atoi("  -42x"), -42);
    assert_eq!(atoi("+3"), 3);
    assert_eq!(atoi("x3"), 0);
    assert_eq!(atoi(""), 0);
    assert_eq!(atoi("-"), 0);
    assert_eq!(atoi("--1"), 0);
    assert_eq!(atoi("\u{e9}1"), 0);
    assert_eq!(atoi("-99999999999999999999999"), i64::MIN);
    // Saturation exactly at the ends of `i64`, as the signed saturating loop had it.
    for n in [
        i64::MAX,
        i64::MAX - 1,
        i64::MIN,
        i64::MIN + 1,
        922337203685477580,
    ] {
        assert_eq!(atoi(&std::format!("{n}")), n);
    }
    for text in [
        "9223372036854775808",
        "9223372036854775809",
        "9223372036854775810",
        "18446744073709551615",
        "18446744073709551616",
        "92233720368547758070",
    ] {
        assert_eq!(atoi(text), i64::MAX, "{text}");
        assert_eq!(atoi(&std::format!("-{text}")), i64::MIN, "-{text}");
    }
}

// ===== randomized =====

/// Marsaglia's xorshift64: deterministic, no crates.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Checks what must hold for any input, and that nothing panics.
fn check_invariants(text: &[u8]) {
    let lines = text.split(|&b| b == b'\n').count() as u32;
    let mut last = 0;
    parse(text, &mut |n, r| {
        assert!(n > last && n <= lines);
        last = n;
        if let Ok(Stmt::Route { oifs, .. }) = &r {
            assert!(oifs.len() <= MAX_OIFS);
            assert!(oifs.iter().all(|o| !o.starts_with('#') && !o.is_empty()));
        }
        let _ = message_of(&r);
    });
}

fn message_of(r: &Result<Stmt<'_>, LineError<'_>>) -> usize {
    match r {
        Err(e) => message(*e).len(),
        Ok(_) => 0,
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut buf = Vec::new();
    for _ in 0..100_000 {
        buf.clear();
        let len = rng.below(700);
        for _ in 0..len {
            // Bias towards the interesting bytes.
            let b = match rng.below(8) {
                0 => b'\n',
                1 => b' ',
                2 => b'#',
                3 => b'\r',
                _ => rng.next() as u8,
            };
            buf.push(b);
        }
        check_invariants(&buf);
    }
}

#[test]
fn random_token_soup_never_panics() {
    const VOCAB: &[&[u8]] = &[
        b"mroute",
        b"mgroup",
        b"ssmgroup",
        b"phyint",
        b"include",
        b"from",
        b"source",
        b"group",
        b"to",
        b"tomato",
        b"enable",
        b"disable",
        b"mrdisc",
        b"ttl-threshold",
        b"#",
        b"#x",
        b"eth0",
        b"eth+",
        b"225.1.1.1",
        b"10.0.0.1/24",
        b"ff2e::42",
        b"-12",
        b"999999999999999999999",
        b"\xff",
        b"\xc3",
        b"\xc3\xa9",
        b"\0",
        b"",
    ];
    const SPACE: &[&[u8]] = &[b" ", b"\t", b"\n", b"\r\n", b"\x0b", b"\x0c", b"  "];
    let mut rng = XorShift(0x0123_4567_89ab_cdef);
    let mut buf = Vec::new();
    for _ in 0..100_000 {
        buf.clear();
        let words = rng.below(80);
        for _ in 0..words {
            buf.extend_from_slice(VOCAB[rng.below(VOCAB.len())]);
            buf.extend_from_slice(SPACE[rng.below(SPACE.len())]);
        }
        if rng.below(10) == 0 {
            // Sometimes one very long line.
            buf.retain(|&b| b != b'\n');
        }
        check_invariants(&buf);
    }
}

#[test]
fn parse_counts_newlines() {
    let mut n = 0;
    assert_eq!(parse(b"", &mut |_, _| n += 1), 0);
    assert_eq!(parse(b"phyint a\n", &mut |_, _| n += 1), 1);
    assert_eq!(parse(b"phyint a\n\n# c\nphyint b", &mut |_, _| n += 1), 3);
    assert_eq!(n, 3);
}

#[test]
fn parse_each_reuses_its_statement_without_leftovers() {
    // Each line's directive is its own: nothing of a line may leak into the next (an
    // mroute's OIFs into an mroute without `to`, fields across directives, a failed
    // line's partial statement).
    let text = b"mroute from a source 1.1.1.1 group 225.1.1.1 to b c\n\
        mroute from d group 225.2.2.2\n\
        mroute from e group 225.3.3.3 to f \xff\n\
        mroute group 225.4.4.4\n\
        phyint g enable\n\
        mroute from h to i\n\
        mgroup from j group 225.5.5.5 to k\n\
        include x.conf\n\
        mroute from l group 225.6.6.6 to m\n";
    let mut lent = Vec::new();
    let n = parse_each(text, &mut |n, r| {
        lent.push((n, r.map(|(d, oifs)| d.stmt(oifs))));
    });
    assert_eq!(n, 9);
    let expected: Vec<_> = text
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, l)| parse_line(l).map(|r| (i as u32 + 1, r)))
        .collect();
    assert_eq!(lent, expected);
    assert_eq!(
        lent[1].1,
        Ok(mroute(Some("d"), None, Some("225.2.2.2"), &[]))
    );
    assert_eq!(lent[2].1, Err(LineError::NotText));
    assert_eq!(lent[3].1, Ok(mroute(None, None, Some("225.4.4.4"), &[])));
    assert_eq!(lent[5].1, Ok(mroute(Some("h"), None, None, &["i"])));
    assert_eq!(
        lent[8].1,
        Ok(mroute(Some("l"), None, Some("225.6.6.6"), &["m"]))
    );
}

#[test]
fn is_space_is_c_isspace() {
    for b in 0..=255u8 {
        assert_eq!(is_space(b), b.is_ascii_whitespace() || b == 0x0b, "{b}");
    }
}

#[test]
fn line_end_finds_the_first_newline_at_any_offset() {
    for len in 0..40 {
        for nl in 0..=len {
            let mut text = std::vec![b'a'; len];
            if nl < len {
                text[nl] = b'\n';
                // Bytes that borrow in the word trick (0x0b = '\n' ^ 1, 0x0a ^ 0x80 = 0x8a).
                if nl + 1 < len {
                    text[nl + 1] = 0x0b;
                }
                if nl > 0 {
                    text[nl - 1] = 0x8a;
                }
                // A second newline in the same word: the first one still wins.
                if nl + 2 < len {
                    text[nl + 2] = b'\n';
                }
            }
            for start in 0..=len {
                let want = text[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(len, |i| start + i);
                assert_eq!(
                    line_end(&text, start),
                    want,
                    "len {len} nl {nl} start {start}"
                );
            }
        }
    }
    assert_eq!(line_end(b"abc", 9), 9);
}

#[test]
fn names_match_as_word_prefixes() {
    let key = |w: &[u8]| keyword(w).map(|k| k as u8);
    assert_eq!(key(b"to"), Some(Key::To as u8));
    assert_eq!(key(b"tox"), Some(Key::To as u8));
    assert_eq!(key(b"ttl-threshold"), Some(Key::Ttl as u8));
    assert_eq!(key(b"ttl-thresholds"), Some(Key::Ttl as u8));
    assert_eq!(key(b"ttl-threshol"), None);
    assert_eq!(key(b"t"), None);
    assert_eq!(key(b""), None);
    assert_eq!(key(b"sourc"), None);
    assert_eq!(key(b"source"), Some(Key::Source as u8));
    assert!(directive_kind(b"ssmgroup") == Some(Kind::Mgroup));
    assert!(directive_kind(b"include") == Some(Kind::Include));
    assert!(directive_kind(b"mrout").is_none());
    assert!(directive_kind(b"x").is_none());
}

#[test]
fn pending_words_are_directive_names() {
    assert_eq!(MROUTE_WORD, "mroute");
    assert_eq!(MGROUP_WORD, "mgroup");
}
