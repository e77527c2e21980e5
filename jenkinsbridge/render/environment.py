"""The one jinja2 environment of jenkinsbridge.

Strict (StrictUndefined), XML/HTML autoescape for ``*.xml.j2`` and ``*.html.j2`` templates, and a guard for
Groovy templates: an expression in a template without autoescape must pass through
the ``groovy`` filter (or be a number or boolean), otherwise rendering fails. So a
value can never reach a Jenkinsfile unescaped by accident.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from jenkinsbridge.errors import RenderError
from jenkinsbridge.render.escape import (
    casc_variable,
    groovy_string,
    shell_word,
    xml_content,
    xml_needs_refs,
    xml_text,
    yaml_scalar,
)
from jenkinsbridge.render.groovyblock import groovy_script

__all__ = ["GroovyCode", "ShellWord", "YamlText", "environment", "templates_dir"]


class GroovyCode(Markup):
    """Text that is valid Groovy as it stands (an escaped literal or a list of them)."""


class ShellWord(str):
    """A shell-quoted word; only valid inside a script that is then Groovy-escaped."""


class YamlText(str):
    """A YAML scalar, quoted, that JCasC reads back as exactly the value given."""


@functools.cache
def templates_dir() -> Path:
    """job_templates/, installed as jenkinsbridge.job_templates or beside the package."""
    try:
        path = Path(str(resources.files("jenkinsbridge.job_templates")))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "job_templates"


def _groovy(value: Any) -> GroovyCode:
    if isinstance(value, bool):
        return GroovyCode("true" if value else "false")
    if isinstance(value, int):
        return GroovyCode(str(value))
    if isinstance(value, list | tuple):
        return GroovyCode("[" + ", ".join(_groovy(v) for v in value) + "]")
    if not isinstance(value, str):
        raise RenderError(f"cannot render {type(value).__name__} as Groovy")
    try:
        return _groovy_str(str(value))
    except ValueError as e:
        raise RenderError(f"cannot render {value[:40]!r} as Groovy: {e}") from e


# Escaping is a pure function and the same texts (credentials IDs, commands of the
# language defaults, the fixed scripts) recur in thousands of jobs: remember them.
@functools.lru_cache(maxsize=8192)
def _groovy_str(value: str) -> GroovyCode:
    return GroovyCode(groovy_string(value))


@functools.lru_cache(maxsize=1024)
def _groovy_script_cached(value: str) -> GroovyCode:
    return GroovyCode(groovy_script(value))


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _groovy_script(value: Any) -> GroovyCode:
    """A shell script as a Groovy literal; a multi-line script as a triple-quoted block."""
    if not isinstance(value, str):
        raise RenderError(f"cannot render {type(value).__name__} as a script")
    return _groovy_script_cached(value)


def _groovy_ident(value: Any) -> GroovyCode:
    """A Groovy identifier (a variable or method name the spec validated)."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise RenderError(f"template bug: {value!r} is not an identifier")
    return GroovyCode(value)


def _shell(value: Any) -> ShellWord:
    return ShellWord(shell_word(str(value)))


def _yaml(value: Any) -> YamlText:
    if isinstance(value, bool):
        return YamlText("true" if value else "false")
    if isinstance(value, int):
        return YamlText(str(value))
    if not isinstance(value, str):
        raise RenderError(f"cannot render {type(value).__name__} as a YAML scalar")
    return YamlText(yaml_scalar(value))


def _casc_var(name: Any, default: str | None = None) -> YamlText:
    """A JCasC variable reference ``"${NAME}"`` (resolved by JCasC from the environment or
    a Docker secret), never a value."""
    try:
        return YamlText(casc_variable(str(name), default))
    except ValueError as e:
        raise RenderError(f"template bug: {e}") from e


def _xml(value: Any) -> Markup:
    return Markup(xml_text(str(value)))


@pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    if eval_ctx.autoescape:  # XML: escaped as markupsafe does, plus what XML 1.1 needs
        if isinstance(value, str) and xml_needs_refs(value):
            return Markup(xml_content(str(escape(value))))
        return value
    if type(value) is str:
        raise RenderError(
            f"template bug: a value reached a Groovy template unescaped ({value[:40]!r}); "
            "use the groovy filter"
        )
    return value


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith((".xml.j2", ".xml", ".html.j2")))


@functools.cache
def environment() -> Environment:
    """The shared environment (built once per process; templates are cached by jinja)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["groovy"] = _groovy
    env.filters["groovy_ident"] = _groovy_ident
    env.filters["groovy_script"] = _groovy_script
    env.filters["shell"] = _shell
    env.filters["xml"] = _xml
    env.filters["yaml"] = _yaml
    env.filters["casc_var"] = _casc_var
    return env
