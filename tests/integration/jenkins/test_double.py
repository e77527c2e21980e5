"""The Jenkins double answers like a controller: checked with python-jenkins and raw HTTP."""

from __future__ import annotations

import re

import jenkins
import pytest
import requests

from tests.support.jenkins_double import JenkinsDouble

FOLDER = jenkins.EMPTY_FOLDER_XML


def test_python_jenkins_works_unchanged(jd: JenkinsDouble) -> None:
    for secret in (jd.token, jd.password):  # token: no crumb needed; password: crumb + session
        pj = jenkins.Jenkins(jd.url, jd.user, secret, timeout=5)
        assert pj.get_whoami()["name"] == jd.user
        assert pj.get_version() == "2.462.3"
        f = f"f{secret[:4]}"
        pj.create_folder(f)
        pj.create_job(f"{f}/a", jenkins.EMPTY_CONFIG_XML)
        assert pj.job_exists(f"{f}/a") and pj.is_folder(f)
        assert "<project>" in pj.get_job_config(f"{f}/a")
        pj.reconfig_job(f"{f}/a", jenkins.RECONFIG_XML)
        assert "tasks.Shell" in pj.get_job_config(f"{f}/a")
        assert {j["fullname"] for j in pj.get_all_jobs()} >= {f, f"{f}/a"}
        pj.create_view(f"v{f}", jenkins.EMPTY_VIEW_CONFIG_XML)
        assert pj.view_exists(f"v{f}")
        assert "junit" in pj.get_plugins()
        pj.delete_job(f"{f}/a")
        assert not pj.job_exists(f"{f}/a")
        pj.create_credential(f, "<org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>"
                                "<id>c1</id><secret>s</secret>"
                                "</org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>")
        assert pj.credential_exists("c1", f)
        assert "secret-redacted" in pj.get_credential_config("c1", f)
    by_via = {r.via for r in jd.requests}
    assert by_via == {"token", "password"}
    # the password client sent crumbs on its POSTs; the token client never asked for one
    assert all(r.crumb for r in jd.requests if r.via == "password" and r.method == "POST")


def test_auth_and_crumbs(jd: JenkinsDouble) -> None:
    url = jd.url
    assert requests.get(url + "api/json", timeout=5).status_code == 403  # anonymous lacks Overall/Read
    bad = requests.get(url + "api/json", auth=(jd.user, "nope"), timeout=5)
    assert bad.status_code == 401 and "Invalid password/token" in bad.text
    # password: a POST without crumb is refused; a crumb only works in its session
    s = requests.Session()
    s.auth = (jd.user, jd.password)
    r = s.post(url + "createItem?name=x", data=FOLDER, headers={"Content-Type": "application/xml"}, timeout=5)
    assert r.status_code == 403 and "No valid crumb" in r.text
    crumb = s.get(url + "crumbIssuer/api/json", timeout=5).json()
    assert crumb["crumbRequestField"] == "Jenkins-Crumb"
    other = requests.post(url + "createItem?name=x", data=FOLDER, auth=(jd.user, jd.password), timeout=5,
                          headers={"Jenkins-Crumb": crumb["crumb"], "Content-Type": "application/xml"})
    assert other.status_code == 403  # no session cookie: a different session
    ok = s.post(url + "createItem?name=x", data=FOLDER, timeout=5,
                headers={"Jenkins-Crumb": crumb["crumb"], "Content-Type": "application/xml"})
    assert ok.status_code == 200
    xml = s.get(url + "crumbIssuer/api/xml", timeout=5).text
    assert f"<crumb>{crumb['crumb']}</crumb>" in xml
    jd.expire_crumbs()
    again = s.post(url + "job/x/doDelete", headers={"Jenkins-Crumb": crumb["crumb"]}, timeout=5,
                   allow_redirects=False)
    assert again.status_code == 403
    # an API token needs no crumb at all
    t = requests.post(url + "job/x/doDelete", auth=(jd.user, jd.token), timeout=5, allow_redirects=False)
    assert t.status_code == 302


