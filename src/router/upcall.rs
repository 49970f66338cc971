//! Kernel upcalls (§5.3 NOCACHE, §5.4 WRONGVIF) and cache expiry (§5.6).

use super::msg::{note, Compact, Msg};
use super::route::put_kernel;
use super::Router;
use crate::kernel::{Host, SgCount, Upcall, UpcallKind};
use crate::net::Family;
use crate::table::Walk;
use crate::time::Instant;

impl Router {
    pub(crate) fn handle_upcall<H: Host>(&mut self, h: &mut H, _now: Instant, up: &Upcall) {
        let type_number = match up.kind {
            UpcallKind::NoCache => 1,
            UpcallKind::WrongVif => 2,
            UpcallKind::WholePkt => 3,
            UpcallKind::WrVifWhole => 4,
            UpcallKind::Unknown(t) => t,
        };
        let v6 = up.group.family() == Family::V6;
        let iface = self.vif_iface(v6, up.vif);
        match (up.kind, iface) {
            (UpcallKind::WholePkt | UpcallKind::WrVifWhole, _) => {
                note(h, Msg::PimRegister(&up.source, &up.group));
            }
            (UpcallKind::Unknown(t), _) => note(h, Msg::UnknownUpcall(t)),
            (_, None) => note(h, Msg::UnknownVif(up.vif, type_number)),
            // NOCACHE or WRONGVIF: one call.
            (kind, Some(id)) => self.learn(h, up, id, kind == UpcallKind::WrongVif),
        }
    }

    /// NOCACHE (`wrong` false): no kernel entry for (S,G), learn it from the first
    /// matching template or block it with a stop filter. WRONGVIF (`wrong`): (S,G)
    /// arrived on another VIF than its entry's parent; if a template for that VIF covers
    /// it, move the entry there. One body for both: they differ in which cases give up
    /// and in what they log.
    /// (`id` is the interface of the VIF it arrived on; its name is looked up where a
    /// message needs it, not copied.)
    // Not inlined into the daemon's loop now that one call serves both kinds (x86_64
    // -4 B, mipsel -16 B; in line it is +83 B).
    #[inline(never)]
    fn learn<H: Host>(&mut self, h: &mut H, up: &Upcall, id: usize, wrong: bool) {
        let (source, group) = (&up.source, &up.group);
        let sg = Compact::sg(source, group);
        // Looked up once, before the kernel list is changed (another field): every
        // outcome's message names it.
        let name = self.ifaces.name(id);
        let kid = self.mfc.find(source, group);
        // A configured (S,G) entry keeps its own parent and OIFs; otherwise the entry
        // arrives on the upcall's VIF with the template's OIFs (none without one). Set
        // in place: no optional 33-byte pair built and unwrapped.
        let (mut parent, mut ttls) = (up.vif, [0; crate::limits::MAX_VIFS]);
        let configured = kid
            .and_then(|k| self.kernel_entry(k))
            .filter(|r| !r.is_cache());
        let is_configured = configured.is_some();
        if let Some(r) = configured {
            (parent, ttls) = (r.mfc.parent, r.mfc.ttls);
        }
        let template = self.rules.first_template(id as u32, source, group);
        // WRONGVIF for a configured (S,G) or with no template: only said. Configured
        // (S,G) rules are authoritative; SMCRoute would overwrite them.
        let given_up = wrong && (is_configured || template.is_none());
        if !given_up {
            // A template's OIFs read in place (the rules are another field), not copied
            // first; else the configured entry's copy (or none).
            let oifs = match template {
                Some(r) if !is_configured => &r.ttls,
                _ => &ttls,
            };
            // The entry's id, kept by an update and given by an insert: no second lookup.
            // The kernel lost an entry we have (NOCACHE): ours is put back, whatever it
            // answers.
            let mfc = &mut self.mfc;
            let k = match (put_kernel(mfc, h, kid, source, group, parent, oifs, 0), kid) {
                (Ok(k), _) => k,
                (Err(_), Some(k)) if !wrong => k,
                _ => return,
            };
            if wrong {
                self.mfc.touch(k);
            }
        }
        // One message call per message shape (an (S,G) or two addresses): only the wording
        // differs.
        if given_up || wrong {
            let msg = if given_up && is_configured {
                Msg::WrongVifConfigured(&sg, name)
            } else if given_up {
                Msg::WrongVif(&sg, name)
            } else {
                Msg::Moved(&sg, name)
            };
            note(h, msg);
        } else {
            let msg = if template.is_some() {
                Msg::NewData(source, group, name)
            } else {
                Msg::NoMatch(source, group, name)
            };
            note(h, msg);
        }
        if !given_up && template.is_some() {
            h.route_installed(source, group);
        }
    }

    /// One expiry pass over learned entries and stop filters: the first visit stamps,
    /// later visits at least `max_idle` seconds on drop entries whose valid packet count
    /// (pktcnt − wrong_if) did not move. `flush` is the pass with `max_idle` 0.
    pub(crate) fn expire_pass<H: Host>(&mut self, h: &mut H, now: Instant, max_idle: u32) {
        let mut walk = Walk::new();
        while let Some(kid) = self.mfc.step(&mut walk) {
            // One mutable borrow of the entry (the host is not the router) for its counts
            // and its stamps, read and written in place: one lookup.
            let Some(e) = self.mfc.get_mut(kid).filter(|r| r.is_cache()) else {
                continue;
            };
            // Zeros unless the kernel answers: a count of 0 then, and no answer drops.
            let mut c = SgCount::default();
            let answered = h.sg_count(&e.mfc.source, &e.mfc.group, &mut c).is_ok();
            let count = c.packets.saturating_sub(c.wrong_if);
            if !e.stamped {
                e.stamped = true;
                e.last_use = now;
                e.last_count = count;
                continue;
            }
            if e.last_use.add_secs(max_idle) > now {
                continue;
            }
            if answered && count != e.last_count {
                e.last_use = now;
                e.last_count = count;
                self.mfc.touch(kid);
            } else {
                self.del_kernel(h, kid);
            }
        }
    }
}
