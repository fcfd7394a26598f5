//! Relayed connections: while a connection moves between nodes, its node's own operations
//! published in that time reach it through Redis (`hub::Origin`), in the order the other
//! node sees. Once it arrived, what this node runs for it waits until Redis brought back the
//! last of those, so nothing overtakes them; then it is an ordinary connection again.

use super::Connection;
use crate::hub::{Frame, Origin};
use parking_lot::Mutex;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// How many connections of the process are relayed (`Connection::relayed`): while none is,
/// deliveries skip the per-recipient check (`Hub::deliver`).
pub(super) static RELAYED: AtomicUsize = AtomicUsize::new(0);

/// The relayed connections, for `echoed` to find those whose operations all came back.
static RELAYING: Mutex<Vec<Arc<Connection>>> = Mutex::new(Vec::new());

/// The newest of this node's own operations Redis brought back (`echoed`).
static ECHOED: AtomicU64 = AtomicU64::new(0);

/// Past this many frames held back for one connection (Redis does not bring its operations
/// back), they go out as they come: out of order rather than piling up.
const HELD_MAX: usize = 4096;

pub fn any_relayed() -> bool {
    RELAYED.load(Ordering::Acquire) > 0
}

/// A relayed connection's part of this node's operation numbers.
#[derive(Default)]
pub struct Relay {
    /// Those that reach it only when Redis brings them back (`Origin::Echo`). The newest
    /// range is open (`end == u64::MAX`) while it is on its way; a closed one goes once Redis
    /// brought back its last operation.
    ranges: Vec<Range<u64>>,
    /// What this node ran for it since it arrived, while a closed range waits for Redis.
    held: Vec<Frame>,
    /// `held` is being sent: what comes meanwhile is held too, behind it.
    flushing: bool,
}

impl Relay {
    fn waits(&self) -> bool {
        self.flushing || !self.held.is_empty() || self.ranges.iter().any(|r| r.end != u64::MAX)
    }

    /// Drops the closed ranges whose operations Redis brought back, `through` the newest.
    fn passed(&mut self, through: u64) {
        self.ranges
            .retain(|r| r.end == u64::MAX || r.end > through.saturating_add(1));
    }
}

/// Which way a frame of an operation of origin `origin` goes to a relayed connection.
pub(in crate::hub) enum Way {
    Now,
    Held,
    Never,
}

impl Connection {
    /// This node's own operations numbered `from` onward reach it through Redis, until
    /// `relay_until` (`hub::moves`). Set under the moves' routing lock. Ranges of an earlier
    /// move still waiting for Redis stay.
    pub(in crate::hub) fn relay_from(self: &Arc<Self>, from: u64) {
        self.with_extra(|e| {
            let relay = e.relay.get_or_insert_with(Default::default);
            relay.ranges.retain(|r| r.end != u64::MAX);
            relay.ranges.push(from..u64::MAX);
            if !self.relayed.swap(true, Ordering::AcqRel) {
                RELAYED.fetch_add(1, Ordering::AcqRel);
            }
        });
        let mut relaying = RELAYING.lock();
        if !relaying.iter().any(|c| Arc::ptr_eq(c, self)) {
            relaying.push(self.clone());
        }
    }

    /// It arrived (or stays): this node's operations numbered `below` onward are its as they
    /// run, once Redis brought back those before.
    pub(in crate::hub) fn relay_until(&self, below: u64) {
        self.with_extra(|e| {
            if let Some(relay) = e.relay.as_mut() {
                if let Some(open) = relay.ranges.iter_mut().find(|r| r.end == u64::MAX) {
                    open.end = below;
                }
                // An echo that came before the range closed does not sweep it (`echoed`).
                relay.passed(ECHOED.load(Ordering::SeqCst));
            }
        });
        self.catch_up();
    }

