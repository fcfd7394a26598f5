//! `RedisBroker`: many nodes share one application through Redis pub/sub.
//!
//! - Publishing: `forward` encodes a fan-out operation once (`codec::encode_envelope`) into a
//!   bounded `Outbox`; one task publishes it in order, pipelined. While Redis is down the
//!   outbox waits (the oldest dropped past `redis_outbox`), so the PHP thread never waits on
//!   Redis for them and local delivery goes on. (The global store's calls do wait, bounded by
//!   `redis_timeout`: see `redis_sync`.)
//! - Interest: the hub tells the broker which channels, users and tags gain their first local
//!   member or lose their last; one task subscribes and unsubscribes accordingly, retrying what
//!   failed, and the connection manager re-subscribes after a reconnect.
//! - Receiving: RESP3 push messages arrive on one task, which runs each operation on this
//!   node (`Node::execute_remote`), skipping the node's own, and answers requests (`request`).
//! - Asking: a request to another node waits until this node's earlier messages have left,
//!   so a `send()` after a `broadcast()` arrives after it, then goes through `request`.
//! - Heartbeat: `cluster`.
//! - Health: a ping every second drives reconnection and says when Redis went down and came
//!   back (logs, `/health`).

use super::link::Link;
use super::outbox::{Item, Outbox};
use super::{cluster, interest, receive, redis_sync, request, topics, Broker};
use crate::config::{mask_password, Config};
use crate::hub::index::{Scope, Watcher};
use crate::node::Node;
use crate::ops::{codec, Id, Kind, Op, OpError, Reply};
use bytes::Bytes;
use parking_lot::{Condvar, Mutex};
use redis::PushInfo;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

/// At most this many messages go in one pipeline.
const BATCH: usize = 256;

/// After Redis comes back, publishing waits this long, so that the other nodes have
/// reconnected and re-subscribed: Redis keeps no message for a node that is not subscribed
/// yet. Nodes ping every `PING_DOWN` while Redis is down, so they are back well within it.
const GRACE: Duration = Duration::from_millis(1200);
const PING_UP: Duration = Duration::from_secs(1);
const PING_DOWN: Duration = Duration::from_millis(200);

pub struct RedisBroker {
    shared: Arc<Shared>,
    config: Config,
    /// Taken by `start`.
    tasks: Mutex<Option<Pending>>,
}

struct Pending {
    connection: Link,
    pushes: mpsc::UnboundedReceiver<PushInfo>,
    interest: mpsc::UnboundedReceiver<Interest>,
}

/// A change of interest: (Redis channel, wanted, its number in the order of changes).
pub(super) type Interest = (String, bool, u64);

pub(super) struct Shared {
    pub(super) prefix: String,
    /// This node's instance, in every message it publishes.
    pub(super) origin: u64,
    pub(super) timeout: Duration,
    pub(super) address: String,
    pub(super) outbox: Mutex<Outbox>,
    pub(super) wake: Notify,
    /// Signalled when messages leave the outbox (`ask` waits on it).
    pub(super) flushed: Condvar,
    pub(super) up: AtomicBool,
    /// When Redis last came back.
    pub(super) back_at: Mutex<Option<std::time::Instant>>,
    /// Set when Redis comes back: every subscription is sent again, since the connection
    /// manager's own re-subscription ignores its errors.
    pub(super) resync: AtomicBool,
    pub(super) resync_wake: Notify,
    /// Messages published and received, per operation kind.
    pub(super) published: Box<[AtomicU64]>,
    pub(super) received: Box<[AtomicU64]>,
    pub(super) reconnects: AtomicU64,
    pub(super) subscriptions: Mutex<HashSet<String>>,
    /// The number of the latest interest change the hub made, and of the latest one Redis has
    /// confirmed with every change before it: a node answers a request only once Redis knows
    /// what the request changed (a `subscribe()` from another node, then that node's
    /// `broadcast()`, must reach the client).
    pub(super) interest_made: AtomicU64,
    /// Set when the node leaves: no heartbeat is written after it removed its own.
    pub(super) leaving: Arc<AtomicBool>,
    pub(super) interest_confirmed: tokio::sync::watch::Sender<u64>,
}

