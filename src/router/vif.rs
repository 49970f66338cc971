//! The interface database side: scans (§5.1, §5.8), lazy VIF/MIF allocation, `phyint`,
//! and what happens to routes and joins when an interface goes away.

use super::msg::{note, note_full, say, Dir, Msg, Table};
use super::{Failed, Origin, Router};
use crate::kernel::{Host, IfInfo};
use crate::net::Family;
use crate::table::iface::NO_VIF;
use crate::table::pending::Kind;
use crate::table::Walk;

/// An interface cannot get a VIF because it lacks `IFF_MULTICAST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotMulticast;

impl Router {
    /// The interface owning VIF (or MIF, `v6`) `vif`.
    pub(crate) fn vif_iface(&self, v6: bool, vif: u8) -> Option<usize> {
        let slots = if v6 { &self.mifs } else { &self.vifs };
        slots
            .get(vif as usize)
            .and_then(|v| v.checked_sub(1))
            .map(|v| v as usize)
    }

    /// The VIF (or MIF) of interface `id`.
    pub(crate) fn vif_of(&self, id: usize, v6: bool) -> Option<u8> {
        self.ifaces.get(id).and_then(|i| i.vif_of(v6))
    }

    /// Name of interface `id` (empty if unknown). Not inlined: a call is smaller than
    /// the lookup and its empty-name fallback at each of the many message sites.
    #[inline(never)]
    pub(crate) fn iface_name(&self, id: usize) -> &str {
        self.ifaces.name(id)
    }

    /// Creates the VIF and MIF of interface `id` at the lowest free slots if it has none
    /// (SMCRoute 2.6 lazy allocation), and marks the interface used. A family whose
    /// routing is not initialised is skipped; a full table is logged and skipped (the
    /// caller then reports "has no VIF").
    pub(crate) fn ensure_vifs<H: Host>(
        &mut self,
        h: &mut H,
        id: usize,
    ) -> Result<(), NotMulticast> {
        let Some(iface) = self.ifaces.get_mut(id) else {
            return Err(NotMulticast);
        };
        // Its name, read once for every message and mrdisc (another field than those
        // written below).
        let name = iface.name.as_str();
        if !iface.multicast {
            note(h, Msg::VifNotMulticast(name));
            return Err(NotMulticast);
        }
        iface.used = true;
        // The interface stays borrowed throughout (the VIF slots are other fields): no
        // copy of it and no second lookup to record the VIFs made.
        let mut new_vif = false;
        // A plain index, not an array iterator: no iterator state on the stack.
        for k in 0..2 {
            let v6 = k == 1;
            let family = if v6 { Family::V6 } else { Family::V4 };
            if iface.vif_of(v6).is_some() || !h.has_family(family) {
                continue;
            }
            let slots = if v6 { &mut self.mifs } else { &mut self.vifs };
            let Some(slot) = slots.iter().position(|&s| s == 0) else {
                note(h, Msg::VifsExhausted(name));
                continue;
            };
            let vif = slot as u8;
            match h.add_vif(family, vif, iface.ifindex, iface.threshold) {
                // A VIF left in the kernel at this slot is as good as a new one.
                Ok(()) | Err(crate::errno::Errno::EEXIST) => {}
                Err(e) => {
                    note(h, Msg::VifAddFailed(family, name, e));
                    continue;
                }
            }
            if let Some(s) = slots.get_mut(slot) {
                *s = id as u32 + 1;
            }
            iface.vifs[k] = vif;
            new_vif |= !v6;
        }
        if new_vif && iface.mrdisc {
            h.mrdisc_register(iface.ifindex, name);
            iface.mrdisc_on = true;
        }
        Ok(())
    }

    /// The VIF of interface `id` for a route of family `v6`, creating it if needed; logs
    /// SMCRoute's route message when there is none.
    pub(crate) fn route_vif<H: Host>(
        &mut self,
        h: &mut H,
        origin: &Origin<'_>,
        dir: Dir,
        id: usize,
        v6: bool,
    ) -> Result<u8, Failed> {
        let multicast = self.ensure_vifs(h, id).is_ok();
        if let Some(v) = self.vif_of(id, v6).filter(|_| multicast) {
            return Ok(v);
        }
        // One message call for both failures: only the wording differs.
        let name = self.iface_name(id);
        let msg = if multicast {
            Msg::NoVif(dir, name)
        } else {
            Msg::NotMulticast(dir, name)
        };
        say(h, origin, msg);
        Err(Failed)
    }

