//! What keeps web pages away from the admin API, token or not.
//!
//! A page can make the user's browser send a cross-origin `POST` here without any preflight
//! (`fetch(…, {mode: 'no-cors'})`, a form), and with DNS rebinding (its own host name made to
//! resolve to 127.0.0.1) it can even read the answers. So:
//! - a request whose `Host` names this machine by anything but an IP address or `localhost` is
//!   refused: a rebinding page's requests always carry the page's own host name, and an IP or
//!   `localhost` cannot be rebound. The port is not checked, so port forwards and NAT work;
//! - a request with an `Origin` is refused unless it is listed in `admin_allowed_origins`;
//!   listed pages get CORS answers (preflight included), so a dashboard can use the API;
//! - a browser request without `Origin` that says `Sec-Fetch-Site: cross-site` or `same-site`
//!   is refused too.

use super::origin::OriginList;
use hyper::header::HeaderValue;
use hyper::{HeaderMap, Method};

pub enum Verdict {
    /// 403, and why.
    Refuse(String),
    /// A listed page's CORS preflight: answer it, nothing else.
    Preflight(HeaderValue),
    /// Serve it; a listed page's origin gets `Access-Control-Allow-Origin`.
    Serve(Option<HeaderValue>),
}

/// Whether `host` (a `Host` header) names this machine in a way no DNS answer can change.
fn unrebindable(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        Some(_) if !host.starts_with('[') => return false,
        _ => host,
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.parse::<std::net::Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .is_some_and(|n| n.parse::<std::net::Ipv6Addr>().is_ok())
}

pub fn check(method: &Method, headers: &HeaderMap, allowed: &OriginList) -> Verdict {
    let header = |name| {
        headers
            .get(name)
            .map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    match header("host") {
        Some(host) if unrebindable(host.trim()) => {}
        Some(host) => {
            return Verdict::Refuse(format!(
                "Host '{host}' is not an IP address or localhost; call the admin API by address \
                 (this guards against DNS rebinding)"
            ))
        }
        None => return Verdict::Refuse("a Host header is required".into()),
    }
    match headers.get(hyper::header::ORIGIN) {
        Some(origin) if allowed.admits(&String::from_utf8_lossy(origin.as_bytes())) => {
            if method == Method::OPTIONS {
                Verdict::Preflight(origin.clone())
            } else {
                Verdict::Serve(Some(origin.clone()))
            }
        }
        Some(origin) => Verdict::Refuse(format!(
            "requests from web pages are refused; Origin '{}' is not in frankenphp_ws.admin_allowed_origins",
            String::from_utf8_lossy(origin.as_bytes())
        )),
        None => match header("sec-fetch-site").as_deref() {
            Some("cross-site" | "same-site") => Verdict::Refuse("requests from web pages are refused".into()),
            _ => Verdict::Serve(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(pairs: &[(&'static str, &str)], allowed: &str) -> Verdict {
        let mut headers = HeaderMap::new();
        for (k, v) in pairs {
            headers.append(*k, v.parse().unwrap());
        }
        check(
            &Method::POST,
            &headers,
            &OriginList::parse("admin_allowed_origins", allowed).unwrap(),
        )
    }

    #[test]
    fn only_addresses_and_localhost_are_own_hosts() {
        for ok in [
            "127.0.0.1:2019",
            "localhost:2019",
            "LOCALHOST:9000",
            "[::1]:2019",
            "10.0.0.5:2019",
            "10.0.0.5",
            "localhost",
            "[::ffff:7f00:1]:1",
        ] {
            assert!(unrebindable(ok), "{ok}");
        }
        for bad in [
            "evil.example:2019",
            "localhost.evil:2019",
            "localhost.:2019",
            "127.0.0.1.nip.io:2019",
            "",
            "[::1",
            "a:b:c",
            "127.1:2019",
            "2130706433:2019",
        ] {
            assert!(!unrebindable(bad), "{bad}");
        }
    }

    #[test]
    fn browsers_are_refused_unless_listed() {
        assert!(matches!(
            verdict(&[("host", "127.0.0.1:1")], ""),
            Verdict::Serve(None)
        ));
        assert!(matches!(
            verdict(&[("host", "evil.example:1")], ""),
            Verdict::Refuse(_)
        ));
        assert!(matches!(verdict(&[], ""), Verdict::Refuse(_)));
        assert!(matches!(
            verdict(
                &[("host", "127.0.0.1:1"), ("origin", "https://evil.example")],
                ""
            ),
            Verdict::Refuse(_)
        ));
        assert!(matches!(
            verdict(
                &[("host", "127.0.0.1:1"), ("sec-fetch-site", "cross-site")],
                ""
            ),
            Verdict::Refuse(_)
        ));
        assert!(matches!(
            verdict(&[("host", "127.0.0.1:1"), ("sec-fetch-site", "none")], ""),
            Verdict::Serve(None)
        ));
        let listed = verdict(
            &[("host", "127.0.0.1:1"), ("origin", "https://ops.example")],
            "https://ops.example",
        );
        assert!(matches!(listed, Verdict::Serve(Some(_))));
    }
}