impl RedisBroker {
    /// Connects to Redis (a bad address or password fails here, at start) and returns the
    /// broker with the watcher the hub must be built with.
    pub async fn connect(config: &Config) -> Result<(RedisBroker, Watcher), String> {
        let address = mask_password(&config.redis_address);
        let (connection, pushes) = Link::connect(config).await?;
        let (interest_tx, interest) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            prefix: config.redis_prefix.clone(),
            origin: loop {
                let n = u64::from_le_bytes(crate::hub::random_bytes::<8>());
                if n != 0 {
                    break n;
                }
            },
            timeout: config.redis_timeout,
            address: format!("{address} (node {})", config.node_name),
            outbox: Mutex::new(Outbox::new(config.redis_outbox)),
            wake: Notify::new(),
            flushed: Condvar::new(),
            up: AtomicBool::new(true),
            back_at: Mutex::new(None),
            resync: AtomicBool::new(false),
            resync_wake: Notify::new(),
            published: Kind::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            received: Kind::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            reconnects: AtomicU64::new(0),
            subscriptions: Mutex::new(HashSet::new()),
            interest_made: AtomicU64::new(0),
            leaving: Arc::new(AtomicBool::new(false)),
            interest_confirmed: tokio::sync::watch::Sender::new(0),
        });
        let prefix = config.redis_prefix.clone();
        let made = shared.clone();
        // Numbered and queued in one step, so the queue's order is the numbers' order.
        let interest_tx = Mutex::new(interest_tx);
        let watcher: Watcher = Arc::new(move |scope: Scope, name: &str, wanted: bool| {
            let topic = topics::scoped(&prefix, scope, name);
            let queue = interest_tx.lock();
            let number = made.interest_made.fetch_add(1, Ordering::AcqRel) + 1;
            let _ = queue.send((topic, wanted, number));
        });
        let broker = RedisBroker {
            shared,
            config: config.clone(),
            tasks: Mutex::new(Some(Pending {
                connection,
                pushes,
                interest,
            })),
        };
        Ok((broker, watcher))
    }
}

impl Broker for RedisBroker {
    fn forward(&self, op: &Op) {
        let Some(topic) = topics::fan_out(&self.shared.prefix, op) else {
            return;
        };
        // Numbered under the outbox's lock, so numbers follow the publish order.
        let mut outbox = self.shared.outbox.lock();
        let payload = Bytes::from(codec::encode_envelope(
            self.shared.origin,
            outbox.next_seq(),
            0,
            op,
        ));
        let dropped = outbox.dropped;
        outbox.push(op.kind(), topic, payload);
        let overflowed = outbox.dropped != dropped;
        drop(outbox);
        if overflowed {
            // Those dropped have left too, as far as `wait_flushed` is concerned.
            self.shared.flushed.notify_all();
        }
        self.shared.wake.notify_one();
    }

    fn run_shared(&self, op: &Op) -> Option<Result<Reply, OpError>> {
        redis_sync::global(&self.config, op)
    }

    fn ask(&self, op: &Op) -> Option<Result<Reply, OpError>> {
        // While Redis is down, and for a moment after (the other nodes re-subscribe), a
        // request would find nobody and answer "unknown": fail it instead.
        if self.shared.hold().is_some() {
            return Some(Err(OpError::Unreachable(format!(
                "Redis at {} is down or just back; {} was not run on the other nodes",
                self.shared.address,
                op.kind().name()
            ))));
        }
        redis_sync::blocking(|| {
            let deadline = std::time::Instant::now() + self.config.redis_timeout;
            if let Err(e) = self.shared.wait_flushed(deadline) {
                return Some(Err(e));
            }
            let answer = request::ask(&self.config, op, deadline);
            if answer.is_some() {
                self.shared.published[op.kind() as usize].fetch_add(1, Ordering::Relaxed);
            }
            answer
        })
    }

