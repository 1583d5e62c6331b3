"""``mx.lr_scheduler`` on torch against real MXNet 1.9.1: the rate at every update count, and the
errors for bad arguments."""

from __future__ import annotations

import pytest

from autograd_compat import namespace

shim = namespace("mxnet", "torch")

SCHEDULES = [
    ("FactorScheduler", {"step": 3, "factor": 0.5}),
    ("FactorScheduler", {"step": 2, "factor": 0.1, "stop_factor_lr": 1e-4, "base_lr": 0.1}),
    ("FactorScheduler", {"step": 4, "factor": 0.9, "warmup_steps": 5, "warmup_begin_lr": 0.001}),
    ("FactorScheduler", {"step": 4, "factor": 0.9, "warmup_steps": 3, "warmup_mode": "constant"}),
    ("MultiFactorScheduler", {"step": [3, 7, 12], "factor": 0.5}),
    ("MultiFactorScheduler", {"step": [5, 6], "factor": 0.2, "warmup_steps": 4, "base_lr": 1.0}),
    ("PolyScheduler", {"max_update": 20, "base_lr": 0.1}),
    ("PolyScheduler", {"max_update": 20, "pwr": 1, "final_lr": 0.01, "warmup_steps": 5}),
    ("CosineScheduler", {"max_update": 20, "base_lr": 0.1}),
    (
        "CosineScheduler",
        {
            "max_update": 15,
            "final_lr": 0.001,
            "warmup_steps": 4,
            "warmup_begin_lr": 0.0005,
            "warmup_mode": "linear",
        },
    ),
]


@pytest.mark.parametrize(("cls", "kwargs"), SCHEDULES, ids=str)
def test_rates_match_mxnet(mx, cls, kwargs):
    ours = getattr(shim.lr_scheduler, cls)(**kwargs)
    theirs = getattr(mx.lr_scheduler, cls)(**kwargs)
    # Rising counts, as an optimizer drives them; then repeated counts (no change).
    counts = list(range(0, 30)) + [30, 30, 31, 45]
    for n in counts:
        assert ours(n) == pytest.approx(theirs(n), rel=1e-12), f"num_update={n}"
    assert ours.base_lr == pytest.approx(theirs.base_lr, rel=1e-12)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        ("FactorScheduler", {"step": 0}),
        ("FactorScheduler", {"step": 2, "factor": 1.5}),
        ("MultiFactorScheduler", {"step": [3, 2]}),
        ("MultiFactorScheduler", {"step": [0, 2]}),
        ("PolyScheduler", {"max_update": 0}),
        ("CosineScheduler", {"max_update": 0}),
        ("FactorScheduler", {"step": 2, "warmup_begin_lr": 0.5, "base_lr": 0.1}),
        ("FactorScheduler", {"step": 2, "warmup_steps": -1}),
        ("FactorScheduler", {"step": 2, "warmup_mode": "cubic"}),
    ],
    ids=str,
)
def test_bad_arguments_raise_as_mxnet(mx, cls, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(mx.lr_scheduler, cls)(**kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(shim.lr_scheduler, cls)(**kwargs)
    assert str(ours.value) == str(theirs.value)


def test_optimizer_drives_scheduler_by_update_count(mx):
    for m in (mx, shim):
        opt = m.optimizer.create(
            "sgd", lr_scheduler=m.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
        )
        opt._update_count(0)
        opt._update_count(0)
        opt._update_count(0)
        assert opt.learning_rate == 0.5
