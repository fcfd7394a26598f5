//! The admin API's human endpoints: `METHOD /frankenphp_ws/{name}[/{target}][?args]`, one per
//! PHP function, for curl and dashboards. Each request becomes the same typed `Op` as a PHP
//! call: the target is the path segment after the name, a `Bytes` argument is the request
//! body, and every other argument is the query parameter of its field's name (the table in
//! `ops!`). Processes that host no server use the binary codec instead (`codec`).

use super::{Expression, Filter, Kind, Op, OpError};
use crate::server::http::{parse_query, percent_decode};
use bytes::Bytes;

pub const PREFIX: &str = "/frankenphp_ws/";

/// An admin request under `PREFIX`, split up.
pub struct Request {
    kind: Kind,
    target: Option<String>,
    query: Vec<(String, String)>,
    body: Bytes,
}

impl Request {
    fn text(&self, name: Option<&str>) -> Option<&str> {
        match name {
            None => self.target.as_deref(),
            Some(name) => self
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
        }
    }

    fn missing(&self, name: Option<&str>) -> OpError {
        let name_of_op = self.kind.name();
        OpError::InvalidArgument(match name {
            None => format!("{PREFIX}{name_of_op} needs a target: {PREFIX}{name_of_op}/<target>"),
            Some(name) => format!("{name_of_op}: query argument '{name}' is missing"),
        })
    }
}

/// Parses a request under `/frankenphp_ws/`. `Ok(None)`: no such endpoint.
pub fn parse(method: &str, path_and_query: &str, body: Bytes) -> Result<Option<Op>, OpError> {
    let Some(rest) = path_and_query.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (name, target) = match path.split_once('/') {
        Some((name, target)) => (name, Some(percent_decode(target))),
        None => (path, None),
    };
    let Some(kind) = Kind::from_name(name) else {
        return Ok(None);
    };
    if method != kind.method() {
        return Err(OpError::InvalidArgument(format!(
            "{PREFIX}{name} takes {}, not {method}",
            kind.method()
        )));
    }
    let op = Op::from_rest(
        kind,
        &Request {
            kind,
            target,
            query: parse_query(query),
            body,
        },
    )?;
    from_application(op).map(Some)
}

/// An op the application sends (through the admin API, as through PHP) may not name the
/// Pusher protocol's own events: a forged `pusher_internal:member_added` would enter
/// clients' member lists. Only the nodes' presence keeper sends those, never through here.
pub fn from_application(op: Op) -> Result<Op, OpError> {
    if let Op::Trigger { event, .. } = &op {
        crate::pusher::wire::check_application_event(event.as_str())
            .map_err(OpError::InvalidArgument)?;
    }
    Ok(op)
}

/// The target argument of an op.
pub(super) fn target<T: Arg>(request: &Request) -> Result<T, OpError> {
    T::from_request(request, None)
}

/// A named argument of an op, with its default when left out.
pub(super) fn field<T: Arg>(
    request: &Request,
    name: &str,
    default: Option<T>,
) -> Result<T, OpError> {
    match default {
        Some(default) if request.text(Some(name)).is_none() => Ok(default),
        _ => T::from_request(request, Some(name)),
    }
}

/// An argument as an admin request carries it. `name` None: the path target.
pub trait Arg: Sized {
    fn from_request(request: &Request, name: Option<&str>) -> Result<Self, OpError>;
}

/// Arguments written as one piece of text.
pub trait FromText: Sized {
    fn from_text(text: &str) -> Result<Self, OpError>;
}

impl<T: FromText> Arg for T {
    fn from_request(request: &Request, name: Option<&str>) -> Result<Self, OpError> {
        T::from_text(request.text(name).ok_or_else(|| request.missing(name))?)
    }
}

impl<T: FromText> Arg for Option<T> {
    fn from_request(request: &Request, name: Option<&str>) -> Result<Self, OpError> {
        request.text(name).map(T::from_text).transpose()
    }
}

