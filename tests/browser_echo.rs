//! Laravel Echo's `pusher` broadcaster in a real browser (`tests/browser/echo.mjs`): public,
//! private and presence channels, whispers, a refused private channel, and events sent as a
//! Laravel app sends them (a PHP CLI signing Pusher HTTP API requests). On failure, the script
//! saves screenshots of both pages in `target/browser-shots/`.

mod common;

use common::*;
use serde_json::json;

#[test]
fn laravel_echo_pages_get_events_presence_and_whispers() {
    let page_port = free_port();
    let worker = Worker::start(json!({
        "pusher_app_id": "4711",
        "pusher_key": "app-key",
        "pusher_secret": "app-secret",
        "allowed_origins": format!("http://127.0.0.1:{page_port}"),
    }));
    let input = json!({
        "page_port": page_port,
        "ws_port": worker.listen.port(),
        "app_id": "4711",
        "key": "app-key",
        "secret": "app-secret",
        "extension": extension(),
        "shots_dir": root().join("target/browser-shots"),
    });
    let logs = node_json(&["tests/browser/echo.mjs"], &input);
    let log = |name: &str| -> Vec<String> {
        logs[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let (ann, bob) = (log("ann"), log("bob"));
    let count = |log: &[String], line: &str| log.iter().filter(|l| *l == line).count();
    for line in [
        "connected",
        "here ann",
        "refused user.nobody 403",
        "joining bob",
        "order 5",
        "invoice 9",
        "leaving bob",
    ] {
        assert_eq!(count(&ann, line), 1, "ann, {line:?}: {ann:?}");
    }
    for line in ["connected", "here ann,bob", "order 5", "typing ann"] {
        assert_eq!(count(&bob, line), 1, "bob, {line:?}: {bob:?}");
    }
    assert_eq!(count(&ann, "typing ann"), 0, "no whisper back to its sender: {ann:?}");
    assert_eq!(count(&bob, "invoice 9"), 0, "ann's private channel is hers: {bob:?}");
}
