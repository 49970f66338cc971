//! IP addresses and prefixes, parsed and printed without `core::fmt`.
//!
//! Printing follows `inet_ntop(3)` exactly (RFC 5952 zero compression, lowercase hex,
//! dotted quads for IPv4-mapped addresses) because `show` output must match SMCRoute's
//! byte for byte.

use ufmt::{uDisplay, uWrite, Formatter};

/// Address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// IPv4 (`AF_INET`).
    V4,
    /// IPv6 (`AF_INET6`).
    V6,
}

impl Family {
    /// Address length in bits: 32 or 128.
    pub const fn bits(self) -> u8 {
        match self {
            Self::V4 => 32,
            Self::V6 => 128,
        }
    }
}

/// An IPv4 or IPv6 address in network byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Addr {
    /// IPv4 address bytes.
    V4([u8; 4]),
    /// IPv6 address bytes.
    V6([u8; 16]),
}

impl Addr {
    /// The unspecified address of a family (`0.0.0.0` or `::`).
    pub const fn any(family: Family) -> Self {
        match family {
            Family::V4 => Self::V4([0; 4]),
            Family::V6 => Self::V6([0; 16]),
        }
    }

    /// Parses like `inet_pton`: IPv6 if the text contains `:`, IPv4 dotted quad otherwise.
    pub fn parse(s: &str) -> Option<Self> {
        let mut addr = Self::V4([0; 4]);
        addr.parse_into(s).then_some(addr)
    }

    /// [`Addr::parse`] into `self`, in place: whether `s` is an address comes back, not
    /// an optional address to copy (when it is none, `self` is left some address).
    pub fn parse_into(&mut self, s: &str) -> bool {
        // A dotted quad has no `:`, so it is tried first.
        let s = s.as_bytes();
        // No text without a `:` is IPv6 (eight words or a gap need one), so no scan for
        // one either.
        if let Some(v4) = parse_v4(s) {
            *self = Self::V4(v4);
            return true;
        }
        // The IPv6 bytes are read straight into `self`.
        *self = Self::V6([0; 16]);
        match self {
            Self::V6(out) => parse_v6(s, out).is_some(),
            Self::V4(_) => false,
        }
    }

    /// The family of this address.
    pub const fn family(&self) -> Family {
        match self {
            Self::V4(_) => Family::V4,
            Self::V6(_) => Family::V6,
        }
    }

    /// The address bytes (4 or 16).
    pub fn octets(&self) -> &[u8] {
        match self {
            Self::V4(a) => a,
            Self::V6(a) => a,
        }
    }

    /// `224.0.0.0/4` or `ff00::/8`. Not inlined on x86_64, where its two router callers
    /// pass the tag and first byte in registers (-24 B); MIPS16e measured +32 B.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub fn is_multicast(&self) -> bool {
        match self {
            Self::V4(a) => a[0] & 0xf0 == 0xe0,
            Self::V6(a) => a[0] == 0xff,
        }
    }

    /// `0.0.0.0` or `::`.
    pub fn is_unspecified(&self) -> bool {
        self.octets().iter().all(|&b| b == 0)
    }

    /// The address with all bits past `len` cleared.
    pub fn masked(&self, len: u8) -> Self {
        let mut out = *self;
        let bytes: &mut [u8] = match &mut out {
            Self::V4(a) => a,
            Self::V6(a) => a,
        };
        // Each byte keeps its share of the `len` bits, from the top: no branches.
        let mut left = u32::from(len);
        for b in bytes.iter_mut() {
            let keep = left.min(8);
            *b &= (0xff00u16 >> keep) as u8;
            left -= keep;
        }
        out
    }

    /// True if `self` lies in `prefix/len` (same family required).
    pub fn in_prefix(&self, prefix: &Addr, len: u8) -> bool {
        if self.family() != prefix.family() {
            return false;
        }
        // The bytes compared under the mask in place, not two masked copies compared.
        let mut left = u32::from(len);
        self.octets().iter().zip(prefix.octets()).all(|(a, b)| {
            let keep = left.min(8);
            left -= keep;
            (a ^ b) & (0xff00u16 >> keep) as u8 == 0
        })
    }

    /// `self + n` (wrapping inside the address), for expanding `/LEN` ranges.
    pub fn offset(&self, n: u32) -> Self {
        let mut out = *self;
        let bytes: &mut [u8] = match &mut out {
            Self::V4(a) => a,
            Self::V6(a) => a,
        };
        // 32-bit arithmetic: the carry never exceeds `n >> 8` plus one.
        let mut carry = n;
        for b in bytes.iter_mut().rev() {
            if carry == 0 {
                break;
            }
            let sum = u32::from(*b) + (carry & 0xff);
            *b = sum as u8;
            carry = (carry >> 8) + (sum >> 8);
        }
        out
    }
}

