//! Channel subscriptions racing fan-out, in-process (no PHP): the node and its listener run on
//! the test's runtime, real WebSocket clients connect over loopback, a thread broadcasts
//! (`broadcast()`, through the memory broker) and a collector thread plays the worker loop.
//!
//! - a client subscribed for the whole window gets every broadcast, in order;
//! - a client that subscribes and unsubscribes over and over gets, per subscription, one
//!   contiguous run of broadcasts, all before its `unsubscribed` reply, and nothing after it;
//! - `join`/`leave` events balance per connection, including when the application's own
//!   `subscribe`/`unsubscribe` calls race the client's and its disconnect;
//! - nothing panics or deadlocks (every wait is bounded).

mod core_common;

use core_common::*;
use frankenphp_ws::events::EventKind;
use frankenphp_ws::node::Node;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(5);

#[derive(Debug, PartialEq)]
enum Frame {
    /// A broadcast: `m<seq>`.
    Data(u64),
    End,
    Reply(Value),
}

fn classify(text: &str) -> Frame {
    if text == "end" {
        return Frame::End;
    }
    if let Some(seq) = text.strip_prefix('m') {
        return Frame::Data(seq.parse().unwrap());
    }
    Frame::Reply(serde_json::from_str(text).unwrap_or_else(|_| panic!("unexpected frame {text:?}")))
}

async fn next_frame(client: &mut Client, limit: Duration) -> Option<Frame> {
    next_text(client, limit).await.map(|t| classify(&t))
}

/// Reads until the reply `{"event": event, ...}`; broadcasts met on the way go to `window`.
async fn until_reply(client: &mut Client, event: &str, window: &mut Vec<u64>, who: &str) -> Value {
    loop {
        match next_frame(client, T).await {
            Some(Frame::Data(seq)) => window.push(seq),
            Some(Frame::Reply(reply)) if reply["event"] == event => return reply,
            other => panic!("{who}: waiting for {event}, got {other:?}"),
        }
    }
}

