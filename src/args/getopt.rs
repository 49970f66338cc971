//! POSIX `getopt(3)` by hand: clustered flags (`-nsN`), attached or separate option
//! arguments (`-c60`, `-c 60`), `--` ends the options.

use super::ArgError;

/// What to do with a word that is not an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Stop: it and every word after it are operands (POSIX, and musl's `getopt`).
    StopAtOperand,
    /// Skip it and go on looking for options (glibc's default permutation).
    Permute,
}

/// One word of the command line, as [`Getopt::next_arg`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    /// An option letter and its argument; empty for an option that takes none (the
    /// programs read the two alike: no `Option` to unwrap at each of their loops).
    Option(u8, &'a str),
    /// A word that is not an option.
    Operand(&'a str),
}

/// Walks the options of an argument list (program name first).
pub struct Getopt<'a> {
    args: &'a [&'a str],
    spec: &'static str,
    mode: Mode,
    /// Index of the word being read.
    index: usize,
    /// Byte offset of the next option character in that word; 0 between words.
    offset: usize,
    /// The options have ended (`--` or, in [`Mode::StopAtOperand`], an operand).
    done: bool,
    /// The place in the spec of the last option letter found (see [`Getopt::letter_at`]).
    at: usize,
}

impl<'a> Getopt<'a> {
    /// Options of `args` as `spec` describes them (`getopt`'s optstring, e.g. `"c:nh"`).
    /// Out of line on x86_64, where the multicall program builds a walker in two places:
    /// a call each is smaller than the stores (smcrouted -16 B, .text -11; the standalone
    /// smcroutectl, with one place, +8 B). MIPS16e measured it larger (smcrouted +16 B,
    /// smcroutectl +96 B).
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    pub const fn new(args: &'a [&'a str], spec: &'static str, mode: Mode) -> Self {
        Self {
            args,
            spec,
            mode,
            index: 1,
            offset: 0,
            done: false,
            at: 0,
        }
    }

    /// The words after the options once [`Getopt::next`] has returned `None`: the
    /// operands (in [`Mode::Permute`], those after `--`; skipped ones are not kept).
    pub fn operands(&self) -> &'a [&'a str] {
        self.args.get(self.index..).unwrap_or(&[])
    }

    /// The place in the spec of the letter of the last option returned: the caller that
    /// lists its flags first in the spec indexes them by it, with no search of its own.
    pub fn letter_at(&self) -> usize {
        self.at
    }

    /// Whether option `c` exists and takes an argument (`None`: no such option); keeps
    /// its place for [`Getopt::letter_at`].
    fn takes_argument(&mut self, c: u8) -> Option<bool> {
        // Option letters are ASCII: a byte search, without the str searcher's code.
        if c == b':' {
            return None;
        }
        let spec = self.spec.as_bytes();
        let at = spec.iter().position(|&b| b == c)?;
        self.at = at;
        Some(spec.get(at + 1) == Some(&b':'))
    }

    /// Moves on to the next word. Not inlined on x86_64: a call at each of its three
    /// places is smaller than the two stores through the walker (-29 B); MIPS16e
    /// measured the calls larger.
    #[cfg_attr(target_arch = "x86_64", inline(never))]
    fn next_word(&mut self) {
        self.index += 1;
        self.offset = 0;
    }

    /// Options and operands in the order they stand (what GNU `getopt` returns for an
    /// optstring starting with `-`): in [`Mode::Permute`] the operands between options
    /// are kept, not skipped; once the options have ended, every word is an operand.
    pub fn next_arg(&mut self) -> Option<Result<Arg<'a>, ArgError>> {
        if let Some(item) = self.next_option() {
            return Some(item.map(|(c, value)| Arg::Option(c, value.unwrap_or(""))));
        }
        let word = self.args.get(self.index)?;
        self.next_word();
        Some(Ok(Arg::Operand(word)))
    }

    /// The next option; `None` at the end, once the options have ended, or (in
    /// [`Mode::Permute`]) at an operand, which is left in place for the caller.
    fn next_option(&mut self) -> Option<Result<(u8, Option<&'a str>), ArgError>> {
        if self.done {
            return None;
        }
        loop {
            let word: &'a str = self.args.get(self.index)?;
            if self.offset == 0 {
                // A compare of two bytes, not a call of the slice comparison.
                if word.as_bytes() == b"--" {
                    // Nothing after `--` is an option, in either mode.
                    self.index += 1;
                    self.done = true;
                    return None;
                }
                if word.len() < 2 || word.as_bytes().first() != Some(&b'-') {
                    self.done = self.mode == Mode::StopAtOperand;
                    return None;
                }
                self.offset = 1;
            }
            // Byte by byte, as `getopt` reads its words: a letter that is not ASCII is
            // reported by its first byte and the rest of the word is dropped.
            let Some(&c) = word.as_bytes().get(self.offset) else {
                self.next_word();
                continue;
            };
            self.offset += 1;
            let rest = word.get(self.offset..).unwrap_or("");
            return Some(match self.takes_argument(c) {
                None => {
                    if rest.is_empty() {
                        self.next_word();
                    }
                    Err(ArgError::InvalidOption(c))
                }
                Some(false) => {
                    if rest.is_empty() {
                        self.next_word();
                    }
                    Ok((c, None))
                }
                Some(true) => {
                    self.next_word();
                    if !rest.is_empty() {
                        Ok((c, Some(rest)))
                    } else if let Some(&value) = self.args.get(self.index) {
                        // Taken whatever it looks like, `-c -5` and `-f --` included.
                        self.index += 1;
                        Ok((c, Some(value)))
                    } else {
                        Err(ArgError::MissingArgument(c))
                    }
                }
            });
        }
    }
}

impl<'a> Iterator for Getopt<'a> {
    type Item = Result<(u8, Option<&'a str>), ArgError>;

    /// The next option; in [`Mode::Permute`] the operands are skipped.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.next_option() {
                return Some(item);
            }
            if self.done || self.index >= self.args.len() {
                return None;
            }
            self.next_word();
        }
    }
}
