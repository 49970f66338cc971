//! The interface database (SMCRoute §5.1): keyed by name, never forgotten.
//!
//! Interfaces are kept in discovery order (`show interfaces` lists them so) in a plain
//! vector; nothing is ever removed, so ids are stable forever. A hash index finds a name.

use core::cell::Cell;

use heapless::Vec;

use super::text::Text;
use super::{Full, HashIndex, KeyHash};
use crate::limits::IFNAMSIZ;

/// "No VIF/MIF" marker.
pub const NO_VIF: u8 = u8::MAX;

/// An interface name (at most 15 bytes on Linux; one spare byte for wildcards).
pub type IfName = Text<IFNAMSIZ>;

/// What the daemon knows about one interface.
#[derive(Debug, Clone, Copy)]
pub struct Iface {
    /// Interface name.
    pub name: IfName,
    /// Last known kernel index.
    pub ifindex: u32,
    /// `IFF_MULTICAST`.
    pub multicast: bool,
    /// Seen in the last complete scan.
    pub present: bool,
    /// Seen in the scan in progress.
    pub seen: bool,
    /// Lost its VIF-worthiness in the scan in progress (ifindex changed or MULTICAST
    /// cleared); [`Iface::stale_ifindex`] is the index its kernel state was made with.
    pub stale: bool,
    /// The ifindex the VIF/MIF and joins were created with, while `stale`.
    pub stale_ifindex: u32,
    /// The IPv4 VIF index (first) and the IPv6 MIF index, or [`NO_VIF`]: a pair indexed
    /// by `v6`, so the family loops pick theirs without a branch.
    pub vifs: [u8; 2],
    /// TTL threshold from `phyint` (default 1; never 0: routes use it as an OIF TTL).
    pub threshold: u8,
    /// `phyint … mrdisc`.
    pub mrdisc: bool,
    /// mrdisc announcements were started on the current VIF.
    pub mrdisc_on: bool,
    /// Referenced by the configuration being (re)loaded.
    pub used: bool,
}

impl Iface {
    fn new(name: IfName, ifindex: u32) -> Self {
        Self {
            name,
            ifindex,
            multicast: false,
            present: false,
            seen: false,
            stale: false,
            stale_ifindex: 0,
            vifs: [NO_VIF; 2],
            threshold: 1,
            mrdisc: false,
            mrdisc_on: false,
            used: false,
        }
    }

    /// The VIF (IPv4) or MIF (IPv6) index, if any.
    pub fn vif_of(&self, v6: bool) -> Option<u8> {
        let v = self.vifs[usize::from(v6)];
        (v != NO_VIF).then_some(v)
    }

    /// True if the interface exists now and can carry multicast.
    pub fn usable(&self) -> bool {
        self.present && self.multicast
    }
}

/// True if `pattern` names `name`: `eth+` is a prefix wildcard (`+` alone matches all),
/// anything else is exact after dropping a `:alias` suffix.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix("+") {
        Some(prefix) => name.starts_with(prefix),
        None => base_name(pattern) == name,
    }
}

/// True if `pattern` is a `+` wildcard.
pub fn is_wildcard(pattern: &str) -> bool {
    // Not `ends_with('+')`: that encodes the char and calls `memcmp`, for one byte. A
    // slice pattern, not `last()`: no test of the `Option<&u8>` it makes.
    matches!(pattern.as_bytes(), [.., b'+'])
}

/// `eth0:1` → `eth0` (Linux aliases share the parent's VIF).
pub fn base_name(name: &str) -> &str {
    match name.bytes().position(|b| b == b':') {
        Some(i) => name.get(..i).unwrap_or(name),
        None => name,
    }
}

fn hash_name(name: &str) -> u32 {
    KeyHash::new().bytes(name.as_bytes()).finish()
}

/// Up to `N` interfaces, `B` index buckets (see [`super::buckets`]).
///
/// `repr(C)` with the recent ids first: x86_64 reaches them with one-byte offsets.
#[repr(C)]
pub struct IfaceTable<const N: usize, const B: usize> {
    /// The ids the last two hash lookups found, tried first: route lines name the same
    /// few interfaces over and over (`from in0 ... to out0` on every line of a long
    /// conf). Ids and names never change, so a hit is proven by its name and nothing is
    /// ever invalidated. (A `Cell`, as lookups take `&self`: plain loads and stores; an
    /// atomic would keep the lookups MIPS32 code in the MIPS16e builds.)
    recent: [Cell<u32>; 2],
    list: Vec<Iface, N>,
    by_name: HashIndex<B>,
}

