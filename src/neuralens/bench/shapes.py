"""How fast the synthetic shapes dataset is drawn (goal: >= 2,000 images/s at 64x64)."""

from __future__ import annotations

from neuralens.bench.timing import best_time
from neuralens.data.shapes import make_shapes


def run(n: int = 2000, size: int = 64) -> dict:
    seconds = best_time(lambda: make_shapes(n, size=size, seed=0), repeats=3)
    return {"images": n, "size": size, "seconds": seconds, "images_per_s": n / seconds,
            "goal_images_per_s": 2000}  # fmt: skip
