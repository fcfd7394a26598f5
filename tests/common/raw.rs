//! A handshake written by hand, for tests that look at the answer's headers or speak the
//! wire themselves.

use super::Worker;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Asks `worker` for an upgrade of `/ws?tag=TAG` with these extra headers (a name may come
/// several times); the socket and the response head, lower-cased. Asserts a `101`.
pub async fn raw_handshake(
    worker: &Worker,
    tag: &str,
    headers: &[(&str, &str)],
) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(worker.listen).await.unwrap();
    let mut request = format!(
        "GET /ws?tag={tag} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
        worker.listen
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).await.unwrap(),
            1,
            "the server answered"
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    (stream, head)
}
