"""A handout's `support:` block prints the organisations each clinic's brand lists for that
need (clinic data, not clinical advice), as an information box; a clinic that lists none
gets a warning naming its brand file, and the leaflet prints no empty box."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from conftest import Run, edit, squash


def _text(pdf: Path) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(pdf).pages))


def test_each_clinic_signposts_its_own_organisations(project: Path, run: Run) -> None:
    result = run("build", "--lang", "en", "--handout", "miscarriage-aftercare", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    harbour = _text(project / "dist/harbour-health/en/miscarriage-aftercare-letter.pdf")
    riverside = _text(project / "dist/riverside-womens-health/en/miscarriage-aftercare-a4.pdf")
    assert squash("Where to find support") in harbour
    assert squash("Harbour Pregnancy Loss Support Group: (617) 555-0163") in harbour
    assert squash("Harbour Health Counseling Service: (617) 555-0171") in harbour
    assert squash("Riverside Pregnancy Loss Support: 0808 157 0341") in riverside
    assert "Harbour" not in riverside and "Riverside" not in harbour


def test_the_support_box_links_each_phone_number(project: Path, run: Run) -> None:
    run("build", "--lang", "en", "--clinic", "harbour-health", "--layout", "letter",
        "--handout", "miscarriage-aftercare", "--format", "pdf")
    reader = PdfReader(project / "dist/harbour-health/en/miscarriage-aftercare-letter.pdf")
    links = [annotation.get_object()["/A"]["/URI"] for page in reader.pages
             for annotation in page.get("/Annots", []) if "/A" in annotation.get_object()]
    assert "tel:6175550163" in links and "tel:6175550171" in links


def test_a_clinic_with_no_organisation_for_the_need_is_warned_and_prints_none(
        project: Path, run: Run) -> None:
    edit(project / "layouts/brands/northside-family-clinic.yaml", "for: [pregnancy-loss]", "for: [other-need]")
    result = run("build", "--lang", "en", "--clinic", "northside-family-clinic", "--layout", "letter",
                 "--handout", "miscarriage-aftercare", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    assert "warning: `northside-family-clinic` lists no support organisation for `pregnancy-loss`, so " \
           "its leaflet prints none: add one to `support` in northside-family-clinic.yaml, with " \
           "`for: [pregnancy-loss]`" in result.stderr
    text = _text(project / "dist/northside-family-clinic/en/miscarriage-aftercare-letter.pdf")
    assert squash("Where to find support") not in text


def test_a_bad_support_entry_is_a_located_error(project: Path, run: Run) -> None:
    edit(project / "layouts/brands/harbour-health.yaml", "    phone: (617) 555-0163",
         "    phone: (617) 555-0163\n    website: harbour.example")
    result = run("check")
    assert result.exit_code == 1
    assert "layouts/brands/harbour-health.yaml:" in result.stderr
    assert "`support[0].website`" in result.stderr and "https://" in result.stderr
