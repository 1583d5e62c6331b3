"""Views of the torch dialect on MXNet: which tensors share memory, as torch's views do, and what
an in-place write must do to the others.

torch's ``reshape``/``view``/``flatten``/``squeeze``/``unsqueeze`` of a contiguous tensor and its
basic indexing return views: a write through one is seen by the others, and they share one
version counter. MXNet can share memory for reshapes (its legacy ``reshape``, recorded by its
autograd as ``Reshape``) and for basic slices that are contiguous in memory (first-axis slices
and integers: ``MXNDArraySlice``/``At``, recorded as ``slice``); those are real views here too.

Other torch views (``t()``, ``transpose``, ``permute``, ``expand``, column or strided slices)
are copies in MXNet. Such a *copied view* keeps the recipe that made it: after any write to a
tensor it was made from (or to a view sharing that tensor's memory) it is recomputed, so it reads
what torch's view would read; a write *through* it raises (it cannot reach the base).

A write recorded by autograd is computed out of place (a graph node and a new array). If
nobody else shares the written tensor's memory, the tensor simply takes the new array. Otherwise
the new value is carried up to the base of the views (an index assignment or a reshape per
step), written into the shared memory, and every view gets a graph through the base's new one,
as torch rebases views; those nodes are marked so the adapter's own engine differentiates them
(MXNet's graph of the shared memory is stale after the write).

Tensors are duck-typed here (``_nd``, ``_node``, ``requires_grad``, ``_version``), so this module
sits below :mod:`.tensor` and the ops (``shape_ops``, ``indexing``) call it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

COPIED_VIEW_WRITE = (
    "the torch dialect on mxnet cannot write in place through this view: in torch it shares "
    "memory with the tensor it was made from, but MXNet holds a copy here (t(), transpose, "
    "permute, expand, column or strided slices), so the write would not reach that tensor. "
    "Write into the original tensor (e.g. x[:, 1] = v instead of x.t()[1] = v), or clone() the "
    "view first for an independent tensor."
)
NO_GRAD_VIEW_WRITE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
    "to be tracked)."
)
LEAF_VIEW_WRITE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


class Family:
    """The tensors sharing one memory (the base, its views and copied views), weakly held, in
    creation order (a copied view of a copied view is refreshed after its base)."""

    __slots__ = ("members", "limit")

    def __init__(self, base: Any) -> None:
        self.members = [weakref.ref(base)]
        self.limit = 16

    def alive(self) -> list:
        out = []
        refs = []
        for r in self.members:
            m = r()
            if m is not None:
                out.append(m)
                refs.append(r)
        self.members = refs
        self.limit = max(16, 2 * len(refs))
        return out


def note(
    base: Any,
    view: Any,
    recipe: Callable | None,
    how: Callable[[Any], Any],
    embed: Callable[[Any, Any], Any],
) -> None:
    """``view`` was made from ``base`` by a torch view op. ``recipe(base_array)`` recomputes
    its array when MXNet made a copy (None: MXNet shares the memory); ``how(base)`` redoes the
    op (recorded) and ``embed(base, new)`` is the base's new value when the view takes the
    value ``new`` (both for a recorded in-place write: see :func:`rebase`)."""
    bd = base.__dict__
    fam = bd.get("_family")
    if fam is None:
        fam = bd["_family"] = Family(base)
    vd = view.__dict__
    vd["_family"] = fam
    vd["_view_of"] = base  # torch's ._base: a view keeps what it views alive
    vd["_how"] = how
    vd["_embed"] = embed
    if recipe is not None:
        vd["_recipe"] = recipe
    if recipe is not None or "_copied" in bd:
        vd["_copied"] = True  # it, or what it shares memory with, is a copy in MXNet
    fam.members.append(weakref.ref(view))
    if len(fam.members) > fam.limit:
        fam.alive()


def shares(base_nd: Any, out_nd: Any, data_ptr: Callable, nbytes: int) -> bool:
    """Whether MXNet's result lies in the ``nbytes`` of memory of ``base_nd`` (its basic
    indexing returns a view only for slices contiguous in memory)."""
    if not nbytes or not out_nd.size:
        return True  # nothing to share or to miss
    b = data_ptr(base_nd)
    o = data_ptr(out_nd)
    return b is not None and o is not None and b <= o < b + nbytes


def _leaf_root(t: Any) -> Any:
    d = t.__dict__
    while "_view_of" in d:
        t = d["_view_of"]
        d = t.__dict__
    return t


def before_write(t: Any, recorded: bool, grad_enabled: bool) -> None:
    """Raise where an in-place write to ``t`` cannot be what torch does (see the module doc)."""
    d = t.__dict__
    fam = d.get("_family")
    if fam is None:
        return
    if "_no_grad_view" in d and grad_enabled:
        raise RuntimeError(NO_GRAD_VIEW_WRITE)
    if "_view_of" in d and grad_enabled:
        root = _leaf_root(t)
        if root._node is None and root.requires_grad and root._mx_req is None:
            raise RuntimeError(LEAF_VIEW_WRITE)
    if "_copied" in d:
        raise RuntimeError(COPIED_VIEW_WRITE)


def rebase(t: Any, res: Any, write: Callable[..., None]) -> bool:
    """A recorded in-place write gave ``t`` the new value ``res``. If other tensors share its
    memory: carry the value up to the base of the family (``embed`` at each step), write the
    base's new value and graph into the base (``write(base, new)``), then give every view a
    graph through the base's new one (``how``), recomputing copied views. Returns False when
    nobody else shares ``t``'s memory (the caller rebinds ``t`` alone)."""
    fam = t.__dict__["_family"]
    members = fam.alive()
    if len(members) < 2:
        return False
    cur, new = t, res
    d = cur.__dict__
    while "_view_of" in d:
        new = d["_embed"](d["_view_of"], new)
        cur = d["_view_of"]
        d = cur.__dict__
    write(cur, new, True, cur is not t)
    for m in members:
        if m is not t:
            m._version += 1
        if m is cur:
            continue
        md = m.__dict__
        fresh = md["_how"](md["_view_of"])
        write(m, fresh, "_recipe" in md)  # a copied view takes the values too
    return True


def after_write(t: Any, refresh: Callable[[Any, Any], None]) -> None:
    """``t`` was written in place (unrecorded): every tensor of its memory moves to the next
    version (torch shares one counter) and copied views are recomputed, through
    ``refresh(view, new_array)``."""
    fam = t.__dict__.get("_family")
    if fam is None:
        return
    for m in fam.alive():
        if m is t:
            continue
        m._version += 1
        recipe = m.__dict__.get("_recipe")
        if recipe is not None:
            refresh(m, recipe(m.__dict__["_view_of"]._nd))


def leave(t: Any) -> None:
    """``t`` was rebound to a new array (a recorded in-place op): it no longer shares memory."""
    d = t.__dict__
    fam = d.pop("_family", None)
    if fam is not None:
        fam.members = [r for r in fam.members if r() is not t]
    d.pop("_view_of", None)
    d.pop("_recipe", None)
    d.pop("_copied", None)
