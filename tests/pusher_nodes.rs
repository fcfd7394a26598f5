//! The Pusher protocol on two nodes sharing one real `redis-server`: HTTP API events, the
//! sender's exclusion, client events and server-to-user events cross nodes
//! (`tests/clients/pusher_nodes.mjs`, pusher-js 8 and the `pusher` SDK 5).

mod common;

use common::*;
use serde_json::json;

#[test]
fn pusher_events_client_events_and_user_events_cross_nodes() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let nodes: Vec<Worker> = ["n1", "n2"]
        .iter()
        .map(|name| {
            Worker::start(json!({
                "driver": "redis",
                "redis_address": redis.url(),
                "node_name": name,
                "pusher_app_id": "4711",
                "pusher_key": "app-key",
                "pusher_secret": "app-secret",
            }))
        })
        .collect();
    let port = redis.url().rsplit(':').next().unwrap().parse::<u16>().unwrap();
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
