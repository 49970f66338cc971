//! Socket calls shared by every backend (`socket`, `setsockopt`, `recv`, `ioctl`): the
//! same POSIX calls on Linux and FreeBSD, only the structs passed through them differ.

use core::mem::size_of;

use libc::{c_int, c_void};

use super::{call, Fd};
use crate::errno::Errno;

/// `socket(domain, ty | SOCK_CLOEXEC, protocol)`.
pub fn socket(domain: c_int, ty: c_int, protocol: c_int) -> Result<Fd, Errno> {
    let fd = call::socket(domain, ty | libc::SOCK_CLOEXEC, protocol)?;
    Ok(Fd::from_raw(fd))
}

/// `setsockopt(fd, level, name, value, sizeof(T))`.
pub fn setsockopt<T: Copy>(fd: &Fd, level: c_int, name: c_int, value: &T) -> Result<(), Errno> {
    let ptr: *const T = value;
    // SAFETY: `ptr` points to a live `T` of exactly `size_of::<T>()` bytes.
    unsafe { setsockopt_raw(fd, level, name, ptr.cast(), size_of::<T>()) }
}

/// `setsockopt(fd, level, name, value, len)` with the first `len` bytes of `value` (at
/// most all of it): for a request whose shorter form is a prefix of a longer struct.
pub fn setsockopt_prefix<T: Copy>(
    fd: &Fd,
    level: c_int,
    name: c_int,
    value: &T,
    len: usize,
) -> Result<(), Errno> {
    let ptr: *const T = value;
    // SAFETY: `ptr` points to a live `T`; at most `size_of::<T>()` bytes of it are read.
    unsafe { setsockopt_raw(fd, level, name, ptr.cast(), len.min(size_of::<T>())) }
}

/// `setsockopt` with a byte string value (`SO_BINDTODEVICE`).
pub fn setsockopt_bytes(fd: &Fd, level: c_int, name: c_int, value: &[u8]) -> Result<(), Errno> {
    // SAFETY: `value` is valid for reads of `value.len()` bytes.
    unsafe { setsockopt_raw(fd, level, name, value.as_ptr().cast(), value.len()) }
}

/// The one `setsockopt` call every typed wrapper shares (out of line: one copy rather
/// than one per option set).
///
/// # Safety
///
/// `value` must be valid for reads of `len` bytes.
#[inline(never)]
unsafe fn setsockopt_raw(
    fd: &Fd,
    level: c_int,
    name: c_int,
    value: *const c_void,
    len: usize,
) -> Result<(), Errno> {
    // SAFETY: `fd` is open; the caller guarantees `value` is readable for `len` bytes,
    // the length we pass, and the kernel only reads it.
    unsafe { call::setsockopt(fd.raw(), level, name, value, len as _) }?;
    Ok(())
}

/// `setsockopt` of an `int`.
pub fn setsockopt_int(fd: &Fd, level: c_int, name: c_int, value: c_int) -> Result<(), Errno> {
    setsockopt(fd, level, name, &value)
}

/// `recv(fd, buf, len, flags)`. In line at its three callers on x86_64 (-25 B).
#[cfg_attr(target_arch = "x86_64", inline(always))]
pub fn recv(fd: &Fd, buf: &mut [u8], flags: c_int) -> Result<usize, Errno> {
    // SAFETY: `fd` is open; `buf` is valid for writes of `buf.len()` bytes.
    unsafe { super::call::recv(fd.raw(), buf.as_mut_ptr().cast(), buf.len(), flags) }
}

/// `ioctl(fd, request, arg)` for a request that reads and writes one `T`.
pub fn ioctl_rw<T: Copy>(fd: &Fd, request: libc::c_ulong, arg: &mut T) -> Result<(), Errno> {
    let ptr: *mut T = arg;
    // SAFETY: `fd` is open; `ptr` points to a live, exclusively borrowed `T`, which is the
    // argument type of `request` (checked by the layout assertions in `abi`).
    unsafe { call::ioctl(fd.raw(), request, ptr.cast::<c_void>()) }?;
    Ok(())
}

pub fn in_addr(a: [u8; 4]) -> libc::in_addr {
    // s_addr holds the address in network order, i.e. the bytes in memory order.
    libc::in_addr {
        s_addr: u32::from_ne_bytes(a),
    }
}
