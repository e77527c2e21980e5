"""`jenkinsbridge image build|push SPEC`: build a job's image with its tags; push it to
the registry and print repository@sha256:..."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import UsageError, from_docker_error
from jenkinsbridge.images.progress import StreamProgress
from jenkinsbridge.images.service import (
    BuildOptions,
    ImageJob,
    build_job_image,
    build_request,
    push_job_image,
)
from jenkinsbridge.images.values import created_from_env
from jenkinsbridge.spec import load_specs
from jenkinsbridge.spec.checks import check_image_reference
from jenkinsbridge.spec.tags import TagValues

_ENV = ("Environment: GIT_COMMIT, BUILD_NUMBER, BRANCH_NAME/GIT_BRANCH, JB_IMAGE_VERSION fill the "
        "tag placeholders; JB_REGISTRY_USERNAME/JB_REGISTRY_PASSWORD (or a Docker credential "
        "helper), JB_REGISTRY_CA, JB_REGISTRY_CLIENT_CERT/JB_REGISTRY_CLIENT_KEY, "
        "JB_REGISTRY_RETRIES, JB_REGISTRY_RETRY_DELAY for the registry.")
_BUILD_ARG_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


def _tag_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--job", metavar="NAME", help="the job (name or folder/name); needed when the "
                   "spec has several")
    p.add_argument("--commit", metavar="SHA", help="{commit}; default GIT_COMMIT or git in the context")
    p.add_argument("--build", metavar="N", help="{build}; default BUILD_NUMBER, else 'local'")
    p.add_argument("--branch", metavar="B", help="{branch}; default BRANCH_NAME/GIT_BRANCH or git")
    p.add_argument("--version", dest="image_version", metavar="V",
                   help="{version}; default JB_IMAGE_VERSION or git describe")
    p.add_argument("--context", type=Path, metavar="DIR",
                   help="build context; default image.context relative to the spec's directory")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("image", help="build, push and prune a job's image",
                       description="Build a job's image, push it to its registry, delete old "
                                   "versions from the registry.")
    isub = p.add_subparsers(dest="image_command", metavar="ACTION")
    isub.required = True
    b = isub.add_parser("build", parents=[common], help="build the image; print its references",
                        description="Build the job's image with every tag of image.tags; print "
                                    "the references, one a line. " + _ENV)
    _tag_flags(b)
    b.add_argument("--build-arg", action="append", default=[], metavar="K=V",
                   help="a build argument (over image.build_args); repeatable")
    b.add_argument("--target", metavar="T", help="the stage to build (over image.target)")
    b.add_argument("--cache-from", action="append", default=[], metavar="REF",
                   help="an image to take cached layers from; repeatable")
    b.set_defaults(handler=run_build)
    u = isub.add_parser("push", parents=[common], help="push the image; print repository@sha256:...",
                        description="Push every tag of the job's image; print "
                                    "registry/repository@sha256:... " + _ENV)
    _tag_flags(u)
    u.add_argument("--digest-file", type=Path, metavar="F",
                   help="also write registry/repository@sha256:... to F")
    u.set_defaults(handler=run_push)
    r = isub.add_parser(
        "prune", parents=[common], help="delete old versions from the registry",
        description="Delete the manifests of old versions of the job's image (and of its "
                    "artifacts) through the registry API. Kept: latest, image.protect tags, "
                    "whatever a deploy environment of the job runs or can roll back to (read "
                    "from its deploy history), and the --keep newest. The registry must allow "
                    "deletes (storage.delete.enabled) and frees the space on its next garbage "
                    "collection. " + _ENV)
    r.add_argument("spec", metavar="SPEC")
    r.add_argument("--job", metavar="NAME", help="the job (name or folder/name)")
    r.add_argument("--keep", type=int, required=True, metavar="N", help="keep the N newest versions")
    r.add_argument("--older-than", type=float, metavar="DAYS",
                   help="delete only versions older than DAYS days")
    r.add_argument("--dry-run", action="store_true", help="say what would go; delete nothing")
    r.set_defaults(handler=run_prune)


def _item(args: argparse.Namespace) -> ImageJob:
    spec = load_specs([args.spec])
    job = spec.select(args.job)
    tags = TagValues(commit=args.commit, build=args.build, branch=args.branch, version=args.image_version)
    return ImageJob.of(job, Path(args.spec).resolve().parent, os.environ, context=args.context, tags=tags)


def _client() -> Any:
    import docker

    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except docker.errors.DockerException as e:
        raise from_docker_error(e, action="connect to the Docker engine") from e
    return client


def _progress(args: argparse.Namespace) -> StreamProgress:
    return StreamProgress(sys.stderr, verbose=bool(getattr(args, "verbose", 0)))


def _build_args(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        m = _BUILD_ARG_RE.match(pair)
        if not m:
            raise UsageError(f"--build-arg {pair!r} is not NAME=VALUE; e.g. --build-arg PY=3.12")
        out[m.group(1)] = m.group(2)
    return out


def run_build(args: argparse.Namespace) -> Result:
    item = _item(args)
    for ref in args.cache_from:
        try:
            check_image_reference(ref)
        except ValueError as e:
            raise UsageError(f"--cache-from: {e}") from e
    options = BuildOptions(build_args=_build_args(args.build_arg), target=args.target,
                           cache_from=list(args.cache_from), created=created_from_env(os.environ))
    build_request(item, options)  # bad input fails here, before the engine is asked
    client = _client()
    try:
        result = build_job_image(client, item, options, _progress(args), os.environ)
    finally:
        client.close()
    return Result(text="\n".join(result.references),
                  data={"image_id": result.image_id, "references": result.references,
                        "job": item.job.full_name})


def run_push(args: argparse.Namespace) -> Result:
    item = _item(args)
    client = _client()
    try:
        result = push_job_image(client, item, os.environ, digest_file=args.digest_file,
                                progress=_progress(args))
    finally:
        client.close()
    return Result(text=result.reference,
                  data={"reference": result.reference, "repository": result.repository,
                        "digest": result.digest, "tags": result.tags, "uploaded": result.uploaded,
                        "existing": result.existing, "job": item.job.full_name,
                        "digest_file": str(args.digest_file) if args.digest_file else None})


def run_prune(args: argparse.Namespace) -> Result:
    from jenkinsbridge.images.retention import PruneOptions, prune_job

    if args.keep < 0:
        raise UsageError(f"--keep {args.keep}: give a count >= 0")
    if args.older_than is not None and args.older_than < 0:
        raise UsageError(f"--older-than {args.older_than:g}: give days >= 0")
    job = load_specs([args.spec]).select(args.job)
    options = PruneOptions(keep=args.keep, older_than_days=args.older_than, dry_run=args.dry_run)
    plans = prune_job(job, Path(args.spec).resolve().parent, os.environ, options)
    verb = "would delete" if args.dry_run else "deleted"
    lines = []
    for p in plans:
        for v in p.delete:
            lines.append(f"{verb} {p.repository}@{v.digest} ({', '.join(sorted(v.tags))})")
        lines.append(f"{p.repository}: {verb} {len(p.delete)}, kept {len(p.keep)}; frees "
                     f"{p.frees_bytes / 1e6:.1f} MB after the registry's garbage collection")
    return Result(text="\n".join(lines), data={"dry_run": args.dry_run, "job": job.full_name,
                                               "repositories": [p.as_dict() for p in plans]})
