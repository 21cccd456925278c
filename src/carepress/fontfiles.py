"""Where a brand's font file is and its bytes, found without ReportLab: resolve reads it for
the leaflet, and the build cache hashes it (a no-op rebuild must not import ReportLab)."""

from __future__ import annotations

import functools
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


def is_font_path(value: str) -> bool:
    """Whether a brand's font names a file (else a family name, or `package:MODULE`)."""
    return not value.startswith("package:") and (value.lower().endswith((".ttf", ".otf", ".ttc"))
                                                  or "/" in value)


def font_file(value: str, folder: Path, bold: bool = False) -> Path | None:
    """The file a brand's font names: a path next to the brand file, or a family fontconfig
    knows (its bold style when ``bold``).  None for `package:MODULE` fonts (their package's
    version is in the build cache's key) and for a font that is not there."""
    if value.startswith("package:"):
        return None
    if is_font_path(value):
        path = (folder / value).resolve()
        return path if path.is_file() else None
    return fc_match(value, bold)


def brand_faces(regular: str, bold: str | None) -> tuple[tuple[str, bool], tuple[str, bool]]:
    """The regular and bold faces a brand names, each with whether fontconfig should be asked
    for the bold style (when no bold face is named, the regular family's bold)."""
    return (regular, False), (bold or regular, bold is None)


def package_font_bytes(module_name: str) -> bytes | None:
    """A font from a Python module: its `fontbuffer` or the file at its `FONT_PATH`; None
    when there is no such module.  pymupdf-fonts keeps each face LZMA-compressed in a module
    (30 ms to unpack), so unpacked faces are kept in the user cache under a hash of the module."""
    import importlib

    from carepress.usercache import module_key, read_cached, store_cached

    key = module_key(module_name)
    if key is None:
        return None
    name = f"{module_name}-{key}.ttf"
    cached = read_cached("fonts", name)
    if cached is not None:
        return cached
    module = importlib.import_module(module_name)
    if hasattr(module, "fontbuffer"):
        data = bytes(module.fontbuffer)
        store_cached("fonts", name, data)
        return data
    if not hasattr(module, "FONT_PATH"):  # a package of fonts, or no font module at all
        return None
    return Path(str(module.FONT_PATH)).read_bytes()  # a plain file already: nothing to keep


@functools.cache
def font_bytes(value: str, folder: Path, bold: bool = False) -> tuple[bytes, str] | None:
    """The font a brand names, and a short description: `package:MODULE` (a Python module
    with `fontbuffer` or `FONT_PATH`), a path next to the brand, or a system family.  Read
    once per process: a build sets many leaflets in one typeface."""
    if value.startswith("package:"):
        data = package_font_bytes(value.removeprefix("package:"))
        return None if data is None else (data, value)
    path = font_file(value, folder, bold)
    return (path.read_bytes(), path.name) if path else None