/// An address with a prefix length, as written `ADDR[/LEN]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// The address as written (not masked).
    pub addr: Addr,
    /// Prefix length, 0..=32 or 0..=128.
    pub len: u8,
}

impl Prefix {
    /// A full-length prefix (`/32` or `/128`).
    pub const fn host(addr: Addr) -> Self {
        let len = addr.family().bits();
        Self { addr, len }
    }

    /// True if the length is the full address length.
    pub const fn is_host(&self) -> bool {
        self.len == self.addr.family().bits()
    }

    /// True if `addr` lies inside this prefix.
    pub fn contains(&self, addr: &Addr) -> bool {
        addr.in_prefix(&self.addr, self.len)
    }

    /// The `i`th address of the range, from the network address: the address with its
    /// host bits (past the length) set to `i`, which must fit in them. `masked` then
    /// `offset`, in one pass from the last byte: `i` has no bits in the network part,
    /// so adding it is filling it in.
    pub fn nth(&self, i: u32) -> Addr {
        let mut out = self.addr;
        let bytes: &mut [u8] = match &mut out {
            Addr::V4(a) => a,
            Addr::V6(a) => a,
        };
        let mut n = i;
        for (k, b) in bytes.iter_mut().enumerate().rev() {
            // The bits of the length that fall in this byte, as in `masked`.
            let keep = u32::from(self.len).saturating_sub(8 * k as u32).min(8);
            *b = *b & (0xff00u16 >> keep) as u8 | n as u8;
            n >>= 8;
        }
        out
    }
}

impl uDisplay for Prefix {
    /// `ADDR` for host prefixes, `ADDR/LEN` otherwise (SMCRoute's show format).
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        f.write_str(self.text().as_str())
    }
}

