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
}

impl<'a> Getopt<'a> {
    /// Options of `args` as `spec` describes them (`getopt`'s optstring, e.g. `"c:nh"`).
    pub const fn new(args: &'a [&'a str], spec: &'static str, mode: Mode) -> Self {
        Self {
            args,
            spec,
            mode,
            index: 1,
            offset: 0,
            done: false,
        }
    }

    /// The words after the options once [`Getopt::next`] has returned `None`: the
    /// operands (in [`Mode::Permute`], those after `--`; skipped ones are not kept).
    pub fn operands(&self) -> &'a [&'a str] {
        self.args.get(self.index..).unwrap_or(&[])
    }

    /// Whether option `c` exists and takes an argument (`None`: no such option).
    fn takes_argument(&self, c: char) -> Option<bool> {
        if c == ':' {
            return None;
        }
        let at = self.spec.find(c)?;
        let after = self.spec.get(at + c.len_utf8()..).unwrap_or("");
        Some(after.starts_with(':'))
    }

    /// Moves on to the next word.
    fn next_word(&mut self) {
        self.index += 1;
        self.offset = 0;
    }
}

impl<'a> Iterator for Getopt<'a> {
    type Item = Result<(char, Option<&'a str>), ArgError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let word: &'a str = self.args.get(self.index)?;
            if self.offset == 0 {
                if word == "--" {
                    // Nothing after `--` is an option, in either mode.
                    self.index += 1;
                    self.done = true;
                    return None;
                }
                if word.len() < 2 || !word.starts_with('-') {
                    match self.mode {
                        Mode::StopAtOperand => {
                            self.done = true;
                            return None;
                        }
                        Mode::Permute => {
                            self.next_word();
                            continue;
                        }
                    }
                }
                self.offset = 1;
            }
            let Some(c) = word.get(self.offset..).and_then(|rest| rest.chars().next()) else {
                self.next_word();
                continue;
            };
            self.offset += c.len_utf8();
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
