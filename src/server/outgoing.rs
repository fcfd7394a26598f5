//! `Outgoing`: the frames a writer holds for its socket, and how they reach the kernel. A
//! burst goes out in `writev` calls (`gather`) over bytes encoded once for every recipient,
//! then one flush. A frame is done with only once written whole and flushed (TLS buffers
//! what it is given until the flush), and the state lives here rather than in a future, so a
//! write cancelled midway (the socket asked to close) loses nothing and never tears a frame.
//!
//! A large channel's frames come as a `Run` (`hub::feed`): written from where they sit in the
//! channel's feed, after the frames held. Only the rarer paths turn it into held frames, so
//! they need not know of runs: a frame pushed or taken behind it, a socket that is full (a
//! run waiting on it would keep the feed), a socket that ends.

use super::gather;
use crate::hub::connection::Connection;
use crate::hub::feed::Run;
use crate::hub::frame::Deflate;
use crate::hub::Frame;
use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;

/// A frame's bytes as a socket sends them: the same every time it is asked.
fn wire(deflate: Option<Deflate>, frame: &Frame) -> &[u8] {
    match deflate {
        Some(deflate) => frame.wire_deflated(deflate),
        None => frame.wire(),
    }
}

pub struct Outgoing<W> {
    io: W,
    frames: VecDeque<Frame>,
    /// Frames taken from a channel's feed as they sit there, after all of `frames`.
    run: Option<Run>,
    /// The run's first frame not written whole (those before are in the kernel, unflushed).
    run_next: u64,
    /// Bytes of the front frame already written (of the run's, once `frames` is empty).
    written: usize,
    /// Written whole but not flushed yet: given back too if the socket dies.
    unflushed: Vec<Frame>,
    /// A close frame was queued: nothing may follow it.
    closed: bool,
    /// The data frames went back to the connection: they are not ours to give again.
    given_back: bool,
    /// The socket negotiated permessage-deflate.
    deflate: Option<Deflate>,
    /// Runs of small frames are copied into one slice (`gather`): not for TLS.
    gather: bool,
    /// Frames written compressed since `take_deflated_count`.
    deflated: u64,
}

impl<W: AsyncWrite + Unpin> Outgoing<W> {
    pub fn new(io: W, deflate: Option<Deflate>, gather: bool) -> Self {
        Outgoing {
            io,
            frames: VecDeque::new(),
            run: None,
            run_next: 0,
            written: 0,
            unflushed: Vec::new(),
            closed: false,
            given_back: false,
            deflate,
            gather,
            deflated: 0,
        }
    }

    /// How many frames went out compressed since the last call (for `/stats`, counted once
    /// per burst rather than per frame).
    pub fn take_deflated_count(&mut self) -> u64 {
        std::mem::take(&mut self.deflated)
    }

    pub fn push(&mut self, frame: Frame) {
        if !self.closed {
            // After the run: it becomes frames like the others.
            self.unrun();
            self.closed = frame.is_close();
            self.frames.push_back(frame);
        }
    }

    /// Takes what the connection queued; false if nothing was.
    pub fn take_from(&mut self, conn: &Connection) -> bool {
        if self.closed {
            return false;
        }
        // What is taken goes behind what is held, the run included (the close sequence takes
        // the outbox after a write was cancelled midway).
        self.unrun();
        let took = conn.take_outbox_or_run(&mut self.frames, &mut self.run);
        if let Some(run) = &self.run {
            self.run_next = run.first();
        }
        took
    }

    /// Turns the run into frames held like any other (a reference each): its frames written
    /// whole join `unflushed`, the rest `frames`. For the rarer paths (a frame pushed or
    /// taken behind it, a socket that is full or ends), so that only the writing path knows
    /// of runs.
    fn unrun(&mut self) {
        let Some(run) = self.run.take() else {
            return;
        };
        let written = run
            .frames_from(run.first())
            .take((self.run_next - run.first()) as usize);
        self.unflushed.extend(written.cloned());
        self.frames.extend(run.frames_from(self.run_next).cloned());
    }

    pub fn is_idle(&self) -> bool {
        self.frames.is_empty() && self.run.is_none()
    }

    /// Lets go of the room for frames written but not flushed (a writer about to wait): most
    /// connections are idle most of the time, and the room a burst left costs each of them
    /// 48 B. It grows again on the writer's own thread at the next burst (a small channel's
    /// writer, a few allocations per burst), next to the `writev`s.
    /// (The queue of frames to write stays: it trades places with the connection's outbox,
    /// and emptied here, the next send would allocate under the outbox lock, on the sending
    /// thread, often the PHP one.)
    pub fn shed_room(&mut self) {
        if self.unflushed.is_empty() {
            self.unflushed = Vec::new();
        }
    }

    /// Frames left to hand the kernel.
    fn has_unwritten(&self) -> bool {
        !self.frames.is_empty() || self.run.as_ref().is_some_and(|r| self.run_next < r.end())
    }

    /// Whether a frame is half written: anything else sent now would land inside it.
    pub fn mid_frame(&self) -> bool {
        self.written > 0
    }

