//! Dropping root (`-p USER[:GROUP]`, spec §1 and §5.13): after start-up the daemon runs as
//! an ordinary user that keeps only `CAP_NET_ADMIN`, enough to change VIFs and routes on
//! its already open sockets. Capabilities are set with the raw `capset` syscall: no
//! libcap. Users and groups: on glibc, which the host build links dynamically, glibc's
//! own `getpwnam`, `getgrnam` and `initgroups` (SMCRoute's calls: NSS included, and no
//! bytes in the program); elsewhere (static musl, FreeBSD) `/etc/passwd` and `/etc/group`
//! are read by [`crate::account`], which keeps musl's passwd and NSS code out of the
//! static programs.

#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
use super::fs::for_each_line;
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
use crate::account::{parse_group, parse_passwd};
use crate::errno::Errno;
#[cfg(all(target_os = "linux", any(test, not(target_env = "gnu"))))]
use crate::limits::MAX_USER_GROUPS;

/// The user database.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
const PASSWD: &str = "/etc/passwd";
/// The group database.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
const GROUP: &str = "/etc/group";

/// The user's group list for `setgroups`.
#[cfg(all(target_os = "linux", any(test, not(target_env = "gnu"))))]
type GroupList = heapless::Vec<u32, MAX_USER_GROUPS>;

/// The groups [`drop_to`] gives the user.
#[cfg(all(target_os = "linux", any(test, not(target_env = "gnu"))))]
#[derive(Debug)]
struct UserGroups {
    /// The primary group first, then those of `/etc/group`, in file order.
    ids: GroupList,
    /// `/etc/group` lists the user in more groups than [`limits::MAX_USER_GROUPS`](crate::limits::MAX_USER_GROUPS) holds.
    left_out: bool,
}

/// What [`drop_to`] did beside dropping, for the daemon to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    /// The user is in more groups than [`limits::MAX_USER_GROUPS`](crate::limits::MAX_USER_GROUPS); the later ones do not apply.
    pub groups_left_out: bool,
}

/// Whether [`drop_to`] can leave groups out ([`Dropped::groups_left_out`]): not on glibc,
/// whose `initgroups` sets them all. The daemon tests it first: LLVM does not see that
/// the flag is always false there, and kept the warning's code (x86_64 -56 B).
pub const LEAVES_GROUPS_OUT: bool = !cfg!(all(target_os = "linux", target_env = "gnu", not(test)));

/// `CAP_NET_ADMIN` (linux/capability.h): the one capability the daemon keeps.
pub const CAP_NET_ADMIN: u32 = 12;

/// User and group ids to run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// Error returned by [`resolve`]. The daemon words it as SMCRoute does,
/// `User '{name}' not found!` or `Group '{name}' not found!` (`daemon::said`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveError {
    /// No such user.
    UnknownUser,
    /// No such group.
    UnknownGroup,
}

/// Splits `-p`'s `USER[:GROUP]` argument.
pub fn split_spec(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once(':') {
        Some((user, group)) => (user, Some(group)),
        None => (spec, None),
    }
}

/// The ids of `user` and, if `group` is given, of `group`; without a group the user's
/// primary group is used. On glibc: `getpwnam` and `getgrnam` (`glibc::resolve`).
/// Elsewhere, and in the tests: `/etc/passwd` and `/etc/group` (`resolve_in`).
///
/// # References
/// `man 3 getpwnam`, `man 3 getgrnam`, `man 5 passwd`, `man 5 group`
pub fn resolve(user: &str, group: Option<&str>) -> Result<Ids, ResolveError> {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
    return glibc::resolve(user, group);
    #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
    resolve_in(PASSWD, GROUP, user, group)
}

