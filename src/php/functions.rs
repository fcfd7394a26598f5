//! The PHP functions for the server's life, messaging and connections (docs/functions.md). Each is a thin shell:
//! check and convert the arguments, build a `Call`, run it here or on the hosting process.

// Parameter names are PHP's (named arguments are API): `$connectionId`, as documented.
#![allow(non_snake_case)]

use super::errors::{invalid_argument, runtime};
use super::event_array;
use super::ini;
use crate::admin_client::AdminClient;
use crate::config::Config;
use crate::node::{Call, Op};
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

    /// The string as text, for values kept as text (stored information, the global store).
    fn text(&self, name: &str) -> PhpResult<&str> {
        std::str::from_utf8(self.0).map_err(|e| {
            invalid_argument(format!(
                "${name} must be UTF-8 text (invalid byte at offset {}); base64_encode() binary data first",
                e.valid_up_to()
            ))
        })
    }
}

/// A user id: PHP `int|string`, carried as its decimal or string form.
pub struct UserId(String);

impl<'a> FromZval<'a> for UserId {
    const TYPE: DataType = DataType::Mixed;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        if let Some(n) = zval.long() {
            return Some(UserId(n.to_string()));
        }
        zval.str().map(|s| UserId(s.to_string()))
    }
}

/// A call about one user.
fn for_user(op: Op, user: &UserId) -> Call {
    Call::new(op).target(user.0.as_str())
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

fn as_string(v: Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// A call on one connection.
fn on(op: Op, connection_id: &str) -> Call {
    Call::new(op).target(connection_id)
}

/// A non-negative integer argument, or an `InvalidArgumentException` naming it.
fn count(name: &str, value: i64) -> PhpResult<i64> {
    if value < 0 {
        return Err(invalid_argument(format!("{name} must be >= 0, got {value}")));
    }
    Ok(value)
}


/// Publishes `$message` to every client subscribed to `$channel`, on every node.
#[php_function]
pub fn broadcast(channel: &str, message: Data) -> PhpResult<()> {
    // The hottest call: on the hosting process, no `Call` is built.
    if let Some(server) = runtime::current() {
        crate::protocol::validate_channel(channel).map_err(invalid_argument)?;
        server.node.broadcast(channel, message.bytes());
        return Ok(());
    }
    execute(Call::new(Op::Broadcast).target(channel).data(message.bytes())).map(|_| ())
}

/// Sends `$message` to every connection of a user (the id its handshake authentication gave).
#[php_function]
#[php(name = "broadcastToUser")]
pub fn broadcast_to_user(userId: UserId, message: Data) -> PhpResult<()> {
    execute(for_user(Op::BroadcastToUser, &userId).data(message.bytes())).map(|_| ())
}

/// Closes every connection of a user (1000, reason `killed`); returns how many.
#[php_function]
#[php(name = "disconnectUser")]
pub fn disconnect_user(userId: UserId) -> PhpResult<i64> {
    execute(for_user(Op::DisconnectUser, &userId)).map(as_int)
}

/// Distinct user ids subscribed to `$channel`.
#[php_function]
#[php(name = "getChannelUsers")]
pub fn get_channel_users(channel: &str) -> PhpResult<Vec<String>> {
    execute(Call::new(Op::GetChannelUsers).target(channel)).map(as_strings)
}

/// Ids of a user's connections.
#[php_function]
#[php(name = "frankenphp_ws_getUserConnections")]
pub fn frankenphp_ws_get_user_connections(userId: UserId) -> PhpResult<Vec<String>> {
    execute(for_user(Op::GetUserConnections, &userId)).map(as_strings)
}

/// Sets a connection's presence: `online`, `away`, `busy` or `offline`.
#[php_function]
#[php(name = "frankenphp_ws_setPresence")]
pub fn frankenphp_ws_set_presence(connectionId: &str, status: &str) -> PhpResult<bool> {
    execute(on(Op::SetPresence, connectionId).arg("status", status)).map(as_bool)
}

/// A user's presence: the most available status of its connections; `offline` without any.
#[php_function]
#[php(name = "frankenphp_ws_getPresence")]
pub fn frankenphp_ws_get_presence(userId: UserId) -> PhpResult<String> {
    execute(for_user(Op::GetPresence, &userId)).map(as_string)
}

/// Sends `$data` to one connection (only if its route is `$route`, when given). False for an
/// unknown or closed connection.
#[php_function]
#[php(name = "frankenphp_ws_send")]
pub fn frankenphp_ws_send(connectionId: &str, data: Data, route: Option<String>) -> PhpResult<bool> {
    execute(on(Op::Send, connectionId).data(data.bytes()).opt_arg("route", route)).map(as_bool)
}

/// Sends `$data` to one connection as a binary frame.
#[php_function]
#[php(name = "frankenphp_ws_sendBinary")]
pub fn frankenphp_ws_send_binary(connectionId: &str, data: Data) -> PhpResult<bool> {
    execute(on(Op::SendBinary, connectionId).data(data.bytes())).map(as_bool)
}

/// Sends `$data` to every connection (of `$route`, when given); returns how many.
#[php_function]
#[php(name = "frankenphp_ws_sendAll")]
pub fn frankenphp_ws_send_all(data: Data, route: Option<String>) -> PhpResult<i64> {
    execute(Call::new(Op::SendAll).data(data.bytes()).opt_arg("route", route)).map(as_int)
}

/// Ids of the open connections (of `$route`, when given), dormant ghosts included.
#[php_function]
#[php(name = "frankenphp_ws_getClients")]
pub fn frankenphp_ws_get_clients(route: Option<String>) -> PhpResult<Vec<String>> {
    execute(Call::new(Op::GetClients).opt_arg("route", route)).map(as_strings)
}

/// Number of open connections (of `$route`, when given), dormant ghosts included.
#[php_function]
#[php(name = "frankenphp_ws_getClientsCount")]
pub fn frankenphp_ws_get_clients_count(route: Option<String>) -> PhpResult<i64> {
    execute(Call::new(Op::GetClientsCount).opt_arg("route", route)).map(as_int)
}

/// Closes a connection for good, ghost or not: 1000, reason `killed`. False for an unknown id.
#[php_function]
#[php(name = "frankenphp_ws_killConnection")]
pub fn frankenphp_ws_kill_connection(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::KillConnection, connectionId)).map(as_bool)
}

