//! Small HTTP helpers shared by the WebSocket handshake and the admin API.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};

pub type Body = Full<Bytes>;

pub fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(body.into()))
        .expect("static response parts are valid")
}

pub fn text(status: StatusCode, body: impl Into<String>) -> Response<Body> {
    respond(status, "text/plain; charset=utf-8", body.into())
}

/// Decodes `%XX` and `+` (a space) in a query's component.
pub fn percent_decode(s: &str) -> String {
    decode(s, true)
}

/// Decodes `%XX` in a path's segment (where `+` is itself).
pub fn percent_decode_path(s: &str) -> String {
    decode(s, false)
}

fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let (high, low) = (bytes[i + 1], bytes[i + 2]);
                if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() {
                    let digit = |d: u8| (d as char).to_digit(16).expect("a hex digit") as u8;
                    out.push(digit(high) << 4 | digit(low));
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a URL component: every byte but `A-Z a-z 0-9 - . _ ~` as `%XX`.
pub fn percent_encode(s: &str) -> String {
    use std::fmt::Write;
    s.bytes().fold(String::with_capacity(s.len()), |mut out, b| {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

/// Parses `a=1&b=2` into ordered pairs.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

/// Compares secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("news%2Fa%20b%3Ac%26d%3D%C3%A9"),
            "news/a b:c&d=é"
        );
        assert_eq!(percent_decode("100%"), "100%");
        let raw = "a b&c=d%é/";
        assert_eq!(percent_decode(&percent_encode(raw)), raw);
        assert_eq!(percent_decode("%4"), "%4");
        // `%+1` is no byte: the `%` stays (and in a query, `+` is a space).
        assert_eq!(percent_decode_path("%+1"), "%+1");
        assert_eq!(percent_decode("%+1"), "% 1");
        assert_eq!(percent_decode_path("a+b%40x"), "a+b@x");
        assert_eq!(
            parse_query("a=1&b=x%20y&c"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "".into())
            ]
        );
    }
}
