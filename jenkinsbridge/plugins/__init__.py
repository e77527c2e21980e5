"""Plugin vulnerability audit and upgrade plans against the Jenkins update center's data
(its real format, as core's ``hudson.model.UpdateSite`` reads it): installed plugins
from a controller or a pinned plugins.txt, checked for active security warnings and
newer releases; a new pinned plugins.txt that clears the warnings without needing a
newer core than the controller image has."""

from jenkinsbridge.plugins.audit import AuditReport, audit
from jenkinsbridge.plugins.updatecenter import UpdateCenter, load_update_center
from jenkinsbridge.plugins.upgrade import UpgradePlan, plan_upgrade

__all__ = ["AuditReport", "UpdateCenter", "UpgradePlan", "audit", "load_update_center", "plan_upgrade"]
