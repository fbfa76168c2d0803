"""Partitioning things into groups joined directly or through others."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["connected_groups"]

T = TypeVar("T")


def connected_groups(
    items: Sequence[T], joined: Callable[[T, T], bool]
) -> list[list[int]]:
    """Indices of ``items`` in groups: two items joined by ``joined``, directly or
    through others, share a group (union-find). Groups and their indices keep the
    order of ``items``."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            if joined(a, items[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
