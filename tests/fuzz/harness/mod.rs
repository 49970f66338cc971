//! Fuzz harnesses shared by both fuzzers: the cargo-fuzz targets (`tests/fuzz/fuzz_targets/`,
//! through this crate's lib) and the seeded in-suite loop (`tests/fuzz_props.rs`, which
//! includes this module by path). Each `fn(&[u8])` takes arbitrary bytes, runs one decoder
//! of the lib on them and panics only when an invariant of that decoder is broken.
//!
//! Std is fine here: this is test code, never part of the no_std programs.

pub mod decoders;
pub mod rng;
pub mod router;
pub mod seeds;

/// A cursor over fuzz input that never fails: past the end every read is 0.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.u8()) % n
    }

    /// One element of `pool`.
    pub fn pick<T: Copy>(&mut self, pool: &[T]) -> T {
        pool[self.below(pool.len())]
    }

    /// Up to `max` raw bytes.
    pub fn take(&mut self, max: usize) -> &'a [u8] {
        let n = self.below(max + 1);
        let start = self.pos.min(self.data.len());
        let end = (start + n).min(self.data.len());
        self.pos = start + n;
        &self.data[start..end]
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        let start = self.pos.min(self.data.len());
        self.pos = self.data.len();
        &self.data[start..]
    }
}
