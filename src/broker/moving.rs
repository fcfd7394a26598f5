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
//! A node delivers its own operations to its members before Redis orders them. While a
//! connection is on its way, those reach it when Redis brings them back instead, and what
//! the node runs for it after it arrived waits for the last of them (`hub::Origin`,
//! `Connection::way`). What the node that holds the ghost ran for it before the move began
//! reached it there already: that must be in Redis ahead of the release, so the holder
//! answers a claim only once its outbox has passed it, and a stopping node's adoptions go
//! out through its outbox, in its order (`handoff`).
//!
//! The cut is exact with one Redis: every node reads every message in one order. A Redis
//! Cluster orders each shard on its own, so a message published to another shard during the
//! move (a few milliseconds) may come twice or not at all.

use super::link::Link;
use super::redis::Shared;
use super::move_answers::{ask, send_answer, NotAsked};
use super::{fence, topics};
use crate::hub::connection::Connection;
use crate::hub::index::Scope;
use crate::hub::connection::Socket;
use crate::hub::{Handover, Hub, Parcel};
use crate::node::Node;
use crate::ops::codec;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
    /// On `all`, from a node that stops (`hand_off`): node `to` adopts the ghost with its
    /// token, then releases it from the stopping node as above.
    #[serde(rename = "move:adopt")]
    Adopt {
        to: u64,
        state: Handover,
        token: String,
    },
    /// On the ghost's topic, from the node it arrived on, to itself (`fence`).
    #[serde(rename = "move:fence")]
    Fence { id: String },
}

#[derive(Serialize, Deserialize)]
pub(super) enum Answer {
    Claimed(Option<Handover>),
    /// The ghost is on its way between two nodes: ask again in a moment.
    Moving,
    Released(Option<Parcel>),
}

/// What became of a claim.
pub enum TakeOver {
    /// The ghost is here now, dormant, with every message for it.
    Taken(Arc<Connection>),
    /// It is moving between two nodes (one stops): claim again in a moment.
    Moving,
    /// No node holds a ghost with that token (or the move failed).
    Nowhere,
}

/// Ghosts on the move to or from this node.
#[derive(Default)]
pub(super) struct Moves {
    /// Adopted here, each waiting for its cut.
    arrivals: Mutex<HashMap<String, SyncSender<()>>>,
    /// Claimed here by another node: the claim's number, and the old socket if one was
    /// still open. Numbered because a ghost can come back and be claimed again while an
    /// earlier claim's undo (`undo_unless_released`) still waits: that one must not undo it.
    claimed: Mutex<HashMap<String, (u64, Option<Arc<Socket>>)>>,
    /// Released here, their answers (the messages kept for them) not yet sent.
    answering: AtomicUsize,
}

/// A release being answered (`Moves::answering`); done when dropped.
struct Answering(Arc<Shared>);

