//! The PHP functions of api.md 2, 3 and 6 (messaging and connections). Each is a thin shell:
//! check and convert the arguments, build a `Call`, run it here or on the hosting process.

// Parameter names are PHP's (named arguments are API): `$connectionId`, as in api.md.
#![allow(non_snake_case)]

use super::errors::{invalid_argument, runtime};
use super::event_array;
use super::ini;
use crate::admin_client::AdminClient;
use crate::config::Config;
use crate::node::Call;
use crate::runtime::{self, Server};
use bytes::Bytes;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::FromZval;
use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// A PHP string taken as raw bytes: messages need not be UTF-8.
pub struct Data<'a>(pub &'a [u8]);

impl<'a> FromZval<'a> for Data<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.zend_str().map(|s| Data(s.as_bytes()))
    }
}

impl Data<'_> {
    fn bytes(&self) -> Bytes {
        Bytes::copy_from_slice(self.0)
    }
}

/// Runs a call on the server this process hosts, or sends it to the one that hosts it.
fn execute(call: Call) -> Result<Value, PhpException> {
    if let Some(server) = runtime::current() {
        return server.node.execute(call).map_err(Into::into);
    }
    let config = ini::config().map_err(runtime)?;
    let client = AdminClient::new(&config.admin_url, &config.admin_token)?;
    client.execute(&call).map_err(Into::into)
}

fn as_bool(v: Value) -> bool {
    v.as_bool().unwrap_or(false)
}

