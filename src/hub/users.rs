//! Users: the connections of the user id authentication gave, sends to them, and presence.

use super::connection::Connection;
use super::{Frame, Hub, Topic};
use std::sync::Arc;
use crate::protocol::PRESENCE_STATUSES;

impl Hub {
    /// Queues `message` for every connection of `user`; `named`: it is a Pusher event
    /// already (the same bytes for every client), else a Pusher client gets it as the
    /// user's `message` event.
    pub fn send_to_user(&self, user: &str, message: &Frame, named: bool) -> usize {
        let users = self.users.read();
        let Some(members) = users.members(user) else {
            return 0;
        };
        let topic = match named {
            true => Topic::Event,
            false => Topic::User(user),
        };
        self.deliver(members.values(), message, topic, None, None)
    }

    /// A Pusher client signed in as `user` (`pusher:signin`): from now on it is one of the
    /// user's connections. A connection is one user's for good: false if it already is
    /// another's (by its handshake or an earlier sign-in), or if it ended.
    pub fn sign_in(&self, conn: &Arc<Connection>, user: &str) -> bool {
        if conn.user.as_deref().is_some_and(|u| u != user) {
            return false;
        }
        let mut users = self.users.write();
        // Under the users lock, which `retire` takes after the connection is marked gone.
        if !conn.is_open() {
            return false;
        }
        let newly = conn.with_extra(|e| match &e.signed_in {
            Some(before) => (before == user).then_some(false),
            None => {
                e.signed_in = Some(user.to_string());
                Some(true)
            }
        });
        match newly {
            Some(true) if conn.user.is_none() => {
                users.insert(user, conn);
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    pub fn user_connections(&self, user: &str) -> Vec<String> {
        self.users
            .read()
            .members(user)
            .map(Self::ids)
            .unwrap_or_default()
    }

    /// A user's presence: the most available status among its connected (not dormant)
    /// connections, `offline` without any.
    pub fn presence(&self, user: &str) -> &'static str {
        let users = self.users.read();
        let statuses = users
            .members(user)
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|c| !c.is_dormant())
            .map(|c| c.presence());
        statuses
            .min_by_key(|s| PRESENCE_STATUSES.iter().position(|p| p == s))
            .unwrap_or("offline")
    }
}
