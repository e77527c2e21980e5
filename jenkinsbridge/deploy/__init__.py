"""Rollouts on Docker Compose and Swarm: standard, rolling and blue-green behind an
nginx router, with state, history and a lock kept on the cluster.

Layers: :mod:`engine` speaks to Docker (SDK and compose CLI); :mod:`model` holds the
Deployment and the records; :mod:`router`, :mod:`state`, :mod:`compose` and
:mod:`swarm` manage the parts; :mod:`units` is the one interface of both targets; one module per strategy;
:mod:`operations` is the entry point.
"""

from jenkinsbridge.deploy.engine import Engine, TlsFiles
from jenkinsbridge.deploy.model import Deployment, Record
from jenkinsbridge.deploy.operations import deploy, history, promote, rollback, status

__all__ = ["Deployment", "Engine", "Record", "TlsFiles", "deploy", "history", "promote", "rollback", "status"]
