//! `errno` values as a pure type. The numbers differ per operating system (FreeBSD has the
//! BSD table) and per Linux architecture (MIPS has its own), so the named constants are
//! chosen by `target_os`/`target_arch` here and checked against the `libc` crate in
//! `sys::errno` for every target we build.

use core::num::NonZeroI32;

use ufmt::{uDisplay, uWrite, Formatter};

use crate::fmt::utf8_prefix;
use crate::texts::{put_unpacked, separated, separated_len};

/// An `errno` value returned by a system call.
///
/// Non-zero inside, so that `Option<Errno>` and `Result<(), Errno>` are one register
/// rather than a tag and a value (errno 0 is no error; it is kept, as `i32::MIN`, which no
/// call sets, so that even a stray 0 still prints as "Unknown error 0").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Errno(NonZeroI32);

impl Errno {
    /// The value `n` (0 stored as `i32::MIN`).
    pub const fn new(n: i32) -> Self {
        match NonZeroI32::new(n) {
            Some(n) => Self(n),
            None => Self(NonZeroI32::MIN),
        }
    }

    /// The number, as [`Errno::new`] got it.
    pub const fn get(self) -> i32 {
        match self.0.get() {
            i32::MIN => 0,
            n => n,
        }
    }
}

/// The numbers from Unix V7, the same on every ABI this builds for (Linux, all
/// architectures, and FreeBSD; `EAGAIN` is not among them).
mod v7 {
    pub const EPERM: i32 = 1;
    pub const ENOENT: i32 = 2;
    pub const EINTR: i32 = 4;
    pub const EBADF: i32 = 9;
    pub const ENOMEM: i32 = 12;
    pub const EACCES: i32 = 13;
    pub const EBUSY: i32 = 16;
    pub const EEXIST: i32 = 17;
    pub const ENODEV: i32 = 19;
    pub const EISDIR: i32 = 21;
    pub const EINVAL: i32 = 22;
    pub const ENFILE: i32 = 23;
    pub const EMFILE: i32 = 24;
    pub const ENOSPC: i32 = 28;
    pub const EPIPE: i32 = 32;
}

#[cfg(not(any(target_os = "freebsd", target_arch = "mips", target_arch = "mips64")))]
mod nums {
    pub use super::v7::*;
    pub const EAGAIN: i32 = 11;
    pub const ENAMETOOLONG: i32 = 36;
    pub const EMSGSIZE: i32 = 90;
    pub const ENOPROTOOPT: i32 = 92;
    pub const EOPNOTSUPP: i32 = 95;
    pub const EADDRINUSE: i32 = 98;
    pub const EADDRNOTAVAIL: i32 = 99;
    pub const ENETDOWN: i32 = 100;
    pub const ENETUNREACH: i32 = 101;
    pub const ENOBUFS: i32 = 105;
    pub const ECONNREFUSED: i32 = 111;
    pub const EALREADY: i32 = 114;
    pub const EBADMSG: i32 = 74;
}

#[cfg(all(
    not(target_os = "freebsd"),
    any(target_arch = "mips", target_arch = "mips64")
))]
mod nums {
    pub use super::v7::*;
    pub const EAGAIN: i32 = 11;
    pub const ENAMETOOLONG: i32 = 78;
    pub const EMSGSIZE: i32 = 97;
    pub const ENOPROTOOPT: i32 = 99;
    pub const EOPNOTSUPP: i32 = 122;
    pub const EADDRINUSE: i32 = 125;
    pub const EADDRNOTAVAIL: i32 = 126;
    pub const ENETDOWN: i32 = 127;
    pub const ENETUNREACH: i32 = 128;
    pub const ENOBUFS: i32 = 132;
    pub const ECONNREFUSED: i32 = 146;
    pub const EALREADY: i32 = 149;
    pub const EBADMSG: i32 = 77;
}

