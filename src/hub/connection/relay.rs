//! Relayed connections: while a connection moves between nodes, its node's own operations
//! published in that time reach it through Redis (`hub::Origin`), in the order the other
//! node sees.

use super::Connection;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many open connections of the process are relayed (`Connection::relayed`): while none
/// is, deliveries skip the per-recipient check (`Hub::deliver`).
pub(super) static RELAYED: AtomicUsize = AtomicUsize::new(0);

pub fn any_relayed() -> bool {
    RELAYED.load(Ordering::Acquire) > 0
}

impl Connection {
    /// This node's own operations numbered `from` onward reach it through Redis, until
    /// `relay_until` (`hub::moves`). Set under the moves' routing lock.
    pub(in crate::hub) fn relay_from(&self, from: u64) {
        self.with_extra(|e| e.relayed = Some(from..u64::MAX));
        if !self.relayed.swap(true, Ordering::AcqRel) {
            RELAYED.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// It arrived (or stays): this node's operations numbered `below` onward reach it here.
    pub(in crate::hub) fn relay_until(&self, below: u64) {
        self.with_extra(|e| {
            if let Some(range) = e.relayed.as_mut() {
                range.end = below;
            }
        });
    }

    /// The range of this node's own operations that reach it through Redis, if any.
    pub fn relayed(&self) -> Option<std::ops::Range<u64>> {
        if !self.relayed.load(Ordering::Acquire) {
            return None;
        }
        self.read_extra(|e| e.and_then(|e| e.relayed.clone()))
    }

    /// On its way between nodes: what is sent to it goes through Redis.
    pub fn in_transit(&self) -> bool {
        self.relayed().is_some_and(|r| r.end == u64::MAX)
    }

}
