"""gunicorn servers for the benchmark: start, wait until ready or idle, measure, stop.

Workers are found and measured through /proc (no psutil needed): their
resident memory (VmRSS) and CPU time. HTTP requests are plain `http.client`
with the `X-Forwarded-Proto: https` header the TLS proxy sets in
production, so the portal neither redirects to HTTPS nor refuses secure cookies.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from . import common

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
WORKERS = 2
WORKER_TIMEOUT = 300  # seconds; a slow page must finish, not be killed mid-measurement


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if path.exists():
        return [int(p) for p in path.read_text().split()]
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        out = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                out[key.strip()] = rest.split(";", 1)[0]
        return out


@dataclass
class Server:
    """One gunicorn master with its sync workers on a free local port."""

    name: str
    app: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/") -> None:
        common.RUN_DIR.mkdir(exist_ok=True)
        log = common.RUN_DIR / f"{self.name}.log"
        command = [
            str(common.GUNICORN),
            self.app,
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={WORKERS}",
            "--worker-class=sync",
            f"--timeout={WORKER_TIMEOUT}",
            "--graceful-timeout=5",
            f"--error-logfile={log}",
            "--no-control-socket",  # two servers at once; the benchmark needs no control interface
        ]
        env = {**os.environ, **self.env}
        self.process = subprocess.Popen(command, cwd=common.ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited; see {log}")
            try:
                if self.get(ready_path).status < 500 and len(self.workers()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name}: not ready after 60 s; see {log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.workers()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait()

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def rss(self) -> dict[int, int]:
        return {pid: rss_kib(pid) for pid in self.workers()}

    def wait_idle(self, database_url: str | None = None, limit: float = 300.0) -> float:
        """Wait until the workers use no CPU and the database runs no query; returns seconds."""
        started = time.monotonic()
        calm = 0
        previous = None
        while time.monotonic() - started < limit and calm < 2:
            ticks = sum(cpu_ticks(p) for p in self.workers())
            busy_db = database_url is not None and _active_queries(database_url) > 0
            calm = calm + 1 if previous is not None and ticks - previous <= 2 and not busy_db else 0
            previous = ticks
            time.sleep(0.4)
        return time.monotonic() - started

    # ------------------------------------------------------------------ HTTP
    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 120,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(
                method, path, body=body, headers={**PROXY_HEADERS, **(headers or {})}
            )
            answer = connection.getresponse()
            return Response(answer.status, answer.getheaders(), answer.read())
        finally:
            connection.close()

    def get(self, path: str, cookie: str = "", **kwargs) -> Response:
        return self.request("GET", path, headers={"Cookie": cookie} if cookie else None, **kwargs)

    def login(self, email: str, password: str) -> str:
        """Sign in through the real login form; returns the Cookie header of the session."""
        page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        csrf = page.cookies().get("csrftoken")
        if page.status != 200 or not token or not csrf:
            raise SystemExit(f"login page answered {page.status} without a CSRF token")
        origin = f"https://127.0.0.1:{self.port}"
        answer = self.request(
            "POST",
            "/accounts/login/",
            headers={
                "Cookie": f"csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/accounts/login/",
            },
            body=urlencode(
                {
                    "login": email,
                    "password": password,
                    "csrfmiddlewaretoken": token.group(1).decode(),
                }
            ).encode(),
        )
        session = answer.cookies().get("sessionid")
        if answer.status != 302 or not session:
            raise SystemExit(f"signing in {email} failed: HTTP {answer.status}")
        if "/2fa/authenticate/" in answer.header("Location"):
            session = self._second_step(csrf, session, origin)
        return f"csrftoken={csrf}; sessionid={session}"

    def _second_step(self, csrf: str, session: str, origin: str) -> str:
        """Answer the login's second step with the authenticator app's current code."""
        from benchmarks.common import totp_code

        cookie = f"csrftoken={csrf}; sessionid={session}"
        page = self.get("/accounts/2fa/authenticate/", cookie)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not token:
            raise SystemExit(f"second step answered {page.status} without a CSRF token")
        answer = self.request(
            "POST",
            "/accounts/2fa/authenticate/",
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/accounts/2fa/authenticate/",
            },
            body=urlencode(
                {"code": totp_code(), "csrfmiddlewaretoken": token.group(1).decode()}
            ).encode(),
        )
        session = answer.cookies().get("sessionid") or session
        if answer.status != 302 or "/2fa/" in answer.header("Location"):
            raise SystemExit(f"second step of signing in failed: HTTP {answer.status}")
        return session


def _active_queries(database_url: str) -> int:
    with common.connect(common.maintenance_url(database_url)) as c:
        row = c.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active'",
            [common.database_name(database_url)],
        ).fetchone()
    return row[0]
