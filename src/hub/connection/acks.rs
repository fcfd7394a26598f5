//! Acknowledgements (`?ack=1`): at-least-once delivery across a reconnect, without duplicates.
//!
//! A connection that acknowledges gets each application message numbered (`Frame::sequenced`)
//! and keeps it, from the moment it is sent, until the client acknowledges it
//! (`{"action":"ack","seq":N}`) or resumes past it (`?resume=TOKEN&last=N`). What the kernel
//! had accepted before an unnoticed network drop is therefore still here when the client comes
//! back, and the resume replays everything after what the client says it has, in order.
//! Without acknowledgements a frame is forgotten once written, and the frames a dead network
//! swallowed are lost.
//!
//! The numbered frames are kept apart from the outbox (which holds what is still to write) and
//! bounded by `ghost_buffer`, oldest dropped first: a client sees the gap in the numbers.

use super::{Connection, DORMANT, LIVE};
use crate::hub::Frame;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;

/// What an acknowledging connection has sent and not had acknowledged.
#[derive(Default)]
pub struct Acks {
    /// The last number given.
    last_sent: u64,
    /// Numbered frames after the last acknowledged one, oldest first.
    unacked: VecDeque<Frame>,
}

/// An acknowledgement for a number never sent: the client's bookkeeping is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct AheadOfSent {
    pub last_sent: u64,
}

impl Acks {
    fn acknowledge(&mut self, seq: u64) -> Result<(), AheadOfSent> {
        if seq > self.last_sent {
            return Err(AheadOfSent {
                last_sent: self.last_sent,
            });
        }
        while self.unacked.front().is_some_and(|f| f.seq() <= Some(seq)) {
            self.unacked.pop_front();
        }
        Ok(())
    }
}

impl Connection {
    /// From now on, messages are numbered and kept until acknowledged. Asked again (a resume
    /// with `ack=1`), it changes nothing.
    pub fn enable_acks(&self) {
        self.with_extra(|e| {
            e.acks.get_or_insert_with(Default::default);
        });
        self.acks_on.store(true, Ordering::Release);
    }

    pub fn acknowledges(&self) -> bool {
        self.acks_on.load(Ordering::Acquire)
    }

    /// The client has everything up to `seq`: it is not kept any longer.
    pub fn acknowledge(&self, seq: u64) -> Result<(), AheadOfSent> {
        self.with_extra(|e| match e.acks.as_mut() {
            Some(acks) => acks.acknowledge(seq),
            None => Err(AheadOfSent { last_sent: 0 }),
        })
    }

    /// Numbers `message`, keeps it, and queues it for the live socket. Numbered under the
    /// outbox lock, so the numbers follow the order of the outbox, and a resume rebuilding the
    /// outbox (`restart_outbox`) sees every message either kept here or not sent yet.
    pub(super) fn send_sequenced(&self, message: Frame) -> bool {
        let outbox = self.outbox.lock();
        let mode = self.mode.load(Ordering::Acquire);
        if mode != LIVE && mode != DORMANT {
            return false;
        }
        let keep = self.ghost_buffer;
        let numbered = self.with_extra(|e| {
            let acks = e.acks.get_or_insert_with(Default::default);
            acks.last_sent += 1;
            let numbered = Frame::sequenced(acks.last_sent, &message);
            if keep > 0 {
                while acks.unacked.len() >= keep {
                    acks.unacked.pop_front();
                }
                acks.unacked.push_back(numbered.clone());
            }
            numbered
        });
        match mode {
            LIVE => self.queue_live(outbox, numbered),
            // Kept above: the resume replays it.
            _ => true,
        }
    }

    /// On resume: the outbox becomes every kept message after `last` (what the client says it
    /// has), then the protocol replies that were waiting. Numbered frames still in the outbox
    /// are kept ones (or ones dropped for the bound): they are not queued twice. Returns how
    /// many messages are replayed.
    pub(super) fn replay_unacked(&self, outbox: &mut VecDeque<Frame>, last: Option<u64>) -> usize {
        self.with_extra(|e| {
            let acks = e.acks.get_or_insert_with(Default::default);
            if let Some(last) = last {
                // A client that claims more than was sent is believed no further than that.
                let _ = acks.acknowledge(last.min(acks.last_sent));
            }
            let replies: Vec<Frame> = outbox.drain(..).filter(|f| f.seq().is_none()).collect();
            outbox.extend(acks.unacked.iter().cloned());
            let replayed = outbox.len();
            outbox.extend(replies);
            replayed
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::connection::Socket;
    use serde_json::Value;

    fn connection(ghost_buffer: usize) -> Connection {
        let conn = Connection::new(
            "c".into(),
            "/ws".into(),
            None,
            "127.0.0.1:1".parse().unwrap(),
            false,
            Socket::new(),
            (1 << 20, ghost_buffer),
            0,
        );
        conn.enable_acks();
        conn
    }

    fn seqs(frames: &VecDeque<Frame>) -> Vec<u64> {
        frames.iter().map(|f| f.seq().unwrap_or(0)).collect()
    }

    #[test]
    fn messages_are_numbered_in_an_envelope_and_binary_behind_the_number() {
        let conn = connection(10);
        conn.send(Frame::data(b"hello", false));
        conn.send(Frame::data(&[0xff, 1], true));
        let mut out = VecDeque::new();
        conn.take_outbox(&mut out);
        let text: Value = serde_json::from_slice(&out[0].payload()).unwrap();
        assert_eq!(
            text,
            serde_json::json!({"event": "message", "seq": 1, "data": "hello"})
        );
        assert_eq!(&out[1].payload()[..], &[0, 0, 0, 0, 0, 0, 0, 2, 0xff, 1]);
    }

    #[test]
    fn a_resume_replays_what_was_written_and_not_acknowledged_once_each() {
        let conn = connection(10);
        for i in 0..5 {
            conn.send(Frame::text(format!("m{i}")));
        }
        // The writer took and wrote 1..=3; 4 and 5 are still queued.
        let mut written = VecDeque::new();
        conn.take_outbox(&mut written);
        let mut queued = written.split_off(3);
        conn.acknowledge(2).unwrap();
        conn.reply(Frame::text("a protocol reply"));
        let mut outbox = VecDeque::new();
        conn.take_outbox(&mut outbox);
        queued.extend(outbox);
        assert_eq!(conn.replay_unacked(&mut queued, None), 3);
        assert_eq!(seqs(&queued), [3, 4, 5, 0]);
        // The client says it has 4: only 5 is left to replay.
        assert_eq!(conn.replay_unacked(&mut queued, Some(4)), 1);
        assert_eq!(seqs(&queued), [5, 0]);
    }

    #[test]
    fn acknowledging_past_what_was_sent_is_refused() {
        let conn = connection(10);
        conn.send(Frame::text("one"));
        assert_eq!(conn.acknowledge(2), Err(AheadOfSent { last_sent: 1 }));
        assert_eq!(conn.acknowledge(1), Ok(()));
    }

    #[test]
    fn the_oldest_unacknowledged_message_goes_first_past_the_bound() {
        let conn = connection(2);
        for i in 0..4 {
            conn.send(Frame::text(format!("m{i}")));
        }
        let mut outbox = VecDeque::new();
        conn.take_outbox(&mut outbox);
        assert_eq!(conn.replay_unacked(&mut outbox, None), 2);
        assert_eq!(seqs(&outbox), [3, 4]);
    }
}
