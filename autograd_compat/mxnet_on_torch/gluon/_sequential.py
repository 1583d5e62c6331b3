"""``Sequential`` and ``HybridSequential`` (MXNet keeps them in ``gluon/nn/basic_layers.py``;
``gluon.nn`` re-exports them from here)."""

from __future__ import annotations

import warnings
from typing import Any

from .block import Block, HybridBlock
from .utils import _indent

__all__ = ["HybridSequential", "Sequential"]


def _repr(self: Block) -> str:
    modstr = "\n".join(
        f"  ({key}): {_indent(repr(block), 2)}" for key, block in self._children.items()
    )
    return f"{self.__class__.__name__}(\n{modstr}\n)"


def _getitem(self: Block, key: Any) -> Any:
    layers = list(self._children.values())[key]
    if isinstance(layers, list):
        net = type(self)(prefix=self._prefix)
        with net.name_scope():
            net.add(*layers)
        return net
    return layers


class Sequential(Block):
    """Stacks Blocks sequentially::

    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(10, activation='relu'))
        net.add(nn.Dense(20))
    """

    _is_sequential_container = True

    def __init__(self, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def add(self, *blocks: Block) -> None:
        """Add blocks on top of the stack."""
        for block in blocks:
            self.register_child(block)

    def forward(self, x: Any) -> Any:
        for block in self._children.values():
            x = block(x)
        return x

    __repr__ = _repr
    __getitem__ = _getitem

    def __len__(self) -> int:
        return len(self._children)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize the HybridBlock children (never changes a result on torch)."""
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(
                f"All children of this Sequential layer '{self.prefix}' are HybridBlocks. "
                "Consider using HybridSequential for the best performance.",
                stacklevel=2,
            )
        super().hybridize(active, **kwargs)


class HybridSequential(HybridBlock):
    """Stacks HybridBlocks sequentially::

    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(10, activation='relu'))
        net.add(nn.Dense(20))
    net.hybridize()
    """

    _is_sequential_container = True

    def __init__(self, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def add(self, *blocks: HybridBlock) -> None:
        """Add blocks on top of the stack."""
        for block in blocks:
            self.register_child(block)

    def forward(self, x: Any, *args: Any) -> Any:
        if type(self).hybrid_forward is not HybridSequential.hybrid_forward:
            return super().forward(x, *args)  # a subclass with its own hybrid_forward
        for block in self._children.values():
            x = block(x)
        return x

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        for block in self._children.values():
            x = block(x)
        return x

    __repr__ = _repr
    __getitem__ = _getitem

    def __len__(self) -> int:
        return len(self._children)
