"""A burst of 50 queued builds for two templates: the per-template cap (3) and the total
cap (4) hold at every moment, every build runs, and nothing is left afterwards."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

from jenkinsbridge.agents.backends import LABEL_TEMPLATE
from jenkinsbridge.agents.config import load_agents_config
from jenkinsbridge.agents.connect import make_backend, make_controller
from jenkinsbridge.agents.provisioner import Provisioner
from tests.integration.agents.conftest import Finisher, our_containers, our_nodes, wait_for, write_config
from tests.support.jenkins_double import JenkinsDouble

CAP, TOTAL, BUILDS = 3, 4, 50


class Sampler:
    """Reads our containers (by owner label) and our nodes every 20 ms; keeps the peaks."""

    def __init__(self, client: Any, jd: JenkinsDouble, owner: str) -> None:
        self.client, self.jd, self.owner = client, jd, owner
        self.samples = 0
        self.peak_total = self.peak_nodes = 0
        self.peak: Counter[str] = Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.02):
            cs = our_containers(self.client, self.owner)
            per = Counter(c["Labels"][LABEL_TEMPLATE] for c in cs.values())
            self.samples += 1
            self.peak_total = max(self.peak_total, len(cs))
            self.peak_nodes = max(self.peak_nodes, len(our_nodes(self.jd, self.owner)))
            for name, n in per.items():
                self.peak[name] = max(self.peak[name], n)


def test_caps_hold_under_a_burst_of_50(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
) -> None:
    base = {"image": agent_image, "pull": "never", "cap": CAP, "memory": "128m", "cpus": 0.5,
            "network": "host", "allow_unsafe": True}
    templates = [{"name": "red", "labels": ["jbt-red"], **base}, {"name": "blue", "labels": ["jbt-blue"], **base}]
    config = load_agents_config(write_config(tmp_path, double, owner, agent_image, max_agents=TOTAL,
                                             poll_interval=0.2, queue_poll=0.2, templates=templates))
    controller, url = make_controller(config)
    prov = Provisioner(config, controller, make_backend(config, docker_client), agent_url=url)
    stop = threading.Event()
    loop = threading.Thread(target=prov.run, kwargs={"stop": stop}, daemon=True)
    sampler = Sampler(docker_client, double, owner)
    with Finisher(double, seconds=0.6) as finisher:
        items = [double.enqueue(f"app/burst-{i}", "jbt-red" if i % 2 else "jbt-blue") for i in range(BUILDS)]
        sampler.thread.start()
        loop.start()
        try:
            wait_for(lambda: all(i.build is not None and i.build.result for i in items), 180,
                     f"{BUILDS} builds to run")
            wait_for(lambda: not our_containers(docker_client, owner) and not our_nodes(double, owner), 30,
                     "agents and nodes to be removed")
        finally:
            stop.set()
            loop.join(timeout=30)
            prov.shutdown()
            sampler.stop.set()
            sampler.thread.join(timeout=5)
    assert sampler.samples > 100
    assert sampler.peak_total == TOTAL  # the total cap was reached and never exceeded
    assert set(sampler.peak) == {"red", "blue"} and max(sampler.peak.values()) <= CAP
    assert sampler.peak_nodes <= TOTAL
    assert all(i.build is not None and i.build.result == "SUCCESS" for i in items)
    assert len(finisher.nodes_used) == BUILDS
    assert prov.stats.failed == 0
    nodes = {i.build.node for i in items if i.build is not None}
    assert len(nodes) == BUILDS  # one agent per build, each ran exactly one
    assert prov.stats.launched == BUILDS
