//! The PHP side of the Pusher protocol (docs/laravel.md): what an application's own endpoints
//! sign for Pusher clients and for the HTTP API, with the server's Pusher application (or
//! php.ini's, in a process that hosts no server). Pure functions: nothing is sent.

#![allow(non_snake_case)]

use super::errors::{invalid_argument, runtime};
use super::ini;
use crate::config::PusherApp;
use crate::pusher::sign;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::*;

fn app() -> PhpResult<PusherApp> {
    let app = match crate::runtime::current() {
        Some(server) => server.node.config.pusher.clone(),
        None => ini::config().map_err(runtime)?.pusher.clone(),
    };
    app.ok_or_else(|| {
        runtime("the Pusher protocol is off: set frankenphp_ws.pusher_app_id, pusher_key and pusher_secret")
    })
}

fn text<'a>(value: &'a Str, name: &str) -> PhpResult<&'a str> {
    std::str::from_utf8(value.0).map_err(|_| invalid_argument(format!("${name} must be UTF-8 text")))
}

/// What a Pusher client's channel authorization endpoint answers, as JSON: `auth` (the key and
/// the HMAC-SHA256 of `socket_id:channel`, with `:channelData` on a presence channel) and, for
/// a presence channel, `channel_data` (JSON with a `user_id`).
#[php_function]
#[php(name = "frankenphp_ws_pusherAuthorizeChannel")]
pub fn frankenphp_ws_pusher_authorize_channel(
    socketId: Str,
    channel: Str,
    channelData: OptStr,
) -> PhpResult<String> {
    let app = app()?;
    let socket_id = text(&socketId, "socketId")?;
    let valid_id = socket_id
        .split_once('.')
        .is_some_and(|(a, b)| [a, b].iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())));
    if !valid_id {
        return Err(invalid_argument(format!(
            "$socketId must be the client's socket_id (digits.digits), got {socket_id:?}"
        )));
    }
    let channel = text(&channel, "channel")?;
    crate::protocol::validate_channel(channel).map_err(|e| invalid_argument(format!("$channel: {e}")))?;
    let presence = channel.starts_with("presence-");
    if !presence && !channel.starts_with("private-") {
        return Err(invalid_argument(format!(
            "$channel must be a private- or presence- channel (public channels need no authorization), got {channel:?}"
        )));
    }
    if channel.starts_with("private-encrypted-") {
        return Err(invalid_argument(
            "private-encrypted- channels need the shared secret only the Pusher SDKs derive from the encryption master key: authorize them with the SDK",
        ));
    }
    let channel_data = match (presence, channelData.0) {
        (false, None) => None,
        (false, Some(_)) => {
            return Err(invalid_argument("$channelData is for presence- channels only"))
        }
        (true, None) => {
            return Err(invalid_argument(
                "$channelData is required on a presence- channel: JSON with a user_id (and user_info)",
            ))
        }
        (true, Some(data)) => {
            let data = std::str::from_utf8(data)
                .map_err(|_| invalid_argument("$channelData must be UTF-8 text"))?;
            let user_id = serde_json::from_str::<serde_json::Value>(data)
                .ok()
                .and_then(|v| v.get("user_id").cloned());
            if !matches!(user_id, Some(serde_json::Value::String(_) | serde_json::Value::Number(_))) {
                return Err(invalid_argument(
                    "$channelData must be JSON with a user_id (a string or a number)",
                ));
            }
            Some(data)
        }
    };
    let auth = sign::channel_auth(&app, socket_id, channel, channel_data);
    let mut answer = serde_json::json!({ "auth": auth });
    if let Some(data) = channel_data {
        answer["channel_data"] = data.into();
    }
    Ok(answer.to_string())
}

/// The signed query string for a Pusher HTTP API request (`auth_key`, `auth_timestamp`,
/// `auth_version`, `body_md5` and `auth_signature` added to `$params`), as the Pusher SDKs
/// sign it: send `$method $path?<this>` with `$body`.
#[php_function]
#[php(name = "frankenphp_ws_pusherSignRequest")]
pub fn frankenphp_ws_pusher_sign_request(
    method: Str,
    path: Str,
    body: OptStr,
    params: Option<&ZendHashTable>,
) -> PhpResult<String> {
    let app = app()?;
    let method = match text(&method, "method")?.to_ascii_uppercase().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        other => {
            return Err(invalid_argument(format!(
                "$method must be GET or POST (the Pusher HTTP API's methods), got {other:?}"
            )))
        }
    };
    let path = text(&path, "path")?;
    if !path.starts_with('/') || path.bytes().any(|b| b <= b' ' || b == b'?' || b == b'#' || b >= 0x7f) {
        return Err(invalid_argument(format!(
            "$path must be the request's path, starting with '/', without query or spaces (such as /apps/ID/events), got {path:?}"
        )));
    }
    let mut pairs = Vec::new();
    for (key, value) in params.map(super::coerce::entries).unwrap_or_default() {
        let key = String::from_utf8(key)
            .map_err(|_| invalid_argument("$params: every key must be UTF-8 text"))?;
        let lower = key.to_ascii_lowercase();
        if lower.starts_with("auth_") || lower == "body_md5" {
            return Err(invalid_argument(format!(
                "$params: {key} is added by the signature; leave it out"
            )));
        }
        let value = match value.zend_str().map(|s| s.as_bytes().to_vec()) {
            Some(bytes) => String::from_utf8(bytes).map_err(|_| {
                invalid_argument(format!("$params[{key}] must be UTF-8 text"))
            })?,
            None => value.coerce_to_string().ok_or_else(|| {
                invalid_argument(format!("$params[{key}] must be a string or a number"))
            })?,
        };
        pairs.push((key, value));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(sign::sign_request(&app, method, path, &pairs, body.0.unwrap_or_default(), now))
}

/// Adds this file's functions to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(frankenphp_ws_pusher_authorize_channel))
        .function(wrap_function!(frankenphp_ws_pusher_sign_request))
}
