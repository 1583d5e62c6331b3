"""The creating thread of an autograd node, read from torch's C++ node (node_provenance.py).

torch is pinned to 2.13, where the reader must work; the dialect's fallback when it cannot read
(another torch build) is numbers alone, checked here by switching the reader off.
"""

from __future__ import annotations

import threading

import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch import node_provenance as prov
from autograd_compat.mxnet_on_torch import recording


class _Twice(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


def _nodes():
    x = torch.ones(3, requires_grad=True)
    y = (x * 3).exp()
    z = _Twice.apply(y).sum()
    fns = [z.grad_fn, z.grad_fn.next_functions[0][0], y.grad_fn, y.grad_fn.next_functions[0][0]]
    return prov.current_thread_id(), fns, z


def _in_thread(fn):
    box = {}
    t = threading.Thread(target=lambda: box.update(value=fn()))
    t.start()
    t.join(timeout=60)
    return box["value"]


def test_the_reader_works_on_the_pinned_torch():
    assert torch.__version__.startswith("2.13.")
    assert prov.available()


def test_each_node_carries_the_thread_that_made_it():
    here, mine, _ = _nodes()
    there, theirs, _ = _in_thread(_nodes)
    assert here and there and here != there
    assert {prov.thread_of(f, f._sequence_nr()) for f in mine} == {here}
    assert {prov.thread_of(f, f._sequence_nr()) for f in theirs} == {there}
    assert isinstance(mine[1], torch._C._FunctionBase)  # a custom Function's node is read too
    assert recording.state.tid == here


def test_a_wrong_sequence_number_or_an_unknown_object_reads_as_unknown():
    _, fns, _ = _nodes()
    f = fns[0]
    assert prov.thread_of(f, f._sequence_nr() + 1) is None
    assert prov.thread_of(object(), 0) is None
    assert prov.thread_of(torch.ones(1), 0) is None


def test_a_custom_function_node_after_backward():
    _, fns, z = _nodes()
    z.backward()  # frees the graph; the node objects stay readable or read as unknown
    for f in fns:
        assert prov.thread_of(f, f._sequence_nr()) in (prov.current_thread_id(), None)


@pytest.fixture
def no_provenance(monkeypatch):
    monkeypatch.setattr(prov, "_checked", False)


def test_numbers_alone_when_the_reader_is_unavailable(no_provenance):
    # Another torch build: every answer is unknown and the dialect keeps its number-only rules.
    mx = namespace("mxnet", "torch")
    _, fns, _ = _nodes()
    assert prov.thread_of(fns[0], fns[0]._sequence_nr()) is None
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * x
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 4.0, 6.0]
    p = torch.arange(4.0, requires_grad=True)  # the seed notebook's plain leaf inside record()
    with mx.autograd.record():
        q = p * p
    q.backward()
    assert p.grad.tolist() == [0.0, 2.0, 4.0, 6.0]
