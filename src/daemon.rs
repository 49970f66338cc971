//! The daemon: start-up, the poll loop, shutdown. (in progress)

use crate::sys::entry::Args;

/// `smcrouted` entry point; returns the exit code.
pub fn main(_args: &Args) -> i32 {
    0
}
