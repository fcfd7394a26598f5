//! Presence channels' members as Pusher clients name them: each subscription to a `presence-`
//! channel carries `channel_data` (`user_id`, `user_info`), signed by the application. A user
//! is a member while at least one of its connections is subscribed, so `member_added` and
//! `member_removed` go out once per user, not per connection.
//!
//! - One node (`driver=memory`): this roster is the whole truth, and a join or leave is told
//!   at once.
//! - Several nodes (a Redis driver): the cluster's members live in Redis (`broker::presence`),
//!   which decides whether a join or leave adds or removes a user cluster-wide and tells every
//!   node (an `Op::Trigger` of the protocol's own event, which runs `tell`). This roster keeps
//!   this node's members, and what each is owed.
//!
//! One lock orders what a client is told: its member list first, then the changes after it.
//! With Redis the list comes back later than changes that may reach this node meanwhile; those
//! wait beside the member (`Listed::Waiting`) and follow the list, each only if it changes what
//! the list said. Lock order: this one, then a shard of the hub's channel index.

use super::wire::{self, MemberChange};
use crate::hub::connection::Connection;
use crate::hub::{index, Frame, Hub, Topic};
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc;

#[derive(Default)]
pub struct Roster {
    channels: Mutex<HashMap<String, Members>>,
    /// Set with a Redis driver: where the joins and leaves go that the cluster decides on.
    cluster: OnceLock<mpsc::UnboundedSender<Change>>,
}

/// What the cluster's presence book is told, in the order it happened on this node.
pub enum Change {
    /// `conn` joined `channel` as `user_id`. `first_here`: the user had no connection there on
    /// this node. The book answers with `Hub::listed`.
    Join {
        channel: String,
        conn: Arc<Connection>,
        user_id: String,
        info: Value,
        first_here: bool,
    },
    /// The user's last connection on `channel` on this node left (`socket_id`).
    Leave {
        channel: String,
        user_id: String,
        socket_id: String,
    },
}

struct Member {
    user_id: String,
    conn: Arc<Connection>,
    listed: Listed,
}

enum Listed {
    /// Told its list, as of the channel's version in Redis (0 on one node): the changes up
    /// to it are in the list.
    Yes(u64),
    /// The member list is on its way (Redis): the changes received meanwhile.
    Waiting(Vec<(MemberChange, Frame)>),
}

#[derive(Default)]
struct Members {
    /// This node's users once each, in the order they joined: info and connection count.
    users: Vec<(String, Value, usize)>,
    /// Which user each subscribed connection is (`index::key`).
    by_connection: HashMap<usize, Member>,
    /// The latest version of each user's changes told here: an older one, from another node,
    /// that arrives later is not told.
    versions: HashMap<String, u64>,
}

impl Members {
    fn position(&self, user_id: &str) -> Option<usize> {
        self.users.iter().position(|(id, _, _)| id == user_id)
    }

    /// `conn` joins as `user_id`; `Some(first)` if it was not a member (`first`: its user was
    /// not one either), `None` if it was one already.
    fn join(
        &mut self,
        conn: &Arc<Connection>,
        user_id: &str,
        info: Value,
        listed: Listed,
    ) -> Option<bool> {
        let key = index::key(conn);
        if let Some(member) = self.by_connection.get_mut(&key) {
            // Subscribed again: a list on its way keeps what waits for it.
            if let Listed::Yes(_) = member.listed {
                member.listed = listed;
            }
            return None;
        }
        let member = Member {
            user_id: user_id.to_string(),
            conn: conn.clone(),
            listed,
        };
        self.by_connection.insert(key, member);
        match self.position(user_id) {
            Some(i) => {
                self.users[i].2 += 1;
                Some(false)
            }
            None => {
                self.users.push((user_id.to_string(), info, 1));
                Some(true)
            }
        }
    }

    /// `key` leaves; its user id if that was the user's last connection here.
    fn leave(&mut self, key: usize) -> Option<String> {
        let user_id = self.by_connection.remove(&key)?.user_id;
        let i = self.position(&user_id)?;
        self.users[i].2 -= 1;
        if self.users[i].2 > 0 {
            return None;
        }
        self.users.remove(i);
        Some(user_id)
    }

