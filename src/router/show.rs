//! `show` output (§2.3), byte for byte: text with `_` (section title) and `=` (column
//! header) line markers for the client, or one line of JSON. The daemon appends the NUL.

use ufmt::uWrite;

use super::Router;
use crate::kernel::Host;
use crate::net::{Addr, Dec};
use crate::table::mfc::Route;
use crate::table::rules::Rule;

/// Longest table row: `(S/LEN, G/LEN)` of two IPv6 prefixes, the IIF, two counters and
/// 32 OIF names of at most 20 bytes each.
const ROW_MAX: usize = 1024;

/// Rows buffered before they go to the output.
const ROWS_BUF: usize = 2 * ROW_MAX;

/// Table rows formatted in place and handed to the output 1-2 KiB at a time (a write
/// per fragment, and a UTF-8 check per row, cost more than the formatting). Only whole
/// `&str`s and ASCII are appended, and a piece that does not fit is dropped whole, so
/// the bytes are UTF-8; [`Row::start`] makes room for a whole row first.
struct Row {
    buf: [u8; ROWS_BUF],
    len: usize,
}

impl Row {
    const fn new() -> Self {
        Self {
            buf: [0; ROWS_BUF],
            len: 0,
        }
    }

    /// Begins a row, sending what is buffered if a longest row might not fit.
    fn start<W: uWrite + ?Sized>(&mut self, out: &mut W) -> Result<(), W::Error> {
        if self.len + ROW_MAX > ROWS_BUF {
            self.flush(out)?;
        }
        Ok(())
    }

    /// Sends what is buffered.
    fn flush<W: uWrite + ?Sized>(&mut self, out: &mut W) -> Result<(), W::Error> {
        let bytes = self.buf.get(..self.len).unwrap_or(&[]);
        self.len = 0;
        out.write_str(crate::fmt::as_utf8(bytes).unwrap_or(""))
    }

    // Not inlined: a call is smaller than the bounds check at each of the many uses.
    #[inline(never)]
    fn byte(&mut self, b: u8) {
        if let Some(dst) = self.buf.get_mut(self.len) {
            *dst = b;
            self.len += 1;
        }
    }

    #[inline(never)]
    fn bytes(&mut self, b: &[u8]) {
        let end = self.len + b.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(b);
            self.len = end;
        }
    }

    fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// An interface name, cut at 19 bytes as SMCRoute's 21-byte ` NAME` buffer cuts it
    /// (kept whole if the cut would split a character).
    fn oif_name(&mut self, name: &[u8]) {
        let cut = match name.get(19) {
            Some(&b) if (b as i8) >= -0x40 => name.get(..19).unwrap_or(name),
            _ => name,
        };
        self.bytes(cut);
    }

    /// Spaces up to column `width` from `from` (at least none).
    fn pad_from(&mut self, from: usize, width: usize) {
        let n = (from + width).saturating_sub(self.len);
        self.spaces(n);
    }

    fn spaces(&mut self, n: usize) {
        let end = (self.len + n).min(ROWS_BUF);
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.fill(b' ');
            self.len = end;
        }
    }

    /// `n` in decimal, right-aligned in `width` columns.
    fn dec(&mut self, n: u64, width: usize) {
        let d = Dec::of(n);
        let digits = d.as_bytes();
        self.spaces(width.saturating_sub(digits.len()));
        self.bytes(digits);
    }

    /// `(S[/LEN], G[/LEN])` with `*` for the wildcard source, padded to 42 columns.
    fn sg(&mut self, sg: &SgRef<'_>) {
        let from = self.len;
        self.byte(b'(');
        match sg.source {
            Some(s) => {
                let _ = prefix_out(self, s, sg.slen);
            }
            None => self.byte(b'*'),
        }
        self.bytes(b", ");
        let _ = prefix_out(self, sg.group, sg.glen);
        self.byte(b')');
        self.pad_from(from, 42);
    }

    #[cfg(test)]
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap()
    }
}

impl uWrite for Row {
    type Error = core::convert::Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        self.text(s);
        Ok(())
    }
}

/// The (S,G) of a route or membership as `show` prints it, borrowed from the table
/// record: no copies of the 17-byte addresses into `Prefix`es.
struct SgRef<'a> {
    /// `None`: the wildcard `*` (`null` in JSON).
    source: Option<&'a Addr>,
    slen: u8,
    group: &'a Addr,
    glen: u8,
}

