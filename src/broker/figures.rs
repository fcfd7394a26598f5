//! A node's Redis figures: the `redis` object of `/stats` and the `frankenphp_ws_redis_*`
//! lines of `/metrics`.

use super::redis::Shared;
use super::request;
use crate::ops::Kind;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

impl Shared {
    pub(super) fn metrics(&self) -> String {
        let s = self;
        let mut out = String::new();
        let mut metric = |name: &str, help: &str, kind: &str, lines: Vec<(String, u64)>| {
            out.push_str(&format!("# HELP frankenphp_ws_redis_{name} {help}\n# TYPE frankenphp_ws_redis_{name} {kind}\n"));
            for (labels, value) in lines {
                out.push_str(&format!("frankenphp_ws_redis_{name}{labels} {value}\n"));
            }
        };
        let by_kind = |counts: &[AtomicU64]| -> Vec<(String, u64)> {
            Kind::ALL
                .iter()
                .map(|k| {
                    (
                        format!("{{op=\"{}\"}}", k.name()),
                        counts[*k as usize].load(Ordering::Relaxed),
                    )
                })
                .filter(|(_, n)| *n > 0)
                .collect()
        };
        let (outbox, dropped) = {
            let outbox = s.outbox.lock();
            (outbox.len() as u64, outbox.dropped)
        };
        metric(
            "up",
            "1 while Redis answers",
            "gauge",
            vec![(String::new(), u64::from(s.up.load(Ordering::Acquire)))],
        );
        metric(
            "published_total",
            "messages this node published on Redis, by operation",
            "counter",
            by_kind(&s.published),
        );
        metric(
            "received_total",
            "messages this node received from Redis and ran, by operation",
            "counter",
            by_kind(&s.received),
        );
        metric(
            "outbox",
            "messages waiting for Redis",
            "gauge",
            vec![(String::new(), outbox)],
        );
        metric(
            "outbox_dropped_total",
            "messages dropped past the outbox's bound",
            "counter",
            vec![(String::new(), dropped)],
        );
        metric(
            "reconnects_total",
            "times Redis came back",
            "counter",
            vec![(String::new(), s.reconnects.load(Ordering::Relaxed))],
        );
        metric(
            "subscriptions",
            "Redis channels this node is subscribed to",
            "gauge",
            vec![(String::new(), s.subscriptions.lock().len() as u64)],
        );
        let (count, sum_us, _, buckets) = request::LATENCY.snapshot();
        out.push_str("# HELP frankenphp_ws_redis_request_seconds round trips of requests to other nodes\n# TYPE frankenphp_ws_redis_request_seconds histogram\n");
        let mut cumulative = 0;
        for (bound, n) in request::BUCKETS_US.iter().zip(buckets) {
            cumulative += n;
            out.push_str(&format!(
                "frankenphp_ws_redis_request_seconds_bucket{{le=\"{}\"}} {cumulative}\n",
                *bound as f64 / 1e6
            ));
        }
        out.push_str(&format!(
            "frankenphp_ws_redis_request_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        out.push_str(&format!(
            "frankenphp_ws_redis_request_seconds_sum {}\n",
            sum_us as f64 / 1e6
        ));
        out.push_str(&format!(
            "frankenphp_ws_redis_request_seconds_count {count}\n"
        ));
        out
    }

    pub(super) fn figures(&self) -> Value {
        let s = self;
        let by_kind = |counts: &[AtomicU64]| -> serde_json::Map<String, Value> {
            Kind::ALL
                .iter()
                .map(|k| (k.name(), counts[*k as usize].load(Ordering::Relaxed)))
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| (name.to_string(), json!(n)))
                .collect()
        };
        let total = |counts: &[AtomicU64]| {
            counts
                .iter()
                .map(|n| n.load(Ordering::Relaxed))
                .sum::<u64>()
        };
        let (asked, sum_us, max_us, _) = request::LATENCY.snapshot();
        let outbox = s.outbox.lock();
        json!({
            "up": s.up.load(Ordering::Acquire),
            "published": total(&s.published),
            "received": total(&s.received),
            "published_by_kind": by_kind(&s.published),
            "received_by_kind": by_kind(&s.received),
            "requests": asked,
            "request_latency_avg_us": sum_us.checked_div(asked).unwrap_or(0),
            "request_latency_max_us": max_us,
            "outbox": outbox.len(),
            "outbox_dropped": outbox.dropped,
            "reconnects": s.reconnects.load(Ordering::Relaxed),
            "subscriptions": s.subscriptions.lock().len(),
        })
    }
}
