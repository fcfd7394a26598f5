//! The `Hub`: every connection of this node, their routes, channel subscriptions, tags, resume
//! tokens and per-connection state.
//!
//! Users are indexed by the id their handshake gave: user sends cost that user's connections.
//! Locks, each held briefly, always taken in this order when nested: `connections` →
//! `channels` (one shard at a time: `ChannelIndex`) → `tags` → `users` →
//! `tokens`. A connection's own `life` lock is never held while taking one of these. A
//! connection stays in the map after its socket ended, until the worker has seen its `close`
//! event, so its state is readable while `beforeClose` is handled.
//! The hub reports what happened (a close, a dormancy, a release); the `Node` turns that into
//! events. Here: connections; `deliver` the fan-out, `feed` a large channel's broadcasts for
//! its subscribers to pull; `channels`, `users`, `ghosts`, `tags`, `stored` the rest.

mod channel_index;
mod channels;
pub mod connection;
mod deflate;
mod deliver;
pub mod feed;
pub mod frame;
mod ghosts;
mod moves;
mod origin;
pub mod history;
mod in_flight;
pub mod index;
pub use moves::{Carried, Handover, Parcel, ROUTING};
pub use origin::Origin;
pub mod search;
pub mod socket;
pub mod stats;
mod stored;
pub mod tag_expression;
mod tags;
pub mod topic;
mod users;

use connection::{CloseCause, Connection, Life, Socket};
pub use frame::Frame;
pub use topic::Topic;
use history::History;
use channel_index::ChannelIndex;
use index::MemberIndex;
use parking_lot::{Mutex, RwLock};
use stats::Stats;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a subscription change did, so callers can report it (`join`/`leave` events).
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Done,
    Unchanged,
    NoSuchConnection,
}

/// What became of a connection whose socket ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// Closed for good: report `beforeClose` then `close` with this cause.
    Closed(CloseCause),
    /// A ghost: it sleeps, nothing is reported.
    Dormant,
    /// Already handled elsewhere (killed or released while dormant).
    Stale,
}

/// What `kill` or `release_ghost` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// No such connection (or, for a release, not a ghost).
    None,
    /// The live socket was asked to close, or the ghost mark was cleared: its tasks report.
    Handled,
    /// A dormant ghost ended here: report its close with this code.
    Retired { code: u16 },
}

pub fn random_hex_128() -> String {
    random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut raw = [0u8; N];
    getrandom::fill(&mut raw).expect("the OS random source is available");
    raw
}

/// The last tag expression's selection, valid while the tag index is at `version`.
struct CachedSelection {
    expression: String,
    version: u64,
    selected: Arc<[Arc<Connection>]>,
}

#[derive(Default)]
pub struct Hub {
    connections: RwLock<HashMap<Arc<str>, Arc<Connection>>>,
    channels: ChannelIndex,
    tags: RwLock<MemberIndex>,
    /// Connections by the user id their handshake authentication gave.
    users: RwLock<MemberIndex>,
    tokens: Mutex<HashMap<Arc<str>, Arc<Connection>>>,
    /// Bumped by every change a tag expression can see: tags, and connections coming and going.
    selection_version: std::sync::atomic::AtomicU64,
    last_selection: Mutex<Option<CachedSelection>>,
    /// Told which connection ids this node holds (`Scope::Connection`), under `connections`.
    holder: Option<index::Watcher>,
    /// Pusher clients' presence channel members (`pusher::presence`).
    pub(crate) roster: crate::pusher::presence::Roster,
    pub stats: Stats,
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    /// A hub that tells `watcher` which channels, users and tags gain their first local member
    /// and lose their last, and which connection ids it holds: what a multi-node broker
    /// subscribes to.
    pub fn watched(watcher: index::Watcher) -> Self {
        Hub {
            channels: ChannelIndex::watched(watcher.clone()),
            tags: RwLock::new(MemberIndex::watched(index::Scope::Tag, watcher.clone())),
            users: RwLock::new(MemberIndex::watched(index::Scope::User, watcher.clone())),
            holder: Some(watcher),
            ..Self::default()
        }
    }

