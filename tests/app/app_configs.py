"""Configurations shared by the app tests (imported by name: tests/app is on sys.path)."""

#: Diverges within a few steps: identity activation, orthogonal W_hh with every singular
#: value 3, a long sine: the hidden state grows like 3^t and overflows float32.
DIVERGING = dict(task="sine", seq_len=200, batch_size=4, cell="rnn", hidden_size=16, activation="identity",
                 init="orthogonal", init_gain=3.0, optimizer="sgd", lr=0.01)
#: Small and fast: a few ms per step.
SMALL = dict(task="adding", seq_len=30, batch_size=8, hidden_size=16, optimizer="adam", lr=0.01)
