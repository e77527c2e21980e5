"""Turn the wizard's answers into a spec: a dict in jenkinsbridge.yaml form, holding only
what differs from what the spec and the language defaults would give anyway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jenkinsbridge.render.languages import default_label, language_defaults

from .question import Answers
from .stages import default_artifacts, select_stages, stages_for_spec

if TYPE_CHECKING:
    from .catalogue import Context

__all__ = ["build_spec"]


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == [] or value == {}:
        return
    target[key] = value


def _job(a: Answers, ctx: Context) -> dict[str, Any]:
    lang = ctx.language_of(a)
    defaults = language_defaults(lang)
    candidate = ctx.candidate(a)
    job: dict[str, Any] = {"name": a["name"]}
    _put(job, "folder", a.get("folder"))
    job["language"] = lang
    job["version"] = str(a["version"])
    source: dict[str, Any] = {"url": a["source.url"], "branch": a["source.branch"],
                              "provider": a["source.provider"]}
    _put(source, "credentials", a.get("source.credentials"))
    job["source"] = source
    triggers: dict[str, Any] = {}
    if a.get("triggers.push"):
        triggers["push"] = True
    _put(triggers, "poll", a.get("triggers.poll"))
    _put(triggers, "cron", a.get("triggers.cron"))
    _put(job, "triggers", triggers)
    agent: dict[str, Any] = {}
    if a.get("agent.label") and a["agent.label"] != default_label(lang, str(a["version"])):
        agent["label"] = a["agent.label"]
    _put(agent, "image", a.get("agent.image"))
    _put(job, "agent", agent)
    plan = ctx.plan(a)
    stages = stages_for_spec(lang, select_stages(plan.stages, a.get("stages") or []))
    _put(job, "stages", stages)
    artifacts = default_artifacts(lang, candidate)
    if artifacts != defaults.artifacts:
        job["artifacts"] = artifacts
    if a.get("image"):
        job["image"] = _image(a, ctx)
        deploys = [_deploy(a, env) for env in a.get("deploy.envs") or []]
        _put(job, "deploy", deploys)
    notify: dict[str, Any] = {}
    _put(notify, "email", a.get("notify.email"))
    _put(notify, "dingtalk", a.get("notify.dingtalk"))
    if notify:
        notify["when"] = a.get("notify.when") or ["failure", "fixed"]
        job["notify"] = notify
    if a.get("keep.builds"):
        job["keep"] = {"builds": a["keep.builds"]}
    return job


def _image(a: Answers, ctx: Context) -> dict[str, Any]:
    image: dict[str, Any] = {"registry": a["image.registry"], "repository": a["image.repository"]}
    dockerfile = a.get("image.dockerfile") or "Dockerfile"
    if dockerfile != "Dockerfile":
        image["dockerfile"] = dockerfile
        context = dockerfile.rsplit("/", 1)[0] if "/" in dockerfile else "."
        if context != ".":
            image["context"] = context
    image["tags"] = a.get("image.tags") or ["{short_commit}", "{build}"]
    _put(image, "credentials", a.get("image.credentials"))
    return image


def _deploy(a: Answers, env: str) -> dict[str, Any]:
    k = f"deploy.{env}."
    d: dict[str, Any] = {"env": env, "target": a[k + "target"]}
    _put(d, "endpoint", a.get(k + "endpoint"))
    _put(d, "tls_credentials", a.get(k + "tls_credentials"))
    d["strategy"] = a[k + "strategy"]
    d["replicas"] = a[k + "replicas"]
    d["port"] = a[k + "port"]
    _put(d, "publish", a.get(k + "publish"))
    if a.get(k + "health") and a[k + "health"] != "/":
        d["health"] = {"path": a[k + "health"]}
    _put(d, "approval", a.get(k + "approval"))
    return d


def build_spec(answers: Answers, ctx: Context) -> dict[str, Any]:
    """The spec for the answers: ``{"version": 1, "jobs": [job]}``."""
    return {"version": 1, "jobs": [_job(answers, ctx)]}
