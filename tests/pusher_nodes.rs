//! The Pusher protocol across nodes sharing one Redis (`driver=redis`) or a Redis Cluster,
//! with pusher-js and the `pusher` Node SDK against real PHP workers:
//! - events, the sender's exclusion, client events and server-to-user events cross nodes
//!   (`tests/clients/pusher_nodes.mjs`);
//! - presence channels are the cluster's: member lists, once-per-user events, the HTTP API's
//!   counts, a killed node's users removed, and Redis told again after it lost its data
//!   (`tests/clients/pusher_presence_nodes.mjs`).

mod common;

use common::*;
use serde_json::json;

/// `count` workers sharing `address`, each with the same Pusher application.
fn pusher_nodes(count: usize, driver: &str, address: &str) -> Vec<Worker> {
    (1..=count)
        .map(|n| {
            Worker::start(json!({
                "driver": driver,
                "redis_address": address,
                "node_name": format!("n{n}"),
                "pusher_app_id": "4711",
                "pusher_key": "app-key",
                "pusher_secret": "app-secret",
            }))
        })
        .collect()
}

/// HTTP API events, the sender's exclusion, client events and server-to-user events cross
/// nodes sharing one Redis.
#[test]
fn pusher_events_client_events_and_user_events_cross_nodes() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes = pusher_nodes(2, "redis", &redis.url());
    let port = redis.port;
    let input = json!({
        "nodes": nodes.iter().map(|n| n.listen.port()).collect::<Vec<_>>(),
        "app_id": "4711",
        "key": "app-key",
        "secret": "app-secret",
        "redis_port": port,
    });
    let seen = node_json(&["tests/clients/pusher_nodes.mjs"], &input);
    assert_eq!(seen["other_node"], json!({"id": 1}), "{seen}");
    assert_eq!(seen["excluded_elsewhere"], json!({"id": 2}), "{seen}");
    assert_eq!(
        seen["a_got"],
        json!([{"id": 1}]),
        "the excluded socket, on the other node, did not get it: {seen}"
    );
    assert_eq!(seen["client_event"], json!({"from": "ann"}), "{seen}");
    assert_eq!(seen["user_event"], json!({"to": "ann"}), "{seen}");
}

/// Presence channels span the nodes: member lists, once-per-user events, the HTTP API's
/// counts, a killed node's users removed by the others, and Redis told again after it lost
/// its data.
#[test]
fn presence_members_are_the_clusters_and_a_dead_nodes_users_leave() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    presence_across(&pusher_nodes(3, "redis", &redis.url()), &[redis.port]);
}

/// The same on a Redis Cluster: each presence channel's keys share one hash slot.
#[test]
fn presence_members_span_a_redis_cluster() {
    let _serial = one_at_a_time();
    let cluster = RedisCluster::start();
    let ports: Vec<u16> = cluster.nodes.iter().map(|n| n.port).collect();
    presence_across(&pusher_nodes(3, "redis-cluster", &cluster.url()), &ports);
}

/// `tests/clients/pusher_presence_nodes.mjs` against three nodes; `redis_ports`: the servers
/// to flush when Redis loses its data.
fn presence_across(nodes: &[Worker], redis_ports: &[u16]) {
    let input = json!({
        "nodes": nodes.iter().map(|n| n.listen.port()).collect::<Vec<_>>(),
        "pids": nodes.iter().map(Worker::pid).collect::<Vec<_>>(),
        "app_id": "4711",
        "key": "app-key",
        "secret": "app-secret",
        "redis_ports": redis_ports,
    });
    let seen = node_json(&["tests/clients/pusher_presence_nodes.mjs"], &input);
    assert_eq!(seen["ann_here"], json!(["ann"]), "{seen}");
    assert_eq!(seen["bob_here"], json!(["ann", "bob"]), "node 1's user listed: {seen}");
    assert_eq!(seen["bob_sees_ann_info"], json!({"name": "ANN"}), "{seen}");
    assert_eq!(seen["ann_hears"], json!({"name": "BOB"}), "{seen}");
    assert_eq!(seen["bob2_here"], json!(["ann", "bob"]), "{seen}");
    assert_eq!(seen["bob3_here"], json!(["ann", "bob"]), "{seen}");
    assert_eq!(seen["carol_here"], json!(["ann", "bob", "carol"]), "{seen}");
    assert_eq!(seen["users"], json!(["ann", "bob", "carol"]), "{seen}");
    let info = json!({"occupied": true, "user_count": 3, "subscription_count": 5});
    assert_eq!(seen["info"], info, "{seen}");
    let listed = json!({"channels": {"presence-room": {"user_count": 3}}});
    assert_eq!(seen["listed"], listed, "{seen}");
    assert_eq!(seen["removed_while_bob2_stays"], json!([]), "{seen}");
    assert_eq!(seen["bob_gone"], json!("bob"), "{seen}");
    assert_eq!(seen["carol_gone"], json!("carol"), "{seen}");
    assert_eq!(seen["added"], json!(["bob", "carol"]), "once per user: {seen}");
    assert_eq!(seen["removed"], json!(["bob", "carol"]), "once per user: {seen}");
    assert_eq!(seen["users_after"], json!(["ann"]), "{seen}");
    assert_eq!(seen["users_right_after_flush"], json!([]), "{seen}");
    assert_eq!(seen["users_after_flush"], json!(["ann"]), "told again: {seen}");
    let (after, again) = (&seen["removed_after_ms"], &seen["told_again_after_ms"]);
    eprintln!("a killed node's users were removed after {after} ms; Redis told again after {again} ms");
}

