//! `Closing`: when a closed connection's state may go. The worker reads a connection's state
//! during `beforeClose`, and the state goes once `close` is taken. With several PHP threads
//! looping on one queue (FrankenPHP), one thread may take `close` while another still handles
//! `beforeClose`; the state then stays until that handling ends, which is when its thread asks
//! for its next event (or its request ends).

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct Closing {
    /// Connections whose `beforeClose` is queued or being handled; `true` once their `close`
    /// was taken meanwhile.
    pending: Mutex<HashMap<Arc<str>, bool>>,
}

impl Closing {
    /// A `beforeClose` of `id` is queued.
    pub fn before_close_queued(&self, id: &Arc<str>) {
        self.pending.lock().insert(id.clone(), false);
    }

    /// The `beforeClose` of `id` was handled. True: its `close` was taken meanwhile, so its
    /// state goes now.
    pub fn before_close_handled(&self, id: &str) -> bool {
        self.pending.lock().remove(id).unwrap_or(false)
    }

    /// The `close` of `id` was taken. True: its state goes now; false: a thread still handles
    /// its `beforeClose`, and the state goes when that ends.
    pub fn close_taken(&self, id: &str) -> bool {
        match self.pending.lock().get_mut(id) {
            Some(close_taken) => {
                *close_taken = true;
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
    fn state_goes_after_both_the_close_and_the_before_close_handling() {
        let closing = Closing::default();
        let id: Arc<str> = Arc::from("c1");
        // One thread: beforeClose handled, then close taken.
        closing.before_close_queued(&id);
        assert!(!closing.before_close_handled("c1"));
        assert!(closing.close_taken("c1"));
        // Two threads: close taken while beforeClose is being handled.
        closing.before_close_queued(&id);
        assert!(!closing.close_taken("c1"));
        assert!(closing.before_close_handled("c1"));
        assert!(closing.close_taken("c1"), "nothing pending any more");
    }
}
