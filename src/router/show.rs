//! `show` output (§2.3), byte for byte: text with `_` (section title) and `=` (column
//! header) line markers for the client, or one line of JSON. The daemon appends the NUL.

use ufmt::uWrite;

use super::Router;
use crate::kernel::Host;
use crate::net::{Addr, Prefix};
use crate::table::mfc::Route;
use crate::table::rules::Rule;
use crate::table::Text;

type Sg = Text<128>;

fn pad<W: uWrite + ?Sized>(out: &mut W, s: &str, width: usize) -> Result<(), W::Error> {
    out.write_str(s)?;
    for _ in s.len()..width {
        out.write_char(' ')?;
    }
    Ok(())
}

fn pad_left<W: uWrite + ?Sized>(out: &mut W, s: &str, width: usize) -> Result<(), W::Error> {
    for _ in s.len()..width {
        out.write_char(' ')?;
    }
    out.write_str(s)
}

fn num(n: u64) -> Text<24> {
    let mut t = Text::new();
    let _ = ufmt::uwrite!(t, "{}", n);
    t
}

/// `(S[/LEN], G[/LEN])` with `*` for the wildcard source.
fn sg_text(source: Option<Prefix>, group: Prefix) -> Sg {
    let mut t = Sg::new();
    let _ = match source {
        Some(s) => ufmt::uwrite!(t, "({}, {})", s, group),
        None => ufmt::uwrite!(t, "(*, {})", group),
    };
    t
}

fn rule_source(r: &Rule) -> Option<Prefix> {
    (!r.any_source()).then_some(Prefix {
        addr: r.source,
        len: r.slen,
    })
}

