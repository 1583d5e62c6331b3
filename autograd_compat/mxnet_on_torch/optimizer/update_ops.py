"""MXNet 1.9.1's optimizer update operators (``sgd_update``, ``adam_update``, ...) on torch.

Each function updates ``weight`` and its states in place, in MXNet's order of operations: weight
decay and ``rescale_grad`` enter where MXNet's kernel puts them, and a gradient is clipped only
when ``clip_gradient >= 0`` (the kernels' "no clipping" default is -1). The momentum kept by
``sgd_mom_update``/``signum_update``/``nag_mom_update`` is MXNet's: it already holds ``-lr`` (so
``weight += mom``), which keeps optimizer states interchangeable with real MXNet's files.

Callers pass plain tensors and run these without recording (the optimizers do both).
``multi_sgd_update`` is the multi-tensor path: a few ``torch._foreach_*`` calls for all weights.
"""

from __future__ import annotations

import torch

_foreach_add_ = torch._foreach_add_
_foreach_mul_ = torch._foreach_mul_
_Tensor = torch.Tensor
_disabled = torch._C._disabled_torch_function_impl
_skip_subclass_checks = torch._C.DisableTorchFunctionSubclass


def _no_overrides(weights: list, grads: list) -> bool:
    """Whether no tensor in the lists overrides torch functions. The array classes switch
    ``__torch_function__`` off, but torch still looks the attribute up on every tensor of a
    subclass (about a microsecond each): when none overrides, the kernels skip that look-up."""
    for cls in {*map(type, weights), *map(type, grads)}:
        if cls is not _Tensor and getattr(cls, "__torch_function__", None) is not _disabled:
            return False
    return True


def _scaled_grad(grad: torch.Tensor, rescale_grad: float, clip_gradient: float) -> torch.Tensor:
    g = grad * rescale_grad
    return g.clamp_(-clip_gradient, clip_gradient) if clip_gradient >= 0 else g


def _decayed_grad(
    weight: torch.Tensor, grad: torch.Tensor, rescale_grad: float, wd: float, clip: float
) -> torch.Tensor:
    """``clip(rescale_grad * grad + wd * weight)``: the gradient of Adam's and RMSProp's kernels."""
    g = grad * rescale_grad
    if wd:
        g.add_(weight, alpha=wd)
    return g.clamp_(-clip, clip) if clip >= 0 else g


def sgd_update(weight, grad, *, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0) -> None:
    """``weight = (1 - lr*wd) * weight - lr * clip(rescale_grad * grad)``."""
    g = _scaled_grad(grad, rescale_grad, clip_gradient)
    if wd:
        weight.mul_(1.0 - lr * wd)
    weight.add_(g, alpha=-lr)


def sgd_mom_update(
    weight, grad, mom, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0
) -> None:
    """``mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad)``; ``weight += mom``."""
    g = _scaled_grad(grad, rescale_grad, clip_gradient)
    mom.mul_(momentum)
    if wd:
        mom.add_(weight, alpha=-lr * wd)
    mom.add_(g, alpha=-lr)
    weight.add_(mom)


def multi_sgd_update(
    weights: list,
    grads: list,
    moms: list | None,
    lrs: list,
    wds: list,
    *,
    momentum: float = 0.0,
    rescale_grad: float = 1.0,
    clip_gradient: float = -1.0,
    masters: list | None = None,
) -> None:
    """MXNet's ``multi_(mp_)sgd_(mom_)update`` over whole lists.

    ``moms`` is None without momentum; ``masters`` holds float32 copies of float16 ``weights``
    (the update runs on them, then they are copied into ``weights``). Weights sharing a learning
    rate and weight decay are updated by the same few multi-tensor calls.
    """
    args = (weights, grads, moms, lrs, wds, momentum, rescale_grad, clip_gradient, masters)
    if _no_overrides(weights, grads):
        with _skip_subclass_checks():
            _multi_sgd(*args)
    else:
        _multi_sgd(*args)


