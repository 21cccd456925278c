"""Translation unit ids: every translatable piece of a handout gets a stable, readable id.

Ids follow the handout's structure: `title`, `subtitle`, `s2.heading` (section 2),
`s2.b1` (its first block), `s4.b1.title` and `s4.b1.b2` (a callout's title and second
block), `s6.b2.i1` (a list item), `s6.b3.f2.label` and `s6.b3.f2.c1` (a fill-in field's
label and first choice).  Numbers are 1-based, as an author counts.
"""

from __future__ import annotations

from dataclasses import replace

from carepress.model import (
    Block, BulletsBlock, CalloutBlock, ChecklistBlock, ContactBlock, FillInBlock, FillInField,
    Handout, PassageRef, Section, SupportBlock, TextBlock,
)


def _number_block(block: Block, unit: str) -> Block:
    if isinstance(block, (PassageRef, TextBlock)):
        return replace(block, unit=unit)
    if isinstance(block, (BulletsBlock, ChecklistBlock)):
        items = tuple(replace(item, unit=f"{unit}.i{n}") for n, item in enumerate(block.items, 1))
        return replace(block, items=items)
    if isinstance(block, FillInBlock):
        fields = tuple(
            FillInField(replace(f.label, unit=f"{unit}.f{n}.label"),
                        tuple(replace(c, unit=f"{unit}.f{n}.c{m}") for m, c in enumerate(f.choices, 1)))
            for n, f in enumerate(block.fields, 1))
        return replace(block, fields=fields)
    if isinstance(block, CalloutBlock):
        inner = tuple(_number_block(b, f"{unit}.b{n}") for n, b in enumerate(block.blocks, 1))
        return replace(block, title=replace(block.title, unit=f"{unit}.title"), blocks=inner)
    assert isinstance(block, (ContactBlock, SupportBlock))  # (clinic data: nothing to translate)
    return block


def number_units(handout: Handout) -> Handout:
    """The handout with a unit id on every TextBlock and PassageRef."""
    sections = tuple(
        Section(replace(section.heading, unit=f"s{n}.heading"),
                tuple(_number_block(b, f"s{n}.b{m}") for m, b in enumerate(section.blocks, 1)),
                section.origin)
        for n, section in enumerate(handout.sections, 1))
    return replace(handout, title=replace(handout.title, unit="title"),
                   subtitle=replace(handout.subtitle, unit="subtitle") if handout.subtitle else None,
                   sections=sections)
