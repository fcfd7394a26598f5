//! The slices of one `writev`. The kernel sets up a user copy for every slice it is handed,
//! which costs about as much as copying a few hundred bytes: with a burst of 64-byte frames,
//! that set-up was a fifth of the writer threads' time (`_copy_from_iter`). So a run of
//! small frames is copied, back to back, into one buffer per thread and handed as one slice;
//! a larger frame goes as its own bytes, shared with every other recipient. Either way the
//! frame was encoded once, and the kernel copies every byte into the socket once more.

use std::cell::RefCell;
use std::io::IoSlice;
use std::mem::MaybeUninit;

/// Slices handed to one `writev`: the kernel's `IOV_MAX`.
pub const SLICES: usize = 1024;

/// Bytes of frames (before compression) handed to one `writev` at most, beyond the first
/// frame: a socket buffer's worth, and a bound on the compression one poll may do.
pub const BATCH_BYTES: usize = 256 * 1024;

/// Frames up to this size on the wire are copied into the run. Above it, the frame's own
/// slice costs less than its copy. Measured with `ws-bench burst` and `compression`.
pub const GATHER_UP_TO: usize = 512;

thread_local! {
    /// The run of small frames for the `writev` this thread is making: at most
    /// `BATCH_BYTES + GATHER_UP_TO`, kept between calls. Only writer tasks use it.
    static RUN: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Where one slice's bytes are.
#[derive(Clone, Copy)]
enum Span<'f> {
    /// `RUN[start..end]`.
    Run(usize, usize),
    Own(&'f [u8]),
}

/// The first `count` of `slices`, which the caller wrote; the frames' borrow carries over.
fn written<'s, 'f>(slices: &'s [MaybeUninit<IoSlice<'f>>], count: usize) -> &'s [IoSlice<'f>] {
    let init = &slices[..count];
    // SAFETY: the caller wrote these `count` slices, and `MaybeUninit<T>` has `T`'s layout.
    unsafe { &*(init as *const [MaybeUninit<IoSlice<'f>>] as *const [IoSlice<'f>]) }
}

/// Calls `write` with slices covering the front of `frames`, each given as (its bytes on the
/// wire from the first one not yet written, its size before compression), in order. Stops at
/// `SLICES` slices or `BATCH_BYTES`, whichever comes first.
pub fn with_slices<'f, R>(
    frames: impl Iterator<Item = (&'f [u8], usize)>,
    write: impl FnOnce(&[IoSlice<'_>]) -> R,
) -> R {
    RUN.with_borrow_mut(|run| {
        run.clear();
        // Left uninitialised: filling 16 KiB on every call, for a few frames, was measurable.
        let mut spans = [const { MaybeUninit::<Span<'f>>::uninit() }; SLICES];
        let (mut count, mut bytes) = (0usize, 0);
        for (wire, size) in frames {
            // Large frames stop the batch early: on a deflate socket each is compressed as it
            // is taken, all in this one poll, for a write that may accept far less.
            if bytes >= BATCH_BYTES {
                break;
            }
            let span = if wire.len() <= GATHER_UP_TO {
                let start = run.len();
                run.extend_from_slice(wire);
                match count.checked_sub(1).map(|last| written_span(&spans, last)) {
                    Some(Span::Run(from, end)) if end == start => {
                        spans[count - 1].write(Span::Run(from, run.len()));
                        bytes += size;
                        continue;
                    }
                    _ => Span::Run(start, run.len()),
                }
            } else {
                Span::Own(wire)
            };
            if count == SLICES {
                break;
            }
            spans[count].write(span);
            count += 1;
            bytes += size;
        }
        let mut slices = [const { MaybeUninit::<IoSlice<'_>>::uninit() }; SLICES];
        for (slice, k) in slices.iter_mut().zip(0..count) {
            slice.write(IoSlice::new(match written_span(&spans, k) {
                Span::Run(start, end) => &run[start..end],
                Span::Own(wire) => wire,
            }));
        }
        write(written(&slices, count))
    })
}

fn written_span<'f>(spans: &[MaybeUninit<Span<'f>>], k: usize) -> Span<'f> {
    // SAFETY: callers pass `k` below the count of spans written.
    unsafe { spans[k].assume_init() }
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
        with_slices(frames.iter().map(|f| (&f[..], size(f))), |slices| {
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
        let frames: Vec<Vec<u8>> = (0..3 * SLICES)
            .map(|i| vec![i as u8; if i % 2 == 0 { 1 } else { GATHER_UP_TO + 1 }])
            .collect();
        // Counted as compressed to almost nothing, so that the byte bound is not reached.
        let (lens, bytes) = gathered_as(&frames, |_| 1);
        assert_eq!(lens.len(), SLICES);
        assert_eq!(bytes, frames[..SLICES].concat());
    }

    #[test]
    fn a_run_stops_at_the_byte_bound_too() {
        let frames: Vec<Vec<u8>> = (0..2 * BATCH_BYTES / 500).map(|_| vec![7; 500]).collect();
        let (lens, _) = gathered(&frames);
        // The frame that reaches the bound is the last one taken.
        assert_eq!(lens, [BATCH_BYTES.div_ceil(500) * 500]);
    }
}
