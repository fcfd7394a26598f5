//! Presence across nodes: the members of each presence channel, cluster-wide, kept in Redis,
//! so that a Pusher client's member list names the users on every node and `member_added` /
//! `member_removed` go out once per user in the whole cluster.
//!
//! Per channel (`topics::presence_*`, one hash slot, so a script may touch them together):
//! - a hash of the members: user id → its `user_info`, as the first node to add it gave it;
//! - per member, the set of node instances it has connections on.
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
//!   their users as they would have (`reap`). The scripts make each removal happen once,
//!   whoever runs it.

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
    tokio::spawn(reap(book.clone(), link.clone()));
    let mut keeper = Keeper {
        book,
        link,
        beaten: false,
        stale: false,
        uncertain: HashSet::new(),
        reconnects: 0,
        mismatches: 0,
    };
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

struct Keeper {
    book: Arc<Book>,
    link: Link,
    /// Set once this node's heartbeat is in Redis: until then another node's reaper could take
    /// this node for dead, so nothing is added.
    beaten: bool,
    /// Redis missed a change: the roster is told again once it answers.
    stale: bool,
    /// (channel, user) whose change Redis may or may not have made (no answer): once the
    /// roster is told again, their users are told what Redis holds.
    uncertain: HashSet<(String, String)>,
    /// `Shared::reconnects` when last checked: a Redis that came back may hold anything.
    reconnects: u64,
    /// Checks in a row that found Redis holding other than the roster.
    mismatches: u32,
}

impl Keeper {
    async fn apply(&mut self, change: Change) {
        match change {
            Change::Join {
                channel,
                conn,
                user_id,
                info,
                first_here,
            } => {
                let asked = self.join(&channel, &user_id, &info, first_here).await;
                let (added, version, members) = match asked {
                    Ok(Joined {
                        added,
                        version,
                        mut members,
                    }) => {
                        // Redis lost the user meanwhile (repaired later): the list holds it.
                        if !members.iter().any(|(id, _)| *id == user_id) {
                            members.push((user_id.clone(), info.clone()));
                        }
                        (added, Some(version), listing(members.into_iter()))
                    }
                    Err(e) => {
                        self.stale = true;
                        if first_here {
                            self.uncertain.insert((channel.clone(), user_id.clone()));
                        }
                        if let Some(suppressed) = FAILURES_LOGGED.allow() {
                            tracing::warn!(suppressed, "presence: {} joined {channel} as {user_id}; Redis did not take it ({e}): its list holds this node's members, and Redis is told once it answers", conn.id());
                        }
                        let local = self.book.node.hub.roster.local_listing(&channel);
                        (false, None, local)
                    }
                };
                self.book.node.hub.listed(&channel, &conn, members, version);
                if added {
                    let change = MemberChange {
                        added: true,
                        user_id,
                        info,
                        version,
                    };
                    self.book.tell(&channel, &change, Some(conn.id().to_string()));
                }
            }
            Change::Leave {
                channel,
                user_id,
                socket_id,
            } => {
                let left = match self.book.shared.up.load(Ordering::Acquire) {
                    true => {
                        self.book
                            .bounded(self.book.leave(
                                &mut self.link,
                                &self.book.instance,
                                &channel,
                                &user_id,
                            ))
                            .await
                    }
                    false => Err(failed("Redis is down")),
                };
                match left {
                    Ok(Some(version)) => {
                        let change = removal(user_id, Some(version));
                        self.book.tell(&channel, &change, Some(socket_id));
                    }
                    Ok(None) => {}
                    Err(e) => {
                        self.stale = true;
                        self.uncertain.insert((channel.clone(), user_id.clone()));
                        if let Some(suppressed) = FAILURES_LOGGED.allow() {
                            tracing::warn!(suppressed, "presence: {socket_id}, the last of user {user_id} on {channel} here, left; Redis did not take it ({e}): it is told once it answers");
                        }
                    }
                }
            }
        }
    }

