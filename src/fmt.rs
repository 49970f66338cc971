//! Logging facade over `ufmt`, declared first so every module can use the macros.
//!
//! Pure code never writes anywhere: it formats one line into a fixed [`Line`] and hands it
//! to a [`Log`] sink it was given. `sys` provides the syslog/stderr sink; tests record.
//! `core::fmt` is never used outside tests.

use heapless::String;

use crate::limits::LOG_LINE_MAX;

/// Syslog priority of a message; the numeric values are syslog's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    /// `LOG_EMERG`
    Emerg = 0,
    /// `LOG_ALERT`
    Alert = 1,
    /// `LOG_CRIT`
    Crit = 2,
    /// `LOG_ERR`
    Err = 3,
    /// `LOG_WARNING`
    Warning = 4,
    /// `LOG_NOTICE`
    Notice = 5,
    /// `LOG_INFO`
    Info = 6,
    /// `LOG_DEBUG`
    Debug = 7,
}

impl Level {
    /// The level with syslog number `n` (values above 7 mean debug).
    pub const fn from_number(n: u8) -> Self {
        match n {
            0 => Self::Emerg,
            1 => Self::Alert,
            2 => Self::Crit,
            3 => Self::Err,
            4 => Self::Warning,
            5 => Self::Notice,
            6 => Self::Info,
            _ => Self::Debug,
        }
    }
}

/// Where log lines go. Implementations decide filtering by level; every implementation
/// must remember the last line whatever its level, because SMCRoute replies to a failed
/// IPC command with the daemon's last log message.
pub trait Log {
    /// Emits one formatted line (no trailing newline).
    fn log(&mut self, level: Level, line: &str);
}

/// One log line, truncated at [`LOG_LINE_MAX`] bytes as SMCRoute truncates its messages.
#[derive(Default)]
pub struct Line(String<LOG_LINE_MAX>);

impl Line {
    /// An empty line.
    pub const fn new() -> Self {
        Self(String::new())
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl ufmt::uWrite for Line {
    type Error = core::convert::Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        for c in s.chars() {
            if self.0.push(c).is_err() {
                break;
            }
        }
        Ok(())
    }
}

/// Formats with `ufmt` into a [`Line`] and sends it to a [`Log`] sink:
/// `log!(sink, Level::Warning, "{} line {}: {}", file, n, err)`.
#[macro_export]
macro_rules! log {
    ($sink:expr, $level:expr, $($arg:tt)*) => {{
        let mut line = $crate::fmt::Line::new();
        let _ = ufmt::uwrite!(line, $($arg)*);
        $crate::fmt::Log::log($sink, $level, line.as_str());
    }};
}

/// A [`Log`] sink that keeps every line, for tests.
#[cfg(any(test, feature = "std"))]
pub mod record {
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    use super::{Level, Log};

    /// Every line logged, with its level.
    #[derive(Default, Debug)]
    pub struct RecordingLog {
        /// Lines in order.
        pub lines: Vec<(Level, String)>,
    }

    impl Log for RecordingLog {
        fn log(&mut self, level: Level, line: &str) {
            self.lines.push((level, line.into()));
        }
    }

    impl RecordingLog {
        /// True if some line contains `needle`.
        pub fn contains(&self, needle: &str) -> bool {
            self.lines.iter().any(|(_, l)| l.contains(needle))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::record::RecordingLog;
    use super::*;

    #[test]
    fn truncates_at_127() {
        let mut log = RecordingLog::default();
        let long = "x".repeat(300);
        crate::log!(&mut log, Level::Info, "{}", long.as_str());
        assert_eq!(log.lines[0].1.len(), LOG_LINE_MAX);
    }
}
