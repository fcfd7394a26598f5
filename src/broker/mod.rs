//! Brokers carry operations to the other nodes that run them (the router says which:
//! `ops::router::reach`). With one process (`memory`) there is nobody to tell. With `redis`:
//! - an operation that fans out (by channel, user, tag, or to everyone) runs here and is
//!   published once on a Redis channel named for its target; only nodes with a local member of
//!   that target subscribe to it (`topics`, `redis`);
//! - an operation on a connection another node holds is a request to that node, and a
//!   cluster-wide read a request to every node, answered through Redis (`request`);
//! - nodes announce themselves with a heartbeat (`cluster`);
//! - presence channels' members are the cluster's (`presence`);
//! - a ghost moves to the node its client comes back to (`moving`, `move_answers`, `fence`), and a stopping
//!   node gives its ghosts to the others (`handoff`);
//! - the global store lives in Redis (`redis_sync`).

pub mod cluster;
mod fence;
mod figures;
mod handoff;
mod interest;
pub mod link;
pub mod memory;
mod move_answers;
mod moving;
pub use moving::{longest_move, move_slot, TakeOver};
pub mod outbox;
mod presence;
mod publish;
mod receive;
pub mod redis;
pub mod redis_sync;
pub mod request;
pub mod topics;

use crate::node::Node;
use crate::ops::{Op, OpError, Reply};
use serde_json::Value;
use std::sync::Arc;

pub trait Broker: Send + Sync {
    /// Carries an operation that runs here to the other nodes that want it (non-blocking).
    /// Its number in this node's order of publishing (from 1; 0: not published).
    fn forward(&self, op: &Op) -> u64;

    /// Runs an operation on state shared by every node (the global store), if the broker
    /// keeps such state; `None` runs it on this node.
    fn run_shared(&self, _op: &Op) -> Option<Result<Reply, OpError>> {
        None
    }

    /// Runs an operation on the node that holds its connection, or a read on every node, and
    /// waits for the answer (bounded by `redis_timeout`). `None`: no other node runs it (one
    /// node, or no node holds the connection), so this node answers.
    fn ask(&self, _op: &Op) -> Option<Result<Reply, OpError>> {
        None
    }

    /// A client presents a resume token this node does not know: the ghost it names, taken
    /// over from the node that holds it, if any (`moving`). Blocking, bounded by
    /// `redis_timeout`: called off the runtime's threads.
    fn take_over(&self, _node: &Arc<Node>, _token: &str) -> TakeOver {
        TakeOver::Nowhere
    }

    /// The node stops and gives its ghosts to the other nodes, where their clients resume
    /// them; how many were taken. Blocking, bounded; called on the stopping thread.
    fn hand_off(&self, _node: &Arc<Node>) -> usize {
        0
    }

    /// Whether another node holds a connection with this id.
    fn held_elsewhere(&self, _id: &crate::ops::Id) -> Result<bool, OpError> {
        Ok(false)
    }

    /// Starts the broker's tasks on the node's runtime (called once, after the node exists).
    fn start(&self, _node: &Arc<Node>) {}

    /// The node stops: what waits for other nodes leaves (bounded by `redis_timeout`), and the
    /// node leaves the cluster. Called on the stopping thread, before the runtime stops.
    fn leave(&self) {}

    /// Why the node is degraded (`/health` answers 503), if it is.
    fn degraded(&self) -> Option<String> {
        None
    }

    /// The members of a presence channel in the whole cluster (user id → info), if the
    /// broker keeps them; `None`: this node's roster is the whole truth. Blocking, bounded by
    /// `redis_timeout`.
    fn presence_members(&self, _channel: &str) -> Option<Result<Vec<(String, Value)>, OpError>> {
        None
    }

    /// Every node's figures and the cluster's totals, for `/stats`, if there is a cluster.
    fn cluster(&self) -> Option<Value> {
        None
    }

    /// The broker's figures for `/metrics`, in Prometheus text format.
    fn metrics(&self) -> String {
        String::new()
    }

    /// The broker's figures for `/stats`, if it has any.
    fn stats(&self) -> Option<Value> {
        None
    }
}
