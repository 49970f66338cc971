//! One harness per pure decoder. Each checks more than "no panic": the decoder agrees with
//! itself (line vs file, chunked vs whole, parse vs emit) and with a short reference model.

use smcroute::conf::{self, LineError, Stmt};
use smcroute::ipc::show::{self, Headings, Out, Renderer};
use smcroute::ipc::wire::HEADER_LEN;
use smcroute::ipc::{Framer, Request, WireError};
use smcroute::kernel::{Upcall, UpcallKind};
use smcroute::limits::{IPC_MAX_ARGS, IPC_MSG_MAX, MAX_OIFS};
use smcroute::net::Family;
use smcroute::wire::netlink::{self, Malformed, Message};
use smcroute::wire::{igmp, upcall, Endian};

use super::Bytes;

/// Formats a `uDisplay` value into a bounded string, as the daemon's log line does.
fn render<T: ufmt::uDisplay>(v: &T) -> heapless::String<1024> {
    let mut s = heapless::String::new();
    ufmt::uwrite!(s, "{}", v).expect("message fits 1024 bytes");
    assert!(!s.is_empty(), "empty message");
    s
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn check_word(w: &str) {
    assert!(!w.is_empty(), "empty word");
    assert!(!w.bytes().any(is_space), "word {w:?} holds whitespace");
}

// ===== conf =====

/// `conf::parse` on a whole file: line numbers increase and match the physical lines, each
/// result equals `parse_line` of its line, words are non-empty and whitespace-free.
pub fn conf(data: &[u8]) {
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let mut last = 0u32;
    conf::parse(data, &mut |n, res| {
        assert!(n > last, "line numbers go {last} -> {n}");
        last = n;
        let line = lines[n as usize - 1];
        assert_eq!(conf::parse_line(line), Some(res.clone()), "line {n}");
        match res {
            Err(e) => {
                // The daemon words it from its text, the unknown word in its place.
                let (i, word) = e.text();
                let text = conf::LINE_ERROR_TEXTS.get(usize::from(i));
                let text = text.expect("a text for every line error");
                assert!(!text.is_empty(), "empty message");
                assert!(text.len() + word.len() <= 1024, "message of {e:?} too long");
                if e == LineError::LineTooLong {
                    assert!(line.len() > 511);
                }
            }
            Ok(Stmt::Phyint { ifname, .. }) => ifname.into_iter().for_each(check_word),
            Ok(Stmt::Include(p)) => p.into_iter().for_each(check_word),
            Ok(Stmt::Route {
                from,
                source,
                group,
                oifs,
                join,
            }) => {
                [from, source, group]
                    .into_iter()
                    .flatten()
                    .for_each(check_word);
                assert!(oifs.len() <= MAX_OIFS);
                assert!(!join || oifs.is_empty(), "OIFs on a membership");
                for w in &oifs {
                    check_word(w);
                    assert!(!w.starts_with('#'), "comment {w:?} taken as an OIF");
                }
            }
        }
    });
}

// ===== IPC, daemon side =====

/// `Request::parse` on one frame: a parsed request re-emits and parses back to itself.
pub fn ipc_request(data: &[u8]) {
    match Request::parse(data) {
        Ok(req) => {
            assert!(data.len() >= HEADER_LEN && data.len() <= IPC_MSG_MAX);
            assert!(req.args.len() <= IPC_MAX_ARGS);
            for a in &req.args {
                assert!(!a.contains('\0'));
            }
            let mut buf = [0u8; IPC_MSG_MAX];
            match req.emit(&mut buf) {
                Ok(n) => {
                    assert_eq!(n, req.buffer_len());
                    assert_eq!(Request::parse(&buf[..n]), Ok(req));
                }
                // A full-size frame without the final NUL parses but does not re-emit.
                Err(WireError::TooLarge) => assert!(req.buffer_len() > IPC_MSG_MAX),
                Err(e) => panic!("parsed request does not re-emit: {e:?}"),
            }
        }
        Err(e) => {
            render(&e);
        }
    }
}

/// The frames a correct framer cuts from `stream`, and whether it ends in an error.
fn reference_frames(stream: &[u8]) -> (Vec<&[u8]>, Option<WireError>) {
    const W: usize = core::mem::size_of::<usize>();
    let mut frames = Vec::new();
    let mut rest = stream;
    while rest.len() >= W {
        let len = usize::from_ne_bytes(rest[..W].try_into().unwrap());
        if len > IPC_MSG_MAX {
            return (frames, Some(WireError::TooLarge));
        }
        if len < HEADER_LEN {
            return (frames, Some(WireError::BadLength));
        }
        if rest.len() < len {
            break;
        }
        frames.push(&rest[..len]);
        rest = &rest[len..];
    }
    (frames, None)
}

/// `Framer` on a byte stream cut into pieces of input-chosen sizes: it yields exactly the
/// frames of a reference framer, through both `push`/`next_frame` and `feed`; every frame
/// then goes through [`ipc_request`].
pub fn ipc_framer(data: &[u8]) {
    let mut b = Bytes::new(data);
    let sizes = [b.u8(), b.u8(), b.u8()];
    let stream = b.rest();
    let (want, want_err) = reference_frames(stream);
    let chunk = |i: usize| usize::from(sizes[i % 3]) % 97 + 1;

    // push / next_frame, as the daemon's client loop does.
    let mut f = Framer::new();
    let mut got: Vec<Vec<u8>> = Vec::new();
    let mut err = None;
    let mut rest = stream;
    let mut i = 0;
    'outer: while !rest.is_empty() {
        let piece = &rest[..chunk(i).min(rest.len())];
        i += 1;
        let mut piece_rest = piece;
        let mut spins = 0;
        loop {
            let taken = f.push(piece_rest);
            assert!(taken <= piece_rest.len());
            piece_rest = &piece_rest[taken..];
            let mut answered = false;
            loop {
                match f.next_frame() {
                    Ok(Some(frame)) => {
                        got.push(frame.to_vec());
                        answered = true;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        err = Some(e);
                        break 'outer;
                    }
                }
            }
            if piece_rest.is_empty() {
                break;
            }
            assert!(answered || taken > 0, "framer stalls with bytes left");
            spins += 1;
            assert!(spins < 10_000);
        }
        rest = &rest[piece.len()..];
    }
    assert_eq!(got.len(), want.len(), "frame count");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.as_slice(), *w);
    }
    assert_eq!(err, want_err);
    if err.is_none() {
        // The framer is empty exactly when the stream ended on a frame boundary.
        let used: usize = want.iter().map(|f| f.len()).sum();
        assert_eq!(f.is_empty(), used == stream.len());
    }

    // feed, in the same pieces.
    let mut f = Framer::new();
    let mut fed: Vec<Vec<u8>> = Vec::new();
    let mut ferr = None;
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let n = chunk(i).min(rest.len());
        i += 1;
        if let Err(e) = f.feed(&rest[..n], |frame| fed.push(frame.to_vec())) {
            ferr = Some(e);
            break;
        }
        rest = &rest[n..];
    }
    assert_eq!(fed, got);
    assert_eq!(ferr, want_err);

    for frame in &got {
        ipc_request(frame);
    }
}

