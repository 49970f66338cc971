//! `smcroutectl`: the control tool for `smcrouted`.
#![no_std]
#![no_main]

smcroute::program!(smcroute::ctl::main);
