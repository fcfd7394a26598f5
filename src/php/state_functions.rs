//! The PHP functions for per-connection state: ghosts and resume, rename, stored
//! information, the global store, pings and message history (docs/functions.md). Thin
//! shells, as in `functions`; tags are in `tag_functions`.

#![allow(non_snake_case)]

use super::errors::invalid_argument;
use super::event_array::bytes_zval;
use crate::ops::{Filter, Op, Reply};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::*;

/// Marks a connection as a ghost: if its client disconnects, nothing is reported and its
/// state stays (it is dormant) until a client resumes it or it is released.
#[php_function]
#[php(name = "frankenphp_ws_activateGhost")]
pub fn frankenphp_ws_activate_ghost(connectionId: Str) -> PhpResult<bool> {
    route(Op::ActivateGhost {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// Clears the ghost mark. A dormant ghost then ends: `ghostConnectionClose`, `beforeClose`,
/// `close`. False if the connection was not a ghost.
#[php_function]
#[php(name = "frankenphp_ws_releaseGhost")]
pub fn frankenphp_ws_release_ghost(connectionId: Str) -> PhpResult<bool> {
    route(Op::ReleaseGhost {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// Whether the connection is a ghost (dormant or not).
#[php_function]
#[php(name = "frankenphp_ws_isGhost")]
pub fn frankenphp_ws_is_ghost(connectionId: Str) -> PhpResult<bool> {
    route(Op::IsGhost {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// The secret a client passes as `?resume=TOKEN` to take this ghost back once dormant; a
/// new one after each takeover. Null for an unknown connection.
#[php_function]
#[php(name = "frankenphp_ws_getResumeToken")]
pub fn frankenphp_ws_get_resume_token(connectionId: Str) -> PhpResult<Option<String>> {
    route(Op::GetResumeToken {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(Reply::into_maybe_text)
}

/// Gives a connection a new id, with all its state; false if `$newId` is taken.
#[php_function]
#[php(name = "frankenphp_ws_renameConnection")]
pub fn frankenphp_ws_rename_connection(currentId: Str, newId: Str) -> PhpResult<bool> {
    route(Op::RenameConnection {
        id: arg(&currentId, "currentId")?,
        new_id: arg(&newId, "newId")?,
    })
    .map(as_bool)
}

/// Stores `$value` (any bytes) under `$key` on a connection.
#[php_function]
#[php(name = "frankenphp_ws_setStoredInformation")]
pub fn frankenphp_ws_set_stored_information(
    connectionId: Str,
    key: Str,
    value: Str,
) -> PhpResult<bool> {
    route(Op::SetStoredInformation {
        id: arg(&connectionId, "connectionId")?,
        key: arg(&key, "key")?,
        value: value.bytes(),
    })
    .map(as_bool)
}

/// The value stored under `$key`, or `''` when absent.
#[php_function]
#[php(name = "frankenphp_ws_getStoredInformation")]
pub fn frankenphp_ws_get_stored_information(
    connectionId: Str,
    key: Str,
) -> PhpResult<BinaryString> {
    let op = Op::GetStoredInformation {
        id: arg(&connectionId, "connectionId")?,
        key: arg(&key, "key")?,
    };
    route(op).map(|reply| BinaryString(reply.into_bytes()))
}

/// Deletes `$key`; false if it was absent.
#[php_function]
#[php(name = "frankenphp_ws_deleteStoredInformation")]
pub fn frankenphp_ws_delete_stored_information(connectionId: Str, key: Str) -> PhpResult<bool> {
    route(Op::DeleteStoredInformation {
        id: arg(&connectionId, "connectionId")?,
        key: arg(&key, "key")?,
    })
    .map(as_bool)
}

/// Deletes every stored key of a connection.
#[php_function]
#[php(name = "frankenphp_ws_clearStoredInformation")]
pub fn frankenphp_ws_clear_stored_information(connectionId: Str) -> PhpResult<bool> {
    route(Op::ClearStoredInformation {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// Whether `$key` is stored on a connection.
#[php_function]
#[php(name = "frankenphp_ws_hasStoredInformation")]
pub fn frankenphp_ws_has_stored_information(connectionId: Str, key: Str) -> PhpResult<bool> {
    route(Op::HasStoredInformation {
        id: arg(&connectionId, "connectionId")?,
        key: arg(&key, "key")?,
    })
    .map(as_bool)
}

/// The stored keys of a connection, sorted.
#[php_function]
#[php(name = "frankenphp_ws_listStoredInformationKeys")]
pub fn frankenphp_ws_list_stored_information_keys(connectionId: Str) -> PhpResult<Vec<String>> {
    route(Op::ListStoredInformationKeys {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_strings)
}

/// Ids of the connections whose `$key` compares with `$value` by `$op` (a
/// `FRANKENPHP_WS_OP_*` constant). An unknown operator or a bad regex throws.
#[php_function]
#[php(name = "frankenphp_ws_searchStoredInformation")]
pub fn frankenphp_ws_search_stored_information(
    key: Str,
    op: Str,
    value: Str,
    route: OptStr,
) -> PhpResult<Vec<String>> {
    let filter = Filter::new(arg::<String>(&op, "op")?, arg::<String>(&value, "value")?)
        .map_err(|e| invalid_argument(format!("$op/$value: {e}")))?;
    let op = Op::SearchStoredInformation {
        key: arg(&key, "key")?,
        filter,
        route: opt_arg(&route, "route")?,
    };
    self::route(op).map(as_strings)
}

/// Stores a process-wide value (any bytes); `$expireSeconds` of 0 keeps it until deleted.
#[php_function]
#[php(name = "frankenphp_ws_global_set")]
#[php(defaults(expireSeconds = 0))]
pub fn frankenphp_ws_global_set(key: Str, value: Str, expireSeconds: Int) -> PhpResult<()> {
    let op = Op::GlobalSet {
        key: arg(&key, "key")?,
        value: value.bytes(),
        expire: count(expireSeconds, "expireSeconds")?,
    };
    route(op).map(|_| ())
}

/// A process-wide value, or `''` when absent or expired.
#[php_function]
#[php(name = "frankenphp_ws_global_get")]
pub fn frankenphp_ws_global_get(key: Str) -> PhpResult<BinaryString> {
    route(Op::GlobalGet {
        key: arg(&key, "key")?,
    })
    .map(|reply| BinaryString(reply.into_bytes()))
}

/// Whether a process-wide value exists and has not expired.
#[php_function]
#[php(name = "frankenphp_ws_global_has")]
pub fn frankenphp_ws_global_has(key: Str) -> PhpResult<bool> {
    route(Op::GlobalHas {
        key: arg(&key, "key")?,
    })
    .map(as_bool)
}

/// Deletes a process-wide value; false if it was absent.
#[php_function]
#[php(name = "frankenphp_ws_global_delete")]
pub fn frankenphp_ws_global_delete(key: Str) -> PhpResult<bool> {
    route(Op::GlobalDelete {
        key: arg(&key, "key")?,
    })
    .map(as_bool)
}

/// Pings the client every `$intervalMs` (0: once, now) and records the round trip.
#[php_function]
#[php(name = "frankenphp_ws_enablePing")]
#[php(defaults(intervalMs = 0))]
pub fn frankenphp_ws_enable_ping(connectionId: Str, intervalMs: Int) -> PhpResult<bool> {
    route(Op::EnablePing {
        id: arg(&connectionId, "connectionId")?,
        interval: count(intervalMs, "intervalMs")?,
    })
    .map(as_bool)
}

/// Stops the pings of `enablePing` (the server's heartbeat goes on).
#[php_function]
#[php(name = "frankenphp_ws_disablePing")]
pub fn frankenphp_ws_disable_ping(connectionId: Str) -> PhpResult<bool> {
    route(Op::DisablePing {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// The last ping round trip in nanoseconds; 0 if none yet.
#[php_function]
#[php(name = "frankenphp_ws_getClientPingTime")]
pub fn frankenphp_ws_get_client_ping_time(connectionId: Str) -> PhpResult<i64> {
    route(Op::GetClientPingTime {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_int)
}

/// Counts the messages sent to a connection from now on and keeps the last `$maxMessages`
/// of them for `$maxTimeSeconds`.
#[php_function]
#[php(name = "frankenphp_ws_enableQueueCounter")]
#[php(defaults(maxMessages = 100, maxTimeSeconds = 3600))]
pub fn frankenphp_ws_enable_queue_counter(
    connectionId: Str,
    maxMessages: Int,
    maxTimeSeconds: Int,
) -> PhpResult<bool> {
    let op = Op::EnableQueueCounter {
        id: arg(&connectionId, "connectionId")?,
        max: count(maxMessages, "maxMessages")?,
        max_time: count(maxTimeSeconds, "maxTimeSeconds")?,
    };
    route(op).map(as_bool)
}

/// Stops counting and forgets the kept messages.
#[php_function]
#[php(name = "frankenphp_ws_disableQueueCounter")]
pub fn frankenphp_ws_disable_queue_counter(connectionId: Str) -> PhpResult<bool> {
    route(Op::DisableQueueCounter {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// Messages sent to the connection since the counter was enabled.
#[php_function]
#[php(name = "frankenphp_ws_getClientMessageCounter")]
pub fn frankenphp_ws_get_client_message_counter(connectionId: Str) -> PhpResult<i64> {
    route(Op::GetClientMessageCounter {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_int)
}

/// The kept messages, oldest first: `['id' => int, 'time' => int, 'data' => string]`.
#[php_function]
#[php(name = "frankenphp_ws_getClientMessageQueue")]
pub fn frankenphp_ws_get_client_message_queue(connectionId: Str) -> PhpResult<ZBox<ZendHashTable>> {
    let entries = route(Op::GetClientMessageQueue {
        id: arg(&connectionId, "connectionId")?,
    })?
    .into_history();
    let mut list = ZendHashTable::with_capacity(entries.len() as u32);
    for entry in entries {
        let mut item = ZendHashTable::with_capacity(3);
        let _ = item.insert("id", i64::try_from(entry.id).unwrap_or(i64::MAX));
        let _ = item.insert("time", i64::try_from(entry.time).unwrap_or(i64::MAX));
        let _ = item.insert("data", bytes_zval(&entry.data));
        let _ = list.push(item);
    }
    Ok(list)
}

/// Forgets the kept messages (the counter goes on).
#[php_function]
#[php(name = "frankenphp_ws_clearClientMessageQueue")]
pub fn frankenphp_ws_clear_client_message_queue(connectionId: Str) -> PhpResult<bool> {
    route(Op::ClearClientMessageQueue {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// Adds this file's functions to the module, with the tag functions between identity and
/// stored information: registration order is the order `get_extension_funcs()` lists, and it
/// stays what it was before tags got their own file.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    let module = module
        .function(wrap_function!(frankenphp_ws_activate_ghost))
        .function(wrap_function!(frankenphp_ws_release_ghost))
        .function(wrap_function!(frankenphp_ws_is_ghost))
        .function(wrap_function!(frankenphp_ws_get_resume_token))
        .function(wrap_function!(frankenphp_ws_rename_connection));
    super::tag_functions::register(module)
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
