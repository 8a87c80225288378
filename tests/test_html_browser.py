"""The HTML report in a real browser: Debian's headless chromium, driven over the DevTools protocol.

The protocol runs over a pipe (``--remote-debugging-pipe``: the browser reads commands on fd 3 and
writes answers on fd 4), so no port is opened and no browser build is downloaded. Every wait is
bounded and the browser is killed whatever happens. Without /usr/bin/chromium the tests skip.

``python -m tests.test_html_browser`` rewrites docs/html-report.png from the shipped cassettes.
"""

from __future__ import annotations

import base64
import json
import os
import select
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from harness.report.html import render_html
from harness.run import check_paths

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--remote-debugging-pipe", "--hide-scrollbars"]
TIMEOUT = 30.0


class BrowserError(RuntimeError):
    """The browser did not answer in time, answered with an error, or went away."""


class Browser:
    """A minimal DevTools client over the browser's pipe: commands, their answers, and the events seen."""

    def __init__(self, process: subprocess.Popen[bytes], commands: int, answers: int) -> None:
        self.process, self.commands, self.answers = process, commands, answers
        self.events: list[dict[str, Any]] = []
        self.buffer = b""
        self.last_id = 0
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = TIMEOUT) -> dict[str, Any]:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if self.session is not None and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        answer = self._until(lambda m: m.get("id") == self.last_id, timeout, method)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait_for(self, method: str, *, timeout: float = TIMEOUT) -> dict[str, Any]:
        seen = next((event for event in self.events if event.get("method") == method), None)
        return seen or self._until(lambda m: m.get("method") == method, timeout, method)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def _until(self, wanted: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise BrowserError(f"no answer to {what} within {timeout}s")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise BrowserError(f"the browser closed the pipe while waiting for {what}")
            self.buffer += chunk


def _child_pipes(commands: int, answers: int) -> Callable[[], None]:
    """In the child, before exec: the command pipe's read end as fd 3, the answer pipe's write end as fd 4."""
    def arrange() -> None:
        read, write = os.dup(commands), os.dup(answers)  # copies first, so neither is overwritten by the other
        os.dup2(read, 3)
        os.dup2(write, 4)
    return arrange


@contextmanager
def browser(width: int = 1280, height: int = 900) -> Iterator[Browser]:
    """A headless chromium with one page attached, killed on the way out whatever happened."""
    with tempfile.TemporaryDirectory(prefix="harness-chromium-") as profile:
        command_read, command_write = os.pipe()
        answer_read, answer_write = os.pipe()
        log = open(Path(profile) / "stderr.log", "wb")  # noqa: SIM115 (closed below, after the process)
        process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=False,
            preexec_fn=_child_pipes(command_read, answer_write),  # noqa: PLW1509 (no threads here)
            start_new_session=True)
        os.close(command_read)
        os.close(answer_write)
        client = Browser(process, command_write, answer_read)
        try:
            targets = client.send("Target.getTargets")["targetInfos"]
            page = next(t["targetId"] for t in targets if t["type"] == "page")
            client.session = client.send("Target.attachToTarget", {"targetId": page, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                client.send(f"{domain}.enable")
            client.send("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            yield client
        except BrowserError as error:
            raise BrowserError(f"{error}; chromium's log ends: {_tail(Path(profile) / 'stderr.log')}") from error
        finally:
            try:
                client.session = None
                client.send("Browser.close", timeout=5)
                process.wait(timeout=5)
            except (BrowserError, OSError, subprocess.TimeoutExpired):
                pass
            try:
                os.killpg(process.pid, 9)  # the browser and its helpers, whatever is left of them
            except ProcessLookupError:
                pass
            process.wait(timeout=5)
            os.close(command_write)
            os.close(answer_read)
            log.close()


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-2000:]
    except OSError:
        return "(no log)"


def open_page(client: Browser, path: Path) -> None:
    """Load a file and wait for its load event; the events recorded are this page's only."""
    client.events.clear()
    client.send("Page.navigate", {"url": path.resolve().as_uri()})
    client.wait_for("Page.loadEventFired")


def screenshot(client: Browser) -> bytes:
    return base64.b64decode(client.send("Page.captureScreenshot", {"format": "png"})["data"])


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def console_errors(client: Browser) -> list[str]:
    """Every error the page reported: console.error, an uncaught exception, a browser log entry."""
    errors = []
    for event in client.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args")))
        elif method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", ""))
    return errors


# -- the tests ----------------------------------------------------------------------------------------------

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (Debian's chromium package): "
                                "`apt-get install chromium` to run the browser tests")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = check_paths([ROOT / "cassettes" / "openai-responses", ROOT / "cassettes" / "anthropic-messages"],
                          keep_events=True)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_bytes(render_html(reports))
    return path


@pytest.fixture(scope="module")
def shared() -> Iterator[Browser]:
    with browser() as client:
        yield client


@pytest.fixture()
def page(shared: Browser, report_file: Path) -> Browser:
    """The report freshly loaded in a 1280x800 viewport."""
    shared.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1,
                                                       "mobile": False})
    open_page(shared, report_file)
    return shared


