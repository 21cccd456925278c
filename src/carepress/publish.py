"""Publish stage: the only code that writes into the output folder.

Every file is written to a temporary name beside its target and renamed over it, so a
reader never sees half a PDF and a failed build leaves the previous good file in place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

from carepress.files import write_atomic

MANIFEST = "manifest.json"
# A bundle is published under this name in place of a handout id (load refuses it as one).
BUNDLE = "bundle"


@dataclass(frozen=True)
class ManifestRecord:
    handout: str
    lang: str
    clinic: str
    layout: str
    path: str  # relative to the output folder, with forward slashes
    sha256: str
    pages: int
    bytes: int
    variant: str = ""  # "" for a plain layout; "reading-order" for an imposed layout's pages

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.clinic, self.lang, self.handout, self.layout, self.variant)


def leaflet_path(clinic: str, lang: str, handout: str, layout: str, variant: str = "") -> str:
    suffix = f"-{variant}" if variant else ""
    return f"{clinic}/{lang}/{handout}-{layout}{suffix}.pdf"


def publish_pdf(out: Path, handout: str, lang: str, clinic: str, layout: str, data: bytes,
                pages: int, variant: str = "") -> ManifestRecord:
    relative = leaflet_path(clinic, lang, handout, layout, variant)
    write_atomic(out / relative, data)
    return ManifestRecord(handout, lang, clinic, layout, relative,
                          hashlib.sha256(data).hexdigest(), pages, len(data), variant)


# What reading records back can raise: a missing or damaged file, or JSON of another shape.
BAD_RECORDS = (OSError, ValueError, KeyError, TypeError)


def records_from_json(items: Iterable[dict[str, object]]) -> list[ManifestRecord]:
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("`leaflets` is not a list of leaflet records")
    return [ManifestRecord(**item) for item in items]  # type: ignore[arg-type]


def records_to_json(records: Iterable[ManifestRecord]) -> list[dict[str, object]]:
    """As manifest.json lists them (no `variant` key for a plain leaflet)."""
    items = []
    for record in records:
        fields = asdict(record)
        if not record.variant:
            del fields["variant"]
        items.append(fields)
    return items


def load_manifest(path: Path) -> list[ManifestRecord]:
    """The records of a manifest file; raises one of BAD_RECORDS for anything else."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or "leaflets" not in document:
        raise ValueError("no `leaflets` list at its top")
    return records_from_json(document["leaflets"])


def read_manifest(out: Path) -> list[ManifestRecord]:
    """The previous build's records; an unreadable manifest counts as none."""
    try:
        return load_manifest(out / MANIFEST)
    except BAD_RECORDS:
        return []


def write_manifest(out: Path, built: Iterable[ManifestRecord],
                   keep: Callable[[ManifestRecord], bool] = lambda record: True,
                   previous: list[ManifestRecord] | None = None) -> list[ManifestRecord]:
    """Merge this build's records over the previous ones (read from ``out`` unless given)
    whose PDF is still on disk and that ``keep`` says still belong to the project's matrix."""
    earlier = read_manifest(out) if previous is None else previous
    records = {r.key: r for r in earlier if (out / r.path).is_file() and keep(r)}
    records.update({r.key: r for r in built})
    ordered = [records[key] for key in sorted(records)]
    write_atomic(out / MANIFEST, manifest_text(ordered).encode("utf-8"))
    return ordered


def merge_manifests(paths: Iterable[Path]) -> list[ManifestRecord]:
    """The records of several shards' manifests as one; a leaflet in two shards with
    different contents is an error."""
    from carepress.errors import CarepressError, Diagnostic, Origin

    merged: dict[tuple[str, ...], ManifestRecord] = {}
    problems = []
    for path in paths:
        try:
            records = load_manifest(path)
        except BAD_RECORDS as exc:
            problems.append(Diagnostic(Origin(path), f"not a carepress manifest: {exc}"))
            continue
        for record in records:
            other = merged.setdefault(record.key, record)
            if other.sha256 != record.sha256:
                problems.append(Diagnostic(Origin(path), f"`{record.path}` differs from another "
                                           "shard's copy; rebuild from one commit"))
    if problems:
        raise CarepressError(problems)
    return [merged[key] for key in sorted(merged)]


def manifest_text(records: Iterable[ManifestRecord]) -> str:
    return json.dumps({"leaflets": records_to_json(records)}, indent=2, ensure_ascii=False) + "\n"
