//! The WebSocket handshake: hyper serves HTTP/1.1 on `listen`; a request at or under `path`
//! that asks for an upgrade gets `101 Switching Protocols` and its socket is handed to
//! `client::run`. Everything else is refused before any WebSocket exists.

use super::client;
use super::http::{constant_time_eq, parse_query, text, Body};
use crate::hub::stats::Stats;
use crate::node::Node;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// A client must finish sending its request headers within this time (slow-loris guard).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn serve(stream: TcpStream, remote: SocketAddr, node: Arc<Node>) {
    let service = service_fn(move |req| {
        let node = node.clone();
        async move { Ok::<_, Infallible>(handshake(req, remote, node)) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(16 * 1024)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    let _ = connection.await;
}

/// True if `path` is `prefix` or lies under it.
pub fn route_matches(prefix: &str, path: &str) -> bool {
    prefix == "/"
        || path == prefix
        || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

fn header_has_token(req: &Request<Incoming>, name: hyper::header::HeaderName, token: &str) -> bool {
    req.headers().get_all(name).iter().any(|v| {
        v.to_str()
            .map(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
            .unwrap_or(false)
    })
}

fn handshake(mut req: Request<Incoming>, remote: SocketAddr, node: Arc<Node>) -> Response<Body> {
    let config = &node.config;
    let reject = |status: StatusCode, why: &str| {
        Stats::add(&node.hub.stats.handshakes_rejected, 1);
        text(status, why.to_string())
    };
    let path = req.uri().path().to_string();
    if !route_matches(&config.path, &path) {
        return reject(StatusCode::NOT_FOUND, "no WebSocket route here\n");
    }
    if req.method() != hyper::Method::GET
        || !header_has_token(&req, UPGRADE, "websocket")
        || !header_has_token(&req, CONNECTION, "upgrade")
    {
        let mut response = reject(StatusCode::UPGRADE_REQUIRED, "this is a WebSocket endpoint\n");
        response.headers_mut().insert(UPGRADE, HeaderValue::from_static("websocket"));
        return response;
    }
    if req.headers().get("sec-websocket-version").map(|v| v.as_bytes()) != Some(b"13") {
        return reject(StatusCode::BAD_REQUEST, "Sec-WebSocket-Version must be 13\n");
    }
    let Some(key) = req.headers().get(SEC_WEBSOCKET_KEY).cloned() else {
        return reject(StatusCode::BAD_REQUEST, "Sec-WebSocket-Key is missing\n");
    };
    if !config.allowed_origins.is_empty() {
        let origin = req.headers().get("origin").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !config.allowed_origins.iter().any(|o| o == origin) {
            return reject(StatusCode::FORBIDDEN, "origin not allowed\n");
        }
    }
    let trusted = !config.admin_token.is_empty()
        && req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| constant_time_eq(t.as_bytes(), config.admin_token.as_bytes()));
    let query = parse_query(req.uri().query().unwrap_or(""));
    let resume = query.iter().find(|(k, _)| k == "resume").map(|(_, v)| v.clone());
    let handshake = client::Handshake {
        route: path,
        query,
        resume,
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        remote,
        user: None,
        trusted,
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        if let Ok(upgraded) = on_upgrade.await {
            client::run(TokioIo::new(upgraded), handshake, node).await;
        }
    });
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(
        SEC_WEBSOCKET_ACCEPT,
        HeaderValue::from_str(&derive_accept_key(key.as_bytes())).expect("base64 is a valid header"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::route_matches;

    #[test]
    fn routes_are_prefixes_at_segment_boundaries() {
        assert!(route_matches("/ws", "/ws"));
        assert!(route_matches("/ws", "/ws/chat"));
        assert!(!route_matches("/ws", "/wsx"));
        assert!(!route_matches("/ws", "/"));
        assert!(route_matches("/", "/anything"));
    }
}
