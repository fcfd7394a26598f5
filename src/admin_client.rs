//! The client side of the admin API: how a PHP process that hosts no server (php-fpm, a CLI
//! script) runs an `Op` on the process that does: `POST /frankenphp_ws` with the op in the
//! binary codec, answered in the codec. Blocking std I/O with timeouts: it runs on the PHP
//! thread, and there is no tokio runtime in such a process.

use crate::ops::{codec, Op, OpError, Reply};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The admin API's codec endpoint.
pub const ENDPOINT: &str = "/frankenphp_ws";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

pub struct AdminClient {
    /// `host:port` from `admin_url`.
    authority: String,
    url: String,
    token: String,
}

impl AdminClient {
    pub fn new(admin_url: &str, token: &str) -> Result<Self, OpError> {
        let rest = admin_url.strip_prefix("http://").ok_or_else(|| {
            OpError::InvalidArgument(format!(
                "frankenphp_ws.admin_url must start with http://, got '{admin_url}'"
            ))
        })?;
        let mut authority = rest.split('/').next().unwrap_or("").to_string();
        if authority.is_empty() {
            return Err(OpError::InvalidArgument(format!(
                "frankenphp_ws.admin_url has no host: '{admin_url}'"
            )));
        }
        if !authority
            .rsplit_once(':')
            .is_some_and(|(_, port)| !port.contains(']'))
        {
            authority.push_str(":80");
        }
        Ok(AdminClient {
            authority,
            url: admin_url.to_string(),
            token: token.to_string(),
        })
    }

    pub fn execute(&self, op: &Op) -> Result<Reply, OpError> {
        let (status, body) = self.exchange("POST", ENDPOINT, &codec::encode_op(op))?;
        match status {
            200 => codec::decode_answer(&body).map_err(|why| {
                OpError::Failed(format!("the server at {} answered {}: {why}", self.url, op.kind().name()))
            })?,
            401 => Err(OpError::Unreachable(format!(
                "the server at {} refused the call (401): set frankenphp_ws.admin_token to its token",
                self.url
            ))),
            _ => Err(OpError::Failed(format!("the server at {} answered {status}: {}", self.url, error_text(&body)))),
        }
    }

    fn unreachable(&self, why: impl std::fmt::Display) -> OpError {
        OpError::Unreachable(format!(
            "no frankenphp_ws server reachable at {} ({why}); start a worker that calls \
             frankenphp_ws_start() or frankenphp_ws_get_event(), or set frankenphp_ws.admin_url",
            self.url
        ))
    }

    fn exchange(&self, method: &str, target: &str, body: &[u8]) -> Result<(u16, Vec<u8>), OpError> {
        // `localhost` may resolve to ::1 first while the server listens on 127.0.0.1: try each.
        let mut failure = self.unreachable("the host has no address");
        let mut connected = None;
        for addr in self
            .authority
            .to_socket_addrs()
            .map_err(|e| self.unreachable(e))?
        {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(stream) => {
                    connected = Some((stream, addr));
                    break;
                }
                Err(e) => failure = self.unreachable(e),
            }
        }
        let (mut stream, addr) = connected.ok_or(failure)?;
        // Without an IPv6 scope id: `Host` has no room for one.
        let addr = std::net::SocketAddr::new(addr.ip(), addr.port());
        let _ = stream.set_nodelay(true);
        stream
            .set_read_timeout(Some(IO_TIMEOUT))
            .map_err(|e| self.unreachable(e))?;
        stream
            .set_write_timeout(Some(IO_TIMEOUT))
            .map_err(|e| self.unreachable(e))?;
        // Host is the address connected to, not the name in admin_url: the admin API answers
        // only to its own address and loopback names (its guard against DNS rebinding).
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Connection: close\r\n",
            codec::CONTENT_TYPE,
            body.len()
        );
        if !self.token.is_empty() {
            head.push_str(&format!("Authorization: Bearer {}\r\n", self.token));
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        stream
            .write_all(&request)
            .map_err(|e| self.unreachable(e))?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| self.unreachable(e))?;
        parse_response(&response).ok_or_else(|| self.unreachable("malformed HTTP answer"))
    }
}

/// The `error` of a JSON answer (refusals before the codec: 403, 413, …).
fn error_text(body: &[u8]) -> String {
    let doc: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    doc.get("error")
        .and_then(Value::as_str)
        .unwrap_or("unknown error")
        .to_string()
}

/// Splits an HTTP/1.1 response into status and body (Content-Length or read-to-close).
fn parse_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let body = &raw[end + 4..];
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    let body = match length {
        Some(n) if n <= body.len() => &body[..n],
        _ => body,
    };
    Some((status, body.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_response() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n{\"result\":1}\nextra";
        assert_eq!(
            parse_response(raw),
            Some((200, b"{\"result\":1}\n".to_vec()))
        );
    }

    #[test]
    fn host_is_the_address_connected_to_not_the_name() {
        // The admin API refuses host names (DNS rebinding): a name in admin_url must not reach it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            // Read the body too: closing with unread input would reset the connection.
            let text = String::from_utf8_lossy(&head).to_lowercase();
            let length: usize = text
                .split("content-length: ")
                .nth(1)
                .and_then(|v| v.split("\r\n").next())
                .unwrap()
                .parse()
                .unwrap();
            stream.read_exact(&mut vec![0; length]).unwrap();
            let answer = codec::encode_answer(&Ok(Reply::Count(1)));
            stream
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                        answer.len()
                    )
                    .as_bytes(),
                )
                .unwrap();
            stream.write_all(&answer).unwrap();
            String::from_utf8(head).unwrap()
        });
        let client = AdminClient::new(&format!("http://localhost:{port}"), "").unwrap();
        assert_eq!(client.execute(&Op::ListRoutes {}).unwrap(), Reply::Count(1));
        let head = server.join().unwrap();
        assert!(
            head.contains(&format!("\r\nHost: 127.0.0.1:{port}\r\n")),
            "{head}"
        );
    }

    #[test]
    fn unreachable_server_is_reported_with_its_address() {
        let client = AdminClient::new("http://127.0.0.1:1", "").unwrap();
        match client.execute(&Op::ListRoutes {}) {
            Err(OpError::Unreachable(m)) => assert!(m.contains("127.0.0.1:1"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
