//! Tags on connections, the tag index, and tag expressions evaluated against it (the last
//! selection cached until a tag or a connection changes).

use super::connection::Connection;
use super::index::Members;
use super::tag_expression::{self, Expr};
use super::Frame;
use super::{CachedSelection, Hub};
use std::sync::Arc;

impl Hub {
    pub fn tag(&self, id: &str, tag: &str) -> bool {
        let Some(conn) = self.get_open(id) else {
            return false;
        };
        let mut tags = self.tags.write();
        if !conn.is_open() {
            return false;
        }
        if let Some(name) = tags.insert(tag, &conn) {
            conn.with_extra(|e| e.tags.push(name));
            self.selections_changed();
        }
        true
    }

    pub fn untag(&self, id: &str, tag: &str) -> bool {
        let Some(conn) = self.get(id) else {
            return false;
        };
        let mut tags = self.tags.write();
        tags.remove(tag, &conn);
        self.selections_changed();
        conn.with_extra(|e| {
            let before = e.tags.len();
            e.tags.retain(|t| &**t != tag);
            before != e.tags.len()
        })
    }

    pub fn clear_tags(&self, id: &str) -> bool {
        let Some(conn) = self.get(id) else {
            return false;
        };
        let mut tags = self.tags.write();
        for tag in conn.with_extra(|e| std::mem::take(&mut e.tags)) {
            tags.remove(&tag, &conn);
        }
        self.selections_changed();
        true
    }

    pub fn tags_of(&self, id: &str) -> Vec<String> {
        self.get(id).map(|c| c.tags()).unwrap_or_default()
    }

    pub fn all_tags(&self) -> Vec<String> {
        self.tags.read().names()
    }

    pub(super) fn ids(members: &Members) -> Vec<String> {
        let mut ids: Vec<String> = members.values().map(|c| c.id().to_string()).collect();
        ids.sort();
        ids
    }

    pub fn clients_by_tag(&self, tag: &str) -> Vec<String> {
        self.tags
            .read()
            .members(tag)
            .map(Self::ids)
            .unwrap_or_default()
    }

    pub fn tag_count(&self, tag: &str) -> usize {
        self.tags.read().members(tag).map_or(0, |m| m.len())
    }

    pub fn send_to_tag(&self, tag: &str, message: &Frame, route: Option<&str>) -> usize {
        // A snapshot, as tag expressions use: untagging does not wait for sends under way.
        let Some(members) = self.tags.read().snapshot(tag) else {
            return 0;
        };
        self.deliver(members.members().iter(), message, super::Topic::Direct, route, None)
    }

    /// The connections `expr` selects. The last selection is kept until the tag index or the
    /// set of connections changes, so repeated sends to one segment cost what a channel
    /// broadcast costs.
    fn select(&self, text: &str, expr: &Expr) -> Arc<[Arc<Connection>]> {
        let version = self
            .selection_version
            .load(std::sync::atomic::Ordering::Acquire);
        if let Some(hit) = self.last_selection.lock().as_ref() {
            if hit.version == version && hit.expression == text {
                return hit.selected.clone();
            }
        }
        let selected: Arc<[Arc<Connection>]> = {
            let connections = self.connections.read();
            let tags = self.tags.read();
            let mut selected = Vec::new();
            tag_expression::for_each_selected(expr, &tags, connections.values(), |c| {
                selected.push(c.clone())
            });
            selected.into()
        };
        // Stamped with the version read before selecting: a change meanwhile invalidates it.
        *self.last_selection.lock() = Some(CachedSelection {
            expression: text.to_string(),
            version,
            selected: selected.clone(),
        });
        selected
    }

    pub fn clients_by_expression(&self, text: &str, expr: &Expr) -> Vec<String> {
        let mut ids: Vec<String> = self
            .select(text, expr)
            .iter()
            .map(|c| c.id().to_string())
            .collect();
        ids.sort();
        ids
    }

    pub fn send_to_expression(
        &self,
        text: &str,
        expr: &Expr,
        message: &Frame,
        route: Option<&str>,
    ) -> usize {
        self.deliver(self.select(text, expr).iter(), message, super::Topic::Direct, route, None)
    }

    // Users and presence.
}