/// The publisher: broadcasts `m0`, `m1`, … to `room` until `stop`, then `end`; returns how
/// many it sent.
fn publisher(node: Arc<Node>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut seq = 0;
        while !stop.load(Ordering::Acquire) {
            broadcast(&node, "room", bytes(format!("m{seq}")));
            seq += 1;
            if seq % 4 == 0 {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
        broadcast(&node, "room", bytes("end"));
        seq
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn subscribers_get_every_broadcast_in_order_and_nothing_after_unsubscribing() {
    const STEADY: usize = 4;
    const CHURN: usize = 16;
    const ROUNDS: usize = 25;
    let started = Instant::now();
    let (node, addr) = serving(&[("message_rate", "0")]).await;
    let collector = Collector::start(&node);

    // Steady subscribers are in before the first broadcast and stay until the last.
    let mut steady = Vec::new();
    for _ in 0..STEADY {
        let mut client = connect(addr, "/ws").await;
        send_text(&mut client, r#"{"action":"subscribe","channel":"room"}"#).await;
        until_reply(&mut client, "subscribed", &mut Vec::new(), "steady").await;
        steady.push(client);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let publishing = publisher(node.clone(), stop.clone());
    let steady: Vec<_> = steady
        .into_iter()
        .enumerate()
        .map(|(n, mut client)| {
            tokio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    match next_frame(&mut client, T).await {
                        Some(Frame::Data(seq)) => got.push(seq),
                        Some(Frame::End) => break,
                        other => panic!("steady {n}: got {other:?}"),
                    }
                }
                client.close(None).await.unwrap();
                got
            })
        })
        .collect();

    let churn: Vec<_> = (0..CHURN)
        .map(|n| {
            tokio::spawn(async move {
                let who = format!("churn {n}");
                let mut rng = Rng::new(n as u64);
                let mut client = connect(addr, "/ws").await;
                let mut last: Option<u64> = None;
                for round in 0..ROUNDS {
                    // Half the time through the list form (`{"sender":"client","subscriptions":…}`).
                    let listed = rng.chance(50);
                    let subscribe = if listed {
                        r#"{"sender":"client","subscriptions":["room"]}"#
                    } else {
                        r#"{"action":"subscribe","channel":"room"}"#
                    };
                    let mut window = Vec::new();
                    send_text(&mut client, subscribe).await;
                    until_reply(&mut client, "subscribed", &mut window, &who).await;
                    let stay = Duration::from_micros(rng.below(3000));
                    let until = Instant::now() + stay;
                    while let Some(frame) =
                        next_frame(&mut client, until.saturating_duration_since(Instant::now()))
                            .await
                    {
                        match frame {
                            Frame::Data(seq) => window.push(seq),
                            other => panic!("{who}: got {other:?} while subscribed"),
                        }
                    }
                    let unsubscribe = if rng.chance(50) {
                        r#"{"sender":"client","subscriptions":[]}"#
                    } else {
                        r#"{"action":"unsubscribe","channel":"room"}"#
                    };
                    send_text(&mut client, unsubscribe).await;
                    until_reply(&mut client, "unsubscribed", &mut window, &who).await;
                    // One subscription, one contiguous run, after everything seen before.
                    for pair in window.windows(2) {
                        assert_eq!(
                            pair[1],
                            pair[0] + 1,
                            "{who} round {round}: gap or disorder in {window:?}"
                        );
                    }
                    if let (Some(first), Some(last)) = (window.first(), last) {
                        assert!(
                            *first > last,
                            "{who} round {round}: {first} again after {last}"
                        );
                    }
                    last = window.last().copied().or(last);
                    // Unsubscribed: while broadcasts go on, nothing may arrive. A presence
                    // change is answered in order, so its reply closes the quiet period.
                    tokio::time::sleep(Duration::from_micros(rng.below(2000))).await;
                    send_text(&mut client, r#"{"action":"presence","status":"away"}"#).await;
                    match next_frame(&mut client, T).await {
                        Some(Frame::Reply(reply)) if reply["event"] == "presence" => {}
                        other => panic!("{who} round {round}: after unsubscribing, got {other:?}"),
                    }
                }
                client.close(None).await.unwrap();
                finish(&mut client).await;
                last
            })
        })
        .collect();
    let mut churn_saw = 0;
    for task in churn {
        let last = tokio::time::timeout(Duration::from_secs(15), task)
            .await
            .expect("churn finished")
            .unwrap();
        churn_saw += last.is_some() as usize;
    }
    stop.store(true, Ordering::Release);
    let sent = tokio::task::spawn_blocking(move || publishing.join().unwrap())
        .await
        .unwrap();
    for (n, task) in steady.into_iter().enumerate() {
        let got = tokio::time::timeout(T, task)
            .await
            .expect("steady finished")
            .unwrap();
        assert_eq!(
            got.len() as u64,
            sent,
            "steady {n}: every broadcast arrives"
        );
        assert!(
            got.iter().enumerate().all(|(i, seq)| *seq == i as u64),
            "steady {n}: in order"
        );
    }
    assert!(
        churn_saw > CHURN / 2,
        "the churn overlapped the broadcasts ({churn_saw} of {CHURN} saw some)"
    );

    let events = collector.wait_closes(STEADY + CHURN, T);
    let groups = by_connection(&events);
    assert_eq!(groups.len(), STEADY + CHURN);
    let mut joins_per_connection = Vec::new();
    for (id, mine) in &groups {
        let problems = check_life(mine);
        assert!(
            problems.is_empty(),
            "connection {}: {problems:?}",
            short(id)
        );
        joins_per_connection.push(
            mine.iter()
                .filter(|e| matches!(e.kind, EventKind::Join { .. }))
                .count(),
        );
    }
    joins_per_connection.sort();
    let expected: Vec<usize> = [vec![1; STEADY], vec![ROUNDS; CHURN]].concat();
    assert_eq!(
        joins_per_connection, expected,
        "a join per subscription, no more"
    );
    assert!(
        node.hub.channels().is_empty(),
        "left behind: {:?}",
        node.hub.channels()
    );
    assert_eq!(node.hub.live_count(), 0);
    eprintln!(
        "{sent} broadcasts, {} events, in {:?}",
        events.len(),
        started.elapsed()
    );
}

/// The same channel changed from both sides at once: the client over its socket, and the
/// application (`frankenphp_ws_subscribe`/`unsubscribe`, i.e. `Op::Subscribe`/`Op::Unsubscribe`)
/// from another thread. The worker must still see, per connection and channel, `join` and
/// `leave` alternating, balanced at `close`, nothing after `close`.
///
/// This test found that the client's own changes queued their events after releasing the
/// channel lock, so an application change landing in between was reported first; both now
/// queue under the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn application_and_client_subscription_changes_racing_keep_join_leave_alternating() {
    const CLIENTS: usize = 8;
    let (node, addr) = serving(&[("message_rate", "0")]).await;
    let collector = Collector::start(&node);
    let stop = Arc::new(AtomicBool::new(false));
    let publishing = publisher(node.clone(), stop.clone());
    for round in 0..6u64 {
        let mut tasks = Vec::new();
        for k in 0..CLIENTS {
            let n = round as usize * CLIENTS + k;
            let node = node.clone();
            let mut client = connect(addr, &format!("/ws?n={n}")).await;
            let id = collector.wait_open(&n.to_string(), T);
            // The application side: its own calls on the same channels until the connection ends.
            let app = {
                let (node, id) = (node.clone(), id.clone());
                std::thread::spawn(move || {
                    let mut rng = Rng::new(500 + n as u64);
                    let deadline = Instant::now() + Duration::from_secs(5);
                    let mut calls = 0u64;
                    while node.hub.get(&id).is_some_and(|c| c.is_open())
                        && Instant::now() < deadline
                    {
                        let channel = if rng.chance(70) { "room" } else { "side" };
                        let op = rng.chance(50);
                        node.route(membership(op, id.as_str(), channel)).unwrap();
                        calls += 1;
                        if calls % 8 == 0 {
                            std::thread::sleep(Duration::from_micros(20));
                        }
                    }
                    calls
                })
            };
            tasks.push(tokio::spawn(async move {
                let mut rng = Rng::new(n as u64);
                let who = format!("client {n}");
                for _ in 0..(10 + rng.below(20)) {
                    let text = match rng.below(3) {
                        0 => r#"{"action":"subscribe","channel":"room"}"#,
                        1 => r#"{"action":"unsubscribe","channel":"room"}"#,
                        _ => r#"{"sender":"client","subscriptions":["side"]}"#,
                    };
                    send_text(&mut client, text).await;
                    // Replies and broadcasts interleave; read whatever comes for a moment.
                    while let Some(frame) =
                        next_frame(&mut client, Duration::from_micros(200 + rng.below(800))).await
                    {
                        if let Frame::Reply(reply) = frame {
                            assert_ne!(reply["event"], "error", "{who}: {reply}");
                        }
                    }
                }
                // How it ends: a clean close, a dropped socket, or the application's kill.
                match n % 3 {
                    0 => {
                        client.close(None).await.unwrap();
                        finish(&mut client).await;
                    }
                    1 => drop(client),
                    _ => {
                        assert_eq!(
                            node.route(on(Kind::KillConnection, id.as_str())).unwrap(),
                            Reply::Bool(true)
                        );
                        finish(&mut client).await;
                    }
                }
                tokio::task::spawn_blocking(move || app.join().unwrap())
                    .await
                    .unwrap()
            }));
        }
        for task in tasks {
            let calls = tokio::time::timeout(Duration::from_secs(15), task)
                .await
                .expect("client finished")
                .unwrap();
            assert!(calls > 0);
        }
        collector.wait_closes(CLIENTS * (round as usize + 1), T);
        // Anything queued late (a join after the close) is in by now.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut problems: HashMap<String, Vec<String>> = HashMap::new();
        for (id, mine) in by_connection(&collector.snapshot()) {
            let found = check_life(&mine);
            if !found.is_empty() {
                problems.insert(short(&id).to_string(), found);
            }
        }
        assert!(
            problems.is_empty(),
            "round {round}: join/leave out of order: {problems:#?}"
        );
    }
    stop.store(true, Ordering::Release);
    tokio::task::spawn_blocking(move || publishing.join().unwrap())
        .await
        .unwrap();
    assert_eq!(node.hub.live_count(), 0);
    assert!(
        node.hub.channels().is_empty(),
        "left behind: {:?}",
        node.hub.channels()
    );
}

/// The application's `subscribe`/`unsubscribe` calls hammering a connection while it ends
/// (a clean close, a dropped socket, a kill): no `join` or `leave` may reach the worker after
/// that connection's `close`, and the ones before it balance.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn application_subscription_calls_racing_a_connections_end_report_nothing_after_close() {
    const CONNECTIONS: usize = 400;
    let (node, addr) = serving(&[("message_rate", "0")]).await;
    let collector = Collector::start(&node);
    let mut rng = Rng::new(42);
    let mut apps = Vec::new();
    for n in 0..CONNECTIONS {
        let mut client = connect(addr, &format!("/ws?n={n}")).await;
        let id = collector.wait_open(&n.to_string(), T);
        let go = Arc::new(std::sync::Barrier::new(2));
        let app = {
            let (node, id, go) = (node.clone(), id.clone(), go.clone());
            let mut rng = Rng::new(rng.next_u64());
            std::thread::spawn(move || {
                go.wait();
                let deadline = Instant::now() + Duration::from_secs(5);
                let mut calls = 0u64;
                while node.hub.get(&id).is_some_and(|c| c.is_open()) && Instant::now() < deadline {
                    let op = rng.chance(50);
                    // Over several shards of the channel index: the end passes each.
                    let channel = ["a", "b", "c", "d", "e", "f", "g", "h"][rng.below(8) as usize];
                    node.route(membership(op, id.as_str(), channel)).unwrap();
                    calls += 1;
                    if calls % 16 == 0 {
                        std::thread::yield_now();
                    }
                }
                // Calls after the end are refused and report nothing.
                for _ in 0..5 {
                    let refused = node.route(membership(true, id.as_str(), "a")).unwrap();
                    assert_eq!(
                        refused,
                        Reply::Bool(false),
                        "subscribed a closed connection"
                    );
                }
            })
        };
        go.wait();
        tokio::time::sleep(Duration::from_micros(rng.below(1000))).await;
        match rng.below(3) {
            0 => {
                client.close(None).await.unwrap();
                finish(&mut client).await;
            }
            1 => drop(client),
            _ => {
                node.route(on(Kind::KillConnection, id.as_str())).unwrap();
                finish(&mut client).await;
            }
        }
        apps.push(app);
        // At most a few application threads at once.
        if apps.len() >= 4 {
            let app = apps.remove(0);
            tokio::task::spawn_blocking(move || app.join().unwrap())
                .await
                .unwrap();
        }
    }
    for app in apps {
        tokio::task::spawn_blocking(move || app.join().unwrap())
            .await
            .unwrap();
    }
    collector.wait_closes(CONNECTIONS, T);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut problems: HashMap<String, Vec<String>> = HashMap::new();
    for (id, mine) in by_connection(&collector.snapshot()) {
        let found = check_life(&mine);
        if !found.is_empty() {
            problems.insert(short(&id).to_string(), found);
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {CONNECTIONS} connections: {problems:#?}",
        problems.len()
    );
    assert_eq!(node.hub.live_count(), 0);
    assert!(
        node.hub.channels().is_empty(),
        "left behind: {:?}",
        node.hub.channels()
    );
}
