//! The harnesses the cargo-fuzz targets call (shared with `tests/fuzz_props.rs`).
#[path = "harness/mod.rs"]
mod harness;
pub use harness::*;
