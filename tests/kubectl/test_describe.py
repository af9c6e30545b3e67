"""kubectl describe output: golden texts from upstream describe_test.go and text/tabwriter tests,
plus labk8s scenarios whose expected text was derived line by line from describe.go."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from labk8s.kubectl.describe import describe
from labk8s.kubectl.describe._gosort import go_sort
from labk8s.kubectl.describe._timefmt import human_duration, rfc1123z
from labk8s.kubectl.describe.common import print_annotations_multiline
from labk8s.kubectl.describe.containers import describe_containers, env_value_retriever
from labk8s.kubectl.describe.generic import print_unstructured_content, smart_label_for
from labk8s.kubectl.describe.writer import TabWriter

Obj = dict[str, Any]


# --------------------------------------------------------------------------------------------------
# A Lookup over a list of objects (label selectors with ``k=v`` terms, field selectors with = and !=).
class FakeLookup:
    def __init__(self, objects: list[tuple[str, str, Obj]] | None = None) -> None:
        self.objects = objects or []
        self.calls: list[tuple[Any, ...]] = []

    @staticmethod
    def _field(obj: Obj, path: str) -> str:
        cur: Any = obj
        for part in path.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        return "" if cur is None else str(cur)

    def _matches(self, obj: Obj, labels: str | None, fields: str | None) -> bool:
        obj_labels = (obj.get("metadata") or {}).get("labels") or {}
        for term in filter(None, (labels or "").split(",")):
            key, value = term.split("=", 1)
            if obj_labels.get(key) != value:
                return False
        for term in filter(None, (fields or "").split(",")):
            if "!=" in term:
                key, value = term.split("!=", 1)
                if self._field(obj, key) == value:
                    return False
            else:
                key, value = term.split("=", 1)
                if self._field(obj, key) != value:
                    return False
        return True

    def list(
        self,
        resource: str,
        group: str,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[Obj]:
        self.calls.append((resource, group, namespace, label_selector, field_selector))
        return [
            copy.deepcopy(o)
            for r, grp, o in self.objects
            if (r, grp) == (resource, group)
            and (namespace is None or o["metadata"].get("namespace", "") == namespace)
            and self._matches(o, label_selector, field_selector)
        ]

    def get(self, resource: str, group: str, namespace: str | None, name: str) -> Obj | None:
        found = [o for o in self.list(resource, group, namespace) if o["metadata"]["name"] == name]
        return found[0] if found else None


class RawWriter:
    """NewPrefixWriter over a bytes.Buffer (no tabwriter), as the upstream unit tests use."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.out.append("  " * level + text)

    def write_line(self, *parts: object) -> None:
        self.out.append(" ".join(str(p) for p in parts) + "\n")

    def flush(self) -> None:
        pass


def ts(seconds: float) -> str:
    """RFC 3339 for a virtual time in seconds (virtual 0 is 2026-01-01T00:00:00Z)."""
    whole = int(seconds)
    text = f"2026-01-01T{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    frac = round((seconds - whole) * 1_000_000)
    return text + (f".{frac:06d}Z" if frac else "Z")


def event(obj: Obj, reason: str, message: str, **fields: Any) -> tuple[str, str, Obj]:
    meta = obj["metadata"]
    ev: Obj = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{meta['name']}.{reason}.{len(message)}", "namespace": meta.get("namespace") or "default"},
        "involvedObject": {"kind": obj["kind"], "name": meta["name"], "namespace": meta.get("namespace", ""),
                           "uid": fields.pop("uid", meta.get("uid", ""))},
        "type": fields.pop("type", "Normal"),
        "reason": reason,
        "message": message,
    }
    if "fieldPath" in fields:
        ev["involvedObject"]["fieldPath"] = fields.pop("fieldPath")
    ev.update(fields)
    return ("events", "", ev)


# --------------------------------------------------------------------------------------------------
# text/tabwriter: rows of tabwriter_test.go (minwidth, tabwidth, padding, padchar, flags=0).
TABWRITER_CASES = [
    ("1a", 8, 0, 1, ".", "", ""),
    ("2", 8, 0, 1, ".", "\n\n\n", "\n\n\n"),
    ("3", 8, 0, 1, ".", "a\nb\nc", "a\nb\nc"),
    ("4a", 8, 0, 1, ".", "\t", ""),
    ("5", 8, 0, 1, ".", "*\t*", "*.......*"),
    ("5b", 8, 0, 1, ".", "*\t*\n", "*.......*\n"),
    ("5c", 8, 0, 1, ".", "*\t*\t", "*.......*"),
    ("6", 8, 0, 1, ".", "\t\n", "........\n"),
    ("7a", 8, 0, 1, ".", "a) foo", "a) foo"),
    ("7b", 8, 0, 1, " ", "b) foo\tbar", "b) foo  bar"),
    ("7c", 8, 0, 1, ".", "c) foo\tbar\t", "c) foo..bar"),
    ("7d", 8, 0, 1, ".", "d) foo\tbar\n", "d) foo..bar\n"),
    ("7e", 8, 0, 1, ".", "e) foo\tbar\t\n", "e) foo..bar.....\n"),
    ("8", 8, 0, 1, "*", "Hello, world!\n", "Hello, world!\n"),
    ("9a", 1, 0, 0, ".", "1\t2\t3\t4\n11\t222\t3333\t44444\n", "1.2..3...4\n11222333344444\n"),
    ("9c", 1, 0, 0, ".", "1\t2\t3\t4\f11\t222\t3333\t44444\n", "1234\n11222333344444\n"),
    ("10a", 5, 0, 0, ".", "1\t2\t3\t4\n", "1....2....3....4\n"),
    ("10b", 5, 0, 0, ".", "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
    ("11", 8, 0, 1, ".", "本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n",
     "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n"),
    ("12b", 2, 0, 0, " ", "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a  b  c\naa bbbcccc\naaabbbb\n"),
    ("12c", 8, 0, 1, "_", "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n"),
    ("13a", 4, 0, 1, "-",
     "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
     "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n"
     "666666-666666-666666----4444\n1------1------999999999-0000000000\n"),
    ("13b", 4, 0, 3, ".",
     "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n",
     "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n"
     "666666...666666...666666......4444\n1........1........999999999...0000000000\n"),
    ("15a", 4, 0, 0, ".", "a\t\tb", "a.......b"),
    ("16a", 100, 100, 0, "\t", "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n",
     "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"),
]


@pytest.mark.parametrize(("name", "minwidth", "tabwidth", "padding", "padchar", "src", "expected"), TABWRITER_CASES)
def test_tabwriter_matches_go(name: str, minwidth: int, tabwidth: int, padding: int, padchar: str, src: str, expected: str) -> None:
    for chunks in ([src], list(src)):  # all at once, then character by character
        tw = TabWriter(minwidth, tabwidth, padding, padchar)
        for chunk in chunks:
            tw.write(chunk)
        tw.flush()
        assert tw.getvalue() == expected, name


# apimachinery duration.HumanDuration (duration_test.go TestHumanDuration).
@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (1000, "1s"), (70_000, "70s"), (190_000, "3m10s"), (70 * 60_000, "70m"), (47 * 3_600_000, "47h"),
        (49 * 3_600_000, "2d1h"), ((8 * 24 + 2) * 3_600_000, "8d"), (367 * 24 * 3_600_000, "367d"),
        ((365 * 2 * 24 + 25) * 3_600_000, "2y1d"), ((365 * 8 * 24 + 2) * 3_600_000, "8y"),
        (-1500, "0s"), (-2500, "<invalid>"), (119_999, "119s"), (120_000, "2m"),
    ],
)
def test_human_duration(ms: int, expected: str) -> None:
    assert human_duration(ms) == expected


def test_rfc1123z_and_zero_time() -> None:
    assert rfc1123z("2026-01-01T00:00:05Z") == "Thu, 01 Jan 2026 00:00:05 +0000"
    assert rfc1123z("2021-01-01T00:00:00Z") == "Fri, 01 Jan 2021 00:00:00 +0000"
    assert rfc1123z(None) == "Mon, 01 Jan 0001 00:00:00 +0000"


def test_go_sort_small_is_stable_and_large_sorts() -> None:
    items = [(1, "a"), (0, "b"), (1, "c"), (0, "d")]
    go_sort(items, lambda x, y: x[0] < y[0])
    assert items == [(0, "b"), (0, "d"), (1, "a"), (1, "c")]  # insertion sort for n <= 12
    big = [(i * 7919) % 101 for i in range(300)]
    again = list(big)
    go_sort(big, lambda x, y: x < y)
    go_sort(again, lambda x, y: x < y)
    assert big == sorted(big) == again


