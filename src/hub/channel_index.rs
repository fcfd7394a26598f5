//! `ChannelIndex`: the channel registry in shards, each a `MemberIndex` behind its own lock,
//! a channel's shard chosen by its name (as Centrifugo's hub does).
//!
//! A fan-out holds its channel's shard for a moment (taking a snapshot of the members), and
//! only for reading. Under one lock, a PHP thread taken off its core in that moment could hold
//! up a subscribe to any other channel until it ran again (a subscribe waited 2.9 ms for that
//! lock once in `ws-bench wide`). Now only changes to channels of the same shard can wait.
//!
//! Every path holds one shard at a time. A connection that goes passes each shard in turn
//! (`pass_every_shard`) before reading its channel list: a subscribe checks that the
//! connection is open under its shard's lock, so once every shard has been passed, none can be
//! adding a channel behind the removal's back.

use super::index::{AddressHasher, MemberIndex, Scope, Watcher};
use parking_lot::RwLock;
use std::hash::Hasher;

/// As many as Centrifugo's hub: two channels share a shard once in 64.
const SHARDS: usize = 64;
const _: () = assert!(
    SHARDS.is_power_of_two(),
    "`shard_of` takes the hash's top bits"
);

/// A shard on cache lines of its own: a fan-out's read lock writes the lock word, which
/// would otherwise share a line with the neighbouring shard's.
#[repr(align(128))]
struct Shard(RwLock<MemberIndex>);

pub struct ChannelIndex {
    shards: Box<[Shard]>,
}

impl Default for ChannelIndex {
    fn default() -> Self {
        Self::with(MemberIndex::default)
    }
}

impl ChannelIndex {
    /// Each shard tells `watcher` of its names' first and last members (in order per name:
    /// a name's calls are made under its shard's lock; different names' may come at once).
    pub fn watched(watcher: Watcher) -> Self {
        Self::with(|| MemberIndex::watched(Scope::Channel, watcher.clone()))
    }

    fn with(shard: impl Fn() -> MemberIndex) -> Self {
        ChannelIndex {
            shards: (0..SHARDS).map(|_| Shard(RwLock::new(shard()))).collect(),
        }
    }

    /// The shard that holds `channel`.
    pub fn shard(&self, channel: &str) -> &RwLock<MemberIndex> {
        &self.shards[shard_of(channel)].0
    }

    /// Waits for every change under way, one shard after the other, never holding two: a
    /// connection that is no longer open then has the channel list it will keep. Read locks:
    /// the fan-outs under way need not be waited for.
    pub fn pass_every_shard(&self) {
        for shard in self.shards.iter() {
            drop(shard.0.read());
        }
    }

    /// The channels that have a member here, sorted (the shards are read one after the
    /// other).
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for shard in self.shards.iter() {
            shard.0.read().extend_names(&mut names);
        }
        names.sort_unstable();
        names
    }
}

/// The top bits of the index's own byte hasher (`AddressHasher`, a multiply per byte: its top
/// bits depend on every byte). Names chosen to land in one shard only bring back the single
/// lock there was before.
fn shard_of(channel: &str) -> usize {
    let mut hasher = AddressHasher::default();
    hasher.write(channel.as_bytes());
    (hasher.finish() >> (64 - SHARDS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_spread_over_the_shards_and_one_name_stays_in_one() {
        let used: std::collections::HashSet<usize> =
            (0..1_000).map(|i| shard_of(&format!("room-{i}"))).collect();
        assert_eq!(used.len(), SHARDS);
        assert_eq!(shard_of("room-7"), shard_of("room-7"));
        // Evenly: 6,400 names, about 100 in each.
        let mut counts = [0; SHARDS];
        for i in 0..6_400 {
            counts[shard_of(&format!("user-{i}"))] += 1;
        }
        assert!(
            counts.iter().all(|&n| (50..=150).contains(&n)),
            "{counts:?}"
        );
        // The bench's probe channel and its broadcast channel do not share a shard: the
        // figure it prints is the one for a subscribe elsewhere.
        assert_ne!(shard_of("elsewhere"), shard_of("bench"));
    }
}
