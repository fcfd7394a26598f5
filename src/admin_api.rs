//! How a `Call` travels over the admin API (api.md 8): `POST /frankenphp_ws/broadcast/{channel}`,
//! `GET /frankenphp_ws/getClients?route=`, … Both directions live here, so the server's routes
//! and the out-of-process client agree by construction.

use crate::node::{Call, CallError};
use crate::server::http::{parse_query, percent_decode, percent_encode};
use bytes::Bytes;

pub const PREFIX: &str = "/frankenphp_ws/";

#[derive(Debug, Clone, PartialEq)]
pub struct AdminRequest {
    pub method: &'static str,
    pub name: &'static str,
    /// The path segment after the name (an id or a channel), decoded.
    pub arg: Option<String>,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
}

impl AdminRequest {
    fn new(method: &'static str, name: &'static str) -> Self {
        AdminRequest { method, name, arg: None, query: vec![], body: Bytes::new() }
    }

    fn arg(mut self, arg: &str) -> Self {
        self.arg = Some(arg.to_string());
        self
    }

    fn query(mut self, key: &str, value: Option<&str>) -> Self {
        if let Some(value) = value {
            self.query.push((key.to_string(), value.to_string()));
        }
        self
    }

    fn body(mut self, body: &Bytes) -> Self {
        self.body = body.clone();
        self
    }

    /// The request target: path and query string.
    pub fn target(&self) -> String {
        let mut target = format!("{PREFIX}{}", self.name);
        if let Some(arg) = &self.arg {
            target.push('/');
            target.push_str(&percent_encode(arg));
        }
        for (i, (k, v)) in self.query.iter().enumerate() {
            target.push(if i == 0 { '?' } else { '&' });
            target.push_str(&format!("{}={}", percent_encode(k), percent_encode(v)));
        }
        target
    }
}

impl Call {
    pub fn to_request(&self) -> AdminRequest {
        use AdminRequest as R;
        match self {
            Call::Broadcast { channel, data } => R::new("POST", "broadcast").arg(channel).body(data),
            Call::Send { id, data, route, binary } => {
                R::new("POST", if *binary { "sendBinary" } else { "send" })
                    .arg(id)
                    .query("route", route.as_deref())
                    .body(data)
            }
            Call::SendAll { data, route } => {
                R::new("POST", "sendAll").query("route", route.as_deref()).body(data)
            }
            Call::GetClients { route } => R::new("GET", "getClients").query("route", route.as_deref()),
            Call::GetClientsCount { route } => {
                R::new("GET", "getClientsCount").query("route", route.as_deref())
            }
            Call::KillConnection { id } => R::new("POST", "killConnection").arg(id),
            Call::ListRoutes => R::new("GET", "listRoutes"),
            Call::Subscribe { id, channel } => {
                R::new("POST", "subscribe").arg(id).query("channel", Some(channel))
            }
            Call::Unsubscribe { id, channel } => {
                R::new("POST", "unsubscribe").arg(id).query("channel", Some(channel))
            }
            Call::GetSubscriptions { id } => R::new("GET", "getSubscriptions").arg(id),
            Call::GetChannels => R::new("GET", "getChannels"),
        }
    }

    /// Parses a request under `/frankenphp_ws/`. `Ok(None)`: no such endpoint.
    pub fn from_request(
        method: &str,
        path_and_query: &str,
        body: Bytes,
    ) -> Result<Option<Call>, CallError> {
        let Some(rest) = path_and_query.strip_prefix(PREFIX) else { return Ok(None) };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let query = parse_query(query);
        let (name, arg) = match path.split_once('/') {
            Some((name, arg)) => (name, Some(percent_decode(arg))),
            None => (path, None),
        };
        let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let route = get("route");
        let need_arg = |what: &str| {
            arg.clone().filter(|a| !a.is_empty()).ok_or_else(|| {
                CallError::InvalidArgument(format!("{PREFIX}{name}/{{{what}}}: the {what} is missing from the path"))
            })
        };
        let channel = || {
            get("channel").ok_or_else(|| {
                CallError::InvalidArgument(format!("{PREFIX}{name}: the channel query parameter is missing"))
            })
        };
        let (expected, call) = match name {
            "broadcast" => ("POST", Call::Broadcast { channel: need_arg("channel")?, data: body }),
            "send" | "sendBinary" => (
                "POST",
                Call::Send { id: need_arg("id")?, data: body, route, binary: name == "sendBinary" },
            ),
            "sendAll" => ("POST", Call::SendAll { data: body, route }),
            "getClients" => ("GET", Call::GetClients { route }),
            "getClientsCount" => ("GET", Call::GetClientsCount { route }),
            "killConnection" => ("POST", Call::KillConnection { id: need_arg("id")? }),
            "listRoutes" => ("GET", Call::ListRoutes),
            "subscribe" => ("POST", Call::Subscribe { id: need_arg("id")?, channel: channel()? }),
            "unsubscribe" => ("POST", Call::Unsubscribe { id: need_arg("id")?, channel: channel()? }),
            "getSubscriptions" => ("GET", Call::GetSubscriptions { id: need_arg("id")? }),
            "getChannels" => ("GET", Call::GetChannels),
            _ => return Ok(None),
        };
        if method != expected {
            return Err(CallError::InvalidArgument(format!("{PREFIX}{name} takes {expected}, not {method}")));
        }
        Ok(Some(call))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_round_trips() {
        let data = Bytes::from_static(b"\x00payload");
        let calls = vec![
            Call::Broadcast { channel: "news/a:b".into(), data: data.clone() },
            Call::Send { id: "abc".into(), data: data.clone(), route: Some("/ws/x".into()), binary: false },
            Call::Send { id: "abc".into(), data: data.clone(), route: None, binary: true },
            Call::SendAll { data: data.clone(), route: None },
            Call::GetClients { route: Some("/ws".into()) },
            Call::GetClientsCount { route: None },
            Call::KillConnection { id: "abc".into() },
            Call::ListRoutes,
            Call::Subscribe { id: "abc".into(), channel: "c&d".into() },
            Call::Unsubscribe { id: "abc".into(), channel: "c".into() },
            Call::GetSubscriptions { id: "abc".into() },
            Call::GetChannels,
        ];
        for call in calls {
            let req = call.to_request();
            let back = Call::from_request(req.method, &req.target(), req.body.clone()).unwrap();
            assert_eq!(back, Some(call));
        }
    }

    #[test]
    fn wrong_method_and_unknown_names() {
        assert!(Call::from_request("GET", "/frankenphp_ws/broadcast/x", Bytes::new()).is_err());
        assert_eq!(Call::from_request("GET", "/frankenphp_ws/nope", Bytes::new()), Ok(None));
        assert_eq!(Call::from_request("GET", "/other", Bytes::new()), Ok(None));
    }
}
