//! Resume on any node: a client came back with its token to a node that does not hold its
//! ghost, so the ghost moves here (`hub::moves` says what each node does to it).
//!
//! 1. **Claim**, on `all`: the node that holds the ghost spends the token and answers with
//!    its state. Only that node can spend it, under the ghost's life lock, so of two clients
//!    racing with one token on two nodes, one wins, and the other gets a new connection.
//! 2. This node **adopts** it and waits until Redis confirmed the subscriptions that made:
//!    from then on, whatever is published for the ghost reaches this node too.
//! 3. **Release**, on the ghost's own topic, which both nodes now listen to. Redis delivers
//!    it to each at the same point among the messages for the ghost: that is the cut. The
//!    holder answers with the messages it kept, taken when it reads the release, and lets the
//!    ghost go; this node, reading its own release, drops what it queued before it.
//! 4. What the holder gave goes ahead of what came since, and the client's socket wakes it.
//!
//! The cut is exact with one Redis: every node reads every message in one order. A Redis
//! Cluster orders each shard on its own, so a message published to another shard during the
//! move (a few milliseconds) may come twice or not at all. So may a message sent during the
//! move from either node's own process, which delivers to its local members before Redis
//! orders it.

use super::link::{publish_command, Link};
use super::redis::Shared;
use super::{redis_sync, request, topics};
use crate::config::Config;
use crate::hub::connection::Connection;
use crate::hub::index::Scope;
use crate::hub::{Handover, Parcel};
use crate::node::Node;
use crate::ops::{codec, OpError};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What nodes tell each other about a moving ghost, in the envelope operations travel in.
#[derive(Serialize, Deserialize)]
pub(super) enum Move {
    /// On `all`: the node holding the ghost `token` names claims it for the asker.
    #[serde(rename = "move:claim")]
    Claim { token: String },
    /// On the ghost's topic, once the asker adopted it: the cut, and the holder lets it go.
    #[serde(rename = "move:release")]
    Release { id: String },
}

#[derive(Serialize, Deserialize)]
enum Answer {
    Claimed(Option<Handover>),
    Released(Option<Parcel>),
}

/// Ghosts this node is adopting, each waiting for its cut.
#[derive(Default)]
pub(super) struct Arrivals(Mutex<HashMap<String, SyncSender<()>>>);

static NEXT_ASK: AtomicU64 = AtomicU64::new(1);

/// Runs a move message received on `topic`; false if the message is not one (an operation).
pub(super) fn receive(
    shared: &Arc<Shared>,
    connection: &Link,
    node: &Arc<Node>,
    topic: &str,
    payload: &[u8],
) -> bool {
    let everyone = topics::everyone(&shared.prefix);
    let held = topics::scoped(&shared.prefix, Scope::Connection, "");
    // Broadcasts, the bulk of what arrives, are not even decoded twice.
    if topic != everyone && !topic.starts_with(&held) {
        return false;
    }
    let Some((origin, ask, message)) = codec::decode_envelope_as::<Move>(payload) else {
        return false;
    };
    match message {
        Move::Claim { token } => {
            if topic != everyone || origin == shared.origin {
                return true;
            }
            let claimed = node.hub.claim(&token);
            let (state, old) = match claimed {
                Some((state, old)) => (Some(state), old),
                None => (None, None),
            };
            if let Some(state) = &state {
                tracing::info!(connection = %state.id, "ghost claimed by a client on another node");
            }
            let (shared, connection) = (shared.clone(), connection.clone());
            tokio::spawn(async move {
                // What the old writer took and did not write goes back to the ghost first.
                if let Some(old) = old {
                    let grace = crate::server::client::CLOSE_GRACE;
                    if tokio::time::timeout(grace, old.released.wait()).await.is_err() {
                        old.released.trigger();
                    }
                }
                answer(&shared, connection, origin, ask, &Answer::Claimed(state)).await;
            });
        }
        Move::Release { id } => {
            if topics::scoped(&shared.prefix, Scope::Connection, &id) != topic {
                tracing::warn!("ignored a release of {id} received on {topic}");
                return true;
            }
            if origin == shared.origin {
                node.hub.cut(&id);
                if let Some(waiting) = shared.arrivals.0.lock().remove(&id) {
                    let _ = waiting.try_send(());
                }
                return true;
            }
            let parcel = node.hub.hand_over(&id);
            if let Some(parcel) = &parcel {
                let count = parcel.messages.len();
                tracing::info!(connection = %id, messages = count, "ghost handed over to the node its client came back to");
            }
            let (shared, connection) = (shared.clone(), connection.clone());
            tokio::spawn(async move {
                answer(&shared, connection, origin, ask, &Answer::Released(parcel)).await;
            });
        }
    }
    true
}

