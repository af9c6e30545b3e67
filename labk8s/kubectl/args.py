"""kubectl's command line: the verb, positional arguments, flags (pflag syntax) and what follows `--`."""

from __future__ import annotations

from dataclasses import dataclass, field


class UsageError(Exception):
    """A command-line or client-side error: printed as `error: <message>`."""


@dataclass
class Args:
    verb: str = ""
    positional: list[str] = field(default_factory=list)
    #: cobra's ArgsLenAtDash: how many positional arguments came before `--` (-1: there was none).
    args_len_at_dash: int = -1
    namespace: str | None = None
    all_namespaces: bool = False
    output: str = ""
    selector: str | None = None
    field_selector: str | None = None
    files: list[str] = field(default_factory=list)
    show_labels: bool = False
    no_headers: bool = False
    replicas: int | None = None
    cascade: str = "background"
    grace_period: int | None = None
    label_columns: list[str] = field(default_factory=list)
    container: str | None = None
    previous: bool = False
    tail: int | None = None
    sort_by: str = ""
    allow_missing_template_keys: bool = True
    overwrite: bool = False
    all: bool = False
    image: str | None = None
    restart: str = ""
    labels: str | None = None
    env: list[str] = field(default_factory=list)
    port: str = ""
    image_pull_policy: str = ""
    command: bool = False
    stdin: bool = False
    tty: bool = False
    quiet: bool = False


_VALUE_FLAGS = {"-n": "namespace", "--namespace": "namespace", "-o": "output", "--output": "output",
                "-l": "selector", "--selector": "selector", "--field-selector": "field_selector",
                "-f": "files", "--filename": "files", "--replicas": "replicas", "--cascade": "cascade",
                "--grace-period": "grace_period", "-L": "label_columns", "--label-columns": "label_columns",
                "-c": "container", "--container": "container", "--tail": "tail", "--sort-by": "sort_by",
                "--image": "image", "--restart": "restart", "--labels": "labels", "--env": "env",
                "--port": "port", "--image-pull-policy": "image_pull_policy"}
_BOOL_FLAGS = {"-A": "all_namespaces", "--all-namespaces": "all_namespaces", "--show-labels": "show_labels",
               "--no-headers": "no_headers", "-p": "previous", "--previous": "previous",
               "--allow-missing-template-keys": "allow_missing_template_keys", "--overwrite": "overwrite",
               "--all": "all", "--command": "command", "-i": "stdin", "--stdin": "stdin", "-t": "tty",
               "--tty": "tty", "-q": "quiet", "--quiet": "quiet"}
_INT_FLAGS = ("replicas", "grace_period", "tail")
_LIST_FLAGS = ("files", "env")


def _is_short_bool_group(tok: str) -> bool:
    """`-it`: several one-letter boolean flags in one token."""
    return (tok.startswith("-") and not tok.startswith("--") and len(tok) > 2
            and all(f"-{ch}" in _BOOL_FLAGS for ch in tok[1:]))


def parse_args(argv: list[str]) -> Args:
    args = Args()
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok == "--":
            args.args_len_at_dash = len(args.positional)
            args.positional += argv[i + 1:]
            break
        if _is_short_bool_group(tok):
            for ch in tok[1:]:
                setattr(args, _BOOL_FLAGS[f"-{ch}"], True)
            i += 1
            continue
        name, value = tok, None
        if tok.startswith("--") and "=" in tok:
            name, value = tok.split("=", 1)
        elif tok.startswith("-") and not tok.startswith("--") and len(tok) > 2 and tok[:2] in _VALUE_FLAGS:
            name, value = tok[:2], tok[2:].lstrip("=")
        if name in _BOOL_FLAGS:
            setattr(args, _BOOL_FLAGS[name], value is None or value == "true")
        elif name in _VALUE_FLAGS:
            if value is None:
                i += 1
                if i >= len(argv):
                    raise UsageError(f"flag needs an argument: {name!r} in {name}")
                value = argv[i]
            attr = _VALUE_FLAGS[name]
            if attr in _LIST_FLAGS:
                getattr(args, attr).append(value)
            elif attr == "label_columns":
                args.label_columns += value.split(",")
            elif attr in _INT_FLAGS:
                try:
                    setattr(args, attr, int(value))
                except ValueError:
                    raise UsageError(f'invalid argument "{value}" for "{name}" flag: strconv.ParseInt: parsing '
                                     f'"{value}": invalid syntax') from None
            else:
                setattr(args, attr, value)
        elif tok.startswith("-") and tok != "-":
            raise UsageError(f"unknown flag: {name}")
        elif not args.verb:
            args.verb = tok
        else:
            args.positional.append(tok)
        i += 1
    return args
