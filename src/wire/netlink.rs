//! rtnetlink link messages: the interface dump and hot-plug events (replaces
//! `getifaddrs`, which allocates).
//!
//! A read returns a buffer of messages, each 4-byte aligned; all fields are in host order:
//!
//! ```text
//! nlmsghdr (16)                               ifinfomsg (16)                  rtattr...
//! +--------+------+-------+--------+--------+ +---+---+----+-----+-----+-----+ +-----+------+-------+
//! | len u32|type  |flags  | seq u32| pid u32| |fam|pad|type|index|flags|chnge| | len | type | data  |
//! |        |u16   |u16    |        |        | |u8 |u8 |u16 | i32 | u32 | u32 | | u16 | u16  | pad 4 |
//! +--------+------+-------+--------+--------+ +---+---+----+-----+-----+-----+ +-----+------+-------+
//! ```
//!
//! [`Messages`] walks such a buffer ([`dump_batch`] is the daemon's walk of a link dump,
//! which builds no [`Message`]). A broken header ends the walk (the framing is lost);
//! a broken payload inside a well-framed message is reported and the walk goes on.

use super::Endian;
use crate::kernel::IfInfo;

/// `NLMSG_HDRLEN`.
pub const NLMSG_HDRLEN: usize = 16;
/// Offset of `nlmsghdr.nlmsg_type`.
pub const NLMSG_TYPE: usize = 4;
/// Offset of `nlmsghdr.nlmsg_flags`.
pub const NLMSG_FLAGS: usize = 6;
/// Offset of `nlmsghdr.nlmsg_seq`.
pub const NLMSG_SEQ: usize = 8;
/// Offset of `nlmsghdr.nlmsg_pid`.
pub const NLMSG_PID: usize = 12;
/// `sizeof(struct ifinfomsg)`.
pub const IFINFOMSG_SIZE: usize = 16;
/// Offset of `ifinfomsg.ifi_index`.
pub const IFI_INDEX: usize = 4;
/// Offset of `ifinfomsg.ifi_flags`.
pub const IFI_FLAGS: usize = 8;
/// `sizeof(struct rtattr)`.
pub const RTA_HDRLEN: usize = 4;

