"""A bounded load loop against a port on 127.0.0.1, run in the background during a
rollout: a fixed request rate, stopped by request count or by time, recording for each
request when it ran, whether it failed and which version answered."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

__all__ = ["Load", "Sample"]


@dataclass(frozen=True)
class Sample:
    t: float  # time.time() when the request started
    ok: bool
    version: str  # the body's first line, or the error
    latency: float


@dataclass
class Load:
    port: int
    rate: float = 150.0  # requests per second, over all workers
    max_requests: int = 60_000
    max_seconds: float = 300.0
    workers: int = 16
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Load:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._t0 = time.monotonic()
        for i in range(self.workers):
            th = threading.Thread(target=self._work, args=(i,), daemon=True)
            th.start()
            self._threads.append(th)

    def stop(self) -> None:
        self._stop.set()
        for th in self._threads:
            th.join(timeout=15)

    def _one(self) -> Sample:
        t = time.time()
        m = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/", headers={"Connection": "close"})
            resp = conn.getresponse()
            body = resp.read().decode("utf-8", "replace").strip()
            ok = resp.status == 200
            return Sample(t, ok, body if ok else f"HTTP {resp.status}", time.monotonic() - m)
        except Exception as e:
            return Sample(t, False, f"{type(e).__name__}: {e}", time.monotonic() - m)
        finally:
            conn.close()

    def _work(self, index: int) -> None:
        interval = self.workers / self.rate
        next_at = time.monotonic() + index * interval / self.workers
        while not self._stop.is_set():
            if time.monotonic() - self._t0 > self.max_seconds:
                return
            with self._lock:
                if len(self.samples) >= self.max_requests:
                    return
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at += interval
            s = self._one()
            with self._lock:
                self.samples.append(s)

    # --- what the tests look at ---------------------------------------------------------

    def snapshot(self) -> list[Sample]:
        with self._lock:
            return sorted(self.samples, key=lambda s: s.t)

    def failures(self) -> list[Sample]:
        return [s for s in self.snapshot() if not s.ok]

    def rate_seen(self) -> float:
        s = self.snapshot()
        if len(s) < 2:
            return 0.0
        return len(s) / max(1e-6, s[-1].t - s[0].t)

    def versions_between(self, start: float, end: float) -> set[str]:
        return {s.version for s in self.snapshot() if start <= s.t < end and s.ok}

    def wait_for(self, version: str, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.samples and self.samples[-1].version == version:
                    return True
            time.sleep(0.05)
        return False
