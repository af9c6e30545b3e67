"""kube-scheduler: the scheduling framework, queue, cache and default plugins of Kubernetes v1.37."""

from labk8s.scheduler.scheduler import BIND_LATENCY_MS, SCHEDULING_CYCLE_MS, Scheduler

__all__ = ["BIND_LATENCY_MS", "SCHEDULING_CYCLE_MS", "Scheduler"]
