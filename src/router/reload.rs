//! Reload (§5.7) and the pending list (§3.3, §5.8).

use heapless::Vec;

use super::msg::{note, note_full, Msg, Table};
use super::{Mode, Origin, PendingList, Router, Words};
use crate::kernel::Host;
use crate::limits::MAX_OIFS;
use crate::net::Prefix;
use crate::table::pending::{AddError, Kind};
use crate::table::Walk;

/// Queues, on `pending`, a directive whose source (`None`: `*`) and group are these
/// prefixes, written as words (duplicates are dropped, words too long for an entry
/// silently). One body for a requeued membership and route; over the pending list
/// alone, so that the router's interface names and records can be the words.
pub(crate) fn requeue<H: Host>(
    pending: &mut PendingList,
    h: &mut H,
    kind: Kind,
    iif: &str,
    source: Option<&Prefix>,
    group: &Prefix,
    oifs: &[&str],
) {
    // Both texts made, not an optional one (no `Option` of a 48-byte text to test and
    // copy): without a source, the group's text is made twice and the first unused.
    let source_text = source.unwrap_or(group).text();
    let group = group.text();
    let w = Words {
        iif,
        source: source.map(|_| source_text.as_str()),
        group: group.as_str(),
        oifs,
    };
    if pending.add_words(kind, &w) == Err(AddError::Full) {
        note_full(h, Table::Pending);
    }
}

impl Router {
    /// Starts a reload: every rule, membership and interface is marked unused and the
    /// pending list is cleared. The daemon then rescans interfaces, applies the conf and
    /// calls [`Router::reload_end`].
    pub fn reload_begin<H: Host>(&mut self, _h: &mut H) {
        self.reloading = true;
        // Every slot by its id (a free one has nothing to mark), not a walk of the lists.
        for id in 0..crate::limits::MAX_RULES {
            if let Some(r) = self.rules.get_mut(id) {
                r.used = false;
            }
        }
        for id in 0..crate::limits::MAX_GROUPS {
            if let Some(g) = self.groups.get_mut(id) {
                g.used = false;
            }
        }
        for i in self.ifaces.iter_mut() {
            i.used = false;
            // `phyint` lines set these again.
            i.threshold = 1;
            i.mrdisc = false;
        }
        self.pending.clear();
    }

    /// Ends a reload, in SMCRoute's order: VIFs of unused interfaces go, then
    /// unused rules with their kernel entries; configured routes are re-installed where
    /// they changed (unchanged flows are not touched), learned entries follow their
    /// templates; then unused memberships are left. (A vanished interface lost its VIFs
    /// and joins in the reload's scan: `scan_end`.)
    pub fn reload_end<H: Host>(&mut self, h: &mut H) {
        for id in 0..self.ifaces.len() {
            // Without a VIF or MIF, `del_vifs` has nothing to delete.
            let unused = self
                .ifaces
                .get(id)
                .and_then(|i| (!i.used).then_some(i.ifindex));
            if let Some(ifindex) = unused {
                self.del_vifs(h, id, ifindex);
            }
        }
        let mut walk = Walk::new();
        while let Some(rid) = self.rules.step(&mut walk) {
            if self.rules.get(rid).is_some_and(|r| !r.used) {
                self.remove_rule(h, rid);
            }
        }
        let mut walk = Walk::new();
        while let Some(rid) = self.rules.step(&mut walk) {
            if self.rules.get(rid).is_some_and(|r| r.is_exact()) {
                let _ = self.install_exact(h, rid);
            }
        }
        self.refresh_caches(h);
        let mut walk = Walk::new();
        while let Some(gid) = self.groups.step(&mut walk) {
            // Unused memberships are left. Joins on vanished interfaces were left by the
            // reload's scan (`scan_end`); a membership left without any goes too (with no
            // joins to leave, `drop_group` only forgets it).
            if self
                .groups
                .get(gid)
                .is_some_and(|g| !g.used || g.has_no_joins())
            {
                self.drop_group(h, gid);
            }
        }
        self.reloading = false;
    }

    /// After a reload, cache entries follow the templates: on a VIF that is gone they go;
    /// covered by a template they take its OIFs; a learned entry whose template is gone
    /// goes; a stop filter stays.
    fn refresh_caches<H: Host>(&mut self, h: &mut H) {
        let mut walk = Walk::new();
        while let Some(kid) = self.mfc.step(&mut walk) {
            let Some(r) = self.kernel_entry(kid).filter(|r| r.is_cache()) else {
                continue;
            };
            let (parent, has_oifs) = (r.mfc.parent, r.has_oifs());
            // None: its VIF is gone; Some(None): no template covers it any more.
            let template = self.vif_iface(r.is_v6(), parent).map(|iface| {
                self.rules
                    .first_template(iface as u32, &r.mfc.source, &r.mfc.group)
            });
            match template {
                Some(Some(rule)) => {
                    let mfc = &mut self.mfc;
                    let _ = super::route::set_kernel_ttls(mfc, h, kid, parent, &rule.ttls, false);
                }
                Some(None) if !has_oifs => {}
                _ => self.del_kernel(h, kid),
            }
        }
    }

    /// Replays, through the IPC path, every pending entry whose IIF and all OIFs now exist
    /// with `IFF_MULTICAST`; those that succeed leave the list (§5.8).
    // Not inlined into the daemon's loop, whose frame holds enough: -69 B on x86_64.
    #[inline(never)]
    pub fn activate_pending<H: Host>(&mut self, h: &mut H) {
        let mut walk = Walk::new();
        while let Some(pid) = self.pending.step(&mut walk) {
            // A copy: the replay below changes the router the entry lives in.
            let Some(&p) = self.pending.get(pid) else {
                continue;
            };
            // The words split once: IIF, source (if any), group, OIFs.
            let mut words: Vec<&str, { MAX_OIFS + 3 }> = Vec::new();
            for w in p.args() {
                if words.push(w).is_err() {
                    break;
                }
            }
            let at = if p.has_source() { 2 } else { 1 };
            let (Some(&iif), Some(&group)) = (words.first(), words.get(at)) else {
                continue;
            };
            // The words record first: the checks below read it, not copies of its parts.
            let w = Words {
                iif,
                source: words.get(1).copied().filter(|_| p.has_source()),
                group,
                oifs: words.get(at + 1..).unwrap_or(&[]),
            };
            // The interface words (the IIF and the OIFs: all but source and group), by
            // one loop, not the IIF's own check and a loop for the OIFs.
            let ready = (words.iter().enumerate())
                .all(|(i, w)| (1..=at).contains(&i) || self.ifaces.exists(w, true));
            if !ready {
                continue;
            }
            // A constant's address (the promoted static), not a local written per entry.
            let result = self.words(h, &Origin::Ipc, Mode::Replay, &w, p.kind);
            if result.is_ok() {
                self.pending.remove(pid);
                note(h, Msg::Activated(p.kind, &w));
            }
        }
    }
}
