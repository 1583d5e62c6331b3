"""Plain-torch programs whose output must be byte-identical with and without the shim.

Run as a script: ``python plain_torch_corpus.py [install|cycle|none]`` prints every program's
output (values, reprs, exception types and messages) as JSON.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback

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
    "dir_of_tensor_attrs": """
print(hasattr(torch.ones(1), "copy"), hasattr(torch.ones(1), "attach_grad"))
""",
}


def run(name: str, source: str) -> str:
    import torch

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(source, {"torch": torch, "__name__": "__main__"})
        except Exception as exc:  # noqa: BLE001 - the exception is part of the output
            print(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")
            # The deepest frame outside the shim (the issue allows a traceback to gain a frame of
            # ours, nothing else).
            frames = traceback.extract_tb(exc.__traceback__)
            print([f.name for f in frames if "autograd_compat" not in f.filename][-1])
    return out.getvalue()


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "none"
    if mode in ("install", "cycle"):
        import autograd_compat

        autograd_compat.install()
        if mode == "cycle":
            for _ in range(3):
                autograd_compat.uninstall()
                autograd_compat.install()
    results = {name: run(name, src) for name, src in PROGRAMS.items()}
    sys.stdout.write(json.dumps(results))
