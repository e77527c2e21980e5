"""Helpers for the `jenkinsbridge run` tests: the samples, the agent images built once
per session from the local base image, the CLI in a subprocess, and the leftover check."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples"
AGENTS = ROOT / "jenkins-docker" / "agents"
LANGS = ("java-maven", "java-gradle", "node", "php", "python", "go", "cpp")
# JBT_RUNNER_ID: another name for the images, containers and label of these tests, so that
# two checkouts testing on one engine neither share agent images nor sweep each other's runs
_ID = os.environ.get("JBT_RUNNER_ID", "runner")
AREA_LABEL = f"io.jenkinsbridge.test={_ID}"
IMAGE_PREFIX = f"jbt-{_ID}"
NAME_PREFIX = f"jbt-{_ID}-"

# the file holding each sample's one test, and the expected text that breaks it when changed
TEST_FILES = {
    "java-maven": "src/test/java/com/example/GreeterTest.java",
    "java-gradle": "src/test/java/com/example/GreeterTest.java",
    "node": "test/greet.test.js",
    "php": "tests/GreeterTest.php",
    "python": "tests/test_greeter.py",
    "go": "greeter_test.go",
    "cpp": "tests/greeter_test.cpp",
}
EXPECTED = "Hello, Ada!"

# code each language's linter flags, added to a sample's file before its run: the lint stage
# must publish the finding and still pass (findings make a Jenkins build UNSTABLE, never FAILED)
LINT_BAIT = {
    "python": ("greeter.py", "\n\ndef _bait():\n    import os\n"),  # ruff F401: os imported, unused
    "go": ("greeter.go", "\nfunc bait() {}\n"),  # staticcheck U1000: func bait is unused
    "cpp": ("src/greeter.cpp", "\nint jb_bait() { int *p = nullptr; return *p; }\n"),  # clang-analyzer NullDereference
    "php": ("src/Greeter.php", "\nfunction jb_bait( ) { return 1 ;}\n"),  # PSR12: spacing
    "node": ("index.js", "\nfunction jbBait() {}\n"),  # ESLint no-unused-vars (the sample's eslint.config.js)
}


def add_lint_bait(tree: Path, lang: str) -> bool:
    if lang not in LINT_BAIT:
        return False
    rel, text = LINT_BAIT[lang]
    with (tree / rel).open("a") as fh:
        fh.write(text)
    return True


def extra_ca_certs() -> str:
    """The CA files this machine trusts beyond Debian's (a TLS-inspecting egress proxy):
    images must trust them too to reach the package registries from a container."""
    found = sorted(Path("/usr/local/share/ca-certificates").glob("**/*.crt"))
    return " ".join(str(p) for p in found)


@dataclass
class AgentImages:
    """Builds each language image (toolchain and agent) once per session."""

    base_image: str
    log_dir: Path
    built: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def get(self, lang: str) -> str:
        if lang not in self.built:
            log = self.log_dir / f"build-{lang}.log"
            # the air-gapped build: Debian toolchains on the local base image; Maven Central,
            # the Go module proxy and Packagist are out of reach here (PyPI and npm are not)
            env = {**os.environ, "AIRGAP": "1", "BASE_IMAGE": self.base_image, "PREFIX": IMAGE_PREFIX,
                   "TAG": "latest", "EXTRA_CA_CERTS": extra_ca_certs(), "OFFLINE": "java-maven go php"}
            t0 = time.monotonic()
            with log.open("wb") as fh:
                done = subprocess.run([str(AGENTS / "build"), lang], env=env, stdout=fh,
                                      stderr=subprocess.STDOUT, timeout=1800, check=False)
            self.seconds[lang] = time.monotonic() - t0
            if done.returncode != 0:
                tail = log.read_text(errors="replace")[-4000:]
                raise AssertionError(f"building the {lang} agent image failed:\n{tail}")
            self.built[lang] = f"{IMAGE_PREFIX}/agent-{lang}:latest"
        return self.built[lang]


def copy_sample(lang: str, dest: Path) -> Path:
    tree = dest / lang
    shutil.copytree(SAMPLES / lang, tree)
    return tree


def break_test(tree: Path, lang: str) -> None:
    path = tree / TEST_FILES[lang]
    text = path.read_text()
    assert EXPECTED in text, f"{path} no longer holds {EXPECTED!r}"
    path.write_text(text.replace(EXPECTED, "Hello, Bob!"))


def run_cli(spec: Path, *args: str, network: str, image: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 1200,
            cache: str | None = None) -> subprocess.CompletedProcess[str]:
    """`jenkinsbridge run` in a subprocess; without a cache volume unless ``cache`` names one."""
    cache_args = ["--cache-volume", cache] if cache else ["--no-cache"]
    cmd = [sys.executable, "-m", "jenkinsbridge.cli.main", "--json", "run", str(spec),
           "--label", AREA_LABEL, "--name-prefix", NAME_PREFIX, "--network", network, *cache_args, *args]
    if image:
        cmd += ["--image-override", image]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def payload(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise AssertionError(f"stdout is not JSON ({e}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}") from e
    return data


def stage_marks(log: str) -> list[tuple[str, str]]:
    """('start'|'end', stage) in the order the run printed them."""
    marks = []
    for m in re.finditer(r"^\[[^\]]+\] --- stage ([^\s:]+)(: \w+)?", log, re.M):
        marks.append(("end" if m.group(2) else "start", m.group(1)))
    return marks


def leftovers(client: Any) -> list[str]:
    flt = {"label": AREA_LABEL}
    found = [f"container {c.name}" for c in client.containers.list(all=True, filters=flt)]
    found += [f"network {n.name}" for n in client.networks.list(filters=flt)]
    found += [f"volume {v.name}" for v in client.volumes.list(filters=flt)]
    return found


def remove_leftovers(client: Any) -> None:
    flt = {"label": AREA_LABEL}
    for c in client.containers.list(all=True, filters=flt):
        c.remove(force=True, v=True)
    for n in client.networks.list(filters=flt):
        n.remove()
    for v in client.volumes.list(filters=flt):
        v.remove(force=True)


def quality_figures(tree: Path, stages: list[Any]) -> dict[str, Any]:
    """Per stage that publishes them: ``coverage <stage>`` -> line coverage in percent (the
    Cobertura ``line-rate``, or covered/total statements of a Go coverprofile) and
    ``issues <stage>`` -> the number of findings in its lint report (None: no such file, or
    it does not parse). java() reads the build log, which `run` does not keep: not counted."""
    from jenkinsbridge.runner.junit import find_reports

    out: dict[str, Any] = {}
    for st in stages:
        if st.coverage:
            files = find_reports(tree, st.coverage.report)
            out[f"coverage {st.name}"] = _coverage(tree / files[0], st.coverage.format) if files else None
        if st.issues and st.issues.report:
            files = find_reports(tree, st.issues.report)
            out[f"issues {st.name}"] = _findings(tree / files[0], st.issues.format) if files else None
    return out


def _coverage(path: Path, fmt: str) -> float | None:
    import defusedxml.ElementTree as ET

    if fmt == "go-cov":
        total = covered = 0
        for line in path.read_text().splitlines()[1:]:  # mode: ...; then file:range stmts count
            parts = line.split()
            if len(parts) == 3:
                total += int(parts[1])
                covered += int(parts[1]) if int(parts[2]) > 0 else 0
        return round(100 * covered / total, 1) if total else None
    root = ET.parse(path).getroot()
    rate = root.get("line-rate")
    return round(100 * float(rate), 1) if rate is not None else None


def _findings(path: Path, fmt: str) -> int | None:
    import defusedxml.ElementTree as ET

    text = path.read_text(errors="replace")
    if fmt == "sarif":
        return sum(len(r.get("results") or []) for r in json.loads(text).get("runs") or [])
    if fmt == "eslint":
        return sum(len(f.get("messages") or []) for f in json.loads(text))
    if fmt in ("checkstyle", "phpstan"):
        return sum(1 for _ in ET.fromstring(text).iter("error"))
    if fmt == "clang-tidy":
        return len(re.findall(r"^\S+:\d+:\d+: (?:warning|error):", text, re.M))
    if fmt == "go-vet":  # analysis-model GoVetParser: ^(.+?):(\d+?):\s*(.*)$
        return len(re.findall(r"^\S+?:\d+?:", text, re.M))
    return None
