//! Running an operation on this node. Arguments arrive typed and checked (`values`), so
//! nothing here parses or validates; each arm is the behaviour its PHP function documents.

use super::{Op, Reply};
use crate::hub::connection::{reason, Connection};
use crate::hub::stats::Stats;
use crate::hub::{Change, Ending, Frame};
use crate::node::Node;
use crate::protocol;
use crate::pusher::wire;
use std::time::Duration;

fn ids(ids: Vec<String>) -> Reply {
    Reply::Ids(ids)
}

fn route(r: &Option<super::Route>) -> Option<&str> {
    r.as_ref().map(super::Route::as_str)
}

fn count(n: usize) -> Reply {
    Reply::Count(n as u64)
}

impl Node {
    pub(super) fn execute(&self, op: Op) -> Reply {
        let hub = &self.hub;
        match op {
            Op::Broadcast {
                channel,
                data,
                binary,
            } => {
                Stats::add(&hub.stats.broadcasts, 1);
                hub.fan_out(channel.as_str(), &Frame::data(&data, binary));
                Reply::Done
            }
            Op::Trigger {
                channel,
                event,
                data,
                except,
                user_id,
            } => {
                Stats::add(&hub.stats.broadcasts, 1);
                let channel = channel.as_str();
                let except = except.as_ref().map(super::Id::as_str);
                let text = String::from_utf8_lossy(&data);
                match wire::MemberChange::parse(event.as_str(), &text) {
                    Some(change) => hub.tell_presence(channel, &change, except),
                    None => {
                        let user_id = user_id.as_ref().map(super::UserId::as_str);
                        let message = event_frame(&event, channel, &data, user_id);
                        hub.fan_out_event(channel, &message, except);
                    }
                }
                Reply::Done
            }
            Op::Send { id, data, route: r } => {
                Reply::Bool(hub.send(id.as_str(), Frame::data(&data, false), route(&r)))
            }
            Op::SendBinary { id, data } => {
                Reply::Bool(hub.send(id.as_str(), Frame::data(&data, true), None))
            }
            Op::SendAll {
                data,
                route: r,
                binary,
            } => count(hub.send_all(&Frame::data(&data, binary), route(&r))),
            Op::GetClients { route: r } => ids(hub.clients(route(&r))),
            Op::GetClientsCount { route: r } => count(hub.clients_count(route(&r))),
            Op::KillConnection { id } => Reply::Bool(self.kill(id.as_str())),
            Op::ListRoutes {} => ids(hub.routes()),
            Op::Subscribe { id, channel } => {
                let (id, channel) = (id.as_str(), channel.as_str());
                let change = hub.subscribe(id, channel, |join| self.push_now(join));
                if change != Change::NoSuchConnection {
                    // A grant of a protected channel the client asked for: tell the client.
                    if let Some(conn) = hub.get(id).filter(|c| c.take_grant_request(channel)) {
                        conn.reply(Frame::text(protocol::subscribed_reply(channel)));
                    }
                }
                Reply::Bool(change != Change::NoSuchConnection)
            }
            Op::DenySubscription {
                id,
                channel,
                reason,
            } => {
                let channel = channel.as_str();
                let denied = hub
                    .get(id.as_str())
                    .filter(|c| c.take_grant_request(channel));
                if let Some(conn) = &denied {
                    let reason = match reason.as_deref() {
                        None | Some("") => "the application refused this channel",
                        Some(reason) => reason,
                    };
                    conn.reply(Frame::text(protocol::channel_error(
                        "subscription_denied",
                        channel,
                        reason,
                    )));
                }
                Reply::Bool(denied.is_some())
            }
            Op::Unsubscribe { id, channel } => {
                let change =
                    hub.unsubscribe(id.as_str(), channel.as_str(), |leave| self.push_now(leave));
                Reply::Bool(change == Change::Done)
            }
            Op::GetSubscriptions { id } => ids(hub.subscriptions(id.as_str())),
            Op::GetChannels {} => ids(hub.channels()),
            Op::BroadcastToUser {
                user,
                data,
                binary,
                event,
            } => {
                Stats::add(&hub.stats.broadcasts, 1);
                let user = user.as_str();
                match event {
                    Some(event) => {
                        let message = event_frame(&event, &wire::user_channel(user), &data, None);
                        hub.send_to_user(user, &message, true)
                    }
                    None => hub.send_to_user(user, &Frame::data(&data, binary), false),
                };
                Reply::Done
            }
            Op::DisconnectUser { user } => count(
                hub.user_connections(user.as_str())
                    .iter()
                    .filter(|c| self.kill(c))
                    .count(),
            ),
            Op::GetChannelCount { channel } => {
                Reply::Count(hub.subscriber_count(channel.as_str()) as u64)
            }
            Op::GetChannelUsers { channel } => ids(hub.channel_users(channel.as_str())),
            Op::GetUserConnections { user } => ids(hub.user_connections(user.as_str())),
            Op::SetPresence { id, status } => {
                let status = protocol::presence_status(status.as_str()).expect("checked when made");
                Reply::Bool(
                    hub.with_open(id.as_str(), |c| c.set_presence(status))
                        .is_some(),
                )
            }
            Op::GetPresence { user } => Reply::Text(hub.presence(user.as_str()).to_string()),
            Op::ActivateGhost { id } => Reply::Bool(hub.activate_ghost(id.as_str())),
            Op::ReleaseGhost { id } => {
                let ending = hub.release_ghost(id.as_str());
                self.report_ending(id.as_str(), &ending, reason::GHOST_RELEASED, true);
                Reply::Bool(ending != Ending::None)
            }
            Op::IsGhost { id } => Reply::Bool(hub.is_ghost(id.as_str())),
            Op::GetResumeToken { id } => Reply::MaybeText(hub.resume_token(id.as_str())),
            Op::RenameConnection { id, new_id } => {
                Reply::Bool(hub.rename(id.as_str(), new_id.as_str()))
            }
            Op::TagClient { id, tag } => Reply::Bool(hub.tag(id.as_str(), tag.as_str())),
            Op::UntagClient { id, tag } => Reply::Bool(hub.untag(id.as_str(), tag.as_str())),
            Op::ClearTagClient { id } => Reply::Bool(hub.clear_tags(id.as_str())),
            Op::GetTags { id: Some(id) } => ids(hub.tags_of(id.as_str())),
            Op::GetTags { id: None } => ids(hub.all_tags()),
            Op::GetClientsByTag { tag } => ids(hub.clients_by_tag(tag.as_str())),
            Op::GetTagCount { tag } => count(hub.tag_count(tag.as_str())),
            Op::SendToTag {
                tag,
                data,
                route: r,
                binary,
            } => count(hub.send_to_tag(tag.as_str(), &Frame::data(&data, binary), route(&r))),
            Op::SendToTagExpression {
                expression,
                data,
                route: r,
                binary,
            } => count(hub.send_to_expression(
                expression.text(),
                expression.expr(),
                &Frame::data(&data, binary),
                route(&r),
            )),
            Op::GetClientsByTagExpression { expression } => {
                ids(hub.clients_by_expression(expression.text(), expression.expr()))
            }
            Op::SetStoredInformation { id, key, value } => {
                Reply::Bool(hub.set_info(id.as_str(), &key, value))
            }
            Op::GetStoredInformation { id, key } => Reply::Bytes(hub.get_info(id.as_str(), &key)),
            Op::DeleteStoredInformation { id, key } => {
                Reply::Bool(hub.delete_info(id.as_str(), &key))
            }
            Op::ClearStoredInformation { id } => Reply::Bool(hub.clear_info(id.as_str())),
            Op::HasStoredInformation { id, key } => Reply::Bool(hub.has_info(id.as_str(), &key)),
            Op::ListStoredInformationKeys { id } => ids(hub.info_keys(id.as_str())),
            Op::SearchStoredInformation {
                key,
                filter,
                route: r,
            } => ids(hub.search_info(&key, filter.matcher(), route(&r))),
            Op::GlobalSet { key, value, expire } => {
                self.global
                    .set(key.as_str(), value, Duration::from_secs(expire));
                Reply::Done
            }
            Op::GlobalGet { key } => {
                Reply::Bytes(self.global.get(key.as_str()).unwrap_or_default())
            }
            Op::GlobalHas { key } => Reply::Bool(self.global.get(key.as_str()).is_some()),
            Op::GlobalDelete { key } => Reply::Bool(self.global.delete(key.as_str())),
            Op::EnablePing { id, interval } => Reply::Bool(
                hub.with_open(id.as_str(), |c| c.enable_ping(interval))
                    .is_some(),
            ),
            Op::DisablePing { id } => Reply::Bool(
                hub.with_open(id.as_str(), Connection::disable_ping)
                    .is_some(),
            ),
            Op::GetClientPingTime { id } => {
                Reply::Count(hub.get(id.as_str()).map_or(0, |c| c.rtt_ns()))
            }
            Op::EnableQueueCounter { id, max, max_time } => Reply::Bool(hub.enable_history(
                id.as_str(),
                usize::try_from(max).unwrap_or(usize::MAX),
                Duration::from_secs(max_time),
            )),
            Op::DisableQueueCounter { id } => Reply::Bool(
                hub.with_open(id.as_str(), |c| c.set_history(None))
                    .is_some(),
            ),
            Op::GetClientMessageCounter { id } => Reply::Count(
                hub.get(id.as_str())
                    .and_then(|c| {
                        c.read_extra(|e| e.and_then(|e| e.history.as_ref().map(|h| h.counter())))
                    })
                    .unwrap_or(0),
            ),
            Op::GetClientMessageQueue { id } => Reply::History(
                hub.get(id.as_str())
                    .map(|c| {
                        c.with_extra(|e| match e.history.as_mut() {
                            Some(h) => h.entries().iter().cloned().collect(),
                            None => Vec::new(),
                        })
                    })
                    .unwrap_or_default(),
            ),
            Op::ClearClientMessageQueue { id } => {
                Reply::Bool(hub.get(id.as_str()).is_some_and(|c| {
                    c.with_extra(|e| e.history.as_mut().map(|h| h.clear()).is_some())
                }))
            }
        }
    }
}

/// A named event as native and Pusher clients both receive it: `{"event","channel","data"}`
/// (and the sender's `user_id` for a presence channel's client event).
fn event_frame(event: &super::EventName, channel: &str, data: &[u8], user_id: Option<&str>) -> Frame {
    let data = String::from_utf8_lossy(data);
    Frame::text(wire::channel_event(event.as_str(), channel, &data, user_id))
}
