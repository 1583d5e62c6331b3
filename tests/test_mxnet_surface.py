"""The ``mxnet`` module surface on torch (issue 14): every MXNet path a porter imports resolves
while aliased, the module-level imports of MXNet 1.9.1's own unit-test files succeed, and
``mxnet.test_utils`` behaves as MXNet's (same pass/fail, same messages, same random draws).

Programs run in subprocesses: an aliased ``mxnet`` never shares a process with real MXNet.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

PY = sys.executable
ALIAS = "from autograd_compat import alias_mxnet\nalias_mxnet()\n"

# Every module of the surface, by its MXNet path.
MODULE_PATHS = [
    "mxnet", "mxnet.autograd", "mxnet.base", "mxnet.context", "mxnet.engine", "mxnet.gluon",
    "mxnet.gluon.nn", "mxnet.gluon.rnn", "mxnet.gluon.data", "mxnet.gluon.data.vision",
    "mxnet.gluon.data.vision.transforms", "mxnet.gluon.loss", "mxnet.gluon.utils",
    "mxnet.gluon.data.dataset", "mxnet.init", "mxnet.initializer", "mxnet.io", "mxnet.kvstore",
    "mxnet.lr_scheduler", "mxnet.metric", "mxnet.model", "mxnet.module", "mxnet.mod",
    "mxnet.nd", "mxnet.ndarray", "mxnet.ndarray.ndarray", "mxnet.ndarray.sparse", "mxnet.np",
    "mxnet.npx", "mxnet.numpy", "mxnet.numpy_extension", "mxnet.numpy_op_signature",
    "mxnet.operator", "mxnet.optimizer", "mxnet.profiler", "mxnet.random", "mxnet.runtime",
    "mxnet.sym", "mxnet.symbol", "mxnet.test_utils", "mxnet.util",
]  # fmt: skip

# The module-level ``from mxnet... import ...`` lines of MXNet 1.9.1's tests/python/unittest/
# test_gluon, test_loss, test_init, test_gluon_rnn, test_gluon_trainer, test_optimizer,
# test_gluon_data, test_metric, test_ndarray, test_numpy_ndarray, test_numpy_op, test_autograd,
# test_higher_order_grad (test_lr_scheduler.py is not in 1.9.1's tree) and of their common.py.
# ``mxnet.base`` names other than MXNetError are checked by test_base_names below.
TEST_FILE_IMPORTS = [
    ("mxnet", ["gluon", "init", "autograd", "nd", "np", "npx", "context", "runtime"]),
    ("mxnet.gluon", ["nn", "HybridBlock"]),
    ("mxnet.base", ["MXNetError"]),
    ("mxnet.test_utils", [
        "assert_almost_equal", "default_context", "use_np", "almost_equal", "effective_dtype",
        "assert_exception", "np_reduce", "same", "random_sample", "rand_shape_nd",
        "random_arrays", "rand_ndarray", "retry", "verify_generator",
        "gen_buckets_probs_with_ppf", "is_op_runnable", "collapse_sum_like",
        "check_numeric_gradient", "new_matrix_with_real_eigvals_nd",
        "new_sym_matrix_with_real_eigvals_nd", "has_tvm_ops", "random_uniform_arrays",
        "environment",
    ]),
    ("mxnet.util", ["is_np_array"]),
    ("mxnet.ndarray.ndarray", ["_STORAGE_TYPE_STR_TO_ID", "py_slice"]),
    ("mxnet.ndarray", ["zeros_like"]),
    ("mxnet.gluon.data", ["DataLoader"]),
    ("mxnet.gluon.data.dataset", ["Dataset", "ArrayDataset"]),
    ("mxnet.numpy_op_signature", ["_get_builtin_op"]),
    ("mxnet.operator", ["get_all_registered_operators"]),
]  # fmt: skip
STAR_IMPORTS = ["mxnet.test_utils", "mxnet.autograd"]
MODULE_IMPORTS = ["mxnet.numpy", "mxnet.ndarray", "mxnet.ndarray.sparse", "mxnet.lr_scheduler"]
# What test_optimizer.py / test_autograd.py use from ``from mxnet.test_utils import *``.
STAR_NAMES = [
    "array", "assert_almost_equal", "discard_stderr", "environment", "mx", "np",
    "rand_ndarray", "same", "almost_equal", "compare_ndarray_tuple", "compare_optimizer",
    "default_context",
]  # fmt: skip
# ``mx.<name>`` attributes a porter uses without importing the submodule.
ATTRIBUTES = [
    "sym", "symbol", "mod", "module", "test_utils", "util", "profiler", "runtime", "operator",
    "model", "engine", "context", "base", "gluon", "init", "kv", "kvstore", "optimizer",
]  # fmt: skip
BASE_NAMES = [
    "py_str", "integer_types", "numeric_types", "string_types", "_as_list", "MXNetError",
    "NotImplementedForSymbol", "data_dir",
]  # fmt: skip


def _run(args, cwd=None, timeout=300):
    env = dict(os.environ)
    env.pop("AUTOGRAD_COMPAT_ALIAS_MXNET", None)
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _aliased(code: str) -> subprocess.CompletedProcess:
    return _run([PY, "-c", ALIAS + textwrap.dedent(code)])


def test_every_mxnet_path_and_unit_test_import_resolves():
    proc = _aliased(
        f"""
        import importlib
        failed = []
        def attempt(what, fn):
            try:
                fn()
            except Exception as e:
                failed.append(f"{{what}}: {{type(e).__name__}}: {{e}}")
        for path in {MODULE_PATHS!r}:
            attempt(path, lambda: importlib.import_module(path))
        for path, names in {TEST_FILE_IMPORTS!r}:
            for name in names:
                attempt(f"from {{path}} import {{name}}",
                        lambda: exec(f"from {{path}} import {{name}}", {{}}))
        for path in {STAR_IMPORTS!r}:
            attempt(f"from {{path}} import *", lambda: exec(f"from {{path}} import *", {{}}))
        star = {{}}
        exec("from mxnet.test_utils import *", star)
        failed += [f"star import lacks {{n}}" for n in {STAR_NAMES!r} if n not in star]
        for path in {MODULE_IMPORTS!r}:
            attempt(f"import {{path}}", lambda: exec(f"import {{path}}", {{}}))
        import mxnet as mx
        for name in {ATTRIBUTES!r}:
            attempt(f"mx.{{name}}", lambda: getattr(mx, name))
        assert mx.sym is mx.symbol and mx.mod is mx.module
        import mxnet.ndarray.sparse as sps, mxnet.ndarray.ndarray as ndm
        assert mx.nd.sparse is sps if hasattr(mx.nd, "sparse") else True
        print("\\n".join(failed) or "all imported")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "all imported"


