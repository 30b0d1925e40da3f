#!/usr/bin/env python3
"""The min-char-rnn configuration in numpy: the reference Unrolled's Swift is timed against.

A character-level vanilla RNN trained on one stream of text:

    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)      x_t one-hot (1, V), h_t (1, H)
    p_t = softmax(h_t W_hy + b_y)                  (1, V)
    L   = sum over the window of -log p_t[target_t]

with the book's shapes (row vectors, so W_xh is (V, H)), hidden size 100, windows of 25
characters, the state carried from one window to the next (truncated backpropagation
through time), weights drawn from N(0, 0.01^2), biases zero, every gradient clipped
element-wise to [-5, 5], and Adagrad with learning rate 0.1.

It is written the way a numpy user would write it, not to be slow: only the recurrence
runs step by step; everything that does not depend on the previous step (the one-hot
inputs' product with W_xh, the output layer, the softmax, the weight gradients) is one
matrix operation over the whole window. (Multiplying the (T, V) one-hot matrix measured
faster here than selecting rows of W_xh with fancy indexing and np.add.at.) `--style
per-step` times the textbook loop instead, where every step does its own products.

    python3 Benchmarks/min_char_rnn_numpy.py --data FILE [--seconds 10] [--seed 1]

trains for the given wall-clock time and prints a line for people, then one for programs:

    min-char-rnn numpy: 18,642 steps, 466,050 chars in 10.0 s (8.6 s of CPU); smooth loss/char ...
    chars_per_second 46603.2

`--check-gradients` compares the gradients with central differences instead and exits
non-zero when any relative error reaches 1e-4.
"""

import os

# One thread, unless the caller says otherwise: the benchmark compares single-threaded code.
# This must happen before numpy loads OpenBLAS.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse
import math
import sys
import time

import numpy as np

