"""Reading site configs: YAML files (or parsed data) to a checked SiteConfig, or a ConfigError."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from archiver.config.errors import ConfigError, show
from archiver.config.messages import NO_KEY, problems
from archiver.config.model import SiteConfig
from archiver.config.secrets import read_cookies_file

__all__ = ["load_site_config", "parse_site_config"]

# The key path of a problem with the file itself (missing, unreadable, not YAML).
_FILE_KEY = "(file)"
# Mappings and lists nested deeper than this are refused before they are built (a real
# config needs 4 levels; PyYAML and pydantic recurse, and 100,000 levels overflow the stack).
MAX_DEPTH = 32


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:
                continue  # unhashable key: the base class reports it
            if first is not key_node.start_mark:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"found duplicate key {key!r} (first at line {first.line + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _yaml_message(err: yaml.YAMLError) -> str:
    """A YAML syntax error with its line and column counted from 1."""
    if not isinstance(err, yaml.MarkedYAMLError) or err.problem_mark is None:
        return f"invalid YAML: {err}"
    mark = err.problem_mark
    message = f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {err.problem}"
    if err.context:
        where = err.context_mark
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        if where is None or where.line != mark.line or where.column != mark.column:
            message += f" ({err.context}{at})"
    return message


class _TooDeep(Exception):
    """The YAML nests deeper than MAX_DEPTH; ``key`` is where the limit was crossed."""

    def __init__(self, key: str, mark: Any) -> None:
        super().__init__(key, mark)
        self.key, self.mark = key, mark


def _check_depth(text: str) -> None:
    """Walk the YAML events (no recursion) and raise _TooDeep past MAX_DEPTH levels."""
    # One entry per open mapping or list: [is_mapping, next is a key, current key/index].
    stack: list[list[Any]] = []

    def done_node(event: yaml.Event) -> None:
        if not stack:
            return
        top = stack[-1]
        if not top[0]:
            top[2] += 1
        elif top[1]:
            top[1], top[2] = False, event.value if isinstance(event, yaml.ScalarEvent) else "?"
        else:
            top[1] = True

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _TooDeep(_stack_key(stack), event.start_mark)
            stack.append([isinstance(event, yaml.MappingStartEvent), True, 0])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
            done_node(event)
        elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            done_node(event)


def _stack_key(stack: list[list[Any]], shown: int = 6) -> str:
    """The key path of the open mappings and lists, ``articles.allow[0]``-style (shortened)."""
    if not stack or not stack[0][0]:
        return NO_KEY  # the top level is not a mapping
    key = ""
    for is_mapping, _, name in stack[:shown]:
        key += (f".{name}" if key else str(name)) if is_mapping else f"[{name}]"
    return key + ("..." if len(stack) > shown else "")


def parse_site_config(data: Any, path: str | Path = "<config>") -> SiteConfig:
    """Validate already-parsed config data; raise ConfigError naming ``path`` and each key."""
    if not isinstance(data, dict):
        raise ConfigError(path, NO_KEY, f"expected a mapping of config keys, got {show(data)}")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError.from_errors(path, problems(err)) from None


def load_site_config(path: str | Path) -> SiteConfig:
    """Load and validate a site config YAML file; raise ConfigError for any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, _FILE_KEY, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(path, _FILE_KEY, "is a directory, expected a YAML file") from None
    except OSError as err:
        raise ConfigError(path, _FILE_KEY, f"cannot read: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(
            path, _FILE_KEY, f"expected UTF-8 text, got an invalid byte at offset {err.start}"
        ) from None
    try:
        _check_depth(text)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        raise ConfigError(path, _FILE_KEY, _yaml_message(err)) from None
    except _TooDeep as err:
        raise ConfigError(
            path,
            err.key,
            f"mappings and lists nested more than {MAX_DEPTH} levels deep "
            f"(at line {err.mark.line + 1}, column {err.mark.column + 1})",
        ) from None
    if data is None:
        raise ConfigError(
            path,
            _FILE_KEY,
            "the file is empty, expected a mapping of config keys "
            "(at least site, name, allowed_domains, articles)",
        )
    config = parse_site_config(data, path)
    missing = [
        (f"requisites.block_lists[{i}]", f"file not found: {(path.parent / name)}")
        for i, name in enumerate(config.requisites.block_lists)
        if not (path.parent / name).is_file()
    ]
    if config.request.cookies_file is not None:
        cookies_file = path.parent / config.request.cookies_file
        try:
            read_cookies_file(cookies_file)
        except (OSError, ValueError) as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            missing.append(("request.cookies_file", f"cannot read {cookies_file}: {reason}"))
    if missing:
        raise ConfigError.from_errors(path, missing)
    config.record_source(path, hashlib.sha256(raw).hexdigest())
    return config
