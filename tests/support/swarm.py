"""A single-node swarm for tests: joined only when the engine is not in one yet, with
--advertise-addr 127.0.0.1; never left (other tests share it)."""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["ensure_swarm"]


def ensure_swarm(client: Any) -> None:
    info = client.info().get("Swarm", {})
    if info.get("LocalNodeState") == "active" and info.get("ControlAvailable"):
        return
    if info.get("LocalNodeState") == "active":
        pytest.fail("the engine is a swarm worker, not a manager; swarm tests need a manager",
                    pytrace=False)
    try:
        client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    except Exception as e:
        # another test may have initialised it at the same moment
        if client.info().get("Swarm", {}).get("ControlAvailable"):
            return
        pytest.fail(f"docker swarm init failed: {e}", pytrace=False)
