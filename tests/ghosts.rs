//! Ghost connections, driven through a real PHP worker: a dormant ghost keeps its
//! state and messages, a client resumes it with its token, a release ends it with
//! `ghostConnectionClose`, `beforeClose`, `close`, in that order, and races lose nothing.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const T: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_ghost_resumes_with_its_token_and_misses_nothing() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut client = connect(&worker.url("/ws/room?tag=g")).await;
    subscribe(&mut client, "news").await;
    let id = worker.open_id("g");
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_activateGhost('{id}')")
        )
        .await,
        json!(true)
    );
    php(
        &mut control,
        &format!("frankenphp_ws_setStoredInformation('{id}', 'name', 'ada')"),
    )
    .await;
    let token = php(
        &mut control,
        &format!("frankenphp_ws_getResumeToken('{id}')"),
    )
    .await;
    let token = token.as_str().unwrap().to_string();
    drop(client);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_isGhost('{id}')")).await,
        json!(true)
    );
    assert!(php(&mut control, "frankenphp_ws_getClients()")
        .await
        .as_array()
        .unwrap()
        .contains(&json!(id)));
    for i in 0..3 {
        send_text(&mut control, &format!("broadcast:news:missed-{i}")).await;
    }
    send_text(
        &mut control,
        &format!("eval:frankenphp_ws_send('{id}', 'direct')"),
    )
    .await;
    next_data(&mut control, T).await;

    let mut back = connect(&worker.url(&format!("/ws/room?resume={token}"))).await;
    for expected in ["missed-0", "missed-1", "missed-2", "direct"] {
        assert_eq!(next_data(&mut back, T).await, Message::text(expected));
    }
    let resume = worker.wait_event("resume", T, |e| e["type"] == "resume");
    assert_eq!(resume["connection"], id.as_str());
    assert_eq!(resume["payload"], "4");
    assert_eq!(resume["route"], "/ws/room");
    // Same state, same subscriptions.
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_getStoredInformation('{id}', 'name')")
        )
        .await,
        json!("ada")
    );
    send_text(&mut control, "broadcast:news:after").await;
    assert_eq!(next_data(&mut back, T).await, Message::text("after"));
    assert_eq!(events_of(&worker, &id), vec!["open", "join", "resume"]);
}

