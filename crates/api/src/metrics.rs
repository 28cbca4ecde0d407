//! Prometheus metrics for `/metrics`: request counts and latencies by route class.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    /// Entries and bytes each in-memory cache holds, set when metrics are read.
    pub cache_entries: IntGaugeVec,
    pub cache_bytes: IntGaugeVec,
    /// Statements sent to the databases since start, set when metrics are read.
    pub db_statements: prometheus::IntGauge,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Metrics> {
        let registry = Registry::new_custom(Some("lentera".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by kind of path and status class",
            ),
            &["kind", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            ),
            &["kind"],
        )?;
        let cache_entries = IntGaugeVec::new(
            Opts::new("cache_entries", "Entries held by an in-memory cache"),
            &["cache"],
        )?;
        let cache_bytes = IntGaugeVec::new(
            Opts::new(
                "cache_bytes",
                "Approximate bytes held by an in-memory cache",
            ),
            &["cache"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(cache_entries.clone()))?;
        let db_statements = prometheus::IntGauge::new(
            "db_statements",
            "Statements sent to the databases since the process started",
        )?;
        registry.register(Box::new(cache_bytes.clone()))?;
        registry.register(Box::new(db_statements.clone()))?;
        Ok(Metrics {
            db_statements,
            registry,
            requests,
            latency,
            cache_entries,
            cache_bytes,
        })
    }

    /// Records one request. `kind` is a small fixed set (api, page, static, other) so
    /// the number of series stays bounded whatever paths clients invent.
    pub fn observe(&self, path: &str, status: u16, seconds: f64) {
        let kind = if path.starts_with("/api/") {
            "api"
        } else if path.starts_with("/static/") || path.contains("/aset/") {
            "static"
        } else if path == "/metrics" || path == "/healthz" {
            "ops"
        } else {
            "page"
        };
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.requests.with_label_values(&[kind, class]).inc();
        self.latency.with_label_values(&[kind]).observe(seconds);
    }

    /// Sets a cache's gauges.
    pub fn cache(&self, name: &str, (entries, bytes): (usize, usize)) {
        let gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.cache_entries
            .with_label_values(&[name])
            .set(gauge(entries));
        self.cache_bytes
            .with_label_values(&[name])
            .set(gauge(bytes));
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let encoder = TextEncoder::new();
        if encoder.encode(&self.registry.gather(), &mut buf).is_err() {
            return String::new();
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}
