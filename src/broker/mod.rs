//! Brokers carry a broadcast to every node that has subscribers.
//!
//! The hub only ever fans out to its own connections; whether a publish also reaches other
//! processes is the broker's business, so nothing in the hub assumes a single node.

pub mod memory;

use bytes::Bytes;

pub trait Broker: Send + Sync {
    /// Publishes `data` to `channel`; returns the deliveries made on this node.
    fn publish(&self, channel: &str, data: Bytes) -> usize;

    /// Sends `data` to every connection of `user`; returns the deliveries made on this node.
    fn send_to_user(&self, user: &str, data: Bytes) -> usize;
}
