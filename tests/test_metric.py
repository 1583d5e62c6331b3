"""``mx.metric`` on torch side by side with real MXNet 1.9.1's: the same data through the same
metrics gives the same values, numpy scalar types, printed text, configs and errors."""

from __future__ import annotations

import math
import warnings

import numpy as onp
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from autograd_compat.mxnet_on_torch import metric as shim_metric
from autograd_compat.mxnet_on_torch import numpy as shim_np

RNG = onp.random.RandomState(0)


def _probs(n, k, seed):
    p = onp.random.RandomState(seed).uniform(size=(n, k)).astype("f4")
    return p / p.sum(1, keepdims=True)


def _classes(n, k, seed):
    return onp.random.RandomState(seed).randint(0, k, size=n).astype("f4")


def _reals(n, seed):
    return onp.random.RandomState(seed).normal(size=n).astype("f4")


# (metric name, kwargs, make(batch index) -> (label, pred), tolerance)
CASES = [
    ("acc", {}, lambda i: (_classes(8, 4, i), _probs(8, 4, i + 50)), 0),
    ("acc", {"axis": 0}, lambda i: (_classes(4, 8, i), _probs(8, 4, i + 50)), 0),
    ("accuracy", {}, lambda i: (_classes(8, 4, i), _classes(8, 4, i + 9)), 0),
    ("top_k_acc", {"top_k": 2}, lambda i: (_classes(8, 4, i), _probs(8, 4, i + 50)), 0),
    ("top_k_accuracy", {"top_k": 3}, lambda i: (_classes(6, 9, i), _probs(6, 9, i)), 0),
    ("f1", {}, lambda i: (_classes(10, 2, i), _probs(10, 2, i + 50)), 0),
    ("f1", {"average": "micro"}, lambda i: (_classes(10, 2, i), _probs(10, 2, i + 50)), 0),
    ("mcc", {}, lambda i: (_classes(10, 2, i), _probs(10, 2, i + 50)), 0),
    ("mcc", {"average": "micro"}, lambda i: (_classes(10, 2, i), _probs(10, 2, i + 50)), 0),
    ("perplexity", {"ignore_label": None}, lambda i: (_classes(8, 4, i), _probs(8, 4, i)), 1e-6),
    ("perplexity", {"ignore_label": 1}, lambda i: (_classes(8, 4, i), _probs(8, 4, i)), 1e-6),
    (
        "perplexity",
        {"ignore_label": -1, "axis": 1},
        lambda i: (_classes(8, 5, i) - 1, _probs(8, 4, i)),
        1e-6,
    ),
    ("mae", {}, lambda i: (_reals(8, i), _reals(8, i + 50)), 0),
    ("mse", {}, lambda i: (_reals(8, i).reshape(4, 2), _reals(8, i + 50).reshape(4, 2)), 0),
    ("rmse", {}, lambda i: (_reals(8, i), _reals(8, i + 50)), 0),
    ("ce", {}, lambda i: (_classes(8, 4, i), _probs(8, 4, i)), 0),
    ("crossentropy", {"eps": 1e-3}, lambda i: (_classes(8, 4, i), _probs(8, 4, i)), 0),
    ("nll_loss", {}, lambda i: (_classes(8, 4, i), _probs(8, 4, i)), 0),
    ("negativeloglikelihood", {}, lambda i: (_classes(8, 4, i), _probs(8, 4, i)), 0),
    ("pearsonr", {}, lambda i: (_reals(8, i), _reals(8, i + 50) + _reals(8, i)), 0),
    ("pearsonr", {"average": "micro"}, lambda i: (_reals(8, i), _reals(8, i + 50)), 0),
    ("pcc", {}, lambda i: (_classes(12, 3 + i, i), _probs(12, 3 + i, i)), 0),
    ("loss", {}, lambda i: (_reals(8, i), _reals(8, i + 50) ** 2), 1e-6),
    ("torch", {}, lambda i: (_reals(8, i), _reals(8, i + 50)), 1e-6),
    ("caffe", {}, lambda i: (_reals(8, i), _reals(8, i + 50)), 1e-6),
]
IDS = [f"{name}{kw or ''}" for name, kw, _, _ in CASES]


