"""`jenkinsbridge schema`: a valid JSON Schema that accepts the examples and knows every field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from jenkinsbridge.spec.models import Job
from tests.unit.cli.conftest import Run

ROOT = Path(__file__).resolve().parents[3]
Cli = Callable[..., Run]


@pytest.fixture
def schema(cli: Cli) -> dict[str, object]:
    r = cli("schema")
    assert r.code == 0 and r.err == ""
    parsed: dict[str, object] = json.loads(r.out)
    assert json.loads(cli("schema", "--json").out) == {"ok": True, "schema": parsed}
    return parsed


def test_is_a_valid_json_schema(schema: dict[str, object]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_examples_are_valid_against_it(schema: dict[str, object], example: Path) -> None:
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(example.read_text(encoding="utf-8")))


def test_refuses_what_the_loader_refuses(schema: dict[str, object]) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    good = {"version": 1, "jobs": [{"name": "a", "language": "go", "source": {"url": "git@h:o/r.git"}}]}
    assert validator.is_valid(good)
    for bad in ({**good, "version": 2}, {**good, "jobs": []}, {**good, "extra": 1},
                {"version": 1, "jobs": [{**good["jobs"][0], "langauge": "go"}]},  # type: ignore[dict-item]
                {"version": 1, "jobs": [{"name": "a", "language": "cobol", "source": {"url": "x"}}]}):
        assert not validator.is_valid(bad), bad


def test_mentions_every_job_field(schema: dict[str, object]) -> None:
    defs = schema["$defs"]
    assert isinstance(defs, dict)
    assert set(defs["Job"]["properties"]) == set(Job.model_fields)
    assert set(Job.model_fields) - {"name"} <= set(defs["JobDefaults"]["properties"])
    assert set(schema["properties"]) == {"version", "defaults", "jobs"}  # type: ignore[arg-type]


def test_to_a_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "jenkinsbridge.schema.json"
    r = cli("schema", "-o", str(target))
    assert r.code == 0 and r.out == f"wrote {target}\n"
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "jenkinsbridge spec"


def test_write_failure_is_one_line_exit_1_with_json(cli: Cli, tmp_path: Path) -> None:
    r = cli("schema", "--json", "-o", str(tmp_path / "missing-dir" / "s.json"))
    assert r.code == 1 and r.err.startswith("jenkinsbridge: error: cannot write ") and len(r.err.splitlines()) == 1
    assert json.loads(r.out)["type"] == "OutputError"
