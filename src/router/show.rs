//! `show` output (§2.3), byte for byte: text with `_` (section title) and `=` (column
//! header) line markers for the client, or one line of JSON. The daemon appends the NUL.
//!
//! Both shapes are written by the same walks: a record is a sequence of fields, and each
//! field knows its JSON key and its text separator ([`Field`]), so a table is walked once
//! for both and the JSON and text forms of a value cannot drift apart.

use super::msg::Compact;
use super::Router;
use crate::ipc::show::Out;
use crate::kernel::{Host, SgCount};
use crate::limits::MAX_VIFS;
use crate::net::{Addr, Dec};
use crate::table::groups::{Group, Join};
use crate::texts::{index_of, place_in, put_unpacked, separated, separated_len};

/// A value's JSON key (with the punctuation before it) and its text separator: the
/// key's index into [`KEY_PARTS`] (packed with the other [pieces](PIECE_PARTS)), the
/// separator's place in [`SEPS`] (bytes in `.rodata`, not two string slices a field in
/// the RELRO region; each text once, though fields share them).
#[derive(Clone, Copy)]
struct Field {
    key: u8,
    /// Where the separator starts in [`SEPS`]: taken with no walk (a text row writes
    /// half a dozen per route).
    sep_at: u8,
    sep_len: u8,
}

impl Field {
    /// The field of `key` and `sep` (a compile error unless they are in [`KEY_PARTS`]
    /// and [`SEPS`]).
    const fn of(key: &str, sep: &str) -> Self {
        Self {
            key: index_of(&KEY_PARTS, key) as u8,
            sep_at: place_in(SEPS, sep.as_bytes()) as u8,
            sep_len: sep.len() as u8,
        }
    }

    fn sep(self) -> &'static [u8] {
        let at = usize::from(self.sep_at);
        SEPS.get(at..at + usize::from(self.sep_len)).unwrap_or(&[])
    }
}

/// Every field's JSON key: the pieces from [`KEY_PIECES`] on. Packed, written through
/// [`put_unpacked`] (JSON is not the benchmarked path; the text's separators are plain).
const KEY_PARTS: [&str; 18] = [
    "{\"source\":\"",
    "\"",
    "\",\"group\":\"",
    "{\"source\":null,\"group\":\"",
    ",\"iif\":",
    ",\"oifs\":[",
    "{\"index\":",
    ",\"name\":",
    ",\"vif\":",
    ",\"mif\":",
    "",
    ",",
    "{\"kind\":",
    ",\"source\":",
    ",\"group\":",
    ",\"source\":null,\"group\":",
    "}",
    "]}",
];

/// Every field's text separator, each a stretch of these bytes (they overlap): ` `,
/// `\n`, `(`, `, `, `(*, `, `)`, ` to `, `  from `, ` source `, ` group ` (and the
/// empty one).
const SEPS: &[u8] = b"\n)(*, to  from source group ";

/// The (S,G) opening a route or membership record, before its source.
const SG_SOURCE: Field = Field::of("{\"source\":\"", "(");
/// After its source, before its group.
const SG_GROUP: Field = Field::of("\",\"group\":\"", ", ");
/// Without a source (`*`, JSON `null`), before its group.
const SG_NO_SOURCE: Field = Field::of("{\"source\":null,\"group\":\"", "(*, ");
/// After its group: the JSON value's quote, the text's parenthesis.
const SG_END: Field = Field::of("\"", ")");

