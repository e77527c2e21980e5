"""Run the double on its own: ``python -m tests.support.jenkins_double [--latency S]``.

Prints one JSON line (url, user, token, password) and serves until stopped (SIGTERM or
Ctrl-C). ``GET /_double/stats`` counts the requests served; ``POST /_double/reset`` clears
the count. Used by benchmarks, so the client under test does not share a process with it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading

from tests.support.jenkins_double.server import JenkinsDouble


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.support.jenkins_double")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    args = ap.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with JenkinsDouble(latency=args.latency) as jd:
        print(json.dumps({"url": jd.url, "user": jd.user, "token": jd.token, "password": jd.password}), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