def test_the_page_loads_offline_without_a_console_error(page: Browser) -> None:
    requests = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
    assert page.evaluate("document.readyState") == "complete"
    assert console_errors(page) == []
    assert requests and all(url.startswith(("file:", "data:", "about:")) for url in requests), requests


def test_the_matrix_and_the_timelines_render(page: Browser) -> None:
    found = page.evaluate("""(() => {
        const matrix = document.getElementById('matrix');
        const heads = [...matrix.querySelectorAll('thead th[data-family]')].map(th => th.textContent);
        const rows = [...matrix.querySelectorAll('tbody tr')].map(tr => tr.dataset.provider);
        document.querySelector('button[data-action=expand]').click();
        const svg = document.querySelector('svg.timeline');
        const box = svg.getBoundingClientRect();
        return {heads, rows, js: document.documentElement.classList.contains('js'),
                open: document.querySelectorAll('details.cassette:not([open])').length,
                svgs: document.querySelectorAll('svg.timeline').length,
                lanes: svg.querySelectorAll('g.lane.item').length, ticks: svg.querySelectorAll('line.tick').length,
                width: box.width, height: box.height};
    })()""")
    assert found["heads"][:8] == ["WIRE", "SCHEMA", "ORDER", "LIFECYCLE", "ASSEMBLY", "RESUME", "STATE", "CASSETTE"]
    assert set(found["rows"]) == {"openai-responses", "anthropic-messages"}
    assert found["js"] and found["open"] == 0  # the script ran: "expand all" opened every cassette
    assert found["svgs"] > 10 and found["lanes"] >= 1 and found["ticks"] >= 1
    assert found["width"] > 600 and found["height"] > 60  # drawn at a readable size, not collapsed
    assert console_errors(page) == []


def test_a_screenshot_of_the_page(page: Browser) -> None:
    image = screenshot(page)
    assert png_size(image) == (1280, 800)
    assert len(image) > 20_000  # a page with text and colour, not a blank frame


def test_a_finding_link_opens_its_cassette_and_scrolls_to_its_event(page: Browser) -> None:
    link = page.evaluate("""(() => {
        const boxes = [...document.querySelectorAll('details.cassette')];
        const a = [...document.querySelectorAll('a.goto')].find(a => /-f\\d+$/.test(a.hash)
            && boxes.indexOf(a.closest('details.cassette')) > 3);
        return a.hash.slice(1);
    })()""")
    assert page.evaluate(f"document.getElementById({json.dumps(link)}).closest('details.cassette').open") is False
    page.evaluate(f"location.hash = {json.dumps(link)}")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    seen = page.evaluate(f"""(() => {{
        const row = document.getElementById({json.dumps(link)});
        const box = row.getBoundingClientRect();
        return {{open: row.closest('details.cassette').open, top: box.top, bottom: box.bottom,
                 height: window.innerHeight, target: document.querySelector(':target') === row,
                 scrolled: window.scrollY}};
    }})()""")
    assert seen["open"] and seen["target"] and seen["scrolled"] > 0
    assert 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen


# -- the screenshot in docs/ ----------------------------------------------------------------------------


def write_docs_screenshot(path: Path = ROOT / "docs" / "html-report.png") -> None:
    """The report over every shipped cassette as a reader sees it after opening the first cassette
    whose finding points at an event and whose stream has two items: summary, matrix, one drill-down."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        shipped = Path(os.path.relpath(ROOT / "cassettes"))  # paths as `harness check cassettes/` shows them
        page.write_bytes(render_html(check_paths([shipped], keep_events=True)))
        with browser(1280, 900) as client:
            open_page(client, page)
            bottom = client.evaluate("""(() => {
                const box = [...document.querySelectorAll('details.cassette')].find(d =>
                    d.querySelector('a.goto[href*="-f"]') && d.querySelector('svg.timeline g.lane.item ~ g.lane.item'));
                box.open = true;
                return box.getBoundingClientRect().bottom + window.scrollY + 3;
            })()""")
            image = client.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                           "clip": {"x": 0, "y": 0, "width": 1280, "height": bottom,
                                                                    "scale": 1}})
            path.write_bytes(base64.b64decode(image["data"]))


if __name__ == "__main__":
    write_docs_screenshot(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "html-report.png")
