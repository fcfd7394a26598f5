//! The keeper: one task per node that tells Redis the roster's changes in order, answers each
//! joining client with the cluster's list, and repairs what Redis missed (`check`).

use super::*;

pub(super) struct Keeper {
    book: Arc<Book>,
    link: Link,
    /// Set once this node's heartbeat is in Redis: until then another node's reaper could take
    /// this node for dead, so nothing is added.
    beaten: bool,
    /// Redis missed a change: the roster is told again once it answers.
    stale: bool,
    /// (channel, user) whose change Redis may or may not have made (no answer): once the
    /// roster is told again, their users are told what Redis holds.
    uncertain: HashSet<(String, String)>,
    /// `Shared::reconnects` when last checked: a Redis that came back may hold anything.
    reconnects: u64,
    /// Checks in a row that found Redis holding other than the roster.
    mismatches: u32,
}

impl Keeper {
    pub(super) fn new(book: Arc<Book>, link: Link) -> Keeper {
        Keeper {
            book,
            link,
            beaten: false,
            stale: false,
            uncertain: HashSet::new(),
            reconnects: 0,
            mismatches: 0,
        }
    }

    pub(super) async fn apply(&mut self, change: Change) {
        match change {
            Change::Join {
                channel,
                conn,
                user_id,
                info,
                first_here,
            } => {
                let asked = self.join(&channel, &user_id, &info, first_here).await;
                let (added, version, members) = match asked {
                    Ok(Joined {
                        added,
                        version,
                        mut members,
                    }) => {
                        // Redis lost the user meanwhile (repaired later): the list holds it.
                        if !members.iter().any(|(id, _)| *id == user_id) {
                            members.push((user_id.clone(), info.clone()));
                        }
                        (added, Some(version), listing(members.into_iter()))
                    }
                    Err(e) => {
                        self.stale = true;
                        if first_here {
                            self.uncertain.insert((channel.clone(), user_id.clone()));
                        }
                        if let Some(suppressed) = FAILURES_LOGGED.allow() {
                            tracing::warn!(suppressed, "presence: {} joined {channel} as {user_id}; Redis did not take it ({e}): its list holds this node's members, and Redis is told once it answers", conn.id());
                        }
                        let local = self.book.node.hub.roster.local_listing(&channel);
                        (false, None, local)
                    }
                };
                self.book.node.hub.listed(&channel, &conn, members, version);
                if added {
                    let change = MemberChange {
                        added: true,
                        user_id,
                        info,
                        version,
                    };
                    self.book.tell(&channel, &change, Some(conn.id().to_string()));
                }
            }
            Change::Leave {
                channel,
                user_id,
                socket_id,
            } => {
                let left = match self.book.shared.up.load(Ordering::Acquire) {
                    true => {
                        self.book
                            .bounded(self.book.leave(
                                &mut self.link,
                                &self.book.instance,
                                &channel,
                                &user_id,
                            ))
                            .await
                    }
                    false => Err(failed("Redis is down")),
                };
                match left {
                    Ok(Some(version)) => {
                        let change = removal(user_id, Some(version));
                        self.book.tell(&channel, &change, Some(socket_id));
                    }
                    Ok(None) => {}
                    Err(e) => {
                        self.stale = true;
                        self.uncertain.insert((channel.clone(), user_id.clone()));
                        if let Some(suppressed) = FAILURES_LOGGED.allow() {
                            tracing::warn!(suppressed, "presence: {socket_id}, the last of user {user_id} on {channel} here, left; Redis did not take it ({e}): it is told once it answers");
                        }
                    }
                }
            }
        }
    }

    /// (whether the user is new to the cluster, the members), bounded by `redis_timeout`.
    async fn join(
        &mut self,
        channel: &str,
        user_id: &str,
        info: &Value,
        first_here: bool,
    ) -> redis::RedisResult<Joined> {
        if !self.book.shared.up.load(Ordering::Acquire) {
            return Err(failed("Redis is down"));
        }
        let book = self.book.clone();
        book.bounded(async {
            // The channel's events from other nodes must reach this node from the list on.
            self.interest_confirmed().await;
            match first_here {
                true => {
                    self.wait_for_heartbeat().await?;
                    book.join(&mut self.link, channel, user_id, info).await
                }
                false => {
                    let prefix = &book.shared.prefix;
                    let (version, flat): (u64, Vec<String>) = redis::cmd("EVAL")
                        .arg(LIST)
                        .arg(2)
                        .arg(topics::presence_members(prefix, channel))
                        .arg(topics::presence_version(prefix, channel))
                        .query_async(&mut self.link)
                        .await?;
                    Ok(Joined {
                        added: false,
                        version,
                        members: pairs(flat),
                    })
                }
            }
        })
        .await
    }

    /// Waits (at most half of `redis_timeout`) until Redis has confirmed every subscription
    /// this node asked for so far.
    async fn interest_confirmed(&self) {
        let made = self.book.shared.interest_made.load(Ordering::Acquire);
        let mut confirmed = self.book.shared.interest_confirmed.subscribe();
        let wait = self.book.shared.timeout / 2;
        let _ = tokio::time::timeout(wait, confirmed.wait_for(|n| *n >= made)).await;
    }

