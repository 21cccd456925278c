"""Publish stage: the only code that writes into the output folder.

Every file is written to a temporary name beside its target and renamed over it, so a
reader never sees half a file and a failed build leaves the previous good file in place.

Interrupted builds (a cancelled CI job, SIGKILL at any moment) cannot make the manifest lie:
- A leaflet's cache entry (``OUT/.carepress/PATH.json``: its input key and its records) is
  removed before any of its files is replaced and written again only after all of them are
  renamed into place; an entry is trusted only while every file it names still has the
  sha256 it records.  So "unchanged" rests on what is on disk.
- The manifest is made anew by every build from records proven against the files (this
  build's, verified cache entries, or earlier records checked against their files), and
  rewritten whenever it differs from the one on disk.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from carepress.errors import Diagnostic, Origin
from carepress.files import write_atomic
from carepress.model import Artifact
from carepress.plan import BUNDLE, HTML, Job, output_path

MANIFEST = "manifest.json"
INDEX = "index.html"
CACHE_FOLDER = ".carepress"
__all__ = ["BUNDLE", "MANIFEST", "ManifestRecord", "publish_job", "write_manifest"]


@dataclass(frozen=True)
class ManifestRecord:
    handout: str
    lang: str
    clinic: str
    layout: str
    path: str  # relative to the output folder, with forward slashes
    sha256: str
    pages: int | None  # None for a file without pages (the HTML twin)
    bytes: int
    variant: str = ""  # "" for a plain layout; "reading-order" for an imposed layout's pages
    format: str = "pdf"
    draft: bool = False  # printed from a draft translation (its pages say so)

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        return (self.clinic, self.lang, self.handout, self.layout, self.variant, self.format)


def publish_file(out: Path, handout: str, lang: str, clinic: str, layout: str,
                 artifact: Artifact, variant: str = "", format: str = "pdf",
                 draft: bool = False) -> ManifestRecord:
    relative = output_path(clinic, lang, handout, layout, variant, format)
    write_atomic(out / relative, artifact.data)
    return ManifestRecord(handout, lang, clinic, layout, relative,
                          hashlib.sha256(artifact.data).hexdigest(), artifact.pages,
                          len(artifact.data), variant, format, draft)


def publish_job(out: Path, job: Job, key: str, outputs: Sequence[tuple[str, Artifact]],
                warnings: list[Diagnostic], draft: bool = False) -> list[ManifestRecord]:
    """Write one job's files (each output's variant and bytes: the job's own file, or one
    beside it such as an imposed layout's reading order), then its cache entry; the old
    entry goes first (see the module's docstring)."""
    forget(out, job.path)
    records = [publish_file(out, job.handout, job.lang, job.clinic, job.layout, artifact,
                            variant, job.format, draft) for variant, artifact in outputs]
    remember(out, job.path, key, records, warnings)
    return records


# ---- the build cache's entries ------------------------------------------------------------

# What reading records back can raise: a missing or damaged file, or JSON of another shape.
BAD_RECORDS = (OSError, ValueError, KeyError, TypeError)


def _entry_path(out: Path, job_path: str) -> Path:
    return out / CACHE_FOLDER / (job_path + ".json")


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def cached_records(out: Path, job_path: str, key: str
                   ) -> tuple[list[ManifestRecord], list[Diagnostic]] | None:
    """The records and warnings of a job built earlier from exactly these inputs, if every
    file it wrote is on disk as written (the same sha256)."""
    try:
        entry = json.loads(_entry_path(out, job_path).read_text(encoding="utf-8"))
        if entry["key"] != key:
            return None
        records = records_from_json(entry["records"])
        warnings = [Diagnostic(Origin(Path(w["path"]), w["line"], w["column"]), w["message"],
                               "warning", tuple(w["details"])) for w in entry["warnings"]]
    except BAD_RECORDS:
        return None
    if not all(file_sha256(out / record.path) == record.sha256 for record in records):
        return None
    return records, warnings


def forget(out: Path, job_path: str) -> None:
    """Remove a job's cache entry: its files are about to change."""
    try:
        _entry_path(out, job_path).unlink(missing_ok=True)
    except OSError:
        pass  # (a folder in the way: the next build finds no entry it can read)


def remember(out: Path, job_path: str, key: str, records: list[ManifestRecord],
             warnings: list[Diagnostic]) -> None:
    """Written after the job's files: an unchanged leaflet still reports what it warned of."""
    entry = {"key": key, "records": records_to_json(records),
             "warnings": [{"path": str(w.origin.path), "line": w.origin.line,
                           "column": w.origin.column, "message": w.message,
                           "details": list(w.details)} for w in warnings]}
    try:
        write_atomic(_entry_path(out, job_path), json.dumps(entry, sort_keys=True).encode("utf-8"))
    except OSError:  # (the files are written; without their entry they are only built again)
        pass


# ---- the manifest -------------------------------------------------------------------------


def records_from_json(items: Iterable[dict[str, object]]) -> list[ManifestRecord]:
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("`leaflets` is not a list of leaflet records")
    return [ManifestRecord(**item) for item in items]  # type: ignore[arg-type]


def records_to_json(records: Iterable[ManifestRecord]) -> list[dict[str, object]]:
    """As manifest.json lists them (no `variant` key for a plain leaflet, no `format` key
    for a PDF)."""
    items = []
    for record in records:
        fields = asdict(record)
        if not record.variant:
            del fields["variant"]
        if record.format == "pdf":
            del fields["format"]
        if not record.draft:  # (only a draft is marked)
            del fields["draft"]
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


def as_on_disk(out: Path, record: ManifestRecord) -> ManifestRecord | None:
    """An earlier record, made true of its file if the file changed since (an interrupted
    build may have replaced it); None when the file is gone."""
    path = out / record.path
    digest = file_sha256(path)
    if digest is None:
        return None
    if digest == record.sha256:
        return record
    data = path.read_bytes()
    pages = None
    if record.format != HTML:
        import io

        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            pages = len(PdfReader(io.BytesIO(data)).pages)
        except (PdfReadError, ValueError, OSError):
            return None  # not a PDF carepress wrote: leave it out
    return replace(record, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), pages=pages)


def write_manifest(out: Path, built: Iterable[ManifestRecord],
                   keep: Callable[[ManifestRecord], bool] = lambda record: True,
                   previous: list[ManifestRecord] | None = None) -> list[ManifestRecord]:
    """Merge this build's records over the previous ones (read from ``out`` unless given)
    whose file is still on disk and that ``keep`` says still belong to the project's matrix;
    the earlier ones are checked against their files.  Written only when it changed."""
    earlier = read_manifest(out) if previous is None else previous
    built = list(built)
    fresh = {r.key for r in built}
    records = {}
    for record in earlier:
        if record.key not in fresh and keep(record):
            checked = as_on_disk(out, record)
            if checked is not None:
                records[record.key] = checked
    records.update({r.key: r for r in built})
    ordered = [records[key] for key in sorted(records)]
    write_if_changed(out / MANIFEST, manifest_text(ordered).encode("utf-8"))
    return ordered


def write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)


def merge_manifests(paths: Iterable[Path]) -> list[ManifestRecord]:
    """The records of several shards' manifests as one; a leaflet in two shards with
    different contents is an error."""
    from carepress.errors import CarepressError

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


def write_index(out: Path, html: str) -> None:
    write_if_changed(out / INDEX, html.encode("utf-8"))
