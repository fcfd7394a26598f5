//! `Feed`: a large channel's recent broadcasts, appended once each, which its subscribers'
//! writers pull instead of being handed one frame per broadcast.
//!
//! Queueing a frame for each of a thousand subscribers costs the broadcasting thread a lock and
//! a cache line taken back from each subscriber's writer, per broadcast. With a feed, a
//! broadcast appends its frame once; a subscriber whose connection holds a *link* into the
//! feed (`connection::link`) is passed over with two atomic reads, and its writer takes every
//! frame from the link's start up to the feed's head when it next looks. A link is opened by
//! a broadcast that finds the connection with nothing queued, and closed by whatever touches
//! the outbox next: the writer takes its frames as a `Run` and writes them from the feed,
//! any other path settles them into the outbox.
//!
//! The frames sit in segments of `SEGMENT` slots, each written once. A link holds the segment
//! it starts in, and segments hold the next one, so what a link still needs stays alive and
//! the rest goes. Reading needs no lock: a slot below `head` is set. Appends are made under
//! `Feed::tail`, held for the whole fan-out: links of a channel are opened by one broadcast at
//! a time (which `connection::link` relies on).

use super::Frame;
use parking_lot::{Mutex, MutexGuard};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Slots per segment.
const SEGMENT: usize = 64;
/// A segment with this many bytes of frames takes no more: what a quiet channel keeps of its
/// last broadcasts (until the next one frees them) stays small.
const SEGMENT_BYTES: u64 = 64 * 1024;
/// Frames larger than this go to each subscriber directly, never through a feed.
pub const LARGEST: usize = 16 * 1024;

/// Never reused, unlike an address: a connection remembers what a feed's past link covered.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub struct Feed {
    id: u64,
    /// The next sequence number; stored (SeqCst) once the frame's slot is set.
    head: AtomicU64,
    tail: Mutex<Tail>,
}

struct Tail {
    segment: Arc<Segment>,
    /// Bytes appended since the feed began, through the last frame.
    bytes: u64,
}

pub(crate) struct Segment {
    /// The sequence number of slot 0.
    first: u64,
    /// Bytes of the frames in this segment (changed under the tail lock only).
    bytes: AtomicU64,
    slots: [OnceLock<Frame>; SEGMENT],
    next: OnceLock<Arc<Segment>>,
}

/// A chain of segments is let go one by one: dropped by recursion through `next`, a long one
/// (a link or run far behind) could overflow the stack.
impl Drop for Segment {
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(segment) = next {
            next = Arc::into_inner(segment).and_then(|mut last| last.next.take());
        }
    }
}

impl Segment {
    fn starting_at(first: u64) -> Arc<Segment> {
        Arc::new(Segment::empty(first))
    }

    fn empty(first: u64) -> Segment {
        Segment {
            first,
            bytes: AtomicU64::new(0),
            slots: std::array::from_fn(|_| OnceLock::new()),
            next: OnceLock::new(),
        }
    }
}

/// Where a link starts: its segment, its first sequence number, and the feed's byte count
/// before that frame.
pub(crate) struct Start {
    pub segment: Arc<Segment>,
    pub seq: u64,
    pub bytes_before: u64,
}

/// A broadcast's place in the feed, for as long as its fan-out holds the tail.
pub struct Appended<'a> {
    feed: &'a Arc<Feed>,
    tail: MutexGuard<'a, Tail>,
    pub seq: u64,
    len: u64,
}

impl Appended<'_> {
    pub fn feed(&self) -> &Arc<Feed> {
        self.feed
    }

    /// Bytes appended through this frame since the feed began.
    pub fn bytes_through(&self) -> u64 {
        self.tail.bytes
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Where a link opened now starts: at this frame.
    pub(crate) fn start(&self) -> Start {
        Start {
            segment: self.tail.segment.clone(),
            seq: self.seq,
            bytes_before: self.tail.bytes - self.len,
        }
    }
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            head: AtomicU64::new(0),
            tail: Mutex::new(Tail {
                segment: Segment::starting_at(0),
                bytes: 0,
            }),
        }
    }
}

impl Feed {
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The next sequence number: every frame below it can be read.
    pub fn head(&self) -> u64 {
        self.head.load(Ordering::SeqCst)
    }

    /// Runs `f` while no broadcast to this feed is under way.
    pub fn while_idle<R>(&self, f: impl FnOnce() -> R) -> R {
        let _tail = self.tail.lock();
        f()
    }

    /// Appends `frame` and holds the tail until the returned value is dropped: no other
    /// broadcast to this feed runs meanwhile.
    pub fn append<'a>(self: &'a Arc<Feed>, frame: &Frame) -> Appended<'a> {
        let mut tail = self.tail.lock();
        let seq = self.head.load(Ordering::Relaxed);
        let len = frame.len() as u64;
        // No link holds the segment: what it kept is needed by no one, and it starts over.
        if let Some(segment) = Arc::get_mut(&mut tail.segment) {
            if segment.first != seq {
                *segment = Segment::empty(seq);
            }
        }
        let used = (seq - tail.segment.first) as usize;
        if used == SEGMENT || tail.segment.bytes.load(Ordering::Relaxed) >= SEGMENT_BYTES {
            let next = Segment::starting_at(seq);
            let _ = tail.segment.next.set(next.clone());
            tail.segment = next;
        }
        tail.segment.bytes.fetch_add(len, Ordering::Relaxed);
        let slot = (seq - tail.segment.first) as usize;
        let _ = tail.segment.slots[slot].set(frame.clone());
        tail.bytes += len;
        // After the slot: a reader that sees this head finds the frame. SeqCst, for the
        // check that follows against a link being closed (`connection::link`).
        self.head.store(seq + 1, Ordering::SeqCst);
        Appended {
            feed: self,
            tail,
            seq,
            len,
        }
    }
}

