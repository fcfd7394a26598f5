//! `Outbox`: messages waiting for Redis, in order, bounded in count and bytes. Past a bound
//! the oldest are dropped and counted: while Redis is down, the newest matter most.

use crate::ops::Kind;
use bytes::Bytes;
use std::collections::VecDeque;

/// A message waiting: its sequence number, Redis channel, encoded envelope, and what it is.
#[derive(Clone)]
pub struct Item {
    pub seq: u64,
    pub topic: String,
    pub payload: Bytes,
    pub kind: Kind,
}

/// At most this many bytes wait, whatever the count bound.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

pub struct Outbox {
    items: VecDeque<Item>,
    next_seq: u64,
    bytes: usize,
    max_items: usize,
    pub dropped: u64,
}

impl Outbox {
    pub fn new(max_items: usize) -> Outbox {
        Outbox {
            items: VecDeque::new(),
            next_seq: 1,
            bytes: 0,
            max_items: max_items.max(1),
            dropped: 0,
        }
    }

    /// The sequence number the next message will have (from 1).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn push(&mut self, kind: Kind, topic: String, payload: Bytes) {
        self.bytes += payload.len();
        self.items.push_back(Item {
            seq: self.next_seq,
            topic,
            payload,
            kind,
        });
        self.next_seq += 1;
        while self.items.len() > self.max_items || (self.bytes > MAX_BYTES && self.items.len() > 1)
        {
            if let Some(old) = self.items.pop_front() {
                self.bytes -= old.payload.len();
                self.dropped += 1;
            }
        }
    }

    /// The oldest messages, up to `n`, left in place until `sent` confirms them.
    pub fn peek(&self, n: usize) -> Vec<Item> {
        self.items.iter().take(n).cloned().collect()
    }

    /// Forgets every message up to sequence `last` (those dropped meanwhile are gone already).
    pub fn sent(&mut self, last: u64) {
        while self.items.front().is_some_and(|item| item.seq <= last) {
            if let Some(item) = self.items.pop_front() {
                self.bytes -= item.payload.len();
            }
        }
    }

    /// Whether every message up to sequence `seq` has left (sent or dropped).
    pub fn passed(&self, seq: u64) -> bool {
        self.items.front().is_none_or(|item| item.seq > seq)
    }

    /// The sequence number through which every message has left (sent or dropped).
    pub fn left_through(&self) -> u64 {
        self.items.front().map_or(self.next_seq, |item| item.seq) - 1
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
            outbox.push(Kind::Broadcast, "t".into(), Bytes::from(format!("m{i}")));
        }
        assert_eq!(outbox.dropped, 2);
        let batch = outbox.peek(10);
        assert_eq!(
            batch.iter().map(|i| i.payload.clone()).collect::<Vec<_>>(),
            ["m2", "m3", "m4"]
        );
        // Two more pushed while the batch is in flight drop m2 and m3; confirming the batch
        // removes only what is left of it.
        outbox.push(Kind::Broadcast, "t".into(), Bytes::from("m5"));
        outbox.push(Kind::Broadcast, "t".into(), Bytes::from("m6"));
        assert!(!outbox.passed(5));
        outbox.sent(batch.last().unwrap().seq);
        assert!(outbox.passed(5));
        assert_eq!(outbox.left_through(), 5);
        assert_eq!(
            outbox
                .peek(10)
                .iter()
                .map(|i| i.payload.clone())
                .collect::<Vec<_>>(),
            ["m5", "m6"]
        );
    }
}
