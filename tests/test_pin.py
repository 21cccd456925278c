"""`carepress pin` shows each changed passage, asks, and writes the accepted pins into
handouts without disturbing anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from carepress.cli import main
from carepress.load.sources import pin_of

from conftest import Run, edit

IUD = "handouts/iud-aftercare.yaml"
SOURCE = "handouts/sources/iud-bleeding-after-sex.txt"
LOCK = "handouts/sources/passages.lock"
CHECK = ("check", "--handout", "iud-aftercare", "--lang", "en")  # (the leaflets the pins are in)
# Paragraph 3 of the source, as it reads once `three to six` is written `3 to 6`.
BLEEDING_3_TO_6 = ("After you have your IUD inserted, you may experience heavy periods and breakthrough "
                   "bleeding for 3 to 6 months. This bleeding is usually heaviest in the hours and days "
                   "after insertion.")


def answer(project: Path, monkeypatch: pytest.MonkeyPatch, answers: str, *args: str,
           color: bool = False) -> Result:
    """`carepress pin ARGS` with someone at a terminal typing ``answers``."""
    monkeypatch.setattr("carepress.cli._stdin_is_terminal", lambda: True)
    return CliRunner().invoke(main, ["pin", "--project", str(project), *args], input=answers,
                              color=color, catch_exceptions=False)


def change_bleeding_months(project: Path) -> None:
    """Paragraph 3 (the pin at line 26 of the handout) says `3 to 6` for `three to six`."""
    edit(project / SOURCE, "for three to six months", "for 3 to 6 months")


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
    # (the passages are checked as each leaflet is resolved: its HTML twin's check finds them,
    # without laying out every PDF)
    assert run("check", "--format", "html").exit_code == 1  # unpinned passages are errors
    result = run("pin", "--yes", "iud-aftercare")
    assert result.exit_code == 0, result.output
    assert "not pinned yet; the passage reads:" in result.output
    pinned = path.read_text()
    assert "          pin: 3ec67da8\n          paragraph: 2" in pinned
    assert "passage: {pin: 07feeb3c, source: iud-bleeding-after-sex, paragraph: 1}  # flow style" in pinned
    assert run("check", "--handout", "iud-aftercare").exit_code == 0  # (the handout pinned, as printed)


def test_repin_replaces_only_the_stale_pin(project: Path, run: Run) -> None:
    change_bleeding_months(project)
    result = run("pin", "--yes")
    assert result.exit_code == 0
    assert f"pin: {pin_of(BLEEDING_3_TO_6)}" in (project / IUD).read_text()
    assert "df7a5e4c" not in (project / IUD).read_text()
    lock = (project / "handouts/sources/passages.lock").read_text()
    assert "for 3 to 6 months" in lock and "for three to six months" in lock


def test_pin_keeps_crlf_line_ends_and_writes_nothing_when_a_passage_fails(project: Path, run: Run) -> None:
    path = project / IUD
    path.write_bytes(path.read_bytes().replace(b"          pin: 3ec67da8\n", b"").replace(b"\n", b"\r\n"))
    result = run("pin", "--yes", "iud-aftercare")
    assert result.exit_code == 0, result.output
    pinned = path.read_bytes()
    assert b"          pin: 3ec67da8\r\n          paragraph: 2" in pinned and b"\n" not in pinned.replace(b"\r\n", b"")
    # A passage that cannot be found in another handout: no file is pinned halfway.
    path.write_bytes(pinned.replace(b"          pin: 3ec67da8\r\n", b""))
    before = path.read_bytes()
    edit(project / "handouts/miscarriage-aftercare.yaml", "source: ", "source: no-such-")
    result = run("pin", "--yes")
    assert result.exit_code == 1
    assert path.read_bytes() == before


def test_pin_shows_the_changed_words_and_no_keeps_the_old_pin(
        project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    change_bleeding_months(project)
    before = (project / IUD).read_text()
    result = answer(project, monkeypatch, "n\n")
    assert result.exit_code == 0, result.output
    # Where the passage is (its pin), where its text comes from, and only the words that changed.
    assert f"{IUD}:26:16: `iud-bleeding-after-sex` paragraph 3 (" in result.output
    assert f"{SOURCE}:5)" in result.output
    assert "pin df7a5e4c -> 63cfd280" in result.output
    assert "bleeding for [-three-]{+3+} to [-six-]{+6+} months." in result.output
    assert "Accept this change? [y/N]" in result.output
    assert "0 pin(s) written. 1 change(s) not accepted" in result.stderr
    assert (project / IUD).read_text() == before
    assert "3 to 6 months" not in (project / LOCK).read_text()
    check = run(*CHECK)
    assert check.exit_code == 1 and "pin df7a5e4c no longer matches" in check.stderr


def test_pin_yes_to_one_change_and_no_to_another_writes_only_the_accepted(
        project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    change_bleeding_months(project)
    edit(project / SOURCE, "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    result = answer(project, monkeypatch, "n\ny\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Accept this change? [y/N]") == 2
    # Document order: paragraph 2 (line 19) is asked first, declined; paragraph 3 accepted.
    assert result.output.index(f"{IUD}:19:16:") < result.output.index(f"{IUD}:26:16:")
    assert "[-most people.-]{+nearly everyone.+}" in result.output
    handout = (project / IUD).read_text()
    assert "pin: 3ec67da8" in handout and f"pin: {pin_of(BLEEDING_3_TO_6)}" in handout
    assert "df7a5e4c" not in handout
    assert BLEEDING_3_TO_6.split(". ")[0] in " ".join((project / LOCK).read_text().split())
    check = run(*CHECK)
    assert check.exit_code == 1
    assert "pin 3ec67da8 no longer matches" in check.stderr and "df7a5e4c" not in check.stderr
    assert answer(project, monkeypatch, "y\n").exit_code == 0
    assert run(*CHECK).exit_code == 0


def test_pin_colours_the_diff_on_a_terminal(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    change_bleeding_months(project)
    coloured = answer(project, monkeypatch, "n\n", color=True).output
    assert "\x1b[31m\x1b[1m[-three-]\x1b[0m\x1b[32m\x1b[1m{+3+}\x1b[0m" in coloured
    assert "\x1b[" not in answer(project, monkeypatch, "n\n").output  # (not a terminal: no colour)


def test_pin_yes_accepts_every_change_and_still_shows_it(project: Path, run: Run) -> None:
    change_bleeding_months(project)
    edit(project / SOURCE, "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    result = run("pin", "--yes")
    assert result.exit_code == 0, result.output
    assert "[-three-]{+3+}" in result.output and "[-most people.-]{+nearly everyone.+}" in result.output
    assert "Accept this change?" not in result.output
    assert "2 pin(s) written." in result.stderr
    assert run(*CHECK).exit_code == 0


def test_pin_without_a_terminal_accepts_nothing_and_says_how(project: Path, run: Run) -> None:
    change_bleeding_months(project)
    before = (project / IUD).read_text()
    result = run("pin", "iud-aftercare")  # (the test runner's input is no terminal, and empty)
    assert result.exit_code == 1
    assert "[-three-]{+3+}" in result.output  # shown, for a log to show what --yes would accept
    assert "Accept this change?" not in result.output and "Aborted" not in result.output
    assert "standard input is not a terminal" in result.stderr
    assert "run `carepress pin --yes --project " in result.stderr
    assert result.stderr.rstrip().endswith("iud-aftercare` to accept them all")
    assert (project / IUD).read_text() == before
    assert run(*CHECK).exit_code == 1


def test_pin_interrupted_at_a_question_writes_nothing(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    change_bleeding_months(project)
    edit(project / SOURCE, "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    before = (project / IUD).read_text()
    result = answer(project, monkeypatch, "y\n")  # then the input ends: click aborts
    assert result.exit_code == 1
    assert (project / IUD).read_text() == before


def test_a_changed_selector_is_reported_as_the_selector_not_the_source(
        project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first passage pins paragraph 2; its author now points it at paragraph 1.
    edit(project / IUD, "          paragraph: 2\n          starts: An IUD is a small",
         "          paragraph: 1\n          starts: IUDs generally")
    check = run(*CHECK)
    assert check.exit_code == 1
    (message,) = [line for line in check.stderr.splitlines() if "3ec67da8" in line]
    assert f"{IUD}:19:16: pin 3ec67da8 is `iud-bleeding-after-sex` paragraph 2, which is unchanged, " \
           "but the selector now picks paragraph 1: the selector changed; revert it to pick " \
           "paragraph 2, or run `carepress pin iud-aftercare.yaml` to pin paragraph 1" in message
    assert "source changed" not in check.stderr
    assert "    pinned (paragraph 2): An IUD is a small" in check.stderr
    assert "    picked (paragraph 1): IUDs generally do not cause" in check.stderr
    shown = answer(project, monkeypatch, "n\n").output
    assert "the selector changed: pin 3ec67da8 is paragraph 2, unchanged; the selector now picks " \
           "paragraph 1" in shown
    assert "[-An IUD is a small" in shown and "{+IUDs generally do not cause" in shown
    assert answer(project, monkeypatch, "y\n").exit_code == 0
    assert run(*CHECK).exit_code == 0


def test_a_paragraph_number_alone_may_also_have_moved_with_the_source(project: Path, run: Run) -> None:
    """`paragraph: N` picks another paragraph when the source gains one before it: the
    message says so too, and a source change at the pinned paragraph stays a source change."""
    edit(project / IUD, "          paragraph: 2\n          starts: An IUD is a small",
         "          paragraph: 3")
    stderr = run(*CHECK).stderr
    assert "the selector changed (or paragraphs were added or removed before it in the source)" in stderr
    edit(project / IUD, "          paragraph: 3", "          paragraph: 2")
    edit(project / SOURCE, "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    stderr = run(*CHECK).stderr
    assert "pin 3ec67da8 no longer matches `iud-bleeding-after-sex` paragraph 2: the source changed" in stderr
    assert "selector" not in stderr


@pytest.mark.parametrize("lock", ["deleted", "hashes only"])
def test_a_lock_without_the_pinned_text_still_works(project: Path, run: Run, lock: str) -> None:
    path = project / LOCK
    if lock == "deleted":
        path.unlink()
    else:  # every pin listed, none with its text
        path.write_text("".join(f"{line.split(':')[0]}:\n" for line in path.read_text().splitlines()
                                if line[:1].isalnum()))
    check = run(*CHECK)
    assert check.exit_code == 0 and "pin record" not in check.stderr  # (no "cannot be read")
    change_bleeding_months(project)
    check = run(*CHECK)
    assert "pin df7a5e4c no longer matches" in check.stderr and "was: (not recorded)" in check.stderr
    result = run("pin", "--yes")
    assert result.exit_code == 0, result.output
    assert "the old text is unknown (pin df7a5e4c is not recorded in passages.lock)" in result.output
    assert "bleeding for 3 to 6 months." in result.output and "[-" not in result.output
    assert run(*CHECK).exit_code == 0
    # The lock now holds the text of every pin, sorted, for the next change to show.
    written = path.read_text()
    assert "3 to 6" in " ".join(written.split()) and "3ec67da8: An IUD is a small" in written
    keys = [line.split(":")[0] for line in written.splitlines() if line[:1].isalnum()]
    assert keys == sorted(keys) and pin_of(BLEEDING_3_TO_6) in keys
