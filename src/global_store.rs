//! The global store: process-wide key/value pairs with optional expiry, shared by
//! every PHP caller of this node.

use bytes::Bytes;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct GlobalStore {
    entries: Mutex<HashMap<String, (Bytes, Option<Instant>)>>,
}

impl GlobalStore {
    /// Sets `key`; `expire` of zero keeps it until deleted.
    pub fn set(&self, key: &str, value: Bytes, expire: Duration) {
        // An expiry past the clock's range means never.
        let deadline = if expire.is_zero() {
            None
        } else {
            Instant::now().checked_add(expire)
        };
        let mut entries = self.entries.lock();
        // Expired entries are dropped lazily; sweep now and then so they cannot pile up.
        if entries.len() % 1024 == 1023 {
            let now = Instant::now();
            entries.retain(|_, (_, d)| d.is_none_or(|d| d > now));
        }
        entries.insert(key.to_string(), (value, deadline));
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        let mut entries = self.entries.lock();
        match entries.get(key) {
            Some((_, Some(deadline))) if *deadline <= Instant::now() => {
                entries.remove(key);
                None
            }
            Some((value, _)) => Some(value.clone()),
            None => None,
        }
    }

    pub fn delete(&self, key: &str) -> bool {
        let live = self.get(key).is_some();
        self.entries.lock().remove(key);
        live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire() {
        let store = GlobalStore::default();
        store.set("a", Bytes::from_static(b"\xff1"), Duration::ZERO);
        store.set("b", Bytes::from_static(b"2"), Duration::from_millis(20));
        assert_eq!(store.get("a").as_deref(), Some(&b"\xff1"[..]));
        assert_eq!(store.get("b").as_deref(), Some(&b"2"[..]));
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(store.get("b"), None);
        assert!(store.delete("a"));
        assert!(!store.delete("a"));
    }
}
