//! Operations: everything PHP (or the admin API) can ask of the server, as typed values.
//!
//! An `Op` carries typed, already-checked arguments (`values`) and `Bytes` for data. It is
//! executed in-process as is (`execute`), with no string or JSON round trip, and the very same
//! value travels between processes in the binary codec (`codec`): from a php-fpm request to
//! the admin API, and between nodes through Redis. Every `Op` enters the server through
//! one routing point, `Node::route` (`router`), which counts it and decides where it runs.
//!
//! Adding an operation: one line in `ops!` below, its arm in `execute`, and its PHP binding.
//! The admin API's per-function endpoints (`rest`) follow from the line.
//!
//! Layout: `values` (argument types and their rules), `reply` (answers and errors), `codec`
//! (MessagePack), `rest` (the admin API's human endpoints), `router`, `execute`.

pub mod codec;
mod execute;
pub mod reply;
pub mod rest;
pub mod router;
pub mod values;

pub use reply::{HistoryEntry, OpError, Reply};
pub use values::*;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// An argument's default on the admin API, where the PHP function has one.
macro_rules! default {
    () => {
        None
    };
    ($default:expr) => {
        Some($default)
    };
}

/// The connection an operation addresses, from its path target: an `Id` is one, an optional
/// `Id` may be, anything else (a channel, user, tag or key) is not.
trait Addressed {
    fn connection(&self) -> Option<&Id> {
        None
    }
}

impl Addressed for Id {
    fn connection(&self) -> Option<&Id> {
        Some(self)
    }
}

impl Addressed for Option<Id> {
    fn connection(&self) -> Option<&Id> {
        self.as_ref()
    }
}

impl Addressed for Channel {}
impl Addressed for UserId {}
impl Addressed for Tag {}
impl Addressed for Key {}

macro_rules! connection_of {
    () => {
        None
    };
    ($target:ident) => {
        Addressed::connection($target)
    };
}

macro_rules! ops {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal $method:literal [$($target:ident: $target_ty:ty)?] { $($field:ident: $ty:ty $(= $default:expr)?),* }
    )*) => {
        /// One operation with its arguments. Serialised by name (`codec`), so a node running
        /// an older build refuses an operation it does not know instead of misreading it.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum Op {
            $($(#[$doc])* #[serde(rename = $name)] $variant { $($target: $target_ty,)? $($field: $ty),* },)*
        }

        /// Which operation, without its arguments: names, HTTP methods and dispatch counts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The PHP function's short name, which is also its admin endpoint.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            /// The admin endpoint's HTTP method: GET for reads, POST for changes.
            pub fn method(self) -> &'static str {
                match self { $(Kind::$variant => $method,)* }
            }

            pub fn from_name(name: &str) -> Option<Kind> {
                match name { $($name => Some(Kind::$variant),)* _ => None }
            }
        }

        impl Op {
            pub fn kind(&self) -> Kind {
                match self { $(Op::$variant { .. } => Kind::$variant,)* }
            }

            /// The connection this operation addresses, if it addresses one: it runs on the
            /// node that holds that connection.
            pub fn connection(&self) -> Option<&Id> {
                match self { $(Op::$variant { $($target,)? .. } => connection_of!($($target)?),)* }
            }

            /// Builds an operation from an admin request: the target is the path segment
            /// after the name, `Bytes` arguments are the body, the others the query string.
            pub(crate) fn from_rest(kind: Kind, request: &rest::Request) -> Result<Op, OpError> {
                match kind {
                    $(Kind::$variant => Ok(Op::$variant {
                        $($target: rest::target(request)?,)?
                        $($field: rest::field(request, stringify!($field), default!($($default)?))?),*
                    }),)*
                }
            }
        }
    };
}

