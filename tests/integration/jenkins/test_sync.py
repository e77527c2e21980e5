"""sync against the Jenkins double over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.errors import CredentialsMissingError, PermissionDeniedError, PluginsMissingError
from jenkinsbridge.jenkins import Jenkins, Options
from jenkinsbridge.jenkins.stamp import c14n_in, content_hash
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_specs import write_spec


def _render(path: Path):  # type: ignore[no-untyped-def]
    return render_spec(load_specs([path]))


def _writes(jd: JenkinsDouble) -> list[str]:
    return [f"{r.method} {r.path}" for r in jd.requests if r.method == "POST"]


def test_create_then_noop_costs_one_listing(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.yaml", 12, views=["python"])
    report = client.sync(_render(spec))
    assert report.counts()["created"] == 12 + 1 + 1  # jobs, folder, view
    assert set(jd.paths()) == {"bench"} | {f"bench/job-{i:04d}" for i in range(12)}
    assert sorted(jd.views("bench")["python"]) == [f"job-{i:04d}" for i in range(12)]
    for i in range(12):  # what is on the server is what was rendered, hash and all
        xml = jd.config(f"bench/job-{i:04d}")
        assert c14n_in(xml) == content_hash(xml)

    jd.reset_requests()
    report = client.sync(_render(spec))
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 14, "deleted": 0, "kept": 0,
                               "conflict": 0}
    assert [(r.method, r.path) for r in jd.requests] == [("GET", "/api/json")]


def test_noop_with_password_session_makes_no_crumb_request(jd: JenkinsDouble, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.yaml", 3)
    pw = Jenkins(jd.url, jd.user, jd.password, backoff=0.01)
    pw.sync(_render(spec))
    assert jd.count("GET", "/crumbIssuer/") == 1  # needed once for the writes
    jd.reset_requests()
    pw2 = Jenkins(jd.url, jd.user, jd.password, backoff=0.01)
    pw2.sync(_render(spec))
    assert len(jd.requests) == 1  # no write, so no crumb either


def test_update_only_what_changed(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.yaml", 10)
    client.sync(_render(spec))
    changed = write_spec(tmp_path / "s.yaml", 10, changed={2, 7})
    jd.reset_requests()
    report = client.sync(_render(changed))
    assert report.counts()["updated"] == 2 and report.counts()["unchanged"] == 9
    assert sorted(_writes(jd)) == ["POST /job/bench/job/job-0002/config.xml",
                                   "POST /job/bench/job/job-0007/config.xml"]
    assert "3.11" in jd.config("bench/job-0002") and "3.11" not in jd.config("bench/job-0003")


def test_prune_deletes_only_ours(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    client.sync(_render(write_spec(tmp_path / "s.yaml", 4, views=["v"])))
    theirs = jd.config("bench/job-0000").replace("Managed by jenkinsbridge", "Hand made")
    jd.put("bench/theirs", theirs)
    fewer = write_spec(tmp_path / "s.yaml", 2)  # no views either
    report = client.sync(_render(fewer))  # without --prune nothing goes
    assert report.counts()["deleted"] == 0 and "bench/job-0003" in jd.paths()
    report = client.sync(_render(fewer), options=Options(prune=True))
    assert report.counts()["deleted"] == 3  # two jobs and the view
    assert jd.paths() == ["bench", "bench/job-0000", "bench/job-0001", "bench/theirs"]
    assert "v" not in jd.views("bench")


def test_prune_removes_a_dropped_folder_of_ours(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    client.sync(_render(write_spec(tmp_path / "a.yaml", 2, folder="old")))
    client.sync(_render(write_spec(tmp_path / "b.yaml", 1, folder="new")), options=Options(prune=True))
    assert jd.paths() == ["new", "new/job-0000"]


def test_dry_run_writes_nothing_and_shows_diffs(jenv: JenkinsDouble, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path / "s.yaml", 3)
    assert main(["sync", str(spec)]) == 0
    write_spec(tmp_path / "s.yaml", 3, changed={1})
    jenv.reset_requests()
    capsys.readouterr()
    assert main(["sync", str(spec), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert not _writes(jenv)
    assert "would be updated" in out and "bench/job-0001" in out
    assert "-        JB_TOOL_VERSION = '3.12'" in out and "+        JB_TOOL_VERSION = '3.11'" in out
    assert "3.12" in jenv.config("bench/job-0001")


def test_json_report(jenv: JenkinsDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path / "s.yaml", 2)
    assert main(["--json", "sync", str(spec), "--no-progress"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["created"] == 3
    assert {i["path"]: i["result"] for i in data["items"]} == {
        "bench": "created", "bench/job-0000": "created", "bench/job-0001": "created"}


def test_manual_edit_is_detected_and_overwritten(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.yaml", 2)
    client.sync(_render(spec))
    edited = jd.config("bench/job-0001").replace("pytest -q", "pytest -q -x  # quick fix in the UI")
    jd.set_config("bench/job-0001", edited)
    # the description still claims the old hash: a plain sync trusts it (one request) ...
    assert client.sync(_render(spec)).counts()["updated"] == 0
    # ... --check-drift reads the config and finds the edit
    report = client.sync(_render(spec), options=Options(check_drift=True))
    act = {a.key: a for a in report.actions}["bench/job-0001"]
    assert act.manual and act.op == "update" and any("overwritten" in w for w in report.warnings)
    assert "quick fix" not in jd.config("bench/job-0001")


def test_manual_edit_found_on_update_and_kept(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    client.sync(_render(write_spec(tmp_path / "s.yaml", 2)))
    edited = jd.config("bench/job-0000").replace("pytest -q", "pytest -q -k smoke")
    jd.set_config("bench/job-0000", edited)
    changed = write_spec(tmp_path / "s.yaml", 2, changed={0, 1})
    report = client.sync(_render(changed), options=Options(keep_manual=True))
    ops = {a.key: (a.op, a.manual) for a in report.actions}
    assert ops["bench/job-0000"] == ("kept", True)
    assert ops["bench/job-0001"] == ("update", False)
    assert "-k smoke" in jd.config("bench/job-0000")
    assert "3.11" in jd.config("bench/job-0001")


def test_missing_plugin_refused_before_any_write(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    jd.set_plugin("junit", None)
    jd.set_plugin("timestamper", "1.27", enabled=False)
    with pytest.raises(PluginsMissingError) as e:
        client.sync(_render(write_spec(tmp_path / "s.yaml", 3)))
    assert set(e.value.missing) == {"junit", "timestamper"}
    assert "disabled" in e.value.missing["timestamper"]
    assert not _writes(jd) and jd.paths() == []


def test_missing_credentials_reported_before_any_write(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(Path("examples/shop.yaml").read_text())
    jd.add_credentials("git-creds")
    jd.add_credentials("github-ssh")
    with pytest.raises(CredentialsMissingError) as e:
        client.sync(_render(spec))
    ids = {cid for cid, _ in e.value.missing}
    assert ids == {"registry-creds", "swarm-tls", "dingtalk-webhook"}
    assert ("swarm-tls", "shop/shop-api") in e.value.missing
    assert not _writes(jd)


def test_folder_store_credentials_count(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    client.sync(_render(write_spec(tmp_path / "s.yaml", 1)))  # the folder exists now
    jd.add_credentials("folder-git", store="bench")
    report = client.sync(_render(write_spec(tmp_path / "s.yaml", 2, credentials="folder-git")))
    assert report.counts()["created"] == 1 and report.counts()["updated"] == 1
    assert jd.count("GET", "/job/bench/credentials/store/folder/api/json") == 1  # one listing of the store
    assert jd.count("GET", "/credential/folder-git/config.xml") == 1  # its scope, read once for both jobs


def test_credentials_in_any_domain_and_unusable_ones(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    client.sync(_render(write_spec(tmp_path / "s.yaml", 1)))
    jd.add_credentials("in-a-domain", domain="git.example.com")
    report = client.sync(_render(write_spec(tmp_path / "s.yaml", 1, credentials="in-a-domain")))
    assert report.counts()["updated"] == 1
    jd.add_credentials("system-only", scope="SYSTEM")
    jd.add_credentials("mine-only", user=jd.user)
    for cid, reason in (("system-only", "scope SYSTEM"), ("mine-only", f"only in the user store of {jd.user}")):
        jd.reset_requests()
        with pytest.raises(CredentialsMissingError) as e:
            client.sync(_render(write_spec(tmp_path / "s.yaml", 1, credentials=cid)))
        assert e.value.missing == [(cid, "bench/job-0000")] and reason in str(e.value)
        assert not _writes(jd)


def test_403_names_the_permission(jenv: JenkinsDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jenv.security.deny(jenv.user, "Job/Create")
    spec = write_spec(tmp_path / "s.yaml", 1, folder=None)
    assert main(["sync", str(spec), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "403 Forbidden: missing permission Job/Create" in err
    line = [ln for ln in err.splitlines() if ln.startswith("jenkinsbridge: error")]
    assert len(line) == 1


def test_403_error_object(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    jd.security.deny(jd.user, "Job/Configure")
    client.sync(_render(write_spec(tmp_path / "s.yaml", 1)))
    with pytest.raises(PermissionDeniedError) as e:
        client.sync(_render(write_spec(tmp_path / "s.yaml", 1, changed={0})))
    assert e.value.permission == "Job/Configure" and e.value.status == 403


def test_503_mid_sync_of_200_jobs(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.yaml", 200)
    # the 80th create is refused with 503 before it happens; the 150th is carried out and
    # only its answer is lost; a config read fails twice in a row later on
    jd.fail(503, nth=80, method="POST", contains="createItem")
    jd.fail(503, nth=150, method="POST", contains="createItem", after=True)
    report = client.sync(_render(spec))
    assert report.counts()["created"] == 201
    creates = [r for r in jd.requests if r.method == "POST" and r.path.endswith("createItem")]
    # 199 answered creates + the one carried out whose answer was lost; none created twice
    assert sum(1 for r in creates if r.status == 200) == 200
    assert sum(1 for r in creates if r.status == 503) == 2
    assert not [r for r in jd.requests if r.status == 400]
    assert len(jd.paths()) == 201
    for p in jd.paths()[1:]:  # no partial job: every config is the rendered one
        xml = jd.config(p)
        assert c14n_in(xml) == content_hash(xml)
    # and an update phase with a 503 burst on config.xml posts is retried
    jd.reset_requests()
    jd.fail(503, nth=3, times=2, method="POST", contains="config.xml")
    report = client.sync(_render(write_spec(tmp_path / "s.yaml", 200, changed=set(range(0, 200, 20)))))
    assert report.counts()["updated"] == 10
    assert client.api.stats["retries"] >= 2


def test_connection_reset_on_read_is_retried(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    jd.fail(0, nth=1, method="GET", contains="/api/json")
    report = client.sync(_render(write_spec(tmp_path / "s.yaml", 2)))
    assert report.counts()["created"] == 3


def test_crumb_expiring_mid_run(jd: JenkinsDouble, tmp_path: Path) -> None:
    pw = Jenkins(jd.url, jd.user, jd.password, backoff=0.01, workers=1)
    spec = write_spec(tmp_path / "s.yaml", 30)
    expired = {"done": False}

    def progress(done: int, total: int, action: object) -> None:
        if done == 10 and not expired["done"]:
            expired["done"] = True
            jd.expire_crumbs()

    report = pw.sync(_render(spec), progress=progress)
    assert report.counts()["created"] == 31 and len(jd.paths()) == 31
    refused = [r for r in jd.requests if r.status == 403]
    assert len(refused) == 1  # one refusal, then a fresh crumb in a fresh session
    assert jd.count("GET", "/crumbIssuer/") == 2


def test_unmanaged_job_in_the_way(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.yaml", 2, folder=None)
    xml = _render(spec).jobs[0].config_xml.replace("Managed by jenkinsbridge", "Hand made")
    jd.put("job-0000", xml)
    with pytest.raises(Exception, match="not managed by jenkinsbridge"):
        client.sync(_render(spec))
    assert jd.paths() == ["job-0000"]  # nothing written
    report = client.sync(_render(spec), options=Options(adopt=True))
    assert report.counts() == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0, "kept": 0,
                               "conflict": 0}


def test_parallel_writers(jd: JenkinsDouble, tmp_path: Path) -> None:
    fast = Jenkins(jd.url, jd.user, jd.token, workers=8)
    report = fast.sync(_render(write_spec(tmp_path / "s.yaml", 60)))
    assert report.counts()["created"] == 61
    assert len({r.path for r in jd.requests if r.method == "POST"}) == 2  # root + folder createItem


def test_deep_folders_listed_beyond_the_query(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    client.sync(_render(write_spec(tmp_path / "s.yaml", 1, folder="a/b/c/d")))
    # a shallow spec asks for 2 levels; the old deep job is still found (and pruned)
    report = client.sync(_render(write_spec(tmp_path / "t.yaml", 1, folder=None)), options=Options(prune=True))
    assert {a.key for a in report.actions if a.op == "delete"} == {"a/b/c/d/job-0000", "a/b/c/d", "a/b/c",
                                                                   "a/b", "a"}
    assert jd.paths() == ["job-0000"]


def test_connection_settings(monkeypatch: pytest.MonkeyPatch, jd: JenkinsDouble, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path / "s.yaml", 1)
    for var in ("JENKINS_URL", "JENKINS_USER", "JENKINS_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert main(["sync", str(spec)]) == 2
    assert "pass --url or set JENKINS_URL" in capsys.readouterr().err
    assert main(["sync", str(spec), "--url", jd.url, "--user", jd.user]) == 2
    assert "both a user and an API token" in capsys.readouterr().err
    assert main(["sync", str(spec), "--url", jd.url, "--user", jd.user, "--token", jd.token, "--workers", "0"]) == 2
    capsys.readouterr()
    assert main(["sync", str(spec), "--url", jd.url, "--user", jd.user, "--token", jd.token]) == 0
    err = capsys.readouterr().err
    assert "set JENKINS_TOKEN instead" in err and jd.token not in err
    assert main(["sync", str(spec), "--url", jd.url, "--user", jd.user, "--token", "wrong"]) == 1
    assert "401 Unauthorized" in capsys.readouterr().err


def test_timeouts_are_retried_then_reported(tmp_path: Path) -> None:
    from jenkinsbridge.errors import JenkinsUnreachableError

    with JenkinsDouble(latency=0.3) as slow:
        client = Jenkins(slow.url, slow.user, slow.token, timeout=0.1, retries=1, backoff=0.01)
        with pytest.raises(JenkinsUnreachableError, match="timed out"):
            client.sync(_render(write_spec(tmp_path / "s.yaml", 1)))
        assert client.api.stats["retries"] == 1
