"""The ``d2l`` package (``d2l==1.0.3``, ``from d2l import mxnet as d2l``) unchanged on the torch
backend, through ``autograd-compat exec``, side by side with real MXNet (issue 14).

A background job installs d2l with ``pip install --no-deps --target`` (its own pins clash with
torch's and MXNet's; matplotlib, pandas and requests come from the ``d2l``/``test`` extras). The
program below trains d2l's concise linear regression and a ``d2l.Classifier`` with ``d2l.Trainer``
from parameters written by real MXNet, and uses ``d2l.try_gpu`` and ``d2l.plot`` (Agg backend).
"""

from __future__ import annotations

import importlib.util
import math
import re
import subprocess
import sys

import background
import pytest

PY = sys.executable

PROGRAM = r'''
import os
import sys
import matplotlib
matplotlib.use("Agg")
import numpy as onp
from d2l import mxnet as d2l
from mxnet import gluon, init, np, npx
from mxnet.gluon import nn
npx.set_np()
workdir = sys.argv[1]

def result(*values):
    print("RESULT", *values, flush=True)

def share_parameters(net, name, X):
    """Parameters from one file, written by whichever side runs first (real MXNet in the test)."""
    path = os.path.join(workdir, name)
    if os.path.exists(path):
        net.load_parameters(path)  # before the first forward: the deferred shapes come from it
    else:
        net(X)
        net.save_parameters(path)

# Regression: d2l.SyntheticRegressionData + d2l.LinearRegression + d2l.Trainer
rng = onp.random.RandomState(0)
data = d2l.SyntheticRegressionData(w=np.array([2, -3.4]), b=4.2, num_train=200, num_val=100)
X = rng.normal(size=(300, 2)).astype("float32")
data.X = np.array(X)
data.y = np.array(X @ onp.array([[2.0], [-3.4]], "float32") + 4.2
                  + 0.01 * rng.normal(size=(300, 1)).astype("float32"))
model = d2l.LinearRegression(lr=0.03)
share_parameters(model.net, "linreg.params", data.X[:1])
onp.random.seed(1)  # DataLoader shuffles with numpy.random
d2l.Trainer(max_epochs=2).fit(model, data)
w, b = model.get_w_b()
result("w", w.asnumpy().ravel().tolist(), "b", b.asnumpy().ravel().tolist())
result("val_loss", float(model.loss(model(data.X[200:]), data.y[200:])))

# Classification: d2l.DataModule and d2l.Classifier subclasses
class Blobs(d2l.DataModule):
    def __init__(self, batch_size=16):
        super().__init__()
        self.save_hyperparameters()
        r = onp.random.RandomState(2)
        labels = r.randint(0, 3, size=240)
        feats = r.normal(size=(240, 4)) + onp.eye(3, 4)[labels] * 2
        self.X, self.y = np.array(feats.astype("float32")), np.array(labels.astype("int32"))

    def get_dataloader(self, train):
        i = slice(0, 160) if train else slice(160, None)
        return self.get_tensorloader((self.X, self.y), train, i)

class SoftmaxNet(d2l.Classifier):
    def __init__(self, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential()
        self.net.add(nn.Dense(8, activation="relu"), nn.Dense(3))
        self.net.initialize()

    def configure_optimizers(self):
        return gluon.Trainer(self.collect_params(), "sgd", {"learning_rate": self.lr})

blobs = Blobs()
clf = SoftmaxNet(lr=0.1)
share_parameters(clf.net, "clf.params", blobs.X[:1])
onp.random.seed(3)
d2l.Trainer(max_epochs=2).fit(clf, blobs)
Y_hat = clf(blobs.X[160:])
Y = blobs.y[160:]
result("acc", float(clf.accuracy(Y_hat, Y)), "loss", float(clf.loss(Y_hat, Y)))

# Helpers
result("try_gpu", d2l.try_gpu() == npx.cpu(), "try_all_gpus", d2l.try_all_gpus())
x = d2l.arange(0, 3, 0.1)
d2l.plot(x, [x ** 2, 2 * x - 3], "x", "f(x)", legend=["f(x)", "Tangent line (x=1)"])
d2l.plt.savefig(os.path.join(workdir, "plot.png"))
result("plot", os.path.getsize(os.path.join(workdir, "plot.png")) > 1000)
'''


