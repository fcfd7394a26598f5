//! The PHP functions for messaging, connections, channels and users
//! (docs/functions.md). Each is a thin shell: take the arguments by PHP's rules, build the typed
//! `Op`, and route it (here or on the hosting process).

// Parameter names are PHP's (named arguments are API): `$connectionId`, as documented.
#![allow(non_snake_case)]

use super::errors::invalid_argument;
use crate::ops::{Op, Reply};
use crate::pusher::wire::check_application_event;
use ext_php_rs::prelude::*;

use super::args::*;

/// Publishes `$message` to every client subscribed to `$channel`, on every node; as a binary
/// frame when `$binary` (or when it is not UTF-8), else as text.
#[php_function]
#[php(defaults(binary = false))]
pub fn broadcast(channel: Str, message: Str, binary: Bool) -> PhpResult<()> {
    route(Op::Broadcast {
        channel: arg(&channel, "channel")?,
        data: message.bytes(),
        binary: binary.0,
    })
    .map(|_| ())
}

/// The most channels one `frankenphp_ws_trigger()` names, as Pusher allows.
const MAX_TRIGGER_CHANNELS: usize = 100;

/// Sends the named event `$event` with `$data` to every subscriber of `$channels` (one name,
/// or a list of up to 100), on every node, except the connection `$exceptConnection`. Native
/// and Pusher clients alike receive `{"event":…,"channel":…,"data":…}`.
#[php_function]
#[php(name = "frankenphp_ws_trigger")]
pub fn frankenphp_ws_trigger(
    channels: Names,
    event: Str,
    data: Str,
    exceptConnection: OptStr,
) -> PhpResult<()> {
    if channels.0.is_empty() || channels.0.len() > MAX_TRIGGER_CHANNELS {
        return Err(invalid_argument(format!(
            "$channels must name 1 to {MAX_TRIGGER_CHANNELS} channels, got {}",
            channels.0.len()
        )));
    }
    std::str::from_utf8(data.0).map_err(|_| {
        invalid_argument("$data must be UTF-8 text: an event's data travels in JSON")
    })?;
    let event: crate::ops::EventName = arg(&event, "event")?;
    check_application_event(event.as_str()).map_err(|w| invalid_argument(format!("$event: {w}")))?;
    let except = opt_arg(&exceptConnection, "exceptConnection")?;
    // Every name checked before anything is sent.
    let channels = channels
        .0
        .iter()
        .map(|name| match name {
            Some(name) => arg(&Str(name), "channels"),
            None => Err(invalid_argument("$channels must hold only strings (channel names)")),
        })
        .collect::<PhpResult<Vec<crate::ops::Channel>>>()?;
    // One operation per channel (each reaches the nodes of its own subscribers); a channel
    // named twice gets the event once.
    let mut sent: Vec<&crate::ops::Channel> = Vec::with_capacity(channels.len());
    for channel in &channels {
        if sent.contains(&channel) {
            continue;
        }
        sent.push(channel);
        let channel = channel.clone();
        route(Op::Trigger {
            channel,
            event: event.clone(),
            data: data.bytes(),
            except: except.clone(),
            user_id: None,
        })?;
    }
    Ok(())
}

/// Sends `$message` to every connection of a user (the id its handshake authentication gave,
/// or a Pusher client's sign-in).
#[php_function]
#[php(name = "broadcastToUser")]
#[php(defaults(binary = false))]
pub fn broadcast_to_user(userId: IntOrStr, message: Str, binary: Bool) -> PhpResult<()> {
    route(Op::BroadcastToUser {
        user: user(&userId)?,
        data: message.bytes(),
        binary: binary.0,
        event: None,
    })
    .map(|_| ())
}

/// Closes every connection of a user (1000, reason `killed`); returns how many.
#[php_function]
#[php(name = "disconnectUser")]
pub fn disconnect_user(userId: IntOrStr) -> PhpResult<i64> {
    route(Op::DisconnectUser {
        user: user(&userId)?,
    })
    .map(as_int)
}

/// Distinct user ids subscribed to `$channel`.
#[php_function]
#[php(name = "getChannelUsers")]
pub fn get_channel_users(channel: Str) -> PhpResult<Vec<String>> {
    route(Op::GetChannelUsers {
        channel: arg(&channel, "channel")?,
    })
    .map(as_strings)
}

/// Ids of a user's connections.
#[php_function]
#[php(name = "frankenphp_ws_getUserConnections")]
pub fn frankenphp_ws_get_user_connections(userId: IntOrStr) -> PhpResult<Vec<String>> {
    route(Op::GetUserConnections {
        user: user(&userId)?,
    })
    .map(as_strings)
}

/// Sets a connection's presence: `online`, `away`, `busy` or `offline`.
#[php_function]
#[php(name = "frankenphp_ws_setPresence")]
pub fn frankenphp_ws_set_presence(connectionId: Str, status: Str) -> PhpResult<bool> {
    route(Op::SetPresence {
        id: arg(&connectionId, "connectionId")?,
        status: arg(&status, "status")?,
    })
    .map(as_bool)
}

/// A user's presence: the most available status of its connections; `offline` without any.
#[php_function]
#[php(name = "frankenphp_ws_getPresence")]
pub fn frankenphp_ws_get_presence(userId: IntOrStr) -> PhpResult<String> {
    route(Op::GetPresence {
        user: user(&userId)?,
    })
    .map(Reply::into_text)
}

