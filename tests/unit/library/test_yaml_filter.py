"""The yaml and casc_var filters of the one environment: values come back unchanged
from a YAML parser after JCasC's variable resolution, and never become variables."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from jenkinsbridge.errors import RenderError
from jenkinsbridge.render.environment import environment
from jenkinsbridge.render.escape import casc_variable, yaml_scalar

HOSTILE = ["plain", "it's", 'say "hi"', "${SECRET}", "^${ESCAPED}", "a^^${b}c", "$(id)", "`id`", "back\\slash",
           "line1\nline2", "tab\there", "#comment", "- item", "key: value", "[a, b]", "{x: 1}", "*alias", "&anchor",
           "!tag", "%", "@at", "yes", "no", "null", "~", "0x10", "1e3", "", " ", "\u2028sep", "\x85nel", "\ufeffbom",
           "\u00fcn\u00efc\u00f8d\u00e9 \U0001f600", "]]>", "\x00nul", "\x1bESC"]


def jcasc_resolve(text: str, env: dict[str, str]) -> str:
    """JCasC's resolution of a scalar (commons-text StringSubstitutor, escape char ^):
    ${VAR} and ${VAR:-default} from the environment; an escaped prefix ^${ becomes a
    literal ${ as soon as the prefix is seen, whether or not a closing brace follows."""
    def sub(m: re.Match[str]) -> str:
        if m.group(1):  # escaped: the literal prefix without the ^
            return "${"
        name, _, default = m.group(2).partition(":-")
        return env.get(name, default)

    return re.sub(r"(\^\$\{)|\$\{([^}]*)\}", sub, text)


@pytest.mark.parametrize("value", HOSTILE)
def test_yaml_scalar_round_trips(value: str) -> None:
    text = yaml_scalar(value)
    assert "\n" not in text and "\r" not in text
    parsed = yaml.safe_load(f"key: {text}\n")["key"]
    assert jcasc_resolve(parsed, {"SECRET": "leaked", "ESCAPED": "leaked", "b": "leaked"}) == value


@given(st.text())
def test_yaml_scalar_round_trips_any_text(value: str) -> None:
    parsed = yaml.safe_load(f"key: {yaml_scalar(value)}\n")["key"]
    assert jcasc_resolve(parsed, {}) == value


def test_filters_through_the_one_environment() -> None:
    env = environment()
    tpl = env.from_string("a: {{ v|yaml }}\nb: {{ n|yaml }}\nc: {{ 'ADMIN_PASSWORD'|casc_var }}\n"
                          "d: {{ 'PORT'|casc_var('50000') }}\n")
    out = tpl.render(v="${X}\n", n=3)
    assert yaml.safe_load(out) == {"a": "^${X}\n", "b": 3, "c": "${ADMIN_PASSWORD}", "d": "${PORT:-50000}"}
    with pytest.raises(RenderError, match="unescaped"):
        env.from_string("a: {{ v }}\n").render(v="text")
    with pytest.raises(RenderError, match="not a variable name"):
        env.from_string("a: {{ v|casc_var }}\n").render(v="X}${Y")
    with pytest.raises(RenderError, match="cannot render dict"):
        env.from_string("a: {{ v|yaml }}\n").render(v={})


def test_casc_variable_refuses_unsafe_defaults() -> None:
    assert casc_variable("A_1") == '"${A_1}"'
    for bad in ("}", "${X}", 'a"b', "a\\b", "a\nb"):
        with pytest.raises(ValueError):
            casc_variable("A", bad)