/// FreeBSD's `<sys/errno.h>` (every architecture).
#[cfg(target_os = "freebsd")]
mod nums {
    pub use super::v7::*;
    pub const EAGAIN: i32 = 35;
    pub const ENAMETOOLONG: i32 = 63;
    pub const EMSGSIZE: i32 = 40;
    pub const ENOPROTOOPT: i32 = 42;
    pub const EOPNOTSUPP: i32 = 45;
    pub const EADDRINUSE: i32 = 48;
    pub const EADDRNOTAVAIL: i32 = 49;
    pub const ENETDOWN: i32 = 50;
    pub const ENETUNREACH: i32 = 51;
    pub const ENOBUFS: i32 = 55;
    pub const ECONNREFUSED: i32 = 61;
    pub const EALREADY: i32 = 37;
    pub const EBADMSG: i32 = 89;
}

macro_rules! errnos {
    (
        $($name:ident => $text:literal,)* ;
        $($other_text:literal,)*
    ) => {
        impl Errno {
            $(
                #[doc = $text]
                pub const $name: Errno = Errno::new(nums::$name);
            )*
        }

        /// The values with a text, in the order of [`PACKED_PARTS`]; bytes, as every value
        /// with a text is below 256 on every ABI (a quarter of an `i32` table).
        const NUMS: &[u8] = &[$(nums::$name as u8,)*];
        const _: () = assert!($(nums::$name < 256 &&)* true);

        /// The texts of the values of [`NUMS`], then those of the [`Text`]s of no errno.
        const PACKED_PARTS: &[&[u8]] = &[$($text.as_bytes(),)* $($other_text.as_bytes(),)*];
    };
}

/// One of the errno texts (the IPC wire errors and `args` share them), or of the few
/// others that share their lookup (the wire errors' own wording): its place in
/// [`PACKED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text(u8);

impl Text {
    /// The text of `e`, a value of the table (a compile error otherwise).
    pub const fn of(e: Errno) -> Self {
        let mut i = 0;
        while i < NUMS.len() {
            if NUMS[i] as i32 == e.get() {
                return Self(i as u8);
            }
            i += 1;
        }
        panic!("errno without a plain text");
    }

    /// Writes the wording through `put`.
    pub fn put(self, put: &mut dyn FnMut(&[u8])) {
        put_unpacked(&PACKED, usize::from(self.0) + 1, put, b"");
    }
}

crate::packed_after_help! {
    /// [`PACKED_PARTS`] [packed](crate::texts::pack) after the help texts, as
    /// [`put_unpacked`] takes them: "Operation not", "Too many open files", "Network is",
    /// "No such" are references (a text of the log only, written through its writer). The
    /// wire errors' texts too, written through [`Text::put`] (no table of plain `&str`s:
    /// x86_64 smcrouted -40 B, smcroutectl -80 B; mipsel -48 B, smcroutectl -128 B).
    static PACKED = PACKED_CODED;
}
pub(crate) const PACKED_SEPARATED: [u8; separated_len(PACKED_PARTS)] = separated(PACKED_PARTS);
/// [`PACKED_SEPARATED`] byte-pair [coded](crate::texts::Coded), once.
const PACKED_CODED: crate::texts::Coded = crate::texts::Coded::of(&PACKED_SEPARATED);

errnos! {
    // The IPC wire errors' texts first.
    EINVAL => "Invalid argument",
    EMSGSIZE => "Message too long",
    ENOBUFS => "No buffer space available",
    EBADMSG => "Bad message",
    EPERM => "Operation not permitted",
    ENOENT => "No such file or directory",
    EINTR => "Interrupted system call",
    EBADF => "Bad file descriptor",
    EAGAIN => "Resource temporarily unavailable",
    ENOMEM => "Cannot allocate memory",
    EACCES => "Permission denied",
    EBUSY => "Device or resource busy",
    EEXIST => "File exists",
    ENODEV => "No such device",
    EISDIR => "Is a directory",
    ENFILE => "Too many open files in system",
    EMFILE => "Too many open files",
    ENOSPC => "No space left on device",
    EPIPE => "Broken pipe",
    ENAMETOOLONG => "File name too long",
    ENOPROTOOPT => "Protocol not available",
    EOPNOTSUPP => "Operation not supported",
    EADDRINUSE => "Address already in use",
    EADDRNOTAVAIL => "Cannot assign requested address",
    ENETDOWN => "Network is down",
    ENETUNREACH => "Network is unreachable",
    ECONNREFUSED => "Connection refused",
    EALREADY => "Operation already in progress",
    ;
    // The other texts, in the order of their [`Text`] constants.
    "Bad message length",
    "Argument list too long",
    "Invalid or incomplete multibyte or wide character",
}

