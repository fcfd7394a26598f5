//! A Pusher client's messages, handled on its reader task: pings, subscriptions (a private or
//! presence channel needs the application's signature, not the worker's grant), and client
//! events, which are relayed to the channel's other members and reported to the worker as
//! `message`.

use super::{sign, wire};
use crate::config::PusherApp;
use crate::events::EventKind;
use crate::hub::connection::Connection;
use crate::hub::stats::Stats;
use crate::hub::Frame;
use crate::node::Node;
use crate::ops::Op;
use crate::protocol::{self, validate_channel};
use crate::server::client::{emit, BoxFuture};
use bytes::Bytes;
use serde_json::Value;
use std::sync::Arc;

/// Handles one text message; what is left to wait for (room in the worker's queue), if any.
pub fn on_text(
    conn: &Arc<Connection>,
    node: &Arc<Node>,
    app: &PusherApp,
    text: &str,
) -> Option<BoxFuture> {
    let stats = &node.hub.stats;
    let message = match wire::ClientMessage::parse(text) {
        Ok(message) => message,
        Err(why) => {
            Stats::add(&stats.control_errors, 1);
            conn.reply(Frame::text(wire::error(None, why)));
            return None;
        }
    };
    Stats::add(&stats.control_messages, 1);
    match message.event.as_str() {
        "pusher:ping" => {
            conn.reply(Frame::text(wire::pong()));
        }
        "pusher:pong" => {}
        "pusher:subscribe" => subscribe(conn, node, app, &message),
        "pusher:signin" => sign_in(conn, node, app, &message),
        "pusher:unsubscribe" => {
            if let Some(channel) = &message.channel {
                node.hub
                    .unsubscribe(&conn.id(), channel, |leave| node.push_now(leave));
            }
        }
        name if name.starts_with("client-") => return client_event(conn, node, &message, text),
        other => {
            Stats::add(&stats.control_errors, 1);
            let why = format!("unsupported event {other:?}");
            conn.reply(Frame::text(wire::error(None, &why)));
        }
    }
    None
}

fn subscribe(conn: &Arc<Connection>, node: &Arc<Node>, app: &PusherApp, message: &wire::ClientMessage) {
    let Some(channel) = message.channel.as_deref() else {
        let why = "pusher:subscribe needs data.channel";
        conn.reply(Frame::text(wire::error(None, why)));
        return;
    };
    // pusher-js subscribes to its user's channel once signed in; what is sent to the user
    // reaches the connection already (`Topic::User`).
    let signed_in = conn.read_extra(|e| e.and_then(|e| e.signed_in.clone()));
    if signed_in.is_some_and(|user| channel == wire::user_channel(&user)) {
        conn.reply(Frame::text(wire::subscription_succeeded(channel, None)));
        return;
    }
    let refuse = |status: u16, why: &str| {
        Stats::add(&node.hub.stats.control_errors, 1);
        conn.reply(Frame::text(wire::subscription_error(channel, status, why)));
    };
    if let Err(why) = validate_channel(channel) {
        return refuse(400, &why);
    }
    let limit = node.config.max_subscriptions;
    let again = conn.is_subscribed(channel);
    if !again && conn.subscription_load() >= limit {
        Stats::add(&node.hub.stats.subscription_limit_errors, 1);
        return refuse(400, &format!("a connection may hold at most {limit} channels"));
    }
    let presence = channel.starts_with("presence-");
    if protocol::is_protected(channel) {
        let channel_data = message.data_field("channel_data").filter(|_| presence);
        let auth = message.data_field("auth").unwrap_or("");
        if !sign::channel_auth_ok(app, &conn.id(), channel, channel_data, auth) {
            let why = "Invalid signature: the auth endpoint must sign socket_id:channel (and :channel_data for presence) with the app's secret";
            return refuse(401, why);
        }
    }
    let member = match presence {
        false => None,
        true => match member(message.data_field("channel_data")) {
            Some(member) => Some(member),
            None => return refuse(400, "channel_data must be JSON with a user_id"),
        },
    };
    if !again {
        node.hub
            .subscribe(&conn.id(), channel, |join| node.push_now(join));
    }
    match member {
        // Subscribed again: the same member, under the identity it joined with.
        Some((user_id, info)) => node.hub.join_presence(channel, conn, &user_id, info),
        None => {
            conn.reply(Frame::text(wire::subscription_succeeded(channel, None)));
        }
    }
}

