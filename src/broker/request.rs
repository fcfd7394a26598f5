//! Requests to other nodes through Redis, and their answers: an operation on a connection
//! another node holds, and cluster-wide reads. Any process can ask: a node's PHP thread or
//! admin API, or a php-fpm request (no admin API needed).
//!
//! - The request is published on the topic of the nodes that run it (`topics::of`): the
//!   connection's topic, which only its holder subscribes to, or `all`. PUBLISH answers how many
//!   nodes received it: 0 means no node holds the connection (the caller answers "unknown"
//!   itself), and for a read it is how many answers to wait for.
//! - Each node pushes its answer on a list named for the request (`topics::answers`), which the
//!   asker pops with BLPOP on its own connection: no subscription, so a php-fpm process needs
//!   nothing beyond its one kept connection. The list expires on its own if nobody pops it.
//! - `send()` and `sendBinary()` wait for no answer: a node received it, so it holds the
//!   connection, which is what they return.
//! - Everything is bounded by `redis_timeout`. A read that misses an answer still succeeds if
//!   every node whose heartbeat is fresh answered (a node that died since it was counted);
//!   otherwise it fails naming the silent nodes.

use super::{cluster, redis_sync, topics};
use crate::config::Config;
use crate::ops::router::{reach, Reach};
use crate::ops::{codec, Op, OpError, Reply};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long an answer list outlives a request nobody waits for any more.
const ANSWER_TTL_MS: u64 = 10_000;

/// This process as an asker: answers come back under its number. A forked child is another
/// asker (its pid is in the number), so parent and child never take each other's answers.
fn asker() -> u64 {
    static RANDOM: OnceLock<u64> = OnceLock::new();
    let random = *RANDOM.get_or_init(|| u64::from_le_bytes(crate::hub::random_bytes::<8>()));
    (random ^ u64::from(std::process::id()).rotate_left(32)).max(1)
}

static NEXT_ASK: AtomicU64 = AtomicU64::new(1);

/// Cross-node request round trips of this process, for `/stats` and `/metrics`.
pub static LATENCY: Latency = Latency::new();

/// A histogram of round trips (microseconds).
pub struct Latency {
    count: AtomicU64,
    sum_us: AtomicU64,
    max_us: AtomicU64,
    buckets: [AtomicU64; BUCKETS_US.len()],
}

/// Upper bounds of the histogram's buckets, in microseconds.
pub const BUCKETS_US: [u64; 8] = [100, 250, 500, 1_000, 2_000, 5_000, 10_000, 100_000];

impl Latency {
    const fn new() -> Latency {
        #[allow(clippy::declare_interior_mutable_const)]
        const ZERO: AtomicU64 = AtomicU64::new(0);
        Latency {
            count: ZERO,
            sum_us: ZERO,
            max_us: ZERO,
            buckets: [ZERO; BUCKETS_US.len()],
        }
    }

