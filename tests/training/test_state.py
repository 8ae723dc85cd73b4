"""Resume state: each rank of a torchrun run gets its own random stream back."""

from __future__ import annotations

import torch

from neuralens.models import MLP, MLPConfig
from neuralens.training.config import TrainConfig
from neuralens.training.distributed import rank_seed
from neuralens.training.optim import make_optimizer
from neuralens.training.state import Run, load_state, rng_states, save_state


def saved(path, rank_rngs=None) -> tuple[MLP, torch.optim.Optimizer]:
    model = MLP(MLPConfig(image_size=4, hidden_sizes=(3,)))
    config = TrainConfig(num_epochs=1, batch_size=4, device="cpu", progress=False, seed=7)
    optimizer = make_optimizer(model, config)
    save_state(str(path), model, optimizer, Run(epoch=1, step=25), config, "toy", None, rank_rngs)
    return model, optimizer


def test_each_rank_resumes_its_own_stream(tmp_path):
    path = tmp_path / "state.safetensors"
    torch.manual_seed(11)
    rank1 = rng_states()
    expected = torch.rand(3)  # what rank 1 would draw next
    torch.manual_seed(5)
    model, optimizer = saved(path, [rng_states(), rank1])  # rank 0's state: this process's
    rank0_next = torch.rand(3)
    load_state(str(path), model, optimizer, rank=1)
    assert torch.equal(torch.rand(3), expected)
    load_state(str(path), model, optimizer, rank=0)
    assert torch.equal(torch.rand(3), rank0_next)


def test_a_rank_the_checkpoint_did_not_know_gets_a_fresh_stream_of_its_own(tmp_path):
    """A one-process checkpoint resumed by two ranks: rank 1 must not replay rank 0's draws."""
    path = tmp_path / "state.safetensors"
    model, optimizer = saved(path)
    load_state(str(path), model, optimizer, rank=0)
    rank0 = torch.rand(3)
    load_state(str(path), model, optimizer, rank=1)
    rank1 = torch.rand(3)
    torch.manual_seed(rank_seed(7 + 25, 1))  # the seed, the step and the rank
    assert torch.equal(rank1, torch.rand(3)) and not torch.equal(rank0, rank1)