/// Routes (request paths) that have at least one open connection.
#[php_function]
#[php(name = "frankenphp_ws_listRoutes")]
pub fn frankenphp_ws_list_routes() -> PhpResult<Vec<String>> {
    execute(Call::new(Op::ListRoutes)).map(as_strings)
}

/// Subscribes a connection to a channel. This is how the worker grants a protected channel a
/// client asked for (a `subscribe` event): the client then gets `subscribed`.
#[php_function]
#[php(name = "frankenphp_ws_subscribe")]
pub fn frankenphp_ws_subscribe(connectionId: &str, channel: &str) -> PhpResult<bool> {
    execute(on(Op::Subscribe, connectionId).arg("channel", channel)).map(as_bool)
}

/// Refuses a client's pending request for a protected channel (a `subscribe` event): the client
/// gets an `error` reply with `$reason`. False if no such request is pending.
#[php_function]
#[php(name = "frankenphp_ws_denySubscription")]
#[php(defaults(reason = "\"\""))]
pub fn frankenphp_ws_deny_subscription(connectionId: &str, channel: &str, reason: &str) -> PhpResult<bool> {
    execute(on(Op::DenySubscription, connectionId).arg("channel", channel).arg("reason", reason)).map(as_bool)
}

/// Unsubscribes a connection from a channel; false if it was not subscribed.
#[php_function]
#[php(name = "frankenphp_ws_unsubscribe")]
pub fn frankenphp_ws_unsubscribe(connectionId: &str, channel: &str) -> PhpResult<bool> {
    execute(on(Op::Unsubscribe, connectionId).arg("channel", channel)).map(as_bool)
}

/// The channels a connection is subscribed to (readable during `beforeClose`).
#[php_function]
#[php(name = "frankenphp_ws_getSubscriptions")]
pub fn frankenphp_ws_get_subscriptions(connectionId: &str) -> PhpResult<Vec<String>> {
    execute(on(Op::GetSubscriptions, connectionId)).map(as_strings)
}

