//! Stored information: a connection's own key/value pairs, and searching them across
//! connections.

use super::search::Matcher;
use super::Hub;
use bytes::Bytes;

impl Hub {
    pub fn set_info(&self, id: &str, key: &str, value: Bytes) -> bool {
        self.get_open(id)
            .map(|c| c.with_extra(|e| e.info.insert(key.into(), value)))
            .is_some()
    }

    pub fn get_info(&self, id: &str, key: &str) -> Bytes {
        self.get(id)
            .and_then(|c| c.read_extra(|e| e.and_then(|e| e.info.get(key).cloned())))
            .unwrap_or_default()
    }

    pub fn has_info(&self, id: &str, key: &str) -> bool {
        self.get(id)
            .is_some_and(|c| c.read_extra(|e| e.is_some_and(|e| e.info.contains_key(key))))
    }

    pub fn delete_info(&self, id: &str, key: &str) -> bool {
        self.get(id)
            .is_some_and(|c| c.with_extra(|e| e.info.remove(key).is_some()))
    }

    pub fn clear_info(&self, id: &str) -> bool {
        self.get(id)
            .map(|c| c.with_extra(|e| e.info.clear()))
            .is_some()
    }

    pub fn info_keys(&self, id: &str) -> Vec<String> {
        let mut keys = self
            .get(id)
            .map(|c| {
                c.read_extra(|e| {
                    e.map(|e| e.info.keys().cloned().collect())
                        .unwrap_or_default()
                })
            })
            .unwrap_or_else(Vec::new);
        keys.sort();
        keys
    }

    /// Ids of open connections whose stored `key` matches (a scan: stored information is not
    /// indexed).
    pub fn search_info(&self, key: &str, matcher: &Matcher, route: Option<&str>) -> Vec<String> {
        let mut ids: Vec<String> = self
            .open_connections(route)
            .iter()
            .filter(|c| {
                c.read_extra(|e| {
                    e.and_then(|e| e.info.get(key))
                        .is_some_and(|v| matcher.matches(v))
                })
            })
            .map(|c| c.id().to_string())
            .collect();
        ids.sort();
        ids
    }

    // Liveness and history.
}
