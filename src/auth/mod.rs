//! Handshake authentication: no WebSocket is accepted unless the application vouches
//! for it, by its PHP `auth_endpoint` or by an HS256 JWT signed with `auth_jwt_secret`.
//!
//! The endpoint is protected from the crowd it serves: at most `auth_concurrency` calls are in
//! flight, each bounded by `auth_timeout`, and a circuit breaker fails handshakes fast (503)
//! for a cool-down after repeated endpoint failures instead of piling them up.

pub mod endpoint;
pub mod jwt;

use crate::config::Config;
use crate::hub::stats::Stats;
use endpoint::{Credentials, Endpoint};
use hyper::StatusCode;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// Consecutive endpoint failures (timeouts, refused connections, 5xx) that open the breaker.
const BREAKER_THRESHOLD: u32 = 5;
/// How long an open breaker fails handshakes fast before one probe goes through.
const BREAKER_COOL_DOWN: Duration = Duration::from_secs(5);

/// The outcome of a handshake's authentication.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Accepted, as this user (`None`: anonymous, when no authentication is configured).
    Accept(Option<String>),
    /// Refused with this status and a short text for the client.
    Refuse(StatusCode, String),
}

pub struct Authenticator {
    jwt_secret: Option<Vec<u8>>,
    endpoint: Option<Endpoint>,
    timeout: Duration,
    permits: Semaphore,
    breaker: Breaker,
}

impl Authenticator {
    pub fn new(config: &Config) -> Result<Authenticator, String> {
        let endpoint = match config.auth_endpoint.as_str() {
            "" => None,
            url => Some(Endpoint::parse(url)?),
        };
        Ok(Authenticator {
            jwt_secret: (!config.auth_jwt_secret.is_empty())
                .then(|| config.auth_jwt_secret.clone().into_bytes()),
            endpoint,
            timeout: config.auth_timeout,
            permits: Semaphore::new(config.auth_concurrency),
            breaker: Breaker::default(),
        })
    }

    /// Authenticates a handshake that presented `token` (`?token=` or a bearer token) and
    /// these credentials. A token is checked when a JWT secret is set; otherwise, or without a
    /// token, the endpoint decides; `credentials` are gathered only then.
    pub async fn authenticate(
        &self,
        token: Option<&str>,
        credentials: impl FnOnce() -> Credentials,
        stats: &Stats,
    ) -> Verdict {
        if let (Some(secret), Some(token)) = (&self.jwt_secret, token) {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            return match jwt::verify(token, secret, now) {
                Ok(user) => Verdict::Accept(Some(user)),
                Err(why) => {
                    Stats::add(&stats.auth_refused, 1);
                    Verdict::Refuse(StatusCode::UNAUTHORIZED, format!("invalid token: {why}\n"))
                }
            };
        }
        let Some(endpoint) = &self.endpoint else {
            if self.jwt_secret.is_some() {
                Stats::add(&stats.auth_refused, 1);
                let why = "a token is required: ?token=JWT or Authorization: Bearer JWT\n";
                return Verdict::Refuse(StatusCode::UNAUTHORIZED, why.into());
            }
            return Verdict::Accept(None);
        };
        let verdict = self.ask(endpoint, credentials()).await;
        match &verdict {
            Verdict::Refuse(StatusCode::SERVICE_UNAVAILABLE, _) => {
                Stats::add(&stats.auth_unavailable, 1)
            }
            Verdict::Refuse(..) => Stats::add(&stats.auth_refused, 1),
            Verdict::Accept(_) => {}
        }
        verdict
    }

    async fn ask(&self, endpoint: &Endpoint, credentials: Credentials) -> Verdict {
        let unavailable =
            |why: &str| Verdict::Refuse(StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n"));
        if !self.breaker.allows() {
            return unavailable("authentication is unavailable; try again shortly");
        }
        let call = async {
            let _permit = self.permits.acquire().await.map_err(|e| e.to_string())?;
            endpoint.ask(&credentials).await
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok((status, body))) if status.is_success() => {
                self.breaker.succeeded();
                Verdict::Accept(endpoint::user_of(&body))
            }
            Ok(Ok((status, body))) => {
                if status.is_server_error() {
                    self.failed(endpoint, &format!("it answered {status}"), status);
                } else {
                    self.breaker.succeeded();
                }
                let text = String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned();
                Verdict::Refuse(status, text)
            }
            Ok(Err(error)) => {
                self.failed(
                    endpoint,
                    &format!("unreachable: {error}"),
                    StatusCode::SERVICE_UNAVAILABLE,
                );
                unavailable("the authentication endpoint is unreachable")
            }
            Err(_) => {
                self.failed(
                    endpoint,
                    &format!("no answer within {:?}", self.timeout),
                    StatusCode::SERVICE_UNAVAILABLE,
                );
                unavailable("the authentication endpoint did not answer in time")
            }
        }
    }

    /// An endpoint failure: logged (at most once a second), and counted by the breaker.
    fn failed(&self, endpoint: &Endpoint, why: &str, answered: StatusCode) {
        if let Some(suppressed) = ENDPOINT_FAILURES_LOGGED.allow() {
            tracing::warn!(endpoint = %endpoint.url(), suppressed, "auth_endpoint failed: {why}; the handshake got {}", answered.as_u16());
        }
        if self.breaker.failed() {
            tracing::error!(
                endpoint = %endpoint.url(),
                "auth_endpoint failed {BREAKER_THRESHOLD} times in a row: handshakes get 503 at once for {BREAKER_COOL_DOWN:?}, then one probe goes through"
            );
        }
    }
}

static ENDPOINT_FAILURES_LOGGED: crate::log::LogLimiter = crate::log::LogLimiter::new();

/// Counts consecutive endpoint failures; past the threshold it opens for a cool-down, after
/// which one probe goes through (a success closes it, a failure opens it again).
#[derive(Default)]
struct Breaker {
    failures: AtomicU32,
    open_until: Mutex<Option<Instant>>,
}

impl Breaker {
    fn allows(&self) -> bool {
        let mut open_until = self.open_until.lock();
        match *open_until {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                // The cool-down is over: this call is the probe; the others keep failing fast.
                *open_until = Some(Instant::now() + BREAKER_COOL_DOWN);
                true
            }
            None => true,
        }
    }

    /// True when this failure opened the breaker (it was closed).
    fn failed(&self) -> bool {
        if self.failures.fetch_add(1, Ordering::AcqRel) + 1 >= BREAKER_THRESHOLD {
            return self
                .open_until
                .lock()
                .replace(Instant::now() + BREAKER_COOL_DOWN)
                .is_none();
        }
        false
    }

    fn succeeded(&self) {
        self.failures.store(0, Ordering::Release);
        if self.open_until.lock().take().is_some() {
            tracing::warn!("auth_endpoint answers again: the circuit breaker is closed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaker_opens_after_repeated_failures_and_probes_after_cool_down() {
        let breaker = Breaker::default();
        for _ in 0..BREAKER_THRESHOLD - 1 {
            breaker.failed();
            assert!(breaker.allows());
        }
        breaker.failed();
        assert!(!breaker.allows());
        *breaker.open_until.lock() = Some(Instant::now() - Duration::from_millis(1));
        assert!(breaker.allows(), "one probe after the cool-down");
        assert!(!breaker.allows(), "only one");
        breaker.succeeded();
        assert!(breaker.allows());
    }
}
