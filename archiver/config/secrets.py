"""Secret config values: ``${VAR}`` taken from the environment, and Netscape cookies.txt files.

Header values, cookie values and the proxy URL of a site config may name environment variables
(``${LIBRARY_SESSION}``); they are expanded when the config is loaded and kept as pydantic
``SecretStr`` (shown as ``**********`` in reprs and dumps), so a secret never sits in the
config file and is not printed by accident. ``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, SecretStr, WithJsonSchema

from archiver.config.errors import fail, show

__all__ = [
    "CookieName",
    "FileCookie",
    "HeaderName",
    "SecretText",
    "expand_env",
    "read_cookies_file",
]

_VAR_RE = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_VAR_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# RFC 9110 token: header names and cookie names.
_TOKEN_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class UnsetVariable(ValueError):
    """A ``${VAR}`` names a variable the environment does not have (or a bad name)."""


def expand_env(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with each ``${VAR}`` replaced by the variable's value; ``$${`` -> ``${``."""
    env = os.environ if environ is None else environ

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name = match.group(1)
        if not _VAR_NAME_RE.fullmatch(name):
            raise UnsetVariable(
                f"expected ${{NAME}} with NAME of letters, digits and '_', got ${{{name}}}"
            )
        if name not in env:
            raise UnsetVariable(f"environment variable {name} is not set (named as ${{{name}}})")
        return env[name]

    return _VAR_RE.sub(one, text)


def _expand(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # the string check reports it
    try:
        return expand_env(value)
    except UnsetVariable as err:
        raise fail(str(err)) from None


def _one_line(value: SecretStr) -> SecretStr:
    if any(ch in value.get_secret_value() for ch in "\r\n\0"):
        raise fail("expected a value without line breaks or NUL characters")
    return value


def _check_token(value: str) -> str:
    if not _TOKEN_RE.fullmatch(value):
        raise fail(
            f"expected a name of letters, digits and !#$%&'*+.^_`|~- only, got {show(value)}"
        )
    return value


#: A header or cookie value: ``${VAR}`` expanded from the environment, kept secret.
SecretText = Annotated[
    SecretStr,
    BeforeValidator(_expand),
    AfterValidator(_one_line),
    WithJsonSchema({"type": "string", "writeOnly": True}),
]
#: A header or cookie name: an HTTP token.
HeaderName = Annotated[
    str,
    AfterValidator(_check_token),
    WithJsonSchema({"type": "string", "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"}),
]
CookieName = HeaderName


@dataclass(frozen=True)
class FileCookie:
    """One cookie of a cookies.txt file: sent to ``domain`` (and its subdomains unless
    ``host_only``) under ``path``, over https only when ``secure``."""

    name: str
    value: str = field(repr=False)
    domain: str
    host_only: bool
    path: str
    secure: bool


def read_cookies_file(path: Path) -> list[FileCookie]:
    """The unexpired cookies of a Netscape/Mozilla cookies.txt file (session cookies, whose
    expiry is 0 or empty, kept).

    Raises OSError (unreadable) or ValueError (not that format), with a message to show.
    """
    jar = http.cookiejar.MozillaCookieJar()
    try:
        with warnings.catch_warnings():  # cookiejar warns ("bug!") before its LoadError
            warnings.simplefilter("ignore")
            jar.load(str(path), ignore_discard=True, ignore_expires=True)
    except http.cookiejar.LoadError as err:
        raise ValueError(f"not a Netscape cookies.txt file: {err}") from None
    now = time.time()
    cookies = []
    for cookie in jar:
        if cookie.value is None or any(ch in cookie.value for ch in ";\r\n\0"):
            continue
        if cookie.expires and cookie.expires < now:  # 0 or none: a session cookie (curl)
            continue
        domain = cookie.domain.lower()
        cookies.append(
            FileCookie(
                name=cookie.name,
                value=cookie.value,
                domain=domain.lstrip("."),
                host_only=not (cookie.domain_specified or domain.startswith(".")),
                path=cookie.path or "/",
                secure=bool(cookie.secure),
            )
        )
    return cookies
