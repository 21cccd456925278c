"""Where a brand's font file is, found without ReportLab: the typesetter reads it, and the
build cache hashes it (a no-op rebuild must not import ReportLab)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def fc_match(family: str, bold: bool) -> Path | None:
    """The file of an installed font family (fontconfig), only if the family really matches:
    fc-match always answers with some fallback."""
    if not shutil.which("fc-match"):
        return None
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    result = subprocess.run(["fc-match", "--format=%{family}\n%{file}", pattern],
                            capture_output=True, text=True, check=False)
    found, _, file = result.stdout.partition("\n")
    names = {name.strip().lower() for name in found.split(",")}
    return Path(file) if result.returncode == 0 and family.strip().lower() in names else None


def font_file(value: str, folder: Path, bold: bool = False) -> Path | None:
    """The file a brand's font names: a path next to the brand file, or a family fontconfig
    knows (its bold style when ``bold``).  None for `package:MODULE` fonts (their package's
    version is in the build cache's key) and for a font that is not there."""
    if value.startswith("package:"):
        return None
    if value.lower().endswith((".ttf", ".otf", ".ttc")) or "/" in value:
        path = (folder / value).resolve()
        return path if path.is_file() else None
    return fc_match(value, bold)


def brand_faces(regular: str, bold: str | None) -> tuple[tuple[str, bool], tuple[str, bool]]:
    """The regular and bold faces a brand names, each with whether fontconfig should be asked
    for the bold style (when no bold face is named, the regular family's bold)."""
    return (regular, False), (bold or regular, bold is None)
