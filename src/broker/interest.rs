//! Following the hub's interest: a node subscribes to the Redis channel of a channel, user or
//! tag while it has a local member of it, and of each connection it holds.

use super::link::Link;
use super::redis::{Interest, Shared};
use super::redis_sync::passing;
use super::topics;
use crate::node::Node;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// At most this many topics go in one SUBSCRIBE or UNSUBSCRIBE.
const TOPICS_PER_COMMAND: usize = 512;

/// Subscribes to `all`, then follows the hub's interest; what failed is retried every 500 ms.
/// Changes are applied in batches (a node that takes 10,000 connections at once sends 20
/// commands, not 10,000). Once every change so far is applied, its number is confirmed
/// (`Shared::interest_confirmed`).
pub(super) async fn follow(
    shared: Arc<Shared>,
    mut connection: Link,
    mut interest: mpsc::UnboundedReceiver<Interest>,
    node: Arc<Node>,
) {
    // Topic → (wanted, number) for the changes not applied in Redis yet: the newest change per
    // topic, with the number of its oldest change not applied yet.
    let mut pending: HashMap<String, (bool, u64)> =
        HashMap::from([(topics::everyone(&shared.prefix), (true, 0))]);
    // The number of the newest change received.
    let mut newest = 0;
    let mut retry = tokio::time::interval(Duration::from_millis(500));
    retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let (wanted, unwanted): (Vec<_>, Vec<_>) =
            pending.drain().partition(|(_, (wanted, _))| *wanted);
        for (changes, subscribe) in [(unwanted, false), (wanted, true)] {
            for chunk in changes.chunks(TOPICS_PER_COMMAND) {
                let topics: Vec<String> = chunk.iter().map(|(topic, _)| topic.clone()).collect();
                let applied = apply(&shared, &mut connection, &topics, subscribe).await;
                for ((topic, (_, number)), (_, applied)) in chunk.iter().zip(applied) {
                    if applied {
                        let mut subscriptions = shared.subscriptions.lock();
                        if subscribe {
                            subscriptions.insert(topic.clone());
                        } else {
                            subscriptions.remove(topic);
                        }
                    } else {
                        pending.insert(topic.clone(), (subscribe, *number));
                    }
                }
            }
        }
        // Every change numbered below the oldest one still pending is in Redis.
        let confirmed = pending
            .values()
            .map(|(_, number)| number.saturating_sub(1))
            .min()
            .unwrap_or(newest);
        shared.interest_confirmed.send_if_modified(|current| {
            let changed = *current < confirmed;
            *current = (*current).max(confirmed);
            changed
        });
        if shared.resync.swap(false, Ordering::AcqRel) {
            for topic in shared.subscriptions.lock().iter() {
                pending.entry(topic.clone()).or_insert((true, newest + 1));
            }
            continue;
        }
        tokio::select! {
            _ = node.shutdown.wait() => return,
            change = interest.recv() => match change {
                Some(first) => {
                    let mut next = Some(first);
                    while let Some((topic, wanted, number)) = next {
                        // A newer change of a topic replaces the pending one, which keeps its
                        // (older) number: it is not applied either.
                        let entry = pending.entry(topic).or_insert((wanted, number));
                        entry.0 = wanted;
                        newest = newest.max(number);
                        next = interest.try_recv().ok();
                    }
                }
                None => return,
            },
            _ = retry.tick(), if !pending.is_empty() => {}
            _ = shared.resync_wake.notified() => {}
        }
    }
}

/// (Un)subscribes `chunk` in one command; (topic, applied) for each. If Redis refuses the
/// command (an ACL rule on one channel refuses all of them), each topic is tried alone, and one
/// Redis still refuses is dropped and logged: retrying cannot help it, and it must not hold
/// up the others.
async fn apply(
    shared: &Shared,
    connection: &mut Link,
    chunk: &[String],
    subscribe: bool,
) -> Vec<(String, bool)> {
    let run = |connection: &mut Link, topics: Vec<String>| {
        let mut connection = connection.clone();
        let timeout = shared.timeout;
        async move {
            let command = async {
                if subscribe {
                    connection.subscribe(&topics).await
                } else {
                    connection.unsubscribe(&topics).await
                }
            };
            match tokio::time::timeout(timeout, command).await {
                Ok(result) => result.map_err(|e| (!passing(&e)).then_some(e)),
                Err(_) => Err(None),
            }
        }
    };
    match run(connection, chunk.to_vec()).await {
        Ok(()) => chunk.iter().map(|t| (t.clone(), true)).collect(),
        Err(None) => chunk.iter().map(|t| (t.clone(), false)).collect(),
        Err(Some(_)) => {
            let mut each = Vec::new();
            for topic in chunk {
                match run(connection, vec![topic.clone()]).await {
                    Ok(()) => each.push((topic.clone(), true)),
                    Err(Some(e)) => {
                        tracing::error!("Redis at {} refused to (un)subscribe {topic}: {e}; this node will not hear it", shared.address);
                        // Counted as applied: it is not retried.
                        each.push((topic.clone(), true));
                    }
                    Err(None) => each.push((topic.clone(), false)),
                }
            }
            each
        }
    }
}
