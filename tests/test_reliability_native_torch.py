"""Native PyTorch untouched, beyond the corpus: warnings, and copies of attached tensors.

The byte-for-byte corpus is ``tests/plain_torch_corpus.py`` (run by
``tests/test_plain_torch_untouched.py``). Here: where torch's warnings are attributed with the
shim installed, and what ``copy.deepcopy``, ``pickle`` and ``torch.save``/``torch.load`` keep of a
plain torch tensor made a variable by ``attach_grad()`` (the MXNet dialect on torch).

The intended behaviour (tested below): a copy of such a torch tensor keeps ``grad_req``, the
gradient buffer's values and the MXNet semantics of the next backward ('write' overwrites, 'add'
accumulates). All of this holds for ``copy.deepcopy``, ``pickle``, and ``torch.save`` +
``torch.load`` (also with torch's default ``weights_only=True``). A legacy ``nd`` array copies as
real MXNet's does instead: the copy has no gradient (``grad`` is None), checked side by side.
"""

from __future__ import annotations

import copy
import io
import pickle
import warnings

import pytest
import torch
from reliability_report import record

import autograd_compat
from autograd_compat import namespace

nd_ns = namespace("mxnet", "torch")


def _attached(req):
    # A plain torch tensor (nd.array gives MXNet's NDArray, whose copies follow MXNet's rules).
    x = torch.tensor([1.0, 2.0])
    x.attach_grad(grad_req=req)
    with nd_ns.autograd.record():
        y = x * x
    y.backward()
    return x


def _two_steps(t):
    for _ in range(2):
        with nd_ns.autograd.record():
            y = t * t
        y.backward()
    return t.grad.tolist()


def _pickle(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the guard hook is not serialised
        return pickle.loads(pickle.dumps(x))


def _save_load(x, **kw):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        # torch warns that backward hooks are not serialised (the variable's guard hook).
        warnings.simplefilter("ignore")
        torch.save(x, buf)
    buf.seek(0)
    return torch.load(buf, **kw)


EXPECTED = {"write": [2.0, 4.0], "add": [6.0, 12.0]}  # after the first backward and two more


@pytest.mark.parametrize("req", ["write", "add", "null"])
def test_deepcopy_keeps_grad_req_buffer_and_semantics(req):
    x = _attached(req) if req != "null" else torch.tensor([1.0, 2.0])
    if req == "null":
        x.attach_grad(grad_req="null")
    c = copy.deepcopy(x)
    assert c._mx_grad_req == req
    if req == "null":
        assert c.grad is None or not c.grad.any()
        return
    assert c.grad.tolist() == x.grad.tolist()
    assert c.grad.data_ptr() != x.grad.data_ptr()
    assert _two_steps(c) == EXPECTED[req]
    record("untouched", "attached-tensor copy checks (deepcopy)", 1, add=True)


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(_pickle, id="pickle"),
        pytest.param(lambda x: _save_load(x, weights_only=False), id="torch.save"),
    ],
)
def test_pickle_and_save_keep_grad_req_write(how):
    x = _attached("write")
    c = how(x)
    assert c._mx_grad_req == "write"
    assert c.is_leaf
    assert _two_steps(c) == EXPECTED["write"]
    record("untouched", "attached-tensor copy checks (pickle, torch.save)", 1, add=True)


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(_pickle, id="pickle"),
        pytest.param(lambda x: _save_load(x, weights_only=False), id="torch.save"),
    ],
)
def test_pickle_and_save_keep_add_buffer(how):
    x = _attached("add")
    c = how(x)
    assert c._mx_grad_req == "add"
    assert c.is_leaf and c.grad is not None
    assert _two_steps(c) == EXPECTED["add"]


def test_torch_load_default_weights_only():
    c = _save_load(_attached("write"))
    assert c._mx_grad_req == "write"


@pytest.mark.mxnet
@pytest.mark.parametrize("req", ["write", "add"])
def test_nd_array_copies_drop_the_gradient_as_mxnet(req):
    import mxnet

    def run(ns):
        x = ns.nd.array([1.0, 2.0])
        x.attach_grad(grad_req=req)
        with ns.autograd.record():
            y = x * x
        y.backward()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copies = [copy.deepcopy(x), pickle.loads(pickle.dumps(x))]
        return [(type(c).__name__, c.grad is None, c.asnumpy().tolist()) for c in copies]

    assert run(nd_ns) == run(mxnet)


def _warning_site():
    lin = torch.nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda m, gi, go: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lin(torch.ones(3, 2)).sum().backward()  # torch warns: no input requires grad
    return [(w.category, w.filename) for w in caught]


def test_backward_warnings_are_attributed_to_the_caller():
    autograd_compat.uninstall()
    try:
        plain = _warning_site()
    finally:
        autograd_compat.install()
    shimmed = _warning_site()
    assert plain and plain[0][1] == __file__
    assert shimmed == plain


def test_record_what_copies_keep():
    """A measurement for docs/reliability.md: what each way of copying keeps today."""
    ways = {
        "copy.deepcopy": copy.deepcopy,
        "pickle": _pickle,
        "torch.save + load(weights_only=False)": lambda x: _save_load(x, weights_only=False),
        "torch.save + load()": _save_load,
    }
    for name, how in ways.items():
        for req in ("write", "add"):
            try:
                c = how(_attached(req))
            except Exception as exc:  # noqa: BLE001 - the outcome is the figure
                outcome = f"raises {type(exc).__name__}"
            else:
                try:
                    works = _two_steps(c) == EXPECTED[req]
                except Exception as exc:  # noqa: BLE001
                    works = f"raises {type(exc).__name__}"
                outcome = (
                    f"grad_req {getattr(c, '_mx_grad_req', None)!r}, leaf {c.is_leaf}, "
                    f"next backwards right: {works}"
                )
            record("untouched", f"attached tensor ({req}) through {name}", outcome)
            # The figure is also a check: every way keeps the attachment and MXNet semantics.
            assert outcome == f"grad_req {req!r}, leaf True, next backwards right: True", name
