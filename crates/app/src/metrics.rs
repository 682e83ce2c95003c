//! The process's figures for the operator's scraper, in Prometheus' text format: requests by
//! route and status with their latency, the access log's batches (requests per batch, time
//! to durable), password verifications; the store's figures (outbox, pools) are read at each
//! scrape. Counters only: no figure carries a person, a course or a URL with an id in it
//! (routes are the route table's patterns).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in seconds.
const LATENCY: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
/// Upper bounds of the batch-size buckets, in requests.
const BATCH: [f64; 7] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// A histogram with fixed buckets (counts per bucket, not yet cumulative).
#[derive(Clone, Debug, Default)]
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], value: f64) {
        if self.buckets.len() != bounds.len() {
            self.buckets = vec![0; bounds.len()];
        }
        if let Some(i) = bounds.iter().position(|b| value <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += value;
    }

    /// The `_bucket`, `_sum` and `_count` lines of `name` with `labels` (`a="b",` or empty).
    fn render(&self, out: &mut String, name: &str, labels: &str, bounds: &[f64]) {
        let mut cumulative = 0;
        for (i, bound) in bounds.iter().enumerate() {
            cumulative += self.buckets.get(i).copied().unwrap_or(0);
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {}", self.count);
        let trimmed = labels.trim_end_matches(',');
        let braces = if trimmed.is_empty() { String::new() } else { format!("{{{trimmed}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// One route's requests by (method, status).
type ByMethodAndStatus = BTreeMap<(&'static str, u16), Histogram>;

#[derive(Default)]
pub struct Metrics {
    /// By route, then (method, status): the requests' latency. Keyed so that a request already
    /// seen allocates nothing.
    requests: Mutex<BTreeMap<String, ByMethodAndStatus>>,
    /// The access log's batches: requests in each, and seconds until durable.
    access_batch: Mutex<(Histogram, Histogram)>,
    pub password_checks: AtomicU64,
}

/// What the store says at a scrape.
#[derive(Clone, Debug, Default)]
pub struct StoreFigures {
    pub outbox_due: i64,
    /// Seconds since the oldest mail due was made.
    pub outbox_oldest_age: f64,
    pub pools: Vec<tovholder_store::PoolUse>,
}

impl Metrics {
    /// One answered request: `route` is its pattern in the route table (or "unmatched").
    pub fn request(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            let by_route = match r.get_mut(route) {
                Some(m) => m,
                None => r.entry(route.to_string()).or_default(),
            };
            by_route.entry((method, status)).or_default().observe(&LATENCY, seconds);
        }
    }

    /// One batch of the access log written: how many requests it held, and how long it took.
    pub fn access_batch(&self, requests: usize, seconds: f64) {
        if let Ok(mut b) = self.access_batch.lock() {
            b.0.observe(&BATCH, requests as f64);
            b.1.observe(&LATENCY, seconds);
        }
    }

    pub fn password_checked(&self) {
        self.password_checks.fetch_add(1, Ordering::Relaxed);
    }

    /// Everything, in Prometheus' text format (version 0.0.4).
    pub fn render(&self, store: &StoreFigures) -> String {
        let mut out = String::new();
        let help = |out: &mut String, name: &str, kind: &str, text: &str| {
            let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
        };
        help(&mut out, "tovholder_http_request_duration_seconds", "histogram", "Requests answered, by method, route and status, and how long they took.");
        if let Ok(r) = self.requests.lock() {
            for (route, by) in r.iter() {
                let route = route.replace('\\', "\\\\").replace('"', "\\\"");
                for ((method, status), h) in by {
                    h.render(&mut out, "tovholder_http_request_duration_seconds", &format!("method=\"{method}\",route=\"{route}\",status=\"{status}\","), &LATENCY);
                }
            }
        }
        if let Ok(b) = self.access_batch.lock() {
            help(&mut out, "tovholder_access_log_batch_requests", "histogram", "Requests whose access records were written in one transaction.");
            b.0.render(&mut out, "tovholder_access_log_batch_requests", "", &BATCH);
            help(&mut out, "tovholder_access_log_batch_seconds", "histogram", "Time to write a batch of access records durably (each request of it waits this long).");
            b.1.render(&mut out, "tovholder_access_log_batch_seconds", "", &LATENCY);
        }
        help(&mut out, "tovholder_password_checks_total", "counter", "Passwords verified against a stored hash since the process started.");
        let _ = writeln!(out, "tovholder_password_checks_total {}", self.password_checks.load(Ordering::Relaxed));
        help(&mut out, "tovholder_outbox_due", "gauge", "Mails due and not yet sent.");
        let _ = writeln!(out, "tovholder_outbox_due {}", store.outbox_due);
        help(&mut out, "tovholder_outbox_oldest_due_age_seconds", "gauge", "How long the oldest mail due has waited (0 when none waits).");
        let _ = writeln!(out, "tovholder_outbox_oldest_due_age_seconds {}", store.outbox_oldest_age);
        help(&mut out, "tovholder_db_pool_connections", "gauge", "Database connections open, by pool and state, and each pool's maximum.");
        for p in &store.pools {
            let _ = writeln!(out, "tovholder_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}", p.name, p.idle);
            let _ = writeln!(out, "tovholder_db_pool_connections{{pool=\"{}\",state=\"busy\"}} {}", p.name, p.size.saturating_sub(p.idle));
            let _ = writeln!(out, "tovholder_db_pool_connections{{pool=\"{}\",state=\"max\"}} {}", p.name, p.max);
        }
        help(&mut out, "tovholder_build_info", "gauge", "The running version.");
        let _ = writeln!(out, "tovholder_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        out
    }
}

/// Addresses allowed to read `/metrics`: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressRange {
    net: std::net::IpAddr,
    prefix: u8,
}

impl std::str::FromStr for AddressRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (addr, prefix) = s.trim().split_once('/').map_or((s.trim(), None), |(a, p)| (a, Some(p)));
        let net: std::net::IpAddr = addr.parse().map_err(|_| format!("{s:?} is not an address or an address/prefix"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("{s:?}: the prefix must be 0 to {max}"))?,
            None => max,
        };
        Ok(AddressRange { net, prefix })
    }
}

impl AddressRange {
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let ip = match ip {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
            v4 => v4,
        };
        let bits = |a: std::net::IpAddr| -> u128 {
            match a {
                std::net::IpAddr::V4(v) => u128::from(u32::from(v)),
                std::net::IpAddr::V6(v) => u128::from(v),
            }
        };
        if ip.is_ipv4() != self.net.is_ipv4() {
            return false;
        }
        let width = if ip.is_ipv4() { 32 } else { 128 };
        let shift = width - u32::from(self.prefix);
        shift >= width || (bits(ip) >> shift) == (bits(self.net) >> shift)
    }
}

/// The store's figures now.
pub async fn store_figures(app: &crate::App) -> Result<StoreFigures, crate::AppError> {
    let now = app.clock.now();
    let (due, oldest) = app.store.outbox_backlog(now).await?;
    let age = oldest.map_or(0.0, |o| now.duration_since(o).as_secs_f64().max(0.0));
    Ok(StoreFigures { outbox_due: due, outbox_oldest_age: age, pools: app.store.pool_use() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn address_ranges_hold_their_addresses() {
        let r = |s: &str| s.parse::<AddressRange>().unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(r("10.0.0.0/8").contains(ip("10.200.3.4")) && !r("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(r("127.0.0.1").contains(ip("127.0.0.1")) && !r("127.0.0.1").contains(ip("127.0.0.2")));
        assert!(r("127.0.0.1").contains(ip("::ffff:127.0.0.1")), "an IPv4 address as IPv6 sees it");
        assert!(r("2001:db8::/32").contains(ip("2001:db8:1::5")) && !r("2001:db8::/32").contains(ip("2001:db9::1")));
        assert!(r("0.0.0.0/0").contains(ip("8.8.8.8")) && !r("0.0.0.0/0").contains(ip("::1")));
        assert!("10.0.0.0/33".parse::<AddressRange>().is_err() && "tusind".parse::<AddressRange>().is_err());
    }

    #[test]
    fn histograms_are_cumulative_and_every_figure_is_named_once() {
        let m = Metrics::default();
        m.request("GET", "/forloeb/{id}", 200, 0.003);
        m.request("GET", "/forloeb/{id}", 200, 0.2);
        m.request("GET", "/forloeb/{id}", 404, 0.001);
        m.access_batch(3, 0.004);
        m.password_checked();
        let text = m.render(&StoreFigures { outbox_due: 2, outbox_oldest_age: 61.5, pools: vec![tovholder_store::PoolUse { name: "pool", size: 5, idle: 3, max: 16 }] });
        let line = |start: &str| text.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("{start} in\n{text}")).rsplit(' ').next().unwrap().to_string();
        let ok = "method=\"GET\",route=\"/forloeb/{id}\",status=\"200\"";
        assert_eq!(line(&format!("tovholder_http_request_duration_seconds_bucket{{{ok},le=\"0.005\"}}")), "1");
        assert_eq!(line(&format!("tovholder_http_request_duration_seconds_bucket{{{ok},le=\"0.25\"}}")), "2");
        assert_eq!(line(&format!("tovholder_http_request_duration_seconds_count{{{ok}}}")), "2");
        assert_eq!(line("tovholder_access_log_batch_requests_bucket{le=\"4\"}"), "1");
        assert_eq!(line("tovholder_password_checks_total"), "1");
        assert_eq!(line("tovholder_outbox_oldest_due_age_seconds"), "61.5");
        assert_eq!(line("tovholder_db_pool_connections{pool=\"pool\",state=\"busy\"}"), "2");
        for name in ["tovholder_http_request_duration_seconds", "tovholder_outbox_due", "tovholder_password_checks_total"] {
            assert_eq!(text.matches(&format!("# TYPE {name} ")).count(), 1, "{name}");
        }
    }
}
