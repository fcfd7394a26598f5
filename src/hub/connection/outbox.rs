//! A connection's outbox: frames for its client, queued for the live socket's writer (with the
//! slow-consumer rule), kept for a dormant ghost, put back by a writer that lets go, and
//! replayed on resume.

use super::{Connection, DORMANT, LIVE};
use crate::hub::socket::reason;
use parking_lot::MappedMutexGuard;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;

/// `queued_bytes` of a socket closed as a slow consumer: every send is refused until a new
/// socket resumes the connection.
pub(super) const SLOW: usize = usize::MAX;
use crate::hub::Frame;

impl Connection {
    /// Queues an application frame for the client. A dormant ghost keeps it (up to
    /// `ghost_buffer`, oldest dropped first). False if the connection is gone or was just
    /// closed for being a slow consumer.
    pub fn send(&self, message: Frame) -> bool {
        if self.history_on.load(Ordering::Relaxed) {
            self.record(&message);
        }
        if self.acks_on.load(Ordering::Relaxed) && message.is_data() {
            return self.send_sequenced(message);
        }
        match self.mode.load(Ordering::Acquire) {
            LIVE => self.send_live(message),
            DORMANT => {
                let mut outbox = self.outbox();
                // A ghost arriving from another node starts numbering under this lock
                // (`arrive`): a send that waited for it is numbered too.
                if self.acks_on.load(Ordering::Acquire) && message.is_data() {
                    drop(outbox);
                    return self.send_sequenced(message);
                }
                while outbox.len() >= self.ghost_buffer.max(1) {
                    outbox.pop_front();
                }
                if self.ghost_buffer > 0 {
                    outbox.push_back(message);
                }
                // A resume may have happened since `mode` was read, its replay count taken
                // before this frame: then the new writer must be woken for it.
                if self.mode.load(Ordering::Acquire) == LIVE {
                    self.attention.notify_one();
                }
                true
            }
            _ => false,
        }
    }

    /// Queues a protocol reply (subscribed, error, …): not application data, not recorded.
    pub fn reply(&self, message: Frame) -> bool {
        self.mode.load(Ordering::Acquire) == LIVE && self.send_live(message)
    }

    /// Queues a protocol reply ahead of everything queued: the first frame a new socket's
    /// writer takes.
    pub fn reply_first(&self, message: Frame) -> bool {
        if self.mode.load(Ordering::Acquire) != LIVE {
            return false;
        }
        self.outbox().push_front(message);
        self.attention.notify_one();
        true
    }

    fn send_live(&self, message: Frame) -> bool {
        self.queue_live(self.outbox(), message)
    }

    /// `send_buffer` bounds the backlog waiting behind what the writer is writing. A message
    /// alone in it always fits, whatever its size: a client that reads gets it; one that does
    /// not is caught by the next frame. Asked under the outbox lock.
    pub(super) fn fits(&self, len: usize) -> bool {
        let backlog = self
            .queued_bytes
            .load(Ordering::Relaxed)
            .saturating_add(len);
        backlog <= self.send_buffer || backlog == len
    }

    pub(super) fn queue_live(
        &self,
        mut outbox: MappedMutexGuard<'_, VecDeque<Frame>>,
        message: Frame,
    ) -> bool {
        let len = message.len();
        if !self.fits(len) {
            return self.refuse_slow_consumer(outbox);
        }
        let backlog = self.queued_bytes.load(Ordering::Relaxed) + len;
        self.queued_bytes.store(backlog, Ordering::Relaxed);
        outbox.push_back(message);
        // Only the first frame of a batch wakes the writer: it takes the whole outbox at once,
        // so frames queued behind it need no wake-up of their own.
        if outbox.len() == 1 {
            drop(outbox);
            self.attention.notify_one();
        }
        true
    }

    /// The backlog broke `send_buffer`: the socket closes (1008, `slow_consumer`) and the
    /// frame that broke it counts as not sent. Takes the outbox lock's guard: the mark is set
    /// under it, so that a new socket's `reset_backlog` comes before or after it, whole.
    pub(super) fn refuse_slow_consumer(&self, outbox_guard: impl Sized) -> bool {
        // Refused for good on this socket, even once its writer has taken what was queued:
        // it is closing, and what is sent from now on would never be written.
        self.queued_bytes.store(SLOW, Ordering::Relaxed);
        drop(outbox_guard);
        if let Some(socket) = self.socket() {
            // Unless a resume came in between and cleared the mark: that socket is new.
            if self.queued_bytes.load(Ordering::Relaxed) == SLOW {
                socket.close(1008, reason::SLOW_CONSUMER);
            }
        }
        false
    }

    /// Moves everything queued to the end of `batch`; false if nothing was. An empty `batch`
    /// trades places with the outbox, so the capacity goes back and forth with no copy.
    pub fn take_outbox(&self, batch: &mut VecDeque<Frame>) -> bool {
        self.take_queued(self.outbox(), batch)
    }

    /// `take_outbox`, on the outbox already locked (and settled).
    pub(super) fn take_queued(
        &self,
        mut outbox: MappedMutexGuard<'_, VecDeque<Frame>>,
        batch: &mut VecDeque<Frame>,
    ) -> bool {
        if outbox.is_empty() {
            return false;
        }
        if batch.is_empty() {
            std::mem::swap(&mut *outbox, batch);
        } else {
            batch.extend(outbox.drain(..));
        }
        // What the writer writes is no longer backlog (counted under the outbox lock).
        if self.queued_bytes.load(Ordering::Relaxed) != SLOW {
            self.queued_bytes.store(0, Ordering::Relaxed);
        }
        true
    }

    /// Puts frames a dying writer could not write back at the front, so a ghost keeps them.
    pub fn requeue_front(&self, batch: &mut VecDeque<Frame>) {
        let mut outbox = self.outbox();
        if self.acks_on.load(Ordering::Relaxed) {
            // Replayed from what is kept: given back as well, they would come twice.
            self.without_kept(batch);
        }
        if batch.is_empty() {
            return;
        }
        while let Some(message) = batch.pop_back() {
            outbox.push_front(message);
        }
        // Not backlog: what the next writer takes first, as `take_outbox` counts it.
        drop(outbox);
        // A writer that already took over may be asleep: these are for it now.
        self.attention.notify_one();
    }

    /// A new socket starts with no backlog: a slow-consumer refusal was the old socket's.
    /// Called under the life lock as the new socket takes over (the outbox lock is never
    /// held while taking the life lock).
    pub(in crate::hub) fn reset_backlog(&self) {
        // Settled first: what a link held is what the old socket did not take, the new
        // writer's first frames, not backlog counted against it.
        let _outbox = self.outbox();
        self.queued_bytes.store(0, Ordering::Relaxed);
    }

    /// On resume: the number of messages replayed, which the new writer takes first. For a
    /// connection that acknowledges, that is every message after `last` (the client's own
    /// count, or its last acknowledgement), written before or not.
    pub fn restart_outbox(&self, last: Option<u64>) -> usize {
        let mut outbox = self.outbox();
        // The replay is what the new writer takes first: no backlog behind it yet.
        self.queued_bytes.store(0, Ordering::Relaxed);
        let replayed = match self.acks_on.load(Ordering::Relaxed) {
            true => self.replay_unacked(&mut outbox, last),
            false => outbox.len(),
        };
        if !outbox.is_empty() {
            self.attention.notify_one();
        }
        replayed
    }
}
