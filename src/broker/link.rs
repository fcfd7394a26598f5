//! The two ways to reach Redis: one server (`driver=redis`, a `ConnectionManager`) or a Redis
//! Cluster (`driver=redis-cluster`, sharded pub/sub). Everything above this file speaks to a
//! `Link` (async, on nodes) or a `Blocking` connection (the PHP thread, php-fpm) and does not
//! care which.
//!
//! With a cluster, channels are sharded: SPUBLISH/SSUBSCRIBE, so each Redis channel lives on the
//! shard that owns its slot, and pub/sub load spreads over the shards. The cluster client
//! follows MOVED and failovers, and re-subscribes each sharded channel on the shard that owns it
//! now.

use crate::config::{mask_password, Config};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClientBuilder, ClusterConnection};
use redis::cluster_async::ClusterConnection as AsyncClusterConnection;
use redis::{Cmd, Pipeline, PushInfo, RedisFuture, RedisResult, Value};
use std::time::Duration;
use tokio::sync::mpsc;

/// The command that publishes on a Redis channel, and the one that counts its subscribers.
pub fn publish_command(config: &Config) -> &'static str {
    if config.redis_cluster() {
        "SPUBLISH"
    } else {
        "PUBLISH"
    }
}

pub fn numsub_command(config: &Config) -> &'static str {
    if config.redis_cluster() {
        "SHARDNUMSUB"
    } else {
        "NUMSUB"
    }
}

/// A node's connection: cheap to clone, reconnects by itself, re-subscribes by itself.
#[derive(Clone)]
pub enum Link {
    Single(ConnectionManager),
    Cluster(AsyncClusterConnection),
}

impl Link {
    /// Connects (a bad address, a wrong password, or a cluster that is not one fails here) and
    /// returns the link with the receiver of the messages of its subscriptions.
    pub async fn connect(
        config: &Config,
    ) -> Result<(Link, mpsc::UnboundedReceiver<PushInfo>), String> {
        let address = mask_password(&config.redis_address);
        let fail = |e: &dyn std::fmt::Display| {
            format!("cannot use Redis at {address} (option 'redis_address'): {e}")
        };
        let (push_tx, pushes) = mpsc::unbounded_channel();
        let timeout = config.redis_timeout;
        let link = if config.redis_cluster() {
            let client = ClusterClientBuilder::new(config.redis_seeds())
                .use_protocol(redis::ProtocolVersion::RESP3)
                .push_sender(push_tx)
                .connection_timeout(timeout)
                .response_timeout(timeout)
                // Redirections and a failover's reconnection, not an outage: the pings and
                // the outbox handle those.
                .retries(2)
                .build()
                .map_err(|e| fail(&e))?;
            let connecting = async {
                let mut connection = client.get_async_connection().await?;
                // A server without cluster support answers this with an error.
                redis::cmd("CLUSTER")
                    .arg("INFO")
                    .query_async::<String>(&mut connection)
                    .await?;
                RedisResult::Ok(connection)
            };
            let connection = tokio::time::timeout(timeout, connecting)
                .await
                .map_err(|_| fail(&"no answer within redis_timeout"))?
                .map_err(|e| {
                    fail(&format!(
                        "{e} (is it a Redis Cluster? driver=redis-cluster needs one)"
                    ))
                })?;
            Link::Cluster(connection)
        } else {
            let info =
                redis::IntoConnectionInfo::into_connection_info(config.redis_address.as_str())
                    .map_err(|e| fail(&e))?;
            let settings = info
                .redis_settings()
                .clone()
                .set_protocol(redis::ProtocolVersion::RESP3);
            let client =
                redis::Client::open(info.set_redis_settings(settings)).map_err(|e| fail(&e))?;
            let manager_config = ConnectionManagerConfig::new()
                .set_push_sender(push_tx)
                .set_automatic_resubscription()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout))
                .set_max_delay(Duration::from_millis(500))
                // One reconnection attempt per command, no more: a publish must fail while
                // Redis is down, not wait for it and go out the moment it is back, before the
                // other nodes have re-subscribed. The pings drive reconnection.
                .set_number_of_retries(0);
            let connection = tokio::time::timeout(
                timeout,
                ConnectionManager::new_with_config(client, manager_config),
            )
            .await
            .map_err(|_| fail(&"no answer within redis_timeout"))?
            .map_err(|e| fail(&e))?;
            Link::Single(connection)
        };
        Ok((link, pushes))
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self, Link::Cluster(_))
    }

    pub async fn subscribe(&mut self, topics: &[String]) -> RedisResult<()> {
        match self {
            Link::Single(c) => c.subscribe(topics).await,
            Link::Cluster(c) => {
                each(c, topics, |mut c, topic| async move {
                    c.ssubscribe(topic).await
                })
                .await
            }
        }
    }

    pub async fn unsubscribe(&mut self, topics: &[String]) -> RedisResult<()> {
        match self {
            Link::Single(c) => c.unsubscribe(topics).await,
            Link::Cluster(c) => {
                each(c, topics, |mut c, topic| async move {
                    c.sunsubscribe(topic).await
                })
                .await
            }
        }
    }
}