/// Data and values are the body, raw bytes. A value given in the query string as well (the
/// form earlier versions took) is refused rather than silently replaced by the body.
impl Arg for Bytes {
    fn from_request(request: &Request, name: Option<&str>) -> Result<Self, OpError> {
        if let Some(name) = name.filter(|n| request.text(Some(n)).is_some()) {
            return Err(OpError::InvalidArgument(format!(
                "{}: send '{name}' as the request body, not in the query string",
                request.kind.name()
            )));
        }
        Ok(request.body.clone())
    }
}

/// A search filter is the `op` and `value` query arguments.
impl Arg for Filter {
    fn from_request(request: &Request, _: Option<&str>) -> Result<Self, OpError> {
        let text = |name| {
            request
                .text(Some(name))
                .ok_or_else(|| request.missing(Some(name)))
        };
        Filter::new(text("op")?, text("value")?)
    }
}

impl FromText for String {
    fn from_text(text: &str) -> Result<Self, OpError> {
        Ok(text.to_string())
    }
}

/// `1`/`true` or `0`/`false`, as PHP's `(string)` of a bool gives `1` or an empty string.
impl FromText for bool {
    fn from_text(text: &str) -> Result<Self, OpError> {
        match text {
            "1" | "true" => Ok(true),
            "" | "0" | "false" => Ok(false),
            _ => Err(OpError::InvalidArgument(format!(
                "expected 1, true, 0 or false, got {text:?}"
            ))),
        }
    }
}

impl FromText for u64 {
    fn from_text(text: &str) -> Result<Self, OpError> {
        text.parse().map_err(|_| {
            OpError::InvalidArgument(format!("expected an integer >= 0, got {text:?}"))
        })
    }
}

macro_rules! from_text {
    ($($ty:ident)*) => {$(
        impl FromText for super::$ty {
            fn from_text(text: &str) -> Result<Self, OpError> {
                super::$ty::new(text)
            }
        }
    )*};
}

from_text!(Id Channel UserId Tag Key Route Presence EventName);

impl FromText for Expression {
    fn from_text(text: &str) -> Result<Self, OpError> {
        Expression::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_queries_bodies_and_defaults() {
        let op = parse(
            "POST",
            "/frankenphp_ws/send/a%20b?route=%2Fws",
            Bytes::from_static(b"\xff"),
        )
        .unwrap();
        assert_eq!(
            op,
            Some(Op::Send {
                id: super::super::Id::new("a b").unwrap(),
                data: Bytes::from_static(b"\xff"),
                route: Some(super::super::Route::new("/ws").unwrap()),
            })
        );
        let op = parse(
            "POST",
            "/frankenphp_ws/enableQueueCounter/x?max=5",
            Bytes::new(),
        )
        .unwrap()
        .unwrap();
        assert!(matches!(
            op,
            Op::EnableQueueCounter {
                max: 5,
                max_time: 3600,
                ..
            }
        ));
        assert!(matches!(
            parse("GET", "/frankenphp_ws/getTags", Bytes::new()),
            Ok(Some(Op::GetTags { id: None }))
        ));
    }

    #[test]
    fn wrong_method_unknown_names_and_bad_arguments() {
        assert!(parse("GET", "/frankenphp_ws/broadcast/x", Bytes::new()).is_err());
        assert_eq!(parse("GET", "/frankenphp_ws/nope", Bytes::new()), Ok(None));
        assert_eq!(parse("GET", "/other", Bytes::new()), Ok(None));
        assert!(
            parse("POST", "/frankenphp_ws/send", Bytes::new()).is_err(),
            "no target"
        );
        assert!(
            parse("POST", "/frankenphp_ws/subscribe/x", Bytes::new()).is_err(),
            "no channel"
        );
        assert!(parse(
            "POST",
            "/frankenphp_ws/enablePing/x?interval=-1",
            Bytes::new()
        )
        .is_err());
        assert!(parse(
            "GET",
            "/frankenphp_ws/getClientsByTagExpression?expression=(a",
            Bytes::new()
        )
        .is_err());
        let old_form = parse("POST", "/frankenphp_ws/global_set/k?value=v", Bytes::new());
        assert!(
            format!("{old_form:?}").contains("request body"),
            "{old_form:?}"
        );
    }
}
