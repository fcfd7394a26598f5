//! The slices of one `writev`. The kernel sets up a user copy for every slice it is handed,
//! which costs about as much as copying a few hundred bytes: with a burst of 64-byte frames,
//! that set-up was a fifth of the writer threads' time (`_copy_from_iter`). So a run of
//! small frames is copied, back to back, into one buffer per thread and handed as one slice;
//! a larger frame goes as its own bytes, shared with every other recipient. Either way the
//! frame was encoded once, and the kernel copies every byte into the socket once more.
//!
//! Not gathered: frames for TLS, whose library copies what it is given into its records
//! anyway; and the call right after a write the socket took only part of, since that call
//! most likely finds the socket full, and the copy would be made for nothing. Once the socket
//! wakes its writer again, it has room, and runs are gathered again (`Outgoing::write`).

use std::cell::RefCell;
use std::io::IoSlice;
use std::mem::MaybeUninit;

/// Slices handed to one `writev`: the kernel's `IOV_MAX`.
pub const SLICES: usize = 1024;

/// Bytes of frames (before compression) handed to one `writev` at most, with the frame that
/// reaches it: a socket buffer's worth, and a bound on the compression one poll may do.
pub const BATCH_BYTES: usize = 256 * 1024;

/// Frames up to this size on the wire are copied into the run; larger ones go as their own
/// slice. With 64-byte frames (`ws-bench burst`), 2,048 measured the same as 512; the smaller
/// bound copies less where frames are larger, where nothing here measured the trade.
pub const GATHER_UP_TO: usize = 512;

