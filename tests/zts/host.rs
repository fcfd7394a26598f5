//! The thread host of `zts_threads.rs`: `host.c` built against the ZTS PHP's embed library,
//! its php.ini, and the running process with its output lines.

use super::common::extension;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

pub const THREADS: usize = 4;

/// The php-config of the ZTS PHP (`make test-zts` puts it first on PATH).
fn php_config() -> String {
    std::env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".into())
}

fn config_value(flag: &str) -> String {
    let out = Command::new(php_config())
        .arg(flag)
        .output()
        .expect("php-config runs");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A directory of this test's own (the two tests may run at once).
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the thread host against the ZTS PHP's embed library.
pub fn build_host(name: &str) -> PathBuf {
    let zts = Command::new("php")
        .args(["-n", "-r", "echo PHP_ZTS;"])
        .output()
        .expect("php runs");
    assert_eq!(
        String::from_utf8_lossy(&zts.stdout),
        "1",
        "the php on PATH is not thread-safe: run these through `make test-zts`"
    );
    let prefix = config_value("--prefix");
    // Debian's patches put the embed library in lib/php/ (upstream: lib/).
    let lib = ["lib/php", "lib"]
        .iter()
        .map(|dir| format!("{prefix}/{dir}"))
        .find(|dir| Path::new(&format!("{dir}/libphp.so")).exists())
        .expect("the ZTS PHP has its embed library (libphp.so)");
    let out = scratch(name).join("host");
    let mut gcc = Command::new("gcc");
    gcc.args(["-O1", "-g", "-Wall", "-o"])
        .arg(&out)
        .arg(super::common::root().join("tests/zts/host.c"));
    gcc.args(config_value("--includes").split_whitespace());
    gcc.arg(format!("-L{lib}"))
        .arg("-lphp")
        .arg(format!("-Wl,-rpath,{lib}"))
        .arg("-lpthread");
    let status = gcc.status().expect("gcc runs");
    assert!(status.success(), "the thread host did not build");
    out
}

/// A php.ini for the host (found through PHPRC): the extension, the listener on a free port.
pub fn ini_dir(name: &str) -> PathBuf {
    let dir = scratch(name).join("ini");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("php.ini"),
        format!(
            "extension={}\nfrankenphp_ws.listen=127.0.0.1:0\nfrankenphp_ws.admin_listen=127.0.0.1:0\n\
             frankenphp_ws.message_rate=100000\nfrankenphp_ws.message_burst=100000\n",
            extension().display()
        ),
    )
    .unwrap();
    dir
}

/// The host running the worker in `THREADS` threads, with its stdout lines on a channel.
pub struct Host {
    child: Child,
    lines: std_mpsc::Receiver<Value>,
}

impl Host {
    pub fn start(wrapper: &[&str], host: &Path, ini: &Path, results: &Path) -> Host {
        let (program, args) = match wrapper.split_first() {
            Some((program, args)) => (PathBuf::from(program), args.to_vec()),
            None => (host.to_path_buf(), vec![]),
        };
        let mut command = Command::new(program);
        command.args(args);
        if !wrapper.is_empty() {
            // PHP's own allocator hides allocations from valgrind.
            command.arg(host).env("USE_ZEND_ALLOC", "0");
        }
        let mut child = command
            .arg(THREADS.to_string())
            .arg(super::common::root().join("tests/zts/worker.php"))
            .arg(results)
            .env("PHPRC", ini)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the host runs");
        let (tx, lines) = std_mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                match serde_json::from_str::<Value>(&line) {
                    Ok(value) => {
                        let _ = tx.send(value);
                    }
                    Err(_) => eprintln!("host: {line}"),
                }
            }
        });
        Host { child, lines }
    }

    pub fn next_line(&self, timeout: Duration) -> Value {
        self.lines
            .recv_timeout(timeout)
            .expect("the host printed a line in time")
    }

    /// Waits for the process to exit; its status.
    pub fn wait(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the host did not exit in {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