async fn answer(shared: &Shared, mut connection: Link, origin: u64, ask: u64, answer: &Answer) {
    let bytes = codec::encode_answered(shared.origin, answer);
    let pipe = request::answer_bytes(&shared.prefix, origin, ask, bytes);
    let sent = tokio::time::timeout(shared.timeout, pipe.query_async::<()>(&mut connection)).await;
    if !matches!(sent, Ok(Ok(()))) {
        tracing::warn!("an answer about a moving ghost was not sent to Redis at {}", shared.address);
    }
}

/// Takes the ghost `token` names over from the node that holds it, for a client here.
/// `None`: no node holds a ghost with that token (or the move failed): the client gets a new
/// connection. Blocking, bounded by `redis_timeout`: run it off the runtime's threads.
pub(super) fn take_over(
    shared: &Shared,
    config: &Config,
    node: &Arc<Node>,
    token: &str,
) -> Option<Arc<Connection>> {
    let deadline = Instant::now() + config.redis_timeout;
    let claim = Move::Claim {
        token: token.to_string(),
    };
    let everyone = topics::everyone(&shared.prefix);
    let state = ask(shared, config, &everyone, &claim, deadline, |answer| match answer {
        Answer::Claimed(state) => state,
        Answer::Released(_) => None,
    })?;
    let limits = (node.config.send_buffer, node.config.ghost_buffer);
    let Some(conn) = node.hub.adopt(&state, limits, node.now_ms()) else {
        tracing::warn!(connection = %state.id, "a ghost claimed from another node has an id taken here; it stays there until its ghost_ttl");
        return None;
    };
    let (cut, cut_seen) = sync_channel(1);
    shared.arrivals.0.lock().insert(state.id.clone(), cut);
    let subscribed = shared.interest_made.load(Ordering::Acquire);
    while *shared.interest_confirmed.borrow() < subscribed && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
    }
    let release = Move::Release {
        id: state.id.clone(),
    };
    let topic = topics::scoped(&shared.prefix, Scope::Connection, &state.id);
    let parcel = ask(shared, config, &topic, &release, deadline, |answer| match answer {
        Answer::Released(parcel) => parcel,
        Answer::Claimed(_) => None,
    });
    let left = deadline.saturating_duration_since(Instant::now());
    let cut = cut_seen.recv_timeout(left).is_ok();
    shared.arrivals.0.lock().remove(&state.id);
    match parcel {
        Some(parcel) => {
            if !cut {
                tracing::warn!(connection = %state.id, "this node's release of a moving ghost did not come back: messages sent during the move may come twice");
            }
            node.hub.arrive(&conn, parcel);
            Some(conn)
        }
        None => {
            tracing::warn!(connection = %state.id, "the node holding a claimed ghost did not hand it over; the client gets a new connection");
            node.hub.abandon(&conn);
            None
        }
    }
}

/// Publishes `message` on `topic` and waits for the first answer `accept` takes, from any
/// other node, until every other node answered or the deadline.
fn ask<T>(
    shared: &Shared,
    config: &Config,
    topic: &str,
    message: &Move,
    deadline: Instant,
    accept: impl Fn(Answer) -> Option<T>,
) -> Option<T> {
    let number = NEXT_ASK.fetch_add(1, Ordering::Relaxed);
    let payload = codec::encode_envelope(shared.origin, 0, number, message);
    let failed = "a ghost was not moved";
    let publish = redis::cmd(publish_command(config))
        .arg(topic)
        .arg(&payload[..])
        .clone();
    let receivers: u64 = log_failure(redis_sync::run_blocking(config, &publish, failed))?;
    // This node hears its own message and does not answer it.
    let mut waiting = receivers.saturating_sub(1);
    let answers = topics::answers(&shared.prefix, shared.origin, number);
    while waiting > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(1) {
            break;
        }
        let popped = log_failure(redis_sync::pop(config, &answers, left, failed))??;
        waiting -= 1;
        let Some((_, answer)) = codec::decode_answered_as::<Answer>(&popped) else {
            tracing::warn!("an undecodable answer about a moving ghost");
            continue;
        };
        if let Some(taken) = accept(answer) {
            return Some(taken);
        }
    }
    None
}

fn log_failure<T>(result: Result<T, OpError>) -> Option<T> {
    result
        .map_err(|e| tracing::warn!("a ghost did not move: {e}"))
        .ok()
}