HIDDEN = 100
STEPS = 25
LEARNING_RATE = 0.1
CLIP = 5.0
INIT_SCALE = 0.01
PARAMETERS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def load_corpus(path):
    """The text of `path`, or a one-line error for argparse."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file")
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not a text file")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start})")
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror}")
    if len(text) < STEPS + 1:
        raise ValueError(f"{path}: {len(text)} characters, need at least {STEPS + 1} for one window")
    return text


def initial_parameters(vocabulary, hidden, rng, dtype):
    """Weights from N(0, INIT_SCALE^2), biases zero; shapes as in the book."""
    def normal(*shape):
        return (rng.standard_normal(shape) * INIT_SCALE).astype(dtype)
    return {
        "W_xh": normal(vocabulary, hidden),  # (V, H)
        "W_hh": normal(hidden, hidden),      # (H, H)
        "b_h": np.zeros(hidden, dtype),      # (H,)
        "W_hy": normal(hidden, vocabulary),  # (H, V)
        "b_y": np.zeros(vocabulary, dtype),  # (V,)
    }


def loss_and_gradients(p, inputs, targets, h_prev):
    """The window's summed cross-entropy, the gradient of every parameter, and the last state.

    inputs, targets: (T,) character indices; h_prev: (H,) the state carried in.
    """
    T, H = len(inputs), h_prev.shape[0]
    V = p["W_xh"].shape[0]
    steps = np.arange(T)
    X = np.zeros((T, V), h_prev.dtype)  # one-hot rows: X[t] is x_t
    X[steps, inputs] = 1

    # Forward. hs[t + 1] is h_t; hs[0] is the state carried in.
    hs = np.empty((T + 1, H), h_prev.dtype)
    hs[0] = h_prev
    input_part = X @ p["W_xh"] + p["b_h"]  # (T, H): x_t W_xh + b_h for every t at once
    W_hh = p["W_hh"]
    for t in range(T):
        hs[t + 1] = np.tanh(input_part[t] + hs[t] @ W_hh)
    logits = hs[1:] @ p["W_hy"] + p["b_y"]  # (T, V)
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    loss = -np.log(probabilities[steps, targets]).sum()

    # Backward through time.
    dlogits = probabilities  # (T, V): p_t - onehot(target_t)
    dlogits[steps, targets] -= 1
    dhs = dlogits @ p["W_hy"].T   # (T, H): what each h_t gets from its own output
    dtanh = 1 - hs[1:] * hs[1:]   # (T, H): tanh' at every step
    dpre = np.empty_like(dhs)     # (T, H): gradient at tanh's input
    W_hh_T = W_hh.T
    dh_next = np.zeros(H, h_prev.dtype)
    for t in reversed(range(T)):
        dpre[t] = (dhs[t] + dh_next) * dtanh[t]
        dh_next = dpre[t] @ W_hh_T
    gradients = {
        "W_xh": X.T @ dpre,
        "W_hh": hs[:-1].T @ dpre,
        "b_h": dpre.sum(axis=0),
        "W_hy": hs[1:].T @ dlogits,
        "b_y": dlogits.sum(axis=0),
    }
    return loss, gradients, hs[T].copy()


def loss_and_gradients_per_step(p, inputs, targets, h_prev):
    """The same as `loss_and_gradients`, written step by step as the textbook derivation reads.

    Every step builds its one-hot vector, computes its output and softmax, and on the way
    back adds its outer products to the weight gradients. This is how min-char-rnn is
    usually taught and written; `--style per-step` times it.
    """
    T, H = len(inputs), h_prev.shape[0]
    V = p["W_xh"].shape[0]
    xs, hs, ps = {}, {-1: h_prev}, {}
    loss = 0.0
    for t in range(T):
        xs[t] = np.zeros(V, h_prev.dtype)  # (V,) one-hot
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(xs[t] @ p["W_xh"] + hs[t - 1] @ p["W_hh"] + p["b_h"])  # (H,)
        y = hs[t] @ p["W_hy"] + p["b_y"]  # (V,)
        e = np.exp(y - y.max())
        ps[t] = e / e.sum()
        loss -= math.log(ps[t][targets[t]])

    gradients = {name: np.zeros_like(value) for name, value in p.items()}
    dh_next = np.zeros(H, h_prev.dtype)
    for t in reversed(range(T)):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        gradients["W_hy"] += np.outer(hs[t], dy)
        gradients["b_y"] += dy
        dh = p["W_hy"] @ dy + dh_next
        dpre = (1 - hs[t] * hs[t]) * dh
        gradients["b_h"] += dpre
        gradients["W_xh"] += np.outer(xs[t], dpre)
        gradients["W_hh"] += np.outer(hs[t - 1], dpre)
        dh_next = p["W_hh"] @ dpre
    return loss, gradients, hs[T - 1].copy()


STYLES = {"windowed": loss_and_gradients, "per-step": loss_and_gradients_per_step}


def train(data, vocabulary, seconds, seed, dtype, loss_and_gradients=loss_and_gradients):
    """Trains until `seconds` of wall time have passed.

    Returns the number of steps, the wall and CPU seconds they took, and the smooth loss
    at the start and at the end.
    """
    rng = np.random.default_rng(seed)
    p = initial_parameters(vocabulary, HIDDEN, rng, dtype)
    memory = {name: np.zeros_like(value) for name, value in p.items()}  # Adagrad's sums of g^2
    smooth_loss = first_smooth_loss = -math.log(1.0 / vocabulary) * STEPS
    h = np.zeros(HIDDEN, dtype)
    position = 0
    steps = 0

    start = time.perf_counter()
    start_cpu = time.process_time()
    deadline = start + seconds
    while True:
        if position + STEPS + 1 > len(data):  # end of the text: start again from a zero state
            position = 0
            h = np.zeros(HIDDEN, dtype)
        inputs = data[position:position + STEPS]
        targets = data[position + 1:position + STEPS + 1]
        loss, gradients, h = loss_and_gradients(p, inputs, targets, h)
        smooth_loss = 0.999 * smooth_loss + 0.001 * loss
        for name in PARAMETERS:
            g = np.clip(gradients[name], -CLIP, CLIP, out=gradients[name])
            memory[name] += g * g
            p[name] -= LEARNING_RATE * g / np.sqrt(memory[name] + 1e-8)
        position += STEPS
        steps += 1
        if time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    return steps, elapsed, cpu, first_smooth_loss, smooth_loss


def check_gradients(data, vocabulary, seed, loss_and_gradients=loss_and_gradients):
    """Largest relative error between analytic and central-difference gradients, in float64."""
    rng = np.random.default_rng(seed)
    p = initial_parameters(vocabulary, 16, rng, np.float64)
    for name in PARAMETERS:  # larger weights than at initialisation, so tanh is not linear
        p[name] = rng.standard_normal(p[name].shape) * 0.5
    inputs, targets = data[:STEPS], data[1:STEPS + 1]
    h_prev = rng.standard_normal(16) * 0.5
    _, gradients, _ = loss_and_gradients(p, inputs, targets, h_prev)
    worst = {}
    epsilon = 1e-5
    for name in PARAMETERS:
        errors = []
        for index in np.ndindex(p[name].shape):
            saved = p[name][index]
            p[name][index] = saved + epsilon
            plus = loss_and_gradients(p, inputs, targets, h_prev)[0]
            p[name][index] = saved - epsilon
            minus = loss_and_gradients(p, inputs, targets, h_prev)[0]
            p[name][index] = saved
            numeric = (plus - minus) / (2 * epsilon)
            analytic = gradients[name][index]
            errors.append(abs(analytic - numeric) / max(1e-8, abs(analytic) + abs(numeric)))
        worst[name] = max(errors)
    return worst


def blas_description():
    """Which BLAS numpy runs and on how many threads, when threadpoolctl can tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"{os.environ['OPENBLAS_NUM_THREADS']} thread(s) requested"
    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    if not pools:
        return "no BLAS found"
    pool = pools[0]
    return f"{pool['internal_api']} {pool.get('version')} {pool.get('architecture')}, {pool['num_threads']} thread(s)"