thread_local! {
    /// The run of small frames for the `writev` this thread is making: `BATCH_BYTES +
    /// GATHER_UP_TO` bytes once used, kept between calls. Only writer tasks use it.
    static RUN: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Where one slice's bytes are.
#[derive(Clone, Copy)]
enum Span<'f> {
    /// `RUN[start..end]`.
    Run(usize, usize),
    Own(&'f [u8]),
}

/// The first `count` of `items`, which the caller wrote; what they borrow carries over.
fn written<T>(items: &[MaybeUninit<T>], count: usize) -> &[T] {
    let init = &items[..count];
    // SAFETY: the caller wrote these `count` items, and `MaybeUninit<T>` has `T`'s layout.
    unsafe { &*(init as *const [MaybeUninit<T>] as *const [T]) }
}

/// Calls `write` with slices covering the front of `frames`, in order. Each frame comes as
/// its size before compression, and a call that gives its bytes on the wire (compressing
/// them, on a deflate socket, the first time any socket asks), from the first byte not yet
/// written. Stops at `SLICES` slices or once `BATCH_BYTES` is reached. Runs of small frames
/// are gathered only if `gather`.
pub fn with_slices<'f, F, R>(
    frames: impl Iterator<Item = (usize, F)>,
    gather: bool,
    write: impl FnOnce(&[IoSlice<'_>]) -> R,
) -> R
where
    F: FnOnce() -> &'f [u8],
{
    RUN.with_borrow_mut(|run| {
        run.clear();
        if gather && run.capacity() == 0 {
            // What a run can hold: frames before the bound, then one small frame (a frame's
            // bytes, compressed or half written, are never more than its size). Reserved
            // whole, so that growing never doubles it.
            run.reserve_exact(BATCH_BYTES + GATHER_UP_TO);
        }
        // Left uninitialised: filling 16 KiB on every call, for a few frames, was measurable.
        let mut spans = [const { MaybeUninit::<Span<'f>>::uninit() }; SLICES];
        let (mut count, mut bytes) = (0, 0);
        // Where the last span's run starts, if the last span is a run: the next small frame
        // joins it.
        let mut open_run = None;
        for (size, wire) in frames {
            // Large frames stop the batch early: on a deflate socket each is compressed as it
            // is taken, all in this one poll, for a write that may accept far less. So does a
            // full set of slices, before the next frame is compressed, unless that frame may
            // join the last run: only then is one compressed and left for the next call.
            if bytes >= BATCH_BYTES || (count == SLICES && open_run.is_none()) {
                break;
            }
            let wire = wire();
            if gather && wire.len() <= GATHER_UP_TO {
                let start = run.len();
                run.extend_from_slice(wire);
                match open_run {
                    Some(from) => _ = spans[count - 1].write(Span::Run(from, run.len())),
                    None => {
                        spans[count].write(Span::Run(start, run.len()));
                        count += 1;
                        open_run = Some(start);
                    }
                }
            } else if count == SLICES {
                break;
            } else {
                spans[count].write(Span::Own(wire));
                count += 1;
                open_run = None;
            }
            bytes += size;
        }
        let mut slices = [const { MaybeUninit::<IoSlice<'_>>::uninit() }; SLICES];
        for (slice, span) in slices.iter_mut().zip(written(&spans, count)) {
            slice.write(IoSlice::new(match *span {
                Span::Run(start, end) => &run[start..end],
                Span::Own(wire) => wire,
            }));
        }
        write(written(&slices, count))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `with_slices` hands over for these frames: the slices' lengths and their bytes.
    fn gathered(frames: &[Vec<u8>]) -> (Vec<usize>, Vec<u8>) {
        gathered_as(frames, |f| f.len())
    }

    /// The same, with each frame's size before compression given by `size`.
    fn gathered_as(frames: &[Vec<u8>], size: fn(&[u8]) -> usize) -> (Vec<usize>, Vec<u8>) {
        let frames = frames.iter().map(|f| (size(f), move || &f[..]));
        with_slices(frames, true, |slices| {
            let lens = slices.iter().map(|s| s.len()).collect();
            (lens, slices.iter().flat_map(|s| s.to_vec()).collect())
        })
    }

    #[test]
    fn small_frames_in_a_row_go_as_one_slice_and_large_ones_as_their_own() {
        let small = |b: u8| vec![b; 66];
        let large = vec![b'L'; GATHER_UP_TO + 1];
        let frames = [small(1), small(2), large.clone(), small(3), large, small(4)];
        let (lens, bytes) = gathered(&frames);
        assert_eq!(lens, [132, GATHER_UP_TO + 1, 66, GATHER_UP_TO + 1, 66]);
        assert_eq!(bytes, frames.concat());
    }

    #[test]
    fn a_frame_of_exactly_the_limit_is_gathered() {
        let frames = [vec![1; GATHER_UP_TO], vec![2; GATHER_UP_TO]];
        assert_eq!(gathered(&frames).0, [2 * GATHER_UP_TO]);
    }

    #[test]
    fn alternating_frames_stop_at_the_slice_limit() {
        // The last slice a run (then a large frame stops the batch), or a large frame (then a
        // small one does).
        for first in [0, 1] {
            let frames: Vec<Vec<u8>> = (first..first + 3 * SLICES)
                .map(|i| vec![i as u8; if i % 2 == 0 { 1 } else { GATHER_UP_TO + 1 }])
                .collect();
            // Counted as compressed to almost nothing, so that the byte bound is not reached.
            let (lens, bytes) = gathered_as(&frames, |_| 1);
            assert_eq!(lens.len(), SLICES);
            assert_eq!(bytes, frames[..SLICES].concat());
        }
    }

    #[test]
    fn a_run_stops_at_the_byte_bound_too() {
        let frames: Vec<Vec<u8>> = (0..2 * BATCH_BYTES / 500).map(|_| vec![7; 500]).collect();
        let (lens, _) = gathered(&frames);
        // The frame that reaches the bound is the last one taken.
        assert_eq!(lens, [BATCH_BYTES.div_ceil(500) * 500]);
    }

    #[test]
    fn only_the_frames_taken_are_asked_for_their_bytes() {
        // On a deflate socket, asking is compressing: a frame past either bound waits.
        for (frames, size, taken) in [(1000, 600, BATCH_BYTES.div_ceil(600)), (2000, 1, SLICES)] {
            let large = vec![0; GATHER_UP_TO + 1];
            let asked = std::cell::Cell::new(0);
            let frames = (0..frames).map(|_| {
                (size, || {
                    asked.set(asked.get() + 1);
                    &large[..]
                })
            });
            let slices = with_slices(frames, true, |slices| slices.len());
            assert_eq!((slices, asked.get()), (taken, taken));
        }
    }

    #[test]
    fn without_gathering_small_frames_are_their_own_slices() {
        let frames = [vec![1; 10], vec![2; 10], vec![3; 10]];
        let lens = with_slices(frames.iter().map(|f| (10, || &f[..])), false, |slices| {
            slices.iter().map(|s| s.len()).collect::<Vec<_>>()
        });
        assert_eq!(lens, [10, 10, 10]);
    }
}