    /// As `subscription_succeeded` lists them: `ids`, `hash` (id → info), `count`.
    fn listing(&self) -> Value {
        listing(
            self.users
                .iter()
                .map(|(id, info, _)| (id.clone(), info.clone())),
        )
    }

    /// Forgets the users' versions that every member's list already holds: a change that
    /// old is told to nobody anyway (`Listed::Yes`), so the map stays about the size of the
    /// recent changes, not of every user ever seen.
    fn forget_old_versions(&mut self) {
        let mut oldest = u64::MAX;
        for member in self.by_connection.values() {
            match member.listed {
                Listed::Yes(at) => oldest = oldest.min(at),
                Listed::Waiting(_) => return,
            }
        }
        self.versions.retain(|_, version| *version > oldest);
    }

    /// Tells every member of `channel` told so far but `except` of `change`; a member whose
    /// list is on its way gets it after the list. Under the roster's lock.
    fn tell(&mut self, hub: &Hub, channel: &str, change: &MemberChange, except: Option<&str>) {
        if let Some(version) = change.version {
            let seen = self.versions.entry(change.user_id.clone()).or_default();
            if *seen >= version {
                return;
            }
            *seen = version;
            if self.versions.len() > 64 + 2 * self.by_connection.len() {
                self.forget_old_versions();
            }
        }
        let message = Frame::text(change.for_client(channel));
        let mut now = Vec::new();
        for member in self.by_connection.values_mut() {
            // A user is not told of itself (a repair re-adding it names no `except`).
            if except.is_some_and(|id| *member.conn.id() == *id) || member.user_id == change.user_id {
                continue;
            }
            match &mut member.listed {
                Listed::Yes(at) if change.version.is_none_or(|v| v > *at) => {
                    now.push(member.conn.clone())
                }
                Listed::Yes(_) => {}
                Listed::Waiting(later) => later.push((change.clone(), message.clone())),
            }
        }
        hub.deliver(now.iter(), &message, Topic::Internal, None, None);
    }
}

/// A member list as `subscription_succeeded` carries it.
pub fn listing(members: impl Iterator<Item = (String, Value)>) -> Value {
    let mut ids = Vec::new();
    let mut hash = Map::new();
    for (id, info) in members {
        ids.push(Value::from(id.as_str()));
        hash.insert(id, info);
    }
    json!({"count": ids.len(), "ids": ids, "hash": hash})
}

impl Roster {
    /// The user `conn` joined `channel` as.
    pub fn user_of(&self, channel: &str, conn: &Arc<Connection>) -> Option<String> {
        let channels = self.channels.lock();
        let member = channels
            .get(channel)?
            .by_connection
            .get(&index::key(conn))?;
        Some(member.user_id.clone())
    }

    /// This node's user ids on `channel`, in the order they joined.
    pub fn users(&self, channel: &str) -> Vec<String> {
        let channels = self.channels.lock();
        channels.get(channel).map_or_else(Vec::new, |m| {
            m.users.iter().map(|(id, _, _)| id.clone()).collect()
        })
    }

    /// This node's members of `channel`, listed: what a client is told when the cluster's
    /// list cannot be read.
    pub fn local_listing(&self, channel: &str) -> Value {
        let channels = self.channels.lock();
        channels
            .get(channel)
            .map_or_else(|| listing(std::iter::empty()), Members::listing)
    }

    /// Every (channel, user id, info) with a connection on this node: what the cluster's
    /// book must hold for this node.
    pub fn memberships(&self) -> Vec<(String, String, Value)> {
        let channels = self.channels.lock();
        let mut all = Vec::new();
        for (channel, members) in channels.iter() {
            for (user_id, info, _) in &members.users {
                all.push((channel.clone(), user_id.clone(), info.clone()));
            }
        }
        all
    }

    /// From now on, joins and leaves go to `book`, which tells the cluster (a Redis driver).
    pub fn share_with(&self, book: mpsc::UnboundedSender<Change>) {
        let _ = self.cluster.set(book);
    }
}

