//! A rolling restart that loses nothing: a node stopped with `handoff` gives its connections
//! to the other nodes as dormant ghosts (sockets closed with 1012), and their clients, coming
//! back with their tokens to the other nodes, get every message sent to them, in order, once.
//! Three PHP worker nodes on one real `redis-server`; messages keep flowing throughout.

mod common;

use common::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const CLIENTS: usize = 30;
const TICKS: usize = 200;
/// The ticks around the stop at which each client is also sent `d-N` by id, from node B.
const DIRECT: std::ops::Range<usize> = 40..70;

fn resumable_node(redis: &RedisServer, name: &str) -> Worker {
    Worker::start(json!({
        "driver": redis.driver(),
        "redis_address": redis.url(),
        "node_name": name,
        "ghost_ttl": 60,
        "resume_tokens": "auto",
    }))
}

/// The `resume_token` frame every socket starts with: (token, resumed).
async fn token_frame(client: &mut Client) -> (String, bool) {
    let frame = next_data(client, WAIT).await;
    let message: Value = serde_json::from_str(frame.to_text().unwrap()).unwrap();
    assert_eq!(message["event"], "resume_token", "{message}");
    (
        message["token"].as_str().unwrap().to_string(),
        message["resumed"].as_bool().unwrap(),
    )
}

/// One client as the documented reconnect logic has it: on a close, it comes back with its
/// token to one of `elsewhere`. Returns the ticks and the direct messages it got, in the
/// order it got them, how often it resumed, and the close codes it saw.
async fn follow(
    mut client: Client,
    mut token: String,
    elsewhere: Vec<String>,
    who: usize,
) -> (Vec<usize>, Vec<usize>, usize, Vec<u16>) {
    let (mut ticks, mut direct, mut resumes, mut closes) = (Vec::new(), Vec::new(), 0, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(20);
    while ticks.last() != Some(&(TICKS - 1)) && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(10), client.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                if let Some(n) = text.strip_prefix("tick-") {
                    ticks.push(n.parse().unwrap());
                } else if let Some(n) = text.strip_prefix("d-") {
                    direct.push(n.parse().unwrap());
                }
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                closes.push(frame.map_or(0, |f| u16::from(f.code)));
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_))) | Ok(None) => {
                let url = format!("{}?resume={token}", elsewhere[(who + resumes) % elsewhere.len()]);
                client = connect(&url).await;
                let (fresh, resumed) = token_frame(&mut client).await;
                assert!(resumed, "client {who} resumed on {url}");
                token = fresh;
                resumes += 1;
            }
            Err(_) => panic!("client {who}: nothing for 10 s after ticks {ticks:?}"),
        }
    }
    (ticks, direct, resumes, closes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_stopped_with_handoff_gives_its_clients_to_the_others_and_they_miss_nothing() {
    let _serial = one_at_a_time();
    let redis = RedisServer::start();
    let [a, b, c] = ["a", "b", "c"].map(|n| resumable_node(&redis, n));
    let mut clients = Vec::new();
    for who in 0..CLIENTS {
        let mut client = connect(&a.url("/ws")).await;
        let (token, _) = token_frame(&mut client).await;
        subscribe(&mut client, "feed").await;
        let elsewhere = vec![b.url("/ws"), c.url("/ws")];
        clients.push(tokio::spawn(follow(client, token, elsewhere, who)));
    }
    wait_subscribers(&redis, "frankenphp_ws:channel:feed", 1);
    let mut on_a = connect(&a.url("/ws?tag=control")).await;
    token_frame(&mut on_a).await;
    let mut on_c = connect(&c.url("/ws?tag=control")).await;
    token_frame(&mut on_c).await;
    let mut on_b = connect(&b.url("/ws?tag=control")).await;
    token_frame(&mut on_b).await;
    let ids: Vec<String> = a
        .events()
        .iter()
        .filter(|e| e["type"] == "open" && e["query"]["tag"].is_null())
        .map(|e| format!("'{}'", e["connection"].as_str().unwrap()))
        .collect();
    assert_eq!(ids.len(), CLIENTS);
    let ids = ids.join(", ");

    let started = Instant::now();
    let mut stopped_at = None;
    for tick in 0..TICKS {
        php(&mut on_c, &format!("broadcast('feed', 'tick-{tick}')")).await;
        if DIRECT.contains(&tick) {
            let each = format!("foreach ([{ids}] as $id) {{ frankenphp_ws_send($id, 'd-{tick}'); }}");
            php(&mut on_b, &format!("(function () {{ {each} return true; }})()")).await;
        }
        if tick == TICKS / 4 {
            send_text(&mut on_a, "eval:frankenphp_ws_stop(['handoff' => true])").await;
            stopped_at = Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let mut resumed = 0;
    for (who, client) in clients.into_iter().enumerate() {
        let (ticks, direct, resumes, closes) = client.await.unwrap();
        assert_eq!(
            ticks,
            (0..TICKS).collect::<Vec<_>>(),
            "client {who}: every tick, in order, once"
        );
        assert_eq!(
            direct,
            DIRECT.collect::<Vec<_>>(),
            "client {who}: every direct message, in order, once"
        );
        assert_eq!(closes, [1012], "client {who}: closed once, for the restart");
        resumed += resumes;
    }
    assert_eq!(resumed, CLIENTS, "each client resumed once");
    let resumes = |w: &Worker| w.events().iter().filter(|e| e["type"] == "resume").count();
    assert_eq!(resumes(&b) + resumes(&c), CLIENTS);
    for worker in [&b, &c] {
        let opens = worker
            .events()
            .iter()
            .filter(|e| e["type"] == "open" && e["query"]["tag"] != "control")
            .count();
        assert_eq!(opens, 0, "no new connection");
    }
    assert!(
        a.events().iter().all(|e| e["type"] != "close"),
        "A reports no end of the connections it handed off (its control client too has a token)"
    );
    println!(
        "{CLIENTS} clients handed off from a (stopped after {:?}): {TICKS} ticks and {} direct messages each, in order, no duplicate",
        stopped_at.unwrap(),
        DIRECT.len()
    );
}