/// Frames of a feed taken as they sit in it: from `from` (in `segment`, or a later one) up
/// to `to`. Holding the segment keeps them all, so a writer hands their bytes to the kernel
/// with no reference taken per frame: each one would be a write to a line every other
/// subscriber's writer also writes, which cost a tenth of the writers' time in a fan-out to
/// 10,000 (`ws-bench wide`).
pub struct Run {
    segment: Arc<Segment>,
    from: u64,
    to: u64,
}

impl Run {
    /// `to` is a head read after every frame below it was appended.
    pub(crate) fn new(segment: Arc<Segment>, from: u64, to: u64) -> Run {
        Run { segment, from, to }
    }

    /// The sequence numbers of its frames: `first()..end()`.
    pub fn first(&self) -> u64 {
        self.from
    }

    pub fn end(&self) -> u64 {
        self.to
    }

    /// Its frames from `seq` (at least `first()`) on.
    pub fn frames_from(&self, seq: u64) -> Frames<'_> {
        Frames {
            segment: &self.segment,
            seq: seq.max(self.from),
            to: self.to,
        }
    }
}

/// The frames of a `Run`, in order.
pub struct Frames<'a> {
    segment: &'a Segment,
    seq: u64,
    to: u64,
}

impl<'a> Iterator for Frames<'a> {
    type Item = &'a Frame;

    fn next(&mut self) -> Option<&'a Frame> {
        if self.seq >= self.to {
            return None;
        }
        while let Some(next) = self.segment.next.get().filter(|n| self.seq >= n.first) {
            self.segment = next;
        }
        let frame = self.segment.slots[(self.seq - self.segment.first) as usize]
            .get()
            .expect("a frame below the head is set");
        self.seq += 1;
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(feed: &Arc<Feed>, start: &Start, to: u64) -> Vec<String> {
        let run = Run::new(start.segment.clone(), start.seq, to);
        let frames: Vec<&Frame> = run.frames_from(start.seq).collect();
        let bytes: usize = frames.iter().map(|f| f.len()).sum();
        assert_eq!(bytes as u64, feed.tail.lock().bytes - start.bytes_before);
        frames
            .iter()
            .map(|f| String::from_utf8_lossy(&f.payload()).into_owned())
            .collect()
    }

    #[test]
    fn a_link_reads_across_segments_ended_by_count_and_by_bytes() {
        let feed = Arc::new(Feed::default());
        let start = feed.append(&Frame::text("m0")).start();
        for i in 1..150 {
            drop(feed.append(&Frame::text(format!("m{i}"))));
        }
        // Frames of 30 KiB: the segment past 64 KiB takes no more.
        for i in 150..153 {
            drop(feed.append(&Frame::text(format!("m{i}{}", "x".repeat(30 * 1024)))));
        }
        drop(feed.append(&Frame::text("m153")));
        let got = texts(&feed, &start, feed.head());
        assert_eq!(got.len(), 154);
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, m)| m.starts_with(&format!("m{i}"))));
        let segments =
            std::iter::successors(Some(start.segment.clone()), |s| s.next.get().cloned());
        let firsts: Vec<u64> = segments.map(|s| s.first).collect();
        assert_eq!(firsts, [0, 64, 128, 153]);
    }

    #[test]
    fn a_segment_no_link_holds_starts_over_and_lets_its_frames_go() {
        let feed = Arc::new(Feed::default());
        let frame = Frame::text("kept only while needed");
        for _ in 0..10 {
            drop(feed.append(&frame));
        }
        // No link held the segment: each append found it free, and started it over.
        let held = feed.append(&frame).start();
        assert_eq!(held.segment.first, 10);
        drop(feed.append(&frame));
        // A link holds it now: its frames stay for it.
        assert_eq!(texts(&feed, &held, feed.head()).len(), 2);
        drop(held);
        drop(feed.append(&Frame::text("alone")));
        let tail = feed.tail.lock();
        assert_eq!(tail.segment.first, 12, "started over at the new frame");
        assert!(tail.segment.slots[1].get().is_none());
        drop(tail);
        assert_eq!(frame.holders(), 1, "the feed let the old frames go");
    }

    #[test]
    fn a_long_chain_of_segments_is_let_go_without_recursing() {
        // On a small stack, dropped one inside the next, 10,000 segments overflow it (which
        // aborts the test binary: this test fails by crashing).
        let frame = Frame::text("kept");
        let chain = frame.clone();
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let first = Segment::starting_at(0);
                let mut last = first.clone();
                let mut middle = None;
                for i in 1..10_000u64 {
                    let next = Segment::starting_at(i * SEGMENT as u64);
                    let _ = next.slots[0].set(chain.clone());
                    let _ = last.next.set(next.clone());
                    last = next;
                    if i == 5_000 {
                        middle = Some(last.clone());
                    }
                }
                drop((last, chain));
                // Held elsewhere (a link further on), the rest of the chain stays.
                drop(first);
                assert_eq!(frame.holders(), 1 + 5_000);
                drop(middle);
                assert_eq!(frame.holders(), 1, "every segment was let go");
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
