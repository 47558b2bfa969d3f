//! What `/metrics` reports, in Prometheus' text format (issue 12): requests by route and
//! status, import jobs, garbage collections and blob-store latency. One registry per
//! process ([`global`]); each replica reports its own, and Prometheus adds them up.

use std::sync::OnceLock;
use std::time::Instant;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    /// `route` is the route's template (`/api/v1/packages/{subject}/{repo}/{package}`),
    /// never the path itself, so the number of series stays bounded.
    pub http_requests: IntCounterVec,
    pub http_seconds: HistogramVec,
    pub imports_running: IntGauge,
    /// Finished import items by `outcome` (`done`, `failed`).
    pub import_items: IntCounterVec,
    /// Collections by `outcome` (`ran`, `skipped` for another replica's, `failed`).
    pub gc_runs: IntCounterVec,
    pub gc_blobs_removed: IntCounter,
    pub gc_bytes_freed: IntCounter,
    /// Blob-store calls by `op` (`get`, `stage`, `place`, …), until the first byte.
    pub store_seconds: HistogramVec,
}

fn build() -> Metrics {
    let registry = Registry::new_custom(Some("wharf".to_owned()), None).expect("valid prefix");
    let http_requests = IntCounterVec::new(
        Opts::new("http_requests_total", "HTTP requests answered"),
        &["route", "method", "status"],
    )
    .expect("valid metric");
    let http_seconds = HistogramVec::new(
        HistogramOpts::new("http_request_duration_seconds", "Time to the response head"),
        &["route"],
    )
    .expect("valid metric");
    let imports_running = IntGauge::new("import_jobs_running", "Import jobs this replica runs")
        .expect("valid metric");
    let import_items = IntCounterVec::new(
        Opts::new(
            "import_items_total",
            "GitHub repositories imported, by outcome",
        ),
        &["outcome"],
    )
    .expect("valid metric");
    let gc_runs = IntCounterVec::new(
        Opts::new("gc_runs_total", "Garbage collections, by outcome"),
        &["outcome"],
    )
    .expect("valid metric");
    let gc_blobs_removed =
        IntCounter::new("gc_blobs_removed_total", "Unreferenced blobs removed").expect("valid");
    let gc_bytes_freed =
        IntCounter::new("gc_bytes_freed_total", "Bytes of removed blobs").expect("valid");
    let store_seconds = HistogramVec::new(
        HistogramOpts::new("store_operation_duration_seconds", "Blob-store calls")
            .buckets(prometheus::exponential_buckets(0.0005, 2.0, 16).expect("valid buckets")),
        &["op"],
    )
    .expect("valid metric");
    for c in [
        Box::new(http_requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(http_seconds.clone()),
        Box::new(imports_running.clone()),
        Box::new(import_items.clone()),
        Box::new(gc_runs.clone()),
        Box::new(gc_blobs_removed.clone()),
        Box::new(gc_bytes_freed.clone()),
        Box::new(store_seconds.clone()),
    ] {
        registry.register(c).expect("registered once");
    }
    // Every outcome's series exists from the start at 0, so that a dashboard or an alert
    // on `rate(...)` sees the family before its first event.
    for outcome in ["done", "failed"] {
        import_items.with_label_values(&[outcome]);
    }
    for outcome in ["ran", "skipped", "failed"] {
        gc_runs.with_label_values(&[outcome]);
    }
    Metrics {
        registry,
        http_requests,
        http_seconds,
        imports_running,
        import_items,
        gc_runs,
        gc_blobs_removed,
        gc_bytes_freed,
        store_seconds,
    }
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(build)
}

impl Metrics {
    /// Everything, in the text exposition format (`text/plain; version=0.0.4`).
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("text encoding cannot fail");
        String::from_utf8(out).expect("the text format is UTF-8")
    }

    /// Times a blob-store call `op` from now until the guard drops.
    pub fn store_timer(&self, op: &str) -> StoreTimer {
        StoreTimer {
            histogram: self.store_seconds.with_label_values(&[op]),
            started: Instant::now(),
        }
    }
}

pub struct StoreTimer {
    histogram: prometheus::Histogram,
    started: Instant,
}

impl Drop for StoreTimer {
    fn drop(&mut self) {
        self.histogram.observe(self.started.elapsed().as_secs_f64());
    }
}
