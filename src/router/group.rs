//! Group memberships (§5.5): `mgroup` lines and IPC `join`/`leave`.

use super::args;
use super::msg::{note, note_full, Cmd, Compact, Msg, Table};
use super::{Failed, Mode, Origin, Router, Words};
use crate::kernel::{Host, JoinSockets};
use crate::limits::IFNAMSIZ;
use crate::net::Prefix;
use crate::table::groups::Join;
use crate::table::iface::is_wildcard;
use crate::table::pending::Kind;
use crate::table::Walk;

/// Number of addresses in `prefix` (its `/LEN` range), if it fits in a `u32`.
fn range_size(prefix: &Prefix) -> Option<u32> {
    let host_bits = prefix.addr.family().bits().checked_sub(prefix.len)?;
    1u32.checked_shl(host_bits as u32)
}

/// The source of a membership: borrowed, not an `Option<Prefix>` copy; the unspecified
/// address (no source word) is none. Not inlined into `join_words` on x86_64 (-45 B).
#[cfg_attr(target_arch = "x86_64", inline(never))]
fn source_of(src: &Prefix) -> Option<&Prefix> {
    (!src.addr.is_unspecified()).then_some(src)
}

impl Router {
    /// `mgroup from IIF [source S] group G`, IPC `join` and, with [`Mode::Leave`], IPC
    /// `leave IIF [S] G`: the same words, parsed and looked up by one body.
    // Not in line in `Router::words` on x86_64: see there.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub(crate) fn join_words<H: Host>(
        &mut self,
        h: &mut H,
        origin: &Origin<'_>,
        mode: Mode,
        w: &Words<'_>,
    ) -> Result<(), Failed> {
        let iif = w.iif;
        let mut grp = args::UNSET;
        let mut src = args::UNSET;
        args::sg_words(h, origin, Cmd::Join, w, &mut src, &mut grp)?;
        let src = source_of(&src);
        let (hash, found) = self.groups.find(iif, src, &grp);
        if let Some(gid) = found {
            match self.groups.get_mut(gid) {
                // Found again by a reload: kept joined, not re-joined.
                Some(g) if mode == Mode::Conf && !g.used => {
                    g.used = true;
                    return Ok(());
                }
                _ if mode == Mode::Replay => return Ok(()),
                _ if mode == Mode::Leave => {
                    self.drop_group(h, gid);
                    return Ok(());
                }
                _ => {}
            }
        }
        // Joined already, or nothing to leave: one message call for both.
        if found.is_some() || mode == Mode::Leave {
            let sg = Compact::prefixes(src, &grp);
            let msg = if found.is_some() {
                Msg::AlreadyJoined(&sg, iif)
            } else {
                Msg::NoGroup(&sg, iif)
            };
            note(h, msg);
            return Err(Failed);
        }
        // The first match serves the existence check and both walks below.
        let first_in = self.ifaces.next_match(iif, 0);
        // A name too long to record is no interface either.
        if first_in.is_none() || iif.len() > IFNAMSIZ {
            if mode == Mode::Conf {
                self.pend(h, Kind::Mgroup, w);
                return Ok(());
            }
            note(h, Msg::UnknownIface(iif));
            return Err(Failed);
        }
        // Check the whole expansion fits before touching the kernel.
        let (Some(sources), Some(groups)) = (src.map_or(Some(1), range_size), range_size(&grp))
        else {
            note_full(h, Table::Join);
            return Err(Failed);
        };
        let per_iface = sources.checked_mul(groups);
        let mut ifaces = 0u32;
        let mut cur = first_in;
        while let Some(id) = cur {
            cur = self.ifaces.next_match(iif, id + 1);
            ifaces += 1;
        }
        let fits = per_iface
            .and_then(|n| n.checked_mul(ifaces))
            .is_some_and(|n| n as usize <= self.groups.joins_free());
        if !fits {
            note_full(h, Table::Join);
            return Err(Failed);
        }
        let Ok(gid) = self.groups.insert(hash, iif, src, &grp) else {
            note_full(h, Table::Mgroup);
            return Err(Failed);
        };
        // A wildcard names only the interfaces with `IFF_MULTICAST` (an exact name its
        // interface, `first_in` again). One lookup call for the first match and the next
        // ones.
        let mut cur = 0;
        while let Some(id) = self.ifaces.next_usable(iif, cur) {
            cur = id + 1;
            // Joining makes the interface a VIF too (lazily); a failure there is logged
            // and does not stop the join.
            let _ = self.ensure_vifs(h, id);
            if self
                .join_on(h, gid, id, src, &grp, sources, groups)
                .is_err()
            {
                // No dangling membership (SMCRoute leaves one behind).
                self.drop_group(h, gid);
                return Err(Failed);
            }
        }
        Ok(())
    }

    /// Makes the kernel joins of membership `gid` on interface `id`: the first `sources`
    /// addresses of `src` by the first `groups` of `grp` (their whole ranges, counted by
    /// `join_words` for its room check).
    // Not in line in `join_words` on x86_64: its loop keeps its values in registers of
    // its own, not spilled around the membership checks (smcrouted -72 B; mipsel +32 B
    // out of line).
    #[allow(clippy::too_many_arguments)]
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    fn join_on<H: Host>(
        &mut self,
        h: &mut H,
        gid: usize,
        id: usize,
        src: Option<&Prefix>,
        grp: &Prefix,
        sources: u32,
        groups: u32,
    ) -> Result<(), Failed> {
        // Only its index is kept over the loop; the rare error looks its name up again
        // (one value less to keep across the calls).
        let Some(ifindex) = self.ifaces.get(id).map(|i| i.ifindex) else {
            return Err(Failed);
        };
        // One loop over the (source, group) pairs, sources outer: `join_words` checked
        // that their number fits.
        for n in 0..sources * groups {
            // Quotient and remainder of one division, taken before the calls.
            let (q, r) = (n / groups, n % groups);
            let s = src.map(|p| p.nth(q));
            let g = grp.nth(r);
            // Another membership (`a1` vs `a+`) may hold this kernel join already:
            // this one shares its socket and asks the kernel nothing.
            let mut busy = JoinSockets::default();
            let held = self.groups.holders(ifindex, s.as_ref(), &g, &mut busy);
            let sock = match held {
                Some(sock) => sock,
                None => match h.join(ifindex, s.as_ref(), &g, &busy) {
                    Ok(sock) => sock,
                    Err(e) => {
                        let sg = Compact::hosts(s.as_ref(), &g);
                        note(h, Msg::JoinFailed(&sg, self.iface_name(id), e));
                        return Err(Failed);
                    }
                },
            };
            // Cannot fail: `join_words` checked that the whole expansion fits. The
            // tests check it.
            let added = self
                .groups
                .add_join(gid, Join::new(id as u32, ifindex, s, g, sock));
            debug_assert!(added.is_ok(), "join table full after join_words' check");
        }
        Ok(())
    }

    /// Leaves kernel join `jid` and forgets it.
    pub(crate) fn leave_join<H: Host>(&mut self, h: &mut H, jid: usize) {
        let Some(&j) = self.groups.join(jid) else {
            return;
        };
        self.groups.remove_join(jid);
        // Still wanted by another membership (`a1` and `a+`): the kernel keeps it.
        let mut busy = JoinSockets::default();
        if (self.groups)
            .holders(j.ifindex, j.source.as_ref(), &j.group, &mut busy)
            .is_some()
        {
            return;
        }
        if let Err(e) = h.leave(j.sock, j.ifindex, j.source.as_ref(), &j.group) {
            let sg = Compact::hosts(j.source.as_ref(), &j.group);
            let name = self.iface_name(j.iface as usize);
            note(h, Msg::LeaveFailed(&sg, name, e));
        }
    }

    /// Leaves all joins of membership `gid` and forgets it.
    pub(crate) fn drop_group<H: Host>(&mut self, h: &mut H, gid: usize) {
        while let Some(jid) = self.groups.first_join(gid) {
            self.leave_join(h, jid);
        }
        self.groups.remove(gid);
    }

    /// Leaves every join on interface `id`. A membership naming the interface goes
    /// (a wildcard one stays for its other interfaces); with `requeue` each affected
    /// membership is queued as words for that interface. True if anything was joined.
    pub(crate) fn detach_joins<H: Host>(&mut self, h: &mut H, id: usize, requeue: bool) -> bool {
        let mut touched = false;
        let mut walk = Walk::new();
        while let Some(gid) = self.groups.step(&mut walk) {
            let mut hit = false;
            let mut j = self.groups.first_join(gid);
            while let Some(jid) = j {
                j = self.groups.next_join(jid);
                if self
                    .groups
                    .join(jid)
                    .is_some_and(|x| x.iface as usize == id)
                {
                    self.leave_join(h, jid);
                    hit = true;
                }
            }
            let Some(g) = self.groups.get(gid).filter(|_| hit) else {
                continue;
            };
            touched = true;
            // The IIF as written, read once for both uses.
            let written = g.iif.as_str();
            let wildcard = is_wildcard(written);
            let done = !wildcard || g.has_no_joins();
            if requeue {
                // Both names looked up and one picked, not a branch: the requeue call
                // is not duplicated for each kind of membership.
                let iif = [written, self.ifaces.name(id)][usize::from(wildcard)];
                let (source, group) = (g.source.as_ref(), &g.group);
                let pending = &mut self.pending;
                super::reload::requeue(pending, h, Kind::Mgroup, iif, source, group, &[]);
            }
            if done {
                self.groups.remove(gid);
            }
        }
        touched
    }
}
