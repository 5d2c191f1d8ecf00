"""Prometheus metrics, kept in one registry per app so several apps can live in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "ServiceMetrics"]

LATENCY_BUCKETS_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RELIABILITY_BUCKETS = (0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


class ServiceMetrics:
    """The service's counters and histograms, registered in their own ``CollectorRegistry``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "mizan_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "mizan_http_request_duration_seconds",
            "Time from receiving a request to sending the last byte of its answer.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=self.registry,
        )
        self.errors = Counter(
            "mizan_http_errors",
            "Answers with a 4xx or 5xx status, by route and kind of error.",
            ("route", "kind"),
            registry=self.registry,
        )
        self.scores = Counter(
            "mizan_scores",
            "Articles scored, by verdict.",
            ("verdict",),
            registry=self.registry,
        )
        self.reliability = Histogram(
            "mizan_reliability",
            "Reliability of the articles scored.",
            buckets=RELIABILITY_BUCKETS,
            registry=self.registry,
        )
        self.engine_ready = Gauge(
            "mizan_engine_ready",
            "1 once the detector engine is loaded and the service answers scoring requests.",
            registry=self.registry,
        )
        self.model = Gauge(
            "mizan_model_info",
            "The loaded model bundle (always 1; the labels say which).",
            ("name", "version"),
            registry=self.registry,
        )

    def observe_request(
        self, method: str, route: str, status: int, seconds: float, error_kind: str | None
    ) -> None:
        """Record one answered request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if status >= 400:
            self.errors.labels(route, error_kind or f"http_{status}").inc()

    def observe_score(self, verdict: str, reliability: float) -> None:
        """Record one scored article."""
        self.scores.labels(verdict).inc()
        self.reliability.observe(reliability)

    def mark_ready(self, model_name: str, model_version: str) -> None:
        """Record that the engine is loaded, and which model it uses."""
        self.model.labels(model_name, model_version).set(1)
        self.engine_ready.set(1)

    def render(self) -> bytes:
        """Return the registry in the Prometheus text format."""
        return generate_latest(self.registry)
