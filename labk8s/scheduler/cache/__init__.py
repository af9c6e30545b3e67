"""The scheduler cache and the node snapshot the algorithm reads."""
