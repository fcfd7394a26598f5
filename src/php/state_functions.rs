//! The PHP functions for per-connection state: ghosts and resume, rename, tags and tag
//! expressions, stored information, the global store, pings and message history
//! (docs/functions.md). Thin shells, as in `functions`.

#![allow(non_snake_case)]

use crate::node::{Call, Op};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::*;

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

/// Adds this file's functions to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
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
