//! Acknowledgements (`?ack=1`), driven through a real PHP worker: numbered messages, and a
//! resume that replays everything after what the client has, including what a dead network
//! swallowed after the kernel had accepted it, once each and in order.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(5);

/// Broadcasts each of `texts` to `channel`, and returns once the worker has (its events are
/// handled in order: the answer to the last request comes after the broadcasts).
async fn broadcast_all(control: &mut Client, channel: &str, texts: &[String]) {
    for text in texts {
        send_text(control, &format!("broadcast:{channel}:{text}")).await;
    }
    assert_eq!(php(control, "true").await, json!(true));
}

fn texts(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("m{i}")).collect()
}

/// The next message, which must be a numbered text: (seq, data).
async fn numbered(client: &mut Client) -> (u64, String) {
    let frame = next_data(client, T).await;
    let text = frame.to_text().expect("a text frame");
    let envelope: Value = serde_json::from_str(text).unwrap();
    assert_eq!(envelope["event"], "message", "{text}");
    (
        envelope["seq"].as_u64().expect("a number"),
        envelope["data"].as_str().expect("the text").to_string(),
    )
}

async fn ack(client: &mut Client, seq: u64) {
    send_text(client, &format!(r#"{{"action":"ack","seq":{seq}}}"#)).await;
}

/// The network under a client dies without a FIN after the server wrote m5..m9 to it (the old
/// socket reads them here, so they surely left the server; the client never got them). The
/// client comes back on a new socket with its token and the number of the last message it got:
/// everything after it is replayed, then live traffic, nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_replays_what_a_dead_network_swallowed_after_the_last_message_received() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut old = connect(&worker.url("/ws?tag=g&ack=1")).await;
    subscribe(&mut old, "news").await;
    let id = worker.open_id("g");
    let token = make_ghost(&mut control, &id).await;

    broadcast_all(&mut control, "news", &texts(0..5)).await;
    for i in 0..5 {
        assert_eq!(numbered(&mut old).await, (i as u64 + 1, format!("m{i}")));
    }
    ack(&mut old, 3).await;
    // Written by the server, lost by the network: the old socket stays open, unnoticed.
    broadcast_all(&mut control, "news", &texts(5..10)).await;
    for i in 5..10 {
        assert_eq!(numbered(&mut old).await.0, i as u64 + 1);
    }

    let started = std::time::Instant::now();
    let mut back = connect(&worker.url(&format!("/ws?resume={token}&last=5"))).await;
    assert_eq!(numbered(&mut back).await, (6, "m5".to_string()));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "taken over at once, not after a timeout"
    );
    for i in 6..10 {
        assert_eq!(numbered(&mut back).await, (i as u64 + 1, format!("m{i}")));
    }
    let resume = worker.wait_event("resume", T, |e| e["type"] == "resume");
    assert_eq!(resume["connection"], id.as_str());
    assert_eq!(resume["payload"], "5", "m5..m9 replayed");
    broadcast_all(&mut control, "news", &["after".to_string()]).await;
    assert_eq!(numbered(&mut back).await, (11, "after".to_string()));
    expect_silence(&mut back, Duration::from_millis(200)).await;
    // The old socket was closed as taken over.
    let close = loop {
        match tokio::time::timeout(T, futures_util::StreamExt::next(&mut old)).await {
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => {}
            other => panic!("the old socket ended without a close frame: {other:?}"),
        }
    };
    assert_eq!(
        close.as_ref().map(|c| c.reason.as_str()),
        Some("taken_over")
    );
}