/// A dotted quad, in one pass over the text.
fn parse_v4(s: &[u8]) -> Option<[u8; 4]> {
    // Octet by octet, so a digit costs one test of what came before it (a leading
    // zero), not the state of a byte-by-byte machine.
    let mut out = [0u8; 4];
    let mut i = 0usize;
    for (k, octet) in out.iter_mut().enumerate() {
        if k > 0 {
            if s.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let mut value = u32::from(digit(s.get(i)?)?);
        i += 1;
        while let Some(d) = s.get(i).and_then(digit) {
            // inet_pton rejects leading zeros ("01") in dotted quads.
            if value == 0 {
                return None;
            }
            value = value * 10 + u32::from(d);
            if value > 255 {
                return None;
            }
            i += 1;
        }
        *octet = value as u8;
    }
    // Nothing after the fourth octet (a fifth is no address).
    (i == s.len()).then_some(out)
}

/// The value of a decimal digit.
fn digit(b: &u8) -> Option<u8> {
    let d = b.wrapping_sub(b'0');
    (d < 10).then_some(d)
}

/// The value of a hex digit (either case).
fn hex(b: u8) -> Option<u16> {
    let lower = (b | 0x20).wrapping_sub(b'a');
    let d = if b.is_ascii_digit() {
        b - b'0'
    } else if lower < 6 {
        lower + 10
    } else {
        return None;
    };
    Some(u16::from(d))
}

/// `inet_pton(AF_INET6)`, as glibc's `inet_pton6`: hex words of at most 4 digits, one
/// `::` gap, an optional dotted quad in the last 32 bits. The bytes are written in
/// order as read, then those after the gap moved past its zeros, as glibc does: into
/// `out`, which must start all zero (the gap's zeros are the ones left unwritten).
fn parse_v6(s: &[u8], out: &mut [u8; 16]) -> Option<()> {
    let mut n = 0usize; // bytes written
    let mut gap: Option<usize> = None; // bytes before "::"
    let mut i = 0usize;
    if s.first() == Some(&b':') {
        // A leading colon only as part of "::".
        if s.get(1) != Some(&b':') {
            return None;
        }
        i = 1;
    }
    let mut token = i; // start of the current word
    let mut digits = 0u32;
    let mut val = 0u16;
    while let Some(&c) = s.get(i) {
        i += 1;
        if let Some(d) = hex(c) {
            if digits == 4 {
                return None;
            }
            val = (val << 4) | d;
            digits += 1;
        } else if c == b':' {
            token = i;
            if digits == 0 {
                if gap.is_some() {
                    return None;
                }
                gap = Some(n);
                continue;
            }
            // A trailing single ':' is an error.
            if i == s.len() {
                return None;
            }
            out.get_mut(n..n + 2)?.copy_from_slice(&val.to_be_bytes());
            n += 2;
            digits = 0;
            val = 0;
        } else if c == b'.' {
            // The dotted quad is the rest of the text, from the start of this word.
            let quad = parse_v4(s.get(token..)?)?;
            out.get_mut(n..n + 4)?.copy_from_slice(&quad);
            n += 4;
            digits = 0;
            break;
        } else {
            return None;
        }
    }
    if digits > 0 {
        out.get_mut(n..n + 2)?.copy_from_slice(&val.to_be_bytes());
        n += 2;
    }
    // The gap stands for at least one zero word; without one, all sixteen bytes are
    // written.
    let zeros = 16 - n;
    match gap {
        // The bytes after the gap move to the end, from the last one: each swaps places
        // with a zero (past the bytes written, or left by a byte moved before it).
        Some(g) if zeros > 0 => {
            for k in (g..n).rev() {
                // (Always true, `k` is below `n`: the test lets `swap` go without its
                // bounds checks.)
                if k + zeros < out.len() {
                    out.swap(k, k + zeros);
                }
            }
        }
        None if zeros == 0 => {}
        _ => return None,
    }
    Some(())
}

/// Digits of a `u64` in decimal (at most 20), or in hex.
pub struct Dec {
    buf: [u8; 20],
    start: usize,
}

/// The digits of every radix used, lowercase (as `inet_ntop` writes hex).
const DIGITS: &[u8; 16] = b"0123456789abcdef";

impl Dec {
    /// `n` in decimal. Not inlined: a call with the radix at each use costs more.
    #[inline(never)]
    pub fn of(n: u64) -> Self {
        Self::in_radix(n, 10)
    }

    /// `n` in `radix` (10; 16 too in the tests). The radix an argument: on 64-bit targets
    /// a division by a radix that is not a constant is one instruction, smaller than a
    /// multiply by the inverse of ten.
    #[cfg(target_pointer_width = "64")]
    #[inline(never)]
    fn in_radix(mut n: u64, radix: u32) -> Self {
        let radix = u64::from(radix);
        let mut out = Self {
            buf: [0; 20],
            start: 20,
        };
        loop {
            out.start -= 1;
            if let Some(d) = out.buf.get_mut(out.start) {
                *d = DIGITS[(n % radix) as usize & 0xf];
            }
            n /= radix;
            // (A `u64` has at most 20 digits in any radix from 10 up: the buffer's
            // start is not passed.)
            if n == 0 {
                return out;
            }
        }
    }

    /// `n` in `radix`.
    #[cfg(not(target_pointer_width = "64"))]
    fn in_radix(n: u64, radix: u32) -> Self {
        Self::of_limbs(n, radix)
    }

    /// `n` in `radix`, by long division over 16-bit limbs in 32-bit arithmetic: on 32-bit
    /// targets a `u64` division is a library routine (`__udivdi3`) of its own. (Built for
    /// the tests on 64-bit targets too, which check it against [`Dec::in_radix`].)
    #[cfg(any(test, not(target_pointer_width = "64")))]
    #[inline(never)]
    fn of_limbs(n: u64, radix: u32) -> Self {
        let mut limbs = [
            (n >> 48) as u32,
            (n >> 32) as u32,
            (n >> 16) as u32,
            n as u32,
        ];
        let mut out = Self {
            buf: [0; 20],
            start: 20,
        };
        loop {
            let mut rem = 0u32;
            let mut rest = 0u32;
            for l in limbs.iter_mut() {
                let cur = (rem << 16) | (*l & 0xffff);
                *l = cur / radix;
                rem = cur % radix;
                rest |= *l;
            }
            out.start -= 1;
            if let Some(d) = out.buf.get_mut(out.start) {
                *d = DIGITS[rem as usize & 0xf];
            }
            if rest == 0 || out.start == 0 {
                return out;
            }
        }
    }

    /// The digits (ASCII).
    pub fn as_bytes(&self) -> &[u8] {
        // Capped (it never exceeds the buffer): the compiler then drops the fallback.
        self.buf.get(self.start.min(20)..).unwrap_or(&[])
    }

    /// The digits. All of them: they are ASCII, so their longest UTF-8 start is the whole
    /// (no `Option` of a check that cannot fail to unwrap).
    pub fn as_str(&self) -> &str {
        crate::fmt::utf8_prefix(self.as_bytes())
    }
}

/// Writes `n` in decimal through [`Dec`] (no 64-bit division).
pub fn write_i64<W: uWrite + ?Sized>(f: &mut Formatter<'_, W>, n: i64) -> Result<(), W::Error> {
    if n < 0 {
        f.write_str("-")?;
    }
    f.write_str(Dec::of(n.unsigned_abs()).as_str())
}

/// Room for the longest text of a prefix: 39 bytes of IPv6 address (eight words of four
/// digits; the forms with a dotted quad are shorter) and `/128`. (`inet_ntop`'s maximum
/// of 45 is for dotted quads after six words, which `v6` writes only after zeros.)
const ADDR_TEXT_MAX: usize = 47;

/// The type of an [`AddrText`]'s length: a byte on x86_64, where the text is then 48
/// bytes, three vector moves when it is returned (x86_64 smcrouted .text -21 B); a word
/// elsewhere (MIPS16e: a byte there is +16 B).
#[cfg(target_arch = "x86_64")]
type AddrTextLen = u8;
#[cfg(not(target_arch = "x86_64"))]
type AddrTextLen = usize;

/// The text of an address or prefix, formatted once by non-generic code: every writer
/// (log lines, `show` rows, JSON) copies these bytes instead of instantiating its own
/// copy of the formatting.
pub struct AddrText {
    buf: [u8; ADDR_TEXT_MAX],
    len: AddrTextLen,
}

// `usize::from` of the length is a conversion to the same type where that is a word.
#[cfg_attr(not(target_arch = "x86_64"), allow(clippy::useless_conversion))]
impl AddrText {
    const fn new() -> Self {
        Self {
            buf: [0; ADDR_TEXT_MAX],
            len: 0,
        }
    }

    // Not inlined: a call is smaller than the bounds check at each use.
    #[inline(never)]
    fn byte(&mut self, b: u8) {
        if let Some(dst) = self.buf.get_mut(usize::from(self.len)) {
            *dst = b;
            self.len += 1;
        }
    }

    /// A byte in decimal (IPv4 octets, prefix lengths).
    fn dec(&mut self, b: u8) {
        // Its own digits, not `Dec`'s: a byte's three take 8-bit arithmetic, where `Dec`
        // divides 64-bit (tens of cycles a digit, two addresses a route: `show` of 5,000
        // routes took +20 %).
        if b >= 100 {
            self.byte(b'0' + b / 100);
        }
        if b >= 10 {
            self.byte(b'0' + b / 10 % 10);
        }
        self.byte(b'0' + b % 10);
    }

    fn v4(&mut self, a: &[u8]) {
        for (i, b) in a.iter().enumerate() {
            if i > 0 {
                self.byte(b'.');
            }
            self.dec(*b);
        }
    }

    /// A 16-bit word in lowercase hex without leading zeros: a nibble at a time, by
    /// shifts, not [`Dec`]'s division by the radix (x86_64 smcrouted .text -11 B, and
    /// no division per digit of an IPv6 address in `show`).
    #[inline(never)]
    fn hex(&mut self, w: u16) {
        let mut shift = 12;
        while shift > 0 && w >> shift == 0 {
            shift -= 4;
        }
        loop {
            self.byte(DIGITS[usize::from(w >> shift) & 0xf]);
            if shift == 0 {
                return;
            }
            shift -= 4;
        }
    }

    fn v6(&mut self, a: &[u8; 16]) {
        let word = |i: usize| match a.get(2 * i..2 * i + 2) {
            Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
            _ => 0,
        };
        // Longest run of zero words (length >= 2), first one on a tie: glibc inet_ntop6.
        let (mut best, mut best_len, mut run) = (0usize, 0usize, 0usize);
        for i in 0..8 {
            if word(i) == 0 {
                run += 1;
                if run > best_len {
                    best_len = run;
                    best = i + 1 - run;
                }
            } else {
                run = 0;
            }
        }
        if best_len < 2 {
            best_len = 0;
        }
        let mut i = 0;
        while i < 8 {
            if best_len > 0 && i == best {
                self.byte(b':');
                i += best_len;
                if i == 8 {
                    self.byte(b':');
                }
                continue;
            }
            if i != 0 {
                self.byte(b':');
            }
            if i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && word(5) == 0xffff)) {
                self.v4(a.get(12..).unwrap_or(&[]));
                return;
            }
            self.hex(word(i));
            i += 1;
        }
    }

    /// The text as bytes (ASCII).
    pub fn as_bytes(&self) -> &[u8] {
        // Capped (it never exceeds the buffer): the compiler then drops the fallback.
        self.buf
            .get(..usize::from(self.len).min(ADDR_TEXT_MAX))
            .unwrap_or(&[])
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII was written: the longest UTF-8 start is all of it.
        crate::fmt::utf8_prefix(self.as_bytes())
    }
}

