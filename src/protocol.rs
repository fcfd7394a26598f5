//! The client protocol: control messages a client may send, the replies it gets, and
//! the rules for channel names. Pure functions: no I/O, so the fuzzer and unit tests drive them.

use serde_json::{json, Value};

pub const MAX_CHANNEL_LEN: usize = 200;

/// Checks a channel name: 1–200 bytes of `A-Z a-z 0-9 _ - = @ , . ; : /`.
pub fn validate_channel(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("channel name must not be empty".into());
    }
    if name.len() > MAX_CHANNEL_LEN {
        return Err(format!(
            "channel name is {} bytes long; the limit is {MAX_CHANNEL_LEN}",
            name.len()
        ));
    }
    // A byte table: this runs on every broadcast(). Allowed bytes are all ASCII, so a name that
    // passes is also valid UTF-8.
    if name.bytes().all(|b| CHANNEL_BYTES[b as usize]) {
        return Ok(());
    }
    let (pos, c) = name
        .char_indices()
        .find(|(_, c)| !c.is_ascii() || !CHANNEL_BYTES[*c as usize])
        .expect("found above");
    Err(format!(
        "channel name has the character {c:?} at byte {pos}; allowed are A-Z a-z 0-9 and _ - = @ , . ; : /"
    ))
}

const CHANNEL_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'_' | b'-' | b'=' | b'@' | b',' | b'.' | b';' | b':' | b'/'
            );
        b += 1;
    }
    table
};

/// What a client's text message asks for.
#[derive(Debug, PartialEq)]
pub enum Control {
    Subscribe(String),
    Unsubscribe(String),
    /// `{"sender":"client","subscriptions":[...]}`: replace the subscriptions with this list.
    SetSubscriptions(Vec<String>),
    /// `{"action":"presence","status":S}`: the client sets its presence status.
    Presence(&'static str),
    /// `{"action":"ack","seq":N}`: a connection that acknowledges has received every message
    /// up to N. `None`: no whole number in `seq`. For a connection that does not acknowledge,
    /// it is the application's own message.
    Ack(Option<u64>),
    /// `{"sender":"server","notification":{...}}`: the channel and the notification to forward.
    Notify {
        channel: String,
        notification: String,
    },
}

/// A control message that cannot be honoured: it gets an `error` reply.
#[derive(Debug, PartialEq)]
pub struct ProtocolError {
    pub code: &'static str,
    pub message: String,
}

impl ProtocolError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ProtocolError {
            code,
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> String {
        json!({"event": "error", "code": self.code, "message": self.message}).to_string()
    }
}

/// Classifies a text message: `None` if it is an application message for the worker,
/// `Some(Ok)` for a control message, `Some(Err)` for a malformed control message.
pub fn parse_control(text: &str) -> Option<Result<Control, ProtocolError>> {
    // Cheap pre-check: control messages are JSON objects naming "action" or "sender".
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') || !(text.contains("\"action\"") || text.contains("\"sender\"")) {
        return None;
    }
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        // It names "action" or "sender" like a control message, but is not JSON.
        return Some(Err(ProtocolError::new(
            "invalid_json",
            "the message looks like a control message but is not valid JSON",
        )));
    };
    let object = value.as_object()?;
    if let Some(action) = object.get("action") {
        // Only the server's own actions are control messages: an application may use
        // "action" for its own messages, which reach the worker unchanged.
        return parse_action(action, object);
    }
    match object.get("sender").and_then(Value::as_str) {
        Some("client") if object.contains_key("subscriptions") => {
            Some(parse_subscriptions(&object["subscriptions"]))
        }
        Some("server") if object.contains_key("notification") => {
            Some(parse_notification(&object["notification"]))
        }
        _ => None,
    }
}

fn channel_field(object: &serde_json::Map<String, Value>) -> Result<String, ProtocolError> {
    let channel = match object.get("channel") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ProtocolError::new(
                "invalid_channel",
                "\"channel\" must be a string",
            ))
        }
        None => {
            return Err(ProtocolError::new(
                "invalid_channel",
                "\"channel\" is missing",
            ))
        }
    };
    validate_channel(&channel).map_err(|m| ProtocolError::new("invalid_channel", m))?;
    Ok(channel)
}

fn parse_action(
    action: &Value,
    object: &serde_json::Map<String, Value>,
) -> Option<Result<Control, ProtocolError>> {
    Some(match action.as_str()? {
        "subscribe" => channel_field(object).map(Control::Subscribe),
        "unsubscribe" => channel_field(object).map(Control::Unsubscribe),
        "presence" => match object
            .get("status")
            .and_then(Value::as_str)
            .map(presence_status)
        {
            Some(Ok(status)) => Ok(Control::Presence(status)),
            Some(Err(message)) => Err(ProtocolError::new("invalid_presence", message)),
            None => Err(ProtocolError::new(
                "invalid_presence",
                "\"status\" must be a string",
            )),
        },
        "ack" => Ok(Control::Ack(object.get("seq").and_then(Value::as_u64))),
        _ => return None,
    })
}

/// `{"action":"ack",…}`: `Some(seq)`, `seq` being `None` when it is not a whole number.
pub fn parse_ack(text: &str) -> Option<Option<u64>> {
    if !text.contains("\"ack\"") {
        return None;
    }
    match parse_control(text) {
        Some(Ok(Control::Ack(seq))) => Some(seq),
        _ => None,
    }
}

/// The most channels one `subscriptions` message may name.
pub const MAX_SUBSCRIPTIONS: usize = 1000;

