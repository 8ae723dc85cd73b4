"""Engine conv2d vs torch.nn.functional.conv2d: forward + backward, same threads, float32.

Cases are MNIST-shaped batches (the CNN's two convolutions); the goal is engine time
<= 2x torch's. What limits the engine: im2col copies every 3x3 region (9x the input),
col2im adds them back with strided writes, and both run on one thread, while torch's
oneDNN kernels fuse this work and use every thread; the matrix products (OpenBLAS)
are comparable.
"""

from __future__ import annotations

import numpy as np

from neuralens.bench.timing import best_time

# (N, C_in, H, W, C_out, kernel, padding): 256x1x28x28 -> 32 and 256x32x14x14 -> 64, 3x3
CASES = ((256, 1, 28, 28, 32, 3, 1), (256, 32, 14, 14, 64, 3, 1))
GOAL_RATIO = 2.0


def time_case(case: tuple[int, ...], repeats: int) -> dict:
    """Best forward+backward time of the engine and of torch on one case."""
    import torch
    import torch.nn.functional as F

    from neuralens.engine.convolution import col2im, conv2d_backward, conv2d_forward, im2col

    num_images, channels, height, width, filters, kernel, padding = case
    rng = np.random.default_rng(0)
    x = rng.normal(size=(num_images, channels, height, width)).astype(np.float32)
    w = rng.normal(size=(filters, channels, kernel, kernel)).astype(np.float32)
    b = rng.normal(size=filters).astype(np.float32)

    def ours() -> None:
        y, cols = conv2d_forward(x, w, b, 1, padding)
        conv2d_backward(np.ones_like(y), x, w, 1, padding, cols)

    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def theirs() -> None:
        F.conv2d(tx, tw, tb, padding=padding).sum().backward()  # d(sum)/dy = ones, as ours

    ours_s, torch_s = best_time(ours, repeats), best_time(theirs, repeats)
    # where our time goes: the copies (im2col, col2im) vs the three matrix products
    cols = im2col(x, kernel, kernel, 1, padding)
    w2d, grad_rows = w.reshape(filters, -1), np.ones((filters, cols.shape[1]), dtype=np.float32)
    parts = {
        "im2col_s": best_time(lambda: im2col(x, kernel, kernel, 1, padding), repeats),
        "matmuls_s": best_time(lambda: (w2d @ cols, cols @ grad_rows.T, w2d.T @ grad_rows),
                               repeats),  # fmt: skip
        "col2im_s": best_time(lambda: col2im(w2d.T @ grad_rows, x.shape, kernel, kernel, 1,
                                             padding), repeats),  # fmt: skip
    }
    shape = f"{num_images}x{channels}x{height}x{width} -> {filters} {kernel}x{kernel}"
    return {"case": shape, "ours_s": ours_s, "torch_s": torch_s, "ratio": ours_s / torch_s,
            "ours_parts": parts}  # fmt: skip


def run(cases: tuple[tuple[int, ...], ...] = CASES, repeats: int = 5) -> dict:
    import torch

    results = [time_case(case, repeats) for case in cases]
    return {"threads": torch.get_num_threads(), "dtype": "float32", "goal_ratio": GOAL_RATIO,
            "cases": results}  # fmt: skip