/// A client whose network dropped without the server noticing (its old socket still looks
/// alive, and is stuck with unread frames) comes back with its token: it takes the connection
/// over at once, gets the frames the old socket had not written, in order, then live traffic;
/// the worker sees `resume` and no close.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ghost_resumed_while_its_old_socket_looks_alive_is_taken_over_at_once() {
    // Room for a backlog bigger than the kernel's socket buffers.
    let worker = Worker::start(json!({"send_buffer": 64 << 20}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut old = connect(&worker.url("/ws?tag=g")).await;
    subscribe(&mut old, "news").await;
    let id = worker.open_id("g");
    let token = make_ghost(&mut control, &id).await;
    // The old client stops reading: 256 frames of 64 KiB fill the socket buffers (a few MiB),
    // and the server's writer is stuck with the rest.
    php(&mut control, "(function () { for ($i = 0; $i < 256; $i++) { broadcast('news', $i . ':' . str_repeat('x', 65536)); } return true; })()").await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = std::time::Instant::now();
    let mut back = connect(&worker.url(&format!("/ws?resume={token}"))).await;
    let resume = worker.wait_event("resume", T, |e| e["type"] == "resume");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "taken over at once, not after a timeout"
    );
    assert_eq!(resume["connection"], id.as_str());
    let replayed: usize = resume["payload"].as_str().unwrap().parse().unwrap();
    assert!(
        replayed > 0 && replayed <= 256,
        "the old socket's unwritten frames are replayed: {replayed}"
    );
    // What the old socket had not written arrives, in order, ending with the last.
    let mut numbers = Vec::new();
    for _ in 0..replayed {
        let frame = next_data(&mut back, T).await;
        let text = frame.to_text().unwrap();
        numbers.push(text.split(':').next().unwrap().parse::<usize>().unwrap());
    }
    let first = numbers[0];
    assert_eq!(numbers, (first..256).collect::<Vec<_>>());
    // The old client (alive here, only slow) gets what reached its socket, then the close:
    // with the replay, nothing is missing (the last few may come twice).
    let mut got_old = Vec::new();
    let close = loop {
        match tokio::time::timeout(T, futures_util::StreamExt::next(&mut old)).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                got_old.push(text.split(':').next().unwrap().parse::<usize>().unwrap())
            }
            Ok(Some(Ok(Message::Close(frame)))) => break frame,
            Ok(Some(Ok(_))) => {}
            other => panic!("the old socket ended without a close frame: {other:?}"),
        }
    };
    let close = close.expect("a close frame with a code");
    assert_eq!(
        (u16::from(close.code), close.reason.as_str()),
        (1000, "taken_over")
    );
    assert_eq!(
        got_old,
        (0..got_old.len()).collect::<Vec<_>>(),
        "the old socket got a prefix, in order"
    );
    assert!(
        first <= got_old.len(),
        "no gap: the old socket got 0..{}, the replay starts at {first}",
        got_old.len()
    );
    send_text(&mut control, "broadcast:news:after").await;
    assert_eq!(next_data(&mut back, T).await, Message::text("after"));
    // The old socket was closed for good; the connection lives on, reported once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(events_of(&worker, &id), vec!["open", "join", "resume"]);
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_isGhost('{id}')")).await,
        json!(true)
    );
    drop(old);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releasing_a_dormant_ghost_reports_its_end_in_order_with_state_readable() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut client = connect(&worker.url("/ws?tag=g")).await;
    subscribe(&mut client, "alpha").await;
    let id = worker.open_id("g");
    php(
        &mut control,
        &format!("frankenphp_ws_activateGhost('{id}')"),
    )
    .await;
    client.close(None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        events_of(&worker, &id),
        vec!["open", "join"],
        "a ghost's disconnect reports nothing"
    );
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_releaseGhost('{id}')")).await,
        json!(true)
    );
    worker.wait_event("close", T, |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(
        events_of(&worker, &id),
        vec![
            "open",
            "join",
            "ghostConnectionClose",
            "beforeClose",
            "state",
            "leave",
            "close"
        ]
    );
    let state = worker.wait_event("state", T, |e| e["type"] == "state");
    assert_eq!(state["subscriptions"], json!(["alpha"]));
    let ghost_close = worker.wait_event("ghostConnectionClose", T, |e| {
        e["type"] == "ghostConnectionClose"
    });
    assert_eq!(ghost_close["payload"], "ghost_released");
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_releaseGhost('{id}')")).await,
        json!(false)
    );
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_isGhost('{id}')")).await,
        json!(false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_spent_by_a_takeover_and_useless_after_release() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let client = connect(&worker.url("/ws?tag=g")).await;
    let id = worker.open_id("g");
    let token = make_ghost(&mut control, &id).await;
    drop(client);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let back = connect(&worker.url(&format!("/ws?resume={token}&tag=first"))).await;
    worker.wait_event("resume", T, |e| e["type"] == "resume");
    drop(back);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The same token again: an ordinary new connection.
    let _again = connect(&worker.url(&format!("/ws?resume={token}&tag=second"))).await;
    let second = worker.open_id("second");
    assert_ne!(second, id);
    // A fresh token, then a release: the token no longer works.
    let fresh = php(
        &mut control,
        &format!("frankenphp_ws_getResumeToken('{id}')"),
    )
    .await;
    assert_ne!(fresh.as_str().unwrap(), token);
    php(&mut control, &format!("frankenphp_ws_releaseGhost('{id}')")).await;
    worker.wait_event("release close", T, |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    let _third =
        connect(&worker.url(&format!("/ws?resume={}&tag=third", fresh.as_str().unwrap()))).await;
    assert_ne!(worker.open_id("third"), id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ghost_ttl_releases_a_forgotten_ghost() {
    let worker = Worker::start(json!({"ghost_ttl": 1}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let client = connect(&worker.url("/ws?tag=g")).await;
    let id = worker.open_id("g");
    php(
        &mut control,
        &format!("frankenphp_ws_activateGhost('{id}')"),
    )
    .await;
    drop(client);
    let close = worker.wait_event("ttl release", Duration::from_secs(4), |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(close["payload"], "ghost_released");
    assert_eq!(
        events_of(&worker, &id),
        vec![
            "open",
            "ghostConnectionClose",
            "beforeClose",
            "state",
            "close"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_a_dormant_ghost_closes_it_with_killed() {
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let client = connect(&worker.url("/ws?tag=g")).await;
    let id = worker.open_id("g");
    php(
        &mut control,
        &format!("frankenphp_ws_activateGhost('{id}')"),
    )
    .await;
    drop(client);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        php(
            &mut control,
            &format!("frankenphp_ws_killConnection('{id}')")
        )
        .await,
        json!(true)
    );
    let close = worker.wait_event("close", T, |e| {
        e["type"] == "close" && e["connection"] == id.as_str()
    });
    assert_eq!(close["payload"], "killed");
    assert_eq!(
        events_of(&worker, &id),
        vec!["open", "beforeClose", "state", "close"]
    );
}

/// Many ghosts drop at once; then releases race resumes. Each connection ends exactly one
/// way: resumed (one `resume`, no close) or released (`ghostConnectionClose`, `beforeClose`,
/// `close`, once each, in order).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_drops_releases_and_resumes_lose_or_duplicate_nothing() {
    let n = 120;
    let worker = Worker::start(json!({}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    let mut clients = Vec::new();
    for i in 0..n {
        clients.push(connect(&worker.url(&format!("/ws?tag=c{i}"))).await);
    }
    let ids: Vec<String> = (0..n).map(|i| worker.open_id(&format!("c{i}"))).collect();
    let tokens = php(
        &mut control,
        "array_map(function ($id) { frankenphp_ws_activateGhost($id); return frankenphp_ws_getResumeToken($id); }, frankenphp_ws_getClients())",
    )
    .await;
    let all = php(&mut control, "frankenphp_ws_getClients()").await;
    let token_of: std::collections::HashMap<String, String> = all
        .as_array()
        .unwrap()
        .iter()
        .zip(tokens.as_array().unwrap())
        .filter_map(|(id, t)| Some((id.as_str()?.to_string(), t.as_str()?.to_string())))
        .collect();
    drop(clients);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Release every ghost from the worker while half of them are being resumed.
    let url = worker.url("/ws");
    let resumers: Vec<_> = ids
        .iter()
        .step_by(2)
        .map(|id| {
            let url = format!("{url}?resume={}", token_of[id]);
            tokio::spawn(async move { connect(&url).await })
        })
        .collect();
    let list = ids
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    php(
        &mut control,
        &format!("array_map('frankenphp_ws_releaseGhost', [{list}])"),
    )
    .await;
    let mut kept = Vec::new();
    for r in resumers {
        kept.push(r.await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    for id in &ids {
        let after: Vec<String> = events_of(&worker, id)
            .into_iter()
            .filter(|t| t != "open" && t != "state")
            .collect();
        let released = vec!["ghostConnectionClose", "beforeClose", "close"];
        assert!(
            after == vec!["resume"] || after == released,
            "connection {id} ended with {after:?}"
        );
    }
}

/// The token in a `resume_token` message (`resume_tokens=auto`), which says whether the socket
/// `resumed` a ghost.
async fn token_message(client: &mut Client, resumed: bool) -> String {
    let frame = next_data(client, T).await;
    let message: serde_json::Value = serde_json::from_str(frame.to_text().unwrap()).unwrap();
    assert_eq!(message["event"], "resume_token", "{message}");
    assert_eq!(message["resumed"], resumed, "{message}");
    message["token"].as_str().unwrap().to_string()
}

/// With `resume_tokens=auto`, every connection is a ghost from its open and the server hands
/// each client its token itself, and a fresh one after each resume.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_tokens_auto_hands_every_client_its_token_after_open_and_each_resume() {
    let worker = Worker::start(json!({"resume_tokens": "auto", "ghost_ttl": 30}));
    let mut control = connect(&worker.url("/ws?tag=control")).await;
    token_message(&mut control, false).await;
    let mut client = connect(&worker.url("/ws?tag=a")).await;
    let first = token_message(&mut client, false).await;
    let id = worker.open_id("a");
    assert_eq!(
        php(&mut control, &format!("frankenphp_ws_isGhost('{id}')")).await,
        json!(true)
    );

    drop(client);
    tokio::time::sleep(Duration::from_millis(300)).await;
    php(&mut control, &format!("frankenphp_ws_send('{id}', 'kept')")).await;
    let mut back = connect(&worker.url(&format!("/ws?resume={first}"))).await;
    // The token first, saying it resumed; then the replay.
    let second = token_message(&mut back, true).await;
    assert_eq!(next_data(&mut back, T).await, Message::text("kept"));
    assert_ne!(second, first, "a token is spent by use");
    worker.wait_event("resume", T, |e| {
        e["type"] == "resume" && e["connection"] == id.as_str()
    });

    // The new token works; the spent one gives a new connection.
    drop(back);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = connect(&worker.url(&format!("/ws?resume={second}"))).await;
    token_message(&mut again, true).await;
    assert_eq!(
        php(&mut control, "frankenphp_ws_getClientsCount()").await,
        json!(2)
    );
    let mut stale = connect(&worker.url(&format!("/ws?resume={first}&tag=stale"))).await;
    token_message(&mut stale, false).await;
    assert_ne!(worker.open_id("stale"), id);
}
