//! Monotonic time as plain numbers. Reading the clock is `sys`'s job; the core only does
//! arithmetic, so every timer decision is a pure function of `now`.

/// Milliseconds on the monotonic clock (`CLOCK_MONOTONIC`), never wall time: immune to
/// clock steps and to 2038 on 32-bit targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub u64);

impl Instant {
    /// Milliseconds since the clock's epoch.
    pub const fn millis(self) -> u64 {
        self.0
    }

    /// `self + secs` seconds, saturating. Not inlined: 64-bit arithmetic is long on
    /// 32-bit targets.
    #[inline(never)]
    pub const fn add_secs(self, secs: u32) -> Self {
        Self(self.0.saturating_add(secs as u64 * 1000))
    }

    /// Milliseconds from `self` until `later`, zero if `later` has passed.
    #[inline(never)]
    pub const fn until(self, later: Instant) -> u64 {
        later.0.saturating_sub(self.0)
    }
}
