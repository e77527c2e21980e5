"""`jenkinsbridge run SPEC`: the job's stages, locally, in a fresh agent container."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import (
    DockerOperationError,
    StageFailedError,
    StageUnstableError,
    UsageError,
    from_docker_error,
)
from jenkinsbridge.runner import make_plan, parse_image_overrides, read_env_file, run_plan, summary_table
from jenkinsbridge.runner.execute import UNSTABLE, RunReport
from jenkinsbridge.runner.imagebuild import build_agent_image, parse_build_args
from jenkinsbridge.runner.plan import cache_volume
from jenkinsbridge.spec import load_specs


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "run", parents=[common], help="run a job's stages locally in its agent image",
        description="Run the job's stages as its Jenkinsfile would: same commands, same order, "
                    "independent stages in parallel, in a fresh container of the language's agent "
                    "image with the working tree mounted. The container is removed afterwards.",
        epilog="Exit codes: 0 every stage passed, 1 a stage failed (named), 2 bad input.",
    )
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--job", metavar="NAME", help="the job (name or folder/name); needed when the spec has several")
    p.add_argument("--stage", action="append", default=[], metavar="S",
                   help="run only this stage (repeatable); what it needs is taken as done")
    p.add_argument("--image-override", action="append", default=[], metavar="LANG=IMAGE|IMAGE",
                   help="agent image to use instead of jenkinsbridge/agent-<lang>:<version> or agent.image")
    p.add_argument("--copy", action="store_true",
                   help="copy the working tree into the container instead of mounting it")
    p.add_argument("--env-file", type=Path, metavar="F",
                   help="credentials and variables, NAME=value or NAME (taken from the environment); "
                        "held in memory only, masked in the logs")
    p.add_argument("--tree", type=Path, metavar="DIR",
                   help="the working tree (default: the directory of SPEC)")
    p.add_argument("--label", action="append", default=[], metavar="KEY=VALUE",
                   help="extra label on the container (repeatable), e.g. for a sweeper")
    p.add_argument("--network", metavar="NAME",
                   help="Docker network for the container (e.g. one where a test database runs); "
                        "the default bridge otherwise")
    p.add_argument("--cache-volume", metavar="NAME",
                   help="named volume for the tools' caches at ~/.cache, kept between runs "
                        "(default jenkinsbridge-cache-<lang>)")
    p.add_argument("--no-cache", action="store_true", help="run without a cache volume")
    p.add_argument("--build-arg", action="append", default=[], metavar="NAME=VALUE",
                   help="build argument when the agent image is missing and gets built "
                        "(e.g. TOOLCHAIN_IMAGE=..., OFFLINE=1 on an air-gapped site)")
    p.add_argument("--name-prefix", default="jb-run-", metavar="PREFIX",
                   help="container name prefix (default jb-run-)")
    p.set_defaults(handler=run)


def _printer(out: TextIO) -> Any:
    lock = threading.Lock()

    def on_line(stage: str, line: str) -> None:
        with lock:
            out.write(f"[{stage}] {line}\n")
            out.flush()

    return on_line


def run(args: argparse.Namespace) -> Result:
    import docker

    spec = load_specs([args.spec])
    job = spec.select(args.job)
    overrides = parse_image_overrides(args.image_override)
    secrets = read_env_file(args.env_file) if args.env_file else {}
    tree = args.tree if args.tree is not None else Path(args.spec).resolve().parent
    labels = _labels(args.label)
    plan = make_plan(job, tree=tree, stages=args.stage, image_overrides=overrides, secrets=secrets)
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except docker.errors.DockerException as e:
        raise from_docker_error(e, action="connect to Docker") from e
    out = sys.stderr if getattr(args, "json", False) else sys.stdout
    build_args = parse_build_args(args.build_arg)
    try:
        if not (overrides.get(job.language) or overrides.get("*")):
            _build_if_missing(client, plan.image, job.language, plan.tool_version, build_args, _printer(out))
        report = run_plan(client, plan, on_line=_printer(out), copy=args.copy,
                          name_prefix=args.name_prefix, labels=labels, network=args.network,
                          cache=cache_volume(job, args.cache_volume, not args.no_cache))
    finally:
        client.close()
    table = summary_table(report)
    if not report.ok:
        out.write(table + "\n")
        out.flush()
        _raise_for(report)
    return Result(text=table, data=report.as_dict())


def _build_if_missing(client: Any, image: str, language: str, version: str, build_args: dict[str, str],
                      printer: Any) -> None:
    """The job's agent image (its default or the spec's agent.image), built when the
    engine lacks it; an --image-override is the caller's and never built."""
    import docker.errors

    try:
        client.images.get(image)
        return
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.DockerException as e:
        raise from_docker_error(e, action=f"inspect image {image}") from e
    build_agent_image(client, language=language, version=version, tag=image, build_args=build_args,
                      on_line=lambda line: printer("build", line))


def _labels(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--label {value!r}: write KEY=VALUE, e.g. team=shop")
        out[key.strip()] = val
    return out


def _raise_for(report: RunReport) -> None:
    bad = report.first_problem
    if bad is None:  # nothing ran
        raise DockerOperationError(f"job {report.job}: no stage ran")
    if bad.result == UNSTABLE and bad.junit is not None:
        raise StageUnstableError(bad.name, bad.junit.failures + bad.junit.errors,
                                 missing=None if bad.junit.files else bad.junit_glob)
    status = bad.exit_status if bad.exit_status is not None else -1
    if report.timed_out:
        raise StageFailedError(bad.name, status, stderr="timed out")
    raise StageFailedError(bad.name, status)
