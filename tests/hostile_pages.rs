//! What a hostile web page can do, tried with real clients: open a WebSocket with the user's
//! cookie from another origin (cross-site WebSocket hijacking), and drive the admin API from a
//! browser (a cross-origin `POST`, or a DNS-rebinding `Host`). The browser itself is in
//! `tests/browser.rs`.

mod common;

use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const QUIET: Duration = Duration::from_millis(500);

/// One HTTP/1.1 request to `addr` with exactly these headers; the status and body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("admin API");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        text.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default(),
    )
}

fn status(result: Result<Client, (u16, String)>) -> u16 {
    match result {
        Ok(_) => 101,
        Err((status, _)) => status,
    }
}

async fn stat(worker: &Worker, name: &str) -> u64 {
    admin_get(worker, "/stats").await[name].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_page_with_the_users_cookie_is_refused() {
    let pages = integration_pages(1);
    let worker = Worker::start(json!({"auth_endpoint": pages.url("cookie_auth.php")}));
    let url = worker.url("/ws?tag=c");
    let cookie = ("cookie", "session=alice");
    // The cookie is valid: a client without Origin (not a browser page) is alice.
    assert_eq!(status(try_connect(&url, &[cookie]).await), 101);
    let open = worker.wait_event("alice's open", Duration::from_secs(5), |e| {
        e["type"] == "open"
    });
    assert_eq!(open["user"], "alice");
    // A page served by the server's own address is same-origin.
    let own = format!("http://{}", worker.listen);
    assert_eq!(
        status(try_connect(&url, &[cookie, ("origin", &own)]).await),
        101
    );
    // The hostile page: the browser attaches alice's cookie, the Origin gives it away.
    let (code, body) = try_connect(&url, &[cookie, ("origin", "https://evil.example")])
        .await
        .err()
        .expect("refused");
    assert_eq!(code, 403);
    assert!(body.contains("allowed_origins"), "{body}");
    // A port is part of the origin: the page on :8000 is another origin than the socket's.
    let other_port = format!("http://{}:{}", worker.listen.ip(), worker.listen.port() + 1);
    assert_eq!(
        status(try_connect(&url, &[cookie, ("origin", &other_port)]).await),
        403
    );
    assert_eq!(stat(&worker, "origin_refused").await, 2);
    // The two accepted connections' opens first (one client dropped right after its 101),
    // then a quiet moment in which a refused handshake would show up.
    worker.wait_until("the two opens", Duration::from_secs(5), |events| {
        events.iter().filter(|e| e["type"] == "open").count() >= 2
    });
    tokio::time::sleep(QUIET).await;
    let opens = worker
        .events()
        .iter()
        .filter(|e| e["type"] == "open")
        .count();
    assert_eq!(opens, 2, "a refused handshake is no connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_wildcard_and_any_origins_are_accepted() {
    let worker = Worker::start(json!({"allowed_origins": "https://app.example *.example.com"}));
    let url = worker.url("/ws");
    for (origin, expected) in [
        ("https://app.example", 101),
        ("https://chat.example.com", 101),
        ("http://a.b.example.com", 101),
        ("https://example.com", 403),
        ("https://app.example.evil.test", 403),
        ("http://app.example", 403),
        ("null", 403),
    ] {
        assert_eq!(
            status(try_connect(&url, &[("origin", origin)]).await),
            expected,
            "{origin}"
        );
    }
    assert_eq!(
        status(try_connect(&url, &[]).await),
        101,
        "no Origin: not a browser page"
    );
    let any = Worker::start(json!({"allowed_origins": "*"}));
    for origin in ["https://evil.example", "null"] {
        assert_eq!(
            status(try_connect(&any.url("/ws"), &[("origin", origin)]).await),
            101,
            "{origin}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_host_counts_only_from_trusted_proxies() {
    let proxied = [
        ("origin", "https://chat.example"),
        ("x-forwarded-host", "chat.example"),
        ("x-forwarded-proto", "https"),
    ];
    let untrusted = Worker::start(json!({}));
    assert_eq!(
        status(try_connect(&untrusted.url("/ws"), &proxied).await),
        403,
        "anyone can send X-Forwarded-Host"
    );
    let behind_proxy = Worker::start(json!({"trusted_proxies": "127.0.0.0/8"}));
    assert_eq!(
        status(try_connect(&behind_proxy.url("/ws"), &proxied).await),
        101
    );
    let foreign = [
        ("origin", "https://evil.example"),
        ("x-forwarded-host", "chat.example"),
        ("x-forwarded-proto", "https"),
    ];
    assert_eq!(
        status(try_connect(&behind_proxy.url("/ws"), &foreign).await),
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_origin_settings_stop_the_start_with_a_clear_message() {
    for (option, value, says) in [
        (
            "allowed_origins",
            "example.com",
            "'example.com' is not an origin",
        ),
        (
            "admin_allowed_origins",
            "https://a/b",
            "'https://a/b' is not an origin",
        ),
        (
            "trusted_proxies",
            "10.0.0.0/33",
            "'10.0.0.0/33' is not an IP address or CIDR",
        ),
    ] {
        let output = std::process::Command::new("php")
            .arg("-n")
            .arg("-d")
            .arg(format!("extension={}", extension().display()))
            .arg("-r")
            .arg(format!(
                "try {{ frankenphp_ws_start(['listen' => '127.0.0.1:0', 'admin_listen' => '', '{option}' => '{value}']); }} \
                 catch (Throwable $e) {{ echo get_class($e), ': ', $e->getMessage(); }}"
            ))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains(says) && text.starts_with("InvalidArgumentException: "),
            "{option}: {text}"
        );
    }
}

/// The subscribed client, and the admin API's address as the loopback sees it.
async fn listener_on(worker: &Worker, channel: &str) -> Client {
    let mut client = connect(&worker.url("/ws")).await;
    subscribe(&mut client, channel).await;
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_post_to_the_admin_api_is_refused_and_broadcasts_nothing() {
    for token in ["", "s3cret"] {
        let worker = Worker::start(json!({"admin_token": token}));
        let mut listener = listener_on(&worker, "x").await;
        let host = worker.admin.to_string();
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("host", host.as_str()), ("content-type", "text/plain")];
        if !token.is_empty() {
            headers.push(("authorization", bearer.as_str()));
        }
        // What fetch(url, {mode: 'no-cors', method: 'POST', body}) sends from a hostile page.
        let mut hostile = headers.clone();
        hostile.push(("origin", "https://evil.example"));
        let (code, body) = http(
            worker.admin,
            "POST",
            "/frankenphp_ws/broadcast/x",
            &hostile,
            "pwned",
        )
        .await;
        assert_eq!(code, 403, "token '{token}': {body}");
        assert!(body.contains("admin_allowed_origins"), "{body}");
        // A browser that sends no Origin still says where the request comes from.
        let mut fetched = headers.clone();
        fetched.push(("sec-fetch-site", "cross-site"));
        assert_eq!(
            http(
                worker.admin,
                "POST",
                "/frankenphp_ws/broadcast/x",
                &fetched,
                "pwned"
            )
            .await
            .0,
            403
        );
        expect_silence(&mut listener, QUIET).await;
        // The same request from the application's own server side goes through.
        assert_eq!(
            http(
                worker.admin,
                "POST",
                "/frankenphp_ws/broadcast/x",
                &headers,
                "hello"
            )
            .await
            .0,
            200
        );
        assert_eq!(
            next_data(&mut listener, Duration::from_secs(5))
                .await
                .to_text()
                .unwrap(),
            "hello"
        );
        let (_, stats) = http(worker.admin, "GET", "/stats", &headers, "").await;
        assert_eq!(
            serde_json::from_str::<Value>(&stats).unwrap()["admin_refused"],
            2,
            "{stats}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebinding_host_is_refused_and_addresses_are_served() {
    let worker = Worker::start(json!({}));
    let mut listener = listener_on(&worker, "x").await;
    let port = worker.admin.port();
    let rebound = format!("evil.example:{port}");
    let (code, body) = http(worker.admin, "GET", "/stats", &[("host", &rebound)], "").await;
    assert_eq!(code, 403);
    assert!(
        body.contains("evil.example") && !body.contains("connections_opened"),
        "{body}"
    );
    assert_eq!(
        http(
            worker.admin,
            "POST",
            "/frankenphp_ws/broadcast/x",
            &[("host", &rebound)],
            "pwned"
        )
        .await
        .0,
        403
    );
    assert_eq!(
        http(worker.admin, "GET", "/stats", &[], "").await.0,
        403,
        "no Host at all"
    );
    expect_silence(&mut listener, QUIET).await;
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (code, body) = http(worker.admin, "GET", "/stats", &[("host", &host)], "").await;
        assert_eq!(code, 200, "{host}: {body}");
        assert!(serde_json::from_str::<Value>(&body).unwrap()["connections_opened"].is_u64());
    }
    // A port forward or NAT changes the port or the address, never into a name: served.
    assert_eq!(
        http(
            worker.admin,
            "GET",
            "/health",
            &[("host", "127.0.0.1:9000")],
            ""
        )
        .await
        .0,
        200
    );
    assert_eq!(
        http(
            worker.admin,
            "GET",
            "/health",
            &[("host", "10.1.2.3:2019")],
            ""
        )
        .await
        .0,
        200
    );
    assert_eq!(
        http(
            worker.admin,
            "GET",
            "/health",
            &[("host", &format!("localhost.evil.example:{port}"))],
            ""
        )
        .await
        .0,
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_admin_origin_is_served() {
    let worker = Worker::start(json!({"admin_allowed_origins": "https://ops.example"}));
    let host = worker.admin.to_string();
    let call = |origin: &'static str| {
        let host = host.clone();
        async move {
            http(
                worker.admin,
                "GET",
                "/health",
                &[("host", &host), ("origin", origin)],
                "",
            )
            .await
            .0
        }
    };
    assert_eq!(call("https://ops.example").await, 200);
    assert_eq!(call("https://evil.example").await, 403);
    // The listed page may read answers and send the token: CORS, preflight included.
    let (status, raw) = http_head(
        worker.admin,
        "OPTIONS",
        "/frankenphp_ws/broadcast/x",
        &[
            ("host", &host),
            ("origin", "https://ops.example"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "authorization"),
        ],
    )
    .await;
    assert_eq!(status, 204, "{raw}");
    assert!(
        raw.contains("access-control-allow-origin: https://ops.example"),
        "{raw}"
    );
    assert!(
        raw.contains("access-control-allow-headers: authorization, content-type"),
        "{raw}"
    );
    let (_, raw) = http_head(
        worker.admin,
        "GET",
        "/health",
        &[("host", &host), ("origin", "https://ops.example")],
    )
    .await;
    assert!(
        raw.contains("access-control-allow-origin: https://ops.example"),
        "{raw}"
    );
}

/// The status and the whole answer, headers included (lowercase names, as hyper sends them).
async fn http_head(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    (
        text.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        text,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_out_of_process_php_client_still_works() {
    let worker = Worker::start(json!({"admin_token": "s3cret"}));
    let mut listener = listener_on(&worker, "x").await;
    // admin_url by name: the client connects to what the name resolves to.
    let admin_url = format!("http://localhost:{}", worker.admin.port());
    let output = std::process::Command::new("php")
        .arg("-n")
        .arg("-d")
        .arg(format!("extension={}", extension().display()))
        .arg("-d")
        .arg(format!("frankenphp_ws.admin_url={admin_url}"))
        .arg("-d")
        .arg("frankenphp_ws.admin_token=s3cret")
        .arg("-r")
        .arg("broadcast('x', 'from php-fpm'); echo frankenphp_ws_getClientsCount();")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "1",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        next_data(&mut listener, Duration::from_secs(5))
            .await
            .to_text()
            .unwrap(),
        "from php-fpm"
    );
}