/// Without `last`, a resume replays from the last acknowledgement: the client drops what it
/// already has by its number. Direct sends and binary messages are numbered too, binary behind
/// the number in 8 bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dormant_ghost_replays_from_the_last_acknowledgement_with_binary_numbered() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut client = connect(&worker.url("/ws?tag=g&ack=1")).await;
    subscribe(&mut client, "news").await;
    let id = worker.open_id("g");
    let token = make_ghost(&mut control, &id).await;
    broadcast_all(&mut control, "news", &texts(0..3)).await;
    for i in 0..3 {
        assert_eq!(numbered(&mut client).await.0, i + 1);
    }
    ack(&mut client, 1).await;
    // Answered after the acknowledgement is handled.
    send_text(&mut client, r#"{"action":"presence","status":"away"}"#).await;
    let presence = next_data(&mut client, T).await;
    assert!(
        presence.to_text().unwrap().contains("presence"),
        "{presence:?}"
    );
    // Dormant, or not yet noticed and taken over: either way the kept messages are replayed.
    client.close(None).await.unwrap();

    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_send('{id}', 'direct')")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_sendBinary('{id}', \"\\x00\\xff\")")
        )
        .await,
        json!(true)
    );
    let mut back = connect(&worker.url(&format!("/ws?resume={token}"))).await;
    let resume = worker.wait_event("resume", T, |e| e["type"] == "resume");
    assert_eq!(
        resume["payload"], "4",
        "m1, m2 (not acknowledged), direct, binary"
    );
    assert_eq!(numbered(&mut back).await, (2, "m1".to_string()));
    assert_eq!(numbered(&mut back).await, (3, "m2".to_string()));
    assert_eq!(numbered(&mut back).await, (4, "direct".to_string()));
    assert_eq!(
        next_data(&mut back, T).await,
        Message::binary(vec![0, 0, 0, 0, 0, 0, 0, 5, 0x00, 0xff])
    );
    expect_silence(&mut back, Duration::from_millis(200)).await;
}

/// An acknowledgement past what was sent, or without a number, gets an `invalid_ack` error and
/// changes nothing (a resume still replays all); from a client that does not acknowledge,
/// `ack` is the application's own message and reaches the worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_acknowledgement_gets_an_error_and_loses_nothing() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut client = connect(&worker.url("/ws?tag=g&ack=1")).await;
    subscribe(&mut client, "news").await;
    let id = worker.open_id("g");
    let token = make_ghost(&mut control, &id).await;
    broadcast_all(&mut control, "news", &texts(0..2)).await;
    assert_eq!(numbered(&mut client).await.0, 1);
    assert_eq!(numbered(&mut client).await.0, 2);
    for wrong in [
        r#"{"action":"ack","seq":3}"#,
        r#"{"action":"ack","seq":"2"}"#,
    ] {
        send_text(&mut client, wrong).await;
        let reply: Value =
            serde_json::from_str(next_data(&mut client, T).await.to_text().unwrap()).unwrap();
        assert_eq!(reply["event"], "error", "{wrong}");
        assert_eq!(reply["code"], "invalid_ack", "{wrong}");
    }
    // Taken over with nothing acknowledged: both come again.
    let mut client = connect(&worker.url(&format!("/ws?resume={token}"))).await;
    assert_eq!(numbered(&mut client).await, (1, "m0".to_string()));
    assert_eq!(numbered(&mut client).await, (2, "m1".to_string()));
    ack(&mut client, 2).await;
    broadcast_all(&mut control, "news", &texts(2..3)).await;
    assert_eq!(numbered(&mut client).await, (3, "m2".to_string()));

    // Not acknowledging: its own message, unnumbered replies.
    let mut plain = connect(&worker.url("/ws?tag=plain")).await;
    let plain_id = worker.open_id("plain");
    send_text(&mut plain, r#"{"action":"ack","seq":1}"#).await;
    worker.wait_event("the application's ack", T, |e| {
        e["type"] == "message" && e["connection"] == plain_id.as_str()
    });
}

/// The handshake refuses a malformed `ack` or `last` and says what is expected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_ack_or_last_is_refused_at_the_handshake() {
    let worker = Worker::start(json!({}));
    let (status, body) = try_connect(&worker.url("/ws?ack=yes"), &[])
        .await
        .err()
        .unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("`ack` must be 1"), "{body}");
    let (status, body) = try_connect(&worker.url("/ws?resume=abc&last=-1"), &[])
        .await
        .err()
        .unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("`last` must be the number"), "{body}");
}