    fn metrics(&self) -> String {
        let s = &self.shared;
        let mut out = String::new();
        let mut metric = |name: &str, help: &str, kind: &str, lines: Vec<(String, u64)>| {
            out.push_str(&format!("# HELP frankenphp_ws_redis_{name} {help}\n# TYPE frankenphp_ws_redis_{name} {kind}\n"));
            for (labels, value) in lines {
                out.push_str(&format!("frankenphp_ws_redis_{name}{labels} {value}\n"));
            }
        };
        let by_kind = |counts: &[AtomicU64]| -> Vec<(String, u64)> {
            Kind::ALL
                .iter()
                .map(|k| {
                    (
                        format!("{{op=\"{}\"}}", k.name()),
                        counts[*k as usize].load(Ordering::Relaxed),
                    )
                })
                .filter(|(_, n)| *n > 0)
                .collect()
        };
        let (outbox, dropped) = {
            let outbox = s.outbox.lock();
            (outbox.len() as u64, outbox.dropped)
        };
        metric(
            "up",
            "1 while Redis answers",
            "gauge",
            vec![(String::new(), u64::from(s.up.load(Ordering::Acquire)))],
        );
        metric(
            "published_total",
            "messages this node published on Redis, by operation",
            "counter",
            by_kind(&s.published),
        );
        metric(
            "received_total",
            "messages this node received from Redis and ran, by operation",
            "counter",
            by_kind(&s.received),
        );
        metric(
            "outbox",
            "messages waiting for Redis",
            "gauge",
            vec![(String::new(), outbox)],
        );
        metric(
            "outbox_dropped_total",
            "messages dropped past the outbox's bound",
            "counter",
            vec![(String::new(), dropped)],
        );
        metric(
            "reconnects_total",
            "times Redis came back",
            "counter",
            vec![(String::new(), s.reconnects.load(Ordering::Relaxed))],
        );
        metric(
            "subscriptions",
            "Redis channels this node is subscribed to",
            "gauge",
            vec![(String::new(), s.subscriptions.lock().len() as u64)],
        );
        let (count, sum_us, _, buckets) = request::LATENCY.snapshot();
        out.push_str("# HELP frankenphp_ws_redis_request_seconds round trips of requests to other nodes\n# TYPE frankenphp_ws_redis_request_seconds histogram\n");
        let mut cumulative = 0;
        for (bound, n) in request::BUCKETS_US.iter().zip(buckets) {
            cumulative += n;
            out.push_str(&format!(
                "frankenphp_ws_redis_request_seconds_bucket{{le=\"{}\"}} {cumulative}\n",
                *bound as f64 / 1e6
            ));
        }
        out.push_str(&format!(
            "frankenphp_ws_redis_request_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        out.push_str(&format!(
            "frankenphp_ws_redis_request_seconds_sum {}\n",
            sum_us as f64 / 1e6
        ));
        out.push_str(&format!(
            "frankenphp_ws_redis_request_seconds_count {count}\n"
        ));
        out
    }

    fn cluster(&self) -> Option<Value> {
        Some(cluster::stats(&self.config))
    }

    fn held_elsewhere(&self, id: &Id) -> Result<bool, OpError> {
        // While Redis is down, renames on this node go on: it cannot ask.
        if !self.shared.up.load(Ordering::Acquire) {
            return Ok(false);
        }
        redis_sync::holders(&self.config, id).map(|n| n > 0)
    }

    fn leave(&self) {
        let deadline = std::time::Instant::now() + self.config.redis_timeout;
        if self.shared.up.load(Ordering::Acquire) && self.shared.wait_flushed(deadline).is_err() {
            tracing::warn!(
                "{} messages for other nodes were not published before the stop",
                self.shared.outbox.lock().len()
            );
        }
        self.shared.leaving.store(true, Ordering::Release);
        cluster::forget(&self.config, self.shared.origin);
    }

