"""`jenkinsbridge artifacts push SPEC [--job NAME] FILES...` and
`jenkinsbridge artifacts pull REF -o DIR`: build outputs as OCI artifacts in the job's
private registry."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.result import Result

_ENV = ("Registry: JB_REGISTRY_USERNAME/JB_REGISTRY_PASSWORD (or a Docker credential helper), "
        "JB_REGISTRY_CA, JB_REGISTRY_CLIENT_CERT/KEY. Annotations: GIT_COMMIT, BUILD_URL; "
        "SOURCE_DATE_EPOCH (else the commit's time) as the creation time.")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("artifacts", help="push build outputs to the registry, pull them back",
                       description="Build outputs as OCI artifacts in the job's registry, in "
                                   "<image.repository>/artifacts, tagged like the image.")
    asub = p.add_subparsers(dest="artifacts_command", metavar="ACTION")
    asub.required = True
    u = asub.add_parser("push", parents=[common], help="push files; print repository@sha256:...",
                        description="Push FILES (default: the files matching the job's `artifacts` "
                                    "globs) as one artifact, one layer per file, under each tag "
                                    "of the job's image. " + _ENV)
    u.add_argument("spec", metavar="SPEC")
    u.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="the files (default: those matching the job's `artifacts` globs)")
    u.add_argument("--job", metavar="NAME", help="the job (name or folder/name)")
    u.add_argument("--commit", metavar="SHA", help="{commit}; default GIT_COMMIT or git")
    u.add_argument("--build", metavar="N", help="{build}; default BUILD_NUMBER")
    u.add_argument("--base", type=Path, metavar="DIR",
                   help="files are stored by their path relative to DIR (default: the working directory)")
    u.add_argument("--digest-file", type=Path, metavar="F",
                   help="also write registry/repository@sha256:... to F")
    u.set_defaults(handler=run_push)
    g = asub.add_parser("pull", parents=[common], help="pull an artifact's files into a directory",
                        description="Pull REF (registry/repository:tag or @sha256:...) into DIR, "
                                    "each file checked against its digest. " + _ENV)
    g.add_argument("ref", metavar="REF")
    g.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    g.set_defaults(handler=run_pull)


def run_push(args: argparse.Namespace) -> Result:
    from jenkinsbridge.artifacts.service import push_artifacts
    from jenkinsbridge.images.service import ImageJob
    from jenkinsbridge.spec import load_specs
    from jenkinsbridge.spec.tags import TagValues

    job = load_specs([args.spec]).select(args.job)
    spec_dir = Path(args.spec).resolve().parent
    item = ImageJob.of(job, spec_dir, os.environ, tags=TagValues(commit=args.commit, build=args.build))
    result = push_artifacts(item, list(args.files), os.environ, base=args.base, digest_file=args.digest_file)
    return Result(text=result.reference,
                  data={"reference": result.reference, "digest": result.digest, "tags": result.tags,
                        "files": [{"name": f.name, "digest": f.digest, "size": f.size} for f in result.files],
                        "job": job.full_name})


def run_pull(args: argparse.Namespace) -> Result:
    from jenkinsbridge.artifacts.service import pull_artifacts

    result = pull_artifacts(args.ref, args.output, os.environ)
    return Result(text="\n".join(str(p) for p in result.files),
                  data={"reference": result.reference, "digest": result.digest,
                        "files": [str(p) for p in result.files], "annotations": result.annotations})
