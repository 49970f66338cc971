//! Routes (§5.2): rules from conf and IPC, and the kernel entries they make.

use heapless::Vec;

use super::args;
use super::msg::{note, note_full, say, Cmd, Compact, Dir, Msg, Table};
use super::{Failed, Mfcs, Mode, Origin, Router, Words};
use crate::errno::Errno;
use crate::kernel::{Host, Mfc};
use crate::limits::MAX_VIFS;
use crate::net::Addr;
use crate::table::iface::{is_wildcard, NO_VIF};
use crate::table::mfc::Route;
use crate::table::pending::{AddError, Kind};
use crate::table::rules::Rule;
use crate::table::Walk;

/// TTL vector of a route.
pub(crate) type Ttls = [u8; MAX_VIFS];

/// Adds the OIFs of `b` to `into` (in place: no 32-byte copies in and out).
fn unite(into: &mut Ttls, b: &Ttls) {
    for (o, &t) in into.iter_mut().zip(b.iter()) {
        if t != 0 {
            *o = t;
        }
    }
}

/// The mask bit of VIF `vif` (none for an out-of-range index).
pub(crate) fn bit(vif: u8) -> u32 {
    1u32.checked_shl(vif as u32).unwrap_or(0)
}

/// Clears the OIFs in `mask` (VIF bits) from `ttls`, in place.
fn clear_oifs(ttls: &mut Ttls, mask: u32) {
    for (i, t) in ttls.iter_mut().enumerate() {
        if mask & bit(i as u8) != 0 {
            *t = 0;
        }
    }
}

/// What happens to the kernel entries a walk of [`Router::change_entries`] changes.
#[derive(Clone, Copy)]
pub(super) enum CacheChange {
    /// The template's OIFs are added (a new or grown template).
    Unite,
    /// The OIFs in the mask (VIF bits) are removed.
    Clear(u32),
    /// The entries are deleted (the template goes).
    Delete,
}

/// The kernel entries a walk of [`Router::change_entries`] changes.
#[derive(Clone, Copy)]
pub(super) enum Entries {
    /// The cache entries template `rid` covers on its IIF: `change` applies.
    Covered(usize, CacheChange),
    /// Every entry of the VIF (IPv4) or MIF (IPv6) of an interface that goes
    /// ([`NO_VIF`]: none): arriving on it they are deleted, forwarding to it they lose
    /// that OIF.
    OnVifs(u8, u8),
}

