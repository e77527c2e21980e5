"""Spec features: defaults, several files, names unique per folder, Spec.select."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.errors import SpecError, UsageError
from jenkinsbridge.spec import load_spec_text, load_specs
from jenkinsbridge.spec.graph import stage_waves

JOB = '{{name: {name}, language: go, source: {{url: "https://git.example.com/acme/{name}.git"}}{extra}}}'


def job(name: str, extra: str = "") -> str:
    return "  - " + JOB.format(name=name, extra=(", " + extra) if extra else "") + "\n"


def spec(*jobs: str, defaults: str = "") -> str:
    return "version: 1\n" + (f"defaults: {defaults}\n" if defaults else "") + "jobs:\n" + "".join(jobs)


def problems(text: str, file: str = "s.yaml") -> list[str]:
    with pytest.raises(SpecError) as e:
        load_spec_text(text, file)
    return e.value.lines()


def test_defaults_deep_merge_into_every_job() -> None:
    text = spec(job("a"), job("b", "agent: {image: 'golang:1.22'}, notify: {email: [b@example.com]}, folder: x"),
                defaults="{folder: shop, agent: {label: linux}, notify: {email: [team@example.com], "
                         "when: [failure]}, timeout: 30}")
    a, b = load_spec_text(text).jobs
    assert (a.full_name, a.agent.label, a.agent.image, a.timeout) == ("shop/a", "linux", None, 30)
    assert (b.full_name, b.agent.label, b.agent.image) == ("x/b", "linux", "golang:1.22")
    assert b.notify.email == ["b@example.com"] and b.notify.when == ["failure"]  # lists replace, maps merge


def test_problem_in_defaults_points_at_defaults_once() -> None:
    text = spec(job("a"), job("b"), job("c", "timeout: 5"), defaults="{timeout: 0}")
    assert problems(text) == ["s.yaml:2:21: defaults.timeout: 0 is too small; at least 1"]


def test_job_value_overrides_a_bad_default() -> None:
    text = spec(job("a", "timeout: 5"), defaults="{timeout: 0}")
    assert load_spec_text(text).jobs[0].timeout == 5


def test_yaml_merge_keys_work() -> None:
    text = ("version: 1\nbase: &base {language: go, source: {url: 'git@h:o/r.git'}}\n"
            "jobs:\n  - {<<: *base, name: a}\n")
    assert problems(text) == ["s.yaml:2:1: base: unknown key 'base'; allowed: version, defaults, jobs"]
    text = "version: 1\njobs:\n  - &a {language: go, name: a, source: {url: 'git@h:o/r.git'}}\n  - {<<: *a, name: b}\n"
    assert [j.name for j in load_spec_text(text).jobs] == ["a", "b"]


def test_several_files_keep_their_own_defaults(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(spec(job("api"), defaults="{folder: shop}"))
    (tmp_path / "b.yaml").write_text(spec(job("api"), job("web", "folder: Shop")))
    loaded = load_specs([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert [j.full_name for j in loaded.jobs] == ["shop/api", "api", "Shop/web"]
    assert loaded.files == (str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))


def test_problems_of_every_file_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(spec(job("x", "timeout: -1")))
    (tmp_path / "a.yaml").write_text("version: 1\njobs: [\n")
    with pytest.raises(SpecError) as e:
        load_specs([tmp_path / "b.yaml", tmp_path / "a.yaml"])
    assert [p.file for p in e.value.problems] == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]
    assert str(e.value).endswith("(and 1 more)")


@pytest.mark.parametrize(("first", "second", "clash"), [
    ("folder: shop", "folder: shop", True), ("folder: shop", "folder: SHOP", True),
    ("folder: shop", "folder: shop/sub", False), ("folder: a", "", False),
])
def test_names_unique_per_folder_ignoring_case(first: str, second: str, clash: bool) -> None:
    text = spec(job("api", first), job("API", second))
    if clash:
        assert "is defined twice" in problems(text)[0]
    else:
        assert len(load_spec_text(text).jobs) == 2


def test_duplicates_are_found_even_when_a_job_has_other_problems() -> None:
    lines = problems(spec(job("api", "timeout: x"), job("api")))
    assert [line.split(": ")[1] for line in lines] == ["jobs[0].timeout", "jobs[1].name"]


def test_select() -> None:
    s = load_spec_text(spec(job("api", "folder: shop"), job("api", "folder: tools"), job("web")))
    assert s.select("shop/api").full_name == "shop/api"
    assert s.select("Tools/API").full_name == "tools/api"  # Jenkins ignores case
    assert s.select("web").name == "web"
    with pytest.raises(UsageError, match=r"ambiguous \(shop/api, tools/api\); give folder/name"):
        s.select("api")
    with pytest.raises(UsageError, match="no job 'nope' in the spec; jobs: shop/api, tools/api, web"):
        s.select("nope")
    with pytest.raises(UsageError, match="the spec has 3 jobs; choose one with --job"):
        s.select(None)
    assert load_spec_text(spec(job("only"))).select(None).name == "only"


def test_no_files_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        load_specs([])


def test_secret_values_are_never_echoed() -> None:
    secrets = ["ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "hunter2", "s3cret", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
               "4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"]
    corpus = Path(__file__).resolve().parents[2] / "fixtures" / "invalid"
    texts = [p.read_text(encoding="utf-8") for p in corpus.glob("*.error")]
    assert any("secret" in t for t in texts)
    assert not [s for s in secrets for t in texts if s in t]
    text = spec(job("a", "source: {url: 'https://bob:hunter2@h:x/o/r.git'}"))
    assert "hunter2" not in problems(text)[0]


def test_stage_waves_follow_needs() -> None:
    s = load_spec_text(spec(job("a", "stages: [{name: u, run: t}, {name: l, run: t}, "
                                     "{name: i, run: t, needs: [u, l]}, {name: p, run: t, needs: [i]}]")))
    stages = s.jobs[0].stages
    assert stages is not None
    assert [[st.name for st in wave] for wave in stage_waves(stages)] == [["u", "l"], ["i"], ["p"]]


def test_empty_defaults_is_fine_and_misspelt_top_keys_say_so_once() -> None:
    assert load_spec_text("version: 1\ndefaults:\njobs:\n" + job("a")).jobs[0].name == "a"
    assert problems("versoin: 1\njbos: []\n") == [
        "s.yaml:1:1: versoin: unknown key 'versoin'; did you mean 'version'?",
        "s.yaml:2:1: jbos: unknown key 'jbos'; did you mean 'jobs'?"]
