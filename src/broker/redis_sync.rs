//! Blocking Redis commands: one connection per PHP thread (one per process without threads),
//! kept across requests, each command bounded by `redis_timeout`.
//!
//! - From a PHP process that hosts no server (php-fpm, CLI) with `driver=redis`, fan-out
//!   operations (`broadcast()`, `broadcastToUser()`, by tag, to all) are published straight to
//!   Redis: no admin API is needed for them.
//! - In every process, the global store (`frankenphp_ws_global_*`) lives in Redis, under
//!   `{prefix}:global:{key}`, shared by every node, with its expiry.
//! - Requests to other nodes (`request`) are published and answered on it.

use super::link::{self, Blocking};
use super::topics;
use crate::config::{mask_password, Config};
use crate::ops::{codec, Op, OpError, Reply};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// A connection idle this long is checked before a publish is written to it: a write to a
/// socket Redis has closed (a restart between two php-fpm requests) seems to succeed.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// The process's connection, with the number of PUBLISH answers not read yet.
struct Kept {
    connection: Blocking,
    unread: usize,
    last_used: Instant,
    /// What it was made for: a forked child, or a server started on another Redis, makes its
    /// own.
    pid: u32,
    address: String,
    cluster: bool,
}

thread_local! {
    /// One connection per thread: the PHP thread (one per PHP thread under ZTS), and each
    /// runtime thread the admin API waits on. So a request waiting for answers on one thread
    /// never holds up another thread's calls.
    static CONNECTION: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

/// Publishes are pipelined: a call writes its PUBLISH and returns without waiting for the
/// answer (a loopback round trip is most of a call's cost). The answers are read in bulk, at
/// this many, or before the next command that needs its own answer.
const UNREAD_MAX: usize = 256;

/// Runs `op` from a process that hosts no server: a fan-out is published, the global store
/// read or written, and anything else asked of the nodes (`request`). `None`: no node holds
/// the connection it addresses.
pub fn route(config: &Config, op: &Op) -> Option<Result<Reply, OpError>> {
    publish(config, op)
        .or_else(|| global(config, op))
        .or_else(|| {
            if let Op::RenameConnection { new_id, .. } = op {
                match holders(config, new_id) {
                    Ok(0) => {}
                    Ok(_) => return Some(Ok(Reply::Bool(false))),
                    Err(e) => return Some(Err(e)),
                }
            }
            super::request::ask(config, op, Instant::now() + config.redis_timeout)
        })
}

/// How many nodes hold a connection with this id (0 or 1).
pub fn holders(config: &Config, id: &crate::ops::Id) -> Result<u64, OpError> {
    let topic = topics::scoped(
        &config.redis_prefix,
        crate::hub::index::Scope::Connection,
        id.as_str(),
    );
    let counts: std::collections::HashMap<String, u64> = run(
        config,
        redis::cmd("PUBSUB")
            .arg(link::numsub_command(config))
            .arg(&topic),
        "the connection id was not checked",
    )?;
    Ok(counts.get(&topic).copied().unwrap_or(0))
}

/// Publishes `op` if it fans out; `None` if it is not a fan-out operation. A connection that
/// cannot be made or written to fails the call; an answer Redis gives later (an ACL refusal)
/// is logged when it is read.
pub fn publish(config: &Config, op: &Op) -> Option<Result<Reply, OpError>> {
    let topic = topics::fan_out(&config.redis_prefix, op)?;
    // Origin 0: no node takes it for its own echo.
    let payload = codec::encode_envelope(0, 0, 0, op);
    let mut command = redis::cmd(link::publish_command(config));
    command.arg(&topic).arg(&payload[..]);
    let packed = command.get_packed_command();
    Some(with_connection(
        config,
        "the operation was not published",
        |kept| {
            let idle = kept.last_used.elapsed() > IDLE_CHECK;
            if kept.unread >= UNREAD_MAX || idle {
                read_unread(kept)?;
            }
            let Blocking::Single(connection) = &mut kept.connection else {
                // A cluster connection routes each command itself: no pipelining.
                command.query::<()>(&mut kept.connection)?;
                kept.last_used = Instant::now();
                return Ok(Reply::Done);
            };
            if idle {
                redis::cmd("PING").query::<String>(connection)?;
            }
            connection.send_packed_command(&packed)?;
            kept.unread += 1;
            kept.last_used = Instant::now();
            Ok(Reply::Done)
        },
    ))
}

/// Reads the answers of this process's publishes (at the end of each request). Bounded by
/// `redis_timeout` per answer; a connection that fails is dropped.
pub fn finish_request() {
    CONNECTION.with_borrow_mut(|slot| {
        if let Some(kept) = slot.as_mut() {
            if kept.unread > 0 && read_unread(kept).is_err() {
                tracing::warn!(
                    "the answers of {} Redis publishes could not be read",
                    kept.unread
                );
                *slot = None;
            }
        }
    });
}

/// Reads the answers of earlier publishes.
fn read_unread(kept: &mut Kept) -> redis::RedisResult<()> {
    let Blocking::Single(connection) = &mut kept.connection else {
        return Ok(());
    };
    while kept.unread > 0 {
        let answer = connection.recv_response();
        kept.unread -= 1;
        match answer {
            Ok(redis::Value::ServerError(e)) => tracing::warn!("Redis refused a publish: {e:?}"),
            Ok(_) => {}
            Err(e) if lost_connection(&e) => return Err(e),
            Err(e) => tracing::warn!("Redis refused a publish: {e}"),
        }
    }
    Ok(())
}

/// Runs a global store operation in Redis; `None` for any other operation.
pub fn global(config: &Config, op: &Op) -> Option<Result<Reply, OpError>> {
    let key = |k: &crate::ops::Key| format!("{}:global:{}", config.redis_prefix, k.as_str());
    let failed = "the global store was not changed or read";
    let answer = match op {
        Op::GlobalSet {
            key: k,
            value,
            expire,
        } => {
            let mut command = redis::cmd("SET");
            command.arg(key(k)).arg(&value[..]);
            // Past a century means never, as in memory.
            if *expire > 0 && *expire < 100 * 365 * 86_400 {
                command.arg("EX").arg(*expire);
            }
            run(config, &command, failed).map(|_: ()| Reply::Done)
        }
        Op::GlobalGet { key: k } => run(config, redis::cmd("GET").arg(key(k)), failed)
            .map(|v: Option<Vec<u8>>| Reply::Bytes(v.unwrap_or_default().into())),
        Op::GlobalHas { key: k } => {
            run(config, redis::cmd("EXISTS").arg(key(k)), failed).map(|n: i64| Reply::Bool(n > 0))
        }
        Op::GlobalDelete { key: k } => {
            run(config, redis::cmd("DEL").arg(key(k)), failed).map(|n: i64| Reply::Bool(n > 0))
        }
        _ => return None,
    };
    Some(answer)
}

/// Runs one command on the process's connection (`blocking`).
pub(super) fn run<T: redis::FromRedisValue>(
    config: &Config,
    command: &redis::Cmd,
    failed: &str,
) -> Result<T, OpError> {
    blocking(|| run_blocking(config, command, failed))
}

/// Runs `f`, which waits on Redis. On a tokio thread (the admin API) the wait is announced to
/// the runtime, so its other tasks go on.
pub(super) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::task::block_in_place(f)
    } else {
        f()
    }
}