impl<'a> SgRef<'a> {
    fn of_rule(r: &'a Rule) -> Self {
        Self {
            source: (!r.any_source()).then_some(&r.source),
            slen: r.slen,
            group: &r.group,
            glen: r.glen,
        }
    }

    /// Host addresses (a kernel entry).
    fn hosts(source: &'a Addr, group: &'a Addr) -> Self {
        Self {
            source: Some(source),
            slen: source.family().bits(),
            group,
            glen: group.family().bits(),
        }
    }
}

/// `ADDR`, or `ADDR/LEN` unless `len` is the full length (as `Prefix::text`).
fn prefix_out<W: uWrite + ?Sized>(out: &mut W, addr: &Addr, len: u8) -> Result<(), W::Error> {
    out.write_str(crate::net::prefix_text(addr, len).as_str())
}

/// `{"source":"S[/LEN]"` (or `null`) `,"group":"G[/LEN]"`: addresses and lengths need
/// no escaping. Formatted in `row` (unused in JSON mode, so empty) and sent at once: one
/// copy of the prefix formatting, the row's.
fn json_sg<W: uWrite + ?Sized>(out: &mut W, row: &mut Row, sg: &SgRef<'_>) -> Result<(), W::Error> {
    row.text("{\"source\":");
    match sg.source {
        Some(s) => {
            row.byte(b'"');
            let _ = prefix_out(row, s, sg.slen);
            row.byte(b'"');
        }
        None => row.text("null"),
    }
    row.text(",\"group\":\"");
    let _ = prefix_out(row, sg.group, sg.glen);
    row.byte(b'"');
    row.flush(out)
}

/// JSON string with `"`, `\` and control characters escaped (SMCRoute does not escape).
fn json_str<W: uWrite + ?Sized>(out: &mut W, s: &str) -> Result<(), W::Error> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.write_str("\\u00")?;
                out.write_char(HEX[b >> 4] as char)?;
                out.write_char(HEX[b & 15] as char)?;
            }
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

/// Text titles of the route sections (templates, exact rules, kernel) with their `_`
/// marker: one write each.
const ROUTE_TITLES: [&str; 3] = [
    "(*,G) Template Rules_\n",
    "(S,G) Rules_\n",
    "Kernel MFC Table_\n",
];

/// The first column's heading of the route tables, padded to 42 columns, and the blank
/// before the IIF column: one write instead of a text, a padding loop and a blank.
const ROUTE_COLUMN: &str = "ROUTE (S,G)                                ";

/// The counter headings of the detailed route tables, each right-aligned in 10 columns
/// after a blank.
const COUNTER_COLUMNS: &str = "    PACKETS      BYTES";

/// The column headings of the membership tables: `GROUP (S,G)` padded to 42 columns, a
/// blank, `IIF` padded to 16, the `=` marker.
const GROUP_COLUMNS: &str = "GROUP (S,G)                                IIF             =\n";

/// JSON keys opening the route sections.
const ROUTE_KEYS: [&str; 3] = ["\"asm\":[", "],\"ssm\":[", "],\"kernel\":["];

/// One route of `show`, from the conf list or the kernel list.
struct RouteView<'a> {
    sg: SgRef<'a>,
    iif: usize,
    /// Has kernel counters (detail): an exact rule or a kernel entry.
    counted: bool,
    v6: bool,
    ttls: &'a [u8],
}

/// Where the routes go, and the section being written.
struct RouteSink<'a, W: uWrite + ?Sized> {
    out: &'a mut W,
    row: &'a mut Row,
    style: Style,
    width: usize,
    section: usize,
    /// Routes written in this section.
    n: usize,
}