/// Ends a record: a JSON object, a text row.
const END: Field = Field::of("}", "\n");
/// Ends a record with a list last (a route's OIFs): the list and the JSON object.
const LIST_END: Field = Field::of("]}", "\n");
const ROUTE_IIF: Field = Field::of(",\"iif\":", " ");
/// Opens a route's OIFs: the JSON list, the text's blank after the IIF column (or
/// after the counters' in detail).
const OIFS: Field = Field::of(",\"oifs\":[", " ");
const IF_INDEX: Field = Field::of("{\"index\":", "");
const IF_NAME: Field = Field::of(",\"name\":", " ");
const IF_VIF: Field = Field::of(",\"vif\":", " ");
const IF_MIF: Field = Field::of(",\"mif\":", " ");
/// The first OIF of a route: a blank before it in text.
const ROUTE_OIF: Field = Field::of("", " ");
/// The first OIF of a pending route: ` to` and a blank before it in text.
const PENDING_OIF: Field = Field::of("", " to ");
/// Every other OIF: a comma before it in JSON, a blank in text.
const NEXT_OIF: Field = Field::of(",", " ");
const PENDING_KIND: Field = Field::of("{\"kind\":", "");
/// Two blanks: SMCRoute prints the kind and ` from`.
const PENDING_IIF: Field = Field::of(",\"iif\":", "  from ");
const PENDING_SOURCE: Field = Field::of(",\"source\":", " source ");
const PENDING_GROUP: Field = Field::of(",\"group\":", " group ");
/// The group of a pending route without a source: the source's JSON `null` first.
const PENDING_NO_SOURCE_GROUP: Field = Field::of(",\"source\":null,\"group\":", " group ");

/// The output of one `show`, in its style, written straight into the reply's byte sink
/// (which buffers and sends it: no buffer of its own, no UTF-8 check).
struct Output<'w, W: Out + ?Sized> {
    out: &'w mut W,
    json: bool,
    detail: bool,
    /// Records written in the current list (the JSON commas, the text headers).
    n: usize,
    /// Width of the interface name columns.
    width: usize,
    /// Bytes written so far: the output position padding is measured from.
    pos: usize,
}

/// Blanks written for padding, in pieces of up to this many (those of the packed texts'
/// runs).
const SPACES: &[u8; 20] = &crate::texts::BLANKS;

impl<'w, W: Out + ?Sized> Output<'w, W> {
    /// The output of a `show` command `cmd` (a [`Style`]'s letter; any other is brief).
    fn new(out: &'w mut W, cmd: u8) -> Self {
        Self {
            out,
            json: cmd == Style::Json as u8,
            detail: cmd == Style::Detail as u8,
            n: 0,
            width: 0,
            pos: 0,
        }
    }

    /// Output position.
    fn pos(&self) -> usize {
        self.pos
    }

    /// Appends `b`.
    #[inline(never)]
    fn put(&mut self, b: &[u8]) {
        self.pos += b.len();
        self.out.put(b);
    }

    fn byte(&mut self, b: u8) {
        self.pos += 1;
        self.out.byte(b);
    }

    fn text(&mut self, s: &str) {
        self.put(s.as_bytes());
    }

    /// Writes text `i` of [`PIECE_PARTS`] (a [`Piece`] and an offset).
    #[inline(never)]
    fn piece(&mut self, i: usize) {
        put_unpacked(&PIECES, i + 1, &mut |b| self.put(b), b"");
    }

    #[inline(never)]
    fn spaces(&mut self, mut n: usize) {
        while n > 0 {
            let k = n.min(SPACES.len());
            self.put(SPACES.get(..k).unwrap_or(&[]));
            n -= k;
        }
    }

    /// Spaces up to column `width` from position `from` (at least none).
    #[inline]
    fn pad_from(&mut self, from: usize, width: usize) {
        let n = (from + width).saturating_sub(self.pos());
        self.spaces(n);
    }

    /// `n` in decimal, right-aligned in `width` columns.
    fn dec(&mut self, n: u64, width: usize) {
        self.aligned(Dec::of(n).as_bytes(), width);
    }

    /// `text` right-aligned in `width` columns.
    #[inline(never)]
    fn aligned(&mut self, text: &[u8], width: usize) {
        self.spaces(width.saturating_sub(text.len()));
        self.put(text);
    }

    /// `ADDR`, or `ADDR/LEN` unless `len` is the full length (as `Prefix::text`).
    fn prefix(&mut self, addr: &Addr, len: u8) {
        self.put(crate::net::prefix_text(addr, len).as_bytes());
    }

