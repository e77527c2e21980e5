"""The plain loader gives the same data as the positional one, or declines."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.spec.fastyaml import load_plain
from jenkinsbridge.spec.yamlpos import MAX_DEPTH, MAX_VALUES, YamlProblem, load_yaml

ROOT = Path(__file__).resolve().parents[3]
CORPUS = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "fixtures" / "invalid").glob("*.yaml")])


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_same_data_or_declined(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    plain, data = load_plain(text)
    try:
        expected = load_yaml(text, str(path)).data
    except YamlProblem:
        assert not plain  # whatever the positional loader refuses, the plain one declines
        return
    if plain:
        assert data == expected


def test_examples_take_the_plain_path() -> None:
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    assert examples and all(load_plain(p.read_text(encoding="utf-8"))[0] for p in examples)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                          # duplicate key: the plain loader would keep the last
    "jobs:\n- name: x\n  name: y\n",        # ... also deeper down
    "base: &b {x: 1}\njob: *b\n",            # aliases may expand
    "a:\n  <<: {x: 1}\n  y: 2\n",            # merge keys
    "true: 1\n",                            # a key that is not text or a number
    "1.5: x\n",
    "? [a]\n: 1\n",                          # a key that is a collection
    "a: [1\n",                               # a syntax error
    "a: !!int x\n",                          # a value that cannot be built
    "---\na: 1\n---\nb: 2\n",                # two documents
    "[" * (MAX_DEPTH // 2 + 1) + "]" * (MAX_DEPTH // 2 + 1) + "\n",
    "".join(" " * i + f"k{i}:\n" for i in range(0, 40)) + " " * 40 + "v: 1\n",
    "s: !!set {a, b}\n",                     # read as a mapping by the positional loader
    "o: !!omap [{a: 1}]\n",
    "p: !!pairs [{a: 1}]\n",
    "m: !custom {a: 1}\n",
    "- a\n" * (MAX_VALUES + 1),              # more values than a spec may hold
])
def test_declines(text: str) -> None:
    assert load_plain(text) == (False, None)


@pytest.mark.parametrize("text", ["", "a: 1\n", "jobs:\n- name: x\n  tags: [a, b]\n", "k: 'a & b'\n"])
def test_plain_documents(text: str) -> None:
    plain, data = load_plain(text)
    if "&" in text:  # an ampersand anywhere sends the text the careful way
        assert not plain
        return
    assert plain and data == load_yaml(text, "t").data