impl<const N: usize, const B: usize> Default for IfaceTable<N, B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const B: usize> IfaceTable<N, B> {
    /// An empty table.
    pub const fn new() -> Self {
        Self {
            list: Vec::new(),
            by_name: HashIndex::new(),
            recent: [Cell::new(0), Cell::new(0)],
        }
    }

    /// Capacity.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The id of the interface `pattern` names exactly, after dropping a `:alias` suffix
    /// (see [`base_name`]).
    pub fn find(&self, pattern: &str) -> Option<usize> {
        // The recent hits are tried with the pattern as written: Linux names never hold a
        // `:`, so a pattern with an alias matches none of them and the suffix is cut only
        // for the hash lookup, which the lines of a long conf rarely need.
        for slot in &self.recent {
            let id = slot.get() as usize;
            if self.is_named(id, pattern) {
                return Some(id);
            }
        }
        let name = base_name(pattern);
        let id = self
            .by_name
            .find(hash_name(name), |id| self.is_named(id, name))?;
        let [newest, older] = &self.recent;
        older.set(newest.get());
        newest.set(id as u32);
        Some(id)
    }

    /// True if interface `id` is named `name`.
    #[inline(never)]
    fn is_named(&self, id: usize, name: &str) -> bool {
        self.list
            .get(id)
            .is_some_and(|i| i.name.as_bytes() == name.as_bytes())
    }

    /// The id of `name`, adding a new (not yet present) entry if unknown.
    pub fn find_or_add(&mut self, name: &str, ifindex: u32) -> Result<usize, Full> {
        if let Some(id) = self.find(name) {
            return Ok(id);
        }
        let n = IfName::of(name).ok_or(Full)?;
        let id = self.list.len();
        self.list.push(Iface::new(n, ifindex)).map_err(|_| Full)?;
        // The index has more buckets than the list has slots: this cannot fail.
        let _ = self.by_name.insert(hash_name(name), id);
        Ok(id)
    }

    /// Interface `id`. Not inlined: a call is smaller than the bounds check at each of
    /// the many call sites.
    #[inline(never)]
    pub fn get(&self, id: usize) -> Option<&Iface> {
        self.list.get(id)
    }

    /// The name of interface `id` (empty for none).
    pub fn name(&self, id: usize) -> &str {
        self.get(id).map_or("", |i| i.name.as_str())
    }

    /// Interface `id`, mutably.
    #[inline(never)]
    pub fn get_mut(&mut self, id: usize) -> Option<&mut Iface> {
        self.list.get_mut(id)
    }

