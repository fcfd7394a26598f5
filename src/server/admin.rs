//! The admin HTTP API on `admin_listen`: `/health`, `/stats`, `/metrics`; `POST /frankenphp_ws`,
//! an `Op` in the binary codec (how processes that host no server call, `admin_client`); and
//! one human endpoint per PHP function under `/frankenphp_ws/` (`ops::rest`), answering JSON
//! `{"result": …}` or `{"error": …}`. With `admin_token` set, every request needs the bearer
//! token.
//!
//! Browsers are kept out whatever the token: see `admin_guard`.

use super::admin_guard::{self, Verdict};
use super::http::{constant_time_eq, respond, Body};
use crate::admin_client::ENDPOINT;
use crate::hub::stats::Stats;
use crate::log::LogLimiter;
use crate::node::Node;
use crate::ops::{codec, rest, OpError};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, VARY,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// Bodies above this are refused: the admin API carries messages, not uploads.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub async fn serve(stream: TcpStream, remote: SocketAddr, node: Arc<Node>) {
    let service = service_fn(move |req| {
        let node = node.clone();
        async move {
            let cors = match admin_guard::check(
                req.method(),
                req.headers(),
                &node.config.admin_allowed_origins,
            ) {
                Verdict::Refuse(why) => {
                    Stats::add(&node.hub.stats.admin_refused, 1);
                    if let Some(suppressed) = REFUSALS_LOGGED.allow() {
                        tracing::warn!(client = %remote, suppressed, "admin API request {} {} refused (403): {why}", req.method(), req.uri().path());
                    }
                    return Ok::<_, Infallible>(json_response(
                        StatusCode::FORBIDDEN,
                        json!({"error": why}),
                    ));
                }
                Verdict::Preflight(origin) => return Ok(preflight(origin)),
                Verdict::Serve(cors) => cors,
            };
            let mut response = handle(req, node).await;
            if let Some(origin) = cors {
                response
                    .headers_mut()
                    .insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                response
                    .headers_mut()
                    .insert(VARY, HeaderValue::from_static("Origin"));
            }
            Ok(response)
        }
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Refused requests logged at most once a second: a hostile page can send many.
static REFUSALS_LOGGED: LogLimiter = LogLimiter::new();

/// A listed page's CORS preflight: it may send the token and a body.
fn preflight(origin: HeaderValue) -> Response<Body> {
    let mut response = respond(StatusCode::NO_CONTENT, "text/plain", "");
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    headers.insert(VARY, HeaderValue::from_static("Origin"));
    response
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response<Body> {
    respond(status, "application/json", value.to_string())
}

fn authorized(req: &Request<Incoming>, token: &str) -> bool {
    if token.is_empty() {
        return true;
    }
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes()))
}

async fn handle(req: Request<Incoming>, node: Arc<Node>) -> Response<Body> {
    if !authorized(&req, &node.config.admin_token) {
        let mut response = json_response(
            StatusCode::UNAUTHORIZED,
            json!({"error": "missing or wrong bearer token: send Authorization: Bearer <frankenphp_ws.admin_token>"}),
        );
        response
            .headers_mut()
            .insert("www-authenticate", "Bearer".parse().expect("static"));
        return response;
    }
    let method = req.method().as_str().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    match (method.as_str(), req.uri().path()) {
        ("GET", "/health") => {
            // A stopping node takes no new connection: a load balancer stops sending any.
            if node.arrivals.is_stopping() {
                return json_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({"status": "stopping"}),
                );
            }
            return match node.broker.degraded() {
                None => json_response(StatusCode::OK, json!({"status": "ok"})),
                Some(redis) => json_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({"status": "degraded", "redis": redis}),
                ),
            }
        }
        ("GET", "/stats") => return json_response(StatusCode::OK, node.stats_json()),
        ("GET", "/metrics") => {
            return respond(
                StatusCode::OK,
                "text/plain; version=0.0.4",
                node.metrics_text(),
            )
        }
        _ => {}
    }
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"error": "request body too large or broken"}),
            )
        }
    };
    if (method.as_str(), target.as_str()) == ("POST", ENDPOINT) {
        // An op in the binary codec (processes that host no server): answered in the codec,
        // errors included, with status 200.
        let answer = codec::decode_op(&body)
            .and_then(rest::from_application)
            .and_then(|op| node.route(op));
        return respond(
            StatusCode::OK,
            codec::CONTENT_TYPE,
            codec::encode_answer(&answer),
        );
    }
    let op = match rest::parse(&method, &target, body) {
        Ok(Some(op)) => op,
        Ok(None) => {
            return json_response(
                StatusCode::NOT_FOUND,
                json!({"error": format!("no endpoint {target}")}),
            )
        }
        Err(error) => return error_response(error),
    };
    match node.route(op) {
        Ok(reply) => json_response(StatusCode::OK, json!({ "result": reply.to_json() })),
        Err(error) => error_response(error),
    }
}

fn error_response(error: OpError) -> Response<Body> {
    let (status, kind, message) = match error {
        OpError::InvalidArgument(m) => (StatusCode::BAD_REQUEST, "invalid_argument", m),
        OpError::Unreachable(m) => (StatusCode::BAD_GATEWAY, "unreachable", m),
        OpError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, "failed", m),
    };
    json_response(status, json!({"error": message, "kind": kind}))
}
