//! The monotonic clock, read here and nowhere else: the core gets `now` as an argument.

use crate::time::Instant;

/// `clock_gettime(CLOCK_MONOTONIC, &ts)` as seconds and nanoseconds, both non-negative;
/// nanoseconds (< 10^9) as `u32`, so that dividing them needs no 64-bit division
/// routine on 32-bit targets.
///
/// `CLOCK_MONOTONIC` cannot fail on Linux with a valid pointer; if it did, zero is
/// returned (time standing still delays timers, it breaks nothing).
///
/// Linux: the raw system call. musl's `clock_gettime` looks the vDSO up first (an ELF
/// symbol-table walk, ~1.7 KB static); the daemon reads the clock a few times per event,
/// where a system call costs nothing worth saving. 32-bit ABIs try `clock_gettime64`
/// (Linux 5.1+) and fall back to the 32-bit call, whose seconds since boot last 68 years,
/// so no 2038 limit applies either way.
#[cfg(target_os = "linux")]
fn monotonic() -> (u64, u32) {
    let clock = libc::CLOCK_MONOTONIC as libc::c_long;
    // `struct __kernel_timespec` of `clock_gettime64`: two 64-bit fields. On 64-bit ABIs
    // the plain call's `timespec` (two `long`s) is the same.
    let mut ts: [i64; 2] = [0; 2];
    #[cfg(target_pointer_width = "32")]
    {
        // `__NR_clock_gettime64`: 403 on every 32-bit ABI, in MIPS o32's 4000 range there
        // (`ENOSYS` before Linux 5.1).
        #[cfg(target_arch = "mips")]
        const SYS_CLOCK_GETTIME64: libc::c_long = 4403;
        #[cfg(not(target_arch = "mips"))]
        const SYS_CLOCK_GETTIME64: libc::c_long = 403;
        // SAFETY: `ts` is a live, writable `__kernel_timespec`, the only memory written.
        if unsafe { syscall!(SYS_CLOCK_GETTIME64, clock, ts.as_mut_ptr()) }.is_err() {
            // The kernel's `timespec` of the 32-bit call is two `long`s.
            let mut ts32: [libc::c_long; 2] = [0; 2];
            // SAFETY: `ts32` is a live, writable pair of `long`s, the only memory written.
            if unsafe { syscall!(libc::SYS_clock_gettime, clock, ts32.as_mut_ptr()) }.is_err() {
                return (0, 0);
            }
            ts = [ts32[0].into(), ts32[1].into()];
        }
    }
    #[cfg(target_pointer_width = "64")]
    {
        // SAFETY: `ts` is a live, writable pair of 64-bit `long`s, the only memory the
        // call writes.
        if unsafe { syscall!(libc::SYS_clock_gettime, clock, ts.as_mut_ptr()) }.is_err() {
            return (0, 0);
        }
    }
    let [secs, nanos] = ts;
    (
        u64::try_from(secs).unwrap_or(0),
        u32::try_from(nanos).unwrap_or(0),
    )
}

/// `clock_gettime(CLOCK_MONOTONIC, &ts)` as seconds and nanoseconds, both non-negative.
///
/// `CLOCK_MONOTONIC` cannot fail with a valid pointer; if it did, zero is returned (time
/// standing still delays timers, it breaks nothing).
#[cfg(not(target_os = "linux"))]
fn monotonic() -> (u64, u32) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a live, writable `timespec`, the only argument the call writes.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    if rc != 0 {
        return (0, 0);
    }
    // `time_t` and `long` are 32 bits on 32-bit targets: widen each before multiplying.
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(ts.tv_nsec).unwrap_or(0);
    (secs, nanos)
}

/// `clock_gettime(CLOCK_MONOTONIC)` in milliseconds: now, for the core's timers.
///
/// # References
/// `man 2 clock_gettime`
#[doc(alias = "clock_gettime")]
pub fn now() -> Instant {
    Instant(monotonic_in(1000))
}

/// `clock_gettime(CLOCK_MONOTONIC)` in microseconds, as systemd's `MONOTONIC_USEC=`
/// wants it.
pub fn now_usec() -> u64 {
    monotonic_in(1_000_000)
}

/// The monotonic clock in units of which a second has `per_sec` (1000 or 1,000,000):
/// one copy of the 64-bit arithmetic for both.
#[inline(never)]
fn monotonic_in(per_sec: u32) -> u64 {
    let (secs, nanos) = monotonic();
    let nanos_per_unit = (1_000_000_000 / per_sec.max(1)).max(1);
    // Wrapping, not saturating: seconds since boot times 10^6 reach 2^64 after 584,000
    // years, and the overflow checks of a 64-bit product are long on 32-bit routers.
    secs.wrapping_mul(u64::from(per_sec))
        .wrapping_add(u64::from(nanos / nanos_per_unit))
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_and_agrees_with_std() {
        let a = now();
        let usec = now_usec();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = now();
        assert!(b.millis() >= a.millis() + 20, "{a:?} -> {b:?}");
        assert!(b.millis() < a.millis() + 5000);
        // Same clock, coarser unit.
        assert!(usec / 1000 >= a.millis() && usec / 1000 <= b.millis());
    }
}
