//! permessage-deflate with the clients people use: headless Chromium (puppeteer-core,
//! `tests/browser/compression.mjs`), Python's `websockets` (`tests/clients/compression.py`),
//! and Node's built-in WebSocket and `ws` package (`tests/clients/compression.mjs`).
//! Each negotiates compression by default, receives a compressed broadcast and a compressed
//! echo, and sends a compressed message the worker gets inflated. The server's `/stats`
//! shows that the frames to them really went compressed.

mod common;

use common::*;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

const NEGOTIATED: &str =
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

/// A JSON message of about 3 KiB.
fn json_message() -> String {
    json_rows(60)
}

/// A JSON message of `n` rows, about 43 bytes each.
fn json_rows(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":{i},"user":"u{}","text":"hello again"}}"#, i % 7))
        .collect();
    format!(r#"{{"event":"chat","rows":[{}]}}"#, rows.join(","))
}

/// The JSON line a client printed, once it exited cleanly having negotiated compression.
fn negotiated(client: &str, output: &std::process::Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{client} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        result["extensions"],
        json!(NEGOTIATED),
        "{client}: {result}"
    );
    result
}

/// Checks what a client printed, the worker's events and the server's counters.
async fn judge(worker: &Worker, output: &std::process::Output, message: &str) {
    let result = negotiated("the client", output);
    assert_eq!(
        result["replies"],
        json!([
            r#"{"event":"subscribed","channel":"prices"}"#,
            message,
            message
        ])
    );
    // What it sent compressed reached the worker whole.
    let echo = format!("echo:{message}");
    let broadcast = format!("broadcast:prices:{message}");
    worker.wait_until("both messages", Duration::from_secs(5), |events| {
        [&echo, &broadcast].iter().all(|m| {
            events
                .iter()
                .any(|e| e["type"] == "message" && e["payload"] == m.as_str())
        })
    });
    // The broadcast and the echo went compressed: the writer counts them once written, so
    // a moment after the client may have read them.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let stats = admin_get(worker, "/stats").await;
        let sent = stats["compressed_frames_sent"].as_u64().unwrap();
        if sent >= 2 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{stats}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_negotiates_and_exchanges_compressed_messages() {
    let page_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let worker = Worker::start(json!({
        "allowed_origins": format!("http://127.0.0.1:{page_port}"),
    }));
    let message = json_message();
    let output = Command::new("node")
        .arg(root().join("tests/browser/compression.mjs"))
        .arg(
            json!({"ws_url": worker.url("/ws"), "page_port": page_port, "message": message})
                .to_string(),
        )
        .current_dir(root())
        .output()
        .expect("node runs (scripts/setup.sh installs it)");
    judge(&worker, &output, &message).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_websockets_negotiates_and_exchanges_compressed_messages() {
    let worker = Worker::start(json!({}));
    let message = json_message();
    // Debian's python3, where scripts/setup.sh installs python3-websockets.
    let output = Command::new("/usr/bin/python3")
        .arg(root().join("tests/clients/compression.py"))
        .arg(worker.url("/ws"))
        .arg(&message)
        .output()
        .expect("python3 runs");
    judge(&worker, &output, &message).await;
    let stats = admin_get(&worker, "/stats").await;
    assert_eq!(stats["compression_negotiated"], json!(1), "{stats}");
}

/// Node's built-in WebSocket keeps one inflater for all the messages of a connection: a
/// message that ended in a final DEFLATE block would leave every later one empty. The messages
/// end each way the server ends one: of 40 to 47 rows, some in the last byte's padding and
/// some with one more byte (40, 41 and 44 the first way, 42, 43 and 46 the other, as
/// libdeflate compressed them when this was written); 300 rows (13 KB) through zlib.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_websockets_read_compressed_message_after_message() {
    let messages: Vec<String> = (40..48).chain([300]).map(json_rows).collect();
    for client in ["native", "ws"] {
        let worker = Worker::start(json!({}));
        let output = Command::new("node")
            .arg("--experimental-websocket")
            .arg(root().join("tests/clients/compression.mjs"))
            .args([client, &worker.url("/ws"), &json!(messages).to_string()])
            .current_dir(root())
            .output()
            .expect("node runs (scripts/setup.sh installs it)");
        let result = negotiated(client, &output);
        let mut expected = vec![r#"{"event":"subscribed","channel":"prices"}"#.to_string()];
        for message in &messages {
            expected.extend([message.clone(), message.clone()]);
        }
        assert!(
            result["replies"] == json!(expected),
            "{client} read: {result}"
        );
        // Counted once written, before the reply to the client's close, which it waited for.
        let stats = admin_get(&worker, "/stats").await;
        assert!(
            stats["compressed_frames_sent"] == json!(2 * messages.len()),
            "{stats}"
        );
    }
}
