//! `Generation`: the fan-outs under way to one name (a channel), so that a removal can wait
//! for those that may still reach the removed connection, while later fan-outs never wait.
//!
//! A fan-out holds its name's current generation (for read) while it delivers. A removal
//! retires the current generation under the index's write lock, putting a fresh one in its
//! place, and waits (for write) on the retired one and every older one. No fan-out ever takes
//! a retired generation, so once a waiter has held one it stays clear, and the chain is cut
//! there: it only ever holds generations with fan-outs still under way.

use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use std::sync::Arc;

#[derive(Default)]
pub struct Generation {
    delivering: RwLock<()>,
    /// The generation this one replaced, while it may still have fan-outs under way.
    older: Mutex<Option<Arc<Generation>>>,
}

impl Generation {
    /// Held by a fan-out while it walks its snapshot.
    pub fn delivering(&self) -> RwLockReadGuard<'_, ()> {
        self.delivering.read()
    }

    /// Replaces `current` with a fresh generation (under the index's write lock) and returns
    /// the wait for the fan-outs of the retired one and older ones.
    pub fn retire(current: &mut Arc<Generation>) -> InFlight {
        let retired = std::mem::take(current);
        *current.older.lock() = Some(retired.clone());
        InFlight(retired)
    }
}

/// Fan-outs that may still deliver to a removed connection.
pub struct InFlight(Arc<Generation>);

impl InFlight {
    /// Returns once every fan-out begun before the removal has delivered. Called with the
    /// index's lock let go: the fan-outs do not need it.
    pub fn wait(self) {
        let mut next = Some(self.0.clone());
        while let Some(generation) = next {
            drop(generation.delivering.write());
            next = generation.older.lock().clone();
        }
        // Everything older than the retired generation is clear now.
        self.0.older.lock().take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_removal_waits_for_fan_outs_of_every_older_generation() {
        let mut current = Arc::new(Generation::default());
        let first = current.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let done = Arc::new(AtomicBool::new(false));
        let fan_out = {
            let done = done.clone();
            std::thread::spawn(move || {
                let _delivering = first.delivering();
                tx.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(100));
                done.store(true, Ordering::Release);
            })
        };
        rx.recv().unwrap();
        // Two removals: the second retires a generation no fan-out holds, yet waits for the
        // one still delivering on the first.
        let _ = Generation::retire(&mut current);
        Generation::retire(&mut current).wait();
        assert!(done.load(Ordering::Acquire));
        fan_out.join().unwrap();
        // A fan-out on the current generation does not wait.
        drop(current.delivering());
    }
}
