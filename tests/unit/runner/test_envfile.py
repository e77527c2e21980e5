from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.runner.envfile import parse_env_file, read_env_file


def test_values_comments_quotes_and_names_from_the_environment() -> None:
    text = "# creds\n\nTOKEN=a=b c\nexport QUOTED=\"x y\"\nSINGLE='z'\nFROM_ENV\nEMPTY=\n"
    got = parse_env_file(text, environ={"FROM_ENV": "outside"})
    assert got == {"TOKEN": "a=b c", "QUOTED": "x y", "SINGLE": "z", "FROM_ENV": "outside", "EMPTY": ""}


@pytest.mark.parametrize(("text", "message"), [
    ("1BAD=x\n", "f.env:1: '1BAD' is not a variable name"),
    ("OK=1\nMISSING\n", "f.env:2: MISSING is not set in the environment"),
    ("A B=c\n", "f.env:1: 'A B' is not a variable name"),
])
def test_bad_lines_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_env_file(text, source="f.env", environ={})
    assert str(e.value).startswith(message)
    assert e.value.exit_code == 2


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read it"):
        read_env_file(tmp_path / "absent.env")


def test_values_never_appear_in_errors() -> None:
    with pytest.raises(UsageError) as e:
        parse_env_file("GOOD=topsecretvalue\n2X=other\n", source="f.env", environ={})
    assert "topsecretvalue" not in str(e.value)
