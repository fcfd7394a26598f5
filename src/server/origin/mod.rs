//! Which web pages may open a WebSocket here, and which may call the admin API.
//!
//! A browser attaches its cookies to a WebSocket handshake whatever page opens it, so a server
//! that authenticates by cookie must look at the `Origin` header, or any page the user visits
//! can speak as the user (cross-site WebSocket hijacking). The rule, in one place for every
//! WebSocket endpoint of the listener:
//! - no `Origin` header: not a browser page; accepted (authentication still applies);
//! - an `Origin` equal to the request's own scheme, host and port: the page is served by this
//!   same address; accepted;
//! - otherwise it must match `allowed_origins`: exact origins, `*.example.com` or
//!   `https://*.example.com` wildcards, or `*` (any page at all).
//!
//! The request's own origin comes from `Host` and whether the listener serves TLS. Behind a
//! reverse proxy that rewrites them, `X-Forwarded-Host` and `X-Forwarded-Proto` stand in, but
//! only from a peer in `trusted_proxies`: anyone else could send them to pass as same-origin.

use super::proxies::TrustedProxies;
use hyper::HeaderMap;
use std::net::IpAddr;

/// An origin as browsers send it: `scheme://host[:port]`, normalised (lowercase, the port
/// always set, the scheme's default when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    /// Lowercase; IPv6 addresses keep their brackets.
    host: String,
    port: u16,
}

/// A page's WebSocket origin and its HTTP origin are the same place: `ws` is `http`.
fn web_scheme(scheme: &str) -> &str {
    match scheme {
        "ws" => "http",
        "wss" => "https",
        other => other,
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// Splits `host[:port]` (IPv6 as `[::1]:port`); the port is `None` when absent, an error when
/// not a number.
fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), ()> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']').ok_or(())?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':').ok_or(())?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.contains(['/', '?', '#', '@', ' ', '*']) {
        return Err(());
    }
    let port = port.map(|p| p.parse::<u16>().map_err(|_| ())).transpose()?;
    Ok((host, port))
}

/// Lowercase, and IPv6 literals in one spelling (`[0::1]` is `[::1]`).
fn normal_host(host: &str) -> String {
    match host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<std::net::Ipv6Addr>().ok())
    {
        Some(ip) => format!("[{ip}]"),
        None => host.to_ascii_lowercase(),
    }
}

impl Origin {
    /// `scheme://host[:port]` with nothing after it; `None` for anything else (`null` too).
    pub fn parse(text: &str) -> Option<Origin> {
        let (scheme, authority) = text.trim().split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default = default_port(&scheme)?;
        let (host, port) = split_host_port(authority).ok()?;
        Some(Origin {
            scheme,
            host: normal_host(host),
            port: port.unwrap_or(default),
        })
    }

    /// The origin of a page served by this request's own address: `scheme` (http or https),
    /// the `Host` header's host and port, else `port` (a proxy's `X-Forwarded-Port`), else the
    /// scheme's default.
    fn of_request(scheme: &str, host_header: &str, port: Option<u16>) -> Option<Origin> {
        let (host, given) = split_host_port(host_header.trim()).ok()?;
        let port = given.or(port).or(default_port(scheme))?;
        Some(Origin {
            scheme: scheme.to_string(),
            host: normal_host(host),
            port,
        })
    }

    fn web_scheme(&self) -> &str {
        web_scheme(&self.scheme)
    }

    fn same_as(&self, other: &Origin) -> bool {
        self.web_scheme() == other.web_scheme()
            && self.host == other.host
            && self.port == other.port
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// `*`: any page, opaque (`null`) origins included.
    Any,
    /// `null`: sandboxed frames and local files.
    Null,
    Exact(Origin),
    /// `[scheme://]*.domain[:port]`: any subdomain of `domain` (not `domain` itself). Without a
    /// scheme, http and https on their default ports.
    Subdomains {
        scheme: Option<String>,
        suffix: String,
        port: Option<u16>,
    },
}

impl Pattern {
    fn parse(item: &str) -> Option<Pattern> {
        match item {
            "*" => return Some(Pattern::Any),
            "null" => return Some(Pattern::Null),
            _ => {}
        }
        let item = item.strip_suffix('/').unwrap_or(item);
        let (scheme, rest) = match item.split_once("://") {
            Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
            None => (None, item),
        };
        let Some(domain) = rest.strip_prefix("*.") else {
            return Origin::parse(item).map(Pattern::Exact);
        };
        if let Some(scheme) = &scheme {
            default_port(scheme)?;
        }
        let (domain, port) = split_host_port(domain).ok()?;
        if scheme.is_none() && port.is_some() {
            return None;
        }
        Some(Pattern::Subdomains {
            scheme,
            suffix: format!(".{}", domain.to_ascii_lowercase()),
            port,
        })
    }