/// [`resolve`] from the files `passwd` and `groups`: the first entry of a name wins, as
/// with `getpwnam`/`getgrnam`; a file that cannot be read finds nobody.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn resolve_in(
    passwd: &str,
    groups: &str,
    user: &str,
    group: Option<&str>,
) -> Result<Ids, ResolveError> {
    let mut ids = first_entry(passwd, user, true).ok_or(ResolveError::UnknownUser)?;
    if let Some(group) = group {
        let gid = first_entry(groups, group, false).ok_or(ResolveError::UnknownGroup)?;
        ids.gid = gid.gid;
    }
    Ok(ids)
}

/// The ids of the first entry named `name` in `path`: a user's (`users`, a passwd file)
/// or a group's (its id as `gid`). One lookup for both files.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn first_entry(path: &str, name: &str, users: bool) -> Option<Ids> {
    let mut found = None;
    if !name.is_empty() {
        let _ = for_each_line(path, &mut |line| {
            let entry = if users {
                parse_passwd(line).map(|pw| (pw.name, pw.uid, pw.gid))
            } else {
                parse_group(line).map(|gr| (gr.name, 0, gr.gid))
            };
            match entry {
                Some((entry_name, uid, gid)) if entry_name == name.as_bytes() => {
                    found = Some(Ids { uid, gid });
                    false
                }
                _ => true,
            }
        });
    }
    found
}

/// What `initgroups(user, gid)` sets up, from the files: `gid` first, then each group of
/// `/etc/group` whose member list names `user`, without repeats, at most
/// [`limits::MAX_USER_GROUPS`](crate::limits::MAX_USER_GROUPS) (and whether more were left out). A missing `/etc/group` leaves
/// `gid` alone, as in musl.
#[cfg(all(target_os = "linux", test))]
fn groups_of(groups: &str, user: &str, gid: u32) -> Result<UserGroups, Errno> {
    let mut found = UserGroups {
        ids: GroupList::new(),
        left_out: false,
    };
    groups_into(groups, user, gid, &mut found).map(|()| found)
}

/// [`groups_of`] into `found` (empty): filled in place, the list is not copied out
/// through a `Result`.
#[cfg(all(target_os = "linux", any(test, not(target_env = "gnu"))))]
#[allow(clippy::manual_contains)] // on purpose, see below
fn groups_into(groups: &str, user: &str, gid: u32, found: &mut UserGroups) -> Result<(), Errno> {
    let _ = found.ids.push(gid);
    let read = for_each_line(groups, &mut |line| {
        if let Some(gr) = parse_group(line) {
            // `any`, not `contains`: the latter's unrolled search is 144 B on MIPS.
            if gr.has_member(user.as_bytes()) && !found.ids.iter().any(|&g| g == gr.gid) {
                found.left_out = found.ids.push(gr.gid).is_err();
            }
        }
        !found.left_out
    });
    match read {
        Ok(()) | Err(Errno::ENOENT) => Ok(()),
        Err(e) if e == Errno::new(libc::ENOTDIR) => Ok(()),
        Err(e) => Err(e),
    }
}

// ===== capset ABI (Linux) =====

#[cfg(target_os = "linux")]
mod caps {
    use static_assertions::{assert_eq_size, const_assert_eq};

    use crate::errno::Errno;

    /// `_LINUX_CAPABILITY_VERSION_3`: 64-bit capability sets as two 32-bit words.
    const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

    /// `struct __user_cap_header_struct`.
    #[repr(C)]
    struct CapHeader {
        version: u32,
        pid: i32,
    }

    /// `struct __user_cap_data_struct`; version 3 takes an array of two (low, high words).
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct CapData {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }

    assert_eq_size!(CapHeader, [u8; 8]);
    assert_eq_size!(CapData, [u8; 12]);
    const_assert_eq!(core::mem::offset_of!(CapHeader, pid), 4);
    const_assert_eq!(core::mem::offset_of!(CapData, permitted), 4);
    const_assert_eq!(core::mem::offset_of!(CapData, inheritable), 8);

    /// The two data words of `cap` alone, permitted and effective, at compile time.
    const fn only(cap: u32) -> [CapData; 2] {
        let mut data = [CapData {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        }; 2];
        let word = &mut data[(cap / 32) as usize];
        word.effective = 1 << (cap % 32);
        word.permitted = 1 << (cap % 32);
        data
    }

