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
