//! A ghost's messages moving between nodes (resume on any node): what the node it leaves
//! gives, and how the node it reaches puts them ahead of its own.

use super::{Acks, Connection};
use crate::hub::Frame;
use std::sync::atomic::Ordering;

impl Connection {
    /// A ghost leaves for another node: its messages to replay, in order, and, for a
    /// connection that acknowledges, the last number given (the other node goes on from it).
    pub(in crate::hub) fn carry(&self) -> (Vec<Frame>, Option<u64>) {
        let mut outbox = self.outbox();
        if !self.acks_on.load(Ordering::Acquire) {
            return (outbox.drain(..).filter(Frame::is_data).collect(), None);
        }
        // Outbox, then extra: the order `send_sequenced` takes them in.
        self.with_extra(|e| {
            let acks = e.acks.get_or_insert_with(Default::default);
            let (frames, last_sent) = acks.take_all(outbox.drain(..));
            (frames, Some(last_sent))
        })
    }

    /// The node it arrives on drops what it queued for the ghost before the cut: the node it
    /// leaves has those and gives them (`carry`).
    pub(in crate::hub) fn forget_queued(&self) {
        self.outbox().clear();
    }

    /// The ghost arrives: `carried` (what the node it left gave) go ahead of what this node
    /// queued for it since the cut. A connection that acknowledges goes on numbering from
    /// `last_sent`; what was queued here since is numbered after what it carried.
    pub(in crate::hub) fn arrive(&self, carried: Vec<Frame>, last_sent: Option<u64>) {
        let mut outbox = self.outbox();
        let since: Vec<Frame> = outbox.drain(..).collect();
        let Some(last_sent) = last_sent else {
            // What was carried was within the bounds there, or never written (given back by
            // the old writer), which a resume replays whatever `ghost_buffer` says.
            let bound = self.ghost_buffer.max(carried.len());
            outbox.extend(carried);
            outbox.extend(since);
            while outbox.len() > bound {
                outbox.pop_front();
            }
            return;
        };
        let acks = Acks::going_on(
            last_sent,
            carried,
            since.into_iter(),
            self.ghost_buffer,
            self.send_buffer,
        );
        self.with_extra(|e| e.acks = Some(acks));
        // Under the outbox lock: a send waiting for it numbers after what came before.
        self.acks_on.store(true, Ordering::Release);
    }
}
