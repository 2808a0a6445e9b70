"""Requests signed for real (botocore's SigV4 signer), for tests that call the sandbox's AWS routes
by hand: the sandbox verifies every signature as AWS does."""

from __future__ import annotations

from collections.abc import Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# a key pair the sandbox's default world accepts
CREDENTIALS = Credentials("AKIDEXAMPLE", "fake-secret-for-tests")


def signed_headers(
    method: str,
    url: str,
    body: bytes | str = b"",
    headers: Mapping[str, str] | None = None,
    *,
    service: str,
    region: str = "us-east-1",
    credentials: Credentials = CREDENTIALS,
) -> dict[str, str]:
    """`headers` plus the SigV4 headers of this exact request."""
    data = body.encode() if isinstance(body, str) else body
    request = AWSRequest(method=method, url=url, data=data, headers=dict(headers or {}))
    SigV4Auth(credentials, service, region).add_auth(request)
    return {key: str(value) for key, value in request.headers.items()}