    /// (whether the user is new to the cluster, the members), bounded by `redis_timeout`.
    async fn join(
        &mut self,
        channel: &str,
        user_id: &str,
        info: &Value,
        first_here: bool,
    ) -> redis::RedisResult<Joined> {
        if !self.book.shared.up.load(Ordering::Acquire) {
            return Err(failed("Redis is down"));
        }
        let book = self.book.clone();
        book.bounded(async {
            // The channel's events from other nodes must reach this node from the list on.
            self.interest_confirmed().await;
            match first_here {
                true => {
                    self.wait_for_heartbeat().await?;
                    book.join(&mut self.link, channel, user_id, info).await
                }
                false => {
                    let prefix = &book.shared.prefix;
                    let (version, flat): (u64, Vec<String>) = redis::cmd("EVAL")
                        .arg(LIST)
                        .arg(2)
                        .arg(topics::presence_members(prefix, channel))
                        .arg(topics::presence_version(prefix, channel))
                        .query_async(&mut self.link)
                        .await?;
                    Ok(Joined {
                        added: false,
                        version,
                        members: pairs(flat),
                    })
                }
            }
        })
        .await
    }

    /// Waits (at most half of `redis_timeout`) until Redis has confirmed every subscription
    /// this node asked for so far.
    async fn interest_confirmed(&self) {
        let made = self.book.shared.interest_made.load(Ordering::Acquire);
        let mut confirmed = self.book.shared.interest_confirmed.subscribe();
        let wait = self.book.shared.timeout / 2;
        let _ = tokio::time::timeout(wait, confirmed.wait_for(|n| *n >= made)).await;
    }

