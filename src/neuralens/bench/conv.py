"""Engine conv2d vs torch.nn.functional.conv2d: forward + backward, same threads, float32.

Cases are MNIST-shaped batches (the CNN's two convolutions); the goal is engine time
<= 2x torch's. Both run on the same number of threads: by default the one BLAS thread
the engine trains with (``engine.mnist.BLAS_THREADS``) against one torch thread. Ours and
torch's runs alternate, and each keeps its best, so both see the same machine load.
What limits the engine: its three matrix products (OpenBLAS) repack the im2col matrix
(9x the input for 3x3 filters) at every call, while torch's oneDNN kernels convolve
directly; im2col and col2im copies come on top (see ``ours_parts``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from neuralens.bench.timing import best_time

# (N, C_in, H, W, C_out, kernel, padding): 256x1x28x28 -> 32 and 256x32x14x14 -> 64, 3x3
CASES = ((256, 1, 28, 28, 32, 3, 1), (256, 32, 14, 14, 64, 3, 1))
GOAL_RATIO = 2.0


def best_times_alternating(
    fns: tuple[Callable[[], object], ...], repeats: int
) -> tuple[list[float], list[float]]:
    """Best wall and best CPU seconds (this process, all threads) of ``repeats`` runs of each
    of ``fns``, run in turn after one warm-up each.

    On a machine shared with other jobs the wall time grows with their load; the CPU time
    is what the work itself costs.
    """
    wall, cpu = [float("inf")] * len(fns), [float("inf")] * len(fns)
    for fn in fns:
        fn()
    for _ in range(repeats):
        for index, fn in enumerate(fns):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[index] = min(wall[index], time.perf_counter() - start)
            cpu[index] = min(cpu[index], time.process_time() - start_cpu)
    return wall, cpu


def time_case(case: tuple[int, ...], repeats: int) -> dict:
    """Best forward+backward time of the engine and of torch on one case."""
    import torch
    import torch.nn.functional as F

    from neuralens.engine.convolution import (
        col2im,
        conv2d_backward,
        conv2d_forward,
        im2col,
        image_blocks,
        output_size,
    )

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

    (ours_s, torch_s), (ours_cpu_s, torch_cpu_s) = best_times_alternating((ours, theirs), repeats)
    # where our time goes, block by block as conv2d does it: the copies (im2col, col2im)
    # and the three matrix products (forward, dL/dw, dL/dregion)
    positions = output_size(height, kernel, 1, padding) * output_size(width, kernel, 1, padding)
    blocks = image_blocks(num_images, channels * kernel**2 * positions * x.itemsize)
    w_rows = w.reshape(filters, -1)
    cols = [im2col(x[images], kernel, kernel, 1, padding) for images in blocks]
    grads = [np.ones((filters, block.shape[1]), dtype=np.float32) for block in cols]
    grad_cols = [w_rows.T @ grad for grad in grads]
    parts = {
        "im2col_s": best_time(
            lambda: [im2col(x[images], kernel, kernel, 1, padding) for images in blocks], repeats
        ),
        "matmuls_s": best_time(
            lambda: [
                (w_rows @ block, grad @ block.T, w_rows.T @ grad)
                for block, grad in zip(cols, grads, strict=True)
            ],
            repeats,
        ),  # fmt: skip
        "col2im_s": best_time(
            lambda: [
                col2im(grad, x[images].shape, kernel, kernel, 1, padding)
                for images, grad in zip(blocks, grad_cols, strict=True)
            ],
            repeats,
        ),  # fmt: skip
    }
    shape = f"{num_images}x{channels}x{height}x{width} -> {filters} {kernel}x{kernel}"
    return {"case": shape, "ours_s": ours_s, "torch_s": torch_s, "ratio": ours_s / torch_s,
            "ours_cpu_s": ours_cpu_s, "torch_cpu_s": torch_cpu_s,
            "cpu_ratio": ours_cpu_s / torch_cpu_s, "ours_parts": parts,
            "image_blocks": len(blocks)}  # fmt: skip


def run(
    cases: tuple[tuple[int, ...], ...] = CASES, repeats: int = 10, threads: int | None = None
) -> dict:
    """Every case at ``threads`` BLAS and torch threads (default: the engine's training count)."""

    from neuralens.device import torch_threads
    from neuralens.engine.mnist import BLAS_THREADS

    threads = threads or BLAS_THREADS
    load_before = list(os.getloadavg())
    with threadpool_limits(limits=threads, user_api="blas"), torch_threads(threads):
        results = [time_case(case, repeats) for case in cases]
    return {"threads": {"blas": threads, "torch": threads}, "dtype": "float32",
            "load_before": load_before, "load_after": list(os.getloadavg()),
            "goal_ratio": GOAL_RATIO, "worst_ratio": max(case["ratio"] for case in results),
            "cases": results}  # fmt: skip
