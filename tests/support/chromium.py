"""Headless Chromium for looking at the HTML reports: a screenshot, the DOM after
parsing, and the console messages. Each run gets a fresh profile directory; the
browser is told not to reach out to any network service."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Page", "open_page"]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
_CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught")


@dataclass
class Page:
    dom: str
    screenshot: bytes
    console: list[str]  # console messages and script errors chromium logged


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise RuntimeError("chromium is not installed (scripts/setup-machine installs Debian's chromium)")
    return exe


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="jb-chromium-") as profile:
        return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)


def open_page(html: Path, *, width: int = 390, height: int = 1200, timeout: float = 90) -> Page:
    """Load ``html`` twice: once for the DOM, once for a ``width`` x ``height`` screenshot."""
    url = html.resolve().as_uri()
    dom = _run(["--dump-dom", url], timeout)
    if dom.returncode != 0:
        raise RuntimeError(f"chromium --dump-dom failed ({dom.returncode}): {dom.stderr[-2000:]}")
    with tempfile.TemporaryDirectory(prefix="jb-shot-") as d:
        png = Path(d) / "page.png"
        shot = _run([f"--window-size={width},{height}", f"--screenshot={png}", url], timeout)
        if shot.returncode != 0 or not png.exists():
            raise RuntimeError(f"chromium --screenshot failed ({shot.returncode}): {shot.stderr[-2000:]}")
        data = png.read_bytes()
    console = [line for line in (dom.stderr + shot.stderr).splitlines() if _CONSOLE.search(line)]
    return Page(dom.stdout, data, console)
