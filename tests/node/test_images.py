"""Image references, the simulated registry and a node's image store (pull timing, caching, errors)."""

from __future__ import annotations

import hashlib

import pytest

from labk8s._sim import EventLoop, Rng
from labk8s.node.images import (
    DEFAULT_IMAGE_SIZE,
    PULL_BANDWIDTH_BYTES_PER_S,
    PULL_RESOLVE_MS,
    SANDBOX_IMAGE,
    ImageNotFound,
    ImageService,
    PullError,
    ReferenceFormatError,
    Registry,
    familiar_name,
    normalize,
    parse_image_name,
    parse_normalized_named,
    pull_duration_ms,
)
from labk8s.node.runtime.cri import new_node_runtime

HEX64 = "cb111d1bd870a6a471385a4a69ad17469d326e9dd91e0e455350cacf36e1b3ee"


# -- references (distribution/reference normalize_test.go, reference_test.go) ------------------------
@pytest.mark.parametrize("image,full", [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.14.2", "docker.io/library/nginx:1.14.2"),
    ("library/nginx", "docker.io/library/nginx:latest"),
    ("docker.io/nginx", "docker.io/library/nginx:latest"),
    ("docker.io/library/nginx:latest", "docker.io/library/nginx:latest"),
    ("index.docker.io/nginx", "docker.io/library/nginx:latest"),
    ("polinux/stress", "docker.io/polinux/stress:latest"),
    ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
    ("registry.k8s.io/coredns/coredns:v1.12.0", "registry.k8s.io/coredns/coredns:v1.12.0"),
    ("localhost/foo", "localhost/foo:latest"),
    ("localhost:5000/foo/bar:tag", "localhost:5000/foo/bar:tag"),
    ("Example.com/foo", "Example.com/foo:latest"),
    ("127.0.0.1:5000/a", "127.0.0.1:5000/a:latest"),
    (f"registry.k8s.io/redis@sha256:{HEX64}", f"registry.k8s.io/redis@sha256:{HEX64}"),
    (f"nginx:1.29@sha256:{HEX64}", f"docker.io/library/nginx:1.29@sha256:{HEX64}"),
    ("a-b__c.d/e", "a-b__c.d/e:latest"),
])
def test_normalize(image: str, full: str) -> None:
    assert normalize(image) == full


@pytest.mark.parametrize("image,message", [
    ("", "invalid reference format"),
    ("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"),
    ("nginx:", "invalid reference format"),
    ("nginx:tag with space", "invalid reference format"),
    ("-nginx", "invalid reference format"),
    ("docker.io/Library/nginx", "invalid reference format: repository name (Library/nginx) must be lowercase"),
    (HEX64, f"invalid repository name ({HEX64}), cannot specify 64-byte hexadecimal strings"),
    ("nginx@sha256:" + "a" * 32, "invalid checksum digest length"),
    ("nginx@md5:" + "a" * 32, "unsupported digest algorithm"),
    ("a/" * 130 + "b", "repository name must not be more than 255 characters"),
])
def test_malformed_references(image: str, message: str) -> None:
    with pytest.raises(ReferenceFormatError) as err:
        normalize(image)
    assert str(err.value) == message


@pytest.mark.parametrize("image,familiar", [
    ("nginx", "nginx"), ("docker.io/library/nginx", "nginx"), ("polinux/stress", "polinux/stress"),
    ("registry.k8s.io/pause", "registry.k8s.io/pause"), ("docker.io/library/a/b", "library/a/b"),
])
def test_familiar_name(image: str, familiar: str) -> None:
    assert familiar_name(parse_normalized_named(image)) == familiar


def test_parse_image_name_is_the_kubelets() -> None:
    assert parse_image_name("nginx") == ("docker.io/library/nginx", "latest", "")
    assert parse_image_name("nginx:1.14.2") == ("docker.io/library/nginx", "1.14.2", "")
    assert parse_image_name(f"a@sha256:{HEX64}") == ("docker.io/library/a", "", f"sha256:{HEX64}")
    with pytest.raises(ReferenceFormatError) as err:
        parse_image_name("Nginx")
    assert str(err.value) == ('couldn\'t parse image name "Nginx": invalid reference format: repository name '
                              "(library/Nginx) must be lowercase")


