//! `syscall(2)` of our own on x86_64 with glibc, with glibc's contract (the result, or -1
//! with `errno` set for a kernel result in `-4095..=-1`), made in line: the number in
//! `rax`, the arguments straight in the kernel's registers, and a call to one local
//! function that runs the `syscall` instruction and sets `errno` on failure. Against
//! glibc's `syscall` each call site loses the shift of every argument into the next
//! register, the variadic call's `al` and the call through the GOT, and keeps the
//! registers the kernel keeps (only `rax`, `rcx` and `r11` change), and the program loses
//! the import (its symbol, name, version, GOT slot and relocation).
//!
//! # References
//! glibc `sysdeps/unix/sysv/linux/x86_64/syscall.S`; `man 2 syscall` (x86-64: number in
//! `rax`, arguments in `rdi`, `rsi`, `rdx`, `r10`, `r8`, `r9`; `rcx` and `r11` clobbered).

// `smcroute_syscall`: `syscall`, and for a result in -4095..=-1 `errno = -result` and -1.
// Only `rax`, `rcx` and `r11` change among the general registers, as across the
// instruction itself: the error path keeps the argument registers, which
// `__errno_location` may clobber, on the stack (the call sites give up the SSE registers). At
// entry the stack is 8 bytes off a 16-byte boundary (the caller's `call`); the seven
// pushes bring it onto one for the call.
core::arch::global_asm!(
    ".text",
    ".globl smcroute_syscall",
    ".hidden smcroute_syscall",
    ".type smcroute_syscall, @function",
    "smcroute_syscall:",
    "syscall",
    "cmp rax, -4095",
    "jae .Lsmcroute_syscall_error",
    "ret",
    ".Lsmcroute_syscall_error:",
    "push rdi",
    "push rsi",
    "push rdx",
    "push r8",
    "push r9",
    "push r10",
    "neg eax",
    "push rax",
    "call [rip + __errno_location@GOTPCREL]",
    "pop rcx",
    "mov [rax], ecx",
    "pop r10",
    "pop r9",
    "pop r8",
    "pop rdx",
    "pop rsi",
    "pop rdi",
    "or rax, -1",
    "ret",
    ".size smcroute_syscall, . - smcroute_syscall",
);
