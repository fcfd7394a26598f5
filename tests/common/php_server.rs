//! `PhpServer`: `php -S` on a free loopback port, and the process-group handling that ends it
//! whole. Shared by the integration tests and the bench crate (`#[path]`), so there is one copy.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `php -S` serving `dir` with `workers` processes (PHP_CLI_SERVER_WORKERS); ended on drop.
pub struct PhpServer {
    child: Child,
    pub addr: SocketAddr,
}

impl PhpServer {
    pub fn start(dir: impl AsRef<Path>, workers: usize) -> PhpServer {
        let addr = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let child = Command::new("php")
            .arg("-n")
            .arg("-S")
            .arg(addr.to_string())
            .arg("-t")
            .arg(dir.as_ref())
            .env("PHP_CLI_SERVER_WORKERS", workers.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("php -S runs");
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "php -S did not listen on {addr}");
            std::thread::sleep(Duration::from_millis(20));
        }
        PhpServer { child, addr }
    }

    #[allow(dead_code)]
    pub fn url(&self, script: &str) -> String {
        format!("http://{}/{script}", self.addr)
    }
}

impl Drop for PhpServer {
    fn drop(&mut self) {
        end_group(&mut self.child);
    }
}

/// Ends `child` and every process of its group (started with `process_group(0)`): killing
/// only the leader would leave its children (PHP_CLI_SERVER_WORKERS, a script's servers)
/// orphaned and still listening. TERM first, KILL after 2 s for whatever is left.
pub fn end_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    // `kill SIG -- -pgid`; true if some process of the group got it.
    let signal = |sig: &str| {
        Command::new("kill")
            .args([sig, "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    signal("-TERM");
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let leader_gone = child.try_wait().ok().flatten().is_some();
        if (leader_gone && !signal("-0")) || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    signal("-KILL");
    let _ = child.kill();
    let _ = child.wait();
}
