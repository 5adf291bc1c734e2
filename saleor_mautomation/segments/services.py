"""Saving segments (create, edit, archive) and static lists' side of a contact merge.

Memberships are kept current by ``segments.membership``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.compiler import facts_of
from saleor_mautomation.segments.errors import (
    DefinitionInvalid,
    FieldError,
    SegmentInUse,
)
from saleor_mautomation.segments.membership import (
    contacts_segments_sync,
    segment_definition,
    segments_cache_clear,
)
from saleor_mautomation.segments.models import (
    Membership,
    Segment,
    SegmentRevision,
    StaticListMember,
)

logger = logging.getLogger(__name__)


def _check_references(
    installation_id: int, segment_id: int | None, definition: d.Definition
) -> dict[int, int]:
    """Referenced segments must be active segments of the installation, without a cycle
    back to ``segment_id``; returns the depth of each active segment after this change."""
    referenced = d.referenced_segments(definition)
    active = {
        s.pk: s
        for s in Segment.objects.filter(
            installation_id=installation_id, status=Segment.Status.ACTIVE
        ).exclude(pk=segment_id or 0)
    }
    missing = sorted(referenced - set(active))
    if missing:
        raise DefinitionInvalid(
            [FieldError("root", f"segment {pk} does not exist or is archived") for pk in missing]
        )
    edges = {
        pk: d.referenced_segments(segment_definition(s)) & (set(active) | {segment_id or 0})
        for pk, s in active.items()
    }
    if segment_id is not None:
        edges[segment_id] = referenced
    depths: dict[int, int] = {}

    def depth(pk: int, seen: tuple[int, ...]) -> int:
        if pk in seen:
            raise DefinitionInvalid([FieldError("root", "segments refer to each other in a cycle")])
        if pk not in depths:
            depths[pk] = 1 + max((depth(ref, (*seen, pk)) for ref in edges.get(pk, ())), default=-1)
        return depths[pk]

    for pk in edges:
        depth(pk, ())
    return depths


def _new_depth(referenced: set[int], depths: dict[int, int]) -> int:
    return 1 + max((depths[pk] for pk in referenced), default=-1)


def _unique_key(installation_id: int, name: str) -> str:
    base = slugify(name)[:50] or "segment"
    key, n = base, 1
    while Segment.objects.filter(installation_id=installation_id, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _apply_depths(depths: dict[int, int]) -> None:
    for pk, depth in depths.items():
        Segment.objects.filter(pk=pk).exclude(depth=depth).update(depth=depth)


def segment_create(
    *,
    installation_id: int,
    name: str,
    definition: Any,
    now: datetime,
    description: str = "",
    key: str = "",
    is_builtin: bool = False,
) -> Segment:
    name = _valid_name(name)
    parsed = d.definition_parse(definition)
    with transaction.atomic():
        depths = _check_references(installation_id, None, parsed)
        facts = facts_of(parsed)
        segment = Segment.objects.create(
            installation_id=installation_id,
            name=name,
            key=key or _unique_key(installation_id, name),
            is_builtin=is_builtin,
            description=description,
            definition=parsed.model_dump(mode="json", exclude_defaults=False),
            facts=sorted(facts.facts),
            time_dependent=facts.time_dependent,
            depth=_new_depth(d.referenced_segments(parsed), depths),
        )
        _revision_save(segment, now)
        transaction.on_commit(segments_cache_clear)
    segments_cache_clear()
    return segment


def segment_update(
    *,
    segment: Segment,
    now: datetime,
    name: str | None = None,
    description: str | None = None,
    definition: Any = None,
) -> bool:
    """Save changes; True when the definition changed (the caller rebuilds the segment)."""
    if segment.status != Segment.Status.ACTIVE:
        raise PermanentError("An archived segment cannot be edited", code="archived")
    changed = False
    with transaction.atomic():
        if name is not None:
            segment.name = _valid_name(name)
        if description is not None:
            segment.description = description
        if definition is not None:
            parsed = d.definition_parse(definition)
            dumped = parsed.model_dump(mode="json")
            if dumped != segment.definition:
                depths = _check_references(segment.installation_id, segment.pk, parsed)
                facts = facts_of(parsed)
                segment.definition = dumped
                segment.facts = sorted(facts.facts)
                segment.time_dependent = facts.time_dependent
                segment.revision += 1
                segment.depth = depths[segment.pk]
                _apply_depths({pk: v for pk, v in depths.items() if pk != segment.pk})
                changed = True
        segment.save()
        if changed or name is not None:
            _revision_save(segment, now)
        transaction.on_commit(segments_cache_clear)
    segments_cache_clear()
    return changed


def segment_archive(*, segment: Segment, now: datetime) -> None:
    """Stop evaluating the segment and close its memberships (without exit events: nobody
    left, the group ended). Refused while active segments refer to it."""
    with transaction.atomic():
        users = [
            s.name
            for s in Segment.objects.filter(
                installation_id=segment.installation_id, status=Segment.Status.ACTIVE
            ).exclude(pk=segment.pk)
            if segment.pk in d.referenced_segments(segment_definition(s))
        ]
        if users:
            raise SegmentInUse(f"Used by the segments {', '.join(sorted(users))}")
        segment.status = Segment.Status.ARCHIVED
        segment.save(update_fields=["status", "updated_at"])
        transaction.on_commit(segments_cache_clear)
        segments_cache_clear()
        members = list(
            Membership.objects.filter(segment=segment, exited_at__isnull=True).values_list(
                "contact_id", flat=True
            )
        )
        Membership.objects.filter(segment=segment, exited_at__isnull=True).update(exited_at=now)
        contacts_segments_sync(members, now=now)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not 0 < len(name) <= 120:
        raise DefinitionInvalid([FieldError("name", "a name of 1 to 120 characters")])
    return name


def _revision_save(segment: Segment, now: datetime) -> None:
    SegmentRevision.objects.create(
        segment=segment,
        revision=segment.revision,
        name=segment.name,
        definition=segment.definition,
        created_at=now,
    )


# -- entries and exits ------------------------------------------------------------------------


def static_lists_merge(*, into_id: int, other_id: int) -> None:
    """A contact folded into another keeps its static-list memberships (the lists it was in
    already keep their own entry): called by the coordinator (``flows.merges``)."""
    held = StaticListMember.objects.filter(contact_id=into_id).values("static_list_id")
    StaticListMember.objects.filter(contact_id=other_id).exclude(static_list_id__in=held).update(
        contact_id=into_id
    )
