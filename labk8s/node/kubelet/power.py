"""Node power: the machine switches off (kubelet and containers stop) and on again (the kubelet restarts).

power_off: the kubelet stops at once, so nothing more reaches the API server (no status, no Lease
renewal, no events); its watches close; every container process dies with the machine
(``runtime.shutdown()``).

power_on: the runtime comes back with what it had on disk (containers that were running are EXITED with
exit code 255, reason ``Unknown``; sandboxes NOTREADY) and the kubelet starts as after a reboot: a new
boot ID, ``Starting kubelet.``, registration (the Node exists: its labels are reconciled and the status
posted, Ready again), then the pods bound to the node are listed. Pods deleted from the API meanwhile
are killed and removed from the runtime; pods still bound get a new sandbox and their containers start
again, each with its restart count increased and the ``Unknown`` exit as its last state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labk8s.node.kubelet.kubelet import Kubelet


def power_off(kl: Kubelet) -> None:
    if not kl.running:
        return
    kl.stop()
    kl.runtime.shutdown()


def power_on(kl: Kubelet) -> None:
    if kl.running:
        return
    power_on_runtime = getattr(kl.runtime, "power_on", None)
    if power_on_runtime is not None:
        power_on_runtime()
    kl.boot += 1
    kl.start()