/// Runs `f` for every topic at once: one sharded (un)subscription names one slot, so each topic
/// is its own command.
async fn each<F, Fut>(c: &AsyncClusterConnection, topics: &[String], f: F) -> RedisResult<()>
where
    F: Fn(AsyncClusterConnection, String) -> Fut,
    Fut: std::future::Future<Output = RedisResult<()>>,
{
    let all = topics.iter().map(|topic| f(c.clone(), topic.clone()));
    futures_util::future::join_all(all)
        .await
        .into_iter()
        .collect()
}

impl redis::aio::ConnectionLike for Link {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Link::Single(c) => c.req_packed_command(cmd),
            Link::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Link::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Link::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Link::Single(c) => c.get_db(),
            Link::Cluster(c) => c.get_db(),
        }
    }
}

/// A blocking connection (`redis_sync`).
pub enum Blocking {
    Single(redis::Connection),
    Cluster(ClusterConnection),
}

impl Blocking {
    pub fn connect(config: &Config) -> RedisResult<Blocking> {
        let timeout = config.redis_timeout;
        if config.redis_cluster() {
            let client = ClusterClientBuilder::new(config.redis_seeds())
                .connection_timeout(timeout)
                .response_timeout(timeout)
                // No retry here: a command that timed out may have run, and a publish or a
                // request sent again would arrive twice. A redirection is retried by
                // `redis_sync`, where the command did not run.
                .retries(0)
                .build()?;
            let connection = client.get_connection()?;
            connection.set_read_timeout(Some(timeout))?;
            connection.set_write_timeout(Some(timeout))?;
            return Ok(Blocking::Cluster(connection));
        }
        let client = redis::Client::open(config.redis_address.as_str())?;
        let connection = client.get_connection_with_timeout(timeout)?;
        connection.set_read_timeout(Some(timeout))?;
        connection.set_write_timeout(Some(timeout))?;
        Ok(Blocking::Single(connection))
    }

    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> RedisResult<()> {
        match self {
            Blocking::Single(c) => c.set_read_timeout(timeout),
            Blocking::Cluster(c) => c.set_read_timeout(timeout),
        }
    }
}

impl redis::ConnectionLike for Blocking {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        match self {
            Blocking::Single(c) => c.req_packed_command(cmd),
            Blocking::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        match self {
            Blocking::Single(c) => c.req_packed_commands(cmd, offset, count),
            Blocking::Cluster(c) => c.req_packed_commands(cmd, offset, count),
        }
    }

    fn req_command(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        match self {
            Blocking::Single(c) => c.req_command(cmd),
            Blocking::Cluster(c) => c.req_command(cmd),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Blocking::Single(c) => c.get_db(),
            Blocking::Cluster(c) => c.get_db(),
        }
    }

    fn supports_pipelining(&self) -> bool {
        matches!(self, Blocking::Single(_))
    }

    fn check_connection(&mut self) -> bool {
        match self {
            Blocking::Single(c) => c.check_connection(),
            Blocking::Cluster(c) => c.check_connection(),
        }
    }

    fn is_open(&self) -> bool {
        match self {
            Blocking::Single(c) => c.is_open(),
            Blocking::Cluster(c) => c.is_open(),
        }
    }
}
