"""One seeded RNG per cluster, with named child streams.

Each component draws from its own stream, derived from (seed, name) with SHA-256, so that adding a
component or drawing more numbers in one stream never shifts another stream's numbers.
"""

from __future__ import annotations

import hashlib
import random


class Rng:
    def __init__(self, seed: int, path: str = "") -> None:
        self.seed = seed
        self.path = path
        digest = hashlib.sha256(f"{seed}/{path}".encode()).digest()
        self._random = random.Random(int.from_bytes(digest[:16], "big"))
        self._children: dict[str, Rng] = {}

    def child(self, name: str) -> Rng:
        """The named child stream (the same object each time it is asked for)."""
        found = self._children.get(name)
        if found is None:
            found = Rng(self.seed, f"{self.path}/{name}" if self.path else name)
            self._children[name] = found
        return found

    @property
    def random(self) -> random.Random:
        """The stream's own `random.Random` (never the global one)."""
        return self._random

    def randint(self, a: int, b: int) -> int:
        return self._random.randint(a, b)

    def uniform(self, a: float, b: float) -> float:
        return self._random.uniform(a, b)

    def choice(self, seq: str) -> str:
        return self._random.choice(seq)

    def getrandbits(self, k: int) -> int:
        return self._random.getrandbits(k)

    def string(self, n: int, alphabet: str) -> str:
        r = self._random
        return "".join(alphabet[r.randrange(len(alphabet))] for _ in range(n))
