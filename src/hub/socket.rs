//! `Socket`: one network attachment of a connection, its close request and why it ended; and
//! the close reasons reported to the worker.

use super::Frame;
use crate::shutdown::Shutdown;
use parking_lot::Mutex;
use std::sync::{Arc, OnceLock};
use tokio::sync::Notify;

/// Why a socket ended: the close code and the reason reported to the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCause {
    pub code: u16,
    pub reason: &'static str,
    /// Whether the server should send this close frame (false when the client closed first).
    pub send_frame: bool,
}

impl CloseCause {
    /// Whether the client still reads after this close: only a handoff's 1012 closes a
    /// socket on purpose under a client that goes on to resume elsewhere. A takeover's old
    /// socket, a timeout's, a client's own close are presumed unread.
    pub fn peer_reads(&self) -> bool {
        self.reason == reason::SERVICE_RESTART && self.send_frame
    }
}

pub mod reason {
    pub const CLIENT_CLOSED: &str = "client_closed";
    pub const TIMEOUT: &str = "timeout";
    pub const KILLED: &str = "killed";
    pub const SLOW_CONSUMER: &str = "slow_consumer";
    pub const SERVER_SHUTDOWN: &str = "server_shutdown";
    pub const MESSAGE_TOO_BIG: &str = "message_too_big";
    pub const PROTOCOL_ERROR: &str = "protocol_error";
    pub const GHOST_RELEASED: &str = "ghost_released";
    pub const RATE_LIMITED: &str = "rate_limited";
    /// A client resumed the connection with its token while this socket still looked alive:
    /// the new socket took it over (1000).
    pub const TAKEN_OVER: &str = "taken_over";
    /// The node stops and hands its ghosts to the others (1012): the client resumes elsewhere.
    pub const SERVICE_RESTART: &str = "service_restart";
    /// A bug: the connection's task panicked (1011).
    pub const INTERNAL_ERROR: &str = "internal_error";
}

/// Whether a socket closing for this reason ends its connection even if it is a ghost: a
/// kill, the stop, a bug in its task. Anything else only puts a ghost to sleep.
pub fn ending_for_good(why: &str) -> bool {
    matches!(
        why,
        reason::KILLED | reason::SERVER_SHUTDOWN | reason::INTERNAL_ERROR
    )
}

/// One network attachment: its close request and why it ended.
#[derive(Default)]
pub struct Socket {
    /// Fired when the server wants this socket closed; the writer sends `cause`.
    closing: Shutdown,
    /// Fired when the writer has let go of the connection's frames: what it took and did not
    /// write is back in the connection's outbox (a takeover waits for it).
    pub released: Shutdown,
    cause: OnceLock<CloseCause>,
    /// Frames the reader's tungstenite encoded itself (pongs, the answer to a client's close),
    /// for the writer to send: the writer alone owns the socket's write side.
    replies: Mutex<Vec<Frame>>,
    /// Wakes the writer: a reply was queued, or the socket is closing. One wake-up for both
    /// keeps the writer's wait (held by every idle connection) one future smaller.
    writer_wake: Notify,
}

impl Socket {
    pub fn new() -> Arc<Socket> {
        Arc::new(Socket::default())
    }

    /// Hands the writer a control frame the reader encoded (one per call). Each ping gets its
    /// pong, but they do not pile up for a client that pings and never reads: past
    /// `PONGS_WAITING`, the oldest waiting pong goes (RFC 6455 §5.5.3 allows answering only
    /// the latest), and none follows a close.
    pub fn queue_reply(&self, frame: Frame) {
        const PONGS_WAITING: usize = 32;
        let mut replies = self.replies.lock();
        if frame.is_pong() {
            if replies.iter().any(Frame::is_close) {
                return;
            }
            if replies.iter().filter(|r| r.is_pong()).count() >= PONGS_WAITING {
                let oldest = replies.iter().position(Frame::is_pong);
                replies.remove(oldest.expect("counted"));
            }
        }
        replies.push(frame);
        drop(replies);
        self.writer_wake.notify_one();
    }

    pub fn take_replies(&self) -> Vec<Frame> {
        std::mem::take(&mut *self.replies.lock())
    }

    /// Returns once a reply is queued or the socket is closing (at once if either happened
    /// since the last wait): the writer then looks at both.
    pub async fn writer_wanted(&self) {
        self.writer_wake.notified().await
    }

    /// Asks the socket's tasks to end it (with the cause recorded, or 1006 if none was).
    pub fn shut(&self) {
        self.closing.trigger();
        self.writer_wake.notify_one();
    }

    pub fn is_closing(&self) -> bool {
        self.closing.is_triggered()
    }

    /// Resolves once the socket is closing (at once if it already is).
    pub async fn closing(&self) {
        self.closing.wait().await
    }

    /// Asks the socket's tasks to close it with this code; the first cause wins.
    pub fn close(&self, code: u16, reason: &'static str) {
        self.end(CloseCause {
            code,
            reason,
            send_frame: true,
        });
        self.shut();
    }

    /// Records why the socket ended, if nothing was recorded before.
    pub fn end(&self, cause: CloseCause) {
        let _ = self.cause.set(cause);
    }

    /// The client went away without a close handshake.
    pub fn dropped(&self) {
        self.end(CloseCause {
            code: 1006,
            reason: reason::CLIENT_CLOSED,
            send_frame: false,
        });
        self.shut();
    }

    /// Why the socket is closing, if anything asked it to yet.
    pub fn recorded_cause(&self) -> Option<CloseCause> {
        self.cause.get().copied()
    }

    pub fn cause(&self) -> CloseCause {
        self.cause.get().copied().unwrap_or(CloseCause {
            code: 1006,
            reason: reason::CLIENT_CLOSED,
            send_frame: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_handoff_close_is_read_on_by_its_client() {
        let cause = |close: fn(&Socket)| {
            let socket = Socket::new();
            close(&socket);
            socket.cause().peer_reads()
        };
        assert!(cause(|s| s.close(1012, reason::SERVICE_RESTART)));
        assert!(!cause(|s| s.close(1000, reason::TAKEN_OVER)));
        assert!(!cause(|s| s.close(1001, reason::TIMEOUT)));
        assert!(!cause(|s| s.close(1008, reason::SLOW_CONSUMER)));
        assert!(!cause(Socket::dropped));
        // Without a close frame of ours nothing says the client reads on (no close records
        // this today; it checks the rule's second half).
        assert!(!cause(|s| {
            s.end(CloseCause {
                code: 1012,
                reason: reason::SERVICE_RESTART,
                send_frame: false,
            })
        }));
    }
}