    /// Whether the operation `origin` is delivering reaches it, and when.
    pub(in crate::hub) fn way(&self, origin: Origin) -> Way {
        if !self.relayed.load(Ordering::Acquire) {
            return match origin {
                Origin::Echo(_) => Way::Never,
                _ => Way::Now,
            };
        }
        self.read_extra(|e| {
            let Some(relay) = e.and_then(|e| e.relay.as_ref()) else {
                return match origin {
                    Origin::Echo(_) => Way::Never,
                    _ => Way::Now,
                };
            };
            let relayed = |seq: u64| relay.ranges.iter().any(|r| r.contains(&seq));
            let open = relay.ranges.iter().any(|r| r.end == u64::MAX);
            match origin {
                // Ordered by Redis among the echoes: ahead of what waits for them.
                Origin::Elsewhere => Way::Now,
                Origin::Echo(seq) if relayed(seq) => Way::Now,
                Origin::Echo(_) => Way::Never,
                // Not published (nothing of it comes back): lost on its way, as before a move.
                Origin::Here(0) if open => Way::Never,
                Origin::Here(seq) if seq != 0 && relayed(seq) => Way::Never,
                Origin::Here(_) if relay.waits() && relay.held.len() < HELD_MAX => Way::Held,
                Origin::Here(_) => Way::Now,
            }
        })
    }

    /// Queues `frame` behind the echoes it must not overtake (`Way::Held`).
    pub(in crate::hub) fn hold(&self, frame: Frame) -> bool {
        let held = self.with_extra(|e| match e.relay.as_mut() {
            Some(relay) if relay.waits() => {
                relay.held.push(frame.clone());
                true
            }
            _ => false,
        });
        held || self.send(frame)
    }

    /// Sends what was held once no closed range waits for Redis, and stops relaying once no
    /// range is left. One thread sends at a time; what is held meanwhile, it sends next.
    fn catch_up(&self) {
        let mut sending = false;
        loop {
            let next = self.with_extra(|e| {
                let relay = e.relay.as_mut()?;
                if relay.flushing && !sending {
                    return None;
                }
                relay.flushing = false;
                if relay.ranges.iter().any(|r| r.end != u64::MAX) {
                    return None;
                }
                if relay.held.is_empty() {
                    if relay.ranges.is_empty() {
                        e.relay = None;
                        // Under the same lock as `relay_from` sets it.
                        if self.relayed.swap(false, Ordering::AcqRel) {
                            RELAYED.fetch_sub(1, Ordering::AcqRel);
                        }
                    }
                    return None;
                }
                relay.flushing = true;
                Some(std::mem::take(&mut relay.held))
            });
            let Some(frames) = next else { break };
            sending = true;
            for frame in frames {
                self.send(frame);
            }
        }
    }

    /// Not relayed: every operation reaches it as it runs.
    #[cfg(test)]
    pub(in crate::hub) fn way_is_plain(&self) -> bool {
        !self.relayed.load(Ordering::Acquire)
    }

    /// On its way between nodes: what is sent to it goes through Redis.
    pub fn in_transit(&self) -> bool {
        self.relayed.load(Ordering::Acquire)
            && self.read_extra(|e| {
                e.and_then(|e| e.relay.as_ref())
                    .is_some_and(|r| r.ranges.iter().any(|r| r.end == u64::MAX))
            })
    }
}

/// Redis brought back this node's own operation `seq` (after running it for the relayed
/// connections): the connections whose ranges it passes catch up. With one Redis, this node's
/// operations come back in their order, so none older is still on its way.
pub fn echoed(seq: u64) {
    ECHOED.fetch_max(seq, Ordering::SeqCst);
    if !any_relayed() {
        return;
    }
    let relaying = RELAYING.lock().clone();
    for conn in &relaying {
        conn.with_extra(|e| {
            if let Some(relay) = e.relay.as_mut() {
                relay.passed(seq);
            }
        });
        conn.catch_up();
    }
    RELAYING
        .lock()
        .retain(|c| c.relayed.load(Ordering::Acquire));
}