    fn start(&self, node: &Arc<Node>) {
        let Some(pending) = self.tasks.lock().take() else {
            return;
        };
        let shared = &self.shared;
        tokio::spawn(publish(
            shared.clone(),
            pending.connection.clone(),
            node.clone(),
        ));
        tokio::spawn(interest::follow(
            shared.clone(),
            pending.connection.clone(),
            pending.interest,
            node.clone(),
        ));
        tokio::spawn(receive::receive(
            shared.clone(),
            pending.pushes,
            pending.connection.clone(),
            node.clone(),
        ));
        tokio::spawn(cluster::beat(
            node.clone(),
            pending.connection.clone(),
            shared.origin,
            shared.leaving.clone(),
        ));
        tokio::spawn(watch_health(
            shared.clone(),
            pending.connection,
            node.clone(),
        ));
    }

    fn degraded(&self) -> Option<String> {
        (!self.shared.up.load(Ordering::Acquire)).then(|| "down".to_string())
    }

    fn stats(&self) -> Option<Value> {
        let s = &self.shared;
        let by_kind = |counts: &[AtomicU64]| -> serde_json::Map<String, Value> {
            Kind::ALL
                .iter()
                .map(|k| (k.name(), counts[*k as usize].load(Ordering::Relaxed)))
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| (name.to_string(), json!(n)))
                .collect()
        };
        let total = |counts: &[AtomicU64]| {
            counts
                .iter()
                .map(|n| n.load(Ordering::Relaxed))
                .sum::<u64>()
        };
        let (asked, sum_us, max_us, _) = request::LATENCY.snapshot();
        let outbox = s.outbox.lock();
        Some(json!({
            "up": s.up.load(Ordering::Acquire),
            "published": total(&s.published),
            "received": total(&s.received),
            "published_by_kind": by_kind(&s.published),
            "received_by_kind": by_kind(&s.received),
            "requests": asked,
            "request_latency_avg_us": sum_us.checked_div(asked).unwrap_or(0),
            "request_latency_max_us": max_us,
            "outbox": outbox.len(),
            "outbox_dropped": outbox.dropped,
            "reconnects": s.reconnects.load(Ordering::Relaxed),
            "subscriptions": s.subscriptions.lock().len(),
        }))
    }
}

impl Shared {
    /// Records whether Redis answers; logs each change once.
    pub(super) fn set_up(&self, up: bool, why: &dyn std::fmt::Display) {
        if self.up.swap(up, Ordering::AcqRel) == up {
            return;
        }
        if up {
            self.reconnects.fetch_add(1, Ordering::Relaxed);
            *self.back_at.lock() = Some(std::time::Instant::now());
            self.resync.store(true, Ordering::Release);
            self.resync_wake.notify_one();
            tracing::warn!("Redis at {} is back", self.address);
            self.wake.notify_one();
        } else {
            tracing::error!(
                "Redis at {} is down ({why}): messages for other nodes wait in the outbox",
                self.address
            );
        }
    }

    /// Waits until every message queued so far has left the outbox, so that a request sent
    /// next (on another connection) cannot overtake them.
    fn wait_flushed(&self, deadline: std::time::Instant) -> Result<(), OpError> {
        let mut outbox = self.outbox.lock();
        let queued = outbox.next_seq() - 1;
        while !outbox.passed(queued) {
            if self.flushed.wait_until(&mut outbox, deadline).timed_out() {
                return Err(OpError::Unreachable(format!(
                    "Redis at {} did not take this node's earlier messages within redis_timeout",
                    self.address
                )));
            }
        }
        Ok(())
    }

    /// How long publishing must wait: while Redis is down (the health task says when it is
    /// back), then for `GRACE`.
    pub(super) fn hold(&self) -> Option<Duration> {
        if !self.up.load(Ordering::Acquire) {
            return Some(PING_DOWN);
        }
        let since = (*self.back_at.lock())?.elapsed();
        (since < GRACE).then(|| GRACE - since)
    }
}

