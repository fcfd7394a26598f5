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
//!   node (`Node::execute_remote`), skipping the node's own.
//! - Health: a ping every second drives reconnection and says when Redis went down and came
//!   back (logs, `/health`).

use super::outbox::Outbox;
use super::{topics, Broker};
use crate::config::{mask_password, Config};
use crate::hub::index::{Scope, Watcher};
use crate::node::Node;
use crate::ops::{codec, Op};
use bytes::Bytes;
use parking_lot::Mutex;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Msg, PushInfo, PushKind};
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
    connection: ConnectionManager,
    pushes: mpsc::UnboundedReceiver<PushInfo>,
    interest: mpsc::UnboundedReceiver<(String, bool)>,
}

struct Shared {
    prefix: String,
    /// This node's instance, in every message it publishes.
    origin: u64,
    timeout: Duration,
    address: String,
    outbox: Mutex<Outbox>,
    wake: Notify,
    up: AtomicBool,
    /// When Redis last came back.
    back_at: Mutex<Option<std::time::Instant>>,
    /// Set when Redis comes back: every subscription is sent again, since the connection
    /// manager's own re-subscription ignores its errors.
    resync: AtomicBool,
    resync_wake: Notify,
    published: AtomicU64,
    received: AtomicU64,
    reconnects: AtomicU64,
    subscriptions: Mutex<HashSet<String>>,
}

impl RedisBroker {
    /// Connects to Redis (a bad address or password fails here, at start) and returns the
    /// broker with the watcher the hub must be built with.
    pub async fn connect(config: &Config) -> Result<(RedisBroker, Watcher), String> {
        let address = mask_password(&config.redis_address);
        let fail = |e: &dyn std::fmt::Display| format!("cannot use Redis at {address} (option 'redis_address'): {e}");
        let info = redis::IntoConnectionInfo::into_connection_info(config.redis_address.as_str())
            .map_err(|e| fail(&e))?;
        let settings = info.redis_settings().clone().set_protocol(redis::ProtocolVersion::RESP3);
        let client = redis::Client::open(info.set_redis_settings(settings)).map_err(|e| fail(&e))?;
        let (push_tx, pushes) = mpsc::unbounded_channel();
        let manager_config = ConnectionManagerConfig::new()
            .set_push_sender(push_tx)
            .set_automatic_resubscription()
            .set_connection_timeout(Some(config.redis_timeout))
            .set_response_timeout(Some(config.redis_timeout))
            .set_max_delay(Duration::from_millis(500))
            // One reconnection attempt per command, no more: a publish must fail while Redis is
            // down, not wait for it and go out the moment it is back, before the other nodes
            // have re-subscribed (see GRACE). The pings drive reconnection.
            .set_number_of_retries(0);
        let connection = tokio::time::timeout(config.redis_timeout, ConnectionManager::new_with_config(client, manager_config))
            .await
            .map_err(|_| fail(&"no answer within redis_timeout"))?
            .map_err(|e| fail(&e))?;
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
            up: AtomicBool::new(true),
            back_at: Mutex::new(None),
            resync: AtomicBool::new(false),
            resync_wake: Notify::new(),
            published: AtomicU64::new(0),
            received: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            subscriptions: Mutex::new(HashSet::new()),
        });
        let prefix = config.redis_prefix.clone();
        let watcher: Watcher = Arc::new(move |scope: Scope, name: &str, wanted: bool| {
            let _ = interest_tx.send((topics::scoped(&prefix, scope, name), wanted));
        });
        let broker = RedisBroker { shared, config: config.clone(), tasks: Mutex::new(Some(Pending { connection, pushes, interest })) };
        Ok((broker, watcher))
    }
}

impl Broker for RedisBroker {
    fn forward(&self, op: &Op) {
        let Some(topic) = topics::of(&self.shared.prefix, op) else { return };
        // Numbered under the outbox's lock, so numbers follow the publish order.
        let mut outbox = self.shared.outbox.lock();
        let payload = Bytes::from(codec::encode_envelope(self.shared.origin, outbox.next_seq(), op));
        outbox.push(topic, payload);
        drop(outbox);
        self.shared.wake.notify_one();
    }

