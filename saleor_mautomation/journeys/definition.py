"""The journey definition language: an entry, settings and a graph of nodes, as typed data.

``journey_parse`` validates the structure (pydantic) and the graph: one start node, every
``next`` pointing at a node, every node reachable from the start, and no loop without a wait
in it (a loop that never waits would spin). Errors name the node (``nodes.<id>.<field>``) so the
canvas can mark it. The engine (``engine.py``) relies on a parsed definition being sound.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, assert_never, get_args

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from saleor_mautomation.segments.definition import TAGS, PropertyFilter
from saleor_mautomation.segments.definition import Node as SegmentNode
from saleor_mautomation.segments.errors import DefinitionInvalid, FieldError, field_errors

VERSION: Literal[1] = 1
MAX_NODES = 100
NODE_ID = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(_Model):
    days: Annotated[int, Field(ge=0, le=365)] = 0
    hours: Annotated[int, Field(ge=0, le=24 * 365)] = 0
    minutes: Annotated[int, Field(ge=0, le=60 * 24 * 365)] = 0

    @model_validator(mode="after")
    def _positive(self) -> Duration:
        if self.delta <= timedelta(0):
            raise ValueError("a duration longer than zero")
        return self

    @property
    def delta(self) -> timedelta:
        return timedelta(days=self.days, hours=self.hours, minutes=self.minutes)


# -- entries ------------------------------------------------------------------------------


class EventEntry(_Model):
    type: Literal["event"]
    event_type: str
    where: list[PropertyFilter] = Field(default_factory=list, max_length=10)
    # One active run per contact and this event property (e.g. per checkout).
    entry_key: str | None = None
    # On "attribute.threshold_crossed" only: publishing also enrols, once, the contacts already
    # at or above the line (journeys/attribute_thresholds.py); off, only crossings from then on.
    enter_already_above: bool = False

    @model_validator(mode="after")
    def _already_above(self) -> EventEntry:
        if not self.enter_already_above:
            return self
        named = {f.property: (f.op, f.value) for f in self.where}
        if self.event_type != "attribute.threshold_crossed" or not {
            "attribute",
            "threshold",
        } <= set(named):
            raise ValueError("enter_already_above needs an attribute threshold entry with its line")
        if set(named) - {"attribute", "threshold", "direction"} or named.get(
            "direction", ("eq", "up")
        ) != ("eq", "up"):
            raise ValueError("enter_already_above: only with the direction up and no other filter")
        return self


class SegmentEntry(_Model):
    type: Literal["segment_entered"]
    segment_id: Annotated[int, Field(ge=1)]


class DateEntry(_Model):
    """Daily, in the contact's zone: ``days_offset`` days after the date (negative: before),
    at ``at_hour``. The date is a profile field or, with ``field`` "attribute", the custom
    attribute ``attribute`` (an ISO date in the contact's metadata). ``repeat``: "yearly" (every
    anniversary; 29 February on the 28th in other years) or "once"; unset, birthdays and
    sign-ups are yearly, the rest once (``journeys/occurrences.py``)."""

    type: Literal["date"]
    field: Literal[
        "birthday",
        "date_joined",
        "created_at",
        "first_order_at",
        "last_order_at",
        "predicted_next_order_at",
        "attribute",
    ]
    attribute: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,100}$")] | None = None
    repeat: Literal["yearly", "once"] | None = None
    days_offset: Annotated[int, Field(ge=-365, le=3650)] = 0
    at_hour: Annotated[int, Field(ge=0, le=23)] = 9

    @model_validator(mode="after")
    def _attribute(self) -> DateEntry:
        if (self.field == "attribute") != (self.attribute is not None):
            raise ValueError("'attribute' names the custom attribute of field 'attribute' only")
        return self

    @property
    def yearly(self) -> bool:
        if self.repeat is not None:
            return self.repeat == "yearly"
        return self.field in ("birthday", "date_joined")


class RecurringEntry(_Model):
    """The members of a segment, every ``every`` days, weeks or months from ``start`` (the
    first occurrence), at ``at_hour`` in each contact's zone: one run per contact and
    occurrence. Months keep ``start``'s day, or the month's last day when it has fewer
    (31 January, 28/29 February, 31 March)."""

    type: Literal["recurring"]
    segment_id: Annotated[int, Field(ge=1)]
    every: Annotated[int, Field(ge=1, le=365)] = 1
    unit: Literal["days", "weeks", "months"] = "months"
    start: date
    at_hour: Annotated[int, Field(ge=0, le=23)] = 9


class TriggerEntry(_Model):
    type: Literal["trigger"]
    key: Annotated[str, Field(pattern=r"^[a-z0-9\-]{3,64}$")]


class ManualEntry(_Model):
    type: Literal["manual"]


class BroadcastTest(_Model):
    """A test share of a broadcast: ``share_percent`` of the snapshot enters at ``send_at``
    (split across the ``split`` node's branches); ``wait_hours`` later the branch with the best
    ``metric`` wins and the rest of the snapshot enters with its split forced to the winner."""

    split: str
    share_percent: Annotated[int, Field(ge=5, le=50)]
    wait_hours: Annotated[int, Field(ge=1, le=168)]
    metric: Literal["click", "conversion"] = "click"


class BroadcastEntry(_Model):
    """The members of a segment at ``send_at`` (a snapshot, taken once per version). With
    ``local_time``, everyone starts at ``send_at``'s wall-clock time in their own zone (the
    snapshot is taken when that time comes in the earliest zone). With ``test``, only a test
    share starts then; the rest follows with the winner (not with ``local_time``). With
    ``best_time``, each message goes at its recipient's best moment within 24 hours of when
    it is due (every send node as with ``at_best_hour``; contacts.send_time)."""

    type: Literal["broadcast"]
    segment_id: Annotated[int, Field(ge=1)]
    send_at: datetime
    local_time: bool = False
    best_time: bool = False
    test: BroadcastTest | None = None

    @model_validator(mode="after")
    def _test_at_one_time(self) -> BroadcastEntry:
        if self.test is not None and self.local_time:
            raise ValueError("a test share goes with one send time for everyone (not local time)")
        if self.best_time and self.local_time:
            raise ValueError("each recipient's best time, or one local time for all: not both")
        return self

    @field_validator("send_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("a moment with its UTC offset, e.g. 2026-12-01T09:00:00+01:00")
        return value


Entry = Annotated[
    EventEntry
    | SegmentEntry
    | DateEntry
    | RecurringEntry
    | TriggerEntry
    | ManualEntry
    | BroadcastEntry,
    Field(discriminator="type"),
]


class Reentry(_Model):
    mode: Literal["once", "every_time", "after_days"] = "once"
    days: Annotated[int, Field(ge=1, le=3650)] | None = None

    @model_validator(mode="after")
    def _days(self) -> Reentry:
        if (self.mode == "after_days") != (self.days is not None):
            raise ValueError("'days' goes with mode 'after_days' only")
        return self


class Goal(_Model):
    """The run ends (converted) when the contact does this, checked before every step."""

    event_type: str
    where: list[PropertyFilter] = Field(default_factory=list, max_length=10)


# -- nodes ----------------------------------------------------------------------------------


class Wait(_Model):
    type: Literal["wait"]
    duration: Duration
    next: str


class WaitUntil(_Model):
    """Until the next ``hour`` o'clock on one of ``weekdays`` (0 = Monday) in the contact's
    time zone."""

    type: Literal["wait_until"]
    hour: Annotated[int, Field(ge=0, le=23)]
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: list(range(7)), min_length=1
    )
    next: str


class WaitForEvent(_Model):
    type: Literal["wait_for_event"]
    event_type: str
    where: list[PropertyFilter] = Field(default_factory=list, max_length=10)
    timeout: Duration
    on_event: str
    on_timeout: str


class Condition(_Model):
    """A segment-style condition evaluated for the contact when the run reaches it."""

    type: Literal["condition"]
    condition: SegmentNode
    yes: str
    no: str


class Branch(_Model):
    percent: Annotated[int, Field(ge=0, le=100)]
    next: str


class Split(_Model):
    """A/B or random split: the run's branch is a deterministic function of the run and node,
    so a replay after a crash takes the same branch."""

    type: Literal["split"]
    branches: list[Branch] = Field(min_length=2, max_length=5)

    @model_validator(mode="after")
    def _hundred(self) -> Split:
        if sum(b.percent for b in self.branches) != 100:
            raise ValueError("the branches' percentages add up to 100")
        return self


MAX_SUBJECT = 300


class SendEmail(_Model):
    """``subject_variants``: a subject-line test, 2 to 4 subjects (personalised like the
    template's subject) each replacing the template's for an equal share of the runs
    (``engine.subject_variant``)."""

    type: Literal["send_email"]
    template: Annotated[str, Field(pattern=r"^[a-z0-9\-]{1,64}$")]
    at_best_hour: bool = False
    subject_variants: list[Annotated[str, Field(min_length=1, max_length=MAX_SUBJECT)]] = Field(
        default_factory=list, max_length=4
    )
    next: str

    @model_validator(mode="after")
    def _variants(self) -> SendEmail:
        if len(self.subject_variants) == 1:
            raise ValueError("2 to 4 subject variants, or none")
        if any(not subject.strip() for subject in self.subject_variants):
            raise ValueError("a subject variant with words in it")
        return self


class SendSms(_Model):
    type: Literal["send_sms"]
    template: Annotated[str, Field(pattern=r"^[a-z0-9\-]{1,64}$")]
    at_best_hour: bool = False
    next: str


class SendPush(_Model):
    type: Literal["send_push"]
    template: Annotated[str, Field(pattern=r"^[a-z0-9\-]{1,64}$")]
    at_best_hour: bool = False
    next: str


SENDS = {"send_email": "email", "send_sms": "sms", "send_push": "push"}
SendChannel = Literal["email", "sms", "push"]


class SendPreferred(_Model):
    """Send on the channel the contact answers on (``contacts.channel_preference``), among
    those the contact can be reached on now (consent and an address); without a learned
    preference, or where it cannot reach them, the first reachable channel of ``fallback``.
    ``templates``: one per channel the step may use; ``fallback`` orders exactly those."""

    type: Literal["send_preferred"]
    templates: dict[SendChannel, Annotated[str, Field(pattern=r"^[a-z0-9\-]{1,64}$")]] = Field(
        min_length=1, max_length=3
    )
    fallback: list[SendChannel] = Field(min_length=1, max_length=3)
    at_best_hour: bool = False
    next: str

    @model_validator(mode="after")
    def _fallback(self) -> SendPreferred:
        if len(set(self.fallback)) != len(self.fallback):
            raise ValueError("each channel once in the fallback order")
        if set(self.fallback) != set(self.templates):
            raise ValueError("the fallback order names exactly the channels with a template")
        return self


CHANNEL_SLUG = r"^(\*|[a-z0-9][a-z0-9\-_]{0,254})$"  # "*": every channel of the shop


class GiveVoucher(_Model):
    """A unique, single-use Saleor voucher code for the contact, valid ``valid_days``, put
    into later messages' context (``voucher``). One Saleor voucher per step and version, with
    a value per channel (``values``: channel slug -> percent or amount, ``"*"`` for every
    channel not named); each run adds a code."""

    type: Literal["give_voucher"]
    discount_type: Literal["percentage", "fixed"] = "percentage"
    values: dict[Annotated[str, Field(pattern=CHANNEL_SLUG)], Annotated[Decimal, Field(gt=0)]] = (
        Field(min_length=1, max_length=20)
    )
    valid_days: Annotated[int, Field(ge=1, le=365)] = 14
    code_prefix: Annotated[str, Field(pattern=r"^[A-Z0-9]{0,8}$")] = ""
    # Fixed amounts only: the currency they are in; publishing checks that every channel the
    # values reach sells in it (an amount means nothing in another currency).
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    next: str

    @model_validator(mode="after")
    def _percent(self) -> GiveVoucher:
        if self.discount_type == "percentage" and any(v > 100 for v in self.values.values()):
            raise ValueError("a percentage of at most 100")
        if self.currency is not None and self.discount_type != "fixed":
            raise ValueError("a currency goes with fixed amounts only")
        return self


class SendPostal(_Model):
    """Add the contact's card (``template``: the print partner's design, with the app's
    personalised texts when ``postal/cards.json`` has the key) to this step's print batch of
    the day (``postal.services``): a batch closes at ``cutoff_hour`` o'clock UTC or when
    downloaded, and holds at most ``max_per_batch`` cards (a contact past it is skipped, with
    the reason). Postal consent and an address are needed; quiet hours do not apply."""

    type: Literal["send_postal"]
    template: Annotated[str, Field(pattern=r"^[a-z0-9\-]{1,64}$")]
    max_per_batch: Annotated[int, Field(ge=1, le=100_000)] = 1000
    cutoff_hour: Annotated[int, Field(ge=0, le=23)] = 12
    next: str


# The profile rule's fields (``contacts.profile.FIELDS``), whose values publishing checks.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "language_code",
    "country",
    "city",
    "time_zone",
    "birthday",
)


class UpdateProfile(_Model):
    """Set profile fields (``fields``; ``preferences.<topic>``: "true"/"false") and keys of
    the Saleor customer's private metadata (``metadata``, written back with the figures)."""

    type: Literal["update_profile"]
    fields: dict[str, Annotated[str, Field(max_length=256)]] = Field(
        default_factory=dict, max_length=20
    )
    metadata: dict[
        Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,100}$")],
        Annotated[str, Field(max_length=1000)],
    ] = Field(default_factory=dict, max_length=20)
    next: str

    @model_validator(mode="after")
    def _something(self) -> UpdateProfile:
        if not self.fields and not self.metadata:
            raise ValueError("a field or a metadata key to set")
        for name, value in self.fields.items():
            if name.startswith("preferences."):
                if not re.match(r"^[a-z0-9_\-]{1,40}$", name.removeprefix("preferences.")):
                    raise ValueError(f"a preference topic of letters and digits: {name!r}")
                if value not in ("true", "false"):
                    raise ValueError(f"{name} is 'true' or 'false'")
            elif name not in PROFILE_FIELDS:
                raise ValueError(
                    f"{name!r} is not a field a journey sets (one of {', '.join(PROFILE_FIELDS)}"
                    ", or preferences.<topic>)"
                )
        return self


