#!/usr/bin/env python
"""Data-parallel training of a small MLP with a distributed kvstore: an MXNet 1.x script, written
as MXNet's example/distributed_training/cifar10_dist.py is (kvstore creation, a per-worker
sampler defined in the script, split_and_load over the worker's contexts, Trainer.step), on
synthetic data made on the spot, so it runs in a few seconds.

On torch, unchanged:
    autograd-compat launch -n 2 examples/distributed/train_mlp_dist.py
    torchrun --nproc-per-node 2 -m autograd_compat exec examples/distributed/train_mlp_dist.py
"""

import argparse
import random
import sys
import time

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, kv
from mxnet.gluon import nn

parser = argparse.ArgumentParser(description="Train an MLP with a distributed kvstore.")
parser.add_argument("--kvstore", default="dist_sync", help="kvstore type (default dist_sync)")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=64, help="samples per worker and step")
parser.add_argument("--contexts", type=int, default=1, help="CPU contexts per worker")
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--samples", type=int, default=4096)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--save", default=None, help="rank 0 saves the parameters here at the end")
args = parser.parse_args()

# Create a distributed key-value store
store = kv.create(args.kvstore)

# The contexts of this worker
ctx = [mx.cpu(i) for i in range(args.contexts)]

# Synthetic classification data, identical on every worker (same seed): 4 classes of a linear rule
rng = np.random.RandomState(args.seed)
features = rng.randn(args.samples, 32).astype(np.float32)
labels = (features @ rng.randn(32, 4)).argmax(axis=1).astype(np.float32)
dataset = gluon.data.ArrayDataset(features, labels)


class SplitSampler(gluon.data.sampler.Sampler):
    """Sample from the part `part_index` of a dataset split into `num_parts` equal parts."""

    def __init__(self, length, num_parts=1, part_index=0):
        self.part_len = length // num_parts
        self.start = self.part_len * part_index
        self.end = self.start + self.part_len

    def __iter__(self):
        indices = list(range(self.start, self.end))
        random.shuffle(indices)
        return iter(indices)

    def __len__(self):
        return self.part_len


random.seed(args.seed + store.rank)
train_data = gluon.data.DataLoader(
    dataset,
    args.batch_size,
    sampler=SplitSampler(len(dataset), store.num_workers, store.rank),
    last_batch="discard",
)

net = nn.HybridSequential()
net.add(nn.Dense(128, activation="relu"), nn.Dense(64, activation="relu"), nn.Dense(4))
mx.random.seed(args.seed)
net.initialize(mx.init.Xavier(), ctx=ctx)

loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": args.lr}, kvstore=store)


def evaluate_accuracy(network):
    acc = mx.metric.Accuracy()
    output = network(mx.nd.array(features, ctx=ctx[0]))
    acc.update(preds=mx.nd.argmax(output, axis=1), labels=mx.nd.array(labels, ctx=ctx[0]))
    return acc.get()[1]


def train_batch(data, label):
    # Split and load the batch over this worker's contexts
    data = gluon.utils.split_and_load(data, ctx)
    label = gluon.utils.split_and_load(label, ctx)
    with autograd.record():
        losses = [loss_fn(net(X), Y) for X, Y in zip(data, label)]
    for loss in losses:
        loss.backward()
    # dist_sync sums the gradients of all workers: normalise by the global batch
    trainer.step(args.batch_size * store.num_workers)
    return sum(loss.sum().asscalar() for loss in losses)


start = time.time()
for epoch in range(args.epochs):
    total, seen = 0.0, 0
    for data, label in train_data:
        total += train_batch(data, label)
        seen += data.shape[0]
    if store.rank == 0:
        accuracy = evaluate_accuracy(net)
        print(
            f"Epoch {epoch}: loss {total / seen:.4f}, accuracy {accuracy:.4f} "
            f"({store.num_workers} workers, {time.time() - start:.1f} s)"
        )
        sys.stdout.flush()

if args.save and store.rank == 0:
    net.save_parameters(args.save)
