"""Rendering of the deploy templates (job_templates/deploy/) through the one jinja
environment. These templates have no autoescape and refuse plain strings, so every
value passes here first: names, hosts and numbers are checked against a strict
pattern, free text becomes a JSON string (valid YAML) with compose's `$` doubled."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from jenkinsbridge.deploy.model import Deployment, Server
from jenkinsbridge.errors import RenderError, UsageError
from jenkinsbridge.render.environment import environment

__all__ = ["render_compose", "render_nginx", "word", "yaml_string"]

PROBE_TIMEOUT = 5  # seconds a health probe may take on a busy host
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/@-]*$")


def word(value: str | int) -> Markup:
    """A name, host, image reference or number: passed only when it has no syntax in it."""
    text = str(value)
    if not _WORD.match(text) or len(text) > 512:
        raise RenderError(f"refusing to render {text[:60]!r} into a config file: not a plain name")
    return Markup(text)


def yaml_string(value: str) -> Markup:
    """Any one-line text as a double-quoted YAML scalar that compose does not interpolate."""
    return Markup(json.dumps(value.replace("$", "$$"), ensure_ascii=True))


def render_nginx(d: Deployment, *, servers: list[Server], dynamic: bool, generation: str) -> str:
    """``dynamic``: the servers are swarm services resolved per request (weights are
    percentages); else a static upstream of containers with weights."""
    listed = [{"host": word(s.host), "port": int(s.port), "weight": int(s.weight)}
              for s in servers if s.weight > 0]
    if dynamic and not listed:
        raise RenderError("a dynamic router needs at least one service")
    ctx: dict[str, Any] = {
        "app": word(d.base), "env": word(dns_env(d.env)), "generation": word(generation),
        "drain": d.drain + 1, "listen": 80, "port": d.spec.port,
        "dynamic": listed if dynamic else None,
        "servers": [] if dynamic else listed,
    }
    return environment().get_template("deploy/nginx.conf.j2").render(**ctx)


def dns_env(env: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", env) or "env"


def health_command(port: int, path: str) -> str:
    """A probe that works with whatever the image has: curl, wget, bash or python3.
    ``path`` must be a plain URL path (checked by the callers' spec)."""
    if not re.match(r"^/[A-Za-z0-9._~/%-]*$", path):
        raise RenderError(f"health path {path!r} must be a plain URL path")
    url = f"http://127.0.0.1:{port}{path}"
    py = f"import urllib.request; urllib.request.urlopen('{url}', timeout=4)"
    bash = (f'exec 3<>/dev/tcp/127.0.0.1/{port} && printf "GET {path} HTTP/1.0\\r\\n\\r\\n" >&3 '
            '&& read -t 4 v c r <&3 && [ "$c" = 200 ]')
    return (f"if command -v curl >/dev/null; then curl -fsS -m 4 -o /dev/null {url}; "
            f"elif command -v wget >/dev/null; then wget -q -T 4 -O /dev/null {url}; "
            f"elif command -v bash >/dev/null; then bash -c '{bash}'; "
            f"else python3 -c \"{py}\"; fi")


# keys of the user's service that jenkinsbridge sets itself (or that a router replaces)
OWNED_KEYS = frozenset({"image", "build", "ports", "container_name", "networks", "network_mode",
                        "labels", "environment", "healthcheck", "deploy", "scale", "restart",
                        "stop_grace_period", "cpus", "mem_limit"})


def user_service(path: Path) -> dict[str, Any]:
    """The first service of the user's compose template, minus the keys we own, plus its
    labels and environment as dicts (merged under ours)."""
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as e:
        why = " ".join(str(e).split())
        raise UsageError(f"compose_file {path}: cannot read it ({why}); give a compose file with one service") from e
    services = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict) or not services:
        raise UsageError(f"compose_file {path}: no `services:`; give a compose file with one service")
    svc = next(iter(services.values())) or {}
    if not isinstance(svc, dict):
        raise UsageError(f"compose_file {path}: the service is not a mapping")
    return svc


def _as_dict(value: Any) -> dict[str, str]:
    """Compose's two spellings of labels/environment: a mapping or a list of K=V."""
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for item in value if isinstance(value, list) else []:
        key, _, val = str(item).partition("=")
        out[key] = val
    return out


def _block(data: dict[str, Any], indent: int) -> Markup:
    text = yaml.safe_dump(data, default_flow_style=False, sort_keys=True)
    return Markup("\n".join(" " * indent + line for line in text.splitlines()))


def render_compose(d: Deployment, *, image: str, release: str, service: str,
                   labels: dict[str, str]) -> str:
    """The compose file of one unit. The user's compose template (``compose_file``) gives
    the base service: its values keep compose's meaning (``${VAR}`` is interpolated);
    the spec's values are literal (``$`` doubled)."""
    user: dict[str, Any] = user_service(d.compose_file) if d.compose_file else {}
    env = {k: Markup(json.dumps(v)) for k, v in _as_dict(user.get("environment")).items()}
    env.update({k: yaml_string(v) for k, v in d.spec.environment.items()})
    all_labels = {**_as_dict(user.get("labels")), **labels}
    rest = {k: v for k, v in user.items() if k not in OWNED_KEYS}
    res = d.spec.resources
    ctx: dict[str, Any] = {
        "app": word(d.base), "env": word(dns_env(d.env)), "release": word(release),
        "service": word(service), "image": word(image), "drain": d.drain,
        "labels": [(yaml_string(k), yaml_string(v)) for k, v in sorted(all_labels.items())],
        "environment": [(word(k), v) for k, v in sorted(env.items())],
        "user_keys": _block(rest, 4) if rest else None,
        "health_command": yaml_string(health_command(d.spec.port, d.spec.health.path)),
        "interval": d.spec.health.interval, "probe_timeout": PROBE_TIMEOUT,
        "cpus": word(str(res.cpus)) if res.cpus else None,
        "memory": word(res.memory) if res.memory else None,
        "network_key": word("jb"), "network": word(d.network),
    }
    return environment().get_template("deploy/compose.yml.j2").render(**ctx)
