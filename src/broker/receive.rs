//! Receiving: the operations other nodes publish run here, in the order Redis delivers them,
//! and requests are answered.

use super::link::Link;
use super::redis::Shared;
use super::{request, topics};
use crate::hub::Origin;
use crate::node::Node;
use crate::ops::router::{reach, Reach};
use crate::ops::{codec, Op, Reply};
use redis::{Msg, PushInfo, PushKind};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Runs the operations other nodes publish, in the order Redis delivers them, and answers
/// requests. It runs until the runtime stops, after the node's shutdown began: until then the
/// node is still subscribed, and other nodes still count on its answers.
pub(super) async fn receive(
    shared: Arc<Shared>,
    mut pushes: mpsc::UnboundedReceiver<PushInfo>,
    connection: Link,
    node: Arc<Node>,
) {
    let mut seen = Seen::default();
    while let Some(push) = pushes.recv().await {
        match push.kind {
            PushKind::Message | PushKind::SMessage => {
                let Some(message) = Msg::from_push_info(push) else {
                    continue;
                };
                let topic = message.get_channel_name();
                let payload = message.get_payload_bytes();
                if super::moving::receive(&shared, &connection, &node, topic, payload) {
                    continue;
                }
                if let Some((origin, seq, _)) = codec::peek_envelope(payload) {
                    if origin == shared.origin {
                        // Sent again after a lost answer: relayed connections had it already.
                        if !seen.already(origin, topic, seq) {
                            seen.record(origin, topic, seq);
                            echo(&node, payload, seq);
                        }
                        continue;
                    }
                    if seen.already(origin, topic, seq) {
                        tracing::debug!("dropped message {seq} of node {origin:x}, run already");
                        continue;
                    }
                }
                let delivery = match codec::decode_envelope(payload) {
                    // Only what a topic carries is run: a message that names another
                    // channel or connection than its topic is corrupt or forged.
                    Ok(delivery)
                        if topics::of(&shared.prefix, &delivery.op).as_deref() == Some(topic) =>
                    {
                        delivery
                    }
                    Ok(delivery) => {
                        tracing::warn!(
                            "ignored {} received on {topic}, which does not carry it",
                            delivery.op.kind().name()
                        );
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!("ignored a message on {topic}: {e}");
                        continue;
                    }
                };
                seen.record(delivery.origin, topic, delivery.seq);
                // A ghost moving here is the other node's until the cut: only what is sent to
                // it is queued here (the rest runs there, and is reported there).
                if let Some(id) = delivery.op.connection() {
                    if !matches!(delivery.op, Op::Send { .. } | Op::SendBinary { .. })
                        && shared.moves.arriving(id.as_str())
                    {
                        continue;
                    }
                }
                shared.received[delivery.op.kind() as usize].fetch_add(1, Ordering::Relaxed);
                let (origin, ask) = (delivery.origin, delivery.ask);
                if matches!(reach(&delivery.op), Reach::Everyone) {
                    // A cluster-wide read walks every connection here: off this task, so the
                    // messages behind it do not wait for it.
                    let (shared, connection, node) =
                        (shared.clone(), connection.clone(), node.clone());
                    tokio::task::spawn_blocking(move || {
                        let reply = node.execute_remote(delivery.op);
                        answer(&shared, connection, origin, ask, reply, None);
                    });
                    continue;
                }
                let before = shared.interest_made.load(Ordering::Acquire);
                let reply = Origin::Elsewhere.run(|| node.execute_remote(delivery.op));
                if ask != 0 {
                    // If it changed what this node listens to, the answer waits for Redis.
                    let made = shared.interest_made.load(Ordering::Acquire);
                    answer(
                        &shared,
                        connection.clone(),
                        origin,
                        ask,
                        reply,
                        (made != before).then_some(made),
                    );
                }
            }
            // A lost connection (with a cluster, to any of its nodes) is treated as Redis going:
            // when it is back, every subscription is made again. The cluster client's own
            // re-subscription after a node restarts does not always happen (seen in the
            // primary-restart test), so this resync is what brings its channels back.
            PushKind::Disconnection => shared.set_up(false, &"the connection was lost"),
            _ => {}
        }
    }
}

