"""`kubectl run` (kubectl/pkg/cmd/run, generate/versioned BasicPod) and `kubectl exec` (kubectl/pkg/cmd/exec).

`kubectl run web --image=nginx` creates a Pod labelled run=web with one container named after it;
arguments after `--` become the container's args (its command with --command). Attaching (-i, --attach)
is not emulated. `kubectl exec POD -- CMD` runs CMD in the pod's first container (or -c CONTAINER) through
the `exec` callback the Cluster gives the Kubectl, as `logs` reaches the kubelet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from labk8s.errors import ApiError
from labk8s.kubectl.args import Args, UsageError
from labk8s.kubectl.base import CommandBase, Raw, check_err_message

Obj = dict[str, Any]

#: How `kubectl exec` reaches a kubelet: (pod, argv, namespace, container) -> the output (stdout then
#: stderr), or (exit code, output) when the caller knows the exit code. Cluster.exec has this signature.
ExecFn = Callable[[str, list[str], str, "str | None"], "str | tuple[int, str]"]

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")

# github.com/distribution/reference ReferenceRegexp (kubectl run validates the image with it)
_PATH = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[(?:[a-fA-F0-9:]+)\])"
_NAME = rf"(?:{_HOST}(?::[0-9]+)?/)?{_PATH}(?:/{_PATH})*"
_REFERENCE = re.compile(rf"^({_NAME})(?::([\w][\w.-]{{0,127}}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z]"
                        rf"[A-Za-z0-9]*)*[:][0-9a-fA-F]{{32,}}))?$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def parse_label_string(spec: str) -> dict[str, str]:
    """generate.ParseLabels: `k1=v1,k2=v2`."""
    labels: dict[str, str] = {}
    for part in spec.split(","):
        kv = part.split("=")
        if len(kv) != 2:
            raise UsageError(f"unexpected label spec: {part}")
        if not kv[0]:
            raise UsageError("unexpected empty label key")
        labels[kv[0]] = kv[1]
    return labels


def parse_envs(envs: list[str]) -> list[Obj]:
    """versioned.parseEnvs: NAME=value, the name a valid environment variable name."""
    out = []
    for env in envs:
        name, sep, value = env.partition("=")
        if not sep or not name or not _ENV_NAME.match(name):
            raise UsageError(f"invalid env: {env}")
        out.append({"name": name, "value": value})
    return out


def basic_pod(name: str, args: Args, restart: str, container_args: list[str]) -> Obj:
    """BasicPod.Generate: the Pod `kubectl run` creates."""
    labels = parse_label_string(args.labels) if args.labels else {"run": name}
    container: Obj = {"name": name, "image": args.image, "resources": {}}
    if container_args:
        container["command" if args.command else "args"] = container_args
    envs = parse_envs(args.env)
    if envs:
        container["env"] = envs
    if args.image_pull_policy:
        container["imagePullPolicy"] = args.image_pull_policy
    if args.port:
        try:
            port = int(args.port)
        except ValueError:
            raise UsageError(f'strconv.Atoi: parsing "{args.port}": invalid syntax') from None
        container["ports"] = [{"containerPort": port}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
            "status": {}}


def all_container_names(pod: Obj) -> str:
    """podcmd.AllContainerNames: containers, then ephemeral and init containers, marked."""
    spec = pod.get("spec") or {}
    names = [c["name"] for c in spec.get("containers") or []]
    names += [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or []]
    names += [f"{c['name']} (init)" for c in spec.get("initContainers") or []]
    return ", ".join(names)


class RunCommands(CommandBase):
    _exec: ExecFn | None = None

    def _cmd_run(self, args: Args, out: list[str]) -> None:
        if args.image is None:  # cobra checks required flags before the command runs
            raise UsageError('required flag(s) "image" not set')
        if not args.positional or args.args_len_at_dash == 0:
            raise UsageError("NAME is required for run")
        if not args.image:
            raise UsageError("--image is required")
        if not _REFERENCE.match(args.image):
            raise UsageError(f'Invalid image name "{args.image}": invalid reference format')
        if args.tty and not args.stdin:
            raise UsageError("-i/--stdin is required for containers with -t/--tty=true")
        restart = args.restart or ("OnFailure" if args.stdin else "Always")
        if restart not in RESTART_POLICIES:
            raise UsageError(f"invalid restart policy: {args.restart}")
        if args.image_pull_policy and args.image_pull_policy not in PULL_POLICIES:
            raise UsageError(f"invalid image pull policy: {args.image_pull_policy}")
        if args.stdin:
            raise UsageError("attaching to a pod (kubectl run -i/--stdin) is not supported by labk8s; run "
                             "without -i and use kubectl logs or kubectl exec")
        if args.labels is None and args.selector is not None:
            args.labels = args.selector  # -l is --labels for kubectl run
        name = args.positional[0]
        pod = basic_pod(name, args, restart, args.positional[1:])
        try:
            created = self.client.create(pod, self._ns(args))
        except ApiError as exc:
            out.append(check_err_message(exc))
            return
        out.append(f"pod/{created['metadata']['name']} created")

    def _cmd_exec(self, args: Args, out: list[str]) -> None:
        pos = args.positional
        resource = pos[0] if pos and args.args_len_at_dash != 0 else ""
        if args.args_len_at_dash > -1:
            command = pos[args.args_len_at_dash:]
        elif len(pos) > 1:
            raise UsageError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                             "instead\nSee 'kubectl exec -h' for help and examples")
        else:
            command = []
        if not resource:
            raise UsageError("pod, type/name or --filename must be specified")
        if not command:
            raise UsageError("you must specify at least one command for the container")
        name = resource
        if "/" in resource:
            kind, name = resource.split("/", 1)
            rt = self.client.registry.resolve(kind)
            if rt.kind != "Pod":
                raise UsageError(f"cannot exec into {rt.group_resource}: selecting a pod of a controller is not "
                                 "supported yet")
        if self._exec is None:
            raise UsageError("exec is not available: this cluster runs no kubelets")
        ns = self._ns(args)
        pod = self.client.get(self.client.resource("", "Pod"), ns, name)
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in ("Succeeded", "Failed"):
            raise UsageError(f"cannot exec into a container in a completed pod; current phase is {phase}")
        container = args.container or self._default_container(pod, args.quiet, out)
        if args.stdin and args.tty and not args.quiet:
            out.append("Unable to use a TTY - input is not a terminal or the right kind of file")
        try:
            result = self._exec(name, list(command), ns, container)
        except ApiError as exc:
            msg = exc.message
            raise UsageError(msg if msg.startswith("unable to upgrade connection") else
                             f"unable to upgrade connection: {msg}") from None
        except TimeoutError as exc:
            raise UsageError(str(exc)) from None
        code, text = result if isinstance(result, tuple) else (0, result)
        if text:
            out.append(Raw(text))  # the command's own bytes: no newline added
        if code:
            out.append(f"command terminated with exit code {code}")

    def _default_container(self, pod: Obj, quiet: bool, out: list[str]) -> str:
        """podcmd.FindOrDefaultContainerByName with no name: the annotated default, else the first one."""
        spec = pod.get("spec") or {}
        containers = spec.get("containers") or []
        if not containers:
            ns, name = pod["metadata"].get("namespace", ""), pod["metadata"]["name"]
            raise UsageError(f"pod {ns}/{name} does not have any containers")
        wanted = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION, "")
        if wanted and any(c["name"] == wanted for c in containers):
            return str(wanted)
        first = str(containers[0]["name"])
        if not quiet and (len(containers) > 1 or spec.get("initContainers") or spec.get("ephemeralContainers")):
            out.append(f'Defaulted container "{first}" out of: {all_container_names(pod)}')
        return first
