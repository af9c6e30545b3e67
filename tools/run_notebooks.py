#!/usr/bin/env python3
"""Execute the lab's notebooks in place, deterministically, so that their outputs can be committed
(they are the reference that `pytest --nbval` compares against in strict mode).

    .venv/bin/python tools/run_notebooks.py                    # every notebooks/*.ipynb
    .venv/bin/python tools/run_notebooks.py notebooks/00-index.ipynb
    .venv/bin/python tools/run_notebooks.py --check            # fail if a notebook's committed outputs differ

What makes two runs byte-identical (notebook-tooling.md, section 3):
* no execution timings in cell metadata (record_timing=False);
* no widget state in the notebook metadata (store_widget_state=False: its keys are random);
* widget model ids in outputs (random uuid4 hex in ipywidgets) replaced by sequential ids;
* adjacent stream outputs of the same name merged into one (how a cell's prints are split into
  messages depends on when the kernel flushed its buffer, i.e. on wall-clock timing);
* the kernel runs in the notebook's folder with PYTHONHASHSEED=0 and the repository root first on
  PYTHONPATH (so the checkout's labk8s is imported even where an install is stale).
A cell that raises fails the run (unless tagged raises-exception), and so does a cell that writes to
stderr, since a notebook's output must come from the simulation only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Seconds a single cell may take (each notebook must run in under 60 s in total).
CELL_TIMEOUT = 120


def kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("MPLBACKEND", None)  # the kernel's inline backend, as in JupyterLab
    return env


def _text(output: Any) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def merge_streams(outputs: list[Any]) -> list[Any]:
    """Adjacent stream outputs with the same name (stdout, stderr) as one output, as JupyterLab shows them."""
    merged: list[Any] = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (last is not None and output.get("output_type") == "stream" and last.get("output_type") == "stream"
                and last.get("name") == output.get("name")):
            last["text"] = _text(last) + _text(output)
            continue
        merged.append(output)
    return merged


def normalize(nb: Any) -> Any:
    """Replace random widget model ids with sequential ones, merge adjacent streams, drop per-run metadata."""
    ids: dict[str, str] = {}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                view["model_id"] = ids.setdefault(view["model_id"], f"{len(ids) + 1:032x}")
    nb.metadata.pop("widgets", None)
    return nb


def stderr_outputs(nb: Any) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {i}: {output.get('text', '')[:200]!r}")
    return found


def execute(path: Path, timeout: int = CELL_TIMEOUT) -> tuple[Any, float]:
    """Run the notebook top to bottom in a fresh kernel; returns (notebook, seconds of wall time)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()  # wall time is reported, never stored in the notebook
    client.execute(env=kernel_env())  # passed on to KernelManager.start_kernel
    return normalize(nb), time.perf_counter() - started


def dumps(nb: Any) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="do not write; fail when outputs differ")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    failed = 0
    for path in paths:
        nb, seconds = execute(path, args.timeout)
        problems = stderr_outputs(nb)
        text = dumps(nb)
        if problems:
            failed += 1
            print(f"{path}: output on stderr: {'; '.join(problems)}", file=sys.stderr)
        elif args.check:
            same = path.read_text() == text
            failed += not same
            print(f"{path}: {'up to date' if same else 'OUTPUTS DIFFER (run tools/run_notebooks.py)'} "
                  f"({seconds:.1f}s)")
        else:
            path.write_text(text)
            print(f"{path}: executed in {seconds:.1f}s, {sum(c.cell_type == 'code' for c in nb.cells)} code cells")
        json.loads(text)  # what we write is valid JSON
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