def _same_value(theirs, ours, tol):
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs)
        for t, o in zip(theirs, ours):
            _same_value(t, o, tol)
        return
    assert type(ours) is type(theirs), (theirs, ours)
    if isinstance(theirs, str):
        assert ours == theirs
    elif math.isnan(theirs):
        assert math.isnan(ours)
    elif tol == 0:
        assert ours == theirs
    else:
        assert ours == pytest.approx(theirs, rel=tol)


def _same_state(theirs, ours, tol):
    _same_value(list(theirs.get()), list(ours.get()), tol)
    _same_value(list(theirs.get_global()), list(ours.get_global()), tol)
    _same_value(
        [list(p) for p in theirs.get_name_value()], [list(p) for p in ours.get_name_value()], tol
    )
    _same_value(
        [list(p) for p in theirs.get_global_name_value()],
        [list(p) for p in ours.get_global_name_value()],
        tol,
    )
    if tol == 0:
        assert str(ours) == str(theirs)


def _as(kind, a):
    if kind == "torch":
        return torch.tensor(a)
    if kind == "np":
        return shim_np.array(a, dtype=a.dtype)
    return a


@pytest.mark.parametrize("kind", ["torch", "np", "numpy"])
@pytest.mark.parametrize("name, kwargs, make, tol", CASES, ids=IDS)
def test_metric_values_match_mxnet(mx, name, kwargs, make, tol, kind):
    theirs, ours = mx.metric.create(name, **kwargs), shim_metric.create(name, **kwargs)
    assert type(ours).__name__ == type(theirs).__name__ and ours.name == theirs.name
    _same_state(theirs, ours, 0)  # nan before any update
    for step in range(3):
        label, pred = make(step)
        theirs.update([mx.nd.array(label)], [mx.nd.array(pred)])
        ours.update([_as(kind, label)], [_as(kind, pred)])
        _same_state(theirs, ours, tol)
        if step == 1:
            theirs.reset_local()
            ours.reset_local()
            _same_state(theirs, ours, tol)
    assert ours.get_config() == theirs.get_config()
    theirs.reset()
    ours.reset()
    _same_state(theirs, ours, 0)


def test_single_arrays_and_several_per_update(mx):
    lab, pred = _classes(6, 3, 1), _probs(6, 3, 2)
    for name in ("acc", "mae", "ce", "f1"):
        if name == "f1":
            lab, pred = _classes(6, 2, 1), _probs(6, 2, 2)
        theirs, ours = mx.metric.create(name), shim_metric.create(name)
        theirs.update(mx.nd.array(lab), mx.nd.array(pred))
        ours.update(torch.tensor(lab), torch.tensor(pred))
        theirs.update([mx.nd.array(lab)] * 2, [mx.nd.array(pred)] * 2)
        ours.update([torch.tensor(lab)] * 2, [torch.tensor(pred)] * 2)
        _same_state(theirs, ours, 0)
    theirs, ours = mx.metric.Loss(), shim_metric.Loss()
    theirs.update(None, mx.nd.array(pred))
    ours.update(None, torch.tensor(pred))
    _same_state(theirs, ours, 1e-6)


def test_composite_and_create_forms(mx):
    def mean_abs(label, pred):
        return onp.abs(label - pred.argmax(1)).mean()

    def pair(label, pred):
        return float(onp.abs(label - pred.argmax(1)).sum()), label.size

    def build(m):
        return [
            m.create(["acc", "ce", m.MAE(name="m")]),
            m.create(mean_abs),
            m.create(lambda label, pred: float(label.sum())),
            m.np(pair),
            m.np(mean_abs, name="named", allow_extra_outputs=True),
            m.create('["top_k_acc", {"top_k": 2}]'),
            m.create('{"metric": "mse", "name": "m2"}'),
            m.create({"metric": "rmse", "name": "m3"}),
            m.create("ACC"),
            m.CompositeEvalMetric([m.Accuracy(), "ce"], name="comp"),
        ]

    theirs, ours = build(mx.metric), build(shim_metric)
    lab, pred = _classes(8, 3, 3), _probs(8, 3, 4)
    for t, o in zip(theirs, ours):
        assert o.name == t.name
        for _ in range(2):
            t.update([mx.nd.array(lab)], [mx.nd.array(pred)])
            o.update([torch.tensor(lab)], [torch.tensor(pred)])
        _same_state(t, o, 0)
    assert ours[0].get_config() == theirs[0].get_config()
    assert type(ours[0].get_metric(5)) is ValueError is type(theirs[0].get_metric(5))
    assert ours[0].get_metric(1).name == "cross-entropy"
    for m in (theirs[1], ours[1]):
        with pytest.raises(NotImplementedError, match="cannot be serialized"):
            m.get_config()


