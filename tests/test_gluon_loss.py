"""``gluon.loss`` on torch, side by side with real MXNet 1.9.1: every loss and option, values and
input gradients (inside ``autograd.record()`` + ``backward()``), at kinks and ties too, in legacy
and ``npx.set_np()`` modes, with ``sample_weight``, ``weight`` and ``batch_axis``; reprs and
argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from tests.sbs import run_both as _run_both

pytestmark = pytest.mark.mxnet


def run_both(program):
    # atol 1e-5: log_softmax and softrelu round differently in the last bits of float32.
    return _run_both(program, rtol=1e-5, atol=1e-5)


def _rand(shape, seed=0, low=-2.0, high=2.0):
    return np.random.RandomState(seed).uniform(low, high, shape).astype(np.float32)


def _labels(shape, classes, seed=1):
    return np.random.RandomState(seed).randint(0, classes, shape).astype(np.float32)


def _signs(shape, seed=2):
    return np.where(np.random.RandomState(seed).rand(*shape) > 0.5, 1.0, -1.0).astype(np.float32)


def _case(make, inputs, grad_of=(0,), np_mode=False, head=None):
    """A program: build ``make(gluon.loss)``, feed ``inputs`` (numpy), backward, and return the
    loss and the inputs in ``grad_of`` (their gradients are compared too)."""

    def program(mx):
        if np_mode:
            mx.npx.set_np()
        try:
            arr = mx.np.array if np_mode else mx.nd.array
            xs = [arr(a) if isinstance(a, np.ndarray) else a for a in inputs]
            for i in grad_of:
                xs[i].attach_grad()
            loss_fn = make(mx.gluon.loss)
            with mx.autograd.record():
                out = loss_fn(*xs)
            if head is None:
                out.backward()
            else:
                out.backward(arr(head))
            # Under set_np both give mxnet.numpy.ndarray (legacy: NDArray vs a plain tensor).
            return out, [xs[i] for i in grad_of], type(out).__name__ if np_mode else None
        finally:
            if np_mode:
                mx.npx.reset_np()

    return program


X34, Y34 = _rand((3, 4)), _rand((3, 4), seed=5)
X234, Y234 = _rand((2, 3, 4)), _rand((2, 3, 4), seed=5)
X5, Y5 = _rand((5,)), _rand((5,), seed=5)
SW31 = _rand((3, 1), seed=7, low=0.1)

REGRESSION = {
    "L2": lambda L, **kw: L.L2Loss(**kw),
    "L1": lambda L, **kw: L.L1Loss(**kw),
    "Huber": lambda L, **kw: L.HuberLoss(**kw),
    "Huber_rho": lambda L, **kw: L.HuberLoss(rho=0.5, **kw),
}


@pytest.mark.parametrize("name", sorted(REGRESSION))
@pytest.mark.parametrize(
    "x,y,kw,sw",
    [
        (X34, Y34, {}, None),
        (X34, Y34, {"weight": 2.5}, SW31),
        (X34, Y34.reshape(12), {}, None),  # label reshaped like pred
        (X234, Y234, {"batch_axis": 1}, None),
        (X234, Y234, {}, _rand((2, 1, 4), seed=3)),
        (X5, Y5, {}, None),
    ],
    ids=["2d", "weights", "flat_label", "3d_batch_axis1", "3d_sample_weight", "1d"],
)
def test_regression_losses(name, x, y, kw, sw):
    inputs = [x, y] if sw is None else [x, y, sw]
    run_both(_case(lambda L: REGRESSION[name](L, **kw), inputs, grad_of=(0, 1)))


def test_kinks_have_mxnet_gradients():
    # |x - y| = 0 for L1 and Huber; |x - y| = rho exactly for Huber.
    x = np.array([[0.0, 1.0, 2.0, -1.0], [0.5, 0.25, -3.0, 4.0]], np.float32)
    y = np.array([[0.0, 0.0, 1.0, -1.0], [1.5, 0.25, -2.0, 3.5]], np.float32)
    run_both(_case(lambda L: L.L1Loss(), [x, y], grad_of=(0, 1)))
    run_both(_case(lambda L: L.HuberLoss(), [x, y], grad_of=(0, 1)))
    run_both(_case(lambda L: L.HuberLoss(rho=0.5), [x, y], grad_of=(0, 1)))
    # margin - pred * label = 0 for the hinge losses; pred = 0 for the logistic ones.
    p = np.array([[1.0, -1.0, 0.5, 0.0], [2.0, 0.0, -0.5, 3.0]], np.float32)
    s = np.array([[1.0, -1.0, 1.0, 1.0], [-1.0, -1.0, 1.0, 1.0]], np.float32)
    for make, label in (
        (lambda L: L.HingeLoss(), s),
        (lambda L: L.SquaredHingeLoss(), s),
        (lambda L: L.LogisticLoss(), s),
        (lambda L: L.SigmoidBCELoss(), (s + 1) / 2),
    ):
        run_both(_case(make, [p, label], grad_of=(0,)))


@pytest.mark.parametrize(
    "make,binary",
    [
        (lambda L: L.HingeLoss(), False),
        (lambda L: L.HingeLoss(margin=0.5, weight=2.0), False),
        (lambda L: L.SquaredHingeLoss(), False),
        (lambda L: L.SquaredHingeLoss(margin=2, batch_axis=1), False),
        (lambda L: L.LogisticLoss(), False),
        (lambda L: L.LogisticLoss(label_format="binary"), True),
    ],
)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (5,)])
def test_margin_losses(make, binary, shape):
    label = _signs(shape)
    if binary:
        label = (label + 1) / 2
    run_both(_case(make, [_rand(shape), label], grad_of=(0,)))
    run_both(_case(make, [_rand(shape), label, _rand(shape[:1] + (1,) * (len(shape) - 1), 4)]))


@pytest.mark.parametrize("from_sigmoid", [False, True])
@pytest.mark.parametrize("pos_weight", [False, True])
@pytest.mark.parametrize("np_mode", [False, True])
def test_sigmoid_bce(from_sigmoid, pos_weight, np_mode):
    x = _rand((3, 4), low=0.05, high=0.95) if from_sigmoid else _rand((3, 4), low=-4, high=4)
    label = _labels((3, 4), 2)
    inputs = [x, label, SW31, _rand((1, 4), seed=9, low=0.5) if pos_weight else None]
    run_both(_case(lambda L: L.SigmoidBCELoss(from_sigmoid=from_sigmoid), inputs, np_mode=np_mode))
    run_both(
        _case(
            lambda L: L.SigmoidBinaryCrossEntropyLoss(from_sigmoid=from_sigmoid, weight=0.5),
            [x, label],
            np_mode=np_mode,
        )
    )


@pytest.mark.parametrize(
    "kw,shape,label",
    [
        ({}, (3, 5), _labels((3,), 5)),
        ({}, (3, 5), _labels((3, 1), 5)),  # MXNet's pick takes the class axis kept as 1
        ({}, (3, 5), np.array([0, 7, -2], np.float32)),  # out of range: clipped
        ({"axis": 1}, (2, 5, 3), _labels((2, 3), 5)),
        ({"axis": 1, "batch_axis": 2}, (2, 5, 3), _labels((2, 3), 5)),
        ({"from_logits": True, "weight": 3.0}, (3, 5), _labels((3,), 5)),
        ({"sparse_label": False}, (3, 5), _rand((3, 5), low=0, high=1)),
        ({"sparse_label": False, "axis": 0}, (4, 3), _rand((4, 3), low=0, high=1)),
        ({"sparse_label": False}, (3, 5), _rand((15,), low=0, high=1)),
    ],
)
@pytest.mark.parametrize("np_mode", [False, True])
def test_softmax_ce(kw, shape, label, np_mode):
    x = _rand(shape, low=-3, high=3)
    run_both(_case(lambda L: L.SoftmaxCrossEntropyLoss(**kw), [x, label], np_mode=np_mode))
    sw = _rand((shape[0],) + (1,) * (len(shape) - 1), seed=4, low=0.1)
    run_both(_case(lambda L: L.SoftmaxCELoss(**kw), [x, label, sw], np_mode=np_mode))


@pytest.mark.parametrize("np_mode", [False, True])
@pytest.mark.parametrize("name", ["L2", "L1"])
def test_np_mode_regression(name, np_mode):
    for x, y, kw in ((X34, Y34, {}), (X234, Y234, {"batch_axis": 1}), (X5, Y5, {})):
        run_both(_case(lambda L, kw=kw: REGRESSION[name](L, **kw), [x, y], (0, 1), np_mode=np_mode))
    run_both(_case(lambda L: REGRESSION[name](L), [X34, Y34, SW31], np_mode=np_mode))


@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("kw", [{}, {"axis": 0}, {"weight": 2.0, "batch_axis": 1}])
def test_kldiv(from_logits, kw):
    label = np.random.RandomState(3).dirichlet(np.ones(4), size=3).astype(np.float32)
    x = _rand((3, 4))
    if from_logits:
        x = np.log(np.random.RandomState(4).dirichlet(np.ones(4), size=3)).astype(np.float32)
    run_both(_case(lambda L: L.KLDivLoss(from_logits=from_logits, **kw), [x, label]))
    run_both(_case(lambda L: L.KLDivLoss(from_logits=from_logits), [x, label, SW31]))


@pytest.mark.parametrize("kw", [{}, {"margin": 0.5, "weight": 2.0}, {"batch_axis": 1}])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_triplet(kw, shape):
    inputs = [_rand(shape), _rand(shape, 1), _rand(shape, 2)]
    run_both(_case(lambda L: L.TripletLoss(**kw), inputs, grad_of=(0, 1, 2)))
    # relu's tie at 0: distances equal and margin 0.
    same = [inputs[0], inputs[1], inputs[1]]
    run_both(_case(lambda L: L.TripletLoss(margin=0), same, grad_of=(0, 1)))


@pytest.mark.parametrize(
    "kw", [{}, {"from_logits": False}, {"compute_full": True}, {"weight": 2.0, "batch_axis": 1}]
)
def test_poisson_nll(kw):
    target = np.random.RandomState(3).poisson(2.0, (3, 4)).astype(np.float32) + 0.5
    x = _rand((3, 4), low=0.1, high=3.0)
    run_both(_case(lambda L: L.PoissonNLLLoss(**kw), [x, target]))
    run_both(_case(lambda L: L.PoissonNLLLoss(**kw), [x, target, SW31]))
    run_both(_case(lambda L: L.PoissonNLLLoss(**kw), [x, target, None, 1e-3]))


def test_poisson_nll_zero_target_is_nan_as_in_mxnet():
    target = np.array([[0.0, 1.0, 2.0, 3.0]] * 3, np.float32)
    run_both(
        lambda mx: mx.gluon.loss.PoissonNLLLoss(compute_full=True)(
            mx.nd.array(X34), mx.nd.array(target)
        )
    )


@pytest.mark.parametrize("kw", [{}, {"margin": 0.2}, {"weight": 2.0}])
def test_cosine_embedding(kw):
    a, b = _rand((4, 5)), _rand((4, 5), 1)
    b[1] = a[1] * 2  # cosine 1
    label = np.array([1, -1, -1, 1], np.float32)
    run_both(_case(lambda L: L.CosineEmbeddingLoss(**kw), [a, b, label], grad_of=(0, 1)))
    sw = _rand((4, 1), 3, low=0.1)
    run_both(_case(lambda L: L.CosineEmbeddingLoss(**kw), [a, b, label, sw], grad_of=(0, 1)))


def test_cosine_embedding_tie_at_margin():
    a = np.array([[1.0, 0.0], [1.0, 1.0]], np.float32)
    b = np.array([[0.0, 1.0], [1.0, 1.0]], np.float32)  # cosines 0 and 1
    label = np.array([-1, -1], np.float32)
    run_both(_case(lambda L: L.CosineEmbeddingLoss(), [a, b, label], grad_of=(0, 1)))
    run_both(_case(lambda L: L.CosineEmbeddingLoss(margin=1), [a, b, label], grad_of=(0, 1)))


@pytest.mark.parametrize("kw", [{}, {"smoothing_parameter": 0.1}, {"weight": 5.0}])
def test_sdml(kw):
    run_both(_case(lambda L: L.SDMLLoss(**kw), [_rand((4, 3)), _rand((4, 3), 1)], (0, 1)))


CTC_PRED = _rand((2, 6, 4), 3)
CTC_LABELS = np.array([[1, 2, -1], [0, -1, -1]], np.float32)


@pytest.mark.parametrize("layout", ["NTC", "TNC"])
@pytest.mark.parametrize("label_layout", ["NT", "TN"])
def test_ctc_layouts(layout, label_layout):
    pred = CTC_PRED if layout == "NTC" else CTC_PRED.transpose(1, 0, 2).copy()
    label = CTC_LABELS if label_layout == "NT" else CTC_LABELS.T.copy()
    make = lambda L: L.CTCLoss(layout=layout, label_layout=label_layout)  # noqa: E731
    run_both(_case(make, [pred, label]))
    run_both(_case(make, [pred, label], head=np.array([1.0, 2.0], np.float32)))


@pytest.mark.parametrize(
    "pred_len,label_len,label",
    [
        (None, [2, 1], [[1, 2, 2], [0, 1, 0]]),
        ([4, 3], [2, 1], [[1, 2, 2], [0, 1, 0]]),
        ([5, 6], None, [[1, 2, -1], [0, -1, -1]]),
        (None, None, [[1, 1, 2], [2, 2, -1]]),  # repeats need blanks in between
    ],
)
def test_ctc_lengths(pred_len, label_len, label):
    def lens(v):
        return None if v is None else np.array(v, np.float32)

    inputs = [CTC_PRED, np.array(label, np.float32), lens(pred_len), lens(label_len)]
    run_both(_case(lambda L: L.CTCLoss(), inputs))
    run_both(_case(lambda L: L.CTCLoss(weight=2.0), inputs + [np.array([0.5, 2.0], np.float32)]))


def test_ctc_impossible_alignment_is_zero():
    # No alignment fits 2 frames: MXNet's loss is 0 (its gradient there is not meaningful; the
    # shim's is 0), so only the value is compared.
    def program(mx):
        pred = mx.nd.array(CTC_PRED)
        lens = mx.nd.array([2, 3])
        return mx.gluon.loss.CTCLoss()(pred, mx.nd.array([[1, 1, 1], [0, 1, 0]]), lens)

    run_both(program)


def test_poisson_nll_compute_full():
    # Outside record(): inside, MXNet 1.9.1 raises (its in-place update), and so does the shim.
    target = np.array([[0.5, 1.0, 2.0, 3.0]] * 3, np.float32)

    def program(mx):
        loss_fn = mx.gluon.loss.PoissonNLLLoss(compute_full=True)
        return loss_fn(mx.nd.array(X34), mx.nd.array(target))

    run_both(program)


def test_ctc_label_longer_than_sequence_raises():
    run_both(_case(lambda L: L.CTCLoss(), [CTC_PRED[:, :2], CTC_LABELS]))


LEGACY_ONLY = [
    lambda L: L.KLDivLoss(),
    lambda L: L.KLDivLoss(from_logits=False),
    lambda L: L.HuberLoss(),
    lambda L: L.HingeLoss(),
    lambda L: L.SquaredHingeLoss(),
    lambda L: L.LogisticLoss(),
    lambda L: L.PoissonNLLLoss(),
    lambda L: L.PoissonNLLLoss(from_logits=False),
    lambda L: L.SDMLLoss(),
]


@pytest.mark.parametrize("make", LEGACY_ONLY)
def test_np_mode_legacy_only_losses_raise_as_mxnet(make):
    run_both(_case(make, [X34, Y34], grad_of=(), np_mode=True))


def test_np_mode_legacy_only_three_inputs():
    run_both(_case(lambda L: L.TripletLoss(), [X34, Y34, X34], grad_of=(), np_mode=True))
    cos = [X34, Y34, np.ones(3, np.float32)]
    run_both(_case(lambda L: L.CosineEmbeddingLoss(), cos, grad_of=(), np_mode=True))
    run_both(_case(lambda L: L.CTCLoss(), [CTC_PRED, CTC_LABELS], grad_of=(), np_mode=True))


def test_hybridized_losses_give_the_same_numbers():
    def program(mx):
        x, y = mx.nd.array(X34), mx.nd.array(Y34)
        x.attach_grad()
        out = []
        for loss_fn in (mx.gluon.loss.L2Loss(), mx.gluon.loss.SoftmaxCELoss(sparse_label=False)):
            loss_fn.hybridize()
            with mx.autograd.record():
                v = loss_fn(x, y)
            v.backward()
            out.append((v, x.grad.copy()))
        return out

    run_both(program)


def test_reprs_and_names():
    def program(mx):
        L = mx.gluon.loss
        losses = [
            L.L2Loss(),
            L.L1Loss(weight=2),
            L.SigmoidBCELoss(),
            L.SoftmaxCELoss(batch_axis=1),
            L.KLDivLoss(),
            L.CTCLoss(label_layout="TN"),
            L.HuberLoss(),
            L.HingeLoss(),
            L.SquaredHingeLoss(),
            L.LogisticLoss(),
            L.TripletLoss(),
            L.PoissonNLLLoss(),
            L.CosineEmbeddingLoss(),
            L.SDMLLoss(),
            L.L2Loss(prefix="mine_"),
        ]
        return [repr(x) for x in losses] + [
            losses[-1].prefix,
            list(losses[-1].collect_params().keys()),
        ]

    run_both(program)
    assert run_both(
        lambda mx: mx.gluon.loss.SigmoidBCELoss is mx.gluon.loss.SigmoidBinaryCrossEntropyLoss
    )


@pytest.mark.parametrize(
    "program",
    [
        lambda mx: mx.gluon.loss.LogisticLoss(label_format="x"),
        lambda mx: mx.gluon.loss.CTCLoss(layout="NCT"),
        lambda mx: mx.gluon.loss.CTCLoss(label_layout="TT"),
        lambda mx: mx.gluon.loss.L1Loss(weight=mx.nd.ones((1,)))(
            mx.nd.ones((2, 2)), mx.nd.ones((2, 2))
        ),
        lambda mx: mx.gluon.loss.L2Loss()(mx.nd.ones((2, 3)), mx.nd.ones((5,))),
        lambda mx: mx.gluon.loss.L2Loss(weight=None)(mx.nd.ones((2, 3)), mx.nd.ones((2, 3))),
        lambda mx: mx.gluon.loss.Loss(1.0, 0)(mx.nd.ones((2, 3))),
    ],
)
def test_errors(program):
    run_both(program)


@pytest.mark.parametrize("np_mode", [False, True])
def test_softmax_ce_integer_labels(np_mode):
    # d2l's pattern: integer class labels (int32 from a dataset, int64 from np.array of ints).
    def program(mx):
        if np_mode:
            mx.npx.set_np()
        try:
            mod = mx.np if np_mode else mx.nd
            x = mod.array(_rand((4, 3)))
            x.attach_grad()
            out = []
            for dtype in ("int32", "int64", "float64"):
                y = mod.array(np.array([0, 2, 1, 2]), dtype=dtype)
                with mx.autograd.record():
                    loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()(x, y)
                loss.backward()
                out.append((loss, x.grad.copy()))
            return out
        finally:
            if np_mode:
                mx.npx.reset_np()

    run_both(program)