    fn record(&self, took: Duration) {
        let us = took.as_micros() as u64;
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(us, Ordering::Relaxed);
        self.max_us.fetch_max(us, Ordering::Relaxed);
        if let Some(i) = BUCKETS_US.iter().position(|b| us <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// (count, sum µs, max µs, per-bucket counts, not cumulative).
    pub fn snapshot(&self) -> (u64, u64, u64, Vec<u64>) {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (
            load(&self.count),
            load(&self.sum_us),
            load(&self.max_us),
            self.buckets.iter().map(load).collect(),
        )
    }
}

/// Asks the nodes that run `op` and waits for their answer. `None` if `op` is not a request,
/// or if no node holds its connection (the caller answers as for an unknown connection).
/// Blocking: call it through `redis_sync::blocking`.
pub fn ask(config: &Config, op: &Op, deadline: Instant) -> Option<Result<Reply, OpError>> {
    let everyone = match reach(op) {
        Reach::Holder(_) => false,
        Reach::Everyone => true,
        Reach::FanOut | Reach::Shared => return None,
    };
    let topic = topics::of(&config.redis_prefix, op)?;
    let started = Instant::now();
    // A send says whether the connection exists: a node received it, so it does. A send on
    // a route needs the holder's answer (the route may not match).
    let delivered_only = matches!(op, Op::Send { route: None, .. } | Op::SendBinary { .. });
    let ask = if delivered_only {
        0
    } else {
        NEXT_ASK.fetch_add(1, Ordering::Relaxed)
    };
    let payload = codec::encode_envelope(asker(), 0, ask, op);
    let failed = format!("{} was not run", op.kind().name());
    let receivers: u64 = match redis_sync::run_blocking(
        config,
        redis::cmd(super::link::publish_command(config))
            .arg(&topic)
            .arg(&payload[..]),
        &failed,
    ) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    if receivers == 0 {
        return everyone.then(|| Ok(topics::merge(op.kind(), Vec::new())));
    }
    if delivered_only {
        return Some(Ok(Reply::Bool(true)));
    }
    let answers = topics::answers(&config.redis_prefix, asker(), ask);
    let mut replies = Vec::new();
    let mut answered = HashSet::new();
    // A read keeps a little of its time to find out, if a node is silent, whether it died.
    let reserve = if everyone {
        (config.redis_timeout / 4).min(Duration::from_millis(250))
    } else {
        Duration::ZERO
    };
    while (replies.len() as u64) < receivers {
        let Some(left) = deadline
            .checked_duration_since(Instant::now() + reserve)
            .filter(|d| *d >= Duration::from_millis(1))
        else {
            break;
        };
        let popped = match redis_sync::pop(config, &answers, left, &failed) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => break,
            Err(e) => return Some(Err(e)),
        };
        match codec::decode_answered(&popped) {
            // A request published twice (a connection reset after Redis took it) is answered
            // twice by each node: one answer per node counts.
            Ok((from, Ok(reply))) => {
                if answered.insert(from) {
                    replies.push(reply);
                }
            }
            Ok((_, Err(e))) => return Some(Err(e)),
            Err(e) => return Some(Err(OpError::Failed(e))),
        }
        if !everyone {
            break;
        }
    }
    LATENCY.record(started.elapsed());
    if !everyone {
        if let Some(reply) = replies.pop() {
            return Some(Ok(reply));
        }
    } else if replies.len() as u64 == receivers {
        return Some(Ok(topics::merge(op.kind(), replies)));
    }
    Some(silent_nodes(config, op, &answered, replies))
}

/// Some node did not answer in time: the answers stand if every node whose heartbeat is fresh
/// answered (the silent one died since PUBLISH counted it); otherwise the call fails.
fn silent_nodes(
    config: &Config,
    op: &Op,
    answered: &HashSet<u64>,
    replies: Vec<Reply>,
) -> Result<Reply, OpError> {
    let timeout = config.redis_timeout.as_secs_f64();
    if op.connection().is_some() {
        return Err(OpError::Unreachable(format!(
            "the node holding connection {:?} did not answer {} within redis_timeout ({timeout} s)",
            op.connection().map(|id| id.as_str()).unwrap_or_default(),
            op.kind().name()
        )));
    }
    let nodes = cluster::live_nodes(config)?;
    let silent: Vec<&str> = nodes
        .iter()
        .filter(|n| !answered.contains(&n.instance))
        .map(|n| n.name.as_str())
        .collect();
    if silent.is_empty() {
        return Ok(topics::merge(op.kind(), replies));
    }
    Err(OpError::Unreachable(format!(
        "node(s) {} did not answer {} within redis_timeout ({timeout} s)",
        silent.join(", "),
        op.kind().name()
    )))
}

/// Answers a request (on a node): pushes the answer on the asker's list.
pub fn answer_command(
    prefix: &str,
    from: u64,
    origin: u64,
    ask: u64,
    reply: Reply,
) -> redis::Pipeline {
    answer_bytes(prefix, origin, ask, codec::encode_answered(from, &Ok::<_, OpError>(reply)))
}

/// Pushes an encoded answer on the list asker `origin` waits on for its request `ask`.
pub fn answer_bytes(prefix: &str, origin: u64, ask: u64, answer: Vec<u8>) -> redis::Pipeline {
    let key = topics::answers(prefix, origin, ask);
    let mut pipe = redis::pipe();
    // Both or neither: a list without its expiry would outlive an asker that gave up.
    pipe.atomic();
    pipe.rpush(&key, answer).ignore();
    pipe.pexpire(&key, ANSWER_TTL_MS as i64).ignore();
    pipe
}