def test_items_tree_depth_and_errors(jd: JenkinsDouble) -> None:
    s = requests.Session()
    s.auth = (jd.user, jd.token)
    xml = {"Content-Type": "application/xml"}
    assert s.post(jd.url + "createItem?name=a", data=FOLDER, headers=xml).status_code == 200
    assert s.post(jd.url + "job/a/createItem?name=b", data=FOLDER, headers=xml).status_code == 200
    assert s.post(jd.url + "job/a/job/b/createItem?name=c", data=jenkins.EMPTY_CONFIG_XML,
                  headers=xml).status_code == 200
    exists = s.post(jd.url + "job/a/createItem?name=b", data=FOLDER, headers=xml)
    assert exists.status_code == 400 and "already exists" in exists.headers["X-Error"]
    assert s.post(jd.url + "job/a/createItem?name=bad%2Fname", data=FOLDER, headers=xml).status_code == 400
    assert s.post(jd.url + "createItem?name=m", data="<project><oops>", headers=xml).status_code == 500
    unknown = s.post(jd.url + "createItem?name=u", data="<no.such.Project/>", headers=xml)
    assert unknown.status_code == 500 and "CannotResolveClassException" in unknown.text
    assert s.post(jd.url + "job/a/job/b/job/c/config.xml", data="<project>", headers=xml).status_code == 500
    assert s.post(jd.url + "job/a/job/b/job/c/config.xml", data=FOLDER, headers=xml).status_code == 500
    assert s.get(jd.url + "job/nope/api/json").status_code == 404
    tree = s.get(jd.url + "api/json?tree=jobs[name,jobs[name]]").json()
    assert tree["jobs"][0]["name"] == "a" and tree["jobs"][0]["jobs"][0] == {
        "_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": "b"}
    assert "jobs" not in tree["jobs"][0]["jobs"][0]  # not asked for: not sent
    # a malformed tree= or depth is a ServletException in stapler's serveExposedBean: 500
    for query in ("tree=jobs[name", "tree=jobs]", "tree=jobs[name]{x}", "depth=deep"):
        assert s.get(jd.url + "api/json?" + query).status_code == 500, query
    assert s.get(jd.url + "api/json?tree=jobs[name]&depth=deep").status_code == 200  # tree wins
    shallow = s.get(jd.url + "job/a/api/json?depth=0").json()
    assert shallow["fullName"] == "a" and set(shallow["jobs"][0]) == {"_class", "name", "url"}
    deep = s.get(jd.url + "job/a/api/json?depth=1").json()
    assert deep["jobs"][0]["fullName"] == "a/b"


def test_faults_are_injected(jd: JenkinsDouble) -> None:
    s = requests.Session()
    s.auth = (jd.user, jd.token)
    jd.fail(503, nth=2, contains="/api/json")
    assert s.get(jd.url + "api/json").status_code == 200
    assert s.get(jd.url + "api/json").status_code == 503
    assert s.get(jd.url + "api/json").status_code == 200
    jd.fail(0, contains="/api/json")
    with pytest.raises(requests.ConnectionError):
        s.get(jd.url + "api/json")
    assert [r.status for r in jd.requests] == [200, 503, 200, 0] or jd.requests[-1].path == "/api/json"


def test_queue_nodes_and_agents(jd: JenkinsDouble) -> None:
    pj = jenkins.Jenkins(jd.url, jd.user, jd.token, timeout=5)
    pj.create_job("build-me", jenkins.EMPTY_CONFIG_XML)
    item = jd.enqueue("build-me", label="docker && linux")
    queue = pj.get_queue_info()
    assert [q["id"] for q in queue] == [item.id]
    assert queue[0]["why"] == "Waiting for next available executor"  # no agent node: no label named
    assert "assignedLabel" not in queue[0]
    pj.create_node("agent-1", numExecutors=1, labels="docker linux", exclusive=True,
                   launcher=jenkins.LAUNCHER_JNLP)
    info = pj.get_node_info("agent-1")
    assert info["offline"] and {x["name"] for x in info["assignedLabels"]} == {"agent-1", "docker", "linux"}
    assert pj.get_queue_info()[0]["why"] == "\u2018agent-1\u2019 is offline"  # its only node is named
    jnlp = requests.get(jd.url + "computer/agent-1/jenkins-agent.jnlp", auth=(jd.user, jd.token), timeout=5).text
    secret = re.search(r"<argument>([0-9a-f]{64})</argument>", jnlp)
    assert secret is not None
    assert not jd.connect_agent("agent-1", "wrong")
    assert jd.connect_agent("agent-1", secret.group(1))
    left = pj.get_queue_item(item.id)
    assert left["_class"] == "hudson.model.Queue$LeftItem" and left["executable"]["number"] == 1
    assert pj.get_queue_info() == []
    assert not pj.get_node_info("agent-1")["idle"]
    (build,) = jd.running()
    assert build.node == "agent-1"
    # the one executor is busy: a second build waits
    second = jd.enqueue("build-me", label="docker")
    assert [q["id"] for q in pj.get_queue_info()] == [second.id]
    jd.finish(build)
    assert jd.wait_for(lambda: second.build is not None, timeout=2)
    pj.delete_node("agent-1")
    assert not pj.node_exists("agent-1")
    assert second.build is not None and second.build.result == "ABORTED"
    # builds of an inline pipeline ask for the label in its script; cancel works
    pj.create_job("pipe", "<flow-definition><definition><script>pipeline { agent { label 'py' } }"
                          "</script></definition></flow-definition>")
    qid = pj.build_job("pipe")
    assert jd.scheduler.items[qid].label == "py"
    pj.cancel_queue(qid)
    assert pj.get_queue_item(qid)["cancelled"] is True