# --------------------------------------------------------------------------------------------------
# Upstream helper tests.
@pytest.mark.parametrize(
    ("field", "expected"),
    [("simpleField", "Simple Field"), ("respectPDBs", "Respect PDBs"), ("respectPDB", "Respect PDB"), ("apiURL", "API URL"),
     ("kubeAPI", "Kube API"), ("userUID", "User UID"), ("HTTPSProxy", "HTTPSProxy"), ("customCRDs", "Custom CRDs")],
)
def test_smart_label_for(field: str, expected: str) -> None:
    assert smart_label_for(field) == expected


VALUE = "a" * (140 - len("MaxLenAnnotation") - 2)


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        ({"col1": "asd", "COL2": "zxc"}, "Annotations:\tCOL2: zxc\n\tcol1: asd\n"),
        ({"MaxLenAnnotation": VALUE}, f"Annotations:\tMaxLenAnnotation: {VALUE}\n"),
        ({"MaxLenAnnotation": VALUE + "1"}, f"Annotations:\tMaxLenAnnotation:\n\t  {VALUE}1\n"),
        ({"MaxLenAnnotation": VALUE + VALUE}, f"Annotations:\tMaxLenAnnotation:\n\t  {'a' * 138}...\n"),
        ({"key": "value\nwith\nnewlines\n"}, "Annotations:\tkey:\n\t  value\n\t  with\n\t  newlines\n"),
        ({}, "Annotations:\t<none>\n"),
    ],
)
def test_print_annotations_multiline(annotations: dict[str, str], expected: str) -> None:
    w = RawWriter()
    print_annotations_multiline(w, "Annotations", annotations)
    assert "".join(w.out) == expected


def test_unstructured_content() -> None:
    obj = {
        "apiVersion": "v1", "kind": "Test", "dummyDummy": "present", "dummy/dummy": "present",
        "dummy-dummy@dummy": "present", "dummy-dummy": "present", "dummy2": "present",
        "metadata": {"name": "MyName", "namespace": "MyNamespace", "creationTimestamp": "2017-04-01T00:00:00Z",
                     "resourceVersion": 123, "uid": "00000000-0000-0000-0000-000000000001", "managedFields": [{}]},
        "items": [{"itemBool": True, "itemInt": 42}], "url": "http://localhost", "status": "ok",
    }
    w = RawWriter()
    print_unstructured_content(w, 0, obj, "")
    assert "".join(w.out) == (
        "API Version:\tv1\nDummy - Dummy:\tpresent\ndummy-dummy@dummy:\tpresent\ndummy/dummy:\tpresent\n"
        "dummy2:\tpresent\nDummy Dummy:\tpresent\nItems:\n  Item Bool:\ttrue\n  Item Int:\t42\nKind:\tTest\n"
        "Metadata:\n  Creation Timestamp:\t2017-04-01T00:00:00Z\n  Resource Version:\t123\n"
        "  UID:\t00000000-0000-0000-0000-000000000001\nStatus:\tok\nURL:\thttp://localhost\n"
    )


@pytest.mark.parametrize(
    ("container", "status", "expected"),
    [
        ({"name": "test", "image": "image"}, {"name": "test", "state": {"running": {"startedAt": ts(1)}}, "ready": True,
         "restartCount": 7}, ["test", "State", "Running", "Ready", "True", "Restart Count", "7", "Image", "image", "Started"]),
        ({"name": "test", "image": "image"}, {"name": "test", "state": {"waiting": {"reason": "potato"}}, "ready": True},
         ["Waiting", "Reason", "potato"]),
        ({"name": "test", "image": "image"}, {"name": "test", "state": {"terminated": {"reason": "potato", "exitCode": 2}}},
         ["Terminated", "Reason", "potato", "Started", "Finished", "Exit Code", "2"]),
        ({"name": "test", "image": "image"}, {"name": "test"}, ["State:", "Waiting"]),
        ({"name": "test", "image": "image", "env": [{"name": "envname", "value": "xyz"}],
          "envFrom": [{"configMapRef": {"name": "a123"}}]}, {"name": "test"}, ["envname", "xyz", "a123\tConfigMap\tOptional: false"]),
        ({"name": "test", "image": "image", "envFrom": [{"prefix": "p_", "secretRef": {"name": "a123"}}]}, {"name": "test"},
         ["a123\tSecret with prefix 'p_'\tOptional: false"]),
        ({"name": "test", "image": "image", "command": ["sleep", "1000\n2000"]}, {"name": "test"}, ["1000\n      2000"]),
        ({"name": "test", "image": "image", "resources": {"limits": {"cpu": "1000", "memory": "4G", "storage": "20G"}}},
         {"name": "test"}, ["cpu", "1k", "memory", "4G", "storage", "20G"]),
        ({"name": "test", "image": "image", "volumeMounts": [{"name": "mounted-volume", "mountPath": "/opt/", "subPath": "foo"}]},
         {"name": "test"}, ["Mounts", "mounted-volume", "/opt/", '(rw,path="foo")']),
        ({"name": "test", "image": "image", "volumeDevices": [{"name": "volume-device", "devicePath": "/dev/xvda"}]},
         {"name": "test"}, ["Devices", "volume-device", "/dev/xvda"]),
    ],
)
def test_describe_containers_elements(container: Obj, status: Obj, expected: list[str]) -> None:
    w = RawWriter()
    pod = {"spec": {"containers": [container]}, "status": {"containerStatuses": [status]}}
    describe_containers("Containers", [container], [status], env_value_retriever(pod), w, "")
    out = "".join(w.out)
    for piece in expected:
        assert piece in out


# --------------------------------------------------------------------------------------------------
# Upstream golden outputs (describe_test.go).
def test_pod_with_image_volume_golden() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bar", "namespace": "foo"},
           "spec": {"volumes": [{"name": "image", "image": {"reference": "image", "pullPolicy": "IfNotPresent"}}]}}
    assert describe(pod, FakeLookup(), 0) == (
        "Name:         bar\nNamespace:    foo\nNode:         <none>\nLabels:       <none>\nAnnotations:  <none>\n"
        "Status:       \nIP:           \nIPs:          <none>\nContainers: <none>\nVolumes:\n  image:\n"
        "    Type:        Image (a container image or OCI artifact)\n    Reference:   image\n    PullPolicy:  IfNotPresent\n"
        "QoS Class:       BestEffort\nNode-Selectors:  <none>\nTolerations:     <none>\nEvents:          <none>\n"
    )


@pytest.mark.parametrize(
    ("data", "order"),
    [
        ({"username": "WVdSdGFXND0=", "password": "TVdZeVpERmxNbVUyTjJSbQ=="}, [("password", 16), ("username", 8)]),
        ({"text": "a3ViZXJuZXRlcwo=", "Text": "dGhpcyBpcyBhIHRlc3QK", "tExt": "d2VpcmQgY2FzaW5nCg=="},
         [("Text", 15), ("tExt", 13), ("text", 11)]),
        ({"key_1": "c29tZV9zZWNyZXQK", "1_key": "c29tZV90ZXh0Cg=="}, [("1_key", 10), ("key_1", 12)]),
    ],
)
def test_secret_golden(data: dict[str, str], order: list[tuple[str, int]]) -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bar", "namespace": "foo"}, "data": data}
    width = max(len(k) for k, _ in order) + 3
    expected = "Name:         bar\nNamespace:    foo\nLabels:       <none>\nAnnotations:  <none>\n\nType:  \n\nData\n====\n"
    expected += "".join(f"{(k + ':').ljust(width)}{n} bytes\n" for k, n in order)
    assert describe(secret, FakeLookup(), 0) == expected


def test_config_map_golden() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "mycm", "namespace": "foo"},
          "data": {"key1": "value1", "key2": "value2"},
          "binaryData": {"binarykey1": "//79/Ps=", "binarykey2": "//79/Pv6"}}
    assert describe(cm, FakeLookup(), 0) == (
        "Name:         mycm\nNamespace:    foo\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\n"
        "key1:\n----\nvalue1\n\nkey2:\n----\nvalue2\n\n\nBinaryData\n====\nbinarykey1: 5 bytes\nbinarykey2: 6 bytes\n\n"
        "Events:  <none>\n"
    )


def _svc(**spec: Any) -> Obj:
    base = {"type": "LoadBalancer", "selector": {"blah": "heh"}, "clusterIP": "1.2.3.4", "ipFamilies": ["IPv4"],
            "loadBalancerIP": "5.6.7.8", "sessionAffinity": "None", "externalTrafficPolicy": "Local",
            "healthCheckNodePort": 32222,
            "ports": [{"name": "port-tcp", "port": 8080, "protocol": "TCP", "targetPort": 9527, "nodePort": 31111}]}
    base.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bar", "namespace": "foo"}, "spec": base}


