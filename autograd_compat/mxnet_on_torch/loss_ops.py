"""``CTCLoss``, the legacy operator Gluon's CTC loss calls (on torch's ``ctc_loss``), with MXNet
1.9.1's arguments, values and gradients.
"""

from __future__ import annotations

from typing import Any

import torch

from .base import MXNetError

__all__ = ["CTCLoss"]


def _label_lengths(label: torch.Tensor, padding: int) -> torch.Tensor:
    """Each row's number of labels before its padding; padding must only trail."""
    is_pad = label == padding
    lengths = torch.where(
        is_pad.any(dim=1), is_pad.to(torch.int8).argmax(dim=1), torch.tensor(label.shape[1])
    )
    trailing = torch.arange(label.shape[1]).unsqueeze(0) >= lengths.unsqueeze(1)
    if bool((is_pad != trailing).any()):
        # MXNet reads such rows in its own way; refusing is safer than a different number.
        raise MXNetError(
            f"CTCLoss: padding value {padding} inside a label sequence is not supported on the "
            "torch backend. Hint: put the padding at the end of each row, or pass label_lengths."
        )
    return lengths


def CTCLoss(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    label: torch.Tensor,
    data_lengths: torch.Tensor | None = None,
    label_lengths: torch.Tensor | None = None,
    use_data_lengths: bool = False,
    use_label_lengths: bool = False,
    blank_label: str = "first",
    **kwargs: Any,
) -> torch.Tensor:
    """Connectionist temporal classification loss per sequence, shape ``(batch,)``.

    ``data`` is ``(time, batch, alphabet)`` unnormalised scores (a softmax is applied inside);
    ``label`` is ``(batch, label_length)``. With ``blank_label='first'`` index 0 is the blank and
    rows are padded with 0; with ``'last'`` index ``alphabet - 1`` is the blank and rows are
    padded with -1. A sequence that no alignment can produce has loss 0 and gradient 0, as in
    MXNet.
    """
    if blank_label not in ("first", "last"):
        raise MXNetError(f"CTCLoss: blank_label must be 'first' or 'last', got {blank_label!r}")
    if data.dim() != 3 or label.dim() != 2:
        raise MXNetError(
            f"CTCLoss: data must be 3-D (time, batch, alphabet) and label 2-D (batch, length); "
            f"got shapes {tuple(data.shape)} and {tuple(label.shape)}"
        )
    steps, batch, alphabet = data.shape
    if label.shape[0] != batch:
        raise MXNetError(
            f"CTCLoss: label has batch size {label.shape[0]}, data has {batch} (shapes "
            f"{tuple(data.shape)}, {tuple(label.shape)})"
        )
    if steps < label.shape[1]:
        raise MXNetError(
            f"CTCLoss: Check failed: dshape[0] >= lshape[1] ({steps} vs. {label.shape[1]}) : The "
            "max number of labels cannot exceed the maximum sequence length of the data."
        )
    blank, padding = (0, 0) if blank_label == "first" else (alphabet - 1, -1)
    targets = label.detach().long()
    if use_label_lengths:
        if label_lengths is None:
            raise MXNetError("CTCLoss: use_label_lengths=True needs label_lengths")
        target_lengths = label_lengths.detach().long().reshape(-1)
    else:
        target_lengths = _label_lengths(targets, padding)
    if use_data_lengths:
        if data_lengths is None:
            raise MXNetError("CTCLoss: use_data_lengths=True needs data_lengths")
        input_lengths = data_lengths.detach().long().reshape(-1)
    else:
        input_lengths = torch.full((batch,), steps, dtype=torch.long)
    log_probs = torch.log_softmax(data, dim=2)
    return torch.nn.functional.ctc_loss(
        log_probs,
        targets.clamp(0, alphabet - 1),  # padding is never read past target_lengths
        input_lengths,
        target_lengths,
        blank=blank,
        reduction="none",
        zero_infinity=True,  # MXNet's value for an impossible alignment
    )
