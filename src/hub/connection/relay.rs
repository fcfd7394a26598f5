//! Relayed connections: while a connection moves between nodes, its node's own operations
//! published in that time reach it through Redis (`hub::Origin`), in the order the other
//! node sees. Once it arrived, what this node runs for it waits until Redis brought back the
//! last of those (a fence the move publishes, `broker::moving`), so nothing overtakes them;
//! then it is an ordinary connection again.

use super::{Connection, GONE};
use crate::hub::{Frame, Origin};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How many connections of the process are relayed (`Connection::relayed`): while none is,
/// deliveries skip the per-recipient check (`Hub::deliver`).
pub(super) static RELAYED: AtomicUsize = AtomicUsize::new(0);

/// Connections that arrived, by the number their relayed range ends at: `echoed` takes those
/// whose last relayed operation Redis brought back.
static WAITING: Mutex<BTreeMap<u64, Vec<Arc<Connection>>>> = Mutex::new(BTreeMap::new());

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
    held_bytes: usize,
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
    pub(in crate::hub) fn relay_from(&self, from: u64) {
        self.with_extra(|e| {
            let relay = e.relay.get_or_insert_with(Default::default);
            relay.ranges.retain(|r| r.end != u64::MAX);
            relay.ranges.push(from..u64::MAX);
            if !self.relayed.swap(true, Ordering::AcqRel) {
                RELAYED.fetch_add(1, Ordering::AcqRel);
            }
        });
        // Gone meanwhile (`set_life` clears the flag): not counted.
        if self.mode.load(Ordering::Acquire) == GONE && self.relayed.swap(false, Ordering::AcqRel) {
            RELAYED.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// It arrived (or stays): this node's operations numbered `below` onward are its as they
    /// run, once Redis brought back those before (`echoed`). Under the routing lock.
    pub(in crate::hub) fn relay_until(self: &Arc<Self>, below: u64) {
        let waits = self.with_extra(|e| {
            let Some(relay) = e.relay.as_mut() else {
                return false;
            };
            if let Some(open) = relay.ranges.iter_mut().find(|r| r.end == u64::MAX) {
                open.end = below;
            }
            relay.ranges.retain(|r| r.start < r.end);
            relay.ranges.iter().any(|r| r.end == below)
        });
        if waits {
            WAITING.lock().entry(below).or_default().push(self.clone());
        }
        self.catch_up();
    }

    /// Whether the operation `origin` is delivering reaches it, and when.
    pub(in crate::hub) fn way(&self, origin: Origin) -> Way {
        let plain = match origin {
            Origin::Echo(_) => Way::Never,
            _ => Way::Now,
        };
        if !self.relayed.load(Ordering::Acquire) {
            return plain;
        }
        self.read_extra(|e| {
            let Some(relay) = e.and_then(|e| e.relay.as_ref()) else {
                return plain;
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
                Origin::Here(_) if relay.waits() => Way::Held,
                Origin::Here(_) => Way::Now,
            }
        })
    }

    /// Queues `frame` behind the echoes it must not overtake (`Way::Held`). Past
    /// `send_buffer` bytes held, it stops waiting: Redis is not bringing them back.
    pub(in crate::hub) fn hold(&self, frame: Frame) -> bool {
        let held = self.with_extra(|e| match e.relay.as_mut() {
            Some(relay) if relay.waits() => {
                if relay.held_bytes + frame.len() > self.send_buffer {
                    return false;
                }
                relay.held_bytes += frame.len();
                relay.held.push(frame.clone());
                true
            }
            _ => false,
        });
        if held {
            return true;
        }
        if self.flush_held() {
            tracing::warn!(connection = %self.id(), "over send_buffer waits for messages this node sent while it was moving here: what came since goes out now, possibly ahead of them");
        }
        self.send(frame)
    }

    /// What was held goes out now, whatever Redis has not brought back yet. True if
    /// something had not come back (it may come after what was held).
    pub fn flush_held(&self) -> bool {
        self.give_up_through(u64::MAX - 1)
    }

    /// Stops waiting for the closed ranges that end by `end` (one move's, when its fence is
    /// lost; a later move's ranges keep waiting), and sends what was held if none is left.
    /// True if one was still waiting.
    pub fn give_up_through(&self, end: u64) -> bool {
        let given_up = |r: &Range<u64>| r.end != u64::MAX && r.end <= end;
        let ends: Vec<u64> = self.with_extra(|e| match e.relay.as_mut() {
            Some(relay) => {
                let ends = relay.ranges.iter().filter(|r| given_up(r)).map(|r| r.end).collect();
                relay.ranges.retain(|r| !given_up(r));
                ends
            }
            None => Vec::new(),
        });
        if !ends.is_empty() {
            // No echo may ever pass them (the fence was lost): the registry lets go of it.
            let mut waiting = WAITING.lock();
            for end in &ends {
                if let Some(waiters) = waiting.get_mut(end) {
                    waiters.retain(|c| !std::ptr::eq(Arc::as_ptr(c), self));
                    if waiters.is_empty() {
                        waiting.remove(end);
                    }
                }
            }
        }
        self.catch_up();
        !ends.is_empty()
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
                relay.held_bytes = 0;
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
/// connections): the connections whose ranges end by it catch up. With one Redis, this node's
/// operations come back in their order, so none older is still on its way.
pub fn echoed(seq: u64) {
    let due = {
        let mut waiting = WAITING.lock();
        if waiting.is_empty() {
            return;
        }
        let later = waiting.split_off(&seq.saturating_add(2));
        std::mem::replace(&mut *waiting, later)
    };
    for conn in due.into_values().flatten() {
        conn.with_extra(|e| {
            if let Some(relay) = e.relay.as_mut() {
                relay.passed(seq);
            }
        });
        conn.catch_up();
    }
}
