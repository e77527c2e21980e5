from __future__ import annotations

import pytest

from jenkinsbridge.errors import RenderError
from jenkinsbridge.jenkins.desired import Desired
from jenkinsbridge.jenkins.inventory import Inventory, Remote, tree_query
from jenkinsbridge.jenkins.plan import Options, build_plan, judge_server_copy
from jenkinsbridge.jenkins.stamp import MANAGED_MARKER, Stamp, c14n_in, content_hash, hash_in, stamp

JOB = f"""<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>Shop API\n\n{MANAGED_MARKER}</description>
  <definition><script>echo 'hi'</script></definition>
  <disabled>false</disabled>
</flow-definition>"""


def test_stamp_records_the_hashes_of_the_config_with_the_slot_empty() -> None:
    s = stamp(JOB)
    assert hash_in(s.xml) == s.digest and c14n_in(s.xml) == s.c14n == content_hash(s.xml)
    assert f"{MANAGED_MARKER} [jenkinsbridge:sha256={s.digest};c14n={s.c14n}]</description>" in s.xml
    assert stamp(s.xml).digest == s.digest and stamp(s.xml).xml == s.xml  # idempotent
    assert s.digest != stamp(JOB.replace("'hi'", "'ho'")).digest


def test_hash_survives_reserialization_but_not_edits() -> None:
    s = stamp(JOB)
    assert s.c14n == content_hash(s.xml)
    rewritten = (s.xml.replace("<?xml version='1.1' encoding='UTF-8'?>", '<?xml version="1.1" encoding="UTF-8"?>')
                 .replace('plugin="workflow-job"', "plugin='workflow-job'").replace("echo 'hi'", "echo &apos;hi&apos;"))
    assert content_hash(rewritten) == s.c14n
    assert content_hash(s.xml.replace("echo 'hi'", "echo 'ho'")) != s.c14n
    assert content_hash(s.xml.replace("<disabled>false", "<disabled>true")) != s.c14n


def test_folder_views_are_not_part_of_the_hash() -> None:
    folder = (f"<com.cloudbees.hudson.plugins.folder.Folder><description>{MANAGED_MARKER}</description>"
              "<folderViews><views/></folderViews></com.cloudbees.hudson.plugins.folder.Folder>")
    s = stamp(folder)
    view = "<hudson.model.ListView><name>v</name></hudson.model.ListView>"
    with_view = s.xml.replace("<views/>", f"<views>{view}</views>")
    assert content_hash(with_view) == s.c14n


def test_stamp_needs_the_marker() -> None:
    with pytest.raises(RenderError):
        stamp("<project><description>hand made</description></project>")


def test_tree_query_nests() -> None:
    assert tree_query(1) == "jobs[name,description]"
    assert tree_query(2) == "jobs[name,description,views[name,description],jobs[name,description]]"


def _desired(path: str, digest: str = "d1", kind: str = "job") -> Desired:
    st = Stamp("<x/>")
    st.digest = digest
    return Desired(kind, path, path.rsplit("/", 1)[-1], st)  # type: ignore[arg-type]


def _remote(path: str, digest: str | None, cls: str = "org.jenkinsci.plugins.workflow.job.WorkflowJob",
            managed: bool = True) -> Remote:
    desc = f"{MANAGED_MARKER} [jenkinsbridge:sha256={digest}]" if managed else "theirs"
    return Remote(path, cls, desc)


FOLDER = "com.cloudbees.hudson.plugins.folder.Folder"


def test_plan_from_listing_alone() -> None:
    inv = Inventory(items={
        "f": _remote("f", "df", FOLDER),
        "f/same": _remote("f/same", "d1"),
        "f/changed": _remote("f/changed", "old"),
        "f/theirs": _remote("f/theirs", None, managed=False),
        "f/gone": _remote("f/gone", "d1"),
    })
    desired = [_desired("f", "df", "folder"), _desired("f/same"), _desired("f/changed"), _desired("f/theirs"),
               _desired("f/new")]
    ops = {a.key: a.op for a in build_plan(desired, inv, Options())}
    assert ops == {"f": "unchanged", "f/same": "unchanged", "f/changed": "update", "f/theirs": "conflict",
                   "f/new": "create"}
    pruned = {a.key: a.op for a in build_plan(desired, inv, Options(prune=True, adopt=True))}
    assert pruned["f/gone"] == "delete" and pruned["f/theirs"] == "update" and "f" not in [
        k for k, v in pruned.items() if v == "delete"]


def test_prune_keeps_folders_holding_foreign_items() -> None:
    inv = Inventory(items={"old": _remote("old", "x", FOLDER), "old/mine": _remote("old/mine", "x"),
                           "old/theirs": _remote("old/theirs", None, managed=False)})
    plan = {a.key: a.op for a in build_plan([], inv, Options(prune=True))}
    assert plan == {"old/mine": "delete", "old": "kept"}


def test_judge_server_copy() -> None:
    ours = stamp(JOB)
    new = stamp(JOB.replace("echo 'hi'", "echo 'new'"))
    a = build_plan([Desired("job", "j", "j", new)],
                   Inventory(items={"j": _remote("j", ours.digest)}), Options())[0]
    judge_server_copy(a, ours.xml, Options())
    assert a.op == "update" and not a.manual
    edited = ours.xml.replace("echo 'hi'", "echo 'hand'")
    judge_server_copy(a, edited, Options())
    assert a.op == "update" and a.manual and "overwritten" in a.notes[-1]
    judge_server_copy(a, edited, Options(keep_manual=True))
    assert a.op == "kept"
    assert "-    <script>echo 'hand'" in a.diff()