    /// [`only`] the daemon's capability.
    const NET_ADMIN_ONLY: [CapData; 2] = only(super::CAP_NET_ADMIN);

    /// `capset(&{v3, 0}, data)`: `CAP_NET_ADMIN` alone permitted and effective. The data
    /// words are a constant copied to the stack, not words zeroed and set at run time.
    pub fn keep_only_net_admin() -> Result<(), Errno> {
        let header = CapHeader {
            version: CAPABILITY_VERSION_3,
            pid: 0,
        };
        let data = NET_ADMIN_ONLY;
        let header = &header as *const CapHeader;
        let data = data.as_ptr();
        // SAFETY: `header` points to a live version-3 header and `data` to the two live
        // `CapData` words version 3 reads; the kernel only reads both.
        unsafe { syscall!(libc::SYS_capset, header, data) }.map(drop)
    }
}

// ===== dropping =====

/// Error returned by [`drop_to`]: which step failed. The process may be part-way
/// dropped; SMCRoute then warns "Could not drop root privileges, continuing as root."
// The tags are the numbers of `what` (and `Step`'s), so that `drop_to`'s step-to-error
// mapping and `what` are the identity and fold away in the daemon's `main` (x86_64 -56 B).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum DropError {
    /// `prctl(PR_SET_KEEPCAPS)`.
    KeepCaps(Errno) = 0,
    /// Reading `/etc/group` or `setgroups`.
    Groups(Errno) = 1,
    /// `setgid`.
    SetGid(Errno) = 2,
    /// `setuid`.
    SetUid(Errno) = 3,
    /// `capset`.
    Capset(Errno) = 4,
    /// `setuid(0)` still succeeds afterwards (for example the target user is root).
    StillRoot = 5,
    /// This platform cannot keep only `CAP_NET_ADMIN` (FreeBSD: SMCRoute's "Drop privs
    /// support not available"); the daemon goes on as root.
    Unsupported = 6,
}

/// What failed, by [`DropError::what`]'s number: the daemon logs them from its packed
/// texts (`daemon::said`), [`DropError::parts`] from this table.
pub const DROP_WHAT_TEXTS: [&str; 7] = [
    "prctl(PR_SET_KEEPCAPS)",
    "setgroups",
    "setgid",
    "setuid",
    "capset",
    "still able to regain root",
    "not supported on this platform",
];

impl DropError {
    /// What failed, as its number in [`DROP_WHAT_TEXTS`], and the error if there is one
    /// (the message goes on with `" failed: "` and it then).
    pub fn what(&self) -> (u8, Option<Errno>) {
        let (what, errno) = match *self {
            Self::KeepCaps(e) => (0, e),
            Self::Groups(e) => (1, e),
            Self::SetGid(e) => (2, e),
            Self::SetUid(e) => (3, e),
            Self::Capset(e) => (4, e),
            Self::StillRoot => return (5, None),
            Self::Unsupported => return (6, None),
        };
        (what, Some(errno))
    }
}

