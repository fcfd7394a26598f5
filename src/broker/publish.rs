//! Publishing: one task sends the outbox to Redis in order, pipelined, and holds it while
//! Redis is down or just back (`Shared::hold`).

use super::link::Link;
use super::outbox::Item;
use super::redis::Shared;
use crate::node::Node;
use crate::ops::{codec, Kind};
use bytes::Bytes;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Queues `message` for Redis channel `topic`, numbered in this node's order of publishing
/// (under the outbox's lock, so numbers follow that order); returns its number.
pub(super) fn queue<T: serde::Serialize>(shared: &Shared, kind: Kind, topic: String, message: &T) -> u64 {
    let mut outbox = shared.outbox.lock();
    let seq = outbox.next_seq();
    let payload = Bytes::from(codec::encode_envelope(shared.origin, seq, 0, message));
    let dropped = outbox.dropped;
    outbox.push(kind, topic, payload);
    let overflowed = outbox.dropped != dropped;
    drop(outbox);
    if overflowed {
        // Those dropped have left too, as far as their waiters are concerned.
        shared.left();
    }
    shared.wake.notify_one();
    seq
}

/// At most this many messages go in one pipeline.
const BATCH: usize = 256;

/// Publishes the outbox in order; on failure, waits with capped, jittered backoff and retries
/// the same messages.
pub(super) async fn publish(shared: Arc<Shared>, mut connection: Link, node: Arc<Node>) {
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
                shared.left();
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
                shared.left();
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
