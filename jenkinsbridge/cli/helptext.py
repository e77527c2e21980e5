"""One line and an example for every command's --help, in one table.

:func:`describe` gives each registered command (and each verb of ``agents``, ``image``,
``credentials``) a description (its one-line help when the command has none of its own)
and an ``example:`` line from :data:`EXAMPLES`; a command missing from the table fails
tests/unit/cli/test_help.py, so a new command cannot ship without one.
"""

from __future__ import annotations

import argparse
import re
import textwrap

__all__ = ["DESCRIPTIONS", "EXAMPLES", "describe"]

# command path as typed -> an example command line
EXAMPLES: dict[str, str] = {
    "validate": "jenkinsbridge validate jenkinsbridge.yaml more/*.yaml",
    "render": "jenkinsbridge render jenkinsbridge.yaml -o jobs/",
    "schema": "jenkinsbridge schema -o .jenkinsbridge.schema.json",
    "casc": "jenkinsbridge casc jenkinsbridge.yaml -o casc/jenkinsbridge.yaml",
    "wizard": "jenkinsbridge wizard -o . --language python --defaults",
    "image": "jenkinsbridge image build jenkinsbridge.yaml --job shop-api",
    "image build": "jenkinsbridge image build jenkinsbridge.yaml --job shop-api --context .",
    "image push": "jenkinsbridge image push jenkinsbridge.yaml --job shop-api --digest-file digest.txt",
    "agents": "jenkinsbridge agents run agents.yaml",
    "agents run": "jenkinsbridge agents run agents.yaml --reap-every 60",
    "agents reap": "jenkinsbridge agents reap agents.yaml --grace 600",
    "agents status": "jenkinsbridge --json agents status agents.yaml",
    "sync": "JENKINS_URL=https://jenkins.example.com jenkinsbridge sync jenkinsbridge.yaml --dry-run",
    "credentials": "jenkinsbridge credentials apply credentials.yaml",
    "credentials apply": "jenkinsbridge credentials apply credentials.yaml",
    "backup": "jenkinsbridge backup -o backup/",
    "restore": "jenkinsbridge restore backup/",
    "run": "jenkinsbridge run jenkinsbridge.yaml --job shop-api --stage unit",
    "deploy": "jenkinsbridge deploy jenkinsbridge.yaml --env staging --image registry.example.com/acme/api:42",
    "image prune": "jenkinsbridge image prune jenkinsbridge.yaml --job shop-api --keep 10 --dry-run",
    "metrics": "jenkinsbridge metrics jenkinsbridge.yaml --since 30d --env production --html metrics.html",
    "plugins": "jenkinsbridge plugins audit --plugins-txt jenkins-docker/controller/plugins.txt",
    "plugins audit": "jenkinsbridge plugins audit --controller --update-center update-center.json",
    "plugins upgrade": "jenkinsbridge plugins upgrade --plugins-txt plugins.txt --dry-run",
    "artifacts": "jenkinsbridge artifacts push jenkinsbridge.yaml dist/app.tar.gz --job shop-api",
    "artifacts push": "jenkinsbridge artifacts push jenkinsbridge.yaml --job shop-api --digest-file artifacts.txt",
    "artifacts pull": "jenkinsbridge artifacts pull registry.example.com/acme/shop-api/artifacts:42 -o dist/",
}

# descriptions for commands whose one-line help says too little on its own
DESCRIPTIONS: dict[str, str] = {
    "agents": "One fresh container per queued build; nothing idles. Verbs: run watches the "
              "queue and starts a container agent for each waiting build; reap removes "
              "containers and nodes of ours that outlived their build; status lists templates, "
              "running agents and what queued builds wait for.",
    "agents run": "Watch the Jenkins queue; for each build waiting for a label of a template in "
                  "CONFIG, start one container agent that serves that build alone and is removed "
                  "when it ends. Sweeps for leftovers every --reap-every seconds.",
    "agents reap": "Remove containers and Jenkins nodes of ours whose build is gone (older than "
                   "the grace period); touches nothing it did not create.",
    "agents status": "Show the templates of CONFIG, the agents running now and why queued builds wait.",
}


class _Formatter(argparse.HelpFormatter):
    """Paragraphs wrapped without breaking words at hyphens (options stay whole)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        text = re.sub(r"\s+", " ", text).strip()
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False, break_long_words=False)


def describe(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """Fill description and example of every command under ``parser``."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {a.dest: a.help or "" for a in action._choices_actions}
        for name, child in action.choices.items():
            path = f"{prefix}{name}"
            if not child.add_help:  # a placeholder listed by its summary line only
                continue
            child.formatter_class = _Formatter
            one_line = helps.get(name, "")
            child.description = DESCRIPTIONS.get(path) or child.description or one_line
            if path in EXAMPLES and "example:" not in (child.epilog or ""):
                example = f"example: {EXAMPLES[path]}"
                child.epilog = f"{child.epilog}  {example}" if child.epilog else example
            describe(child, f"{path} ")
