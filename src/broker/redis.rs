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
//! - Heartbeat: `cluster`. Presence channels' members: `presence`.
//! - Health: a ping every second drives reconnection and says when Redis went down and came
//!   back (logs, `/health`).

use super::link::Link;
use super::outbox::Outbox;
use super::{
    cluster, handoff, interest, moving, presence, publish, receive, redis_sync, request, topics, Broker,
};
use crate::config::{mask_password, Config};
use crate::hub::index::{Scope, Watcher};
use crate::node::Node;
use crate::ops::{Id, Kind, Op, OpError, Reply};
use parking_lot::{Condvar, Mutex};
use redis::PushInfo;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

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
    /// Signalled when messages leave the outbox (`ask` waits on it), through `left`.
    pub(super) flushed: Condvar,
    /// The same for async waiters: the number through which every message has left.
    pub(super) left_through: tokio::sync::watch::Sender<u64>,
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
    /// Ghosts on the move to or from this node.
    pub(super) moves: moving::Moves,
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
            left_through: tokio::sync::watch::Sender::new(0),
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
            moves: moving::Moves::default(),
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
    fn forward(&self, op: &Op) -> u64 {
        let Some(topic) = topics::fan_out(&self.shared.prefix, op) else {
            return 0;
        };
        publish::queue(&self.shared, op.kind(), topic, op)
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
        self.shared.metrics()
    }

    fn presence_members(&self, channel: &str) -> Option<Result<Vec<(String, Value)>, OpError>> {
        Some(presence::members(&self.config, channel))
    }

    fn cluster(&self) -> Option<Value> {
        Some(cluster::stats(&self.config))
    }

    fn take_over(&self, node: &Arc<Node>, token: &str) -> moving::TakeOver {
        if self.shared.hold().is_some() {
            return moving::TakeOver::Nowhere;
        }
        moving::take_over(&self.shared, node, token)
    }

    fn hand_off(&self, node: &Arc<Node>) -> usize {
        if self.shared.hold().is_some() {
            tracing::error!("Redis at {} is down: no ghost handed off", self.shared.address);
            return 0;
        }
        handoff::hand_off(&self.shared, node)
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
        tokio::spawn(publish::publish(
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
        let (book, changes) = mpsc::unbounded_channel();
        node.hub.roster.share_with(book);
        tokio::spawn(presence::keep(
            shared.clone(),
            pending.connection.clone(),
            node.clone(),
            changes,
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
        Some(self.shared.figures())
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

    /// Messages left the outbox (sent or dropped): those waiting for them are told.
    pub(super) fn left(&self) {
        let through = self.outbox.lock().left_through();
        self.flushed.notify_all();
        self.left_through.send_if_modified(|left| {
            let newer = through > *left;
            *left = (*left).max(through);
            newer
        });
    }

    /// Waits, at most `within`, until every message numbered up to `seq` has left the outbox
    /// (reached Redis, unless dropped); false if they had not by then.
    pub(super) async fn until_left(&self, seq: u64, within: Duration) -> bool {
        let mut left = self.left_through.subscribe();
        // A bool at once: the value `wait_for` returns is a read guard on the watch.
        let passed = tokio::time::timeout(within, left.wait_for(|n| *n >= seq)).await;
        matches!(passed, Ok(Ok(_))) || self.outbox.lock().passed(seq)
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
