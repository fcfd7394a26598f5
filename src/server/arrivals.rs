//! `Arrivals`: the WebSocket handshakes under way, from the request until the connection is
//! in the hub. A stopping node refuses new ones (503), and waits for those it accepted before
//! it hands its connections off or closes them: a resume among them may be taking a ghost
//! over from another node, and a connection that arrived after the hand-off would be closed
//! with 1001 and lose that ghost.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Arrivals {
    stopping: AtomicBool,
    under_way: AtomicUsize,
}

/// One handshake under way; dropping it says it is done (in the hub, or refused).
pub struct Arrival(Arc<Arrivals>);

impl Arrivals {
    pub fn new() -> Arc<Arrivals> {
        Arc::new(Arrivals::default())
    }

    /// Counts a handshake in, unless the node is stopping (None: refuse it).
    pub fn enter(self: &Arc<Self>) -> Option<Arrival> {
        // Counted before the check, and the stop sets its flag before it counts: either the
        // stop sees this handshake, or this handshake sees the stop (both SeqCst).
        self.under_way.fetch_add(1, Ordering::SeqCst);
        if self.stopping.load(Ordering::SeqCst) {
            self.under_way.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Arrival(self.clone()))
    }

    /// Refuses handshakes from now on, then waits, at most `bound`, for those under way.
    /// Blocking: called on the stopping thread. Returns how many were still under way.
    pub fn close(&self, bound: Duration) -> usize {
        self.stopping.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + bound;
        loop {
            let left = self.under_way.load(Ordering::SeqCst);
            if left == 0 || Instant::now() >= deadline {
                return left;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

impl Drop for Arrival {
    fn drop(&mut self) {
        self.0.under_way.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_door_refuses_and_waits_for_those_inside() {
        let arrivals = Arrivals::new();
        let inside = arrivals.enter().expect("open before the stop");
        let waiting = {
            let arrivals = arrivals.clone();
            std::thread::spawn(move || arrivals.close(Duration::from_secs(5)))
        };
        while !arrivals.is_stopping() {
            std::thread::yield_now();
        }
        assert!(arrivals.enter().is_none(), "refused once stopping");
        std::thread::sleep(Duration::from_millis(20));
        assert!(!waiting.is_finished(), "the stop waits for the handshake under way");
        drop(inside);
        assert_eq!(waiting.join().unwrap(), 0);
    }

    #[test]
    fn the_wait_is_bounded() {
        let arrivals = Arrivals::new();
        let _stuck = arrivals.enter();
        assert_eq!(arrivals.close(Duration::from_millis(10)), 1);
    }
}