    fn run_shared(&self, op: &Op) -> Option<Result<crate::ops::Reply, crate::ops::OpError>> {
        super::redis_sync::global(&self.config, op)
    }

    fn start(&self, node: &Arc<Node>) {
        let Some(pending) = self.tasks.lock().take() else { return };
        let shared = &self.shared;
        tokio::spawn(publish(shared.clone(), pending.connection.clone(), node.clone()));
        tokio::spawn(follow_interest(shared.clone(), pending.connection.clone(), pending.interest, node.clone()));
        tokio::spawn(receive(shared.clone(), pending.pushes, node.clone()));
        tokio::spawn(watch_health(shared.clone(), pending.connection, node.clone()));
    }

    fn degraded(&self) -> Option<String> {
        (!self.shared.up.load(Ordering::Acquire)).then(|| "down".to_string())
    }

    fn stats(&self) -> Option<Value> {
        let s = &self.shared;
        let outbox = s.outbox.lock();
        Some(json!({
            "up": s.up.load(Ordering::Acquire),
            "published": s.published.load(Ordering::Relaxed),
            "received": s.received.load(Ordering::Relaxed),
            "outbox": outbox.len(),
            "outbox_dropped": outbox.dropped,
            "reconnects": s.reconnects.load(Ordering::Relaxed),
            "subscriptions": s.subscriptions.lock().len(),
        }))
    }
}

impl Shared {
    /// Records whether Redis answers; logs each change once.
    fn set_up(&self, up: bool, why: &dyn std::fmt::Display) {
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
            tracing::error!("Redis at {} is down ({why}): messages for other nodes wait in the outbox", self.address);
        }
    }

    /// How long publishing must wait: while Redis is down (the health task says when it is
    /// back), then for `GRACE`.
    fn hold(&self) -> Option<Duration> {
        if !self.up.load(Ordering::Acquire) {
            return Some(PING_DOWN);
        }
        let since = (*self.back_at.lock())?.elapsed();
        (since < GRACE).then(|| GRACE - since)
    }
}

