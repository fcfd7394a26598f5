//! Which Redis channel carries an operation, which ones a node listens to, and the keys the
//! nodes share.
//!
//! Names read `{prefix}:channel:{name}`, `{prefix}:user:{id}`, `{prefix}:tag:{tag}`,
//! `{prefix}:conn:{id}` and `{prefix}:all`, so `PUBSUB CHANNELS` shows which application
//! channel, user or connection each one carries. A node subscribes to a channel, user or tag
//! topic only while it has a local member of it, and to a connection's topic while it holds
//! that connection (`hub::index::Watcher`). Every node subscribes to `all`: only `sendAll`,
//! tag expressions and cluster-wide reads reach every node.

use crate::hub::index::Scope;
use crate::ops::router::{reach, Reach};
use crate::ops::{Kind, Op, Reply};

/// The topic a fan-out operation is published on.
pub fn fan_out(prefix: &str, op: &Op) -> Option<String> {
    Some(match op {
        Op::Broadcast { channel, .. } | Op::Trigger { channel, .. } => {
            scoped(prefix, Scope::Channel, channel.as_str())
        }
        Op::BroadcastToUser { user, .. } | Op::DisconnectUser { user } => {
            scoped(prefix, Scope::User, user.as_str())
        }
        Op::SendToTag { tag, .. } => scoped(prefix, Scope::Tag, tag.as_str()),
        Op::SendAll { .. } | Op::SendToTagExpression { .. } => everyone(prefix),
        _ => return None,
    })
}

/// The topic an operation is published on to reach the nodes that run it, or `None` if it
/// never leaves this node.
pub fn of(prefix: &str, op: &Op) -> Option<String> {
    match reach(op) {
        Reach::FanOut => fan_out(prefix, op),
        Reach::Holder(id) => Some(scoped(prefix, Scope::Connection, id.as_str())),
        Reach::Everyone => Some(everyone(prefix)),
        Reach::Shared => None,
    }
}

/// The topic of a channel, user, tag or connection.
pub fn scoped(prefix: &str, scope: Scope, name: &str) -> String {
    let kind = match scope {
        Scope::Channel => "channel",
        Scope::User => "user",
        Scope::Tag => "tag",
        Scope::Connection => "conn",
    };
    format!("{prefix}:{kind}:{name}")
}

/// The topic every node listens to.
pub fn everyone(prefix: &str) -> String {
    format!("{prefix}:all")
}

/// The list a request's answers are pushed on: the asking process (`origin`) waits on it.
pub fn answers(prefix: &str, origin: u64, ask: u64) -> String {
    format!("{prefix}:answers:{origin:016x}:{ask}")
}

/// The hash of live nodes: node instance → its heartbeat (`cluster`).
pub fn nodes(prefix: &str) -> String {
    format!("{prefix}:nodes")
}

/// A presence channel's keys share one hash slot (the braces), named by a digest of the
/// channel: a channel name may hold braces itself.
fn presence_slot(prefix: &str, channel: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(channel.as_bytes());
    let tag: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}:presence:{{{tag}}}")
}

/// The hash of a presence channel's members: user id → info (`presence`).
pub fn presence_members(prefix: &str, channel: &str) -> String {
    format!("{}:members", presence_slot(prefix, channel))
}

/// The count of a presence channel's changes (users added or removed): their order.
pub fn presence_version(prefix: &str, channel: &str) -> String {
    format!("{}:version", presence_slot(prefix, channel))
}

/// The set of node instances a presence channel's member has connections on.
pub fn presence_user(prefix: &str, channel: &str, user_id: &str) -> String {
    format!("{}:user:{user_id}", presence_slot(prefix, channel))
}

/// The set of `[channel, user id]` a node instance added to presence channels.
pub fn presence_joined(prefix: &str, instance: &str) -> String {
    format!("{prefix}:presence:node:{instance}")
}

/// The set of node instances that added presence members.
pub fn presence_nodes(prefix: &str) -> String {
    format!("{prefix}:presence:nodes")
}

/// One answer per node to a cluster-wide read, merged into the answer one node gives for its
/// own connections: lists are united (sorted, without repeats), counts added, and a presence
/// is the most available status any node reports. Without answers (no node runs), the answer
/// of a node without connections.
pub fn merge(kind: Kind, answers: Vec<Reply>) -> Reply {
    let mut merged: Option<Reply> = None;
    for answer in answers {
        merged = Some(match (merged, answer) {
            (None, answer) => answer,
            (Some(Reply::Ids(mut all)), Reply::Ids(more)) => {
                all.extend(more);
                Reply::Ids(all)
            }
            (Some(Reply::Count(a)), Reply::Count(b)) => Reply::Count(a + b),
            (Some(Reply::Text(a)), Reply::Text(b)) => {
                let rank = |s: &str| {
                    crate::protocol::PRESENCE_STATUSES
                        .iter()
                        .position(|p| *p == s)
                        .unwrap_or(usize::MAX)
                };
                Reply::Text(if rank(&b) < rank(&a) { b } else { a })
            }
            (Some(kept), _) => kept,
        });
    }
    match merged {
        Some(Reply::Ids(mut ids)) => {
            ids.sort();
            ids.dedup();
            Reply::Ids(ids)
        }
        Some(other) => other,
        None => match kind {
            Kind::GetPresence => Reply::Text("offline".into()),
            Kind::GetClientsCount | Kind::GetTagCount | Kind::GetChannelCount => Reply::Count(0),
            _ => Reply::Ids(Vec::new()),
        },
    }
}
