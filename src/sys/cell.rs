//! [`StaticCell`]: a `static` that hands out one `&'static mut` to its contents.
//!
//! The daemon keeps its multi-megabyte `Router` in such a static instead of on the stack
//! or in a heap it does not have. A `StaticCell` whose value is all zero bits (zero-length
//! tables, zero flag) is placed in `.bss`: it costs no flash and no resident memory
//! until the pages are touched.
//!
//! ```
//! use smcroute::sys::cell::StaticCell;
//! static TABLE: StaticCell<[u32; 1024]> = StaticCell::new([0; 1024]);
//! let table: &'static mut [u32; 1024] = TABLE.take().unwrap();
//! table[0] = 7;
//! assert!(TABLE.take().is_none());
//! ```

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, Ordering};

/// A value in a `static` whose unique mutable reference can be taken exactly once.
pub struct StaticCell<T> {
    /// 1 once taken. A word, not an `AtomicBool`: MIPS and ARM swap words with one
    /// load-linked/store-conditional loop, a byte only by masking it into its word.
    taken: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: the only access to `value` is the single `&mut T` that `take` hands out, once,
// guarded by an atomic swap; sharing the cell between threads therefore amounts to
// sending that `&mut T` to whichever thread won the swap, which `T: Send` permits.
unsafe impl<T: Send> Sync for StaticCell<T> {}

impl<T> StaticCell<T> {
    /// A cell holding `value`, usable as a `static` initialiser.
    pub const fn new(value: T) -> Self {
        Self {
            taken: AtomicU32::new(0),
            value: UnsafeCell::new(value),
        }
    }

    /// The unique mutable reference to the value: `Some` on the first call, `None` ever
    /// after (from any thread).
    // Handing out `&mut` from `&self` is the point; the swap makes it unique.
    #[allow(clippy::mut_from_ref)]
    // Out of line but on x86_64: the atomic swap keeps it MIPS32 code in the MIPS16e
    // builds (targets/README.md), not the daemon's start-up that takes the cell. Inlined
    // on x86_64, the daemon's start-up knows the static's address: its tables' addresses
    // are constants, not values computed from the returned pointer and spilled (-170 B).
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    pub fn take(&'static self) -> Option<&'static mut T> {
        if self.taken.swap(1, Ordering::AcqRel) != 0 {
            return None;
        }
        // SAFETY: the swap above returned 0 exactly once in the life of this
        // `'static` cell, so no other reference to `value` exists or will ever be created:
        // the `&'static mut` we return is unique. `UnsafeCell` makes mutation through a
        // shared `&'static self` legal.
        Some(unsafe { &mut *self.value.get() })
    }

    /// True once [`take`](Self::take) has handed out the reference.
    pub fn is_taken(&self) -> bool {
        self.taken.load(Ordering::Acquire) != 0
    }
}

// ===== tests =====

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_the_reference_once() {
        static CELL: StaticCell<u32> = StaticCell::new(5);
        assert!(!CELL.is_taken());
        let r = CELL.take().expect("first take");
        assert_eq!(*r, 5);
        *r = 6;
        assert!(CELL.is_taken());
        assert!(CELL.take().is_none());
        assert_eq!(*r, 6);
    }

    #[test]
    fn only_one_thread_wins() {
        static CELL: StaticCell<[u8; 4096]> = StaticCell::new([0; 4096]);
        let winners: usize = (0..8)
            .map(|_| std::thread::spawn(|| CELL.take().map(|t| t[0] = 1).is_some()))
            .map(|h| usize::from(h.join().unwrap()))
            .sum();
        assert_eq!(winners, 1);
    }

    #[test]
    fn zeroed_cell_lives_in_bss() {
        // GNU ld and lld define these around the zero-initialised section.
        extern "C" {
            static __bss_start: u8;
            static _end: u8;
        }
        static BIG: StaticCell<[u64; 1 << 16]> = StaticCell::new([0; 1 << 16]);
        let at = core::ptr::addr_of!(BIG) as usize;
        let start = core::ptr::addr_of!(__bss_start) as usize;
        let end = core::ptr::addr_of!(_end) as usize;
        assert!(start <= at && at < end, "{start:#x} <= {at:#x} < {end:#x}");
        BIG.take().unwrap()[(1 << 16) - 1] = 1;
    }
}
