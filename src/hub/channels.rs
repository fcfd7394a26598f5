//! `ChannelRegistry`: which open connections are subscribed to which channel.
//!
//! It is the fan-out index: a broadcast walks one channel's members and nothing else.

use super::connection::Connection;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct ChannelRegistry {
    channels: HashMap<Arc<str>, HashMap<Arc<str>, Arc<Connection>>>,
}

impl ChannelRegistry {
    /// Adds a member; returns the interned channel name if it was not a member yet.
    pub fn insert(&mut self, channel: &str, conn: &Arc<Connection>) -> Option<Arc<str>> {
        let (name, members) = match self.channels.get_key_value(channel) {
            Some((name, _)) => {
                let name = name.clone();
                let members = self.channels.get_mut(channel).expect("present");
                (name, members)
            }
            None => {
                let name: Arc<str> = Arc::from(channel);
                (name.clone(), self.channels.entry(name).or_default())
            }
        };
        members.insert(conn.id.clone(), conn.clone()).is_none().then_some(name)
    }

    pub fn remove(&mut self, channel: &str, id: &str) -> bool {
        let Some(members) = self.channels.get_mut(channel) else { return false };
        let removed = members.remove(id).is_some();
        if members.is_empty() {
            self.channels.remove(channel);
        }
        removed
    }

    pub fn members(&self, channel: &str) -> Option<&HashMap<Arc<str>, Arc<Connection>>> {
        self.channels.get(channel)
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.channels.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    }

    pub fn len(&self) -> usize {
        self.channels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.channels.is_empty()
    }
}
