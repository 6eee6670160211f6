"""Load a page in headless Chromium and measure it, with no Python
dependency: the DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages separated by NUL bytes on file descriptors 3 and 4 of the browser).

``python tests/browser.py report.html shot.png`` prints the page height and
console errors and writes a full-page screenshot (for looking at it).
Chromium comes from Debian (``apt-get install chromium``, see ``.ci/run``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

#: flags for a quiet, isolated, reproducible headless run (no network
#: services, no first-run UI, a fresh profile per run)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--hide-scrollbars", "--mute-audio")


def chromium() -> str | None:
    """Path of the Chromium executable, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


@dataclass
class Page:
    """What a loaded page looked like."""

    height: int
    width: int
    errors: list[str] = field(default_factory=list)     # console errors, uncaught exceptions, failed loads
    values: dict = field(default_factory=dict)         # results of the ``evaluate`` expressions
    screenshot: bytes | None = None                     # PNG of the whole page


class _Pipe:
    def __init__(self, proc: subprocess.Popen, w: int, r: int):
        self.proc, self.w, self.r = proc, w, r
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for k, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(k)
        while True:
            m = self._read(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def _read(self, deadline: float) -> dict:
        import select

        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"chromium exited (code {self.proc.poll()})")
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)


def load(path: str | Path, *, width: int = 1280, height: int = 900, evaluate: dict[str, str] | None = None,
         screenshot: bool = False, timeout: float = 60) -> Page:
    """Open ``path`` (a local HTML file) in a fresh headless Chromium at
    ``width``×``height``, wait for the load event, and return the page's
    full height, its console errors, the values of ``evaluate``
    (name → JavaScript expression) and optionally a full-page PNG."""
    exe = chromium()
    if exe is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    url = Path(path).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()

    def fds():                          # the browser reads fd 3 and writes fd 4
        r, w = os.dup(to_r), os.dup(from_w)       # out of the way first: a pipe end may be fd 3 or 4
        os.dup2(r, 3)
        os.dup2(w, 4)
        os.set_inheritable(3, True)
        os.set_inheritable(4, True)

    proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=fds, close_fds=False)
    os.close(to_r)
    os.close(from_w)
    pipe = _Pipe(proc, to_w, from_r)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
        s = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.send(f"{domain}.enable", session=s)
        pipe.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=s)
        pipe.send("Page.navigate", {"url": url}, session=s)
        pipe.wait_event("Page.loadEventFired", timeout=timeout)
        exprs = {"height": "document.documentElement.scrollHeight", "width": "document.documentElement.scrollWidth",
                 **(evaluate or {})}
        values = {}
        for name, js in exprs.items():
            r = pipe.send("Runtime.evaluate", {"expression": js, "returnByValue": True}, session=s)
            values[name] = r.get("result", {}).get("value")
        shot = None
        if screenshot:
            clip = {"x": 0, "y": 0, "width": values["width"], "height": values["height"], "scale": 1}
            shot = base64.b64decode(pipe.send("Page.captureScreenshot",
                                              {"format": "png", "clip": clip, "captureBeyondViewport": True},
                                              session=s, timeout=timeout)["data"])
        errors = []
        for e in pipe.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                errors.append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errors.append(p["entry"].get("text", "error"))
            elif m == "Network.loadingFailed":
                errors.append(f"failed to load: {p.get('errorText')}")
        try:
            pipe.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError):
            pass
        return Page(int(values.pop("height")), int(values.pop("width")), errors, values, shot)
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(to_w)
        os.close(from_r)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    page = load(sys.argv[1], screenshot=len(sys.argv) > 2)
    print(f"height {page.height}px, width {page.width}px, errors {page.errors}")
    if page.screenshot:
        Path(sys.argv[2]).write_bytes(page.screenshot)
