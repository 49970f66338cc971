//! Program entry without std: libc's C runtime calls `main(argc, argv)`.
//!
//! [`program!`](crate::program) expands, in a binary crate, to that `main` and to a panic
//! handler that aborts. Its unsafe code is written here, in `sys`.

use core::ffi::{c_char, c_int};
use core::mem::MaybeUninit;

/// The process arguments, borrowed for the life of the program.
#[derive(Clone, Copy)]
pub struct Args {
    argc: usize,
    argv: *const *const c_char,
}

impl Args {
    /// Wraps the arguments the C runtime passed to `main`.
    ///
    /// # Safety
    /// `argv` must point to `argc` valid NUL-terminated strings that live as long as the
    /// process, as the C runtime guarantees for `main`'s arguments.
    pub unsafe fn from_raw(argc: c_int, argv: *const *const c_char) -> Self {
        Self {
            argc: argc.max(0) as usize,
            argv,
        }
    }

    /// Number of arguments including the program name.
    pub fn len(&self) -> usize {
        self.argc
    }

    /// True if there are no arguments at all (not even the program name).
    pub fn is_empty(&self) -> bool {
        self.argc == 0
    }

    /// Argument `i` as bytes (without the NUL).
    pub fn get(&self, i: usize) -> Option<&'static [u8]> {
        if i >= self.argc {
            return None;
        }
        let slot = self.argv.wrapping_add(i);
        // SAFETY: `i < argc`, so `slot` points inside the argv array (from_raw contract).
        let ptr = unsafe { *slot };
        // No null test: the first `argc` entries are strings (`from_raw`'s contract, C's
        // for `main`); only `argv[argc]` is null.
        // SAFETY: each argv entry is a NUL-terminated string living for the whole process.
        Some(unsafe { super::c_str_bytes(ptr) })
    }

    /// The arguments as text, program name first, written into `slots`: the slots
    /// written, or `None` if there are more arguments than slots. The daemon's and the
    /// tool's `main` share it (each had a list and an overflow test of its own): x86_64
    /// smcrouted -88 B, standalone smcroutectl +8 B; mipsel +16 B. One walk over the
    /// slots and the argv pointers together, not an iterator of [`Self::get`] with its
    /// own end test (x86_64 smcrouted -56 B, smcroutectl -16 B).
    ///
    /// Arguments that are not UTF-8 read as empty.
    pub fn words_into<'s>(
        &self,
        slots: &'s mut [MaybeUninit<&'static str>],
    ) -> Option<&'s [&'static str]> {
        let slots = slots.get_mut(..self.argc)?;
        // SAFETY: `argv` points to `argc` string pointers (`from_raw`'s contract).
        let ptrs = unsafe { core::slice::from_raw_parts(self.argv, self.argc) };
        for (slot, &ptr) in slots.iter_mut().zip(ptrs) {
            // SAFETY: each argv entry is a NUL-terminated string living for the whole
            // process (`from_raw`'s contract).
            let bytes = unsafe { super::c_str_bytes(ptr) };
            slot.write(crate::fmt::as_utf8(bytes).unwrap_or(""));
        }
        // SAFETY: every slot of `slots` was just written, and a `MaybeUninit<T>` has the
        // layout of `T`.
        Some(unsafe { &*(slots as *const [MaybeUninit<&'static str>] as *const [&'static str]) })
    }
}

/// Whether the multicall `smcrouted` runs as `smcroutectl` when started under the name
/// `argv0` (`argv[0]`): yes if its base name (after the last `/`) contains `ctl`.
///
/// So the `smcroutectl -> smcrouted` link the packages install, and renamed copies of it
/// (`smcroutectl.orig`, `smcroutectl-rs`, `mcctl`), run the control tool; every other name,
/// and none at all, runs the daemon. A daemon renamed for a second instance (`smcrouted-wan`,
/// `smcroute`, `mcrouted`) stays the daemon: SMCRoute's identity and paths come from `-i`,
/// never from the program name. When in doubt the rule leans to the tool: a daemon taken
/// for the tool fails loudly (usage error, exit 64) without touching the kernel, whereas a
/// tool taken for the daemon could start a second daemon as root.
pub fn runs_ctl(argv0: &[u8]) -> bool {
    // One pass over the name, its last three bytes kept in a word: a `ctl` counts until
    // a `/` after it (one loop, not a search for the last `/` and another for `ctl`).
    const CTL: u32 = u32::from_be_bytes([0, b'c', b't', b'l']);
    let mut last = 0u32;
    let mut found = false;
    for &b in argv0 {
        last = (last << 8 | u32::from(b)) & 0x00ff_ffff;
        if b == b'/' {
            found = false;
        } else if last == CTL {
            found = true;
        }
    }
    found
}

/// Defines `main` and the panic handler of a `#![no_std]`/`#![no_main]` program that runs
/// `$run(args: &Args) -> i32`.
#[macro_export]
macro_rules! program {
    ($run:path) => {
        #[allow(unsafe_code)]
        #[no_mangle]
        extern "C" fn main(
            argc: core::ffi::c_int,
            argv: *const *const core::ffi::c_char,
        ) -> core::ffi::c_int {
            // SAFETY: the C runtime passes `argc` NUL-terminated strings in `argv`, valid
            // for the life of the process.
            #[allow(unsafe_code)]
            let args = unsafe { $crate::sys::entry::Args::from_raw(argc, argv) };
            $run(&args)
        }

        // Unoptimised builds link the prebuilt `core`, whose unwind tables name a personality
        // routine; with `panic = "abort"` it is never called.
        #[allow(unsafe_code)]
        #[no_mangle]
        extern "C" fn rust_eh_personality() {}

        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
            $crate::sys::abort()
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{runs_ctl, Args};
    use core::mem::MaybeUninit;

    #[test]
    fn words_are_the_arguments_as_text() {
        let words: [&core::ffi::CStr; 3] = [c"smcrouted", c"-n", c"\xff"];
        let ptrs = words.map(|w| w.as_ptr());
        // SAFETY: three NUL-terminated strings that outlive `args`.
        let args = unsafe { Args::from_raw(3, ptrs.as_ptr()) };
        let mut slots = [MaybeUninit::uninit(); 4];
        assert_eq!(
            args.words_into(&mut slots),
            Some(&["smcrouted", "-n", ""][..])
        );
        let mut slots = [MaybeUninit::uninit(); 2];
        assert_eq!(args.words_into(&mut slots), None);
    }

    #[test]
    fn the_tool_names_run_the_tool() {
        for name in [
            "smcroutectl",
            "/usr/sbin/smcroutectl",
            "./smcroutectl",
            "../bin/smcroutectl",
            "smcroutectl.orig",
            "/opt/smcroutectl-rs",
            "mcctl",
            "ctl",
        ] {
            assert!(runs_ctl(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn every_other_name_runs_the_daemon() {
        for name in [
            "smcrouted",
            "/usr/sbin/smcrouted",
            "smcrouted-wan",
            "smcroute",
            "mcrouted",
            "",
            "/",
            "ct",
            "smcrouteCTL",
            // Only the base name counts: a directory named like the tool does not.
            "/opt/smcroutectl/smcrouted",
            "/usr/lib/ctl/sbin/smcrouted",
        ] {
            assert!(!runs_ctl(name.as_bytes()), "{name}");
        }
    }
}
