"""Prefix ranges: ascending byte order of the key, limit, start, count, reads at older revisions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labk8s.store import CompactedError, FutureRevisionError, Store

KEYS = [
    "/registry/pods/default/web-1",
    "/registry/pods/default/web-0",
    "/registry/pods/kube-system/coredns-1",
    "/registry/pods/default/web-10",
    "/registry/nodes/node-1",
    "/registry/pods/default/web-2",
    "/registry/pods-other/x",
    "/registry/namespaces/default",
]


def _store(keys: list[str]) -> Store:
    s = Store()
    for k in keys:
        s.put(k, k.encode())
    return s


def _keys(s: Store, prefix: str, **kw: int | str) -> list[str]:
    return [kv.key for kv in s.range(prefix, **kw)[0]]  # type: ignore[arg-type]


# (prefix, limit, start, expected keys)
RANGE_TABLE = [
    ("/registry/pods/", 0, "", [
        "/registry/pods/default/web-0",
        "/registry/pods/default/web-1",
        "/registry/pods/default/web-10",
        "/registry/pods/default/web-2",
        "/registry/pods/kube-system/coredns-1",
    ]),
    ("/registry/pods/default/", 2, "", ["/registry/pods/default/web-0", "/registry/pods/default/web-1"]),
    ("/registry/pods/default/web-1", 0, "", ["/registry/pods/default/web-1", "/registry/pods/default/web-10"]),
    ("/registry/pods", 0, "", [
        "/registry/pods-other/x",
        "/registry/pods/default/web-0",
        "/registry/pods/default/web-1",
        "/registry/pods/default/web-10",
        "/registry/pods/default/web-2",
        "/registry/pods/kube-system/coredns-1",
    ]),
    ("/registry/pods/", 3, "/registry/pods/default/web-10", [
        "/registry/pods/default/web-10",
        "/registry/pods/default/web-2",
        "/registry/pods/kube-system/coredns-1",
    ]),
    ("/registry/pods/", 0, "/registry/pods/default/web-10\x00", [
        "/registry/pods/default/web-2",
        "/registry/pods/kube-system/coredns-1",
    ]),
    ("/registry/pods/", 0, "/zzz", []),
    ("/registry/services/", 0, "", []),
    ("/registry/nodes/node-1", 0, "", ["/registry/nodes/node-1"]),
    ("", 3, "", ["/registry/namespaces/default", "/registry/nodes/node-1", "/registry/pods-other/x"]),
]


@pytest.mark.parametrize(("prefix", "limit", "start", "expected"), RANGE_TABLE)
def test_range(prefix: str, limit: int, start: str, expected: list[str]) -> None:
    s = _store(KEYS)
    assert _keys(s, prefix, limit=limit, start=start) == expected
    assert s.count(prefix) == len(_keys(s, prefix))


def test_range_returns_the_revision_it_reflects() -> None:
    s = _store(KEYS)
    assert s.range("/registry/")[1] == s.revision == 9
    assert s.range("/registry/", revision=4)[1] == 4


def test_range_values_are_current() -> None:
    s = _store(KEYS)
    s.put("/registry/nodes/node-1", b"new")
    kvs, _ = s.range("/registry/nodes/")
    assert [(kv.value, kv.version) for kv in kvs] == [(b"new", 2)]


def test_range_sees_adds_and_deletes_between_reads() -> None:
    s = _store(KEYS)
    assert len(s.range("/registry/pods/default/")[0]) == 4
    s.delete("/registry/pods/default/web-1")
    s.put("/registry/pods/default/web-05", b"")
    s.delete("/registry/pods/default/web-05")
    s.put("/registry/pods/default/web-1", b"again")  # deleted then re-created before the next read
    s.put("/registry/pods/default/a", b"")
    assert _keys(s, "/registry/pods/default/") == [
        "/registry/pods/default/a",
        "/registry/pods/default/web-0",
        "/registry/pods/default/web-1",
        "/registry/pods/default/web-10",
        "/registry/pods/default/web-2",
    ]
    assert s.count("/registry/pods/default/") == 5


def test_keys_of_nested_directories_interleave_in_byte_order() -> None:
    # "/a/b-x" (directory "/a/") sorts between "/a/a" and "/a/b/c" (directory "/a/b/").
    s = _store(["/a/b/c", "/a/z", "/a/b-x", "/a/a", "/a/b/", "/a/b/d/e", "/a/"])
    expected = ["/a/", "/a/a", "/a/b-x", "/a/b/", "/a/b/c", "/a/b/d/e", "/a/z"]
    assert _keys(s, "/a/") == expected
    assert _keys(s, "/a/", limit=4) == expected[:4]
    assert _keys(s, "/a/b") == ["/a/b-x", "/a/b/", "/a/b/c", "/a/b/d/e"]
    assert _keys(s, "/a/", start="/a/b/") == expected[3:]
    assert s.count("/a/b") == 4


def test_order_is_utf8_byte_order() -> None:
    keys = ["/k/\U0001f600", "/k/é", "/k/z", "/k/Z", "/k/\uffff", "/k/ä"]
    s = _store(keys)
    assert _keys(s, "/k/") == sorted(keys, key=lambda k: k.encode())


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="ab/-é\U0001f600", min_size=1, max_size=6), max_size=25),
    prefix=st.text(alphabet="ab/-é", max_size=3),
    limit=st.integers(0, 5),
    start=st.text(alphabet="ab/-", max_size=3),
)
def test_range_matches_sorted_filter(keys: list[str], prefix: str, limit: int, start: str) -> None:
    s = _store(keys)
    for k in keys[::3]:
        s.delete(k)
    live = sorted({k for k in keys} - set(keys[::3]), key=lambda k: k.encode())
    expected = [k for k in live if k.startswith(prefix) and k >= start]
    assert _keys(s, prefix, limit=limit, start=start) == (expected[:limit] if limit else expected)
    assert s.count(prefix) == len([k for k in live if k.startswith(prefix)])


def test_range_at_older_revisions() -> None:
    s = Store()
    s.put("/p/a", b"a1")  # 2
    s.put("/p/b", b"b1")  # 3
    s.put("/p/a", b"a2")  # 4
    s.delete("/p/b")  # 5
    s.put("/p/c", b"c1")  # 6
    s.put("/q/x", b"x")  # 7

    def at(rev: int, prefix: str = "/p/", limit: int = 0) -> list[tuple[str, bytes, int]]:
        return [(kv.key, kv.value, kv.mod_revision) for kv in s.range(prefix, limit, rev)[0]]

    assert at(1) == []
    assert at(2) == [("/p/a", b"a1", 2)]
    assert at(3) == [("/p/a", b"a1", 2), ("/p/b", b"b1", 3)]
    assert at(4) == [("/p/a", b"a2", 4), ("/p/b", b"b1", 3)]
    assert at(4, limit=1) == [("/p/a", b"a2", 4)]
    assert at(5) == [("/p/a", b"a2", 4)]
    assert at(6) == at(7) == at(0) == [("/p/a", b"a2", 4), ("/p/c", b"c1", 6)]
    assert at(6, "") == [("/p/a", b"a2", 4), ("/p/c", b"c1", 6)]
    with pytest.raises(FutureRevisionError) as e:
        s.range("/p/", revision=8)
    assert (e.value.revision, e.value.current_revision) == (8, 7)
    s.compact(4)
    assert at(4) == [("/p/a", b"a2", 4), ("/p/b", b"b1", 3)]  # the compacted revision stays readable
    with pytest.raises(CompactedError) as c:
        s.range("/p/", revision=3)
    assert c.value.compact_revision == 4
    assert str(c.value) == "mvcc: required revision has been compacted"


@pytest.mark.parametrize(("limit", "revision"), [(-1, 0), (0, -1)])
def test_range_rejects_negative_arguments(limit: int, revision: int) -> None:
    s = _store(KEYS)
    with pytest.raises(ValueError):
        s.range("/", limit, revision)
