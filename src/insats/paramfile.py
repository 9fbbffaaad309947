"""Reading a parameters file defensively: size, text, nesting, duplicates, paths.

A parameters file is flat YAML with literals (see :mod:`insats.params`). Anything else
— binary content, NUL bytes, deep nesting, anchors and aliases, tags, the same key
twice — is refused with a message naming the file (and both lines of a duplicate),
never a traceback. Input paths must resolve (symbolic links followed) inside the
parameters file's folder tree or an explicit ``data_root``, and be regular files of
the kind expected, so ``narrative_path: /etc/passwd`` cannot publish a system file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from insats.errors import InsatsError

#: A parameters file is a page of keys; a megabyte is far beyond any real one.
MAX_PARAMETERS_BYTES = 1_000_000
#: Parameters are flat; ``funder_shares`` is one level below the top.
MAX_NESTING = 4

#: Suffixes accepted per path key (lower case). The key file is checked elsewhere.
EXPECTED_SUFFIXES: dict[str, tuple[str, ...]] = {
    "participants_path": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"),
    "finance_path": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"),
    "funnel_path": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"),
    "narrative_path": (".md", ".markdown", ".txt"),
    "unit_costs_path": (".csv",),
    "price_index_path": (".csv",),
    "activities_path": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"),
    "product_goals_path": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"),
}


class ParameterFileError(InsatsError, ValueError):
    """The parameters file cannot be read as flat YAML; the message says why."""

    exit_code = 2  # the command was asked wrongly (see insats.errors)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            first = seen.get(key)
        except TypeError:
            first = None  # unhashable keys fail in the base constructor with a message
        if first is not None:
            raise ParameterFileError(
                f"the key {key!r} is given twice (lines {first} and {line}); keep one"
            )
        try:
            seen[key] = line
        except TypeError:
            pass
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_parameters_file(path: Path) -> Any:
    """Parse a parameters file after checking size, text and structure.

    Raises:
        FileNotFoundError: the file does not exist.
        ParameterFileError: with the reason (no file name: the caller adds it).
    """
    if not path.exists():
        raise FileNotFoundError(path)
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ParameterFileError("not a regular file")
    if info.st_size > MAX_PARAMETERS_BYTES:
        raise ParameterFileError(
            f"{info.st_size} bytes; a parameters file may have at most {MAX_PARAMETERS_BYTES} bytes"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ParameterFileError("binary content (NUL bytes): not a YAML text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterFileError(
            f"not UTF-8 text (byte {exc.start}): save the file as UTF-8"
        ) from None
    bad = [c for c in text if ord(c) < 32 and c not in "\t\n\r"]
    if bad:
        raise ParameterFileError(
            f"control character U+{ord(bad[0]):04X} in the text: not a YAML text file"
        )
    _check_events(text)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ParameterFileError(f"nested deeper than {MAX_NESTING} levels") from None


def _check_events(text: str) -> None:
    """Nesting, anchors, aliases and tags, from the parser's events (no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise ParameterFileError(
                    f"line {line}: anchors and aliases (&, *) are not used in parameters; "
                    "write each value out"
                )
            tag = getattr(event, "tag", None)
            if tag and not getattr(event, "implicit", (True,))[0] and tag != "!":
                if tag.startswith("tag:yaml.org,2002:") and tag.endswith(
                    ("str", "int", "float", "bool", "null", "map", "seq")
                ):
                    pass
                else:
                    line = event.start_mark.line + 1
                    raise ParameterFileError(
                        f"line {line}: the tag {tag!r} is not allowed; parameters are "
                        "plain text, numbers, true/false and lists"
                    )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    line = event.start_mark.line + 1
                    raise ParameterFileError(
                        f"line {line}: nested deeper than {MAX_NESTING} levels; parameters "
                        "are flat keys with values"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # the loader reports syntax errors with their position


def check_input_paths(raw: dict[str, Any], base: Path, data_root: Path | None) -> list[str]:
    """Problems of the input paths: outside the allowed folders, or not a file of the kind.

    Args:
        raw: parameters with absolute paths.
        base: the parameters file's folder (resolved).
        data_root: an explicit folder for data (resolved), or ``None``.

    Returns:
        One line per problem ("key: reason"); no file content is ever quoted.
    """
    roots = [base] + ([data_root] if data_root is not None else [])
    shown = " or ".join(str(r.name or r) for r in roots)
    problems = []
    for key, suffixes in EXPECTED_SUFFIXES.items():
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            continue
        resolved = Path(os.path.realpath(value))
        if not any(resolved == r or r in resolved.parents for r in roots):
            problems.append(
                f"{key}: {Path(value).name!r} is outside the parameters file's folder"
                f"{' and data_root' if data_root else ''} ({shown}); move the file there or "
                "set data_root to the folder that holds the data"
            )
            continue
        if resolved.suffix.lower() not in suffixes:
            problems.append(f"{key}: {resolved.name!r} is not a {' / '.join(suffixes)} file")
            continue
        if resolved.exists() and not resolved.is_file():
            problems.append(f"{key}: {resolved.name!r} is not a regular file")
    return problems