impl Router {
    /// `mroute from IIF [source S] group G [to OIF...]`, IPC `add` and, with
    /// [`Mode::Remove`], IPC `remove IIF [S] G [OIF...]`: the same words, parsed and
    /// their IIF looked up by one body.
    // Not in line in `Router::words` on x86_64: see there.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub(crate) fn mroute_words<H: Host>(
        &mut self,
        h: &mut H,
        origin: &Origin<'_>,
        mode: Mode,
        w: &Words<'_>,
    ) -> Result<(), Failed> {
        let (iif, oifs) = (w.iif, w.oifs);
        // One rule record, the words parsed straight into it, its IIF and OIFs set per
        // inbound interface below: not a 76-byte record built from the addresses.
        let mut rule = Rule::new(0, &args::UNSET, &args::UNSET);
        let (src, grp) = (&mut rule.source, &mut rule.group);
        args::sg_words(h, origin, Cmd::Mroute, w, src, grp)?;
        let v6 = rule.is_v6();

        // The walks below look the names up again: the interface table answers a name
        // it was just asked from its recent hits, cheaper than keeping the matches here.
        let first_in = self.ifaces.next_match(iif, 0);
        // The first OIF written that is missing. (OIFs to remove need not exist.)
        let must_exist = if mode == Mode::Remove { &[] } else { oifs };
        let missing_oif =
            (must_exist.iter().copied()).find(|word| self.ifaces.next_match(word, 0).is_none());
        // The first interface word missing: the IIF, else that OIF. A conf line waits for
        // it on the pending list (and, with its IIF there, is applied in part now); a
        // command fails naming it.
        let missing = match first_in {
            None => Some((Dir::Inbound, iif)),
            Some(_) => missing_oif.map(|o| (Dir::Outbound, o)),
        };
        if let Some((dir, word)) = missing {
            if mode != Mode::Conf {
                say(h, origin, Msg::NotKnown(dir, word));
                return Err(Failed);
            }
            self.pend(h, Kind::Mroute, w);
            if dir == Dir::Inbound {
                return Ok(());
            }
        }
        if mode == Mode::Remove {
            return self.remove_rules(h, &mut rule, iif, oifs);
        }

        // Inbound VIFs first: SMCRoute numbers the IIF before the OIFs.
        let mut failed = false;
        let mut ins: Vec<(u32, u8), MAX_VIFS> = Vec::new();
        let iif_wild = is_wildcard(iif);
        // A wildcard names only the interfaces with `IFF_MULTICAST`, an exact name its
        // interface (`first_in` again). One lookup call for the first match and the next
        // ones, here and for the OIFs.
        let mut cur = 0;
        while let Some(id) = self.ifaces.next_usable(iif, cur) {
            cur = id + 1;
            match self.route_vif(h, origin, Dir::Inbound, id, v6) {
                Ok(vif) => {
                    let _ = ins.push((id as u32, vif));
                }
                Err(Failed) => failed = true,
            }
        }
        if ins.is_empty() && !failed {
            // Only a wildcard can match nothing usable: every match lacks MULTICAST.
            say(h, origin, Msg::NotMulticast(Dir::Inbound, iif));
            return Err(Failed);
        }
        if ins.is_empty() || (failed && mode != Mode::Conf) {
            return Err(Failed);
        }
        // The OIFs as VIF bits (one VIF per interface and family) and their TTLs, once for
        // every inbound interface: each interface once, the first word naming it decides
        // whether it is named explicitly.
        let mut ttls: Ttls = [0; MAX_VIFS];
        let mut explicit_vifs = 0u32;
        for &word in oifs {
            let explicit = !is_wildcard(word);
            let mut cur = 0;
            while let Some(id) = self.ifaces.next_usable(word, cur) {
                cur = id + 1;
                match self.route_vif(h, origin, Dir::Outbound, id, v6) {
                    // Its TTL is not 0 once set: the first word naming it decides.
                    Ok(vif) => {
                        if let Some(t) = ttls.get_mut(vif as usize).filter(|t| **t == 0) {
                            // A threshold is never 0: 1 for a new interface and after
                            // a reload, a `phyint` one at least 1.
                            *t = self.ifaces.get(id).map_or(1, |i| i.threshold);
                            if explicit {
                                explicit_vifs |= bit(vif);
                            }
                        }
                    }
                    Err(Failed) => failed = true,
                }
            }
        }
        if failed && mode != Mode::Conf {
            return Err(Failed);
        }

        for &(iid, vif) in &ins {
            rule.iif = iid;
            rule.ttls = ttls;
            // The IIF among the OIFs (its one VIF of the family): left out, unless an
            // exact IIF names it explicitly, which SMCRoute warns about.
            if let Some(t) = rule.ttls.get_mut(vif as usize).filter(|t| **t != 0) {
                if explicit_vifs & bit(vif) == 0 || iif_wild {
                    *t = 0;
                } else {
                    let name = self.iface_name(iid as usize);
                    say(h, origin, Msg::SameIif(name, name));
                }
            }
            if self.add_rule(h, &rule, mode).is_err() {
                failed = true;
            }
        }
        if failed {
            Err(Failed)
        } else {
            Ok(())
        }
    }

    /// Queues a directive as written and says so.
    pub(crate) fn pend<H: Host>(&mut self, h: &mut H, kind: Kind, w: &Words<'_>) {
        // Words too long for an entry are not "added"; a full list is, then fails.
        let added = self.pending.add_words(kind, w);
        if added != Err(AddError::TooLong) {
            note(h, Msg::PendingAdded(kind, w));
        }
        if added.is_err() {
            note_full(h, Table::Pending);
        }
    }

    /// Adds `rule` or merges it into the rule of the same identity: a conf line replaces
    /// the OIFs of a rule left from the previous conf, anything else unites them. Not
    /// inlined: in `mroute_words`' loop over inbound interfaces, the addresses of the
    /// tables it works on were hoisted out of the loop and kept on the stack.
    #[inline(never)]
    fn add_rule<H: Host>(&mut self, h: &mut H, rule: &Rule, mode: Mode) -> Result<(), Failed> {
        let Ok((rid, inserted)) = self.rules.find_or_insert(rule) else {
            note_full(h, Table::Mroute);
            return Err(Failed);
        };
        if !inserted {
            if let Some(r) = self.rules.get_mut(rid) {
                if mode == Mode::Conf && !r.used {
                    r.ttls = rule.ttls;
                } else {
                    unite(&mut r.ttls, &rule.ttls);
                }
                r.used = true;
            }
        }
        if rule.is_exact() {
            let installed = self.install_exact(h, rid);
            if installed.is_err() && inserted && mode != Mode::Conf {
                // Refused by the kernel or a full kernel table: a route the client is
                // told failed must not linger as configured. A conf rule stays: the end
                // of a reload installs it again, once unused entries made room.
                self.remove_rule(h, rid);
            }
            installed
        } else {
            // A new or grown template takes over the cache entries it covers (same
            // IIF): its OIFs are merged in and the entries re-installed (§5.3).
            if !self.reloading && self.mfc.has_caches() {
                self.change_entries(h, Entries::Covered(rid, CacheChange::Unite));
            }
            Ok(())
        }
    }

    /// Puts exact rule `rid` into the kernel, unless the kernel already has exactly it
    /// (unchanged flows are never disturbed).
    pub(crate) fn install_exact<H: Host>(&mut self, h: &mut H, rid: usize) -> Result<(), Failed> {
        let Some(rule) = self.rules.get(rid) else {
            return Err(Failed);
        };
        let Some(parent) = self.vif_of(rule.iif as usize, rule.is_v6()) else {
            return Err(Failed);
        };
        let (source, group) = (&rule.source.addr, &rule.group.addr);
        let kid = self.mfc.find(source, group);
        let mfc = &mut self.mfc;
        put_kernel(
            mfc,
            h,
            kid,
            source,
            group,
            parent,
            &rule.ttls,
            rid as u32 + 1,
        )
        .map(|_| ())
    }

    /// Kernel entry `kid`. Not inlined: the kernel list lies megabytes into the router,
    /// and its address costs three instructions on MIPS at each caller.
    #[inline(never)]
    pub(crate) fn kernel_entry(&self, kid: usize) -> Option<&Route> {
        self.mfc.get(kid)
    }

    /// Deletes kernel entry `kid` from the kernel and the list.
    pub(crate) fn del_kernel<H: Host>(&mut self, h: &mut H, kid: usize) {
        del_kernel(&mut self.mfc, h, kid);
    }

    /// Walks the kernel list and changes the `which` entries: deleted, or their OIFs
    /// changed and re-installed where that changes them. One walk for a template that is
    /// added or grown, pruned, or removed, and for the entries of an interface that goes.
    /// A template stays borrowed throughout (the kernel list is another field): no
    /// lookup of it per entry.
    pub(super) fn change_entries<H: Host>(&mut self, h: &mut H, which: Entries) {
        // The template and the VIF of its IIF.
        let mut template = None;
        if let Entries::Covered(rid, _) = which {
            let Some(rule) = self.rules.get(rid) else {
                return;
            };
            let Some(parent) = self.vif_of(rule.iif as usize, rule.is_v6()) else {
                return;
            };
            template = Some((rule, parent));
        }
        let mfc = &mut self.mfc;
        let mut walk = Walk::new();
        while let Some(kid) = mfc.step(&mut walk) {
            let Some(r) = mfc.get(kid) else {
                continue;
            };
            // The entry's OIFs (a copy to change) and its parent (a covered entry's is the
            // template's), read before the arms below: one copy for all of them.
            let (parent, mut ttls) = (r.mfc.parent, r.mfc.ttls);
            let change = match (which, template) {
                (Entries::Covered(_, change), Some((rule, parent))) if covered(r, rule, parent) => {
                    change
                }
                (Entries::OnVifs(vif4, mif), _) => {
                    let vif = if r.is_v6() { mif } else { vif4 };
                    if vif == NO_VIF {
                        continue;
                    }
                    if r.mfc.parent == vif {
                        CacheChange::Delete
                    } else {
                        // Not forwarding to it: unchanged, and the kernel is not asked.
                        CacheChange::Clear(bit(vif))
                    }
                }
                _ => continue,
            };
            match (change, template) {
                (CacheChange::Delete, _) => {
                    del_kernel(mfc, h, kid);
                    continue;
                }
                (CacheChange::Clear(mask), _) => clear_oifs(&mut ttls, mask),
                (CacheChange::Unite, Some((rule, _))) => unite(&mut ttls, &rule.ttls),
                (CacheChange::Unite, None) => {}
            }
            let _ = set_kernel_ttls(mfc, h, kid, parent, &ttls, false);
        }
    }

    /// Removes rule `rid` and its kernel entries: the (S,G) entry it owns, or for a
    /// template every cache entry it covers on its IIF (deleted, not turned back into stop
    /// filters: the next packet makes a new one).
    pub(crate) fn remove_rule<H: Host>(&mut self, h: &mut H, rid: usize) {
        self.cut_rule(h, rid, 0, true);
    }

    /// Removes the OIFs in `mask` (VIF bits) from rule `rid` and from what it installed
    /// (an exact rule left without OIFs stays as a stop filter), or with `remove` the
    /// rule itself ([`Router::remove_rule`]). One body for both: the callers that do
    /// either make one call.
    pub(crate) fn cut_rule<H: Host>(&mut self, h: &mut H, rid: usize, mask: u32, remove: bool) {
        let Some(rule) = self.rules.get_mut(rid) else {
            return;
        };
        clear_oifs(&mut rule.ttls, mask);
        if !rule.is_exact() {
            // Picked, not a branch: one `change_entries` call for both.
            let change = [CacheChange::Clear(mask), CacheChange::Delete][usize::from(remove)];
            self.change_entries(h, Entries::Covered(rid, change));
        } else if !remove {
            let _ = self.install_exact(h, rid);
        } else if let Some(kid) = self.mfc.find(&rule.source.addr, &rule.group.addr) {
            if self.kernel_entry(kid).and_then(Route::owner_rule) == Some(rid) {
                self.del_kernel(h, kid);
            }
        }
        if remove {
            self.rules.remove(rid);
        }
    }

    /// IPC `remove IIF [S] G [OIF...]` (§5.2), for [`Router::mroute_words`]: `key` has
    /// the source and group of the words.
    fn remove_rules<H: Host>(
        &mut self,
        h: &mut H,
        key: &mut Rule,
        iif: &str,
        oifs: &[&str],
    ) -> Result<(), Failed> {
        let v6 = key.is_v6();
        let mut mask = 0u32;
        for &word in oifs {
            // One lookup call for the first match and the next ones.
            let mut cur = 0;
            while let Some(id) = self.ifaces.next_match(word, cur) {
                cur = id + 1;
                if let Some(v) = self.vif_of(id, v6) {
                    mask |= bit(v);
                }
            }
        }
        let mut found = false;
        // One lookup call for the first match and the next ones.
        let mut cur = 0;
        while let Some(iid) = self.ifaces.next_match(iif, cur) {
            cur = iid + 1;
            note(
                h,
                Msg::Deleting(self.iface_name(iid), &key.source, &key.group),
            );
            key.iif = iid as u32;
            let Some(rid) = self.rules.find(key) else {
                continue;
            };
            found = true;
            self.cut_rule(h, rid, mask, oifs.is_empty());
        }
        if found {
            Ok(())
        } else {
            Err(Failed)
        }
    }
}