/// `prctl(PR_SET_KEEPCAPS, 1)`, `initgroups(user, gid)` (`set_groups`), `setgid(gid)`, `setuid(uid)`,
/// `capset(CAP_NET_ADMIN)`: becomes `user` (`ids` from [`resolve`]) keeping only
/// `CAP_NET_ADMIN`, in the permitted and effective sets (none inheritable), then checks
/// that `setuid(0)` fails.
///
/// The bounding set and `PR_SET_NO_NEW_PRIVS` are left alone on purpose: the `-e` script
/// runs unprivileged and may use a set-uid helper such as `sudo` to flush conntrack,
/// which either would break.
///
/// # References
/// `man 7 capabilities`, `man 2 capset`, `man 2 prctl`
#[doc(alias = "capset")]
#[cfg(target_os = "linux")]
pub fn drop_to(ids: Ids, user: &str) -> Result<Dropped, DropError> {
    // The failed step and its error leave this block apart and become a `DropError` at
    // one place: a `map_err(DropError::…)?` per step packed the two into the enum's
    // layout at each of five exits, in line in the daemon's `main` (x86_64 -57 B).
    let (step, e) = 'failed: {
        let rc = super::call::prctl(libc::PR_SET_KEEPCAPS, 1);
        if let Err(e) = rc {
            break 'failed (Step::KeepCaps, e);
        }
        let groups_left_out = match set_groups(user, ids.gid) {
            Ok(left_out) => left_out,
            Err(e) => break 'failed (Step::Groups, e),
        };
        if let Err(e) = id_calls::setgid(ids.gid) {
            break 'failed (Step::SetGid, e);
        }
        if let Err(e) = id_calls::setuid(ids.uid) {
            break 'failed (Step::SetUid, e);
        }
        if let Err(e) = caps::keep_only_net_admin() {
            break 'failed (Step::Capset, e);
        }
        // Success here means the drop did not hold.
        if id_calls::setuid(0).is_ok() {
            return Err(DropError::StillRoot);
        }
        return Ok(Dropped { groups_left_out });
    };
    Err(match step {
        Step::KeepCaps => DropError::KeepCaps(e),
        Step::Groups => DropError::Groups(e),
        Step::SetGid => DropError::SetGid(e),
        Step::SetUid => DropError::SetUid(e),
        Step::Capset => DropError::Capset(e),
    })
}

/// The steps of [`drop_to`] that fail with an error, in order (see [`DropError`]).
#[cfg(target_os = "linux")]
#[derive(Clone, Copy)]
enum Step {
    KeepCaps,
    Groups,
    SetGid,
    SetUid,
    Capset,
}

/// `initgroups(user, gid)`: the supplementary groups become `gid` and every group that
/// lists `user`. On glibc that is glibc's own ([`glibc::set_groups`]). Elsewhere, and in
/// the tests, the list is read from `/etc/group` ([`groups_into`]) and set by the raw
/// system call; `true` if the user is in more groups than
/// [`limits::MAX_USER_GROUPS`](crate::limits::MAX_USER_GROUPS) and the later ones were
/// left out.
#[cfg(target_os = "linux")]
fn set_groups(user: &str, gid: u32) -> Result<bool, Errno> {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
    return glibc::set_groups(user, gid).map(|()| false);
    #[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
    {
        let mut groups = UserGroups {
            ids: GroupList::new(),
            left_out: false,
        };
        groups_into(GROUP, user, gid, &mut groups)?;
        id_calls::setgroups(&groups.ids)?;
        Ok(groups.left_out)
    }
}