// ===== IPC, client side =====

/// Collects rendered output.
struct Collect(Vec<u8>);

impl Out for Collect {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// `Renderer` fed a reply in input-chosen pieces renders exactly what rendering the whole
/// reply line by line does, consumes the reply up to its NUL and nothing after it.
pub fn ipc_reply(data: &[u8]) {
    let mut b = Bytes::new(data);
    let headings = match b.u8() % 3 {
        0 => Headings::Tty {
            width: usize::from(b.u8()),
        },
        1 => Headings::Plain,
        _ => Headings::Off,
    };
    let piece = usize::from(b.u8()) % 61 + 1;
    let reply = b.rest();

    let mut r = Renderer::new(headings);
    let mut out = Collect(Vec::new());
    let mut consumed = 0;
    for chunk in reply.chunks(piece) {
        let n = r.feed(chunk, &mut out);
        assert!(n <= chunk.len());
        consumed += n;
        if n < chunk.len() {
            assert!(r.is_done(), "stopped before the NUL");
        }
    }
    let nul = reply.iter().position(|&b| b == 0);
    assert_eq!(consumed, nul.map_or(reply.len(), |p| p + 1));
    assert_eq!(r.is_done(), nul.is_some());
    if r.is_done() {
        assert_eq!(r.feed(b"more\n", &mut out), 0, "bytes taken after the NUL");
    }
    r.finish(&mut out);
    assert!(r.is_done());

    // Reference: whole lines; over-long lines pass through without heading processing.
    let body = &reply[..nul.unwrap_or(reply.len())];
    let mut want = Collect(Vec::new());
    let mut lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let last = lines.pop().unwrap_or(&[]);
    if nul.is_some() || !last.is_empty() {
        lines.push(last);
    }
    for line in lines {
        if line.len() > 1024 {
            want.put(line);
            want.put(b"\n");
        } else {
            show::render_line(line, headings, &mut want);
        }
    }
    assert!(
        out.0 == want.0,
        "streamed rendering differs from whole-line rendering"
    );

    if let Some(c) = show::parse_cursor_report(reply) {
        assert!(c > 0 && c < 1_000_000);
    }
}

// ===== kernel upcalls =====

fn check_upcall(up: &Upcall, buf: &[u8], family: Family, endian: Endian) {
    match family {
        Family::V4 => {
            assert!(buf.len() >= upcall::IGMPMSG_SIZE);
            assert_eq!(buf[upcall::IM_MBZ], 0);
            assert_eq!(buf[upcall::IM_VIF_HI], 0);
            assert_eq!(up.vif, buf[upcall::IM_VIF]);
            assert_eq!(up.source.octets(), &buf[12..16]);
            assert_eq!(up.group.octets(), &buf[16..20]);
            assert_eq!(up.kind, UpcallKind::from_msgtype(buf[upcall::IM_MSGTYPE]));
        }
        Family::V6 => {
            assert!(buf.len() >= upcall::MRT6MSG_SIZE);
            assert_eq!(buf[upcall::IM6_MBZ], 0);
            assert_eq!(u16::from(up.vif), endian.u16(buf, upcall::IM6_MIF).unwrap());
            assert_eq!(up.source.octets(), &buf[8..24]);
            assert_eq!(up.group.octets(), &buf[24..40]);
        }
    }
    assert_eq!(up.source.family(), family);
    assert_eq!(up.group.family(), family);
    assert_ne!(up.kind, UpcallKind::Unknown(0));
}

/// `wire::upcall::decode` as IPv4 `igmpmsg` and IPv6 `mrt6msg`, both byte orders.
pub fn upcall(data: &[u8]) {
    for family in [Family::V4, Family::V6] {
        for endian in [Endian::Little, Endian::Big] {
            if let Some(up) = upcall::decode_with(family, data, endian) {
                check_upcall(&up, data, family, endian);
            }
        }
        assert_eq!(
            upcall::decode(family, data),
            upcall::decode_with(family, data, Endian::NATIVE)
        );
    }
}

// ===== netlink =====

/// `wire::netlink::messages` in both byte orders: the walk ends, every message consumes at
/// least a header, links have a name and a valid index, a broken header ends the walk.
pub fn netlink(data: &[u8]) {
    for endian in [Endian::Little, Endian::Big] {
        let mut n = 0;
        let mut ended = false;
        for m in netlink::messages_with(data, endian) {
            assert!(!ended, "message after a broken header");
            n += 1;
            assert!(
                n <= data.len() / netlink::NLMSG_HDRLEN + 1,
                "walk does not advance"
            );
            match m {
                Err(Malformed::Header) => ended = true,
                Err(_) => {}
                Ok(msg) => match msg.message {
                    Message::NewLink(i) | Message::DelLink(i) => {
                        assert!(!i.name.is_empty() && !i.name.contains('\0'));
                        assert!(i.ifindex >= 1 && i.ifindex <= i32::MAX as u32);
                    }
                    Message::Other(t) => assert!(!matches!(t, 2 | 3 | 16 | 17)),
                    Message::Done | Message::Error(_) => {}
                },
            }
        }
    }
    let native: Vec<_> = netlink::messages(data).collect();
    let explicit: Vec<_> = netlink::messages_with(data, Endian::NATIVE).collect();
    assert_eq!(native, explicit);
}

// ===== mrdisc =====

/// `wire::igmp::classify`: only IPv4 IGMP packets with a valid checksum classify; packets
/// built by `igmp::packet` always checksum to zero.
pub fn mrdisc(data: &[u8]) {
    if let Some(m) = igmp::classify(data) {
        assert_eq!(data[0] >> 4, 4);
        assert_eq!(data[9], igmp::IPPROTO_IGMP);
        let ihl = usize::from(data[0] & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([data[2], data[3]]));
        let igmp = &data[ihl..total.min(data.len())];
        assert_eq!(igmp::checksum(igmp), [0, 0]);
        let want = match igmp[0] {
            igmp::MRDISC_ANNOUNCE => igmp::Mrdisc::Announcement(igmp[1]),
            igmp::MRDISC_SOLICIT => igmp::Mrdisc::Solicitation,
            igmp::MRDISC_TERMINATE => igmp::Mrdisc::Termination,
            t => panic!("type {t:#x} classified"),
        };
        assert_eq!(m, want);
    }
    let mut b = Bytes::new(data);
    let p = igmp::packet(b.u8(), b.u8());
    assert_eq!(igmp::checksum(&p), [0, 0]);
    // A real IP header around the packet always classifies (for mrdisc types).
    let mut ip = vec![0x45, 0, 0, 28, 0, 0, 0, 0, 1, igmp::IPPROTO_IGMP, 0, 0];
    ip.extend_from_slice(&[10, 0, 0, 1, 224, 0, 0, 106]);
    ip.extend_from_slice(&p);
    let expect = matches!(
        p[0],
        igmp::MRDISC_ANNOUNCE | igmp::MRDISC_SOLICIT | igmp::MRDISC_TERMINATE
    );
    assert_eq!(igmp::classify(&ip).is_some(), expect);
}
