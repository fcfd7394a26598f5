//! Channels: subscribing and unsubscribing (each change reported under the lock of the
//! channel's shard, `ChannelIndex`), and who is subscribed to what.

use super::{Change, Hub};
use crate::events::Event;

impl Hub {
    /// Subscribes and, if that changed anything, hands the `join` to `report` under the
    /// channel's shard lock: an end is reported after `retire`, which passes every shard
    /// first, and any other change of this channel takes that lock too. So, whoever makes the
    /// change (the client, a PHP call on any thread), its event is queued in the order of the
    /// changes and never after `close`.
    pub fn subscribe(&self, id: &str, channel: &str, report: impl FnOnce(Event)) -> Change {
        let Some(conn) = self.get_open(id) else {
            return Change::NoSuchConnection;
        };
        let mut channels = self.channels.shard(channel).write();
        // Checked under the shard's lock: `retire` reads the list once it passed every shard.
        if !conn.is_open() {
            return Change::NoSuchConnection;
        }
        match channels.insert(channel, &conn) {
            Some(name) => {
                conn.add_subscription(name);
                report(Event::membership(&conn, channel.to_string(), true));
                Change::Done
            }
            None => Change::Unchanged,
        }
    }

    /// Unsubscribes and, if it was a member, hands the `leave` to `report` under the channel's
    /// shard lock (see `subscribe`).
    pub fn unsubscribe(&self, id: &str, channel: &str, report: impl FnOnce(Event)) -> Change {
        let Some(conn) = self.get_open(id) else {
            return Change::NoSuchConnection;
        };
        let mut channels = self.channels.shard(channel).write();
        // A connection that ended keeps its list readable for `beforeClose`, unchanged: its
        // `leave`s are part of its end report. Checked under a lock `retire` takes.
        if !conn.is_open() {
            return Change::NoSuchConnection;
        }
        let was_member = conn.remove_subscription(channel);
        let in_flight = was_member.then(|| channels.in_flight(channel)).flatten();
        // A link into the channel's feed would take its broadcasts from now on too: closed
        // before the shard lets go, so a broadcast that no longer reaches it appends after.
        let feed = was_member.then(|| channels.made_feeds(channel)).flatten();
        if feed.is_some() {
            conn.unlink();
        }
        channels.remove(channel, &conn);
        if was_member {
            report(Event::membership(&conn, channel.to_string(), false));
        }
        drop(channels);
        if was_member && conn.speaks_pusher() && channel.starts_with("presence-") {
            self.leave_presence(channel, &conn);
        }
        // A broadcast begun before the unsubscribe may still be delivering to this client
        // from its snapshot: once it has, nothing of the channel follows what the caller
        // does next (the `unsubscribed` reply, the PHP call returning).
        if let Some(in_flight) = in_flight {
            in_flight.wait();
        }
        for feed in feed.iter().flatten() {
            conn.forget_feed(feed);
        }
        if was_member {
            Change::Done
        } else {
            Change::Unchanged
        }
    }

    /// Sets the subscriptions to exactly `wanted`, reporting each change as `subscribe` does;
    /// returns (joined, left).
    pub fn set_subscriptions(
        &self,
        id: &str,
        wanted: &[String],
        report: impl Fn(Event),
    ) -> (Vec<String>, Vec<String>) {
        let Some(conn) = self.get_open(id) else {
            return (vec![], vec![]);
        };
        let left: Vec<String> = conn
            .subscriptions()
            .into_iter()
            .filter(|c| !wanted.contains(c))
            .filter(|channel| self.unsubscribe(id, channel, &report) == Change::Done)
            .collect();
        let joined = wanted
            .iter()
            .filter(|channel| self.subscribe(id, channel, &report) == Change::Done)
            .cloned()
            .collect();
        (joined, left)
    }

    pub fn subscriptions(&self, id: &str) -> Vec<String> {
        self.get(id).map(|c| c.subscriptions()).unwrap_or_default()
    }

    pub fn channels(&self) -> Vec<String> {
        self.channels.names()
    }

    /// How many connections on this node are subscribed to `channel`.
    pub fn subscriber_count(&self, channel: &str) -> usize {
        self.channels
            .shard(channel)
            .read()
            .members(channel)
            .map_or(0, |m| m.len())
    }

    /// Distinct users subscribed to `channel` (anonymous connections are not counted).
    pub fn channel_users(&self, channel: &str) -> Vec<String> {
        let channels = self.channels.shard(channel).read();
        let Some(members) = channels.members(channel) else {
            return Vec::new();
        };
        let users: std::collections::BTreeSet<String> =
            members.values().filter_map(|c| c.user_id()).collect();
        users.into_iter().collect()
    }
}
