"""`jenkinsbridge agents run|reap|status CONFIG`: ephemeral build agents."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from typing import Any

from jenkinsbridge.agents.config import AgentsConfig, AgentTemplate, load_agents_config
from jenkinsbridge.agents.connect import make_backend, make_controller
from jenkinsbridge.agents.policy import check_templates
from jenkinsbridge.agents.provisioner import Provisioner
from jenkinsbridge.agents.reaper import reap
from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import JenkinsbridgeError, UsageError

log = logging.getLogger(__name__)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("agents", help="ephemeral Docker agents for queued builds",
                       description="One fresh container per queued build; nothing idles.")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    run_p = actions.add_parser("run", parents=[common], help="watch the queue and provision agents")
    run_p.add_argument("config", metavar="CONFIG")
    run_p.add_argument("--max-ticks", type=int, help="stop after this many full passes (for tests)")
    run_p.add_argument("--reap-every", type=float, default=30.0, metavar="SECONDS",
                       help="sweep for leftovers this often (default 30)")
    run_p.set_defaults(handler=run)
    reap_p = actions.add_parser("reap", parents=[common], help="remove leftovers of ours")
    reap_p.add_argument("config", metavar="CONFIG")
    reap_p.add_argument("--grace", type=float, metavar="SECONDS",
                        help="remove orphans older than this (default: grace from CONFIG)")
    reap_p.set_defaults(handler=run_reap)
    st = actions.add_parser("status", parents=[common], help="templates, agents, queue waits")
    st.add_argument("config", metavar="CONFIG")
    st.set_defaults(handler=run_status)


def run(args: argparse.Namespace) -> Result:
    _quiet_wire_logs(getattr(args, "verbose", 0) or 0)
    if args.reap_every <= 0:
        raise UsageError(f"--reap-every {args.reap_every}: must be more than 0 seconds")
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
        log.info("signal %d: stopping; removing our agents", signum)
        stop.set()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    sweeper = threading.Thread(target=_sweeper, args=(prov, stop, args.reap_every), daemon=True,
                               name="jb-sweeper")
    sweeper.start()
    log.info("provisioning for owner %s: %d template(s), queue read every %.2fs, full pass every "
             "%.2fs, sweep every %.1fs", prov.owner, len(config.templates),
             min(config.queue_poll, config.poll_interval),
             config.poll_interval, args.reap_every)
    try:
        prov.run(stop=stop, max_ticks=args.max_ticks)
    finally:
        stop.set()
        sweeper.join(timeout=30)
        prov.shutdown()
        for s, h in old.items():
            signal.signal(s, h)
    data = prov.stats.summary()
    text = (f"agents: {data['launched']} launched, {data['finished']} finished, {data['failed']} failed; "
            f"queue-to-container p50 {_fmt(data['queue_to_container_p50'])}, "
            f"p95 {_fmt(data['queue_to_container_p95'])}; "
            f"queue-to-build p50 {_fmt(data['queue_to_build_p50'])}, p95 {_fmt(data['queue_to_build_p95'])}")
    return Result(text=text, data=data)


def _quiet_wire_logs(verbosity: int) -> None:
    """-v shows the provisioner's decisions; the HTTP chatter of every poll only with -vv."""
    if verbosity < 2:
        for name in ("urllib3", "docker", "requests", "charset_normalizer"):
            logging.getLogger(name).setLevel(logging.WARNING)


def _sweeper(prov: Provisioner, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            reap(prov.controller, prov.backend, prov.owner, grace=prov.config.grace,
                 max_age=prov.config.max_age, active=prov.active_nodes())
        except JenkinsbridgeError as e:  # Jenkins or Docker said no: the next sweep retries
            log.warning("sweep failed: %s", e)
        except Exception:  # a bug: the sweeper must not die, but the traceback must show
            log.exception("sweep failed unexpectedly; the next sweep retries")


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}s"


def run_reap(args: argparse.Namespace) -> Result:
    config = load_agents_config(args.config)
    controller, _ = make_controller(config)
    grace = config.grace if args.grace is None else args.grace
    if grace < 0:
        raise UsageError(f"--grace {args.grace}: must be 0 or more seconds")
    report = reap(controller, make_backend(config), config.instance_id, grace=grace,
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
    rows_t: list[dict[str, Any]] = [
        {"name": t.name, "labels": t.labels, "image": t.image, "cap": t.cap,
         "running": sum(1 for a in agents if a.template == t.name)} for t in config.templates]
    rows_a = [{"node": a.node, "template": a.template, "state": a.state, "item": a.item,
               "age_s": round(now - a.created_at, 1), "node_online": bool(nodes.get(a.node) and
                                                                       not nodes[a.node].offline),
               "busy": bool(nodes.get(a.node) and nodes[a.node].busy)} for a in agents]
    rows_q = []
    for i in queue:
        t = _template_or_none(config, i.label)
        rows_q.append({"id": i.id, "task": i.task, "label": i.label, "buildable": i.buildable,
                       "wait_s": round(now - i.in_queue_since, 1), "template": t.name if t else None})
    lines = ["TEMPLATE  RUNNING/CAP  LABELS"]
    lines += [f"{r['name']}  {r['running']}/{r['cap']}  {' '.join(r['labels'])}" for r in rows_t]
    lines += ["", "AGENT  TEMPLATE  STATE  AGE  BUSY"]
    lines += [f"{r['node']}  {r['template']}  {r['state']}  {r['age_s']}s  {r['busy']}" for r in rows_a]
    lines += ["", "QUEUE  TASK  LABEL  WAIT  TEMPLATE"]
    lines += [f"{r['id']}  {r['task']}  {r['label']}  {r['wait_s']}s  {r['template'] or '-'}"
              for r in rows_q]
    return Result(text="\n".join(lines),
                  data={"owner": config.instance_id, "max_agents": config.max_agents,
                        "templates": rows_t, "agents": rows_a, "queue": rows_q})


def _template_or_none(config: AgentsConfig, label: str | None) -> AgentTemplate | None:
    if label is None:
        return None
    try:
        return config.template_for(label)
    except ValueError:  # not a label expression we can read
        return None