    /// All interfaces in discovery order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Iface)> {
        self.list.iter().enumerate()
    }

    /// All interfaces, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Iface> {
        self.list.iter_mut()
    }

    /// Number of interfaces known.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True if none is known.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The first id from `from` on among present interfaces matching `pattern` (start
    /// with 0, then go on from the id found + 1: one word, not an `Option`, at each call).
    /// An exact name is a hash lookup, found only from 0; a wildcard walks the table.
    pub fn next_match(&self, pattern: &str, from: usize) -> Option<usize> {
        self.next_match_of(pattern, from, false)
    }

    /// [`IfaceTable::next_match`] for the interfaces a directive's word applies to: a
    /// wildcard names only those with `IFF_MULTICAST`, an exact name its interface.
    pub fn next_usable(&self, pattern: &str, from: usize) -> Option<usize> {
        self.next_match_of(pattern, from, is_wildcard(pattern))
    }

    /// [`IfaceTable::next_match`], skipping interfaces without `IFF_MULTICAST` when
    /// `multicast` is set.
    fn next_match_of(&self, pattern: &str, from: usize, multicast: bool) -> Option<usize> {
        let fits = |i: &Iface| i.present && (!multicast || i.multicast);
        if !is_wildcard(pattern) {
            return match from {
                0 => self
                    .find(pattern)
                    .filter(|&id| self.list.get(id).is_some_and(fits)),
                _ => None,
            };
        }
        (from..self.list.len()).find(|&id| {
            self.list
                .get(id)
                .is_some_and(|i| fits(i) && name_matches(pattern, i.name.as_str()))
        })
    }

    /// True if some present interface matches `pattern`; with `multicast`, it must also
    /// have `IFF_MULTICAST`.
    pub fn exists(&self, pattern: &str, multicast: bool) -> bool {
        self.next_match_of(pattern, 0, multicast).is_some()
    }

    /// Length of the longest name known (for `show` column widths).
    pub fn longest_name(&self) -> usize {
        // A fold, not `max()`: no `Option` and no element count to work out.
        self.list.iter().fold(0, |m, i| m.max(i.name.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(name_matches("eth+", "eth0"));
        assert!(name_matches("+", "lo"));
        assert!(!name_matches("eth+", "wlan0"));
        assert!(name_matches("eth0:1", "eth0"));
        assert!(!name_matches("eth0", "eth01"));
        assert_eq!(base_name("a:b"), "a");
        assert!(is_wildcard("e+") && !is_wildcard("e"));
    }

    #[test]
    fn recent_hits_answer_only_their_own_names() {
        let mut t = IfaceTable::<4, 8>::new();
        let ids: std::vec::Vec<usize> = ["a0", "a1", "a2"]
            .iter()
            .map(|n| t.find_or_add(n, 1).unwrap())
            .collect();
        for _ in 0..2 {
            assert_eq!(t.find("a1"), Some(ids[1]));
            assert_eq!(t.find("a2"), Some(ids[2]));
            assert_eq!(t.find("a0"), Some(ids[0]));
            assert_eq!(t.find("a"), None);
            assert_eq!(t.find("a10"), None);
            // An alias never matches a recent hit as written: its suffix is cut for the hash.
            assert_eq!(t.find("a0:7"), Some(ids[0]));
            assert_eq!(t.find("a0:7"), Some(ids[0]));
            assert_eq!(t.find("a:0"), None);
        }
        assert_eq!(IfaceTable::<4, 8>::new().find(""), None);
    }

    #[test]
    fn full_find_never_forget() {
        let mut t = IfaceTable::<2, 4>::new();
        let a = t.find_or_add("a1", 3).unwrap();
        assert_eq!(t.find_or_add("a1", 9).unwrap(), a);
        let b = t.find_or_add("a2", 4).unwrap();
        assert_eq!(t.find_or_add("a3", 5), Err(Full));
        assert_eq!(t.find("a3"), None);
        assert_eq!(t.find("a2"), Some(b));
        assert_eq!(t.find_or_add("0123456789abcdefXX", 1), Err(Full));
        assert_eq!(t.len(), 2);
        assert_eq!(t.longest_name(), 2);
        // Not present yet: no match.
        assert_eq!(t.next_match("a1", 0), None);
        t.get_mut(a).unwrap().present = true;
        t.get_mut(b).unwrap().present = true;
        assert_eq!(t.next_match("a1:0", 0), Some(a));
        assert_eq!(t.next_match("a1", a + 1), None);
        assert_eq!(t.next_match("a+", 0), Some(a));
        assert_eq!(t.next_match("a+", a + 1), Some(b));
        assert_eq!(t.next_match("a+", b + 1), None);
        assert!(!t.exists("a+", true));
        t.get_mut(b).unwrap().multicast = true;
        assert!(t.exists("a+", true));
        assert!(t.exists("a2", true), "an exact name with multicast");
        assert!(!t.exists("a1", true), "an exact name without multicast");
        assert_eq!(
            t.next_match("a+", 0),
            Some(a),
            "next_match ignores multicast"
        );
        assert_eq!(t.next_usable("a+", 0), Some(b), "a wildcard skips a1");
        assert_eq!(t.next_usable("a+", b + 1), None);
        assert_eq!(t.next_usable("a1", 0), Some(a), "an exact name need not");
        assert_eq!(t.next_usable("a1", a + 1), None);
        assert!(t.exists("a1", false));
        assert!(!t.exists("zz", false));
        assert_eq!(t.get(a).unwrap().vif_of(false), None);
        assert_eq!(t.iter().count(), 2);
        assert_eq!(t.capacity(), 2);
        assert!(!t.is_empty());
    }

    extern crate std;
}
