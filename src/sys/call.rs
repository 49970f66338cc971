//! libc calls whose static musl wrappers link much more than the call: on Linux they are
//! made here as the raw system call (`syscall(2)`, which returns -1 and sets `errno` on
//! failure, exactly like the wrapper did); on FreeBSD they stay the libc functions.
//!
//! Each function has the libc signature and contract, so a call site only swaps
//! `libc::name` for `call::name`; its `// SAFETY:` comment still holds. Arguments are
//! widened to `c_long` (or passed as pointers) because `syscall` reads `long`s.
//!
//! What musl's wrapper does beyond the system call, and why we do not need it, is noted
//! on each function. Measured on a static mipsel build; see the commit messages.

#[cfg(target_os = "linux")]
use libc::{c_long, SYS_clone};

/// `fork()` as `clone(SIGCHLD, 0, 0, 0, 0)` (aarch64 has no `SYS_fork`; the unused
/// arguments are zero in every architecture's argument order).
///
/// musl's `fork` (~3 KB static: atfork handlers, the thread-list and libc locks, rwlocks
/// and their timed waits) exists to make the child of a multi-threaded process usable.
/// Our processes have one thread whenever they fork. What the raw call leaves behind is
/// libc's cached thread id, which in the child is still the parent's; it is read only by
/// calls that signal or lock by thread id (`raise`, `abort`, `pthread_kill`, recursive
/// or robust mutexes, stdio locks), none of which the programs use: the script child
/// only changes a signal action and `execve`s or `_exit`s, and the daemon child of
/// `daemonize` uses plain system calls, `malloc`-free libc and panics by trapping.
/// `getpid` is a real system call in musl and glibc (no cached pid).
///
/// # Safety
/// As `fork(2)` in a single-threaded process: the child must not rely on libc's cached
/// thread id (see above).
#[cfg(target_os = "linux")]
pub unsafe fn fork() -> libc::pid_t {
    let flags = libc::SIGCHLD as c_long;
    // SAFETY: a clone without CLONE_VM, stack, TLS or tid pointers is a plain fork: the
    // child runs on its own copy of this stack and returns 0 from here. The caller
    // upholds the conditions above.
    let rc = unsafe {
        libc::syscall(
            SYS_clone,
            flags,
            0 as c_long,
            0 as c_long,
            0 as c_long,
            0 as c_long,
        )
    };
    rc as libc::pid_t
}

/// `fork()`.
///
/// # Safety
/// As `fork(2)`.
#[cfg(not(target_os = "linux"))]
pub unsafe fn fork() -> libc::pid_t {
    // SAFETY: the caller upholds `fork`'s contract.
    unsafe { libc::fork() }
}
