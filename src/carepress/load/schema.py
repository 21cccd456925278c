"""Typed option objects for the YAML schema, in the manner of MkDocs' config options.

Each kind validates one value and returns the typed result, or records a Diagnostic and
returns ``INVALID``.  Validation never stops at the first problem: a whole file is checked
and every problem reported with its ``file:line:column`` and key path.

Each kind also says what it accepts as JSON Schema (``json_schema``), so that editors can
check a file as it is typed (`carepress schema`): the schema is made from these objects,
never written by hand, so a key added here is in it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Generic, Mapping as TMapping, TypeVar

from carepress.errors import CarepressError, Diagnostics, Origin, did_you_mean
from carepress.load.yamlmarks import MarkedDict, MarkedList, read_yaml

T = TypeVar("T")
JsonSchema = dict[str, Any]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()

_TYPE_NAMES = {
    str: "text", int: "a whole number", float: "a number", bool: "true or false",
    dt.date: "a date (YYYY-MM-DD)", MarkedDict: "a mapping of `key: value` lines",
    MarkedList: "a list of `- item` lines", type(None): "nothing",
}


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dt.datetime):
        return "a date and time"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


@dataclass
class Context:
    """What a kind needs to report a problem: the collector, the key path, the origin."""

    diagnostics: Diagnostics
    path: str
    origin: Origin

    def fail(self, message: str) -> Any:
        where = f"`{self.path}`: " if self.path else ""
        self.diagnostics.error(self.origin, where + message)
        return INVALID

    def child(self, key: str | int, origin: Origin) -> "Context":
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if self.path else key)
        return Context(self.diagnostics, self.path + step, origin)


class Kind(Generic[T]):
    """Validates one YAML value into T."""

    def validate(self, value: Any, ctx: Context) -> T:
        raise NotImplementedError

    def json_schema(self) -> JsonSchema:
        """The values this kind accepts as JSON Schema (draft 2020-12, in the keywords draft 7
        shares: what YAML editors implement).  It accepts all that ``validate`` accepts and
        rejects what its keywords can say; checks made in code (a passage's text, colour
        contrast) stay the loader's.  A kind that says nothing accepts anything."""
        return {}


class Text(Kind[str]):
    def __init__(self, *, allow_empty: bool = False, pattern: str | None = None,
                 pattern_hint: str = "") -> None:
        self.allow_empty = allow_empty
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_hint = pattern_hint

    def validate(self, value: Any, ctx: Context) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # `version: 1.10` and `code: 014` mean the text the author wrote, not 1.1 and 12
            value = getattr(value, "source", None) or str(value)
        if isinstance(value, bool):  # `Yes`, `No`, `on`, `off` unquoted
            return ctx.fail(f"expected text, got {describe(value)}: YAML reads yes/no, true/false "
                            "and on/off as such; put the text in quotes")
        if not isinstance(value, str):
            return ctx.fail(f"expected text, got {describe(value)}")
        if not value.strip() and not self.allow_empty:
            return ctx.fail("must not be empty")
        if self.pattern and not self.pattern.fullmatch(value):
            return ctx.fail(f"`{value}` is not valid: {self.pattern_hint}")
        return value

    def json_schema(self) -> JsonSchema:
        # A number is taken as the text written (`version: 1.10`); a pattern tests strings only.
        schema: JsonSchema = {"type": ["string", "number"]}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern.pattern})$"
            schema["description"] = self.pattern_hint
        elif not self.allow_empty:
            schema["pattern"] = r"\S"  # (not blank: a JSON Schema pattern may match anywhere)
        return schema



ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
LANG_PATTERN = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"


def identifier(hint: str) -> Text:
    """An id of a handout, source or clinic: lower-case words joined by `-`."""
    return Text(pattern=ID_PATTERN, pattern_hint=hint)


def language_tag(example: str) -> Text:
    return Text(pattern=LANG_PATTERN, pattern_hint=f"a BCP 47 tag such as `{example}`")


def text_hash(who_writes_it: str) -> Text:
    """A passage's pin, or the hash of the English a translation unit translates."""
    return Text(pattern=r"[0-9a-f]{8}", pattern_hint=f"8 hex digits; {who_writes_it} writes it")


class Integer(Kind[int]):
    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def validate(self, value: Any, ctx: Context) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            return ctx.fail(f"expected a whole number, got {describe(value)}")
        if self.minimum is not None and value < self.minimum:
            return ctx.fail(f"must be at least {self.minimum}, got {value}")
        if self.maximum is not None and value > self.maximum:
            return ctx.fail(f"must be at most {self.maximum}, got {value}")
        return value

    def json_schema(self) -> JsonSchema:
        return _bounded({"type": "integer"}, self.minimum, self.maximum)


