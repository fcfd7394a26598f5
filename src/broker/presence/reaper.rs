//! The reaper: one task per node that removes the members of dead nodes.

use super::*;

/// Looks for dead nodes' members every `REAP_EVERY`, until the node stops.
pub(super) async fn reap(book: Arc<Book>, mut link: Link) {
    let mut suspects = HashSet::new();
    let mut every = tokio::time::interval(REAP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = book.node.shutdown.wait() => return,
            _ = every.tick() => {}
        }
        // Down, or back since less than it takes every node to beat again: heartbeats are
        // late for Redis's sake, not the nodes'. Nobody is judged, and suspicions restart.
        let back_since = (*book.shared.back_at.lock()).map(|at| at.elapsed());
        let settling = back_since.is_some_and(|t| t < 2 * cluster::STALE + cluster::BEAT);
        if book.shared.hold().is_some() || settling {
            suspects.clear();
            continue;
        }
        let looked = tokio::time::timeout(
            book.shared.timeout * 4,
            book.reap_dead(&mut link, &mut suspects),
        );
        if let Err(e) = looked
            .await
            .unwrap_or_else(|_| Err(failed("no answer within redis_timeout")))
        {
            tracing::warn!("node {}: dead nodes' presence members were not removed ({e}); next try in {REAP_EVERY:?}", book.node.config.node_name);
        }
    }
}

impl Book {
    /// Removes the members of every dead node: one found dead on two looks in a row (its
    /// heartbeat gone, or over twice `STALE` older than the newest). A node is judged by the
    /// newest heartbeat, not by the clock: after Redis stalled, every heartbeat is late and
    /// nobody is dead. A node whose own heartbeat is late judges nobody.
    async fn reap_dead(
        &self,
        link: &mut Link,
        suspects: &mut HashSet<String>,
    ) -> redis::RedisResult<()> {
        let prefix = &self.shared.prefix;
        let instances: Vec<String> = redis::cmd("SMEMBERS")
            .arg(topics::presence_nodes(prefix))
            .query_async(link)
            .await?;
        let others: Vec<&String> = instances.iter().filter(|i| **i != self.instance).collect();
        if others.is_empty() {
            suspects.clear();
            return Ok(());
        }
        let beats: Vec<(String, String)> = redis::cmd("HGETALL")
            .arg(topics::nodes(prefix))
            .query_async(link)
            .await?;
        let at: HashMap<String, u64> = beats
            .into_iter()
            .filter_map(|(instance, beat)| {
                Some((
                    instance,
                    serde_json::from_str::<cluster::Heartbeat>(&beat).ok()?.at,
                ))
            })
            .collect();
        let newest = at.values().copied().max().unwrap_or(0);
        match at.get(&self.instance) {
            Some(own) if newest.saturating_sub(*own) <= cluster::STALE.as_millis() as u64 => {}
            _ => {
                suspects.clear();
                return Ok(());
            }
        }
        let dead_after = 2 * cluster::STALE.as_millis() as u64;
        // Gone: a node that stopped removed its heartbeat (or has not written it yet).
        let suspected: HashSet<String> = others
            .into_iter()
            .filter(|i| at.get(*i).is_none_or(|beat| newest.saturating_sub(*beat) >= dead_after))
            .cloned()
            .collect();
        let dead: Vec<String> = suspected.intersection(suspects).cloned().collect();
        *suspects = suspected;
        for instance in dead {
            self.reap_node(link, &instance).await?;
        }
        Ok(())
    }

    async fn reap_node(&self, link: &mut Link, instance: &str) -> redis::RedisResult<()> {
        let prefix = &self.shared.prefix;
        let joined = topics::presence_joined(prefix, instance);
        let entries: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&joined)
            .query_async(link)
            .await?;
        let mut removed = 0;
        for entry in &entries {
            let Ok((channel, user_id)) = serde_json::from_str::<(String, String)>(entry) else {
                continue;
            };
            // Each entry leaves the dead node's set as it is removed: a later look goes on
            // where this one stopped.
            if let Some(version) = self.leave(link, instance, &channel, &user_id).await? {
                removed += 1;
                self.tell(&channel, &removal(user_id, Some(version)), None);
            }
        }
        // Forgotten once nothing is left in its name: a node taken for dead by mistake may
        // have added more meanwhile, which the next look takes.
        let left: usize = redis::cmd("SCARD").arg(&joined).query_async(link).await?;
        if left == 0 {
            redis::cmd("SREM")
                .arg(topics::presence_nodes(prefix))
                .arg(instance)
                .query_async::<()>(link)
                .await?;
        }
        if !entries.is_empty() {
            tracing::info!(
                "node {}: node instance {instance} is gone; its {} presence memberships are removed ({removed} users left their channels)",
                self.node.config.node_name,
                entries.len()
            );
        }
        Ok(())
    }
}