impl Answering {
    fn start(shared: &Arc<Shared>) -> Answering {
        shared.moves.answering.fetch_add(1, Ordering::AcqRel);
        Answering(shared.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.moves.answering.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Moves {
    /// Whether `id` was adopted here and waits for its cut: until then, the node that holds
    /// it runs what is addressed to it, and this node only queues what is sent to it.
    pub(super) fn arriving(&self, id: &str) -> bool {
        self.arrivals.lock().contains_key(id)
    }

    /// How many ghosts other nodes claimed from here and have not taken yet: claimed and
    /// not released, or released and the answer not sent. A stopping node waits for them.
    pub(super) fn unfinished(&self) -> usize {
        self.claimed.lock().len() + self.answering.load(Ordering::Acquire)
    }
}

/// Numbers the claims answered here (`Moves::claimed`).
static NEXT_CLAIM: AtomicU64 = AtomicU64::new(1);

/// Moves under way at once on this node. Each holds a blocking thread while it waits on
/// Redis (up to a few seconds); a node handed hundreds of ghosts at once would otherwise take
/// every blocking thread, and the runtime's own tasks (which borrow one to wait on Redis)
/// would stall behind them.
static MOVES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(64);

/// Waits for a place among the moves under way (`MOVES`).
pub async fn move_slot() -> tokio::sync::SemaphorePermit<'static> {
    MOVES.acquire().await.expect("the moves' semaphore is never closed")
}

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
            // Answered here, in the order Redis gave: a claim that came before a release sees
            // the ghost still here (moving). The routing lock waits at most for the fan-outs
            // running here; handing the claim to another thread would lose the order, and
            // `block_in_place` would wait for a blocking thread, which moves may all hold.
            let (claimed, from) = {
                let _step = crate::hub::ROUTING.write();
                let from = fence::next_seq(shared);
                (node.hub.claim(&token, from), from)
            };
            let answer = match claimed {
                Some((state, old)) => {
                    tracing::info!(connection = %state.id, "ghost claimed by a client on another node");
                    let number = NEXT_CLAIM.fetch_add(1, Ordering::Relaxed);
                    shared.moves.claimed.lock().insert(state.id.clone(), (number, old));
                    undo_unless_released(shared.clone(), node.clone(), state.id.clone(), token, number);
                    Answer::Claimed(Some(state))
                }
                None if node.hub.moving(&token) => Answer::Moving,
                None => Answer::Claimed(None),
            };
            let (shared, connection) = (shared.clone(), connection.clone());
            tokio::spawn(async move {
                if let Answer::Claimed(Some(state)) = &answer {
                    // The claimer releases the ghost on its topic next: this node must hear it
                    // (a connection that just opened here may not be subscribed in Redis yet).
                    let made = shared.interest_made.load(Ordering::Acquire);
                    let mut confirmed = shared.interest_confirmed.subscribe();
                    let wait = shared.timeout / 2;
                    let _ = tokio::time::timeout(wait, confirmed.wait_for(|n| *n >= made)).await;
                    // And this node's operations that reached the ghost here before the claim
                    // must be in Redis before that release: published after it, they would
                    // reach the claimer after its cut too, a second time.
                    if !shared.until_left(from - 1, wait).await {
                        tracing::warn!(connection = %state.id, "this node's earlier messages had not reached Redis when another node claimed a ghost: its client may get some twice");
                    }
                }
                send_answer(&shared, connection, origin, ask, &answer).await
            });
        }
        Move::Release { id } => {
            if topics::scoped(&shared.prefix, Scope::Connection, &id) != topic {
                tracing::warn!("ignored a release of {id} received on {topic}");
                return true;
            }
            if origin == shared.origin {
                // Only while the move waits for it: a cut that comes after the move gave up
                // on it must not touch what the connection has queued since.
                let mut arrivals = shared.moves.arrivals.lock();
                if let Some(waiting) = arrivals.remove(&id) {
                    node.hub.cut(&id);
                    let _ = waiting.try_send(());
                }
                return true;
            }
            // Counted before the claim is forgotten: a stopping node must not stop between.
            let answering = Answering::start(shared);
            let old = shared.moves.claimed.lock().remove(&id).and_then(|(_, old)| old);
            // The cut: from here on, nothing more is queued for it on this node.
            let conn = node.hub.let_go(&id);
            let (shared, connection) = (shared.clone(), connection.clone());
            tokio::spawn(async move {
                let _answering = answering;
                // What the old writer took and did not write goes back to the ghost first.
                if let Some(old) = old {
                    let grace = crate::server::client::CLOSE_GRACE;
                    if tokio::time::timeout(grace, old.released.wait()).await.is_err() {
                        old.released.trigger();
                    }
                }
                let parcel = conn.as_deref().map(Hub::parcel);
                if let Some(parcel) = &parcel {
                    let count = parcel.messages.len();
                    tracing::info!(connection = %id, messages = count, "ghost handed over to the node its client came back to");
                }
                send_answer(&shared, connection, origin, ask, &Answer::Released(parcel)).await;
            });
        }
        Move::Fence { .. } => fence::back(shared, origin, payload),
        Move::Adopt { to, state, token } => {
            if topic != everyone || to != shared.origin {
                return true;
            }
            let (shared, node) = (shared.clone(), node.clone());
            tokio::spawn(async move {
                let _slot = move_slot().await;
                let _ = tokio::task::spawn_blocking(move || {
                    if settle(&shared, &node, &state, Some(&token)).is_some() {
                        tracing::info!(connection = %state.id, "ghost adopted from a stopping node");
                    }
                })
                .await;
            });
        }
    }
    true
}

/// The longest one move can take: a claim, the adoption's subscriptions, and a release whose
/// answer waits for the old socket's writer, each bounded by `redis_timeout`.
pub fn longest_move(redis_timeout: Duration) -> Duration {
    redis_timeout * 3 + crate::server::client::CLOSE_GRACE
}

/// A claim no node follows up on (it failed or died) is undone after the time a move can
/// take: the ghost is this node's again, resumable with its token.
fn undo_unless_released(shared: Arc<Shared>, node: Arc<Node>, id: String, token: String, number: u64) {
    let longest = longest_move(shared.timeout);
    tokio::spawn(async move {
        tokio::time::sleep(longest).await;
        let ghost = id.clone();
        let unclaim = move || {
            let claimed = {
                let mut claims = shared.moves.claimed.lock();
                let mine = claims.get(&ghost).is_some_and(|(n, _)| *n == number);
                mine && claims.remove(&ghost).is_some()
            };
            claimed && fence::unclaim(&shared, &node, &ghost, &token)
        };
        if matches!(tokio::task::spawn_blocking(unclaim).await, Ok(true)) {
            tracing::warn!(connection = %id, "no node took the ghost it claimed: it stays here, resumable with its token");
        }
    });
}


