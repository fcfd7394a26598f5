//! Heartbeats, message size and slow consumers: each closes only the offending connection
//! with the RFC 6455 code, and the worker is told why.

mod common;

use common::*;
use futures_util::SinkExt;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(5);

/// A raw client that completes the handshake and then does nothing: it never answers pings
/// and never reads.
async fn mute_client(worker: &Worker, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(worker.listen).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        worker.listen
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(stream.read_u8().await.unwrap());
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_client_is_closed_for_timeout() {
    let worker = Worker::start(json!({"ping_interval": 1, "pong_timeout": 2}));
    let _mute = mute_client(&worker, "/ws?tag=mute").await;
    let mut live = connect(&worker.url("/ws?tag=live")).await;
    let id = worker.open_id("mute");
    let live_id = worker.open_id("live");
    // The live client answers pings while it reads.
    let reader = tokio::spawn(async move {
        expect_silence(&mut live, Duration::from_secs(5)).await;
        live
    });
    let close = worker.wait_event("timeout close", Duration::from_secs(8), |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(close["payload"], "timeout");
    let _ = reader.await.unwrap();
    assert!(!worker
        .events()
        .iter()
        .any(|e| e["type"] == "close" && e["connection"] == live_id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_message_closes_with_1009() {
    let worker = Worker::start(json!({"max_message_size": 1024}));
    let mut client = connect(&worker.url("/ws")).await;
    let mut other = connect(&worker.url("/ws")).await;
    client.send(Message::text("x".repeat(1024))).await.unwrap();
    worker.wait_event("1 KiB message", T, |e| e["type"] == "message");
    client.send(Message::text("x".repeat(1025))).await.unwrap();
    assert_eq!(close_code(&mut client, T).await, Some(1009));
    let close = worker.wait_event("close", T, |e| e["type"] == "close");
    assert_eq!(close["code"], 1009);
    send_text(&mut other, "echo:fine").await;
    assert_eq!(next_data(&mut other, T).await, Message::text("fine"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumer_is_closed_with_1008_and_others_keep_receiving() {
    // The fast client publishes 400 messages as fast as it can: no message_rate here.
    let worker = Worker::start(json!({"send_buffer": 65536, "message_rate": 0}));
    let mut slow = mute_client(&worker, "/ws?tag=slow").await;
    let slow_id = worker.open_id("slow");
    // Subscribe the mute client through its socket: one masked text frame.
    let sub = br#"{"action":"subscribe","channel":"firehose"}"#;
    let mut frame = vec![0x81, 0x80 | sub.len() as u8, 0, 0, 0, 0];
    frame.extend_from_slice(sub);
    slow.write_all(&frame).await.unwrap();
    let mut fast = connect(&worker.url("/ws?tag=fast")).await;
    subscribe(&mut fast, "firehose").await;
    worker.wait_event("slow joined", T, |e| {
        e["type"] == "join" && e["connection"] == slow_id.as_str()
    });

    let chunk = "y".repeat(16 * 1024);
    let mut got = 0usize;
    for _ in 0..400 {
        send_text(&mut fast, &format!("broadcast:firehose:{chunk}")).await;
        if let Message::Text(t) = next_data(&mut fast, T).await {
            got += t.len();
        }
        if worker
            .events()
            .iter()
            .any(|e| e["type"] == "close" && e["connection"] == slow_id.as_str())
        {
            break;
        }
    }
    let close = worker.wait_event("slow consumer close", Duration::from_secs(10), |e| {
        e["type"] == "close" && e["connection"] == slow_id.as_str()
    });
    assert_eq!(close["payload"], "slow_consumer");
    assert_eq!(close["code"], 1008);
    assert!(got > 0);
    send_text(&mut fast, "echo:alive").await;
    assert_eq!(next_data(&mut fast, T).await, Message::text("alive"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frame_closes_only_that_connection_with_1002() {
    let worker = Worker::start(json!({}));
    let mut bad = mute_client(&worker, "/ws?tag=bad").await;
    let mut good = connect(&worker.url("/ws")).await;
    // An unmasked client frame breaks RFC 6455 5.1.
    bad.write_all(&[0x81, 0x02, b'h', b'i']).await.unwrap();
    let mut reply = vec![0u8; 64];
    let n = tokio::time::timeout(T, bad.read(&mut reply))
        .await
        .unwrap()
        .unwrap();
    assert!(
        n >= 4 && reply[0] == 0x88,
        "expected a close frame, got {:?}",
        &reply[..n]
    );
    assert_eq!(u16::from_be_bytes([reply[2], reply[3]]), 1002);
    send_text(&mut good, "echo:ok").await;
    assert_eq!(next_data(&mut good, T).await, Message::text("ok"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_control_message_gets_an_error_reply_and_stays_open() {
    let worker = Worker::start(json!({}));
    let mut client = connect(&worker.url("/ws")).await;
    send_text(
        &mut client,
        r#"{"action":"subscribe","channel":"bad channel"}"#,
    )
    .await;
    let reply: serde_json::Value =
        serde_json::from_str(next_data(&mut client, T).await.to_text().unwrap()).unwrap();
    assert_eq!(reply["event"], "error");
    assert_eq!(reply["code"], "invalid_channel");
    send_text(&mut client, "echo:still open").await;
    assert_eq!(next_data(&mut client, T).await, Message::text("still open"));
    drop(worker);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_closes_clients_with_1001() {
    let mut worker = Worker::start(json!({}));
    let mut client = connect(&worker.url("/ws")).await;
    let mut other = connect(&worker.url("/ws")).await;
    send_text(&mut other, "stop").await;
    assert_eq!(close_code(&mut client, T).await, Some(1001));
    worker.wait_event("stopped", T, |e| e["type"] == "stopped");
    let deadline = std::time::Instant::now() + T;
    while worker.alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!worker.alive(), "the worker exits promptly after stop");
}

/// A stopping node takes no new connection: 503, so the client (or the load balancer) goes
/// to another node, while the connections it had close with 1001 as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_node_refuses_new_connections_with_503() {
    let worker = Worker::start(json!({}));
    // It never answers the close frame, so the stop waits its close grace for it.
    let _mute = mute_client(&worker, "/ws?tag=mute").await;
    let mut open = connect(&worker.url("/ws?tag=open")).await;
    let mut stopper = connect(&worker.url("/ws?tag=stopper")).await;
    worker.open_id("stopper");
    send_text(&mut stopper, "stop").await;
    assert_eq!(close_code(&mut open, T).await, Some(1001));
    match try_connect(&worker.url("/ws?tag=late"), &[]).await {
        Err((503, body)) => assert!(body.contains("stopping"), "{body}"),
        Err(other) => panic!("expected 503, got {other:?}"),
        Ok(_) => panic!("a stopping node accepted a connection"),
    }
    assert_eq!(admin_get(&worker, "/health").await["status"], "stopping");
    worker.wait_event("the stop", T, |e| e["type"] == "stopped");
}
