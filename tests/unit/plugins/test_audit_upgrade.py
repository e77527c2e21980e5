"""plugins audit and upgrade on a copy of the controller's real plugins.txt and
Dockerfile, against the update-center fixture (tests/fixtures/update-center/)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.plugins.pluginstxt import read_plugins_txt
from jenkinsbridge.plugins.updatecenter import load_update_center

ROOT = Path(__file__).resolve().parents[3]
UC = ROOT / "tests" / "fixtures" / "update-center" / "update-center.json"
CONTROLLER = ROOT / "jenkins-docker" / "controller"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def controller(tmp_path: Path) -> Path:
    """plugins.txt and the Dockerfile beside it, as in jenkins-docker/controller/."""
    for name in ("plugins.txt", "Dockerfile"):
        shutil.copyfile(CONTROLLER / name, tmp_path / name)
    return tmp_path / "plugins.txt"


def _no_warnings(tmp_path: Path) -> Path:
    text = UC.read_text()
    doc = json.loads(text[text.index("{"):text.rindex("}") + 1])
    doc["warnings"] = []
    path = tmp_path / "update-center.actual.json"  # plain JSON, as the .actual.json variant is
    path.write_text(json.dumps(doc))
    return path


def test_audit_names_the_warning_and_its_advisory(controller: Path) -> None:
    code, out, err = cli("plugins", "audit", "--plugins-txt", str(controller), "--update-center", str(UC))
    assert code == 1, err
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert warnings == ["WARNING SECURITY-3501 script-security 1373.vb_b_4a_a_c26fa_00: Sandbox bypass "
                        "vulnerability https://www.jenkins.io/security/advisory/2025-03-05/#SECURITY-3501"]
    assert "outdated: docker-plugin 1274.vc0203fdf2e74 -> 1276.v8b_2c3a_c6f6b_d" in out
    assert "core: 2.492.3 -> 2.504.1 available" in out

    code, out, _ = cli("--json", "plugins", "audit", "--plugins-txt", str(controller), "--update-center", str(UC))
    report = json.loads(out)
    assert code == 1 and report["core"] == "2.492.3"
    assert [(w["id"], w["name"]) for w in report["warnings"]] == [("SECURITY-3501", "script-security")]
    assert "workflow-job" in report["unknown"]  # not described by the fixture


def test_audit_without_warnings_exits_0(controller: Path, tmp_path: Path) -> None:
    code, out, err = cli("plugins", "audit", "--plugins-txt", str(controller),
                         "--update-center", str(_no_warnings(tmp_path)))
    assert code == 0, err
    assert out.startswith("0 active security warning(s) for Jenkins 2.492.3")


def test_core_warnings_follow_the_core_version(controller: Path) -> None:
    code, out, _ = cli("--json", "plugins", "audit", "--plugins-txt", str(controller), "--update-center",
                       str(UC), "--core", "2.470.1")
    assert code == 1
    assert {(w["id"], w["name"]) for w in json.loads(out)["warnings"]} == {
        ("SECURITY-3501", "script-security"), ("SECURITY-3495", "core")}


def test_upgrade_clears_the_warning_within_the_core(controller: Path) -> None:
    before = read_plugins_txt(controller)
    code, out, err = cli("plugins", "upgrade", "--plugins-txt", str(controller), "--update-center", str(UC),
                         "--dry-run")
    assert code == 0, err
    assert "-script-security:1373.vb_b_4a_a_c26fa_00" in out and "+script-security:1385.v7d3d3b_b_7a_2f3" in out
    assert read_plugins_txt(controller).pinned() == before.pinned()  # dry run: nothing written

    code, out, err = cli("--json", "plugins", "upgrade", "--plugins-txt", str(controller), "--update-center", str(UC))
    assert code == 0, err
    plan = json.loads(out)
    assert plan["written"] and [w["id"] for w in plan["cleared"]] == ["SECURITY-3501"]
    after = read_plugins_txt(controller).pinned()
    changed = {n: v for n, v in after.items() if before.pinned().get(n) != v}
    assert changed == {
        "script-security": "1385.v7d3d3b_b_7a_2f3",
        "structs": "353.v261ea_40a_80fb_",  # script-security needs 350, workflow-api 353: 353 wins
        "caffeine-api": "3.2.0-166.v72a_6d74b_870f",  # needed by structs 353: transitive, added
    }
    assert "docker-plugin" not in changed  # outdated, but its release needs Jenkins 2.504.1
    uc = load_update_center(str(UC))
    for name in changed:
        assert uc.plugins[name].required_core in ("2.479.1", "2.479.3")
    # comments and order survive; the file stays valid and now audits clean of warnings
    text = controller.read_text()
    assert text.startswith("# Plugins of the jenkinsbridge controller")
    assert text.index("script-security:") < text.index("git:5.7.0")
    assert cli("plugins", "audit", "--plugins-txt", str(controller), "--update-center", str(UC))[0] == 0
    # a second run finds nothing to change
    code, out, _ = cli("plugins", "upgrade", "--plugins-txt", str(controller), "--update-center", str(UC))
    assert code == 0 and out.startswith("no change")


def test_upgrade_refuses_a_fix_that_needs_a_newer_core(controller: Path) -> None:
    before = controller.read_text()
    code, out, _ = cli("--json", "plugins", "upgrade", "--plugins-txt", str(controller), "--update-center",
                       str(UC), "--core", "2.470.1")
    assert code == 1
    plan = json.loads(out)
    why = {w["id"]: w["why"] for w in plan["uncleared"]}
    assert why["SECURITY-3501"] == ("SECURITY-3501: script-security 1385.v7d3d3b_b_7a_2f3 needs Jenkins "
                                    "2.479.3, the controller image has 2.470.1")
    assert why["SECURITY-3495"].startswith("a core warning")
    assert plan["changed"] == [] and controller.read_text() == before


@pytest.mark.parametrize(("text", "message"), [
    ("updateCenter.post({\"plugins\": {}});", "updateCenterVersion is None, expected 1"),
    ('{"updateCenterVersion": "2", "plugins": {}}', "updateCenterVersion is '2'"),
    ('{"updateCenterVersion": 1}', "no 'plugins' object"),
    ('{"updateCenterVersion": 1, "plugins": {}, "warnings": [{"type": "plugin", "name": "x"}]}',
     "warnings[0] has no 'id'"),
    ("not json", "not JSON or JSONP"),
])
def test_bad_update_center_is_bad_input(controller: Path, tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "uc.json"
    bad.write_text(text)
    code, _, err = cli("plugins", "audit", "--plugins-txt", str(controller), "--update-center", str(bad))
    assert code == 2 and message in err and len(err.splitlines()) == 1, err


def test_bad_plugins_txt_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "plugins.txt").write_text("git:5.7.0\n# ok\ngit:5.6.0\n")
    code, _, err = cli("plugins", "audit", "--plugins-txt", str(tmp_path / "plugins.txt"),
                       "--update-center", str(UC), "--core", "2.492.3")
    assert code == 2 and "plugins.txt:3: git is listed again (first on line 1)" in err
    (tmp_path / "plugins.txt").write_text("git 5.7.0\n")
    code, _, err = cli("plugins", "audit", "--plugins-txt", str(tmp_path / "plugins.txt"), "--update-center", str(UC))
    assert code == 2 and "plugins.txt:1: 'git 5.7.0' is not a plugin line" in err


def test_patterns_match_whole_versions_and_bad_patterns_match_all() -> None:
    from jenkinsbridge.plugins.updatecenter import Warning

    w = Warning("plugin", "S-1", "p", "m", "u", ("1[.]2",))
    assert w.applies_to("1.2") and not w.applies_to("1.23") and not w.applies_to("11.2")
    assert Warning("plugin", "S-1", "p", "m", "u", ("(",)).applies_to("9.9")
    assert Warning("plugin", "S-1", "p", "m", "u", ()).applies_to("9.9")
