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
//! The numbered frames are kept apart from the outbox (which holds what is still to write),
//! while the connection is a ghost (nothing else can be resumed), within `ghost_buffer` frames
//! and `send_buffer` bytes, oldest dropped first: a client sees the gap in the numbers. The
//! mode is the connection's from its open: a resume neither turns it on nor off.

use super::{Connection, DORMANT, LIVE};
use crate::hub::Frame;
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::Ordering;

/// What an acknowledging connection has sent and not had acknowledged.
#[derive(Default)]
pub struct Acks {
    /// The last number given.
    last_sent: u64,
    /// Numbered frames after the last acknowledged one, oldest first.
    unacked: VecDeque<Frame>,
    /// Their bytes on the wire.
    unacked_bytes: usize,
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
            self.drop_oldest();
        }
        Ok(())
    }

    /// Keeps `frame`, within `count` frames and `bytes` (the newest is kept whatever its size).
    fn keep(&mut self, frame: Frame, count: usize, bytes: usize) {
        if count == 0 {
            return;
        }
        while !self.unacked.is_empty()
            && (self.unacked.len() >= count || self.unacked_bytes + frame.len() > bytes)
        {
            self.drop_oldest();
        }
        self.unacked_bytes += frame.len();
        self.unacked.push_back(frame);
    }

    /// Everything kept and every numbered frame of `queued`, each once and in number order,
    /// with the last number given: what a ghost moving to another node takes with it.
    pub(super) fn take_all(&mut self, queued: impl Iterator<Item = Frame>) -> (Vec<Frame>, u64) {
        let mut numbered = BTreeMap::new();
        for frame in queued.chain(self.unacked.drain(..)) {
            if let Some(seq) = frame.seq() {
                numbered.insert(seq, frame);
            }
        }
        self.unacked_bytes = 0;
        (numbered.into_values().collect(), self.last_sent)
    }

    /// Numbering that goes on from another node's: `carried` were numbered there (up to
    /// `last_sent`); `since` are numbered here, after them. Kept within the same bounds.
    pub(super) fn going_on(
        last_sent: u64,
        carried: Vec<Frame>,
        since: impl Iterator<Item = Frame>,
        count: usize,
        bytes: usize,
    ) -> Acks {
        let mut acks = Acks {
            last_sent,
            ..Acks::default()
        };
        // Kept within the bounds there, or given back unwritten: all of it is replayed, as a
        // resume there would have.
        for frame in carried {
            acks.unacked_bytes += frame.len();
            acks.unacked.push_back(frame);
        }
        for frame in since {
            acks.last_sent += 1;
            acks.keep(Frame::sequenced(acks.last_sent, &frame), count, bytes);
        }
        acks
    }

    fn drop_oldest(&mut self) {
        if let Some(frame) = self.unacked.pop_front() {
            self.unacked_bytes -= frame.len();
        }
    }
}

impl Connection {
    /// From now on, messages are numbered and kept until acknowledged: set at the open
    /// (`?ack=1`), before anything is sent.
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

    /// Numbers `message`, keeps it while the connection is a ghost (only a ghost can be
    /// resumed), and queues it for the live socket. Numbered under the outbox lock, so the
    /// numbers follow the order of the outbox. A message the slow-consumer rule refuses gets no
    /// number and is not kept: the application is told it was not sent.
    pub(super) fn send_sequenced(&self, message: Frame) -> bool {
        let outbox = self.outbox();
        let mode = self.mode.load(Ordering::Acquire);
        if mode != LIVE && mode != DORMANT {
            return false;
        }
        let (keep, bytes) = match self.is_ghost() {
            true => (self.ghost_buffer, self.send_buffer),
            false => (0, 0),
        };
        let numbered = self.with_extra(|e| {
            let acks = e.acks.get_or_insert_with(Default::default);
            let numbered = Frame::sequenced(acks.last_sent + 1, &message);
            if mode == LIVE && !self.fits(numbered.len()) {
                return None;
            }
            acks.last_sent += 1;
            acks.keep(numbered.clone(), keep, bytes);
            Some(numbered)
        });
        match (mode, numbered) {
            (LIVE, Some(numbered)) => self.queue_live(outbox, numbered),
            // Refused: queued all the same, for the slow-consumer rule to close the socket.
            (LIVE, None) => self.queue_live(outbox, message),
            // Dormant: kept above (within the bounds), for the resume to replay; accepted, as
            // for any dormant ghost.
            _ => true,
        }
    }

    /// Frames a writer gives back: numbered ones still kept are dropped (the resume replays
    /// them from here, once); the others go back as they were.
    pub(super) fn without_kept(&self, batch: &mut VecDeque<Frame>) {
        self.with_extra(|e| {
            let Some(acks) = e.acks.as_ref() else {
                return;
            };
            let kept = |seq: u64| {
                acks.unacked
                    .binary_search_by_key(&seq, |f| f.seq().unwrap_or(0))
                    .is_ok()
            };
            batch.retain(|f| f.seq().is_none_or(|seq| !kept(seq)));
        });
    }

