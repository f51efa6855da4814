"""Demo data (placeholder, replaced below)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DemoLogin:
    email: str
    password: str


def load() -> DemoLogin:
    raise NotImplementedError
