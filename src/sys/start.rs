//! The program's entry point on the x86_64 glibc row, linked without the C runtime's start
//! files (`-nostartfiles`, set with `--cfg smcroute_own_start` in
//! `targets/x86_64-unknown-linux-gnu.toml`).
//!
//! glibc's `Scrt1.o`, `crti.o`, `crtbeginS.o` and `crtendS.o` bring, besides `_start`,
//! the transactional-memory clone tables, `__do_global_dtors_aux`/`frame_dummy`, `_init`/
//! `_fini`, their `.init_array`/`.fini_array` slots, a PLT for `__cxa_finalize`, an
//! `.eh_frame` and four weak imports: machinery for C++ static destructors and unwinding
//! that a `no_std`, `panic = "abort"` program has no use for (~800 B of the file).
//!
//! `_start` below is glibc's own `sysdeps/x86_64/start.S` (glibc >= 2.34, whose
//! `__libc_start_main` takes no `init`/`fini`: both are passed as null, as its `Scrt1.o`
//! does): it hands `main`, `argc`, `argv`, the dynamic linker's `rtld_fini` and the stack
//! end to `__libc_start_main`, which sets up libc, runs the ELF constructors of every
//! loaded object (we have none) and calls `exit(main(...))`.
//!
//! It calls `__libc_start_main` by its first version, GLIBC_2.2.5: since 2.34 glibc
//! exports that one and GLIBC_2.34's at the same address (the new version only marks
//! binaries that no longer pass `init`/`fini`), and earlier glibc skips a null `init` and
//! `fini`. So the program needs no GLIBC_2.34 version (-16 B), nor glibc 2.34 for its
//! start.
//!
//! # References
//! glibc `sysdeps/x86_64/start.S`, `csu/libc-start.c`; System V AMD64 ABI §3.4.1 (the
//! process stack at entry: `argc` at `%rsp`, `argv` above it, `%rdx` the function for
//! `atexit`).

core::arch::global_asm!(
    ".symver __libc_start_main_v2_2_5, __libc_start_main@GLIBC_2.2.5",
    ".text",
    ".globl _start",
    ".type _start, @function",
    "_start:",
    // The outermost frame: no return address, no frame pointer (ABI §3.4.1).
    "xor ebp, ebp",
    // rtld_fini, which the dynamic linker left in rdx, is the 6th argument.
    "mov r9, rdx",
    // argc (2nd argument), then argv (3rd) is where the stack now points.
    "pop rsi",
    "mov rdx, rsp",
    // 16-byte alignment for the call; the pushes keep it and give stack_end (7th).
    "and rsp, -16",
    "push rax",
    "push rsp",
    // init and fini (4th and 5th): none since glibc 2.34.
    "xor r8d, r8d",
    "xor ecx, ecx",
    "lea rdi, [rip + main]",
    "call [rip + __libc_start_main_v2_2_5@GOTPCREL]",
    // __libc_start_main never returns.
    "hlt",
    ".size _start, . - _start",
);

// The three memory routines the compiler calls for copies, fills and slice comparisons.
// Ours instead of glibc's: each import costs ~80 B of dynamic tables (symbol, name, version,
// GOT slot, relocation) and each call an indirect `call *GOT(%rip)`, while the string
// instructions do the whole job in a few bytes. The compiler still reaches them through the
// GOT, as if imported; the linker makes those references direct (`-Z
// relax-elf-relocations`) and keeps the symbols out of `.dynsym` (targets/local.ver), so
// libc keeps its own versions for its own calls. The copies here are small (addresses,
// names, kernel requests of a few hundred bytes at most) and `rep movsb`/`rep stosb` are
// fast on every x86_64 with ERMS. x86_64 smcrouted -224 B, smcroutectl -160 B.

/// # Safety
/// `dest` and `src` are valid for `n` bytes and do not overlap (C's `memcpy`).
#[no_mangle]
unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract above is `rep movsb`'s: it copies rcx bytes from
    // [rsi] to [rdi] upwards (the direction flag is clear at every call, by the ABI).
    unsafe {
        core::arch::asm!("rep movsb", inout("rcx") n => _, inout("rdi") dest => _,
            inout("rsi") src => _, options(nostack, preserves_flags));
    }
    dest
}

/// # Safety
/// `dest` is valid for `n` bytes (C's `memset`).
#[no_mangle]
unsafe extern "C" fn memset(dest: *mut u8, byte: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract above is `rep stosb`'s: it stores al to rcx bytes from
    // [rdi] upwards (direction flag clear by the ABI).
    unsafe {
        core::arch::asm!("rep stosb", inout("rcx") n => _, inout("rdi") dest => _,
            in("al") byte as u8, options(nostack, preserves_flags));
    }
    dest
}

/// # Safety
/// `a` and `b` are valid for `n` bytes (C's `bcmp`: 0 when they are equal).
#[no_mangle]
unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let differ: i32;
    // SAFETY: the caller's contract above is `repe cmpsb`'s: it reads at most rcx bytes
    // from [rsi] and [rdi]. `xor` sets ZF first, so n == 0 (no comparison made) answers
    // "equal"; otherwise ZF is that of the last comparison made.
    unsafe {
        core::arch::asm!("xor eax, eax", "repe cmpsb", "setne al", out("eax") differ,
            inout("rcx") n => _, inout("rsi") a => _,
            inout("rdi") b => _, options(nostack, readonly));
    }
    differ
}
