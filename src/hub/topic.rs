//! `Topic`: what a message was addressed to. A native client receives the application's bytes
//! as they are; a Pusher client receives an event, which names its channel, so the hub makes
//! that event's frame once per delivery, for all of its Pusher recipients.

use super::Frame;
use crate::pusher::wire;

/// The event name a plain `broadcast()` or send has for a Pusher client (docs/laravel.md).
pub const PLAIN_EVENT: &str = "message";

#[derive(Clone, Copy, Debug)]
pub enum Topic<'a> {
    /// A channel's subscribers: a Pusher client gets the channel's `message` event.
    Channel(&'a str),
    /// Connections by id, tag or all: a Pusher client gets a `message` event that names no
    /// channel (pusher-js hands it to global bindings).
    Direct,
    /// A user's connections: a Pusher client gets the `message` event of the user's channel
    /// (`#server-to-user-{id}`, which pusher-js binds once signed in).
    User(&'a str),
    /// Already a Pusher event (`trigger`, a client event): the same bytes for every client.
    Event,
    /// The Pusher protocol's own news (a presence member added or removed): for Pusher
    /// clients only.
    Internal,
}

impl Topic<'_> {
    /// Whether a native client gets the message (as it is).
    pub fn reaches_native(self) -> bool {
        !matches!(self, Topic::Internal)
    }

    /// The frame a Pusher client gets, or `None` for binary data, which the Pusher protocol
    /// cannot carry.
    pub fn for_pusher(self, message: &Frame) -> Option<Frame> {
        let text = message.as_text();
        let event = match self {
            Topic::Event | Topic::Internal => return Some(message.clone()),
            Topic::Channel(channel) => wire::event(PLAIN_EVENT, Some(channel), text?),
            Topic::User(user) => wire::event(PLAIN_EVENT, Some(&wire::user_channel(user)), text?),
            Topic::Direct => wire::event(PLAIN_EVENT, None, text?),
        };
        Some(Frame::text(event))
    }
}
