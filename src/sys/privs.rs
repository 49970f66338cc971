//! Dropping root (`-p USER[:GROUP]`, spec §1 and §5.13): after start-up the daemon runs as
//! an ordinary user that keeps only `CAP_NET_ADMIN`, enough to change VIFs and routes on
//! its already open sockets. Capabilities are set with the raw `capset` syscall: no
//! libcap.

use ufmt::{uDisplay, uWrite, Formatter};

use super::fs::CStrBuf;
#[cfg(target_os = "linux")]
use super::ret;
use crate::errno::Errno;

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

/// Error returned by [`resolve`]. SMCRoute's message is `"{what} '{name}' not found!"`
/// with [`ResolveError::what`] and the name the caller passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveError {
    /// No such user.
    UnknownUser,
    /// No such group.
    UnknownGroup,
}

impl ResolveError {
    /// `"User"` or `"Group"`.
    pub fn what(self) -> &'static str {
        match self {
            Self::UnknownUser => "User",
            Self::UnknownGroup => "Group",
        }
    }
}

impl uDisplay for ResolveError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        ufmt::uwrite!(f, "{} not found!", self.what())
    }
}

/// Splits `-p`'s `USER[:GROUP]` argument.
pub fn split_spec(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once(':') {
        Some((user, group)) => (user, Some(group)),
        None => (spec, None),
    }
}

/// `getpwnam(user)` and, if `group` is given, `getgrnam(group)`; without a group the
/// user's primary group is used.
///
/// # References
/// `man 3 getpwnam`, `man 3 getgrnam`
pub fn resolve(user: &str, group: Option<&str>) -> Result<Ids, ResolveError> {
    let name = CStrBuf::<256>::new(user).map_err(|_| ResolveError::UnknownUser)?;
    // SAFETY: `name` is NUL-terminated; the result is null or points to libc's static
    // `passwd`, read at once below before any other call can overwrite it.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Err(ResolveError::UnknownUser);
    }
    // SAFETY: non-null, so `pw` points to a valid `passwd` (see above).
    let pw = unsafe { &*pw };
    let mut ids = Ids {
        uid: pw.pw_uid,
        gid: pw.pw_gid,
    };
    if let Some(group) = group {
        let name = CStrBuf::<256>::new(group).map_err(|_| ResolveError::UnknownGroup)?;
        // SAFETY: as for `getpwnam`, with libc's static `group`.
        let gr = unsafe { libc::getgrnam(name.as_ptr()) };
        if gr.is_null() {
            return Err(ResolveError::UnknownGroup);
        }
        // SAFETY: non-null, so `gr` points to a valid `group`.
        ids.gid = unsafe { &*gr }.gr_gid;
    }
    Ok(ids)
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

    /// `capset(&{v3, 0}, data)`: capability `cap` alone permitted and effective.
    pub fn keep_only(cap: u32) -> Result<(), Errno> {
        let header = CapHeader {
            version: CAPABILITY_VERSION_3,
            pid: 0,
        };
        let mut data = [CapData {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        }; 2];
        if let Some(word) = data.get_mut((cap / 32) as usize) {
            word.effective = 1 << (cap % 32);
            word.permitted = 1 << (cap % 32);
        }
        let header = &header as *const CapHeader;
        let data = data.as_ptr();
        // SAFETY: `header` points to a live version-3 header and `data` to the two live
        // `CapData` words version 3 reads; the kernel only reads both.
        let rc = unsafe { libc::syscall(libc::SYS_capset, header, data) };
        if rc < 0 {
            return Err(crate::sys::errno());
        }
        Ok(())
    }
}

// ===== dropping =====

/// Error returned by [`drop_to`]: which step failed. The process may be part-way
/// dropped; SMCRoute then warns "Could not drop root privileges, continuing as root."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropError {
    /// `prctl(PR_SET_KEEPCAPS)`.
    KeepCaps(Errno),
    /// `initgroups`.
    Groups(Errno),
    /// `setgid`.
    SetGid(Errno),
    /// `setuid`.
    SetUid(Errno),
    /// `capset`.
    Capset(Errno),
    /// `setuid(0)` still succeeds afterwards (for example the target user is root).
    StillRoot,
    /// This platform cannot keep only `CAP_NET_ADMIN` (FreeBSD: SMCRoute's "Drop privs
    /// support not available"); the daemon goes on as root.
    Unsupported,
}

