//! Fixed-capacity tables of the router, generic over their capacity so tests can use tiny
//! ones (`N = 2`) and reach the "full" paths in a few lines.
//!
//! Every table is const-constructible with all-zero (or uninitialised) bytes, so the
//! daemon's `static` router sits in `.bss` and capacity that is never used is never
//! resident. Order matters to SMCRoute (`show` lists rules in insertion order and the first
//! matching template wins), so storage is a [`Slab`] with an intrusive insertion-order
//! list, and lookups go through separate [`HashIndex`]es of slab ids: every lookup, insert
//! and remove is O(1) expected when keys are distinct, so N of them cost O(N).

pub mod groups;
pub mod iface;
pub mod index;
pub mod links;
pub mod mfc;
pub mod pending;
pub mod rules;
pub mod slab;
pub mod text;

pub use index::{buckets, HashIndex, KeyHash};
pub use links::Links;
pub use slab::{Slab, Walk};
pub use text::Text;

/// A table has no free slot; the caller names the table when it reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;
