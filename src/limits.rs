//! Every capacity of the daemon, in one place.
//!
//! Each one can be overridden at build time through an environment variable of the same
//! name prefixed `SMCROUTE_` (for example `SMCROUTE_MAX_KERNEL_ROUTES=20000 cargo build`),
//! which is how the OpenWrt and Buildroot recipes size the tables for small boards. All
//! tables are zero-initialised statics: capacity that is never used is never touched, so
//! it stays in `.bss` and costs no resident memory.

use static_assertions::const_assert;

/// Parses a decimal build-time override, falling back to `default` when unset.
const fn env_or(value: Option<&str>, default: usize) -> usize {
    let bytes = match value {
        None => return default,
        Some(s) => s.as_bytes(),
    };
    assert!(!bytes.is_empty(), "empty capacity override");
    let mut n = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "capacity override must be decimal"
        );
        n = n * 10 + (bytes[i] - b'0') as usize;
        i += 1;
    }
    n
}

/// Linux `MAXVIFS`/`MAXMIFS`: the kernel rejects a VIF or MIF index of 32 or more.
pub const MAX_VIFS: usize = 32;

/// Outgoing interfaces per route: bounded by the VIF table, as in the kernel's TTL array.
pub const MAX_OIFS: usize = MAX_VIFS;

/// Configured multicast routes (`mroute` lines and IPC `add`), templates and (S,G) alike:
/// as many as kernel entries, so a conf can install a full kernel table of (S,G) routes.
pub const MAX_RULES: usize = env_or(option_env!("SMCROUTE_MAX_RULES"), 10240);

/// Kernel MFC entries the daemon tracks: configured (S,G) plus learned entries and stop
/// filters. Learned entries are a cache: when full, the longest idle one gives way.
pub const MAX_KERNEL_ROUTES: usize = env_or(option_env!("SMCROUTE_MAX_KERNEL_ROUTES"), 10240);

/// Configured group memberships (`mgroup` lines and IPC `join`).
pub const MAX_GROUPS: usize = env_or(option_env!("SMCROUTE_MAX_GROUPS"), 1024);

/// Kernel group joins, after `/LEN` ranges are expanded.
pub const MAX_JOINS: usize = env_or(option_env!("SMCROUTE_MAX_JOINS"), 1024);

/// Interfaces the daemon remembers (they are never forgotten, as in SMCRoute).
pub const MAX_IFACES: usize = env_or(option_env!("SMCROUTE_MAX_IFACES"), 256);

/// Entries on the pending list (rules waiting for their interfaces).
pub const MAX_PENDING: usize = env_or(option_env!("SMCROUTE_MAX_PENDING"), 256);

/// `phyint` settings remembered from the conf.
pub const MAX_PHYINTS: usize = env_or(option_env!("SMCROUTE_MAX_PHYINTS"), 256);

/// Join helper sockets (each holds up to the calibrated per-socket group limit).
pub const MAX_JOIN_SOCKETS: usize = env_or(option_env!("SMCROUTE_MAX_JOIN_SOCKETS"), 128);

/// Simultaneous IPC clients; further connections are accepted and closed at once.
pub const MAX_CLIENTS: usize = env_or(option_env!("SMCROUTE_MAX_CLIENTS"), 8);

/// Supplementary groups `-p USER` gives the user: its primary group and the groups
/// `/etc/group` lists it in, in file order. Beyond this the rest are left out, and the
/// daemon says so. A router's service account is in few groups if any.
pub const MAX_USER_GROUPS: usize = env_or(option_env!("SMCROUTE_MAX_USER_GROUPS"), 32);

/// Inherited environment variables passed on to the `-e` script; beyond this the rest are
/// left out, and the daemon says so. A service manager's environment is far shorter.
pub const MAX_SCRIPT_ENV: usize = env_or(option_env!("SMCROUTE_MAX_SCRIPT_ENV"), 128);

/// Largest IPC message, header included (SMCRoute's `MX_CMDPKT_SZ`).
pub const IPC_MSG_MAX: usize = 1024;

/// Most argument words in one IPC message (SMCRoute: `MAXVIFS + 3`).
pub const IPC_MAX_ARGS: usize = MAX_VIFS + 3;

/// Longest conf line SMCRoute reads in one piece (`fgets` into 512 bytes).
pub const CONF_LINE_MAX: usize = 511;

/// Largest conf file read in one piece, includes counted separately.
pub const CONF_FILE_MAX: usize = env_or(option_env!("SMCROUTE_CONF_FILE_MAX"), 1 << 20);

/// Depth of nested `include` directives (SMCRoute has no limit and can loop forever).
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// Longest log line, as SMCRoute (`char buf[128]`).
pub const LOG_LINE_MAX: usize = 127;

/// Interface name length including the NUL (`IFNAMSIZ`).
pub const IFNAMSIZ: usize = 16;

const_assert!(MAX_VIFS <= 32);
const_assert!(MAX_OIFS <= MAX_VIFS);
const_assert!(MAX_KERNEL_ROUTES >= 1);
const_assert!(MAX_RULES >= 1);
const_assert!(IPC_MAX_ARGS == 35);
