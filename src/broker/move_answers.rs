//! How moving nodes talk: a move message published, and the answers of the other nodes
//! collected from this node's answer list (`moving`).

use super::link::{publish_command, Link};
use super::moving::{Answer, Move};
use super::redis::Shared;
use super::{redis_sync, request, topics};
use crate::config::Config;
use crate::ops::{codec, OpError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static NEXT_ASK: AtomicU64 = AtomicU64::new(1);

pub(super) async fn send_answer(shared: &Shared, mut connection: Link, origin: u64, ask: u64, answer: &Answer) {
    let bytes = codec::encode_answered(shared.origin, answer);
    let pipe = request::answer_bytes(&shared.prefix, origin, ask, bytes);
    let sent = tokio::time::timeout(shared.timeout, pipe.query_async::<()>(&mut connection)).await;
    if !matches!(sent, Ok(Ok(()))) {
        tracing::warn!("an answer about a moving ghost was not sent to Redis at {}", shared.address);
    }
}

/// Publishes `message` on `topic` and waits for the first answer `accept` takes, from any
/// other node, until every other node answered or the deadline.
pub(super) fn ask<T>(
    shared: &Shared,
    config: &Config,
    topic: &str,
    message: &Move,
    deadline: Instant,
    mut accept: impl FnMut(Answer) -> Option<T>,
) -> Result<Option<T>, NotAsked> {
    let number = NEXT_ASK.fetch_add(1, Ordering::Relaxed);
    let payload = codec::encode_envelope(shared.origin, 0, number, message);
    let failed = "a ghost was not moved";
    let publish = redis::cmd(publish_command(config))
        .arg(topic)
        .arg(&payload[..])
        .clone();
    let receivers: u64 =
        log_failure(redis_sync::run_blocking(config, &publish, failed)).ok_or(NotAsked)?;
    // This node hears its own message and does not answer it.
    let mut waiting = receivers.saturating_sub(1);
    if waiting == 0 {
        return Err(NotAsked);
    }
    let answers = topics::answers(&shared.prefix, shared.origin, number);
    while waiting > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(1) {
            break;
        }
        let Some(Some(popped)) = log_failure(redis_sync::pop(config, &answers, left, failed)) else {
            break;
        };
        waiting -= 1;
        let Some((_, answer)) = codec::decode_answered_as::<Answer>(&popped) else {
            tracing::warn!("an undecodable answer about a moving ghost");
            continue;
        };
        if let Some(taken) = accept(answer) {
            return Ok(Some(taken));
        }
    }
    Ok(None)
}

/// The message was not published, or no other node heard it.
pub(super) struct NotAsked;

pub(super) fn log_failure<T>(result: Result<T, OpError>) -> Option<T> {
    result
        .map_err(|e| tracing::warn!("a ghost did not move: {e}"))
        .ok()
}
