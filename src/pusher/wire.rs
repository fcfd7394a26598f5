//! The Pusher Channels protocol's messages (protocol 7): what a client sends, and what the
//! server answers. Every message is `{"event":…, "channel":…, "data":…}`; the server's `data`
//! is a string holding JSON, as Pusher's own servers send it.

use serde_json::{json, Map, Value};

/// Seconds of silence after which a client pings (`pusher:ping`); the server pings at the
/// WebSocket level on its own schedule (`ping_interval`).
pub const ACTIVITY_TIMEOUT: u64 = 120;

/// `pusher:error` codes (the protocol's table).
pub mod code {
    /// The key in `/app/{key}` is not this server's application.
    pub const APP_DOES_NOT_EXIST: u16 = 4001;
    /// The server holds `max_connections`: the client backs off and tries again.
    pub const OVER_CAPACITY: u16 = 4100;
    /// A sign-in refused (a bad signature, no user id).
    pub const UNAUTHORIZED: u16 = 4009;
    /// A client event refused: more than `message_rate` messages per second.
    pub const CLIENT_EVENT_RATE: u16 = 4301;
}

/// One message from a Pusher client.
#[derive(Debug, PartialEq)]
pub struct ClientMessage {
    pub event: String,
    pub channel: Option<String>,
    /// As sent: pusher-js sends an object for `pusher:*` events and whatever the
    /// application gave for client events.
    pub data: Value,
}

impl ClientMessage {
    pub fn parse(text: &str) -> Result<ClientMessage, &'static str> {
        let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(text) else {
            return Err("a Pusher message must be a JSON object");
        };
        let event = match object.remove("event") {
            Some(Value::String(event)) => event,
            _ => return Err("a Pusher message must name its \"event\""),
        };
        let data = object.remove("data").unwrap_or(Value::Null);
        // `pusher:subscribe` names its channel inside `data`; a client event, at the top.
        let channel = match object.remove("channel") {
            Some(Value::String(channel)) => Some(channel),
            _ => data
                .get("channel")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        Ok(ClientMessage {
            event,
            channel,
            data,
        })
    }

    /// A string field of `data` (`auth`, `channel_data`, `user_data`).
    pub fn data_field(&self, name: &str) -> Option<&str> {
        self.data.get(name).and_then(Value::as_str)
    }
}

/// An event as the server sends it: `data` is the application's text, as is.
pub fn event(name: &str, channel: Option<&str>, data: &str) -> String {
    let mut object = Map::with_capacity(3);
    object.insert("event".into(), Value::from(name));
    if let Some(channel) = channel {
        object.insert("channel".into(), Value::from(channel));
    }
    object.insert("data".into(), Value::from(data));
    Value::Object(object).to_string()
}

/// An event on a channel; a client event relayed from a presence channel says who sent it
/// (`user_id`), as Pusher does.
pub fn channel_event(name: &str, channel: &str, data: &str, user_id: Option<&str>) -> String {
    let mut object = Map::with_capacity(4);
    object.insert("event".into(), Value::from(name));
    object.insert("channel".into(), Value::from(channel));
    object.insert("data".into(), Value::from(data));
    if let Some(user_id) = user_id {
        object.insert("user_id".into(), Value::from(user_id));
    }
    Value::Object(object).to_string()
}

fn internal(name: &str, channel: Option<&str>, data: Value) -> String {
    event(name, channel, &data.to_string())
}

pub fn connection_established(socket_id: &str) -> String {
    internal(
        "pusher:connection_established",
        None,
        json!({"socket_id": socket_id, "activity_timeout": ACTIVITY_TIMEOUT}),
    )
}

pub fn pong() -> String {
    internal("pusher:pong", None, json!({}))
}

/// `pusher:error`; `code` as the protocol defines it, or none for a refusal that needs no
/// reconnection policy (an unknown event, say).
pub fn error(code: Option<u16>, message: &str) -> String {
    json!({"event": "pusher:error", "data": {"code": code, "message": message}}).to_string()
}

/// A subscription made; `presence`: the channel's members (`ids`, `hash`, `count`).
pub fn subscription_succeeded(channel: &str, presence: Option<Value>) -> String {
    let data = match presence {
        Some(presence) => json!({ "presence": presence }),
        None => json!({}),
    };
    internal("pusher_internal:subscription_succeeded", Some(channel), data)
}

