//! A hostile web page in a real browser. The chat example runs as `make run` starts it (its
//! worker, its pages under `php -S`, session-cookie authentication); headless Chromium opens
//! the chat as the victim, then an attacker's page on another origin, which opens a WebSocket
//! (the browser attaches the victim's cookie) and sends a `no-cors` POST to the admin API
//! (`tests/browser/hostile_page.mjs`). Both must fail and the victim's chat must show nothing.
//!
//! A control run allows the attacker's origin in both lists: then both attacks succeed, which
//! shows the browser really sends them and the test would see a hole.

mod common;

use common::*;
use serde_json::Value;

/// Runs the hostile page against the chat; what the browser saw.
/// `expect_attack`: the control run, where the attacks are expected to land.
fn attack(chat: &Chat, attacker_port: u16, marker: &str, expect_attack: bool) -> Value {
    let input = serde_json::json!({
        "app_url": format!("http://127.0.0.1:{}/", chat.pages),
        "ws_url": format!("ws://127.0.0.1:{}/ws", chat.ws),
        "admin_url": format!("http://{}", chat.admin),
        "attacker_port": attacker_port,
        "marker": marker,
        "expect_attack": expect_attack,
    });
    node_json(&["tests/browser/hostile_page.mjs"], &input)
}

fn texts(lines: &Value) -> Vec<String> {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

/// The user the victim's chat says it is connected as.
fn victim_user(before: &[String]) -> String {
    let line = before
        .iter()
        .find(|l| l.starts_with("connected as "))
        .expect("the chat connected");
    line["connected as ".len()..]
        .split(',')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_hostile_page_can_neither_hijack_the_socket_nor_drive_the_admin_api() {
    let chat = Chat::start(None);
    let seen = attack(&chat, free_port(), "PWNED-1", false);
    let (before, after) = (texts(&seen["before"]), texts(&seen["after"]));
    let user = victim_user(&before);
    assert!(
        user.starts_with("guest"),
        "the chat works from its own page: {before:?}"
    );
    let ws = &seen["attack"]["ws"];
    assert_eq!(
        ws["opened"], false,
        "the hostile page opened a WebSocket: {ws}"
    );
    assert!(ws["messages"].as_array().unwrap().is_empty(), "{ws}");
    assert!(
        after.iter().all(|l| !l.contains("PWNED")),
        "the victim's chat shows the attack: {after:?}"
    );
    assert_eq!(after, before, "nothing reached the subscribed page");
    let stats = chat.stats();
    assert_eq!(stats["origin_refused"], 1, "{stats}");
    assert_eq!(stats["admin_refused"], 1, "{stats}");
}

#[test]
fn control_with_the_attackers_origin_allowed_both_attacks_go_through() {
    let attacker_port = free_port();
    let chat = Chat::start(Some(&format!("http://127.0.0.1:{attacker_port}")));
    let seen = attack(&chat, attacker_port, "PWNED-2", true);
    let (before, after) = (texts(&seen["before"]), texts(&seen["after"]));
    let user = victim_user(&before);
    let ws = &seen["attack"]["ws"];
    assert_eq!(ws["opened"], true, "{ws}");
    // The chat hands out resume tokens (`resume_tokens=auto`): the token comes first.
    let welcome: Value = ws["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str::<Value>(m.as_str().unwrap()).unwrap())
        .find(|m| m["event"] == "welcome")
        .unwrap_or_else(|| panic!("no welcome: {ws}"));
    assert_eq!(
        welcome["user"],
        user.as_str(),
        "the browser sent the victim's cookie"
    );
    assert!(
        after
            .iter()
            .any(|l| l.contains("PWNED-2 via WebSocket") && l.starts_with(&user)),
        "{after:?}"
    );
    assert!(
        after.iter().any(|l| l.contains("PWNED-2 via admin API")),
        "{after:?}"
    );
}