impl uDisplay for DropError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let (call, errno) = match *self {
            Self::KeepCaps(e) => ("prctl(PR_SET_KEEPCAPS)", e),
            Self::Groups(e) => ("initgroups", e),
            Self::SetGid(e) => ("setgid", e),
            Self::SetUid(e) => ("setuid", e),
            Self::Capset(e) => ("capset", e),
            Self::StillRoot => return f.write_str("still able to regain root"),
            Self::Unsupported => return f.write_str("not supported on this platform"),
        };
        ufmt::uwrite!(f, "{} failed: {}", call, errno)
    }
}

/// `prctl(PR_SET_KEEPCAPS, 1)`, `initgroups(user, gid)`, `setgid(gid)`, `setuid(uid)`,
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
pub fn drop_to(ids: Ids, user: &str) -> Result<(), DropError> {
    let name = CStrBuf::<256>::new(user).map_err(DropError::Groups)?;
    // SAFETY: `PR_SET_KEEPCAPS` takes integer arguments only.
    let rc = unsafe { libc::prctl(libc::PR_SET_KEEPCAPS, 1 as libc::c_ulong, 0, 0, 0) };
    ret(rc).map_err(DropError::KeepCaps)?;
    // SAFETY: `name` is NUL-terminated and outlives the call.
    ret(unsafe { libc::initgroups(name.as_ptr(), ids.gid) }).map_err(DropError::Groups)?;
    // SAFETY: no pointer arguments.
    ret(unsafe { libc::setgid(ids.gid) }).map_err(DropError::SetGid)?;
    // SAFETY: no pointer arguments.
    ret(unsafe { libc::setuid(ids.uid) }).map_err(DropError::SetUid)?;
    caps::keep_only(CAP_NET_ADMIN).map_err(DropError::Capset)?;
    // SAFETY: no pointer arguments; success here means the drop did not hold.
    if unsafe { libc::setuid(0) } == 0 {
        return Err(DropError::StillRoot);
    }
    Ok(())
}

/// FreeBSD has no capabilities to keep `CAP_NET_ADMIN` with, and SMCRoute does not drop
/// privileges there: nothing is changed and the daemon warns that it continues as root.
#[cfg(target_os = "freebsd")]
pub fn drop_to(_ids: Ids, _user: &str) -> Result<(), DropError> {
    Err(DropError::Unsupported)
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::super::process::{geteuid, tests::in_child};
    use super::*;

    /// `getpwnam`/`getgrnam` share one static buffer in musl: tests that resolve names
    /// take turns (seen failing under qemu, where threads interleave differently).
    static NSS: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
        let _nss = NSS.lock().unwrap_or_else(|e| e.into_inner());
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
        let mut msg = heapless::String::<64>::new();
        ufmt::uwrite!(
            msg,
            "{} '{}' not found!",
            ResolveError::UnknownUser.what(),
            "x"
        )
        .unwrap();
        assert_eq!(msg, "User 'x' not found!");
        msg.clear();
        ufmt::uwrite!(msg, "{}", ResolveError::UnknownGroup).unwrap();
        assert_eq!(msg, "Group not found!");
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
        let _nss = NSS.lock().unwrap_or_else(|e| e.into_inner());
        let ids = resolve("nobody", None).unwrap();
        let status = in_child(|| {
            drop_to(ids, "nobody").unwrap();
            let cap = format!("{:016x}", 1u64 << CAP_NET_ADMIN);
            assert_eq!(status_field("CapEff:"), cap);
            assert_eq!(status_field("CapPrm:"), cap);
            assert_eq!(status_field("CapInh:"), "0000000000000000");
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
        let _nss = NSS.lock().unwrap_or_else(|e| e.into_inner());
        let status =
            in_child(|| drop_to(Ids { uid: 0, gid: 0 }, "root") == Err(DropError::StillRoot));
        assert_eq!(status, 0);
        let mut msg = heapless::String::<64>::new();
        ufmt::uwrite!(msg, "{}", DropError::SetUid(Errno::EPERM)).unwrap();
        assert_eq!(msg, "setuid failed: Operation not permitted");
        msg.clear();
        ufmt::uwrite!(msg, "{}", DropError::StillRoot).unwrap();
        assert_eq!(msg, "still able to regain root");
    }

    #[test]
    fn bad_user_name_fails_before_any_change() {
        let long = "u".repeat(300);
        assert_eq!(
            drop_to(Ids { uid: 1, gid: 1 }, &long),
            Err(DropError::Groups(Errno(libc::ENAMETOOLONG)))
        );
    }
}
