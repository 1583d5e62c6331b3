"""Plain-torch programs whose output must be byte-identical with and without the shim.

Run as a script: ``python plain_torch_corpus.py [install|cycle|uninstalled|none]`` prints every
program's output (values, reprs, exception types and messages, warnings) as JSON. ``install``
runs with the shim installed on ``torch.Tensor``; ``cycle`` after install -> uninstall -> install
three times; ``uninstalled`` after install -> uninstall. The programs cover autograd, hooks,
in-place and version-counter errors, ``torch.func``, ``nn.Module`` training, grad modes,
copying / pickling / saving and custom Functions.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback
import warnings

PROGRAMS: dict[str, str] = {
    "accumulate": """
x = torch.arange(4.0, requires_grad=True)
for _ in range(3):
    (x * x).sum().backward()
    print(x.grad)
x.grad.zero_(); print(x.grad); x.grad = None; print(x.grad)
""",
    "repr_and_grad_fn": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
print(x, y, y.grad_fn.name(), (x ** 2).grad_fn.name(), x.sum().grad_fn.name())
print(y.is_leaf, x.is_leaf, y.requires_grad)
""",
    "non_scalar_backward_error": """
x = torch.ones(3, requires_grad=True)
(x * 2).backward()
""",
    "gradient_shape_mismatch": """
x = torch.ones(3, requires_grad=True)
(x * 2).backward(torch.ones(2))
""",
    "backward_twice": """
x = torch.ones(3, requires_grad=True)
y = (x * x).sum(); y.backward(); y.backward()
""",
    "retain_graph": """
x = torch.ones(3, requires_grad=True)
y = (x * x).sum(); y.backward(retain_graph=True); y.backward(); print(x.grad)
""",
    "no_grad_fn_backward": """
torch.ones(2).sum().backward()
""",
    "leaf_inplace_error": """
x = torch.ones(3, requires_grad=True)
x[:] = 2
""",
    "leaf_iadd_error": """
x = torch.ones(3, requires_grad=True)
x += 1
""",
    "leaf_isub_error": """
x = torch.ones(3, requires_grad=True)
x -= 1
""",
    "setitem_plain": """
x = torch.zeros(5); x[:] = torch.arange(5.0); x[1] = 7; x[2:4] = 1.5; print(x)
y = torch.ones(3); y += 1; y -= 0.5; y *= 4; y /= 2; print(y)
""",
    "setitem_no_grad_update": """
w = torch.ones(3, requires_grad=True)
(w * w).sum().backward()
with torch.no_grad():
    w[:] = w - 0.1 * w.grad
    w -= 0.1 * w.grad
print(w, w.grad)
""",
    "version_counter_error": """
x = torch.ones(3, requires_grad=True)
y = x.exp(); z = (y * y).sum(); y.add_(1); z.backward()
""",
    "nonleaf_inplace_ok": """
x = torch.ones(3, requires_grad=True)
h = x * 2; h += 1; h.sum().backward(); print(x.grad)
""",
    "hooks": """
x = torch.ones(3, requires_grad=True)
h = x.register_hook(lambda g: g * 10)
(x * 2).sum().backward(); print(x.grad)
h.remove(); x.grad = None; (x * 2).sum().backward(); print(x.grad)
""",
    "nonleaf_grad_warning": """
import warnings
x = torch.ones(2, requires_grad=True)
y = x * 2
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    print(y.grad, [str(i.message)[:60] for i in w])
y.retain_grad(); y.sum().backward(); print(y.grad)
""",
    "autograd_grad": """
x = torch.tensor([4.0], requires_grad=True)
(g,) = torch.autograd.grad(x ** 2, x, create_graph=True); print(g)
print(torch.autograd.grad(g, x))
w = torch.ones(1, requires_grad=True)
print(torch.autograd.grad((x * 2).sum(), [x, w], allow_unused=True))
torch.autograd.grad((x * 2).sum(), [x, w])
""",
    "backward_inputs": """
a = torch.ones(2, requires_grad=True); b = torch.ones(2, requires_grad=True)
(a * b * 3).sum().backward(inputs=[a]); print(a.grad, b.grad)
""",
    "variable": """
from torch.autograd import Variable
v = Variable(torch.Tensor([4]), requires_grad=True)
print(v, type(v).__name__, isinstance(torch.ones(1), Variable))
""",
    "int_requires_grad": """
torch.tensor([1, 2, 3], requires_grad=True)
""",
    "numpy_requires_grad": """
torch.ones(2, requires_grad=True).numpy()
""",
    "function": """
class Sq(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x); return x * x
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors; return 2 * x * g
x = torch.tensor([3.0], requires_grad=True); y = Sq.apply(x); y.backward(); print(y, x.grad)
""",
    "torch_func": """
import torch.func
print(torch.func.grad(lambda x: (x.sin() * x).sum())(torch.tensor([0.5, 1.0])))
""",
    "nn_module_training": """
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
opt = torch.optim.SGD(m.parameters(), lr=0.1)
x = torch.randn(8, 3); y = torch.randn(8, 1)
for _ in range(3):
    opt.zero_grad(); loss = ((m(x) - y) ** 2).mean(); loss.backward(); opt.step()
    print(round(loss.item(), 6))
print(m[0].weight.grad.shape)
""",
    "hook_on_nonleaf": """
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 3
h.register_hook(lambda g: print("hook", g) or g * 2)
(h * h).sum().backward(); print(x.grad)
""",
    "post_accumulate_grad_hook": """
x = torch.ones(2, requires_grad=True)
x.register_post_accumulate_grad_hook(lambda t: print("acc", t.grad))
(x * 5).sum().backward(); (x * 5).sum().backward(); print(x.grad)
""",
    "hook_raises": """
x = torch.ones(2, requires_grad=True)
def bad(g):
    raise ValueError("boom in hook")
x.register_hook(bad)
(x * 2).sum().backward()
""",
    "module_hooks": """
torch.manual_seed(1)
lin = torch.nn.Linear(2, 2)
lin.register_forward_hook(lambda m, i, o: print("fwd", tuple(o.shape)))
lin.register_full_backward_hook(lambda m, gi, go: print("bwd", [tuple(g.shape) for g in go]))
lin(torch.ones(3, 2)).sum().backward(); print(lin.bias.grad)
""",
    "inplace_view_of_leaf_error": """
x = torch.ones(3, requires_grad=True)
v = x[:2]
v.mul_(2)
""",
    "inplace_saved_output_error": """
x = torch.ones(3, requires_grad=True)
y = x.sigmoid(); y.mul_(2); y.sum().backward()
""",
    "version_counter_values": """
x = torch.zeros(3); print(x._version)
x.add_(1); x[0] = 5; x.mul_(2); print(x._version, x)
y = x.detach(); y.add_(1); print(x._version, y._version)
""",
    "setitem_saved_tensor_error": """
a = torch.ones(3, requires_grad=True)
b = a * 1
c = b * b
b[0] = 7
c.sum().backward()
""",
    "torch_func_transforms": """
from torch.func import grad, hessian, jacrev, vmap
f = lambda x: (x.sin() * x).sum()
x = torch.tensor([0.5, 1.0, 1.5])
print(vmap(grad(lambda v: (v ** 3).sum()))(x.unsqueeze(1)))
print(jacrev(lambda v: v.exp() * v)(x))
print(hessian(f)(x))
""",
    "torch_func_functional_call": """
from torch.func import functional_call, grad
torch.manual_seed(2)
m = torch.nn.Linear(3, 1)
params = {k: v.detach() for k, v in m.named_parameters()}
loss = lambda p, x: functional_call(m, p, (x,)).pow(2).sum()
g = grad(loss)(params, torch.ones(2, 3))
print({k: v.shape for k, v in g.items()}, round(g["bias"].item(), 5))
""",
    "nn_train_eval_modes": """
torch.manual_seed(3)
m = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4), torch.nn.Dropout(0.5))
x = torch.randn(6, 4)
out = m(x); print(m.training, tuple(out.shape), m[1].running_mean)
m.eval(); print(m.training, m(x)[0])
m.train(); out = m(x); out.sum().backward(); print(m[0].weight.grad.shape)
""",
    "grad_modes": """
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    print((x * 2).requires_grad, torch.is_grad_enabled())
    with torch.enable_grad():
        print((x * 2).requires_grad)
prev = torch.is_grad_enabled(); torch.set_grad_enabled(False)
print((x * 2).requires_grad); torch.set_grad_enabled(prev)
with torch.inference_mode():
    y = x * 2
print(y.requires_grad, y.is_inference(), torch.is_grad_enabled())
""",
    "inference_tensor_error": """
with torch.inference_mode():
    t = torch.ones(2)
w = torch.ones(2, requires_grad=True)
t.add_(w)
""",
    "copy_pickle_save_plain": """
import copy, io, pickle
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward()
c = copy.deepcopy(x); print(c, c.grad, c.requires_grad)
p = pickle.loads(pickle.dumps(x)); print(p, p.grad, p.requires_grad)
buf = io.BytesIO(); torch.save({"x": x, "m": torch.nn.Linear(1, 1).state_dict()}, buf)
buf.seek(0); d = torch.load(buf); print(d["x"], d["x"].grad, sorted(d["m"]))
""",
    "custom_function_mark_dirty": """
class AddOneInplace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1); ctx.mark_dirty(x); return x
    @staticmethod
    def backward(ctx, g):
        return g
a = torch.ones(2, requires_grad=True)
b = a * 1
c = AddOneInplace.apply(b); c.sum().backward(); print(c, a.grad, b._version)
""",
    "function_backward_raises": """
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        raise ArithmeticError("bad backward")
x = torch.ones(2, requires_grad=True)
Bad.apply(x).sum().backward()
""",
    "checkpoint": """
from torch.utils.checkpoint import checkpoint
x = torch.tensor([0.3, 0.7], requires_grad=True)
y = checkpoint(lambda v: v.sin().exp(), x, use_reentrant=False)
y.sum().backward(); print(y, x.grad)
""",
    "optimizer_adam_steps": """
torch.manual_seed(4)
w = torch.randn(3, requires_grad=True)
opt = torch.optim.Adam([w], lr=0.1)
for _ in range(3):
    opt.zero_grad(); loss = (w ** 2).sum(); loss.backward(); opt.step()
print(w, w.grad, opt.state_dict()["state"][0]["step"])
""",
    "dir_of_tensor_attrs": """
print(hasattr(torch.ones(1), "copy"), hasattr(torch.ones(1), "attach_grad"))
""",
}


def run(name: str, source: str) -> str:
    import torch

    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(source, {"torch": torch, "__name__": "__main__"})
        except Exception as exc:  # noqa: BLE001 - the exception is part of the output
            print(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")
            # The deepest frame outside the shim (the issue allows a traceback to gain a frame of
            # ours, nothing else).
            frames = traceback.extract_tb(exc.__traceback__)
            print([f.name for f in frames if "autograd_compat" not in f.filename][-1])
        # Warnings are output too: category and message. Where they are attributed is checked
        # separately (test_reliability_native_torch.py), since a warning raised by torch's C++
        # engine names the Python frame that called backward().
        for w in caught:
            print(f"warning {w.category.__name__}: {w.message}")
    return out.getvalue()


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "none"
    if mode in ("install", "cycle", "uninstalled"):
        import autograd_compat

        autograd_compat.install()
        if mode == "cycle":
            for _ in range(3):
                autograd_compat.uninstall()
                autograd_compat.install()
        if mode == "uninstalled":
            autograd_compat.uninstall()
    results = {name: run(name, src) for name, src in PROGRAMS.items()}
    sys.stdout.write(json.dumps(results))