/// glibc's own user and group functions (see [`resolve`] and [`set_groups`]): the host
/// build links glibc dynamically, so they cost the program nothing, and they are the
/// calls SMCRoute makes, NSS (LDAP, NIS, systemd's dynamic users) included.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use super::{Ids, ResolveError};
    use crate::errno::Errno;
    use crate::sys::fs::CStrBuf;
    use crate::sys::ret;

    /// A user or group name with its NUL; a longer one (`LOGIN_NAME_MAX` is 256 with its
    /// NUL) names nobody.
    type Name = CStrBuf<256>;

    /// [`super::resolve`] by `getpwnam` and `getgrnam`.
    pub fn resolve(user: &str, group: Option<&str>) -> Result<Ids, ResolveError> {
        let mut name = Name::empty();
        let mut ids = user_ids(&mut name, user).ok_or(ResolveError::UnknownUser)?;
        if let Some(group) = group {
            ids.gid = group_id(&mut name, group).ok_or(ResolveError::UnknownGroup)?;
        }
        Ok(ids)
    }

    /// `text` into `name`; `None` for what no database holds (empty, too long, a NUL).
    fn set_name(name: &mut Name, text: &str) -> Option<()> {
        if text.is_empty() {
            return None;
        }
        name.set(&[text]).ok()
    }

    /// `getpwnam(user)`: its uid and primary gid.
    fn user_ids(name: &mut Name, user: &str) -> Option<Ids> {
        set_name(name, user)?;
        // SAFETY: `name` is NUL-terminated and outlives the call.
        let pw = unsafe { libc::getpwnam(name.as_ptr()) };
        // SAFETY: not null, `pw` points at glibc's static entry, valid until the next
        // lookup; it is read here, before any other (the daemon has one thread).
        let pw = unsafe { pw.as_ref() }?;
        Some(Ids {
            uid: pw.pw_uid,
            gid: pw.pw_gid,
        })
    }

    /// `getgrnam(group)`: its gid.
    fn group_id(name: &mut Name, group: &str) -> Option<u32> {
        set_name(name, group)?;
        // SAFETY: `name` is NUL-terminated and outlives the call.
        let gr = unsafe { libc::getgrnam(name.as_ptr()) };
        // SAFETY: as in `user_ids`: glibc's static entry, read before the next lookup.
        let gr = unsafe { gr.as_ref() }?;
        Some(gr.gr_gid)
    }

    /// `initgroups(user, gid)`. The name is made by [`set_name`], as for `getpwnam`
    /// (one call, not a second copy of `CStrBuf::set`'s set-up: x86_64 -16 B); `resolve`
    /// found the user by it, so it does not fail here.
    pub fn set_groups(user: &str, gid: u32) -> Result<(), Errno> {
        let mut name = Name::empty();
        set_name(&mut name, user).ok_or(Errno::EINVAL)?;
        // SAFETY: `name` is NUL-terminated and outlives the call.
        ret(unsafe { libc::initgroups(name.as_ptr(), gid) }).map(drop)
    }
}

/// The raw `setgroups`, `setgid` and `setuid` system calls.
///
/// libc's wrappers change the ids of every thread of the process (musl through
/// `__synccall`, which links semaphores and rwlocks: ~2.5 KB of a static MIPS build);
/// the daemon has one thread, for which the system call alone is the whole job.
#[cfg(target_os = "linux")]
mod id_calls {
    use crate::errno::Errno;

    // 32-bit ARM and x86 kept 16-bit ids in the original calls; the `32` calls take
    // 32-bit ids. Every other Linux ABI has 32-bit ids in the plain calls. On glibc,
    // `initgroups` sets the groups (see `set_groups`): no `setgroups` there.
    #[cfg(all(
        not(any(target_arch = "arm", target_arch = "x86")),
        any(test, not(target_env = "gnu"))
    ))]
    use libc::SYS_setgroups as SYS_SETGROUPS;
    #[cfg(all(
        any(target_arch = "arm", target_arch = "x86"),
        any(test, not(target_env = "gnu"))
    ))]
    use libc::SYS_setgroups32 as SYS_SETGROUPS;
    #[cfg(not(any(target_arch = "arm", target_arch = "x86")))]
    use libc::{SYS_setgid as SYS_SETGID, SYS_setuid as SYS_SETUID};
    #[cfg(any(target_arch = "arm", target_arch = "x86"))]
    use libc::{SYS_setgid32 as SYS_SETGID, SYS_setuid32 as SYS_SETUID};

    // In line at its callers on x86_64 (-8 B).
    #[cfg_attr(target_arch = "x86_64", inline(always))]
    fn check(rc: Result<libc::c_long, Errno>) -> Result<(), Errno> {
        rc.map(drop)
    }

    /// `setgroups(2)`.
    #[cfg(any(test, not(target_env = "gnu")))]
    pub fn setgroups(groups: &[libc::gid_t]) -> Result<(), Errno> {
        // SAFETY: the kernel reads `groups.len()` 32-bit gids from `groups`, all live.
        check(unsafe { syscall!(SYS_SETGROUPS, groups.len(), groups.as_ptr()) })
    }

    /// `setgid(2)`.
    pub fn setgid(gid: u32) -> Result<(), Errno> {
        // SAFETY: integer argument only.
        check(unsafe { syscall!(SYS_SETGID, gid) })
    }

    /// `setuid(2)`.
    pub fn setuid(uid: u32) -> Result<(), Errno> {
        // SAFETY: integer argument only.
        check(unsafe { syscall!(SYS_SETUID, uid) })
    }
}

