//! Presence channels' members as Pusher clients name them: each subscription to a `presence-`
//! channel carries `channel_data` (`user_id`, `user_info`), signed by the application. A user
//! is a member while at least one of its connections is subscribed, so `member_added` and
//! `member_removed` go out once per user, not per connection.

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
}

impl Roster {
    /// `conn` joins `channel` as `user_id`; true if the user was not a member yet.
    fn join(&self, channel: &str, conn: &Arc<Connection>, user_id: &str, info: Value) -> bool {
        let mut channels = self.channels.lock();
        let members = channels.entry(channel.to_string()).or_default();
        match members.by_connection.insert(index::key(conn), user_id.to_string()) {
            Some(before) if before == user_id => return false,
            // Subscribed again under another identity: the old one leaves first.
            Some(before) => {
                Self::drop_user(members, &before);
            }
            None => {}
        }
        match members.position(user_id) {
            Some(i) => {
                members.users[i].2 += 1;
                false
            }
            None => {
                members.users.push((user_id.to_string(), info, 1));
                true
            }
        }
    }

    fn drop_user(members: &mut Members, user_id: &str) -> bool {
        let Some(i) = members.position(user_id) else {
            return false;
        };
        members.users[i].2 -= 1;
        if members.users[i].2 > 0 {
            return false;
        }
        members.users.remove(i);
        true
    }

    /// `conn` leaves `channel`; the user id if that was its last connection there.
    fn leave(&self, channel: &str, conn: &Arc<Connection>) -> Option<String> {
        let mut channels = self.channels.lock();
        let members = channels.get_mut(channel)?;
        let user_id = members.by_connection.remove(&index::key(conn))?;
        let gone = Self::drop_user(members, &user_id);
        if members.users.is_empty() {
            channels.remove(channel);
        }
        gone.then_some(user_id)
    }

    /// The members as `subscription_succeeded` lists them: `ids`, `hash` (id → info), `count`.
    fn listing(&self, channel: &str) -> Value {
        let channels = self.channels.lock();
        let users = channels.get(channel).map_or(&[][..], |m| &m.users[..]);
        let ids: Vec<&str> = users.iter().map(|(id, _, _)| id.as_str()).collect();
        let hash: Map<String, Value> = users
            .iter()
            .map(|(id, info, _)| (id.clone(), info.clone()))
            .collect();
        json!({"ids": ids, "hash": hash, "count": users.len()})
    }

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
    /// A Pusher client subscribed to a presence channel as `user_id`: the members it is told
    /// of (itself included), after the others are told it arrived if it is a new user.
    pub fn join_presence(
        &self,
        channel: &str,
        conn: &Arc<Connection>,
        user_id: &str,
        info: Value,
    ) -> Value {
        if self.roster.join(channel, conn, user_id, info.clone()) {
            let added = Frame::text(wire::member_added(channel, user_id, &info));
            self.fan_out_as(channel, &added, Topic::Internal, Some(&conn.id()));
        }
        self.roster.listing(channel)
    }

    /// A Pusher client left a presence channel (unsubscribed, or its connection ended): the
    /// others are told if its user has no connection left there.
    pub fn leave_presence(&self, channel: &str, conn: &Arc<Connection>) {
        if let Some(user_id) = self.roster.leave(channel, conn) {
            let removed = Frame::text(wire::member_removed(channel, &user_id));
            self.fan_out_as(channel, &removed, Topic::Internal, Some(&conn.id()));
        }
    }
}
