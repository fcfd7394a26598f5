//! The WebSocket handshake: hyper serves HTTP/1.1 on `listen`; a request at or under `path`
//! that asks for an upgrade gets `101 Switching Protocols` and its socket is handed to
//! `client::run`. Everything else is refused before any WebSocket exists: a bad request, a
//! foreign Origin, a handshake over the admission limits, one the application does not
//! vouch for.

use super::admission::Refusal;
use super::client;
use super::http::{constant_time_eq, parse_query, text, Body};
use super::origin;
use crate::auth::endpoint::Credentials;
use crate::auth::Verdict;
use crate::hub::frame::Deflate;
use crate::hub::stats::Stats;
use crate::node::Node;
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_EXTENSIONS, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_PROTOCOL, UPGRADE,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

/// Origin refusals logged at most once a second: a hostile page can make many.
static ORIGIN_REFUSALS_LOGGED: crate::log::LogLimiter = crate::log::LogLimiter::new();

/// A client must finish sending its request headers within this time (slow-loris guard).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn serve<S>(stream: S, remote: SocketAddr, node: Arc<Node>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| {
        let node = node.clone();
        async move { Ok::<_, Infallible>(handshake(req, remote, node).await) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(16 * 1024)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    if let Err(error) = connection.await {
        tracing::debug!(client = %remote, "HTTP connection ended with an error: {error}");
    }
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

fn header(req: &Request<Incoming>, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The request's checks, in order of cost: the request itself, the Origin, the admission
/// limits, then authentication (which may call out). Only then the upgrade.
async fn handshake(
    mut req: Request<Incoming>,
    remote: SocketAddr,
    node: Arc<Node>,
) -> Response<Body> {
    let config = &node.config;
    let stats = &node.hub.stats;
    let reject = |status: StatusCode, why: &str| {
        Stats::add(&stats.handshakes_rejected, 1);
        text(status, why.to_string())
    };
    let path = req.uri().path().to_string();
    if let Some(script) = super::script::serve(
        req.method(),
        &path,
        header_has_token(&req, UPGRADE, "websocket"),
    ) {
        return script;
    }
    // Pusher's paths, beside the native route: its HTTP API, and `/app/{key}` for its clients.
    let pusher_key = match &config.pusher {
        Some(app) if path.starts_with("/apps/") => {
            return crate::pusher::api::serve(req, node.clone(), app).await;
        }
        Some(_) => path.strip_prefix("/app/").map(str::to_string),
        None => None,
    };
    if pusher_key.is_none() && !route_matches(&config.path, &path) {
        return reject(StatusCode::NOT_FOUND, "no WebSocket route here\n");
    }
    if req.method() != hyper::Method::GET
        || !header_has_token(&req, UPGRADE, "websocket")
        || !header_has_token(&req, CONNECTION, "upgrade")
    {
        let mut response = reject(
            StatusCode::UPGRADE_REQUIRED,
            "this is a WebSocket endpoint\n",
        );
        response
            .headers_mut()
            .insert(UPGRADE, HeaderValue::from_static("websocket"));
        return response;
    }
    if req
        .headers()
        .get("sec-websocket-version")
        .map(|v| v.as_bytes())
        != Some(b"13")
    {
        return reject(
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Version must be 13\n",
        );
    }
    let Some(key_header) = req.headers().get(SEC_WEBSOCKET_KEY).cloned() else {
        return reject(StatusCode::BAD_REQUEST, "Sec-WebSocket-Key is missing\n");
    };
    let tls = config.tls();
    if let Err(why) = origin::check_handshake(
        req.headers(),
        remote.ip(),
        tls,
        &config.allowed_origins,
        &config.trusted_proxies,
    ) {
        Stats::add(&stats.origin_refused, 1);
        if let Some(suppressed) = ORIGIN_REFUSALS_LOGGED.allow() {
            tracing::warn!(client = %remote, path = %path, suppressed, "WebSocket handshake refused (403): {why}");
        }
        return reject(
            StatusCode::FORBIDDEN,
            "origin not allowed: add this page's origin to frankenphp_ws.allowed_origins\n",
        );
    }
    let origin = header(&req, "origin");
    // Held until the connection is in the hub, so a stop waits for it (`Arrivals`).
    let Some(arrival) = node.arrivals.enter() else {
        let mut response = reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "this node is stopping: connect again, to another node\n",
        );
        response
            .headers_mut()
            .insert(hyper::header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let slot = match node.admission.admit(remote.ip()) {
        Ok(slot) => slot,
        Err(Refusal::Full) => {
            Stats::add(&stats.connection_limit_refused, 1);
            // A Pusher client is told as Pusher tells it (4100: back off, then retry).
            let permit = crate::pusher::OVER_CAPACITY_REFUSALS.try_acquire();
            if let (Some(_), Ok(permit)) = (&pusher_key, permit) {
                let on_upgrade = hyper::upgrade::on(&mut req);
                tokio::spawn(async move {
                    let _permit = permit;
                    if let Ok(upgraded) = on_upgrade.await {
                        crate::pusher::refuse_over_capacity(TokioIo::new(upgraded)).await;
                    }
                });
                return switching_protocols(&key_header, None, None);
            }
            return reject(StatusCode::SERVICE_UNAVAILABLE, "too many connections\n");
        }
        Err(Refusal::TooFast) => {
            Stats::add(&stats.handshake_rate_refused, 1);
            return reject(
                StatusCode::TOO_MANY_REQUESTS,
                "too many handshakes from your address\n",
            );
        }
    };
    if let (Some(key), Some(app)) = (&pusher_key, &config.pusher) {
        if *key != app.key {
            Stats::add(&stats.handshakes_rejected, 1);
            let key = key.clone();
            let on_upgrade = hyper::upgrade::on(&mut req);
            tokio::spawn(async move {
                // The admission place is held until the refusal is sent.
                let _slot = slot;
                if let Ok(upgraded) = on_upgrade.await {
                    crate::pusher::refuse_unknown_app(TokioIo::new(upgraded), key).await;
                }
            });
            return switching_protocols(&key_header, None, None);
        }
    }
    let authorization = header(&req, "authorization");
    let bearer = authorization
        .as_deref()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let trusted = !config.admin_token.is_empty()
        && bearer.is_some_and(|t| constant_time_eq(t.as_bytes(), config.admin_token.as_bytes()));
    let query = parse_query(req.uri().query().unwrap_or(""));
    let (ack, last) = match acknowledgements(&query) {
        Ok(asked) => asked,
        Err(why) => return reject(StatusCode::BAD_REQUEST, why),
    };
    let user = if trusted {
        // The application's own server side, holding the admin token.
        None
    } else {
        let token = query
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.as_str())
            .or(bearer);
        let credentials = || Credentials {
            cookie: header(&req, "cookie"),
            authorization: authorization.clone(),
            origin,
            forwarded_for: match header(&req, "x-forwarded-for") {
                Some(chain) => format!("{chain}, {}", remote.ip()),
                None => remote.ip().to_string(),
            },
            uri: req
                .uri()
                .path_and_query()
                .map_or(path.clone(), |p| p.to_string()),
        };
        match node.auth.authenticate(token, credentials, stats).await {
            Verdict::Accept(user) => user,
            Verdict::Refuse(status, why) => return reject(status, &why),
        }
    };
    let resume = query
        .iter()
        .find(|(k, _)| k == "resume")
        .map(|(_, v)| v.clone());
    let protocol = subprotocol(&req, &config.subprotocols);
    let deflate = config.compress_from.and_then(|threshold| {
        let offers = req.headers().get_all(SEC_WEBSOCKET_EXTENSIONS);
        let accepted = super::deflate::negotiate(offers.iter().filter_map(|v| v.to_str().ok()))?;
        let deflate = Deflate {
            threshold,
            narrow: accepted.narrow,
        };
        Some((accepted.answer, deflate))
    });
    let handshake = client::Handshake {
        route: path,
        query,
        resume,
        ack,
        last,
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        remote,
        user,
        trusted,
        slot,
        arrival,
        // A Pusher client asks for none: it shows in `open` as the protocol it speaks.
        protocol: match pusher_key {
            Some(_) => Some("pusher".to_string()),
            None => protocol.clone(),
        },
        deflate: deflate.as_ref().map(|(_, deflate)| *deflate),
        pusher: pusher_key.is_some(),
    };
    if deflate.is_some() {
        Stats::add(&stats.compression_negotiated, 1);
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        if let Ok(upgraded) = on_upgrade.await {
            client::run(TokioIo::new(upgraded), handshake, node).await;
        }
    });
    switching_protocols(&key_header, protocol, deflate.map(|(answer, _)| answer))
}

/// `101 Switching Protocols`, with the subprotocol and the extension answer if any.
fn switching_protocols(
    key: &HeaderValue,
    protocol: Option<String>,
    deflate: Option<String>,
) -> Response<Body> {
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(
        SEC_WEBSOCKET_ACCEPT,
        HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
            .expect("base64 is a valid header"),
    );
    if let Some(protocol) = protocol {
        headers.insert(
            SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_str(&protocol).expect("a token is a valid header"),
        );
    }
    if let Some(answer) = deflate {
        headers.insert(
            SEC_WEBSOCKET_EXTENSIONS,
            HeaderValue::from_str(&answer).expect("parameters are valid in a header"),
        );
    }
    response
}

/// The subprotocol to answer: the first the client offers (`Sec-WebSocket-Protocol`, in one
/// header or several) that the server serves. None if it offers none served: the handshake
/// goes on without one, and a client that needs one (a browser that asked) closes it.
fn subprotocol(req: &Request<Incoming>, served: &[String]) -> Option<String> {
    req.headers()
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find(|offered| served.iter().any(|s| s == offered))
        .map(str::to_string)
}

/// `ack=1`: number messages and keep them until acknowledged; `last=N`: on resume, the number
/// of the last message the client has.
fn acknowledgements(query: &[(String, String)]) -> Result<(bool, Option<u64>), &'static str> {
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let ack = match value("ack") {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err("`ack` must be 1 (acknowledge messages) or 0\n"),
    };
    let last = match value("last") {
        None => None,
        Some(n) => Some(n.parse::<u64>().map_err(|_| {
            "`last` must be the number of the last message received (a whole number)\n"
        })?),
    };
    Ok((ack, last))
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