/// Channels with at least one subscriber on this node.
#[php_function]
#[php(name = "frankenphp_ws_getChannels")]
pub fn frankenphp_ws_get_channels() -> PhpResult<Vec<String>> {
    execute(Call::new(Op::GetChannels)).map(as_strings)
}

/// Marks a connection as a ghost: if its client disconnects, nothing is reported and its
/// state stays (it is dormant) until a client resumes it or it is released.
#[php_function]
#[php(name = "frankenphp_ws_activateGhost")]
pub fn frankenphp_ws_activate_ghost(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::ActivateGhost, connectionId)).map(as_bool)
}

/// Clears the ghost mark. A dormant ghost then ends: `ghostConnectionClose`, `beforeClose`,
/// `close`. False if the connection was not a ghost.
#[php_function]
#[php(name = "frankenphp_ws_releaseGhost")]
pub fn frankenphp_ws_release_ghost(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::ReleaseGhost, connectionId)).map(as_bool)
}

/// Whether the connection is a ghost (dormant or not).
#[php_function]
#[php(name = "frankenphp_ws_isGhost")]
pub fn frankenphp_ws_is_ghost(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::IsGhost, connectionId)).map(as_bool)
}

/// The secret a client passes as `?resume=TOKEN` to take this ghost back once dormant; a
/// new one after each takeover. Null for an unknown connection.
#[php_function]
#[php(name = "frankenphp_ws_getResumeToken")]
pub fn frankenphp_ws_get_resume_token(connectionId: &str) -> PhpResult<Option<String>> {
    execute(on(Op::GetResumeToken, connectionId)).map(|v| v.as_str().map(str::to_string))
}

/// Gives a connection a new id, with all its state; false if `$newId` is taken.
#[php_function]
#[php(name = "frankenphp_ws_renameConnection")]
pub fn frankenphp_ws_rename_connection(currentId: &str, newId: &str) -> PhpResult<bool> {
    execute(on(Op::RenameConnection, currentId).arg("new_id", newId)).map(as_bool)
}

/// Adds a tag to a connection.
#[php_function]
#[php(name = "frankenphp_ws_tagClient")]
pub fn frankenphp_ws_tag_client(connectionId: &str, tag: &str) -> PhpResult<bool> {
    execute(on(Op::TagClient, connectionId).arg("tag", tag)).map(as_bool)
}

/// Removes a tag from a connection; false if it did not have it.
#[php_function]
#[php(name = "frankenphp_ws_untagClient")]
pub fn frankenphp_ws_untag_client(connectionId: &str, tag: &str) -> PhpResult<bool> {
    execute(on(Op::UntagClient, connectionId).arg("tag", tag)).map(as_bool)
}

/// Removes every tag of a connection.
#[php_function]
#[php(name = "frankenphp_ws_clearTagClient")]
pub fn frankenphp_ws_clear_tag_client(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::ClearTagClient, connectionId)).map(as_bool)
}

/// The tags of a connection; without an id, every tag in use.
#[php_function]
#[php(name = "frankenphp_ws_getTags")]
pub fn frankenphp_ws_get_tags(connectionId: Option<String>) -> PhpResult<Vec<String>> {
    let call = match connectionId {
        Some(id) => on(Op::GetTags, &id),
        None => Call::new(Op::GetTags),
    };
    execute(call).map(as_strings)
}

/// Ids of the connections with this tag.
#[php_function]
#[php(name = "frankenphp_ws_getClientsByTag")]
pub fn frankenphp_ws_get_clients_by_tag(tag: &str) -> PhpResult<Vec<String>> {
    execute(Call::new(Op::GetClientsByTag).target(tag)).map(as_strings)
}

/// Number of connections with this tag.
#[php_function]
#[php(name = "frankenphp_ws_getTagCount")]
pub fn frankenphp_ws_get_tag_count(tag: &str) -> PhpResult<i64> {
    execute(Call::new(Op::GetTagCount).target(tag)).map(as_int)
}

