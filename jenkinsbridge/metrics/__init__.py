"""Delivery metrics: the four numbers (deployment frequency, lead time for changes,
change failure rate, time to restore) from Jenkins builds and the deploy history kept
on the cluster, with build health beside them.

Layers: :mod:`model` holds the events and the window; :mod:`jenkins_source` and
:mod:`deploy_source` read them; :mod:`compute` and :mod:`health` turn them into figures;
:mod:`bands` rates them; :mod:`report` assembles one report; :mod:`render_text`,
:mod:`render_html` and :mod:`svg` print it.
"""

from jenkinsbridge.metrics.compute import Figure, compute_env
from jenkinsbridge.metrics.model import BuildRun, Commit, DeployEvent, Window

__all__ = ["BuildRun", "Commit", "DeployEvent", "Figure", "Window", "compute_env"]
