//! The `Hub`: every connection of this node, their routes and their channel subscriptions.
//!
//! Two locks, each held briefly and never together except in the fixed order
//! `connections` → `channels`: the connection map (id → `Connection`) and the channel index.
//! A connection stays in the map after its client left, until the worker has seen its `close`
//! event, so its state is readable while `beforeClose` is handled (api.md 3).

pub mod channels;
pub mod connection;
pub mod stats;

use bytes::Bytes;
use channels::ChannelRegistry;
use connection::Connection;
use parking_lot::RwLock;
use stats::Stats;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::Message;

/// A frame encoded once and shared by every recipient: cloning it only bumps a reference count.
pub fn frame_for(data: Bytes, binary: bool) -> Message {
    if binary {
        return Message::Binary(data);
    }
    // Invalid UTF-8 cannot travel in a text frame; the same bytes go as binary.
    if std::str::from_utf8(&data).is_err() {
        return Message::Binary(data);
    }
    // SAFETY: checked just above.
    Message::Text(unsafe { tokio_tungstenite::tungstenite::Utf8Bytes::from_bytes_unchecked(data) })
}

/// What a subscription change did, so callers can report it (`join`/`leave` events).
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Done,
    Unchanged,
    NoSuchConnection,
}

#[derive(Default)]
pub struct Hub {
    connections: RwLock<HashMap<Arc<str>, Arc<Connection>>>,
    channels: RwLock<ChannelRegistry>,
    pub stats: Stats,
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(&self, conn: Arc<Connection>) {
        self.connections.write().insert(conn.id.clone(), conn);
        Stats::add(&self.stats.connections_opened, 1);
    }

    pub fn get(&self, id: &str) -> Option<Arc<Connection>> {
        self.connections.read().get(id).cloned()
    }

    fn get_open(&self, id: &str) -> Option<Arc<Connection>> {
        self.get(id).filter(|c| c.is_open())
    }

    /// The client is gone: the connection leaves the fan-out index but keeps its state.
    pub fn disconnected(&self, conn: &Arc<Connection>) {
        if !conn.mark_gone() {
            return;
        }
        let mut channels = self.channels.write();
        for channel in conn.subscribed_channels() {
            channels.remove(&channel, &conn.id);
        }
        Stats::add(&self.stats.connections_closed, 1);
    }

    /// The worker has handled the connection's `close`: its state goes.
    pub fn forget(&self, id: &str) {
        self.connections.write().remove(id);
    }

    pub fn subscribe(&self, id: &str, channel: &str) -> Change {
        let Some(conn) = self.get_open(id) else { return Change::NoSuchConnection };
        let mut channels = self.channels.write();
        // Checked under the channel lock: `disconnected` empties the index under it too.
        if !conn.is_open() {
            return Change::NoSuchConnection;
        }
        match channels.insert(channel, &conn) {
            Some(name) => {
                conn.add_subscription(name);
                Change::Done
            }
            None => Change::Unchanged,
        }
    }

    pub fn unsubscribe(&self, id: &str, channel: &str) -> Change {
        let Some(conn) = self.get(id) else { return Change::NoSuchConnection };
        let mut channels = self.channels.write();
        let was_member = conn.remove_subscription(channel);
        channels.remove(channel, id);
        if was_member { Change::Done } else { Change::Unchanged }
    }

    /// Sets the subscriptions to exactly `wanted`; returns (joined, left).
    pub fn set_subscriptions(&self, id: &str, wanted: &[String]) -> (Vec<String>, Vec<String>) {
        let Some(conn) = self.get_open(id) else { return (vec![], vec![]) };
        let current: HashSet<String> = conn.subscriptions().into_iter().collect();
        let left: Vec<String> =
            current.iter().filter(|c| !wanted.contains(c)).cloned().collect();
        let mut joined = Vec::new();
        for channel in &left {
            self.unsubscribe(id, channel);
        }
        for channel in wanted {
            if self.subscribe(id, channel) == Change::Done {
                joined.push(channel.clone());
            }
        }
        (joined, left)
    }

    /// Queues `message` for every open subscriber of `channel` on this node.
    pub fn fan_out(&self, channel: &str, message: &Message) -> usize {
        let channels = self.channels.read();
        let Some(members) = channels.members(channel) else { return 0 };
        let delivered = members.values().filter(|c| c.send(message.clone())).count();
        drop(channels);
        Stats::add(&self.stats.deliveries, delivered as u64);
        delivered
    }

    pub fn send(&self, id: &str, message: Message, route: Option<&str>) -> bool {
        match self.get_open(id) {
            Some(conn) if route.is_none_or(|r| *conn.route == *r) => {
                let sent = conn.send(message);
                Stats::add(&self.stats.deliveries, sent as u64);
                sent
            }
            _ => false,
        }
    }

    pub fn send_all(&self, message: &Message, route: Option<&str>) -> usize {
        let recipients = self.open_connections(route);
        let delivered = recipients.iter().filter(|c| c.send(message.clone())).count();
        Stats::add(&self.stats.deliveries, delivered as u64);
        delivered
    }

    fn open_connections(&self, route: Option<&str>) -> Vec<Arc<Connection>> {
        self.connections
            .read()
            .values()
            .filter(|c| c.is_open() && route.is_none_or(|r| *c.route == *r))
            .cloned()
            .collect()
    }

    pub fn clients(&self, route: Option<&str>) -> Vec<String> {
        self.open_connections(route).iter().map(|c| c.id.to_string()).collect()
    }

    pub fn clients_count(&self, route: Option<&str>) -> usize {
        self.connections
            .read()
            .values()
            .filter(|c| c.is_open() && route.is_none_or(|r| *c.route == *r))
            .count()
    }

    pub fn routes(&self) -> Vec<String> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for conn in self.connections.read().values().filter(|c| c.is_open()) {
            *counts.entry(conn.route.to_string()).or_default() += 1;
        }
        counts.into_keys().collect()
    }

    pub fn kill(&self, id: &str) -> bool {
        match self.get_open(id) {
            Some(conn) => {
                conn.close(1000, connection::reason::KILLED);
                true
            }
            None => false,
        }
    }

    pub fn subscriptions(&self, id: &str) -> Vec<String> {
        self.get(id).map(|c| c.subscriptions()).unwrap_or_default()
    }

    pub fn channels(&self) -> Vec<String> {
        self.channels.read().names()
    }

    pub fn close_all(&self, code: u16, reason: &'static str) {
        for conn in self.open_connections(None) {
            conn.close(code, reason);
        }
    }

    /// (connections, distinct users, channels, channel names) for `/stats`.
    pub fn summary(&self) -> (usize, usize, usize, Vec<String>) {
        let connections = self.connections.read();
        let open = connections.values().filter(|c| c.is_open());
        let users: HashSet<&str> = open.clone().filter_map(|c| c.user.as_deref()).collect();
        let count = open.count();
        let channels = self.channels.read();
        (count, users.len(), channels.len(), channels.names())
    }
}