/// Claims the ghost `token` names from the node that holds it, for a client here.
/// Blocking, bounded by `redis_timeout`: run it off the runtime's threads.
pub(super) fn take_over(shared: &Shared, node: &Arc<Node>, token: &str) -> TakeOver {
    let deadline = Instant::now() + node.config.redis_timeout;
    let claim = Move::Claim {
        token: token.to_string(),
    };
    let everyone = topics::everyone(&shared.prefix);
    let mut moving = false;
    let state = ask(shared, &node.config, &everyone, &claim, deadline, |answer| match answer {
        Answer::Claimed(state) => state,
        Answer::Moving => {
            moving = true;
            None
        }
        Answer::Released(_) => None,
    });
    let state = state.ok().flatten();
    match state {
        Some(state) => match settle(shared, node, &state, None) {
            Some(conn) => TakeOver::Taken(conn),
            None => TakeOver::Nowhere,
        },
        None if moving => TakeOver::Moving,
        None => TakeOver::Nowhere,
    }
}

/// Steps 2 to 4: adopts the claimed ghost (with its token, when a stopping node hands it
/// off), releases it from the node that held it at the cut, and puts that node's messages
/// ahead of this node's. `None` if the move failed.
fn settle(
    shared: &Shared,
    node: &Arc<Node>,
    state: &Handover,
    token: Option<&str>,
) -> Option<Arc<Connection>> {
    let limits = (node.config.send_buffer, node.config.ghost_buffer);
    let Some(conn) = node.hub.adopt(state, limits, node.now_ms()) else {
        tracing::warn!(connection = %state.id, "a ghost claimed from another node has an id taken here; the node holding it undoes the claim in a while");
        return None;
    };
    if let Some(token) = token {
        node.hub.give_token(&conn, token);
    }
    let (cut, cut_seen) = sync_channel(1);
    shared.moves.arrivals.lock().insert(state.id.clone(), cut);
    let gone = |why: &str| {
        shared.moves.arrivals.lock().remove(&state.id);
        tracing::warn!(connection = %state.id, "a ghost did not move here: {why}");
        node.hub.abandon(&conn);
        None
    };
    // Until Redis confirmed this node's subscriptions, the cut would not be one.
    let made = shared.interest_made.load(Ordering::Acquire);
    let mut confirmed = shared.interest_confirmed.subscribe();
    let wait = node.config.redis_timeout;
    // A bool at once: the value `wait_for` returns is a read guard on the confirmations, and
    // held while the move goes on, it would stop every confirmation on this node.
    let subscribed = tokio::runtime::Handle::current().block_on(async {
        matches!(
            tokio::time::timeout(wait, confirmed.wait_for(|n| *n >= made)).await,
            Ok(Ok(_))
        )
    });
    if !subscribed {
        // Not released: the node holding it undoes the claim in a while.
        return gone("Redis did not confirm its subscriptions in time");
    }
    let release = Move::Release {
        id: state.id.clone(),
    };
    let topic = topics::scoped(&shared.prefix, Scope::Connection, &state.id);
    // The holder answers once the old socket's writer gave back what it held.
    let deadline = Instant::now() + node.config.redis_timeout + crate::server::client::CLOSE_GRACE;
    let parcel = ask(shared, &node.config, &topic, &release, deadline, |answer| match answer {
        Answer::Released(parcel) => Some(parcel),
        _ => None,
    });
    let left = deadline.saturating_duration_since(Instant::now());
    let cut = cut_seen.recv_timeout(left).is_ok();
    // Gone from the list under its lock: a cut that comes later does nothing.
    shared.moves.arrivals.lock().remove(&state.id);
    match parcel {
        // Never heard by the node that holds it: it still holds it, and undoes the claim.
        Err(NotAsked) => gone("the node that held it did not hear the release"),
        Ok(Some(Some(parcel))) => {
            if !cut {
                tracing::warn!(connection = %state.id, "this node's release of a moving ghost did not come back: messages sent during the move may come twice");
            }
            fence::arrive(shared, node, &conn, parcel);
            Some(conn)
        }
        // Released or expired there meanwhile, and reported there.
        Ok(Some(None)) => gone("the node that held it had let it go"),
        Ok(None) => {
            tracing::warn!(connection = %state.id, "the node that held a moving ghost did not answer: the messages it kept are lost");
            fence::arrive(shared, node, &conn, Parcel { messages: Vec::new(), last_sent: None });
            Some(conn)
        }
    }
}
