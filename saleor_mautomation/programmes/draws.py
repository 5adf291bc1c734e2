"""The winners of a prize draw, as a pure function of the seed and the entries.

Each entry is ranked by ``SHA-256("<seed>:<contact id>")`` (hex, ascending; the contact id
breaks a tie, which SHA-256 makes practically impossible), and the first ``winners`` ranks win.
An entry's rank depends on the seed and that entry alone, never on the order the entries were
read or made in, so anyone holding the seed and the list of entrants' ids can recompute the
winners, and the same seed with the same entries always gives the same winners. The seed is
drawn from ``secrets`` when the admin gives none, and recorded on the draw either way.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

SEED_BYTES = 16


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def entry_rank_key(seed: str, contact_id: int) -> tuple[str, int]:
    return hashlib.sha256(f"{seed}:{contact_id}".encode()).hexdigest(), contact_id


def ranking(seed: str, contact_ids: Iterable[int]) -> list[int]:
    """Every entrant's contact id, best first."""
    return sorted(set(contact_ids), key=lambda contact_id: entry_rank_key(seed, contact_id))


def winners_of(seed: str, contact_ids: Iterable[int], count: int) -> list[int]:
    """The ``count`` winners' contact ids, first prize first."""
    return ranking(seed, contact_ids)[:count]
