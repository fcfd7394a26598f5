//! Presence channels' members as Pusher clients name them: each subscription to a `presence-`
//! channel carries `channel_data` (`user_id`, `user_info`), signed by the application. A user
//! is a member while at least one of its connections is subscribed, so `member_added` and
//! `member_removed` go out once per user, not per connection.
//!
//! Members are kept per node: on several nodes, each lists the members connected to it
//! (docs/laravel.md).
//!
//! One lock orders every change with what is told of it: a member list sent to a joining
//! client and the `member_added`/`member_removed` the others get are queued under it, so no
//! client sees an arrival before the list that should hold it, or a list after a departure
//! that should not. Lock order: this one, then the hub's channel index (a fan-out).

use super::wire;
use crate::hub::connection::Connection;
use crate::hub::{index, Frame, Hub, Topic};
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct Roster {
    channels: Mutex<HashMap<String, Members>>,
}

#[derive(Default)]
struct Members {
    /// Each user once, in the order they joined: its info and how many connections it has in.
    users: Vec<(String, Value, usize)>,
    /// Which user each subscribed connection is (`index::key`).
    by_connection: HashMap<usize, String>,
}

impl Members {
    fn position(&self, user_id: &str) -> Option<usize> {
        self.users.iter().position(|(id, _, _)| id == user_id)
    }

    /// `key` joins as `user_id`; true if the user was not a member yet.
    fn join(&mut self, key: usize, user_id: &str, info: Value) -> bool {
        if self.by_connection.contains_key(&key) {
            return false;
        }
        self.by_connection.insert(key, user_id.to_string());
        match self.position(user_id) {
            Some(i) => {
                self.users[i].2 += 1;
                false
            }
            None => {
                self.users.push((user_id.to_string(), info, 1));
                true
            }
        }
    }

    /// `key` leaves; its user id if that was the user's last connection here.
    fn leave(&mut self, key: usize) -> Option<String> {
        let user_id = self.by_connection.remove(&key)?;
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
        let ids: Vec<&str> = self.users.iter().map(|(id, _, _)| id.as_str()).collect();
        let hash: Map<String, Value> = self
            .users
            .iter()
            .map(|(id, info, _)| (id.clone(), info.clone()))
            .collect();
        json!({"ids": ids, "hash": hash, "count": self.users.len()})
    }
}

impl Roster {
    /// The user `conn` joined `channel` as.
    pub fn user_of(&self, channel: &str, conn: &Arc<Connection>) -> Option<String> {
        let channels = self.channels.lock();
        channels.get(channel)?.by_connection.get(&index::key(conn)).cloned()
    }

    /// The user ids on `channel`, in the order they joined.
    pub fn users(&self, channel: &str) -> Vec<String> {
        let channels = self.channels.lock();
        channels.get(channel).map_or_else(Vec::new, |m| {
            m.users.iter().map(|(id, _, _)| id.clone()).collect()
        })
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
        let added = members.join(index::key(conn), user_id, info.clone());
        conn.reply(Frame::text(wire::subscription_succeeded(channel, Some(members.listing()))));
        if added {
            let added = Frame::text(wire::member_added(channel, user_id, &info));
            self.fan_out_as(channel, &added, Topic::Internal, Some(conn));
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
        if members.users.is_empty() {
            channels.remove(channel);
        }
        if let Some(user_id) = gone {
            let removed = Frame::text(wire::member_removed(channel, &user_id));
            self.fan_out_as(channel, &removed, Topic::Internal, Some(conn));
        }
    }
}