def test_update_dict(mx):
    lab, pred = _classes(8, 3, 5), _probs(8, 3, 6)
    other = _probs(8, 3, 7)

    def run(m, arr):
        metrics = [
            m.Accuracy(output_names=["b"], label_names=["y"]),
            m.CompositeEvalMetric([m.Accuracy(), m.CrossEntropy()], output_names=["a"]),
        ]
        for metric in metrics:
            metric.update_dict({"y": arr(lab)}, {"a": arr(pred), "b": arr(other)})
        return metrics

    for t, o in zip(run(mx.metric, mx.nd.array), run(shim_metric, torch.tensor)):
        _same_state(t, o, 0)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


def test_errors_match_mxnet(mx):
    two, three = onp.array([0, 1, 2, 0, 1, 2], "f4"), _probs(6, 3, 2)
    four = _probs(4, 3, 2)
    cases = [
        lambda m, a: m.Accuracy().update([a(two)], [a(three), a(three)]),
        lambda m, a: m.Accuracy().update([a(two)], [a(four)]),
        lambda m, a: m.MAE().update([a(two), a(two)], [a(three)]),
        lambda m, a: m.F1().update([a(two)], [a(three)]),
        lambda m, a: m.MCC().update([a(two)], [a(three)]),
        lambda m, a: m.PearsonCorrelation().update([a(two)], [a(three)]),
        lambda m, a: m.TopKAccuracy(top_k=1),
        lambda m, a: m.create("no_such_metric"),
        lambda m, a: m.create(m.Accuracy(), axis=0),
        lambda m, a: m.create(3),
        lambda m, a: m.EvalMetric("x").update([a(two)], [a(three)]),
    ]
    for case in cases:
        ours = _error(lambda case=case: case(shim_metric, torch.tensor))
        assert ours is not None and ours == _error(lambda case=case: case(mx.metric, mx.nd.array))


def test_register_and_alias(mx):
    def make(m):
        @m.register
        @m.alias("h5_half_mae")
        class H5HalfMAE(m.MAE):
            def update(self, labels, preds):
                super().update(labels, preds)
                self.sum_metric /= 2

        return H5HalfMAE

    for m in (mx.metric, shim_metric):
        cls = make(m)
        assert type(m.create("h5_half_mae")) is cls is type(m.create("H5HalfMAE"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shim_metric.register(shim_metric.MAE, "h5_half_mae")
    assert "overriding existing metric" in str(caught[0].message)
    with pytest.raises(AssertionError, match="subclass of EvalMetric"):
        shim_metric.register(int)


def test_public_names_match_mxnet(mx):
    wanted = {n for n in dir(mx.metric) if n[0].isupper() and n != "OrderedDict"}
    wanted |= {"create", "register", "alias", "np", "check_label_shapes"}
    assert wanted <= set(dir(shim_metric))


@given(
    batches=st.lists(
        st.tuples(st.integers(1, 12), st.integers(2, 5), st.integers(0, 2**16)),
        min_size=1,
        max_size=3,
    ),
    name=st.sampled_from(["acc", "top_k_acc", "ce", "nll_loss", "pcc", "mse", "f1", "mcc"]),
)
@pytest.mark.mxnet
def test_metric_property(batches, name):
    import mxnet as mx

    kwargs = {"top_k": 2} if name == "top_k_acc" else {}
    theirs, ours = mx.metric.create(name, **kwargs), shim_metric.create(name, **kwargs)
    for n, k, seed in batches:
        if name in ("f1", "mcc"):
            k = 2
        if name == "mse":
            lab, pred = _reals(n, seed), _reals(n, seed + 1)
        else:
            lab, pred = _classes(n, k, seed), _probs(n, k, seed + 1)
        theirs.update([mx.nd.array(lab)], [mx.nd.array(pred)])
        ours.update([torch.tensor(lab)], [torch.tensor(pred)])
    _same_state(theirs, ours, 0)
