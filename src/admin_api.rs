//! How a `Call` travels over the admin API: `POST /frankenphp_ws/{op}/{target}` with
//! the other arguments in the query string and the data as the body; `GET` for reads. Both
//! directions live here, so the server's routes and the out-of-process client agree by
//! construction.

use crate::node::{Call, CallError, Op};
use crate::server::http::{parse_query, percent_decode, percent_encode};
use bytes::Bytes;

pub const PREFIX: &str = "/frankenphp_ws/";

impl Call {
    /// The request target: path and query string.
    pub fn request_target(&self) -> String {
        let mut target = format!("{PREFIX}{}", self.op.name());
        if let Some(t) = &self.target {
            target.push('/');
            target.push_str(&percent_encode(t));
        }
        for (i, (k, v)) in self.args.iter().enumerate() {
            target.push(if i == 0 { '?' } else { '&' });
            target.push_str(&format!("{}={}", percent_encode(k), percent_encode(v)));
        }
        target
    }

    /// Parses a request under `/frankenphp_ws/`. `Ok(None)`: no such endpoint.
    pub fn from_request(method: &str, path_and_query: &str, body: Bytes) -> Result<Option<Call>, CallError> {
        let Some(rest) = path_and_query.strip_prefix(PREFIX) else { return Ok(None) };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (name, target) = match path.split_once('/') {
            Some((name, target)) => (name, Some(percent_decode(target))),
            None => (path, None),
        };
        let Some(op) = Op::from_name(name) else { return Ok(None) };
        if method != op.method() {
            return Err(CallError::InvalidArgument(format!(
                "{PREFIX}{name} takes {}, not {method}",
                op.method()
            )));
        }
        Ok(Some(Call { op, target, args: parse_query(query), data: body }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_round_trips() {
        for &op in Op::ALL {
            let call = Call::new(op)
                .target("news/a b:c&d")
                .arg("route", "/ws/x")
                .arg("expression", "(a|b)&!c")
                .data(Bytes::from_static(b"\x00payload"));
            let back = Call::from_request(op.method(), &call.request_target(), call.data.clone()).unwrap();
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
