"""AWS Signature Version 4, checked as AWS checks it, so a signing bug fails in the sandbox too.

The signature is recomputed with botocore's own signer from what arrived (the signed headers, the
body, the URL) and the secret of the access key; AWS answers 403 when:
- the access key is unknown (UnrecognizedClientException);
- the credential scope names another region or service, or the date in the scope is not the
  request's (InvalidSignatureException);
- the request's date is more than 5 minutes from the server's clock ("Signature expired");
- the signature differs (the wrong secret, or a request changed after signing).
The clock is the real one: botocore signs with the real time, whatever clock the sandbox's world
keeps.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

MAX_SKEW = timedelta(minutes=5)
AMZ_DATE = "%Y%m%dT%H%M%SZ"

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, ?SignedHeaders=(?P<headers>[a-z0-9;-]+), ?"
    r"Signature=(?P<signature>[0-9a-f]{64})"
)


@dataclass(frozen=True)
class SignatureProblem:
    """Why AWS would refuse the request: its error type and message (answered with 403)."""

    error_type: str
    message: str


def _now() -> datetime:
    return datetime.now(UTC)


def check_signature(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    secrets: Mapping[str, str],
    region: str,
    service: str,
    now: Callable[[], datetime] = _now,
) -> SignatureProblem | None:
    """None when the request is signed as AWS requires, else why not."""
    lowered = {k.lower(): v for k, v in headers.items()}
    authorization = lowered.get("authorization") or ""
    parts = _AUTHORIZATION.fullmatch(authorization.strip())
    if parts is None:
        return SignatureProblem(
            "UnrecognizedClientException",
            "Missing or malformed AWS Signature Version 4 authentication",
        )
    secret = secrets.get(parts["key"])
    if secret is None:
        return SignatureProblem(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    if parts["region"] != region:
        return SignatureProblem(
            "InvalidSignatureException",
            f"Credential should be scoped to a valid region, not '{parts['region']}'.",
        )
    if parts["service"] != service:
        return SignatureProblem(
            "InvalidSignatureException",
            f"Credential should be scoped to correct service: '{service}'.",
        )
    return _check_time(lowered, parts["date"], now()) or _check_value(
        method, url, lowered, body, parts, secret, region, service
    )


def _check_time(
    headers: Mapping[str, str], scope_date: str, now: datetime
) -> SignatureProblem | None:
    stamp = headers.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(stamp, AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        return SignatureProblem(
            "IncompleteSignatureException", "X-Amz-Date must be in the ISO8601 basic format."
        )
    if stamp[:8] != scope_date:
        return SignatureProblem(
            "InvalidSignatureException",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope_date}' != '{stamp[:8]}'.",
        )
    if abs(now - signed_at) > MAX_SKEW:
        earliest = (now - MAX_SKEW).strftime(AMZ_DATE)
        return SignatureProblem(
            "InvalidSignatureException",
            f"Signature expired: {stamp} is now earlier than {earliest} "
            f"({now.strftime(AMZ_DATE)} - 5 min.)"
            if signed_at < now
            else f"Signature not yet current: {stamp} is still later than "
            f"{(now + MAX_SKEW).strftime(AMZ_DATE)} ({now.strftime(AMZ_DATE)} + 5 min.)",
        )
    return None


def _check_value(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    parts: re.Match[str],
    secret: str,
    region: str,
    service: str,
) -> SignatureProblem | None:
    signed = parts["headers"].split(";")
    missing = [name for name in signed if name not in headers]
    if missing or "host" not in signed:
        return SignatureProblem(
            "IncompleteSignatureException", "The request must sign the host header."
        )
    request = AWSRequest(
        method=method, url=url, data=body, headers={name: headers[name] for name in signed}
    )
    request.context["timestamp"] = headers["x-amz-date"]
    signer = SigV4Auth(Credentials(parts["key"], secret), service, region)
    # botocore's own steps, fed the request's timestamp instead of the clock
    expected = signer.signature(
        signer.string_to_sign(request, signer.canonical_request(request)), request
    )
    if hmac.compare_digest(expected, parts["signature"]):
        return None
    return SignatureProblem(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.",
    )