    /// JSON string with `"`, `\` and control characters escaped (SMCRoute does not
    /// escape), a byte at a time (JSON is not the benchmarked path; this is smaller).
    // Out of line except on x86_64, where LLVM puts it in line by itself (smaller there).
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    fn json_str(&mut self, s: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.byte(b'"');
        for &b in s {
            let last = if b < 0x20 {
                self.text("\\u00");
                self.byte(HEX[usize::from(b >> 4)]);
                HEX[usize::from(b & 15)]
            } else {
                if b == b'"' || b == b'\\' {
                    self.byte(b'\\');
                }
                b
            };
            self.byte(last);
        }
        self.byte(b'"');
    }

    /// Starts a membership list: its JSON `key`, or its text heading, the piece after
    /// the key.
    #[inline(never)]
    fn group_section(&mut self, key: Piece) {
        self.n = 0;
        self.piece(key as usize + usize::from(!self.json));
    }

    /// Starts a record: the comma before every JSON object of a list but the first.
    #[inline]
    fn open(&mut self) {
        if self.json && self.n > 0 {
            self.byte(b',');
        }
        self.n += 1;
    }

    /// A string value: `KEY"VALUE"` (escaped) in JSON, `SEP VALUE` in text.
    #[inline(never)]
    fn str_field(&mut self, f: Field, s: &[u8]) {
        self.head(f);
        if self.json {
            self.json_str(s);
        } else {
            self.put(s);
        }
    }

    /// `f`'s JSON key or its text separator.
    fn head(&mut self, f: Field) {
        if self.json {
            return self.piece(KEY_PIECES + usize::from(f.key));
        }
        // A lone byte (most separators) as a byte: no `memcpy` call per OIF.
        match *f.sep() {
            [c] => self.byte(c),
            ref head => self.put(head),
        }
    }

    /// A number: `KEY N` or `KEY null` in JSON, `SEP` and the number or `N/A`
    /// right-aligned in `width` columns in text.
    fn num_field(&mut self, f: Field, n: Option<u32>, width: usize) {
        self.head(f);
        let (null, width) = if self.json {
            ("null", 0)
        } else {
            ("N/A", width)
        };
        match n {
            Some(n) => self.dec(u64::from(n), width),
            None => self.aligned(null.as_bytes(), width),
        }
    }

    /// The (S,G) that opens a route or membership record: `(S[/LEN], G[/LEN])` with `*`
    /// for the wildcard source, padded to 42 columns, or `{"source":"S[/LEN]"` (or
    /// `null`) `,"group":"G[/LEN]"` (addresses and lengths need no escaping). One walk
    /// for both styles: the punctuation is the fields' keys and separators.
    #[inline(never)]
    fn sg(&mut self, sg: &Compact<'_>) {
        let from = self.pos();
        match sg.source {
            Some(s) => {
                self.head(SG_SOURCE);
                self.prefix(s, sg.slen);
                self.head(SG_GROUP);
            }
            None => self.head(SG_NO_SOURCE),
        }
        self.prefix(sg.group, sg.glen);
        self.head(SG_END);
        if !self.json {
            self.pad_from(from, 42);
        }
    }
}

/// An interface name in the text OIF column, cut at 19 bytes as SMCRoute's 21-byte
/// ` NAME` buffer cuts it (kept whole if the cut would split a character).
fn oif_cut(name: &[u8]) -> &[u8] {
    match name.get(19) {
        Some(&b) if (b as i8) >= -0x40 => name.get(..19).unwrap_or(name),
        _ => name,
    }
}

