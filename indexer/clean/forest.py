"""A LightGBM binary classifier read from its text file and evaluated in plain Python, one row at a time.

The chooser asks its model about one page at a time. ``lightgbm.Booster.predict`` checks and converts its input on
every call, which costs a few hundred times what walking 80 trees of 8 leaves costs; this module walks them
itself. It reads the subset of LightGBM's text format such a model uses (numerical splits, no categorical ones,
no missing values) and refuses anything else, so the answer is LightGBM's: the leaf values summed in tree order,
then the sigmoid (``tests/test_extract.py`` holds both to the same figures).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tree:
    """One regression tree: node i sends ``row[feature[i]] <= threshold[i]`` left, leaves are negative (~leaf)."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    leaf_value: tuple[float, ...]

    def value(self, row: list[float]) -> float:
        """The leaf value this row lands on."""
        if not self.feature:
            return self.leaf_value[0]  # a tree of one leaf
        node = 0
        while node >= 0:
            node = self.left[node] if row[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.leaf_value[~node]


@dataclass(frozen=True)
class Forest:
    """A binary LightGBM model: its trees and the sigmoid's slope."""

    trees: tuple[Tree, ...]
    sigmoid: float

    def probability(self, row: list[float]) -> float:
        """The model's probability of the positive class for one row, as ``Booster.predict`` gives it."""
        score = 0.0
        for tree in self.trees:
            score += tree.value(row)
        return 1.0 / (1.0 + math.exp(-self.sigmoid * score))


def _fields(block: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in block.splitlines() if "=" in line)


def _tree(fields: dict[str, str]) -> Tree:
    if fields.get("num_cat", "0") != "0":
        raise ValueError("categorical splits are not supported")
    decisions = fields.get("decision_type", "").split()
    # bit 0: categorical; bits 2-3: how missing values go (0: none). Default-left (bit 1) needs no missing value.
    if any(int(d) & ~2 for d in decisions):
        raise ValueError(f"unsupported decision types {sorted(set(decisions))}")
    ints = lambda name: tuple(int(v) for v in fields.get(name, "").split())  # noqa: E731
    floats = lambda name: tuple(float(v) for v in fields.get(name, "").split())  # noqa: E731
    return Tree(
        ints("split_feature"), floats("threshold"), ints("left_child"), ints("right_child"), floats("leaf_value")
    )


def load(path: Path) -> Forest:
    """The model in a LightGBM text file (``Booster.save_model``); ValueError for what this reader cannot run."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\nTree=")
    header = _fields(head)
    objective = header.get("objective", "").split()
    if header.get("num_class") != "1" or not objective or objective[0] != "binary":
        raise ValueError(f"not a binary model: {header.get('objective')!r}")
    slope = next((float(o.split(":", 1)[1]) for o in objective[1:] if o.startswith("sigmoid:")), 1.0)
    blocks = ("Tree=" + body).split("\nend of trees")[0].split("\nTree=")
    return Forest(tuple(_tree(_fields(block)) for block in blocks if block.strip()), slope)
