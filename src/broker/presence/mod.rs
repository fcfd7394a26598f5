//! Presence across nodes: the members of each presence channel, cluster-wide, kept in Redis,
//! so that a Pusher client's member list names the users on every node and `member_added` /
//! `member_removed` go out once per user in the whole cluster.
//!
//! Per channel (`topics::presence_*`, one hash slot, so a script may touch them together):
//! - a hash of the members: user id → its `user_info`, as the first node to add it gave it;
//! - per member, the set of node instances it has connections on;
//! - the channel's version: a count of its changes, never below Redis's clock in
//!   microseconds, which every list and change carries so nodes tell them in order
//!   (`pusher::presence`).
//!
//! A node tells Redis only when a user gains its first connection on the channel on this node,
//! or loses its last (`pusher::presence` counts connections): one script adds the node to the
//! user's set and answers whether the user is new and the member list; another removes it and
//! answers whether the user is gone. The node that hears "new" or "gone" routes the event
//! (`Op::Trigger` of `member_added` / `member_removed`), which reaches every node with members.
//! Both scripts can run again with no effect, which is what repairs rely on:
//! - A change Redis did not take (down, slow) marks the book out of date. Once Redis answers,
//!   the node tells it its whole roster again and takes back what Redis holds in its name and
//!   the roster does not (`Keeper::reconcile`). So does a node that finds itself taken for
//!   dead.
//! - A node that dies cannot say its users left. Each node lists what it added
//!   (`topics::presence_joined`, and its instance in `topics::presence_nodes`); every node
//!   looks every `REAP_EVERY` for instances whose heartbeat is more than twice
//!   `cluster::STALE` older than the newest one, or gone on two looks in a row, and removes
//!   their users as they would have (`reaper`). The scripts make each removal happen once,
//!   whoever runs it.
//!
//! Layout: this file holds the scripts and what both tasks do with Redis (`Book`); `keeper`
//! tells Redis the roster's changes and repairs; `reaper` removes dead nodes' members.

mod keeper;
mod reaper;

use keeper::Keeper;
use super::link::Link;
use super::redis::Shared;
use super::{cluster, topics};
use crate::log::LogLimiter;
use crate::node::Node;
use crate::ops::{Channel, EventName, Id, Op};
use crate::pusher::presence::{listing, Change};
use crate::pusher::wire::MemberChange;
use bytes::Bytes;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often a node looks for dead nodes' members, and checks its own.
pub const REAP_EVERY: Duration = Duration::from_secs(2);

/// Counts one change in a channel's version: the count goes on, but never below Redis's
/// clock in microseconds, so a version lost or rolled back with Redis's data (a restart, a
/// failover to a replica that missed writes) goes on above every version told before. The
/// clock is set as a string: Lua would write the number as `1.7e+15`.
const BUMP: &str = r"
local function bump(key)
  local v = redis.call('INCR', key)
  local t = redis.call('TIME')
  local now = t[1] .. string.format('%06d', tonumber(t[2]))
  if tonumber(now) > v then
    redis.call('SET', key, now)
    v = tonumber(now)
  end
  return v
end
";

/// KEYS: members, the user's nodes, the channel's version. ARGV: user id, instance, info.
/// Answers {added, the version, the members as HGETALL lists them in a script: flat}.
const JOIN: &str = r"
redis.call('SADD', KEYS[2], ARGV[2])
local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[3])
if added == 1 then bump(KEYS[3]) end
return {added, tonumber(redis.call('GET', KEYS[3]) or '0'), redis.call('HGETALL', KEYS[1])}
";

/// KEYS: members, the channel's version. Answers {the version, the members (flat)}.
const LIST: &str = r"
return {tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('HGETALL', KEYS[1])}
";

/// KEYS: members, the user's nodes, the channel's version. ARGV: user id, instance. Answers
/// the version of the user's removal if it is gone, else 0.
const LEAVE: &str = r"
if redis.call('SREM', KEYS[2], ARGV[2]) == 1 and redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  local v = bump(KEYS[3])
  -- Nobody left: the version goes too, and starts again at the clock.
  if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[3]) end
  return v
end
return 0
";

/// What Redis answers a join: whether the user is new to the cluster, and the members as of
/// the channel's version.
struct Joined {
    added: bool,
    version: u64,
    members: Vec<(String, Value)>,
}

/// Joins Redis did not take, logged at most once a second (Redis down: every join fails).
static FAILURES_LOGGED: LogLimiter = LogLimiter::new();

/// What the node's two presence tasks share.
struct Book {
    node: Arc<Node>,
    shared: Arc<Shared>,
    /// This node's instance as the heartbeats name it.
    instance: String,
}

/// Tells Redis what the roster changes, in order, and repairs what it could not tell, until
/// the node stops. A node that stops leaves its members to the others' reapers (its heartbeat
/// is gone).
pub(super) async fn keep(
    shared: Arc<Shared>,
    link: Link,
    node: Arc<Node>,
    mut changes: mpsc::UnboundedReceiver<Change>,
) {
    let book = Arc::new(Book {
        node: node.clone(),
        instance: cluster::field(shared.origin),
        shared,
    });
    tokio::spawn(reaper::reap(book.clone(), link.clone()));
    let mut keeper = Keeper::new(book, link);
    let mut check = tokio::time::interval(REAP_EVERY);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = node.shutdown.wait() => return,
            change = changes.recv() => match change {
                Some(change) => keeper.apply(change).await,
                None => return,
            },
            _ = check.tick() => keeper.check(changes.is_empty()).await,
        }
    }
}

