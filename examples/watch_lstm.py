"""A plain PyTorch script that trains an ``nn.LSTM`` on its own data, watched by gradsim.

The three lines marked ``# gradsim`` are all it adds to an ordinary training loop: per
time-step gradient views (``w.views``), a run folder the gradsim app replays and follows
live, and a TensorBoard log (``tensorboard --logdir runs/tb``).

    python examples/watch_lstm.py --steps 200 --out runs/watch-lstm --tb runs/tb/watch-lstm
"""

from __future__ import annotations

import argparse

import torch
from torch import nn

import gradsim  # gradsim


class Model(nn.Module):
    """An LSTM over the sequence and a linear read-out at every step."""

    def __init__(self, hidden: int, layers: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(2, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def batches(steps: int, batch: int, seq_len: int, seed: int):
    """The adding problem (Hochreiter & Schmidhuber 1997): the target is the sum of the two
    marked values; only the loss at the last step."""
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        values = torch.rand(batch, seq_len, generator=g)
        marks = torch.zeros(batch, seq_len)
        first = torch.randint(0, seq_len // 2, (batch,), generator=g)
        second = torch.randint(seq_len // 2, seq_len, (batch,), generator=g)
        marks[torch.arange(batch), first] = 1
        marks[torch.arange(batch), second] = 1
        yield torch.stack([values, marks], dim=-1), (values * marks).sum(1, keepdim=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=50)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--out", default="runs/watch-lstm")
    p.add_argument("--tb", default="runs/tb/watch-lstm")
    args = p.parse_args(argv)
    torch.manual_seed(0)
    model = Model(args.hidden, args.layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.MSELoss()
    w = gradsim.watch(model.lstm, sinks=[gradsim.RunFolderWriter(args.out), gradsim.TensorBoardWriter(args.tb)])  # gradsim
    for step, (x, y) in enumerate(batches(args.steps, args.batch, args.seq_len, seed=1)):
        loss = criterion(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        w.log(loss)  # gradsim
        if step % 50 == 0:
            last = w.views["last"][0]
            print(f"step {step:4d}  loss {loss.item():.4f}  |dL_T/dh_0| / |dL_T/dh_T-1| = {last[0] / last[-1]:.3g}")
    # (the watch flushes and closes at exit; w.close() does it now)


if __name__ == "__main__":
    main()
