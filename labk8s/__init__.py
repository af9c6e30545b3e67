"""labk8s: a faithful, deterministic Kubernetes v1.37 cluster that runs inside a Jupyter kernel.

>>> from labk8s import Cluster
>>> c = Cluster(nodes=3, seed=0)
"""

from labk8s.api.quantity import Quantity
from labk8s.cluster import Cluster
from labk8s.errors import ApiError, LabK8sError, ManifestError, QuantityError, SimulationError

__all__ = [
    "ApiError",
    "Cluster",
    "LabK8sError",
    "ManifestError",
    "Quantity",
    "QuantityError",
    "SimulationError",
]

__version__ = "0.1.0"


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext labk8s`: registers the `%kubectl` line and cell magic (IPython is imported lazily)."""
    from labk8s.widgets.magics import load_ipython_extension as load

    load(ipython)
