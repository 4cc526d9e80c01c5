"""A logging filter that masks anything shaped like a credential before it is written."""

import logging
import re

_SECRET_PATTERNS = [
    # bearer tokens and OAuth token fields, in headers, JSON or form bodies
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(\"?(?:access_token|refresh_token|id_token|client_secret)\"?\s*[:=]\s*\"?)[^\"&\s,]+"),
    # the authorization code in a callback URL or form (not the fault codes QuickBooks reports)
    re.compile(r"(?i)((?:^|[?&])code=)[^&\s]+"),
]


def redact(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
