//! The control tool. (in progress)

use crate::sys::entry::Args;

/// `smcroutectl` entry point; returns the exit code.
pub fn main(_args: &Args) -> i32 {
    0
}
