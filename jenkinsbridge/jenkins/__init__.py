"""The Jenkins bridge: a wire layer over python-jenkins and a model layer on top.

- :class:`JenkinsWire` (``wire``): one method per endpoint, crumbs, retries, timeouts,
  precise errors.
- :class:`Jenkins` (``client``): sync of rendered specs, backup, restore, credentials.
"""

from jenkinsbridge.jenkins.client import Item, Jenkins
from jenkinsbridge.jenkins.plan import Action, Options
from jenkinsbridge.jenkins.plugins import required_plugins
from jenkinsbridge.jenkins.sync import Syncer, SyncReport
from jenkinsbridge.jenkins.wire import JenkinsWire

__all__ = ["Action", "Item", "Jenkins", "JenkinsWire", "Options", "SyncReport", "Syncer", "required_plugins"]
