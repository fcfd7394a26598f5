//! permessage-deflate (RFC 7692) through the real server and a PHP worker, with a client that
//! speaks the wire itself, so each frame's RSV1 bit (compressed or not) can be seen:
//! - a client that offers it gets compressed messages from the size threshold on, and a
//!   client on the same channel that does not offer it gets the same broadcast plain;
//! - compressed messages from the client reach the worker inflated;
//! - a message that inflates past `max_message_size` closes its connection with 1009, and no
//!   other;
//! - `compression=off` answers no offer.

mod common;

use common::*;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const OFFER: &str = "permessage-deflate; client_max_window_bits";

/// A client that writes and reads frames itself.
struct Raw {
    stream: TcpStream,
    /// The handshake's response head, lower-cased.
    head: String,
}

/// A frame as received: its first byte (FIN, RSV1, opcode) and its payload, inflated if RSV1.
struct Received {
    first: u8,
    data: Vec<u8>,
}

impl Received {
    fn compressed(&self) -> bool {
        self.first & 0x40 != 0
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.data).unwrap()
    }
}

impl Raw {
    async fn connect(worker: &Worker, tag: &str, offer: Option<&str>) -> Raw {
        let headers: Vec<_> = offer
            .map(|offer| ("Sec-WebSocket-Extensions", offer))
            .into_iter()
            .collect();
        let (stream, head) = raw_handshake(worker, tag, &headers).await;
        Raw { stream, head }
    }

    fn negotiated(&self) -> bool {
        self.head.contains(
            "\r\nsec-websocket-extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n",
        )
    }

    /// Sends a text message in one masked frame, compressed or not.
    async fn send(&mut self, text: &[u8], compressed: bool) {
        let payload = if compressed {
            deflate(text)
        } else {
            text.to_vec()
        };
        let mask = [0x11, 0x22, 0x33, 0x44];
        let mut frame = vec![if compressed { 0xC1 } else { 0x81 }];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= 65_535 => {
                frame.push(0x80 | 126);
                frame.extend((n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend((n as u64).to_be_bytes());
            }
        }
        frame.extend(mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).await.unwrap();
    }

    /// The next frame other than a ping, inflated, or `None` if the connection ended.
    async fn next(&mut self) -> Option<Received> {
        let mut frame = self.next_raw().await?;
        if frame.compressed() {
            frame.data = inflate(&frame.data);
        }
        Some(frame)
    }

    /// The next frame other than a ping, as it came.
    async fn next_raw(&mut self) -> Option<Received> {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                let mut head = [0u8; 2];
                self.stream.read_exact(&mut head).await.ok()?;
                let len = match head[1] & 0x7f {
                    126 => u64::from(self.stream.read_u16().await.ok()?),
                    127 => self.stream.read_u64().await.ok()?,
                    n => u64::from(n),
                };
                let mut payload = vec![0; len as usize];
                self.stream.read_exact(&mut payload).await.ok()?;
                if head[0] & 0x0f == 0x9 {
                    continue;
                }
                return Some(Received {
                    first: head[0],
                    data: payload,
                });
            }
        })
        .await
        .expect("a frame within 5 s")
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    Compress::new(Compression::default(), false)
        .compress_vec(data, &mut out, FlushCompress::Sync)
        .unwrap();
    assert!(out.ends_with(&[0, 0, 0xff, 0xff]), "compressed whole");
    out.truncate(out.len() - 4);
    out
}

/// Inflates as a client does, which may keep its inflater for the next message: all of it is
/// read, and it leaves the inflater between two blocks, where an empty final block (fixed
/// codes) then ends the stream.
fn inflate(payload: &[u8]) -> Vec<u8> {
    let mut input = payload.to_vec();
    input.extend([0, 0, 0xff, 0xff]);
    let mut out = Vec::with_capacity(16 << 20);
    let mut inflater = Decompress::new(false);
    let status = inflater
        .decompress_vec(&input, &mut out, FlushDecompress::Sync)
        .unwrap();
    assert_ne!(status, flate2::Status::StreamEnd, "a final block");
    assert_eq!(inflater.total_in(), input.len() as u64);
    let len = out.len();
    let status = inflater
        .decompress_vec(&[0x03, 0x00], &mut out, FlushDecompress::Sync)
        .unwrap();
    assert_eq!(status, flate2::Status::StreamEnd, "left inside a block");
    assert_eq!(out.len(), len);
    out
}

/// A JSON message of about 2 KiB, as applications broadcast them.
fn json_message() -> String {
    let rows: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"id":{i},"symbol":"ABC","price":{}.25,"side":"buy"}}"#,
                100 + i
            )
        })
        .collect();
    format!(r#"{{"event":"prices","rows":[{}]}}"#, rows.join(","))
}

