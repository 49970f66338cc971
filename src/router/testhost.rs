//! A recording [`Host`] for the router's tests: every kernel request, log line, script run
//! and mrdisc call becomes one line of text; failures can be injected.

extern crate std;
use std::collections::HashMap;
use std::format;
use std::string::String;
use std::vec::Vec;

use crate::errno::Errno;
use crate::fmt::record::RecordingLog;
use crate::fmt::{Level, Log};
use crate::kernel::{Host, JoinSockets, Kernel, Mfc, SgCount};
use crate::net::{Addr, Family};

fn a(x: &Addr) -> String {
    let mut s = heapless::String::<64>::new();
    let _ = ufmt::uwrite!(s, "{}", x);
    s.as_str().into()
}

fn fam(f: Family) -> &'static str {
    match f {
        Family::V4 => "v4",
        Family::V6 => "v6",
    }
}

/// Records everything; `ops` holds kernel requests and host calls in order.
#[derive(Default)]
pub struct TestHost {
    pub ops: Vec<String>,
    pub log: RecordingLog,
    pub no_v6: bool,
    pub fail_add_vif: Option<Errno>,
    pub fail_add_mfc: Option<Errno>,
    /// Fail the join of this group address (text) with this errno.
    pub fail_join: Option<(String, Errno)>,
    pub counts: HashMap<(String, String), SgCount>,
    /// The socket slot of each kernel membership (`join`'s words); the router joins each
    /// once (the fake pool has room on every socket).
    pub held: HashMap<String, u16>,
}

impl TestHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ops so far, cleared.
    pub fn take(&mut self) -> Vec<String> {
        core::mem::take(&mut self.ops)
    }

    /// The last log line (what an IPC error reply carries).
    pub fn last(&self) -> &str {
        self.log.lines.last().map_or("", |l| l.1.as_str())
    }

    pub fn last_level(&self) -> Level {
        self.log.lines.last().map_or(Level::Debug, |l| l.0)
    }

    pub fn logged(&self, needle: &str) -> bool {
        self.log.contains(needle)
    }

    pub fn set_count(&mut self, s: &str, g: &str, packets: u64, bytes: u64, wrong_if: u64) {
        let c = SgCount {
            packets,
            bytes,
            wrong_if,
        };
        self.counts.insert((s.into(), g.into()), c);
    }
}

impl Log for TestHost {
    fn log(&mut self, level: Level, line: &str) {
        self.log.log(level, line);
    }
}

impl Kernel for TestHost {
    fn has_family(&self, family: Family) -> bool {
        !(self.no_v6 && family == Family::V6)
    }

    fn add_vif(
        &mut self,
        family: Family,
        vif: u8,
        ifindex: u32,
        threshold: u8,
    ) -> Result<(), Errno> {
        self.ops.push(format!(
            "add_vif {} {vif} if{ifindex} ttl{threshold}",
            fam(family)
        ));
        self.fail_add_vif.map_or(Ok(()), Err)
    }

    fn del_vif(&mut self, family: Family, vif: u8, ifindex: u32) -> Result<(), Errno> {
        self.ops
            .push(format!("del_vif {} {vif} if{ifindex}", fam(family)));
        Ok(())
    }

    fn add_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        let mut oifs = String::new();
        for (i, &t) in mfc.ttls.iter().enumerate() {
            if t != 0 {
                oifs.push_str(&format!(" {i}:{t}"));
            }
        }
        self.ops.push(format!(
            "add_mfc {} {} in{} out{}",
            a(&mfc.source),
            a(&mfc.group),
            mfc.parent,
            oifs
        ));
        self.fail_add_mfc.map_or(Ok(()), Err)
    }

    fn del_mfc(&mut self, mfc: &Mfc) -> Result<(), Errno> {
        let (source, group) = (&mfc.source, &mfc.group);
        self.ops.push(format!(
            "del_mfc {} {} in{}",
            a(source),
            a(group),
            mfc.parent
        ));
        Ok(())
    }

    fn sg_count(&mut self, source: &Addr, group: &Addr, count: &mut SgCount) -> Result<(), Errno> {
        *count = self
            .counts
            .get(&(a(source), a(group)))
            .copied()
            .ok_or(Errno::EADDRNOTAVAIL)?;
        Ok(())
    }

    fn join(
        &mut self,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
        busy: &JoinSockets,
    ) -> Result<u16, Errno> {
        let s = source.map_or("*".into(), a);
        let op = format!("join if{ifindex} {s} {}", a(group));
        assert!(!self.held.contains_key(&op), "duplicate {op}");
        // Every socket holding this (ifindex, group) is named busy.
        let group_of = format!(" {}", a(group));
        let prefix = format!("join if{ifindex} ");
        for (k, sock) in &self.held {
            if k.starts_with(&prefix) && k.ends_with(&group_of) {
                assert!(busy.contains(usize::from(*sock)), "{k} on {sock} not busy");
            }
        }
        let sock = (0..u16::MAX)
            .find(|&i| !busy.contains(usize::from(i)))
            .unwrap_or(0);
        self.ops.push(op.clone());
        match &self.fail_join {
            Some((g, e)) if *g == a(group) => Err(*e),
            _ => {
                self.held.insert(op, sock);
                Ok(sock)
            }
        }
    }

    fn leave(
        &mut self,
        sock: u16,
        ifindex: u32,
        source: Option<&Addr>,
        group: &Addr,
    ) -> Result<(), Errno> {
        let s = source.map_or("*".into(), a);
        let key = format!("join if{ifindex} {s} {}", a(group));
        match self.held.remove(&key) {
            Some(held) => assert_eq!(held, sock, "leave of {key} on another socket"),
            None => return Err(Errno::EADDRNOTAVAIL),
        }
        self.ops.push(format!("leave if{ifindex} {s} {}", a(group)));
        Ok(())
    }
}

impl Host for TestHost {
    fn route_installed(&mut self, source: &Addr, group: &Addr) {
        self.ops
            .push(format!("script install {} {}", a(source), a(group)));
    }

    fn mrdisc_register(&mut self, ifindex: u32, name: &str) {
        self.ops.push(format!("mrdisc+ if{ifindex} {name}"));
    }

    fn mrdisc_deregister(&mut self, ifindex: u32) {
        self.ops.push(format!("mrdisc- if{ifindex}"));
    }
}
