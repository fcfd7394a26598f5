//! Fuzzes `protocol::parse_control`, the parser of the JSON control messages a client sends.
//! Any text frame a client sends reaches it, so beyond "never panics" it checks:
//! - a control is accepted (`Some(Ok)`) only from text that is a JSON object;
//! - an accepted control names only valid channels (subscriptions: each once, at most
//!   `MAX_SUBSCRIPTIONS`), a known presence status, and a notification is forwarded as the
//!   JSON object it came as;
//! - every error, and every reply built from an accepted control, serializes to valid JSON
//!   that carries the same code and message.
#![no_main]

use frankenphp_ws::protocol::{
    forbidden, is_protected, parse_control, presence_reply, subscribed_reply, unsubscribed_reply,
    validate_channel, Control, ProtocolError, MAX_SUBSCRIPTIONS, PRESENCE_STATUSES,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 never reaches the parser as a text frame; fuzz its lossy form as well, so
    // the mutations of JSON-like inputs that break a byte still exercise the parser.
    match std::str::from_utf8(data) {
        Ok(text) => check(text),
        Err(_) => check(&String::from_utf8_lossy(data)),
    }
});

fn check(text: &str) {
    let control = match parse_control(text) {
        None => return,
        Some(Err(e)) => return check_error(&e),
        Some(Ok(control)) => control,
    };
    let parsed: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{control:?} accepted from invalid JSON {text:?}: {e}"));
    assert!(parsed.is_object(), "{control:?} accepted from a non-object {text:?}");
    match control {
        Control::Subscribe(channel) | Control::Unsubscribe(channel) => check_channel(&channel),
        Control::SetSubscriptions(channels) => {
            assert!(channels.len() <= MAX_SUBSCRIPTIONS, "{} subscriptions accepted", channels.len());
            for (i, channel) in channels.iter().enumerate() {
                check_channel(channel);
                assert!(!channels[..i].contains(channel), "{channel:?} listed twice in {channels:?}");
            }
        }
        Control::Presence(status) => {
            assert!(PRESENCE_STATUSES.contains(&status), "unknown status {status:?} accepted");
            let reply = presence_reply(status);
            let value: Value = serde_json::from_str(&reply).unwrap_or_else(|e| panic!("reply {reply:?}: {e}"));
            assert_eq!(value["status"].as_str(), Some(status));
        }
        Control::Notify { channel, notification } => {
            check_channel(&channel);
            let value: Value = serde_json::from_str(&notification)
                .unwrap_or_else(|e| panic!("notification {notification:?} is not JSON: {e}"));
            assert_eq!(value.get("channel").and_then(Value::as_str), Some(channel.as_str()));
            // Compared as text: both sides come from the same parse, so they print alike.
            assert_eq!(parsed["notification"].to_string(), notification, "notification changed in transit");
        }
        #[allow(unreachable_patterns)]
        _ => {}
    }
}

fn check_channel(channel: &str) {
    assert!(validate_channel(channel).is_ok(), "invalid channel {channel:?} accepted");
    if is_protected(channel) {
        check_error(&forbidden(format!("channel {channel:?} is protected")));
    }
    for reply in [subscribed_reply(channel), unsubscribed_reply(channel)] {
        let value: Value = serde_json::from_str(&reply).unwrap_or_else(|e| panic!("reply {reply:?}: {e}"));
        assert_eq!(value["channel"].as_str(), Some(channel));
    }
}

fn check_error(e: &ProtocolError) {
    let json = e.to_json();
    let value: Value = serde_json::from_str(&json).unwrap_or_else(|err| panic!("error reply {json:?} is not JSON: {err}"));
    assert_eq!(value["event"], "error");
    assert_eq!(value["code"].as_str(), Some(e.code));
    assert_eq!(value["message"].as_str(), Some(e.message.as_str()));
    assert!(!e.code.is_empty() && !e.message.is_empty(), "empty error {e:?}");
}
