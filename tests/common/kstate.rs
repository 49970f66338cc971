//! Readers of the kernel's multicast state inside a namespace: `ip mroute`,
//! `/proc/net/ip_mr_cache`, `ip6_mr_cache`, `ip_mr_vif`, `ip6_mr_vif`, `mcfilter(6)`,
//! `ip maddr`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Ns;

/// One kernel MFC entry (`/proc/net/ip_mr_cache` or `ip6_mr_cache`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mfc {
    pub group: IpAddr,
    pub origin: IpAddr,
    /// Inbound VIF/MIF (-1 for unresolved entries).
    pub iif: i32,
    pub pkts: u64,
    pub bytes: u64,
    pub wrong: u64,
    /// (VIF/MIF index, TTL threshold) of each outbound interface.
    pub oifs: Vec<(u32, u32)>,
}

impl Mfc {
    /// False for the kernel's own unresolved entry (queued packets waiting for the
    /// daemon's answer to the upcall): IIF -1, no counters, no OIFs.
    pub fn is_resolved(&self) -> bool {
        self.iif >= 0
    }
}

/// A VIF/MIF row of `/proc/net/ip_mr_vif` or `ip6_mr_vif`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vif {
    pub index: u32,
    pub name: String,
    pub pkts_in: u64,
    pub pkts_out: u64,
}

/// A socket-level filter row of `/proc/net/mcfilter(6)`: an SSM (source) join.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct McFilter {
    pub dev: String,
    pub group: IpAddr,
    pub source: IpAddr,
}

fn hex_v4(s: &str) -> Ipv4Addr {
    // ip_mr_cache prints the raw __be32 as a host integer: native byte order is the
    // network order in memory.
    let v = u32::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex address");
    Ipv4Addr::from(v.to_ne_bytes())
}

fn hex_v4_be(s: &str) -> Ipv4Addr {
    // mcfilter prints ntohl() of the address.
    let v = u32::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex address");
    Ipv4Addr::from(v)
}

fn hex_v6(s: &str) -> Ipv6Addr {
    let v = u128::from_str_radix(s, 16).expect("hex address");
    Ipv6Addr::from(v)
}

fn parse_mfc(text: &str, v6: bool) -> Vec<Mfc> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 {
            continue;
        }
        let (group, origin) = if v6 {
            (
                IpAddr::V6(f[0].parse().expect("v6 group")),
                IpAddr::V6(f[1].parse().expect("src")),
            )
        } else {
            (IpAddr::V4(hex_v4(f[0])), IpAddr::V4(hex_v4(f[1])))
        };
        let oifs = f[6..]
            .iter()
            .filter_map(|o| {
                let (v, t) = o.split_once(':')?;
                Some((v.parse().ok()?, t.parse().ok()?))
            })
            .collect();
        out.push(Mfc {
            group,
            origin,
            iif: f[2].parse().unwrap_or(-1),
            pkts: f[3].parse().unwrap_or(0),
            bytes: f[4].parse().unwrap_or(0),
            wrong: f[5].parse().unwrap_or(0),
            oifs,
        });
    }
    out
}

fn parse_vifs(text: &str) -> Vec<Vif> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 6 {
                return None;
            }
            Some(Vif {
                index: f[0].parse().ok()?,
                name: f[1].to_string(),
                pkts_in: f[3].parse().ok()?,
                pkts_out: f[5].parse().ok()?,
            })
        })
        .collect()
}

impl Ns {
    /// IPv4 kernel MFC entries.
    pub fn mfc4(&self) -> Vec<Mfc> {
        parse_mfc(&self.read("/proc/net/ip_mr_cache"), false)
    }

    /// IPv6 kernel MFC entries.
    pub fn mfc6(&self) -> Vec<Mfc> {
        parse_mfc(&self.read("/proc/net/ip6_mr_cache"), true)
    }

    /// The MFC entry for (source, group), either family.
    pub fn mfc(&self, source: &str, group: &str) -> Option<Mfc> {
        let (s, g): (IpAddr, IpAddr) = (source.parse().unwrap(), group.parse().unwrap());
        let all = if g.is_ipv6() {
            self.mfc6()
        } else {
            self.mfc4()
        };
        all.into_iter().find(|e| e.origin == s && e.group == g)
    }

    /// IPv4 VIF table.
    pub fn vifs4(&self) -> Vec<Vif> {
        parse_vifs(&self.read("/proc/net/ip_mr_vif"))
    }

    /// IPv6 MIF table.
    pub fn vifs6(&self) -> Vec<Vif> {
        parse_vifs(&self.read("/proc/net/ip6_mr_vif"))
    }

