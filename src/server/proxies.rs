//! `TrustedProxies`: the peers (CIDRs in `trusted_proxies`) whose `X-Forwarded-*` headers are
//! believed. From anyone else those headers are the client's own words and are ignored.

use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = addr
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        if prefix > bits {
            return None;
        }
        // Peers are compared in their canonical form, so ::ffff:10.0.0.0/104 is 10.0.0.0/8.
        match network {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => Some(Cidr {
                    network: IpAddr::V4(v4),
                    prefix: prefix - 96,
                }),
                None => Some(Cidr { network, prefix }),
            },
            _ => Some(Cidr { network, prefix }),
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(addr: u128, prefix: u8, bits: u32) -> u128 {
    let host_bits = bits - prefix as u32;
    if host_bits >= 128 {
        0
    } else {
        addr >> host_bits
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustedProxies {
    networks: Vec<Cidr>,
}

impl TrustedProxies {
    /// A space- or comma-separated list of addresses and CIDRs (`10.0.0.0/8 ::1`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let networks = list
            .split([' ', ',', '\t', '\n'])
            .filter(|s| !s.is_empty())
            .map(|item| {
                Cidr::parse(item).ok_or_else(|| {
                    format!("option 'trusted_proxies': '{item}' is not an IP address or CIDR (like 10.0.0.0/8 or ::1)")
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies { networks })
    }

    pub fn contains(&self, peer: IpAddr) -> bool {
        self.networks.iter().any(|n| n.contains(peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_and_single_addresses() {
        let p = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7 fd00::/8 0.0.0.0/0").unwrap();
        assert!(
            p.contains(ip("10.200.3.4"))
                && p.contains(ip("192.168.1.7"))
                && p.contains(ip("fd12::1"))
        );
        assert!(p.contains(ip("8.8.8.8")), "/0 is everything");
        let p = TrustedProxies::parse("10.0.0.0/8 192.168.1.7 ::1").unwrap();
        assert!(
            !p.contains(ip("11.0.0.1"))
                && !p.contains(ip("192.168.1.8"))
                && !p.contains(ip("fe80::1"))
        );
        assert!(
            p.contains(ip("::ffff:10.1.1.1")),
            "IPv4 seen through a dual-stack socket"
        );
        assert!(p.contains(ip("::1")));
        let mapped = TrustedProxies::parse("::ffff:10.0.0.0/104").unwrap();
        assert!(
            mapped.contains(ip("10.9.9.9"))
                && mapped.contains(ip("::ffff:10.9.9.9"))
                && !mapped.contains(ip("11.0.0.1"))
        );
        assert!(
            !TrustedProxies::default().contains(ip("127.0.0.1")),
            "none by default"
        );
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in ["10.0.0.0/33", "nope", "10.0.0/8", "::1/129"] {
            assert!(TrustedProxies::parse(bad).unwrap_err().contains(bad));
        }
    }
}
