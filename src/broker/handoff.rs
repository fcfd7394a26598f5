//! A rolling restart: a stopping node gives its ghosts to the other live nodes, in turn,
//! where their clients resume them (`moving` carries each, as for a client's claim).

use super::moving::{longest_move, Move};
use super::redis::Shared;
use super::{cluster, publish, topics};
use crate::node::Node;
use crate::ops::Kind;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The node stops: its ghosts go to the other live nodes, in turn (`Move::Adopt`). Waits,
/// bounded by `redis_timeout`, until each was taken; returns how many were.
pub(super) fn hand_off(shared: &Shared, node: &Arc<Node>) -> usize {
    let config = &node.config;
    let peers: Vec<u64> = match cluster::live_nodes(config) {
        Ok(nodes) => nodes
            .into_iter()
            .map(|n| n.instance)
            .filter(|n| *n != shared.origin)
            .collect(),
        Err(e) => {
            tracing::error!("no ghost handed off: {e}");
            return 0;
        }
    };
    if peers.is_empty() {
        tracing::warn!("no other node is alive: no ghost handed off, every client is closed");
        return 0;
    }
    let ids = node.hub.close_for_handoff();
    // Each socket ends, so its ghost sleeps with what its writer had not written: a client
    // that does not answer the close holds its reader, then its writer, a grace each.
    let deadline = Instant::now() + crate::server::client::CLOSE_GRACE * 2;
    while ids.iter().any(|id| node.hub.is_live(id)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    let everyone = topics::everyone(&shared.prefix);
    let mut sent = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let handed = {
            let _step = crate::hub::ROUTING.write();
            node.hub.hand_off(id, super::fence::next_seq(shared))
        };
        let Some((state, token)) = handed else {
            continue;
        };
        let adopt = Move::Adopt { to: peers[i % peers.len()], state, token };
        // In this node's order of publishing: what it ran for the ghost before reached it
        // here, and must be in Redis ahead of the adoption, or the adopting node would get
        // it after its cut too, a second time.
        publish::queue(shared, Kind::Send, everyone.clone(), &adopt);
        sent.push(id);
    }
    // Taken in turn by the other nodes: waited for as long as they keep taking them (this
    // node must answer every release before it stops listening), each within a move's time.
    // Ghosts that clients claimed from here meanwhile count too: their releases need this
    // node's answers.
    let remaining = || {
        sent.iter().filter(|id| node.hub.get(id).is_some()).count()
            + shared.moves.unfinished()
    };
    let mut left = remaining();
    let mut progress = Instant::now();
    while left > 0 && progress.elapsed() < longest_move(config.redis_timeout) {
        std::thread::sleep(Duration::from_millis(2));
        let now = remaining();
        if now < left {
            (left, progress) = (now, Instant::now());
        }
    }
    let taken = sent.iter().filter(|id| node.hub.get(id).is_none()).count();
    tracing::info!(
        "handed off {taken} of {} ghosts to {} other nodes",
        ids.len(),
        peers.len()
    );
    taken
}

