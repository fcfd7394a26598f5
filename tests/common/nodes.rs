//! Several PHP worker nodes on one real `redis-server`: what the scale-out tests share.

use super::*;
use frankenphp_ws::auth::jwt;
use serde_json::json;

pub const SECRET: &str = "scale-out-secret";

/// One test at a time: each runs a Redis and up to three PHP nodes, and the outage tests
/// measure recovery times that a machine busy with the others would blur.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
pub const WAIT: Duration = Duration::from_secs(5);

/// One Redis server or a Redis Cluster: what nodes share.
pub trait Backend {
    /// The `driver` that uses it.
    fn driver(&self) -> &'static str;
    fn url(&self) -> String;
    /// Subscribers of a Redis channel (sharded, for a cluster).
    fn subscribers(&self, topic: &str) -> u64;
}

impl Backend for RedisServer {
    fn driver(&self) -> &'static str {
        "redis"
    }
    fn url(&self) -> String {
        RedisServer::url(self)
    }
    fn subscribers(&self, topic: &str) -> u64 {
        RedisServer::subscribers(self, topic)
    }
}

impl Backend for RedisCluster {
    fn driver(&self) -> &'static str {
        "redis-cluster"
    }
    fn url(&self) -> String {
        RedisCluster::url(self)
    }
    fn subscribers(&self, topic: &str) -> u64 {
        self.shard_subscribers(topic)
    }
}

pub fn node(redis: &impl Backend, name: &str) -> Worker {
    Worker::start(json!({
        "driver": redis.driver(),
        "redis_address": redis.url(),
        "node_name": name,
        "auth_jwt_secret": SECRET,
    }))
}

/// A client of `worker` authenticated as `user`.
pub async fn client(worker: &Worker, user: &str) -> Client {
    let bearer = format!(
        "Bearer {}",
        jwt::sign(&json!({"sub": user}), SECRET.as_bytes())
    );
    try_connect(&worker.url("/ws"), &[("authorization", &bearer)])
        .await
        .expect("handshake")
}

/// Runs PHP code in a CLI process that hosts no server, with only the Redis settings (its
/// `admin_url` names nothing, so only Redis can carry its calls); its output.
pub fn cli(redis: &impl Backend, code: &str) -> String {
    let out = std::process::Command::new("php")
        .args(["-n", "-d", &format!("extension={}", extension().display())])
        .args([
            "-d",
            &format!("frankenphp_ws.driver={}", redis.driver()),
            "-d",
            &format!("frankenphp_ws.redis_address={}", redis.url()),
        ])
        .args([
            "-d",
            "frankenphp_ws.admin_url=http://127.0.0.1:1",
            "-r",
            code,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until `redis` has `n` subscribers on `topic`.
pub fn wait_subscribers(redis: &impl Backend, topic: &str, n: u64) {
    let deadline = Instant::now() + WAIT;
    while redis.subscribers(topic) != n {
        assert!(
            Instant::now() < deadline,
            "{topic}: {} subscribers, expected {n}",
            redis.subscribers(topic)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub async fn texts(client: &mut Client, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(next_data(client, WAIT).await.to_text().unwrap().to_string());
    }
    out
}

/// Records `total` texts from `client`, each with when it arrived, and anything more within
/// 200 ms after (as "EXTRA …": a duplicate). Stops at `idle` without a message.
pub fn record(
    mut client: Client,
    total: usize,
    idle: Duration,
) -> tokio::task::JoinHandle<Vec<(String, Instant)>> {
    use futures_util::StreamExt;
    tokio::spawn(async move {
        let mut got = Vec::new();
        while got.len() < total {
            let Ok(Some(Ok(message))) = tokio::time::timeout(idle, client.next()).await else {
                break;
            };
            if let Ok(text) = message.to_text() {
                got.push((text.to_string(), Instant::now()));
            }
        }
        if let Ok(Some(extra)) =
            tokio::time::timeout(Duration::from_millis(200), client.next()).await
        {
            got.push((format!("EXTRA {extra:?}"), Instant::now()));
        }
        got
    })
}

/// Panics unless node `n`'s reader got exactly `t0`..`t{total-1}`, naming the first difference.
pub fn assert_every_tick_in_order(n: usize, got: &[(String, Instant)], total: usize) {
    let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    let expected: Vec<String> = (0..total).map(|i| format!("t{i}")).collect();
    if texts != expected {
        let first = texts.iter().zip(&expected).position(|(a, b)| a != b);
        panic!(
            "node {n}: {} messages; first difference at {first:?}: {:?}",
            texts.len(),
            first.map(|i| &texts[i.saturating_sub(2)..(i + 3).min(texts.len())])
        );
    }
}
