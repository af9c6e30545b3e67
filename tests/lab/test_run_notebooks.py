"""tools/run_notebooks.py (deterministic execution) and the nbval configuration of notebooks/."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[2]
VIEW = "application/vnd.jupyter.widget-view+json"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def widget_output(model_id: str) -> nbformat.NotebookNode:
    return new_output("display_data", data={"text/plain": "Stepper(...)",
                                            VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id}})


def test_normalize_makes_model_ids_sequential_and_drops_run_metadata() -> None:
    tool = load_tool()
    nb = new_notebook(cells=[new_code_cell("s", outputs=[widget_output("ab" * 16), widget_output("cd" * 16)]),
                             new_code_cell("s", outputs=[widget_output("ab" * 16)])])
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-11-29T10:00:00Z"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    out = tool.normalize(nb)
    ids = [o.data[VIEW]["model_id"] for c in out.cells for o in c.outputs]
    assert ids == ["0" * 31 + "1", "0" * 31 + "2", "0" * 31 + "1"]
    assert "execution" not in out.cells[0].metadata and "widgets" not in out.metadata


def test_normalize_merges_adjacent_streams_of_the_same_name() -> None:
    # How prints are split into stream messages depends on flush timing; the stored outputs must not.
    tool = load_tool()
    outputs = [new_output("stream", name="stdout", text="a\n"), new_output("stream", name="stdout", text="b\n"),
               new_output("stream", name="stderr", text="warn\n"), new_output("stream", name="stdout", text="c"),
               widget_output("ab" * 16), new_output("stream", name="stdout", text="d\n"),
               new_output("stream", name="stdout", text="e\n")]
    out = tool.normalize(new_notebook(cells=[new_code_cell("s", outputs=outputs), new_code_cell("s")]))
    got = [(o.output_type, o.get("name"), o.get("text")) for o in out.cells[0].outputs]
    assert got == [("stream", "stdout", "a\nb\n"), ("stream", "stderr", "warn\n"), ("stream", "stdout", "c"),
                   ("display_data", None, None), ("stream", "stdout", "d\ne\n")]
    assert out.cells[1].outputs == []
    split = new_notebook(cells=[new_code_cell("s", outputs=[new_output("stream", name="stdout", text="x\n"),
                                                            new_output("stream", name="stdout", text="y\n")])])
    whole = new_notebook(cells=[new_code_cell("s", outputs=[new_output("stream", name="stdout", text="x\ny\n")])])
    assert tool.normalize(split).cells[0].outputs == tool.normalize(whole).cells[0].outputs


def test_kernel_env_puts_the_checkout_first() -> None:
    env = load_tool().kernel_env()
    assert env["PYTHONPATH"].split(":")[0] == str(ROOT)
    assert env["PYTHONHASHSEED"] == "0"


def test_sanitize_file_masks_memory_addresses_only() -> None:
    # nbval's parser: re.findall('^regex: (.*)$\n^replace: (.*)$', text, re.MULTILINE)
    text = (ROOT / "notebooks" / "nbval_sanitize.cfg").read_text()
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, re.MULTILINE)
    assert pairs == [(r"\b0x[0-9a-fA-F]{6,16}\b", "0xADDRESS")]
    regex, replace = pairs[0]
    assert re.sub(regex, replace, "[<matplotlib.lines.Line2D at 0x7fdf4f0fef90>]") == \
        "[<matplotlib.lines.Line2D at 0xADDRESS>]"
    assert re.sub(regex, replace, "revision 0x12 t=1.000s 2026-01-01T00:00:00Z") == \
        "revision 0x12 t=1.000s 2026-01-01T00:00:00Z"


def test_pytest_ini_runs_nbval_in_strict_mode() -> None:
    ini = (ROOT / "notebooks" / "pytest.ini").read_text()
    assert "--nbval " in ini and "--nbval-lax" not in ini
    assert "--nbval-sanitize-with notebooks/nbval_sanitize.cfg" in ini


def test_committed_notebooks_have_outputs_and_no_run_metadata() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.execution_count is not None for c in code), path
        assert "widgets" not in nb.metadata, path
        assert not any("execution" in c.metadata for c in code), path
        for cell in code:
            for output in cell.outputs:
                assert output.output_type != "error", (path, cell.source)
                assert not (output.output_type == "stream" and output.name == "stderr"), (path, cell.source)
