"""A real browser: JupyterLab driven by Debian's Chromium through Playwright for Python.

Starts JupyterLab (own config, runtime, settings and workspace folders; a token; a free port) on copies
of the notebooks, runs every notebook top to bottom and checks that no cell wrote an error, clicks the
Stepper's Step button and sees a view change, and saves screenshots under test-artifacts/.

Never downloads a browser (`playwright install` is not used): the Chromium is /usr/bin/chromium (or
$LABK8S_CHROMIUM). When Playwright or Chromium is missing the tests skip, except in CI (or with
LABK8S_REQUIRE_BROWSER=1), where they fail: `make test` installs Chromium first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = Path(os.environ.get("LABK8S_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = os.environ.get("LABK8S_CHROMIUM", "/usr/bin/chromium")
REQUIRED = bool(os.environ.get("CI")) or os.environ.get("LABK8S_REQUIRE_BROWSER") == "1"
TOKEN = "labk8s-test"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (required in CI: `make test` installs it)", pytrace=False)
    pytest.skip(reason)


try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

#: A notebook made for the Step test: deleting a namespace leaves the namespace controller work to do,
#: so the first Steps remove pods from the ClusterView. The pods ask for a node label no node has, so
#: they stay unscheduled (and go at once when deleted).
DEMO_CELLS = [
    "from labk8s import Cluster\n"
    "from labk8s.widgets import ClusterView, EventLog, Stepper\n"
    "\n"
    "def scenario(seed):\n"
    "    c = Cluster(nodes=2, seed=seed)\n"
    "    c.create({'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': 'demo'}})\n"
    "    for i in range(3):\n"
    "        c.create({'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': f'p{i}', 'namespace': 'demo'},\n"
    "                  'spec': {'containers': [{'name': 'c', 'image': 'nginx'}],\n"
    "                           'nodeSelector': {'disktype': 'none'}}})\n"
    "    c.run(1)\n"
    "    c.delete('namespace', 'demo')\n"
    "    return c\n"
    "\n"
    "s = Stepper(scenario, seed=0)\n"
    "display(s, ClusterView(s, namespace='demo'), EventLog(s))",
]


def _demo_notebook() -> dict[str, Any]:
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": f"demo-{i}", "metadata": {},
                       "outputs": [], "source": src} for i, src in enumerate(DEMO_CELLS)],
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on copies of the notebooks; yields its base URL."""
    if sync_playwright is None:
        _unavailable("playwright is not installed")
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM}")
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    work.mkdir()
    for nb in NOTEBOOKS:  # copies: JupyterLab autosaves what it opens
        shutil.copy(nb, work / nb.name)
    (work / "stepper-demo.ipynb").write_text(json.dumps(_demo_notebook()))
    settings = home / "settings"
    for path, value in ((("@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
                         {"fetchNews": "false", "checkForUpdates": False}),
                        (("@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"),
                         {"windowingMode": "none"})):
        target = settings.joinpath(*path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={work}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("JupyterLab exited:\n" + (home / "server.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not answer in 60 s:\n" + (home / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


@pytest.fixture(scope="module")
def browser(lab: str) -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open_and_run(browser: Browser, base: str, name: str) -> Page:
    """Open a notebook, wait for its kernel, run all cells, wait until every cell has run."""
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    page.set_default_timeout(60_000)
    # A workspace per notebook, reset: otherwise the page would restore the tabs of the previous test.
    workspace = re.sub(r"[^A-Za-z0-9-]", "-", Path(name).stem)
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_selector(f"{PANEL} .jp-Notebook")
    expect(page.locator("#jp-main-statusbar")).to_contain_text(re.compile(r"Python 3 \(ipykernel\) \| Idle"))
    # The toolbar reads idle before the kernel exists: wait for the kernel itself (notebook-tooling.md §5).
    page.wait_for_function("""() => {
        const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const c = w && w.sessionContext, k = c && c.session && c.session.kernel;
        return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }""")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); return true; }")
    n = page.locator(f"{PANEL} .jp-CodeCell").count()
    page.wait_for_function("""([sel, n]) => {
        const ps = [...document.querySelectorAll(sel + ' .jp-CodeCell .jp-InputPrompt')];
        return ps.length === n && ps.every(p => /\\[\\d+\\]/.test(p.textContent)); }""",
                           arg=[PANEL, n], timeout=120_000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text(re.compile(r"\| Idle"))
    return page


def _errors(page: Page) -> list[str]:
    outputs = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [outputs.nth(i).inner_text()[:500] for i in range(outputs.count())]


@pytest.mark.parametrize("notebook", [nb.name for nb in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(lab: str, browser: Browser, notebook: str) -> None:
    page = _open_and_run(browser, lab, notebook)
    try:
        assert _errors(page) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{Path(notebook).stem}.png"), full_page=True)
        if page.locator(f"{PANEL} .labk8s-stepper").count():
            expect(page.get_by_role("button", name="Step").first).to_be_visible()
            stepper = page.locator(f"{PANEL} .jp-Cell:has(.labk8s-stepper)").first
            stepper.scroll_into_view_if_needed()
            stepper.screenshot(path=str(ARTIFACTS / f"{Path(notebook).stem}-stepper.png"))
    finally:
        page.close()


def test_step_button_changes_the_views(lab: str, browser: Browser) -> None:
    page = _open_and_run(browser, lab, "stepper-demo.ipynb")
    try:
        assert _errors(page) == []
        readout = page.locator(f"{PANEL} .labk8s-readout").first
        view = page.locator(f"{PANEL} .labk8s-clusterview").first
        expect(readout).to_contain_text("events processed")
        expect(view).to_contain_text("not scheduled (3)")
        match = re.search(r"(\d+) events processed", readout.inner_text())
        assert match is not None
        processed = int(match.group(1))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(f"{PANEL} .jp-OutputArea").first.screenshot(path=str(ARTIFACTS / "stepper-before.png"))
        before = view.inner_text()
        step = page.get_by_role("button", name="Step").first
        for clicks in range(1, 21):
            step.click()
            expect(readout).to_contain_text(f"{processed + clicks} events processed", timeout=15_000)
            if view.inner_text() != before:
                break
        assert view.inner_text() != before, "20 Steps and the ClusterView never changed"
        expect(view).not_to_contain_text("not scheduled (3)")
        page.locator(f"{PANEL} .jp-OutputArea").first.screenshot(path=str(ARTIFACTS / "stepper-after.png"))
    finally:
        page.close()