def _install_d2l():
    target = background.tmpdir("d2l_pkg")
    proc = subprocess.run(
        [PY, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "d2l==1.0.3"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=background.ENV,
        cwd=background.ROOT,
    )
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1:] or ["pip failed"]
        if any(w in proc.stderr for w in ("connection", "Connection", "resolve", "No matching")):
            pytest.skip(f"cannot install d2l==1.0.3 (package registry unreachable): {reason[0]}")
        pytest.fail(f"pip install d2l==1.0.3 failed: {proc.stderr}")
    return target


def _run_d2l(d2l_path, workdir, backend):
    prog = workdir / "d2l_prog.py"
    prog.write_text(PROGRAM)
    env = dict(background.ENV, PYTHONPATH=str(d2l_path), MPLBACKEND="Agg")
    env.pop("AUTOGRAD_COMPAT_ALIAS_MXNET", None)
    return subprocess.run(
        [PY, "-m", "autograd_compat", "exec", "--backend", backend, str(prog), str(workdir)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _d2l_runs():
    """The program on each backend, once for the module. Where MXNet is installed, real MXNet runs
    first and writes the initial parameters, which the shim's run loads; without MXNet (the
    torch-only venv) the shim's run writes its own. A background job (tests/background.py): the
    install and the runs start with the session, on the core pytest leaves idle."""
    d2l_path = _install_d2l()
    runs = {}
    workdir = background.tmpdir("d2l_run")
    if importlib.util.find_spec("mxnet") is not None:
        runs["mxnet"] = _run_d2l(d2l_path, workdir, "mxnet")
        if runs["mxnet"].returncode != 0:  # the shim's run must not depend on a failed one
            workdir = background.tmpdir("d2l_run")
    runs["torch"] = _run_d2l(d2l_path, workdir, "torch")
    return runs


@pytest.fixture(scope="module")
def d2l_runs():
    return background.result(_d2l_runs)


def _results(proc):
    assert proc.returncode == 0, proc.stderr
    # d2l's progress board clears the output with escape codes; keep only the results.
    results = [
        line.split("RESULT ", 1)[1] for line in proc.stdout.splitlines() if "RESULT " in line
    ]
    return results, proc.stdout.count("<Figure size")


def _numbers(line):
    return [float(v) for v in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", line)]


@background.needs(_d2l_runs)
def test_d2l_runs_unchanged_on_torch(d2l_runs):
    results, figures = _results(d2l_runs["torch"])
    assert [r.split()[0] for r in results] == ["w", "val_loss", "acc", "try_gpu", "plot"]
    assert results[3] == "try_gpu True try_all_gpus []" and results[4] == "plot True"
    assert figures > 0  # the progress board drew


@pytest.mark.mxnet
@background.needs(_d2l_runs)
def test_d2l_side_by_side_with_mxnet(d2l_runs):
    # Real MXNet ran first and wrote the initial parameters; the shim loaded them.
    real, real_figures = _results(d2l_runs["mxnet"])
    ours, our_figures = _results(d2l_runs["torch"])
    assert our_figures == real_figures
    assert len(ours) == len(real) == 5
    for mine, theirs in zip(ours, real, strict=True):
        assert mine.split()[0] == theirs.split()[0]
        a, b = _numbers(mine), _numbers(theirs)
        assert len(a) == len(b)
        assert all(math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-6) for x, y in zip(a, b)), (
            mine,
            theirs,
        )
        if not a:
            assert mine == theirs
