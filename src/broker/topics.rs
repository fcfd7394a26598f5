//! Which Redis channel carries an operation, and which ones a node listens to.
//!
//! Names read `{prefix}:channel:{name}`, `{prefix}:user:{id}`, `{prefix}:tag:{tag}` and
//! `{prefix}:all`, so `PUBSUB CHANNELS` shows which application channel each one carries. A
//! node subscribes to a channel, user or tag topic only while it has a local member of it
//! (`hub::index::Watcher`), and to `all` always: only `sendAll` and tag expressions reach every
//! node.

use crate::hub::index::Scope;
use crate::ops::Op;

/// The topic an operation is published on, or `None` if it stays on this node.
pub fn of(prefix: &str, op: &Op) -> Option<String> {
    Some(match op {
        Op::Broadcast { channel, .. } => scoped(prefix, Scope::Channel, channel.as_str()),
        Op::BroadcastToUser { user, .. } | Op::DisconnectUser { user } => {
            scoped(prefix, Scope::User, user.as_str())
        }
        Op::SendToTag { tag, .. } => scoped(prefix, Scope::Tag, tag.as_str()),
        Op::SendAll { .. } | Op::SendToTagExpression { .. } => everyone(prefix),
        _ => return None,
    })
}

/// The topic of a channel, user or tag.
pub fn scoped(prefix: &str, scope: Scope, name: &str) -> String {
    let kind = match scope {
        Scope::Channel => "channel",
        Scope::User => "user",
        Scope::Tag => "tag",
    };
    format!("{prefix}:{kind}:{name}")
}

/// The topic every node listens to.
pub fn everyone(prefix: &str) -> String {
    format!("{prefix}:all")
}