/// Publishes the outbox in order; on failure, waits with capped, jittered backoff and retries
/// the same messages.
async fn publish(shared: Arc<Shared>, mut connection: ConnectionManager, node: Arc<Node>) {
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
        let mut pipe = redis::pipe();
        for (_, topic, payload) in &batch {
            pipe.publish(topic, &payload[..]).ignore();
        }
        let sent = tokio::time::timeout(shared.timeout, pipe.query_async::<()>(&mut connection)).await;
        match sent {
            Ok(Ok(())) => {
                shared.outbox.lock().sent(batch.last().map_or(0, |(seq, _, _)| *seq));
                shared.published.fetch_add(batch.len() as u64, Ordering::Relaxed);
                backoff = Duration::from_millis(50);
            }
            // Redis refused a command (an ACL rule, …): retrying cannot help, and would
            // publish the rest of the batch again and again. Drop it, say so.
            Ok(Err(e)) if !super::redis_sync::lost_connection(&e) => {
                tracing::error!("Redis at {} refused {} messages, dropped: {e}", shared.address, batch.len());
                let mut outbox = shared.outbox.lock();
                outbox.sent(batch.last().map_or(0, |(seq, _, _)| *seq));
                outbox.dropped += batch.len() as u64;
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

/// Sleeps `backoff` with jitter, then doubles it up to 2 s.
async fn pause(node: &Node, backoff: &mut Duration) {
    let jitter = u64::from(crate::hub::random_bytes::<1>()[0]) * backoff.as_millis() as u64 / 512;
    tokio::select! {
        _ = node.shutdown.wait() => {}
        _ = tokio::time::sleep(*backoff + Duration::from_millis(jitter)) => {}
    }
    *backoff = (*backoff * 2).min(Duration::from_secs(2));
}

/// Subscribes to `all`, then follows the hub's interest; what failed is retried every 500 ms.
async fn follow_interest(
    shared: Arc<Shared>,
    mut connection: ConnectionManager,
    mut interest: mpsc::UnboundedReceiver<(String, bool)>,
    node: Arc<Node>,
) {
    // Topic → wanted, for the changes not yet applied in Redis.
    let mut pending: Vec<(String, bool)> = vec![(topics::everyone(&shared.prefix), true)];
    let mut retry = tokio::time::interval(Duration::from_millis(500));
    retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let mut still = Vec::new();
        // At most one change per topic is pending: a newer one replaces it (below).
        for (topic, wanted) in pending.drain(..) {
            let result = tokio::time::timeout(shared.timeout, async {
                if wanted {
                    connection.subscribe(&topic).await
                } else {
                    connection.unsubscribe(&topic).await
                }
            })
            .await;
            match result {
                Ok(Ok(())) => {
                    let mut subscriptions = shared.subscriptions.lock();
                    if wanted {
                        subscriptions.insert(topic);
                    } else {
                        subscriptions.remove(&topic);
                    }
                }
                _ => still.push((topic, wanted)),
            }
        }
        pending = still;
        if shared.resync.swap(false, Ordering::AcqRel) {
            let subscribed: Vec<String> = shared.subscriptions.lock().iter().cloned().collect();
            for topic in subscribed {
                if !pending.iter().any(|(t, _)| *t == topic) {
                    pending.push((topic, true));
                }
            }
            continue;
        }
        tokio::select! {
            _ = node.shutdown.wait() => return,
            change = interest.recv() => match change {
                Some(change) => {
                    pending.retain(|(t, _)| *t != change.0);
                    pending.push(change);
                    while let Ok(change) = interest.try_recv() {
                        pending.retain(|(t, _)| *t != change.0);
                        pending.push(change);
                    }
                }
                None => return,
            },
            _ = retry.tick(), if !pending.is_empty() => {}
            _ = shared.resync_wake.notified() => {}
        }
    }
}

/// Runs the operations other nodes publish, in the order Redis delivers them.
async fn receive(shared: Arc<Shared>, mut pushes: mpsc::UnboundedReceiver<PushInfo>, node: Arc<Node>) {
    // The last sequence number run per node: a publisher whose answer was lost (Redis died
    // after running it) sends the same messages again, in order; those are dropped here.
    let mut last_seen: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    loop {
        let push = tokio::select! {
            _ = node.shutdown.wait() => return,
            push = pushes.recv() => match push {
                Some(push) => push,
                None => return,
            },
        };
        match push.kind {
            PushKind::Message => {
                let Some(message) = Msg::from_push_info(push) else { continue };
                let topic = message.get_channel_name();
                let payload = message.get_payload_bytes();
                if let Some((origin, seq)) = codec::peek_envelope(payload) {
                    if origin == shared.origin {
                        continue;
                    }
                    if origin != 0 && seq != 0 && last_seen.get(&origin).is_some_and(|last| seq <= *last) {
                        tracing::debug!("dropped message {seq} of node {origin:x}, run already");
                        continue;
                    }
                }
                match codec::decode_envelope(payload) {
                    // Only the fan-out operation a topic carries is run: whoever can publish
                    // on Redis cannot make a node kill connections or write its state.
                    Ok((origin, seq, op)) if topics::of(&shared.prefix, &op).as_deref() == Some(topic) => {
                        if origin != 0 && seq != 0 {
                            last_seen.insert(origin, seq);
                        }
                        shared.received.fetch_add(1, Ordering::Relaxed);
                        node.execute_remote(op);
                    }
                    Ok((_, _, op)) => tracing::warn!("ignored {} received on {topic}, which does not carry it", op.kind().name()),
                    Err(e) => tracing::warn!("ignored a message on {topic}: {e}"),
                }
            }
            PushKind::Disconnection => shared.set_up(false, &"the connection was lost"),
            _ => {}
        }
    }
}

/// Pings Redis (every second, or more often while it is down): this drives reconnection,
/// and is what declares Redis back.
async fn watch_health(shared: Arc<Shared>, mut connection: ConnectionManager, node: Arc<Node>) {
    loop {
        let every = if shared.up.load(Ordering::Acquire) { PING_UP } else { PING_DOWN };
        tokio::select! {
            _ = node.shutdown.wait() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let ping = tokio::time::timeout(shared.timeout, redis::cmd("PING").query_async::<String>(&mut connection)).await;
        match ping {
            Ok(Ok(_)) => shared.set_up(true, &""),
            Ok(Err(e)) => shared.set_up(false, &e),
            Err(_) => shared.set_up(false, &"no answer within redis_timeout"),
        }
    }
}