def _multi_sgd(  # noqa: PLR0913
    weights: list,
    grads: list,
    moms: list | None,
    lrs: list,
    wds: list,
    momentum: float,
    rescale_grad: float,
    clip_gradient: float,
    masters: list | None,
) -> None:
    targets = masters if masters is not None else weights
    if masters is not None:
        grads = [g.to(torch.float32) for g in grads]
    start, n = 0, len(targets)
    uniform = lrs.count(lrs[0]) == n and wds.count(wds[0]) == n
    while start < n:
        lr, wd = lrs[start], wds[start]
        end = n if uniform else start + 1
        while end < n and lrs[end] == lr and wds[end] == wd:
            end += 1
        ws, gs = targets[start:end], grads[start:end]
        if clip_gradient >= 0:
            gs = torch._foreach_mul(gs, rescale_grad)
            torch._foreach_clamp_min_(gs, -clip_gradient)
            torch._foreach_clamp_max_(gs, clip_gradient)
            step = -lr
        else:
            step = -lr * rescale_grad
        if moms is not None:
            ms = moms[start:end]
            _foreach_mul_(ms, momentum)
            if wd:
                _foreach_add_(ms, ws, alpha=-lr * wd)
            _foreach_add_(ms, gs, alpha=step)
            _foreach_add_(ws, ms)
        else:
            if wd:
                _foreach_mul_(ws, 1.0 - lr * wd)
            _foreach_add_(ws, gs, alpha=step)
        start = end
    if masters is not None:
        torch._foreach_copy_(weights, masters)


def nag_mom_update(
    weight, grad, mom, *, lr, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0
) -> None:
    """Nesterov: ``g = clip(rescale_grad*grad)``; ``mom *= momentum``;
    ``weight += momentum*mom - (1+momentum)*lr*(g + wd*weight)``;
    ``mom -= lr*(g + wd*weight)``, where this last ``weight`` is the *updated* one: MXNet's kernel
    reads the weight after writing it (``out`` is ``weight``), and its states follow that."""
    g = _scaled_grad(grad, rescale_grad, clip_gradient)
    d = g.add(weight, alpha=wd) if wd else g.clone()
    mom.mul_(momentum)
    weight.add_(mom, alpha=momentum).sub_(d.mul_((momentum + 1.0) * lr))
    mom.sub_(g.add_(weight, alpha=wd).mul_(lr) if wd else g.mul_(lr))


def signsgd_update(weight, grad, *, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0) -> None:
    """``weight = (1 - lr*wd) * weight - lr * sign(grad)`` (rescaling and clipping keep signs)."""
    if wd:
        weight.mul_(1.0 - lr * wd)
    weight.add_(torch.sign(grad), alpha=-lr)


def signum_update(
    weight,
    grad,
    mom,
    *,
    lr,
    momentum=0.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    wd_lh=0.0,
) -> None:
    """``mom = momentum*mom - (1-momentum)*(wd*weight + clip(rescale_grad*grad))``;
    ``weight = (1 - lr*wd_lh) * weight + lr * sign(mom)``."""
    g = _scaled_grad(grad, rescale_grad, clip_gradient)
    mom.mul_(momentum)
    if wd:
        mom.add_(weight, alpha=-(1.0 - momentum) * wd)
    mom.add_(g, alpha=-(1.0 - momentum))
    if wd_lh:
        weight.mul_(1.0 - lr * wd_lh)
    weight.add_(torch.sign(mom), alpha=lr)


def adam_update(
    weight,
    grad,
    mean,
    var,
    *,
    lr,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
) -> None:
    """``g = clip(rescale_grad*grad + wd*weight)``; moments; ``weight -= lr*mean/(sqrt(var)+eps)``
    (the bias correction is in ``lr``, computed by the optimizer)."""
    g = _decayed_grad(weight, grad, rescale_grad, wd, clip_gradient)
    mean.mul_(beta1).add_(g, alpha=1.0 - beta1)
    var.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
    weight.sub_(mean.mul(lr).div_(var.sqrt().add_(epsilon)))


def rmsprop_update(
    weight,
    grad,
    n,
    *,
    lr,
    gamma1=0.95,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    clip_weights=-1.0,
) -> None:
    """Tieleman & Hinton: ``n = (1-gamma1)*g² + gamma1*n``; ``weight -= lr*g/sqrt(n + eps)``."""
    g = _decayed_grad(weight, grad, rescale_grad, wd, clip_gradient)
    n.mul_(gamma1).addcmul_(g, g, value=1.0 - gamma1)
    weight.sub_(g.div_(n.add(epsilon).sqrt_()).mul_(lr))
    if clip_weights >= 0:
        weight.clamp_(-clip_weights, clip_weights)


