//! Fences: where a connection that moved stops being relayed (`hub::connection::relay`).
//!
//! While a connection moves, this node's own operations reach it through Redis. When it
//! arrives (or a claim on it is undone), this node publishes a fence, in its own order, on
//! the connection's topic, which it listens to. When Redis brings the fence back, every
//! operation this node published before it has come back too, so what the node ran for the
//! connection since can go out. A fence that does not come back (Redis down) is given up on
//! after the time a move can take.

use super::moving::{longest_move, Move};
use super::redis::Shared;
use super::{publish, topics};
use crate::hub::connection::Connection;
use crate::hub::index::Scope;
use crate::hub::Parcel;
use crate::node::Node;
use crate::ops::{codec, Kind};
use std::sync::Arc;

/// The number this node's next published operation gets. Read under `hub::ROUTING`
/// (written), so no fan-out takes one meanwhile; the outbox is not locked beyond the read.
pub(super) fn next_seq(shared: &Shared) -> u64 {
    shared.outbox.lock().next_seq()
}

/// The ghost is this node's now: its own operations from here on reach it as they run, once
/// the fence is back.
pub(super) fn arrive(shared: &Shared, node: &Node, conn: &Arc<Connection>, parcel: Parcel) {
    let _step = crate::hub::ROUTING.write();
    let fence = next_seq(shared);
    node.hub.arrive(conn, parcel, fence + 1);
    publish(shared, conn);
}

/// No node took the ghost claimed here: it is this node's again, resumable with `token`.
pub(super) fn unclaim(shared: &Shared, node: &Node, id: &str, token: &str) -> bool {
    let _step = crate::hub::ROUTING.write();
    let fence = next_seq(shared);
    let stays = node.hub.unclaim(id, token, fence + 1);
    if let (true, Some(conn)) = (stays, node.hub.get(id)) {
        publish(shared, &conn);
    }
    stays
}

/// Publishes the fence of `conn`, numbered as `next_seq` said (under `hub::ROUTING`, so
/// nothing else took that number), and gives up on it in a while.
fn publish(shared: &Shared, conn: &Arc<Connection>) {
    let id = conn.id();
    let topic = topics::scoped(&shared.prefix, Scope::Connection, &id);
    let fence = Move::Fence { id: id.to_string() };
    // Counted with the sends: it is addressed to one connection.
    let seq = publish::queue(shared, Kind::Send, topic, &fence);
    let (conn, longest) = (conn.clone(), longest_move(shared.timeout));
    tokio::runtime::Handle::current().spawn(async move {
        tokio::time::sleep(longest).await;
        // This move's ranges only (they end just past the fence): the connection may have
        // moved again since, and a later fence of its own is on its way.
        if conn.give_up_through(seq + 1) {
            tracing::warn!(connection = %conn.id(), "Redis did not bring back this node's messages sent while it moved here: those sent since went out, possibly ahead of them");
        }
    });
}

/// A fence came back: this node's fence is its operation `seq` (`hub::connection::echoed`).
pub(super) fn back(shared: &Shared, origin: u64, payload: &[u8]) {
    if origin != shared.origin {
        return;
    }
    if let Some((_, seq, _)) = codec::peek_envelope(payload) {
        crate::hub::connection::echoed(seq);
    }
}
