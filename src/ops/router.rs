//! The one routing point. Every operation, from a PHP binding or the admin API, enters the
//! server through `Node::route`, which counts it per kind and decides where it runs (`reach`):
//! here, on the node that holds its connection, on every node, or in the shared store. With
//! one node everything runs here; with several, the broker carries it (`broker`). No operation
//! may reach the hub around this point. (What the hub does on its own account, for its
//! clients' control messages, connection ends and the event loop's cleanup, is not an
//! operation.)

use super::{Id, Kind, Op, OpError, Reply};
use crate::hub::Origin;
use crate::node::Node;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where an operation runs when several nodes serve one application.
pub enum Reach<'a> {
    /// Here, and on every other node with a local member of its channel, user or tag (or
    /// every node, for `sendAll` and tag expressions).
    FanOut,
    /// On the node that holds this connection.
    Holder(&'a Id),
    /// On every node, the answers merged: a cluster-wide read.
    Everyone,
    /// In the store every node shares (the global store).
    Shared,
}

/// Where `op` runs. Every read that addresses no connection reads the whole cluster.
pub fn reach(op: &Op) -> Reach<'_> {
    match op {
        Op::Broadcast { .. }
        | Op::Trigger { .. }
        | Op::BroadcastToUser { .. }
        | Op::DisconnectUser { .. }
        | Op::SendToTag { .. }
        | Op::SendAll { .. }
        | Op::SendToTagExpression { .. } => Reach::FanOut,
        Op::GlobalSet { .. }
        | Op::GlobalGet { .. }
        | Op::GlobalHas { .. }
        | Op::GlobalDelete { .. } => Reach::Shared,
        _ => match op.connection() {
            Some(id) => Reach::Holder(id),
            None => {
                debug_assert_eq!(
                    op.kind().method(),
                    "GET",
                    "{} reaches no node",
                    op.kind().name()
                );
                Reach::Everyone
            }
        },
    }
}

/// Dispatch counts per operation kind, for `/stats`, `/metrics` and tests.
pub struct Router {
    dispatched: Box<[AtomicU64]>,
}

impl Default for Router {
    fn default() -> Self {
        Router {
            dispatched: Kind::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
        }
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
        Kind::ALL
            .iter()
            .map(|&k| (k.name(), self.dispatched(k)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

impl Node {
    /// Runs an operation: the only way in.
    pub fn route(&self, op: Op) -> Result<Reply, OpError> {
        self.router.count(op.kind());
        if let Op::RenameConnection { new_id, .. } = &op {
            // Ids are unique in the cluster, not only on the node that renames.
            if self.hub.get(new_id.as_str()).is_some() || self.broker.held_elsewhere(new_id)? {
                return Ok(Reply::Bool(false));
            }
        }
        let elsewhere = match reach(&op) {
            Reach::FanOut => {
                // Other nodes that want it get it from the broker; this node runs it now.
                // Published and run in one step as far as a move can tell (`hub::moves`).
                let _step = crate::hub::ROUTING.read();
                let seq = self.broker.forward(&op);
                return Ok(Origin::Here(seq).run(|| self.execute(op)));
            }
            // What is sent to a connection on its way between nodes goes through Redis, in
            // the order both nodes see (`hub::moves`); checked and run in one step, so that a
            // move cannot begin in between.
            Reach::Holder(id) => {
                let step = crate::hub::ROUTING.read();
                let sends = matches!(op, Op::Send { .. } | Op::SendBinary { .. });
                if self
                    .hub
                    .get(id.as_str())
                    .is_some_and(|c| !sends || !c.in_transit())
                {
                    return Ok(self.execute(op));
                }
                drop(step);
                self.broker.ask(&op)
            }
            Reach::Everyone => self.broker.ask(&op),
            Reach::Shared => self.broker.run_shared(&op),
        };
        match elsewhere {
            Some(answer) => answer,
            // No broker runs it elsewhere (one node, or no node holds the connection): the
            // answer is this node's.
            None => Ok(self.execute(op)),
        }
    }

    /// Runs an operation another node routed here (through the broker).
    pub fn execute_remote(&self, op: Op) -> Reply {
        self.execute(op)
    }
}
