//! Turns an `Event` into the PHP array the worker gets (docs/protocol.md). Runs on the PHP thread only.

use crate::events::{Event, EventKind};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};

pub fn bytes_zval(bytes: &[u8]) -> Zval {
    let mut zv = Zval::new();
    zv.set_zend_string(ZendStr::new(bytes, false));
    zv
}

fn pairs_array(pairs: &[(String, String)]) -> ZBox<ZendHashTable> {
    let mut ht = ZendHashTable::with_capacity(pairs.len() as u32);
    for (k, v) in pairs {
        let _ = ht.insert(k.as_str(), v.as_str());
    }
    ht
}

fn optional(value: &Option<String>) -> Zval {
    let mut zv = Zval::new();
    match value {
        Some(v) => zv.set_zend_string(ZendStr::new(v, false)),
        None => zv.set_null(),
    }
    zv
}

pub fn to_array(event: Event) -> ZBox<ZendHashTable> {
    let mut ht = ZendHashTable::with_capacity(8);
    let _ = ht.insert("type", event.kind.name());
    let _ = ht.insert("connection", &*event.connection);
    let _ = ht.insert("route", &*event.route);
    let payload = match &event.payload {
        Some(bytes) => bytes_zval(bytes),
        None => {
            let mut zv = Zval::new();
            zv.set_null();
            zv
        }
    };
    let _ = ht.insert("payload", payload);
    match event.kind {
        EventKind::Open {
            headers,
            query,
            remote_addr,
            user,
            protocol,
        } => {
            let _ = ht.insert("headers", pairs_array(&headers));
            let _ = ht.insert("query", pairs_array(&query));
            let _ = ht.insert("remote_addr", remote_addr.as_str());
            let _ = ht.insert("user", optional(&user));
            let _ = ht.insert("protocol", optional(&protocol));
        }
        EventKind::Message { binary } => {
            let _ = ht.insert("binary", binary);
        }
        EventKind::BeforeClose { code } | EventKind::Close { code } => {
            let _ = ht.insert("code", i64::from(code));
        }
        EventKind::Join { channel, user }
        | EventKind::Leave { channel, user }
        | EventKind::Subscribe { channel, user } => {
            let _ = ht.insert("channel", channel.as_str());
            let _ = ht.insert("user", optional(&user));
        }
        EventKind::GhostConnectionClose | EventKind::Resume => {}
    }
    ht
}