impl Text {
    /// A frame's length field is wrong (no errno's wording).
    pub const BAD_LENGTH: Text = Text(NUMS.len() as u8);
    /// `E2BIG`'s glibc wording, which no errno of the table has here.
    pub const ARG_LIST_TOO_LONG: Text = Text(NUMS.len() as u8 + 1);
    /// `EILSEQ`'s glibc wording, which no errno of the table has here.
    pub const NOT_MULTIBYTE: Text = Text(NUMS.len() as u8 + 2);
}

impl uDisplay for Errno {
    /// The `strerror` text, or `Unknown error N` for values outside the table.
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match NUMS.iter().position(|&n| i32::from(n) == self.get()) {
            Some(i) => {
                let mut result = Ok(());
                Text(i as u8).put(&mut |piece| {
                    if result.is_ok() {
                        result = f.write_str(utf8_prefix(piece));
                    }
                });
                result
            }
            None => {
                f.write_str("Unknown error ")?;
                // The number as every other number of the log: no `ufmt` integer code.
                crate::net::write_i64(f, i64::from(self.get()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(e: Errno) -> heapless::String<64> {
        let mut s = heapless::String::new();
        ufmt::uwrite!(s, "{}", e).unwrap();
        s
    }

    fn text(t: Text) -> std::vec::Vec<u8> {
        let mut out = std::vec::Vec::new();
        t.put(&mut |piece| out.extend_from_slice(piece));
        out
    }

    #[test]
    fn texts_follow_their_numbers() {
        // The errno texts, then the three others.
        assert_eq!(NUMS.len() + 3, PACKED_PARTS.len());
        assert_eq!(text(Text(PACKED_PARTS.len() as u8)), b"");
        assert_eq!(text(Text::BAD_LENGTH), b"Bad message length");
        assert_eq!(text(Text::ARG_LIST_TOO_LONG), b"Argument list too long");
        assert_eq!(
            text(Text::NOT_MULTIBYTE),
            b"Invalid or incomplete multibyte or wide character"
        );
        assert_eq!(text(Text::of(Errno::EBADMSG)), b"Bad message");
        assert_eq!(show(Errno::EPERM), "Operation not permitted");
        assert_eq!(show(Errno::EINVAL), "Invalid argument");
        assert_eq!(show(Errno::EBADMSG), "Bad message");
        assert_eq!(show(Errno::EADDRINUSE), "Address already in use");
        assert_eq!(show(Errno::EALREADY), "Operation already in progress");
        // Every packed text unpacks as it was.
        for (i, &part) in PACKED_PARTS.iter().enumerate() {
            assert_eq!(text(Text(i as u8)), part);
            if let Some(&n) = NUMS.get(i) {
                assert_eq!(show(Errno::new(i32::from(n))).as_bytes(), part);
            }
        }
        assert_eq!(show(Errno::new(0)), "Unknown error 0");
        assert_eq!(show(Errno::new(-5)), "Unknown error -5");
        assert_eq!(show(Errno::new(4095)), "Unknown error 4095");
        assert_eq!(show(Errno::new(i32::MIN + 1)), "Unknown error -2147483647");
        // 0 has the place of `i32::MIN`, which no call sets.
        assert_eq!(Errno::new(0).get(), 0);
        assert_ne!(Errno::new(0), Errno::new(1));
    }
}
