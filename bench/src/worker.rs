//! The PHP worker under test: `php -n -d extension=… <script>` on a free loopback port, with
//! its CPU time (all of it, and its PHP thread's alone) and resident memory read from /proc.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Worker {
    child: Child,
    pub listen: SocketAddr,
    output: Arc<Mutex<Vec<String>>>,
    /// A PHP process, whose main thread runs the script (the ceiling runs none).
    php: bool,
}

pub(crate) fn extension() -> String {
    std::env::var("FRANKENPHP_WS_SO")
        .unwrap_or_else(|_| "target/release/libfrankenphp_ws.so".into())
}

impl Worker {
    pub fn start(script: &str, env: &[(&str, &str)]) -> Worker {
        Worker::start_with(&extension(), script, env)
    }

    /// `script` run by PHP with the extension built at `extension` (`ws-bench compare` runs
    /// two builds side by side).
    pub fn start_with(extension: &str, script: &str, env: &[(&str, &str)]) -> Worker {
        let listen = free_port();
        let mut command = Command::new("php");
        command
            // The load client is the application's own publisher: no per-client message rate.
            .args([
                "-n",
                "-d",
                &format!("extension={extension}"),
                "-d",
                "memory_limit=-1",
            ])
            .args(["-d", "frankenphp_ws.message_rate=0", script])
            .env("FRANKENPHP_WS_LISTEN", listen.to_string())
            .env("FRANKENPHP_WS_ADMIN", "")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            command.env(k, v);
        }
        Worker::spawn(command, script, listen, true)
    }

    /// The bare tokio-tungstenite broadcaster (`ws-ceiling`, built beside `ws-bench`), driven
    /// by the same clients as the product.
    pub fn ceiling() -> Worker {
        let listen = free_port();
        let binary = std::env::current_exe()
            .expect("ws-bench knows its path")
            .with_file_name("ws-ceiling");
        let mut command = Command::new(binary);
        command
            .arg(listen.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        Worker::spawn(command, "ws-ceiling", listen, false)
    }

    fn spawn(mut command: Command, script: &str, listen: SocketAddr, php: bool) -> Worker {
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{script} runs: {e}"));
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(listen).is_err() {
            assert!(
                Instant::now() < deadline,
                "{script} did not listen on {listen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Worker {
            child,
            listen,
            output,
            php,
        }
    }

    fn stat_field(&self, file: &str) -> String {
        std::fs::read_to_string(format!("/proc/{}/{file}", self.child.id())).unwrap_or_default()
    }

    /// User + system CPU time of the worker process (all its threads, those that ended too).
    /// From the process's CPU clock, to the nanosecond: `/proc/pid/stat` counts 10 ms ticks,
    /// which is ±8% on a 130 ms burst and blurred every ratio between two bursts.
    pub fn cpu_time(&self) -> Duration {
        let mut clock: libc::clockid_t = 0;
        let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: both pointers are to live locals; a failed call leaves them unused.
        let precise = unsafe {
            libc::clock_getcpuclockid(self.child.id() as libc::pid_t, &mut clock) == 0
                && libc::clock_gettime(clock, &mut now) == 0
        };
        if precise {
            return Duration::new(now.tv_sec as u64, now.tv_nsec as u32);
        }
        let stat = self.stat_field("stat");
        let after_name = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Fields 14 and 15 of /proc/pid/stat; index 11 and 12 after the name.
        let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
            + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Duration::from_nanos(ticks * 1_000_000_000 / hz)
    }

    /// CPU time of the thread that runs the PHP script (the process's first): where
    /// `broadcast()` queues a frame for each recipient. The rest of `cpu_time` is the server's
    /// own threads. None for the ceiling. From the scheduler's count, in nanoseconds.
    pub fn php_thread_time(&self) -> Option<Duration> {
        if !self.php {
            return None;
        }
        let pid = self.child.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/schedstat")).ok()?;
        let ns = stat.split_whitespace().next()?.parse().ok()?;
        Some(Duration::from_nanos(ns))
    }

    pub fn rss_kib(&self) -> u64 {
        self.stat_field("status")
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Waits until the worker prints `DONE`, returning what it printed before.
    pub fn wait_output(&self, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            {
                let lines = self.output.lock().unwrap();
                if let Some(end) = lines.iter().position(|l| l == "DONE") {
                    return lines[..end].to_vec();
                }
            }
            if Instant::now() > deadline {
                let mut lines = self.output.lock().unwrap().clone();
                lines.push("(timed out waiting for the worker)".into());
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[path = "../../tests/common/php_server.rs"]
mod php_server;
pub use php_server::PhpServer;

/// A loopback address with a port free at the time of asking.
fn free_port() -> SocketAddr {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}").parse().unwrap()
}
