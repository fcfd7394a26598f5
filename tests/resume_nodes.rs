//! Resume on any node: three PHP worker nodes on one real `redis-server`. A ghost held by one
//! node is taken back with its token on another: same id, every message sent to it meanwhile
//! (from any node, by id, channel, user and tag) first and in order, then live traffic; its
//! state comes along; the node that held it reports nothing and keeps nothing. Tokens stay
//! single-use across nodes.

mod common;

use common::*;
use frankenphp_ws::auth::jwt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A node whose connections all get a resume token as their first frame, or not.
fn resumable_node(redis: &RedisServer, name: &str, auto: bool) -> Worker {
    let mut options = json!({
        "driver": redis.driver(),
        "redis_address": redis.url(),
        "node_name": name,
        "auth_jwt_secret": SECRET,
        "ghost_ttl": 60,
    });
    if auto {
        options["resume_tokens"] = json!("auto");
    }
    Worker::start(options)
}

fn bearer(user: &str) -> String {
    format!(
        "Bearer {}",
        jwt::sign(&json!({"sub": user}), SECRET.as_bytes())
    )
}

async fn connect_as(worker: &Worker, path: &str, user: &str) -> Client {
    try_connect(&worker.url(path), &[("authorization", &bearer(user))])
        .await
        .expect("handshake")
}

