//! Users: the connections of the user id authentication gave, sends to them, and presence.

use super::Frame;
use super::Hub;
use crate::protocol::PRESENCE_STATUSES;

impl Hub {
    pub fn send_to_user(&self, user: &str, message: &Frame) -> usize {
        let users = self.users.read();
        let Some(members) = users.members(user) else {
            return 0;
        };
        self.deliver(members.values(), message, super::Topic::Direct, None, None)
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