/// A subscription refused (bad signature, a limit): the channel's `pusher:subscription_error`,
/// which pusher-js hands to the application as soketi and Reverb send it.
pub fn subscription_error(channel: &str, status: u16, error: &str) -> String {
    internal(
        "pusher:subscription_error",
        Some(channel),
        json!({"type": "AuthError", "error": error, "status": status}),
    )
}

pub const MEMBER_ADDED: &str = "pusher_internal:member_added";
pub const MEMBER_REMOVED: &str = "pusher_internal:member_removed";

pub fn member_added(channel: &str, user_id: &str, user_info: &Value) -> String {
    let data = json!({"user_id": user_id, "user_info": user_info});
    event(MEMBER_ADDED, Some(channel), &data.to_string())
}

pub fn member_removed(channel: &str, user_id: &str) -> String {
    event(MEMBER_REMOVED, Some(channel), &json!({ "user_id": user_id }).to_string())
}

/// Refuses the event names the protocol keeps for its own messages (`pusher:…`,
/// `pusher_internal:…`) in what the application sends: a forged `member_added` would enter
/// clients' member lists.
pub fn check_application_event(name: &str) -> Result<(), String> {
    match name.starts_with("pusher:") || name.starts_with("pusher_internal:") {
        true => Err(format!("the event name {name:?} starts with pusher: or pusher_internal:, which the Pusher protocol keeps for its own messages; name it otherwise")),
        false => Ok(()),
    }
}

/// A presence member added or removed, as it travels between nodes (an `Op::Trigger` of
/// `member_added` / `member_removed`): its data carries the change's `version`, the channel's
/// count of changes in Redis, by which nodes put changes from several nodes in order. Clients
/// get the event without it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberChange {
    pub added: bool,
    pub user_id: String,
    pub info: Value,
    pub version: Option<u64>,
}

impl MemberChange {
    /// The event's name and data, to send between nodes.
    pub fn event(&self) -> (&'static str, String) {
        let mut data = json!({ "user_id": self.user_id });
        if self.added {
            data["user_info"] = self.info.clone();
        }
        if let Some(version) = self.version {
            data["version"] = json!(version);
        }
        let name = if self.added { MEMBER_ADDED } else { MEMBER_REMOVED };
        (name, data.to_string())
    }

    /// The change an event announces, if it is one, whoever triggered it.
    pub fn parse(event: &str, data: &str) -> Option<MemberChange> {
        let added = match event {
            MEMBER_ADDED => true,
            MEMBER_REMOVED => false,
            _ => return None,
        };
        let mut data: Value = serde_json::from_str(data).ok()?;
        Some(MemberChange {
            added,
            user_id: data.get("user_id")?.as_str()?.to_string(),
            info: data.get_mut("user_info").map(Value::take).unwrap_or(Value::Null),
            version: data.get("version").and_then(Value::as_u64),
        })
    }

    /// The event as a client receives it on `channel`.
    pub fn for_client(&self, channel: &str) -> String {
        match self.added {
            true => member_added(channel, &self.user_id, &self.info),
            false => member_removed(channel, &self.user_id),
        }
    }
}

pub fn signin_success(user_data: &str) -> String {
    internal("pusher:signin_success", None, json!({ "user_data": user_data }))
}

/// The channel a signed-in user's server-to-user events arrive on (pusher-js binds it).
pub fn user_channel(user_id: &str) -> String {
    format!("#server-to-user-{user_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribe_names_its_channel_in_data_and_client_events_at_the_top() {
        let m = ClientMessage::parse(
            r#"{"event":"pusher:subscribe","data":{"channel":"private-a","auth":"k:s"}}"#,
        )
        .unwrap();
        assert_eq!(m.channel.as_deref(), Some("private-a"));
        assert_eq!(m.data_field("auth"), Some("k:s"));
        let m = ClientMessage::parse(r#"{"event":"client-x","channel":"private-a","data":{"a":1}}"#)
            .unwrap();
        assert_eq!(m.channel.as_deref(), Some("private-a"));
        assert!(ClientMessage::parse("[1]").is_err());
        assert!(ClientMessage::parse(r#"{"data":1}"#).is_err());
    }

    #[test]
    fn the_servers_data_is_a_string_of_json() {
        let v: Value = serde_json::from_str(&connection_established("1.2")).unwrap();
        let data: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
        assert_eq!(data["socket_id"], "1.2");
        let v: Value = serde_json::from_str(&event("message", Some("orders"), "hi")).unwrap();
        assert_eq!(v, json!({"event": "message", "channel": "orders", "data": "hi"}));
    }
}
