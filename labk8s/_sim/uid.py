"""Deterministic UIDs shaped like the version-4 UUIDs a real API server assigns."""

from __future__ import annotations

from labk8s._sim.rng import Rng


class UidGenerator:
    def __init__(self, rng: Rng) -> None:
        self._rng = rng

    def new(self) -> str:
        n = self._rng.getrandbits(128)
        # Set the version (4) and variant (10xx) bits, as uuid.uuid4() would.
        n &= ~(0xF000 << 64)
        n |= 0x4000 << 64
        n &= ~(0xC000 << 48)
        n |= 0x8000 << 48
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