def _slice(name: str, ips: list[tuple[str, bool | None]], proto: str = "TCP") -> tuple[str, str, Obj]:
    endpoints = [{"addresses": [ip], **({"conditions": {"ready": r}} if r is not None else {})} for ip, r in ips]
    return ("endpointslices", "discovery.k8s.io", {
        "metadata": {"name": name, "namespace": "foo", "labels": {"kubernetes.io/service-name": "bar"}},
        "endpoints": endpoints, "ports": [{"name": "port-tcp", "port": 9527, "protocol": proto}]})


SVC_HEAD = (
    "Name:                     bar\nNamespace:                foo\nLabels:                   <none>\n"
    "Annotations:              <none>\nSelector:                 blah=heh\nType:                     LoadBalancer\n"
)


@pytest.mark.parametrize(
    ("service", "slices", "middle", "tail"),
    [
        (_svc(internalTrafficPolicy="Cluster"), [_slice("bar-abcde", [("10.244.0.1", True), ("10.244.0.2", True), ("10.244.0.3", True)])],
         "Desired LoadBalancer IP:  5.6.7.8\nLoadBalancer Ingress:     5.6.7.8 (VIP)\nPort:                     port-tcp  8080/TCP\n"
         "TargetPort:               9527/TCP\nNodePort:                 port-tcp  31111/TCP\n"
         "Endpoints:                10.244.0.1:9527,10.244.0.2:9527,10.244.0.3:9527\n",
         "Internal Traffic Policy:  Cluster\n"),
        (_svc(internalTrafficPolicy="Local", ports=[{"name": "port-tcp", "port": 8080, "protocol": "TCP", "targetPort": "targetPort",
                                                     "nodePort": 31111}]),
         [_slice("bar-12345", [("10.244.0.1", True), ("10.244.0.2", True)], "UDP"),
          _slice("bar-54321", [("10.244.0.3", False), ("10.244.0.4", True), ("10.244.0.5", True)], "UDP")],
         "Desired LoadBalancer IP:  5.6.7.8\nLoadBalancer Ingress:     5.6.7.8\nPort:                     port-tcp  8080/TCP\n"
         "TargetPort:               targetPort/TCP\nNodePort:                 port-tcp  31111/TCP\n"
         "Endpoints:                10.244.0.1:9527,10.244.0.2:9527,10.244.0.4:9527 + 1 more...\n",
         "Internal Traffic Policy:  Local\n"),
        (_svc(internalTrafficPolicy="Cluster"), [_slice("bar-abcdef", [("10.244.0.1", None)])],
         "Desired LoadBalancer IP:  5.6.7.8\nPort:                     port-tcp  8080/TCP\nTargetPort:               9527/TCP\n"
         "NodePort:                 port-tcp  31111/TCP\nEndpoints:                10.244.0.1:9527\n",
         "Internal Traffic Policy:  Cluster\n"),
    ],
)
def test_service_golden(service: Obj, slices: list[tuple[str, str, Obj]], middle: str, tail: str) -> None:
    if "LoadBalancer Ingress:     5.6.7.8 (VIP)" in middle:
        service["status"] = {"loadBalancer": {"ingress": [{"ip": "5.6.7.8", "ipMode": "VIP"}]}}
    elif "LoadBalancer Ingress" in middle:
        service["status"] = {"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}]}}
    expected = (
        SVC_HEAD + "IP Families:              IPv4\nIP:                       1.2.3.4\nIPs:                      <none>\n" + middle
        + "Session Affinity:         None\nExternal Traffic Policy:  Local\n" + tail
        + "HealthCheck NodePort:     32222\nEvents:                   <none>\n"
    )
    assert describe(service, FakeLookup(slices), 0) == expected


def test_service_ip_family_policy_and_traffic_distribution_golden() -> None:
    svc = _svc(ipFamilyPolicy="SingleStack", clusterIPs=["1.2.3.4"], trafficDistribution="PreferClose",
               ports=[{"name": "port-tcp", "port": 8080, "protocol": "TCP", "targetPort": "targetPort", "nodePort": 31111}])
    assert describe(svc, FakeLookup(), 0) == (
        SVC_HEAD + "IP Family Policy:         SingleStack\nIP Families:              IPv4\nIP:                       1.2.3.4\n"
        "IPs:                      1.2.3.4\nDesired LoadBalancer IP:  5.6.7.8\nPort:                     port-tcp  8080/TCP\n"
        "TargetPort:               targetPort/TCP\nNodePort:                 port-tcp  31111/TCP\n"
        "Endpoints:                <none>\nSession Affinity:         None\nExternal Traffic Policy:  Local\n"
        "HealthCheck NodePort:     32222\nTraffic Distribution:     PreferClose\nEvents:                   <none>\n"
    )


def test_endpoint_slice_golden() -> None:
    eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "foo.123", "namespace": "bar"},
           "addressType": "IPv4", "ports": [{"protocol": "TCP", "port": 80}],
           "endpoints": [
               {"addresses": ["1.2.3.4", "1.2.3.5"], "conditions": {"ready": True}, "targetRef": {"kind": "Pod", "name": "test-123"},
                "zone": "us-central1-a", "nodeName": "node-1"},
               {"addresses": ["1.2.3.6", "1.2.3.7"], "conditions": {"ready": True}, "targetRef": {"kind": "Pod", "name": "test-124"},
                "nodeName": "node-2"}]}
    assert describe(eps, FakeLookup(), 0) == (
        "Name:         foo.123\nNamespace:    bar\nLabels:       <none>\nAnnotations:  <none>\nAddressType:  IPv4\nPorts:\n"
        "  Name     Port  Protocol\n  ----     ----  --------\n  <unset>  80    TCP\nEndpoints:\n"
        "  - Addresses:  1.2.3.4, 1.2.3.5\n    Conditions:\n      Ready:    true\n    Hostname:   <unset>\n"
        "    TargetRef:  Pod/test-123\n    NodeName:   node-1\n    Zone:       us-central1-a\n"
        "  - Addresses:  1.2.3.6, 1.2.3.7\n    Conditions:\n      Ready:    true\n    Hostname:   <unset>\n"
        "    TargetRef:  Pod/test-124\n    NodeName:   node-2\n    Zone:       <unset>\nEvents:         <none>\n"
    )


def test_ingress_class_and_service_account_golden() -> None:
    ic = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "example-class"},
          "spec": {"controller": "example.com/controller",
                   "parameters": {"apiGroup": "v1", "kind": "ConfigMap", "name": "example-parameters"}}}
    lookup = FakeLookup()
    assert describe(ic, lookup, 0).startswith(
        "Name:         example-class\nLabels:       <none>\nAnnotations:  <none>\nController:   example.com/controller\n"
        "Parameters:\n  APIGroup:  v1\n  Kind:      ConfigMap\n  Name:      example-parameters\n"
    )
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bar", "namespace": "foo"},
          "secrets": [{"name": "test-objectref"}], "imagePullSecrets": [{"name": "test-local-ref"}]}
    assert describe(sa, lookup, 0) == (
        "Name:                bar\nNamespace:           foo\nLabels:              <none>\nAnnotations:         <none>\n"
        "Image pull secrets:  test-local-ref\nEvents:              <none>\n"
    )


def _np_peers() -> list[Obj]:
    return [
        {"podSelector": {"matchLabels": {"id": "pod1", "id2": "pod2"}},
         "namespaceSelector": {"matchLabels": {"id": "ns1", "id2": "ns2"}}},
        {"podSelector": {"matchLabels": {"id": "app2", "id2": "app3"}}},
        {"namespaceSelector": {"matchLabels": {"id": "app2", "id2": "app3"}}},
        {"namespaceSelector": {"matchLabels": {"id": "app2", "id2": "app3"},
                               "matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar1", "bar2"]}]}},
        {"ipBlock": {"cidr": "192.168.0.0/16", "except": ["192.168.3.0/24", "192.168.4.0/24"]}},
    ]


NP_RULES = (
    "    To Port: 80/TCP\n    To Port: 82/TCP\n    {d}:\n      NamespaceSelector: id=ns1,id2=ns2\n      PodSelector: id=pod1,id2=pod2\n"
    "    {d}:\n      PodSelector: id=app2,id2=app3\n    {d}:\n      NamespaceSelector: id=app2,id2=app3\n"
    "    {d}:\n      NamespaceSelector: foo in (bar1,bar2),id=app2,id2=app3\n    {d}:\n      IPBlock:\n"
    "        CIDR: 192.168.0.0/16\n        Except: 192.168.3.0/24, 192.168.4.0/24\n    ----------\n"
    "    To Port: <any> (traffic allowed to all ports)\n"
)


