"""Driving a page with wrk and reading its report (req/s, latency percentiles, errors)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from . import common
from .pages import BUST_PARAM

INSTALL_HINT = "wrk is not installed: apt-get install -y wrk (Debian's package)"

# Each request gets a unique value of the cache-busting parameter (thread id and counter).
BUST_LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
function request()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "PARAM=" .. tid .. "-" .. counter)
end
""".replace("PARAM", BUST_PARAM)

# Requests cycling over a list of "path<TAB>cookie" lines (the memory check), non-200 counted.
MIX_LUA = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
local lines, index = {}, 0
bad = 0
function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^(.-)\\t(.*)$")
    table.insert(lines, {path, cookie})
  end
  index = tid * 7
end
function request()
  index = index % #lines + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  if lines[index][2] ~= "" then headers["Cookie"] = lines[index][2] end
  return wrk.format("GET", lines[index][1], headers)
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("Non-200 responses: %d\\n", total))
end
"""


@dataclass
class Result:
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    socket_errors: int = 0
    timeouts: int = 0
    bad_status: int = 0
    output: str = ""

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad_status


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(INSTALL_HINT)
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse(output: str) -> Result:
    result = Result(output=output)
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.rps = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", output, re.M):
        result.p50_ms = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", output, re.M):
        result.p99_ms = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", output):
        result.requests = int(m.group(1))
    if m := re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        connect, read, write, timeout = (int(g) for g in m.groups())
        result.socket_errors = connect + read + write + timeout
        result.timeouts = timeout
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result.bad_status += int(m.group(1))
    if m := re.search(r"Non-200 responses: (\d+)", output):
        result.bad_status = int(m.group(1))
    return result


def _script(name: str, text: str) -> str:
    common.RUN_DIR.mkdir(exist_ok=True)
    path = common.RUN_DIR / name
    path.write_text(text)
    return str(path)


def run(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    bust: bool = False,
    timeout: int = 30,
) -> Result:
    """wrk -t2 -c<connections> -d<duration>s --latency --timeout <timeout>s on one URL."""
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        f"--timeout={timeout}s",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if bust:
        command += ["-H", "Cache-Control: no-cache", "-s", _script("bust.lua", BUST_LUA)]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    return parse(completed.stdout + completed.stderr)


def run_mix(
    base: str, lines: list[tuple[str, str]], *, requests: int, connections: int, threads: int = 2
) -> Result:
    """At least `requests` requests cycling over (path, cookie) pairs, in wrk runs of a few seconds.

    wrk runs for a duration, not a count: the first run takes 10 s, each
    further one as long as the rate so far says the rest needs (10–120 s).
    """
    common.RUN_DIR.mkdir(exist_ok=True)
    paths = common.RUN_DIR / "mix.txt"
    paths.write_text("".join(f"{path}\t{cookie}\n" for path, cookie in lines))
    script = _script("mix.lua", MIX_LUA)
    total, elapsed, chunks = Result(), 0.0, []
    while total.requests < requests:
        rate = total.requests / elapsed if elapsed else 0
        seconds = 10 if not rate else min(120, max(10, (requests - total.requests) / rate + 1))
        command = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s"]
        command += ["--latency", "--timeout=60s", "-s", script, f"{base}/", "--", str(paths)]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        chunk = parse(completed.stdout + completed.stderr)
        if not chunk.requests:
            total.output = chunk.output
            break
        chunks.append(chunk)
        elapsed += round(seconds)
        total.requests += chunk.requests
        total.socket_errors += chunk.socket_errors
        total.timeouts += chunk.timeouts
        total.bad_status += chunk.bad_status
    total.rps = total.requests / elapsed if elapsed else 0.0
    if chunks:
        total.p50_ms = sorted(c.p50_ms or 0 for c in chunks)[len(chunks) // 2]
        total.p99_ms = max(c.p99_ms or 0 for c in chunks)
    return total
