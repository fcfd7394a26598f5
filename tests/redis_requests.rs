//! Requests between nodes through a real `redis-server`: an operation on a connection runs on
//! the node that holds it, whoever calls it (another node's worker, or a process without a
//! server); reads count every node; a killed node leaves the reads; a read fails fast while
//! Redis is down.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The id of `user`'s only connection, read through the cluster. A node registers a
/// connection just after its `101` has gone out, so a read made the moment the client's
/// handshake ends may not see it yet: it asks again until it does.
async fn id_of(control: &mut Client, user: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let ids = php(
            control,
            &format!("frankenphp_ws_getUserConnections('{user}')"),
        )
        .await;
        if ids == json!([]) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        assert_eq!(ids.as_array().map(Vec::len), Some(1), "{user}: {ids}");
        return ids[0].as_str().unwrap().to_string();
    }
}

fn conn_topic(id: &str) -> String {
    format!("frankenphp_ws:conn:{id}")
}

#[tokio::test(flavor = "multi_thread")]
async fn operations_on_a_connection_run_on_the_node_that_holds_it() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2")];
    let mut control = client(&nodes[0], "control").await;
    let mut alice = client(&nodes[1], "alice").await;
    let id = id_of(&mut control, "alice").await;
    wait_subscribers(&redis, &conn_topic(&id), 1);
    let call = |code: &str| code.replace("ID", &id);

    // Sends, text and binary; an id nobody holds answers false at once.
    assert_eq!(
        php(&mut control, &call("frankenphp_ws_send('ID', 'direct')")).await,
        json!(true)
    );
    assert_eq!(texts(&mut alice, 1).await, ["direct"]);
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_sendBinary('ID', \"\\x00\\xff\")")
        )
        .await,
        json!(true)
    );
    let binary = next_data(&mut alice, WAIT).await;
    assert!(binary.is_binary() && binary.into_data()[..] == [0, 255]);
    assert_eq!(
        php(&mut control, "frankenphp_ws_send('nobody', 'x')").await,
        json!(false)
    );

    // Subscriptions made from node 1 follow the connection's node: node 2 subscribes to the
    // channel in Redis before it answers, so a broadcast right after reaches alice.
    assert_eq!(
        php(&mut control, &call("(function () { $ok = frankenphp_ws_subscribe('ID', 'room'); broadcast('room', 'first'); return $ok; })()")).await,
        json!(true)
    );
    assert_eq!(texts(&mut alice, 1).await, ["first"]);
    assert_eq!(
        php(&mut control, &call("frankenphp_ws_getSubscriptions('ID')")).await,
        json!(["room"])
    );
    // One publisher's broadcasts and sends arrive in the order it made them.
    php(&mut control, &call("(function () { broadcast('room', 'a'); frankenphp_ws_send('ID', 'b'); broadcast('room', 'c'); return true; })()")).await;
    assert_eq!(texts(&mut alice, 3).await, ["a", "b", "c"]);

    // Tags, stored information, history, pings: the holder's state, read and written remotely.
    assert_eq!(
        php(&mut control, &call("frankenphp_ws_tagClient('ID', 'vip')")).await,
        json!(true)
    );
    assert_eq!(
        php(&mut control, &call("frankenphp_ws_getTags('ID')")).await,
        json!(["vip"])
    );
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_setStoredInformation('ID', 'plan', \"gold\\x00\")")
        )
        .await,
        json!(true)
    );
    assert_eq!(
        php(
            &mut control,
            &call("bin2hex(frankenphp_ws_getStoredInformation('ID', 'plan'))")
        )
        .await,
        json!("676f6c6400")
    );
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_listStoredInformationKeys('ID')")
        )
        .await,
        json!(["plan"])
    );
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_enableQueueCounter('ID', 10, 60)")
        )
        .await,
        json!(true)
    );
    php(&mut control, &call("frankenphp_ws_send('ID', 'kept')")).await;
    assert_eq!(texts(&mut alice, 1).await, ["kept"]);
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_getClientMessageCounter('ID')")
        )
        .await,
        json!(1)
    );
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_getClientMessageQueue('ID')[0]['data'] ?? null")
        )
        .await,
        json!("kept")
    );
    assert_eq!(
        php(&mut control, &call("frankenphp_ws_isGhost('ID')")).await,
        json!(false)
    );

    // Ids are unique in the cluster: alice cannot take the id of node 1's control.
    let control_id = id_of(&mut control, "control").await;
    let taken = php(
        &mut control,
        &call(&format!(
            "frankenphp_ws_renameConnection('ID', '{control_id}')"
        )),
    )
    .await;
    assert_eq!(taken, json!(false));
    assert_eq!(
        php(
            &mut control,
            &call("frankenphp_ws_renameConnection('ID', 'alice-renamed')")
        )
        .await,
        json!(true)
    );
    // The new id is the connection's at once, everywhere.
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_send('alice-renamed', 'renamed')"
        )
        .await,
        json!(true)
    );
    wait_subscribers(&redis, &conn_topic(&id), 0);
    assert_eq!(texts(&mut alice, 1).await, ["renamed"]);

    // Node 2 ran them and counted them by kind.
    let stats = admin_get(&nodes[1], "/stats").await;
    assert!(
        stats["redis"]["received_by_kind"]["send"].as_u64() >= Some(4),
        "{stats}"
    );
    assert!(
        stats["redis"]["received_by_kind"]["subscribe"].as_u64() == Some(1),
        "{stats}"
    );
    let metrics = admin_text(&nodes[1], "/metrics").await;
    for line in [
        "frankenphp_ws_redis_received_total{op=\"subscribe\"} 1",
        "frankenphp_ws_redis_up 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    let metrics = admin_text(&nodes[0], "/metrics").await;
    assert!(
        metrics.contains("frankenphp_ws_redis_request_seconds_bucket{le=\"+Inf\"}"),
        "{metrics}"
    );
    let stats = admin_get(&nodes[0], "/stats").await;
    assert!(
        stats["redis"]["requests"].as_u64() >= Some(8),
        "node 1 waited for answers: {stats}"
    );

    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_killConnection('alice-renamed')"
        )
        .await,
        json!(true)
    );
    assert_eq!(close_code(&mut alice, WAIT).await, Some(1000));
    nodes[1].wait_event("alice's close", WAIT, |e| {
        e["type"] == "close" && e["connection"] == "alice-renamed"
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_count_every_node_and_a_killed_node_leaves_them() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let mut nodes = vec![node(&redis, "n1"), node(&redis, "n2"), node(&redis, "n3")];
    let mut control = client(&nodes[0], "control").await;
    let mut ann = client(&nodes[0], "ann").await;
    let mut bob = client(&nodes[1], "bob").await;
    let _ann2 = client(&nodes[1], "ann").await;
    let _cid = client(&nodes[2], "cid").await;
    subscribe(&mut ann, "news").await;
    subscribe(&mut bob, "news").await;
    wait_subscribers(&redis, "frankenphp_ws:all", 3);
    // A node registers a connection (and subscribes its user's topic) just after the 101.
    wait_subscribers(&redis, "frankenphp_ws:user:ann", 2);
    wait_subscribers(&redis, "frankenphp_ws:user:cid", 1);

    assert_eq!(
        php(&mut control, "frankenphp_ws_getClientsCount()").await,
        json!(5)
    );
    let clients = php(&mut control, "frankenphp_ws_getClients()").await;
    assert_eq!(clients.as_array().unwrap().len(), 5, "{clients}");
    assert_eq!(
        php(&mut control, "frankenphp_ws_getChannels()").await,
        json!(["news"])
    );
    assert_eq!(
        php(&mut control, "getChannelUsers('news')").await,
        json!(["ann", "bob"])
    );
    assert_eq!(
        php(
            &mut control,
            "count(frankenphp_ws_getUserConnections('ann'))"
        )
        .await,
        json!(2)
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('cid')").await,
        json!("online")
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('nobody')").await,
        json!("offline")
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_listRoutes()").await,
        json!(["/ws"])
    );
    let bob_id = id_of(&mut control, "bob").await;
    php(
        &mut control,
        &format!("frankenphp_ws_tagClient('{bob_id}', 'vip')"),
    )
    .await;
    assert_eq!(
        php(&mut control, "frankenphp_ws_getClientsByTag('vip')").await,
        json!([bob_id])
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getTagCount('vip')").await,
        json!(1)
    );
    assert_eq!(
        php(&mut control, "frankenphp_ws_getTags()").await,
        json!(["vip"])
    );
    assert_eq!(
        php(
            &mut control,
            "frankenphp_ws_getClientsByTagExpression('vip | nothing')"
        )
        .await,
        json!([bob_id])
    );

    // `/stats` names every node beside its own figures.
    let deadline = Instant::now() + WAIT;
    let cluster = loop {
        let stats = admin_get(&nodes[0], "/stats").await;
        if stats["cluster"]["connections"] == json!(5) || Instant::now() > deadline {
            break stats["cluster"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(cluster["nodes"], json!(3), "{cluster}");
    assert_eq!(cluster["connections"], json!(5), "{cluster}");
    let names: Vec<&str> = cluster["node_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["n1", "n2", "n3"]);

    // kill -9 of node 3: its connection leaves the reads, and the node leaves `/stats`, within 3 s.
    let killed = Instant::now();
    drop(nodes.pop());
    loop {
        if php(&mut control, "frankenphp_ws_getClientsCount()").await == json!(4) {
            break;
        }
        assert!(
            killed.elapsed() < Duration::from_secs(3),
            "node 3's connection still counted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        php(&mut control, "frankenphp_ws_getPresence('cid')").await,
        json!("offline")
    );
    loop {
        if admin_get(&nodes[0], "/stats").await["cluster"]["nodes"] == json!(2) {
            break;
        }
        assert!(
            killed.elapsed() < Duration::from_millis(3500),
            "node 3 still in /stats"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_without_a_server_reaches_connections_and_reads_the_cluster() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2")];
    let mut alice = client(&nodes[1], "alice").await;
    let _bob = client(&nodes[0], "bob").await;
    wait_subscribers(&redis, "frankenphp_ws:user:alice", 1);
    wait_subscribers(&redis, "frankenphp_ws:user:bob", 1);
    wait_subscribers(&redis, "frankenphp_ws:all", 2);
    let out = cli(
        &redis,
        "$id = frankenphp_ws_getUserConnections('alice')[0];
         echo json_encode([
             frankenphp_ws_getClientsCount(),
             frankenphp_ws_send($id, 'from cli'),
             frankenphp_ws_send('nobody', 'x'),
             frankenphp_ws_getSubscriptions('nobody'),
             frankenphp_ws_setStoredInformation($id, 'k', 'v'),
             frankenphp_ws_getStoredInformation($id, 'k'),
             frankenphp_ws_renameConnection($id, frankenphp_ws_getUserConnections('bob')[0]),
         ]);",
    );
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!([2, true, false, [], true, "v", false])
    );
    assert_eq!(texts(&mut alice, 1).await, ["from cli"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_fail_fast_while_redis_is_down_and_local_ones_go_on() {
    let _serial = one_at_a_time();
    let mut redis = RedisServer::start();
    let nodes = [node(&redis, "n1"), node(&redis, "n2")];
    let mut control = client(&nodes[0], "control").await;
    let _alice = client(&nodes[1], "alice").await;
    let id = id_of(&mut control, "alice").await;
    let control_id = id_of(&mut control, "control").await;
    redis.stop();
    let deadline = Instant::now() + WAIT;
    while admin_get(&nodes[0], "/health").await["status"] != json!("degraded") {
        assert!(Instant::now() < deadline, "node 1 never saw Redis go");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let catch = |code: &str| {
        format!(
            "(function () {{ $t = microtime(true); try {{ {code}; return 'no exception'; }} \
             catch (FrankenPhpWs\\ServerUnreachableException $e) {{ return [$e->getMessage(), microtime(true) - $t]; }} }})()"
        )
    };
    for code in [
        "frankenphp_ws_getClientsCount()".to_string(),
        format!("frankenphp_ws_send('{id}', 'x')"),
    ] {
        let answer = php(&mut control, &catch(&code)).await;
        assert!(
            answer[0].as_str().unwrap().contains("Redis"),
            "{code}: {answer}"
        );
        assert!(
            answer[1].as_f64().unwrap() < 0.1,
            "{code} failed fast: {answer}"
        );
    }
    // This node's own connections are still served.
    send_text(
        &mut control,
        &format!("eval:frankenphp_ws_send('{control_id}', 'local')"),
    )
    .await;
    assert_eq!(texts(&mut control, 2).await, ["local", "true"]);
}