/// A prefix length that stands for the full length of either family: [`prefix_text`]
/// writes a `/LEN` only below the family's full length, so a text made with it is the
/// address alone, with no family test by the caller.
pub const FULL_LEN: u8 = u8::MAX;

impl Addr {
    /// The address as `inet_ntop(3)` prints it.
    #[inline(never)]
    pub fn text(&self) -> AddrText {
        prefix_text(self, FULL_LEN)
    }
}

impl Prefix {
    /// `ADDR` for host prefixes, `ADDR/LEN` otherwise (SMCRoute's show format).
    #[inline(always)]
    pub fn text(&self) -> AddrText {
        prefix_text(&self.addr, self.len)
    }
}

/// [`Prefix::text`] of `addr` and `len`, for a prefix held as its parts. Every address
/// text is made here, in the place it is returned in (no copy of a finished text).
#[inline(never)]
pub fn prefix_text(addr: &Addr, len: u8) -> AddrText {
    let mut t = AddrText::new();
    t.prefix(addr, len);
    t
}

impl AddrText {
    /// Writes `addr` and, unless it is a host prefix (`len` the full length or more:
    /// [`FULL_LEN`]), `/len`. In line (no x86_64 hint since r24a: out of line measured
    /// +8 B there; MIPS16e: +32 B out of line).
    fn prefix(&mut self, addr: &Addr, len: u8) {
        match addr {
            Addr::V4(a) => self.v4(a),
            Addr::V6(a) => self.v6(a),
        }
        if len < addr.family().bits() {
            self.byte(b'/');
            self.dec(len);
        }
    }
}