@pytest.mark.parametrize("types", [["Ingress", "Egress"], ["Ingress"]])
def test_network_policy_golden(types: list[str]) -> None:
    ports = [{"port": 80}, {"port": 82, "protocol": "TCP"}]
    np = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
          "metadata": {"name": "network-policy-1", "namespace": "default", "creationTimestamp": "2017-06-04T21:45:56Z"},
          "spec": {"podSelector": {"matchLabels": {"id1": "app1", "id2": "app2"},
                                   "matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar1", "bar2"]},
                                                        {"key": "foo2", "operator": "NotIn", "values": ["bar1", "bar2"]}]},
                   "ingress": [{"ports": ports, "from": _np_peers()}, {}],
                   "egress": [{"ports": ports, "to": _np_peers()}, {}], "policyTypes": types}}
    egress = (
        "  Allowing egress traffic:\n" + NP_RULES.format(d="To") + "    To: <any> (traffic not restricted by destination)\n"
        if "Egress" in types else "  Not affecting egress traffic\n"
    )
    assert describe(np, FakeLookup(), 0) == (
        # labk8s's kubectl runs in UTC: time.Time.String() prints "+0000 UTC".
        "Name:         network-policy-1\nNamespace:    default\nCreated on:   2017-06-04 21:45:56 +0000 UTC\n"
        "Labels:       <none>\nAnnotations:  <none>\nSpec:\n"
        "  PodSelector:     foo in (bar1,bar2),foo2 notin (bar1,bar2),id1=app1,id2=app2\n  Allowing ingress traffic:\n"
        + NP_RULES.format(d="From") + "    From: <any> (traffic not restricted by source)\n" + egress
        + f"  Policy Types: {', '.join(types)}\n"
    )


def test_pod_tolerations_and_topology_spread() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bar", "namespace": "foo"}, "spec": {
        "tolerations": [{"operator": "Exists"}, {"effect": "NoSchedule", "operator": "Exists"},
                        {"key": "key0", "operator": "Exists"}, {"key": "key1", "value": "value1"},
                        {"key": "key2", "operator": "Equal", "value": "value2", "effect": "NoSchedule"},
                        {"key": "key3", "value": "value3", "effect": "NoExecute", "tolerationSeconds": 300},
                        {"key": "key4", "effect": "NoExecute", "tolerationSeconds": 60}],
        "topologySpreadConstraints": [
            {"maxSkew": 3, "topologyKey": "topology.kubernetes.io/test1", "whenUnsatisfiable": "DoNotSchedule",
             "labelSelector": {"matchLabels": {"key1": "val1", "key2": "val2"}}},
            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/test2", "whenUnsatisfiable": "ScheduleAnyway"}]}}
    out = describe(pod, FakeLookup(), 0)
    for piece in ["  op=Exists\n", ":NoSchedule op=Exists\n", "key0 op=Exists\n", "key1=value1\n", "key2=value2:NoSchedule\n",
                  "key3=value3:NoExecute for 300s\n", "key4:NoExecute for 60s\n", "Tolerations:",
                  "topology.kubernetes.io/test1:DoNotSchedule when max skew 3 is exceeded for selector key1=val1,key2=val2\n",
                  "topology.kubernetes.io/test2:ScheduleAnyway when max skew 1 is exceeded\n"]:
        assert piece in out


def _rs(name: str, uid: str, image: str, replicas: int, status: int) -> tuple[str, str, Obj]:
    return ("replicasets", "apps", {
        "metadata": {"name": name, "namespace": "foo", "uid": uid, "labels": {"k8s-app": "bar"},
                     "creationTimestamp": ts(0), "ownerReferences": [{"controller": True, "uid": "dep-1"}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"k8s-app": "bar"}}, "template": _template(image)},
        "status": {"replicas": status}})


def _template(image: str) -> Obj:
    return {"metadata": {"name": "bar", "namespace": "foo", "labels": {"k8s-app": "bar"}},
            "spec": {"containers": [{"image": image, "volumeMounts": [{"name": "vol-foo", "mountPath": "/tmp/vol-foo"},
                                                                     {"name": "vol-bar", "mountPath": "/tmp/vol-bar"}]}],
                     "volumes": [{"name": "vol-foo", "emptyDir": {}}, {"name": "vol-bar", "emptyDir": {}}]}}


def _deployment(replicas: int, image: str, status: Obj) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "bar", "namespace": "foo", "labels": {"k8s-app": "bar"}, "uid": "dep-1",
                         "creationTimestamp": "2021-01-01T00:00:00Z"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"k8s-app": "bar"}}, "template": _template(image)},
            "status": status}


NOW = 3600.0  # the upstream test's "time.Now()" on labk8s's virtual clock


def _rollout_events(dep: Obj) -> list[tuple[str, str, Obj]]:
    return [
        event(dep, "ScalingReplicaSet", "Scaled up replica set bar-002 from 0 to 1", reportingComponent="deployment-controller",
              eventTime=ts(NOW - 20 * 60), series={"count": 3, "lastObservedTime": ts(NOW - 12 * 60)}),
        event(dep, "ScalingReplicaSet", "Scaled up replica set bar-001 from 0 to 2", source={"component": "deployment-controller"},
              firstTimestamp=ts(NOW - 10 * 60)),
        event(dep, "ScalingReplicaSet", "Scaled up replica set bar-002 from 0 to 1", source={"component": "deployment-controller"},
              firstTimestamp=ts(NOW - 2 * 60)),
        event(dep, "ScalingReplicaSet", "Scaled down replica set bar-002 from 2 to 1", reportingComponent="deployment-controller",
              eventTime=ts(NOW - 60)),
    ]


def test_deployment_upstream_cases() -> None:
    dep = _deployment(1, "mytest-image:latest", {})
    out = describe(dep, FakeLookup([_rs("bar-001", "rs-1", "mytest-image:latest", 1, 1)]), int(NOW * 1000))
    for piece in ["Name:               bar\nNamespace:          foo", "CreationTimestamp:  Fri, 01 Jan 2021 00:00:00 +0000",
                  "Labels:             k8s-app=bar", "Selector:           k8s-app=bar",
                  "Replicas:           1 desired | 0 updated | 0 total | 0 available | 0 unavailable",
                  "Image:        mytest-image:latest", "Mounts:\n      /tmp/vol-bar from vol-bar (rw)\n      /tmp/vol-foo from vol-foo (rw)",
                  "OldReplicaSets:    <none>", "NewReplicaSet:     bar-001 (1/1 replicas created)", "Events:            <none>",
                  "Node-Selectors:  <none>", "Tolerations:     <none>"]:
        assert piece in out
    dep = _deployment(2, "mytest-image:v2.0", {"replicas": 3, "updatedReplicas": 1, "availableReplicas": 2, "unavailableReplicas": 1})
    objects = [_rs("bar-001", "rs-1", "mytest-image:v1.0", 2, 2), _rs("bar-002", "rs-2", "mytest-image:v2.0", 1, 1)]
    out = describe(dep, FakeLookup(objects + _rollout_events(dep)), int(NOW * 1000))
    for piece in ["Replicas:           2 desired | 1 updated | 3 total | 2 available | 1 unavailable",
                  "Image:        mytest-image:v2.0", "OldReplicaSets:    bar-001 (2/2 replicas created)",
                  "NewReplicaSet:     bar-002 (1/1 replicas created)", "Events:\n",
                  "Normal  ScalingReplicaSet  12m (x3 over 20m)  deployment-controller  Scaled up replica set bar-002 from 0 to 1",
                  "Normal  ScalingReplicaSet  10m                deployment-controller  Scaled up replica set bar-001 from 0 to 2",
                  "Normal  ScalingReplicaSet  2m                 deployment-controller  Scaled up replica set bar-002 from 0 to 1",
                  "Normal  ScalingReplicaSet  60s                deployment-controller  Scaled down replica set bar-002 from 2 to 1"]:
        assert piece in out


def _node(name: str = "bar", allocatable: Obj | None = None) -> Obj:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": "uid"}, "spec": {"unschedulable": True},
            "status": {"capacity": {"hugepages-2Mi": "4Gi", "cpu": "8", "memory": "24Gi", "hugepages-1Gi": "0"},
                       "allocatable": allocatable or {"hugepages-2Mi": "2Gi", "cpu": "4", "memory": "12Gi", "hugepages-1Gi": "0"}}}


def _node_pod(spec: Obj) -> tuple[str, str, Obj]:
    return ("pods", "", {"kind": "Pod", "metadata": {"name": "pod-with-resources", "namespace": "foo"},
                         "spec": {"nodeName": "bar", **spec}, "status": {"phase": "Running"}})