# -- registry -------------------------------------------------------------------------------------------
def test_registry_resolves_every_wellformed_reference_with_known_sizes() -> None:
    reg = Registry()
    nginx = reg.resolve("nginx")
    assert nginx.reference == "docker.io/library/nginx:latest"
    assert nginx.size == 72_195_292
    assert nginx.digest == "sha256:" + hashlib.sha256(b"docker.io/library/nginx:latest").hexdigest()
    assert nginx.image_id == "sha256:" + hashlib.sha256(b"config:docker.io/library/nginx:latest").hexdigest()
    assert nginx.repo_digest == f"docker.io/library/nginx@{nginx.digest}"
    assert reg.resolve("nginx:1.14.2").size == 44_710_204
    assert reg.resolve(SANDBOX_IMAGE).size == 320_368
    assert reg.resolve("k8s.gcr.io/pause:3.1").size == 317_164  # the old registry redirects
    assert reg.resolve("nginx:1.27-alpine").size == 20_487_323
    assert reg.resolve("example.com/team/app:v1").size == DEFAULT_IMAGE_SIZE
    by_digest = reg.resolve(f"registry.k8s.io/redis@sha256:{HEX64}")
    assert (by_digest.digest, by_digest.tag, by_digest.repo_tag) == (f"sha256:{HEX64}", "", "")


def test_push_and_delete() -> None:
    reg = Registry()
    before = reg.resolve("myapp:v1")
    pushed = reg.push("myapp:v1", size="10Mi")
    assert pushed.size == 10 * 1024 * 1024
    assert pushed.digest != before.digest and pushed.image_id != before.image_id
    again = reg.push("myapp:v1", size=1234)
    assert again.size == 1234 and again.digest != pushed.digest
    reg.delete("myapp:v1")
    assert not reg.exists("myapp:v1") and reg.exists("myapp:v2")
    with pytest.raises(ImageNotFound, match="docker.io/library/myapp:v1: not found"):
        reg.resolve("docker.io/library/myapp:v1")
    reg.push("myapp:v1")
    assert reg.exists("myapp:v1") and reg.size_of("myapp:v1") == DEFAULT_IMAGE_SIZE
    with pytest.raises(ValueError):
        reg.push("x", size="-1")


# -- the node's image store --------------------------------------------------------------------------
def _service(serialize: bool = True) -> tuple[EventLoop, Registry, ImageService]:
    loop = EventLoop()
    reg = Registry()
    return loop, reg, ImageService(loop, reg, serialize_pulls=serialize)


def _pull(svc: ImageService, image: str, log: list[tuple[int, str, str | None, str | None]]) -> None:
    def done(image_id: str | None, err: PullError | None) -> None:
        log.append((svc.loop.now_ms, image, image_id, err.message if err else None))
    svc.pull(image, done)


@pytest.mark.parametrize("size,cached,ms", [
    (72_195_292, False, PULL_RESOLVE_MS + 2888),
    (2_155_324, False, PULL_RESOLVE_MS + 87),
    (PULL_BANDWIDTH_BYTES_PER_S, False, PULL_RESOLVE_MS + 1000),
    (0, False, PULL_RESOLVE_MS),
    (72_195_292, True, PULL_RESOLVE_MS),
])
def test_pull_duration(size: int, cached: bool, ms: int) -> None:
    assert pull_duration_ms(size, cached) == ms


def test_serialized_pulls_run_one_after_another_and_cache() -> None:
    loop, reg, svc = _service()
    log: list[tuple[int, str, str | None, str | None]] = []
    _pull(svc, "nginx", log)
    _pull(svc, "busybox", log)
    loop.run_until_time(10_000)
    assert [(t, i) for t, i, _, _ in log] == [(3188, "nginx"), (3188 + 387, "busybox")]
    info = svc.status("nginx:latest")
    assert info is not None and info.size == 72_195_292
    assert info.repo_tags == ("docker.io/library/nginx:latest",)
    assert info.repo_digests == (reg.resolve("nginx").repo_digest,)
    assert svc.status(info.id) == info and svc.status(info.repo_digests[0]) == info
    log.clear()
    _pull(svc, "docker.io/library/nginx", log)  # already on the node: only the resolve
    loop.run_until_time(20_000)
    assert log == [(10_000 + PULL_RESOLVE_MS, "docker.io/library/nginx", info.id, None)]
    assert [i.repo_tags for i in svc.list()] == sorted(
        [("docker.io/library/busybox:latest",), ("docker.io/library/nginx:latest",)],
        key=lambda tags: reg.resolve(tags[0]).image_id)