fn parse_subscriptions(list: &Value) -> Result<Control, ProtocolError> {
    let items = list.as_array().ok_or_else(|| {
        ProtocolError::new(
            "invalid_subscriptions",
            "\"subscriptions\" must be an array of channel names",
        )
    })?;
    if items.len() > MAX_SUBSCRIPTIONS {
        return Err(ProtocolError::new(
            "invalid_subscriptions",
            format!("at most {MAX_SUBSCRIPTIONS} channels per subscriptions message"),
        ));
    }
    let mut channels = Vec::with_capacity(items.len());
    for item in items {
        let name = item.as_str().ok_or_else(|| {
            ProtocolError::new(
                "invalid_subscriptions",
                "every subscription must be a string",
            )
        })?;
        validate_channel(name).map_err(|m| ProtocolError::new("invalid_channel", m))?;
        if !channels.iter().any(|c| c == name) {
            channels.push(name.to_string());
        }
    }
    Ok(Control::SetSubscriptions(channels))
}

fn parse_notification(notification: &Value) -> Result<Control, ProtocolError> {
    let object = notification.as_object().ok_or_else(|| {
        ProtocolError::new("invalid_notification", "\"notification\" must be an object")
    })?;
    let channel =
        channel_field(object).map_err(|e| ProtocolError::new("invalid_notification", e.message))?;
    Ok(Control::Notify {
        channel,
        notification: notification.to_string(),
    })
}

/// Presence statuses, most available first.
pub const PRESENCE_STATUSES: [&str; 4] = ["online", "busy", "away", "offline"];

/// Checks a presence status; gives the canonical `&'static str`.
pub fn presence_status(status: &str) -> Result<&'static str, String> {
    PRESENCE_STATUSES
        .iter()
        .find(|s| **s == status)
        .copied()
        .ok_or_else(|| {
            format!("presence status must be one of online, away, busy, offline; got {status:?}")
        })
}

pub fn presence_reply(status: &str) -> String {
    json!({"event": "presence", "status": status}).to_string()
}

/// `private-*` and `presence-*` channels are granted by the worker, never by the server alone.
pub fn is_protected(channel: &str) -> bool {
    channel.starts_with("private-") || channel.starts_with("presence-")
}

pub fn forbidden(message: impl Into<String>) -> ProtocolError {
    ProtocolError::new("forbidden", message)
}

/// An `error` reply about one channel (a refused or unanswered subscription).
pub fn channel_error(code: &str, channel: &str, message: &str) -> String {
    json!({"event": "error", "code": code, "channel": channel, "message": message}).to_string()
}

pub fn subscribed_reply(channel: &str) -> String {
    json!({"event": "subscribed", "channel": channel}).to_string()
}

/// The client's resume token (`resume_tokens=auto`): reconnecting with `?resume=TOKEN` takes
/// the connection back. `resumed`: this socket took a ghost back (else it is a new
/// connection, and a client that acknowledges starts counting again).
pub fn resume_token_message(token: &str, resumed: bool) -> String {
    json!({"event": "resume_token", "token": token, "resumed": resumed}).to_string()
}

/// A message to a connection that acknowledges (`?ack=1`): the application's text and its
/// number, which the client acknowledges with `{"action":"ack","seq":N}`.
pub fn sequenced_message(seq: u64, text: &str) -> String {
    json!({"event": "message", "seq": seq, "data": text}).to_string()
}

pub fn unsubscribed_reply(channel: &str) -> String {
    json!({"event": "unsubscribed", "channel": channel}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_rules() {
        assert!(validate_channel("news").is_ok());
        assert!(validate_channel("a-b_c=d@e,f.g;h:i/j").is_ok());
        assert!(validate_channel("").is_err());
        assert!(validate_channel(&"x".repeat(201)).is_err());
        assert!(validate_channel(&"x".repeat(200)).is_ok());
        assert!(validate_channel("with space")
            .unwrap_err()
            .contains("byte 4"));
    }

    #[test]
    fn application_messages_are_not_control() {
        assert_eq!(parse_control("hello"), None);
        assert_eq!(parse_control("{\"type\":\"echo\"}"), None);
        assert_eq!(parse_control("{\"sender\":\"other\"}"), None);
    }

    #[test]
    fn subscribe_and_errors() {
        assert_eq!(
            parse_control(r#"{"action":"subscribe","channel":"news"}"#),
            Some(Ok(Control::Subscribe("news".into())))
        );
        let e = parse_control(r#"{"action":"subscribe"}"#)
            .unwrap()
            .unwrap_err();
        assert_eq!(e.code, "invalid_channel");
        let e = parse_control(r#"{"action":"subscribe","channel":5}"#)
            .unwrap()
            .unwrap_err();
        assert_eq!(e.code, "invalid_channel");
        assert_eq!(
            parse_control(r#"{"action":"dance"}"#),
            None,
            "the application's own action"
        );
        assert_eq!(parse_control(r#"{"action":5}"#), None);
        let e = parse_control(r#"{"action":"presence","status":1}"#)
            .unwrap()
            .unwrap_err();
        assert!(e.to_json().contains("\"event\":\"error\""));
        let e = parse_control("{\"action\": broken").unwrap().unwrap_err();
        assert_eq!(e.code, "invalid_json");
    }

    #[test]
    fn subscriptions_list_and_notification() {
        assert_eq!(
            parse_control(r#"{"sender":"client","subscriptions":["a","b","a"]}"#),
            Some(Ok(Control::SetSubscriptions(vec!["a".into(), "b".into()])))
        );
        match parse_control(r#"{"sender":"server","notification":{"channel":"c","x":1}}"#) {
            Some(Ok(Control::Notify { channel, .. })) => assert_eq!(channel, "c"),
            other => panic!("{other:?}"),
        }
    }
}