    fn selections_changed(&self) {
        self.selection_version
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn register(&self, conn: Arc<Connection>) {
        if let Some(user) = &conn.user {
            self.users.write().insert(user, &conn);
        }
        let mut connections = self.connections.write();
        self.hold(&conn.id(), true);
        connections.insert(conn.id(), conn);
        drop(connections);
        self.selections_changed();
        Stats::add(&self.stats.connections_opened, 1);
    }

    /// Tells the watcher this node now holds `id`, or no longer does (under `connections`).
    fn hold(&self, id: &str, held: bool) {
        if let Some(watcher) = &self.holder {
            watcher(index::Scope::Connection, id, held);
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<Connection>> {
        self.connections.read().get(id).cloned()
    }

    fn get_open(&self, id: &str) -> Option<Arc<Connection>> {
        self.get(id).filter(|c| c.is_open())
    }

    /// A socket ended: a ghost goes dormant, anything else closes for good.
    pub fn socket_ended(&self, conn: &Arc<Connection>, socket: &Arc<Socket>) -> Ended {
        let cause = socket.cause();
        {
            let mut life = conn.life.lock();
            match &*life {
                Life::Live(current) if Arc::ptr_eq(current, socket) => {}
                _ => return Ended::Stale,
            }
            if conn.is_ghost() && !socket::ending_for_good(cause.reason) {
                conn.set_life(
                    &mut life,
                    Life::Dormant {
                        since: Instant::now(),
                        code: cause.code,
                        moving: false,
                    },
                );
                return Ended::Dormant;
            }
            conn.set_life(&mut life, Life::Gone);
        }
        self.retire(conn);
        Ended::Closed(cause)
    }

    /// A connection is gone: it leaves every index; its own state stays readable.
    fn retire(&self, conn: &Arc<Connection>) {
        let mut presence = Vec::new();
        // It is no longer open, so once every change under way is done, its channels are
        // final: no subscribe can add one behind the removal.
        self.channels.pass_every_shard();
        for channel in conn.subscribed_channels() {
            self.channels.shard(&channel).write().remove(&channel, conn);
            if conn.speaks_pusher() && channel.starts_with("presence-") {
                presence.push(channel);
            }
        }
        for channel in presence {
            self.leave_presence(&channel, conn);
        }
        {
            let mut tags = self.tags.write();
            for tag in conn.read_extra(|e| e.map(|e| e.tags.clone()).unwrap_or_default()) {
                tags.remove(&tag, conn);
            }
        }
        {
            let mut users = self.users.write();
            if let Some(user) = &conn.user {
                users.remove(user, conn);
            }
            if let Some(user) = conn.read_extra(|e| e.and_then(|e| e.signed_in.clone())) {
                users.remove(&user, conn);
            }
        }
        self.forget_token(conn);
        self.selections_changed();
        Stats::add(&self.stats.connections_closed, 1);
    }

    /// The worker has handled the connection's `close`: its state goes.
    pub fn forget(&self, id: &str) {
        let mut connections = self.connections.write();
        if connections.get(id).is_some_and(|c| !c.is_open()) {
            connections.remove(id);
            self.hold(id, false);
        }
    }

    fn open_connections(&self, route: Option<&str>) -> Vec<Arc<Connection>> {
        self.connections
            .read()
            .values()
            .filter(|c| c.is_open() && route.is_none_or(|r| *c.route == *r))
            .cloned()
            .collect()
    }

    /// Open connections (dormant ghosts included), by id.
    pub fn clients(&self, route: Option<&str>) -> Vec<String> {
        self.open_connections(route)
            .iter()
            .map(|c| c.id().to_string())
            .collect()
    }

    pub fn clients_count(&self, route: Option<&str>) -> usize {
        self.connections
            .read()
            .values()
            .filter(|c| c.is_open() && route.is_none_or(|r| *c.route == *r))
            .count()
    }

    /// Connections whose socket is live (what `stop` waits for).
    pub fn live_count(&self) -> usize {
        self.connections
            .read()
            .values()
            .filter(|c| c.is_open() && !c.is_dormant())
            .count()
    }

    pub fn routes(&self) -> Vec<String> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for conn in self.connections.read().values().filter(|c| c.is_open()) {
            *counts.entry(conn.route.to_string()).or_default() += 1;
        }
        counts.into_keys().collect()
    }

    /// Gives a connection a new id; false if `new` is taken or `old` unknown.
    pub fn rename(&self, old: &str, new: &str) -> bool {
        let mut connections = self.connections.write();
        if connections.contains_key(new) {
            return false;
        }
        // A Pusher client's id is its socket_id, which every signature it gets covers.
        let Some(conn) = connections
            .get(old)
            .filter(|c| c.is_open() && !c.speaks_pusher())
            .cloned()
        else {
            return false;
        };
        connections.remove(old);
        self.hold(old, false);
        self.hold(new, true);
        let id: Arc<str> = Arc::from(new);
        conn.set_id(id.clone());
        connections.insert(id, conn);
        true
    }

    // Stored information.

    pub fn with_open<R>(&self, id: &str, f: impl FnOnce(&Connection) -> R) -> Option<R> {
        self.get_open(id).map(|c| f(&c))
    }

    pub fn enable_history(&self, id: &str, max: usize, max_age: Duration) -> bool {
        self.with_open(id, |c| c.set_history(Some(History::new(max, max_age))))
            .is_some()
    }

    pub fn close_all(&self, code: u16, reason: &'static str) {
        for conn in self.open_connections(None) {
            if let Some(socket) = conn.socket() {
                socket.close(code, reason);
            }
        }
    }

    /// (connections, distinct users, channels, channel names) for `/stats`.
    pub fn summary(&self) -> (usize, usize, usize, Vec<String>) {
        let (count, users) = {
            let connections = self.connections.read();
            let open = connections.values().filter(|c| c.is_open());
            let users: HashSet<&str> = open.clone().filter_map(|c| c.user.as_deref()).collect();
            (open.count(), users.len())
        };
        let names = self.channels.names();
        (count, users, names.len(), names)
    }
}

/// A relayed connection turns every hub's feeds off, process-wide (`connection::any_relayed`):
/// tests that relay one hold this for writing, tests that need feeds for reading.
#[cfg(test)]
pub(crate) static RELAYING_IN_TESTS: parking_lot::RwLock<()> = parking_lot::const_rwlock(());
#[cfg(test)]
#[path = "relay_tests.rs"]
mod relay_tests;
#[cfg(test)]
mod feed_tests;