    async fn wait_for_heartbeat(&mut self) -> redis::RedisResult<()> {
        let key = topics::nodes(&self.book.shared.prefix);
        while !self.beaten {
            self.beaten = redis::cmd("HEXISTS")
                .arg(&key)
                .arg(&self.book.instance)
                .query_async(&mut self.link)
                .await?;
            if !self.beaten {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// Every `REAP_EVERY`: tells Redis the roster again if Redis missed a change, came back
    /// (it may have lost its data, or be an older copy of it), or no longer holds what this
    /// node added (another node took it for dead; Redis lost its data).
    /// `settled`: no change waits to be told (else Redis may lag the roster rightly).
    pub(super) async fn check(&mut self, settled: bool) {
        let shared = self.book.shared.clone();
        if !shared.up.load(Ordering::Acquire) {
            return;
        }
        let reconnects = shared.reconnects.load(Ordering::Relaxed);
        if std::mem::replace(&mut self.reconnects, reconnects) != reconnects {
            self.stale = true;
        }
        let book = self.book.clone();
        let checked = async {
            if !self.stale && settled {
                // Twice in a row: a join made between the two looks is no mismatch.
                self.mismatches = match self.holds_roster().await? {
                    true => 0,
                    false => self.mismatches + 1,
                };
                if self.mismatches >= 2 {
                    tracing::warn!("node {}: Redis does not hold this node's presence members (taken for dead, or Redis lost its data); telling it again", book.node.config.node_name);
                    self.stale = true;
                }
            }
            if self.stale {
                self.reconcile().await?;
            }
            Ok::<_, redis::RedisError>(())
        };
        match checked.await {
            Ok(()) if self.stale => {
                self.stale = false;
                self.mismatches = 0;
            }
            Ok(()) => {}
            Err(e) => {
                self.stale = true;
                tracing::warn!("node {}: presence members not told to Redis again ({e}); next try in {REAP_EVERY:?}", book.node.config.node_name);
            }
        }
    }

    /// Whether Redis holds as many memberships in this node's name as the roster has, and
    /// knows the node: one look, no list.
    async fn holds_roster(&mut self) -> redis::RedisResult<bool> {
        let here = self.book.node.hub.roster.memberships().len();
        let prefix = &self.book.shared.prefix;
        // Two commands: in a cluster the two keys may live on two shards.
        let mut known = redis::cmd("SISMEMBER");
        known.arg(topics::presence_nodes(prefix)).arg(&self.book.instance);
        let known: bool = self.book.bounded(known.query_async(&mut self.link)).await?;
        let mut held = redis::cmd("SCARD");
        held.arg(topics::presence_joined(prefix, &self.book.instance));
        let held: usize = self.book.bounded(held.query_async(&mut self.link)).await?;
        Ok(held == here && (known || here == 0))
    }

    /// Makes Redis hold exactly this node's roster in its name, telling the users each change
    /// adds or removes, and what Redis holds of the users whose changes were uncertain. Each
    /// step is bounded by `redis_timeout`; one that fails leaves the rest to the next try.
    async fn reconcile(&mut self) -> redis::RedisResult<()> {
        let book = self.book.clone();
        let here = book.node.hub.roster.memberships();
        for (channel, user_id, info) in &here {
            self.wait_for_heartbeat().await?;
            let joined = book.bounded(book.join(&mut self.link, channel, user_id, info)).await?;
            let uncertain = self.uncertain.remove(&(channel.clone(), user_id.clone()));
            if joined.added || uncertain {
                let change = MemberChange {
                    added: true,
                    user_id: user_id.clone(),
                    info: info.clone(),
                    // Told again when unsure: unversioned, so no node takes it for old news.
                    version: joined.added.then_some(joined.version),
                };
                book.tell(channel, &change, None);
            }
        }
        let here: HashSet<(&str, &str)> = here.iter().map(|(c, u, _)| (c.as_str(), u.as_str())).collect();
        let joined = topics::presence_joined(&book.shared.prefix, &book.instance);
        let held: Vec<String> = book.bounded(redis::cmd("SMEMBERS").arg(joined).query_async(&mut self.link)).await?;
        for (channel, user_id) in held.iter().filter_map(|e| serde_json::from_str::<(String, String)>(e).ok()) {
            if here.contains(&(channel.as_str(), user_id.as_str())) {
                continue;
            }
            let left = book.leave(&mut self.link, &book.instance, &channel, &user_id);
            if let Some(version) = book.bounded(left).await? {
                self.uncertain.remove(&(channel.clone(), user_id.clone()));
                book.tell(&channel, &removal(user_id, Some(version)), None);
            }
        }
        // Left here, and Redis's answer lost: gone unless another node has the user.
        for (channel, user_id) in std::mem::take(&mut self.uncertain) {
            let members = topics::presence_members(&book.shared.prefix, &channel);
            let mut exists = redis::cmd("HEXISTS");
            exists.arg(members).arg(&user_id);
            match book.bounded(exists.query_async::<bool>(&mut self.link)).await {
                Ok(false) => book.tell(&channel, &removal(user_id, None), None),
                Ok(true) => {}
                Err(e) => {
                    self.uncertain.insert((channel, user_id));
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}