CPU_MEM = {"name": "cpu-mem", "image": "image:latest",
           "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}}}
HUGE = {"name": "hugepages", "image": "image:latest",
        "resources": {"requests": {"hugepages-2Mi": "512Mi"}, "limits": {"hugepages-2Mi": "512Mi"}}}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"containers": [CPU_MEM, HUGE]},
         "  Resource           Requests     Limits\n  --------           --------     ------\n"
         "  cpu                1 (25%)      2 (50%)\n  memory             1Gi (8%)     2Gi (16%)\n"
         "  ephemeral-storage  0 (0%)       0 (0%)\n  hugepages-1Gi      0 (0%)       0 (0%)\n"
         "  hugepages-2Mi      512Mi (25%)  512Mi (25%)"),
        ({"initContainers": [{"name": "init-container-1", "restartPolicy": "Always",
                              "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
                             {"name": "init-container-2", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}],
          "containers": [CPU_MEM, HUGE]},
         "  Resource           Requests     Limits\n  --------           --------     ------\n"
         "  cpu                2 (50%)      2 (50%)\n  memory             2Gi (16%)    2Gi (16%)\n"
         "  ephemeral-storage  0 (0%)       0 (0%)\n  hugepages-1Gi      0 (0%)       0 (0%)\n"
         "  hugepages-2Mi      512Mi (25%)  512Mi (25%)"),
    ],
)
def test_node_allocated_resources_upstream(spec: Obj, expected: str) -> None:
    node = _node()
    lease = ("leases", "coordination.k8s.io", {"metadata": {"name": "bar", "namespace": "kube-node-lease"},
                                                "spec": {"holderIdentity": "holder"}})
    events = [event(node, "NodeHasNoDiskPressure", "Node bar status is now: NodeHasNoDiskPressure", uid="bar",
                    firstTimestamp="2014-01-15T00:00:00Z", lastTimestamp="2014-01-15T00:00:00Z", count=1),
              event(node, "NodeReady", "Node bar status is now: NodeReady", firstTimestamp="2014-01-15T00:00:00Z",
                    lastTimestamp="2014-01-15T00:00:00Z", count=2)]
    out = describe(node, FakeLookup([lease, _node_pod(spec), *events]), 0)
    for piece in ["Unschedulable", "true", "holder",
                  "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n" + expected,
                  "Node bar status is now: NodeHasNoDiskPressure", "Node bar status is now: NodeReady"]:
        assert piece in out


def test_node_pod_level_resources_upstream() -> None:
    node = _node(allocatable={"cpu": "4", "memory": "12Gi"})
    node["status"]["capacity"] = {"cpu": "8", "memory": "24Gi"}
    pod = _node_pod({"resources": {"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"cpu": "4", "memory": "8Gi"}},
                     "containers": [{"name": "container-1"}, {"name": "container-2"}]})
    pod[2]["metadata"]["name"] = "pod-with-pod-level-resources"
    out = describe(node, FakeLookup([pod]), 0)
    assert "pod-with-pod-level-resources    2 (50%)       4 (100%)    4Gi (33%)        8Gi (66%)" in out
    assert ("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
            "  Resource           Requests   Limits\n  --------           --------   ------\n"
            "  cpu                2 (50%)    4 (100%)\n  memory             4Gi (33%)  8Gi (66%)\n"
            "  ephemeral-storage  0 (0%)     0 (0%)") in out
    assert "Lease:\tFailed" not in out and 'Lease:              Failed to get lease: leases.coordination.k8s.io "bar" not found' in out
    assert "Node-Local ResourceSlices" not in out


def test_resource_quota_formats_used_like_hard() -> None:
    quota = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "bar", "namespace": "foo"},
             "status": {"hard": {"cpu": "1", "limits.cpu": "2", "limits.memory": "2G", "memory": "1G", "requests.cpu": "1",
                                 "requests.memory": "1G"},
                        "used": {"cpu": "0", "limits.cpu": "0", "limits.memory": "0G", "memory": "0G", "requests.cpu": "0",
                                 "requests.memory": "1000Ki"}}}
    out = describe(quota, FakeLookup(), 0)
    assert "requests.memory  1024k  1G\n" in out
    for piece in ["bar", "foo", "limits.cpu", "2", "limits.memory", "2G", "requests.cpu", "1"]:
        assert piece in out


@pytest.mark.parametrize(
    ("spec", "status", "want", "dont"),
    [
        ({}, {}, ["Completions:    <unset>"], ["Completed Indexes:", "Suspend:", "Backoff Limit:", "TTL Seconds After Finished:"]),
        ({"completionMode": "Indexed"}, {}, ["Completed Indexes:  <none>"], []),
        ({"completionMode": "Indexed"}, {"completedIndexes": "0-5,7,9,10,12,13,15,16,18,20,21,23,24,26,27,29,30,32-34,36,37"},
         ["Completed Indexes:  0-5,7,9,10,12,13,15,16,18,20,21,23,24,26,27,29,30,32-34,..."], []),
        ({"suspend": True, "ttlSecondsAfterFinished": 123, "backoffLimit": 1}, {},
         ["Suspend:                     true", "TTL Seconds After Finished:  123", "Backoff Limit:               1"], []),
        ({"suspend": False}, {}, ["Suspend:        false"], []),
        ({}, {"startTime": ts(10), "completionTime": ts(75), "succeeded": 1, "ready": 0},
         ["Duration:       65s", "Pods Statuses:  0 Active (0 Ready) / 1 Succeeded / 0 Failed"], []),
    ],
)
def test_job(spec: Obj, status: Obj, want: list[str], dont: list[str]) -> None:
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bar", "namespace": "foo"}, "spec": spec, "status": status}
    out = describe(job, FakeLookup(), 0)
    for piece in want:
        assert piece in out
    for piece in dont:
        assert piece not in out


def test_cron_job_upstream() -> None:
    cj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "bar", "namespace": "foo"},
          "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": "Forbid", "suspend": False, "timeZone": "America/New_York",
                   "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1, "startingDeadlineSeconds": 200,
                   "jobTemplate": {"spec": {"selector": {}, "parallelism": 4, "completions": 5, "activeDeadlineSeconds": 400,
                                            "template": {"spec": {}}}}}}
    out = describe(cj, FakeLookup(), 0)
    for piece in ["Name:                          bar", "Namespace:                     foo",
                  "Schedule:                      */5 * * * *", "Concurrency Policy:            Forbid",
                  "Suspend:                       False", "Time Zone:                     America/New_York",
                  "Successful Job History Limit:  3", "Failed Job History Limit:      1",
                  "Starting Deadline Seconds:     200s", "Parallelism:                   4", "Completions:                   5",
                  "Active Deadline Seconds:       400s", "Last Schedule Time:  <unset>", "Active Jobs:         <none>",
                  "Events:              <none>"]:
        assert piece in out


