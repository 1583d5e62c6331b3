"""Which thread created an autograd node: read from torch's C++ ``Node``.

torch stamps every autograd node with the id of the thread that created it (``Node::thread_id_``,
set in the constructor from ``at::RecordFunction::currentThreadId()``: a number unique to a thread
for the life of the process, never reused). torch uses it to match backward nodes with forward
ops in the profiler; Python cannot see it. Sequence numbers (``_sequence_nr()``) are per thread,
so the pair (thread, number) is what names a node, and the thread is what tells a graph built in
another thread from one recorded in this one.

The field is read with ``ctypes`` from the node pointer that a ``grad_fn`` object holds, at the
offsets of torch 2.13's layout. Nothing is trusted before a self-test, run once on first use,
has confirmed them: nodes made in two threads must carry their own sequence numbers and each
thread's id, the same within a thread and different between them. On another torch build, or if
the test fails, every answer is ``None`` ("unknown") and callers keep their number-only rules;
the reader never guesses an offset.
"""

from __future__ import annotations

import ctypes
import os
import threading

import torch

__all__ = ["available", "current_thread_id", "thread_of"]

# torch 2.13's layout (torch/csrc/autograd/node.h, python_cpp_function.h, python_function.h):
# struct Node : intrusive_ptr_target { [vtable, combined_refcount_]; uint64_t sequence_nr_;
#   uint64_t topological_nr_; bool has_parent_; uint64_t thread_id_; ... }
_SEQ = 16
_THREAD = 40
# THPCppFunction { PyObject_HEAD; intrusive_ptr<Node> cdata; }: the pointer follows the header.
_CPP_CDATA = object.__basicsize__
# THPFunction (custom autograd.Function nodes) ends with `intrusive_ptr<Node> cdata`; its size
# in 2.13 is checked exactly, since a different layout would put another field there.
_PY_BASE = torch._C._FunctionBase
_PY_BASICSIZE = 224
_PY_CDATA = _PY_BASICSIZE - ctypes.sizeof(ctypes.c_void_p)
_TESTED_TORCH = ("2", "13")

# Memory is read as 64-bit words through one memoryview over the address space: ctypes'
# from_address would make an object (and raise an audit event) per read, ~5x the cost. Only
# addresses of live objects are ever read (the grad_fn object held by the caller, the node it
# owns), all 8-byte aligned.
_WORDS = memoryview((ctypes.c_char * (1 << 56)).from_address(0)).cast("B").cast("Q")


def _thread_id_function():
    """torch's ``at::RecordFunction::currentThreadId`` (an exported C++ function), or None."""
    path = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
    try:
        # RTLD_NOLOAD: the library torch already loaded, never a second copy.
        lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
        fn = lib._ZN2at14RecordFunction15currentThreadIdEv
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_uint64
    fn.argtypes = []
    return fn


_current = _thread_id_function()


def current_thread_id() -> int:
    """torch's id of the calling thread (what its nodes carry); 0 when it cannot be had."""
    return 0 if _current is None else _current()


# type(grad_fn) -> offset of its node pointer, or 0 for a kind of node that cannot be read.
_offsets: dict[type, int] = {}
_checked: bool | None = None  # None: self-test not run yet
_lock = threading.Lock()


def _offset_for(cls: type) -> int:
    if issubclass(cls, _PY_BASE):
        return _PY_CDATA if _PY_BASE.__basicsize__ == _PY_BASICSIZE else 0
    d = cls.__dict__
    if (
        cls.__base__ is object
        and cls.__basicsize__ == _CPP_CDATA + ctypes.sizeof(ctypes.c_void_p)
        and "_sequence_nr" in d
        and "next_functions" in d
    ):
        return _CPP_CDATA
    return 0


def _read(fn: object, seq: int) -> int | None:
    cls = type(fn)
    off = _offsets.get(cls)
    if off is None:
        off = _offsets[cls] = _offset_for(cls)
    if not off:
        return None
    words = _WORDS
    node = words[(id(fn) + off) >> 3]
    # A node released by torch (e.g. a custom Function's after its graph was freed) reads 0; the
    # sequence number read back must be the one torch reports, or the answer is unknown.
    if not node or words[(node + _SEQ) >> 3] != seq:
        return None
    return words[(node + _THREAD) >> 3]


class _Probe(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):  # noqa: ANN001, ANN205 - torch's signature
        return a * 1

    @staticmethod
    def backward(ctx, g):  # noqa: ANN001, ANN205
        return g


def _probe() -> tuple[int, list]:
    """Nodes of both kinds made in the calling thread, and torch's id of the thread."""
    with torch.inference_mode(False), torch.enable_grad():
        leaf = torch.zeros(1, requires_grad=True)
        nodes = [(leaf * 2).grad_fn, _Probe.apply(leaf).grad_fn]
    return current_thread_id(), nodes


def _self_test() -> bool:
    if _current is None or torch.__version__.split(".")[:2] != list(_TESTED_TORCH):
        return False
    box: dict = {}

    def other() -> None:
        box["probe"] = _probe()

    t = threading.Thread(target=other, name="autograd_compat-node-provenance-self-test")
    t.start()
    t.join()
    if "probe" not in box:
        return False
    ids = set()
    for tid, nodes in (_probe(), box["probe"]):
        if tid == 0:
            return False
        for fn in nodes:
            if _offset_for(type(fn)) == 0 or _read(fn, fn._sequence_nr()) != tid:
                return False
        ids.add(tid)
    return len(ids) == 2


def available() -> bool:
    """Whether node provenance can be read on this torch build (runs the self-test once)."""
    global _checked
    if _checked is None:
        with _lock:
            if _checked is None:
                try:
                    _checked = _self_test()
                except Exception:  # e.g. no new thread can start at interpreter exit: unknown
                    _checked = False
    return _checked


def thread_of(fn: object, seq: int) -> int | None:
    """torch's id of the thread that created node ``fn`` (numbered ``seq``), or None: unknown.

    ``fn`` is a ``grad_fn`` object (what ``Tensor.grad_fn`` and ``next_functions`` give).
    """
    if not (_checked or available()):
        return None
    return _read(fn, seq)
