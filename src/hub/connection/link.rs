//! A connection's link into a channel's `Feed` (`hub::feed`): while it is open, the channel's
//! broadcasts reach the connection without being queued for it one by one. The link is the
//! end of the outbox, not yet copied into it: whatever takes the outbox lock through
//! `Connection::outbox` first *settles* it (the frames from its start up to the feed's head
//! join the outbox, and it closes), so every other path sees a plain outbox, in order.
//!
//! A broadcast appends its frame, then looks at the connection's `linked` (both SeqCst), and
//! a settle clears `linked`, then reads the head (both SeqCst): either the broadcast saw the
//! link open and the settle's head includes its frame, or it saw it closed and asks
//! `Outbox::covers` whether the closed link's range already had it. Only the broadcast that
//! holds the feed's tail opens links into that feed, so the last closed range per feed is
//! all that needs keeping.

use super::outbox::SLOW;
use super::{Connection, LIVE};
use crate::hub::feed::{Appended, Feed, Run, Segment};
use crate::hub::Frame;
use parking_lot::{MappedMutexGuard, MutexGuard};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// What the outbox lock guards: the frames to write and the link after them.
#[derive(Default)]
pub(in crate::hub) struct Outbox {
    pub frames: VecDeque<Frame>,
    /// Allocated with the first link: most connections never have one.
    links: Option<Box<Links>>,
}

#[derive(Default)]
struct Links {
    open: Option<Link>,
    /// For each feed this connection had a link into: (feed, first, end) of the last one.
    covered: Vec<(u64, u64, u64)>,
}

/// `link_bytes_before` of a connection that never had a link.
pub(super) const NEVER_LINKED: u64 = u64::MAX;

struct Link {
    feed: Arc<Feed>,
    segment: Arc<Segment>,
    from: u64,
}

impl Outbox {
    fn covers(&self, feed: u64, seq: u64) -> bool {
        self.links.as_ref().is_some_and(|links| {
            links
                .covered
                .iter()
                .any(|&(id, from, end)| id == feed && from <= seq && seq < end)
        })
    }
}

