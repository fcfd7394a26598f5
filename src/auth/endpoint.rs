//! The call to the PHP `auth_endpoint`: one HTTP/1.1 GET per handshake carrying the
//! client's credentials, answered by the application (its session, its users).

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::header::HOST;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The application's answer is read up to this size.
const MAX_ANSWER: usize = 16 * 1024;

/// What the handshake forwards to the endpoint.
#[derive(Debug, Default, Clone)]
pub struct Credentials {
    pub cookie: Option<String>,
    pub authorization: Option<String>,
    pub origin: Option<String>,
    /// The client's `X-Forwarded-For` with the client's own address appended, as a proxy does.
    pub forwarded_for: String,
    /// The requested path and query, sent as `X-Original-URI`.
    pub uri: String,
}

/// An `http://host:port/path` endpoint, parsed once.
#[derive(Debug, Clone)]
pub struct Endpoint {
    authority: String,
    path_and_query: String,
}

impl Endpoint {
    /// For logs: without the query string, which may hold a key.
    pub fn url(&self) -> String {
        let path = self.path_and_query.split('?').next().unwrap_or("");
        format!("http://{}{path}", self.authority)
    }

    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("auth_endpoint must be an http:// URL, got '{url}'"))?;
        let (authority, path) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            return Err(format!("auth_endpoint has no host: '{url}'"));
        }
        let authority = if authority.contains(':') {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        Ok(Endpoint {
            authority,
            path_and_query: path.to_string(),
        })
    }

    /// Asks the endpoint; returns its status and body. Errors are network failures (the caller
    /// bounds the time).
    pub async fn ask(&self, credentials: &Credentials) -> Result<(StatusCode, Bytes), String> {
        let stream = TcpStream::connect(&self.authority)
            .await
            .map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        let connection = tokio::spawn(connection);
        let mut request = Request::get(&self.path_and_query)
            .header(HOST, &self.authority)
            .header("x-forwarded-for", &credentials.forwarded_for)
            .header("x-original-uri", &credentials.uri);
        for (name, value) in [
            ("cookie", &credentials.cookie),
            ("authorization", &credentials.authorization),
            ("origin", &credentials.origin),
        ] {
            if let Some(value) = value {
                request = request.header(name, value);
            }
        }
        let request = request
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        let answer = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = answer.status();
        let body = Limited::new(answer.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        connection.abort();
        Ok((status, body))
    }
}

/// The user id in a 2xx answer: the JSON body's `user_id` (string or number), else the trimmed
/// plain-text body; `None` when the answer names nobody.
pub fn user_of(body: &[u8]) -> Option<String> {
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(object) = doc.as_object() {
            return match object.get("user_id") {
                Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
        }
    }
    let text = String::from_utf8_lossy(body).trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_from_json_or_text() {
        assert_eq!(user_of(br#"{"user_id":"u1"}"#), Some("u1".into()));
        assert_eq!(user_of(br#"{"user_id":7}"#), Some("7".into()));
        assert_eq!(user_of(br#"{"ok":true}"#), None);
        assert_eq!(user_of(b"  bob \n"), Some("bob".into()));
        assert_eq!(user_of(b""), None);
    }

    #[test]
    fn endpoint_urls() {
        let e = Endpoint::parse("http://127.0.0.1:8000/auth.php?x=1").unwrap();
        assert_eq!(
            (e.authority.as_str(), e.path_and_query.as_str()),
            ("127.0.0.1:8000", "/auth.php?x=1")
        );
        assert_eq!(
            Endpoint::parse("http://localhost").unwrap().authority,
            "localhost:80"
        );
        assert!(Endpoint::parse("https://x/").is_err());
    }
}
