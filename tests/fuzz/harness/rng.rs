//! Deterministic input generation for the in-suite fuzz loop: xorshift64 random bytes and
//! a small libFuzzer-style mutator over seed corpus files.

/// Marsaglia's xorshift64 (state never 0).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    /// Random bytes of a random length up to `max`, biased to small values and to the
    /// bytes parsers care about, so length fields and keywords are often plausible.
    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = match self.below(4) {
            0 => self.below(24),
            _ => self.below(max + 1),
        };
        (0..len).map(|_| self.interesting_byte()).collect()
    }

    fn interesting_byte(&mut self) -> u8 {
        const SPECIAL: &[u8] = b"\0\n\r\t #/:+_=.\x1b\xff\x7f\x80\x01\x02\x03\x10\x11\x30";
        match self.below(8) {
            0 => SPECIAL[self.below(SPECIAL.len())],
            1 => self.byte() & 0x1f,
            2 => b'0' + self.byte() % 10,
            3 => b'a' + self.byte() % 26,
            _ => self.byte(),
        }
    }

    /// A mutation of `seed` (and sometimes a splice with `other`), at most `max` bytes.
    pub fn mutate(&mut self, seed: &[u8], other: &[u8], max: usize) -> Vec<u8> {
        let mut v = seed.to_vec();
        let rounds = 1 + self.below(4);
        for _ in 0..rounds {
            let len = v.len();
            match self.below(10) {
                // Flip a bit.
                0 if len > 0 => {
                    let i = self.below(len);
                    v[i] ^= 1 << self.below(8);
                }
                // Set a byte to an interesting value.
                1 if len > 0 => {
                    let i = self.below(len);
                    v[i] = self.interesting_byte();
                }
                // Insert random bytes.
                2 => {
                    let i = self.below(len + 1);
                    let n = 1 + self.below(8);
                    for _ in 0..n {
                        let b = self.interesting_byte();
                        v.insert(i.min(v.len()), b);
                    }
                }
                // Delete a range.
                3 if len > 0 => {
                    let i = self.below(len);
                    let n = 1 + self.below((len - i).min(16));
                    v.drain(i..i + n);
                }
                // Overwrite a 2/4/8-byte field with a boundary number, either byte order.
                4 if len > 0 => {
                    const NUMS: &[u64] = &[
                        0,
                        1,
                        2,
                        3,
                        4,
                        7,
                        8,
                        15,
                        16,
                        17,
                        19,
                        20,
                        31,
                        32,
                        33,
                        35,
                        36,
                        39,
                        40,
                        127,
                        128,
                        255,
                        256,
                        511,
                        512,
                        1023,
                        1024,
                        1025,
                        0x7fff,
                        0xffff,
                        0x7fff_ffff,
                        0xffff_ffff,
                        u64::MAX,
                    ];
                    let n = NUMS[self.below(NUMS.len())];
                    let w = [2, 4, 8][self.below(3)];
                    let bytes = if self.below(2) == 0 {
                        n.to_le_bytes()
                    } else {
                        (n << (64 - 8 * w as u32).min(63)).to_be_bytes()
                    };
                    let i = self.below(len);
                    for (k, b) in bytes.iter().take(w).enumerate() {
                        if let Some(slot) = v.get_mut(i + k) {
                            *slot = *b;
                        }
                    }
                }
                // Duplicate a range (repeated frames, lines, messages).
                5 if len > 0 => {
                    let i = self.below(len);
                    let n = 1 + self.below(len - i);
                    let copy: Vec<u8> = v[i..i + n].to_vec();
                    let at = self.below(v.len() + 1);
                    v.splice(at..at, copy);
                }
                // Splice in part of another seed.
                6 if !other.is_empty() => {
                    let i = self.below(other.len());
                    let n = 1 + self.below(other.len() - i);
                    let at = self.below(v.len() + 1);
                    v.splice(at..at, other[i..i + n].iter().copied());
                }
                // Truncate.
                7 if len > 0 => v.truncate(self.below(len)),
                // Swap two bytes.
                8 if len > 1 => {
                    let (i, j) = (self.below(len), self.below(len));
                    v.swap(i, j);
                }
                _ => {
                    let i = self.below(len + 1);
                    let b = self.interesting_byte();
                    v.insert(i, b);
                }
            }
        }
        v.truncate(max);
        v
    }
}