class CallWebhook(_Model):
    """POST the contact and the run (JSON, signed with the journey's trigger secret when it
    has one) to ``url``; retried with backoff when the receiver fails."""

    type: Literal["webhook"]
    url: Annotated[str, Field(pattern=r"^https?://", max_length=2000)]
    next: str


class ListChange(_Model):
    """Put the contact on a static list, or take it off (the list is created if missing)."""

    type: Literal["list_add", "list_remove"]
    list: Annotated[str, Field(pattern=r"^[a-z0-9\-_]{1,64}$")]
    next: str


class Exit(_Model):
    type: Literal["exit"]


AnyNode = (
    Wait
    | WaitUntil
    | WaitForEvent
    | Condition
    | Split
    | SendEmail
    | SendSms
    | SendPush
    | SendPreferred
    | GiveVoucher
    | UpdateProfile
    | CallWebhook
    | ListChange
    | SendPostal
    | Exit
)
JourneyNode = Annotated[AnyNode, Field(discriminator="type")]
WAITING = (Wait, WaitUntil, WaitForEvent)
# The union tags pydantic puts in error locations (left out of the paths reported).
NODE_TAGS = {
    tag
    for union in (Entry, JourneyNode)
    for model in get_args(get_args(union)[0])
    for tag in get_args(model.model_fields["type"].annotation)
}


