"""The per-container filesystem: tree operations, errors, mounts shared between containers."""

from __future__ import annotations

import pytest

from labk8s.node.runtime.shell import Filesystem, FsError, base_filesystem, normalize


@pytest.mark.parametrize(("path", "cwd", "expected"), [
    ("/a/b", "/", "/a/b"), ("a/b", "/x", "/x/a/b"), ("/a/./b/../c", "/", "/a/c"), ("..", "/", "/"),
    ("../..", "/a/b/c", "/a"), ("/a//b/", "/", "/a/b"), ("", "/tmp", "/tmp"), (".", "/", "/"),
])
def test_normalize(path: str, cwd: str, expected: str) -> None:
    assert normalize(path, cwd) == expected


def test_write_read_append_listdir() -> None:
    fs = Filesystem()
    fs.mkdir("/a/b", parents=True)
    fs.write("/a/b/f", "one\n")
    fs.append("/a/b/f", "two\n")
    fs.write("/a/b/bytes", b"\xe2\x82\xac")
    assert fs.read("/a/b/f") == "one\ntwo\n"
    assert fs.read("/a/b/bytes") == "\u20ac"
    assert fs.listdir("/a/b") == ["bytes", "f"]
    assert fs.stat("/a/b/bytes").size == 3
    assert fs.is_dir("/a") and fs.is_file("/a/b/f") and not fs.exists("/a/c")


@pytest.mark.parametrize(("op", "code"), [
    (lambda fs: fs.read("/nope"), "ENOENT"),
    (lambda fs: fs.read("/d"), "EISDIR"),
    (lambda fs: fs.write("/nope/f", "x"), "ENOENT"),
    (lambda fs: fs.write("/f/x", "x"), "ENOTDIR"),
    (lambda fs: fs.write("/d", "x"), "EISDIR"),
    (lambda fs: fs.mkdir("/d"), "EEXIST"),
    (lambda fs: fs.mkdir("/x/y"), "ENOENT"),
    (lambda fs: fs.mkdir("/f/y", parents=True), "ENOTDIR"),
    (lambda fs: fs.remove("/d"), "ENOTEMPTY"),
    (lambda fs: fs.remove("/nope"), "ENOENT"),
    (lambda fs: fs.listdir("/f"), "ENOTDIR"),
    (lambda fs: fs.listdir("/nope"), "ENOENT"),
    (lambda fs: fs.stat("/nope"), "ENOENT"),
])
def test_errors(op: object, code: str) -> None:
    fs = Filesystem()
    fs.mkdir("/d")
    fs.write("/d/inner", "")
    fs.write("/f", "file")
    with pytest.raises(FsError) as info:
        op(fs)  # type: ignore[operator]
    assert info.value.code == code
    assert str(info.value) == {
        "ENOENT": "No such file or directory", "EISDIR": "Is a directory", "ENOTDIR": "Not a directory",
        "EEXIST": "File exists", "ENOTEMPTY": "Directory not empty"}[code]


def test_remove_recursive_copy_rename() -> None:
    fs = Filesystem()
    fs.mkdir("/src/sub", parents=True)
    fs.write("/src/sub/f", "data")
    fs.copy("/src", "/dst", recursive=True)
    assert fs.read("/dst/sub/f") == "data"
    fs.rename("/dst", "/moved")
    assert not fs.exists("/dst") and fs.read("/moved/sub/f") == "data"
    fs.remove("/src", recursive=True)
    assert fs.listdir("/") == ["moved"]


def test_mtime_follows_clock() -> None:
    now = [5000]
    fs = Filesystem(clock=lambda: now[0])
    fs.write("/f", "x")
    now[0] = 9000
    fs.touch("/f")
    assert fs.stat("/f").mtime_ms == 9000


def test_volume_shared_between_containers() -> None:
    vol = Filesystem()
    a, b = base_filesystem("busybox", "a"), base_filesystem("nginx", "b")
    a.mount("/data", vol)
    b.mount("/usr/share/nginx/html", vol)
    a.write("/data/index.html", "hello")
    assert b.read("/usr/share/nginx/html/index.html") == "hello"
    b.append("/usr/share/nginx/html/index.html", " world")
    assert a.read("/data/index.html") == "hello world"
    assert vol.read("/index.html") == "hello world"
    assert a.listdir("/data") == ["index.html"]
    assert "data" in a.listdir("/")
    # the container's own tree does not hold volume data
    assert a.usage_bytes() < 10_000 and vol.usage_bytes() == 11


