"""%kubectl and %%kubectl against the current cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.interactiveshell import InteractiveShell

from labk8s import Cluster
from labk8s.widgets import Stepper, current, current_cluster, use
from labk8s.widgets.magics import run_kubectl

POD = """apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: web
    image: nginx
"""


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    current_cluster.reset()
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "labk8s.widgets")
    ip.user_ns.pop("c", None)
    yield ip
    current_cluster.reset()


def test_line_magic_prints_what_kubectl_prints(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    c = Cluster(nodes=1, seed=0)
    shell.user_ns["c"] = c
    shell.run_line_magic("kubectl", "get nodes")
    assert capsys.readouterr().out == c.kubectl("get nodes")


def test_cell_magic_reads_the_manifest_from_the_body(shell: InteractiveShell,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    c = use(Cluster(nodes=1, seed=0))
    shell.run_cell_magic("kubectl", "apply -f -", POD)
    assert capsys.readouterr().out == "pod/hello created\n"
    assert c.get("pod", "hello")["spec"]["containers"][0]["image"] == "nginx"
    shell.run_cell_magic("kubectl", "", "get pods\n\nget nodes -o name\n")
    out = capsys.readouterr().out
    assert out == c.kubectl("get pods") + c.kubectl("get nodes -o name")


def test_cell_body_needs_dash_f(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    use(Cluster(nodes=1, seed=0))
    shell.run_cell_magic("kubectl", "get pods", POD)
    assert capsys.readouterr().out.startswith("error: %%kubectl: the cell body is standard input")


def test_which_cluster(shell: InteractiveShell) -> None:
    with pytest.raises(LookupError, match="no cluster"):
        current({})
    a, b = Cluster(nodes=1, seed=0), Cluster(nodes=2, seed=0)
    assert current({"a": a}) is a
    with pytest.raises(LookupError, match=r"several clusters \(a, b\)"):
        current({"a": a, "b": b})
    use(b)
    assert current({"a": a}) is b
    s = Stepper(lambda seed: Cluster(nodes=1, seed=seed))
    assert current({}) is s.cluster  # a Stepper makes its cluster the current one
    s.reset()
    assert current({}) is s.cluster
    with pytest.raises(TypeError):
        use("c")  # type: ignore[arg-type]


def test_errors_are_printed_not_raised(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("kubectl", "get pods")
    assert capsys.readouterr().out.startswith("error: no cluster")
    use(Cluster(nodes=1, seed=0))
    assert run_kubectl("get pod missing") == 'Error from server (NotFound): pods "missing" not found\n'


BAD_NAME = POD.replace("name: hello", "name: Hello_World")


@pytest.mark.parametrize(("exists", "command", "body", "expected"), [
    (False, "apply -f -", POD, "pod/hello created\n"),
    (True, "create -f -", POD, 'Error from server (AlreadyExists): error when creating "STDIN": pods "hello" already '
                               "exists\n"),
    (True, "create --filename=- -n default", POD,
     'Error from server (AlreadyExists): error when creating "STDIN": pods "hello" already exists\n'),
    (True, "apply -f=-", POD, "pod/hello unchanged\n"),
    (False, "apply -f -", BAD_NAME,
     'Error from server (Invalid): error when creating "STDIN": Pod "Hello_World" is invalid: metadata.name: '),
])
def test_the_cell_body_is_named_stdin_as_kubectl_names_standard_input(shell: InteractiveShell, exists: bool,
                                                                       command: str, body: str, expected: str) -> None:
    # kubectl reads `-f -` through cli-runtime's FileVisitorForSTDIN, whose source is "STDIN".
    use(Cluster(nodes=1, seed=0))
    if exists:
        assert run_kubectl("apply -f -", POD) == "pod/hello created\n"
    assert run_kubectl(command, body).startswith(expected)
