"""Every documentation manifest in ../shared/manifests is stored, or rejected where a real server
rejects it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from labk8s import ApiError, Cluster
from labk8s.kubectl.manifest import load_manifests

ROOT = Path("/work/shared/manifests")
ROWS = list(csv.DictReader((ROOT / "INDEX.tsv").open(), delimiter="\t"))
REJECTED = {
    "pods/pod-with-node-affinity.yaml": (400, "BadRequest"),
    "application/job/cronjob.yaml": (404, "NotFound"),
    "pods/pod-with-numeric-toleration.yaml": (422, "Invalid"),
    # `gRPC:` is not the field `grpc`; field names are case-sensitive, so strict decoding rejects it.
    "pods/probe/grpc-liveness.yaml": (400, "BadRequest"),
    # The cluster already has StorageClass "standard" (the default class, as in kind); a class's
    # provisioner and parameters are immutable, so applying a different "standard" is rejected.
    "storage/storageclass/storageclass-topology.yaml": (422, "Invalid"),
}


@pytest.mark.parametrize("row", ROWS, ids=[r["path"] for r in ROWS])
def test_manifest(row: dict[str, str]) -> None:
    c = Cluster(nodes=1, seed=0)
    path = ROOT / row["path"]
    # The tutorials create each manifest's namespace first (kubectl create namespace X).
    for obj, _ in load_manifests(path):
        ns = (obj.get("metadata") or {}).get("namespace")
        if ns and not c.list("ns", selector=f"kubernetes.io/metadata.name={ns}"):
            c.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    if row["path"] in REJECTED:
        before = c.dump()
        with pytest.raises(ApiError) as info:
            c.apply(path)
        assert (info.value.code, info.value.reason) == REJECTED[row["path"]]
        assert c.dump() == before
        return
    stored = c.apply(path)
    assert [o["kind"] for o in stored] == row["kinds"].split(",")
    for obj in stored:
        assert obj["metadata"]["uid"]
