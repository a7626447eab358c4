"""The tuning loop shared by text and observation tuning (tsfm.training.velocity_tuning)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tsfm import FlowFMPretrainer
from tsfm.exceptions import NonFiniteError
from tsfm.training.velocity_tuning import tune_velocity


@pytest.fixture
def module():
    X = np.random.default_rng(0).normal(size=(16, 3, 40)).astype("float32")
    pre = FlowFMPretrainer(model="tiny", device="cpu", max_epochs=1, random_state=0)
    return pre.fit(X).net_.module_


def _state(part: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in part.state_dict().items()}


def test_trains_velocity_and_added_module_only(module):
    added = torch.nn.Linear(4, 4)
    encoder, conditioner = _state(module.encoder), _state(module.conditioner)
    velocity, extra = _state(module.velocity), _state(added)
    x = torch.ones(10, 4)

    def batch_loss(index):
        first = next(module.velocity.parameters())
        return (added(x[index]) ** 2).mean() + (first**2).sum() * 1e-3

    losses = tune_velocity(module, added, batch_loss, 10, what="test", max_epochs=3,
                           batch_size=4, lr=1e-2, weight_decay=0.0,
                           generator=torch.Generator().manual_seed(0))
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert all(torch.equal(v, module.encoder.state_dict()[k]) for k, v in encoder.items())
    assert all(torch.equal(v, module.conditioner.state_dict()[k]) for k, v in conditioner.items())
    assert any(not torch.equal(v, module.velocity.state_dict()[k]) for k, v in velocity.items())
    assert any(not torch.equal(v, added.state_dict()[k]) for k, v in extra.items())
    # the frozen parts are trainable again and everything is back in eval mode
    assert all(p.requires_grad for p in module.encoder.parameters())
    assert not module.training and not added.training


def test_a_non_finite_loss_stops_naming_the_tuning_and_epoch(module):
    added = torch.nn.Linear(2, 2)
    calls = []

    def batch_loss(index):
        calls.append(len(index))
        if len(calls) == 4:  # the first batch of the second epoch (3 batches per epoch)
            return torch.tensor(float("nan"), requires_grad=True)
        return (added(torch.ones(len(index), 2)) ** 2).mean()

    with pytest.raises(NonFiniteError, match=r"the observation-tuning loss became nan in epoch 1"):
        tune_velocity(module, added, batch_loss, 9, what="observation", max_epochs=2,
                      batch_size=4, lr=1e-3, weight_decay=0.0,
                      generator=torch.Generator().manual_seed(0))
    assert calls == [4, 4, 1, 4]
    assert all(p.requires_grad for p in module.conditioner.parameters())
