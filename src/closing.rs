//! `Closing`: when a closed connection's state may go. The worker reads a connection's state
//! while it handles `ghostConnectionClose` and `beforeClose`, and the state goes once `close`
//! is taken. With several PHP threads looping on one queue (FrankenPHP), one thread may take
//! `close` while others still handle those; the state then stays until the last of them ends,
//! which is when its thread asks for its next event (or its request ends).

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct Closing {
    /// Connections with ending events queued or being handled: how many, and whether their
    /// `close` was taken meanwhile.
    pending: Mutex<HashMap<Arc<str>, Pending>>,
}

#[derive(Default)]
struct Pending {
    handlers: u32,
    close_taken: bool,
}

impl Closing {
    /// An event during which `id`'s state must stay readable is queued.
    pub fn reader_queued(&self, id: &Arc<str>) {
        self.pending.lock().entry(id.clone()).or_default().handlers += 1;
    }

    /// One such event of `id` was handled. True: it was the last, and its `close` was taken
    /// meanwhile, so its state goes now.
    pub fn reader_done(&self, id: &str) -> bool {
        let mut pending = self.pending.lock();
        let Some(entry) = pending.get_mut(id) else {
            return false;
        };
        entry.handlers = entry.handlers.saturating_sub(1);
        if entry.handlers > 0 {
            return false;
        }
        pending.remove(id).is_some_and(|entry| entry.close_taken)
    }

    /// The `close` of `id` was taken. True: its state goes now; false: a thread still reads
    /// it, and it goes when the last one is done.
    pub fn close_taken(&self, id: &str) -> bool {
        match self.pending.lock().get_mut(id) {
            Some(entry) => {
                entry.close_taken = true;
                false
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_goes_after_the_close_and_the_last_reader() {
        let closing = Closing::default();
        let id: Arc<str> = Arc::from("c1");
        // One thread: beforeClose handled, then close taken.
        closing.reader_queued(&id);
        assert!(!closing.reader_done("c1"));
        assert!(closing.close_taken("c1"));
        // Three threads: ghostConnectionClose and beforeClose being handled when close is
        // taken; the state goes when the second of them is done.
        closing.reader_queued(&id);
        closing.reader_queued(&id);
        assert!(!closing.close_taken("c1"));
        assert!(!closing.reader_done("c1"));
        assert!(closing.reader_done("c1"));
        assert!(closing.close_taken("c1"), "nothing pending any more");
    }
}