/// How many connections the node itself holds (its own `/stats`, not the cluster's).
async fn held(worker: &Worker) -> u64 {
    let stats = admin_get(worker, "/stats").await;
    stats["connections"].as_u64().unwrap_or_else(|| panic!("/stats: {stats}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ghost_resumes_on_another_node_with_what_every_node_sent_it() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let [a, b, c] = ["a", "b", "c"].map(|n| resumable_node(&redis, n, false));
    let mut on_a = connect_as(&a, "/ws?tag=control", "control-a").await;
    let mut on_b = connect_as(&b, "/ws?tag=control", "control-b").await;
    let mut on_c = connect_as(&c, "/ws?tag=control", "control-c").await;
    let mut client = connect_as(&a, "/ws/room?tag=g", "ada").await;
    subscribe(&mut client, "news").await;
    let id = a.open_id("g");
    let token = make_ghost(&mut on_a, &id).await;
    php(&mut on_a, &format!("frankenphp_ws_tagClient('{id}', 'vip')")).await;
    php(
        &mut on_a,
        &format!("frankenphp_ws_setStoredInformation('{id}', 'name', 'ada')"),
    )
    .await;
    wait_subscribers(&redis, "frankenphp_ws:tag:vip", 1);
    drop(client);
    tokio::time::sleep(Duration::from_millis(300)).await;

    // While it sleeps on A: by id from C, by channel, user and tag from B.
    assert_eq!(
        php(&mut on_c, &format!("frankenphp_ws_send('{id}', 'direct from c')")).await,
        json!(true)
    );
    php(&mut on_b, "broadcast('news', 'channel from b')").await;
    php(&mut on_b, "broadcastToUser('ada', 'user from b')").await;
    php(&mut on_b, "frankenphp_ws_sendToTag('vip', 'tag from b')").await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let mut back = connect_as(&b, &format!("/ws/room?resume={token}"), "ada").await;
    let sent = ["direct from c", "channel from b", "user from b", "tag from b"];
    assert_eq!(texts(&mut back, 4).await, sent);
    let took = started.elapsed();
    let resume = b.wait_event("resume on b", WAIT, |e| e["type"] == "resume");
    assert_eq!(resume["connection"], id.as_str());
    assert_eq!(resume["payload"], "4");
    assert_eq!(resume["route"], "/ws/room");
    println!("cross-node resume: first replayed message {took:?} after the connect began");

    // Its state came along; A holds nothing, and the cluster sees it once.
    assert_eq!(
        php(&mut on_b, &format!("frankenphp_ws_getStoredInformation('{id}', 'name')")).await,
        json!("ada")
    );
    assert_eq!(
        php(&mut on_b, &format!("frankenphp_ws_getTags('{id}')")).await,
        json!(["vip"])
    );
    assert_eq!(
        php(&mut on_b, &format!("frankenphp_ws_getSubscriptions('{id}')")).await,
        json!(["news"])
    );
    assert_eq!(held(&a).await, 1, "A keeps only its control client");
    let everyone = php(&mut on_c, "frankenphp_ws_getClients()").await;
    let seen = everyone.as_array().unwrap().iter().filter(|c| **c == id.as_str()).count();
    assert_eq!(seen, 1, "the cluster lists it once: {everyone}");

    // Live traffic follows, from every node.
    php(&mut on_c, "broadcast('news', 'live from c')").await;
    assert_eq!(texts(&mut back, 1).await, ["live from c"]);
    php(&mut on_a, &format!("frankenphp_ws_send('{id}', 'live from a')")).await;
    assert_eq!(texts(&mut back, 1).await, ["live from a"]);
    // B's own calls reach it as they run: a subscribe, then a broadcast at once, a send.
    let subscribe_then_broadcast = format!(
        "(function () {{ frankenphp_ws_subscribe('{id}', 'fresh'); broadcast('fresh', 'right away'); frankenphp_ws_send('{id}', 'sent from b'); return true; }})()"
    );
    php(&mut on_b, &subscribe_then_broadcast).await;
    assert_eq!(texts(&mut back, 2).await, ["right away", "sent from b"]);
    expect_silence(&mut back, Duration::from_millis(200)).await;

    // Only B's worker hears of it again, and only `resume`: nobody reports open or close.
    assert_eq!(events_of(&a, &id), ["open", "join"]);
    assert_eq!(events_of(&b, &id), ["resume", "join"]);
    assert!(events_of(&c, &id).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_racing_with_one_token_on_two_nodes_take_it_over_once() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let [a, b, c] = ["a", "b", "c"].map(|n| resumable_node(&redis, n, true));
    const ROUNDS: usize = 200;
    let (mut on_b, mut on_c) = (0, 0);
    let started = Instant::now();
    for round in 0..ROUNDS {
        let mut first = connect_as(&a, "/ws", "racer").await;
        let (token, resumed) = token_frame(&mut first).await;
        assert!(!resumed);
        drop(first);
        let path = format!("/ws?resume={token}");
        let (mut one, mut two) = tokio::join!(
            connect_as(&b, &path, "racer"),
            connect_as(&c, &path, "racer"),
        );
        let (one, two) = tokio::join!(token_frame(&mut one), token_frame(&mut two));
        match (one.1, two.1) {
            (true, false) => on_b += 1,
            (false, true) => on_c += 1,
            other => panic!("round {round}: takeovers (b, c) = {other:?}, expected one"),
        }
    }
    let resumes = |events: &[Value]| events.iter().filter(|e| e["type"] == "resume").count();
    b.wait_until("b's resumes", WAIT, |events| resumes(events) == on_b);
    c.wait_until("c's resumes", WAIT, |events| resumes(events) == on_c);
    println!(
        "{ROUNDS} races in {:?}: {on_b} won on b, {on_c} on c, no double takeover",
        started.elapsed()
    );
    assert_eq!(resumes(&a.events()), 0);
    assert!(a.events().iter().all(|e| e["type"] != "close"), "A reports no end");
}

/// A client that acknowledges, whose old socket on A still looks alive (it stopped reading,
/// no FIN), comes back on B: taken over at once, everything after its last message replayed
/// with the numbers going on, then live ones numbered after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledging_client_whose_socket_looks_alive_resumes_on_another_node() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let [a, b] = ["a", "b"].map(|n| resumable_node(&redis, n, false));
    let mut on_a = connect_as(&a, "/ws?tag=control", "control-a").await;
    let mut on_b = connect_as(&b, "/ws?tag=control", "control-b").await;
    let mut old = connect_as(&a, "/ws?tag=g&ack=1", "ada").await;
    subscribe(&mut old, "news").await;
    let id = a.open_id("g");
    let token = make_ghost(&mut on_a, &id).await;
    for i in 1..=3 {
        php(&mut on_b, &format!("broadcast('news', 'm{i}')")).await;
    }
    let numbered = |text: &str| -> (u64, String) {
        let v: Value = serde_json::from_str(text).unwrap();
        (v["seq"].as_u64().unwrap(), v["data"].as_str().unwrap().to_string())
    };
    for i in 1..=3u64 {
        let got = numbered(next_data(&mut old, WAIT).await.to_text().unwrap());
        assert_eq!(got, (i, format!("m{i}")));
    }
    // It has m1..m3 but says nothing; m4 and m5 reach a socket nobody reads any more.
    for i in 4..=5 {
        php(&mut on_b, &format!("broadcast('news', 'm{i}')")).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    let mut back = connect_as(&b, &format!("/ws?resume={token}&last=3"), "ada").await;
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(numbered(next_data(&mut back, WAIT).await.to_text().unwrap()));
    }
    assert!(started.elapsed() < Duration::from_secs(1), "taken over at once");
    assert_eq!(got, [(4, "m4".to_string()), (5, "m5".to_string())]);
    b.wait_event("resume on b", WAIT, |e| e["type"] == "resume" && e["connection"] == id.as_str());
    php(&mut on_a, "broadcast('news', 'm6')").await;
    let live = numbered(next_data(&mut back, WAIT).await.to_text().unwrap());
    assert_eq!(live, (6, "m6".to_string()));
    assert_eq!(close_code(&mut old, WAIT).await, Some(1000), "the old socket is closed");
    assert_eq!(events_of(&a, &id), ["open", "join"]);
}

/// A ghost nobody resumes is released after `ghost_ttl` by exactly one node, the one that
/// holds it when the time is up, with the events in order and its state still readable at
/// `beforeClose`: here one moved by a resume (A to B) and one moved by A's stop (handoff).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ghost_nobody_resumes_is_released_once_in_the_cluster() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = ["a", "b", "c"].map(|name| {
        Worker::start(json!({
            "driver": "redis",
            "redis_address": redis.url(),
            "node_name": name,
            "auth_jwt_secret": SECRET,
            "resume_tokens": "auto",
            "ghost_ttl": 2,
        }))
    });
    let [a, b, c] = &nodes;
    // How many times each node reported the end of `id`.
    let closes = |id: &str| {
        let count = |n: &Worker| events_of(n, id).iter().filter(|t| *t == "close").count();
        nodes.iter().map(count).collect::<Vec<_>>()
    };

    // One ghost goes from A to B by a resume, then its client leaves for good.
    let mut first = connect_as(a, "/ws?tag=moved", "ada").await;
    let (token, _) = token_frame(&mut first).await;
    subscribe(&mut first, "news").await;
    let moved = a.open_id("moved");
    drop(first);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut back = connect_as(b, &format!("/ws?resume={token}"), "ada").await;
    assert!(token_frame(&mut back).await.1, "resumed on b");
    drop(back);

    // The other sleeps on A, which stops with a handoff: B or C adopts it.
    let mut second = connect_as(a, "/ws?tag=handed", "bob").await;
    token_frame(&mut second).await;
    subscribe(&mut second, "news").await;
    let handed = a.open_id("handed");
    drop(second);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut stopper = connect_as(a, "/ws?tag=stopper", "ops").await;
    token_frame(&mut stopper).await;
    send_text(&mut stopper, "stop:handoff").await;

    let ends = ["ghostConnectionClose", "beforeClose", "state", "leave", "close"];
    let deadline = Instant::now() + Duration::from_secs(8);
    while closes(&moved).iter().sum::<usize>() + closes(&handed).iter().sum::<usize>() < 2 {
        let (m, h) = (closes(&moved), closes(&handed));
        assert!(Instant::now() < deadline, "both released within 8 s: {m:?} {h:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Longer than a second TTL: nobody releases either again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(closes(&moved), [0, 1, 0], "released once, by b");
    assert_eq!(events_of(a, &moved), ["open", "join"]);
    // Its subscription came along with it: no `join` on B, and a `leave` at the end.
    assert_eq!(events_of(b, &moved)[..1], ["resume"]);
    assert_eq!(events_of(b, &moved)[1..], ends);
    assert!(events_of(c, &moved).is_empty());

    let holder = closes(&handed).iter().position(|n| *n == 1).expect("released");
    let handed_closes = closes(&handed);
    assert_eq!(handed_closes.iter().sum::<usize>(), 1, "once: {handed_closes:?}");
    assert_ne!(holder, 0, "by the node that adopted it, not the stopped one");
    assert_eq!(events_of(a, &handed), ["open", "join"]);
    assert_eq!(events_of(&nodes[holder], &handed), ends);
    let state = nodes[holder].wait_event("its state at beforeClose", WAIT, |e| {
        e["type"] == "state" && e["connection"] == handed.as_str()
    });
    assert_eq!(state["subscriptions"], json!(["news"]));
    let mut on_c = connect_as(c, "/ws?tag=control", "control").await;
    token_frame(&mut on_c).await;
    let everyone = php(&mut on_c, "frankenphp_ws_getClients()").await;
    let listed = |id: &str| everyone.as_array().unwrap().iter().any(|e| *e == id);
    assert!(!listed(&moved) && !listed(&handed), "{everyone}");
}
