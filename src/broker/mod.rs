//! Brokers carry operations to the other nodes that want them.
//!
//! The router runs every operation on this node, then hands it to the broker (`forward`). With
//! one process (`memory`) there is nobody to tell. With `redis`, an operation that fans out
//! (by channel, user, tag, or to everyone) is published once on a Redis channel named for its
//! target, and only nodes with a local member of that target subscribe to it (`topics`).

pub mod memory;
pub mod outbox;
pub mod redis;
pub mod redis_sync;
pub mod topics;

use crate::node::Node;
use crate::ops::{Op, OpError, Reply};
use serde_json::Value;
use std::sync::Arc;

pub trait Broker: Send + Sync {
    /// Carries an operation that ran here to the other nodes that want it (non-blocking).
    fn forward(&self, op: &Op);

    /// Runs an operation on state shared by every node (the global store), if the broker
    /// keeps such state; `None` runs it on this node.
    fn run_shared(&self, _op: &Op) -> Option<Result<Reply, OpError>> {
        None
    }

    /// Starts the broker's tasks on the node's runtime (called once, after the node exists).
    fn start(&self, _node: &Arc<Node>) {}

    /// Why the node is degraded (`/health` answers 503), if it is.
    fn degraded(&self) -> Option<String> {
        None
    }

    /// The broker's figures for `/stats`, if it has any.
    fn stats(&self) -> Option<Value> {
        None
    }
}
