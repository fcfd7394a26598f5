//! Logs: `tracing` events from every part of the server, written by one subscriber that the
//! first start installs, at `log_level` to `log_file` (stderr when empty). Read once: a later
//! start in the same process keeps the first one's destination, as PHP reads INI once.

use std::fs::OpenOptions;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;
use tracing::level_filters::LevelFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    pub fn parse(text: &str) -> Result<Level, String> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "off" => Level::Off,
            "error" => Level::Error,
            "warn" | "warning" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            other => {
                return Err(format!(
                    "option 'log_level' must be off, error, warn, info or debug, got '{other}'"
                ))
            }
        })
    }

    fn filter(self) -> LevelFilter {
        match self {
            Level::Off => LevelFilter::OFF,
            Level::Error => LevelFilter::ERROR,
            Level::Warn => LevelFilter::WARN,
            Level::Info => LevelFilter::INFO,
            Level::Debug => LevelFilter::DEBUG,
        }
    }
}

static INSTALLED: OnceLock<()> = OnceLock::new();

/// Installs the process's subscriber on the first call; an unusable `file` is an error that
/// names it (and installs nothing, so a corrected start can try again).
pub fn install(level: Level, file: &str) -> Result<(), String> {
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let builder = tracing_subscriber::fmt()
        .with_max_level(level.filter())
        .with_ansi(false)
        .with_target(false);
    let installed = if file.is_empty() {
        tracing::subscriber::set_global_default(builder.with_writer(std::io::stderr).finish())
    } else {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .map_err(|e| format!("option 'log_file': cannot open '{file}' for appending: {e}"))?;
        tracing::subscriber::set_global_default(
            builder.with_writer(std::sync::Mutex::new(log)).finish(),
        )
    };
    if installed.is_err() {
        // Whatever embeds us set its own subscriber first: ours goes there.
        tracing::warn!(
            "a tracing subscriber was already installed: log_level and log_file are not applied"
        );
    }
    let _ = INSTALLED.set(());
    Ok(())
}

/// At most one line a second for a cause that clients can trigger at will (refused handshakes,
/// rate-limit closes): `allow` says whether to write one now, and how many were left out
/// since the last.
pub struct LogLimiter {
    /// Milliseconds since `EPOCH` of the last line written (`u64::MAX`: none yet), and lines
    /// left out since.
    last: AtomicU64,
    suppressed: AtomicU64,
}

static EPOCH: OnceLock<Instant> = OnceLock::new();

impl LogLimiter {
    pub const fn new() -> LogLimiter {
        LogLimiter {
            last: AtomicU64::new(u64::MAX),
            suppressed: AtomicU64::new(0),
        }
    }

    pub fn allow(&self) -> Option<u64> {
        let now = EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u64;
        let last = self.last.load(Ordering::Relaxed);
        if last != u64::MAX && now < last.saturating_add(1000) {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        // One caller a second wins the swap and writes the line.
        match self
            .last
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => Some(self.suppressed.swap(0, Ordering::Relaxed)),
            Err(_) => {
                self.suppressed.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }
}

impl Default for LogLimiter {
    fn default() -> Self {
        LogLimiter::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_a_second_counts_the_rest() {
        let limiter = LogLimiter::new();
        assert_eq!(limiter.allow(), Some(0));
        assert_eq!(limiter.allow(), None);
        assert_eq!(limiter.allow(), None);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(limiter.allow(), Some(2));
    }

    #[test]
    fn levels_parse_or_say_what_is_accepted() {
        assert_eq!(Level::parse(" Info "), Ok(Level::Info));
        assert!(Level::parse("verbose")
            .unwrap_err()
            .contains("off, error, warn, info or debug"));
    }
}

/// This machine's name, for the default `node_name`.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}
