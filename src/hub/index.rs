//! `MemberIndex`: which connections belong to which name; each shard of the channel registry
//! (`ChannelIndex`) is one, and so are the tag and user indexes. Members are keyed by the
//! connection's address, not its id, so a renamed connection stays where it is, and a fan-out
//! walks one name's members and nothing else.
//!
//! A fan-out does not walk them under the index's lock: it takes a snapshot (built on first
//! use after a change, then shared) and lets go, so a broadcast to a large channel never holds
//! up subscribes, unsubscribes or broadcasts elsewhere, on tokio threads or in PHP. It walks
//! the snapshot holding its name's current `Generation`, taken before the index's lock goes;
//! a removal retires it and waits (`in_flight`): an unsubscribe returns only once no
//! broadcast begun before it can still reach the connection, and a fan-out never waits.

use super::connection::Connection;
use super::feed::Feed;
use super::in_flight::{Generation, InFlight};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

/// Hashes a connection's address: already unique, so one multiply spreads it (SipHash would
/// cost more than the rest of a membership test).
#[derive(Default)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = ((n as u64) >> 4).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

pub type ByAddress = BuildHasherDefault<AddressHasher>;
pub type Members = HashMap<usize, Arc<Connection>, ByAddress>;

/// A name's members as they were at one moment, for a fan-out to walk without the index's
/// lock.
pub struct Snapshot {
    members: Arc<[Arc<Connection>]>,
    generation: Arc<Generation>,
}

impl Snapshot {
    /// Held while walking the members, and taken before the index's lock is let go: a
    /// removal's `InFlight::wait` then waits for this fan-out too.
    pub fn delivering(&self) -> parking_lot::RwLockReadGuard<'_, ()> {
        self.generation.delivering()
    }

    pub fn members(&self) -> &[Arc<Connection>] {
        &self.members
    }
}

#[derive(Default)]
struct Entry {
    members: Members,
    /// Dropped on every change; rebuilt by the next fan-out.
    snapshot: OnceLock<Arc<[Arc<Connection>]>>,
    generation: Arc<Generation>,
    /// Made by the first fan-out large enough to use them (`Hub::fan_out_as`): one for native
    /// clients' frames, one for Pusher clients'.
    feeds: OnceLock<[Arc<Feed>; 2]>,
}

pub fn key(conn: &Arc<Connection>) -> usize {
    Arc::as_ptr(conn) as usize
}

/// What an index holds names of: what other nodes may address to this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Channel,
    User,
    Tag,
    /// A connection id this node holds (open, closing or a dormant ghost).
    Connection,
}

/// Told when a name gets its first member here (`true`) and loses its last (`false`), under
/// the index's lock, so the calls for one name come in order. It must not block.
pub type Watcher = Arc<dyn Fn(Scope, &str, bool) + Send + Sync>;

#[derive(Default)]
pub struct MemberIndex {
    names: HashMap<Arc<str>, Entry>,
    watcher: Option<(Scope, Watcher)>,
}

impl MemberIndex {
    pub fn watched(scope: Scope, watcher: Watcher) -> Self {
        MemberIndex {
            names: HashMap::new(),
            watcher: Some((scope, watcher)),
        }
    }

    /// Adds a member; returns the interned name if it was not a member yet.
    pub fn insert(&mut self, name: &str, conn: &Arc<Connection>) -> Option<Arc<str>> {
        let interned = match self.names.get_key_value(name) {
            Some((interned, _)) => interned.clone(),
            None => {
                if let Some((scope, watcher)) = &self.watcher {
                    watcher(*scope, name, true);
                }
                Arc::from(name)
            }
        };
        let entry = self.names.entry(interned.clone()).or_default();
        let added = entry.members.insert(key(conn), conn.clone()).is_none();
        if added {
            entry.snapshot.take();
        }
        added.then_some(interned)
    }

    pub fn remove(&mut self, name: &str, conn: &Arc<Connection>) -> bool {
        let Some(entry) = self.names.get_mut(name) else {
            return false;
        };
        let removed = entry.members.remove(&key(conn)).is_some();
        if removed {
            entry.snapshot.take();
        }
        if entry.members.is_empty() {
            self.names.remove(name);
            if let Some((scope, watcher)) = &self.watcher {
                watcher(*scope, name, false);
            }
        }
        removed
    }

    pub fn members(&self, name: &str) -> Option<&Members> {
        self.names.get(name).map(|e| &e.members)
    }

    /// The members now, to walk once the lock is let go. A fan-out that races a change
    /// reaches the members from just before or just after it.
    pub fn snapshot(&self, name: &str) -> Option<Snapshot> {
        let entry = self.names.get(name)?;
        let members = entry
            .snapshot
            .get_or_init(|| entry.members.values().cloned().collect())
            .clone();
        Some(Snapshot {
            members,
            generation: entry.generation.clone(),
        })
    }

    /// The feeds of `name`'s broadcasts, native then Pusher, made on first use (`feed`).
    pub fn feeds(&self, name: &str) -> Option<[Arc<Feed>; 2]> {
        let entry = self.names.get(name)?;
        Some(entry.feeds.get_or_init(Default::default).clone())
    }

    /// `name`'s feeds, if a fan-out made them.
    pub fn made_feeds(&self, name: &str) -> Option<[Arc<Feed>; 2]> {
        self.names.get(name)?.feeds.get().cloned()
    }

    /// The fan-outs under way to `name`, to wait for after removing a member (with the
    /// index's lock let go: they do not need it). Later fan-outs take a fresh lock, so they
    /// neither wait behind this removal nor hold it up.
    pub fn in_flight(&mut self, name: &str) -> Option<InFlight> {
        self.names
            .get_mut(name)
            .map(|e| Generation::retire(&mut e.generation))
    }

    /// Every (name, members) whose name matches `pattern` (`*` matches any run of bytes).
    pub fn matching(&self, pattern: &str) -> Vec<&Members> {
        self.names
            .iter()
            .filter(|(name, _)| glob(pattern, name))
            .map(|(_, e)| &e.members)
            .collect()
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.names.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    }

    /// Adds the names, unsorted, to `names`.
    pub fn extend_names(&self, names: &mut Vec<String>) {
        names.extend(self.names.keys().map(|k| k.to_string()));
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Glob match with `*` only.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_stars_only() {
        assert!(glob("premium*", "premium-gold"));
        assert!(glob("premium*", "premium"));
        assert!(glob("*-gold", "premium-gold"));
        assert!(glob("a*c*e", "abcde"));
        assert!(!glob("premium*", "basic"));
        assert!(!glob("abc", "abcd"));
    }
}