/// Puts (`source`, `group`) into the kernel with `parent` and `ttls`: kernel entry `kid`
/// (its last find) re-installed as that, or, with no entry, a new one owned by `owner`.
/// One call for the upcalls and the exact rules. An upcall (`owner` 0) always
/// re-installs the entry and leaves its owner; a rule (`owner` its id + 1) takes an
/// entry of another owner over and re-installs it, and asks the kernel nothing when its
/// own entry is unchanged.
///
/// A new entry evicts the idlest cache entry if the list is full. It is written into
/// the list in place and installed from there; refused, it leaves the list again. (Over
/// the kernel list alone, so that a rule of the router can be the source of the words.)
#[allow(clippy::too_many_arguments)]
pub(crate) fn put_kernel<H: Host>(
    mfc: &mut Mfcs,
    h: &mut H,
    kid: Option<usize>,
    source: &Addr,
    group: &Addr,
    parent: u8,
    ttls: &Ttls,
    owner: u32,
) -> Result<usize, Failed> {
    if let Some(k) = kid {
        let force = owner == 0 || mfc.get(k).is_some_and(|r| r.owner != owner);
        set_kernel_ttls(mfc, h, k, parent, ttls, force)?;
        if owner != 0 {
            mfc.set_owner(k, owner);
        }
        return Ok(k);
    }
    if mfc.is_full() {
        if let Some(victim) = mfc.idlest() {
            // Always leaves the list, whatever the kernel says.
            del_kernel(mfc, h, victim);
        }
    }
    // Still full: no cache entry to evict. (One message for both failures.)
    if let Ok((kid, entry)) = mfc.insert(source, group, parent, ttls, owner) {
        let installed = mfc_request(h, true, entry);
        if installed.is_err() {
            mfc.remove(kid);
        }
        return installed.map(|()| kid);
    }
    note_full(h, Table::KernelRoute);
    Err(Failed)
}

