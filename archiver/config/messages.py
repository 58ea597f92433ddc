"""Pydantic's validation errors in plain words: ``(key path, message)`` for each problem."""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from archiver.config.errors import ERROR_TYPE, show
from archiver.config.model import SiteConfig

__all__ = ["NO_KEY", "problems"]

# The key path of a problem with the config as a whole.
NO_KEY = "(top level)"


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> X; ``Annotated[X, ...]`` -> X."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is types.UnionType:
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _walk(loc: Sequence[str | int]) -> tuple[Any, FieldInfo | None]:
    """The type (and field) at ``loc`` in SiteConfig, or (None, None) where it cannot tell."""
    tp: Any = SiteConfig
    field: FieldInfo | None = None
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            if get_origin(tp) is not list:
                return None, None
            tp, field = get_args(tp)[0], None
        else:
            if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
                return None, None
            field = tp.model_fields.get(part)
            if field is None:
                return None, None
            tp = field.annotation
    return _unwrap(tp), field


_LOWER = (("ge", ">="), ("gt", ">"))
_UPPER = (("le", "<="), ("lt", "<"))


def _bound(field: FieldInfo | None, kind: str = "") -> str:
    """' >= 1' for a field constrained so; the upper bound for a value above it."""
    if field is None:
        return ""
    signs = _UPPER + _LOWER if kind in ("less_than_equal", "less_than") else _LOWER + _UPPER
    for attr, sign in signs:
        for meta in field.metadata:
            if getattr(meta, attr, None) is not None:
                return f" {sign} {getattr(meta, attr)}"
    return ""


def _range(field: FieldInfo | None) -> str:
    """' from 0 to 3600' for a field bounded on both sides, else its one bound."""
    low, high = _bound(field), _bound(field, "less_than_equal")
    if low.startswith(" >= ") and high.startswith(" <= "):
        return f" from {low[4:]} to {high[4:]}"
    return low


def _key_path(loc: Sequence[str | int]) -> str:
    """``crawl.recapture[1]`` for the loc ``("crawl", "recapture", 1)``."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or NO_KEY


def _message(error: Any) -> str:
    """One pydantic error in plain words."""
    kind: str = error["type"]
    loc: tuple[str | int, ...] = error["loc"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    got = f", got {show(value)}"
    if kind == ERROR_TYPE:
        return str(error["msg"])
    if kind == "missing":
        return "required key missing"
    if kind == "extra_forbidden":
        model, _ = _walk(loc[:-1])
        unknown = str(loc[-1])
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return f"unknown key {unknown!r}"
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(unknown, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key {unknown!r} ({hint}allowed: {', '.join(allowed)})"
    _, field = _walk(loc)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected an integer{_bound(field)}{got}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number{_bound(field)}{got}"
    if kind == "finite_number":
        return f"expected a finite number{_range(field)}{got}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        noun = "an integer" if _walk(loc)[0] is int else "a number"
        return f"expected {noun}{_bound(field, kind)}{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false{got}"
    if kind in ("string_type", "string_sub_type"):
        return f"expected a string{got}"
    if kind == "string_too_short":
        return f"expected a non-empty string{got}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list{got}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"expected a list of at least {least} item{'s' if least != 1 else ''}{got}"
    if kind == "too_long":
        most = ctx.get("max_length")
        return f"expected a list of at most {most} items, got {ctx.get('actual_length')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model, _ = _walk(loc)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return f"expected a mapping with keys {', '.join(model.model_fields)}{got}"
        return f"expected a mapping{got}"
    if kind == "literal_error":
        options = [repr(o) for o in get_args(_walk(loc)[0])]
        if field is not None and type(None) in get_args(field.annotation):
            options.append("null")
        return f"expected {', '.join(options[:-1])} or {options[-1]}{got}"
    msg = str(error.get("msg", kind))
    return msg[:1].lower() + msg[1:] + got


def problems(err: ValidationError) -> list[tuple[str, str]]:
    """Each error of ``err`` as ``(key path, message)``, the lines of a ConfigError."""
    return [(_key_path(e["loc"]), _message(e)) for e in err.errors()]
