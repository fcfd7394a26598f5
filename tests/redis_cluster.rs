//! Nodes on a real 3-primary Redis Cluster (`driver=redis-cluster`): sharded pub/sub carries
//! every kind of operation between nodes and from a process without a server, each channel is
//! subscribed only by the nodes that want it, and a primary killed and restarted under load
//! loses nothing.

mod common;

use common::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn a_redis_cluster_carries_every_kind_of_operation_between_nodes() {
    let _serial = one_at_a_time();
    let cluster = RedisCluster::start();
    let nodes = [
        node(&cluster, "n1"),
        node(&cluster, "n2"),
        node(&cluster, "n3"),
    ];
    let mut control = client(&nodes[0], "control").await;
    let mut readers = Vec::new();
    for worker in &nodes[1..] {
        let mut c = client(worker, "reader").await;
        subscribe(&mut c, "news").await;
        readers.push(c);
    }
    // Sharded: only nodes 2 and 3 subscribe to the channel, on the shard that owns it.
    wait_subscribers(&cluster, "frankenphp_ws:channel:news", 2);
    wait_subscribers(&cluster, "frankenphp_ws:all", 3);

    php(&mut control, "(function () { for ($i = 0; $i < 200; $i++) { broadcast('news', \"m$i\"); } return true; })()").await;
    let expected: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
    for c in &mut readers {
        assert_eq!(texts(c, 200).await, expected, "once each, in order");
    }

    // By user, to everyone, by connection, and a cluster read.
    php(&mut control, "broadcastToUser('reader', 'for readers')").await;
    send_text(&mut control, "eval:frankenphp_ws_sendAll('to all')").await;
    // The user's channel and `all` may be on different shards, so the two may arrive in
    // either order (as documented: with a cluster, order holds per channel).
    for c in &mut readers {
        let mut got = texts(c, 2).await;
        got.sort();
        assert_eq!(got, ["for readers", "to all"]);
    }
    assert_eq!(texts(&mut control, 2).await, ["to all", "1"]);
    let ids = php(&mut control, "frankenphp_ws_getUserConnections('reader')").await;
    let ids: Vec<&str> = ids
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        assert_eq!(
            php(
                &mut control,
                &format!("frankenphp_ws_send('{id}', 'direct')")
            )
            .await,
            json!(true)
        );
    }
    for c in &mut readers {
        assert_eq!(texts(c, 1).await, ["direct"]);
    }
    assert_eq!(
        php(&mut control, "frankenphp_ws_getClientsCount()").await,
        json!(3)
    );
    let stats = admin_get(&nodes[0], "/stats").await;
    assert_eq!(
        stats["redis"]["received_by_kind"].get("broadcast"),
        None,
        "node 1 wants no news: {stats}"
    );

    // A process without a server: publishes, sends by id, reads, and shares the global store.
    let out = cli(
        &cluster,
        &format!(
            "frankenphp_ws_global_set('shared', 'yes'); broadcast('news', 'from cli');
             echo json_encode([frankenphp_ws_send('{}', 'cli direct'), frankenphp_ws_getClientsCount()]);",
            ids[0]
        ),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!([true, 3])
    );
    // Each reader gets the broadcast, and one of them the send too. Their order may differ:
    // the channel and the connection live on different shards.
    // Read from both until the three arrive (a loaded machine may be slow to relay them),
    // then make sure nothing more does.
    let mut got: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < 3 && Instant::now() < deadline {
        for c in &mut readers {
            if let Ok(Some(Ok(frame))) =
                tokio::time::timeout(Duration::from_millis(50), c.next()).await
            {
                got.push(frame.to_text().unwrap().to_string());
            }
        }
    }
    for c in &mut readers {
        expect_silence(c, Duration::from_millis(300)).await;
    }
    got.sort();
    assert_eq!(got, ["cli direct", "from cli", "from cli"]);
    assert_eq!(
        php(&mut control, "frankenphp_ws_global_get('shared')").await,
        json!("yes")
    );
}