/// True if `r` is a cache entry arriving on `parent` that template `rule` covers.
fn covered(r: &Route, rule: &Rule, parent: u8) -> bool {
    r.is_cache() && r.mfc.parent == parent && rule.covers(&r.mfc.source, &r.mfc.group)
}

/// Re-installs kernel entry `kid` with `parent`/`ttls` if that changes it (or always,
/// with `force`). Over the kernel list alone: callers may pass the OIFs of a rule in
/// place (another field), not a 32-byte copy.
pub(super) fn set_kernel_ttls<H: Host>(
    mfc: &mut Mfcs,
    h: &mut H,
    kid: usize,
    parent: u8,
    ttls: &Ttls,
    force: bool,
) -> Result<(), Failed> {
    let Some(e) = mfc.get_mut(kid) else {
        return Err(Failed);
    };
    if !force && e.mfc.parent == parent && e.mfc.ttls == *ttls {
        return Ok(());
    }
    // The entry changed in place and installed as it is; put back if refused.
    let old = (e.mfc.parent, e.mfc.ttls);
    (e.mfc.parent, e.mfc.ttls) = (parent, *ttls);
    let installed = mfc_request(h, true, &e.mfc);
    if installed.is_err() {
        (e.mfc.parent, e.mfc.ttls) = old;
    }
    installed
}