def test_base_names():
    proc = _aliased(f"from mxnet.base import {', '.join(BASE_NAMES)}")
    assert proc.returncode == 0, proc.stderr


def test_base_extras_names():
    proc = _run(
        [
            PY,
            "-c",
            "from autograd_compat.mxnet_on_torch import base as b\n"
            "import numpy as np\n"
            "assert b.py_str(b'ab') == 'ab' and b._as_list(1) == [1] and b._as_list((1,)) == (1,)\n"
            "assert isinstance(np.int64(3), b.integer_types) and isinstance(2.5, b.numeric_types)\n"
            "assert isinstance('s', b.string_types) and repr(b._Null) == '_Null'\n"
            "def f(): pass\n"
            "print(b.NotImplementedForSymbol(f, 'op', 1))",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        "Function f (namely operator \"op\") with arguments (<class 'int'>) is not implemented "
        "for Symbol and only available in NDArray."
    )


# One program, run by real MXNet and by the shim: every line it prints must match.
SIDE_BY_SIDE = r"""
import os
import numpy as np
import mxnet as mx
from mxnet import nd, npx
from mxnet.test_utils import (assert_almost_equal, almost_equal, same, rand_shape_nd,
    rand_shape_2d, rand_shape_3d, random_arrays, random_sample, collapse_sum_like, np_reduce,
    get_tols, effective_dtype, assert_exception, environment, default_context, get_atol,
    get_rtol, get_etol, assert_almost_equal_with_err, assert_allclose, random_uniform_arrays,
    rand_ndarray, gen_buckets_probs_with_ppf, default_dtype, retry, create_vector,
    create_2d_tensor)

def check(f, *a, **k):
    try:
        f(*a, **k)
        print("pass")
    except AssertionError as e:
        print("FAIL", str(e))
    except Exception as e:
        print("ERROR", type(e).__name__)

x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
cases = [
    (x, x + 5e-4, {}), (x, x + 2e-3, {}), (x, x * (1 + 2e-4), {}), (x, x + 0.01, {"atol": 0.02}),
    (x, x.astype(np.float64) + 1e-6, {}), (x.astype(np.float64), x.astype(np.float64) + 1e-6, {}),
    (x.astype(np.float16), x.astype(np.float16) + 0.05, {}), (x, x[0], {}),
    (x, x + 0.5, {"rtol": {np.dtype(np.float32): 0.5}}), (x, x + 1.0, {"names": ("us", "them")}),
    (np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), {}),
    (np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), {"equal_nan": True}),
    (np.array([np.inf, 1.0]), np.array([np.inf, 1.0]), {}),
    (np.arange(40.0).reshape(5, 8), np.arange(40.0).reshape(5, 8) * 1.1, {"mismatches": (3, 5)}),
    (np.array([True, False]), np.array([True, False]), {}),
    (np.array([1, 2]), np.array([1, 3]), {}),
    (3.0, 3.0001, {}), (3.0, np.float32(3.0001), {}),
]
def as_nd(v):
    return nd.array(v, dtype=v.dtype) if isinstance(v, np.ndarray) and v.dtype != bool else v
for a, b, kw in cases:
    check(assert_almost_equal, a, b, **kw)
    check(assert_almost_equal, as_nd(a), as_nd(b), **kw)
    print(almost_equal(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)))
npx.set_np()
for a, b, kw in cases[:10]:
    check(assert_almost_equal, mx.np.array(a, dtype=a.dtype), mx.np.array(b, dtype=b.dtype), **kw)
npx.reset_np()
err = np.array([[0, 0, 0], [0, 0, 1.0]], dtype=np.float32)
check(assert_almost_equal_with_err, x, x + err, etol=0.2)
check(assert_almost_equal_with_err, x, x + 2 * err + err[:, ::-1], etol=0.2)
check(assert_allclose, x, x + 1e-7)
check(assert_allclose, x, x + 1e-3)
print(same(x, x.copy()), same(x, x + 1), same(nd.array(x), nd.array(x)))
for dt in (np.float16, np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_):
    print(dt.__name__, get_tols(np.zeros(2, dt), np.zeros(2, np.float32), None, None),
          effective_dtype(np.zeros(1, dt)))
print(get_tols(nd.zeros((2,), dtype="float16"), nd.zeros((2,)), None, None),
      effective_dtype(nd.zeros((1,), dtype="float64")))
print(get_atol(), get_rtol(), get_etol(), get_atol(0.5), default_dtype())
np.random.seed(3)
print([rand_shape_nd(4) for _ in range(3)], rand_shape_nd(3, 2, allow_zero_size=True),
      rand_shape_2d(), rand_shape_3d(4, 5, 6))
print(random_arrays((2, 2)).tolist(), [a.shape for a in random_arrays((1,), (), (2, 3))])
print(random_sample(list(range(10)), 4),
      [a.tolist() for a in random_uniform_arrays((2,), low=-1, high=2)])
print(rand_ndarray((2, 3)).asnumpy().tolist(), rand_ndarray((2,), dtype="float64").asnumpy().dtype)
a = np.arange(24.0).reshape(2, 3, 4)
print(collapse_sum_like(a, (3, 1)).tolist(), collapse_sum_like(a, (1, 1, 4)).tolist(),
      collapse_sum_like(a, (0, 4)).shape)
print(np_reduce(a, (0, 2), True, np.sum).tolist(), np_reduce(a, 1, False, np.max).tolist(),
      np_reduce(a, None, False, np.sum))
assert_exception(lambda: 1 / 0, ZeroDivisionError)
check(assert_exception, lambda: 1, ZeroDivisionError)
with environment("H12_VAR", "on"):
    print(os.environ.get("H12_VAR"))
with environment({"H12_VAR": "x", "H12_OTHER": None}):
    print(os.environ.get("H12_VAR"), os.environ.get("H12_OTHER"))
print(os.environ.get("H12_VAR"))
print(default_context() == mx.cpu(), mx.test_utils.set_default_context(mx.cpu(0)),
      default_context() == mx.cpu(0))
print(gen_buckets_probs_with_ppf(lambda p: p * 2, 4))
calls = []
@retry(3)
def flaky():
    calls.append(1)
    assert len(calls) >= 2
flaky()
print(len(calls))
print(create_vector(5).asnumpy().tolist(), create_2d_tensor(2, 3).asnumpy().tolist())
features = mx.runtime.Features()
print(features.is_enabled("CUDA"), features.is_enabled("tvm_op"), list(features)[:5], len(features))
try:
    features.is_enabled("NOPE")
except RuntimeError as e:
    print(type(e).__name__, str(e)[:40])
print(mx.engine.set_bulk_size(30), mx.engine.set_bulk_size(15))
with mx.engine.bulk(5):
    pass
print(mx.engine.set_bulk_size(15))
print(mx.util.is_np_array(), mx.util.is_np_shape())
@mx.util.use_np
def inside():
    return mx.util.is_np_array(), mx.util.is_np_shape()
print(inside(), mx.util.is_np_array())
with mx.util.np_shape(True):
    print(mx.util.is_np_shape(), mx.util.is_np_array())
print(mx.util.is_np_shape(), mx.util.getenv("H12_VAR"))
mx.util.setenv("H12_VAR", "set")
print(mx.util.getenv("H12_VAR"))
"""


@pytest.mark.mxnet
def test_test_utils_side_by_side_with_mxnet(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(SIDE_BY_SIDE)
    real = _run([PY, str(prog)], cwd=tmp_path)
    shim = _run([PY, "-m", "autograd_compat", "exec", str(prog)], cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    assert shim.returncode == 0, shim.stderr
    assert "FAIL" in real.stdout and "ERROR MXNetError" in real.stdout  # the program bites
    assert shim.stdout.splitlines() == real.stdout.splitlines()


def test_check_numeric_gradient_on_the_imperative_api():
    proc = _aliased(
        """
        import numpy as np, torch
        from mxnet import nd
        from mxnet.test_utils import check_numeric_gradient
        np.random.seed(0)
        check_numeric_gradient(lambda a: a * a + nd.sin(a), [np.random.rand(3, 2)])
        check_numeric_gradient(lambda a, b: nd.dot(a, b),
                               {"a": np.random.rand(2, 3), "b": np.random.rand(3, 2)},
                               grad_nodes=["b"], dtype=np.float64)
        class Wrong(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * x
            @staticmethod
            def backward(ctx, g):
                return g  # the true gradient is 2 * x * g
        try:
            check_numeric_gradient(lambda a: Wrong.apply(a), [np.random.rand(4) + 1])
        except AssertionError as e:
            print("caught", "NUMERICAL_0" in str(e))
        try:
            check_numeric_gradient(object(), [np.ones(2)])
        except NotImplementedError as e:
            print("symbolic", "imperative" in str(e))
        """
    )
    assert proc.returncode == 0, proc.stderr
    # The failing check first prints MXNet's table of largest errors, then raises.
    assert "*** Maximum errors" in proc.stdout
    assert proc.stdout.splitlines()[-2:] == ["caught True", "symbolic True"]


def test_symbolic_api_and_custom_ops_raise_naming_the_way():
    proc = _aliased(
        """
        import warnings
        import mxnet as mx
        import mxnet.ndarray.sparse as sps
        calls = [
            lambda: mx.sym.Variable("x"), lambda: mx.symbol.FullyConnected,
            lambda: mx.sym.load("f"),
            lambda: mx.mod.Module(None), lambda: mx.model.load_checkpoint("p", 0),
            lambda: mx.sym.Symbol(), lambda: sps.csr_matrix((2, 2)), lambda: sps.CSRNDArray(),
            lambda: mx.operator.register("op"),
            lambda: mx.test_utils.check_symbolic_forward(1, 2, 3),
            lambda: mx.test_utils.rand_ndarray((2, 2), "csr"),
        ]
        for call in calls:
            try:
                call()
                print("no error")
            except NotImplementedError as e:
                msg = str(e)
                print("Gluon" in msg or "torch.autograd.Function" in msg or "torch.sparse" in msg
                      or "imperative" in msg or "dense" in msg)
        class MyProp(mx.operator.CustomOpProp):  # defining one still works
            pass
        assert not hasattr(mx.sym, "anything") and not hasattr(sps, "dot")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mx.profiler.set_config(profile_all=True, filename="p.json")
            mx.profiler.set_state("run")
            mx.profiler.Domain("d").new_task("t").start()
            with mx.profiler.Event("e"):
                pass
            mx.profiler.set_state("stop")
            mx.profiler.dump()
        print(len(caught), "torch.profiler" in str(caught[0].message), repr(mx.profiler.dumps()))
        """
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:-1] == ["True"] * 11
    assert lines[-1] == "1 True ''"


@pytest.mark.mxnet
def test_checkpoint_params_written_by_mxnet_load(tmp_path):
    write = _run(
        [
            PY,
            "-c",
            "import mxnet as mx\n"
            "mx.model.save_checkpoint('net', 3, None, {'w': mx.nd.array([[1, 2]])}, "
            "{'mean': mx.nd.array([0.5])})",
        ],
        cwd=tmp_path,
    )
    assert write.returncode == 0, write.stderr
    read = _run(
        [
            PY,
            "-c",
            ALIAS + "import mxnet as mx\n"
            "args, auxs = mx.model.load_params('net', 3)\n"
            "print({k: v.asnumpy().tolist() for k, v in {**args, **auxs}.items()}, sorted(args))\n"
            "mx.model.save_checkpoint('again', 0, None, args, auxs)\n"
            "print(sorted(mx.nd.load('again-0000.params')))",
        ],
        cwd=tmp_path,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines() == [
        "{'w': [[1.0, 2.0]], 'mean': [0.5]} ['w']",
        "['arg:w', 'aux:mean']",
    ]
