"""How fast the front desk answers once warm: the preview (web edition) and the PDF of a 2-page handout.

Starts `handouts serve` as the README does (in its own process, on a free local port),
asks once for each (cold, unless the desk drew it ahead while starting: it draws every
handout's A4 preview and PDF in the background; the Letter PDF shows a variant it did
not), then 30 times more (warm: from the
cache keyed by content hash) over one kept-alive HTTP connection, and prints the
median and the slowest warm answer; then again with --watch, where every request
first checks whether a content or template file changed. Target: a warm answer under 50 ms.

    .venv/bin/python benchmarks/desk.py
"""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 30
TARGET_MS = 50.0
ADDRESSES = {
    "preview (web edition)": "/preview?topic=probiotics&audience=parents&lang=en",
    "PDF": "/pdf?topic=probiotics&audience=parents&lang=en",
    "large-print PDF": "/pdf?topic=probiotics&audience=parents&lang=en&large_print=1",
    "online copy": "/en/parents/probiotics",
    "online PDF": "/en/parents/probiotics.pdf",
    "PDF, Letter": "/pdf?topic=diet&audience=adults&lang=en&page_size=letter",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(connection: http.client.HTTPConnection, address: str) -> tuple[float, int]:
    start = time.perf_counter()
    connection.request("GET", address)
    answer = connection.getresponse()
    body = answer.read()
    elapsed = (time.perf_counter() - start) * 1000
    if answer.status != 200:
        raise SystemExit(f"{address}: HTTP {answer.status}: {body[:200]!r}")
    return elapsed, len(body)


def main() -> int:
    worst = 0.0
    for flags in ([], ["--watch"]):
        worst = max(worst, run(flags))
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"warm answers: slowest median {worst:.1f} ms; {verdict} the {TARGET_MS:.0f} ms target")
    return 0 if worst < TARGET_MS else 1


def run(flags: list[str]) -> float:
    """One desk (`handouts serve` with these flags); returns the slowest warm median in ms."""
    port = free_port()
    handouts = Path(sys.executable).with_name("handouts")
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([str(handouts), "serve", "--port", str(port), "--db", f"{folder}/log.sqlite",
                                   *flags],
                                  cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert server.stdout is not None
            started = time.perf_counter()
            line = server.stdout.readline()
            if "open at" not in line:
                raise SystemExit(line + server.stdout.read())
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            print(f"handouts serve {' '.join(flags)}: started (library read) in {(time.perf_counter() - started) * 1000:.0f} ms")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            worst = 0.0
            print(f"{'':24} {'cold':>8} {'warm median':>12} {'warm max':>9} {'bytes':>8}")
            for name, address in ADDRESSES.items():
                cold, size = fetch(connection, address)
                warm = [fetch(connection, address)[0] for _ in range(ROUNDS)]
                worst = max(worst, statistics.median(warm))
                print(f"{name:24} {cold:6.0f}ms {statistics.median(warm):10.1f}ms {max(warm):7.1f}ms {size:8}")
            connection.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return worst


if __name__ == "__main__":
    sys.exit(main())