    /// Deletes the VIF and MIF of interface `id` (made with `ifindex`).
    pub(crate) fn del_vifs<H: Host>(&mut self, h: &mut H, id: usize, ifindex: u32) {
        // The interface stays borrowed throughout (the VIF slots are other fields): no
        // second lookup for its name or to clear its VIFs.
        let Some(iface) = self.ifaces.get_mut(id) else {
            return;
        };
        // A plain index, not an array iterator: no iterator state on the stack.
        for k in 0..2 {
            let v6 = k == 1;
            let family = if v6 { Family::V6 } else { Family::V4 };
            let vif = iface.vifs[k];
            if vif == NO_VIF {
                continue;
            }
            if let Err(e) = h.del_vif(family, vif, ifindex) {
                note(h, Msg::VifDelFailed(family, iface.name.as_str(), e));
            }
            let slots = if v6 { &mut self.mifs } else { &mut self.vifs };
            if let Some(s) = slots.get_mut(vif as usize) {
                *s = 0;
            }
        }
        // Announcing implies the IPv4 VIF (ensure_vifs starts it with one).
        if iface.mrdisc_on {
            h.mrdisc_deregister(ifindex);
        }
        iface.vifs = [NO_VIF; 2];
        iface.mrdisc_on = false;
    }

    /// Starts an interface scan (a full rtnetlink dump follows).
    pub fn scan_begin(&mut self) {
        for i in self.ifaces.iter_mut() {
            i.seen = false;
        }
        self.ifaces_dropped = 0;
    }

    /// Records one interface of the scan.
    pub fn scan_iface(&mut self, info: &IfInfo<'_>) {
        let Ok(id) = self.ifaces.find_or_add(info.name, info.ifindex) else {
            self.ifaces_dropped += 1;
            return;
        };
        let Some(i) = self.ifaces.get_mut(id) else {
            return;
        };
        let changed = i.ifindex != info.ifindex || (i.multicast && !info.multicast);
        if i.present && changed && !i.stale {
            i.stale = true;
            i.stale_ifindex = i.ifindex;
        }
        i.seen = true;
        i.ifindex = info.ifindex;
        i.multicast = info.multicast;
    }

    /// Ends a scan: interfaces that vanished, changed ifindex or lost `IFF_MULTICAST`
    /// lose their VIF/MIF, joins and routes. Outside a reload those come back on the
    /// pending list and return when the interface does (SMCRoute needs a reload).
    pub fn scan_end<H: Host>(&mut self, h: &mut H) {
        if self.ifaces_dropped > 0 {
            note_full(h, Table::Interface);
        }
        let requeue = !self.reloading;
        for id in 0..self.ifaces.len() {
            let gone = match self.ifaces.get(id) {
                Some(i) if i.present && !i.seen => Some(i.ifindex),
                Some(i) if i.stale => Some(i.stale_ifindex),
                _ => None,
            };
            if let Some(ifindex) = gone {
                self.detach(h, id, ifindex, requeue, true);
            }
            if let Some(i) = self.ifaces.get_mut(id) {
                i.present = i.seen;
                i.stale = false;
            }
        }
    }

