"""Errors of the store, with etcd's messages (``mvcc/kvstore.go``, ``etcdserver/api/v3rpc/rpctypes``).

The API server turns :class:`CompactedError` into 410 Expired ("The resourceVersion for the provided
watch is too old.") as the etcd3 storage layer of kube-apiserver does.
"""

from __future__ import annotations

from labk8s.errors import LabK8sError

__all__ = ["CompactedError", "FutureRevisionError", "SnapshotError"]


class CompactedError(LabK8sError):
    """The requested revision was compacted away (etcd ``ErrCompacted``).

    ``compact_revision`` is the store's compacted revision: the oldest revision that can still be
    read; a watch must start after it.
    """

    def __init__(self, compact_revision: int, revision: int | None = None) -> None:
        super().__init__("mvcc: required revision has been compacted")
        self.compact_revision = compact_revision
        self.revision = revision


class FutureRevisionError(LabK8sError):
    """The requested revision is newer than the store's current revision (etcd ``ErrFutureRev``)."""

    def __init__(self, revision: int, current_revision: int) -> None:
        super().__init__("mvcc: required revision is a future revision")
        self.revision = revision
        self.current_revision = current_revision


class SnapshotError(LabK8sError, ValueError):
    """Bytes that are not a valid store snapshot (bad magic, truncated, checksum mismatch, ...)."""
