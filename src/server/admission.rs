//! `Admission`: the limits a handshake meets before any authentication or WebSocket exists:
//! `max_connections` in all, `max_connections_per_ip`, and `handshake_rate`
//! handshakes per second per client IP. An admitted handshake holds a `Slot` for as long as
//! its socket lives; dropping it gives the place back. Once connected, each client's messages
//! meet its own `MessageRate`.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Why a handshake was not admitted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `max_connections` or `max_connections_per_ip` reached: 503.
    Full,
    /// `handshake_rate` exceeded for this IP: 429.
    TooFast,
}

#[derive(Default)]
pub struct Admission {
    max_total: usize,
    max_per_ip: usize,
    rate: u32,
    total: AtomicUsize,
    per_ip: Mutex<HashMap<IpAddr, PerIp>>,
}

struct PerIp {
    connections: usize,
    /// Token bucket of handshakes: `rate` at most, refilled at `rate` per second.
    tokens: f64,
    refilled: Instant,
}

/// One admitted connection's place; given back on drop.
pub struct Slot {
    admission: Arc<Admission>,
    ip: Option<IpAddr>,
}

impl Admission {
    pub fn new(max_total: usize, max_per_ip: usize, rate: u32) -> Arc<Admission> {
        Arc::new(Admission {
            max_total,
            max_per_ip,
            rate,
            ..Default::default()
        })
    }

    /// Admits a handshake from `ip`, or says why not. Without any limit configured there is
    /// nothing to count: no slot.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Option<Slot>, Refusal> {
        if self.max_total == 0 && self.max_per_ip == 0 && self.rate == 0 {
            return Ok(None);
        }
        self.admit_counted(ip).map(Some)
    }

    fn admit_counted(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Refusal> {
        let total = self.total.fetch_add(1, Ordering::AcqRel) + 1;
        // From here on the slot exists: any refusal below gives the place back by dropping it.
        let mut slot = Slot {
            admission: self.clone(),
            ip: None,
        };
        if self.max_total > 0 && total > self.max_total {
            return Err(Refusal::Full);
        }
        if self.max_per_ip == 0 && self.rate == 0 {
            return Ok(slot);
        }
        let mut per_ip = self.per_ip.lock();
        if per_ip.len() > 4096 {
            // Forget IPs with no connection whose bucket has refilled: nothing to remember.
            let rate = self.rate as f64;
            per_ip.retain(|_, s| {
                s.connections > 0 || s.refilled.elapsed().as_secs_f64() * rate < rate
            });
        }
        let state = per_ip.entry(ip).or_insert_with(|| PerIp {
            connections: 0,
            tokens: self.rate as f64,
            refilled: Instant::now(),
        });
        if self.rate > 0 {
            let rate = self.rate as f64;
            state.tokens = (state.tokens + state.refilled.elapsed().as_secs_f64() * rate).min(rate);
            state.refilled = Instant::now();
            if state.tokens < 1.0 {
                return Err(Refusal::TooFast);
            }
            state.tokens -= 1.0;
        }
        if self.max_per_ip > 0 && state.connections >= self.max_per_ip {
            return Err(Refusal::Full);
        }
        state.connections += 1;
        slot.ip = Some(ip);
        Ok(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.admission.total.fetch_sub(1, Ordering::AcqRel);
        if let Some(ip) = self.ip {
            if let Some(state) = self.admission.per_ip.lock().get_mut(&ip) {
                state.connections -= 1;
            }
        }
    }
}

/// Refused messages past which a client that keeps going over `message_rate` is closed.
const STRIKES: u32 = 10;

/// What a client message meets: `message_rate` per second, `message_burst` at once. A client
/// over it gets an error reply per refused message; one that goes on for `STRIKES` refused
/// messages before its bucket refills is closed (1008). Owned by the connection's reader: no
/// shared state.
pub struct MessageRate {
    rate: f64,
    burst: f64,
    tokens: f64,
    refilled: Instant,
    strikes: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub enum MessageVerdict {
    Pass,
    Refuse,
    Close,
}

impl MessageRate {
    /// `None` when `rate` is 0 (no limit).
    pub fn new(rate: u32, burst: u32) -> Option<MessageRate> {
        let burst = burst.max(1) as f64;
        (rate > 0).then(|| MessageRate {
            rate: rate as f64,
            burst,
            tokens: burst,
            refilled: Instant::now(),
            strikes: 0,
        })
    }

    pub fn check(&mut self, now: Instant) -> MessageVerdict {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.refilled = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= self.burst {
            self.strikes = 0;
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return MessageVerdict::Pass;
        }
        self.strikes += 1;
        if self.strikes > STRIKES {
            MessageVerdict::Close
        } else {
            MessageVerdict::Refuse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    #[test]
    fn total_and_per_ip_limits_give_places_back() {
        let admission = Admission::new(3, 2, 0);
        assert!(
            Admission::new(0, 0, 0).admit(ip(1)).unwrap().is_none(),
            "nothing to count"
        );
        let a = admission.admit(ip(1)).unwrap();
        let _b = admission.admit(ip(1)).unwrap();
        assert_eq!(admission.admit(ip(1)).err(), Some(Refusal::Full));
        let _c = admission.admit(ip(2)).unwrap();
        assert_eq!(
            admission.admit(ip(3)).err(),
            Some(Refusal::Full),
            "3 in all"
        );
        drop(a);
        assert!(admission.admit(ip(1)).is_ok());
    }

    #[test]
    fn message_rate_refuses_then_closes_a_client_that_goes_on() {
        let mut rate = MessageRate::new(10, 3).unwrap();
        let t = Instant::now();
        assert!(
            (0..3).all(|_| rate.check(t) == MessageVerdict::Pass),
            "the burst"
        );
        assert_eq!(rate.check(t), MessageVerdict::Refuse);
        assert_eq!(
            rate.check(t + std::time::Duration::from_millis(100)),
            MessageVerdict::Pass,
            "refilled one"
        );
        let verdicts: Vec<_> = (0..STRIKES)
            .map(|_| rate.check(t + std::time::Duration::from_millis(100)))
            .collect();
        assert_eq!(verdicts.last(), Some(&MessageVerdict::Close));
        let mut calm = MessageRate::new(10, 3).unwrap();
        assert_eq!(calm.check(t), MessageVerdict::Pass);
        assert!(MessageRate::new(0, 5).is_none());
    }

    #[test]
    fn handshake_rate_is_per_ip() {
        let admission = Admission::new(0, 0, 2);
        let slots: Vec<_> = (0..2).map(|_| admission.admit(ip(1)).unwrap()).collect();
        assert_eq!(admission.admit(ip(1)).err(), Some(Refusal::TooFast));
        drop(slots);
        assert_eq!(
            admission.admit(ip(1)).err(),
            Some(Refusal::TooFast),
            "closing does not refill"
        );
        assert!(admission.admit(ip(2)).is_ok());
    }
}
