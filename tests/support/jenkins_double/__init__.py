"""A Jenkins API double for tests: a threaded HTTP server that answers like a controller.

It covers what jenkinsbridge and python-jenkins call: the crumb issuer, API token and
password authentication with sessions, ``api/json`` with ``tree=`` and ``depth``, folders,
createItem, config.xml, doDelete, views, the plugin manager, credentials stores, the
build queue and nodes. It records every request and can inject faults.
"""

from tests.support.jenkins_double.queue import label_matches
from tests.support.jenkins_double.server import JenkinsDouble
from tests.support.jenkins_double.state import DEFAULT_PLUGINS, Fault, Recorded

__all__ = ["DEFAULT_PLUGINS", "Fault", "JenkinsDouble", "Recorded", "label_matches"]