    fn matches(&self, origin: &Origin) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Null => false,
            Pattern::Exact(listed) => listed.same_as(origin),
            Pattern::Subdomains {
                scheme,
                suffix,
                port,
            } => {
                let scheme_ok = match scheme {
                    Some(s) => web_scheme(s) == origin.web_scheme(),
                    None => matches!(origin.web_scheme(), "http" | "https"),
                };
                let wanted_port = port.or(default_port(origin.web_scheme()));
                scheme_ok
                    && origin.host.ends_with(suffix.as_str())
                    && Some(origin.port) == wanted_port
            }
        }
    }
}

/// A list of allowed origins (`allowed_origins`, `admin_allowed_origins`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OriginList {
    patterns: Vec<Pattern>,
}

impl OriginList {
    /// Parses a space- or comma-separated list; an entry that is none of the accepted forms is
    /// an error naming it and the `directive`.
    pub fn parse(directive: &str, list: &str) -> Result<OriginList, String> {
        let mut patterns = Vec::new();
        for item in list.split([' ', ',', '\t', '\n']).filter(|s| !s.is_empty()) {
            patterns.push(Pattern::parse(item).ok_or_else(|| {
                format!(
                    "option '{directive}': '{item}' is not an origin; write scheme://host[:port] \
                     (https://app.example.com), a wildcard (*.example.com or https://*.example.com), \
                     null, or * for any page"
                )
            })?);
        }
        Ok(OriginList { patterns })
    }

    /// Whether the `Origin` header's value is listed.
    pub fn admits(&self, origin_header: &str) -> bool {
        let origin_header = origin_header.trim();
        if origin_header == "null" {
            return self
                .patterns
                .iter()
                .any(|p| matches!(p, Pattern::Any | Pattern::Null));
        }
        match Origin::parse(origin_header) {
            Some(origin) => self.patterns.iter().any(|p| p.matches(&origin)),
            None => self.patterns.contains(&Pattern::Any),
        }
    }
}

/// The WebSocket handshake's Origin rule (see the module doc). `Err` says why, for the log.
pub fn check_handshake(
    headers: &HeaderMap,
    peer: IpAddr,
    tls: bool,
    allowed: &OriginList,
    proxies: &TrustedProxies,
) -> Result<(), String> {
    let Some(origin_header) = headers.get(hyper::header::ORIGIN) else {
        return Ok(());
    };
    let origin_text = String::from_utf8_lossy(origin_header.as_bytes());
    if allowed.admits(&origin_text) {
        return Ok(());
    }
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_string())
    };
    let from_proxy = proxies.contains(peer);
    let scheme = match from_proxy.then(|| first("x-forwarded-proto")).flatten() {
        Some(proto) if matches!(proto.to_ascii_lowercase().as_str(), "https" | "wss") => "https",
        Some(_) => "http",
        None if tls => "https",
        None => "http",
    };
    let forwarded_host = from_proxy.then(|| first("x-forwarded-host")).flatten();
    let own = match forwarded_host {
        Some(host) => {
            let port = first("x-forwarded-port").and_then(|p| p.parse::<u16>().ok());
            Origin::of_request(scheme, &host, port)
        }
        None => first("host").and_then(|host| Origin::of_request(scheme, &host, None)),
    };
    match (Origin::parse(&origin_text), &own) {
        (Some(origin), Some(own)) if origin.same_as(own) => Ok(()),
        _ => Err(format!(
            "Origin '{origin_text}' is neither this server's own ({}) nor in allowed_origins",
            own.map_or("unknown: no Host".to_string(), |o| format!(
                "{}://{}:{}",
                o.scheme, o.host, o.port
            ))
        )),
    }
}

#[cfg(test)]
mod tests;
