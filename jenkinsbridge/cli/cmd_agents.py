"""`jenkinsbridge agents run|reap|status CONFIG`: ephemeral build agents."""

from __future__ import annotations

import argparse
import logging
import signal
import statistics
import threading
import time
from typing import Any

from jenkinsbridge.agents.config import load_agents_config
from jenkinsbridge.agents.policy import check_templates
from jenkinsbridge.agents.provisioner import Provisioner
from jenkinsbridge.agents.reaper import reap
from jenkinsbridge.agents.runtime import make_backend, make_controller
from jenkinsbridge.cli.result import Result

log = logging.getLogger(__name__)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("agents", help="ephemeral Docker agents for queued builds",
                       description="One fresh container per queued build; nothing idles.")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    run_p = actions.add_parser("run", parents=[common], help="watch the queue and provision agents")
    run_p.add_argument("config", metavar="CONFIG")
    run_p.add_argument("--max-ticks", type=int, help="stop after this many polls (for tests)")
    run_p.add_argument("--reap-every", type=float, default=30.0, metavar="SECONDS",
                       help="sweep for leftovers this often (default 30)")
    run_p.set_defaults(handler=run)
    reap_p = actions.add_parser("reap", parents=[common], help="remove leftovers of ours")
    reap_p.add_argument("config", metavar="CONFIG")
    reap_p.set_defaults(handler=run_reap)
    st = actions.add_parser("status", parents=[common], help="templates, agents, queue waits")
    st.add_argument("config", metavar="CONFIG")
    st.set_defaults(handler=run_status)


def run(args: argparse.Namespace) -> Result:
    config = load_agents_config(args.config)
    check_templates(config)
    controller, agent_url = make_controller(config)
    backend = make_backend(config)
    first = reap(controller, backend, config.instance_id, grace=config.grace, max_age=config.max_age)
    log.info("start-up sweep: %d container(s), %d node(s) removed",
             len(first.containers_removed), len(first.nodes_deleted))
    prov = Provisioner(config, controller, backend, agent_url=agent_url)
    adopted = prov.adopt()
    if adopted:
        log.info("adopted %d agent(s) of a previous run", adopted)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    reaper = threading.Thread(target=_sweeper, args=(prov, stop, args.reap_every), daemon=True)
    reaper.start()
    try:
        prov.run(stop=stop, max_ticks=args.max_ticks)
    finally:
        stop.set()
        prov.shutdown()
        for s, h in old.items():
            signal.signal(s, h)
    lat = sorted(prov.stats.latencies)
    data = {"launched": prov.stats.launched, "finished": prov.stats.finished,
            "failed": prov.stats.failed, "queue_to_running_p50": _pct(lat, 50),
            "queue_to_running_p95": _pct(lat, 95)}
    text = (f"agents: {data['launched']} launched, {data['finished']} finished, "
            f"{data['failed']} failed; queue-to-running p50 {_fmt(data['queue_to_running_p50'])}, "
            f"p95 {_fmt(data['queue_to_running_p95'])}")
    return Result(text=text, data=data)


def _sweeper(prov: Provisioner, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            with prov._lock:
                active = list(prov.agents)
            reap(prov.controller, prov.backend, prov.owner, grace=prov.config.grace,
                 max_age=prov.config.max_age, active=active)
        except Exception as e:  # the sweeper must not die; the next sweep retries
            log.warning("sweep failed: %s", e)


def _pct(values: list[float], p: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}s"


def run_reap(args: argparse.Namespace) -> Result:
    config = load_agents_config(args.config)
    controller, _ = make_controller(config)
    report = reap(controller, make_backend(config), config.instance_id, grace=config.grace,
                  max_age=config.max_age)
    return Result(
        text=f"reaped {len(report.containers_removed)} container(s) and "
             f"{len(report.nodes_deleted)} node(s); {report.kept} kept",
        data={"containers_removed": report.containers_removed,
              "nodes_deleted": report.nodes_deleted, "kept": report.kept},
    )


def run_status(args: argparse.Namespace) -> Result:
    config = load_agents_config(args.config)
    controller, _ = make_controller(config)
    backend = make_backend(config)
    now = time.time()
    agents = backend.list_ours(config.instance_id)
    nodes = controller.nodes()
    queue = controller.queue()
    prov = Provisioner(config, controller, backend, agent_url="http://unused/")
    rows_t: list[dict[str, Any]] = [{"name": t.name, "labels": t.labels, "image": t.image, "cap": t.cap,
               "running": sum(1 for a in agents if a.template == t.name)} for t in config.templates]
    rows_a = [{"node": a.node, "template": a.template, "state": a.state,
               "age_s": round(now - a.created_at, 1),
               "busy": bool(nodes.get(a.node) and nodes[a.node].busy)} for a in agents]
    rows_q = []
    for i in queue:
        t = prov._template_for(i.label) if i.label else None
        rows_q.append({"id": i.id, "task": i.task, "label": i.label,
                       "wait_s": round(now - i.in_queue_since, 1),
                       "template": t.name if t else None})
    lines = ["TEMPLATE  RUNNING/CAP  LABELS"]
    lines += [f"{r['name']}  {r['running']}/{r['cap']}  {' '.join(r['labels'])}" for r in rows_t]
    lines += ["", "AGENT  TEMPLATE  STATE  AGE  BUSY"]
    lines += [f"{r['node']}  {r['template']}  {r['state']}  {r['age_s']}s  {r['busy']}" for r in rows_a]
    lines += ["", "QUEUE  TASK  LABEL  WAIT  TEMPLATE"]
    lines += [f"{r['id']}  {r['task']}  {r['label']}  {r['wait_s']}s  {r['template'] or '-'}"
              for r in rows_q]
    return Result(text="\n".join(lines),
                  data={"templates": rows_t, "agents": rows_a, "queue": rows_q})