    async fn wait_for_heartbeat(&mut self) -> redis::RedisResult<()> {
        let key = topics::nodes(&self.book.shared.prefix);
        while !self.beaten {
            self.beaten = redis::cmd("HEXISTS")
                .arg(&key)
                .arg(&self.book.instance)
                .query_async(&mut self.link)
                .await?;
            if !self.beaten {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// Every `REAP_EVERY`: tells Redis the roster again if Redis missed a change, came back
    /// (it may have lost its data, or be an older copy of it), or no longer holds what this
    /// node added (another node took it for dead; Redis lost its data).
    /// `settled`: no change waits to be told (else Redis may lag the roster rightly).
    async fn check(&mut self, settled: bool) {
        let shared = self.book.shared.clone();
        if !shared.up.load(Ordering::Acquire) {
            return;
        }
        let reconnects = shared.reconnects.load(Ordering::Relaxed);
        if std::mem::replace(&mut self.reconnects, reconnects) != reconnects {
            self.stale = true;
        }
        let book = self.book.clone();
        let checked = async {
            if !self.stale && settled {
                // Twice in a row: a join made between the two looks is no mismatch.
                self.mismatches = match self.holds_roster().await? {
                    true => 0,
                    false => self.mismatches + 1,
                };
                if self.mismatches >= 2 {
                    tracing::warn!("node {}: Redis does not hold this node's presence members (taken for dead, or Redis lost its data); telling it again", book.node.config.node_name);
                    self.stale = true;
                }
            }
            if self.stale {
                self.reconcile().await?;
            }
            Ok::<_, redis::RedisError>(())
        };
        match checked.await {
            Ok(()) if self.stale => {
                self.stale = false;
                self.mismatches = 0;
            }
            Ok(()) => {}
            Err(e) => {
                self.stale = true;
                tracing::warn!("node {}: presence members not told to Redis again ({e}); next try in {REAP_EVERY:?}", book.node.config.node_name);
            }
        }
    }

    /// Whether Redis holds as many memberships in this node's name as the roster has, and
    /// knows the node: one look, no list.
    async fn holds_roster(&mut self) -> redis::RedisResult<bool> {
        let here = self.book.node.hub.roster.memberships().len();
        let prefix = &self.book.shared.prefix;
        // Two commands: in a cluster the two keys may live on two shards.
        let mut known = redis::cmd("SISMEMBER");
        known.arg(topics::presence_nodes(prefix)).arg(&self.book.instance);
        let known: bool = self.book.bounded(known.query_async(&mut self.link)).await?;
        let mut held = redis::cmd("SCARD");
        held.arg(topics::presence_joined(prefix, &self.book.instance));
        let held: usize = self.book.bounded(held.query_async(&mut self.link)).await?;
        Ok(held == here && (known || here == 0))
    }

    /// Makes Redis hold exactly this node's roster in its name, telling the users each change
    /// adds or removes, and what Redis holds of the users whose changes were uncertain. Each
    /// step is bounded by `redis_timeout`; one that fails leaves the rest to the next try.
    async fn reconcile(&mut self) -> redis::RedisResult<()> {
        let book = self.book.clone();
        let here = book.node.hub.roster.memberships();
        for (channel, user_id, info) in &here {
            self.wait_for_heartbeat().await?;
            let joined = book.bounded(book.join(&mut self.link, channel, user_id, info)).await?;
            let uncertain = self.uncertain.remove(&(channel.clone(), user_id.clone()));
            if joined.added || uncertain {
                let change = MemberChange {
                    added: true,
                    user_id: user_id.clone(),
                    info: info.clone(),
                    // Told again when unsure: unversioned, so no node takes it for old news.
                    version: joined.added.then_some(joined.version),
                };
                book.tell(channel, &change, None);
            }
        }
        let here: HashSet<(&str, &str)> = here.iter().map(|(c, u, _)| (c.as_str(), u.as_str())).collect();
        let joined = topics::presence_joined(&book.shared.prefix, &book.instance);
        let held: Vec<String> = book.bounded(redis::cmd("SMEMBERS").arg(joined).query_async(&mut self.link)).await?;
        for (channel, user_id) in held.iter().filter_map(|e| serde_json::from_str::<(String, String)>(e).ok()) {
            if here.contains(&(channel.as_str(), user_id.as_str())) {
                continue;
            }
            let left = book.leave(&mut self.link, &book.instance, &channel, &user_id);
            if let Some(version) = book.bounded(left).await? {
                self.uncertain.remove(&(channel.clone(), user_id.clone()));
                book.tell(&channel, &removal(user_id, Some(version)), None);
            }
        }
        // Left here, and Redis's answer lost: gone unless another node has the user.
        for (channel, user_id) in std::mem::take(&mut self.uncertain) {
            let members = topics::presence_members(&book.shared.prefix, &channel);
            let mut exists = redis::cmd("HEXISTS");
            exists.arg(members).arg(&user_id);
            match book.bounded(exists.query_async::<bool>(&mut self.link)).await {
                Ok(false) => book.tell(&channel, &removal(user_id, None), None),
                Ok(true) => {}
                Err(e) => {
                    self.uncertain.insert((channel, user_id));
                    return Err(e);
                }
            }
        }
        Ok(())
    }
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
        let (added, version, flat): (i64, u64, Vec<String>) = redis::cmd("EVAL")
            .arg(format!("{BUMP}{JOIN}"))
            .arg(3)
            .arg(topics::presence_members(prefix, channel))
            .arg(topics::presence_user(prefix, channel, user_id))
            .arg(topics::presence_version(prefix, channel))
            .arg(user_id)
            .arg(&self.instance)
            .arg(info.to_string())
            .query_async(link)
            .await?;
        Ok(Joined {
            added: added == 1,
            version,
            members: pairs(flat),
        })
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
        let version: u64 = redis::cmd("EVAL")
            .arg(format!("{BUMP}{LEAVE}"))
            .arg(3)
            .arg(topics::presence_members(prefix, channel))
            .arg(topics::presence_user(prefix, channel, user_id))
            .arg(topics::presence_version(prefix, channel))
            .arg(user_id)
            .arg(instance)
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

/// Looks for dead nodes' members every `REAP_EVERY`, until the node stops.
async fn reap(book: Arc<Book>, mut link: Link) {
    let mut suspects = HashSet::new();
    let mut every = tokio::time::interval(REAP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = book.node.shutdown.wait() => return,
            _ = every.tick() => {}
        }
        // Down, or back since less than it takes every node to beat again: heartbeats are
        // late for Redis's sake, not the nodes'. Nobody is judged, and suspicions restart.
        let back_since = (*book.shared.back_at.lock()).map(|at| at.elapsed());
        let settling = back_since.is_some_and(|t| t < 2 * cluster::STALE + cluster::BEAT);
        if book.shared.hold().is_some() || settling {
            suspects.clear();
            continue;
        }
        let looked = tokio::time::timeout(
            book.shared.timeout * 4,
            book.reap_dead(&mut link, &mut suspects),
        );
        if let Err(e) = looked
            .await
            .unwrap_or_else(|_| Err(failed("no answer within redis_timeout")))
        {
            tracing::warn!("node {}: dead nodes' presence members were not removed ({e}); next try in {REAP_EVERY:?}", book.node.config.node_name);
        }
    }
}

impl Book {
    /// Removes the members of every dead node: one found dead on two looks in a row (its
    /// heartbeat gone, or over twice `STALE` older than the newest). A node is judged by the
    /// newest heartbeat, not by the clock: after Redis stalled, every heartbeat is late and
    /// nobody is dead. A node whose own heartbeat is late judges nobody.
    async fn reap_dead(
        &self,
        link: &mut Link,
        suspects: &mut HashSet<String>,
    ) -> redis::RedisResult<()> {
        let prefix = &self.shared.prefix;
        let instances: Vec<String> = redis::cmd("SMEMBERS")
            .arg(topics::presence_nodes(prefix))
            .query_async(link)
            .await?;
        let others: Vec<&String> = instances.iter().filter(|i| **i != self.instance).collect();
        if others.is_empty() {
            suspects.clear();
            return Ok(());
        }
        let beats: Vec<(String, String)> = redis::cmd("HGETALL")
            .arg(topics::nodes(prefix))
            .query_async(link)
            .await?;
        let at: HashMap<String, u64> = beats
            .into_iter()
            .filter_map(|(instance, beat)| {
                Some((
                    instance,
                    serde_json::from_str::<cluster::Heartbeat>(&beat).ok()?.at,
                ))
            })
            .collect();
        let newest = at.values().copied().max().unwrap_or(0);
        match at.get(&self.instance) {
            Some(own) if newest.saturating_sub(*own) <= cluster::STALE.as_millis() as u64 => {}
            _ => {
                suspects.clear();
                return Ok(());
            }
        }
        let dead_after = 2 * cluster::STALE.as_millis() as u64;
        // Gone: a node that stopped removed its heartbeat (or has not written it yet).
        let suspected: HashSet<String> = others
            .into_iter()
            .filter(|i| at.get(*i).is_none_or(|beat| newest.saturating_sub(*beat) >= dead_after))
            .cloned()
            .collect();
        let dead: Vec<String> = suspected.intersection(suspects).cloned().collect();
        *suspects = suspected;
        for instance in dead {
            self.reap_node(link, &instance).await?;
        }
        Ok(())
    }

    async fn reap_node(&self, link: &mut Link, instance: &str) -> redis::RedisResult<()> {
        let prefix = &self.shared.prefix;
        let joined = topics::presence_joined(prefix, instance);
        let entries: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&joined)
            .query_async(link)
            .await?;
        let mut removed = 0;
        for entry in &entries {
            let Ok((channel, user_id)) = serde_json::from_str::<(String, String)>(entry) else {
                continue;
            };
            // Each entry leaves the dead node's set as it is removed: a later look goes on
            // where this one stopped.
            if let Some(version) = self.leave(link, instance, &channel, &user_id).await? {
                removed += 1;
                self.tell(&channel, &removal(user_id, Some(version)), None);
            }
        }
        // Forgotten once nothing is left in its name: a node taken for dead by mistake may
        // have added more meanwhile, which the next look takes.
        let left: usize = redis::cmd("SCARD").arg(&joined).query_async(link).await?;
        if left == 0 {
            redis::cmd("SREM")
                .arg(topics::presence_nodes(prefix))
                .arg(instance)
                .query_async::<()>(link)
                .await?;
        }
        if !entries.is_empty() {
            tracing::info!(
                "node {}: node instance {instance} is gone; its {} presence memberships are removed ({removed} users left their channels)",
                self.node.config.node_name,
                entries.len()
            );
        }
        Ok(())
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
