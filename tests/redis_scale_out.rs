//! Several PHP worker nodes share one application through a real `redis-server`: fan-out by
//! channel, user, tag and to everyone reaches every node's clients exactly once and in order;
//! a node subscribes to a channel only while it has a local subscriber; a process that hosts
//! no server publishes straight to Redis; a Redis outage loses nothing that fits the outbox.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn broadcasts_reach_every_node_once_in_order_and_only_nodes_that_want_them() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2"), node(&redis, "n3")];
    let mut control = client(&nodes[0], "control").await;
    let mut subscribers = Vec::new();
    for worker in &nodes[..2] {
        let mut c = client(worker, "reader").await;
        subscribe(&mut c, "news").await;
        subscribers.push(c);
    }
    // Node 3 has a client, but none on "news": it does not subscribe to the topic.
    let mut bystander = client(&nodes[2], "bystander").await;
    wait_subscribers(&redis, "frankenphp_ws:channel:news", 2);

    // 200 broadcasts from node 1's worker.
    php(&mut control, "(function () { for ($i = 0; $i < 200; $i++) { broadcast('news', \"m$i\"); } return true; })()").await;
    let expected: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
    for c in &mut subscribers {
        assert_eq!(
            texts(c, 200).await,
            expected,
            "every message once, in publish order"
        );
        expect_silence(c, Duration::from_millis(300)).await;
    }
    // Node 3 publishes too (another origin): nodes 1 and 2 get it, node 3's client does not.
    php(&mut bystander, "broadcast('news', 'from n3')").await;
    for c in &mut subscribers {
        assert_eq!(texts(c, 1).await, ["from n3"]);
    }
    expect_silence(&mut bystander, Duration::from_millis(100)).await;
    let stats = admin_get(&nodes[2], "/stats").await;
    assert_eq!(
        stats["redis"]["received"],
        json!(0),
        "node 3 heard nothing it did not want: {stats}"
    );

    // Interest follows the subscribers: the last one on node 2 leaves, node 2 unsubscribes.
    drop(subscribers.pop());
    wait_subscribers(&redis, "frankenphp_ws:channel:news", 1);
    assert_eq!(
        admin_get(&nodes[0], "/health").await,
        json!({"status": "ok"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn users_tags_and_everyone_across_nodes() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2")];
    let mut control = client(&nodes[0], "control").await;
    let mut control2 = client(&nodes[1], "control2").await;
    let mut alice = client(&nodes[1], "alice").await;
    let mut alice_here = client(&nodes[0], "alice").await;
    wait_subscribers(&redis, "frankenphp_ws:user:alice", 2);

    php(&mut control, "broadcastToUser('alice', 'for alice')").await;
    assert_eq!(texts(&mut alice, 1).await, ["for alice"]);
    assert_eq!(texts(&mut alice_here, 1).await, ["for alice"]);

    // A tag given on node 2 to its alice, addressed from node 1.
    let open = nodes[1].wait_event("alice's open", WAIT, |e| {
        e["type"] == "open" && e["user"] == "alice"
    });
    let alice_id = open["connection"].clone();
    php(
        &mut control2,
        &format!(
            "frankenphp_ws_tagClient('{}', 'vip')",
            alice_id.as_str().unwrap()
        ),
    )
    .await;
    wait_subscribers(&redis, "frankenphp_ws:tag:vip", 1);
    assert_eq!(
        php(&mut control, "frankenphp_ws_sendToTag('vip', 'for vips')").await,
        json!(0),
        "none here"
    );
    assert_eq!(texts(&mut alice, 1).await, ["for vips"]);
    expect_silence(&mut alice_here, Duration::from_millis(200)).await;

    // Everyone, and a tag expression, reach every node.
    // (The caller is a recipient too: its own copy comes before the answer, 2 local ones.)
    send_text(&mut control, "eval:frankenphp_ws_sendAll('to all')").await;
    assert_eq!(texts(&mut control, 2).await, ["to all", "2"]);
    for c in [&mut alice, &mut alice_here, &mut control2] {
        assert_eq!(texts(c, 1).await, ["to all"]);
    }
    php(
        &mut control,
        "frankenphp_ws_sendToTagExpression('vip & !banned', 'expression')",
    )
    .await;
    assert_eq!(texts(&mut alice, 1).await, ["expression"]);

    // disconnectUser closes the user's connections on every node.
    php(&mut control, "disconnectUser('alice')").await;
    assert_eq!(close_code(&mut alice, WAIT).await, Some(1000));
    assert_eq!(close_code(&mut alice_here, WAIT).await, Some(1000));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_without_a_server_publishes_straight_to_redis() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let worker = node(&redis, "n1");
    let mut reader = client(&worker, "reader").await;
    subscribe(&mut reader, "news").await;
    wait_subscribers(&redis, "frankenphp_ws:channel:news", 1);
    assert_eq!(
        cli(
            &redis,
            "for ($i = 0; $i < 1000; $i++) { broadcast('news', \"cli $i\"); } echo 'ok';"
        ),
        "ok"
    );
    // Publishes are pipelined; the process reads their answers before it ends, so none is lost.
    let expected: Vec<String> = (0..1000).map(|i| format!("cli {i}")).collect();
    assert_eq!(texts(&mut reader, 1000).await, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redis_outage_keeps_local_delivery_and_loses_nothing_that_fits_the_outbox() {
    let _serial = one_at_a_time();
    let mut redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2")];
    let mut control = client(&nodes[0], "control").await;
    let mut local = client(&nodes[0], "local").await;
    let mut remote = client(&nodes[1], "remote").await;
    subscribe(&mut local, "news").await;
    subscribe(&mut remote, "news").await;
    wait_subscribers(&redis, "frankenphp_ws:channel:news", 2);

    redis.stop();
    // Local delivery goes on at once, and the node says it is degraded.
    php(&mut control, "(function () { for ($i = 0; $i < 50; $i++) { broadcast('news', \"m$i\"); } return true; })()").await;
    let expected: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    assert_eq!(texts(&mut local, 50).await, expected);
    let deadline = Instant::now() + WAIT;
    while admin_get(&nodes[0], "/health").await["status"] != json!("degraded") {
        assert!(Instant::now() < deadline, "/health never said degraded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Redis back: the outbox goes out in order, subscriptions come back.
    redis.resume();
    assert_eq!(
        texts(&mut remote, 50).await,
        expected,
        "nothing lost, in order"
    );
    let deadline = Instant::now() + WAIT;
    while admin_get(&nodes[0], "/health").await != json!({"status": "ok"}) {
        assert!(Instant::now() < deadline, "/health never recovered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_subscribers(&redis, "frankenphp_ws:channel:news", 2);
    php(&mut control, "broadcast('news', 'after')").await;
    assert_eq!(texts(&mut remote, 1).await, ["after"]);
    assert_eq!(texts(&mut local, 1).await, ["after"]);
}

/// PUBLISH with a binary payload, as any Redis client could.
fn publish_raw(redis: &RedisServer, channel: &str, payload: &[u8]) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", redis.port)).unwrap();
    let mut command = format!(
        "*3\r\n$7\r\nPUBLISH\r\n${}\r\n{channel}\r\n${}\r\n",
        channel.len(),
        payload.len()
    )
    .into_bytes();
    command.extend_from_slice(payload);
    command.extend_from_slice(b"\r\n");
    stream.write_all(&command).unwrap();
    let mut answer = [0u8; 16];
    let _ = stream.read(&mut answer).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_runs_only_the_operation_a_topic_carries() {
    let _serial = one_at_a_time();
    use frankenphp_ws::ops::{codec, Channel, Id, Op};
    let redis = RedisServer::start();
    let worker = node(&redis, "n1");
    let mut control = client(&worker, "control").await;
    let mut victim = client(&worker, "victim").await;
    subscribe(&mut victim, "news").await;
    wait_subscribers(&redis, "frankenphp_ws:channel:news", 1);
    let id: Value = php(
        &mut control,
        "frankenphp_ws_getUserConnections('victim')[0]",
    )
    .await;
    // Someone with access to Redis publishes a kill on the everyone topic, and on the channel.
    let kill = codec::encode_envelope(
        7,
        1,
        0,
        &Op::KillConnection {
            id: Id::new(id.as_str().unwrap()).unwrap(),
        },
    );
    publish_raw(&redis, "frankenphp_ws:all", &kill);
    publish_raw(&redis, "frankenphp_ws:channel:news", &kill);
    // A broadcast on the wrong topic is refused too; on its own topic it runs.
    let wrong = codec::encode_envelope(
        7,
        2,
        0,
        &Op::Broadcast {
            channel: Channel::new("news").unwrap(),
            data: "misrouted".into(),
            binary: false,
        },
    );
    publish_raw(&redis, "frankenphp_ws:all", &wrong);
    let right = codec::encode_envelope(
        7,
        3,
        0,
        &Op::Broadcast {
            channel: Channel::new("news").unwrap(),
            data: "routed".into(),
            binary: false,
        },
    );
    publish_raw(&redis, "frankenphp_ws:channel:news", &right);
    // The same message again (a publisher whose answer was lost sends it again): dropped.
    publish_raw(&redis, "frankenphp_ws:channel:news", &right);
    assert_eq!(texts(&mut victim, 1).await, ["routed"]);
    expect_silence(&mut victim, Duration::from_millis(300)).await;
    let stats = admin_get(&worker, "/stats").await;
    assert_eq!(stats["connections"], json!(2), "{stats}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_global_store_is_shared_by_every_node_and_process_with_its_expiry() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2")];
    let mut one = client(&nodes[0], "one").await;
    let mut two = client(&nodes[1], "two").await;
    php(
        &mut one,
        "frankenphp_ws_global_set('bytes', implode('', array_map('chr', range(0, 255))))",
    )
    .await;
    php(
        &mut one,
        "frankenphp_ws_global_set('brief', 'soon gone', 1)",
    )
    .await;
    assert_eq!(
        php(
            &mut two,
            "frankenphp_ws_global_get('bytes') === implode('', array_map('chr', range(0, 255)))"
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(&mut two, "frankenphp_ws_global_get('brief')").await,
        json!("soon gone")
    );
    // A CLI process with only the Redis settings reads and writes the same store.
    let code = "echo strlen(frankenphp_ws_global_get('bytes')); frankenphp_ws_global_set('from-cli', 'hi'); var_export(frankenphp_ws_global_delete('bytes'));";
    assert_eq!(cli(&redis, code), "256true");
    assert_eq!(
        php(
            &mut one,
            "[frankenphp_ws_global_get('from-cli'), frankenphp_ws_global_has('bytes')]"
        )
        .await,
        json!(["hi", false])
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        php(&mut two, "frankenphp_ws_global_has('brief')").await,
        json!(false),
        "expired in Redis"
    );
    // The admin API's endpoint (a tokio thread) reaches the same store.
    assert_eq!(
        admin_get(&nodes[1], "/frankenphp_ws/global_get/from-cli").await,
        json!({"result": "hi"})
    );
}

/// The chaos case: a publisher at about 1,000 messages/s on node 1 while Redis is down for
/// 5 s. Nothing crashes, local delivery never stops, delivery to the other nodes resumes
/// within 2 s of Redis returning, and they get every message once, in order, none dropped;
/// `/health` goes 503 then 200.
#[tokio::test(flavor = "multi_thread")]
async fn five_seconds_without_redis_under_load() {
    let _serial = one_at_a_time();
    let mut redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2"), node(&redis, "n3")];
    let total = 8000;
    let mut readers = Vec::new();
    for worker in &nodes {
        let mut c = client(worker, "reader").await;
        subscribe(&mut c, "ticks").await;
        // Each reader records when each message arrived.
        readers.push(record(c, total, Duration::from_secs(15)));
    }
    wait_subscribers(&redis, "frankenphp_ws:channel:ticks", 3);
    let mut control = client(&nodes[0], "control").await;
    send_text(&mut control, &format!("eval:(function () {{ for ($i = 0; $i < {total}; $i++) {{ broadcast('ticks', \"t$i\"); usleep(1000); }} return true; }})()")).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    redis.stop();
    let down_at = Instant::now();
    // Asked until it says so: on a loaded machine the node may notice the outage late.
    while admin_get(&nodes[0], "/health").await["status"] != json!("degraded") {
        assert!(
            down_at.elapsed() < Duration::from_millis(4500),
            "/health never said degraded while Redis was down"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(5).saturating_sub(down_at.elapsed())).await;
    redis.resume();
    let back_at = Instant::now();
    assert!(
        back_at - down_at >= Duration::from_secs(5),
        "Redis was down for 5 s"
    );

    for (n, reader) in readers.into_iter().enumerate() {
        let got = reader.await.unwrap();
        assert_every_tick_in_order(n + 1, &got, total);
        if n == 0 {
            continue; // the publishing node's own reader never waited for Redis
        }
        // Those in flight when Redis died may land a moment later: count up to its return.
        let before = got.iter().filter(|(_, at)| *at < back_at).count();
        assert!(
            // The publisher's usleep(1000) loop is slower on a loaded machine: "some" is enough.
            before > 100 && before < total - 4000,
            "node {}: {before} arrived before Redis returned",
            n + 1
        );
        let resumed = got[before].1 - back_at;
        assert!(
            resumed < Duration::from_secs(2),
            "node {}: delivery resumed {resumed:?} after Redis returned",
            n + 1
        );
    }
    assert_eq!(
        php(&mut control, "true").await,
        json!(true),
        "the publisher finished"
    );
    assert_eq!(
        admin_get(&nodes[0], "/health").await,
        json!({"status": "ok"})
    );
    for worker in &nodes {
        let stats = admin_get(worker, "/stats").await;
        assert_eq!(stats["redis"]["outbox_dropped"], json!(0), "{stats}");
    }
}