    /// Writes every frame held, then flushes. Cancel-safe.
    pub async fn write(&mut self) -> io::Result<()> {
        let mut gather = self.gather;
        while self.has_unwritten() {
            let short = std::future::poll_fn(|cx| {
                let polled = self.poll_write_some(cx, gather);
                if polled.is_pending() {
                    // Woken again, the socket has room.
                    gather = self.gather;
                    // A run holds the feed from its start to the head: a client that reads
                    // nothing (and left the channel, so no slow-consumer rule ends it) would
                    // keep every later broadcast. Held as frames, it keeps only its own.
                    self.unrun();
                }
                polled
            })
            .await?;
            // After a short write the next call most likely finds the socket full: gathered,
            // the batch would be copied for nothing.
            gather = self.gather && !short;
        }
        std::future::poll_fn(|cx| {
            let flushed = Pin::new(&mut self.io).poll_flush(cx);
            // TLS takes what it is given into its own buffer and waits here instead.
            if flushed.is_pending() {
                self.unrun();
            }
            flushed
        })
        .await?;
        self.unflushed.clear();
        self.run = None;
        Ok(())
    }

    /// Hands the kernel what the socket takes of the frames held; true if it took less than
    /// it was handed.
    fn poll_write_some(&mut self, cx: &mut Context<'_>, gather: bool) -> Poll<io::Result<bool>> {
        let (skip, deflate) = (self.written, self.deflate);
        let run = self.run.as_ref().map(|run| run.frames_from(self.run_next));
        let held = self.frames.iter().chain(run.into_iter().flatten());
        let frames = held.enumerate().map(|(k, frame)| {
            (frame.len(), move || {
                let wire = wire(deflate, frame);
                if k == 0 {
                    &wire[skip..]
                } else {
                    wire
                }
            })
        });
        let io = &mut self.io;
        let (handed, written) = gather::with_slices(frames, gather, |slices| {
            let handed: usize = slices.iter().map(|s| s.len()).sum();
            (handed, Pin::new(io).poll_write_vectored(cx, slices))
        });
        let n = ready!(written)?;
        if n == 0 {
            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
        }
        self.advance(n);
        Poll::Ready(Ok(n < handed))
    }

    fn advance(&mut self, mut n: usize) {
        while let Some(front) = self.frames.front() {
            let (written, deflated) = (&mut self.written, &mut self.deflated);
            let Some(rest) = advance_frame(self.deflate, written, deflated, front, n) else {
                return;
            };
            n = rest;
            self.unflushed.extend(self.frames.pop_front());
        }
        let Some(run) = self.run.as_ref() else {
            return;
        };
        for frame in run.frames_from(self.run_next) {
            let (written, deflated) = (&mut self.written, &mut self.deflated);
            let Some(rest) = advance_frame(self.deflate, written, deflated, frame, n) else {
                return;
            };
            n = rest;
            self.run_next += 1;
        }
    }

    /// Puts the data frames not known to be delivered back at the front of the connection's
    /// outbox, in order, for its next socket; once. Pings and pongs are dropped: they were
    /// this socket's own. What it may still write stays: a frame half written (to finish
    /// before a close frame) and a close frame (the answer to the client's close).
    ///
    /// `peer_reads`: the socket is closed on purpose while its client still reads (a
    /// handoff's 1012). What reached the kernel, and the frame half written, reach the client
    /// ahead of the close frame, so only the frames not begun go back: given back too, they
    /// would come twice to a client that does not acknowledge. Otherwise (the socket failed,
    /// or its client is presumed gone) nothing written is known to be delivered.
    pub fn give_back(&mut self, conn: &Connection, peer_reads: bool) {
        if std::mem::replace(&mut self.given_back, true) {
            return;
        }
        self.unrun();
        let half_written = self.mid_frame().then(|| self.frames.pop_front()).flatten();
        let mut data: VecDeque<Frame> = VecDeque::new();
        if !peer_reads {
            data.extend(self.unflushed.drain(..).filter(|f| f.is_data()));
            data.extend(half_written.iter().filter(|f| f.is_data()).cloned());
        }
        data.extend(self.frames.iter().filter(|f| f.is_data()).cloned());
        conn.requeue_front(&mut data);
        self.frames.retain(|f| f.is_close());
        if let Some(frame) = half_written {
            self.frames.push_front(frame);
        }
    }
}

/// `n` more bytes written of `frame` (the front one, of which `written` were): what is left of
/// `n` if they finish it, `None` if they do not.
fn advance_frame(
    deflate: Option<Deflate>,
    written: &mut usize,
    deflated: &mut u64,
    frame: &Frame,
    n: usize,
) -> Option<usize> {
    let wire = wire(deflate, frame).len();
    let left = wire - *written;
    if n < left {
        *written += n;
        return None;
    }
    // Compressed frames are always the shorter (`Frame::wire_deflated`).
    *deflated += u64::from(wire < frame.len());
    *written = 0;
    Some(n - left)
}

#[cfg(test)]
#[path = "outgoing_tests.rs"]
mod tests;
