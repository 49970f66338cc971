//! How the checked-in seed corpora were made (from the spec's examples, frames as the C
//! client sends them, hand-built kernel messages). `tests/fuzz_props.rs` has an ignored
//! test that writes them: `cargo test --test fuzz_props -- --ignored write_seed_corpora`.

use smcroute::ipc::Request;
use smcroute::limits::IPC_MSG_MAX;
use smcroute::wire::{igmp, netlink, upcall};

use super::rng::Rng;

pub type Seed = (&'static str, String, Vec<u8>);

fn seed(out: &mut Vec<Seed>, target: &'static str, name: &str, data: impl Into<Vec<u8>>) {
    out.push((target, format!("seed-{name}"), data.into()));
}

const CONF_FILE: &str = "\
# /etc/smcroute.conf
phyint eth0 enable ttl-threshold 1
phyint eth1 enable mrdisc
phyint wlan0 disable
mgroup from eth0 group 225.1.2.3
mgroup from eth0 source 192.168.1.42 group 232.1.1.1
mgroup from eth0 group 225.3.2.248/30
mroute from eth0 source 192.168.1.42 group 225.1.2.3 to eth1 eth2
mroute from eth0 group 225.1.2.4 to eth1 eth2   # to the two LANs
mroute from eth0 group 239.0.0.0/8 to eth+
mroute from eth0 source 10.0.0.0/24 group 225.5.5.5 to eth1
mgroup from eth0 group ff2e::42
mroute from eth0 source fc00::1 group ff2e::42 to eth1
mroute from eth0 group ff04::114 to eth1
mroute from eth0 source 192.168.1.66 group 225.1.2.3
mroute from wg0 group 239.5.5.5 to eth1
include /etc/smcroute.d/*.conf
";

fn conf(out: &mut Vec<Seed>) {
    seed(out, "conf", "smcroute.conf", CONF_FILE);
    for (i, line) in CONF_FILE.lines().enumerate() {
        seed(out, "conf", &format!("line{i:02}"), line);
    }
    let odd: &[(&str, &[u8])] = &[
        (
            "crlf",
            b"phyint a1 enable\r\nmroute from a1 group 225.1.1.1 to a2\r\n",
        ),
        (
            "tabs",
            b"\tmroute\tfrom a1\x0bgroup 225.1.1.1\x0cto a2 a3\n",
        ),
        (
            "prefix-keywords",
            b"mroutex fromage a1 groupie 225.1.1.1 tomato a2\n",
        ),
        (
            "ssmgroup",
            b"ssmgroup from a1 source 10.0.0.10 group 225.1.2.3\n",
        ),
        ("unknown", b"route from a1 group 225.1.1.1\nbogus\n"),
        (
            "missing-values",
            b"mroute from\nmgroup group\nphyint\ninclude\n",
        ),
        (
            "comment-after-to",
            b"mroute from a1 group 225.1.1.1 to a2 # note\n",
        ),
        (
            "ttl-odd",
            b"phyint a1 ttl-threshold -1\nphyint a2 ttl-threshold 99999999999999999999\n",
        ),
        (
            "not-utf8",
            b"mroute from \xff\xfe group 225.1.1.1\n# \xff comment\n",
        ),
        ("no-final-newline", b"mroute from a1 group 225.1.1.1 to a2"),
        (
            "wildcards",
            b"phyint eth+ enable\nmroute from + group ff2e::/16 to eth+ a1:1\n",
        ),
        ("empty", b""),
        ("blank-lines", b"\n\n   \n#\n"),
    ];
    for (name, data) in odd {
        seed(out, "conf", name, *data);
    }
    let mut long = b"mroute from a1 group 225.1.1.1 to".to_vec();
    while long.len() < 511 {
        long.extend_from_slice(b" a2");
    }
    seed(out, "conf", "line-511", long[..511].to_vec());
    seed(out, "conf", "line-512", [&long[..511], b"x"].concat());
    let many: String = (0..40).map(|i| format!(" o{i}")).collect();
    seed(
        out,
        "conf",
        "too-many-oifs",
        format!("mroute from a1 group 225.1.1.1 to{many}\n"),
    );
}

/// A frame exactly as `smcroutectl` sends it.
pub fn frame(cmd: u8, args: &[&str]) -> Vec<u8> {
    let req = Request::with_args(cmd, args).expect("at most 35 args");
    let mut buf = [0u8; IPC_MSG_MAX];
    let n = req.emit(&mut buf).expect("fits 1024 bytes");
    buf[..n].to_vec()
}

fn requests() -> Vec<(&'static str, Vec<u8>)> {
    let oifs: Vec<String> = (0..32).map(|i| format!("o{i}")).collect();
    let mut add32: Vec<&str> = vec!["a1", "225.1.1.1"];
    add32.extend(oifs.iter().map(String::as_str));
    vec![
        ("add", frame(b'a', &["a1", "225.1.1.1", "a2"])),
        (
            "add-sg",
            frame(b'a', &["a1", "10.0.0.1", "225.1.1.1", "a2", "a3"]),
        ),
        ("add-v6", frame(b'a', &["a1", "fc00::1", "ff2e::42", "a2"])),
        (
            "add-prefix",
            frame(b'a', &["a1", "10.0.0.0/24", "225.9.0.0/16", "a2"]),
        ),
        (
            "add-35-args",
            frame(b'a', &[&["a1", "10.0.0.1"][..], &add32[..]].concat()[..35]),
        ),
        ("remove", frame(b'r', &["a1", "225.1.1.1"])),
        ("join", frame(b'j', &["a1", "225.1.1.1"])),
        ("join-ssm", frame(b'j', &["a1", "10.0.0.10", "225.1.2.3"])),
        ("leave", frame(b'l', &["a1", "225.1.1.1"])),
        ("flush", frame(b'F', &[])),
        ("reload", frame(b'H', &[])),
        ("kill", frame(b'k', &[])),
        ("show", frame(b's', &[])),
        ("show-groups", frame(b'S', &["groups"])),
        ("show-interfaces", frame(b's', &["interfaces"])),
        ("show-json", frame(b'J', &["pending"])),
        ("unknown-letter", frame(b'x', &["a1"])),
        ("empty-arg", frame(b'a', &["", "", ""])),
    ]
}

fn lie(mut f: Vec<u8>, len: usize) -> Vec<u8> {
    let w = core::mem::size_of::<usize>();
    f[..w].copy_from_slice(&len.to_ne_bytes());
    f
}

fn ipc(out: &mut Vec<Seed>) {
    let w = core::mem::size_of::<usize>();
    for (name, f) in requests() {
        seed(out, "ipc_request", name, f.clone());
    }
    let add = frame(b'a', &["a1", "225.1.1.1", "a2"]);
    seed(
        out,
        "ipc_request",
        "len-short",
        lie(add.clone(), add.len() - 3),
    );
    seed(
        out,
        "ipc_request",
        "len-long",
        lie(add.clone(), add.len() + 3),
    );
    seed(out, "ipc_request", "len-1025", lie(add.clone(), 1025));
    let mut count = add.clone();
    count[w + 2..w + 4].copy_from_slice(&36u16.to_ne_bytes());
    seed(out, "ipc_request", "count-36", count);
    let mut unterminated = add.clone();
    for b in unterminated.iter_mut().skip(w + 8) {
        if *b == 0 {
            *b = b'x';
        }
    }
    seed(out, "ipc_request", "no-nul", unterminated);
    let mut trailing = add.clone();
    trailing.extend_from_slice(b"junk");
    let n = trailing.len();
    seed(out, "ipc_request", "trailing-garbage", lie(trailing, n));
    let mut wide = add.clone();
    wide[w..w + 2].copy_from_slice(&0x161u16.to_ne_bytes());
    seed(out, "ipc_request", "cmd-wide", wide);

    // Streams: three chunk-size bytes, then the bytes of a connection.
    let stream = |sizes: [u8; 3], frames: &[Vec<u8>]| -> Vec<u8> {
        let mut v = sizes.to_vec();
        for f in frames {
            v.extend_from_slice(f);
        }
        v
    };
    let all: Vec<Vec<u8>> = requests().into_iter().map(|(_, f)| f).collect();
    seed(out, "ipc_framer", "one", stream([96, 96, 96], &all[..1]));
    seed(
        out,
        "ipc_framer",
        "single-bytes",
        stream([0, 0, 0], &all[..3]),
    );
    seed(out, "ipc_framer", "back-to-back", stream([40, 7, 96], &all));
    seed(
        out,
        "ipc_framer",
        "garbage-after",
        stream([13, 50, 1], &[add.clone(), b"garbage!".to_vec()]),
    );
    seed(
        out,
        "ipc_framer",
        "len-0",
        stream([5, 5, 5], &[add.clone(), lie(add.clone(), 0)]),
    );
    seed(
        out,
        "ipc_framer",
        "len-huge",
        stream([5, 5, 5], &[lie(add.clone(), usize::MAX)]),
    );
    seed(
        out,
        "ipc_framer",
        "len-1024",
        stream([96, 1, 2], &[lie(vec![0; 1024], 1024), add.clone()]),
    );
    seed(
        out,
        "ipc_framer",
        "partial",
        stream([3, 3, 3], &[add[..add.len() - 1].to_vec()]),
    );
    seed(
        out,
        "ipc_framer",
        "empty-frame",
        stream([1, 2, 3], &vec![lie(vec![0; 16], 16); 4]),
    );
    seed(out, "ipc_framer", "nothing", stream([0, 0, 0], &[]));
}

const ROUTES_REPLY: &str = "\
(*,G) Template Rules_
ROUTE (S,G)                                IIF  OIFS=
(*, 225.3.3.3)                             a1   a2
(*, 225.9.0.0/16)                          a1   a2
(10.0.0.0/24, 225.5.5.5)                   a1   a2
(*, ff2e::42)                              a1   a2
(S,G) Rules_
ROUTE (S,G)                                IIF  OIFS=
(10.0.0.5, 225.4.4.4)                      a1   a2
(fc00::1, ff04::114)                       a1   a2
Kernel MFC Table_
ROUTE (S,G)                                IIF  OIFS=
(10.0.0.5, 225.4.4.4)                      a1   a2
(10.0.0.1, 225.7.7.7)                      a1  
";

fn replies(out: &mut Vec<Seed>) {
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("routes", format!("{ROUTES_REPLY}\0").into_bytes()),
        (
            "detail",
            b"Kernel MFC Table_\nROUTE (S,G)                                IIF    PACKETS      BYTES  OIFS=\n(10.0.0.1, 225.3.3.3)                      a1           2        168  a2\n\0".to_vec(),
        ),
        (
            "groups",
            b"Group Memberships Table_\nGROUP (S,G)                                IIF             =\n(*, 225.1.1.1)                             a1\n(10.0.0.10, 225.1.2.3)                     a1\nKernel Group Membership Table_\n(*, 225.3.2.249/30)                        a2\n\0".to_vec(),
        ),
        (
            "interfaces",
            b" INDEX PHYINT  VIF  MIF=\n     1 lo      N/A  N/A\n     3 a1        0    0\n\0".to_vec(),
        ),
        (
            "pending",
            b"PENDING ROUTES AND GROUPS\nmroute  from wg0 group 239.5.5.5 to a2\nmgroup  from a1 source 10.0.0.10 group 225.1.2.3\n\0".to_vec(),
        ),
        ("no-pending", b"No pending routes or groups\n\0".to_vec()),
        (
            "json",
            b"{\"routes\":{\"asm\":[{\"source\":null,\"group\":\"225.1.1.1\",\"iif\":\"a1\",\"oifs\":[\"a2\"]}],\"ssm\":[],\"kernel\":[]}}\n\0".to_vec(),
        ),
        ("success", b"\0".to_vec()),
        ("error", b"Already joined (*,225.1.1.1) on a1\0".to_vec()),
        ("error-unknown", b"Unknown or malformed IPC message 'x' from client.\0".to_vec()),
        ("empty", Vec::new()),
        ("no-nul", b"Kernel MFC Table_\nROUTE=\n(10.0.0.1, 225.1.1.1) a1".to_vec()),
        ("markers-only", b"_\n=\n__\n==\n\0after\0".to_vec()),
        ("long-json", {
            let mut v = b"{\"interfaces\":[".to_vec();
            while v.len() < 1500 {
                v.extend_from_slice(b"{\"index\":1,\"name\":\"a1\",\"vif\":0,\"mif\":null},");
            }
            v.extend_from_slice(b"]}=\n\0");
            v
        }),
        ("line-1024", [vec![b'x'; 1023], b"=\n\0".to_vec()].concat()),
    ];
    for (name, body) in &bodies {
        // Mode byte 0 = tty (width next), 1 = -p, 2 = -t; then the piece size.
        seed(
            out,
            "ipc_reply",
            &format!("{name}-plain"),
            [&[1u8, 200][..], body].concat(),
        );
        if matches!(*name, "routes" | "groups" | "json" | "no-nul" | "line-1024") {
            seed(
                out,
                "ipc_reply",
                &format!("{name}-tty"),
                [&[0u8, 79, 7][..], body].concat(),
            );
            seed(
                out,
                "ipc_reply",
                &format!("{name}-off"),
                [&[2u8, 0][..], body].concat(),
            );
        }
    }
    seed(
        out,
        "ipc_reply",
        "cursor-report",
        b"\x01\x03\x1b[24;132R".to_vec(),
    );
}

fn igmpmsg(msgtype: u8, vif: u8, src: [u8; 4], grp: [u8; 4]) -> Vec<u8> {
    let mut m = vec![0u8; upcall::IGMPMSG_SIZE];
    m[0] = 0x45;
    m[upcall::IM_MSGTYPE] = msgtype;
    m[upcall::IM_VIF] = vif;
    m[upcall::IM_SRC..upcall::IM_SRC + 4].copy_from_slice(&src);
    m[upcall::IM_DST..upcall::IM_DST + 4].copy_from_slice(&grp);
    m
}

fn mrt6msg(msgtype: u8, mif: u16, src_last: u8, grp: [u8; 16]) -> Vec<u8> {
    let mut m = vec![0u8; upcall::MRT6MSG_SIZE];
    m[upcall::IM6_MSGTYPE] = msgtype;
    m[upcall::IM6_MIF..upcall::IM6_MIF + 2].copy_from_slice(&mif.to_ne_bytes());
    m[upcall::IM6_SRC] = 0xfc;
    m[upcall::IM6_SRC + 15] = src_last;
    m[upcall::IM6_DST..upcall::IM6_DST + 16].copy_from_slice(&grp);
    m
}

fn upcalls(out: &mut Vec<Seed>) {
    let g = [225, 1, 1, 1];
    let s = [10, 0, 0, 1];
    let ff2e = [0xff, 0x2e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42];
    let mut v: Vec<(&str, Vec<u8>)> = vec![
        ("v4-nocache", igmpmsg(1, 0, s, g)),
        ("v4-wrongvif", igmpmsg(2, 3, s, g)),
        ("v4-wholepkt", igmpmsg(3, 1, s, g)),
        ("v4-wrvifwhole", igmpmsg(4, 31, s, g)),
        ("v4-unknown-type", igmpmsg(9, 0, s, g)),
        ("v4-type-0", igmpmsg(0, 0, s, g)),
        ("v4-vif-255", igmpmsg(1, 255, s, g)),
        ("v4-short", igmpmsg(1, 0, s, g)[..19].to_vec()),
        (
            "v4-with-payload",
            [igmpmsg(1, 2, s, [239, 1, 2, 3]), vec![0xaa; 28]].concat(),
        ),
        ("v6-nocache", mrt6msg(1, 0, 1, ff2e)),
        ("v6-wrongmif", mrt6msg(2, 5, 2, ff2e)),
        ("v6-wholepkt", mrt6msg(3, 31, 1, ff2e)),
        ("v6-mif-256", mrt6msg(1, 256, 1, ff2e)),
        ("v6-short", mrt6msg(1, 0, 1, ff2e)[..39].to_vec()),
    ];
    let mut hi = igmpmsg(1, 0, s, g);
    hi[upcall::IM_VIF_HI] = 1;
    v.push(("v4-vif-hi", hi));
    let mut mbz = igmpmsg(1, 0, s, g);
    mbz[upcall::IM_MBZ] = igmp::IPPROTO_IGMP;
    v.push(("v4-real-igmp", mbz));
    let mut icmp = mrt6msg(1, 0, 1, ff2e);
    icmp[0] = 130; // MLD query
    v.push(("v6-real-icmpv6", icmp));
    for (name, data) in v {
        seed(out, "upcall", name, data);
    }
}

/// One netlink message in host order; `attrs` are (type, data).
fn nlmsg(kind: u16, seq: u32, body: &[u8], attrs: &[(u16, &[u8])]) -> Vec<u8> {
    let mut m = vec![0u8; 4];
    m.extend_from_slice(&kind.to_ne_bytes());
    m.extend_from_slice(&2u16.to_ne_bytes());
    m.extend_from_slice(&seq.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(body);
    for (t, d) in attrs {
        m.extend_from_slice(&((4 + d.len()) as u16).to_ne_bytes());
        m.extend_from_slice(&t.to_ne_bytes());
        m.extend_from_slice(d);
        while m.len() % 4 != 0 {
            m.push(0);
        }
    }
    let len = m.len() as u32;
    m[..4].copy_from_slice(&len.to_ne_bytes());
    m
}

fn ifinfo(index: i32, flags: u32) -> Vec<u8> {
    let mut b = vec![0u8, 0];
    b.extend_from_slice(&1u16.to_ne_bytes());
    b.extend_from_slice(&index.to_ne_bytes());
    b.extend_from_slice(&flags.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    b
}

fn netlinks(out: &mut Vec<Seed>) {
    use netlink::{
        IFF_MULTICAST, IFF_UP, IFLA_IFNAME, NLMSG_DONE, NLMSG_ERROR, RTM_DELLINK, RTM_NEWLINK,
    };
    let mtu = 1500u32.to_ne_bytes();
    let lo = nlmsg(
        RTM_NEWLINK,
        7,
        &ifinfo(1, 0x9),
        &[(4, &mtu), (IFLA_IFNAME, b"lo\0")],
    );
    let a1 = nlmsg(
        RTM_NEWLINK,
        7,
        &ifinfo(3, IFF_UP | IFF_MULTICAST),
        &[(IFLA_IFNAME, b"a1\0")],
    );
    let long = nlmsg(
        RTM_NEWLINK,
        7,
        &ifinfo(12, IFF_UP | IFF_MULTICAST),
        &[(IFLA_IFNAME, b"veth-long-name\0")],
    );
    let done = nlmsg(NLMSG_DONE, 7, &0i32.to_ne_bytes(), &[]);
    let err = nlmsg(NLMSG_ERROR, 7, &(-22i32).to_ne_bytes(), &[]);
    let del = nlmsg(RTM_DELLINK, 0, &ifinfo(3, 0), &[(IFLA_IFNAME, b"a1\0")]);
    let newaddr = nlmsg(20, 0, &[0; 8], &[]);
    let v: Vec<(&str, Vec<u8>)> = vec![
        (
            "dump",
            [lo.clone(), a1.clone(), long.clone(), done.clone()].concat(),
        ),
        ("lo", lo.clone()),
        ("done", done.clone()),
        ("error", err),
        ("ack", nlmsg(NLMSG_ERROR, 9, &0i32.to_ne_bytes(), &[])),
        ("dellink", del),
        ("newaddr-then-link", [newaddr, a1.clone()].concat()),
        (
            "no-name",
            nlmsg(RTM_NEWLINK, 1, &ifinfo(4, IFF_UP), &[(4, &mtu)]),
        ),
        (
            "empty-name",
            nlmsg(RTM_NEWLINK, 1, &ifinfo(4, IFF_UP), &[(IFLA_IFNAME, b"\0")]),
        ),
        (
            "index-0",
            nlmsg(RTM_NEWLINK, 1, &ifinfo(0, IFF_UP), &[(IFLA_IFNAME, b"x\0")]),
        ),
        (
            "index-negative",
            nlmsg(
                RTM_NEWLINK,
                1,
                &ifinfo(-5, IFF_UP),
                &[(IFLA_IFNAME, b"x\0")],
            ),
        ),
        ("short-body", nlmsg(RTM_NEWLINK, 1, &[0; 6], &[])),
        ("truncated", a1[..a1.len() - 3].to_vec()),
        ("len-0", [vec![0u8; 16], a1.clone()].concat()),
        ("attr-len-0", {
            let mut m = nlmsg(RTM_NEWLINK, 1, &ifinfo(4, IFF_UP), &[(IFLA_IFNAME, b"x\0")]);
            let at = 16 + 16;
            m[at..at + 2].copy_from_slice(&0u16.to_ne_bytes());
            m
        }),
        (
            "not-utf8-name",
            nlmsg(
                RTM_NEWLINK,
                1,
                &ifinfo(4, IFF_UP),
                &[(IFLA_IFNAME, b"\xff\xfe\0")],
            ),
        ),
    ];
    for (name, data) in v {
        seed(out, "netlink", name, data);
    }
}

fn ip_packet(payload: &[u8], options: &[u8]) -> Vec<u8> {
    let ihl = (20 + options.len()) / 4;
    let total = (20 + options.len() + payload.len()) as u16;
    let mut p = vec![0x40 | ihl as u8, 0xc0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 1, igmp::IPPROTO_IGMP, 0, 0]);
    p.extend_from_slice(&[10, 0, 0, 1, 224, 0, 0, 106]);
    p.extend_from_slice(options);
    p.extend_from_slice(payload);
    p
}

fn mrdiscs(out: &mut Vec<Seed>) {
    let ann = igmp::packet(igmp::MRDISC_ANNOUNCE, 20);
    let mut bad = ann;
    bad[3] ^= 1;
    let v: Vec<(&str, Vec<u8>)> = vec![
        ("announce", ip_packet(&ann, &[])),
        (
            "announce-router-alert",
            ip_packet(&ann, &igmp::ROUTER_ALERT),
        ),
        (
            "solicit",
            ip_packet(&igmp::packet(igmp::MRDISC_SOLICIT, 0), &[]),
        ),
        (
            "terminate",
            ip_packet(&igmp::packet(igmp::MRDISC_TERMINATE, 0), &[]),
        ),
        ("bad-checksum", ip_packet(&bad, &[])),
        (
            "igmp-query",
            ip_packet(&[0x11, 0x64, 0xee, 0x9b, 0, 0, 0, 0], &[]),
        ),
        ("short-total", {
            let mut p = ip_packet(&ann, &[]);
            p[3] = 22;
            p
        }),
        ("padded", [ip_packet(&ann, &[]), vec![0; 18]].concat()),
        (
            "upcall-not-igmp",
            igmpmsg(1, 0, [10, 0, 0, 1], [225, 1, 1, 1]),
        ),
        ("ihl-15", {
            let mut p = ip_packet(&ann, &[]);
            p[0] = 0x4f;
            p
        }),
    ];
    for (name, data) in v {
        seed(out, "mrdisc", name, data);
    }
}

fn routers(out: &mut Vec<Seed>) {
    // Op streams: the first byte picks the options (bit 0 -N, bits 1-2 cache timeout,
    // bit 3 no IPv6, bits 4-5 both set = kernel faults); the rest drives the steps.
    let flags: [(&str, u8); 8] = [
        ("default", 0x00),
        ("no-vifs", 0x01),
        ("no-cache-timeout", 0x02),
        ("timeout-1s", 0x04),
        ("no-v6", 0x08),
        ("faults", 0x30),
        ("faults-no-v6", 0x38),
        ("all", 0x3f),
    ];
    for (k, (name, f)) in flags.iter().enumerate() {
        for len in [600usize, 3000] {
            let mut rng = Rng::new(0x0123_4567 + k as u64 * 31 + len as u64);
            let mut v = vec![*f];
            v.extend((0..len).map(|_| rng.byte()));
            seed(out, "router", &format!("{name}-{len}"), v);
        }
    }
}

/// Every seed: (target, file name, bytes).
pub fn all() -> Vec<Seed> {
    let mut out = Vec::new();
    conf(&mut out);
    ipc(&mut out);
    replies(&mut out);
    upcalls(&mut out);
    netlinks(&mut out);
    mrdiscs(&mut out);
    routers(&mut out);
    out
}