/// The texts `show` writes once per table or section (titles, column headings, JSON
/// keys and ends), in the order of [`Piece`]: the first [pieces](PIECE_PARTS). The `_` and `=` line markers are the
/// client's. The route headings' first column is padded to 42 columns, then a blank and
/// the IIF column's heading (padded after it to the names); the membership headings'
/// `IIF` is padded to 16.
#[rustfmt::skip]
const HEADING_PARTS: [&[u8]; KEY_PIECES] = [
    b"(*,G) Template Rules_\nROUTE (S,G)                                IIF",
    b"(S,G) Rules_\nROUTE (S,G)                                IIF",
    b"Kernel MFC Table_\nROUTE (S,G)                                IIF",
    b"{\"routes\":{\"asm\":[",
    b"],\"ssm\":[",
    b"],\"kernel\":[",
    // The headings after the IIF column: the counters (each right-aligned in 10
    // columns after a blank) in detail only.
    b"  OIFS=\n",
    b"    PACKETS      BYTES  OIFS=\n",
    b"{\"groups\":{\"conf\":[",
    b"Group Memberships Table_\nGROUP (S,G)                                IIF             =\n",
    b"],\"kernel\":[",
    b"Kernel Group Membership Table_\nGROUP (S,G)                                IIF             =\n",
    b"{\"interfaces\":[",
    b" INDEX PHYINT",
    b"  VIF  MIF=\n",
    b"{\"pending\":[",
    b"No pending routes or groups\n",
    b"PENDING ROUTES AND GROUPS\n",
    b"]}}\n",
    b"]}\n",
];
/// Where the fields' JSON keys start among the pieces: after the headings.
const KEY_PIECES: usize = Piece::ListEnd as usize + 1;
/// [`HEADING_PARTS`], then [`KEY_PARTS`].
const PIECE_PARTS: [&[u8]; KEY_PIECES + KEY_PARTS.len()] = {
    let mut all: [&[u8]; KEY_PIECES + KEY_PARTS.len()] = [&[]; KEY_PIECES + KEY_PARTS.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = if i < KEY_PIECES {
            HEADING_PARTS[i]
        } else {
            KEY_PARTS[i - KEY_PIECES].as_bytes()
        };
        i += 1;
    }
    all
};
pub(crate) const PIECES_SEPARATED: [u8; separated_len(&PIECE_PARTS)] = separated(&PIECE_PARTS);
/// [`PIECES_SEPARATED`] byte-pair [coded](crate::texts::Coded), once.
const PIECES_CODED: crate::texts::Coded = crate::texts::Coded::of(&PIECES_SEPARATED);

crate::packed_after_help! {
    /// [`PIECE_PARTS`] packed after [`args::HELP_TEXTS`], as the [tail](packed_tail) of
    /// that packing, as [`put_unpacked`] takes every packed text: the headings' columns are
    /// runs of blanks, and they say the same words again, the help texts' too ("(*,G)",
    /// "(S,G)", "routes", "groups", "interfaces"). Written once per table or section, not
    /// per route.
    static PIECES = PIECES_CODED;
}

/// One of [`PIECE_PARTS`], or the first of a run of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// The text headings of the routes of section 0 (templates), 1 (exact rules), 2
    /// (kernel): the title and the columns up to the IIF column's.
    RouteHeading = 0,
    /// The JSON keys opening the route sections, as [`Piece::RouteHeading`].
    RouteKey = 3,
    /// The text headings after the IIF column, brief then detail.
    OifColumns = 6,
    /// The JSON key of the configured memberships, then their text heading.
    GroupsKey = 8,
    /// The JSON key of the kernel's memberships, then their text heading.
    KernelGroupsKey = 10,
    InterfacesKey = 12,
    InterfacesHeading,
    InterfacesHeadingEnd,
    PendingKey,
    NoPending,
    PendingHeading,
    /// The end of the JSON object of the routes and groups.
    TwoListsEnd,
    /// The end of the JSON object of the interfaces and pending.
    ListEnd,
}

/// One route of `show`, from the conf list or the kernel list.
struct RouteView<'a> {
    sg: Compact<'a>,
    iif: usize,
    /// An array, not a slice: no length for each walk to store.
    ttls: &'a [u8; MAX_VIFS],
}

