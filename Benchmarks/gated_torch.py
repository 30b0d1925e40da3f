#!/usr/bin/env python3
"""PyTorch's recurrent layers on the configuration `bench` times the book's cells on.

The reference for `make bench`'s (b) and (c) lines: a character-level network trained
on B = 32 streams of text side by side, windows of T = 64 characters, the state carried
from one window to the next (detached: truncated backpropagation through time) and reset
to zero when the streams wrap around, one-hot inputs (V = the corpus's distinct
characters), then

    nn.LSTM / nn.GRU / nn.RNN (tanh), batch first, hidden size H
    nn.Linear(H, V) and the mean cross-entropy over the window's B x T characters
    gradients clipped by global norm 5 (clip_grad_norm_), Adam with learning rate 2e-3

in float32 on one thread (torch.set_num_threads(1)). It is written the way a PyTorch
user would write it: the layers' own fused kernels, no Python loop over time.

    python3 Benchmarks/gated_torch.py --data FILE [--seconds 5] [--cells lstm,gru,rnn128,rnn512]

Each cell trains for --seconds of wall time after one untimed warm-up window, and prints
a line for people and one for programs (what `make bench` reads):

    LSTM H=512 T=64 B=32 torch 2.13.0+cpu, 1 thread(s): 55 windows, 112,640 chars in 5.1 s (5.0 s of CPU), 22,298 chars/s; ...
    chars_per_second lstm 22298.0
    chars_per_cpu_second lstm 22528.0

Without torch it prints how to install it and exits with status 3.
"""

import os

# One thread, unless the caller says otherwise: the benchmark compares single-threaded code.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse
import math
import sys
import time

BATCH = 32
STEPS = 64
LEARNING_RATE = 2e-3
CLIP = 5.0
# name -> (layer, hidden size)
CELLS = {"lstm": ("LSTM", 512), "gru": ("GRU", 512), "rnn128": ("RNN", 128), "rnn512": ("RNN", 512)}


def keep_large_freed_blocks():
    """Asks glibc's malloc to keep freed blocks up to 32 MiB, as `bench` does (see
    Sources/bench/Allocator.swift): a window's large buffers are then reused by the next
    instead of being unmapped and page-faulted in again. Returns whether it could."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        return libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1
    except (OSError, AttributeError):
        return False


def load_ids(path):
    """The corpus as ids into its sorted distinct characters (as `bench` numbers them), and V."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: {error}")
    if len(text) < BATCH * (STEPS + 2):
        raise ValueError(f"{path}: {len(text)} characters, need at least {BATCH * (STEPS + 2)}")
    vocabulary = sorted(set(text))
    index = {c: i for i, c in enumerate(vocabulary)}
    return [index[c] for c in text], len(vocabulary)


def time_cell(torch, name, ids, vocabulary, seconds, seed):
    """Trains one fresh network for `seconds`; returns (windows, chars, wall s, CPU s, smooth loss)."""
    nn = torch.nn
    layer_name, hidden = CELLS[name]
    torch.manual_seed(seed)
    layer = getattr(nn, layer_name)(vocabulary, hidden, batch_first=True)
    output = nn.Linear(hidden, vocabulary)
    parameters = list(layer.parameters()) + list(output.parameters())
    adam = torch.optim.Adam(parameters, lr=LEARNING_RATE)
    data = torch.tensor(ids, dtype=torch.long)
    segment = len(ids) // BATCH
    starts = torch.arange(BATCH) * segment                          # stream b reads [b*segment, (b+1)*segment)
    offsets = torch.arange(STEPS + 1)

    def zero_state():
        h = torch.zeros(1, BATCH, hidden)
        return (h, torch.zeros(1, BATCH, hidden)) if layer_name == "LSTM" else h

    state, cursor = zero_state(), 0
    smooth = math.log(vocabulary)

    def window():
        nonlocal state, cursor, smooth
        if cursor + STEPS + 1 > segment:                            # the streams wrap: start again from zero state
            state, cursor = zero_state(), 0
        chunk = data[(starts[:, None] + cursor + offsets[None, :])]  # (B, T + 1)
        x = torch.nn.functional.one_hot(chunk[:, :-1], vocabulary).float()  # (B, T, V)
        y = chunk[:, 1:]
        hs, state = layer(x, state)
        logits = output(hs)                                         # (B, T, V)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocabulary), y.reshape(-1))
        adam.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, CLIP)
        adam.step()
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        cursor += STEPS
        smooth = 0.999 * smooth + 0.001 * loss.item()

    window()                                                        # warm-up: first-call costs, not timed
    windows, start, start_cpu = 0, time.perf_counter(), time.thread_time()
    while time.perf_counter() - start < seconds:
        window()
        windows += 1
    wall, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
    return windows, windows * BATCH * STEPS, wall, cpu, smooth


def main():
    parser = argparse.ArgumentParser(description="Time PyTorch's LSTM, GRU and tanh RNN on bench's batched configuration, one thread.")
    parser.add_argument("--data", required=True, help="the UTF-8 text to train on")
    parser.add_argument("--seconds", type=float, default=5.0, help="wall-clock seconds per cell (default 5)")
    parser.add_argument("--cells", default="lstm,gru,rnn128,rnn512", help="comma-separated cells: " + ", ".join(CELLS))
    parser.add_argument("--seed", type=int, default=1, help="the weights' seed (default 1)")
    args = parser.parse_args()
    cells = [c for c in args.cells.split(",") if c]
    unknown = [c for c in cells if c not in CELLS]
    if unknown or not cells:
        parser.error(f"unknown cell {', '.join(unknown) or '(none)'}; choose from {', '.join(CELLS)}")
    if not (0 < args.seconds <= 3600):
        parser.error("--seconds must be in (0, 3600]")
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed, so there is no PyTorch figure to compare with; "
              "install the CPU build with `pip install torch --index-url https://download.pytorch.org/whl/cpu` "
              "(or plain `pip install torch`, which also pulls CUDA libraries)")
        sys.exit(3)
    try:
        ids, vocabulary = load_ids(args.data)
    except ValueError as error:
        print(f"gated_torch.py: {error}", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(1)
    if keep_large_freed_blocks():
        print("malloc: glibc keeps freed blocks up to 32 MiB for reuse (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), as bench does")
    for name in cells:
        windows, chars, wall, cpu, smooth = time_cell(torch, name, ids, vocabulary, args.seconds, args.seed)
        layer_name, hidden = CELLS[name]
        print(f"{layer_name} H={hidden} T={STEPS} B={BATCH} torch {torch.__version__}, {torch.get_num_threads()} thread(s): "
              f"{windows:,} windows, {chars:,} chars in {wall:.1f} s ({cpu:.1f} s of CPU), "
              f"{chars / wall:,.0f} chars/s; smooth loss/char {math.log(vocabulary):.3f} -> {smooth:.3f}")
        print(f"chars_per_second {name} {chars / wall:.1f}")
        print(f"chars_per_cpu_second {name} {chars / cpu:.1f}", flush=True)


if __name__ == "__main__":
    main()
