"""gradsim: watch vanishing and exploding gradients of recurrent networks while they train.

``gradsim.core`` (Qt-free) computes the per-time-step gradients exactly; ``gradsim.cli``
runs it headless; ``gradsim.app`` is the live desktop app.
"""

__version__ = "0.1.0"
