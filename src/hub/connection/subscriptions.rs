//! A connection's channels: a sorted list, each channel changed under its shard's lock in the
//! hub's index (`ChannelIndex`), so that the index never disagrees with it.

use super::Connection;
use std::sync::Arc;

impl Connection {
    pub fn subscriptions(&self) -> Vec<String> {
        self.subscriptions
            .lock()
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    pub fn is_subscribed(&self, channel: &str) -> bool {
        self.subscriptions
            .lock()
            .binary_search_by(|c| (**c).cmp(channel))
            .is_ok()
    }

    pub(in crate::hub) fn subscribed_channels(&self) -> Vec<Arc<str>> {
        self.subscriptions.lock().clone()
    }

    pub(in crate::hub) fn add_subscription(&self, channel: Arc<str>) {
        let mut subs = self.subscriptions.lock();
        if let Err(at) = subs.binary_search(&channel) {
            // Room for one: most connections follow one channel (a Vec first grows to four).
            if subs.capacity() == 0 {
                subs.reserve_exact(1);
            }
            subs.insert(at, channel);
        }
    }

    pub(in crate::hub) fn remove_subscription(&self, channel: &str) -> bool {
        let mut subs = self.subscriptions.lock();
        match subs.binary_search_by(|c| (**c).cmp(channel)) {
            Ok(at) => {
                subs.remove(at);
                true
            }
            Err(_) => false,
        }
    }
}