/// Publishes the outbox in order; on failure, waits with capped, jittered backoff and retries
/// the same messages.
async fn publish(shared: Arc<Shared>, mut connection: Link, node: Arc<Node>) {
    let mut backoff = Duration::from_millis(50);
    loop {
        let batch = shared.outbox.lock().peek(BATCH);
        if batch.is_empty() {
            tokio::select! {
                _ = node.shutdown.wait() => return,
                _ = shared.wake.notified() => continue,
            }
        }
        if let Some(wait) = shared.hold() {
            tokio::select! {
                _ = node.shutdown.wait() => return,
                _ = tokio::time::sleep(wait) => continue,
            }
        }
        let last = batch.last().map_or(0, |item| item.seq);
        let sent = tokio::time::timeout(shared.timeout, send(&mut connection, &batch)).await;
        match sent {
            Ok(Ok(())) => {
                shared.outbox.lock().sent(last);
                shared.flushed.notify_all();
                for item in &batch {
                    shared.published[item.kind as usize].fetch_add(1, Ordering::Relaxed);
                }
                backoff = Duration::from_millis(50);
            }
            // Redis refused a command (an ACL rule, …): retrying cannot help, and would
            // publish the rest of the batch again and again. Drop it, say so.
            Ok(Err(e)) if !super::redis_sync::passing(&e) => {
                tracing::error!(
                    "Redis at {} refused {} messages, dropped: {e}",
                    shared.address,
                    batch.len()
                );
                let mut outbox = shared.outbox.lock();
                outbox.sent(last);
                outbox.dropped += batch.len() as u64;
                drop(outbox);
                shared.flushed.notify_all();
            }
            Ok(Err(e)) => {
                shared.set_up(false, &e);
                pause(&node, &mut backoff).await;
            }
            Err(_) => {
                shared.set_up(false, &"no answer within redis_timeout");
                pause(&node, &mut backoff).await;
            }
        }
        if node.shutdown.is_triggered() {
            return;
        }
    }
}

/// Publishes a batch in order: one pipeline to one server. A cluster takes a pipeline only
/// within one slot, so there each Redis channel's messages go in one pipeline, in order, and
/// the channels' pipelines go to their shards at once.
async fn send(connection: &mut Link, batch: &[Item]) -> redis::RedisResult<()> {
    if !connection.is_cluster() {
        let mut pipe = redis::pipe();
        for item in batch {
            pipe.publish(&item.topic, &item.payload[..]).ignore();
        }
        return pipe.query_async::<()>(connection).await;
    }
    let mut by_topic: Vec<(&str, redis::Pipeline)> = Vec::new();
    for item in batch {
        let at = match by_topic.iter().position(|(topic, _)| *topic == item.topic) {
            Some(at) => at,
            None => {
                by_topic.push((&item.topic, redis::pipe()));
                by_topic.len() - 1
            }
        };
        by_topic[at]
            .1
            .cmd("SPUBLISH")
            .arg(&item.topic)
            .arg(&item.payload[..])
            .ignore();
    }
    let sends = by_topic.iter().map(|(_, pipe)| {
        let mut connection = connection.clone();
        async move { pipe.query_async::<()>(&mut connection).await }
    });
    futures_util::future::join_all(sends)
        .await
        .into_iter()
        .collect()
}

/// Sleeps `backoff` with jitter, then doubles it up to 2 s.
async fn pause(node: &Node, backoff: &mut Duration) {
    let jitter = u64::from(crate::hub::random_bytes::<1>()[0]) * backoff.as_millis() as u64 / 512;
    tokio::select! {
        _ = node.shutdown.wait() => {}
        _ = tokio::time::sleep(*backoff + Duration::from_millis(jitter)) => {}
    }
    *backoff = (*backoff * 2).min(Duration::from_secs(2));
}

/// Pings Redis (every second, or more often while it is down): this drives reconnection,
/// and is what declares Redis back.
async fn watch_health(shared: Arc<Shared>, mut connection: Link, node: Arc<Node>) {
    loop {
        let every = if shared.up.load(Ordering::Acquire) {
            PING_UP
        } else {
            PING_DOWN
        };
        tokio::select! {
            _ = node.shutdown.wait() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let ping = tokio::time::timeout(
            shared.timeout,
            redis::cmd("PING").query_async::<String>(&mut connection),
        )
        .await;
        match ping {
            Ok(Ok(_)) => shared.set_up(true, &""),
            Ok(Err(e)) => shared.set_up(false, &e),
            Err(_) => shared.set_up(false, &"no answer within redis_timeout"),
        }
    }
}
