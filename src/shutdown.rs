//! `Shutdown`: a one-shot signal that many tasks can wait on.
//!
//! Used for the whole server (stop) and for each connection (close requested). Waiting after the
//! signal fired returns at once, so no notification can be missed between a check and a wait.

use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Shutdown {
    fired: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the signal. Returns true for the call that fired it first.
    pub fn trigger(&self) -> bool {
        let first = !self.fired.swap(true, Ordering::AcqRel);
        if first {
            self.notify.notify_waiters();
        }
        first
    }

    pub fn is_triggered(&self) -> bool {
        self.fired.load(Ordering::Acquire)
    }

    /// Resolves once the signal has fired (immediately if it already has).
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_triggered() {
            return;
        }
        notified.await;
    }
}