/// Deletes kernel entry `kid` from the kernel and the list.
fn del_kernel<H: Host>(mfc: &mut Mfcs, h: &mut H, kid: usize) {
    // The kernel first, from the entry in place: no copy of it outlives the list.
    let Some(r) = mfc.get(kid) else {
        return;
    };
    let _ = mfc_request(h, false, &r.mfc);
    mfc.remove(kid);
}

/// `MRT_ADD_MFC` (`add`) or `MRT_DEL_MFC` of `mfc` (a kernel-list entry's, as it is),
/// logging a failure: one body for both requests, whose kernel calls differ in one flag.
#[inline(never)]
fn mfc_request<H: Host>(h: &mut H, add: bool, mfc: &Mfc) -> Result<(), Failed> {
    let result = if add { h.add_mfc(mfc) } else { h.del_mfc(mfc) };
    result.map_err(|e| {
        mfc_failed(h, add, mfc, e);
        Failed
    })
}

/// Logs that adding (`add`) or deleting kernel entry `mfc` failed with `e`: one body for
/// both messages (only the wording differs).
fn mfc_failed<H: Host>(h: &mut H, add: bool, mfc: &Mfc, e: Errno) {
    let (source, group) = (&mfc.source, &mfc.group);
    let sg = Compact::sg(source, group);
    let fam = group.family();
    let msg = if add {
        Msg::MfcAddFailed(fam, &sg, e)
    } else {
        Msg::MfcDelFailed(fam, &sg, e)
    };
    note(h, msg);
}
