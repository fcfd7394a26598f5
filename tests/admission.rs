//! What gets in: the Origin, `max_connections`, `max_connections_per_ip` and
//! `handshake_rate` are checked before any WebSocket exists, each refusal is counted in
//! `/stats`, and a client that never finishes its handshake is dropped.

mod common;

use common::*;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_connections_and_per_ip_limits_answer_503_and_give_places_back() {
    let worker = Worker::start(json!({"max_connections": 3, "max_connections_per_ip": 2}));
    let url = worker.url("/ws");
    let a1 = connect_from(&url, worker.listen, 11).await;
    let _a2 = connect_from(&url, worker.listen, 11).await;
    assert_eq!(
        try_connect_from(&url, worker.listen, 11).await,
        Some(503),
        "2 per IP"
    );
    let _b1 = connect_from(&url, worker.listen, 12).await;
    assert_eq!(
        try_connect_from(&url, worker.listen, 13).await,
        Some(503),
        "3 in all"
    );
    drop(a1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while try_connect_from(&url, worker.listen, 11).await.is_some() {
        assert!(Instant::now() < deadline, "the place was not given back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stats = admin_get(&worker, "/stats").await;
    assert!(
        stats["connection_limit_refused"].as_u64().unwrap() >= 2,
        "{stats}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_rate_answers_429_per_ip() {
    let worker = Worker::start(json!({"handshake_rate": 3}));
    let url = worker.url("/ws");
    let mut kept = Vec::new();
    for _ in 0..3 {
        kept.push(connect_from(&url, worker.listen, 21).await);
    }
    assert_eq!(try_connect_from(&url, worker.listen, 21).await, Some(429));
    let _other_ip = connect_from(&url, worker.listen, 22).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        try_connect_from(&url, worker.listen, 21).await,
        None,
        "refilled after a while"
    );
    let stats = admin_get(&worker, "/stats").await;
    assert_eq!(stats["handshake_rate_refused"].as_u64(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_gets_403_and_is_counted() {
    let worker =
        Worker::start(json!({"allowed_origins": "https://app.example https://admin.example"}));
    assert!(
        try_connect(&worker.url("/ws"), &[("origin", "https://admin.example")])
            .await
            .is_ok()
    );
    assert_eq!(
        try_connect(&worker.url("/ws"), &[("origin", "https://evil.example")])
            .await
            .err()
            .unwrap()
            .0,
        403
    );
    assert!(
        try_connect(&worker.url("/ws"), &[]).await.is_ok(),
        "no Origin: not a browser page"
    );
    let stats = admin_get(&worker, "/stats").await;
    assert_eq!(stats["origin_refused"].as_u64(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_loris_handshake_is_dropped_and_others_are_served() {
    let worker = Worker::start(json!({}));
    let mut loris = TcpStream::connect(worker.listen).await.unwrap();
    loris
        .write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    // Others are served meanwhile.
    let mut client = connect(&worker.url("/ws")).await;
    send_text(&mut client, "echo:served").await;
    assert_eq!(
        next_data(&mut client, Duration::from_secs(5))
            .await
            .to_text()
            .unwrap(),
        "served"
    );
    // One header line every few seconds does not keep it alive past the header timeout.
    let mut buf = [0u8; 256];
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            tokio::select! {
                read = loris.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(_) => continue,
                },
                _ = tokio::time::sleep(Duration::from_secs(3)) => {
                    if loris.write_all(b"X-Drip: 1\r\n").await.is_err() {
                        return;
                    }
                }
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the slow handshake was never dropped");
    assert!(
        started.elapsed() < Duration::from_secs(13),
        "{:?}",
        started.elapsed()
    );
}

/// A handshake from `127.0.0.<source>`: `None` when accepted (and closed), the status otherwise.
async fn try_connect_from(url: &str, server: std::net::SocketAddr, source: u8) -> Option<u16> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(format!("127.0.0.{source}:0").parse().unwrap())
        .unwrap();
    let stream = socket.connect(server).await.unwrap();
    match tokio_tungstenite::client_async(url, tokio_tungstenite::MaybeTlsStream::Plain(stream))
        .await
    {
        Ok(_) => None,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Some(response.status().as_u16())
        }
        Err(other) => panic!("{other}"),
    }
}
