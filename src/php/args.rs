//! What the PHP bindings share: arguments as PHP gives them (binary data, user ids), running a
//! `Call` here or on the hosting process, and turning its answer back into PHP values.

use super::errors::{invalid_argument, runtime};
use super::ini;
use crate::admin_client::AdminClient;
use crate::node::{Call, Op};
use crate::runtime::{self};
use bytes::Bytes;
use ext_php_rs::convert::FromZval;
use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::Value;

/// A PHP string taken as raw bytes: messages need not be UTF-8.
pub struct Data<'a>(pub &'a [u8]);

impl<'a> FromZval<'a> for Data<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.zend_str().map(|s| Data(s.as_bytes()))
    }
}

impl Data<'_> {
    pub(super) fn bytes(&self) -> Bytes {
        Bytes::copy_from_slice(self.0)
    }

    /// The string as text, for values kept as text (stored information, the global store).
    pub(super) fn text(&self, name: &str) -> PhpResult<&str> {
        std::str::from_utf8(self.0).map_err(|e| {
            invalid_argument(format!(
                "${name} must be UTF-8 text (invalid byte at offset {}); base64_encode() binary data first",
                e.valid_up_to()
            ))
        })
    }
}

/// A user id: PHP `int|string`, carried as its decimal or string form.
pub struct UserId(String);

impl<'a> FromZval<'a> for UserId {
    const TYPE: DataType = DataType::Mixed;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        if let Some(n) = zval.long() {
            return Some(UserId(n.to_string()));
        }
        zval.str().map(|s| UserId(s.to_string()))
    }
}

/// A call about one user.
pub(super) fn for_user(op: Op, user: &UserId) -> Call {
    Call::new(op).target(user.0.as_str())
}

/// Runs a call on the server this process hosts, or sends it to the one that hosts it.
pub(super) fn execute(call: Call) -> Result<Value, PhpException> {
    if let Some(server) = runtime::current() {
        return server.node.execute(call).map_err(Into::into);
    }
    let config = ini::config().map_err(runtime)?;
    let client = AdminClient::new(&config.admin_url, &config.admin_token)?;
    client.execute(&call).map_err(Into::into)
}

pub(super) fn as_bool(v: Value) -> bool {
    v.as_bool().unwrap_or(false)
}

pub(super) fn as_int(v: Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

pub(super) fn as_strings(v: Value) -> Vec<String> {
    match v {
        Value::Array(items) => {
            items.into_iter().filter_map(|i| i.as_str().map(str::to_string)).collect()
        }
        _ => vec![],
    }
}

pub(super) fn as_string(v: Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// A call on one connection.
pub(super) fn on(op: Op, connection_id: &str) -> Call {
    Call::new(op).target(connection_id)
}

/// A non-negative integer argument, or an `InvalidArgumentException` naming it.
pub(super) fn count(name: &str, value: i64) -> PhpResult<i64> {
    if value < 0 {
        return Err(invalid_argument(format!("{name} must be >= 0, got {value}")));
    }
    Ok(value)
}