def test_agent_side_endpoints(jd: JenkinsDouble) -> None:
    """What an agent container can do over HTTP: connect with its secret, wait for its build,
    report it finished."""
    pj = jenkins.Jenkins(jd.url, jd.user, jd.token, timeout=5)
    pj.create_node("a1", numExecutors=1, labels="py", exclusive=True, launcher=jenkins.LAUNCHER_JNLP)
    secret = jd.scheduler.nodes["a1"].secret
    base = jd.url + "_double/agent/"
    assert requests.post(base + "connect?name=a1&secret=bad", timeout=5).status_code == 403
    assert requests.post(base + f"connect?name=a1&secret={secret}", timeout=5).status_code == 200
    assert requests.get(base + "build?name=a1&wait=0.1", timeout=5).status_code == 204
    item = jd.enqueue("some-job", label="py")
    got = requests.get(base + "build?name=a1&wait=5", timeout=10).json()
    assert got == {"job": "some-job", "number": 1, "queue_id": item.id}
    assert requests.post(base + "finish?name=a1&result=FAILURE", timeout=5).status_code == 200
    assert item.build is not None and item.build.result == "FAILURE"
    assert jd.running() == []
    assert not [r for r in jd.requests if r.path.startswith("/_double")]  # not in the log


def test_only_exported_fields_and_only_readable_items(jd: JenkinsDouble) -> None:
    """Queue.Item's assigned label is not exported: naming it in tree= gets nothing; an
    account without Job/Read sees an empty queue and gets 404 for an item."""
    item = jd.enqueue("app/build", label="python")
    s = requests.Session()
    s.auth = (jd.user, jd.token)
    got = s.get(jd.url + "queue/api/json?tree=items[id,assignedLabel[name],why]", timeout=5).json()
    assert got["items"] == [{"_class": "hudson.model.Queue$BuildableItem", "id": item.id,
                             "why": "Waiting for next available executor"}]
    token = jd.security.add_user("viewer", "pw", permissions={"Overall/Read"})
    other = requests.Session()
    other.auth = ("viewer", token)
    assert other.get(jd.url + "queue/api/json", timeout=5).json()["items"] == []
    assert other.get(jd.url + f"queue/item/{item.id}/api/json", timeout=5).status_code == 404
    r = other.post(jd.url + "computer/doCreateItem?name=n&type=x", timeout=5)
    assert r.status_code == 403 and r.headers["X-Required-Permission"] == "hudson.model.Computer.Create"
    jd.put("app", "<com.cloudbees.hudson.plugins.folder.Folder><description/>"
                  "</com.cloudbees.hudson.plugins.folder.Folder>")
    assert other.get(jd.url + "api/json?tree=jobs[name]", timeout=5).json()["jobs"] == []
    assert other.get(jd.url + "job/app/api/json", timeout=5).status_code == 404
    r = other.get(jd.url + "pluginManager/api/json", timeout=5)
    assert r.status_code == 403 and r.headers["X-Required-Permission"] == "hudson.model.Hudson.Administer"
