"""SandboxServer: the sandbox app served by uvicorn in a background thread with its own loop.

The socket is bound before uvicorn starts so that port 0 yields a known free port at once;
`start()` returns only when uvicorn is accepting connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from types import TracebackType

import uvicorn

from bot.clock import Clock
from bot.sandbox.app import SandboxApp, create_app
from bot.sandbox.faults import Faults
from bot.sandbox.world import World, WorldState

STARTUP_TIMEOUT_S = 10.0


class _PromptServer(uvicorn.Server):
    """A uvicorn Server whose stop request wakes its main loop at once, not at the next tick.

    uvicorn polls `should_exit` every 0.1 s and then waits a fixed 0.1 s in shutdown; waking the
    loop halves the cost of a stop, which tests and `bot demo` pay every time.
    """

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    def request_exit(self) -> None:
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(wake.set)


class SandboxServer:
    def __init__(
        self,
        world: World | WorldState,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.app = create_app(world, faults, clock=clock)
        self.sandbox: SandboxApp = self.app.state.sandbox
        self._server: _PromptServer | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def state(self) -> WorldState:
        return self.sandbox.state

    @property
    def faults(self) -> Faults:
        return self.sandbox.faults

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        """Start serving; returns the base URL once the server accepts connections."""
        if self._server is not None:
            return self.url
        # IPPROTO_TCP explicitly: asyncio turns Nagle off only on sockets whose proto says TCP, and
        # with Nagle on every answer waits ~40 ms for the client's delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()  # a port in use: the caller says so; the socket must not leak
            raise
        # Without it every reused keep-alive connection waits ~40 ms (Nagle + delayed ACK) per request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # never reconfigure the host process's logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            backlog=2048,
            timeout_graceful_shutdown=2,
        )
        server = _PromptServer(config)
        self._server = server

        def run() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except BaseException as exc:  # reported to the thread that waits in start()
                self._error = exc
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not server.started:
            if self._error is not None or not self._thread.is_alive():
                self._server = None
                raise RuntimeError(f"the sandbox server failed to start: {self._error!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start in time")
            time.sleep(0.005)
        return self.url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.request_exit()
        thread.join(timeout=10)
        self._server = None
        self._thread = None

    def reset(
        self, world: World | WorldState, faults: Faults | None = None, *, clock: Clock | None = None
    ) -> None:
        """Swap in another world, fresh stats, tokens and faults without restarting (cheap,
        unlike stop).
        """
        self.sandbox.reset(world, faults, clock)

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    world: World | WorldState,
    faults: Faults | None = None,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    log_level: str = "info",
) -> None:
    """Serve in the foreground until Ctrl-C (for `bot sandbox serve`); logs one line per request."""
    uvicorn.run(
        create_app(world, faults),
        host=host,
        port=port,
        log_level=log_level,
        lifespan="off",
        ws="none",
        backlog=2048,
    )
