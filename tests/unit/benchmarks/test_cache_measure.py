"""The cache benchmark's figures come from npm's request log as `run` prints it; the
parser is checked on the real line shapes, including the masked form (the env-file's
values, `http` among them, are masked like credentials)."""

from __future__ import annotations

from benchmarks.cache.measure import count_fetches, network_fetches

LOG = """\
[install] + npm ci --no-audit --no-fund
[install] npm http fetch GET 200 https://registry.example.org/ms 2297ms (cache miss)
[install] npm **** fetch GET 200 ****s://registry.example.org/ms/-/ms-2.1.3.tgz 3668ms (cache miss)
[install] npm **** fetch GET 200 ****s://registry.example.org/mocha 12ms (cache stale)
[install] npm http fetch GET 200 https://registry.example.org/chai 1.5s (cache updated)
[install] npm http fetch GET 304 https://registry.example.org/glob 80ms (cache revalidated)
[install] npm http fetch GET 200 https://registry.example.org/once 3ms (cache hit)
[install] added 147 packages in 11s
"""


def test_marks_counted_and_only_requests_that_left_the_machine_are_network() -> None:
    kinds = count_fetches(LOG)
    assert kinds == {"cache miss": 2, "cache stale": 1, "cache updated": 1, "cache revalidated": 1,
                     "cache hit": 1}
    assert network_fetches(kinds) == 4
    assert count_fetches("[install] added 147 packages in 11s\n") == {}