/// Sends `$data` to every connection with this tag (of `$route`, when given); returns how many.
#[php_function]
#[php(name = "frankenphp_ws_sendToTag")]
pub fn frankenphp_ws_send_to_tag(tag: &str, data: Data, route: Option<String>) -> PhpResult<i64> {
    execute(Call::new(Op::SendToTag).target(tag).data(data.bytes()).opt_arg("route", route)).map(as_int)
}

/// Sends `$data` to the connections a tag expression selects (`&`, `|`, `!`, parentheses,
/// `*` wildcards); returns how many. A malformed expression throws, naming the position.
#[php_function]
#[php(name = "frankenphp_ws_sendToTagExpression")]
pub fn frankenphp_ws_send_to_tag_expression(expression: &str, data: Data, route: Option<String>) -> PhpResult<i64> {
    let call = Call::new(Op::SendToTagExpression).arg("expression", expression);
    execute(call.data(data.bytes()).opt_arg("route", route)).map(as_int)
}

/// Ids of the connections a tag expression selects.
#[php_function]
#[php(name = "frankenphp_ws_getClientsByTagExpression")]
pub fn frankenphp_ws_get_clients_by_tag_expression(expression: &str) -> PhpResult<Vec<String>> {
    execute(Call::new(Op::GetClientsByTagExpression).arg("expression", expression)).map(as_strings)
}

/// Stores `$value` under `$key` on a connection.
#[php_function]
#[php(name = "frankenphp_ws_setStoredInformation")]
pub fn frankenphp_ws_set_stored_information(connectionId: &str, key: &str, value: Data) -> PhpResult<bool> {
    execute(on(Op::SetStoredInformation, connectionId).arg("key", key).arg("value", value.text("value")?)).map(as_bool)
}

/// The value stored under `$key`, or `''` when absent.
#[php_function]
#[php(name = "frankenphp_ws_getStoredInformation")]
pub fn frankenphp_ws_get_stored_information(connectionId: &str, key: &str) -> PhpResult<String> {
    execute(on(Op::GetStoredInformation, connectionId).arg("key", key)).map(as_string)
}

/// Deletes `$key`; false if it was absent.
#[php_function]
#[php(name = "frankenphp_ws_deleteStoredInformation")]
pub fn frankenphp_ws_delete_stored_information(connectionId: &str, key: &str) -> PhpResult<bool> {
    execute(on(Op::DeleteStoredInformation, connectionId).arg("key", key)).map(as_bool)
}

/// Deletes every stored key of a connection.
#[php_function]
#[php(name = "frankenphp_ws_clearStoredInformation")]
pub fn frankenphp_ws_clear_stored_information(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::ClearStoredInformation, connectionId)).map(as_bool)
}

/// Whether `$key` is stored on a connection.
#[php_function]
#[php(name = "frankenphp_ws_hasStoredInformation")]
pub fn frankenphp_ws_has_stored_information(connectionId: &str, key: &str) -> PhpResult<bool> {
    execute(on(Op::HasStoredInformation, connectionId).arg("key", key)).map(as_bool)
}

/// The stored keys of a connection, sorted.
#[php_function]
#[php(name = "frankenphp_ws_listStoredInformationKeys")]
pub fn frankenphp_ws_list_stored_information_keys(connectionId: &str) -> PhpResult<Vec<String>> {
    execute(on(Op::ListStoredInformationKeys, connectionId)).map(as_strings)
}

/// Ids of the connections whose `$key` compares with `$value` by `$op` (a
/// `FRANKENPHP_WS_OP_*` constant). An unknown operator or a bad regex throws.
#[php_function]
#[php(name = "frankenphp_ws_searchStoredInformation")]
pub fn frankenphp_ws_search_stored_information(key: &str, op: &str, value: &str, route: Option<String>) -> PhpResult<Vec<String>> {
    let call = Call::new(Op::SearchStoredInformation).arg("key", key).arg("op", op).arg("value", value);
    execute(call.opt_arg("route", route)).map(as_strings)
}

