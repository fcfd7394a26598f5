//! What `frankenphp_ws_get_event()` does around taking an event, per PHP thread: the
//! `beforeClose` this thread is handling ends when it asks for its next event or its request
//! ends, and only then may that connection's state go (`closing`). With one PHP thread this is
//! the order it always had; with several (FrankenPHP) another thread may take the `close` first.

use crate::events::{Event, EventKind};
use crate::node::Node;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// The connection whose `beforeClose` this thread took last, with its node.
    static HANDLING: RefCell<Option<(Arc<Node>, Arc<str>)>> = const { RefCell::new(None) };
}

/// This thread is done with the event it took before: a `beforeClose` it was handling ends.
pub fn previous_event_done() {
    let Some((node, id)) = HANDLING.with(|h| h.borrow_mut().take()) else {
        return;
    };
    if node.events.closing.before_close_handled(&id) {
        node.hub.forget(&id);
    }
}

/// This thread took `event`.
pub fn taken(node: &Arc<Node>, event: &Event) {
    match event.kind {
        EventKind::BeforeClose { .. } => {
            HANDLING.with(|h| *h.borrow_mut() = Some((node.clone(), event.connection.clone())));
        }
        EventKind::Close { .. } => {
            if node.events.closing.close_taken(&event.connection) {
                node.hub.forget(&event.connection);
            }
        }
        _ => {}
    }
}
