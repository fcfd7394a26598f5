//! What an operation answers: `Reply` on success, `OpError` otherwise. Both travel in the
//! codec beside `Op`; the admin API's human endpoints show them as JSON (`to_json`).

use base64::Engine;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Why an operation failed; each maps to a PHP exception class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OpError {
    /// The caller passed a bad argument: `InvalidArgumentException`.
    InvalidArgument(String),
    /// No server answered: `FrankenPhpWs\ServerUnreachableException`.
    Unreachable(String),
    /// The server answered with an error: `RuntimeException`.
    Failed(String),
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpError::InvalidArgument(m) | OpError::Unreachable(m) | OpError::Failed(m) => {
                f.write_str(m)
            }
        }
    }
}

/// One kept message of a connection's history.
pub use crate::hub::history::Entry as HistoryEntry;

/// An operation's answer. Which variant an op gives is fixed by the op (see `execute`); a
/// binding that reads another gets the type's empty value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Done,
    Bool(bool),
    Count(u64),
    Text(String),
    MaybeText(Option<String>),
    Bytes(Bytes),
    Ids(Vec<String>),
    History(Vec<HistoryEntry>),
}

impl Reply {
    pub fn into_bool(self) -> bool {
        matches!(self, Reply::Bool(true))
    }

    pub fn into_count(self) -> u64 {
        match self {
            Reply::Count(n) => n,
            _ => 0,
        }
    }

    pub fn into_text(self) -> String {
        match self {
            Reply::Text(text) | Reply::MaybeText(Some(text)) => text,
            _ => String::new(),
        }
    }

    pub fn into_maybe_text(self) -> Option<String> {
        match self {
            Reply::Text(text) | Reply::MaybeText(Some(text)) => Some(text),
            _ => None,
        }
    }

    pub fn into_bytes(self) -> Bytes {
        match self {
            Reply::Bytes(bytes) => bytes,
            _ => Bytes::new(),
        }
    }

    pub fn into_ids(self) -> Vec<String> {
        match self {
            Reply::Ids(ids) => ids,
            _ => Vec::new(),
        }
    }

    pub fn into_history(self) -> Vec<HistoryEntry> {
        match self {
            Reply::History(entries) => entries,
            _ => Vec::new(),
        }
    }

    /// The JSON the admin API's human endpoints answer in `{"result": …}`. Bytes that are
    /// UTF-8 show as a string, others as `{"base64": "…"}`.
    pub fn to_json(&self) -> Value {
        match self {
            Reply::Done => Value::Null,
            Reply::Bool(b) => json!(b),
            Reply::Count(n) => json!(n),
            Reply::Text(text) => json!(text),
            Reply::MaybeText(text) => json!(text),
            Reply::Bytes(bytes) => bytes_json(bytes),
            Reply::Ids(ids) => json!(ids),
            Reply::History(entries) => entries
                .iter()
                .map(|e| json!({"id": e.id, "time": e.time, "data": bytes_json(&e.data)}))
                .collect(),
        }
    }
}

fn bytes_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => json!(text),
        Err(_) => json!({"base64": base64::engine::general_purpose::STANDARD.encode(bytes)}),
    }
}
