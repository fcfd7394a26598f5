//! Which nodes are alive: every node writes a heartbeat each second into one Redis hash
//! (`topics::nodes`), field = its instance number, value = its name, the time and its figures.
//!
//! A heartbeat older than `STALE` is a dead node's: readers skip it, and past twice that delete
//! it and close its Redis connection. A node that restarts under the same `node_name` is a new
//! instance, so it inherits nothing. Cluster
//! reads need no heartbeat to be right (a dead node's subscriptions vanish with its Redis
//! connection, so it is not asked); heartbeats name the nodes in `/stats` and tell a node that
//! died during a read from one that is alive but silent (`request`).

use super::link::Link;
use super::{redis_sync, topics};
use crate::config::Config;
use crate::node::Node;
use crate::ops::OpError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const BEAT: Duration = Duration::from_secs(1);

/// A heartbeat this old is a dead node's. Three beats: a node is gone from `/stats` within 3 s.
pub const STALE: Duration = Duration::from_millis(3000);

/// One node's heartbeat.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heartbeat {
    #[serde(skip)]
    pub instance: u64,
    pub name: String,
    /// Milliseconds since the Unix epoch, by Redis's clock.
    pub at: u64,
    /// The Redis client id of the node's connection (one Redis server only): a reader that
    /// finds the node dead closes it, so Redis drops the dead node's subscriptions at once
    /// instead of at TCP keepalive.
    #[serde(default)]
    pub client: Option<u64>,
    pub connections: u64,
    pub users: u64,
    pub channels: u64,
}

/// Redis's clock, in milliseconds since the Unix epoch: every node's heartbeat is dated, and
/// read, by it, so the machines' clocks do not matter.
pub(super) fn redis_ms((seconds, micros): (u64, u64)) -> u64 {
    seconds * 1000 + micros / 1000
}

/// TIME, asked of the server that holds `key`: in a cluster, every heartbeat is dated, and
/// read, by the one primary that holds the hash, whatever the shards' clocks say.
pub(super) fn redis_time(key: &str) -> redis::Cmd {
    let mut command = redis::cmd("EVAL");
    command.arg("return redis.call('TIME')").arg(1).arg(key);
    command
}

pub(super) fn field(instance: u64) -> String {
    format!("{instance:016x}")
}

/// Beats every second until the node stops (`forget` removes the heartbeat then).
pub async fn beat(node: Arc<Node>, mut connection: Link, instance: u64, leaving: Arc<AtomicBool>) {
    let key = topics::nodes(&node.config.redis_prefix);
    loop {
        if leaving.load(Ordering::Acquire) {
            return;
        }
        let write = async {
            let at = redis_time(&key)
                .query_async::<(u64, u64)>(&mut connection)
                .await?;
            let client = match connection.is_cluster() {
                true => None,
                false => Some(
                    redis::cmd("CLIENT")
                        .arg("ID")
                        .query_async::<u64>(&mut connection)
                        .await?,
                ),
            };
            let (connections, users, channels, _) = node.hub.summary();
            let heartbeat = Heartbeat {
                instance,
                name: node.config.node_name.clone(),
                at: redis_ms(at),
                client,
                connections: connections as u64,
                users: users as u64,
                channels: channels as u64,
            };
            let value = serde_json::to_string(&heartbeat).expect("a heartbeat serialises");
            if leaving.load(Ordering::Acquire) {
                return Ok(());
            }
            redis::cmd("HSET")
                .arg(&key)
                .arg(field(instance))
                .arg(value)
                .query_async::<()>(&mut connection)
                .await
        };
        // A failure is the health task's to report; the next beat tries again.
        let _ = tokio::time::timeout(node.config.redis_timeout, write).await;
        tokio::select! {
            _ = node.shutdown.wait() => return,
            _ = tokio::time::sleep(BEAT) => {}
        }
    }
}

/// Removes this node's heartbeat (it stops). Blocking, bounded by `redis_timeout`.
pub fn forget(config: &Config, instance: u64) {
    let key = topics::nodes(&config.redis_prefix);
    let forgotten: Result<(), _> = redis_sync::run(
        config,
        redis::cmd("HDEL").arg(&key).arg(field(instance)),
        "",
    );
    if let Err(e) = forgotten {
        tracing::warn!(
            "node {} could not remove its heartbeat (it goes stale in {STALE:?}): {e}",
            config.node_name
        );
    }
}

/// The nodes with a fresh heartbeat, by name. A stale heartbeat is deleted, and its node's
/// Redis connection closed.
pub fn live_nodes(config: &Config) -> Result<Vec<Heartbeat>, OpError> {
    let key = topics::nodes(&config.redis_prefix);
    let failed = "the cluster's nodes were not read";
    let now = redis_ms(redis_sync::run(config, &redis_time(&key), failed)?);
    let all: Vec<(String, String)> =
        redis_sync::run(config, redis::cmd("HGETALL").arg(&key), failed)?;
    let mut live = Vec::new();
    let mut stale = redis::cmd("HDEL");
    stale.arg(&key);
    let mut any_stale = false;
    for (instance, value) in all {
        let heartbeat = serde_json::from_str::<Heartbeat>(&value)
            .ok()
            .zip(u64::from_str_radix(&instance, 16).ok())
            .map(|(h, instance)| Heartbeat { instance, ..h });
        let age = heartbeat
            .as_ref()
            .map_or(u64::MAX, |h| now.saturating_sub(h.at));
        match heartbeat {
            Some(h) if age < STALE.as_millis() as u64 => live.push(h),
            // Dead, but forgotten only later: a node whose beats were late (a starved
            // machine) keeps its Redis connection unless it stays silent.
            Some(_) if age < 2 * STALE.as_millis() as u64 => {}
            dead => {
                tracing::info!(
                    "node instance {instance} has not beaten for {:?}: forgotten",
                    2 * STALE
                );
                if let Some(client) = dead.and_then(|h| h.client) {
                    let _: Result<(), _> = redis_sync::run(
                        config,
                        redis::cmd("CLIENT").arg("KILL").arg("ID").arg(client),
                        failed,
                    );
                }
                stale.arg(&instance);
                any_stale = true;
            }
        }
    }
    if any_stale {
        let _: Result<(), _> = redis_sync::run(config, &stale, failed);
    }
    live.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(live)
}

/// The cluster part of `/stats`: every live node's figures, and the totals.
pub fn stats(config: &Config) -> Value {
    match live_nodes(config) {
        Ok(nodes) => json!({
            "nodes": nodes.len(),
            "connections": nodes.iter().map(|n| n.connections).sum::<u64>(),
            "node_list": nodes.iter().map(|n| json!({
                "name": n.name,
                "connections": n.connections,
                "users": n.users,
                "channels": n.channels,
            })).collect::<Vec<_>>(),
        }),
        Err(e) => json!({ "error": e.to_string() }),
    }
}
