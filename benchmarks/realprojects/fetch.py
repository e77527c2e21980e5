"""Fetching a project's released source into the cache: a PyPI sdist (`pip download`), an
npm tarball (`npm pack`) or a Debian source package's upstream tarball (`apt-get source`
with a private sources list and state under the cache, so the machine's apt setup is left
alone). Each source is unpacked once; later runs copy the unpacked tree."""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import urllib.request
from pathlib import Path

APT_SOURCES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))


class FetchError(Exception):
    """The source could not be fetched or unpacked."""


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise FetchError(f"{' '.join(cmd[:3])} ... failed ({done.returncode}): {done.stderr.strip()[-600:]}")


def debian_mirror() -> tuple[str, str]:
    """(URI, suite) of the machine's Debian main archive, read from its apt sources."""
    files: list[Path] = []
    for p in APT_SOURCES:
        files += sorted(p.glob("*.sources")) + sorted(p.glob("*.list")) if p.is_dir() else [p]
    for f in files:
        if not f.is_file():
            continue
        text = f.read_text(errors="replace")
        for block in re.split(r"\n\s*\n", text):  # deb822 stanzas
            uris = re.search(r"^URIs:\s*(\S+)", block, re.M)
            suites = re.search(r"^Suites:\s*(\S+)", block, re.M)
            if uris and suites and re.search(r"^Types:.*\bdeb\b", block, re.M) \
                    and uris.group(1).rstrip("/").endswith("/debian") and "-" not in suites.group(1):
                return uris.group(1), suites.group(1)
        for m in re.finditer(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+/debian)/?\s+(\w+)\s", text, re.M):
            return m.group(1), m.group(2)
    raise FetchError("no Debian archive among the machine's apt sources")


def _apt_opts(cache: Path) -> list[str]:
    apt = cache / "apt"
    return ["-o", f"Dir::Etc::SourceList={apt / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", f"Dir::State::Lists={apt / 'lists'}", "-o", f"Dir::Cache={apt / 'cache'}",
            "-o", "APT::Sandbox::User=root", "-q"]


def _apt_update(cache: Path) -> None:
    apt = cache / "apt"
    if (apt / "updated").exists():
        return
    uri, suite = debian_mirror()
    for d in (apt / "lists" / "partial", apt / "cache" / "archives" / "partial"):
        d.mkdir(parents=True, exist_ok=True)
    (apt / "sources.list").write_text(f"deb-src {uri} {suite} main\n")
    _run(["apt-get", *_apt_opts(cache), "update"], cache)
    (apt / "updated").touch()


def _debian_orig(cache: Path, package: str, version: str, dl: Path) -> Path:
    """The upstream tarball of a source package (`apt-get --print-uris source`): only the
    main `.orig.tar.*` is needed (and the mirror may not hold the Debian parts)."""
    done = subprocess.run(["apt-get", *_apt_opts(cache), "--print-uris", "source", f"{package}={version}"],
                          cwd=dl, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise FetchError(f"apt-get source {package}={version}: {done.stderr.strip()[-400:]}")
    for m in re.finditer(r"^'(\S+)' (\S+) (\d+)", done.stdout, re.M):
        url, name = m.group(1), m.group(2)
        if re.search(r"\.orig\.tar\.\w+$", name):
            path = dl / name
            if not path.is_file():
                tmp = path.with_name(name + ".part")
                with urllib.request.urlopen(url, timeout=120) as resp, tmp.open("wb") as fh:
                    shutil.copyfileobj(resp, fh)
                tmp.rename(path)
            return path
    raise FetchError(f"apt-get source {package}={version}: no upstream tarball listed")


def _unpack(archive: Path, dest: Path) -> Path:
    """Unpack into dest and return the project root (the archive's one top directory)."""
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    entries = list(tmp.iterdir())
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() else tmp
    shutil.rmtree(dest, ignore_errors=True)
    if root is tmp:
        tmp.rename(dest)
    else:
        root.rename(dest)
        shutil.rmtree(tmp)
    return dest


def fetch(kind: str, package: str, version: str, cache: Path) -> Path:
    """The unpacked upstream tree of PACKAGE VERSION from KIND (pypi, npm, debian)."""
    dest = cache / "src" / f"{kind}-{package}-{version}"
    if dest.is_dir():
        return dest
    dl = cache / "downloads" / kind
    dl.mkdir(parents=True, exist_ok=True)
    if kind == "pypi":
        _run(["pip", "download", "-q", "--no-deps", "--no-binary", ":all:", f"{package}=={version}", "-d", str(dl)], dl)
        stem = re.sub(r"[-_.]+", "[-_.]", package)
        found = [p for p in dl.iterdir() if re.match(rf"(?i){stem}-{re.escape(version)}\.(tar\.gz|zip)$", p.name)]
    elif kind == "npm":
        _run(["npm", "pack", "--silent", f"{package}@{version}"], dl)
        found = sorted(dl.glob(f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"))
    elif kind == "debian":
        _apt_update(cache)
        found = [_debian_orig(cache, package, version, dl)]
    else:
        raise FetchError(f"unknown source kind {kind!r}")
    if not found:
        raise FetchError(f"{kind} {package} {version}: nothing downloaded")
    return _unpack(found[0], dest)