ops! {
    /// Publish to a channel's subscribers, on every node.
    Broadcast = "broadcast" "POST" [channel: Channel] { data: Bytes, binary: bool = false }
    /// A named event to a channel's subscribers, on every node: `{"event","channel","data"}`
    /// to native and Pusher clients alike, except the connection `except`. `user_id`: the
    /// member of a presence channel who sent it (a Pusher client event).
    Trigger = "trigger" "POST" [channel: Channel] { event: EventName, data: Bytes, except: Option<Id>, user_id: Option<UserId> }
    Send = "send" "POST" [id: Id] { data: Bytes, route: Option<Route> }
    SendBinary = "sendBinary" "POST" [id: Id] { data: Bytes }
    SendAll = "sendAll" "POST" [] { data: Bytes, route: Option<Route>, binary: bool = false }
    GetClients = "getClients" "GET" [] { route: Option<Route> }
    GetClientsCount = "getClientsCount" "GET" [] { route: Option<Route> }
    KillConnection = "killConnection" "POST" [id: Id] {}
    ListRoutes = "listRoutes" "GET" [] {}
    Subscribe = "subscribe" "POST" [id: Id] { channel: Channel }
    DenySubscription = "denySubscription" "POST" [id: Id] { channel: Channel, reason: Option<String> }
    Unsubscribe = "unsubscribe" "POST" [id: Id] { channel: Channel }
    GetSubscriptions = "getSubscriptions" "GET" [id: Id] {}
    GetChannels = "getChannels" "GET" [] {}
    /// How many connections are subscribed to a channel, on every node.
    GetChannelCount = "getChannelCount" "GET" [channel: Channel] {}
    /// `event`: a named event, `{"event","channel","data"}` on the user's channel
    /// (`#server-to-user-{id}`), as the Pusher HTTP API sends to a signed-in user.
    BroadcastToUser = "broadcastToUser" "POST" [user: UserId] { data: Bytes, binary: bool = false, event: Option<EventName> }
    DisconnectUser = "disconnectUser" "POST" [user: UserId] {}
    GetChannelUsers = "getChannelUsers" "GET" [channel: Channel] {}
    GetUserConnections = "getUserConnections" "GET" [user: UserId] {}
    SetPresence = "setPresence" "POST" [id: Id] { status: Presence }
    GetPresence = "getPresence" "GET" [user: UserId] {}
    ActivateGhost = "activateGhost" "POST" [id: Id] {}
    ReleaseGhost = "releaseGhost" "POST" [id: Id] {}
    IsGhost = "isGhost" "GET" [id: Id] {}
    GetResumeToken = "getResumeToken" "POST" [id: Id] {}
    RenameConnection = "renameConnection" "POST" [id: Id] { new_id: Id }
    TagClient = "tagClient" "POST" [id: Id] { tag: Tag }
    UntagClient = "untagClient" "POST" [id: Id] { tag: Tag }
    ClearTagClient = "clearTagClient" "POST" [id: Id] {}
    /// The tags of one connection; without an id, every tag in use.
    GetTags = "getTags" "GET" [id: Option<Id>] {}
    GetClientsByTag = "getClientsByTag" "GET" [tag: Tag] {}
    GetTagCount = "getTagCount" "GET" [tag: Tag] {}
    SendToTag = "sendToTag" "POST" [tag: Tag] { data: Bytes, route: Option<Route>, binary: bool = false }
    SendToTagExpression = "sendToTagExpression" "POST" [] { expression: Expression, data: Bytes, route: Option<Route>, binary: bool = false }
    GetClientsByTagExpression = "getClientsByTagExpression" "GET" [] { expression: Expression }
    SetStoredInformation = "setStoredInformation" "POST" [id: Id] { key: String, value: Bytes }
    GetStoredInformation = "getStoredInformation" "GET" [id: Id] { key: String }
    DeleteStoredInformation = "deleteStoredInformation" "POST" [id: Id] { key: String }
    ClearStoredInformation = "clearStoredInformation" "POST" [id: Id] {}
    HasStoredInformation = "hasStoredInformation" "GET" [id: Id] { key: String }
    ListStoredInformationKeys = "listStoredInformationKeys" "GET" [id: Id] {}
    SearchStoredInformation = "searchStoredInformation" "GET" [] { key: String, filter: Filter, route: Option<Route> }
    /// `expire` in seconds; 0 keeps the value until deleted.
    GlobalSet = "global_set" "POST" [key: Key] { value: Bytes, expire: u64 = 0 }
    GlobalGet = "global_get" "GET" [key: Key] {}
    GlobalHas = "global_has" "GET" [key: Key] {}
    GlobalDelete = "global_delete" "POST" [key: Key] {}
    /// `interval` in milliseconds; 0 pings once.
    EnablePing = "enablePing" "POST" [id: Id] { interval: u64 = 0 }
    DisablePing = "disablePing" "POST" [id: Id] {}
    GetClientPingTime = "getClientPingTime" "GET" [id: Id] {}
    /// Keep the last `max` messages for `max_time` seconds.
    EnableQueueCounter = "enableQueueCounter" "POST" [id: Id] { max: u64 = 100, max_time: u64 = 3600 }
    DisableQueueCounter = "disableQueueCounter" "POST" [id: Id] {}
    GetClientMessageCounter = "getClientMessageCounter" "GET" [id: Id] {}
    GetClientMessageQueue = "getClientMessageQueue" "GET" [id: Id] {}
    ClearClientMessageQueue = "clearClientMessageQueue" "POST" [id: Id] {}
}