/// Pops the first item of a list, waiting up to `wait` for one (BLPOP).
pub(super) fn pop(
    config: &Config,
    key: &str,
    wait: Duration,
    failed: &str,
) -> Result<Option<Vec<u8>>, OpError> {
    with_connection(config, failed, |kept| {
        read_unread(kept)?;
        // The socket waits a little longer than Redis, so that Redis's "nothing" arrives.
        kept.connection
            .set_read_timeout(Some(wait + Duration::from_millis(250)))?;
        let popped = redis::cmd("BLPOP")
            .arg(key)
            .arg(wait.as_secs_f64())
            .query::<Option<(String, Vec<u8>)>>(&mut kept.connection);
        kept.connection
            .set_read_timeout(Some(config.redis_timeout))?;
        kept.last_used = Instant::now();
        Ok(popped?.map(|(_, value)| value))
    })
}

pub(super) fn run_blocking<T: redis::FromRedisValue>(
    config: &Config,
    command: &redis::Cmd,
    failed: &str,
) -> Result<T, OpError> {
    with_connection(config, failed, |kept| {
        read_unread(kept)?;
        let answer = command.query::<T>(&mut kept.connection)?;
        kept.last_used = Instant::now();
        Ok(answer)
    })
}

/// Runs `f` on the process's connection, connecting first if needed.
fn with_connection<T>(
    config: &Config,
    failed: &str,
    f: impl Fn(&mut Kept) -> redis::RedisResult<T>,
) -> Result<T, OpError> {
    CONNECTION.with_borrow_mut(|slot| with_slot(slot, config, failed, f))
}