/// The style of a `show`, by the letter of its IPC command.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Style {
    /// `show`'s own letter. Any letter but the others' is brief, so the programs never
    /// compare with it (the tests write it).
    #[cfg_attr(not(test), allow(dead_code))]
    Brief = b's',
    Detail = b'S',
    Json = b'J',
}

impl Router {
    /// Writes the table selected by `what`'s first letter (`g`, `i`, `p`, else routes).
    pub(crate) fn show<H: Host, W: Out + ?Sized>(
        &self,
        h: &mut H,
        cmd: u8,
        what: Option<&str>,
        out: &mut W,
    ) {
        self.show_in(h, cmd, what, out)
    }

    // Not inlined: the output buffer must not add to the stack frame of whoever calls
    // `show` (the daemon's main loop) for the whole life of the process.
    #[inline(never)]
    fn show_in<H: Host, W: Out + ?Sized>(
        &self,
        h: &mut H,
        cmd: u8,
        what: Option<&str>,
        out: &mut W,
    ) {
        let mut o = Output::new(out, cmd);
        // The longest name, found once for the routes and interfaces tables' columns.
        o.width = self.ifaces.longest_name();
        // Each writes its JSON object but the closing brackets of its last list.
        let json_end = match what.and_then(|w| w.bytes().next()) {
            Some(b'g') => self.show_groups(&mut o),
            Some(b'i') => self.show_interfaces(&mut o),
            Some(b'p') => self.show_pending(&mut o),
            _ => self.show_routes(h, &mut o),
        };
        if o.json {
            o.piece(json_end as usize);
        }
    }

    /// The name of interface `id` (empty if there is none). Not forced in line: one copy
    /// for its three callers (x86_64 .text -7 B, mipsel -32 B).
    fn iface_bytes(&self, id: usize) -> &[u8] {
        self.ifaces.get(id).map_or(&[], |i| i.name.as_bytes())
    }

    // Not inlined into `show_in` (-104 B on x86_64, where the four tables' walks in one
    // function kept their values on the stack).
    #[inline(never)]
    fn show_routes<H: Host, W: Out + ?Sized>(&self, h: &mut H, o: &mut Output<'_, W>) -> Piece {
        o.width = o.width.max(3);
        // Templates, exact rules, then the kernel's entries: forwarding ones first, stop
        // filters last, in one section.
        for pass in 0..4 {
            let section = pass.min(2);
            if pass < 3 {
                o.n = 0;
                if o.json {
                    o.piece(Piece::RouteKey as usize + section);
                }
            }
            if pass < 2 {
                let exact = pass == 1;
                for (_, r) in self.rules.iter() {
                    if r.is_exact() != exact {
                        continue;
                    }
                    let v = RouteView {
                        sg: Compact::prefixes((!r.any_source()).then_some(&r.source), &r.group),
                        iif: r.iif as usize,
                        ttls: &r.ttls,
                    };
                    self.route_out(h, o, section, &v);
                }
            } else {
                let forwarding = pass == 2;
                for (_, r) in self.mfc.iter() {
                    if r.has_oifs() != forwarding {
                        continue;
                    }
                    let v = RouteView {
                        sg: Compact::sg(&r.mfc.source, &r.mfc.group),
                        iif: self
                            .vif_iface(r.is_v6(), r.mfc.parent)
                            .unwrap_or(usize::MAX),
                        ttls: &r.mfc.ttls,
                    };
                    self.route_out(h, o, section, &v);
                }
            }
        }
        Piece::TwoListsEnd
    }

