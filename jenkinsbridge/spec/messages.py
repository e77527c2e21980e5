"""Messages for spec problems: pydantic's errors turned into "what is wrong; what is allowed".

:func:`convert` maps a :class:`pydantic.ValidationError` of a :class:`Job` to
``(path, message, at_key)`` triples; the loader places them in the file.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from jenkinsbridge.spec.checks import FieldProblem
from jenkinsbridge.spec.models import Job

__all__ = ["PathT", "convert", "describe", "format_path", "kind", "model_at", "suggestion", "unknown_key"]

PathT = tuple[str | int, ...]


def format_path(path: Iterable[str | int]) -> str:
    """``jobs[0].image.tags[1]``; keys that are not plain words are quoted."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and part.replace("_", "a").replace("-", "a").isalnum() and part.isascii():
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def kind(value: Any) -> str:
    """What a YAML value is, in words: "text ('abc')", "a number (3)", "a list"."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def unknown_key(key: Any, allowed: Sequence[str]) -> str:
    close = suggestion(key, allowed)
    if close:
        return f"unknown key {str(key)!r}; did you mean {close!r}?"
    return f"unknown key {str(key)!r}; allowed: {', '.join(allowed)}"


def suggestion(key: Any, allowed: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


def model_at(path: PathT) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``path`` inside a Job."""
    model: Any = Job
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                return _unwrap(arg)
    if origin in (list, tuple):
        return _unwrap(typing.get_args(tp)[0])
    if origin is dict:
        return _unwrap(typing.get_args(tp)[1])
    return tp


def describe(path: PathT) -> str:
    """What the field at ``path`` takes, for a "required field is missing" message."""
    model = model_at(path[:-1])
    if model is None or not isinstance(path[-1], str) or path[-1] not in model.model_fields:
        return "a value"
    field = model.model_fields[path[-1]]
    tp = _unwrap(field.annotation)
    if typing.get_origin(tp) is typing.Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        required = [k for k, f in tp.model_fields.items() if f.is_required()]
        return "a mapping with " + ", ".join(required) if required else "a mapping"
    return field.description or "text"


_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "bool_type": "true or false",
    "bool_parsing": "true or false", "float_type": "a number", "float_parsing": "a number",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def convert(err: ValidationError) -> list[tuple[PathT, str, bool]]:
    """(path inside the job, message, whether it points at the key) for each error."""
    out: list[tuple[PathT, str, bool]] = []
    unknown: dict[PathT, str] = {}  # parent path -> suggested field name
    for e in err.errors(include_url=False):
        loc: PathT = tuple(p for p in e["loc"] if p != "[key]")
        if e["type"] == "extra_forbidden":
            model = model_at(loc[:-1])
            allowed = list(model.model_fields) if model else []
            out.append((loc, unknown_key(loc[-1], allowed), True))
            hint = suggestion(loc[-1], allowed)
            if hint:
                unknown[loc[:-1]] = hint
            continue
        error = (e.get("ctx") or {}).get("error")
        if isinstance(error, FieldProblem):
            loc = (*loc, error.field)
        out.append((loc, _message(e, loc), False))
    # "required field is missing" next to a misspelling of it says the same thing twice
    return [(loc, msg, key) for loc, msg, key in out
            if not (msg.startswith("required field") and unknown.get(loc[:-1]) == loc[-1])]


def _message(e: Any, loc: PathT) -> str:
    kind_, value, ctx = e["type"], e.get("input"), e.get("ctx") or {}
    if kind_ == "missing":
        return f"required field is missing; add {loc[-1]!r} ({describe(loc)})"
    if kind_ in _TYPE_WORDS:
        msg = f"expected {_TYPE_WORDS[kind_]}, got {kind(value)}"
        if kind_ == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
            msg += f'; quote it: "{value}"'
        elif kind_ == "string_type" and isinstance(value, bool):
            msg += "; quote it if you mean the word"
        elif kind_ == "int_type" and isinstance(value, str) and value.strip().isdigit():
            msg += f"; remove the quotes: {value.strip()}"
        elif kind_ == "bool_type" and isinstance(value, str):
            msg += "; write true or false without quotes"
        return msg
    if kind_ == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        allowed = [a.strip().strip("'") for a in expected.split(",")]
        close = suggestion(value, allowed)
        hint = f"; did you mean {close!r}?" if close else ""
        return f"{value!r} is not allowed; allowed: {', '.join(allowed)}{hint}"
    if kind_ in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"{value!r} is too small; at {'least' if kind_.endswith('equal') else 'more than'} {bound}"
    if kind_ in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"{value!r} is too large; at most {bound}"
    if kind_ == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind_ == "string_pattern_mismatch":
        return f"{value!r} does not match the pattern {ctx.get('pattern')}"
    if kind_ in ("value_error", "assertion_error"):
        return str(ctx.get("error", e["msg"]))
    return str(e["msg"])
