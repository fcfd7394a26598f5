//! `Call`: one operation PHP can ask of a node, and `Op`, the one table of operations.
//!
//! A PHP process that hosts the server executes a `Call` on its `Node` directly; any other
//! process sends the same `Call` to the admin API (`admin_client`), which executes it there.
//! An op's name is its admin endpoint, its method the HTTP verb; a call's target (an id, a
//! channel, a tag) is the path segment after the name, its other arguments the query string
//! and its data the body. So the bindings, the admin routes and the remote client cannot drift
//! apart.

use crate::hub::search::Matcher;
use crate::hub::tag_expression::{self, validate_tag};
use crate::protocol::{self, validate_channel};
use bytes::Bytes;

macro_rules! ops {
    ($($variant:ident = $name:literal $method:literal,)*) => {
        /// Every operation, with its admin endpoint name and HTTP method.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Op { $($variant,)* }

        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }

            pub fn method(self) -> &'static str {
                match self { $(Op::$variant => $method,)* }
            }

            pub fn from_name(name: &str) -> Option<Op> {
                match name { $($name => Some(Op::$variant),)* _ => None }
            }
        }
    };
}

ops! {
    Broadcast = "broadcast" "POST",
    Send = "send" "POST",
    SendBinary = "sendBinary" "POST",
    SendAll = "sendAll" "POST",
    GetClients = "getClients" "GET",
    GetClientsCount = "getClientsCount" "GET",
    KillConnection = "killConnection" "POST",
    ListRoutes = "listRoutes" "GET",
    Subscribe = "subscribe" "POST",
    DenySubscription = "denySubscription" "POST",
    Unsubscribe = "unsubscribe" "POST",
    GetSubscriptions = "getSubscriptions" "GET",
    GetChannels = "getChannels" "GET",
    BroadcastToUser = "broadcastToUser" "POST",
    DisconnectUser = "disconnectUser" "POST",
    GetChannelUsers = "getChannelUsers" "GET",
    GetUserConnections = "getUserConnections" "GET",
    SetPresence = "setPresence" "POST",
    GetPresence = "getPresence" "GET",
    ActivateGhost = "activateGhost" "POST",
    ReleaseGhost = "releaseGhost" "POST",
    IsGhost = "isGhost" "GET",
    GetResumeToken = "getResumeToken" "POST",
    RenameConnection = "renameConnection" "POST",
    TagClient = "tagClient" "POST",
    UntagClient = "untagClient" "POST",
    ClearTagClient = "clearTagClient" "POST",
    GetTags = "getTags" "GET",
    GetClientsByTag = "getClientsByTag" "GET",
    GetTagCount = "getTagCount" "GET",
    SendToTag = "sendToTag" "POST",
    SendToTagExpression = "sendToTagExpression" "POST",
    GetClientsByTagExpression = "getClientsByTagExpression" "GET",
    SetStoredInformation = "setStoredInformation" "POST",
    GetStoredInformation = "getStoredInformation" "GET",
    DeleteStoredInformation = "deleteStoredInformation" "POST",
    ClearStoredInformation = "clearStoredInformation" "POST",
    HasStoredInformation = "hasStoredInformation" "GET",
    ListStoredInformationKeys = "listStoredInformationKeys" "GET",
    SearchStoredInformation = "searchStoredInformation" "GET",
    GlobalSet = "global_set" "POST",
    GlobalGet = "global_get" "GET",
    GlobalHas = "global_has" "GET",
    GlobalDelete = "global_delete" "POST",
    EnablePing = "enablePing" "POST",
    DisablePing = "disablePing" "POST",
    GetClientPingTime = "getClientPingTime" "GET",
    EnableQueueCounter = "enableQueueCounter" "POST",
    DisableQueueCounter = "disableQueueCounter" "POST",
    GetClientMessageCounter = "getClientMessageCounter" "GET",
    GetClientMessageQueue = "getClientMessageQueue" "GET",
    ClearClientMessageQueue = "clearClientMessageQueue" "POST",
}

/// One operation with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub op: Op,
    /// The path segment after the name: a connection id, a channel, a tag or a key.
    pub target: Option<String>,
    /// Named arguments (the query string over HTTP).
    pub args: Vec<(String, String)>,
    /// Message data (the body over HTTP).
    pub data: Bytes,
}

/// Why a call failed; each maps to a PHP exception class.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The caller passed a bad argument: `InvalidArgumentException`.
    InvalidArgument(String),
    /// No server answered: `FrankenPhpWs\ServerUnreachableException`.
    Unreachable(String),
    /// The server answered with an error: `RuntimeException`.
    Failed(String),
}

pub(crate) fn invalid(message: impl Into<String>) -> CallError {
    CallError::InvalidArgument(message.into())
}

impl Call {
    pub fn new(op: Op) -> Call {
        Call { op, target: None, args: Vec::new(), data: Bytes::new() }
    }

