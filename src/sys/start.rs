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
//! # References
//! glibc `sysdeps/x86_64/start.S`, `csu/libc-start.c`; System V AMD64 ABI §3.4.1 (the
//! process stack at entry: `argc` at `%rsp`, `argv` above it, `%rdx` the function for
//! `atexit`).

core::arch::global_asm!(
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
    "call [rip + __libc_start_main@GOTPCREL]",
    // __libc_start_main never returns.
    "hlt",
    ".size _start, . - _start",
);