    /// On resume: the outbox becomes every message after `last` (what the client says it has),
    /// kept or still queued, each once and in order, then the protocol replies that were
    /// waiting. Returns how many messages are replayed.
    pub(super) fn replay_unacked(&self, outbox: &mut VecDeque<Frame>, last: Option<u64>) -> usize {
        self.with_extra(|e| {
            let acks = e.acks.get_or_insert_with(Default::default);
            if let Some(last) = last {
                // A client that claims more than was sent is believed no further than that.
                let _ = acks.acknowledge(last.min(acks.last_sent));
            }
            let after = last.unwrap_or(0);
            let mut numbered = BTreeMap::new();
            let mut replies = Vec::new();
            for frame in outbox.drain(..).chain(acks.unacked.iter().cloned()) {
                match frame.seq() {
                    Some(seq) if seq > after => {
                        numbered.insert(seq, frame);
                    }
                    Some(_) => {}
                    None => replies.push(frame),
                }
            }
            let replayed = numbered.len();
            outbox.extend(numbered.into_values());
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

    /// A ghost that acknowledges.
    fn connection(send_buffer: usize, ghost_buffer: usize) -> Connection {
        let conn = Connection::new(
            "c".into(),
            "/ws".into(),
            None,
            "127.0.0.1:1".parse().unwrap(),
            false,
            Socket::new(),
            (send_buffer, ghost_buffer),
            0,
        );
        conn.enable_acks();
        conn.ghost.store(true, Ordering::Release);
        conn
    }

    fn seqs(frames: &VecDeque<Frame>) -> Vec<u64> {
        frames.iter().map(|f| f.seq().unwrap_or(0)).collect()
    }

    fn send_texts(conn: &Connection, n: usize) {
        for i in 0..n {
            assert!(conn.send(Frame::text(format!("m{i}"))));
        }
    }

    #[test]
    fn messages_are_numbered_in_an_envelope_and_binary_behind_the_number() {
        let conn = connection(1 << 20, 10);
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
        let conn = connection(1 << 20, 10);
        send_texts(&conn, 5);
        // The writer took 1..=5 and wrote 1..=3; its socket died and it gives 4 and 5 back.
        let mut written = VecDeque::new();
        conn.take_outbox(&mut written);
        let mut unwritten = written.split_off(3);
        conn.acknowledge(2).unwrap();
        conn.requeue_front(&mut unwritten);
        conn.reply(Frame::text("a protocol reply"));
        assert_eq!(conn.restart_outbox(None), 3);
        let mut replay = VecDeque::new();
        conn.take_outbox(&mut replay);
        assert_eq!(seqs(&replay), [3, 4, 5, 0]);
        // The client says it has 4: only 5 is left.
        conn.requeue_front(&mut replay);
        assert_eq!(conn.restart_outbox(Some(4)), 1);
        conn.take_outbox(&mut replay);
        assert_eq!(seqs(&replay), [5, 0]);
    }

    #[test]
    fn a_writer_letting_go_late_gives_back_nothing_already_replayed() {
        let conn = connection(1 << 20, 10);
        send_texts(&conn, 3);
        let mut old_writer = VecDeque::new();
        conn.take_outbox(&mut old_writer);
        assert_eq!(conn.restart_outbox(None), 3);
        conn.requeue_front(&mut old_writer);
        let mut replay = VecDeque::new();
        conn.take_outbox(&mut replay);
        assert_eq!(seqs(&replay), [1, 2, 3]);
    }

    #[test]
    fn with_nothing_kept_what_was_never_written_is_still_replayed() {
        let conn = connection(1 << 20, 0);
        send_texts(&conn, 3);
        assert_eq!(conn.restart_outbox(None), 3);
    }

    #[test]
    fn acknowledging_past_what_was_sent_is_refused() {
        let conn = connection(1 << 20, 10);
        conn.send(Frame::text("one"));
        assert_eq!(conn.acknowledge(2), Err(AheadOfSent { last_sent: 1 }));
        assert_eq!(conn.acknowledge(1), Ok(()));
    }

    #[test]
    fn the_oldest_kept_message_goes_first_past_either_bound() {
        let conn = connection(1 << 20, 2);
        send_texts(&conn, 4);
        let mut written = VecDeque::new();
        conn.take_outbox(&mut written);
        assert_eq!(conn.restart_outbox(None), 2);
        let mut replay = VecDeque::new();
        conn.take_outbox(&mut replay);
        assert_eq!(seqs(&replay), [3, 4]);

        // Bytes: each numbered frame is over 40 bytes, so 100 bytes keep two.
        let conn = connection(100, 10);
        for i in 0..4 {
            conn.send(Frame::text(format!("m{i}")));
            conn.take_outbox(&mut written);
        }
        assert_eq!(conn.restart_outbox(None), 2);
    }

    #[test]
    fn only_a_ghost_keeps_what_it_sent() {
        let conn = connection(1 << 20, 10);
        conn.ghost.store(false, Ordering::Release);
        send_texts(&conn, 2);
        let mut written = VecDeque::new();
        conn.take_outbox(&mut written);
        assert_eq!(conn.restart_outbox(None), 0);
    }

    #[test]
    fn a_message_refused_for_a_slow_consumer_gets_no_number() {
        let conn = connection(100, 10);
        assert!(conn.send(Frame::text("x".repeat(60))));
        assert!(!conn.send(Frame::text("y".repeat(60))));
        assert!(!conn.send(Frame::text("z")));
        assert_eq!(conn.acknowledge(2), Err(AheadOfSent { last_sent: 1 }));
    }
}