    pub fn target(mut self, target: impl Into<String>) -> Call {
        self.target = Some(target.into());
        self
    }

    pub fn arg(mut self, name: &str, value: impl ToString) -> Call {
        self.args.push((name.to_string(), value.to_string()));
        self
    }

    pub fn opt_arg(self, name: &str, value: Option<impl ToString>) -> Call {
        match value {
            Some(value) => self.arg(name, value),
            None => self,
        }
    }

    pub fn data(mut self, data: Bytes) -> Call {
        self.data = data;
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(crate) fn need(&self, name: &str) -> Result<&str, CallError> {
        self.get(name).ok_or_else(|| invalid(format!("{}: argument '{name}' is missing", self.op.name())))
    }

    pub(crate) fn subject(&self) -> Result<&str, CallError> {
        match self.target.as_deref() {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(invalid(format!("{}: the {} must not be empty", self.op.name(), self.target_kind()))),
        }
    }

    pub(crate) fn target_kind(&self) -> &'static str {
        match self.op {
            Op::Broadcast | Op::GetChannelUsers => "channel",
            Op::BroadcastToUser | Op::DisconnectUser | Op::GetUserConnections | Op::GetPresence => "user id",
            Op::GetClientsByTag | Op::GetTagCount | Op::SendToTag => "tag",
            Op::GlobalSet | Op::GlobalGet | Op::GlobalHas | Op::GlobalDelete => "key",
            _ => "connection id",
        }
    }

    pub(crate) fn number(&self, name: &str, default: i64) -> Result<i64, CallError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n),
                _ => Err(invalid(format!("{}: '{name}' must be an integer >= 0, got '{raw}'", self.op.name()))),
            },
        }
    }

    pub(crate) fn route(&self) -> Result<Option<&str>, CallError> {
        match self.get("route") {
            Some(r) if !r.starts_with('/') => {
                Err(invalid(format!("route must be a path starting with '/', got '{r}'")))
            }
            other => Ok(other),
        }
    }

    pub(crate) fn tag_arg(&self, tag: &str) -> Result<(), CallError> {
        validate_tag(tag).map_err(invalid)
    }

    pub(crate) fn expression(&self) -> Result<tag_expression::Expr, CallError> {
        tag_expression::parse(self.need("expression")?).map_err(invalid)
    }

    pub(crate) fn matcher(&self) -> Result<Matcher, CallError> {
        Matcher::new(self.need("op")?, self.need("value")?).map_err(invalid)
    }

    /// Checks the arguments before anything is sent, so a bad call fails the same way
    /// wherever it runs.
    pub fn validate(&self) -> Result<(), CallError> {
        self.route()?;
        match self.op {
            Op::GetClients | Op::GetClientsCount | Op::ListRoutes | Op::GetChannels | Op::SendAll => {}
            Op::GetTags => {
                if let Some(id) = &self.target {
                    if id.is_empty() {
                        return Err(invalid("getTags: the connection id must not be empty"));
                    }
                }
            }
            Op::Broadcast | Op::GetChannelUsers => validate_channel(self.subject()?).map_err(invalid)?,
            Op::SetPresence => {
                self.subject()?;
                protocol::presence_status(self.need("status")?).map_err(invalid)?;
            }
            Op::Subscribe | Op::Unsubscribe | Op::DenySubscription => {
                self.subject()?;
                validate_channel(self.need("channel")?).map_err(invalid)?;
            }
            Op::GetClientsByTag | Op::GetTagCount | Op::SendToTag => self.tag_arg(self.subject()?)?,
            Op::TagClient | Op::UntagClient => {
                self.subject()?;
                self.tag_arg(self.need("tag")?)?;
            }
            Op::SendToTagExpression | Op::GetClientsByTagExpression => {
                self.expression()?;
            }
            Op::SearchStoredInformation => {
                self.need("key")?;
                self.matcher()?;
            }
            Op::RenameConnection => {
                self.subject()?;
                if self.need("new_id")?.is_empty() {
                    return Err(invalid("renameConnection: the new id must not be empty"));
                }
            }
            Op::GlobalSet => {
                self.subject()?;
                self.need("value")?;
                self.number("expire", 0)?;
            }
            Op::SetStoredInformation => {
                self.subject()?;
                self.need("key")?;
                self.need("value")?;
            }
            Op::GetStoredInformation | Op::DeleteStoredInformation | Op::HasStoredInformation => {
                self.subject()?;
                self.need("key")?;
            }
            Op::EnablePing => {
                self.subject()?;
                self.number("interval", 0)?;
            }
            Op::EnableQueueCounter => {
                self.subject()?;
                self.number("max", 100)?;
                self.number("max_time", 3600)?;
            }
            _ => {
                self.subject()?;
            }
        }
        Ok(())
    }
}