def test_replica_set_counts_only_owned_pods() -> None:
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "bar", "namespace": "foo", "uid": "test-uid"},
          "spec": {"replicas": 4}, "status": {"replicas": 4, "conditions": [
              {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate"}]}}
    owner = [{"uid": "test-uid", "controller": True}]
    pods = [("pods", "", {"metadata": {"name": f"pod{i}", "namespace": "foo", "ownerReferences": owner}, "status": {"phase": p}})
            for i, p in enumerate(["Running", "Pending", "Succeeded", "Failed"])]
    pods.append(("pods", "", {"metadata": {"name": "orphan", "namespace": "foo"}, "status": {"phase": "Running"}}))
    out = describe(rs, FakeLookup(pods), 0)
    for piece in ["Name:         bar", "Namespace:    foo", "Replicas:     4 current / 4 desired",
                  "Pods Status:  1 Running / 1 Waiting / 1 Succeeded / 1 Failed", "Conditions:",
                  "Type             Status  Reason", "----             ------  ------", "ReplicaFailure   True    FailedCreate"]:
        assert piece in out


@pytest.mark.parametrize(
    ("spec", "want", "dont"),
    [
        ({"hostPath": {"type": ""}}, [], ["VolumeMode", "Filesystem"]),
        ({"gcePersistentDisk": {}, "volumeMode": "Filesystem"}, ["VolumeMode", "Filesystem"], []),
        ({"glusterfs": {}}, ["EndpointsNamespace", "<unset>"], []),
        ({"local": {}}, ["Node Affinity:   <none>"], ["Required Terms", "Term "]),
        ({"local": {}, "nodeAffinity": {"required": {}}}, ["Node Affinity", "Required Terms:  <none>"], ["Term "]),
        ({"local": {}, "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "foo", "operator": "In", "values": ["val1", "val2"]}, {"key": "foo", "operator": "Exists"}]}]}}},
         ["Term 0", "foo in [val1, val2]", "foo exists"], []),
        ({"csi": {"driver": "drive", "volumeHandle": "handler", "readOnly": True, "volumeAttributes": {"Attribute1": "Value1"}}},
         ["Driver", "VolumeHandle", "ReadOnly", "VolumeAttributes"], []),
    ],
)
def test_persistent_volume(spec: Obj, want: list[str], dont: list[str]) -> None:
    pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "bar"}, "spec": spec}
    out = describe(pv, FakeLookup(), 0)
    for piece in want:
        assert piece in out
    for piece in dont:
        assert piece not in out


def test_persistent_volume_claim_used_by_and_data_source() -> None:
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"namespace": "ns", "name": "pvc-name", "ownerReferences": [{"kind": "Pod", "name": "owner", "uid": "pod-uid"}]},
           "spec": {"volumeName": "volume1", "storageClassName": "gold",
                    "dataSource": {"kind": "VolumeSnapshot", "name": "src-snapshot", "apiGroup": "snapshot.storage.k8s.io"}},
           "status": {"phase": "Bound"}}
    pods: list[tuple[str, str, Obj]] = [("pods", "", {"metadata": {"namespace": "ns", "name": "pod-name", "uid": "p1"},
                          "spec": {"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "pvc-name"}}]}}),
            ("pods", "", {"metadata": {"namespace": "ns", "name": "owner", "uid": "pod-uid"}, "spec": {}})]
    out = describe(pvc, FakeLookup(pods), 0)
    assert "DataSource:\n  APIGroup:  snapshot.storage.k8s.io\n  Kind:      VolumeSnapshot\n  Name:      src-snapshot\n" in out
    # DataSource ends the block of the header, so Used By aligns with the DataSource rows and Events.
    assert "Used By:     owner\n             pod-name\nEvents:      <none>\n" in out
    assert "Events" in out and "VolumeMode" not in out


# --------------------------------------------------------------------------------------------------
# labk8s scenarios. The expected texts were derived from describe.go line by line (which lines
# share a tabwriter block, how wide each column is); "~" marks a trailing space.
def golden(text: str) -> str:
    return text[1:].replace("~", " ")


TOLERATIONS = [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
               {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
API_ACCESS = {"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420, "sources": [
    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}
SA_MOUNT = {"name": "kube-api-access-x7k2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}

PENDING_POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-7d4b9c8f6d-x2x9z", "namespace": "default", "uid": "uid-pending", "creationTimestamp": ts(10),
                 "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d"},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c8f6d", "uid": "rs-uid",
                                      "controller": True, "blockOwnerDeletion": True}]},
    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                             "resources": {"requests": {"cpu": "8", "memory": "128Mi"}}, "volumeMounts": [SA_MOUNT]}],
             "serviceAccountName": "default", "priority": 0, "tolerations": TOLERATIONS, "volumes": [API_ACCESS]},
    "status": {"phase": "Pending", "qosClass": "Burstable",
               "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]},
}
SCHEDULING_MESSAGE = ("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
                      "2 Insufficient cpu.")


def test_pending_pod_without_node() -> None:
    lookup = FakeLookup([event(PENDING_POD, "FailedScheduling", SCHEDULING_MESSAGE, type="Warning", eventTime=ts(10),
                               reportingComponent="default-scheduler")])
    assert describe(PENDING_POD, lookup, 75_000) == golden("""
Name:             web-7d4b9c8f6d-x2x9z
Namespace:        default
Priority:         0
Service Account:  default
Node:             <none>
Labels:           app=web
                  pod-template-hash=7d4b9c8f6d
Annotations:      <none>
Status:           Pending
IP:              ~
IPs:              <none>
Controlled By:    ReplicaSet/web-7d4b9c8f6d
Containers:
  nginx:
    Image:      nginx:1.27
    Port:       80/TCP
    Host Port:  0/TCP
    Requests:
      cpu:        8
      memory:     128Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7k2p (ro)
Conditions:
  Type           Status
  PodScheduled   False~
Volumes:
  kube-api-access-x7k2p:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  65s   default-scheduler  0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.
""")
    # PodDescriber searches events without the kind (ref.Kind = "").
    assert lookup.calls == [("events", "", "default", None,
                             "involvedObject.name=web-7d4b9c8f6d-x2x9z,involvedObject.namespace=default,involvedObject.uid=uid-pending")]


