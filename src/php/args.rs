//! What the PHP bindings share: turning PHP arguments (taken by PHP's rules, `coerce`) into
//! an operation's typed values, and routing the operation here or to the hosting process.

use super::errors::{invalid_argument, runtime};
use super::ini;
use crate::admin_client::AdminClient;
use crate::ops::rest::FromText;
use crate::ops::{Op, Reply, UserId};
use crate::runtime;
use bytes::Bytes;
use ext_php_rs::prelude::*;

pub use super::coerce::{BinaryString, Bool, Float, Int, IntOrStr, Names, OptStr, Str};

fn utf8<'a>(bytes: &'a [u8], name: &str) -> PhpResult<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        invalid_argument(format!(
            "${name} must be UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

impl Str<'_> {
    /// The string as message data: any bytes.
    pub fn bytes(&self) -> Bytes {
        Bytes::copy_from_slice(self.0)
    }
}

/// A text argument as an operation's value (`Id`, `Channel`, `Tag`, …), or an
/// `InvalidArgumentException` naming the parameter and what to fix.
pub(super) fn arg<T: FromText>(value: &Str, name: &str) -> PhpResult<T> {
    T::from_text(utf8(value.0, name)?).map_err(|e| invalid_argument(format!("${name}: {e}")))
}

/// A nullable text argument; null or left out gives `None`.
pub(super) fn opt_arg<T: FromText>(value: &OptStr, name: &str) -> PhpResult<Option<T>> {
    value.0.map(|bytes| arg(&Str(bytes), name)).transpose()
}

/// A user id (`int|string`).
pub(super) fn user(value: &IntOrStr) -> PhpResult<UserId> {
    arg(&Str(&value.0), "userId")
}

/// A non-negative integer argument.
pub(super) fn count(value: Int, name: &str) -> PhpResult<u64> {
    u64::try_from(value.0)
        .map_err(|_| invalid_argument(format!("${name} must be >= 0, got {}", value.0)))
}

/// Routes an operation: on the server this process hosts, or on the one that hosts it.
pub(super) fn route(op: Op) -> PhpResult<Reply> {
    if let Some(server) = runtime::current() {
        return server.node.route(op).map_err(Into::into);
    }
    let config = ini::config().map_err(runtime)?;
    if config.redis() {
        // Everything goes through Redis to the nodes that run it: no admin API is needed.
        return match crate::broker::redis_sync::route(config, &op) {
            Some(result) => result.map_err(Into::into),
            // No node holds the connection this addresses: each function's empty value, as
            // for an unknown connection (`Reply`).
            None => Ok(Reply::Done),
        };
    }
    let client = AdminClient::new(&config.admin_url, &config.admin_token)?;
    client.execute(&op).map_err(Into::into)
}

pub(super) fn as_bool(reply: Reply) -> bool {
    reply.into_bool()
}

pub(super) fn as_int(reply: Reply) -> i64 {
    i64::try_from(reply.into_count()).unwrap_or(i64::MAX)
}

pub(super) fn as_strings(reply: Reply) -> Vec<String> {
    reply.into_ids()
}
