//! Pusher's signatures: HMAC-SHA256 with the application's secret, in lowercase hex. A
//! private or presence subscription carries `key:signature` over `socket_id:channel` (and
//! `:channel_data` for presence), a sign-in over `socket_id::user::user_data`, and every HTTP
//! API request over its method, path and sorted query (`check_request`).

use crate::config::PusherApp;
use crate::server::http::{constant_time_eq, percent_encode};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// How far `auth_timestamp` may be from the server's clock, as Pusher allows.
pub const TIMESTAMP_WINDOW_SECS: u64 = 600;

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub fn hmac_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// An `auth` as the auth endpoints give it: `key:signature` of `message`.
fn auth_of(app: &PusherApp, message: &str) -> String {
    format!("{}:{}", app.key, hmac_hex(&app.secret, message))
}

/// A private or presence subscription's `auth`, from the application's auth endpoint.
pub fn channel_auth_ok(
    app: &PusherApp,
    socket_id: &str,
    channel: &str,
    channel_data: Option<&str>,
    auth: &str,
) -> bool {
    let expected = channel_auth(app, socket_id, channel, channel_data);
    constant_time_eq(auth.as_bytes(), expected.as_bytes())
}

/// `pusher:signin`'s `auth`, from the application's user authentication endpoint.
pub fn user_auth_ok(app: &PusherApp, socket_id: &str, user_data: &str, auth: &str) -> bool {
    let expected = auth_of(app, &format!("{socket_id}::user::{user_data}"));
    constant_time_eq(auth.as_bytes(), expected.as_bytes())
}

/// Why an HTTP API request is refused (401 unless said otherwise).
pub type Refusal = String;

/// Checks an HTTP API request's signature, before its body is read: `auth_key` is this
/// application's, `auth_timestamp` within `TIMESTAMP_WINDOW_SECS` of `now`, and
/// `auth_signature` the HMAC of `METHOD\npath\nquery`, the query being every other parameter
/// sorted by key. The body is then checked against the signed `body_md5` (`check_body`).
pub fn check_request(
    app: &PusherApp,
    method: &str,
    path: &str,
    query: &[(String, String)],
    now: u64,
) -> Result<(), Refusal> {
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if value("auth_key") != Some(app.key.as_str()) {
        return Err("auth_key is missing or not this application's key".into());
    }
    let Some(timestamp) = value("auth_timestamp").and_then(|t| t.parse::<u64>().ok()) else {
        return Err("auth_timestamp is missing or not a number".into());
    };
    if timestamp.abs_diff(now) > TIMESTAMP_WINDOW_SECS {
        return Err(format!(
            "Timestamp expired: Given timestamp ({timestamp}) not within {TIMESTAMP_WINDOW_SECS}s of server time ({now})"
        ));
    }
    let Some(signature) = value("auth_signature") else {
        return Err("auth_signature is missing".into());
    };
    let signed: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| k != "auth_signature")
        .cloned()
        .collect();
    let expected = hmac_hex(&app.secret, &string_to_sign(method, path, &signed));
    if !constant_time_eq(signature.as_bytes(), expected.as_bytes()) {
        return Err("Invalid signature: you should have sent HmacSHA256Hex(secret, METHOD\\nPATH\\nSORTED_QUERY), the query without auth_signature".into());
    }
    Ok(())
}

/// A signed request's body: its MD5 is the `body_md5` the signature covers.
pub fn check_body(query: &[(String, String)], body: &[u8]) -> Result<(), Refusal> {
    if body.is_empty() {
        return Ok(());
    }
    let md5 = hex(&Md5::digest(body));
    match query.iter().find(|(k, _)| k == "body_md5") {
        Some((_, given)) if *given == md5 => Ok(()),
        _ => Err("body_md5 does not match the body".into()),
    }
}

/// What a request's `auth_signature` signs: `METHOD\npath\nquery`, the query's keys lowercase
/// and sorted, `key=value` joined by `&`, values as they are.
fn string_to_sign(method: &str, path: &str, query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, &str)> = query
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    pairs.sort();
    let sorted = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!("{}\n{path}\n{sorted}", method.to_ascii_uppercase())
}

/// Signs an HTTP API request as the Pusher SDKs do: `params` with `auth_key`,
/// `auth_timestamp` (`now`), `auth_version` and `body_md5` added, then `auth_signature`; the
/// query string to send. The values are signed as they are and sent percent-encoded: the
/// server checks the decoded ones.
pub fn sign_request(
    app: &PusherApp,
    method: &str,
    path: &str,
    params: &[(String, String)],
    body: &[u8],
    now: u64,
) -> String {
    let mut query = vec![
        ("auth_key".to_string(), app.key.clone()),
        ("auth_timestamp".to_string(), now.to_string()),
        ("auth_version".to_string(), "1.0".to_string()),
    ];
    if !body.is_empty() {
        query.push(("body_md5".to_string(), hex(&Md5::digest(body))));
    }
    query.extend(params.iter().cloned());
    query.sort();
    let signature = hmac_hex(&app.secret, &string_to_sign(method, path, &query));
    let mut text = query
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    text.push_str("&auth_signature=");
    text.push_str(&signature);
    text
}

/// A channel subscription's `auth`, as the application's auth endpoint answers it.
pub fn channel_auth(app: &PusherApp, socket_id: &str, channel: &str, channel_data: Option<&str>) -> String {
    let message = match channel_data {
        Some(data) => format!("{socket_id}:{channel}:{data}"),
        None => format!("{socket_id}:{channel}"),
    };
    auth_of(app, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> PusherApp {
        PusherApp {
            app_id: "1".into(),
            key: "278d425bdf160c739803".into(),
            secret: "7ad3773142a6692b25b8".into(),
        }
    }

    /// Pusher's documentation's own worked example (private channel authentication).
    #[test]
    fn pushers_documented_channel_signature() {
        let auth = "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4";
        assert!(channel_auth_ok(&app(), "1234.1234", "private-foobar", None, auth));
        assert!(!channel_auth_ok(&app(), "1234.1235", "private-foobar", None, auth));
        assert!(!channel_auth_ok(&app(), "1234.1234", "private-foobar", None, "other:58df"));
    }

    #[test]
    fn requests_are_signed_over_the_sorted_query() {
        let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
        let md5 = hex(&Md5::digest(body));
        let mut query = vec![
            ("auth_version".to_string(), "1.0".to_string()),
            ("auth_key".to_string(), app().key),
            ("auth_timestamp".to_string(), "1353088179".to_string()),
            ("body_md5".to_string(), md5.clone()),
        ];
        let sorted = format!(
            "auth_key={}&auth_timestamp=1353088179&auth_version=1.0&body_md5={md5}",
            app().key
        );
        let signature = hmac_hex(&app().secret, &format!("POST\n/apps/1/events\n{sorted}"));
        query.push(("auth_signature".into(), signature));
        let signed = sign_request(&app(), "POST", "/apps/1/events", &[], body, 1353088179);
        assert!(signed.ends_with(&format!("auth_signature={}", query[4].1)), "{signed}");
        let check = |q: &[(String, String)], body: &[u8], now| {
            check_request(&app(), "POST", "/apps/1/events", q, now)?;
            check_body(q, body)
        };
        assert_eq!(check(&query, body, 1353088179), Ok(()));
        assert!(check(&query, body, 1353088179 + 601).unwrap_err().contains("expired"));
        assert!(check(&query, b"{}", 1353088179).unwrap_err().contains("body_md5"));
        query[0].1 = "1.1".into();
        assert!(check(&query, body, 1353088179).unwrap_err().contains("Invalid signature"));
    }
}