impl Hub {
    /// A Pusher client subscribed to a presence channel as `user_id`: it is told the members
    /// (itself included), then the others are told it arrived if it is a new user. Nothing if
    /// it is no longer subscribed (the worker unsubscribed it meanwhile).
    pub fn join_presence(&self, channel: &str, conn: &Arc<Connection>, user_id: &str, info: Value) {
        let mut channels = self.roster.channels.lock();
        // Under the roster's lock: an unsubscribe that ran first is seen here, and one that
        // runs later finds this member to remove.
        if !conn.is_subscribed(channel) {
            return;
        }
        let members = channels.entry(channel.to_string()).or_default();
        if let Some(book) = self.roster.cluster.get() {
            let joined = members.join(conn, user_id, info.clone(), Listed::Waiting(Vec::new()));
            let _ = book.send(Change::Join {
                channel: channel.to_string(),
                conn: conn.clone(),
                user_id: user_id.to_string(),
                info,
                first_here: joined == Some(true),
            });
            return;
        }
        let added = members.join(conn, user_id, info.clone(), Listed::Yes(0)) == Some(true);
        conn.reply(Frame::text(wire::subscription_succeeded(
            channel,
            Some(members.listing()),
        )));
        if added {
            let change = MemberChange {
                added: true,
                user_id: user_id.to_string(),
                info,
                version: None,
            };
            members.tell(self, channel, &change, Some(&conn.id()));
        }
    }

    /// A Pusher client left a presence channel (unsubscribed, or its connection ended): the
    /// others are told if its user has no connection left there.
    pub fn leave_presence(&self, channel: &str, conn: &Arc<Connection>) {
        let mut channels = self.roster.channels.lock();
        let Some(members) = channels.get_mut(channel) else {
            return;
        };
        let gone = members.leave(index::key(conn));
        if let (Some(user_id), Some(book)) = (&gone, self.roster.cluster.get()) {
            let _ = book.send(Change::Leave {
                channel: channel.to_string(),
                user_id: user_id.clone(),
                socket_id: conn.id().to_string(),
            });
        } else if let Some(user_id) = gone {
            let change = MemberChange {
                added: false,
                user_id,
                info: Value::Null,
                version: None,
            };
            members.tell(self, channel, &change, Some(&conn.id()));
        }
        if members.by_connection.is_empty() {
            channels.remove(channel);
        }
    }

    /// The cluster's member list for `conn`, which joined `channel` (the presence book's
    /// answer), as of the channel's `version` in Redis: sent, then the changes that arrived
    /// meanwhile and came after it (or, without versions, change it). Nothing if the client
    /// left meanwhile.
    pub fn listed(&self, channel: &str, conn: &Arc<Connection>, listing: Value, version: Option<u64>) {
        let mut channels = self.roster.channels.lock();
        let Some(member) = channels
            .get_mut(channel)
            .and_then(|m| m.by_connection.get_mut(&index::key(conn)))
        else {
            return;
        };
        // A second answer (subscribed twice while the first was on its way) finds the list
        // told: it must not change what the client's list is as of.
        if !matches!(member.listed, Listed::Waiting(_)) {
            return;
        }
        let at = version.unwrap_or(0);
        let Listed::Waiting(later) = std::mem::replace(&mut member.listed, Listed::Yes(at)) else {
            return;
        };
        let mut members: HashSet<String> = listing["ids"]
            .as_array()
            .map(|ids| ids.iter().filter_map(|id| id.as_str().map(String::from)).collect())
            .unwrap_or_default();
        conn.reply(Frame::text(wire::subscription_succeeded(channel, Some(listing))));
        for (change, message) in later {
            let changes = match change.added {
                true => members.insert(change.user_id),
                false => members.remove(&change.user_id),
            };
            let after = match (change.version, version) {
                (Some(v), Some(at)) => v > at,
                _ => changes,
            };
            if after {
                self.deliver(std::iter::once(conn), &message, Topic::Internal, None, None);
            }
        }
    }

    /// A member added to or removed from `channel` (`wire::MemberChange`): this node's
    /// members are told, but `except`.
    pub fn tell_presence(&self, channel: &str, change: &MemberChange, except: Option<&str>) {
        let mut channels = self.roster.channels.lock();
        if let Some(members) = channels.get_mut(channel) {
            members.tell(self, channel, change, except);
        }
    }
}

#[cfg(test)]
#[path = "presence_tests.rs"]
mod tests;
