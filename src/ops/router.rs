//! The one routing point. Every operation, from a PHP binding or the admin API, enters the
//! server through `Node::route`, which counts it per kind and decides where it runs. With one
//! node it runs here; a multi-node broker decides "here, or which node" at this same place,
//! so no operation may reach the hub around it. (What the hub does on its own account, for its
//! clients' control messages, connection ends and the event loop's cleanup, is not an
//! operation.)

use super::{Kind, Op, OpError, Reply};
use crate::node::Node;
use std::sync::atomic::{AtomicU64, Ordering};

/// Dispatch counts per operation kind, for `/stats`, `/metrics` and tests.
pub struct Router {
    dispatched: Box<[AtomicU64]>,
}

impl Default for Router {
    fn default() -> Self {
        Router { dispatched: Kind::ALL.iter().map(|_| AtomicU64::new(0)).collect() }
    }
}

impl Router {
    fn count(&self, kind: Kind) {
        self.dispatched[kind as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// How many operations of `kind` were routed.
    pub fn dispatched(&self, kind: Kind) -> u64 {
        self.dispatched[kind as usize].load(Ordering::Relaxed)
    }

    /// (name, count) for every kind routed at least once.
    pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
        Kind::ALL.iter().map(|&k| (k.name(), self.dispatched(k))).filter(|(_, n)| *n > 0).collect()
    }
}

impl Node {
    /// Runs an operation: the only way in.
    pub fn route(&self, op: Op) -> Result<Reply, OpError> {
        self.router.count(op.kind());
        if let Some(answer) = self.broker.run_shared(&op) {
            return answer;
        }
        // Other nodes that want it get it from the broker; this node runs it now.
        self.broker.forward(&op);
        Ok(self.execute(op))
    }

    /// Runs an operation another node routed (it reached this node through the broker).
    pub fn execute_remote(&self, op: Op) {
        self.execute(op);
    }
}