def rmspropalex_update(
    weight,
    grad,
    n,
    g_avg,
    delta,
    *,
    lr,
    gamma1=0.95,
    gamma2=0.9,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
    clip_weights=-1.0,
) -> None:
    """Graves' centered RMSProp: ``delta = gamma2*delta - lr*g/sqrt(n - g_avg² + eps)``;
    ``weight += delta``."""
    g = _decayed_grad(weight, grad, rescale_grad, wd, clip_gradient)
    n.mul_(gamma1).addcmul_(g, g, value=1.0 - gamma1)
    g_avg.mul_(gamma1).add_(g, alpha=1.0 - gamma1)
    denom = n.addcmul(g_avg, g_avg, value=-1.0).add_(epsilon).sqrt_()
    delta.mul_(gamma2).sub_(g.div_(denom).mul_(lr))
    weight.add_(delta)
    if clip_weights >= 0:
        weight.clamp_(-clip_weights, clip_weights)


def ftrl_update(
    weight,
    grad,
    z,
    n,
    *,
    lr,
    lamda1=0.01,
    beta=1.0,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
) -> None:
    """FTRL-proximal: ``z += g - (sqrt(n + g²) - sqrt(n)) * weight / lr``; ``n += g²``;
    ``weight = (sign(z)*lamda1 - z) / ((beta + sqrt(n))/lr + wd)`` where ``|z| > lamda1``,
    else 0."""
    g = _scaled_grad(grad, rescale_grad, clip_gradient)
    g2 = g * g
    z.add_(g.sub(n.add(g2).sqrt_().sub_(n.sqrt()).mul_(weight).div_(lr)))
    n.add_(g2)
    new = (torch.sign(z) * lamda1 - z).div_((n.sqrt().add_(beta)).div_(lr).add_(wd))
    weight.copy_(new.mul_(z.abs() > lamda1))


def ftml_update(
    weight,
    grad,
    d,
    v,
    z,
    *,
    lr,
    t,
    beta1=0.6,
    beta2=0.999,
    epsilon=1e-8,
    wd=0.0,
    rescale_grad=1.0,
    clip_grad=-1.0,
) -> None:
    """FTML: ``d_t = (1 - beta1**t)/lr * (sqrt(v/(1 - beta2**t)) + eps)``;
    ``z = beta1*z + (1-beta1)*g - (d_t - beta1*d)*weight``; ``weight = -z/d_t``."""
    g = _decayed_grad(weight, grad, rescale_grad, wd, clip_grad)
    v.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
    d_t = v.div(1.0 - beta2**t).sqrt_().add_(epsilon).mul_((1.0 - beta1**t) / lr)
    z.mul_(beta1).add_(g, alpha=1.0 - beta1).sub_((d_t - d * beta1).mul_(weight))
    d.copy_(d_t)
    weight.copy_(-z / d_t)


def lamb_update_phase1(
    weight,
    grad,
    mean,
    var,
    *,
    t,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-6,
    bias_correction=True,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=-1.0,
) -> torch.Tensor:
    """LAMB's direction: moments of ``clip(rescale_grad*grad)``, then
    ``mean_hat / (sqrt(var_hat) + eps) + wd*weight``."""
    g = _scaled_grad(grad, rescale_grad, clip_gradient)
    mean.mul_(beta1).add_(g, alpha=1.0 - beta1)
    var.mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
    if bias_correction:
        m_hat = mean / (1.0 - beta1**t)
        v_hat = var / (1.0 - beta2**t)
    else:
        m_hat, v_hat = mean, var
    out = m_hat / v_hat.sqrt().add_(epsilon)
    if wd:
        out.add_(weight, alpha=wd)
    return out


def lamb_update_phase2(weight, g, r1, r2, *, lr, lower_bound=-1.0, upper_bound=-1.0) -> None:
    """``weight -= lr * r1/r2 * g`` (``r1`` = ||weight|| bounded, ``r2`` = ||g||), or ``lr * g``
    when either norm is 0."""
    r1 = float(r1)
    r2 = float(r2)
    if lower_bound >= 0:
        r1 = max(r1, lower_bound)
    if upper_bound >= 0:
        r1 = min(r1, upper_bound)
    # The ratio is taken in float32, as MXNet's kernel does.
    ratio = 1.0 if r1 == 0 or r2 == 0 else float(torch.tensor(r1) / torch.tensor(r2))
    weight.sub_(g * (lr * ratio))