fn failed(why: &'static str) -> redis::RedisError {
    redis::RedisError::from((redis::ErrorKind::Io, why))
}

impl Book {
    async fn bounded<T>(
        &self,
        work: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> redis::RedisResult<T> {
        let within = tokio::time::timeout(self.shared.timeout, work).await;
        within.unwrap_or_else(|_| Err(failed("no answer within redis_timeout")))
    }

    /// Adds this node to the user's nodes on `channel`, and reads the members.
    async fn join(
        &self,
        link: &mut Link,
        channel: &str,
        user_id: &str,
        info: &Value,
    ) -> redis::RedisResult<Joined> {
        let prefix = &self.shared.prefix;
        let entry = serde_json::json!([channel, user_id]).to_string();
        redis::cmd("SADD")
            .arg(topics::presence_nodes(prefix))
            .arg(&self.instance)
            .query_async::<()>(link)
            .await?;
        redis::cmd("SADD")
            .arg(topics::presence_joined(prefix, &self.instance))
            .arg(entry)
            .query_async::<()>(link)
            .await?;
        let (added, version, flat): (i64, u64, Vec<String>) = self
            .member_script(JOIN, channel, user_id, &self.instance)
            .arg(info.to_string())
            .query_async(link)
            .await?;
        Ok(Joined {
            added: added == 1,
            version,
            members: pairs(flat),
        })
    }

    /// A member script (`JOIN`, `LEAVE`) on the channel's three keys, for `user_id` on
    /// `instance`.
    fn member_script(&self, script: &str, channel: &str, user_id: &str, instance: &str) -> redis::Cmd {
        let prefix = &self.shared.prefix;
        let mut command = redis::cmd("EVAL");
        command
            .arg(format!("{BUMP}{script}"))
            .arg(3)
            .arg(topics::presence_members(prefix, channel))
            .arg(topics::presence_user(prefix, channel, user_id))
            .arg(topics::presence_version(prefix, channel))
            .arg(user_id)
            .arg(instance);
        command
    }

    /// Removes `instance` from the user's nodes on `channel`; the version of the user's
    /// removal if it is gone from the cluster.
    async fn leave(
        &self,
        link: &mut Link,
        instance: &str,
        channel: &str,
        user_id: &str,
    ) -> redis::RedisResult<Option<u64>> {
        let prefix = &self.shared.prefix;
        let version: u64 = self
            .member_script(LEAVE, channel, user_id, instance)
            .query_async(link)
            .await?;
        let entry = serde_json::json!([channel, user_id]).to_string();
        redis::cmd("SREM")
            .arg(topics::presence_joined(prefix, instance))
            .arg(entry)
            .query_async::<()>(link)
            .await?;
        Ok((version > 0).then_some(version))
    }

    /// Routes a member event: it runs here and reaches the channel's other nodes.
    fn tell(&self, channel: &str, change: &MemberChange, except: Option<String>) {
        let (event, data) = change.event();
        let op = (|| {
            Ok::<_, crate::ops::OpError>(Op::Trigger {
                channel: Channel::new(channel)?,
                event: EventName::new(event)?,
                data: Bytes::from(data),
                except: except.map(Id::new).transpose()?,
                user_id: None,
            })
        })();
        if let Err(e) = op.and_then(|op| self.node.route(op)) {
            tracing::warn!("presence: {event} on {channel} was not sent: {e}");
        }
    }
}

/// A member as Redis holds it: (user id, its info as JSON text).
fn parse_info((user_id, info): (String, String)) -> (String, Value) {
    (user_id, serde_json::from_str(&info).unwrap_or(Value::Null))
}

/// HGETALL's flat list, as a script answers it, as (user id, info).
fn pairs(flat: Vec<String>) -> Vec<(String, Value)> {
    let mut flat = flat.into_iter();
    std::iter::from_fn(|| Some(parse_info((flat.next()?, flat.next()?)))).collect()
}

/// A user gone from a channel.
fn removal(user_id: String, version: Option<u64>) -> MemberChange {
    MemberChange {
        added: false,
        user_id,
        info: Value::Null,
        version,
    }
}

/// The cluster's members of a presence channel (user id → info), read from a blocking
/// context (the HTTP API). Bounded by `redis_timeout`.
pub fn members(
    config: &crate::config::Config,
    channel: &str,
) -> Result<Vec<(String, Value)>, crate::ops::OpError> {
    let key = topics::presence_members(&config.redis_prefix, channel);
    let members: Vec<(String, String)> = super::redis_sync::run(
        config,
        redis::cmd("HGETALL").arg(key),
        "the presence channel's members were not read",
    )?;
    Ok(members.into_iter().map(parse_info).collect())
}