class Number(Kind[float]):
    def __init__(self, minimum: float | None = None) -> None:
        self.minimum = minimum

    def validate(self, value: Any, ctx: Context) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return ctx.fail(f"expected a number, got {describe(value)}")
        if not math.isfinite(value):  # (YAML's .nan and .inf are numbers too)
            return ctx.fail(f"expected a number, got `{getattr(value, 'source', value)}`")
        if self.minimum is not None and value < self.minimum:
            return ctx.fail(f"must be at least {self.minimum}, got {value}")
        return float(value)

    def json_schema(self) -> JsonSchema:
        return _bounded({"type": "number"}, self.minimum, None)


def _bounded(schema: JsonSchema, minimum: float | None, maximum: float | None) -> JsonSchema:
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


class Boolean(Kind[bool]):
    def validate(self, value: Any, ctx: Context) -> bool:
        if not isinstance(value, bool):
            return ctx.fail(f"expected true or false, got {describe(value)}")
        return value

    def json_schema(self) -> JsonSchema:
        return {"type": "boolean"}


class Date(Kind[dt.date]):
    def validate(self, value: Any, ctx: Context) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return ctx.fail(f"expected a date written YYYY-MM-DD, got {describe(value)}")
        return value

    def json_schema(self) -> JsonSchema:
        # (YAML 1.2, which editors read, has no date type: `2026-11-20` is a string there)
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                "description": "a date written YYYY-MM-DD"}


class Choice(Kind[str]):
    def __init__(self, *choices: str) -> None:
        self.choices = choices

    def validate(self, value: Any, ctx: Context) -> str:
        if value not in self.choices:
            options = ", ".join(f"`{c}`" for c in self.choices)
            hint = did_you_mean(str(value), self.choices) if isinstance(value, str) else ""
            return ctx.fail(f"`{value}` is not one of {options}{hint}")
        return str(value)

    def json_schema(self) -> JsonSchema:
        return {"enum": list(self.choices)}


_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
_DIMENSION = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)\s*")


