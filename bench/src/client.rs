//! Lean WebSocket clients: a blocking `Conn` for control and senders, and a `Pool` of many
//! connections spread over client threads, each thread one current-thread runtime.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpSocket;
use tokio::sync::mpsc;

const REQUEST: &str =
    "GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// The upgrade request for another path (and query).
fn request(path: &str) -> String {
    REQUEST.replacen("GET /ws ", &format!("GET {path} "), 1)
}

/// A masked client text frame (the mask key is fixed: servers only require that one is set).
pub fn text_frame(payload: &[u8]) -> Vec<u8> {
    let key = [0x12u8, 0x34, 0x56, 0x78];
    let mut frame = vec![0x81];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n < 65536 => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&key);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    frame
}

/// Finds one complete server frame at the start of `buf`: (opcode, payload range, length).
pub fn parse_frame(buf: &[u8]) -> Option<(u8, std::ops::Range<usize>, usize)> {
    if buf.len() < 2 {
        return None;
    }
    let opcode = buf[0] & 0x0f;
    let (len, header) = match buf[1] & 0x7f {
        126 if buf.len() >= 4 => (u16::from_be_bytes([buf[2], buf[3]]) as usize, 4),
        127 if buf.len() >= 10 => (
            u64::from_be_bytes(buf[2..10].try_into().unwrap()) as usize,
            10,
        ),
        126 | 127 => return None,
        n => (n as usize, 2),
    };
    (buf.len() >= header + len).then_some((opcode, header..header + len, header + len))
}

pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// A blocking client for commands and round-trip measurements.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn blocking(addr: SocketAddr) -> Conn {
        Conn::blocking_at(addr, "/ws")
    }

    /// A connection to `path` (with its query string).
    pub fn blocking_at(addr: SocketAddr, path: &str) -> Conn {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).unwrap();
        stream.write_all(request(path).as_bytes()).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"HTTP/1.1 101"));
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    pub fn send_text(&mut self, text: &str) {
        self.stream.write_all(&text_frame(text.as_bytes())).unwrap();
    }

    /// Sends every message, as many frames, in one write: a client publishing as fast as it can.
    pub fn send_texts(&mut self, texts: impl Iterator<Item = String>) {
        let frames: Vec<u8> = texts.flat_map(|t| text_frame(t.as_bytes())).collect();
        self.stream.write_all(&frames).unwrap();
    }

    /// The next data frame's payload.
    pub fn read_text(&mut self) -> Vec<u8> {
        loop {
            if let Some((opcode, range, used)) = parse_frame(&self.buf) {
                let payload = self.buf[range].to_vec();
                self.buf.drain(..used);
                if opcode == 1 || opcode == 2 {
                    return payload;
                }
                continue;
            }
            let mut chunk = [0u8; 65536];
            let n = self.stream.read(&mut chunk).expect("read");
            assert!(n > 0, "server closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Reads until the server's close frame: its code; `None` if the connection just ended.
    pub fn read_close(&mut self) -> Option<u16> {
        loop {
            if let Some((opcode, range, used)) = parse_frame(&self.buf) {
                let code = (opcode == 8 && range.len() >= 2)
                    .then(|| u16::from_be_bytes([self.buf[range.start], self.buf[range.start + 1]]));
                self.buf.drain(..used);
                if opcode == 8 {
                    return code;
                }
                continue;
            }
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(n) if n > 0 => self.buf.extend_from_slice(&chunk[..n]),
                _ => return None,
            }
        }
    }

    /// Shootout: send a broadcast, wait for our broadcastResult.
    pub fn broadcast_rtt(&mut self, i: usize) -> Duration {
        let start = Instant::now();
        self.send_text(&format!(r#"{{"type":"broadcast","payload":{{"i":{i}}}}}"#));
        loop {
            let text = self.read_text();
            if text.windows(15).any(|w| w == b"broadcastResult") {
                return start.elapsed();
            }
        }
    }
}

#[derive(Default)]
struct Shared {
    received: AtomicU64,
    /// Bytes read off the wire (headers, compressed payloads as they came).
    bytes: AtomicU64,
    ready: AtomicUsize,
    record_latency: AtomicBool,
    latencies: Mutex<Vec<u64>>,
}

enum Command {
    Add {
        count: usize,
        first: usize,
        channel: Option<String>,
        request: Arc<str>,
        in_flight: usize,
        pusher: bool,
    },
    Flood {
        per_conn: usize,
        size: usize,
    },
}

pub struct Pool {
    listen: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<(mpsc::UnboundedSender<Command>, std::thread::JoinHandle<()>)>,
    total: usize,
    request: Arc<str>,
    /// Handshakes in flight per client thread while connections are added.
    in_flight: usize,
    /// Connections speak the Pusher protocol (`with_pusher`).
    pusher: bool,
}

impl Pool {
    pub fn empty(listen: SocketAddr, threads: usize) -> Pool {
        let shared = Arc::new(Shared::default());
        let threads = (0..threads)
            .map(|_| {
                let (tx, rx) = mpsc::unbounded_channel();
                let shared = shared.clone();
                let handle = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap()
                        .block_on(client_thread(listen, rx, shared));
                });
                (tx, handle)
            })
            .collect();
        Pool {
            listen,
            shared,
            threads,
            total: 0,
            request: Arc::from(REQUEST),
            in_flight: 256,
            pusher: false,
        }
    }

    /// At most `n` handshakes in flight per client thread from now on.
    pub fn with_in_flight(mut self, n: usize) -> Pool {
        self.in_flight = n;
        self
    }

    /// Connections added from now on ask for `path` (with its query: a token, say).
    pub fn with_path(mut self, path: &str) -> Pool {
        self.request = Arc::from(request(path));
        self
    }

    /// Connections added from now on are Pusher clients of the application `key`: they
    /// connect at `/app/{key}` and subscribe with `pusher:subscribe`.
    pub fn with_pusher(mut self, key: &str) -> Pool {
        self.request = Arc::from(request(&format!("/app/{key}?protocol=7&client=bench")));
        self.pusher = true;
        self
    }

    /// Connections added from now on offer permessage-deflate, as browsers do. They count
    /// frames and bytes as they come, without inflating.
    pub fn with_compression(mut self) -> Pool {
        let offer =
            "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
        self.request = Arc::from(self.request.replacen("\r\n\r\n", offer, 1));
        self
    }

    pub fn connect(listen: SocketAddr, n: usize, threads: usize, channel: Option<&str>) -> Pool {
        let mut pool = Pool::empty(listen, threads);
        pool.add(n, channel);
        pool
    }

    pub fn len(&self) -> usize {
        self.total
    }

    /// Opens `n` more connections (subscribed to `channel`) and waits until all are ready.
    pub fn add(&mut self, n: usize, channel: Option<&str>) {
        let per = n.div_ceil(self.threads.len());
        let mut left = n;
        for (tx, _) in &self.threads {
            let count = per.min(left);
            left -= count;
            let first = self.total + n - left - count;
            let request = self.request.clone();
            let in_flight = self.in_flight;
            let _ = tx.send(Command::Add {
                count,
                first,
                channel: channel.map(str::to_string),
                request,
                in_flight,
                pusher: self.pusher,
            });
        }
        let target = self.total + n;
        let deadline = Instant::now() + Duration::from_secs(180);
        while self.shared.ready.load(Ordering::Acquire) < target {
            assert!(
                Instant::now() < deadline,
                "only {} of {target} connections ready ({})",
                self.shared.ready.load(Ordering::Acquire),
                self.listen
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        self.total = target;
    }

    pub fn flood(&self, per_conn: usize, size: usize) {
        for (tx, _) in &self.threads {
            let _ = tx.send(Command::Flood { per_conn, size });
        }
    }

    pub fn received(&self) -> u64 {
        self.shared.received.load(Ordering::Acquire)
    }

    pub fn bytes_received(&self) -> u64 {
        self.shared.bytes.load(Ordering::Relaxed)
    }

    pub fn wait_received(&self, n: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.received() < n {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        true
    }

    pub fn record_latency(&self, on: bool) {
        self.shared.record_latency.store(on, Ordering::Release);
    }

    pub fn latencies(&self) -> Vec<u64> {
        self.shared.latencies.lock().unwrap().clone()
    }

    pub fn close(self) {
        drop(
            self.threads
                .into_iter()
                .map(|(tx, h)| {
                    drop(tx);
                    h
                })
                .collect::<Vec<_>>(),
        );
    }
}

async fn client_thread(
    listen: SocketAddr,
    mut commands: mpsc::UnboundedReceiver<Command>,
    shared: Arc<Shared>,
) {
    let mut writers: Vec<OwnedWriteHalf> = Vec::new();
    while let Some(command) = commands.recv().await {
        match command {
            Command::Add {
                count,
                first,
                channel,
                request,
                in_flight,
                pusher,
            } => {
                let gate = Arc::new(tokio::sync::Semaphore::new(in_flight));
                let mut pending = Vec::with_capacity(count);
                for k in 0..count {
                    let (gate, shared, channel, request) = (
                        gate.clone(),
                        shared.clone(),
                        channel.clone(),
                        request.clone(),
                    );
                    let source = 2 + ((first + k) % 200) as u8;
                    pending.push(tokio::spawn(async move {
                        let _permit = gate.acquire_owned().await.unwrap();
                        open(listen, source, &request, channel.as_deref(), pusher, shared).await
                    }));
                }
                for p in pending {
                    writers.push(p.await.unwrap());
                }
            }
            Command::Flood { per_conn, size } => {
                let frame = text_frame(&vec![b'm'; size]);
                let batch: Vec<u8> = frame.repeat(per_conn);
                for w in writers.iter_mut() {
                    let _ = w.write_all(&batch).await;
                }
            }
        }
    }
}

async fn open(
    listen: SocketAddr,
    source: u8,
    request: &str,
    channel: Option<&str>,
    pusher: bool,
    shared: Arc<Shared>,
) -> OwnedWriteHalf {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(format!("127.0.0.{source}:0").parse().unwrap())
        .unwrap();
    let mut stream = socket.connect(listen).await.expect("connect");
    stream.set_nodelay(true).unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    // Read the answer in chunks (not a syscall per byte): the client's CPU is the server's too.
    let mut buf = Vec::with_capacity(4096);
    let end = loop {
        assert!(
            stream.read_buf(&mut buf).await.unwrap() > 0,
            "closed during the handshake"
        );
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    assert!(
        buf.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&buf[..end])
    );
    buf.drain(..end);
    let (mut reader, mut writer) = stream.into_split();
    // One frame: a Pusher client's `connection_established`, a subscription's answer.
    let mut skip_frame = async |buf: &mut Vec<u8>| loop {
        if let Some((_, _, used)) = parse_frame(buf) {
            buf.drain(..used);
            break;
        }
        let n = reader.read_buf(buf).await.unwrap();
        assert!(n > 0, "closed before its first frame");
    };
    if pusher {
        skip_frame(&mut buf).await;
    }
    if let Some(channel) = channel {
        let sub = match pusher {
            true => format!(r#"{{"event":"pusher:subscribe","data":{{"channel":"{channel}"}}}}"#),
            false => format!(r#"{{"action":"subscribe","channel":"{channel}"}}"#),
        };
        writer.write_all(&text_frame(sub.as_bytes())).await.unwrap();
        skip_frame(&mut buf).await;
    }
    shared.ready.fetch_add(1, Ordering::AcqRel);
    tokio::spawn(read_loop(reader, buf, shared));
    writer
}

async fn read_loop(mut reader: OwnedReadHalf, mut buf: Vec<u8>, shared: Arc<Shared>) {
    loop {
        let mut start = 0;
        let mut frames = 0u64;
        while let Some((opcode, range, used)) = parse_frame(&buf[start..]) {
            if opcode == 1 || opcode == 2 {
                frames += 1;
                if shared.record_latency.load(Ordering::Relaxed) {
                    let payload = &buf[start + range.start..start + range.end];
                    if let Some(stamp) = payload.split(|b| *b == b':').nth(1) {
                        if let Ok(ns) = std::str::from_utf8(stamp).unwrap_or("").parse::<u64>() {
                            shared
                                .latencies
                                .lock()
                                .unwrap()
                                .push(monotonic_ns().saturating_sub(ns));
                        }
                    }
                }
            }
            start += used;
        }
        buf.drain(..start);
        if frames > 0 {
            shared.received.fetch_add(frames, Ordering::AcqRel);
        }
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(4096);
        }
        match reader.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                shared.bytes.fetch_add(n as u64, Ordering::Relaxed);
            }
        }
    }
}
