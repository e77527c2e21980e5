"""One walk over a job's credentials IDs: sync's check and casc's declarations agree."""

from __future__ import annotations

from jenkinsbridge.casc.credentials import collect_credentials
from jenkinsbridge.spec import load_spec_text
from jenkinsbridge.spec.credentials import credential_refs

SPEC = """
version: 1
jobs:
  - name: api
    language: python
    source: {url: "git@git.example.com:acme/api.git", credentials: git-key}
    image: {registry: "registry.example.com:5000", repository: acme/api, credentials: reg}
    deploy:
      - {env: staging, target: swarm, endpoint: "tcp://swarm.example.com:2376", tls_credentials: swarm-tls}
    notify: {dingtalk: hook}
  - name: web
    language: node
    source: {url: "https://git.example.com/acme/web.git", credentials: git-https}
"""


def test_every_credentials_field_with_its_kind() -> None:
    spec = load_spec_text(SPEC, "spec.yaml")
    api = next(j for j in spec.jobs if j.name == "api")
    got = [(r.id, r.kind, r.use, r.username) for r in credential_refs(api)]
    assert got == [
        ("git-key", "basicSSHUserPrivateKey", "source", "git"),
        ("reg", "usernamePassword", "image registry", None),
        ("swarm-tls", "x509ClientCert", "deploy staging", None),
        ("hook", "string", "DingTalk webhook", None),
    ]
    web = next(j for j in spec.jobs if j.name == "web")
    assert [(r.id, r.kind) for r in credential_refs(web)] == [("git-https", "usernamePassword")]


def test_casc_declares_what_the_walk_finds() -> None:
    spec = load_spec_text(SPEC, "spec.yaml")
    needs = {n.id: n for n in collect_credentials(spec)}
    walked = {r.id: r for j in spec.jobs for r in credential_refs(j)}
    assert needs.keys() == walked.keys()
    assert all(needs[i].kind == walked[i].kind for i in needs)
    assert needs["git-key"].default_username == "git"
    assert needs["swarm-tls"].used_by == ("api deploy staging",)
