"""Several processes: 2 CPU ranks (gloo, DistributedDataParallel) match one process.

Each rank takes its half of every global batch (and of its random shifts); DDP
averages the two halves' gradients, which is the gradient of the whole batch, so
the weights after training agree with a single-process run up to float rounding.
"""

from __future__ import annotations

import os
import socket

import torch
import torch.multiprocessing as mp

from neuralens.data import load_mnist
from neuralens.device import seed_everything
from neuralens.models import MLP, MLPConfig
from neuralens.tasks.classify import classification_loss
from neuralens.training import Batches, TrainConfig, fit, init_distributed

WORLD = 2


def train_small() -> tuple[MLP, float]:
    """The run both sides do: an MLP on 1,024 digits, global batch 64, 1-pixel shifts."""
    X, y = load_mnist("train")
    X_test, y_test = load_mnist("test")
    data = Batches.from_arrays(X[:1024], {"labels": y[:1024]}, X_test[:500],
                               {"labels": y_test[:500]}, max_shift=1)  # fmt: skip
    seed_everything(0)
    model = MLP(MLPConfig(hidden_sizes=(32,)))
    config = TrainConfig(num_epochs=2, batch_size=64, device="cpu", progress=False)
    history = fit(model, classification_loss, data, config)
    return model, history.last("eval_accuracy")


def _rank(rank: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                      WORLD_SIZE=str(WORLD), LOCAL_RANK=str(rank))  # fmt: skip
    torch.set_num_threads(1)
    assert init_distributed("cpu") == (rank, WORLD)
    try:
        model, accuracy = train_small()
        if rank == 0:
            torch.save({"weights": model.state_dict(), "accuracy": accuracy}, out)
    finally:
        torch.distributed.destroy_process_group()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_gloo_ranks_match_one_process(tmp_path):
    out = tmp_path / "rank0.pt"
    mp.spawn(_rank, args=(free_port(), str(out)), nprocs=WORLD, join=True)
    distributed = torch.load(out, weights_only=True)
    single, accuracy = train_small()
    for name, value in single.state_dict().items():
        torch.testing.assert_close(distributed["weights"][name], value, atol=2e-4, rtol=1e-3)
    assert abs(distributed["accuracy"] - accuracy) <= 0.004  # at most 2 of 500 test digits


def _draws_rank(rank: int, port: int, out: str, ckpt: str) -> None:
    """Each rank records the draws its loss makes: whole, and stopped after epoch 1 then resumed."""
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                      WORLD_SIZE=str(WORLD), LOCAL_RANK=str(rank))  # fmt: skip
    torch.set_num_threads(1)
    init_distributed("cpu")
    try:
        data = Batches.from_arrays(torch.rand(64, 4, 4), {"labels": torch.zeros(64).long()})
        runs = {}
        for name, epochs, resume in (("whole", 3, False), ("part", 1, False), ("part", 3, True)):
            draws: list[float] = []

            def loss(model, batch, draws=draws):
                draws.append(torch.rand(()).item())  # the loss's own draw, as a noise level
                return model(batch["images"]).square().mean(), {}

            torch.manual_seed(0)
            model = MLP(MLPConfig(image_size=4, hidden_sizes=(), num_classes=2))
            path = f"{ckpt}/{name}.safetensors"
            config = TrainConfig(num_epochs=epochs, batch_size=32, device="cpu", progress=False,
                                 checkpoint_path=path, resume=resume)  # fmt: skip
            fit(model, loss, data, config)
            runs[name, resume] = draws
        torch.save(runs, f"{out}/rank{rank}.pt")
    finally:
        torch.distributed.destroy_process_group()


def test_ranks_draw_their_own_noise_and_resume_it(tmp_path):
    """Rank 1 must not repeat rank 0's noise (it did when every rank took the same seed), and a
    resumed run continues each rank's own stream: the same draws as an uninterrupted run."""
    mp.spawn(_draws_rank, args=(free_port(), str(tmp_path), str(tmp_path)), nprocs=WORLD,
             join=True)  # fmt: skip
    ranks = [torch.load(tmp_path / f"rank{r}.pt") for r in range(WORLD)]
    whole = [runs["whole", False] for runs in ranks]
    assert len(whole[0]) == 6 and not set(whole[0]) & set(whole[1])
    for runs in ranks:  # epoch 1 of "part" and then its resumed epochs 2-3 make up "whole"
        assert runs["part", False] + runs["part", True] == runs["whole", False]
