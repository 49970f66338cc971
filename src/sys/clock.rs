//! The monotonic clock, read here and nowhere else: the core gets `now` as an argument.

use crate::time::Instant;

/// `clock_gettime(CLOCK_MONOTONIC, &ts)` as seconds and nanoseconds, both non-negative.
///
/// `CLOCK_MONOTONIC` cannot fail on Linux with a valid pointer; if it did, zero is
/// returned (time standing still delays timers, it breaks nothing).
fn monotonic() -> (u64, u64) {
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
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    (secs, nanos)
}

/// `clock_gettime(CLOCK_MONOTONIC)` in milliseconds: now, for the core's timers.
///
/// # References
/// `man 2 clock_gettime`
#[doc(alias = "clock_gettime")]
pub fn now() -> Instant {
    let (secs, nanos) = monotonic();
    Instant(secs.saturating_mul(1000).saturating_add(nanos / 1_000_000))
}

/// `clock_gettime(CLOCK_MONOTONIC)` in microseconds, as systemd's `MONOTONIC_USEC=`
/// wants it.
pub fn now_usec() -> u64 {
    let (secs, nanos) = monotonic();
    secs.saturating_mul(1_000_000).saturating_add(nanos / 1000)
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
