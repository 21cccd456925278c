"""Profiles: kinds of leaflet, each with the parts a patient-information review expects of
it.  A handout names its profile (`profile: discharge`); `check` says which parts it has
and which are missing (content.py), the missing ones as warnings (errors with --strict).

A part is found in the English leaflet as resolved for each clinic, so it checks what the
patient will read: the urgent box names that clinic's numbers, the sources their publisher.
"""

from __future__ import annotations

# What each profile requires, by part: each part is checked by content.py (`PART_CHECKS`).
PROFILES: dict[str, tuple[str, ...]] = {
    # A leaflet handed over when a patient goes home after a procedure.
    "discharge": ("urgent help", "contact details", "sources named", "document control"),
}

# What each part asks, as the checklist prints it.
PARTS = {
    "urgent help": "an urgent box that says who to call: the clinic, out of hours, emergency services",
    "contact details": "the clinic's contact details",
    "sources named": "a publisher and a date for every source quoted",
    "document control": "document control: published date, review date and owner",
}
