//! Channels, broadcast and cross-process calls, driven through a real PHP worker with
//! tokio-tungstenite clients.

mod common;

use common::*;
use futures_util::StreamExt;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_reaches_subscribers_only_until_they_unsubscribe() {
    let worker = Worker::start(json!({}));
    let mut news = connect(&worker.url("/ws?tag=news")).await;
    let mut other = connect(&worker.url("/ws/other?tag=other")).await;
    subscribe(&mut news, "news").await;
    subscribe(&mut other, "sport").await;
    let news_id = worker.open_id("news");
    worker.wait_event("join", T, |e| {
        e["type"] == "join" && e["connection"] == news_id.as_str() && e["channel"] == "news"
    });

    send_text(&mut other, "broadcast:news:hello").await;
    assert_eq!(next_data(&mut news, T).await, Message::text("hello"));
    expect_silence(&mut other, Duration::from_millis(300)).await;

    send_text(&mut news, r#"{"action":"unsubscribe","channel":"news"}"#).await;
    assert_eq!(
        next_data(&mut news, T).await,
        Message::text(r#"{"event":"unsubscribed","channel":"news"}"#)
    );
    worker.wait_event("leave", T, |e| {
        e["type"] == "leave" && e["channel"] == "news"
    });
    send_text(&mut other, "broadcast:news:again").await;
    expect_silence(&mut news, Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_carry_route_query_and_close_code() {
    let worker = Worker::start(json!({}));
    let mut client = connect(&worker.url("/ws/room/7?tag=a&x=1%202")).await;
    let open = worker.wait_event("open", T, |e| e["type"] == "open");
    assert_eq!(open["route"], "/ws/room/7");
    assert_eq!(open["query"]["x"], "1 2");
    assert!(open["remote_addr"]
        .as_str()
        .unwrap()
        .starts_with("127.0.0.1:"));
    assert_eq!(open["connection"].as_str().unwrap().len(), 32);
    send_text(&mut client, "just a message").await;
    let message = worker.wait_event("message", T, |e| e["type"] == "message");
    assert_eq!(message["payload"], "just a message");
    assert_eq!(message["binary"], false);
    client.close(None).await.unwrap();
    let before = worker.wait_event("beforeClose", T, |e| e["type"] == "beforeClose");
    assert_eq!(before["code"], 1005);
    assert_eq!(before["payload"], "client_closed");
    worker.wait_event("close", T, |e| e["type"] == "close");
    // beforeClose is followed by close, in that order.
    let kinds: Vec<_> = worker
        .events()
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("").to_string())
        .collect();
    let b = kinds.iter().position(|k| k == "beforeClose").unwrap();
    let c = kinds.iter().position(|k| k == "close").unwrap();
    assert!(b < c);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_close_still_sees_the_subscriptions() {
    let worker = Worker::start(json!({}));
    let mut client = connect(&worker.url("/ws?tag=s")).await;
    subscribe(&mut client, "alpha").await;
    subscribe(&mut client, "beta").await;
    let id = worker.open_id("s");
    drop(client);
    let state = worker.wait_event("state", T, |e| {
        e["type"] == "state" && e["connection"] == id.as_str()
    });
    assert_eq!(state["subscriptions"], json!(["alpha", "beta"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_from_another_php_process_goes_through_the_admin_api() {
    let worker = Worker::start(json!({"admin_token": "t0ken"}));
    let mut client = connect(&worker.url("/ws")).await;
    subscribe(&mut client, "news").await;
    let run = |token: &str| {
        std::process::Command::new("php")
            .args(["-n", "-d", &format!("extension={}", extension().display())])
            .args(["-d", &format!("frankenphp_ws.admin_url=http://{}", worker.admin)])
            .args(["-d", &format!("frankenphp_ws.admin_token={token}")])
            .args(["-r", r#"try { broadcast("news", "from-cli"); echo "ok"; } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(); }"#])
            .output()
            .expect("php runs")
    };
    let denied = run("wrong");
    let text = String::from_utf8_lossy(&denied.stdout);
    assert!(
        text.contains("ServerUnreachableException") && text.contains("401"),
        "{text}"
    );
    expect_silence(&mut client, Duration::from_millis(200)).await;

    let out = run("t0ken");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok");
    assert_eq!(next_data(&mut client, T).await, Message::text("from-cli"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_clients_all_receive_one_broadcast() {
    let worker = Worker::start(json!({}));
    let url = worker.url("/ws");
    let mut clients = Vec::new();
    for i in 0..1000u32 {
        clients.push(connect_from(&url, worker.listen, 2 + (i % 50) as u8).await);
    }
    let subscribed =
        futures_util::future::join_all(clients.iter_mut().map(|c| subscribe(c, "all")));
    tokio::time::timeout(Duration::from_secs(20), subscribed)
        .await
        .expect("all subscribed");
    send_text(&mut clients[0], "broadcast:all:to-everyone").await;
    let received = futures_util::future::join_all(
        clients
            .iter_mut()
            .map(|c| async move { next_data(c, Duration::from_secs(10)).await }),
    )
    .await;
    assert_eq!(received.len(), 1000);
    assert!(received.iter().all(|m| *m == Message::text("to-everyone")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_connection_gets_1000_and_others_stay() {
    let worker = Worker::start(json!({}));
    let mut victim = connect(&worker.url("/ws?tag=v")).await;
    let mut bystander = connect(&worker.url("/ws?tag=b")).await;
    let id = worker.open_id("v");
    send_text(&mut bystander, &format!("kill:{id}")).await;
    assert_eq!(close_code(&mut victim, T).await, Some(1000));
    let close = worker.wait_event("close", T, |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(close["payload"], "killed");
    send_text(&mut bystander, "echo:still here").await;
    assert_eq!(
        next_data(&mut bystander, T).await,
        Message::text("still here")
    );
    let _ = victim.next().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_event_queue_pauses_readers_and_loses_nothing() {
    let worker = Worker::start(json!({"event_queue_size": 4, "message_rate": 0}));
    let mut client = connect(&worker.url("/ws?tag=q")).await;
    let id = worker.open_id("q");
    send_text(&mut client, "sleep:1000").await;
    for i in 0..200 {
        send_text(&mut client, &format!("m{i}")).await;
    }
    worker.wait_event("the last message", Duration::from_secs(10), |e| {
        e["payload"] == "m199"
    });
    let received: Vec<String> = worker
        .events()
        .iter()
        .filter(|e| e["type"] == "message" && e["connection"] == id.as_str())
        .filter_map(|e| {
            e["payload"]
                .as_str()
                .filter(|p| p.starts_with('m'))
                .map(str::to_string)
        })
        .collect();
    let expected: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
    assert_eq!(received, expected);
}