    /// VIF index of an interface (IPv4), if it has one.
    pub fn vif_of(&self, ifname: &str) -> Option<u32> {
        self.vifs4()
            .into_iter()
            .find(|v| v.name == ifname)
            .map(|v| v.index)
    }

    /// MIF index of an interface (IPv6), if it has one.
    pub fn mif_of(&self, ifname: &str) -> Option<u32> {
        self.vifs6()
            .into_iter()
            .find(|v| v.name == ifname)
            .map(|v| v.index)
    }

    /// Names of the outbound interfaces of an MFC entry, in VIF/MIF order, with TTLs.
    pub fn oif_names(&self, e: &Mfc) -> Vec<(String, u32)> {
        let vifs = if e.group.is_ipv6() {
            self.vifs6()
        } else {
            self.vifs4()
        };
        e.oifs
            .iter()
            .map(|(v, t)| {
                let name = vifs.iter().find(|x| x.index == *v).map(|x| x.name.clone());
                (name.unwrap_or_else(|| format!("vif{v}")), *t)
            })
            .collect()
    }

    /// `ip mroute show` (or `ip -6 mroute show`) text.
    pub fn mroute(&self, v6: bool) -> String {
        if v6 {
            self.ip(&["-6", "mroute", "show"])
        } else {
            self.ip(&["mroute", "show"])
        }
    }

    /// The `ip mroute` line of (source, group), if any.
    pub fn mroute_line(&self, source: &str, group: &str) -> Option<String> {
        let key = format!("({source},{group})");
        let v6 = group.contains(':');
        self.mroute(v6)
            .lines()
            .find(|l| l.starts_with(&key))
            .map(str::to_string)
    }

    /// Source-specific joins of `/proc/net/mcfilter`.
    pub fn mcfilter4(&self) -> Vec<McFilter> {
        self.read("/proc/net/mcfilter")
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                (f.len() >= 4).then(|| McFilter {
                    dev: f[1].to_string(),
                    group: IpAddr::V4(hex_v4_be(f[2])),
                    source: IpAddr::V4(hex_v4_be(f[3])),
                })
            })
            .collect()
    }

    /// Source-specific joins of `/proc/net/mcfilter6`.
    pub fn mcfilter6(&self) -> Vec<McFilter> {
        self.read("/proc/net/mcfilter6")
            .lines()
            .filter_map(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                (f.len() >= 4 && f[2].len() == 32).then(|| McFilter {
                    dev: f[1].to_string(),
                    group: IpAddr::V6(hex_v6(f[2])),
                    source: IpAddr::V6(hex_v6(f[3])),
                })
            })
            .collect()
    }

    /// Group addresses (`inet`/`inet6`) the kernel has on `dev`, per `ip maddr show`.
    pub fn maddr(&self, dev: &str) -> Vec<IpAddr> {
        self.ip(&["maddr", "show", "dev", dev])
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                match f.as_slice() {
                    ["inet", a, ..] | ["inet6", a, ..] => a.parse().ok(),
                    _ => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_tables() {
        let v4 = "Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n\
                  030201E1 0201000A 0         23     1097        0  1:1    2:5  \n\
                  030201E1 0909090A 0          3      147        0\n";
        let e = parse_mfc(v4, false);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].group, "225.1.2.3".parse::<IpAddr>().unwrap());
        assert_eq!(e[0].origin, "10.0.1.2".parse::<IpAddr>().unwrap());
        assert_eq!(e[0].oifs, vec![(1, 1), (2, 5)]);
        assert!(e[1].oifs.is_empty());
        let v6 = "Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs\n\
                  ff0e:0000:0000:0000:0000:0000:0000:0043 fc00:0001:0000:0000:0000:0000:0000:0002 0         20     1350        0  1:1  \n";
        let e = parse_mfc(v6, true);
        assert_eq!(e[0].group, "ff0e::43".parse::<IpAddr>().unwrap());
        assert_eq!(e[0].pkts, 20);
        assert!(e[0].is_resolved());
        // Unresolved entries as the kernel lists them while the upcall is pending.
        let v6 = "Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs\n\
                  ff0e:0000:0000:0000:0000:0000:0000:0042 fc00:0001:0000:0000:0000:0000:0000:0002 -1         0        0        0\n";
        let e = parse_mfc(v6, true);
        assert_eq!(e[0].iif, -1);
        assert!(!e[0].is_resolved() && e[0].oifs.is_empty());
        let v4 = "Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n\
                  030303E1 0201000A -1         0        0        0\n";
        assert!(!parse_mfc(v4, false)[0].is_resolved());
        assert_eq!(hex_v4_be("0xe1010203"), Ipv4Addr::new(225, 1, 2, 3));
        assert_eq!(
            hex_v6("ff0e0000000000000000000000010002"),
            "ff0e::1:2".parse::<Ipv6Addr>().unwrap()
        );
    }
}