/// The primary that owns a sharded channel's slot (a key of the same name is in the same
/// slot: the other primaries answer MOVED).
fn owner(cluster: &RedisCluster, topic: &str) -> usize {
    (0..cluster.nodes.len())
        .find(|&i| !cluster.nodes[i].cli(&["GET", topic]).starts_with("MOVED"))
        .expect("one primary owns every slot")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_primary_killed_and_restarted_under_load_loses_nothing() {
    let _serial = one_at_a_time();
    let mut cluster = RedisCluster::start();
    let nodes = [
        node(&cluster, "n1"),
        node(&cluster, "n2"),
        node(&cluster, "n3"),
    ];
    let total = 6000;
    let mut readers = Vec::new();
    for worker in &nodes {
        let mut c = client(worker, "reader").await;
        subscribe(&mut c, "ticks").await;
        readers.push(record(c, total, Duration::from_secs(20)));
    }
    wait_subscribers(&cluster, "frankenphp_ws:channel:ticks", 3);
    let victim = owner(&cluster, "frankenphp_ws:channel:ticks");
    let mut control = client(&nodes[0], "control").await;
    // 1,000 messages per second for 6 s, from node 1.
    send_text(&mut control, &format!("eval:(function () {{ for ($i = 0; $i < {total}; $i++) {{ broadcast('ticks', \"t$i\"); usleep(1000); }} return true; }})()")).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    cluster.nodes[victim].stop();
    tokio::time::sleep(Duration::from_millis(3000)).await;
    cluster.nodes[victim].resume();
    cluster.wait_ok();
    let back_at = Instant::now();

    for (n, reader) in readers.into_iter().enumerate() {
        let got = reader.await.unwrap();
        assert_every_tick_in_order(n + 1, &got, total);
        if n > 0 {
            let before = got.iter().filter(|(_, at)| *at < back_at).count();
            if before < total {
                let resumed = got[before].1 - back_at;
                assert!(
                    resumed < Duration::from_secs(3),
                    "node {}: delivery resumed {resumed:?} after the cluster",
                    n + 1
                );
            }
        }
    }
    assert_eq!(
        php(&mut control, "true").await,
        json!(true),
        "the publisher finished"
    );
    let deadline = Instant::now() + WAIT;
    while admin_get(&nodes[0], "/health").await != json!({"status": "ok"}) {
        assert!(Instant::now() < deadline, "/health never recovered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for worker in &nodes {
        let stats = admin_get(worker, "/stats").await;
        assert_eq!(stats["redis"]["outbox_dropped"], json!(0), "{stats}");
    }
}

/// `frankenphp_ws_start()` in a CLI process with these options: the exception's class and
/// message, or "started".
fn start_with(options: Value) -> String {
    let code = format!(
        "try {{ frankenphp_ws_start(json_decode('{}', true) + ['listen' => '127.0.0.1:0', 'admin_listen' => '', 'log_level' => 'off']); echo 'started'; }} \
         catch (Throwable $e) {{ echo get_class($e), ': ', $e->getMessage(); }}",
        options
    );
    let out = std::process::Command::new("php")
        .args([
            "-n",
            "-d",
            &format!("extension={}", extension().display()),
            "-r",
            &code,
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_redis_configuration_fails_at_start_naming_the_directive() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    redis.cli(&["CONFIG", "SET", "requirepass", "right-secret"]);
    let wrong = start_with(
        json!({"driver": "redis", "redis_address": format!("redis://:wrong-secret@127.0.0.1:{}", redis.port)}),
    );
    assert!(
        wrong.starts_with("RuntimeException") && wrong.contains("redis_address"),
        "{wrong}"
    );
    assert!(
        !wrong.contains("wrong-secret"),
        "the password is masked: {wrong}"
    );

    let server = RedisServer::start();
    let not_a_cluster =
        start_with(json!({"driver": "redis-cluster", "redis_address": server.url()}));
    assert!(
        not_a_cluster.starts_with("RuntimeException") && not_a_cluster.contains("redis_address"),
        "{not_a_cluster}"
    );
    assert!(not_a_cluster.contains("Redis Cluster"), "{not_a_cluster}");

    let bad_seed = start_with(
        json!({"driver": "redis-cluster", "redis_address": "redis://127.0.0.1:7000 http://127.0.0.1:7001"}),
    );
    assert!(
        bad_seed.starts_with("InvalidArgumentException") && bad_seed.contains("redis_address"),
        "{bad_seed}"
    );
}
