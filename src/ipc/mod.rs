//! The IPC protocol between `smcroutectl` and `smcrouted`, both sides. Pure.
//!
//! The transport is an `AF_UNIX` stream socket. A client sends one or more request frames
//! back to back; the daemon answers each, in order, with raw reply bytes ended by one NUL,
//! then closes the connection after the last one.
//!
//! ```text
//!  client                                   daemon
//!    | -- frame (wire::Request) ----------->  |  Framer cuts the stream into frames
//!    | -- frame ---------------------------->  |
//!    | <-------------- "\0"  (success)  ----- |  non-show command
//!    | <---- "error text\0"  (failure)  ----- |  the daemon's last log line
//!    | <---- "Title_\nHEAD=\nrow\n...\0" ---- |  show: text with heading markers
//! ```
//!
//! - [`wire`]: the request frame (`struct ipc_msg`), [`wire::Request`], [`wire::Framer`].
//! - [`cmd`]: command letters, the `smcroutectl` command words and their help.
//! - [`show`]: the show byte sink ([`show::Out`], both sides) and rendering a show
//!   reply's heading markers on the client.
//! - [`batch`]: splitting `smcroutectl -b` input lines.

pub mod batch;
pub mod cmd;
pub mod show;
pub mod wire;

pub use cmd::{IpcCmd, ShowTable};
pub use wire::{Framer, Request, WireError};