class JourneyDefinition(_Model):
    version: Literal[1] = VERSION
    entry: Entry
    reentry: Reentry = Reentry()
    goal: Goal | None = None
    holdout_percent: Annotated[int, Field(ge=0, le=50)] = 0
    start: str
    nodes: dict[str, JourneyNode] = Field(min_length=1, max_length=MAX_NODES)

    @field_validator("nodes")
    @classmethod
    def _ids(cls, nodes: dict[str, Any]) -> dict[str, Any]:
        bad = [node_id for node_id in nodes if not NODE_ID.match(node_id)]
        if bad:
            raise ValueError(f"node ids are letters, digits, '_' and '-': {bad[0]!r}")
        return nodes


def successors(node: AnyNode) -> list[str]:
    match node:
        case WaitForEvent():
            return [node.on_event, node.on_timeout]
        case Condition():
            return [node.yes, node.no]
        case Split():
            return [branch.next for branch in node.branches]
        case Exit():
            return []
        case (
            Wait()
            | WaitUntil()
            | SendEmail()
            | SendSms()
            | SendPush()
            | SendPreferred()
            | GiveVoucher()
            | UpdateProfile()
            | CallWebhook()
            | ListChange()
            | SendPostal()
        ):
            return [node.next]
        case _:
            assert_never(node)


