//! Protected channels: a client's request for `private-*` or `presence-*` reaches the
//! worker as a `subscribe` event, and only the worker's grant lets it read the channel. Also
//! the per-client limits on messages and subscriptions.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;

const T: Duration = Duration::from_secs(5);

async fn reply(client: &mut Client) -> Value {
    serde_json::from_str(next_data(client, T).await.to_text().unwrap()).unwrap()
}

fn subscribe_event(worker: &Worker, id: &str, channel: &str) -> Value {
    worker.wait_event(&format!("subscribe {channel}"), T, |e| {
        e["type"] == "subscribe" && e["connection"] == id && e["channel"] == channel
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protected_channel_is_read_only_after_the_workers_grant() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut client = connect(&worker.url("/ws?tag=a")).await;
    let id = worker.open_id("a");

    send_text(
        &mut client,
        r#"{"action":"subscribe","channel":"private-a"}"#,
    )
    .await;
    let event = subscribe_event(&worker, &id, "private-a");
    assert_eq!(event["user"], Value::Null);
    php(&mut control, "broadcast('private-a', 'before grant')").await;
    expect_silence(&mut client, Duration::from_millis(300)).await;
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getSubscriptions('{id}')")
        )
        .await,
        json!([])
    );

    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_subscribe('{id}', 'private-a')")
        )
        .await,
        true
    );
    assert_eq!(
        reply(&mut client).await,
        json!({"event": "subscribed", "channel": "private-a"})
    );
    php(&mut control, "broadcast('private-a', 'after grant')").await;
    assert_eq!(
        next_data(&mut client, T).await.to_text().unwrap(),
        "after grant"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_request_gets_an_error_with_the_reason_and_reads_nothing() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut client = connect(&worker.url("/ws?tag=a")).await;
    let id = worker.open_id("a");
    send_text(
        &mut client,
        r#"{"sender":"client","subscriptions":["news","presence-room"]}"#,
    )
    .await;
    assert_eq!(
        reply(&mut client).await,
        json!({"event": "subscribed", "channel": "news"})
    );
    subscribe_event(&worker, &id, "presence-room");

    let denied = php(
        &mut control,
        &format!("frankenphp_ws_denySubscription('{id}', 'presence-room', 'members only')"),
    )
    .await;
    assert_eq!(denied, true);
    assert_eq!(
        reply(&mut client).await,
        json!({"event": "error", "code": "subscription_denied", "channel": "presence-room", "message": "members only"})
    );
    let again = php(
        &mut control,
        &format!("frankenphp_ws_denySubscription('{id}', 'presence-room')"),
    )
    .await;
    assert_eq!(again, false, "nothing pending any more");
    php(&mut control, "broadcast('presence-room', 'secret')").await;
    expect_silence(&mut client, Duration::from_millis(300)).await;
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getSubscriptions('{id}')")
        )
        .await,
        json!(["news"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_request_is_refused_after_ten_seconds() {
    let worker = Worker::start(json!({}));
    let mut client = connect(&worker.url("/ws?tag=a")).await;
    let id = worker.open_id("a");
    send_text(
        &mut client,
        r#"{"action":"subscribe","channel":"private-slow"}"#,
    )
    .await;
    subscribe_event(&worker, &id, "private-slow");
    let started = std::time::Instant::now();
    let error = serde_json::from_str::<Value>(
        next_data(&mut client, Duration::from_secs(12))
            .await
            .to_text()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(error["code"], "subscription_timeout");
    assert_eq!(error["channel"], "private-slow");
    assert!(
        started.elapsed() > Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_resume_token_or_a_renamed_connection_gains_no_channel() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut owner = connect(&worker.url("/ws?tag=owner")).await;
    let owner_id = worker.open_id("owner");
    send_text(
        &mut owner,
        r#"{"action":"subscribe","channel":"private-owner"}"#,
    )
    .await;
    subscribe_event(&worker, &owner_id, "private-owner");
    php(
        &mut control,
        &format!("frankenphp_ws_subscribe('{owner_id}', 'private-owner')"),
    )
    .await;
    reply(&mut owner).await;

    // A guessed token opens an ordinary connection with no channel.
    let mut guesser =
        connect(&worker.url("/ws?tag=guess&resume=00000000000000000000000000000000")).await;
    let guess_id = worker.open_id("guess");
    assert_ne!(guess_id, owner_id);
    // Asking again, after the owner was renamed, goes through the worker again.
    php(
        &mut control,
        &format!("frankenphp_ws_renameConnection('{owner_id}', 'renamed-owner')"),
    )
    .await;
    send_text(
        &mut guesser,
        r#"{"action":"subscribe","channel":"private-owner"}"#,
    )
    .await;
    subscribe_event(&worker, &guess_id, "private-owner");
    php(&mut control, "broadcast('private-owner', 'for the owner')").await;
    assert_eq!(
        next_data(&mut owner, T).await.to_text().unwrap(),
        "for the owner"
    );
    expect_silence(&mut guesser, Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_over_message_rate_gets_errors_then_is_closed_1008() {
    // One token back per second: a loaded machine taking 200 ms over the 40 sends cannot let
    // a sixth message through, as a rate of 5 would.
    let worker = Worker::start(json!({"message_rate": 1, "message_burst": 5}));
    let mut client = connect(&worker.url("/ws?tag=a")).await;
    let mut bystander = connect(&worker.url("/ws?tag=b")).await;
    let id = worker.open_id("a");
    for i in 0..40 {
        send_text(&mut client, &format!("m{i}")).await;
    }
    let mut errors = 0;
    let code = loop {
        match tokio::time::timeout(T, futures_util::StreamExt::next(&mut client))
            .await
            .expect("in time")
        {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) => {
                let e: Value = serde_json::from_str(t.as_str()).unwrap();
                assert_eq!(e["code"], "rate_limited");
                errors += 1;
            }
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => {
                break frame.map(|f| u16::from(f.code))
            }
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(code, Some(1008));
    assert_eq!(errors, 10, "one error per refused message until the close");
    let close = worker.wait_event("close", T, |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(close["payload"], "rate_limited");
    let messages = worker
        .events()
        .iter()
        .filter(|e| e["type"] == "message" && e["connection"] == id.as_str())
        .count();
    assert_eq!(messages, 5, "only the burst reached the worker");
    send_text(&mut bystander, "echo:still here").await;
    assert_eq!(
        next_data(&mut bystander, T).await.to_text().unwrap(),
        "still here"
    );
    let stats = admin_get(&worker, "/stats").await;
    assert_eq!(
        (
            stats["messages_rate_limited"].as_u64(),
            stats["rate_limit_closes"].as_u64()
        ),
        (Some(10), Some(1))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_subscribes_are_capped_by_max_subscriptions() {
    let worker = Worker::start(json!({"message_rate": 0}));
    let client = connect(&worker.url("/ws?tag=a")).await;
    let id = worker.open_id("a");
    let (mut sink, mut stream) = futures_util::StreamExt::split(client);
    let writer = tokio::spawn(async move {
        use futures_util::SinkExt;
        for i in 0..10_000 {
            let m = format!(r#"{{"action":"subscribe","channel":"c{i}"}}"#);
            sink.feed(tokio_tungstenite::tungstenite::Message::text(m))
                .await
                .unwrap();
        }
        sink.flush().await.unwrap();
        sink
    });
    let (mut subscribed, mut refused) = (0, 0);
    while subscribed + refused < 10_000 {
        let m = tokio::time::timeout(T, futures_util::StreamExt::next(&mut stream))
            .await
            .expect("replies")
            .unwrap()
            .unwrap();
        let Ok(text) = m.to_text() else { continue };
        let reply: Value = serde_json::from_str(text).unwrap();
        match reply["event"].as_str() {
            Some("subscribed") => subscribed += 1,
            Some("error") if reply["code"] == "too_many_subscriptions" => refused += 1,
            _ => panic!("{reply}"),
        }
    }
    assert_eq!((subscribed, refused), (128, 10_000 - 128));
    let mut client = writer.await.unwrap().reunite(stream).unwrap();
    send_text(
        &mut client,
        &format!("eval:count(frankenphp_ws_getSubscriptions('{id}'))"),
    )
    .await;
    assert_eq!(reply(&mut client).await, json!(128));
    let stats = admin_get(&worker, "/stats").await;
    assert_eq!(
        stats["subscription_limit_errors"].as_u64(),
        Some(10_000 - 128)
    );
    assert_eq!(stats["rooms"].as_u64(), Some(128));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_and_wrong_types_get_errors_and_the_connection_stays() {
    let worker = Worker::start(json!({}));
    let mut client = connect(&worker.url("/ws?tag=a")).await;
    let cases = [
        (r#"{"action": "subscribe", "channel": "#, "invalid_json"),
        (
            r#"{"action":"subscribe","channel":["x"]}"#,
            "invalid_channel",
        ),
        (
            r#"{"sender":"client","subscriptions":"news"}"#,
            "invalid_subscriptions",
        ),
    ];
    let huge = format!(
        r#"{{"action":"subscribe","channel":"{}"}}"#,
        "x".repeat(100_000)
    );
    for (message, code) in cases
        .iter()
        .map(|(m, c)| (m.to_string(), *c))
        .chain([(huge, "invalid_channel")])
    {
        send_text(&mut client, &message).await;
        let error = reply(&mut client).await;
        assert_eq!(
            (error["event"].as_str(), error["code"].as_str()),
            (Some("error"), Some(code)),
            "{message:.60}"
        );
    }
    send_text(&mut client, "echo:alive").await;
    assert_eq!(next_data(&mut client, T).await.to_text().unwrap(), "alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applications_own_trusted_connection_is_not_rate_limited() {
    let worker =
        Worker::start(json!({"message_rate": 5, "message_burst": 5, "admin_token": "t0ken"}));
    let mut server_side = try_connect(
        &worker.url("/ws?tag=trusted"),
        &[("authorization", "Bearer t0ken")],
    )
    .await
    .expect("accepted");
    let id = worker.open_id("trusted");
    for i in 0..40 {
        send_text(&mut server_side, &format!("m{i}")).await;
    }
    worker.wait_until("40 messages", T, |events| {
        events
            .iter()
            .filter(|e| e["type"] == "message" && e["connection"] == id.as_str())
            .count()
            == 40
    });
    expect_silence(&mut server_side, Duration::from_millis(300)).await;
}
