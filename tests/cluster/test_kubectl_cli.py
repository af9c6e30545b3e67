"""`c.kubectl(...)`: what kubectl v1.37 prints for the same cluster state."""

from __future__ import annotations

from labk8s import Cluster

DEPLOY = "/work/shared/manifests/application/deployment.yaml"
UPDATE = "/work/shared/manifests/application/deployment-update.yaml"


def test_apply_created_configured_unchanged(c: Cluster) -> None:
    assert c.kubectl(f"apply -f {DEPLOY}") == "deployment.apps/nginx-deployment created\n"
    assert c.kubectl(f"apply -f {DEPLOY}") == "deployment.apps/nginx-deployment unchanged\n"
    assert c.kubectl(f"apply -f {UPDATE}") == "deployment.apps/nginx-deployment configured\n"
    d = c.get("deploy", "nginx-deployment")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.16.1"
    assert d["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in d["metadata"]["annotations"]


def test_apply_removes_fields_dropped_from_the_manifest(c: Cluster) -> None:
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "labels": {"a": "1", "b": "2"}},
            "data": {"x": "1", "y": "2"}}
    c.apply(base)
    c.patch("cm", "cfg", {"metadata": {"labels": {"live": "yes"}}})  # a change made by someone else
    c.apply({**base, "metadata": {"name": "cfg", "labels": {"a": "1"}}, "data": {"x": "1"}})
    cm = c.get("cm", "cfg")
    assert cm["metadata"]["labels"] == {"a": "1", "live": "yes"}
    assert cm["data"] == {"x": "1"}


def test_apply_merges_containers_by_name(c: Cluster) -> None:
    c.kubectl(f"apply -f {DEPLOY}")
    c.patch("deploy", "nginx-deployment", {"spec": {"template": {"metadata": {"annotations": {"k": "v"}}}}})
    c.kubectl(f"apply -f {UPDATE}")
    d = c.get("deploy", "nginx-deployment")
    assert d["spec"]["template"]["metadata"]["annotations"] == {"k": "v"}
    assert [ct["name"] for ct in d["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_get_variants(c: Cluster) -> None:
    assert c.kubectl("get pods") == "No resources found in default namespace.\n"
    c.kubectl(f"apply -f {DEPLOY}")
    out = c.kubectl("get deploy")
    assert out.splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert out.splitlines()[1].split()[0] == "nginx-deployment"
    assert c.kubectl("get deploy -o name") == "deployment.apps/nginx-deployment\n"
    assert c.kubectl("get deployment.apps/nginx-deployment -o yaml").startswith("apiVersion: apps/v1\nkind: Deployment\n")
    assert c.kubectl("get ns").splitlines()[0].split() == ["NAME", "STATUS", "AGE"]
    wide = c.kubectl("get nodes -o wide").splitlines()[0].split()
    assert wide[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"] and "INTERNAL-IP" in wide


def test_errors_print_like_kubectl(c: Cluster) -> None:
    assert c.kubectl("get pod nosuch") == 'Error from server (NotFound): pods "nosuch" not found\n'
    assert c.kubectl("get foo") == 'error: the server doesn\'t have a resource type "foo"\n'
    assert c.kubectl("frobnicate") == 'error: unknown command "frobnicate" for "kubectl"\n'


def test_delete_and_scale_messages(c: Cluster) -> None:
    c.kubectl(f"apply -f {DEPLOY}")
    assert c.kubectl("scale deploy nginx-deployment --replicas=4") == "deployment.apps/nginx-deployment scaled\n"
    assert c.get("deploy", "nginx-deployment")["spec"]["replicas"] == 4
    assert c.kubectl("delete deploy nginx-deployment") == \
        'deployment.apps "nginx-deployment" deleted from default namespace\n'
    c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tmp"}})
    assert c.kubectl("delete ns tmp") == 'namespace "tmp" deleted\n'


def test_create_conflict(c: Cluster) -> None:
    assert c.kubectl(f"create -f {DEPLOY}") == "deployment.apps/nginx-deployment created\n"
    assert c.kubectl(f"create -f {DEPLOY}") == (
        f'Error from server (AlreadyExists): error when creating "{DEPLOY}": deployments.apps '
        '"nginx-deployment" already exists\n')


def test_describe_namespace(c: Cluster) -> None:
    out = c.kubectl("describe ns default")
    assert out.startswith("Name:         default\n")
    assert "Status:       Active" in out