fn as_int(v: Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn as_strings(v: Value) -> Vec<String> {
    match v {
        Value::Array(items) => {
            items.into_iter().filter_map(|i| i.as_str().map(str::to_string)).collect()
        }
        _ => vec![],
    }
}

fn require_id(id: &str) -> PhpResult<String> {
    if id.is_empty() {
        return Err(invalid_argument("connection id must not be empty"));
    }
    Ok(id.to_string())
}

fn opt_route(route: Option<String>) -> PhpResult<Option<String>> {
    match route {
        Some(r) if !r.starts_with('/') => {
            Err(invalid_argument(format!("route must be a path starting with '/', got '{r}'")))
        }
        other => Ok(other),
    }
}

/// Publishes `$message` to every client subscribed to `$channel`, on every node.
#[php_function]
pub fn broadcast(channel: String, message: Data) -> PhpResult<()> {
    execute(Call::Broadcast { channel, data: message.bytes() }).map(|_| ())
}

/// Sends `$data` to one connection (only if its route is `$route`, when given). False for an
/// unknown or closed connection.
#[php_function]
#[php(name = "frankenphp_ws_send")]
pub fn frankenphp_ws_send(connectionId: &str, data: Data, route: Option<String>) -> PhpResult<bool> {
    let call = Call::Send { id: require_id(connectionId)?, data: data.bytes(), route: opt_route(route)?, binary: false };
    execute(call).map(as_bool)
}

/// Sends `$data` to one connection as a binary frame.
#[php_function]
#[php(name = "frankenphp_ws_sendBinary")]
pub fn frankenphp_ws_send_binary(connectionId: &str, data: Data) -> PhpResult<bool> {
    let call = Call::Send { id: require_id(connectionId)?, data: data.bytes(), route: None, binary: true };
    execute(call).map(as_bool)
}

/// Sends `$data` to every connection (of `$route`, when given); returns how many.
#[php_function]
#[php(name = "frankenphp_ws_sendAll")]
pub fn frankenphp_ws_send_all(data: Data, route: Option<String>) -> PhpResult<i64> {
    execute(Call::SendAll { data: data.bytes(), route: opt_route(route)? }).map(as_int)
}

/// Ids of the open connections (of `$route`, when given).
#[php_function]
#[php(name = "frankenphp_ws_getClients")]
pub fn frankenphp_ws_get_clients(route: Option<String>) -> PhpResult<Vec<String>> {
    execute(Call::GetClients { route: opt_route(route)? }).map(as_strings)
}

/// Number of open connections (of `$route`, when given).
#[php_function]
#[php(name = "frankenphp_ws_getClientsCount")]
pub fn frankenphp_ws_get_clients_count(route: Option<String>) -> PhpResult<i64> {
    execute(Call::GetClientsCount { route: opt_route(route)? }).map(as_int)
}

/// Closes a connection with 1000, reason `killed`. False for an unknown id.
#[php_function]
#[php(name = "frankenphp_ws_killConnection")]
pub fn frankenphp_ws_kill_connection(connectionId: &str) -> PhpResult<bool> {
    execute(Call::KillConnection { id: require_id(connectionId)? }).map(as_bool)
}

/// Routes (request paths) that have at least one open connection.
#[php_function]
#[php(name = "frankenphp_ws_listRoutes")]
pub fn frankenphp_ws_list_routes() -> PhpResult<Vec<String>> {
    execute(Call::ListRoutes).map(as_strings)
}

/// Subscribes a connection to a channel (this also grants protected channels).
#[php_function]
#[php(name = "frankenphp_ws_subscribe")]
pub fn frankenphp_ws_subscribe(connectionId: &str, channel: String) -> PhpResult<bool> {
    execute(Call::Subscribe { id: require_id(connectionId)?, channel }).map(as_bool)
}

/// Unsubscribes a connection from a channel; false if it was not subscribed.
#[php_function]
#[php(name = "frankenphp_ws_unsubscribe")]
pub fn frankenphp_ws_unsubscribe(connectionId: &str, channel: String) -> PhpResult<bool> {
    execute(Call::Unsubscribe { id: require_id(connectionId)?, channel }).map(as_bool)
}

/// The channels a connection is subscribed to (readable during `beforeClose`).
#[php_function]
#[php(name = "frankenphp_ws_getSubscriptions")]
pub fn frankenphp_ws_get_subscriptions(connectionId: &str) -> PhpResult<Vec<String>> {
    execute(Call::GetSubscriptions { id: require_id(connectionId)? }).map(as_strings)
}

/// Channels with at least one subscriber on this node.
#[php_function]
#[php(name = "frankenphp_ws_getChannels")]
pub fn frankenphp_ws_get_channels() -> PhpResult<Vec<String>> {
    execute(Call::GetChannels).map(as_strings)
}

fn option_string(name: &str, value: &Zval) -> PhpResult<String> {
    if let Some(b) = value.bool() {
        return Ok(if b { "1" } else { "0" }.to_string());
    }
    if value.is_string() || value.is_long() || value.is_double() {
        if let Some(s) = value.coerce_to_string() {
            return Ok(s);
        }
    }
    Err(invalid_argument(format!("option '{name}' must be a string or a number")))
}

/// The configuration for this process: php.ini, overridden by `$options`.
fn config_with(options: Option<&ZendHashTable>) -> PhpResult<Config> {
    let mut pairs = ini::pairs();
    if let Some(options) = options {
        for (key, value) in options.iter() {
            let name = key.to_string();
            pairs.push((name.clone(), option_string(&name, value)?));
        }
    }
    Config::from_pairs(pairs).map_err(invalid_argument)
}

fn start_with(config: Config) -> PhpResult<Arc<Server>> {
    runtime::start(config).map_err(runtime)
}

/// Starts the server in this process (api.md 2); returns the bound addresses.
#[php_function]
#[php(name = "frankenphp_ws_start")]
pub fn frankenphp_ws_start(options: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
    let server = start_with(config_with(options)?)?;
    let mut result = ZendHashTable::new();
    let _ = result.insert("listen", server.listen.to_string());
    let _ = result.insert("admin", server.admin.map(|a| a.to_string()));
    Ok(result)
}

/// Closes every client with 1001 and stops the server within a bounded time.
#[php_function]
#[php(name = "frankenphp_ws_stop")]
pub fn frankenphp_ws_stop() {
    runtime::stop();
}

/// The next event, waiting at most `$timeout` seconds; null if none came.
#[php_function]
#[php(name = "frankenphp_ws_get_event")]
#[php(defaults(timeout = 0.0))]
pub fn frankenphp_ws_get_event(timeout: f64) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    if !timeout.is_finite() || timeout < 0.0 {
        return Err(invalid_argument(format!(
            "timeout must be a finite number of seconds >= 0, got {timeout}"
        )));
    }
    let server = match runtime::current() {
        Some(server) => server,
        None => start_with(ini::config().map_err(runtime)?.clone())?,
    };
    let node = &server.node;
    let Some(event) = node.events.pop(Duration::from_secs_f64(timeout.min(1e9))) else {
        return Ok(None);
    };
    if matches!(event.kind, crate::events::EventKind::Close { .. }) {
        // The worker handled `beforeClose`: the connection's state may go now.
        node.hub.forget(&event.connection);
    }
    Ok(Some(event_array::to_array(event)))
}

/// Adds this file's functions to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(broadcast))
        .function(wrap_function!(frankenphp_ws_start))
        .function(wrap_function!(frankenphp_ws_stop))
        .function(wrap_function!(frankenphp_ws_get_event))
        .function(wrap_function!(frankenphp_ws_send))
        .function(wrap_function!(frankenphp_ws_send_binary))
        .function(wrap_function!(frankenphp_ws_send_all))
        .function(wrap_function!(frankenphp_ws_get_clients))
        .function(wrap_function!(frankenphp_ws_get_clients_count))
        .function(wrap_function!(frankenphp_ws_kill_connection))
        .function(wrap_function!(frankenphp_ws_list_routes))
        .function(wrap_function!(frankenphp_ws_subscribe))
        .function(wrap_function!(frankenphp_ws_unsubscribe))
        .function(wrap_function!(frankenphp_ws_get_subscriptions))
        .function(wrap_function!(frankenphp_ws_get_channels))
}