impl uDisplay for Addr {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        f.write_str(self.text().as_str())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn show<T: uDisplay>(v: &T) -> String {
        let mut s = heapless::String::<64>::new();
        ufmt::uwrite!(s, "{}", v).unwrap();
        s.as_str().into()
    }

    fn roundtrip(text: &str, expect: &str) {
        let a = Addr::parse(text).unwrap_or_else(|| panic!("parse {text}"));
        assert_eq!(show(&a), expect, "{text}");
        let std: std::net::IpAddr = text.parse().unwrap();
        assert_eq!(std::format!("{std}"), expect, "std agrees on {text}");
    }

    #[test]
    fn v4() {
        roundtrip("225.1.2.3", "225.1.2.3");
        roundtrip("0.0.0.0", "0.0.0.0");
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.1.1.1",
            "a.b.c.d",
            "",
            "1..2.3",
            "1.2.3.4.",
            ".1.2.3",
            "1.2.3.",
            "1.2.3.04",
            "1.2.3.00",
            "1234.1.1.1",
            "1.2.3.-1",
            "1.2.3.4 ",
            "1.2.3.4/24",
        ] {
            assert_eq!(Addr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn v4_agrees_with_std() {
        // Every string over a small alphabet, up to 8 bytes, against std's strict parser
        // (which also rejects leading zeros).
        let alphabet = b"0129.";
        let mut text = std::vec::Vec::new();
        for len in 0..=8u32 {
            for mut k in 0..alphabet.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                let s = core::str::from_utf8(&text).unwrap();
                let std = s
                    .parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(|a| Addr::V4(a.octets()));
                assert_eq!(Addr::parse(s), std, "{s}");
            }
        }
    }

    // The parser before words were placed at the end, as the reference.
    fn ref_hex(b: u8) -> Option<u16> {
        match b {
            b'0'..=b'9' => Some((b - b'0') as u16),
            b'a'..=b'f' => Some((b - b'a' + 10) as u16),
            b'A'..=b'F' => Some((b - b'A' + 10) as u16),
            _ => None,
        }
    }

    /// [`parse_v6`] into fresh bytes, as the reference returns them.
    fn v6_bytes(s: &[u8]) -> Option<[u8; 16]> {
        let mut out = [0u8; 16];
        parse_v6(s, &mut out).map(|()| out)
    }

    /// `inet_pton(AF_INET6)`, as glibc's `inet_pton6`: hex words of at most 4 digits, one
    /// `::` gap, an optional dotted quad in the last 32 bits.
    fn ref_parse_v6(s: &[u8]) -> Option<[u8; 16]> {
        let mut out = [0u8; 16];
        let mut tp = 0usize; // bytes written
        let mut gap: Option<usize> = None; // where "::" was
        let mut i = 0usize;
        if s.first() == Some(&b':') {
            // A leading colon only as part of "::".
            if s.get(1) != Some(&b':') {
                return None;
            }
            i = 1;
        }
        let mut token = i; // start of the current word
        let mut digits = 0u32;
        let mut val = 0u16;
        while let Some(&c) = s.get(i) {
            i += 1;
            if let Some(d) = ref_hex(c) {
                val = (val << 4) | d;
                digits += 1;
                if digits > 4 {
                    return None;
                }
            } else if c == b':' {
                token = i;
                if digits == 0 {
                    if gap.is_some() {
                        return None;
                    }
                    gap = Some(tp);
                    continue;
                }
                // A trailing single ':' is an error.
                if i == s.len() {
                    return None;
                }
                out.get_mut(tp..tp + 2)?.copy_from_slice(&val.to_be_bytes());
                tp += 2;
                digits = 0;
                val = 0;
            } else if c == b'.' {
                // The dotted quad is the rest of the text, from the start of this word.
                let v4 = super::parse_v4(s.get(token..)?)?;
                out.get_mut(tp..tp + 4)?.copy_from_slice(&v4);
                tp += 4;
                digits = 0;
                break;
            } else {
                return None;
            }
        }
        if digits > 0 {
            out.get_mut(tp..tp + 2)?.copy_from_slice(&val.to_be_bytes());
            tp += 2;
        }
        if let Some(g) = gap {
            if tp == 16 {
                return None;
            }
            // Move the words after the gap to the end; the gap reads as zeros.
            let shift = 16 - tp;
            for k in (g..tp).rev() {
                let b = out.get(k).copied().unwrap_or(0);
                if let Some(d) = out.get_mut(k + shift) {
                    *d = b;
                }
                if let Some(d) = out.get_mut(k) {
                    *d = 0;
                }
            }
            tp = 16;
        }
        (tp == 16).then_some(out)
    }

    #[test]
    fn v6_agrees_with_byte_placing_parser() {
        // Every string over a small alphabet, up to 8 bytes.
        let alphabet = b"0f:.1";
        let mut text = std::vec::Vec::new();
        for len in 0..=8u32 {
            for mut code in 0..alphabet.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                assert_eq!(v6_bytes(&text), ref_parse_v6(&text), "{:?}", text);
            }
        }
        for s in [
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6::8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1::3:4:5:6:7:8",
            "::1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1:2:3:4:5::1.2.3.4",
            "1:2:3:4:5:6::1.2.3.4",
            "::ffff:1.2.3.4",
            "::1.2.3.4:5",
            "aBcD:EF01::",
            "abcde::",
        ] {
            assert_eq!(v6_bytes(s.as_bytes()), ref_parse_v6(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn longest_texts_fit() {
        let full = Addr::V6([0xff; 16]);
        let words = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        assert_eq!(
            prefix_text(&full, 100).as_str(),
            std::format!("{words}/100")
        );
        assert_eq!(
            prefix_text(&full, 127).as_str(),
            std::format!("{words}/127")
        );
        // The full length, or more, is no `/LEN`.
        assert_eq!(prefix_text(&full, 128).as_str(), words);
        assert_eq!(prefix_text(&full, FULL_LEN).as_str(), words);
        let mut mapped = [0u8; 16];
        mapped[10..].fill(0xff);
        assert_eq!(
            prefix_text(&Addr::V6(mapped), 100).as_str(),
            "::ffff:255.255.255.255/100"
        );
    }

    #[test]
    fn hex_words_without_leading_zeros() {
        for w in 0..=u16::MAX {
            let mut t = AddrText::new();
            t.hex(w);
            assert_eq!(t.as_str(), std::format!("{w:x}"));
        }
    }

    #[test]
    fn v6() {
        roundtrip("ff2e::42", "ff2e::42");
        roundtrip("::", "::");
        roundtrip("::1", "::1");
        roundtrip("fc00::1", "fc00::1");
        roundtrip("1:0:0:1:0:0:0:1", "1:0:0:1::1");
        roundtrip("1:0:0:0:1:0:0:1", "1::1:0:0:1");
        roundtrip("ff04:0:0:0:0:0:0:114", "ff04::114");
        roundtrip("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
        roundtrip("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
        roundtrip("::ffff:1.2.3.4", "::ffff:1.2.3.4");
        roundtrip("FF02::1:FF00:1", "ff02::1:ff00:1");
        for bad in [
            ":",
            ":::",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "12345::",
            "1:",
            "g::",
        ] {
            assert_eq!(Addr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimal_without_u64_division() {
        for n in [
            0u64,
            1,
            9,
            10,
            65535,
            65536,
            4294967295,
            4294967296,
            u64::MAX,
            1 << 63,
        ] {
            assert_eq!(Dec::of(n).as_str(), std::format!("{n}"));
            assert_eq!(Dec::of_limbs(n, 10).as_str(), std::format!("{n}"));
            // Hex: the 32-bit targets' limbs for the 64-bit targets' division. (A u64
            // in hex has at most 16 digits, within the 20.)
            assert_eq!(Dec::in_radix(n, 16).as_str(), std::format!("{n:x}"));
            assert_eq!(Dec::of_limbs(n, 16).as_str(), std::format!("{n:x}"));
        }
        for n in [0i64, -1, 42, -65536, i64::MIN, i64::MAX] {
            let mut s = heapless::String::<24>::new();
            let mut f = Formatter::new(&mut s);
            write_i64(&mut f, n).unwrap();
            assert_eq!(s.as_str(), std::format!("{n}"));
        }
    }

    #[test]
    fn masks_keep_the_top_bits_of_every_length() {
        for (text, bits) in [
            ("255.255.255.255", 32u32),
            ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128),
        ] {
            let all = Addr::parse(text).unwrap();
            for len in 0..=bits + 1 {
                let m = all.masked(len as u8);
                let kept: u32 = m.octets().iter().map(|b| b.count_ones()).sum();
                assert_eq!(kept, len.min(bits), "{text}/{len}");
                // The kept bits are the top ones: each byte is a run of ones from its top.
                assert!(m
                    .octets()
                    .iter()
                    .all(|b| b.leading_ones() == b.count_ones()));
                assert!(m.octets().windows(2).all(|w| w[1] == 0 || w[0] == 0xff));
            }
        }
    }

    #[test]
    fn in_prefix_is_masked_equality() {
        let pairs = [
            ("225.3.2.250", "225.3.2.248"),
            ("10.0.0.1", "138.0.0.1"),
            ("0.0.0.0", "255.255.255.255"),
            ("ff2e::1", "ff2e::8000:0:0:1"),
            ("ff2e::1", "ff3e::1"),
        ];
        for (a, b) in pairs {
            let (a, b) = (Addr::parse(a).unwrap(), Addr::parse(b).unwrap());
            for len in 0..=129u8 {
                let want = a.masked(len) == b.masked(len);
                assert_eq!(a.in_prefix(&b, len), want, "{a:?} {b:?} /{len}");
                assert_eq!(b.in_prefix(&a, len), want, "{b:?} {a:?} /{len}");
            }
        }
        let (v4, v6) = (Addr::any(Family::V4), Addr::any(Family::V6));
        assert!(!v4.in_prefix(&v6, 0) && !v6.in_prefix(&v4, 0));
    }

    #[test]
    fn prefixes() {
        let p = Prefix {
            addr: Addr::parse("225.3.2.250").unwrap(),
            len: 30,
        };
        assert_eq!(show(&p), "225.3.2.250/30");
        assert_eq!(show(&p.addr.masked(30)), "225.3.2.248");
        assert!(p.contains(&Addr::parse("225.3.2.251").unwrap()));
        assert!(!p.contains(&Addr::parse("225.3.2.252").unwrap()));
        assert_eq!(
            show(&Prefix::host(Addr::parse("ff2e::1").unwrap())),
            "ff2e::1"
        );
        assert_eq!(
            show(&Addr::parse("225.3.2.255").unwrap().offset(1)),
            "225.3.3.0"
        );
        // `nth` is `masked` then `offset` for every index of the range.
        for (text, len) in [("225.3.2.250", 30), ("225.3.2.250", 21), ("ff2e::1:2", 111)] {
            let p = Prefix {
                addr: Addr::parse(text).unwrap(),
                len,
            };
            let size = 1u32 << (p.addr.family().bits() - len).min(12);
            for i in [0, 1, 2, size / 2 + 3, size - 1] {
                assert_eq!(p.nth(i), p.addr.masked(len).offset(i), "{text}/{len} {i}");
            }
        }
        assert_eq!(show(&p.nth(3)), "225.3.2.251");
        let long = Prefix {
            addr: Addr::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").unwrap(),
            len: 127,
        };
        assert_eq!(show(&long), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127");
        assert_eq!(long.text().as_bytes(), show(&long).as_bytes());
        assert_eq!(
            show(&Addr::parse("255.255.255.255").unwrap()),
            "255.255.255.255"
        );
        assert!(Addr::parse("239.1.1.1").unwrap().is_multicast());
        assert!(!Addr::parse("10.1.1.1").unwrap().is_multicast());
    }
}