    /// A route of `section`: a JSON object, or a text row (after the section header, for
    /// the first): `(S,G)`, IIF, counters (detail), OIFs.
    #[inline(never)]
    fn route_out<H: Host, W: Out + ?Sized>(
        &self,
        h: &mut H,
        o: &mut Output<'_, W>,
        section: usize,
        v: &RouteView<'_>,
    ) {
        let width = o.width;
        if o.n == 0 && !o.json {
            o.piece(Piece::RouteHeading as usize + section);
            // The IIF column's heading padded to the names (`width` is 3 or more).
            o.spaces(width - "IIF".len());
            o.piece(Piece::OifColumns as usize + usize::from(o.detail));
        }
        o.open();
        o.sg(&v.sg);
        let from = o.pos() + 1;
        o.str_field(ROUTE_IIF, self.iface_bytes(v.iif));
        if !o.json {
            o.pad_from(from, width);
        }
        o.head(OIFS);
        // Detail is text, never JSON.
        if o.detail {
            // Kernel counters for an exact rule or a kernel entry: past the templates.
            // Zero unless the kernel answers.
            let mut c = SgCount::default();
            if let (true, Some(s)) = (section > 0, v.sg.source) {
                let _ = h.sg_count(s, v.sg.group, &mut c);
            }
            o.dec(c.packets, 10);
            o.byte(b' ');
            o.dec(c.bytes, 10);
            o.byte(b' ');
        }
        // The OIFs' family: the group's (one field less for each walk to store).
        let v6 = v.sg.group.family() == crate::net::Family::V6;
        let mut k = 0;
        for (vif, &t) in v.ttls.iter().enumerate() {
            if t == 0 {
                continue;
            }
            let Some(id) = self.vif_iface(v6, vif as u8) else {
                continue;
            };
            let name = self.iface_bytes(id);
            let f = if k == 0 { ROUTE_OIF } else { NEXT_OIF };
            o.str_field(f, if o.json { name } else { oif_cut(name) });
            k += 1;
        }
        o.head(LIST_END);
    }

    /// The JSON end is returned in text too (not written there).
    // Not inlined into `show_in` on x86_64 (-16 B).
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    fn show_groups<W: Out + ?Sized>(&self, o: &mut Output<'_, W>) -> Piece {
        if !o.json && self.groups.is_empty() {
            return Piece::TwoListsEnd;
        }
        o.group_section(Piece::GroupsKey);
        for (_, g) in self.groups.iter() {
            group_out(o, g, None, g.iif.as_bytes());
        }
        if !o.json && !o.detail {
            return Piece::TwoListsEnd;
        }
        // SMCRoute sends no column header for this section (a bug); we do.
        o.group_section(Piece::KernelGroupsKey);
        for (_, j) in self.groups.joins() {
            let Some(g) = self.groups.get(j.owner()) else {
                continue;
            };
            group_out(o, g, Some(j), self.iface_bytes(j.iface as usize));
        }
        Piece::TwoListsEnd
    }

    fn show_interfaces<W: Out + ?Sized>(&self, o: &mut Output<'_, W>) -> Piece {
        let width = o.width.max(6);
        if o.json {
            o.piece(Piece::InterfacesKey as usize);
        } else {
            o.piece(Piece::InterfacesHeading as usize);
            o.spaces(width - 6);
            o.piece(Piece::InterfacesHeadingEnd as usize);
        }
        for (_, i) in self.ifaces.iter() {
            o.open();
            o.num_field(IF_INDEX, Some(i.ifindex), 6);
            let from = o.pos() + 1;
            o.str_field(IF_NAME, i.name.as_bytes());
            if !o.json {
                o.pad_from(from, width);
            }
            o.num_field(IF_VIF, i.vif_of(false).map(u32::from), 4);
            o.num_field(IF_MIF, i.vif_of(true).map(u32::from), 4);
            o.head(END);
        }
        Piece::ListEnd
    }

