//! `Sec-WebSocket-Protocol`: the server answers with the first subprotocol the client offers
//! that `subprotocols` lists, and the worker sees it in `open` as `protocol`.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

/// A raw handshake offering `protocols` (one header per entry, as clients may send several);
/// the response head, lower-cased.
async fn handshake(worker: &Worker, tag: &str, protocols: &[&str]) -> String {
    let headers: Vec<_> = protocols
        .iter()
        .map(|p| ("Sec-WebSocket-Protocol", *p))
        .collect();
    let (stream, head) = raw_handshake(worker, tag, &headers).await;
    // Keep the socket open until the worker saw it.
    std::mem::forget(stream);
    head
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_offered_subprotocol_served_is_chosen_and_reported_in_open() {
    let worker = Worker::start(json!({"subprotocols": "json chat.v2"}));

    let head = handshake(&worker, "both", &["xml, chat.v2", "json"]).await;
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(
        head.contains("\r\nsec-websocket-protocol: chat.v2\r\n"),
        "{head}"
    );
    let open = worker.wait_event("open", Duration::from_secs(5), |e| {
        e["type"] == "open" && e["query"]["tag"] == "both"
    });
    assert_eq!(open["protocol"], json!("chat.v2"));

    // None served: the handshake goes on without one (a browser that asked closes it).
    let head = handshake(&worker, "none", &["xml"]).await;
    assert!(
        head.starts_with("http/1.1 101") && !head.contains("sec-websocket-protocol"),
        "{head}"
    );
    let open = worker.wait_event("open", Duration::from_secs(5), |e| {
        e["type"] == "open" && e["query"]["tag"] == "none"
    });
    assert_eq!(open["protocol"], json!(null));

    // A real client asking for one gets it.
    let (_client, response) = {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = worker.url("/ws?tag=client").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", "json".parse().unwrap());
        tokio_tungstenite::connect_async(request)
            .await
            .expect("handshake")
    };
    assert_eq!(response.headers()["sec-websocket-protocol"], "json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_subprotocols_none_is_answered() {
    let worker = Worker::start(json!({}));
    let head = handshake(&worker, "plain", &["json"]).await;
    assert!(
        head.starts_with("http/1.1 101") && !head.contains("sec-websocket-protocol"),
        "{head}"
    );
}
