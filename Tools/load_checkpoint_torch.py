#!/usr/bin/env python3
"""Load a chapter 12 checkpoint (swift run ch12) into PyTorch, or run it in numpy.

    python3 Tools/load_checkpoint_torch.py .build/ch12.best.safetensors --prime "The "

prints the logits the model gives after each character of the prime, computed by a plain
numpy forward pass and, when PyTorch is installed, by torch.nn.Embedding + torch.nn.LSTM /
GRU / RNN + torch.nn.Linear with the checkpoint's weights loaded, and the largest
difference between the two. With --expect FILE (a safetensors file with a "logits" tensor,
shape (len(prime), V), as the tests write from Swift) it checks both against the Swift
model's logits and exits 1 if any differs by 1e-5 or more.

The layout: the Swift weights are PyTorch's transposed. For layer l,
    weight_ih_l{l} = layers.{l}.wX.T   (kH, D)     weight_hh_l{l} = layers.{l}.wH.T   (kH, H)
    bias_ih_l{l}   = layers.{l}.bX[0]  (kH,)       bias_hh_l{l}   = layers.{l}.bH[0]  (kH,)
with the blocks in PyTorch's order (GRU r|z|n, LSTM i|f|g|o); the embedding is
nn.Embedding's weight as it is, and the output layer is nn.Linear with weight wHY.T, bias bY.

`to_torch(path)` returns (embedding, rnn, linear, vocabulary) for a reader who moves on to
PyTorch: train on from there, or sample.
"""
import argparse
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

FORMAT = "unrolled-char-model-1"


def fail(message):
    print(f"load_checkpoint_torch: {message}", file=sys.stderr)
    sys.exit(1)


def read(path):
    """The checkpoint's tensors (float32 numpy arrays), shape, settings and vocabulary."""
    try:
        with safe_open(path, framework="numpy") as f:
            metadata = f.metadata() or {}
        tensors = load_file(path)
    except Exception as error:  # a missing, truncated or foreign file: one line
        fail(f"{path}: not a usable checkpoint: {error}")
    if metadata.get("format") != FORMAT:
        fail(f"{path}: not a chapter 12 checkpoint (format {metadata.get('format')})")
    shape = json.loads(metadata["shape"])
    vocabulary = [chr(c) for c in json.loads(metadata["vocabulary"])]
    return tensors, shape, vocabulary


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def numpy_logits(tensors, shape, ids):
    """The logits (len(ids), V) after each id, one sequence, state from zeros; float64."""
    t = {k: v.astype(np.float64) for k, v in tensors.items()}
    H, L, cell = shape["hiddenSize"], shape["layers"], shape["cell"]
    h = [np.zeros(H) for _ in range(L)]
    c = [np.zeros(H) for _ in range(L)]
    out = []
    for i in ids:
        x = t["embedding"][i]
        for l in range(L):
            ax = x @ t[f"layers.{l}.wX"] + t[f"layers.{l}.bX"][0]
            ah = h[l] @ t[f"layers.{l}.wH"] + t[f"layers.{l}.bH"][0]
            if cell == "rnn":
                h[l] = np.tanh(ax + ah)
            elif cell == "gru":
                r = sigmoid(ax[:H] + ah[:H])
                z = sigmoid(ax[H:2 * H] + ah[H:2 * H])
                n = np.tanh(ax[2 * H:] + r * ah[2 * H:])
                h[l] = (1 - z) * n + z * h[l]
            else:
                a = ax + ah
                ig, fg, gg, og = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
                c[l] = fg * c[l] + ig * gg
                h[l] = og * np.tanh(c[l])
            x = h[l]
        out.append(x @ t["wHY"] + t["bY"][0])
    return np.array(out)


def to_torch(path):
    """nn.Embedding, nn.LSTM/GRU/RNN (batch_first) and nn.Linear holding the checkpoint."""
    import torch

    tensors, shape, vocabulary = read(path)
    V, E, H, L = shape["vocabularySize"], shape["embeddingSize"], shape["hiddenSize"], shape["layers"]
    kind = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[shape["cell"]]
    embedding = torch.nn.Embedding(V, E)
    rnn = kind(E, H, num_layers=L, batch_first=True)
    linear = torch.nn.Linear(H, V)
    with torch.no_grad():
        embedding.weight.copy_(torch.from_numpy(tensors["embedding"]))
        for l in range(L):
            getattr(rnn, f"weight_ih_l{l}").copy_(torch.from_numpy(tensors[f"layers.{l}.wX"].T.copy()))
            getattr(rnn, f"weight_hh_l{l}").copy_(torch.from_numpy(tensors[f"layers.{l}.wH"].T.copy()))
            getattr(rnn, f"bias_ih_l{l}").copy_(torch.from_numpy(tensors[f"layers.{l}.bX"][0]))
            getattr(rnn, f"bias_hh_l{l}").copy_(torch.from_numpy(tensors[f"layers.{l}.bH"][0]))
        linear.weight.copy_(torch.from_numpy(tensors["wHY"].T.copy()))
        linear.bias.copy_(torch.from_numpy(tensors["bY"][0]))
    return embedding, rnn, linear, vocabulary


def torch_logits(path, ids):
    import torch

    embedding, rnn, linear, _ = to_torch(path)
    with torch.no_grad():
        x = embedding(torch.tensor([ids]))           # (1, T, E)
        h, _ = rnn(x)                                # (1, T, H), zero starting state
        return linear(h)[0].double().numpy()         # (T, V)


def main():
    parser = argparse.ArgumentParser(description="Load a chapter 12 checkpoint into numpy and PyTorch and compare logits.")
    parser.add_argument("checkpoint")
    parser.add_argument("--prime", default="\n", help="the text to read (every character must be in the vocabulary)")
    parser.add_argument("--expect", help="a safetensors file with the Swift model's logits, tensor 'logits' (T, V)")
    parser.add_argument("--numpy-only", action="store_true", help="do not use PyTorch even when it is installed")
    args = parser.parse_args()

    tensors, shape, vocabulary = read(args.checkpoint)
    index = {ch: i for i, ch in enumerate(vocabulary)}
    unknown = sorted({ch for ch in args.prime if ch not in index})
    if not args.prime or unknown:
        fail(f"--prime {args.prime!r}: characters not in the vocabulary: {unknown}")
    ids = [index[ch] for ch in args.prime]
    results = {"numpy": numpy_logits(tensors, shape, ids)}
    if not args.numpy_only:
        try:
            import torch  # noqa: F401
            results["torch"] = torch_logits(args.checkpoint, ids)
        except ImportError:
            print("PyTorch is not installed: numpy only")
    worst = 0.0
    if "torch" in results:
        difference = float(np.abs(results["torch"] - results["numpy"]).max())
        print(f"torch against numpy: largest logit difference {difference:.2e}")
        worst = max(worst, difference)
    if args.expect:
        expected = load_file(args.expect)["logits"].astype(np.float64)
        for name, logits in results.items():
            difference = float(np.abs(logits - expected).max())
            print(f"{name} against Swift: largest logit difference {difference:.2e}")
            worst = max(worst, difference)
    last = results.get("torch", results["numpy"])[-1]
    top = np.argsort(-last)[:5]
    print("most likely next characters: " + ", ".join(f"{vocabulary[i]!r} {last[i]:.3f}" for i in top))
    if worst >= 1e-5:
        fail(f"the logits differ by {worst:.2e}, more than 1e-5")


if __name__ == "__main__":
    main()
