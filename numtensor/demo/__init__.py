"""numtensor's demo: ``python -m numtensor.demo``.

A short tour of lecture snippets, then the EE-559 lecture's MNIST convnet, trained with
the lecture's own code on scikit-learn's digits scaled to 28x28 (nothing is downloaded),
with a progress bar per epoch; at the end the test accuracy and, when PyTorch is
installed, the time per training step of both libraries side by side.

Install its extras with ``pip install "numtensor[demo]"`` (tqdm for the progress bars,
scikit-learn for the digits).  Importing this package does not import numba.
"""