RUNNING_POD: Obj = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-0", "namespace": "shop", "uid": "uid-web-0", "labels": {"app": "web"}, "creationTimestamp": ts(0),
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "example.com/owner": "team-a"}},
    "spec": {
        "nodeName": "node-1", "serviceAccountName": "default", "priority": 0, "nodeSelector": {"disktype": "ssd"},
        "containers": [
            {"name": "nginx", "image": "nginx:1.27",
             "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP"}],
             "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "250m", "memory": "128Mi"}},
             "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP"}, "initialDelaySeconds": 3,
                               "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
             "readinessProbe": {"tcpSocket": {"port": "http"}, "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1,
                                "failureThreshold": 3},
             "env": [{"name": "MODE", "value": "prod"},
                     {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                     {"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
                     {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
             "volumeMounts": [{"name": "data", "mountPath": "/usr/share/nginx/html"},
                              {"name": "config", "mountPath": "/etc/nginx/conf.d", "readOnly": True}, SA_MOUNT]},
            {"name": "sidecar", "image": "busybox:1.36", "command": ["sh", "-c"],
             "args": ["while true; do date >> /cache/log; sleep 5; done"],
             "livenessProbe": {"exec": {"command": ["cat", "/cache/log"]}, "initialDelaySeconds": 5, "timeoutSeconds": 1,
                               "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3},
             "envFrom": [{"configMapRef": {"name": "web-env"}}],
             "volumeMounts": [{"name": "cache", "mountPath": "/cache"}, SA_MOUNT]}],
        "tolerations": [*TOLERATIONS, {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
        "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
                    {"name": "config", "configMap": {"name": "nginx-conf", "defaultMode": 420}},
                    {"name": "cache", "emptyDir": {}}, API_ACCESS]},
    "status": {
        "phase": "Running", "hostIP": "172.18.0.3", "podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}],
        "startTime": ts(1), "qosClass": "Burstable",
        "conditions": [{"type": t, "status": "True"} for t in
                       ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")],
        "containerStatuses": [
            {"name": "nginx", "containerID": "containerd://aaa", "imageID": "docker.io/library/nginx@sha256:abc", "ready": True,
             "restartCount": 0, "state": {"running": {"startedAt": ts(4)}}},
            {"name": "sidecar", "containerID": "containerd://bbb", "imageID": "docker.io/library/busybox@sha256:def",
             "ready": True, "restartCount": 1, "state": {"running": {"startedAt": ts(70)}},
             "lastState": {"terminated": {"exitCode": 137, "reason": "Error", "startedAt": ts(5), "finishedAt": ts(68)}}}]},
}


def _running_pod_events() -> list[tuple[str, str, Obj]]:
    pod, nginx, sidecar = RUNNING_POD, "spec.containers{nginx}", "spec.containers{sidecar}"

    def kubelet(reason: str, message: str, first: float, **kw: Any) -> tuple[str, str, Obj]:
        return event(pod, reason, message, source={"component": "kubelet"}, firstTimestamp=ts(first),
                     lastTimestamp=ts(kw.pop("last", first)), count=kw.pop("count", 1), **kw)

    return [
        event(pod, "Scheduled", "Successfully assigned shop/web-0 to node-1", eventTime=ts(0.5), reportingComponent="default-scheduler"),
        kubelet("Pulling", 'Pulling image "nginx:1.27"', 1, fieldPath=nginx),
        kubelet("Pulled", 'Successfully pulled image "nginx:1.27" in 2.1s (2.1s including waiting). Image size: 72188133 bytes.',
                3, fieldPath=nginx),
        kubelet("Created", "Created container: nginx", 3, fieldPath=nginx),
        kubelet("Started", "Started container nginx", 4, fieldPath=nginx),
        kubelet("Pulled", 'Container image "busybox:1.36" already present on machine', 4, last=69, count=2, fieldPath=sidecar),
        kubelet("Unhealthy", "Liveness probe failed: cat: can't open '/cache/log': No such file or directory", 40, last=50,
                count=3, type="Warning", fieldPath=sidecar),
        kubelet("Killing", "an earlier pod with the same name", 40, uid="uid-of-an-earlier-pod"),
    ]


def test_running_pod_with_two_containers_probes_volumes_tolerations_events() -> None:
    assert describe(RUNNING_POD, FakeLookup(_running_pod_events()), 300_000) == golden("""
Name:             web-0
Namespace:        shop
Priority:         0
Service Account:  default
Node:             node-1/172.18.0.3
Start Time:       Thu, 01 Jan 2026 00:00:01 +0000
Labels:           app=web
Annotations:      example.com/owner: team-a
Status:           Running
IP:               10.244.1.5
IPs:
  IP:  10.244.1.5
Containers:
  nginx:
    Container ID:   containerd://aaa
    Image:          nginx:1.27
    Image ID:       docker.io/library/nginx@sha256:abc
    Ports:          80/TCP (http), 443/TCP
    Host Ports:     0/TCP (http), 0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:04 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     500m
      memory:  256Mi
    Requests:
      cpu:      250m
      memory:   128Mi
    Liveness:   http-get http://:80/healthz delay=3s timeout=1s period=10s #success=1 #failure=3
    Readiness:  tcp-socket :http delay=0s timeout=1s period=5s #success=1 #failure=3
    Environment:
      MODE:      prod
      POD_NAME:  web-0 (v1:metadata.name)
      NODE:       (v1:spec.nodeName)
      PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false
    Mounts:
      /etc/nginx/conf.d from config (ro)
      /usr/share/nginx/html from data (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7k2p (ro)
  sidecar:
    Container ID:  containerd://bbb
    Image:         busybox:1.36
    Image ID:      docker.io/library/busybox@sha256:def
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
    Args:
      while true; do date >> /cache/log; sleep 5; done
    State:          Running
      Started:      Thu, 01 Jan 2026 00:01:10 +0000
    Last State:     Terminated
      Reason:       Error
      Exit Code:    137
      Started:      Thu, 01 Jan 2026 00:00:05 +0000
      Finished:     Thu, 01 Jan 2026 00:01:08 +0000
    Ready:          True
    Restart Count:  1
    Liveness:       exec [cat /cache/log] delay=5s timeout=1s period=5s #success=1 #failure=3
    Environment Variables from:
      web-env     ConfigMap  Optional: false
    Environment:  <none>
    Mounts:
      /cache from cache (rw)
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7k2p (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True~
  Initialized                 True~
  Ready                       True~
  ContainersReady             True~
  PodScheduled                True~
Volumes:
  data:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  web-data
    ReadOnly:   false
  config:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      nginx-conf
    Optional:  false
  cache:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:    ~
    SizeLimit:  <unset>
  kube-api-access-x7k2p:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              disktype=ssd
Tolerations:                 dedicated=web:NoSchedule
                             node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                    From               Message
  ----     ------     ----                   ----               -------
  Normal   Scheduled  4m59s                  default-scheduler  Successfully assigned shop/web-0 to node-1
  Normal   Pulling    4m59s                  kubelet            spec.containers{nginx}: Pulling image "nginx:1.27"
  Normal   Pulled     4m57s                  kubelet            spec.containers{nginx}: Successfully pulled image "nginx:1.27" in 2.1s (2.1s including waiting). Image size: 72188133 bytes.
  Normal   Created    4m57s                  kubelet            spec.containers{nginx}: Created container: nginx
  Normal   Started    4m56s                  kubelet            spec.containers{nginx}: Started container nginx
  Warning  Unhealthy  4m10s (x3 over 4m20s)  kubelet            spec.containers{sidecar}: Liveness probe failed: cat: can't open '/cache/log': No such file or directory
  Normal   Pulled     3m51s (x2 over 4m56s)  kubelet            spec.containers{sidecar}: Container image "busybox:1.36" already present on machine
""")


NODE = {
    "apiVersion": "v1", "kind": "Node",
    "metadata": {"name": "node-1", "uid": "node-uid-1", "creationTimestamp": ts(0),
                 "labels": {"kubernetes.io/hostname": "node-1", "kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": ""},
                 "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                 "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
    "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"],
             "taints": [{"key": "dedicated", "value": "web", "effect": "NoSchedule"}]},
    "status": {
        "capacity": {"cpu": "4", "ephemeral-storage": "100Gi", "hugepages-2Mi": "0", "memory": "16Gi", "pods": "110"},
        "allocatable": {"cpu": "4", "ephemeral-storage": "100Gi", "hugepages-2Mi": "0", "memory": "16Gi", "pods": "110"},
        "conditions": [
            {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": ts(290), "lastTransitionTime": ts(0),
             "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"},
            {"type": "Ready", "status": "True", "lastHeartbeatTime": ts(290), "lastTransitionTime": ts(2),
             "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
        "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}, {"type": "Hostname", "address": "node-1"}],
        "nodeInfo": {"machineID": "m1", "systemUUID": "s1", "bootID": "b1", "kernelVersion": "6.8.0",
                     "osImage": "Debian GNU/Linux 12 (bookworm)", "operatingSystem": "linux", "architecture": "amd64",
                     "containerRuntimeVersion": "containerd://2.1.0", "kubeletVersion": "v1.37.0"}},
}


def test_node_with_lease_conditions_pods_and_allocated_resources() -> None:
    def pod(name: str, namespace: str, created: float, phase: str, resources: Obj) -> tuple[str, str, Obj]:
        return ("pods", "", {"metadata": {"name": name, "namespace": namespace, "creationTimestamp": ts(created)},
                             "spec": {"nodeName": "node-1", "containers": [{"name": "c", "resources": resources}]},
                             "status": {"phase": phase}})

    nginx: Obj = RUNNING_POD["spec"]["containers"][0]
    objects: list[tuple[str, str, Obj]] = [
        ("leases", "coordination.k8s.io", {"metadata": {"name": "node-1", "namespace": "kube-node-lease"},
                                           "spec": {"holderIdentity": "node-1", "acquireTime": ts(0), "renewTime": ts(298.123456)}}),
        pod("kube-proxy-abcde", "kube-system", 1, "Running", {}),
        pod("web-0", "shop", 0, "Running", nginx["resources"]),
        pod("job-x", "default", 1, "Succeeded", {"requests": {"cpu": "1"}}),
        pod("elsewhere", "default", 1, "Running", {"requests": {"cpu": "1"}}),
        event(NODE, "Starting", "Starting kubelet.", uid="node-1", source={"component": "kubelet"}, firstTimestamp=ts(0),
              lastTimestamp=ts(0)),
        event(NODE, "RegisteredNode", "Node node-1 event: Registered Node node-1 in Controller",
              source={"component": "node-controller"}, firstTimestamp=ts(3), lastTimestamp=ts(3)),
        event(NODE, "NodeReady", "Node node-1 status is now: NodeReady", uid="node-1", source={"component": "kubelet"},
              firstTimestamp=ts(2), lastTimestamp=ts(2)),
    ]
    objects[4][2]["spec"]["nodeName"] = "node-2"
    for _, _, obj in objects[5:]:
        obj["involvedObject"]["namespace"] = ""  # node events are about a cluster-scoped object
    lookup = FakeLookup(objects)
    assert describe(NODE, lookup, 300_000) == golden("""
Name:               node-1
Roles:              worker
Labels:             kubernetes.io/hostname=node-1
                    kubernetes.io/os=linux
                    node-role.kubernetes.io/worker=
Annotations:        node.alpha.kubernetes.io/ttl: 0
                    volumes.kubernetes.io/controller-managed-attach-detach: true
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Taints:             dedicated=web:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  node-1
  AcquireTime:     Thu, 01 Jan 2026 00:00:00 +0000
  RenewTime:       Thu, 01 Jan 2026 00:04:58 +0000
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Thu, 01 Jan 2026 00:04:50 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  Ready            True    Thu, 01 Jan 2026 00:04:50 +0000   Thu, 01 Jan 2026 00:00:02 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  172.18.0.3
  Hostname:    node-1
Capacity:
  cpu:                4
  ephemeral-storage:  100Gi
  hugepages-2Mi:      0
  memory:             16Gi
  pods:               110
Allocatable:
  cpu:                4
  ephemeral-storage:  100Gi
  hugepages-2Mi:      0
  memory:             16Gi
  pods:               110
System Info:
  Machine ID:                 m1
  System UUID:                s1
  Boot ID:                    b1
  Kernel Version:             6.8.0
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://2.1.0
  Kubelet Version:            v1.37.0
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name                CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                ------------  ----------  ---------------  -------------  ---
  kube-system                 kube-proxy-abcde    0 (0%)        0 (0%)      0 (0%)           0 (0%)         4m59s
  shop                        web-0               250m (6%)     500m (12%)  128Mi (0%)       256Mi (1%)     5m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                250m (6%)   500m (12%)
  memory             128Mi (0%)  256Mi (1%)
  ephemeral-storage  0 (0%)      0 (0%)
  hugepages-2Mi      0 (0%)      0 (0%)
Events:
  Type    Reason          Age    From             Message
  ----    ------          ----   ----             -------
  Normal  Starting        5m     kubelet          Starting kubelet.
  Normal  NodeReady       4m58s  kubelet          Node node-1 status is now: NodeReady
  Normal  RegisteredNode  4m57s  node-controller  Node node-1 event: Registered Node node-1 in Controller
""")
    node_selectors = [c[4] for c in lookup.calls if c[0] == "events"]
    assert node_selectors == [  # by the node's UID, then by its name (kubelet uses the name as UID)
        "involvedObject.kind=Node,involvedObject.name=node-1,involvedObject.namespace=,involvedObject.uid=node-uid-1",
        "involvedObject.kind=Node,involvedObject.name=node-1,involvedObject.namespace=,involvedObject.uid=node-1",
    ]


def _web_template(image: str, hash_label: str | None = None) -> Obj:
    labels = {"app": "web", **({"pod-template-hash": hash_label} if hash_label else {})}
    return {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                     "resources": {}, "imagePullPolicy": "IfNotPresent"}],
                     "restartPolicy": "Always", "securityContext": {}}}


def test_deployment_after_rollout() -> None:
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "default", "uid": "dep-uid", "creationTimestamp": ts(0),
                           "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "2"}},
              "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": _web_template("nginx:1.27"),
                       "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}},
              "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3,
                         "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                                        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}

    def rs(name: str, image: str, hash_label: str, replicas: int, created: float, owner: str = "dep-uid") -> tuple[str, str, Obj]:
        return ("replicasets", "apps", {
            "metadata": {"name": name, "namespace": "default", "uid": name, "creationTimestamp": ts(created),
                         "labels": {"app": "web", "pod-template-hash": hash_label},
                         "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": owner, "controller": True}]},
            "spec": {"replicas": replicas, "template": _web_template(image, hash_label)}, "status": {"replicas": replicas}})

    scaling = {"reportingComponent": "deployment-controller"}
    lookup = FakeLookup([
        rs("web-7d4b9c8f6d", "nginx:1.27", "7d4b9c8f6d", 3, 120),
        rs("web-5d8f7b6c9", "nginx:1.26", "5d8f7b6c9", 0, 0),
        rs("web-other", "nginx:1.27", "x", 1, 0, owner="another-deployment"),
        event(deploy, "ScalingReplicaSet", "Scaled up replica set web-5d8f7b6c9 from 0 to 3", eventTime=ts(0.1), **scaling),
        event(deploy, "ScalingReplicaSet", "Scaled up replica set web-7d4b9c8f6d from 0 to 1", eventTime=ts(120), **scaling),
        event(deploy, "ScalingReplicaSet", "Scaled down replica set web-5d8f7b6c9 from 3 to 0", eventTime=ts(150),
              series={"count": 3, "lastObservedTime": ts(190)}, **scaling),
    ])
    assert describe(deploy, lookup, 300_000) == golden("""
Name:                   web
Namespace:              default
CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=web
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  web-5d8f7b6c9 (0/0 replicas created)
NewReplicaSet:   web-7d4b9c8f6d (3/3 replicas created)
Events:
  Type    Reason             Age                   From                   Message
  ----    ------             ----                  ----                   -------
  Normal  ScalingReplicaSet  4m59s                 deployment-controller  Scaled up replica set web-5d8f7b6c9 from 0 to 3
  Normal  ScalingReplicaSet  3m                    deployment-controller  Scaled up replica set web-7d4b9c8f6d from 0 to 1
  Normal  ScalingReplicaSet  110s (x3 over 2m30s)  deployment-controller  Scaled down replica set web-5d8f7b6c9 from 3 to 0
""")
    assert ("replicasets", "apps", "default", "app=web", None) in lookup.calls


