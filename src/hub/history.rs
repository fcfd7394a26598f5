//! `History`: the per-client message counter and the last messages sent to it (the
//! message history), kept only for connections that enabled it.

use bytes::Bytes;
use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub id: u64,
    /// Unix time in seconds when the message was queued.
    pub time: u64,
    pub data: Bytes,
}

pub struct History {
    counter: u64,
    max_messages: usize,
    max_age: Duration,
    entries: VecDeque<Entry>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl History {
    pub fn new(max_messages: usize, max_age: Duration) -> History {
        History {
            counter: 0,
            max_messages,
            max_age,
            entries: VecDeque::new(),
        }
    }

    pub fn record(&mut self, data: Bytes) {
        self.counter += 1;
        if self.max_messages == 0 {
            return;
        }
        while self.entries.len() >= self.max_messages {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            id: self.counter,
            time: unix_now(),
            data,
        });
    }

    pub fn counter(&self) -> u64 {
        self.counter
    }

    /// The kept messages younger than `max_age`, oldest first.
    pub fn entries(&mut self) -> &VecDeque<Entry> {
        let oldest = unix_now().saturating_sub(self.max_age.as_secs());
        while self.entries.front().is_some_and(|e| e.time < oldest) {
            self.entries.pop_front();
        }
        &self.entries
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_messages_and_counts_all() {
        let mut h = History::new(2, Duration::from_secs(60));
        for i in 0..5 {
            h.record(Bytes::from(format!("m{i}")));
        }
        assert_eq!(h.counter(), 5);
        let kept: Vec<_> = h.entries().iter().map(|e| (e.id, e.data.clone())).collect();
        assert_eq!(kept, vec![(4, Bytes::from("m3")), (5, Bytes::from("m4"))]);
        h.clear();
        assert!(h.entries().is_empty());
        assert_eq!(h.counter(), 5);
    }
}