/// Sends `$data` to one connection (only if its route is `$route`, when given). False for an
/// unknown or closed connection.
#[php_function]
#[php(name = "frankenphp_ws_send")]
pub fn frankenphp_ws_send(connectionId: Str, data: Str, route: OptStr) -> PhpResult<bool> {
    let op = Op::Send {
        id: arg(&connectionId, "connectionId")?,
        data: data.bytes(),
        route: opt_arg(&route, "route")?,
    };
    self::route(op).map(as_bool)
}

/// Sends `$data` to one connection as a binary frame.
#[php_function]
#[php(name = "frankenphp_ws_sendBinary")]
pub fn frankenphp_ws_send_binary(connectionId: Str, data: Str) -> PhpResult<bool> {
    route(Op::SendBinary {
        id: arg(&connectionId, "connectionId")?,
        data: data.bytes(),
    })
    .map(as_bool)
}

/// Sends `$data` to every connection (of `$route`, when given); returns how many. A binary
/// frame when `$binary`.
#[php_function]
#[php(name = "frankenphp_ws_sendAll")]
#[php(defaults(binary = false))]
pub fn frankenphp_ws_send_all(data: Str, route: OptStr, binary: Bool) -> PhpResult<i64> {
    self::route(Op::SendAll {
        data: data.bytes(),
        route: opt_arg(&route, "route")?,
        binary: binary.0,
    })
    .map(as_int)
}

/// Ids of the open connections (of `$route`, when given), dormant ghosts included.
#[php_function]
#[php(name = "frankenphp_ws_getClients")]
pub fn frankenphp_ws_get_clients(route: OptStr) -> PhpResult<Vec<String>> {
    self::route(Op::GetClients {
        route: opt_arg(&route, "route")?,
    })
    .map(as_strings)
}

/// Number of open connections (of `$route`, when given), dormant ghosts included.
#[php_function]
#[php(name = "frankenphp_ws_getClientsCount")]
pub fn frankenphp_ws_get_clients_count(route: OptStr) -> PhpResult<i64> {
    self::route(Op::GetClientsCount {
        route: opt_arg(&route, "route")?,
    })
    .map(as_int)
}

/// Closes a connection for good, ghost or not: 1000, reason `killed`. False for an unknown id.
#[php_function]
#[php(name = "frankenphp_ws_killConnection")]
pub fn frankenphp_ws_kill_connection(connectionId: Str) -> PhpResult<bool> {
    route(Op::KillConnection {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_bool)
}

/// Routes (request paths) that have at least one open connection.
#[php_function]
#[php(name = "frankenphp_ws_listRoutes")]
pub fn frankenphp_ws_list_routes() -> PhpResult<Vec<String>> {
    route(Op::ListRoutes {}).map(as_strings)
}

/// Subscribes a connection to a channel. This is how the worker grants a protected channel a
/// client asked for (a `subscribe` event): the client then gets `subscribed`.
#[php_function]
#[php(name = "frankenphp_ws_subscribe")]
pub fn frankenphp_ws_subscribe(connectionId: Str, channel: Str) -> PhpResult<bool> {
    route(Op::Subscribe {
        id: arg(&connectionId, "connectionId")?,
        channel: arg(&channel, "channel")?,
    })
    .map(as_bool)
}

/// Refuses a client's pending request for a protected channel (a `subscribe` event): the client
/// gets an `error` reply with `$reason`. False if no such request is pending.
#[php_function]
#[php(name = "frankenphp_ws_denySubscription")]
#[php(defaults(reason = "\"\""))]
pub fn frankenphp_ws_deny_subscription(
    connectionId: Str,
    channel: Str,
    reason: Str,
) -> PhpResult<bool> {
    let op = Op::DenySubscription {
        id: arg(&connectionId, "connectionId")?,
        channel: arg(&channel, "channel")?,
        reason: Some(arg(&reason, "reason")?),
    };
    route(op).map(as_bool)
}

/// Unsubscribes a connection from a channel; false if it was not subscribed.
#[php_function]
#[php(name = "frankenphp_ws_unsubscribe")]
pub fn frankenphp_ws_unsubscribe(connectionId: Str, channel: Str) -> PhpResult<bool> {
    route(Op::Unsubscribe {
        id: arg(&connectionId, "connectionId")?,
        channel: arg(&channel, "channel")?,
    })
    .map(as_bool)
}

/// The channels a connection is subscribed to (readable during `beforeClose`).
#[php_function]
#[php(name = "frankenphp_ws_getSubscriptions")]
pub fn frankenphp_ws_get_subscriptions(connectionId: Str) -> PhpResult<Vec<String>> {
    route(Op::GetSubscriptions {
        id: arg(&connectionId, "connectionId")?,
    })
    .map(as_strings)
}

/// Channels with at least one subscriber on this node.
#[php_function]
#[php(name = "frankenphp_ws_getChannels")]
pub fn frankenphp_ws_get_channels() -> PhpResult<Vec<String>> {
    route(Op::GetChannels {}).map(as_strings)
}

/// How many connections are subscribed to `$channel`, on every node.
#[php_function]
#[php(name = "frankenphp_ws_getChannelCount")]
pub fn frankenphp_ws_get_channel_count(channel: Str) -> PhpResult<i64> {
    route(Op::GetChannelCount { channel: arg(&channel, "channel")? }).map(as_int)
}

/// Adds this file's functions to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    // The hosting functions next to broadcast(), as the stub file lists them.
    super::lifecycle::register(module.function(wrap_function!(broadcast)))
        .function(wrap_function!(broadcast_to_user))
        .function(wrap_function!(frankenphp_ws_trigger))
        .function(wrap_function!(disconnect_user))
        .function(wrap_function!(get_channel_users))
        .function(wrap_function!(frankenphp_ws_get_channel_count))
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
}
