"""CSV downloads written as they are read: rows in, text chunks out, never the whole file in
memory, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

CHUNK_CHARS = 8192
_FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def spreadsheet_safe(value: object) -> object:
    """A text cell starting with = + - @ (or a tab or carriage return) is prefixed with ``'``
    so that a spreadsheet reads it as text (OWASP's CSV injection advice); other values as
    they are."""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return f"'{value}"
    return value


def csv_stream(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, chunk_chars: int = CHUNK_CHARS
) -> Iterator[str]:
    """The header and the rows as CSV text, in chunks of about ``chunk_chars``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        if buffer.tell() >= chunk_chars:
            yield flush()
    yield flush()
