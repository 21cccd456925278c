"""`carepress pin` writes pins into handouts without disturbing anything else."""

from __future__ import annotations

from pathlib import Path

from carepress.load.sources import pin_of

from conftest import Run, edit

IUD = "handouts/iud-aftercare.yaml"


def test_pin_is_idempotent_on_shipped_content(project: Path, run: Run) -> None:
    before = (project / IUD).read_text()
    result = run("pin")
    assert result.exit_code == 0
    assert (project / IUD).read_text() == before


def test_missing_pins_are_added_in_block_and_flow_style(project: Path, run: Run) -> None:
    path = project / IUD
    text = path.read_text()
    text = text.replace("          pin: 3ec67da8\n", "")  # block mapping, first passage
    text = text.replace("""      - passage:
          source: iud-bleeding-after-sex
          pin: 07feeb3c
          paragraph: 1""", """      - passage: {source: iud-bleeding-after-sex, paragraph: 1}  # flow style""")
    path.write_text(text)
    assert run("check").exit_code == 1  # unpinned passages are errors
    result = run("pin", "iud-aftercare")
    assert result.exit_code == 0, result.output
    pinned = path.read_text()
    assert "          pin: 3ec67da8\n          paragraph: 2" in pinned
    assert "passage: {pin: 07feeb3c, source: iud-bleeding-after-sex, paragraph: 1}  # flow style" in pinned
    assert run("check").exit_code == 0


def test_repin_replaces_only_the_stale_pin(project: Path, run: Run) -> None:
    edit(project / "handouts/sources/iud-bleeding-after-sex.txt", "for three to six months",
         "for 3 to 6 months")
    result = run("pin")
    assert result.exit_code == 0
    new_text = ("After you have your IUD inserted, you may experience heavy periods and breakthrough "
                "bleeding for 3 to 6 months. This bleeding is usually heaviest in the hours and days "
                "after insertion.")
    assert f"pin: {pin_of(new_text)}" in (project / IUD).read_text()
    assert "df7a5e4c" not in (project / IUD).read_text()
    lock = (project / "handouts/sources/passages.lock").read_text()
    assert "for 3 to 6 months" in lock and "for three to six months" in lock


def test_pin_keeps_crlf_line_ends_and_writes_nothing_when_a_passage_fails(project: Path, run: Run) -> None:
    path = project / IUD
    path.write_bytes(path.read_bytes().replace(b"          pin: 3ec67da8\n", b"").replace(b"\n", b"\r\n"))
    result = run("pin", "iud-aftercare")
    assert result.exit_code == 0, result.output
    pinned = path.read_bytes()
    assert b"          pin: 3ec67da8\r\n          paragraph: 2" in pinned and b"\n" not in pinned.replace(b"\r\n", b"")
    # A passage that cannot be found in another handout: no file is pinned halfway.
    path.write_bytes(pinned.replace(b"          pin: 3ec67da8\r\n", b""))
    before = path.read_bytes()
    edit(project / "handouts/miscarriage-aftercare.yaml", "source: ", "source: no-such-")
    result = run("pin")
    assert result.exit_code == 1
    assert path.read_bytes() == before