fn rule_group(r: &Rule) -> Prefix {
    Prefix {
        addr: r.group,
        len: r.glen,
    }
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

fn json_opt_prefix<W: uWrite + ?Sized>(out: &mut W, p: Option<Prefix>) -> Result<(), W::Error> {
    match p {
        Some(p) => {
            let mut t = Text::<64>::new();
            let _ = ufmt::uwrite!(t, "{}", p);
            json_str(out, t.as_str())
        }
        None => out.write_str("null"),
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

    fn oif_names<W: uWrite + ?Sized>(
        &self,
        out: &mut W,
        v6: bool,
        ttls: &[u8],
        json: bool,
    ) -> Result<(), W::Error> {
        let mut first = true;
        for (vif, &t) in ttls.iter().enumerate() {
            if t == 0 {
                continue;
            }
            let Some(id) = self.vif_iface(v6, vif as u8) else {
                continue;
            };
            let name = self.iface_name(id);
            if json {
                if !first {
                    out.write_char(',')?;
                }
                json_str(out, name)?;
            } else {
                // SMCRoute formats each " NAME" chunk into a 21-byte buffer.
                out.write_char(' ')?;
                out.write_str(name.get(..19).unwrap_or(name))?;
            }
            first = false;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn route_row<H: Host, W: uWrite + ?Sized>(
        &self,
        h: &mut H,
        out: &mut W,
        style: Style,
        width: usize,
        sg: &str,
        iif: usize,
        counts: Option<(&Addr, &Addr)>,
        v6: bool,
        ttls: &[u8],
    ) -> Result<(), W::Error> {
        pad(out, sg, 42)?;
        out.write_char(' ')?;
        pad(out, self.iface_name(iif), width)?;
        out.write_char(' ')?;
        if style == Style::Detail {
            let c = counts
                .and_then(|(s, g)| h.sg_count(s, g).ok())
                .unwrap_or_default();
            pad_left(out, num(c.packets).as_str(), 10)?;
            out.write_char(' ')?;
            pad_left(out, num(c.bytes).as_str(), 10)?;
            out.write_char(' ')?;
        }
        self.oif_names(out, v6, ttls, false)?;
        out.write_char('\n')
    }

    fn route_header<W: uWrite + ?Sized>(
        out: &mut W,
        style: Style,
        title: &str,
        width: usize,
    ) -> Result<(), W::Error> {
        out.write_str(title)?;
        out.write_str("_\n")?;
        pad(out, "ROUTE (S,G)", 42)?;
        out.write_char(' ')?;
        pad(out, "IIF", width)?;
        if style == Style::Detail {
            out.write_char(' ')?;
            pad_left(out, "PACKETS", 10)?;
            out.write_char(' ')?;
            pad_left(out, "BYTES", 10)?;
        }
        out.write_str("  OIFS=\n")
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

    fn show_routes<H: Host, W: uWrite + ?Sized>(
        &self,
        h: &mut H,
        style: Style,
        out: &mut W,
    ) -> Result<(), W::Error> {
        if style == Style::Json {
            return self.routes_json(out);
        }
        let width = self.ifaces.longest_name().max(3);
        for (exact, title) in [(false, "(*,G) Template Rules"), (true, "(S,G) Rules")] {
            let mut rows = self.rules.iter().filter(|(_, r)| r.is_exact() == exact);
            if rows.next().is_none() {
                continue;
            }
            Self::route_header(out, style, title, width)?;
            for (_, r) in self.rules.iter().filter(|(_, r)| r.is_exact() == exact) {
                let sg = sg_text(rule_source(r), rule_group(r));
                let counts = exact.then_some((&r.source, &r.group));
                let iif = r.iif as usize;
                self.route_row(
                    h,
                    out,
                    style,
                    width,
                    sg.as_str(),
                    iif,
                    counts,
                    r.is_v6(),
                    &r.ttls,
                )?;
            }
        }
        if !self.mfc.is_empty() {
            Self::route_header(out, style, "Kernel MFC Table", width)?;
            for r in self.kernel_in_order() {
                let sg = sg_text(Some(Prefix::host(r.source)), Prefix::host(r.group));
                let counts = Some((&r.source, &r.group));
                let iif = self.kernel_iif(r);
                self.route_row(
                    h,
                    out,
                    style,
                    width,
                    sg.as_str(),
                    iif,
                    counts,
                    r.is_v6(),
                    &r.ttls,
                )?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn route_json<W: uWrite + ?Sized>(
        &self,
        out: &mut W,
        first: &mut bool,
        source: Option<Prefix>,
        group: Prefix,
        iif: usize,
        v6: bool,
        ttls: &[u8],
    ) -> Result<(), W::Error> {
        if !*first {
            out.write_char(',')?;
        }
        *first = false;
        out.write_str("{\"source\":")?;
        json_opt_prefix(out, source)?;
        out.write_str(",\"group\":")?;
        json_opt_prefix(out, Some(group))?;
        out.write_str(",\"iif\":")?;
        json_str(out, self.iface_name(iif))?;
        out.write_str(",\"oifs\":[")?;
        self.oif_names(out, v6, ttls, true)?;
        out.write_str("]}")
    }

    fn routes_json<W: uWrite + ?Sized>(&self, out: &mut W) -> Result<(), W::Error> {
        out.write_str("{\"routes\":{")?;
        for (exact, key) in [(false, "\"asm\":["), (true, "],\"ssm\":[")] {
            out.write_str(key)?;
            let mut first = true;
            for (_, r) in self.rules.iter().filter(|(_, r)| r.is_exact() == exact) {
                let (s, g, i) = (rule_source(r), rule_group(r), r.iif as usize);
                self.route_json(out, &mut first, s, g, i, r.is_v6(), &r.ttls)?;
            }
        }
        out.write_str("],\"kernel\":[")?;
        let mut first = true;
        for r in self.kernel_in_order() {
            let (s, g) = (Some(Prefix::host(r.source)), Prefix::host(r.group));
            self.route_json(
                out,
                &mut first,
                s,
                g,
                self.kernel_iif(r),
                r.is_v6(),
                &r.ttls,
            )?;
        }
        out.write_str("]}}\n")
    }

    fn group_header<W: uWrite + ?Sized>(out: &mut W, title: &str) -> Result<(), W::Error> {
        out.write_str(title)?;
        out.write_str("_\n")?;
        pad(out, "GROUP (S,G)", 42)?;
        out.write_char(' ')?;
        pad(out, "IIF", 16)?;
        out.write_str("=\n")
    }

    /// Rows of the kernel join table: (source, group) with the configured lengths, and
    /// the interface name.
    fn join_rows(&self) -> impl Iterator<Item = (Option<Prefix>, Prefix, &str)> {
        self.groups.joins().filter_map(|(_, j)| {
            let g = self.groups.get(j.owner())?;
            let source = j.source.map(|a| Prefix {
                addr: a,
                len: g.source.map_or(a.family().bits(), |s| s.len),
            });
            let group = Prefix {
                addr: j.group,
                len: g.group.len,
            };
            Some((source, group, self.iface_name(j.iface as usize)))
        })
    }

    fn show_groups<W: uWrite + ?Sized>(&self, style: Style, out: &mut W) -> Result<(), W::Error> {
        if style == Style::Json {
            out.write_str("{\"groups\":{\"conf\":[")?;
            let mut first = true;
            let conf = self
                .groups
                .iter()
                .map(|(_, g)| (g.source, g.group, g.iif.as_str()));
            for (s, g, iif) in conf {
                group_json(out, &mut first, s, g, iif)?;
            }
            out.write_str("],\"kernel\":[")?;
            let mut first = true;
            for (s, g, iif) in self.join_rows() {
                group_json(out, &mut first, s, g, iif)?;
            }
            return out.write_str("]}}\n");
        }
        if self.groups.is_empty() {
            return Ok(());
        }
        Self::group_header(out, "Group Memberships Table")?;
        for (_, g) in self.groups.iter() {
            pad(out, sg_text(g.source, g.group).as_str(), 42)?;
            out.write_char(' ')?;
            out.write_str(g.iif.as_str())?;
            out.write_char('\n')?;
        }
        if style == Style::Detail {
            // SMCRoute sends no column header for this section (a bug); we do.
            Self::group_header(out, "Kernel Group Membership Table")?;
            for (s, g, iif) in self.join_rows() {
                pad(out, sg_text(s, g).as_str(), 42)?;
                out.write_char(' ')?;
                out.write_str(iif)?;
                out.write_char('\n')?;
            }
        }
        Ok(())
    }

    fn show_interfaces<W: uWrite + ?Sized>(
        &self,
        style: Style,
        out: &mut W,
    ) -> Result<(), W::Error> {
        if style == Style::Json {
            out.write_str("{\"interfaces\":[")?;
            for (n, (_, i)) in self.ifaces.iter().enumerate() {
                if n > 0 {
                    out.write_char(',')?;
                }
                ufmt::uwrite!(out, "{{\"index\":{},\"name\":", i.ifindex)?;
                json_str(out, i.name.as_str())?;
                for (key, v) in [
                    (",\"vif\":", i.vif_of(false)),
                    (",\"mif\":", i.vif_of(true)),
                ] {
                    out.write_str(key)?;
                    match v {
                        Some(v) => ufmt::uwrite!(out, "{}", v)?,
                        None => out.write_str("null")?,
                    }
                }
                out.write_char('}')?;
            }
            return out.write_str("]}\n");
        }
        let width = self.ifaces.longest_name().max(6);
        out.write_str(" INDEX ")?;
        pad(out, "PHYINT", width)?;
        out.write_str("  VIF  MIF=\n")?;
        for (_, i) in self.ifaces.iter() {
            pad_left(out, num(i.ifindex as u64).as_str(), 6)?;
            out.write_char(' ')?;
            pad(out, i.name.as_str(), width)?;
            for v in [i.vif_of(false), i.vif_of(true)] {
                out.write_char(' ')?;
                match v {
                    Some(v) => pad_left(out, num(v as u64).as_str(), 4)?,
                    None => out.write_str(" N/A")?,
                }
            }
            out.write_char('\n')?;
        }
        Ok(())
    }

    fn show_pending<W: uWrite + ?Sized>(&self, style: Style, out: &mut W) -> Result<(), W::Error> {
        use crate::table::pending::Kind;
        let kind = |k: Kind| match k {
            Kind::Mroute => "mroute",
            Kind::Mgroup => "mgroup",
        };
        if style == Style::Json {
            out.write_str("{\"pending\":[")?;
            for (n, (_, p)) in self.pending.iter().enumerate() {
                if n > 0 {
                    out.write_char(',')?;
                }
                out.write_str("{\"kind\":")?;
                json_str(out, kind(p.kind))?;
                out.write_str(",\"iif\":")?;
                json_str(out, p.iif())?;
                out.write_str(",\"source\":")?;
                match p.source() {
                    Some(s) => json_str(out, s)?,
                    None => out.write_str("null")?,
                }
                out.write_str(",\"group\":")?;
                json_str(out, p.group())?;
                out.write_str(",\"oifs\":[")?;
                for (k, o) in p.oifs().enumerate() {
                    if k > 0 {
                        out.write_char(',')?;
                    }
                    json_str(out, o)?;
                }
                out.write_str("]}")?;
            }
            return out.write_str("]}\n");
        }
        if self.pending.is_empty() {
            return out.write_str("No pending routes or groups\n");
        }
        out.write_str("PENDING ROUTES AND GROUPS\n")?;
        for (_, p) in self.pending.iter() {
            pad(out, kind(p.kind), 7)?;
            out.write_str(" from ")?;
            out.write_str(p.iif())?;
            if let Some(s) = p.source() {
                out.write_str(" source ")?;
                out.write_str(s)?;
            }
            out.write_str(" group ")?;
            out.write_str(p.group())?;
            let mut oifs = p.oifs().peekable();
            if oifs.peek().is_some() {
                out.write_str(" to")?;
                for o in oifs {
                    out.write_char(' ')?;
                    out.write_str(o)?;
                }
            }
            out.write_char('\n')?;
        }
        Ok(())
    }
}

fn group_json<W: uWrite + ?Sized>(
    out: &mut W,
    first: &mut bool,
    source: Option<Prefix>,
    group: Prefix,
    iif: &str,
) -> Result<(), W::Error> {
    if !*first {
        out.write_char(',')?;
    }
    *first = false;
    out.write_str("{\"source\":")?;
    json_opt_prefix(out, source)?;
    out.write_str(",\"group\":")?;
    json_opt_prefix(out, Some(group))?;
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