async fn subscribe_raw(client: &mut Raw, channel: &str) {
    let message = format!(r#"{{"action":"subscribe","channel":"{channel}"}}"#);
    client.send(message.as_bytes(), false).await;
    let reply = client.next().await.unwrap();
    assert_eq!(
        reply.text(),
        format!(r#"{{"event":"subscribed","channel":"{channel}"}}"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_goes_compressed_to_clients_that_negotiated_it_and_plain_to_the_others() {
    let worker = Worker::start(json!({}));
    let mut deflating = Raw::connect(&worker, "deflating", Some(OFFER)).await;
    assert!(deflating.negotiated(), "{}", deflating.head);
    let mut plain = Raw::connect(&worker, "plain", None).await;
    assert!(
        !plain.head.contains("sec-websocket-extensions"),
        "{}",
        plain.head
    );
    subscribe_raw(&mut deflating, "prices").await;
    subscribe_raw(&mut plain, "prices").await;

    let message = json_message();
    let mut control = connect(&worker.url("/ws")).await;
    send_text(&mut control, &format!("broadcast:prices:{message}")).await;
    send_text(&mut control, "broadcast:prices:short").await;

    let got = deflating.next().await.unwrap();
    assert!(
        got.compressed() && got.first == 0xC1,
        "first byte {:#x}",
        got.first
    );
    assert_eq!(got.text(), message);
    // Under the threshold (256 bytes): plain, even to a client that negotiated.
    let got = deflating.next().await.unwrap();
    assert!(!got.compressed());
    assert_eq!(got.text(), "short");
    for expected in [message.as_str(), "short"] {
        let got = plain.next().await.unwrap();
        assert!(!got.compressed() && got.first == 0x81);
        assert_eq!(got.text(), expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compressed_messages_from_the_client_reach_the_worker_inflated() {
    let worker = Worker::start(json!({}));
    let mut client = Raw::connect(&worker, "sender", Some(OFFER)).await;
    let message = json_message();
    // The worker echoes it: in compressed, out compressed, and an uncompressed one between.
    client
        .send(format!("echo:{message}").as_bytes(), true)
        .await;
    client.send(b"echo:plain", false).await;
    let got = client.next().await.unwrap();
    assert!(got.compressed());
    assert_eq!(got.text(), message);
    assert_eq!(client.next().await.unwrap().text(), "plain");
    let id = worker.open_id("sender");
    worker.wait_event("the inflated message", Duration::from_secs(5), |e| {
        e["type"] == "message"
            && e["connection"] == id.as_str()
            && e["payload"] == format!("echo:{message}")
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_inflating_past_max_message_size_closes_only_its_connection_with_1009() {
    let worker = Worker::start(json!({"max_message_size": 65536}));
    let mut bystander = Raw::connect(&worker, "bystander", Some(OFFER)).await;
    let mut bomb = Raw::connect(&worker, "bomb", Some(OFFER)).await;
    // 8 MiB of zeros compress to about 8 KiB: small on the wire, far over the limit inflated.
    bomb.send(&vec![b'0'; 8 << 20], true).await;
    let close = bomb.next().await.expect("a close frame");
    assert_eq!(close.first & 0x0f, 0x8);
    assert_eq!(u16::from_be_bytes([close.data[0], close.data[1]]), 1009);
    let id = worker.open_id("bomb");
    worker.wait_event("close 1009", Duration::from_secs(5), |e| {
        e["type"] == "close" && e["connection"] == id.as_str() && e["code"] == 1009
    });
    // The same size inflated within the limit is fine, for the other connection.
    let message = "x".repeat(60_000);
    bystander
        .send(format!("echo:{message}").as_bytes(), true)
        .await;
    assert_eq!(bystander.next().await.unwrap().text(), message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compression_off_answers_no_offer() {
    let worker = Worker::start(json!({"compression": "off"}));
    let mut client = Raw::connect(&worker, "offers", Some(OFFER)).await;
    assert!(
        !client.head.contains("sec-websocket-extensions"),
        "{}",
        client.head
    );
    let message = json_message();
    client
        .send(format!("echo:{message}").as_bytes(), false)
        .await;
    let got = client.next().await.unwrap();
    assert!(!got.compressed());
    assert_eq!(got.text(), message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_limits_the_server_window_gets_frames_it_can_inflate() {
    let worker = Worker::start(json!({}));
    let offer = "permessage-deflate; server_max_window_bits=9; client_max_window_bits";
    let mut client = Raw::connect(&worker, "narrow", Some(offer)).await;
    assert!(
        client
            .head
            .contains("client_no_context_takeover; server_max_window_bits=9\r\n"),
        "{}",
        client.head
    );
    // Random letters repeated whole every 600 bytes: a window wider than 512 bytes finds
    // the repeats (compressed, under 600 bytes), this client's only codes the letters
    // shorter. C zlib, which keeps to the window it is given (zlib-rs does not check
    // distances), inflates it.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let block: String = (0..600)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'a' + ((state >> 32) % 26) as u8)
        })
        .collect();
    let message = block.repeat(4);
    client
        .send(format!("echo:{message}").as_bytes(), false)
        .await;
    let got = client.next_raw().await.unwrap();
    assert!(
        got.compressed() && got.data.len() > 1200,
        "{} B",
        got.data.len()
    );
    let check = "import sys, zlib\n\
                 d = zlib.decompressobj(-9)\n\
                 data = sys.stdin.buffer.read() + b'\\x00\\x00\\xff\\xff'\n\
                 sys.stdout.buffer.write(b''.join(d.decompress(data[i:i + 16]) for i in range(0, len(data), 16)))";
    let mut python = std::process::Command::new("/usr/bin/python3")
        .args(["-c", check])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    python.stdin.take().unwrap().write_all(&got.data).unwrap();
    let out = python.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "C zlib with a 512-byte window refused the frame"
    );
    assert!(out.stdout == message.as_bytes());
}
