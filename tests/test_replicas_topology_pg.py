"""The local replicas topology (scripts/replicas.sh, docs/deploy.md): PostgreSQL, the sandbox as
Amazon and three `bot serve` replicas on loopback all come up healthy, and `bot doctor` passes
against it, naming the shared database and seeing the three replicas' workers of the job queue
(procrastinate) that run the scheduled work. Slow (three bot processes): about 30-60 s."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pg_support import fresh_database, needs_postgres

pytestmark = needs_postgres

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "replicas.sh"


def _three_free_ports() -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base > 65000:
            continue
        try:
            for port in (base + 1, base + 2):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise AssertionError("no three free ports in a row")


@pytest.mark.timeout(400)  # three bot processes and PostgreSQL on a loaded machine
async def test_three_replicas_start_on_one_database_and_bot_doctor_passes(
    tmp_path: Path,
) -> None:
    with fresh_database() as url:
        env = os.environ | {
            "BOT_DATABASE_URL": url,
            "BOT_REPLICA_PORT": str(_three_free_ports()),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        done = await asyncio.to_thread(
            subprocess.run,
            ["bash", str(SCRIPT), "--check"],
            capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
        )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for n in (1, 2, 3):
        assert f"replica {n} ready" in out
    assert "ok    shared database (BOT_DATABASE_URL): PostgreSQL" in out
    # a replica registers its worker an instant after its /healthz turns 200: count not asserted
    assert re.search(
        r"ok    scheduled work \(device refresh, digests\): \d workers? on the job queue", out
    ), out
    assert "Everything checked works." in out
