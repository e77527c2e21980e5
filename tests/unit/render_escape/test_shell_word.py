"""shell_word: for any text without NUL, exactly one word with exactly that value."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jenkinsbridge.render.escape import shell_word

NO_NUL = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))


@settings(max_examples=400, deadline=None)
@given(NO_NUL)
@example("")
@example("'")
@example("it's $HOME `id` $(id) ${x} \\ \" ; | & > < * ? ~ # !")
def test_round_trip(value: str) -> None:
    word = shell_word(value)
    assert shlex.split(word) == [value]
    assert shlex.split(f"cmd {word} next") == ["cmd", value, "next"]


@pytest.mark.parametrize("value", ["A=b", "PATH=/tmp", "~", "~root", "*", "a b", "", "a#b", "{a,b}"])
def test_words_the_shell_would_touch_are_quoted(value: str) -> None:
    assert shell_word(value).startswith("'")


def test_plain_words_stay_readable() -> None:
    assert shell_word("reports/unit.xml") == "reports/unit.xml"


def test_nul_is_refused() -> None:
    with pytest.raises(ValueError, match="NUL"):
        shell_word("a\x00b")