/// FreeBSD has no capabilities to keep `CAP_NET_ADMIN` with, and SMCRoute does not drop
/// privileges there: nothing is changed and the daemon warns that it continues as root.
#[cfg(target_os = "freebsd")]
pub fn drop_to(_ids: Ids, _user: &str) -> Result<Dropped, DropError> {
    Err(DropError::Unsupported)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::super::process::{geteuid, tests::in_child};
    use super::*;

    fn status_field(name: &str) -> std::string::String {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .trim()
            .to_string()
    }

    #[test]
    fn resolves_users_and_groups() {
        assert_eq!(resolve("root", None), Ok(Ids { uid: 0, gid: 0 }));
        assert_eq!(resolve("root", Some("root")), Ok(Ids { uid: 0, gid: 0 }));
        let nobody = resolve("nobody", None).unwrap();
        assert_ne!(nobody.uid, 0);
        assert_eq!(resolve("nobody", Some("root")).unwrap().gid, 0);
        assert_eq!(
            resolve("no-such-user-x", None),
            Err(ResolveError::UnknownUser)
        );
        assert_eq!(
            resolve("root", Some("no-such-group-x")),
            Err(ResolveError::UnknownGroup)
        );
        assert_eq!(
            resolve(&"u".repeat(300), None),
            Err(ResolveError::UnknownUser)
        );
        assert_eq!(
            resolve("root", Some("a\0b")),
            Err(ResolveError::UnknownGroup)
        );
        assert_eq!(resolve("", None), Err(ResolveError::UnknownUser));
        assert_eq!(resolve("root", Some("")), Err(ResolveError::UnknownGroup));
    }

    #[test]
    fn splits_user_group() {
        assert_eq!(split_spec("nobody"), ("nobody", None));
        assert_eq!(split_spec("nobody:nogroup"), ("nobody", Some("nogroup")));
        assert_eq!(split_spec("nobody:"), ("nobody", Some("")));
    }

    #[test]
    fn drops_to_nobody_keeping_net_admin() {
        if geteuid() != 0 {
            eprintln!("SKIPPED drops_to_nobody_keeping_net_admin: needs root");
            return;
        }
        let ids = resolve("nobody", None).unwrap();
        let status = in_child(|| {
            drop_to(ids, "nobody").unwrap();
            let cap = format!("{:016x}", 1u64 << CAP_NET_ADMIN);
            assert_eq!(status_field("CapEff:"), cap);
            assert_eq!(status_field("CapPrm:"), cap);
            assert_eq!(status_field("CapInh:"), "0000000000000000");
            // The supplementary groups are replaced (root's were inherited).
            let want = groups_of(GROUP, "nobody", ids.gid).unwrap().ids;
            let have: Vec<u32> = status_field("Groups:")
                .split_whitespace()
                .map(|g| g.parse().unwrap())
                .collect();
            let mut want: Vec<u32> = want.to_vec();
            want.sort_unstable();
            assert_eq!(have, want);
            // SAFETY: no preconditions.
            assert_eq!(unsafe { libc::getuid() }, ids.uid);
            // SAFETY: no preconditions.
            assert_eq!(unsafe { libc::getegid() }, ids.gid);
            // SAFETY: no pointer arguments.
            assert_eq!(unsafe { libc::setuid(0) }, -1);
            // Once dropped, a second drop fails at the first privileged step.
            assert_eq!(drop_to(ids, "nobody"), Err(DropError::Groups(Errno::EPERM)));
            true
        });
        assert_eq!(status, 0);
    }

    #[test]
    fn dropping_to_root_is_reported() {
        if geteuid() != 0 {
            eprintln!("SKIPPED dropping_to_root_is_reported: needs root");
            return;
        }
        let status =
            in_child(|| drop_to(Ids { uid: 0, gid: 0 }, "root") == Err(DropError::StillRoot));
        assert_eq!(status, 0);
        // What failed, by its number in the texts (the daemon's wording of the whole
        // message is tested in `daemon::said`).
        let e = Errno::EPERM;
        assert_eq!(DropError::SetUid(e).what(), (3, Some(e)));
        assert_eq!(DROP_WHAT_TEXTS[3], "setuid");
        assert_eq!(DropError::StillRoot.what(), (5, None));
        assert_eq!(DROP_WHAT_TEXTS[5], "still able to regain root");
    }

    #[test]
    fn every_drop_error_names_its_step() {
        let e = Errno::EPERM;
        let cases = [
            (
                DropError::KeepCaps(e),
                "prctl(PR_SET_KEEPCAPS)",
                " failed: ",
                Some(e),
            ),
            (DropError::Groups(e), "setgroups", " failed: ", Some(e)),
            (DropError::SetGid(e), "setgid", " failed: ", Some(e)),
            (DropError::SetUid(e), "setuid", " failed: ", Some(e)),
            (DropError::Capset(e), "capset", " failed: ", Some(e)),
            (DropError::StillRoot, "still able to regain root", "", None),
            (
                DropError::Unsupported,
                "not supported on this platform",
                "",
                None,
            ),
        ];
        for (error, what, sep, errno) in cases {
            let (i, got) = error.what();
            assert_eq!(DROP_WHAT_TEXTS[usize::from(i)], what);
            assert_eq!(got, errno);
            // " failed: " and the error follow exactly when there is an error.
            assert_eq!(sep.is_empty(), got.is_none());
        }
    }

    /// glibc's lookups (what the host build uses) find what the files give for every
    /// name in this machine's files (NSS reads just those here), and nothing for names
    /// that are not there or cannot be C strings.
    #[cfg(target_env = "gnu")]
    #[test]
    fn glibc_lookups_agree_with_the_files() {
        let names = |path| {
            let text = std::fs::read_to_string(path).unwrap();
            text.lines()
                .filter_map(|l| l.split(':').next())
                .filter(|n| !n.is_empty() && !n.starts_with(['#', '+', '-']))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let users = names(PASSWD);
        let groups = names(GROUP);
        assert!(users.iter().any(|u| u == "root") && groups.iter().any(|g| g == "root"));
        for user in &users {
            assert_eq!(
                glibc::resolve(user, None),
                resolve(user, None),
                "user {user}"
            );
        }
        for group in &groups {
            let want = resolve("root", Some(group));
            assert_eq!(glibc::resolve("root", Some(group)), want, "group {group}");
        }
        let long = "u".repeat(300);
        for bad in ["", "no-such-name-x", "a\0b", &long] {
            assert_eq!(glibc::resolve(bad, None), Err(ResolveError::UnknownUser));
            let group = glibc::resolve("root", Some(bad));
            assert_eq!(group, Err(ResolveError::UnknownGroup));
        }
        assert_eq!(glibc::set_groups("a\0b", 0), Err(Errno::EINVAL));
    }

    /// glibc's `initgroups` (the host build's) sets the groups the files list.
    #[cfg(target_env = "gnu")]
    #[test]
    fn glibc_initgroups_sets_the_groups_of_the_files() {
        if geteuid() != 0 {
            eprintln!("SKIPPED glibc_initgroups_sets_the_groups_of_the_files: needs root");
            return;
        }
        let ids = resolve("nobody", None).unwrap();
        let status = in_child(|| {
            glibc::set_groups("nobody", ids.gid).unwrap();
            let mut want = groups_of(GROUP, "nobody", ids.gid).unwrap().ids.to_vec();
            want.sort_unstable();
            let have: Vec<u32> = status_field("Groups:")
                .split_whitespace()
                .map(|g| g.parse().unwrap())
                .collect();
            assert_eq!(have, want);
            true
        });
        assert_eq!(status, 0);
    }

    fn temp_files(name: &str, passwd: &str, group: &str) -> (std::path::PathBuf, String, String) {
        let dir =
            std::env::temp_dir().join(format!("smcroute-privs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("passwd"), passwd).unwrap();
        std::fs::write(dir.join("group"), group).unwrap();
        let p = dir.join("passwd").to_str().unwrap().to_string();
        let g = dir.join("group").to_str().unwrap().to_string();
        (dir, p, g)
    }

    #[test]
    fn resolves_from_the_files() {
        let members = (0..200)
            .map(|i| format!("u{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let (dir, p, g) = temp_files(
            "resolve",
            "# comment\n+nis::0:0::/:\nbad line\nsvc:x:101:201::/:/bin/false\n\
             svc:x:999:999:second entry ignored:/:\nbig:x:4294967294:7:",
            &format!(
                "huge:x:9:{members},svc,{}\nsvc:x:201:\nrouting:x:300:svc\nrouting:x:301:\n",
                "m".repeat(2000)
            ),
        );
        let r = |user, group| resolve_in(&p, &g, user, group);
        assert_eq!(r("svc", None), Ok(Ids { uid: 101, gid: 201 }));
        assert_eq!(r("svc", Some("routing")), Ok(Ids { uid: 101, gid: 300 }));
        assert_eq!(
            r("big", None),
            Ok(Ids {
                uid: 4_294_967_294,
                gid: 7
            })
        );
        assert_eq!(r("sv", None), Err(ResolveError::UnknownUser));
        assert_eq!(r("+nis", None), Err(ResolveError::UnknownUser));
        assert_eq!(
            r("svc", Some("huge")),
            Err(ResolveError::UnknownGroup),
            "line too long"
        );
        assert_eq!(r("svc", Some("nope")), Err(ResolveError::UnknownGroup));
        assert_eq!(
            resolve_in("/nonexistent", &g, "svc", None),
            Err(ResolveError::UnknownUser)
        );
        assert_eq!(
            resolve_in(&p, "/nonexistent", "svc", Some("routing")),
            Err(ResolveError::UnknownGroup)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn supplementary_groups_from_the_group_file() {
        let mut group =
            String::from("a:x:1:svc,other\nb:x:2:other\nc:x:3:svc\nprimary:x:7:svc\ndup:x:1:svc\n");
        for i in 0..100 {
            group.push_str(&format!("g{i}:x:{}:svc\n", 1000 + i));
        }
        let (dir, _, g) = temp_files("groups", "", &group);
        let list = groups_of(&g, "svc", 7).unwrap();
        assert_eq!(list.ids.len(), MAX_USER_GROUPS, "capped");
        assert!(list.left_out, "the cap is reported");
        assert_eq!(&list.ids[..4], &[7, 1, 3, 1000]);
        let other = groups_of(&g, "other", 9).unwrap();
        assert_eq!(
            (other.ids.as_slice(), other.left_out),
            (&[9, 1, 2][..], false)
        );
        assert_eq!(groups_of(&g, "nobody-here", 9).unwrap().ids, [9]);
        assert_eq!(groups_of("/nonexistent/group", "svc", 5).unwrap().ids, [5]);
        assert_eq!(
            groups_of(dir.to_str().unwrap(), "svc", 5).map(|g| g.ids),
            Err(Errno::new(libc::EISDIR))
        );
        // Exactly full is not "left out".
        let exact: String = (1..MAX_USER_GROUPS)
            .map(|i| format!("e{i}:x:{}:full\n", 2000 + i))
            .collect();
        let (dir2, _, g2) = temp_files("groups-exact", "", &exact);
        let full = groups_of(&g2, "full", 7).unwrap();
        assert_eq!((full.ids.len(), full.left_out), (MAX_USER_GROUPS, false));
        std::fs::remove_dir_all(dir2).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
