//! How a connection's end reaches the worker, driven in-process (no PHP): the node and its
//! listener run on this test's runtime, real clients connect over loopback, and the test reads
//! the event queue as the worker loop would.
//! - the order beforeClose → a `leave` per channel held → close;
//! - a connection task that panics still closes (1011 `internal_error`) and is reported.

use frankenphp_ws::broker::memory::MemoryBroker;
use frankenphp_ws::broker::Broker;
use frankenphp_ws::config::Config;
use frankenphp_ws::events::{Event, EventKind};
use frankenphp_ws::hub::Hub;
use frankenphp_ws::node::Node;
use frankenphp_ws::server;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

const TOKEN: &str = "in-process-token";

/// A broker whose publish panics: a stand-in for any bug on a connection's task.
struct PanickingBroker;

impl Broker for PanickingBroker {
    fn forward(&self, op: &frankenphp_ws::ops::Op) -> u64 {
        panic!("injected panic while forwarding {:?}", op.kind());
    }
}

async fn node_with(broker: impl FnOnce(Arc<Hub>) -> Box<dyn Broker>) -> (Arc<Node>, SocketAddr) {
    let config = Config::from_pairs([("admin_token".to_string(), TOKEN.to_string())]).unwrap();
    let hub = Arc::new(Hub::new());
    let node = Arc::new(Node::new(config, hub.clone(), broker(hub)).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::accept_loop(
        listener,
        node.clone(),
        server::upgrade::serve,
    ));
    (node, addr)
}

/// The events the worker would get next, until `close` (or `timeout`).
async fn events_until_close(node: &Arc<Node>, timeout: Duration) -> Vec<Event> {
    let node = node.clone();
    tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + timeout;
        let mut seen = Vec::new();
        while let Some(event) = node
            .events
            .pop(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            let done = matches!(event.kind, EventKind::Close { .. });
            seen.push(event);
            if done {
                break;
            }
        }
        seen
    })
    .await
    .unwrap()
}

fn names(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Join { channel, .. } => format!("join {channel}"),
            EventKind::Leave { channel, .. } => format!("leave {channel}"),
            EventKind::BeforeClose { code } => format!("beforeClose {code}"),
            EventKind::Close { code } => format!("close {code}"),
            other => other.name().to_string(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closing_connection_leaves_each_channel_between_before_close_and_close() {
    let (node, addr) = node_with(|_| Box::new(MemoryBroker)).await;
    let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    for channel in ["news", "sport"] {
        client
            .send(Message::text(format!(
                r#"{{"action":"subscribe","channel":"{channel}"}}"#
            )))
            .await
            .unwrap();
        client.next().await.unwrap().unwrap();
    }
    let bye = CloseFrame {
        code: CloseCode::Normal,
        reason: "bye".into(),
    };
    client.close(Some(bye)).await.unwrap();
    let events = events_until_close(&node, Duration::from_secs(5)).await;
    assert_eq!(
        names(&events),
        [
            "open",
            "join news",
            "join sport",
            "beforeClose 1000",
            "leave news",
            "leave sport",
            "close 1000"
        ]
    );
    assert!(events.iter().all(|e| e.connection == events[0].connection));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_connection_task_closes_with_1011_and_is_reported() {
    let (node, addr) = node_with(|_| Box::new(PanickingBroker)).await;
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
    let (mut client, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    client
        .send(Message::text(r#"{"action":"subscribe","channel":"held"}"#))
        .await
        .unwrap();
    client.next().await.unwrap().unwrap();
    // A server notification from the trusted connection publishes through the broker: boom.
    client
        .send(Message::text(
            r#"{"sender":"server","notification":{"channel":"held"}}"#,
        ))
        .await
        .unwrap();
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(message) = client.next().await {
            if let Ok(Message::Close(frame)) = message {
                return frame;
            }
        }
        None
    })
    .await
    .expect("the server closed the connection");
    let frame = close.expect("a close frame");
    assert_eq!(
        (u16::from(frame.code), frame.reason.as_str()),
        (1011, "internal_error")
    );
    let events = events_until_close(&node, Duration::from_secs(5)).await;
    assert_eq!(
        names(&events),
        [
            "open",
            "join held",
            "beforeClose 1011",
            "leave held",
            "close 1011"
        ]
    );
    assert_eq!(
        events.last().unwrap().payload.as_deref(),
        Some(&b"internal_error"[..])
    );
    // Its state is freed like any other's: it left the channel index, and the node serves on.
    assert_eq!(node.hub.live_count(), 0);
    let (mut other, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    other
        .send(Message::text(r#"{"action":"subscribe","channel":"held"}"#))
        .await
        .unwrap();
    assert!(other
        .next()
        .await
        .unwrap()
        .unwrap()
        .to_text()
        .unwrap()
        .contains("subscribed"));
}
