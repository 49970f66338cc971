//! `smcrouted`: the static multicast routing daemon.
#![no_std]
#![no_main]

smcroute::program!(smcroute::daemon::main);