def _graph_errors(definition: JourneyDefinition) -> list[FieldError]:
    errors: list[FieldError] = []
    nodes = definition.nodes
    if definition.start not in nodes:
        errors.append(FieldError("start", f"no node {definition.start!r}"))
    for node_id, node in nodes.items():
        for target in successors(node):
            if target not in nodes:
                errors.append(FieldError(f"nodes.{node_id}", f"leads to a missing node {target!r}"))
    if errors:
        return errors
    reached: set[str] = set()
    stack = [definition.start]
    while stack:
        node_id = stack.pop()
        if node_id not in reached:
            reached.add(node_id)
            stack.extend(successors(nodes[node_id]))
    errors += [
        FieldError(f"nodes.{node_id}", "cannot be reached from the start")
        for node_id in nodes
        if node_id not in reached
    ]
    # A cycle must pass a wait: among the non-waiting nodes alone, the graph is acyclic.
    instant = {n for n, node in nodes.items() if not isinstance(node, WAITING)}
    state: dict[str, int] = {}

    def visit(node_id: str) -> str | None:
        state[node_id] = 1
        for target in successors(nodes[node_id]):
            if target not in instant:
                continue
            if state.get(target) == 1:
                return target
            if target not in state and (found := visit(target)):
                return found
        state[node_id] = 2
        return None

    for node_id in sorted(instant):
        if node_id not in state and (looped := visit(node_id)):
            errors.append(FieldError(f"nodes.{looped}", "is in a loop without a wait"))
            break
    return errors


def _test_errors(definition: JourneyDefinition) -> list[FieldError]:
    """A broadcast's test share decides between the branches of one of its splits (a split
    has 2 branches or more by its own rule)."""
    entry = definition.entry
    if not isinstance(entry, BroadcastEntry) or entry.test is None:
        return []
    split = definition.nodes.get(entry.test.split)
    if not isinstance(split, Split):
        return [FieldError("entry.test.split", f"no split node {entry.test.split!r}")]
    errors = []
    if entry.test.metric == "conversion" and definition.goal is None:
        errors.append(
            FieldError("entry.test.metric", "deciding by conversions needs the journey's goal")
        )
    return errors


def journey_parse(raw: Any) -> JourneyDefinition:
    try:
        definition = (
            JourneyDefinition.model_validate_json(raw)
            if isinstance(raw, str | bytes)
            else JourneyDefinition.model_validate(raw)
        )
    except pydantic.ValidationError as exc:
        raise DefinitionInvalid(field_errors(exc, {*TAGS, *NODE_TAGS}), what="journey") from None
    errors = _graph_errors(definition) + _test_errors(definition)
    if errors:
        raise DefinitionInvalid(errors, what="journey")
    return definition
