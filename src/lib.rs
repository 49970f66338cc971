//! smcroute-rs: a static multicast routing daemon, drop-in for SMCRoute 2.6.
//!
//! Layers, lowest first. Everything above `sys` is pure: no `libc`, no `unsafe`, no
//! allocation, no clock, no global state; it is tested against a recording kernel.
//!
//! ```text
//!   bin/smcrouted  bin/smcroutectl        thin: args -> run -> exit code
//!         |              |
//!      daemon           ctl                poll loop / client (call sys + core)
//!         |  \          /  |
//!         |   router   ipc |               state machine / wire format     (pure)
//!         |   /  |  \      |
//!         | conf table kernel wire         parser / tables / seams         (pure)
//!         |      net time errno fmt texts limits                            (pure)
//!        sys                               the only unsafe and libc:: code
//! ```
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]

#[macro_use]
pub mod fmt;
pub mod errno;
pub mod limits;
pub mod net;
pub mod texts;
pub mod time;

pub mod account;
pub mod args;
pub mod conf;
pub mod glob;
pub mod ipc;
pub mod kernel;
pub mod router;
pub mod table;
pub mod wire;

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
pub mod sys;

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
pub mod ctl;
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
pub mod daemon;

/// Version banner, as SMCRoute prints it (`-v`, startup log).
pub const VERSION_BANNER: &str = "SMCRoute v2.6.0";
