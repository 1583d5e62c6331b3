"""``mxnet.base`` for the MXNet dialect on torch: the error class and MXNet's error texts.

The messages keep MXNet's wording (so a search for the text finds MXNet's own discussions) and add
one line saying what to do.
"""

from __future__ import annotations


class MXNetError(RuntimeError):
    """Raised for MXNet-dialect misuse, as ``mxnet.base.MXNetError`` is by real MXNet.

    A ``RuntimeError`` subclass, like the real class, so ``except RuntimeError`` catches both.
    """


class GradReqError(KeyError, ValueError):
    """A bad ``grad_req``: a ``KeyError`` as in MXNet, and a ``ValueError`` as it is a bad value."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0]) if self.args else ""


VALID_GRAD_REQS = ("write", "add", "null")

NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward."
)
NO_INPUTS = "There are no inputs in computation graph that require gradients."
INPLACE_WHILE_RECORDING = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section."
)


def not_required(index: int) -> str:
    return (
        f"Cannot differentiate with respect to the {index + 1}-th variable because it does not "
        "require gradient. Hint: call attach_grad() on it before autograd.record()."
    )


def unreachable(index: int) -> str:
    return (
        f"Cannot differentiate with respect to the {index + 1}-th variable because it is "
        "unreachable from the outputs. Hint: values computed outside autograd.record() are "
        "constants to the graph."
    )


def bad_grad_req(value: object) -> GradReqError:
    return GradReqError(
        f"invalid grad_req {value!r}; valid values are {', '.join(map(repr, VALID_GRAD_REQS))}"
    )
