use super::*;

fn list(s: &str) -> OriginList {
    OriginList::parse("allowed_origins", s).unwrap()
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.append(*k, v.parse().unwrap());
    }
    map
}

const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));

#[test]
fn exact_origins_compare_normalised() {
    let l = list("https://App.example http://localhost:3000/");
    assert!(l.admits("https://app.example"));
    assert!(l.admits("https://app.example:443"));
    assert!(l.admits("http://localhost:3000"));
    assert!(!l.admits("http://app.example"), "another scheme");
    assert!(!l.admits("https://app.example:8443"), "another port");
    assert!(!l.admits("https://app.example.evil.test"));
    assert!(!l.admits("null"));
    assert!(!l.admits("garbage"));
}

#[test]
fn wildcards_take_subdomains_only() {
    let l = list("*.example.com https://*.secure.test:8443");
    assert!(l.admits("https://a.example.com") && l.admits("http://a.b.example.com"));
    assert!(
        !l.admits("https://example.com"),
        "the domain itself is not a subdomain"
    );
    assert!(!l.admits("https://evilexample.com"));
    assert!(
        !l.admits("https://a.example.com:8443"),
        "no scheme: default ports only"
    );
    assert!(l.admits("https://x.secure.test:8443"));
    assert!(!l.admits("http://x.secure.test:8443"));
    let any = list("*");
    assert!(
        any.admits("https://evil.example")
            && any.admits("null")
            && any.admits("chrome-extension://abc")
    );
    assert!(list("null").admits("null"));
}

#[test]
fn malformed_entries_are_start_errors() {
    for bad in [
        "example.com",
        "https://",
        "ftp://x",
        "https://a/b",
        "*.example.com:80",
        "https://*.*.x",
        "https://x:99999",
        "https://*",
        "https://*example.com",
        "https://a.*.com",
    ] {
        let e = OriginList::parse("allowed_origins", bad).unwrap_err();
        assert!(e.contains(bad), "{e}");
    }
}

#[test]
fn same_origin_uses_host_and_tls() {
    let none = OriginList::default();
    let proxies = TrustedProxies::default();
    let h = headers(&[
        ("host", "127.0.0.1:8080"),
        ("origin", "http://127.0.0.1:8080"),
    ]);
    assert!(check_handshake(&h, PEER, false, &none, &proxies).is_ok());
    assert!(
        check_handshake(&h, PEER, true, &none, &proxies).is_err(),
        "https page vs http origin"
    );
    let h = headers(&[("host", "chat.example"), ("origin", "https://chat.example")]);
    assert!(check_handshake(&h, PEER, true, &none, &proxies).is_ok());
    let h = headers(&[
        ("host", "127.0.0.1:8080"),
        ("origin", "http://127.0.0.1:8000"),
    ]);
    let why = check_handshake(&h, PEER, false, &none, &proxies).unwrap_err();
    assert!(
        why.contains("http://127.0.0.1:8000") && why.contains("http://127.0.0.1:8080"),
        "{why}"
    );
    assert!(
        check_handshake(&headers(&[("host", "x")]), PEER, false, &none, &proxies).is_ok(),
        "no Origin"
    );
    let h = headers(&[("origin", "http://x")]);
    assert!(
        check_handshake(&h, PEER, false, &none, &proxies).is_err(),
        "no Host: nothing is same-origin"
    );
}

#[test]
fn forwarded_headers_count_only_from_trusted_proxies() {
    let none = OriginList::default();
    let h = headers(&[
        ("host", "127.0.0.1:8080"),
        ("origin", "https://chat.example"),
        ("x-forwarded-host", "chat.example, inner"),
        ("x-forwarded-proto", "https"),
    ]);
    assert!(check_handshake(&h, PEER, false, &none, &TrustedProxies::default()).is_err());
    let proxies = TrustedProxies::parse("127.0.0.0/8").unwrap();
    assert!(check_handshake(&h, PEER, false, &none, &proxies).is_ok());
    let elsewhere = IpAddr::from([10, 1, 2, 3]);
    assert!(check_handshake(&h, elsewhere, false, &none, &proxies).is_err());
    // A proxy on a non-default port that sends the port apart.
    let h = headers(&[
        ("host", "127.0.0.1:8080"),
        ("origin", "https://chat.example:8443"),
        ("x-forwarded-host", "chat.example"),
        ("x-forwarded-port", "8443"),
        ("x-forwarded-proto", "https"),
    ]);
    assert!(check_handshake(&h, PEER, false, &none, &proxies).is_ok());
}

#[test]
fn ipv6_literals_compare_in_one_spelling() {
    let h = headers(&[("host", "[0::1]:8080"), ("origin", "http://[::1]:8080")]);
    assert!(check_handshake(
        &h,
        PEER,
        false,
        &OriginList::default(),
        &TrustedProxies::default()
    )
    .is_ok());
    assert!(list("http://[0:0::1]:3000").admits("http://[::1]:3000"));
}
