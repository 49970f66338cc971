//! Pure decoders and encoders of kernel wire formats, fuzzable without a kernel.
//!
//! Contract (as in smoltcp's `wire`): every entry point takes untrusted bytes, checks every
//! length before reading, and returns `None`/an error value instead of panicking on any
//! input. Offsets and constants are plain numbers here; `sys::abi` asserts at compile time
//! that they equal the C layouts and `libc` values of the target.

pub mod igmp;
pub mod netlink;
pub mod upcall;

/// Byte order of multi-byte fields the kernel writes in host order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl Endian {
    /// The byte order of the target we run on.
    #[cfg(target_endian = "little")]
    pub const NATIVE: Self = Self::Little;
    /// The byte order of the target we run on.
    #[cfg(target_endian = "big")]
    pub const NATIVE: Self = Self::Big;

    /// Reads a `u16` at `at`, `None` if out of bounds.
    pub fn u16(self, buf: &[u8], at: usize) -> Option<u16> {
        let b: [u8; 2] = buf.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Self::Little => u16::from_le_bytes(b),
            Self::Big => u16::from_be_bytes(b),
        })
    }

    /// Reads a `u32` at `at`, `None` if out of bounds.
    pub fn u32(self, buf: &[u8], at: usize) -> Option<u32> {
        let b: [u8; 4] = buf.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Self::Little => u32::from_le_bytes(b),
            Self::Big => u32::from_be_bytes(b),
        })
    }

    /// Bytes of `v` in this order.
    pub fn u16_bytes(self, v: u16) -> [u8; 2] {
        match self {
            Self::Little => v.to_le_bytes(),
            Self::Big => v.to_be_bytes(),
        }
    }

    /// Bytes of `v` in this order.
    pub fn u32_bytes(self, v: u32) -> [u8; 4] {
        match self {
            Self::Little => v.to_le_bytes(),
            Self::Big => v.to_be_bytes(),
        }
    }
}

/// `N` bytes at `at`, `None` if out of bounds.
pub(crate) fn array<const N: usize>(buf: &[u8], at: usize) -> Option<[u8; N]> {
    buf.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// Deterministic pseudo-random bytes for the no-panic loops of the decoder tests.
#[cfg(test)]
pub(crate) mod xorshift {
    /// Marsaglia's xorshift64.
    pub struct Rng(pub u64);

    impl Rng {
        pub fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        /// Fills `buf` with a random length (up to its size) of random bytes, biased
        /// towards small values so length fields are often plausible.
        pub fn fill<'a>(&mut self, buf: &'a mut [u8]) -> &'a [u8] {
            let len = (self.next() as usize) % (buf.len() + 1);
            for b in buf[..len].iter_mut() {
                let r = self.next();
                *b = if r & 3 == 0 {
                    (r >> 8) as u8 & 0x1f
                } else {
                    (r >> 8) as u8
                };
            }
            &buf[..len]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endian_reads_and_bounds() {
        let b = [1, 2, 3, 4];
        assert_eq!(Endian::Little.u16(&b, 0), Some(0x0201));
        assert_eq!(Endian::Big.u16(&b, 2), Some(0x0304));
        assert_eq!(Endian::Big.u32(&b, 0), Some(0x0102_0304));
        assert_eq!(Endian::Little.u32(&b, 1), None);
        assert_eq!(Endian::Little.u16(&b, usize::MAX), None);
        assert_eq!(Endian::Big.u32_bytes(0x0102_0304), b);
        assert_eq!(Endian::Little.u16_bytes(0x0201), [1, 2]);
        assert_eq!(array::<2>(&b, 3), None);
        assert_eq!(array::<2>(&b, 2), Some([3, 4]));
    }
}