/// Stores a process-wide value; `$expireSeconds` of 0 keeps it until deleted.
#[php_function]
#[php(name = "frankenphp_ws_global_set")]
#[php(defaults(expireSeconds = 0))]
pub fn frankenphp_ws_global_set(key: &str, value: Data, expireSeconds: i64) -> PhpResult<()> {
    let call = Call::new(Op::GlobalSet).target(key).arg("value", value.text("value")?);
    execute(call.arg("expire", count("expireSeconds", expireSeconds)?)).map(|_| ())
}

/// A process-wide value, or `''` when absent or expired.
#[php_function]
#[php(name = "frankenphp_ws_global_get")]
pub fn frankenphp_ws_global_get(key: &str) -> PhpResult<String> {
    execute(Call::new(Op::GlobalGet).target(key)).map(as_string)
}

/// Whether a process-wide value exists and has not expired.
#[php_function]
#[php(name = "frankenphp_ws_global_has")]
pub fn frankenphp_ws_global_has(key: &str) -> PhpResult<bool> {
    execute(Call::new(Op::GlobalHas).target(key)).map(as_bool)
}

/// Deletes a process-wide value; false if it was absent.
#[php_function]
#[php(name = "frankenphp_ws_global_delete")]
pub fn frankenphp_ws_global_delete(key: &str) -> PhpResult<bool> {
    execute(Call::new(Op::GlobalDelete).target(key)).map(as_bool)
}

/// Pings the client every `$intervalMs` (0: once, now) and records the round trip.
#[php_function]
#[php(name = "frankenphp_ws_enablePing")]
#[php(defaults(intervalMs = 0))]
pub fn frankenphp_ws_enable_ping(connectionId: &str, intervalMs: i64) -> PhpResult<bool> {
    execute(on(Op::EnablePing, connectionId).arg("interval", count("intervalMs", intervalMs)?)).map(as_bool)
}

/// Stops the pings of `enablePing` (the server's heartbeat goes on).
#[php_function]
#[php(name = "frankenphp_ws_disablePing")]
pub fn frankenphp_ws_disable_ping(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::DisablePing, connectionId)).map(as_bool)
}

/// The last ping round trip in nanoseconds; 0 if none yet.
#[php_function]
#[php(name = "frankenphp_ws_getClientPingTime")]
pub fn frankenphp_ws_get_client_ping_time(connectionId: &str) -> PhpResult<i64> {
    execute(on(Op::GetClientPingTime, connectionId)).map(as_int)
}

/// Counts the messages sent to a connection from now on and keeps the last `$maxMessages`
/// of them for `$maxTimeSeconds`.
#[php_function]
#[php(name = "frankenphp_ws_enableQueueCounter")]
#[php(defaults(maxMessages = 100, maxTimeSeconds = 3600))]
pub fn frankenphp_ws_enable_queue_counter(connectionId: &str, maxMessages: i64, maxTimeSeconds: i64) -> PhpResult<bool> {
    let call = on(Op::EnableQueueCounter, connectionId)
        .arg("max", count("maxMessages", maxMessages)?)
        .arg("max_time", count("maxTimeSeconds", maxTimeSeconds)?);
    execute(call).map(as_bool)
}

/// Stops counting and forgets the kept messages.
#[php_function]
#[php(name = "frankenphp_ws_disableQueueCounter")]
pub fn frankenphp_ws_disable_queue_counter(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::DisableQueueCounter, connectionId)).map(as_bool)
}

/// Messages sent to the connection since the counter was enabled.
#[php_function]
#[php(name = "frankenphp_ws_getClientMessageCounter")]
pub fn frankenphp_ws_get_client_message_counter(connectionId: &str) -> PhpResult<i64> {
    execute(on(Op::GetClientMessageCounter, connectionId)).map(as_int)
}

/// The kept messages, oldest first: `['id' => int, 'time' => int, 'data' => string]`.
#[php_function]
#[php(name = "frankenphp_ws_getClientMessageQueue")]
pub fn frankenphp_ws_get_client_message_queue(connectionId: &str) -> PhpResult<ZBox<ZendHashTable>> {
    let entries = execute(on(Op::GetClientMessageQueue, connectionId))?;
    let mut list = ZendHashTable::new();
    for entry in entries.as_array().into_iter().flatten() {
        let mut item = ZendHashTable::new();
        let _ = item.insert("id", entry["id"].as_i64().unwrap_or(0));
        let _ = item.insert("time", entry["time"].as_i64().unwrap_or(0));
        let _ = item.insert("data", entry["data"].as_str().unwrap_or(""));
        let _ = list.push(item);
    }
    Ok(list)
}

