//! Kernel upcalls (§5.3 NOCACHE, §5.4 WRONGVIF) and cache expiry (§5.6).

use super::msg::{note, Compact, Msg};
use super::Router;
use crate::kernel::{Host, Upcall, UpcallKind};
use crate::net::Family;
use crate::table::mfc::Route;
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
            (UpcallKind::NoCache, Some(id)) => self.nocache(h, up, id),
            (UpcallKind::WrongVif, Some(id)) => self.wrongvif(h, up, id),
        }
    }

    /// No kernel entry for (S,G): learn it from the first matching template, or block it
    /// with a stop filter.
    /// (`id` is the interface of the VIF it arrived on; its name is looked up where a
    /// message needs it, not copied.)
    fn nocache<H: Host>(&mut self, h: &mut H, up: &Upcall, id: usize) {
        let template = self.rules.first_template(id as u32, &up.source, &up.group);
        let ttls = template
            .and_then(|t| self.rules.get(t))
            .map_or([0; crate::limits::MAX_VIFS], |r| r.ttls);
        if let Some(kid) = self.mfc.find(&up.source, &up.group) {
            // The kernel lost an entry we have: put ours back.
            let Some((parent, ttls)) = self.kernel_entry(kid).map(|r| {
                if r.is_cache() {
                    (up.vif, ttls)
                } else {
                    (r.mfc.parent, r.mfc.ttls)
                }
            }) else {
                return;
            };
            let _ = self.set_kernel_ttls(h, kid, parent, ttls, true);
        } else {
            let route = Route::cache(&up.source, &up.group, up.vif, &ttls);
            if self.new_kernel(h, route).is_err() {
                return;
            }
        }
        if template.is_some() {
            note(h, Msg::NewData(&up.source, &up.group, self.iface_name(id)));
            h.route_installed(&up.source, &up.group);
        } else {
            note(h, Msg::NoMatch(&up.source, &up.group, self.iface_name(id)));
        }
    }

    /// (S,G) arrived on another VIF than its entry's parent: if a template for that VIF
    /// covers it, move the entry there.
    fn wrongvif<H: Host>(&mut self, h: &mut H, up: &Upcall, id: usize) {
        let sg = Compact::sg(&up.source, &up.group);
        let kid = self.mfc.find(&up.source, &up.group);
        if kid
            .and_then(|k| self.kernel_entry(k))
            .is_some_and(|r| !r.is_cache())
        {
            // Configured (S,G) rules are authoritative; SMCRoute would overwrite them.
            note(h, Msg::WrongVifConfigured(&sg, self.iface_name(id)));
            return;
        }
        let Some(template) = self.rules.first_template(id as u32, &up.source, &up.group) else {
            note(h, Msg::WrongVif(&sg, self.iface_name(id)));
            return;
        };
        let ttls = self
            .rules
            .get(template)
            .map_or([0; crate::limits::MAX_VIFS], |r| r.ttls);
        // The entry's id, kept by an update and given by an insert: no second lookup.
        let done = match kid {
            Some(k) => self.set_kernel_ttls(h, k, up.vif, ttls, true).map(|()| k),
            None => self.new_kernel(h, Route::cache(&up.source, &up.group, up.vif, &ttls)),
        };
        if let Ok(k) = done {
            self.mfc.touch(k);
            note(h, Msg::Moved(&sg, self.iface_name(id)));
            h.route_installed(&up.source, &up.group);
        }
    }

    /// One expiry pass over learned entries and stop filters: the first visit stamps,
    /// later visits at least `max_idle` seconds on drop entries whose valid packet count
    /// (pktcnt − wrong_if) did not move. `flush` is the pass with `max_idle` 0.
    pub(crate) fn expire_pass<H: Host>(&mut self, h: &mut H, now: Instant, max_idle: u32) {
        let mut walk = Walk::new();
        while let Some(kid) = self.mfc.step(&mut walk) {
            let Some(r) = self.kernel_entry(kid).filter(|r| r.is_cache()) else {
                continue;
            };
            let count = h
                .sg_count(&r.mfc.source, &r.mfc.group)
                .ok()
                .map(|c| c.packets.saturating_sub(c.wrong_if));
            // One mutable borrow of the entry for the stamps, read and written in place.
            let Some(e) = self.mfc.get_mut(kid) else {
                continue;
            };
            if !e.stamped {
                e.stamped = true;
                e.last_use = now;
                e.last_count = count.unwrap_or(0);
                continue;
            }
            if e.last_use.add_secs(max_idle) > now {
                continue;
            }
            match count {
                Some(c) if c != e.last_count => {
                    e.last_use = now;
                    e.last_count = c;
                    self.mfc.touch(kid);
                }
                _ => self.del_kernel(h, kid),
            }
        }
    }
}
