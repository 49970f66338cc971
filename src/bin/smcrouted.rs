//! `smcrouted`: the static multicast routing daemon, and the control tool too.
//!
//! One multicall program: started under a name that contains `ctl` (the `smcroutectl`
//! link the packages install, see [`runs_ctl`]) it is `smcroutectl`, otherwise the daemon.
//! The two share most of their code, so one file plus a link is far smaller than two
//! programs. The standalone `smcroutectl` program remains for those who want only the tool.
#![no_std]
#![no_main]

use smcroute::sys::entry::{runs_ctl, Args};

fn run(args: &Args) -> i32 {
    match args.get(0) {
        Some(name) if runs_ctl(name) => smcroute::ctl::main(args),
        _ => smcroute::daemon::main(args),
    }
}

smcroute::program!(run);