impl<W: uWrite + ?Sized> RouteSink<'_, W> {
    fn begin(&mut self, section: usize) -> Result<(), W::Error> {
        self.section = section;
        self.n = 0;
        if self.style == Style::Json {
            self.out
                .write_str(ROUTE_KEYS.get(section).copied().unwrap_or(""))?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Brief,
    Detail,
    Json,
}

impl Router {
    /// Writes the table selected by `what`'s first letter (`g`, `i`, `p`, else routes).
    pub(crate) fn show<H: Host, W: uWrite + ?Sized>(
        &self,
        h: &mut H,
        cmd: u8,
        what: Option<&str>,
        out: &mut W,
    ) -> Result<(), W::Error> {
        let style = match cmd {
            b'S' => Style::Detail,
            b'J' => Style::Json,
            _ => Style::Brief,
        };
        match what.and_then(|w| w.bytes().next()) {
            Some(b'g') => self.show_groups(style, out),
            Some(b'i') => self.show_interfaces(style, out),
            Some(b'p') => self.show_pending(style, out),
            _ => self.show_routes(h, style, out),
        }
    }

    /// The OIF names as JSON strings, comma-separated.
    fn oif_json<W: uWrite + ?Sized>(
        &self,
        out: &mut W,
        v6: bool,
        ttls: &[u8],
    ) -> Result<(), W::Error> {
        let mut first = true;
        for (vif, &t) in ttls.iter().enumerate() {
            if t == 0 {
                continue;
            }
            let Some(id) = self.vif_iface(v6, vif as u8) else {
                continue;
            };
            if !first {
                out.write_char(',')?;
            }
            json_str(out, self.iface_name(id))?;
            first = false;
        }
        Ok(())
    }

    /// ` NAME` per OIF.
    fn oif_row(&self, row: &mut Row, v6: bool, ttls: &[u8]) {
        for (vif, &t) in ttls.iter().enumerate() {
            if t == 0 {
                continue;
            }
            let Some(id) = self.vif_iface(v6, vif as u8) else {
                continue;
            };
            row.byte(b' ');
            row.oif_name(self.ifaces.get(id).map_or(&[], |i| i.name.as_bytes()));
        }
    }

    /// A route's text row: `(S,G)`, IIF, counters (detail), OIFs.
    fn route_row<H: Host>(
        &self,
        h: &mut H,
        row: &mut Row,
        style: Style,
        width: usize,
        v: &RouteView<'_>,
    ) {
        row.sg(&v.sg);
        row.byte(b' ');
        let from = row.len;
        row.bytes(self.ifaces.get(v.iif).map_or(&[], |i| i.name.as_bytes()));
        row.pad_from(from, width);
        row.byte(b' ');
        if style == Style::Detail {
            let c = match (v.counted, v.sg.source) {
                (true, Some(s)) => h.sg_count(s, v.sg.group).ok(),
                _ => None,
            }
            .unwrap_or_default();
            row.dec(c.packets, 10);
            row.byte(b' ');
            row.dec(c.bytes, 10);
            row.byte(b' ');
        }
        self.oif_row(row, v.v6, v.ttls);
        row.byte(b'\n');
    }

    /// A route section's title and column headings, into the (empty) row buffer ahead
    /// of the section's first row.
    fn route_header(row: &mut Row, style: Style, title: &str, width: usize) {
        row.text(title);
        row.text(ROUTE_COLUMN);
        let from = row.len;
        row.text("IIF");
        row.pad_from(from, width);
        if style == Style::Detail {
            row.text(COUNTER_COLUMNS);
        }
        row.text("  OIFS=\n");
    }

    /// Kernel entries in show order: forwarding ones first, then stop filters.
    fn kernel_in_order(&self) -> impl Iterator<Item = &Route> {
        let fwd = self.mfc.iter().map(|(_, r)| r).filter(|r| r.has_oifs());
        let stop = self.mfc.iter().map(|(_, r)| r).filter(|r| !r.has_oifs());
        fwd.chain(stop)
    }

    fn kernel_iif(&self, r: &Route) -> usize {
        self.vif_iface(r.is_v6(), r.parent).unwrap_or(usize::MAX)
    }

    // Not inlined: its row buffer must not add to the stack frame of whoever calls
    // `show` (the daemon's main loop) for the whole life of the process.
    #[inline(never)]
    fn show_routes<H: Host, W: uWrite + ?Sized>(
        &self,
        h: &mut H,
        style: Style,
        out: &mut W,
    ) -> Result<(), W::Error> {
        let width = self.ifaces.longest_name().max(3);
        let mut row = Row::new();
        let mut sink = RouteSink {
            out,
            row: &mut row,
            style,
            width,
            section: 0,
            n: 0,
        };
        if style == Style::Json {
            sink.out.write_str("{\"routes\":{")?;
        }
        for section in 0..3 {
            sink.begin(section)?;
            if section < 2 {
                let exact = section == 1;
                for (_, r) in self.rules.iter().filter(|(_, r)| r.is_exact() == exact) {
                    let v = RouteView {
                        sg: SgRef::of_rule(r),
                        iif: r.iif as usize,
                        counted: exact,
                        v6: r.is_v6(),
                        ttls: &r.ttls,
                    };
                    self.route_out(h, &mut sink, &v)?;
                }
            } else {
                for r in self.kernel_in_order() {
                    let v = RouteView {
                        sg: SgRef::hosts(&r.source, &r.group),
                        iif: self.kernel_iif(r),
                        counted: true,
                        v6: r.is_v6(),
                        ttls: &r.ttls,
                    };
                    self.route_out(h, &mut sink, &v)?;
                }
            }
            if style != Style::Json {
                sink.row.flush(sink.out)?;
            }
        }
        if style == Style::Json {
            sink.out.write_str("]}}\n")?;
        }
        Ok(())
    }

    /// One route: a JSON object, or a text row (after the section header, for the first).
    #[inline(never)]
    fn route_out<H: Host, W: uWrite + ?Sized>(
        &self,
        h: &mut H,
        sink: &mut RouteSink<'_, W>,
        v: &RouteView<'_>,
    ) -> Result<(), W::Error> {
        let first = sink.n == 0;
        sink.n += 1;
        let out = &mut *sink.out;
        if sink.style == Style::Json {
            if !first {
                out.write_char(',')?;
            }
            json_sg(out, sink.row, &v.sg)?;
            out.write_str(",\"iif\":")?;
            json_str(out, self.iface_name(v.iif))?;
            out.write_str(",\"oifs\":[")?;
            self.oif_json(out, v.v6, v.ttls)?;
            return out.write_str("]}");
        }
        sink.row.start(out)?;
        if first {
            let title = ROUTE_TITLES.get(sink.section).copied().unwrap_or("");
            Self::route_header(sink.row, sink.style, title, sink.width);
        }
        self.route_row(h, sink.row, sink.style, sink.width, v);
        Ok(())
    }

    fn group_header<W: uWrite + ?Sized>(out: &mut W, title: &str) -> Result<(), W::Error> {
        out.write_str(title)?;
        out.write_str(GROUP_COLUMNS)
    }

    #[inline(never)] // As show_routes.
    fn show_groups<W: uWrite + ?Sized>(&self, style: Style, out: &mut W) -> Result<(), W::Error> {
        let json = style == Style::Json;
        if json {
            out.write_str("{\"groups\":{\"conf\":[")?;
        } else if self.groups.is_empty() {
            return Ok(());
        } else {
            Self::group_header(out, "Group Memberships Table_\n")?;
        }
        let mut row = Row::new();
        let mut first = true;
        for (_, g) in self.groups.iter() {
            let sg = SgRef {
                source: g.source.as_ref().map(|s| &s.addr),
                slen: g.source.as_ref().map_or(0, |s| s.len),
                group: &g.group.addr,
                glen: g.group.len,
            };
            group_out(out, &mut row, json, &mut first, &sg, g.iif.as_str())?;
        }
        if json {
            out.write_str("],\"kernel\":[")?;
        } else {
            row.flush(out)?;
            if style != Style::Detail {
                return Ok(());
            }
            // SMCRoute sends no column header for this section (a bug); we do.
            Self::group_header(out, "Kernel Group Membership Table_\n")?;
        }
        let mut first = true;
        // Kernel joins: (source, group) with the lengths of their membership.
        for (_, j) in self.groups.joins() {
            let Some(g) = self.groups.get(j.owner()) else {
                continue;
            };
            let sg = SgRef {
                source: j.source.as_ref(),
                slen: match &g.source {
                    Some(s) => s.len,
                    None => j.source.as_ref().map_or(0, |a| a.family().bits()),
                },
                group: &j.group,
                glen: g.group.len,
            };
            let iif = self.iface_name(j.iface as usize);
            group_out(out, &mut row, json, &mut first, &sg, iif)?;
        }
        if json {
            out.write_str("]}}\n")
        } else {
            row.flush(out)
        }
    }

    // Not inlined: its row buffer (as `show_routes`).
    #[inline(never)]
    fn show_interfaces<W: uWrite + ?Sized>(
        &self,
        style: Style,
        out: &mut W,
    ) -> Result<(), W::Error> {
        let json = style == Style::Json;
        let width = self.ifaces.longest_name().max(6);
        let mut row = Row::new();
        if json {
            row.text("{\"interfaces\":[");
        } else {
            row.text(" INDEX PHYINT");
            row.spaces(width - 6);
            row.text("  VIF  MIF=\n");
        }
        for (n, (_, i)) in self.ifaces.iter().enumerate() {
            row.start(out)?;
            if json {
                row.text(if n > 0 { ",{\"index\":" } else { "{\"index\":" });
                row.dec(i.ifindex as u64, 0);
                row.text(",\"name\":");
                // The name may need escaping: written by `json_str`, after the row.
                row.flush(out)?;
                json_str(out, i.name.as_str())?;
            } else {
                row.dec(i.ifindex as u64, 6);
                row.byte(b' ');
                let from = row.len;
                row.text(i.name.as_str());
                row.pad_from(from, width);
            }
            for (key, v) in [
                (",\"vif\":", i.vif_of(false)),
                (",\"mif\":", i.vif_of(true)),
            ] {
                if json {
                    row.text(key);
                } else {
                    row.byte(b' ');
                }
                match v {
                    Some(v) => row.dec(v as u64, if json { 0 } else { 4 }),
                    None => row.text(if json { "null" } else { " N/A" }),
                }
            }
            row.byte(if json { b'}' } else { b'\n' });
        }
        if json {
            row.text("]}\n");
        }
        row.flush(out)
    }

    #[inline(never)]
    fn show_pending<W: uWrite + ?Sized>(&self, style: Style, out: &mut W) -> Result<(), W::Error> {
        use crate::table::pending::Kind;
        let json = style == Style::Json;
        if json {
            out.write_str("{\"pending\":[")?;
        } else if self.pending.is_empty() {
            return out.write_str("No pending routes or groups\n");
        } else {
            out.write_str("PENDING ROUTES AND GROUPS\n")?;
        }
        for (n, (_, p)) in self.pending.iter().enumerate() {
            let kind = match p.kind {
                Kind::Mroute => "mroute",
                Kind::Mgroup => "mgroup",
            };
            if json {
                if n > 0 {
                    out.write_char(',')?;
                }
                out.write_str("{\"kind\":")?;
                json_str(out, kind)?;
            } else {
                out.write_str(kind)?;
                out.write_char(' ')?;
            }
            // One pass over the words (IIF, source if any, group, OIFs), each written by
            // its place: no lookup of each named word from the start.
            let named = if p.has_source() { 3 } else { 2 };
            for (k, w) in p.args().enumerate() {
                if k >= named {
                    let first = k == named;
                    if json {
                        if !first {
                            out.write_char(',')?;
                        }
                        json_str(out, w)?;
                    } else {
                        out.write_str(if first { " to " } else { " " })?;
                        out.write_str(w)?;
                    }
                    continue;
                }
                let is_group = k + 1 == named;
                if json && is_group && named == 2 {
                    out.write_str(",\"source\":null")?;
                }
                let (key, word) = match k {
                    0 => (",\"iif\":", " from "),
                    _ if is_group => (",\"group\":", " group "),
                    _ => (",\"source\":", " source "),
                };
                if json {
                    out.write_str(key)?;
                    json_str(out, w)?;
                    if is_group {
                        out.write_str(",\"oifs\":[")?;
                    }
                } else {
                    out.write_str(word)?;
                    out.write_str(w)?;
                }
            }
            out.write_str(if json { "]}" } else { "\n" })?;
        }
        if json {
            out.write_str("]}\n")?;
        }
        Ok(())
    }
}

/// A membership: a JSON object, or a text row (`(S,G)` padded to 42 columns, the
/// interface, a newline).
#[inline(never)]
fn group_out<W: uWrite + ?Sized>(
    out: &mut W,
    row: &mut Row,
    json: bool,
    first: &mut bool,
    sg: &SgRef<'_>,
    iif: &str,
) -> Result<(), W::Error> {
    if !json {
        row.start(out)?;
        row.sg(sg);
        row.byte(b' ');
        row.text(iif);
        row.byte(b'\n');
        return Ok(());
    }
    if !*first {
        out.write_char(',')?;
    }
    *first = false;
    json_sg(out, row, sg)?;
    out.write_str(",\"iif\":")?;
    json_str(out, iif)?;
    out.write_char('}')
}

#[cfg(test)]
pub(super) fn tests_json_str(out: &mut std::string::String, s: &str) {
    let _ = json_str(&mut super::tests::Sink(out), s);
}

#[cfg(test)]
extern crate std;

#[cfg(test)]
mod row_tests {
    use super::*;
    use crate::net::Prefix;
    use crate::table::Text;

    fn p(s: &str, len: u8) -> Prefix {
        Prefix {
            addr: Addr::parse(s).unwrap(),
            len,
        }
    }

    #[test]
    fn row_pieces_match_ufmt() {
        for (src, grp) in [
            (Some(p("0.0.0.0", 32)), p("255.255.255.255", 32)),
            (Some(p("10.100.9.0", 24)), p("225.1.0.0", 16)),
            (None, p("ff2e::42", 128)),
            (Some(p("fc00::1", 64)), p("ff04::114", 16)),
        ] {
            let mut row = Row::new();
            row.sg(&SgRef {
                source: src.as_ref().map(|s| &s.addr),
                slen: src.map_or(0, |s| s.len),
                group: &grp.addr,
                glen: grp.len,
            });
            let mut want = Text::<128>::new();
            match src {
                Some(s) => ufmt::uwrite!(want, "({}, {})", s, grp).unwrap(),
                None => ufmt::uwrite!(want, "(*, {})", grp).unwrap(),
            }
            assert_eq!(row.as_str(), std::format!("{:<42}", want.as_str()));
        }
        let mut row = Row::new();
        row.dec(u64::MAX, 10);
        row.dec(0, 3);
        row.dec(12345, 10);
        assert_eq!(row.as_str(), "18446744073709551615  0     12345");
    }

    #[test]
    fn longest_row_fits_whole() {
        // Two long IPv6 prefixes, a counter pair and 32 OIFs of 19 bytes.
        let mut row = Row::new();
        let wide = p("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127);
        row.sg(&SgRef {
            source: Some(&wide.addr),
            slen: wide.len,
            group: &wide.addr,
            glen: wide.len,
        });
        row.spaces(17);
        row.dec(u64::MAX, 10);
        row.dec(u64::MAX, 10);
        for _ in 0..32 {
            row.text(" ");
            row.text("interface-name-19ch");
        }
        row.text("\n");
        assert!(row.as_str().ends_with("19ch\n"), "{}", row.as_str().len());
        assert!(row.len <= ROW_MAX);
        // Past the end a piece is dropped whole, and the rows stay text.
        let mut full = Row::new();
        full.spaces(ROWS_BUF - 1);
        full.text("é");
        full.spaces(5);
        assert_eq!(full.as_str().len(), ROWS_BUF);
        assert!(full.as_str().bytes().all(|b| b == b' '));
        // A row starts on a fresh buffer when a longest one might not fit.
        let mut s = std::string::String::new();
        let mut sink = super::super::tests::Sink(&mut s);
        full.start(&mut sink).unwrap();
        assert_eq!(full.len, 0);
        full.text("x");
        full.start(&mut sink).unwrap();
        assert_eq!(full.len, 1, "room left: no flush");
        full.flush(&mut sink).unwrap();
        assert_eq!(s.len(), ROWS_BUF + 1);
    }

    #[test]
    fn oif_names_cut_at_19_bytes_on_a_character() {
        let mut row = Row::new();
        row.oif_name(b"abcdefghijklmnopqrstuvwxyz");
        row.byte(b'|');
        row.oif_name("abcdefghijklmnopqr\u{e9}".as_bytes());
        row.byte(b'|');
        row.oif_name(b"short");
        assert_eq!(
            row.as_str(),
            "abcdefghijklmnopqrs|abcdefghijklmnopqr\u{e9}|short"
        );
    }

    #[test]
    fn json_strings_escaped_in_runs() {
        let esc = |t: &str| {
            let mut s = std::string::String::new();
            json_str(&mut super::super::tests::Sink(&mut s), t).unwrap();
            s
        };
        assert_eq!(esc(""), "\"\"");
        assert_eq!(esc("eth0"), "\"eth0\"");
        assert_eq!(
            esc("\u{1f}\u{e9}x\"\\\n\u{20ac}"),
            "\"\\u001f\u{e9}x\\\"\\\\\\u000a\u{20ac}\""
        );
    }
}
