"""The embedded default's broker (``filesystem://``) with messages that appear whole.

kombu's filesystem transport creates a message's file in the queue folder, then locks it and
writes it. A worker polling the folder in between moves and reads the file empty and dies on the
JSON (a worker of ``mautomation demo`` did so under the simulator's load). Here a message is
written under a name the readers skip and renamed into the queue when complete: a rename within
one folder is atomic, so a reader finds a whole message or none.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from saleor_mautomation.core import clock


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]  # the stubs of the two bases disagree
        # The name kombu's readers sort and match on: <ms>_<uuid>.<queue>.msg.
        name = f"{round(clock.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Readers take only names whose part after the first dot is "<queue>.msg".
        partial = os.path.join(self.data_folder_out, f"partial-{uuid.uuid4().hex}")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def install() -> None:
    """Make ``filesystem://`` broker URLs use this transport (kombu resolves aliases lazily)."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
