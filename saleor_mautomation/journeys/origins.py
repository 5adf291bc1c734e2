"""Where a journey's message comes from (``messages.outbox.Origin``): journey, version, send
node, broadcast, A/B variant (the split that decides the node, or the node's own subject
test); and the backfill of those columns for messages queued before
they existed, recovered from the dedupe key (``journey-run:<run>:<node>:<visit>``)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import subject_variant
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.outcomes import RUN_KEY
from saleor_mautomation.messages.outbox import Origin

# A broadcast's runs share the entry key ``broadcast:<version id>`` (``entries._broadcast``).
BROADCAST_KEY = "broadcast:"
BACKFILL_BATCH = 1000
# The run context's splits whose branch is fixed (``entries.broadcast_rest_enter``).
FORCED_BRANCHES = "forced_branches"


def forced_branches(run: JourneyRun) -> dict[str, int]:
    """The splits whose branch the run's context fixes ({"<split>": <branch>}): the rest of
    a broadcast, sent its test's winner."""
    forced = run.context.get(FORCED_BRANCHES) or {}
    return {str(node): int(branch) for node, branch in dict(forced).items()}


def _reachable(definition: d.JourneyDefinition, start: str, *, avoid: str) -> set[str]:
    """The nodes a walk from ``start`` can reach without passing ``avoid``."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        node_id = todo.pop()
        if node_id == avoid or node_id in seen or node_id not in definition.nodes:
            continue
        seen.add(node_id)
        todo += d.successors(definition.nodes[node_id])
    return seen


def split_variant(definition: d.JourneyDefinition, node: str) -> tuple[str, int] | None:
    """The A/B variant of a send node: the nearest split that every walk from the start to
    the node passes, and the one branch from which the node is reached (a run takes the same
    branch at a split on every pass, ``engine.bucket``). None when no split decides it (no
    split before the node, or its branches meet again before it)."""
    deciding: dict[str, int] = {}
    for split_id, split in definition.nodes.items():
        if not isinstance(split, d.Split) or split_id == node:
            continue
        if node in _reachable(definition, definition.start, avoid=split_id):
            continue  # a walk reaches the node without this split
        branches = [
            index
            for index, branch in enumerate(split.branches)
            if node in _reachable(definition, branch.next, avoid=split_id)
        ]
        if len(branches) == 1:
            deciding[split_id] = branches[0]
    # Splits every walk passes before the node come one after the other: the nearest is the
    # one each of the others comes before (it is unreachable from the start avoiding them).
    for split_id, branch in deciding.items():
        if all(
            split_id not in _reachable(definition, definition.start, avoid=other)
            for other in deciding
            if other != split_id
        ):
            return split_id, branch
    return None


def send_origin(
    run: JourneyRun,
    definition: d.JourneyDefinition,
    node: str,
    variants: dict[tuple[int, str], tuple[str, int] | None],
) -> Origin:
    """The origin of the message ``run`` sends at ``node``; ``variants`` caches each
    version's nodes' variants for a batch. A send node with a subject test is its own test
    (the nearest); a split whose branch the run was given (``forced_branches``) is none."""
    sending = definition.nodes.get(node)
    variant: tuple[str, int] | None
    if isinstance(sending, d.SendEmail) and sending.subject_variants:
        variant = node, subject_variant(run.pk, node, len(sending.subject_variants))
    else:
        if (run.version_id, node) not in variants:
            variants[(run.version_id, node)] = split_variant(definition, node)
        variant = variants[(run.version_id, node)]
        if variant is not None and variant[0] in forced_branches(run):
            variant = None
    return Origin(
        journey_id=run.journey_id,
        journey_version_id=run.version_id,
        node=node,
        broadcast=run.entry_key.startswith(BROADCAST_KEY),
        split_node=variant[0] if variant else "",
        split_branch=variant[1] if variant else None,
    )


def _key_parts(dedupe_key: str) -> tuple[int, str] | None:
    """The run and node a journey message's key holds, or None for another key."""
    if not dedupe_key.startswith(RUN_KEY):
        return None
    parts = dedupe_key.removeprefix(RUN_KEY).split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1]:
        return None
    return int(parts[0]), parts[1]


def _parsed(definition: Any) -> d.JourneyDefinition | None:
    try:
        return d.JourneyDefinition.model_validate(definition)
    except ValidationError:
        return None  # a version no longer valid: its variants stay unknown


def messages_origin_backfill(apps: Any, *, batch: int = BACKFILL_BATCH) -> int:
    """Fill the origin columns of messages queued before they existed, from what each one's
    dedupe key and template version hold; a key of no journey run (a double opt-in) gives
    the template only, a run since deleted nothing. ``apps``: the migration's historical
    registry (or ``django.apps.apps``). In batches of ``batch`` by primary key (keyset, so
    it never holds a cursor open on the table it updates: SQLite cannot). Returns the
    messages changed."""
    message_model = apps.get_model("mautomation", "Message")
    run_model = apps.get_model("mautomation", "JourneyRun")
    version_model = apps.get_model("mautomation", "TemplateVersion")
    journey_version_model = apps.get_model("mautomation", "JourneyVersion")
    definitions: dict[int, d.JourneyDefinition | None] = {}
    variants: dict[tuple[int, str], tuple[str, int] | None] = {}
    changed, last = 0, 0
    fields = ["template", "journey", "journey_version", "journey_node", "broadcast"]
    fields += ["split_node", "split_branch"]
    while True:
        messages = list(
            message_model.objects.filter(
                pk__gt=last, template__isnull=True, journey__isnull=True
            ).order_by("pk")[:batch]
        )
        if not messages:
            return changed
        last = messages[-1].pk
        templates = dict(
            version_model.objects.filter(
                pk__in={m.template_version_id for m in messages if m.template_version_id}
            ).values_list("pk", "template_id")
        )
        keys = {m.pk: _key_parts(m.dedupe_key) for m in messages}
        runs = {
            run.pk: run
            for run in run_model.objects.filter(
                pk__in={parts[0] for parts in keys.values() if parts}
            ).only("pk", "journey_id", "version_id", "entry_key", "context")
        }
        wanted = {run.version_id for run in runs.values()} - definitions.keys()
        for pk, definition in journey_version_model.objects.filter(pk__in=wanted).values_list(
            "pk", "definition"
        ):
            definitions[pk] = _parsed(definition)
        touched = []
        for message in messages:
            message.template_id = templates.get(message.template_version_id)
            parts = keys[message.pk]
            run = runs.get(parts[0]) if parts else None
            if parts and run is not None:
                parsed = definitions.get(run.version_id)
                if parsed is None:
                    origin = Origin(
                        journey_id=run.journey_id,
                        journey_version_id=run.version_id,
                        node=parts[1],
                        broadcast=run.entry_key.startswith(BROADCAST_KEY),
                    )
                else:
                    origin = send_origin(run, parsed, parts[1], variants)
                message.journey_id = origin.journey_id
                message.journey_version_id = origin.journey_version_id
                message.journey_node = origin.node
                message.broadcast = origin.broadcast
                message.split_node = origin.split_node
                message.split_branch = origin.split_branch
            elif message.template_id is None:
                continue
            touched.append(message)
        message_model.objects.bulk_update(touched, fields, batch_size=batch)
        changed += len(touched)