def test_node_port_service_with_two_ports() -> None:
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default", "uid": "svc-uid",
                                                               "labels": {"app": "web"}},
           "spec": {"type": "NodePort", "selector": {"app": "web"}, "clusterIP": "10.96.12.34", "clusterIPs": ["10.96.12.34"],
                    "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None",
                    "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
                    "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "nodePort": 30080},
                              {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP", "nodePort": 30090}]}}
    ready = [("10.244.1.5", True), ("10.244.2.7", True), ("10.244.3.2", False), ("10.244.1.9", True), ("10.244.2.8", True)]
    eps = ("endpointslices", "discovery.k8s.io", {
        "metadata": {"name": "web-abcde", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "metrics", "port": 9090, "protocol": "TCP"}],
        "endpoints": [{"addresses": [ip], "conditions": {"ready": r}} for ip, r in ready]})
    lookup = FakeLookup([eps])
    assert describe(svc, lookup, 0) == golden("""
Name:                     web
Namespace:                default
Labels:                   app=web
Annotations:              <none>
Selector:                 app=web
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.12.34
IPs:                      10.96.12.34
Port:                     http  80/TCP
TargetPort:               8080/TCP
NodePort:                 http  30080/TCP
Endpoints:                10.244.1.5:8080,10.244.2.7:8080,10.244.1.9:8080 + 1 more...
Port:                     metrics  9090/TCP
TargetPort:               metrics/TCP
NodePort:                 metrics  30090/TCP
Endpoints:                10.244.1.5:9090,10.244.2.7:9090,10.244.1.9:9090 + 1 more...
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
""")
    assert lookup.calls[0] == ("endpointslices", "discovery.k8s.io", "default", "kubernetes.io/service-name=web", None)


NAMESPACE = {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": "team-a", "labels": {"kubernetes.io/metadata.name": "team-a"}}, "status": {"phase": "Active"}}


def test_namespace_with_quotas_and_limit_range() -> None:
    hard = {"requests.cpu": "2", "requests.memory": "2Gi", "limits.cpu": "4", "limits.memory": "4Gi", "pods": "10"}
    used = {"requests.cpu": "250m", "requests.memory": "128Mi", "limits.cpu": "500m", "limits.memory": "256Mi", "pods": "1"}
    objects = [
        ("resourcequotas", "", {"metadata": {"name": "compute", "namespace": "team-a"}, "spec": {"hard": hard},
                                "status": {"hard": hard, "used": used}}),
        ("resourcequotas", "", {"metadata": {"name": "best-effort", "namespace": "team-a"},
                                "spec": {"hard": {"pods": "5"}, "scopes": ["BestEffort"]},
                                "status": {"hard": {"pods": "5"}, "used": {"pods": "0"}}}),
        ("limitranges", "", {"metadata": {"name": "defaults", "namespace": "team-a"}, "spec": {"limits": [
            {"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"},
             "defaultRequest": {"cpu": "100m", "memory": "128Mi"}, "max": {"cpu": "2"}}]}}),
    ]
    assert describe(NAMESPACE, FakeLookup(objects), 0) == golden("""
Name:         team-a
Labels:       kubernetes.io/metadata.name=team-a
Annotations:  <none>
Status:       Active

Resource Quotas
  Name:    best-effort
  Scopes:  BestEffort
  * Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.
  Resource         Used  Hard
  --------         ---   ---
  pods             0     5
  Name:            compute
  Resource         Used   Hard
  --------         ---    ---
  limits.cpu       500m   4
  limits.memory    256Mi  4Gi
  pods             1      10
  requests.cpu     250m   2
  requests.memory  128Mi  2Gi

Resource Limits
 Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
 ----       --------  ---  ---  ---------------  -------------  -----------------------
 Container  cpu       -    2    100m             500m           -
 Container  memory    -    -    128Mi            512Mi          -
""")
    assert describe(NAMESPACE, FakeLookup(), 0).endswith("Status:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n")


def test_generic_describer_for_other_kinds() -> None:
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "node-1", "namespace": "kube-node-lease", "uid": "l1", "resourceVersion": "42",
                          "managedFields": [{"manager": "kubelet"}]},
             "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40}}
    lookup = FakeLookup()
    assert describe(lease, lookup, 0) == golden("""
Name:         node-1
Namespace:    kube-node-lease
Labels:       <none>
Annotations:  <none>
API Version:  coordination.k8s.io/v1
Kind:         Lease
Metadata:
  Resource Version:  42
  UID:               l1
Spec:
  Holder Identity:         node-1
  Lease Duration Seconds:  40
Events:                    <none>
""")
    assert lookup.calls[0][4] == ("involvedObject.kind=Lease,involvedObject.name=node-1,"
                                  "involvedObject.namespace=kube-node-lease,involvedObject.uid=l1")


def test_events_with_equal_times_keep_server_order_and_terminal_escapes() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "uid": "u",
                                                            "annotations": {"annotation1": "terminal escape: \x1b"}}}
    events = [event(pod, f"R{i:02d}", f"message {i}", firstTimestamp=ts(5), lastTimestamp=ts(5 + i % 2),
                    source={"component": "kubelet"}) for i in range(8)]
    out = describe(pod, FakeLookup(events), 10_000)
    reasons = [line.split()[1] for line in out.splitlines() if line.startswith("  Normal")]
    assert reasons == ["R00", "R02", "R04", "R06", "R01", "R03", "R05", "R07"]
    assert "\x1b" not in out and "terminal escape: ^[" in out
