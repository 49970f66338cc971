//! Lines of `smcroutectl -b` (batch mode), one command each.
//!
//! As in SMCRoute: a line holds at most [`BATCH_LINE_MAX`] characters, lines starting with
//! `#` are comments, words are separated by spaces and tabs. Differences, on purpose:
//! an empty or blank line is skipped (SMCRoute runs it as a sticky `help` that swallows the
//! rest of the input), runs of blanks count as one separator (SMCRoute sends the empty
//! words in between to the daemon), a comment may be indented, a line may hold a whole
//! IPC message worth of words instead of 9 (SMCRoute silently drops the rest), and an
//! overlong line is an error instead of being cut into two commands.

use heapless::Vec;
use ufmt::{uDisplay, uWrite, Formatter};

use crate::limits::IPC_MAX_ARGS;

/// Longest batch line (SMCRoute reads them with `fgets` into 512 bytes).
pub const BATCH_LINE_MAX: usize = 511;

/// Most words on a line: the command word and a full IPC message of arguments.
pub const BATCH_MAX_WORDS: usize = IPC_MAX_ARGS + 1;

/// Why a batch line cannot be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchError {
    /// Longer than [`BATCH_LINE_MAX`].
    LineTooLong,
    /// More than [`BATCH_MAX_WORDS`] words.
    TooManyWords,
}

// The limits are written into the texts at compile time: no number formatting at run time.
// (`smcroutectl` has them in its own messages, joined there at compile time.)
pub const LINE_TOO_LONG: &str = crate::joined![
    "line longer than ",
    crate::decimal!(BATCH_LINE_MAX),
    " characters",
];
pub const TOO_MANY_WORDS: &str = crate::joined![
    "more than ",
    crate::decimal!(BATCH_MAX_WORDS),
    " words on a line",
];

impl BatchError {
    /// What is wrong, in words.
    pub const fn text(self) -> &'static str {
        match self {
            Self::LineTooLong => LINE_TOO_LONG,
            Self::TooManyWords => TOO_MANY_WORDS,
        }
    }
}

impl uDisplay for BatchError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        f.write_str(self.text())
    }
}

/// The words of one batch line (without its newline); empty for comments and blank lines.
pub fn split_line(line: &str) -> Result<Vec<&str, BATCH_MAX_WORDS>, BatchError> {
    let mut words = Vec::new();
    split_line_into(line, &mut words)?;
    Ok(words)
}

/// [`split_line`] into the caller's `words` (cleared first): the word list (584 bytes on
/// 64-bit targets) is filled where it is used, not returned in a `Result` and copied.
pub fn split_line_into<'a>(
    line: &'a str,
    words: &mut Vec<&'a str, BATCH_MAX_WORDS>,
) -> Result<(), BatchError> {
    words.clear();
    if line.len() > BATCH_LINE_MAX {
        return Err(BatchError::LineTooLong);
    }
    // Index loops on bytes, not `trim_start_matches`/`split` with a closure pattern (a
    // generic searcher compiled for it); the blanks are ASCII, so the cuts are on
    // character boundaries.
    let bytes = line.as_bytes();
    let is_blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r');
    let mut end = 0;
    loop {
        let mut start = end;
        while bytes.get(start).is_some_and(is_blank) {
            start += 1;
        }
        let Some(&first) = bytes.get(start) else {
            break;
        };
        if first == b'#' && words.is_empty() {
            break;
        }
        end = start;
        while bytes.get(end).is_some_and(|b| !is_blank(b)) {
            end += 1;
        }
        words
            .push(line.get(start..end).unwrap_or(""))
            .map_err(|_| BatchError::TooManyWords)?;
    }
    Ok(())
}

// ===== tests =====

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn words(line: &str) -> std::vec::Vec<&str> {
        split_line(line).unwrap().to_vec()
    }

    #[test]
    fn splits_into_the_callers_list() {
        let long = "x ".repeat(BATCH_LINE_MAX);
        let mut words = Vec::new();
        split_line_into("add a b", &mut words).unwrap();
        assert_eq!(words, ["add", "a", "b"]);
        split_line_into("# comment", &mut words).unwrap();
        assert!(words.is_empty());
        assert_eq!(
            split_line_into(&long, &mut words),
            Err(BatchError::LineTooLong)
        );
    }

    #[test]
    fn splits_on_blanks() {
        assert_eq!(
            words("add eth0 1.2.3.4 225.1.2.3 eth1"),
            ["add", "eth0", "1.2.3.4", "225.1.2.3", "eth1"]
        );
        assert_eq!(
            words("join\teth0  225.1.2.3 \r"),
            ["join", "eth0", "225.1.2.3"]
        );
        assert_eq!(words(" show"), ["show"]);
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        assert!(words("").is_empty());
        assert!(words("   \t").is_empty());
        assert!(words("# add eth0 x y z").is_empty());
        assert!(words("  # indented").is_empty());
        assert_eq!(words("show #not-a-comment"), ["show", "#not-a-comment"]);
    }

    #[test]
    fn limits() {
        let ok = "x".repeat(BATCH_LINE_MAX);
        assert_eq!(words(&ok).len(), 1);
        let long = "x".repeat(BATCH_LINE_MAX + 1);
        assert_eq!(split_line(&long), Err(BatchError::LineTooLong));
        let many = ["o"; BATCH_MAX_WORDS].join(" ");
        assert_eq!(words(&many).len(), BATCH_MAX_WORDS);
        let more = ["o"; BATCH_MAX_WORDS + 1].join(" ");
        assert_eq!(split_line(&more), Err(BatchError::TooManyWords));
    }

    #[test]
    fn error_texts() {
        let mut s = heapless::String::<64>::new();
        ufmt::uwrite!(s, "{}", BatchError::LineTooLong).unwrap();
        assert_eq!(s.as_str(), "line longer than 511 characters");
        s.clear();
        ufmt::uwrite!(s, "{}", BatchError::TooManyWords).unwrap();
        assert_eq!(s.as_str(), "more than 36 words on a line");
    }
}