/// `pusher:signin`: `user_data` (JSON with the user's `id`) signed by the application's user
/// authentication endpoint. Signed in, the connection is one of the user's: sends to the
/// user (`broadcastToUser()`, the HTTP API's server-to-user events) reach it, and
/// `disconnectUser()` ends it.
fn sign_in(conn: &Arc<Connection>, node: &Arc<Node>, app: &PusherApp, message: &wire::ClientMessage) {
    let refuse = |why: &str| {
        Stats::add(&node.hub.stats.control_errors, 1);
        conn.reply(Frame::text(wire::error(Some(wire::code::UNAUTHORIZED), why)));
    };
    let user_data = message.data_field("user_data").unwrap_or("");
    let auth = message.data_field("auth").unwrap_or("");
    if !sign::user_auth_ok(app, &conn.id(), user_data, auth) {
        return refuse("Invalid signature: the user authentication endpoint must sign socket_id::user::user_data with the app's secret");
    }
    let id = serde_json::from_str::<Value>(user_data)
        .ok()
        .and_then(|data| match data.get("id")? {
            Value::String(id) if !id.is_empty() => Some(id.clone()),
            _ => None,
        });
    // A string, as pusher-js requires it (it gives up on any other id).
    let Some(id) = id else {
        return refuse("user_data must be JSON with the user's id, a string");
    };
    if !node.hub.sign_in(conn, &id) {
        return refuse("this connection is already another user's");
    }
    conn.reply(Frame::text(wire::signin_success(user_data)));
}

/// A presence subscription's `channel_data`: the user id (a string or a number, as Pusher
/// takes it) and its info.
fn member(channel_data: Option<&str>) -> Option<(String, Value)> {
    let mut data: Value = serde_json::from_str(channel_data?).ok()?;
    let user_id = match data.get("user_id")? {
        Value::String(id) if !id.is_empty() => id.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let info = data.get_mut("user_info").map(Value::take).unwrap_or(Value::Null);
    Some((user_id, info))
}

/// `client-*` on a private or presence channel the client is subscribed to: relayed to the
/// channel's other subscribers (never back to the sender), and reported to the worker.
fn client_event(
    conn: &Arc<Connection>,
    node: &Arc<Node>,
    message: &wire::ClientMessage,
    text: &str,
) -> Option<BoxFuture> {
    let refuse = |why: &str| {
        Stats::add(&node.hub.stats.control_errors, 1);
        conn.reply(Frame::text(wire::error(None, why)));
        None
    };
    let Some(channel) = message.channel.as_deref() else {
        return refuse("a client event needs its channel");
    };
    if !protocol::is_protected(channel) || channel.starts_with("private-encrypted-") {
        return refuse("client events go on private and presence channels only (not encrypted ones)");
    }
    if !conn.is_subscribed(channel) {
        return refuse("subscribe to the channel before sending client events on it");
    }
    let user_id = match channel.starts_with("presence-") {
        true => node.hub.roster.user_of(channel, conn),
        false => None,
    };
    let data = match &message.data {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    // Through the routing point: the channel's members on other nodes get it too.
    let relay = (|| {
        Ok::<_, crate::ops::OpError>(Op::Trigger {
            channel: crate::ops::Channel::new(channel)?,
            event: crate::ops::EventName::new(&message.event)?,
            data: Bytes::from(data),
            except: Some(crate::ops::Id::new(conn.id())?),
            user_id: user_id.map(crate::ops::UserId::new).transpose()?,
        })
    })();
    match relay {
        Ok(op) => {
            let _ = node.route(op);
        }
        Err(e) => return refuse(&e.to_string()),
    }
    emit(
        node,
        conn,
        EventKind::Message { binary: false },
        Some(Bytes::copy_from_slice(text.as_bytes())),
    )
}
