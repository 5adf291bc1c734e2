"""Log records as JSON, one object per line (``LOG_FORMAT=json``), for log collectors that
parse lines rather than guess at a text format.

Only the record's own fields are written: the time (UTC, ISO 8601), the level, the logger's
name, the formatted message and, when there is one, the exception with its traceback. Extras
attached to a record (Django's ``request``, Celery's task arguments) are never serialised: they
may hold addresses, tokens or bodies.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)