    fn show_pending<W: Out + ?Sized>(&self, o: &mut Output<'_, W>) -> Piece {
        o.piece(if o.json {
            Piece::PendingKey
        } else if self.pending.is_empty() {
            Piece::NoPending
        } else {
            Piece::PendingHeading
        } as usize);
        for (_, p) in self.pending.iter() {
            o.open();
            o.str_field(PENDING_KIND, super::pending_word(p.kind).as_bytes());
            // The words (IIF, source if any, group, OIFs) in one pass, each written as
            // the field of its place: a table per shape, not a test per word.
            let fields: &[Field] = if p.has_source() {
                &[PENDING_IIF, PENDING_SOURCE, PENDING_GROUP]
            } else {
                &[PENDING_IIF, PENDING_NO_SOURCE_GROUP]
            };
            for (k, w) in p.args().enumerate() {
                let f = match fields.get(k) {
                    Some(&f) => f,
                    None if k == fields.len() => PENDING_OIF,
                    None => NEXT_OIF,
                };
                o.str_field(f, w.as_bytes());
                if o.json && k + 1 == fields.len() {
                    o.head(OIFS);
                }
            }
            o.head(LIST_END);
        }
        Piece::ListEnd
    }
}

/// A membership `g` (or its kernel join `j`): a JSON object, or a text row (`(S,G)`
/// padded to 42 columns, the interface, a newline). A join is its (source, group) with
/// the lengths of its membership: one (S,G) built here for both.
#[inline(never)]
fn group_out<W: Out + ?Sized>(o: &mut Output<'_, W>, g: &Group, j: Option<&Join>, iif: &[u8]) {
    let source = match j {
        Some(j) => j.source.as_ref(),
        None => g.source.as_ref().map(|s| &s.addr),
    };
    let sg = Compact {
        source,
        slen: match &g.source {
            Some(s) => s.len,
            // Without a source prefix: a join's host source, the conf's `*`.
            None => crate::net::FULL_LEN,
        },
        group: j.map_or(&g.group.addr, |j| &j.group),
        glen: g.group.len,
    };
    o.open();
    o.sg(&sg);
    o.str_field(ROUTE_IIF, iif);
    o.head(END);
}

#[cfg(test)]
pub(super) fn tests_json_str(out: &mut std::string::String, s: &str) {
    let mut sink = super::tests::Sink(out);
    let mut o = Output::new(&mut sink, Style::Json as u8);
    o.json_str(s.as_bytes());
}

/// The router tests' string sink takes the show bytes too (they are UTF-8 there).
#[cfg(test)]
impl Out for super::tests::Sink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.push_str(std::str::from_utf8(bytes).unwrap());
    }
}

#[cfg(test)]
extern crate std;

#[cfg(test)]
mod output_tests {
    use super::*;
    use crate::net::Prefix;
    use crate::table::Text;
    use std::string::String;

    fn p(s: &str, len: u8) -> Prefix {
        Prefix {
            addr: Addr::parse(s).unwrap(),
            len,
        }
    }

    /// What `f` writes in `style`.
    /// The bytes written, as they come (a character may arrive a byte at a time).
    struct Bytes(std::vec::Vec<u8>);

    impl Out for Bytes {
        fn put(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
        }
    }

