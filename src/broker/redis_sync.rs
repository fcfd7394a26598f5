//! Publishing from a PHP process that hosts no server (php-fpm, CLI) with `driver=redis`:
//! one blocking Redis connection per process, kept across requests, each command bounded by
//! `redis_timeout`. Fan-out operations (`broadcast()`, `broadcastToUser()`, by tag, to all)
//! go straight to Redis; no admin API is needed for them.

use super::topics;
use crate::config::{mask_password, Config};
use crate::ops::{codec, Op, OpError, Reply};
use parking_lot::Mutex;

static CONNECTION: Mutex<Option<redis::Connection>> = Mutex::new(None);

/// Publishes `op` if it fans out; `None` if it is not a fan-out operation.
pub fn publish(config: &Config, op: &Op) -> Option<Result<Reply, OpError>> {
    let topic = topics::of(&config.redis_prefix, op)?;
    // Origin 0: no node takes it for its own echo.
    let payload = codec::encode_envelope(0, op);
    let mut slot = CONNECTION.lock();
    let unreachable = |e: redis::RedisError| {
        OpError::Unreachable(format!(
            "Redis at {} is unreachable ({e}); the operation was not published",
            mask_password(&config.redis_address)
        ))
    };
    // A connection kept from an earlier request may have been closed by Redis meanwhile: then
    // (and only then, never after a timeout, which may have published) connect once more. So
    // a call waits at most about twice `redis_timeout`.
    let kept = slot.is_some();
    for attempt in 0..2 {
        if slot.is_none() {
            match connect(config) {
                Ok(connection) => *slot = Some(connection),
                Err(e) => return Some(Err(unreachable(e))),
            }
        }
        let connection = slot.as_mut().expect("connected above");
        match redis::cmd("PUBLISH").arg(&topic).arg(&payload[..]).query::<i64>(connection) {
            Ok(_) => return Some(Ok(Reply::Done)),
            Err(e) => {
                *slot = None;
                let stale = kept && attempt == 0 && !e.is_timeout() && (e.is_io_error() || e.is_connection_dropped());
                if !stale {
                    return Some(Err(unreachable(e)));
                }
            }
        }
    }
    None
}

fn connect(config: &Config) -> redis::RedisResult<redis::Connection> {
    let client = redis::Client::open(config.redis_address.as_str())?;
    let connection = client.get_connection_with_timeout(config.redis_timeout)?;
    connection.set_read_timeout(Some(config.redis_timeout))?;
    connection.set_write_timeout(Some(config.redis_timeout))?;
    Ok(connection)
}