fn with_slot<T>(
    slot: &mut Option<Kept>,
    config: &Config,
    failed: &str,
    f: impl Fn(&mut Kept) -> redis::RedisResult<T>,
) -> Result<T, OpError> {
    if slot.as_ref().is_some_and(|k| {
        k.pid != std::process::id()
            || k.address != config.redis_address
            || k.cluster != config.redis_cluster()
    }) {
        *slot = None;
    }
    let unreachable = |e: redis::RedisError| {
        OpError::Unreachable(format!(
            "Redis at {} is unreachable ({e}); {failed}",
            mask_password(&config.redis_address)
        ))
    };
    // A connection kept from an earlier request may have been closed by Redis meanwhile: then
    // (and only then, never after a timeout, which may have run the command) connect once
    // more. So a call waits at most about twice `redis_timeout`.
    let kept = slot.is_some();
    for attempt in 0..2 {
        if slot.is_none() {
            let connection = connect(config).map_err(unreachable)?;
            *slot = Some(Kept {
                connection,
                unread: 0,
                last_used: Instant::now(),
                pid: std::process::id(),
                address: config.redis_address.clone(),
                cluster: config.redis_cluster(),
            });
        }
        match f(slot.as_mut().expect("connected above")) {
            Ok(value) => return Ok(value),
            Err(e) if lost_connection(&e) => {
                *slot = None;
                let stale = kept && attempt == 0 && !e.is_timeout();
                if !stale {
                    return Err(unreachable(e));
                }
            }
            Err(e)
                if attempt == 0
                    && matches!(
                        e.retry_method(),
                        redis::RetryMethod::MovedRedirect | redis::RetryMethod::AskRedirect
                    ) =>
            {
                // A cluster slot moved: the command did not run; the client knows the new owner.
            }
            Err(e) if passing(&e) => return Err(unreachable(e)),
            Err(e) => return Err(OpError::Failed(format!("Redis refused the command: {e}"))),
        }
    }
    Err(OpError::Unreachable(format!(
        "Redis at {} is unreachable; {failed}",
        mask_password(&config.redis_address)
    )))
}

/// Whether an error means the connection is gone (as opposed to Redis refusing a command).
pub(super) fn lost_connection(e: &redis::RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_timeout() || e.is_connection_refusal()
}

/// Whether an error will pass: the connection is gone, or a cluster is between states
/// (CLUSTERDOWN, TRYAGAIN, MOVED after the client's redirections, a loading replica, …).
/// Anything else is Redis refusing the command for good (an ACL rule, a wrong type).
pub(super) fn passing(e: &redis::RedisError) -> bool {
    lost_connection(e) || !matches!(e.retry_method(), redis::RetryMethod::NoRetry)
}

fn connect(config: &Config) -> redis::RedisResult<Blocking> {
    Blocking::connect(config)
}
