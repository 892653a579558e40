"""JupyterLab as a learner meets it: no news pop-up, and each committed notebook renders as a reader sees it.

Starts JupyterLab on notebooks/, opens every notebook in headless Chromium (Debian's
`chromium`, driven by Playwright with the system's browser; nothing is downloaded), and
checks that the title is visible, that figures arrive as images, and that no error output
shows. A screenshot of each goes to runs/browser/. Skips, saying why, where no browser can
be had; `.ci/run` installs Debian's chromium so that CI always runs it.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from playwright.sync_api import sync_playwright

from mnist_helpers.layout import CHECK_TAG, NOTEBOOK_PATTERN, ROOT, SETUP_TAG
from mnist_helpers.layout import NOTEBOOKS as FOLDER

NOTEBOOKS = sorted(FOLDER.glob(NOTEBOOK_PATTERN))
SCREENSHOTS = ROOT / "runs" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As root and on a closed network, Chromium needs these to start quietly and promptly.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="no chromium on PATH: `apt-get install chromium` (.ci/run does)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on notebooks/, with every cell rendered (no virtual scrolling)."""
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))  # render all cells, not only those in view
    port, token = free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTER_CONFIG_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(settings / "workspaces")}
    log = settings / "jupyterlab.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT / 'notebooks'}"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start; the end of its log:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
    yield url, token
    server.terminate()
    server.wait(timeout=30)


def test_jupyterlab_never_asks_about_jupyter_news(lab):
    """The environment's overrides.json (make installs docs/jupyterlab-overrides.json) answers JupyterLab's
    "get notified about official Jupyter news?" for every learner: the pop-up asks only while fetchNews is "none"."""
    url, token = lab
    settings = f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}"
    with urllib.request.urlopen(settings) as r:
        defaults = {key: spec["default"] for key, spec in json.load(r)["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, (
        "JupyterLab would ask about news: run `make` again (it copies docs/jupyterlab-overrides.json into .venv)")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def expected_images(path):
    """How many image outputs the committed notebook holds."""
    cells = json.loads(path.read_text())["cells"]
    return sum("image/png" in output.get("data", {}) for cell in cells for output in cell.get("outputs", []))


def folded_cells(path):
    """How many cells the notebook stores folded: its check cells and its set-up cell."""
    return sum(bool({CHECK_TAG, SETUP_TAG} & set(cell["metadata"].get("tags", [])))
               for cell in json.loads(path.read_text())["cells"])


@needs_chromium
@pytest.mark.extra  # a minute of a browser on two cores: make test-extra, after make test in CI
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_renders_in_jupyterlab(lab, browser, path):
    url, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # a workspace of its own, so JupyterLab does not reopen the notebooks of earlier tests
        page.goto(f"{url}/lab/workspaces/{path.stem}/tree/{path.name}?reset&token={token}", timeout=120_000)
        title = page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first
        title.wait_for(state="visible", timeout=120_000)
        assert title.inner_text().startswith(path.name[:2] + " · ")
        images = page.locator(".jp-OutputArea-output img")
        wanted = expected_images(path)
        deadline = time.monotonic() + 60
        while images.count() < wanted and time.monotonic() < deadline:
            time.sleep(0.5)
        assert images.count() == wanted, "every stored figure is rendered as an image"
        folded = page.locator(".jp-Cell .jp-InputPlaceholder")
        assert folded.count() == folded_cells(path), "each check cell, and the set-up cell, shows as one folded line"
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert "Traceback" not in " ".join(errors.all_inner_texts()), "an error output is shown"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"))
    finally:
        page.close()