impl Connection {
    /// The outbox, with any link settled into it: the one way to it but a feed's.
    pub(super) fn outbox(&self) -> MappedMutexGuard<'_, VecDeque<Frame>> {
        let mut outbox = self.outbox.lock();
        self.settle(&mut outbox);
        MutexGuard::map(outbox, |o| &mut o.frames)
    }

    /// Copies the open link's frames into the outbox and closes it; returns the feed and the
    /// end of what it copied. Never with history on: `set_history` settles first, under the
    /// outbox lock, and no link opens while it is on.
    fn settle(&self, outbox: &mut Outbox) -> Option<(u64, u64)> {
        let (id, run) = self.close_link(outbox)?;
        let mut bytes = 0;
        for frame in run.frames_from(run.first()) {
            bytes += frame.len();
            outbox.frames.push_back(frame.clone());
        }
        // Backlog from now on, as if each had been queued (`take_outbox` counts it out).
        let queued = self.queued_bytes.load(Ordering::Relaxed);
        if queued != SLOW {
            self.queued_bytes.store(queued + bytes, Ordering::Relaxed);
        }
        Some((id, run.end()))
    }

    /// Closes the open link; returns its feed and the frames it had, which the caller puts
    /// at the end of the outbox (or writes, if that is empty).
    fn close_link(&self, outbox: &mut Outbox) -> Option<(u64, Run)> {
        let link = outbox.links.as_mut().and_then(|links| links.open.take())?;
        self.linked.store(0, Ordering::SeqCst);
        let end = link.feed.head();
        let id = link.feed.id();
        let covered = &mut outbox.links.as_mut().expect("the link was there").covered;
        match covered.iter_mut().find(|(feed, ..)| *feed == id) {
            Some(range) => *range = (id, link.from, end),
            None => covered.push((id, link.from, end)),
        }
        Some((id, Run::new(link.segment, link.from, end)))
    }

    /// For the writer, which holds no run (what it takes goes behind what it holds): the open
    /// link's frames as a `Run`, if nothing is queued before them; otherwise as
    /// `take_outbox`. False if there was nothing.
    pub fn take_outbox_or_run(&self, batch: &mut VecDeque<Frame>, run: &mut Option<Run>) -> bool {
        debug_assert!(
            run.is_none(),
            "the writer turns a run it holds into frames first"
        );
        let mut outbox = self.outbox.lock();
        if outbox.frames.is_empty() {
            *run = self.close_link(&mut outbox).map(|(_, taken)| taken);
            // Nothing queued is backlog now, as `take_outbox` counts it.
            if run.is_some() && self.queued_bytes.load(Ordering::Relaxed) != SLOW {
                self.queued_bytes.store(0, Ordering::Relaxed);
            }
            return run.is_some();
        }
        // As `outbox()` gives it (with frames queued, no link is open: a no-op).
        self.settle(&mut outbox);
        self.take_queued(MutexGuard::map(outbox, |o| &mut o.frames), batch)
    }

    #[cfg(test)]
    pub(in crate::hub) fn is_linked(&self) -> bool {
        self.linked.load(Ordering::SeqCst) != 0
    }

    /// Closes the link, if any (a connection leaving a channel, or its live socket).
    pub(in crate::hub) fn unlink(&self) {
        drop(self.outbox());
    }

    /// After leaving the channel of `feed`: its last range there is of no more use once no
    /// broadcast to it is under way (the tail is held meanwhile), since every later one
    /// appends past it. Even if the connection joined the channel again since.
    pub(in crate::hub) fn forget_feed(&self, feed: &Feed) {
        feed.while_idle(|| {
            if let Some(links) = self.outbox.lock().links.as_mut() {
                links.covered.retain(|(id, ..)| *id != feed.id());
            }
        });
    }

    /// A live connection that takes application frames as they are: no numbering, no
    /// history, no relaying. Only those get links.
    fn takes_plain_frames(&self) -> bool {
        self.mode.load(Ordering::Acquire) == LIVE
            && !self.acks_on.load(Ordering::Acquire)
            && !self.history_on.load(Ordering::Relaxed)
            && !self.relayed.load(Ordering::Acquire)
    }

    /// `appended` to the feed of `channel`, of which this connection is a subscriber, reaches
    /// it: through its open link, or by opening one, or queued (`send`). False as `send` says.
    pub(in crate::hub) fn send_appended(
        &self,
        appended: &Appended,
        channel: &str,
        frame: &Frame,
    ) -> bool {
        let feed = appended.feed();
        if self.linked.load(Ordering::SeqCst) == feed.id() {
            // The slow-consumer rule, on what the link holds: taken further below if broken.
            // Saturating: the start read may already be a later link's, into another feed.
            let backlog = (appended
                .bytes_through()
                .saturating_sub(self.link_bytes_before.load(Ordering::Relaxed)))
            .saturating_add(self.queued_bytes.load(Ordering::Relaxed) as u64);
            if backlog <= self.send_buffer as u64 || backlog == appended.len() {
                return true;
            }
        }
        let never_linked = self.link_bytes_before.load(Ordering::Relaxed) == NEVER_LINKED;
        if never_linked && !self.takes_plain_frames() {
            return self.send(frame.clone());
        }
        let mut outbox = self.outbox.lock();
        let settled = self.settle(&mut outbox);
        if outbox.covers(feed.id(), appended.seq) {
            let queued = self.queued_bytes.load(Ordering::Relaxed);
            if queued == SLOW {
                return false;
            }
            // Just settled, this frame last (the tail is held: nothing came after it): the
            // slow-consumer rule as `queue_live` asks it, and a refused frame is not kept.
            let len = appended.len() as usize;
            let last = settled == Some((feed.id(), appended.seq + 1));
            if last && queued > self.send_buffer && queued != len {
                outbox.frames.pop_back();
                self.queued_bytes.store(queued - len, Ordering::Relaxed);
                return self.refuse_slow_consumer(outbox);
            }
            return true;
        }
        if !self.takes_plain_frames() {
            drop(outbox);
            return self.send(frame.clone());
        }
        // Only with nothing queued: the link is the end of the outbox. And not for a
        // connection that just left the channel (a broadcast begun before may still reach
        // it, but what comes after must not).
        if outbox.frames.is_empty() && self.fits(frame.len()) && self.is_subscribed(channel) {
            let start = appended.start();
            self.link_bytes_before
                .store(start.bytes_before, Ordering::Relaxed);
            outbox.links.get_or_insert_with(Default::default).open = Some(Link {
                feed: feed.clone(),
                segment: start.segment,
                from: start.seq,
            });
            self.linked.store(feed.id(), Ordering::SeqCst);
            drop(outbox);
            self.attention.notify_one();
            return true;
        }
        self.queue_live(MutexGuard::map(outbox, |o| &mut o.frames), frame.clone())
    }
}
