//! `Outbox`: messages waiting for Redis, in order, bounded in count and bytes. Past a bound
//! the oldest are dropped and counted: while Redis is down, the newest matter most.

use bytes::Bytes;
use std::collections::VecDeque;

/// At most this many bytes wait, whatever the count bound.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

pub struct Outbox {
    items: VecDeque<(u64, String, Bytes)>,
    next_seq: u64,
    bytes: usize,
    max_items: usize,
    pub dropped: u64,
}

impl Outbox {
    pub fn new(max_items: usize) -> Outbox {
        Outbox { items: VecDeque::new(), next_seq: 1, bytes: 0, max_items: max_items.max(1), dropped: 0 }
    }

    /// The sequence number the next message will have (from 1).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn push(&mut self, topic: String, payload: Bytes) {
        self.bytes += payload.len();
        self.items.push_back((self.next_seq, topic, payload));
        self.next_seq += 1;
        while self.items.len() > self.max_items || (self.bytes > MAX_BYTES && self.items.len() > 1) {
            if let Some((_, _, old)) = self.items.pop_front() {
                self.bytes -= old.len();
                self.dropped += 1;
            }
        }
    }

    /// The oldest messages, up to `n`, left in place until `sent` confirms them.
    pub fn peek(&self, n: usize) -> Vec<(u64, String, Bytes)> {
        self.items.iter().take(n).cloned().collect()
    }

    /// Forgets every message up to sequence `last` (those dropped meanwhile are gone already).
    pub fn sent(&mut self, last: u64) {
        while self.items.front().is_some_and(|(seq, _, _)| *seq <= last) {
            if let Some((_, _, payload)) = self.items.pop_front() {
                self.bytes -= payload.len();
            }
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_drops_oldest_and_confirms_by_sequence() {
        let mut outbox = Outbox::new(3);
        for i in 0..5 {
            outbox.push("t".into(), Bytes::from(format!("m{i}")));
        }
        assert_eq!(outbox.dropped, 2);
        let batch = outbox.peek(10);
        assert_eq!(batch.iter().map(|(_, _, p)| p.clone()).collect::<Vec<_>>(), ["m2", "m3", "m4"]);
        // Two more pushed while the batch is in flight drop m2 and m3; confirming the batch
        // removes only what is left of it.
        outbox.push("t".into(), Bytes::from("m5"));
        outbox.push("t".into(), Bytes::from("m6"));
        outbox.sent(batch.last().unwrap().0);
        assert_eq!(outbox.peek(10).iter().map(|(_, _, p)| p.clone()).collect::<Vec<_>>(), ["m5", "m6"]);
    }
}
