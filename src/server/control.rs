//! A client's control messages (subscribe, unsubscribe, presence, a subscriptions list, a
//! trusted connection's server notification): handled on its reader task, answered on its
//! socket, reported to the worker.

use super::client::{emit, BoxFuture};
use crate::events::{Event, EventKind};
use crate::hub::connection::Connection;
use crate::hub::stats::Stats;
use crate::hub::Frame;
use crate::node::Node;
use crate::protocol::{self, Control};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

pub(super) async fn handle_control(
    conn: &Arc<Connection>,
    node: &Arc<Node>,
    control: Result<Control, protocol::ProtocolError>,
) {
    let hub = &node.hub;
    let control = match control {
        Ok(control) => control,
        Err(error) => {
            Stats::add(&hub.stats.control_errors, 1);
            conn.reply(Frame::text(error.to_json()));
            return;
        }
    };
    Stats::add(&hub.stats.control_messages, 1);
    // A join or leave is queued under the channel's shard lock where the change is made,
    // without waiting for room (as for the worker's own calls): queued later, an event of a
    // change racing on the same channel could pass it, and the worker's presence would drift.
    let report = |event: Event| node.push_now(event);
    let limit = node.config.max_subscriptions;
    match control {
        Control::Subscribe(channel) => {
            if conn.is_subscribed(&channel) {
                conn.reply(Frame::text(protocol::subscribed_reply(&channel)));
                return;
            }
            if conn.subscription_load() >= limit {
                refuse_over_limit(conn, node, limit);
                return;
            }
            if protocol::is_protected(&channel) {
                if let Some(wait) = request_grant(conn, node, channel) {
                    wait.await;
                }
                return;
            }
            hub.subscribe(&conn.id(), &channel, report);
            conn.reply(Frame::text(protocol::subscribed_reply(&channel)));
        }
        Control::Unsubscribe(channel) => {
            hub.unsubscribe(&conn.id(), &channel, report);
            conn.take_grant_request(&channel);
            conn.reply(Frame::text(protocol::unsubscribed_reply(&channel)));
        }
        Control::SetSubscriptions(channels) => {
            // Protected channels already granted stay; the others are asked of the worker.
            let current = conn.subscriptions();
            let (protected, open): (Vec<String>, Vec<String>) = channels
                .into_iter()
                .partition(|c| protocol::is_protected(c));
            let (granted, to_ask): (Vec<String>, Vec<String>) =
                protected.into_iter().partition(|c| current.contains(c));
            if open.len() + granted.len() + to_ask.len() > limit {
                refuse_over_limit(conn, node, limit);
                return;
            }
            let keep: Vec<String> = open.into_iter().chain(granted).collect();
            let (joined, left) = hub.set_subscriptions(&conn.id(), &keep, report);
            for channel in left {
                conn.reply(Frame::text(protocol::unsubscribed_reply(&channel)));
            }
            for channel in joined {
                conn.reply(Frame::text(protocol::subscribed_reply(&channel)));
            }
            for channel in to_ask {
                if let Some(wait) = request_grant(conn, node, channel) {
                    wait.await;
                }
            }
        }
        // The reader acknowledges on the spot (`acknowledge`), or passes it on as a message.
        Control::Ack(_) => {}
        Control::Presence(status) => {
            conn.set_presence(status);
            conn.reply(Frame::text(protocol::presence_reply(status)));
        }
        Control::Notify {
            channel,
            notification,
        } => {
            if !conn.trusted {
                let error = protocol::forbidden(
                    "server notifications need the admin token in the handshake",
                );
                conn.reply(Frame::text(error.to_json()));
                return;
            }
            // A broadcast like any other: through the routing point, to every node.
            match crate::ops::Channel::new(&channel) {
                Ok(channel) => {
                    let _ = node.route(crate::ops::Op::Broadcast {
                        channel,
                        data: Bytes::from(notification),
                        binary: false,
                    });
                }
                Err(e) => {
                    conn.reply(Frame::text(protocol::channel_error(
                        "invalid_channel",
                        &channel,
                        &e.to_string(),
                    )));
                }
            }
        }
    }
}

/// `{"action":"ack","seq":N}` from a connection that acknowledges: what it has is not kept
/// any longer. Silent when right; an error reply when `seq` is missing or ahead of what was sent.
pub(super) fn acknowledge(conn: &Connection, node: &Node, seq: Option<u64>) {
    Stats::add(&node.hub.stats.control_messages, 1);
    let refused = match seq.map(|seq| conn.acknowledge(seq)) {
        Some(Ok(())) => return,
        Some(Err(ahead)) => format!(
            "\"seq\" is past the last message sent ({}): acknowledge the last \"seq\" received",
            ahead.last_sent
        ),
        None => "\"seq\" must be a whole number: the last message received".to_string(),
    };
    Stats::add(&node.hub.stats.control_errors, 1);
    conn.reply(Frame::text(
        protocol::ProtocolError::new("invalid_ack", refused).to_json(),
    ));
}

/// How long the worker has to grant or deny a protected channel.
const GRANT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client asks for a protected channel: the worker gets a `subscribe` event and answers with
/// `frankenphp_ws_subscribe()` or `frankenphp_ws_denySubscription()`; unanswered, it is refused.
fn request_grant(conn: &Arc<Connection>, node: &Arc<Node>, channel: String) -> Option<BoxFuture> {
    if !conn.request_grant(&channel) {
        return None;
    }
    let (timer_conn, timer_channel) = (conn.clone(), channel.clone());
    tokio::spawn(async move {
        tokio::time::sleep(GRANT_TIMEOUT).await;
        if timer_conn.take_grant_request(&timer_channel) {
            let why = "the application did not answer in time";
            timer_conn.reply(Frame::text(protocol::channel_error(
                "subscription_timeout",
                &timer_channel,
                why,
            )));
        }
    });
    emit(
        node,
        conn,
        EventKind::Subscribe {
            channel,
            user: conn.user_id(),
        },
        None,
    )
}

fn refuse_over_limit(conn: &Connection, node: &Node, limit: usize) {
    Stats::add(&node.hub.stats.subscription_limit_errors, 1);
    let why = format!("a connection may hold at most {limit} channels");
    let error = protocol::ProtocolError::new("too_many_subscriptions", why);
    conn.reply(Frame::text(error.to_json()));
}