/// Forgets the kept messages (the counter goes on).
#[php_function]
#[php(name = "frankenphp_ws_clearClientMessageQueue")]
pub fn frankenphp_ws_clear_client_message_queue(connectionId: &str) -> PhpResult<bool> {
    execute(on(Op::ClearClientMessageQueue, connectionId)).map(as_bool)
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

/// Starts the server in this process; returns the bound addresses.
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
        .function(wrap_function!(broadcast_to_user))
        .function(wrap_function!(disconnect_user))
        .function(wrap_function!(get_channel_users))
        .function(wrap_function!(frankenphp_ws_get_user_connections))
        .function(wrap_function!(frankenphp_ws_set_presence))
        .function(wrap_function!(frankenphp_ws_get_presence))
        .function(wrap_function!(frankenphp_ws_send))
        .function(wrap_function!(frankenphp_ws_send_binary))
        .function(wrap_function!(frankenphp_ws_send_all))
        .function(wrap_function!(frankenphp_ws_get_clients))
        .function(wrap_function!(frankenphp_ws_get_clients_count))
        .function(wrap_function!(frankenphp_ws_kill_connection))
        .function(wrap_function!(frankenphp_ws_list_routes))
        .function(wrap_function!(frankenphp_ws_subscribe))
        .function(wrap_function!(frankenphp_ws_deny_subscription))
        .function(wrap_function!(frankenphp_ws_unsubscribe))
        .function(wrap_function!(frankenphp_ws_get_subscriptions))
        .function(wrap_function!(frankenphp_ws_get_channels))
        .function(wrap_function!(frankenphp_ws_activate_ghost))
        .function(wrap_function!(frankenphp_ws_release_ghost))
        .function(wrap_function!(frankenphp_ws_is_ghost))
        .function(wrap_function!(frankenphp_ws_get_resume_token))
        .function(wrap_function!(frankenphp_ws_rename_connection))
        .function(wrap_function!(frankenphp_ws_tag_client))
        .function(wrap_function!(frankenphp_ws_untag_client))
        .function(wrap_function!(frankenphp_ws_clear_tag_client))
        .function(wrap_function!(frankenphp_ws_get_tags))
        .function(wrap_function!(frankenphp_ws_get_clients_by_tag))
        .function(wrap_function!(frankenphp_ws_get_tag_count))
        .function(wrap_function!(frankenphp_ws_send_to_tag))
        .function(wrap_function!(frankenphp_ws_send_to_tag_expression))
        .function(wrap_function!(frankenphp_ws_get_clients_by_tag_expression))
        .function(wrap_function!(frankenphp_ws_set_stored_information))
        .function(wrap_function!(frankenphp_ws_get_stored_information))
        .function(wrap_function!(frankenphp_ws_delete_stored_information))
        .function(wrap_function!(frankenphp_ws_clear_stored_information))
        .function(wrap_function!(frankenphp_ws_has_stored_information))
        .function(wrap_function!(frankenphp_ws_list_stored_information_keys))
        .function(wrap_function!(frankenphp_ws_search_stored_information))
        .function(wrap_function!(frankenphp_ws_global_set))
        .function(wrap_function!(frankenphp_ws_global_get))
        .function(wrap_function!(frankenphp_ws_global_has))
        .function(wrap_function!(frankenphp_ws_global_delete))
        .function(wrap_function!(frankenphp_ws_enable_ping))
        .function(wrap_function!(frankenphp_ws_disable_ping))
        .function(wrap_function!(frankenphp_ws_get_client_ping_time))
        .function(wrap_function!(frankenphp_ws_enable_queue_counter))
        .function(wrap_function!(frankenphp_ws_disable_queue_counter))
        .function(wrap_function!(frankenphp_ws_get_client_message_counter))
        .function(wrap_function!(frankenphp_ws_get_client_message_queue))
        .function(wrap_function!(frankenphp_ws_clear_client_message_queue))
}
