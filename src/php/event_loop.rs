//! What `frankenphp_ws_get_event()` does around taking an event, per PHP thread. An event
//! during which the worker reads an ended connection's state (`ghostConnectionClose`,
//! `beforeClose`) is handled until its thread asks for its next event or its request ends;
//! only then, and once `close` is taken, may the state go (`closing`). With one PHP thread
//! this is the order it always had; with several (FrankenPHP) another thread may take the
//! `close` first.

use crate::events::{Event, EventKind};
use crate::node::Node;
use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

thread_local! {
    /// The ended connection this thread is reading the state of, with its node.
    static READING: RefCell<Option<(Arc<Node>, Arc<str>)>> = const { RefCell::new(None) };
}

/// This thread is done with the event it took before.
pub fn previous_event_done() {
    let Some((node, id)) = READING.with(|r| r.borrow_mut().take()) else {
        return;
    };
    if node.events.closing.reader_done(&id) {
        node.hub.forget(&id);
    }
}

/// This thread took `event`.
pub fn taken(node: &Arc<Node>, event: &Event) {
    if event.kind.reads_closed_state() {
        READING.with(|r| *r.borrow_mut() = Some((node.clone(), event.connection.clone())));
    } else if matches!(event.kind, EventKind::Close { .. })
        && node.events.closing.close_taken(&event.connection)
    {
        node.hub.forget(&event.connection);
    }
}

/// No server runs, on purpose: waits at most `wait`, or until another thread starts one.
pub fn wait_for_a_start(wait: Duration) {
    let deadline = Instant::now() + wait;
    while crate::runtime::current().is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}
