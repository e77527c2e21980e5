"""The Jenkinsfiles the documentation shows, one per language, are what `jenkinsbridge
render examples/languages.yaml` writes now: docs/jenkinsfiles/<job>.Jenkinsfile and the
blocks of docs/templates.md marked `<!-- rendered: languages/<job> -->`.
After an intended template change: `JB_REGEN_DOCS=1 python -m pytest
tests/unit/templates/test_rendered_docs.py` rewrites both; review the diff."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "languages.yaml"
DOC = ROOT / "docs" / "templates.md"
FILES = ROOT / "docs" / "jenkinsfiles"
LANGS = ("java-maven", "java-gradle", "node", "php", "python", "go", "cpp")
BLOCK = re.compile(r"(<!-- rendered: languages/(?P<job>[\w-]+) -->\n```groovy\n)(?P<body>.*?)(```\n)", re.S)
REGEN = os.environ.get("JB_REGEN_DOCS") == "1"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("rendered") / "out"
    assert main(["render", str(EXAMPLE), "-o", str(out)]) == 0
    return {lang: (out / "languages" / lang / "Jenkinsfile").read_text() for lang in LANGS}


def test_example_has_one_job_per_language(rendered: dict[str, str]) -> None:
    for lang, text in rendered.items():
        assert f"JB_LANGUAGE = '{lang}'" in text


def test_files_match_render(rendered: dict[str, str]) -> None:
    for lang, text in rendered.items():
        path = FILES / f"{lang}.Jenkinsfile"
        if REGEN:
            FILES.mkdir(exist_ok=True)
            path.write_text(text)
        assert path.is_file(), f"{path} missing: JB_REGEN_DOCS=1 writes it"
        assert path.read_text() == text, f"{path} is stale: JB_REGEN_DOCS=1 rewrites it"


def test_templates_doc_blocks_match_render(rendered: dict[str, str]) -> None:
    doc = DOC.read_text()
    if REGEN:
        doc = BLOCK.sub(lambda m: m.group(1) + rendered[m.group("job")] + m.group(4), doc)
        DOC.write_text(doc)
    shown = {m.group("job"): m.group("body") for m in BLOCK.finditer(doc)}
    assert sorted(shown) == sorted(LANGS), "docs/templates.md shows one rendered Jenkinsfile per language"
    for lang, body in shown.items():
        assert body == rendered[lang], f"docs/templates.md block {lang} is stale: JB_REGEN_DOCS=1 rewrites it"


def test_readme_links_every_language() -> None:
    readme = (ROOT / "README.md").read_text()
    for lang in LANGS:
        assert f"(docs/jenkinsfiles/{lang}.Jenkinsfile)" in readme