/// `NLMSG_ERROR`.
pub const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`.
pub const NLMSG_DONE: u16 = 3;
/// `RTM_NEWLINK`.
pub const RTM_NEWLINK: u16 = 16;
/// `RTM_DELLINK`.
pub const RTM_DELLINK: u16 = 17;
/// `RTM_GETLINK`.
pub const RTM_GETLINK: u16 = 18;
/// `NLM_F_REQUEST`.
pub const NLM_F_REQUEST: u16 = 1;
/// `NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`).
pub const NLM_F_DUMP: u16 = 0x300;
/// `IFLA_IFNAME`.
pub const IFLA_IFNAME: u16 = 3;
/// `IFF_UP`.
pub const IFF_UP: u32 = 0x1;
/// `IFF_MULTICAST`.
pub const IFF_MULTICAST: u32 = 0x1000;

/// Size of the request built by [`getlink_request`].
pub const GETLINK_REQUEST_SIZE: usize = NLMSG_HDRLEN + IFINFOMSG_SIZE;

/// One decoded message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a> {
    /// `RTM_NEWLINK`: an interface exists (dump entry or change event).
    NewLink(IfInfo<'a>),
    /// `RTM_DELLINK`: an interface went away.
    DelLink(IfInfo<'a>),
    /// `NLMSG_DONE`: end of a dump.
    Done,
    /// `NLMSG_ERROR`: the kernel's `-errno` (0 is an acknowledgement).
    Error(i32),
    /// Any other type (address events, `NLMSG_NOOP`, ...), to be ignored.
    Other(u16),
}

/// A message with its sequence number (which request it answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nlmsg<'a> {
    /// `nlmsg_seq`.
    pub seq: u32,
    /// The decoded body.
    pub message: Message<'a>,
}

/// What was wrong with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Header too short or length out of bounds: the rest of the buffer is skipped.
    Header,
    /// A link message without a valid index or UTF-8 `IFLA_IFNAME`.
    Link,
    /// An `NLMSG_ERROR` too short to hold its error code.
    Error,
}

/// Iterator over the messages in one buffer (see the module docs for the rules).
pub struct Messages<'a> {
    buf: &'a [u8],
    endian: Endian,
}

/// Walks the messages of `buf`, in host byte order.
pub fn messages(buf: &[u8]) -> Messages<'_> {
    messages_with(buf, Endian::NATIVE)
}

/// [`messages`] with an explicit byte order (for tests of other targets).
pub fn messages_with(buf: &[u8], endian: Endian) -> Messages<'_> {
    Messages { buf, endian }
}

const fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Nlmsg<'a>, Malformed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() {
            return None;
        }
        let e = self.endian;
        let Some((len, kind, seq, payload)) = header(self.buf, e) else {
            self.buf = &[];
            return Some(Err(Malformed::Header));
        };
        self.buf = self.buf.get(align4(len)..).unwrap_or(&[]);
        let message = match kind {
            // One parse for both (one copy of it, inlined here).
            RTM_NEWLINK | RTM_DELLINK => link(payload, e).map(|info| match kind {
                RTM_NEWLINK => Message::NewLink(info),
                _ => Message::DelLink(info),
            }),
            NLMSG_DONE => Ok(Message::Done),
            NLMSG_ERROR => e
                .u32(payload, 0)
                .map(|v| Message::Error(v as i32))
                .ok_or(Malformed::Error),
            other => Ok(Message::Other(other)),
        };
        Some(message.map(|message| Nlmsg { seq, message }))
    }
}

/// The header of the first message of `buf`: its length, type, sequence number and
/// payload; `None` if it is short or its length out of bounds.
fn header(buf: &[u8], e: Endian) -> Option<(usize, u16, u32, &[u8])> {
    let len = usize::try_from(e.u32(buf, 0)?).ok()?;
    let kind = e.u16(buf, NLMSG_TYPE)?;
    let seq = e.u32(buf, NLMSG_SEQ)?;
    let payload = buf.get(NLMSG_HDRLEN..len)?;
    Some((len, kind, seq, payload))
}

/// How one batch of a link dump ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// No `NLMSG_DONE` yet: the dump goes on in the next batch.
    More,
    /// `NLMSG_DONE`: the dump is complete.
    Done,
    /// `NLMSG_ERROR` with this negative errno.
    Error(i32),
}

/// Calls `f` for every `RTM_NEWLINK` answering dump `seq` in one received batch `buf`
/// (in host byte order), up to its `NLMSG_DONE` or error. What [`messages`] would skip
/// or call malformed is skipped, as are other sequences and acknowledgements: the
/// daemon's one dump walk, without building a [`Message`] per entry.
pub fn dump_batch(buf: &[u8], seq: u32, f: &mut impl FnMut(&IfInfo)) -> Batch {
    dump_batch_with(buf, seq, Endian::NATIVE, f)
}

/// [`dump_batch`] with an explicit byte order (for tests of other targets).
pub fn dump_batch_with(buf: &[u8], seq: u32, e: Endian, f: &mut impl FnMut(&IfInfo)) -> Batch {
    let mut rest = buf;
    while let Some((len, kind, s, payload)) = header(rest, e) {
        rest = rest.get(align4(len)..).unwrap_or(&[]);
        if s != seq {
            continue;
        }
        match kind {
            RTM_NEWLINK => {
                if let Some(info) = link_info(payload, e) {
                    f(&info);
                }
            }
            NLMSG_DONE => return Batch::Done,
            NLMSG_ERROR => match e.u32(payload, 0) {
                Some(v) if (v as i32) < 0 => return Batch::Error(v as i32),
                _ => {}
            },
            _ => {}
        }
    }
    Batch::More
}

fn link(payload: &[u8], e: Endian) -> Result<IfInfo<'_>, Malformed> {
    link_info(payload, e).ok_or(Malformed::Link)
}

/// The interface of an `RTM_NEWLINK`/`RTM_DELLINK` payload; every flaw is the same
/// error, so each check is a `?` on an `Option`, converted once.
fn link_info(payload: &[u8], e: Endian) -> Option<IfInfo<'_>> {
    let index = e.u32(payload, IFI_INDEX)?;
    let flags = e.u32(payload, IFI_FLAGS)?;
    // ifi_index is a C int; the kernel never uses 0 or negative indexes.
    if index == 0 || index > i32::MAX as u32 {
        return None;
    }
    let mut attrs = payload.get(IFINFOMSG_SIZE..)?;
    while let (Some(len), Some(kind)) = (e.u16(attrs, 0), e.u16(attrs, 2)) {
        let len = len as usize;
        let data = attrs.get(RTA_HDRLEN..len)?;
        if kind == IFLA_IFNAME {
            let name = data.split(|&b| b == 0).next().unwrap_or(&[]);
            let name = crate::fmt::as_utf8(name).filter(|name| !name.is_empty())?;
            return Some(IfInfo {
                name,
                ifindex: index,
                up: flags & IFF_UP != 0,
                multicast: flags & IFF_MULTICAST != 0,
            });
        }
        attrs = attrs.get(align4(len)..).unwrap_or(&[]);
    }
    None
}

/// An `RTM_GETLINK` dump request with sequence number `seq`, in host byte order. A
/// `const fn`: the daemon's request is a constant in .rodata, not code.
pub const fn getlink_request(seq: u32) -> [u8; GETLINK_REQUEST_SIZE] {
    getlink_request_with(seq, Endian::NATIVE)
}

/// [`getlink_request`] with an explicit byte order.
pub const fn getlink_request_with(seq: u32, e: Endian) -> [u8; GETLINK_REQUEST_SIZE] {
    let (len, kind, flags, seq) = match e {
        Endian::Little => (
            (GETLINK_REQUEST_SIZE as u32).to_le_bytes(),
            RTM_GETLINK.to_le_bytes(),
            (NLM_F_REQUEST | NLM_F_DUMP).to_le_bytes(),
            seq.to_le_bytes(),
        ),
        Endian::Big => (
            (GETLINK_REQUEST_SIZE as u32).to_be_bytes(),
            RTM_GETLINK.to_be_bytes(),
            (NLM_F_REQUEST | NLM_F_DUMP).to_be_bytes(),
            seq.to_be_bytes(),
        ),
    };
    // nlmsghdr, then the ifinfomsg: all zero = AF_UNSPEC, every interface.
    let mut out = [0u8; GETLINK_REQUEST_SIZE];
    let [l0, l1, l2, l3] = len;
    let [k0, k1] = kind;
    let [f0, f1] = flags;
    let [s0, s1, s2, s3] = seq;
    let header = [l0, l1, l2, l3, k0, k1, f0, f1, s0, s1, s2, s3];
    const _: () = assert!(NLMSG_TYPE == 4 && NLMSG_FLAGS == 6 && NLMSG_SEQ == 8);
    // Fixed offsets inside a fixed-size array (`while`: `for` is not allowed in a const fn).
    let mut i = 0;
    while i < header.len() {
        out[i] = header[i];
        i += 1;
    }
    out
}

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    use super::*;
    use crate::wire::xorshift::Rng;

    /// Builds one message; `attrs` are (type, data) pairs.
    fn msg(e: Endian, kind: u16, seq: u32, body: &[u8], attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&[0; 4]);
        m.extend_from_slice(&e.u16_bytes(kind));
        m.extend_from_slice(&e.u16_bytes(2)); // NLM_F_MULTI
        m.extend_from_slice(&e.u32_bytes(seq));
        m.extend_from_slice(&e.u32_bytes(0));
        m.extend_from_slice(body);
        for (t, d) in attrs {
            m.extend_from_slice(&e.u16_bytes((RTA_HDRLEN + d.len()) as u16));
            m.extend_from_slice(&e.u16_bytes(*t));
            m.extend_from_slice(d);
            while m.len() % 4 != 0 {
                m.push(0);
            }
        }
        let len = m.len() as u32;
        m[..4].copy_from_slice(&e.u32_bytes(len));
        m
    }

    fn ifinfo(e: Endian, index: i32, flags: u32) -> Vec<u8> {
        let mut b = std::vec![0u8, 0];
        b.extend_from_slice(&e.u16_bytes(1)); // ARPHRD_ETHER
        b.extend_from_slice(&e.u32_bytes(index as u32));
        b.extend_from_slice(&e.u32_bytes(flags));
        b.extend_from_slice(&e.u32_bytes(0));
        b
    }

    fn dump(e: Endian) -> Vec<u8> {
        let mut buf = Vec::new();
        let mtu = e.u32_bytes(1500);
        buf.extend(msg(
            e,
            RTM_NEWLINK,
            7,
            &ifinfo(e, 1, 0x9),
            &[(4, &mtu), (IFLA_IFNAME, b"lo\0")],
        ));
        buf.extend(msg(
            e,
            RTM_NEWLINK,
            7,
            &ifinfo(e, 12, IFF_UP | IFF_MULTICAST),
            &[(IFLA_IFNAME, b"veth-long-name\0")],
        ));
        buf.extend(msg(e, NLMSG_DONE, 7, &[0; 4], &[]));
        buf
    }

    #[test]
    fn dump_both_endiannesses() {
        for e in [Endian::Little, Endian::Big] {
            let buf = dump(e);
            let got: Vec<_> = messages_with(&buf, e).collect();
            assert_eq!(got.len(), 3, "{e:?}");
            let lo = IfInfo {
                name: "lo",
                ifindex: 1,
                up: true,
                multicast: false,
            };
            let veth = IfInfo {
                name: "veth-long-name",
                ifindex: 12,
                up: true,
                multicast: true,
            };
            assert_eq!(
                got[0],
                Ok(Nlmsg {
                    seq: 7,
                    message: Message::NewLink(lo)
                })
            );
            assert_eq!(got[1].unwrap().message, Message::NewLink(veth));
            assert_eq!(got[2].unwrap().message, Message::Done);
        }
    }

    #[test]
    fn native_helpers_agree() {
        let e = Endian::NATIVE;
        let buf = dump(e);
        assert_eq!(messages(&buf).count(), 3);
        assert_eq!(getlink_request(5), getlink_request_with(5, e));
    }

    #[test]
    fn dellink_error_and_other() {
        let e = Endian::Little;
        let mut buf = msg(
            e,
            RTM_DELLINK,
            1,
            &ifinfo(e, 3, 0),
            &[(IFLA_IFNAME, b"eth0")],
        );
        buf.extend(msg(e, NLMSG_ERROR, 1, &e.u32_bytes((-13i32) as u32), &[]));
        buf.extend(msg(e, 20, 1, &[0; 8], &[])); // RTM_NEWADDR
        buf.extend(msg(e, NLMSG_ERROR, 1, &[0; 2], &[]));
        let got: Vec<_> = messages_with(&buf, e).collect();
        let Ok(Nlmsg {
            message: Message::DelLink(i),
            ..
        }) = got[0]
        else {
            panic!("{got:?}")
        };
        assert_eq!((i.name, i.ifindex, i.up), ("eth0", 3, false));
        assert_eq!(got[1].unwrap().message, Message::Error(-13));
        assert_eq!(got[2].unwrap().message, Message::Other(20));
        assert_eq!(got[3], Err(Malformed::Error));
    }

    #[test]
    fn bad_links_are_skipped_not_fatal() {
        let e = Endian::Big;
        let mut buf = Vec::new();
        buf.extend(msg(
            e,
            RTM_NEWLINK,
            1,
            &ifinfo(e, 0, 0),
            &[(IFLA_IFNAME, b"x\0")],
        ));
        buf.extend(msg(
            e,
            RTM_NEWLINK,
            1,
            &ifinfo(e, -4, 0),
            &[(IFLA_IFNAME, b"x\0")],
        ));
        buf.extend(msg(e, RTM_NEWLINK, 1, &ifinfo(e, 2, 0), &[(4, b"abcd")]));
        buf.extend(msg(
            e,
            RTM_NEWLINK,
            1,
            &ifinfo(e, 2, 0),
            &[(IFLA_IFNAME, b"\xff\0")],
        ));
        buf.extend(msg(
            e,
            RTM_NEWLINK,
            1,
            &ifinfo(e, 2, 0),
            &[(IFLA_IFNAME, b"\0")],
        ));
        buf.extend(msg(e, RTM_NEWLINK, 1, &[0; 8], &[]));
        // Attribute length past the end of the message.
        let mut bad = msg(
            e,
            RTM_NEWLINK,
            1,
            &ifinfo(e, 2, 0),
            &[(IFLA_IFNAME, b"ab\0")],
        );
        let at = NLMSG_HDRLEN + IFINFOMSG_SIZE;
        bad[at..at + 2].copy_from_slice(&e.u16_bytes(200));
        buf.extend(bad);
        buf.extend(msg(e, NLMSG_DONE, 1, &[], &[]));
        let got: Vec<_> = messages_with(&buf, e).collect();
        assert_eq!(got.len(), 8);
        assert!(
            got[..7].iter().all(|m| *m == Err(Malformed::Link)),
            "{got:?}"
        );
        assert_eq!(got[7].unwrap().message, Message::Done);
    }

    #[test]
    fn broken_framing_ends_the_walk() {
        let e = Endian::Little;
        let good = msg(e, NLMSG_DONE, 1, &[], &[]);
        for len in [0u32, 4, 15, 1000] {
            let mut buf = good.clone();
            buf[..4].copy_from_slice(&e.u32_bytes(len));
            buf.extend(&good);
            let got: Vec<_> = messages_with(&buf, e).collect();
            assert_eq!(got, [Err(Malformed::Header)], "len {len}");
        }
        assert_eq!(
            messages_with(&good[..10], e).collect::<Vec<_>>(),
            [Err(Malformed::Header)]
        );
        assert_eq!(messages_with(&[], e).count(), 0);
        // The last message may lack its trailing padding.
        let unpadded = msg(e, RTM_NEWLINK, 1, &ifinfo(e, 2, 0), &[(IFLA_IFNAME, b"ab")]);
        let cut = &unpadded[..unpadded.len() - 2];
        let mut fixed = cut.to_vec();
        fixed[..4].copy_from_slice(&e.u32_bytes(cut.len() as u32));
        let got: Vec<_> = messages_with(&fixed, e).collect();
        assert!(matches!(
            got[..],
            [Ok(Nlmsg {
                message: Message::NewLink(IfInfo { name: "ab", .. }),
                ..
            })]
        ));
    }

    #[test]
    fn getlink_request_layout() {
        let r = getlink_request_with(0x0102_0304, Endian::Big);
        assert_eq!(
            &r[..16],
            &[0, 0, 0, 32, 0, 18, 3, 1, 1, 2, 3, 4, 0, 0, 0, 0]
        );
        assert!(r[16..].iter().all(|&b| b == 0));
        let l = getlink_request_with(1, Endian::Little);
        assert_eq!(&l[..8], &[32, 0, 0, 0, 18, 0, 1, 3]);
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut buf = [0u8; 96];
        let mut links = 0;
        for _ in 0..150_000 {
            let input = rng.fill(&mut buf);
            for e in [Endian::Little, Endian::Big] {
                for m in messages_with(input, e) {
                    if let Ok(Nlmsg {
                        message: Message::NewLink(_),
                        ..
                    }) = m
                    {
                        links += 1;
                    }
                }
            }
        }
        // Plus structured mutations of a valid dump, which reach the attribute walk.
        let base = dump(Endian::Little);
        let mut m = base.clone();
        for _ in 0..100_000 {
            m.copy_from_slice(&base);
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % m.len();
                m[at] = rng.next() as u8;
            }
            let cut = (rng.next() as usize) % (m.len() + 1);
            for r in messages_with(&m[..cut], Endian::Little) {
                if let Ok(Nlmsg {
                    message: Message::NewLink(_),
                    ..
                }) = r
                {
                    links += 1;
                }
            }
        }
        assert!(links > 0);
    }

    /// The dump walk as the daemon wrote it over [`messages`]: the names seen and the end.
    fn batch_by_messages(buf: &[u8], seq: u32, e: Endian) -> (Vec<(String, u32)>, Batch) {
        let mut seen = Vec::new();
        for m in messages_with(buf, e).flatten() {
            match m {
                Nlmsg { seq: s, .. } if s != seq => {}
                Nlmsg {
                    message: Message::NewLink(i),
                    ..
                } => seen.push((String::from(i.name), i.ifindex)),
                Nlmsg {
                    message: Message::Done,
                    ..
                } => return (seen, Batch::Done),
                Nlmsg {
                    message: Message::Error(v),
                    ..
                } if v < 0 => return (seen, Batch::Error(v)),
                _ => {}
            }
        }
        (seen, Batch::More)
    }

    fn batch(buf: &[u8], seq: u32, e: Endian) -> (Vec<(String, u32)>, Batch) {
        let mut seen = Vec::new();
        let end = dump_batch_with(buf, seq, e, &mut |i| {
            seen.push((String::from(i.name), i.ifindex))
        });
        (seen, end)
    }

    #[test]
    fn dump_batch_takes_new_links_of_its_sequence_to_the_end() {
        let e = Endian::NATIVE;
        let mut buf = msg(
            e,
            RTM_NEWLINK,
            9,
            &ifinfo(e, 4, 0),
            &[(IFLA_IFNAME, b"x\0")],
        );
        buf.extend(msg(
            e,
            RTM_DELLINK,
            7,
            &ifinfo(e, 5, 0),
            &[(IFLA_IFNAME, b"y\0")],
        ));
        buf.extend(msg(e, NLMSG_ERROR, 7, &e.u32_bytes(0), &[]));
        buf.extend(msg(e, NLMSG_DONE, 9, &[], &[]));
        buf.extend(dump(e));
        let (seen, end) = batch(&buf, 7, e);
        assert_eq!(
            seen,
            [
                (String::from("lo"), 1),
                (String::from("veth-long-name"), 12)
            ]
        );
        assert_eq!(end, Batch::Done);
        let mut native = Vec::new();
        assert_eq!(
            dump_batch(&buf, 9, &mut |i| native.push(i.ifindex)),
            Batch::Done
        );
        assert_eq!(native, [4]);
        // No end in this batch: more follow.
        let first = msg(
            e,
            RTM_NEWLINK,
            7,
            &ifinfo(e, 4, 0),
            &[(IFLA_IFNAME, b"x\0")],
        );
        assert_eq!(
            batch(&first, 7, e),
            (std::vec![(String::from("x"), 4)], Batch::More)
        );
        let mut failed = first.clone();
        failed.extend(msg(e, NLMSG_ERROR, 7, &e.u32_bytes((-13i32) as u32), &[]));
        failed.extend(dump(e));
        assert_eq!(batch(&failed, 7, e).1, Batch::Error(-13));
        // An error too short for its code is skipped (last: its length is not aligned).
        let mut short = first;
        short.extend(msg(e, NLMSG_ERROR, 7, &[0; 2], &[]));
        assert_eq!(batch(&short, 7, e).1, Batch::More);
    }

    #[test]
    fn dump_batch_agrees_with_messages_on_any_input() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for e in [Endian::Little, Endian::Big] {
            let base = dump(e);
            let mut m = base.clone();
            for _ in 0..50_000 {
                m.copy_from_slice(&base);
                for _ in 0..1 + rng.next() % 4 {
                    let at = (rng.next() as usize) % m.len();
                    m[at] = rng.next() as u8;
                }
                let cut = (rng.next() as usize) % (m.len() + 1);
                let input = &m[..cut];
                assert_eq!(
                    batch(input, 7, e),
                    batch_by_messages(input, 7, e),
                    "{input:?}"
                );
            }
        }
    }
}