def main():
    parser = argparse.ArgumentParser(
        description="Train the min-char-rnn configuration in numpy and print characters per second.")
    parser.add_argument("--data", required=True, help="a UTF-8 text file to train on")
    parser.add_argument("--seconds", type=float, default=10.0, help="wall-clock training time (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the weight initialisation (default 1)")
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                        help="element type (default float64, numpy's own default)")
    parser.add_argument("--style", choices=tuple(STYLES), default="windowed",
                        help="windowed (default): products over the whole window where the math allows; "
                             "per-step: every step on its own, as the derivation reads")
    parser.add_argument("--check-gradients", action="store_true",
                        help="compare the gradients with central differences instead of training")
    args = parser.parse_args()
    if "OPENBLAS_CORETYPE" in os.environ or "OPENBLAS_L2_SIZE" in os.environ:
        print("warning: OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set, which can make numpy run a slower "
              "kernel; see Benchmarks/README.md", file=sys.stderr)
    if not (args.seconds > 0 and math.isfinite(args.seconds)):
        parser.error(f"--seconds must be a positive number of seconds, got {args.seconds}")
    try:
        text = load_corpus(args.data)
    except ValueError as error:
        parser.error(str(error))

    vocabulary = sorted(set(text))
    index = {character: i for i, character in enumerate(vocabulary)}
    data = np.fromiter((index[c] for c in text), dtype=np.intp, count=len(text))

    if args.check_gradients:
        worst = check_gradients(data, len(vocabulary), args.seed, STYLES[args.style])
        for name, error in worst.items():
            print(f"{name:5} max relative error {error:.1e}")
        # A wrong gradient is off by 1e-1 or more; on a loss of ~100, central differences
        # carry ~1e-9 of rounding noise, which is ~1e-5 relative for the smallest gradients.
        sys.exit(0 if max(worst.values()) < 1e-4 else 1)

    steps, elapsed, cpu, first_loss, last_loss = train(
        data, len(vocabulary), args.seconds, args.seed, np.dtype(args.dtype), STYLES[args.style])
    characters = steps * STEPS
    # CPU time well below wall time means other programs took the processor: the figure is low.
    print(f"min-char-rnn numpy: {steps:,} steps, {characters:,} chars in {elapsed:.1f} s "
          f"({cpu:.1f} s of CPU); "
          f"smooth loss/char {first_loss / STEPS:.3f} -> {last_loss / STEPS:.3f} "
          f"(V={len(vocabulary)}, H={HIDDEN}, T={STEPS}, {args.style}, {args.dtype}, numpy {np.__version__}, {blas_description()})")
    print(f"chars_per_second {characters / elapsed:.1f}")


if __name__ == "__main__":
    main()