def test_subpath_and_file_mounts() -> None:
    cfg = Filesystem()
    cfg.mkdir("/conf")
    cfg.write("/conf/redis.conf", "maxmemory 2mb\n")
    fs = base_filesystem("redis")
    fs.mount("/usr/local/etc/redis", cfg, subpath="/conf")
    fs.mount("/etc/app.conf", cfg, subpath="/conf/redis.conf")
    assert fs.listdir("/usr/local/etc/redis") == ["redis.conf"]
    assert fs.read("/etc/app.conf") == "maxmemory 2mb\n"
    assert fs.is_file("/etc/app.conf")
    # a missing subPath is created as a directory, as the kubelet does
    fs.mount("/var/lib/app", cfg, subpath="/new/dir")
    assert cfg.is_dir("/new/dir")


def test_read_only_mount_and_root() -> None:
    vol = Filesystem()
    vol.write("/key", "value")
    fs = Filesystem()
    fs.mount("/etc/config", vol, read_only=True)
    with pytest.raises(FsError) as info:
        fs.write("/etc/config/key", "changed")
    assert info.value.code == "EROFS" and str(info.value) == "Read-only file system"
    assert fs.read("/etc/config/key") == "value"
    ro = Filesystem(read_only=True)
    ro.mount("/tmp", Filesystem())
    ro.write("/tmp/ok", "writable volume on a read-only root")
    with pytest.raises(FsError):
        ro.write("/other", "x")


def test_mount_point_cannot_be_removed_but_contents_can() -> None:
    vol = Filesystem()
    vol.write("/a", "1")
    fs = Filesystem()
    fs.mount("/data", vol)
    with pytest.raises(FsError) as info:
        fs.remove("/data", recursive=True)
    assert info.value.code == "EBUSY"
    assert fs.listdir("/data") == [] and vol.listdir("/") == []


def test_rename_across_mounts_copies() -> None:
    vol = Filesystem()
    fs = Filesystem()
    fs.mount("/vol", vol)
    fs.write("/f", "x")
    fs.rename("/f", "/vol/f")
    assert not fs.exists("/f") and vol.read("/f") == "x"


def test_nested_mounts_and_unmount() -> None:
    outer, inner = Filesystem(), Filesystem()
    fs = Filesystem()
    fs.mount("/a", outer)
    fs.mount("/a/b", inner)
    fs.write("/a/b/f", "deep")
    assert inner.read("/f") == "deep" and outer.is_dir("/b")
    assert [p for p, _ in fs.mounts()] == ["/a", "/a/b"]
    fs.unmount("/a/b")
    assert not fs.exists("/a/b/f")


@pytest.mark.parametrize(("image", "present", "absent"), [
    ("busybox", ["/bin/sh", "/bin/busybox", "/bin/sleep", "/bin/wget", "/etc/hostname", "/tmp", "/proc"],
     ["/bin/bash", "/usr/sbin/nginx"]),
    ("nginx:1.27", ["/bin/sh", "/bin/bash", "/usr/sbin/nginx", "/docker-entrypoint.sh"], ["/bin/busybox"]),
    ("alpine:3.20", ["/bin/sh", "/etc/alpine-release", "/sbin/apk"], ["/bin/bash"]),
    ("registry.k8s.io/pause:3.10", ["/pause", "/dev/null"], ["/bin/sh", "/tmp"]),
])
def test_image_layouts(image: str, present: list[str], absent: list[str]) -> None:
    fs = base_filesystem(image, "web-0")
    assert fs.read("/etc/hostname") == "web-0\n"
    for path in present:
        assert fs.exists(path), path
    for path in absent:
        assert not fs.exists(path), path


def test_dev_null_swallows_writes() -> None:
    fs = base_filesystem("busybox")
    fs.write("/dev/null", "discarded")
    assert fs.read("/dev/null") == "" and fs.stat("/dev/null").kind == "device"
