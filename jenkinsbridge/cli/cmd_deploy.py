"""`jenkinsbridge deploy SPEC --env E [--image REF]` and
`jenkinsbridge deploy status|promote|rollback|history SPEC --env E`."""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import UsageError

ACTIONS = ("status", "promote", "rollback", "history")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "deploy", parents=[common], help="roll an image out, or report on / steer a rollout",
        description="deploy SPEC --env E [--image REF]: roll out with the env's strategy "
                    "(standard, rolling, blue-green). deploy status|promote|rollback|history SPEC "
                    "--env E: report, retire the idle color, switch back, list past deploys. "
                    "A tcp:// endpoint uses the client certificate in DOCKER_CERT_PATH "
                    "(ca.pem, cert.pem, key.pem), as withCredentials dockerCert binds it.",
    )
    p.add_argument("words", nargs="+", metavar="[ACTION] SPEC",
                   help=f"the spec file, optionally after one of {', '.join(ACTIONS)}")
    p.add_argument("--job", metavar="NAME")
    p.add_argument("--env", required=True, metavar="E")
    p.add_argument("--image", metavar="REF", help="image to deploy (default: the spec's image)")
    p.add_argument("--retire-after", type=int, metavar="S",
                   help="blue-green: seconds after the switch before the old color may stop "
                        "(over blue_green.retire_after)")
    p.add_argument("--wait-retire", action="store_true",
                   help="blue-green: wait retire_after seconds, then stop the old color (without "
                        "it the command returns once traffic moved; the old color stays idle for "
                        "rollback until promote or the next deploy)")
    p.add_argument("--to", metavar="VERSION|DIGEST",
                   help="rollback: the release to go back to (a tag, sha256:..., or a reference "
                        "from the history); default the previous successful release")
    p.add_argument("--reason", metavar="TEXT", default="",
                   help="rollback: why, kept in the history with who asked")
    p.add_argument("--strategy", choices=("standard", "rolling", "blue-green"),
                   help="this deploy only: override the environment's strategy")
    p.set_defaults(handler=run)


def _parse(args: argparse.Namespace) -> tuple[str, str]:
    words = list(args.words)
    if len(words) == 2 and words[0] in ACTIONS:
        return words[0], words[1]
    if len(words) == 1:
        return "deploy", words[0]
    raise UsageError(f"expected `deploy [{'|'.join(ACTIONS)}] SPEC`, got {' '.join(words)!r}")


def _engine(spec: Any) -> Any:
    from jenkinsbridge.deploy.engine import engine_for

    return engine_for(spec.endpoint, spec.tls_credentials, os.environ)


def run(args: argparse.Namespace) -> Result:
    from jenkinsbridge.deploy import operations as ops
    from jenkinsbridge.deploy.model import Deployment
    from jenkinsbridge.spec import load_specs

    action, spec_path = _parse(args)
    job = load_specs([spec_path]).select(args.job)
    image = args.image if action == "deploy" else None
    if action != "deploy" and args.image:
        raise UsageError(f"--image applies to a deploy, not to `deploy {action}`")
    d = Deployment.from_job(job, args.env, image, need_image=action == "deploy")
    if args.strategy is not None:
        if action != "deploy":
            raise UsageError(f"--strategy applies to a deploy, not to `deploy {action}`")
        d.spec = d.spec.model_copy(update={"strategy": args.strategy})
    if action != "rollback" and (args.to or args.reason):
        raise UsageError(f"--to and --reason apply to `deploy rollback`, not to `deploy {action}`")
    if "\n" in args.reason or len(args.reason) > 500:
        raise UsageError("--reason: one line of at most 500 characters")
    if args.wait_retire:
        if action != "deploy":
            raise UsageError(f"--wait-retire applies to a deploy, not to `deploy {action}`")
        d.wait_retire = True
    if args.retire_after is not None:
        if args.retire_after < 0:
            raise UsageError("--retire-after takes seconds >= 0")
        bg = d.spec.blue_green.model_copy(update={"retire_after": args.retire_after})
        d.spec = d.spec.model_copy(update={"blue_green": bg})
    engine = _engine(d.spec)
    try:
        if action == "status":
            data = ops.status(engine, d)
            return Result(text=_status_text(data), data=data)
        if action == "history":
            records = ops.history(engine, d)
            return Result(text=_history_text(records), data={"history": records})
        if action == "rollback":
            rec = ops.rollback(engine, d, to=args.to, why=args.reason)
        else:
            rec = {"deploy": ops.deploy, "promote": ops.promote}[action](engine, d)
    finally:
        engine.close()
    data = rec.as_dict()
    text = f"{action} of {d.app} to {d.env}: {rec.result} ({rec.image}, {rec.strategy}, {rec.duration:.1f}s"
    if rec.switch_seconds is not None:
        text += f", switch {rec.switch_seconds:.3f}s"
    if rec.downtime_seconds is not None:
        text += f", downtime up to {rec.downtime_seconds:.1f}s"
    return Result(text=text + (f", live color {rec.color})" if rec.color else ")"), data=data)


def _status_text(data: dict[str, Any]) -> str:
    live = data.get("live") or {}
    lines = [f"{data['app']} ({data['env']}) on {data['target']}, {data['strategy']}: "
             f"live {live.get('color') or '-'} {live.get('image', 'nothing deployed')}"]
    if data.get("weights"):
        lines.append("weights: " + ", ".join(f"{k}={v}" for k, v in sorted(data["weights"].items())))
    for unit in data["units"]:
        lines.append(f"{unit['unit']}:")
        lines += [f"  {t['name']} {t['state']} {t['health']} {t['image']}" for t in unit["tasks"]]
    return "\n".join(lines)


def _history_text(records: list[dict[str, Any]]) -> str:
    if not records:
        return "no deploys recorded"
    out = []
    for r in records:
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r["started"]))
        line = (f"{when} {r['action']} {r['result']} {r['image']} {r['strategy']} by {r['who']} "
                f"in {r['duration']:.1f}s")
        line += f" (why: {r['why']})" if r.get("why") else ""
        out.append(line + (f": {r['reason']}" if r.get("reason") else ""))
    return "\n".join(out)
