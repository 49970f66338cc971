//! A small `Copy` string with inline storage (slab values must be `Copy`).

use ufmt::uWrite;

use super::Full;

/// Up to `N` bytes of UTF-8 text.
///
/// On x86_64 `repr(C)`, the length first: reached with a one-byte offset also in a long
/// text (Rust would put a long buffer first; -5 B). MIPS16e measured Rust's order smaller.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(target_arch = "x86_64", repr(C))]
pub struct Text<const N: usize> {
    len: u16,
    buf: [u8; N],
}

impl<const N: usize> core::fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Only reachable from test/Debug printing; never in the daemon's text paths.
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Text<N> {
    /// Empty text.
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    /// `s` if it fits.
    pub fn of(s: &str) -> Option<Self> {
        let mut buf = [0; N];
        buf.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(Self {
            buf,
            len: u16::try_from(s.len()).ok()?,
        })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        str_of(&self.buf, self.len)
    }

    /// The bytes of the text (no UTF-8 check: for comparing and copying).
    pub fn as_bytes(&self) -> &[u8] {
        // Capped at N (which it never exceeds): the compiler then drops the fallback.
        let len = usize::from(self.len).min(N);
        self.buf.get(..len).unwrap_or(&[])
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the text (the bytes past its length are never read).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends `s` whole, or nothing if it does not fit.
    pub fn push_str(&mut self, s: &str) -> Result<(), Full> {
        push(&mut self.buf, &mut self.len, s)
    }
}

// The work of `Text<N>` on slices: one copy of the code for every capacity.

/// The first `len` bytes of `buf` as text.
#[inline(never)]
fn str_of(buf: &[u8], len: u16) -> &str {
    let bytes = buf.get(..len as usize).unwrap_or(&[]);
    // Only whole `&str`s are ever appended, so this never fails.
    crate::fmt::as_utf8(bytes).unwrap_or("")
}

/// Appends `s` whole at `len` in `buf`, or nothing if it does not fit.
// Out of line except on x86_64, where LLVM puts it in line by itself (smaller there).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
fn push(buf: &mut [u8], len: &mut u16, s: &str) -> Result<(), Full> {
    let start = *len as usize;
    let end = start.checked_add(s.len()).ok_or(Full)?;
    let end16 = u16::try_from(end).map_err(|_| Full)?;
    let dst = buf.get_mut(start..end).ok_or(Full)?;
    dst.copy_from_slice(s.as_bytes());
    *len = end16;
    Ok(())
}

impl<const N: usize> PartialEq<str> for Text<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<const N: usize> PartialEq<&str> for Text<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<const N: usize> uWrite for Text<N> {
    type Error = Full;

    fn write_str(&mut self, s: &str) -> Result<(), Full> {
        self.push_str(s)
    }
}

impl<const N: usize> ufmt::uDisplay for Text<N> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut ufmt::Formatter<'_, W>) -> Result<(), W::Error> {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_or_not() {
        let mut t = Text::<4>::new();
        assert!(t.is_empty());
        t.push_str("ab").unwrap();
        assert_eq!(t.push_str("cde"), Err(Full));
        assert_eq!(t, "ab");
        t.push_str("cd").unwrap();
        assert_eq!(t.as_str(), "abcd");
        assert_eq!(t.as_bytes(), b"abcd");
        assert_eq!(t.len(), 4);
        assert_eq!(Text::<2>::of("abc"), None);
        assert_eq!(Text::<3>::of("abc").unwrap(), "abc");
        let mut u = Text::<8>::new();
        ufmt::uwrite!(u, "{}-{}", 1u8, "x").unwrap();
        assert_eq!(u, "1-x");
        u.clear();
        assert!(u.is_empty());
        u.push_str("y").unwrap();
        assert_eq!(u, "y");
    }
}