    fn written(style: Style, f: impl FnOnce(&mut Output<'_, Bytes>)) -> String {
        let mut sink = Bytes(std::vec::Vec::new());
        let mut o = Output::new(&mut sink, style as u8);
        f(&mut o);
        String::from_utf8(sink.0).unwrap()
    }

    #[test]
    fn sg_matches_ufmt() {
        for (src, grp) in [
            (Some(p("0.0.0.0", 32)), p("255.255.255.255", 32)),
            (Some(p("10.100.9.0", 24)), p("225.1.0.0", 16)),
            (None, p("ff2e::42", 128)),
            (Some(p("fc00::1", 64)), p("ff04::114", 16)),
        ] {
            let sg = Compact {
                source: src.as_ref().map(|s| &s.addr),
                slen: src.map_or(0, |s| s.len),
                group: &grp.addr,
                glen: grp.len,
            };
            let mut want = Text::<128>::new();
            match src {
                Some(s) => ufmt::uwrite!(want, "({}, {})", s, grp).unwrap(),
                None => ufmt::uwrite!(want, "(*, {})", grp).unwrap(),
            }
            let got = written(Style::Brief, |o| o.sg(&sg));
            assert_eq!(got, std::format!("{:<42}", want.as_str()));
            let mut want = Text::<128>::new();
            match src {
                Some(s) => ufmt::uwrite!(want, "{{\"source\":\"{}\"", s).unwrap(),
                None => ufmt::uwrite!(want, "{{\"source\":null").unwrap(),
            }
            ufmt::uwrite!(want, ",\"group\":\"{}\"", grp).unwrap();
            assert_eq!(written(Style::Json, |o| o.sg(&sg)), want.as_str());
        }
        let got = written(Style::Brief, |o| {
            o.dec(u64::MAX, 10);
            o.dec(0, 3);
            o.dec(12345, 10);
        });
        assert_eq!(got, "18446744073709551615  0     12345");
    }

    #[test]
    fn pieces_unpack_as_they_were() {
        for (i, part) in PIECE_PARTS.iter().enumerate() {
            let got = written(Style::Brief, |o| o.piece(i));
            assert_eq!(got.as_bytes(), *part);
        }
        let piece = |p: Piece, k: usize| std::str::from_utf8(PIECE_PARTS[p as usize + k]).unwrap();
        assert!(piece(Piece::RouteHeading, 2).starts_with("Kernel MFC Table_\n"));
        assert_eq!(piece(Piece::RouteKey, 2), "],\"kernel\":[");
        assert!(piece(Piece::OifColumns, 1).contains("PACKETS"));
        assert!(piece(Piece::GroupsKey, 1).starts_with("Group Memberships Table_\n"));
        assert!(piece(Piece::KernelGroupsKey, 1).starts_with("Kernel Group Membership"));
        assert_eq!(piece(Piece::InterfacesHeading, 0), " INDEX PHYINT");
        assert_eq!(piece(Piece::PendingKey, 0), "{\"pending\":[");
        assert_eq!(piece(Piece::TwoListsEnd, 0), "]}}\n");
    }

    #[test]
    fn long_padding_in_pieces() {
        let got = written(Style::Brief, |o| {
            o.text("x");
            let from = o.pos();
            o.spaces(3 * SPACES.len());
            o.pad_from(from, 3 * SPACES.len() + 5);
            o.byte(b'y');
        });
        assert_eq!(got, std::format!("x{}y", " ".repeat(3 * SPACES.len() + 5)));
    }

    #[test]
    fn oif_names_cut_at_19_bytes_on_a_character() {
        assert_eq!(
            oif_cut(b"abcdefghijklmnopqrstuvwxyz"),
            b"abcdefghijklmnopqrs"
        );
        let e = "abcdefghijklmnopqr\u{e9}".as_bytes();
        assert_eq!(oif_cut(e), e);
        assert_eq!(oif_cut(b"short"), b"short");
    }

    #[test]
    fn json_strings_escaped_in_runs() {
        let esc = |t: &str| written(Style::Json, |o| o.json_str(t.as_bytes()));
        assert_eq!(esc(""), "\"\"");
        assert_eq!(esc("eth0"), "\"eth0\"");
        assert_eq!(
            esc("\u{1f}\u{e9}x\"\\\n\u{20ac}"),
            "\"\\u001f\u{e9}x\\\"\\\\\\u000a\u{20ac}\""
        );
    }

    #[test]
    fn fields_in_both_styles() {
        let f = |o: &mut Output<'_, Bytes>| {
            o.open();
            o.str_field(PENDING_IIF, b"a\"1");
            o.num_field(IF_VIF, Some(7), 4);
            o.num_field(IF_MIF, None, 4);
            o.str_field(PENDING_OIF, b"x");
            o.str_field(NEXT_OIF, b"y");
            o.head(END);
            o.open();
        };
        assert_eq!(written(Style::Brief, f), "  from a\"1    7  N/A to x y\n");
        assert_eq!(
            written(Style::Json, f),
            ",\"iif\":\"a\\\"1\",\"vif\":7,\"mif\":null\"x\",\"y\"},"
        );
    }
}
