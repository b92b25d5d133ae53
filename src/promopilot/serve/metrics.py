"""Prometheus metrics: request counts and latencies per route, decisions by group.

A pure ASGI middleware (no per-request task or body copy) times every request and labels it
with the route's path template, never the raw path (ids would explode the label set) and never
a header (keys stay out of the metrics).
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """The app's own registry (several apps in one process do not collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "promopilot_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "promopilot_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "promopilot_decisions_total",
            "Offer decisions served",
            ["group", "source"],
            registry=self.registry,
        )
        self.records = Counter(
            "promopilot_records_total",
            "Posted records",
            ["table", "outcome"],
            registry=self.registry,
        )
        self.pending = Gauge(
            "promopilot_exposures_pending", "Decisions waiting to be logged", registry=self.registry
        )
        self._decision_children: dict = {}
        self.state_version = Gauge(
            "promopilot_state_version", "Version of the served state", registry=self.registry
        )

    def decision(self, group: str, source: str) -> None:
        """Count one decision (label children cached: this is on the hot path)."""
        child = self._decision_children.get((group, source))
        if child is None:
            child = self._decision_children[group, source] = self.decisions.labels(group, source)
        child.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    def __init__(self, app, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def send_status(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            # the template without a converter: /v1/customers/{customer_id}/offer, not
            # {customer_id:id}
            name = getattr(route, "path_format", None) or getattr(route, "path", None)
            name = name or "unmatched"
            self.metrics.requests.labels(scope["method"], name, str(status[0])).inc()
            self.metrics.latency.labels(name).observe(time.perf_counter() - start)
