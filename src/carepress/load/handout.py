"""Handout definitions: ``handouts/*.yaml`` -> ``Handout``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from carepress.errors import Diagnostics, Origin, did_you_mean
from carepress.load.schema import (
    INVALID, Choice, Context, Date, Field, Integer, JsonSchema, Kind, ListOf, Located, Record,
    Tagged, Text, identifier, language_tag, load_folder, read_document, text_hash,
)
from carepress.load.units import number_units
from carepress.load.yamlmarks import MarkedDict
from carepress.plan import BUNDLE
from carepress.model import (
    Block, BulletsBlock, CalloutBlock, ChecklistBlock, ContactBlock, DocumentControl, FillInBlock,
    FillInField, Handout, PassageRef, Section, SupportBlock, TextBlock, Topic,
)
from carepress.profiles import PROFILES


INLINE = Located(Text(), lambda value, origin: TextBlock(value, origin))


class _Passage(Kind[PassageRef]):
    """`passage:` needs a source and a selector (paragraph and/or starts), and a pin."""

    record = Record(
        {
            "source": Field(identifier("a source id such as `iud-bleeding-after-sex`")),
            "paragraph": Field(Integer(minimum=1), required=False, doc="paragraph number"),
            "starts": Field(Text(), required=False, doc="the passage's opening words"),
            "pin": Field(text_hash("`carepress pin`"),
                         required=False),
            "role": Field(Choice("reassurance"), required=False,
                          doc="`reassurance`: kept out of urgent boxes by `check`"),
        },
        lambda values, origin: values,
    )

    def validate(self, value: Any, ctx: Context) -> PassageRef:
        # (Any: the record's fields, or INVALID, which `is` would otherwise narrow to a dict)
        values: Any = self.record.validate(value, ctx)
        if values is INVALID:
            return INVALID
        if values["paragraph"] is None and values["starts"] is None:
            return ctx.fail("a passage needs a selector: `paragraph: N`, `starts: \"opening words\"` or both")
        pin_origin = value.origin_of("pin") if isinstance(value, MarkedDict) and "pin" in value else None
        return PassageRef(values["source"], values["paragraph"], values["starts"], values["pin"],
                          ctx.origin, pin_origin, role=values["role"])

    def json_schema(self) -> JsonSchema:
        return {**self.record.json_schema(),
                "anyOf": [{"required": ["paragraph"]}, {"required": ["starts"]}]}


def _fill_in_field() -> Kind[FillInField]:
    return Record(
        {"label": Field(INLINE), "choices": Field(ListOf(INLINE, min_items=2), required=False, default=())},
        lambda v, origin: FillInField(v["label"], v["choices"]),
    )


def _block_kind() -> Kind[Block]:
    simple: dict[str, Kind[Any]] = {
        "passage": _Passage(),
        "text": INLINE,
        "bullets": Located(ListOf(INLINE, min_items=1), lambda v, o: BulletsBlock(v, o)),
        "checklist": Located(ListOf(INLINE, min_items=1), lambda v, o: ChecklistBlock(v, o)),
        "fill_in": Located(ListOf(_fill_in_field(), min_items=1), lambda v, o: FillInBlock(v, o)),
        "contact": Located(Record({}, lambda v, o: None), lambda v, o: ContactBlock(o)),
        # (the need's organisations are the brand's `support` list: clinic data)
        "support": Located(identifier("a need, such as `pregnancy-loss`"), lambda v, o: SupportBlock(v, o)),
    }
    callout = Record(
        {
            "kind": Field(Choice("urgent", "info")),
            "title": Field(INLINE),
            "blocks": Field(ListOf(Tagged(simple, "block"), min_items=1)),
        },
        lambda v, o: CalloutBlock(v["kind"], v["title"], v["blocks"], o),
    )
    return Tagged({**simple, "callout": callout}, "block")


def handout_schema(path: Path) -> Record[Handout]:
    control = Record(
        {
            "code": Field(Text(), doc="the stable, clinic-neutral leaflet code, e.g. `GYN-014`"),
            "version": Field(Text()),
            "approved": Field(Date()),
            "review_by": Field(Date()),
            "owner": Field(Text(), doc="who owns the leaflet, unless the clinic's brand names "
                                       "its own `document_owner`"),
            "approver": Field(Text(), required=False, default="not stated"),
        },
        lambda v, o: DocumentControl(**v),
    )
    topic = Record(
        {"name": Field(Text()), "words": Field(ListOf(Text(), min_items=1),
                                               doc="words that show the leaflet tells it")},
        lambda v, o: Topic(v["name"], tuple(v["words"]), o),
    )
    section = Record(
        {"heading": Field(INLINE), "blocks": Field(ListOf(_block_kind(), min_items=1))},
        lambda v, o: Section(v["heading"], v["blocks"], o),
    )
    return Record(
        {
            "id": Field(identifier("lower-case words joined by `-`")),
            "lang": Field(language_tag("en"),
                          required=False, default="en"),
            "title": Field(INLINE),
            "subtitle": Field(INLINE, required=False),
            "control": Field(control, doc="document control: code, version, approved, review_by, owner"),
            "sections": Field(ListOf(section, min_items=1)),
            "profile": Field(Choice(*PROFILES), required=False,
                             doc="the kind of leaflet, whose required parts `check` checks"),
            "topics": Field(ListOf(topic), required=False, default=(),
                            doc="what a patient needs it to tell, each found by its words"),
            "trifold": Field(Record(
                {"sections": Field(ListOf(Text(), min_items=1),
                                   doc="the headings of the sections a tri-fold carries, each "
                                       "as written in `sections:`")},
                lambda v, o: v), required=False,
                doc="a tri-fold's summary edition: which sections it carries (the others are "
                    "left out of tri-folds only)"),
        },
        lambda v, o: Handout(v["id"], v["lang"], v["title"], v["subtitle"], v["control"],
                             v["sections"], path, profile=v["profile"], topics=v["topics"]),
    )


def load_handout(path: Path, diagnostics: Diagnostics) -> Handout | None:
    loaded = read_document(path, handout_schema(path), diagnostics)
    if loaded is None:
        return None
    data, handout = loaded
    if handout.id != path.stem:
        diagnostics.error(data.origin_of("id"),
                          f"id `{handout.id}` must match the file name; rename the file to "
                          f"`{handout.id}.yaml` or set `id: {path.stem}`")
        return None
    if handout.id == BUNDLE:  # its PDFs and manifest records would be the bundles'
        diagnostics.error(data.origin_of("id"), f"`{BUNDLE}` names the print bundles in dist/; "
                          "give the handout another id (and file name)")
        return None
    if handout.control.review_by <= handout.control.approved:
        diagnostics.error(data["control"].origin_of("review_by"),
                          "`control.review_by` must come after `control.approved`")
        return None
    trifold_sections = None
    if "trifold" in data:
        trifold_sections = _trifold_sections(data, handout, diagnostics)
        if trifold_sections is None:
            return None
    return number_units(replace(handout, trifold_sections=trifold_sections,
                                control_origin=data["control"].origin_of("review_by"),
                                code_origin=data["control"].origin_of("code"),
                                profile_origin=data.origin_of("profile") if "profile" in data else None))


def _trifold_sections(data: MarkedDict, handout: Handout,
                      diagnostics: Diagnostics) -> tuple[int, ...] | None:
    """The sections a summary edition names (`trifold: sections:`, by heading), as indices
    in handout order; None (and an error at each heading no section has) when one is wrong."""
    headings = [section.heading.template for section in handout.sections]
    named = data["trifold"]["sections"]
    found: list[int] = []
    for index, heading in enumerate(named):
        origin = named.origin_of(index)
        if heading not in headings:
            diagnostics.error(origin, f"no section has the heading `{heading}`"
                              f"{did_you_mean(heading, headings)} (a tri-fold names sections by "
                              "their headings, as written under `sections:`: " +
                              ", ".join(f"`{h}`" for h in headings) + ")")
        elif headings.index(heading) in found:
            diagnostics.error(origin, f"`{heading}` is named twice; name each section once")
        else:
            found.append(headings.index(heading))
    if len(found) != len(named):
        return None
    return tuple(sorted(found))


def load_handouts(folder: Path, diagnostics: Diagnostics) -> dict[str, Handout]:
    handouts = load_folder(folder, load_handout, diagnostics)
    if not handouts and not diagnostics.errors:
        diagnostics.error(Origin(folder), "no handouts found (expected `handouts/*.yaml`)")
    return handouts
