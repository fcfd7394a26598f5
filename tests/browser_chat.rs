//! The chat example in a real browser, on the server's JavaScript client: two pages chat; the
//! network under them is cut (a proxy in front of the WebSocket drops their sockets and refuses
//! new ones) while a message is sent; when it comes back, each page reconnects on its own,
//! resumes its connection (no new `open`: the worker's welcome shows once) and shows the
//! missed message once, then the chat goes on (`tests/browser/chat.mjs`). On failure, the
//! script saves screenshots of both pages in `target/browser-shots/`.

mod common;

use common::*;

fn count(log: &[String], text: &str) -> usize {
    log.iter().filter(|line| line.contains(text)).count()
}

#[test]
fn the_chat_pages_reconnect_resume_and_show_what_was_said_meanwhile() {
    let proxy_port = free_port();
    let chat = Chat::start_behind(None, Some(proxy_port));
    let shots = root().join("target/browser-shots");
    let input = serde_json::json!({
        "app_url": format!("http://127.0.0.1:{}/", chat.pages),
        "ws_port": chat.ws,
        "proxy_port": proxy_port,
        "shots_dir": shots,
    });
    let logs = node_json(&["tests/browser/chat.mjs"], &input);
    for name in ["alice", "bob"] {
        let log: Vec<String> = logs[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            count(&log, &format!("connected as {name}")),
            1,
            "{name}: {log:?}"
        );
        assert_eq!(count(&log, "reconnected:"), 1, "{name}: {log:?}");
        assert_eq!(
            count(&log, "said while you were away"),
            1,
            "{name}: {log:?}"
        );
        assert_eq!(count(&log, "hello bob"), 1, "{name}: {log:?}");
        assert_eq!(count(&log, "welcome back"), 1, "{name}: {log:?}");
        let at = |text: &str| log.iter().position(|l| l.contains(text)).unwrap();
        assert!(
            at("hello bob") < at("reconnected:")
                && at("reconnected:") < at("said while you were away")
                && at("said while you were away") < at("welcome back"),
            "{name}: {log:?}"
        );
    }
}
