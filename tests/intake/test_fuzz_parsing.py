"""Fuzzing the parsers at the app's edges (bounded examples): webhook payloads, segment and
journey definitions. Whatever arrives, a parser answers with its value or its own refusal
(pydantic's ValidationError for a payload, DefinitionInvalid for a definition), never another
exception that would reach a delivery or a request as a crash."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.journeys.definition import journey_parse
from saleor_mautomation.segments.definition import definition_parse
from saleor_mautomation.segments.errors import DefinitionInvalid
from tests.support.samples import webhook_sample, webhook_sample_names

EXAMPLES = 150
SAMPLES = {
    name: json.loads(webhook_sample(name)["raw_body"])
    for name in webhook_sample_names()
    if webhook_sample(name)["headers"]["Saleor-Event"].upper() in WEBHOOKS
}

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "USD", "2026-01-01T00:00:00+00:00", "VXNlcjox", "a@b.c"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a JSON value, so that one of them can be replaced."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


@st.composite
def mutated_samples(draw: st.DrawFn) -> tuple[str, Any]:
    """A real delivery of Saleor's with one place replaced by any JSON value."""
    name = draw(st.sampled_from(sorted(SAMPLES)))
    sample = SAMPLES[name]
    path = draw(st.sampled_from(_paths(sample)))
    return name, _replaced(sample, path, draw(JSON))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(case=mutated_samples())
def test_a_delivery_of_any_shape_parses_or_is_refused_by_its_model(case):
    name, body = case
    spec = WEBHOOKS[webhook_sample(name)["headers"]["Saleor-Event"].upper()].spec
    # refused by its model: the drain marks the delivery failed, kept for inspection
    with contextlib.suppress(pydantic.ValidationError):
        spec.parse(json.dumps(body).encode())


def _refusal(parse: Callable[[], object]) -> DefinitionInvalid | None:
    try:
        parse()
    except DefinitionInvalid as refused:
        return refused
    return None


SEGMENT_NODES = st.fixed_dictionaries(
    {"type": st.sampled_from(["profile", "event", "order", "segment", "and", "or", "not", "x"])},
    optional={
        "field": st.sampled_from(["gender", "birthday", "country", "orders_count", "nope"]),
        "op": st.sampled_from(["eq", "ne", "gt", "between", "in_last_days", "contains", "?"]),
        "value": JSON,
        "event_type": st.sampled_from(["product.viewed", "order.placed", "x"]),
        "count": JSON,
        "window": JSON,
        "segment_id": st.integers(),
        "conditions": st.lists(JSON, max_size=3),
        "condition": JSON,
    },
)


@pytest.mark.parametrize("wrap", [True, False])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(root=st.one_of(SEGMENT_NODES, JSON))
def test_a_segment_definition_of_any_shape_parses_or_is_refused(wrap, root):
    refused = _refusal(lambda: definition_parse({"version": 1, "root": root} if wrap else root))
    assert refused is None or refused.errors  # each refusal names what is wrong


JOURNEY_NODES = st.dictionaries(
    st.sampled_from(["a", "b", "end", "x-1"]),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["wait", "send_email", "condition", "split", "exit", "zzz"])},
        optional={"next": st.sampled_from(["a", "b", "end", "nowhere"]), "duration": JSON},
    ),
    max_size=4,
)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(
    draft=st.one_of(
        JSON,
        st.fixed_dictionaries(
            {"entry": JSON, "start": st.sampled_from(["a", "b", "zz"]), "nodes": JOURNEY_NODES}
        ),
    )
)
def test_a_journey_definition_of_any_shape_parses_or_is_refused(draft):
    refused = _refusal(lambda: journey_parse(draft))
    assert refused is None or refused.errors
