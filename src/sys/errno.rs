//! Proof that the pure [`crate::errno::Errno`] numbers are this target's `libc` values
//! (Linux per architecture, FreeBSD).

use static_assertions::const_assert_eq;

use crate::errno::Errno;

macro_rules! same {
    ($($name:ident),* $(,)?) => {
        $(const_assert_eq!(Errno::$name.get(), libc::$name);)*
    };
}

same!(
    EPERM,
    ENOENT,
    EINTR,
    EBADF,
    EAGAIN,
    ENOMEM,
    EACCES,
    EBUSY,
    EEXIST,
    ENODEV,
    EISDIR,
    EINVAL,
    ENFILE,
    EMFILE,
    ENOSPC,
    EPIPE,
    ENAMETOOLONG,
    EMSGSIZE,
    ENOPROTOOPT,
    EOPNOTSUPP,
    EADDRINUSE,
    EADDRNOTAVAIL,
    ENETDOWN,
    ENETUNREACH,
    ENOBUFS,
    ECONNREFUSED,
    EALREADY,
    EBADMSG,
);
