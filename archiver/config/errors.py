"""Config problems: ConfigError for the caller, and the pydantic errors that become its lines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = ["ERROR_TYPE", "ConfigError", "error_details", "fail", "fail_at", "show"]

# The pydantic error type of messages written here, shown to the user as they are.
ERROR_TYPE = "archiver_config"


class ConfigError(Exception):
    """A config problem: names the file, the key path and what was expected.

    One exception may carry several problems (``errors``); ``key`` and ``message`` are the first.
    ``str(err)`` shows every problem as ``<path>: <key>: <message>``, one per line.
    """

    def __init__(
        self,
        path: str | Path,
        key: str,
        message: str,
        errors: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        problems = list(errors) if errors else [(key, message)]
        super().__init__(path, problems[0][0], problems[0][1], problems)
        self.path = Path(path)
        self.key, self.message = problems[0]
        self.errors: list[tuple[str, str]] = problems

    @classmethod
    def from_errors(cls, path: str | Path, errors: Sequence[tuple[str, str]]) -> ConfigError:
        """One exception carrying several ``(key, message)`` problems."""
        if not errors:
            raise ValueError("ConfigError needs at least one problem")
        return cls(path, errors[0][0], errors[0][1], errors)

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {key}: {message}" for key, message in self.errors)


def fail(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the user as is."""
    return PydanticCustomError(ERROR_TYPE, message)


def fail_at(loc: tuple[str | int, ...], message: str, value: Any) -> ValidationError:
    """A validation error at a key path below the validator's own location."""
    return ValidationError.from_exception_data(
        "SiteConfig", [InitErrorDetails(type=fail(message), loc=loc, input=value)]
    )


def error_details(err: ValidationError) -> list[InitErrorDetails]:
    """The errors of ``err``, ready to be raised again with others."""
    details = []
    for e in err.errors():
        kind = fail(e["msg"]) if e["type"] == ERROR_TYPE else e["type"]
        detail = InitErrorDetails(type=kind, loc=e["loc"], input=e["input"])
        if "ctx" in e and e["type"] != ERROR_TYPE:
            detail["ctx"] = e["ctx"]
        details.append(detail)
    return details


def show(value: Any) -> str:
    """A value as the user wrote it in YAML, shortened."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    text = value if isinstance(value, str) else str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text)
