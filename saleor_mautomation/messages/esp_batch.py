"""A campaign's chunk handed to an ESP in a few API calls of many distinct messages each.

Postmark (``POST /email/batch``, up to 500 messages), Mailjet (Send API v3.1, up to 50 in
``Messages``) and Resend (``POST /emails/batch``, up to 100) take many messages in one call
and answer for each: its id, or why it was refused. Each message is still rendered for its
recipient with its own tracked links, Message-ID and List-Unsubscribe (``EmailSender.compose``)
and made into its ESP's payload by django-anymail's own payload class for that ESP
(``build_message_payload``: addresses, headers, auth as anymail does them); only the request
that carries them is ours: the payloads' message objects in one body, posted on the
provider's pinned session to the ESP's batch endpoint under the shop's API URL.

What each answer means for its message (ADR 0049):

- accepted: ``Accepted`` with the ESP's message id, the id its delivery and bounce reports
  name (``Message.provider_id``);
- refused in the answer (an invalid address, an inactive recipient): ``Refused`` with the
  ESP's error; an account-level refusal of one message (credits, a sender not confirmed,
  throttling): ``RetryableError``;
- the call refused as a whole with an answer that says nothing was sent (credentials, a
  throttle, a body it could not read): ``RetryableError`` for each of its messages;
- the call never connected: ``RetryableError``; it went out and no usable answer came back
  (a timeout, a dropped connection, a server error, an answer that does not match the
  request): ``OutcomeUnknown`` for each, so none of them is sent again unless it allows it.

The caller's rules are kept: the chunk's attempts are recorded before any call, ``taken``
receives a call's messages before it is posted, and the threads never touch the database. A
campaign's chunk is cut into calls at the ESP's limit, and into as many calls as the lane has
connections (each call one pool slot, one thread); a call waits for the reserved moments of
all its messages (``Pace``), so it counts its messages against the provider's rate.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests
from anymail.backends.mailjet import EmailBackend as MailjetBackend
from anymail.backends.postmark import EmailBackend as PostmarkBackend
from anymail.backends.resend import EmailBackend as ResendBackend
from anymail.exceptions import AnymailError
from django.core.mail import BadHeaderError

from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.core.http import request_never_sent
from saleor_mautomation.messages.lanes import Handed, Lane, Ready, hand_over_one, threads_run
from saleor_mautomation.messages.mime import HeaderInvalid, Mail
from saleor_mautomation.messages.providers import (
    ESP_NOT_SENT,
    Accepted,
    EmailSender,
    OutcomeUnknown,
    Refused,
    esp_email,
)


@dataclass
class _Part:
    """One message of a call: what it is, what was composed for it, its share of the body."""

    ready: Ready
    mail: Mail
    payload: Any  # django-anymail's payload for this message
    item: Any  # the message's object in the batch body
    size: int  # about how many bytes it adds to the body


@dataclass(frozen=True)
class BatchApi:
    """One ESP's batch endpoint: its path under the backend's API URL, how many messages
    and bytes one call may carry, the request's own headers, how a payload becomes one
    message of the body, the body of many, and what the answer says of each message."""

    esp: str
    endpoint: str
    limit: int
    max_bytes: int
    item: Callable[[Any], Any]  # payload -> the message's object, None: not in a batch
    body: Callable[[list[Any]], Any]
    results: Callable[[int, Any, list[_Part]], list[Handed] | None]  # None: does not match
    headers: dict[str, str] = field(default_factory=dict)


# -- Postmark ----------------------------------------------------------------------------------

# Postmark's per-message codes that refuse the message itself (an invalid request: a bad
# address; a forbidden attachment); 406 is an inactive recipient (a hard bounce, a spam
# complaint or a manual suppression at Postmark). Other codes are the account's (a sender
# signature not confirmed, no credits, an account pending): the message may go later.
_POSTMARK_REFUSED = frozenset({300, 411})
_POSTMARK_INACTIVE = 406


def _postmark_item(payload: Any) -> Any:
    return payload.data if payload.get_api_endpoint() == "email" else None


def _postmark_results(status: int, answer: Any, parts: list[_Part]) -> list[Handed] | None:
    if status != 200 or not isinstance(answer, list) or len(answer) != len(parts):
        return None
    results: list[Handed] = []
    for part, one in zip(parts, answer, strict=True):
        if not isinstance(one, dict):
            return None
        code, text = one.get("ErrorCode", 0), str(one.get("Message", ""))
        if code == 0 and not one.get("MessageID"):
            return None
        if code == 0 and "inactive addresses" not in text:
            results.append(_accepted(part, str(one["MessageID"])))
        elif code in {0, _POSTMARK_INACTIVE}:  # (0: "OK, but will not deliver to" it)
            results.append(Refused(f"Postmark {code}: {text}", status="suppressed"))
        elif code in _POSTMARK_REFUSED:
            results.append(Refused(f"Postmark {code}: {text}"))
        else:
            results.append(RetryableError(f"Postmark {code}: {text}"))
    return results


POSTMARK = BatchApi(
    esp="postmark",
    endpoint="email/batch",
    limit=500,
    max_bytes=50_000_000,
    item=_postmark_item,
    body=list,
    results=_postmark_results,
)


# -- Mailjet -----------------------------------------------------------------------------------


def _mailjet_item(payload: Any) -> Any:
    """Anymail's v3.1 payload keeps a message's fields in ``Globals`` and its ``To`` in its
    one ``Messages`` entry: one message of the batch is both (the entry's fields win, as in
    Mailjet's own merge of ``Globals``)."""
    messages = payload.data.get("Messages") or []
    if len(messages) != 1 or set(payload.data) - {"Globals", "Messages"}:
        return None
    merged = dict(payload.data["Globals"])
    for name, value in messages[0].items():
        known = merged.get(name)
        merged[name] = {**known, **value} if isinstance(known, dict) else value
    return merged


def _mailjet_results(status: int, answer: Any, parts: list[_Part]) -> list[Handed] | None:
    # Mailjet answers a call with some refused messages 400, with every message's result.
    messages = answer.get("Messages") if isinstance(answer, dict) else None
    if status not in {200, 201, 400} or not isinstance(messages, list):
        return None
    if len(messages) != len(parts):
        return None
    results: list[Handed] = []
    for part, one in zip(parts, messages, strict=True):
        if not isinstance(one, dict):
            return None
        recipients = one.get("To") or []
        if one.get("Status") == "success" and recipients and recipients[0].get("MessageID"):
            if str(recipients[0].get("Email", "")).lower() != part.ready.message.to_address.lower():
                return None
            results.append(_accepted(part, str(recipients[0]["MessageID"])))
            continue
        if one.get("Status") != "error":
            return None
        error = (one.get("Errors") or [{}])[0]
        code, text = int(error.get("StatusCode") or 400), str(error.get("ErrorMessage", ""))
        reason = f"Mailjet {error.get('ErrorCode', code)}: {text}"
        if code in {401, 403, 429} or code >= 500:
            results.append(RetryableError(reason))
        else:
            results.append(Refused(reason))
    return results


MAILJET = BatchApi(
    esp="mailjet",
    endpoint="send",
    limit=50,
    max_bytes=50_000_000,
    item=_mailjet_item,
    body=lambda items: {"Messages": items},
    results=_mailjet_results,
)


# -- Resend ------------------------------------------------------------------------------------


def _resend_item(payload: Any) -> Any:
    """A batch takes neither attachments nor a scheduled time: such a message goes alone."""
    if payload.get_api_endpoint() != "emails" or {"attachments", "scheduled_at"} & set(
        payload.data
    ):
        return None
    return payload.data


def _resend_results(status: int, answer: Any, parts: list[_Part]) -> list[Handed] | None:
    """Permissive validation: ``data`` has the created emails' ids in the order of the
    messages not named in ``errors`` (each error names its message's index)."""
    if status != 200 or not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        return None
    refused: dict[int, str] = {}
    for error in answer.get("errors") or []:
        index = error.get("index") if isinstance(error, dict) else None
        if not isinstance(index, int) or not 0 <= index < len(parts) or index in refused:
            return None
        refused[index] = str(error.get("message", ""))
    created = iter(answer["data"])
    if len(answer["data"]) != len(parts) - len(refused):
        return None
    results: list[Handed] = []
    for index, part in enumerate(parts):
        if index in refused:
            results.append(Refused(f"Resend: {refused[index]}"))
            continue
        one = next(created)
        if not isinstance(one, dict) or not one.get("id"):
            return None
        results.append(_accepted(part, str(one["id"])))
    return results


RESEND = BatchApi(
    esp="resend",
    endpoint="emails/batch",
    limit=100,
    max_bytes=40_000_000,
    item=_resend_item,
    body=list,
    results=_resend_results,
    headers={"x-batch-validation": "permissive"},
)


def batch_api(backend: Any) -> BatchApi | None:
    """The batch endpoint of the ESP ``backend`` talks to, if it has one we use."""
    if isinstance(backend, PostmarkBackend):
        return None if backend.use_bulk_api else POSTMARK  # the shop chose Postmark's bulk API
    if isinstance(backend, MailjetBackend):
        return MAILJET
    if isinstance(backend, ResendBackend):
        return RESEND
    return None


def batchable(lane: Lane) -> bool:
    """Whether a campaign's chunk on this lane goes in batch calls (an email lane whose
    ESP has a batch endpoint, unless the deployment turned them off)."""
    sender = lane.senders[0]
    if not isinstance(sender, EmailSender):
        return False
    return (sender.defaults is None or sender.defaults.batch) and batch_api(
        sender.backend
    ) is not None


def _accepted(part: _Part, provider_id: str) -> Accepted:
    return Accepted(
        provider_id=provider_id,
        subject=(part.mail.header("Subject") or "")[:300],
        message_id=part.mail.header("Message-ID") or "",
    )


def _answer_text(response: requests.Response, answer: Any) -> str:
    if isinstance(answer, dict):
        for key in ("Message", "ErrorMessage", "message"):
            if answer.get(key):
                return str(answer[key])[:300]
    return response.text[:300]


def _whole_call(response: requests.Response, answer: Any, api: BatchApi) -> MautomationError:
    """An answer that is not one result per message: what it says of all of them."""
    text = (
        f"{api.esp} answered {response.status_code} to the batch: {_answer_text(response, answer)}"
    )
    if response.status_code in ESP_NOT_SENT:
        return RetryableError(text)
    return OutcomeUnknown(text)


def _post(sender: EmailSender, api: BatchApi, parts: list[_Part]) -> list[Handed]:
    """One call; what became of each of its messages, in order."""
    backend = sender.backend
    if backend.session is None:
        backend.open()
    first = parts[0].payload
    params = first.get_request_params(backend.api_url)  # anymail's method, headers, auth
    params["url"] = urljoin(backend.api_url, api.endpoint)
    params["data"] = first.serialize_json(api.body([part.item for part in parts]))
    params["headers"] = {**(params.get("headers") or {}), **api.headers}
    params["timeout"] = backend.timeout
    try:
        response = backend.session.request(**params)
    except (PermanentError, RetryableError) as exc:  # the API's host resolves to a private address
        return [exc] * len(parts)
    except requests.RequestException as exc:
        sender._drop()  # the next call opens a new connection
        name = exc.__class__.__name__
        if request_never_sent(exc):
            return [RetryableError(f"{api.esp} unreachable: {name}")] * len(parts)
        return [OutcomeUnknown(f"No answer from {api.esp} to the batch: {name}")] * len(parts)
    try:
        answer = response.json()
    except ValueError:
        answer = None
    results = api.results(response.status_code, answer, parts)
    if results is None:
        return [_whole_call(response, answer, api)] * len(parts)
    return results


def _compose(sender: EmailSender, api: BatchApi, ready: Ready, now: Any) -> _Part | Handed:
    """The message's part of a call, or why it is refused before any call; None-item
    payloads (a message the batch endpoint does not take) are sent alone by the caller."""
    try:
        mail = sender.compose(ready.message, ready.context, now)
        email = esp_email(mail, sender.sender, ready.message.to_address, sender.backend)
        payload = sender.backend.build_message_payload(email, sender.backend.send_defaults)
        item = api.item(payload)
    except Refused as exc:
        return exc
    except (HeaderInvalid, BadHeaderError) as exc:
        return Refused(str(exc))
    except AnymailError as exc:  # anymail's own checks: an address or feature it cannot send
        return Refused(f"{exc.__class__.__name__}: {exc}")
    return _Part(ready, mail, payload, item, len(mail.html) + len(mail.text) + 2048)


def _calls(parts: list[_Part], api: BatchApi) -> list[list[_Part]]:
    calls: list[list[_Part]] = []
    size = 0
    for part in parts:
        if not calls or len(calls[-1]) >= api.limit or size + part.size > api.max_bytes:
            calls.append([])
            size = 0
        calls[-1].append(part)
        size += part.size
    return calls


def hand_over_batches(
    items: list[Ready], lane: Lane, *, now: Any, taken: set[int], done: dict[int, Handed]
) -> None:
    """Hand a campaign's ``items`` over in batch calls on the lane's connections, one thread
    per connection; what became of each lands in ``done``, as ``lanes.hand_over_all`` does.
    A fault of no named kind in a thread, or one interrupting the caller, stops the threads
    before their next call; a thread's is raised here."""
    senders = [sender for sender in lane.senders if isinstance(sender, EmailSender)]
    api = batch_api(senders[0].backend)
    assert api is not None
    assert len(senders) == len(lane.senders)
    per_call = min(api.limit, math.ceil(len(items) / len(senders)))
    work: queue.SimpleQueue[list[Ready]] = queue.SimpleQueue()
    for first in range(0, len(items), per_call):
        work.put(items[first : first + per_call])
    faults: list[BaseException] = []
    stopped = threading.Event()
    lock = threading.Lock()  # a call's messages are taken, or the threads stopped, never both

    def run(sender: EmailSender) -> None:
        try:
            while not stopped.is_set():
                try:
                    group = work.get_nowait()
                except queue.Empty:
                    return
                _group_send(sender, api, group, lane, now, taken, done, lock, stopped)
        except BaseException as exc:  # noqa: BLE001  # re-raised by the caller's thread
            with lock:
                faults.append(exc)
                stopped.set()

    threads_run(run, senders[: work.qsize()], lock=lock, stopped=stopped, faults=faults)


def _group_send(
    sender: EmailSender,
    api: BatchApi,
    group: list[Ready],
    lane: Lane,
    now: Any,
    taken: set[int],
    done: dict[int, Handed],
    lock: threading.Lock,
    stopped: threading.Event,
) -> None:
    parts: list[_Part] = []
    alone: list[Ready] = []
    for ready in group:
        composed = _compose(sender, api, ready, now)
        if not isinstance(composed, _Part):
            done[ready.message.pk] = composed  # refused before anything left
        elif composed.item is None:
            alone.append(ready)
        else:
            parts.append(composed)
    for call in _calls(parts, api):
        with lock:
            if stopped.is_set():
                return
            taken.update(part.ready.message.pk for part in call)
        if lane.pace is not None:
            for _ in call:  # the call counts all its messages against the rate
                lane.pace.wait()
        for part, result in zip(call, _post(sender, api, call), strict=True):
            done[part.ready.message.pk] = result
    for ready in alone:
        with lock:
            if stopped.is_set():
                return
            taken.add(ready.message.pk)
        done[ready.message.pk] = hand_over_one(sender, ready, now, lane.pace)