def test_parallel_pulls_when_not_serialized() -> None:
    loop, _, svc = _service(serialize=False)
    log: list[tuple[int, str, str | None, str | None]] = []
    _pull(svc, "nginx", log)
    _pull(svc, "busybox", log)
    loop.run_until_time(10_000)
    assert [(t, i) for t, i, _, _ in log] == [(387, "busybox"), (3188, "nginx")]


def test_deleted_image_fails_to_pull_with_containerds_message() -> None:
    loop, reg, svc = _service()
    reg.delete("nosuch:1")
    log: list[tuple[int, str, str | None, str | None]] = []
    _pull(svc, "nosuch:1", log)
    _pull(svc, "busybox", log)  # a failed pull frees the queue
    loop.run_until_time(5_000)
    ref = "docker.io/library/nosuch:1"
    assert log[0] == (PULL_RESOLVE_MS, "nosuch:1", None, f'failed to pull and unpack image "{ref}": failed to resolve '
                      f'reference "{ref}": {ref}: not found')
    assert log[1][0] == PULL_RESOLVE_MS + 387 and log[1][3] is None
    assert svc.status("nosuch:1") is None


def test_runtime_reports_pull_errors_as_grpc_status() -> None:
    loop = EventLoop()
    reg = Registry()
    rt = new_node_runtime(loop, "node-1", "172.18.0.3", "10.244.1.0/24", reg, Rng(0))
    reg.delete("nosuch:1")
    got: list[tuple[str | None, str | None]] = []
    rt.pull_image("nosuch:1", lambda ref, err: got.append((ref, err)))
    rt.pull_image("Nginx", lambda ref, err: got.append((ref, err)))
    loop.run_until_time(1_000)
    ref = "docker.io/library/nosuch:1"
    assert got == [
        (None, f'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": failed to resolve '
               f'reference "{ref}": {ref}: not found'),
        (None, 'rpc error: code = Unknown desc = failed to parse image reference "Nginx": invalid reference '
               "format: repository name (library/Nginx) must be lowercase"),
    ]


def test_repush_moves_the_tag_and_leaves_the_old_image_untagged() -> None:
    loop, reg, svc = _service()
    log: list[tuple[int, str, str | None, str | None]] = []
    _pull(svc, "myapp:v1", log)
    loop.run_until_time(5_000)
    old = log[-1][2]
    reg.push("myapp:v1", size="1Mi")
    _pull(svc, "myapp:v1", log)
    loop.run_until_time(10_000)
    new = log[-1][2]
    assert new != old
    info = svc.status("myapp:v1")
    assert info is not None and info.id == new and info.size == 1024 * 1024
    # The old content keeps its digest reference: a dangling image (``<none>`` in crictl images).
    stale = svc.status(str(old))
    assert stale is not None and stale.repo_tags == () and len(stale.repo_digests) == 1
    svc.remove(str(old))
    assert [i.id for i in svc.list()] == [new]


def test_preloaded_pause_image_is_pinned_and_remove() -> None:
    loop = EventLoop()
    svc = ImageService(loop, Registry(), preloaded=[SANDBOX_IMAGE, "nginx"])
    pause = svc.status(SANDBOX_IMAGE)
    nginx = svc.status("nginx")
    assert pause is not None and pause.pinned and nginx is not None and not nginx.pinned
    svc.remove("nginx")
    assert svc.status("nginx") is None and svc.status(nginx.id) is None
    svc.remove("nginx")  # unknown: nothing happens


def test_shutdown_drops_pulls_in_flight() -> None:
    loop, _, svc = _service()
    log: list[tuple[int, str, str | None, str | None]] = []
    _pull(svc, "nginx", log)
    _pull(svc, "busybox", log)
    loop.run_until_time(1_000)
    svc.shutdown()
    loop.run_until_time(10_000)
    assert log == [] and svc.pulling == 0
    svc.power_on()
    _pull(svc, "busybox", log)
    loop.run_until_time(20_000)
    assert [i for _, i, _, _ in log] == ["busybox"]
