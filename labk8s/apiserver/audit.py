"""The audit log: one record per API request (who called which verb on what, and the result).

Kept in a bounded ring (the newest `capacity` records) so that a long simulation cannot grow without
limit; `total` counts every request ever made.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuditRecord:
    time_ms: int
    user: str  # the component: kube-scheduler, kubelet/node-1, kubectl, ...
    verb: str  # create, get, list, watch, update, patch, delete
    resource: str  # group resource, e.g. "pods", "deployments.apps"
    subresource: str
    namespace: str
    name: str
    code: int  # HTTP status of the response


class AuditLog:
    def __init__(self, capacity: int = 200_000) -> None:
        self._records: deque[AuditRecord] = deque(maxlen=capacity)
        self.total = 0

    def record(self, rec: AuditRecord) -> None:
        self._records.append(rec)
        self.total += 1

    def records(self) -> list[AuditRecord]:
        return list(self._records)

    def __len__(self) -> int:
        return len(self._records)
