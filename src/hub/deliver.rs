//! Delivery: one message queued for many connections (a channel, a user, a tag, everyone),
//! the frame made once for native clients and once for Pusher clients; to a large channel's
//! subscribers, appended once to its `Feed` (one for each of those frames).

use super::connection::{self, Connection, Way};
use super::{feed, Frame, Hub, Origin, Stats, Topic};
use std::sync::Arc;

/// A channel with this many subscribers here has its broadcasts go through a `Feed`, which
/// its subscribers' writers pull: the broadcasting thread touches each subscriber's outbox
/// once per write of its writer, not once per broadcast. Fewer are queued for one by one.
const FEED_FROM: usize = 32;

impl Hub {
    /// Queues `message` for each recipient on `route` (any, if none) except `except`; a Pusher
    /// client gets it as `topic` says (`Topic::for_pusher`), made once for all of them.
    pub(crate) fn deliver<'a>(
        &self,
        recipients: impl Iterator<Item = &'a Arc<Connection>>,
        message: &Frame,
        topic: Topic,
        route: Option<&str>,
        except: Option<&Arc<Connection>>,
    ) -> usize {
        let for_pusher = std::cell::OnceCell::new();
        // An echo reaches only relayed connections, even if the last of them stopped being
        // relayed since `any_relayed` let it run (it then reaches none).
        let origin = Origin::current();
        let relaying = matches!(origin, Origin::Echo(_)) || connection::any_relayed();
        let delivered = recipients
            .filter(|c| route.is_none_or(|r| *c.route == *r))
            .filter(|c| except.is_none_or(|e| !Arc::ptr_eq(c, e)))
            .filter(|c| {
                let way = if relaying { c.way(origin) } else { Way::Now };
                let frame = if !c.speaks_pusher() {
                    if !topic.reaches_native() {
                        return false;
                    }
                    message
                } else {
                    match for_pusher.get_or_init(|| topic.for_pusher(message)) {
                        Some(frame) => frame,
                        None => return false,
                    }
                };
                match way {
                    Way::Now => c.send(frame.clone()),
                    Way::Held => c.hold(frame.clone()),
                    Way::Never => false,
                }
            })
            .count();
        Stats::add(&self.stats.deliveries, delivered as u64);
        delivered
    }

    /// Queues `message` for every subscriber of `channel` on this node.
    pub fn fan_out(&self, channel: &str, message: &Frame) -> usize {
        self.fan_out_as(channel, message, Topic::Channel(channel), None)
    }

    /// Queues a Pusher event (the same bytes for native and Pusher clients) for every
    /// subscriber of `channel` on this node but the connection `except`.
    pub fn fan_out_event(&self, channel: &str, message: &Frame, except: Option<&str>) -> usize {
        let except = except.and_then(|id| self.get(id));
        self.fan_out_as(channel, message, Topic::Event, except.as_ref())
    }

    pub(crate) fn fan_out_as(
        &self,
        channel: &str,
        message: &Frame,
        topic: Topic,
        except: Option<&Arc<Connection>>,
    ) -> usize {
        // Walked with the shard's lock let go (a snapshot): subscribes elsewhere go on.
        let channels = self.channels.shard(channel).read();
        let Some(members) = channels.snapshot(channel) else {
            return 0;
        };
        let feed = (members.members().len() >= FEED_FROM
            && except.is_none()
            && topic.reaches_native()
            && message.len() <= feed::LARGEST
            && !connection::any_relayed()
            && !matches!(Origin::current(), Origin::Echo(_)))
        .then(|| channels.feeds(channel))
        .flatten();
        let _delivering = members.delivering();
        drop(channels);
        let Some([native, pusher]) = feed else {
            return self.deliver(members.members().iter(), message, topic, None, except);
        };
        // Appended once; held until every subscriber here has been passed (`feed`). The
        // Pusher frame is made, and appended to the channel's other feed, when a Pusher
        // subscriber first needs it (always after the native one: one order for the tails).
        let appended = native.append(message);
        let for_pusher = std::cell::OnceCell::new();
        let mut pusher_appended = None;
        let mut reached = 0;
        for member in members.members().iter() {
            let sent = if !member.speaks_pusher() {
                member.send_appended(&appended, channel, message)
            } else {
                match for_pusher.get_or_init(|| topic.for_pusher(message)) {
                    // Binary data: the Pusher protocol cannot carry it.
                    None => false,
                    Some(frame) if frame.len() > feed::LARGEST => member.send(frame.clone()),
                    Some(frame) => {
                        let appended = pusher_appended.get_or_insert_with(|| pusher.append(frame));
                        member.send_appended(appended, channel, frame)
                    }
                }
            };
            reached += usize::from(sent);
        }
        Stats::add(&self.stats.deliveries, reached as u64);
        reached
    }

    pub fn send(&self, id: &str, message: Frame, route: Option<&str>) -> bool {
        match self.get_open(id) {
            Some(conn) => {
                self.deliver(std::iter::once(&conn), &message, Topic::Direct, route, None) == 1
            }
            None => false,
        }
    }

    pub fn send_all(&self, message: &Frame, route: Option<&str>) -> usize {
        let recipients = self.open_connections(route);
        self.deliver(recipients.iter(), message, Topic::Direct, None, None)
    }
}