    /// Drops everything interface `id` (kernel index `ifindex`) carries: joins (if
    /// `groups`), rules with it as IIF, it as an OIF, kernel entries, then its VIF/MIF.
    /// With `requeue` the dropped rules and joins go on the pending list as words.
    pub(crate) fn detach<H: Host>(
        &mut self,
        h: &mut H,
        id: usize,
        ifindex: u32,
        requeue: bool,
        groups: bool,
    ) {
        // The VIF and MIF, not a copy of the record: the name is read where needed.
        let Some([vif4, mif]) = self.ifaces.get(id).map(|i| i.vifs) else {
            return;
        };
        let vif_of = |v6: bool| Some(if v6 { mif } else { vif4 }).filter(|&v| v != NO_VIF);
        let mut touched = false;
        if groups {
            touched |= self.detach_joins(h, id, requeue);
        }
        // Rules: as IIF they go; as OIF the OIF is pruned.
        let mut walk = Walk::new();
        while let Some(rid) = self.rules.step(&mut walk) {
            let Some(rule) = self.rules.get(rid) else {
                continue;
            };
            // As IIF: the rule goes; as OIF: that OIF (one requeue and one cut call).
            let is_iif = rule.iif as usize == id;
            let mask = match vif_of(rule.is_v6()) {
                Some(vif) if rule.ttls.get(vif as usize).is_some_and(|&t| t != 0) => {
                    super::route::bit(vif)
                }
                _ if is_iif => 0,
                _ => continue,
            };
            touched = true;
            if requeue {
                self.requeue_rule(h, rid, Some(id).filter(|_| !is_iif));
            }
            self.cut_rule(h, rid, mask, is_iif);
        }
        // Kernel entries arriving on it go; those forwarding to it lose the OIF.
        self.change_entries(h, super::route::Entries::OnVifs(vif4, mif));
        self.del_vifs(h, id, ifindex);
        if touched && requeue {
            note(h, Msg::IfaceGone(self.iface_name(id)));
        }
    }

    /// `phyint IFNAME [enable|disable] [mrdisc] [ttl-threshold N]`.
    pub(crate) fn phyint<H: Host>(
        &mut self,
        h: &mut H,
        origin: &Origin<'_>,
        ifname: Option<&str>,
        enable: Option<bool>,
        mrdisc: bool,
        ttl: Option<i64>,
    ) -> Result<(), Failed> {
        let mut result = Ok(());
        let mut threshold = 1;
        // A missing name fails before the threshold is checked; both "no interface"
        // messages are said by one call.
        let (name, first) = match ifname {
            None => {
                result = Err(Failed);
                ("", None)
            }
            Some(name) => {
                if let Some(t) = ttl {
                    match u8::try_from(t) {
                        Ok(t) if t >= 1 => threshold = t,
                        _ => {
                            say(h, origin, Msg::PhyintTtl(name, t));
                            result = Err(Failed);
                        }
                    }
                }
                (name, self.ifaces.next_match(name, 0))
            }
        };
        if first.is_none() {
            // Unknown: only a warning, as in SMCRoute: the interface may come later.
            let msg = if ifname.is_some() {
                Msg::PhyintUnknown(name)
            } else {
                Msg::PhyintMissing()
            };
            say(h, origin, msg);
            return result;
        }
        let enable = enable.unwrap_or(self.options().do_vifs);
        // One lookup call for the first match and the next ones.
        let mut cur = 0;
        while let Some(id) = self.ifaces.next_match(name, cur) {
            cur = id + 1;
            // One lookup for either way.
            let Some(i) = self.ifaces.get_mut(id) else {
                continue;
            };
            if enable {
                i.threshold = threshold;
                i.mrdisc = mrdisc;
                let _ = self.ensure_vifs(h, id);
            } else {
                let ifindex = i.ifindex;
                self.detach(h, id, ifindex, false, false);
            }
        }
        result
    }

    /// Puts rule `rid` back on the pending list as words: the whole rule, or (with
    /// `only_oif`, an interface id) the rule with just that OIF, which a replay merges
    /// back in.
    fn requeue_rule<H: Host>(&mut self, h: &mut H, rid: usize, only_oif: Option<usize>) {
        let Some(rule) = self.rules.get(rid) else {
            return;
        };
        let mut oifs: heapless::Vec<&str, { crate::limits::MAX_OIFS }> = heapless::Vec::new();
        // One walk of the OIFs for both: the one OIF asked for is among them.
        for (vif, &t) in rule.ttls.iter().enumerate() {
            if t == 0 {
                continue;
            }
            match self.vif_iface(rule.is_v6(), vif as u8) {
                Some(oid) if only_oif.is_none_or(|o| o == oid) => {
                    let _ = oifs.push(self.ifaces.name(oid));
                }
                _ => {}
            }
        }
        let source = (!rule.any_source()).then_some(&rule.source);
        let iif = self.ifaces.name(rule.iif as usize);
        let pending = &mut self.pending;
        super::reload::requeue(pending, h, Kind::Mroute, iif, source, &rule.group, &oifs);
    }
}