def parse_dimension(text: str) -> float | None:
    """`15mm`, `0.5in`, `1cm`, `12pt` in points; None for anything else."""
    match = _DIMENSION.fullmatch(text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


class Dimension(Kind[float]):
    """A length written `12mm`, `0.5in`, `1cm` or `10pt`; returned in points."""

    def validate(self, value: Any, ctx: Context) -> float:
        points = parse_dimension(value) if isinstance(value, str) else None
        if points is None:
            return ctx.fail(f"expected a length such as `15mm`, `0.5in` or `12pt`, got `{value}`")
        return points

    def json_schema(self) -> JsonSchema:
        return {"type": "string", "pattern": f"^{_DIMENSION.pattern}$",
                "description": "a length such as `15mm`, `0.5in`, `1cm` or `12pt`"}


_COLOUR = r"#[0-9A-Fa-f]{6}"


class Colour(Kind[str]):
    """A colour written `#RRGGBB`; returned upper-case."""

    def validate(self, value: Any, ctx: Context) -> str:
        if not isinstance(value, str) or not re.fullmatch(_COLOUR, value):
            return ctx.fail(f"expected a colour written `#RRGGBB` (quote it in YAML), got `{value}`")
        return value.upper()

    def json_schema(self) -> JsonSchema:
        return {"type": "string", "pattern": f"^{_COLOUR}$",
                "description": "a colour written `#RRGGBB`, in quotes"}


class ListOf(Kind[tuple[T, ...]]):
    def __init__(self, item: Kind[T], *, min_items: int = 0) -> None:
        self.item, self.min_items = item, min_items

    def validate(self, value: Any, ctx: Context) -> tuple[T, ...]:
        if not isinstance(value, MarkedList):
            return ctx.fail(f"expected a list of `- item` lines, got {describe(value)}")
        if len(value) < self.min_items:
            return ctx.fail(f"needs at least {self.min_items} item(s)")
        items = [self.item.validate(v, ctx.child(i, value.origin_of(i))) for i, v in enumerate(value)]
        if any(item is INVALID for item in items):
            return INVALID
        return tuple(items)

    def json_schema(self) -> JsonSchema:
        schema: JsonSchema = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return schema


@dataclass(frozen=True)
class Field:
    kind: Kind[Any]
    required: bool = True
    default: Any = None
    doc: str = ""


class Record(Kind[T]):
    """A mapping with known keys; ``build(values, origin)`` makes the model object."""

    def __init__(self, fields: TMapping[str, Field], build: Callable[[dict[str, Any], Origin], T]):
        self.fields, self.build = fields, build

    def validate(self, value: Any, ctx: Context) -> T:
        if not isinstance(value, MarkedDict):
            return ctx.fail(f"expected a mapping of `key: value` lines, got {describe(value)}")
        values: dict[str, Any] = {}
        ok = True
        for key in value:
            if key not in self.fields:
                ok = False
                hint = did_you_mean(str(key), self.fields)
                allowed = ", ".join(f"`{k}`" for k in self.fields)
                where = f"in `{ctx.path}`" if ctx.path else "here"
                ctx.diagnostics.error(value.key_origin(key),
                                      f"unknown key `{key}` {where}{hint or f' (allowed: {allowed})'}")
        for name, spec in self.fields.items():
            if name not in value or value[name] is None:
                if spec.required and name in value:  # `key:` with nothing after it
                    ok = False
                    hint = (" (a `#` starts a comment in YAML: write a colour in quotes, "
                            "\"#7A1F3D\")" if isinstance(spec.kind, Colour) else "")
                    ctx.child(name, value.origin_of(name)).fail(f"`{name}` is empty; give it a value{hint}")
                elif spec.required:
                    ok = False
                    doc = f" ({spec.doc})" if spec.doc else ""
                    ctx.child(name, value.origin).fail(f"missing required key `{name}`{doc}")
                values[name] = spec.default
                continue
            result = spec.kind.validate(value[name], ctx.child(name, value.origin_of(name)))
            ok = ok and result is not INVALID
            values[name] = result
        return self.build(values, value.origin) if ok else INVALID

    def json_schema(self) -> JsonSchema:
        """Every field a property (its ``doc`` the description), the required ones
        required, and no other key."""
        properties = {}
        for name, spec in self.fields.items():
            field_schema = spec.kind.json_schema()
            properties[name] = {**field_schema, "description": spec.doc} if spec.doc else field_schema
        schema: JsonSchema = {"type": "object", "properties": properties}
        required = [name for name, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema


class Tagged(Kind[T]):
    """A mapping with exactly one key that names the variant: `- callout: {...}`."""

    def __init__(self, variants: TMapping[str, Kind[Any]], what: str) -> None:
        self.variants, self.what = variants, what

    def validate(self, value: Any, ctx: Context) -> T:
        names = ", ".join(f"`{k}`" for k in self.variants)
        if not isinstance(value, MarkedDict) or len(value) != 1:
            return ctx.fail(f"a {self.what} is a mapping with one key naming its type ({names})")
        (tag,) = value.keys()
        if tag not in self.variants:
            hint = did_you_mean(str(tag), self.variants)
            ctx.diagnostics.error(value.key_origin(tag),
                                  f"`{ctx.path}`: unknown {self.what} type `{tag}`{hint or f' (one of {names})'}")
            return INVALID
        return self.variants[tag].validate(value[tag], ctx.child(tag, value.origin_of(tag)))

    def json_schema(self) -> JsonSchema:
        # One key, any of the variants' (an editor offers them all as it would a record's).
        return {"type": "object", "description": f"a {self.what}: one key naming its type",
                "properties": {tag: kind.json_schema() for tag, kind in self.variants.items()},
                "additionalProperties": False, "minProperties": 1, "maxProperties": 1}


class Located(Kind[T]):
    """Passes the value's origin to ``build`` for kinds that are not mappings."""

    def __init__(self, inner: Kind[Any], build: Callable[[Any, Origin], T]) -> None:
        self.inner, self.build = inner, build

    def validate(self, value: Any, ctx: Context) -> T:
        result = self.inner.validate(value, ctx)
        return INVALID if result is INVALID else self.build(result, ctx.origin)

    def json_schema(self) -> JsonSchema:
        return self.inner.json_schema()


def validate_document(data: MarkedDict, kind: Kind[T], diagnostics: Diagnostics) -> T:
    return kind.validate(data, Context(diagnostics, "", data.origin))


def read_document(path: Path, kind: Kind[T], diagnostics: Diagnostics) -> tuple[MarkedDict, T] | None:
    """Read one YAML file and validate it; None (with diagnostics recorded) if either fails."""
    try:
        data = read_yaml(path)
    except CarepressError as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    value = validate_document(data, kind, diagnostics)
    return None if value is INVALID else (data, value)


def load_folder(folder: Path, load_one: Callable[[Path, Diagnostics], T | None],
                diagnostics: Diagnostics, pattern: str = "*",
                key: Callable[[Path, T], Any] = lambda path, value: path.stem) -> dict[Any, T]:
    """Every ``PATTERN.yaml`` in ``folder`` loaded by ``load_one``, in name order, keyed by
    file stem (or by ``key``)."""
    for path in sorted(folder.glob(f"{pattern}.yml")):  # read by nothing: lost without a word
        diagnostics.error(Origin(path), f"carepress reads `.yaml` files only; rename this file "
                          f"to `{path.stem}.yaml`")
    loaded: dict[Any, T] = {}
    for path in sorted(folder.glob(f"{pattern}.yaml")):
        value = load_one(path, diagnostics)
        if value is not None:
            loaded[key(path, value)] = value
    return loaded