/// This node's own message, back from Redis: it ran here already, except for the connections
/// that moved between nodes, which get it now, in the order Redis gave it (`hub::moves`);
/// those that arrived catch up with what ran here since.
fn echo(node: &Node, payload: &[u8], seq: u64) {
    use crate::hub::connection::{any_relayed, echoed};
    if any_relayed() {
        if let Ok(delivery) = codec::decode_envelope(payload) {
            // Only what delivers messages: anything else (a disconnect) ran here for every
            // member.
            if matches!(reach(&delivery.op), Reach::FanOut)
                && !matches!(delivery.op, Op::DisconnectUser { .. })
            {
                Origin::Echo(seq).run(|| node.execute_remote(delivery.op));
            }
        }
    }
    echoed(seq);
}

/// The last sequence number run per publishing node and Redis channel. A publisher whose
/// answer was lost (Redis died after running it) sends the same messages again, in order;
/// those are dropped here. Per channel, because with a Redis Cluster each channel's messages
/// go in their own pipeline to their own shard, so one channel's may be sent again while
/// another's, numbered in between, went through.
#[derive(Default)]
struct Seen(HashMap<u64, HashMap<String, u64>>);

/// Past this many channels of one node, its numbers are forgotten (a message sent again then
/// runs twice, rather than the map growing without bound).
const SEEN_MAX: usize = 100_000;

impl Seen {
    fn already(&self, origin: u64, topic: &str, seq: u64) -> bool {
        origin != 0
            && seq != 0
            && self
                .0
                .get(&origin)
                .and_then(|t| t.get(topic))
                .is_some_and(|last| seq <= *last)
    }

    fn record(&mut self, origin: u64, topic: &str, seq: u64) {
        if origin == 0 || seq == 0 {
            return;
        }
        let topics = self.0.entry(origin).or_default();
        if topics.len() >= SEEN_MAX && !topics.contains_key(topic) {
            topics.clear();
        }
        match topics.get_mut(topic) {
            Some(last) => *last = seq,
            None => {
                topics.insert(topic.to_string(), seq);
            }
        }
    }
}

/// Sends a request's answer back to the asker, without holding up the messages behind it.
/// A request that changed what this node listens to (`changed`: the number of the newest
/// change) is answered once Redis confirmed that change: a `subscribe()` answered is followed
/// by a `broadcast()` that must reach the client.
fn answer(
    shared: &Arc<Shared>,
    mut connection: Link,
    origin: u64,
    ask: u64,
    reply: Reply,
    changed: Option<u64>,
) {
    let pipe = request::answer_command(&shared.prefix, shared.origin, origin, ask, reply);
    let mut confirmed = shared.interest_confirmed.subscribe();
    let shared = shared.clone();
    let send = async move {
        // At most half the asker's time: an answer later than that is no use to it.
        let wait = shared.timeout / 2;
        let subscribed = match changed {
            None => true,
            Some(made) => matches!(
                tokio::time::timeout(wait, confirmed.wait_for(|n| *n >= made)).await,
                Ok(Ok(_))
            ),
        };
        if !subscribed {
            tracing::warn!("answering request {ask} of process {origin:x} before Redis at {} confirmed its subscriptions", shared.address);
        }
        let sent =
            tokio::time::timeout(shared.timeout, pipe.query_async::<()>(&mut connection)).await;
        if !matches!(sent, Ok(Ok(()))) {
            tracing::warn!(
                "the answer to request {ask} of process {origin:x} was not sent to Redis at {}",
                shared.address
            );
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(send);
        }
        Err(_) => tracing::warn!("no runtime to answer request {ask} of process {origin:x}"),
    }
}
