"""YAML reading that remembers where every key and value stood in the file.

PyYAML's composed nodes carry marks; the plain constructors throw them away.  This loader
builds ``MarkedDict``/``MarkedList`` containers that keep the origin of each key and value
so that schema errors can name ``file:line:column``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from carepress.errors import CarepressError, Diagnostic, Origin


class MarkedDict(dict):  # type: ignore[type-arg]
    """A mapping with the origin of itself, of each key and of each value.  It keeps the
    parser's marks and makes an origin when one is asked for: most are never needed (a long
    translation has tens of thousands of keys and values, and a schema error names few)."""

    path: Path
    mark: Any  # the mapping's start mark
    marks: dict[Any, tuple[Any, Any]]  # key -> the start marks of the key and of its value

    @property
    def origin(self) -> Origin:
        return _at(self.path, self.mark)

    def origin_of(self, key: Any) -> Origin:
        marks = self.marks.get(key)
        return self.origin if marks is None else _at(self.path, marks[1])

    def key_origin(self, key: Any) -> Origin:
        marks = self.marks.get(key)
        return self.origin if marks is None else _at(self.path, marks[0])


class MarkedList(list):  # type: ignore[type-arg]
    """A sequence with the origin of itself and of each item."""

    path: Path
    mark: Any
    marks: list[Any]  # each item's start mark

    @property
    def origin(self) -> Origin:
        return _at(self.path, self.mark)

    @property
    def item_origins(self) -> list[Origin]:
        return [_at(self.path, mark) for mark in self.marks]

    def origin_of(self, index: int) -> Origin:
        return _at(self.path, self.marks[index]) if index < len(self.marks) else self.origin


def _at(path: Path, mark: Any) -> Origin:
    return Origin(path, mark.line + 1, mark.column + 1)


class _Problem(yaml.constructor.ConstructorError):
    """A problem with a value, said as it is (not as malformed YAML)."""


class SourceInt(int):
    """An integer as YAML read it, with the text the author wrote (`014`, `0x1F`, `12:30`)."""

    source: str


class SourceFloat(float):
    """A number as YAML read it, with the text the author wrote (`1.10`)."""

    source: str


# libyaml's parser when PyYAML was built with it: ten times faster, with the same marks.
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MarkedLoader(FAST_SAFE_LOADER):  # type: ignore[misc, valid-type]
    path: Path = Path("<string>")

    # The composer asks the resolver about every node (a long translation has 100,000):
    # a quoted scalar is always a string, and no path resolver is ever added, so those
    # questions are answered without the general machinery (the same tags).
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and not implicit[0]:
            return _STRING
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        if self.yaml_path_resolvers:  # pragma: no cover - carepress adds none
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:  # pragma: no cover
            super().ascend_resolver()


_STRING = "tag:yaml.org,2002:str"


def _construct(loader: _MarkedLoader, node: yaml.Node) -> Any:
    """A node's value; a string (most keys and values) taken as it is, without the
    constructor's look-ups (a long handout's translations have some 40,000)."""
    if node.tag == _STRING and type(node) is yaml.ScalarNode:
        return node.value
    return loader.construct_object(node, deep=True)


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.path, result.mark, result.marks = loader.path, node.start_mark, {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark
            )
        if key in result:
            raise _Problem(None, None, f"duplicate key `{key}`: YAML would silently keep "
                                "only the last one; remove or rename one of them", key_node.start_mark)
        result[key] = _construct(loader, value_node)
        result.marks[key] = (key_node.start_mark, value_node.start_mark)
    return result


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(_construct(loader, item) for item in node.value)
    result.path, result.mark = loader.path, node.start_mark
    result.marks = [item.start_mark for item in node.value]
    return result


def _number_constructor(kind: type[SourceInt] | type[SourceFloat], construct: Any, what: str) -> Any:
    """YAML's own number constructor, keeping the text the number was written as."""
    def construct_number(loader: _MarkedLoader, node: yaml.ScalarNode) -> SourceInt | SourceFloat:
        try:
            number = kind(construct(loader, node))
        except ValueError:  # (only with an explicit `!!int` or `!!float` tag)
            raise _Problem(None, None, f"`{node.value}` is not {what}", node.start_mark) from None
        number.source = node.value
        return number
    return construct_number


def _construct_date(loader: _MarkedLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, AttributeError):  # 2026-02-30, or `!!timestamp` on what is no date
        raise _Problem(None, None, f"`{node.value}` is not a date in the calendar; write "
                       "YYYY-MM-DD", node.start_mark) from None


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_MarkedLoader.add_constructor("tag:yaml.org,2002:int", _number_constructor(
    SourceInt, yaml.constructor.SafeConstructor.construct_yaml_int, "a whole number"))
_MarkedLoader.add_constructor("tag:yaml.org,2002:float", _number_constructor(
    SourceFloat, yaml.constructor.SafeConstructor.construct_yaml_float, "a number"))
_MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


def read_yaml(path: Path, text: str | None = None) -> MarkedDict:
    """Parse one YAML file whose top level must be a mapping.

    Raises CarepressError with the position PyYAML reports for malformed input.
    """
    if text is None:
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except OSError as exc:
            raise CarepressError([Diagnostic(Origin(path), f"cannot read file: {exc.strerror}")]) from None
        except UnicodeDecodeError as exc:
            before = data[:exc.start]
            line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
            raise CarepressError([Diagnostic(Origin(path, line, column), f"byte 0x{data[exc.start]:02X} "
                                  "is not UTF-8 text; save the file as UTF-8 (its editor's "
                                  "encoding setting)")]) from None
    loader = _MarkedLoader(text)
    loader.path = path
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        origin = Origin(path, mark.line + 1, mark.column + 1) if mark else Origin(path)
        if isinstance(exc, _Problem):
            raise CarepressError([Diagnostic(origin, str(exc.problem))]) from None
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise CarepressError(
            [Diagnostic(origin, f"malformed YAML: {problem} (check indentation and quoting)")]
        ) from None
    except yaml.YAMLError as exc:
        raise CarepressError([Diagnostic(Origin(path), f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, MarkedDict):
        raise CarepressError(
            [Diagnostic(Origin(path), "expected a mapping of `key: value` lines at the top level")]
        )
    return data
