"""The EE-559 lecture's MNIST, replaced by scikit-learn's 8x8 digits (shipped with
scikit-learn: nothing is downloaded), scaled to MNIST's 28x28 and 0..255 range."""
import numpy as np


def digits_28x28(train=1500, seed=0):
    """(train_images, train_labels, test_images, test_labels) as NumPy arrays: images
    float32 (N, 1, 28, 28) in 0..255, labels int64; a fixed shuffle, `train` images for
    training and the rest (297 of 1797 by default) for testing."""
    from scipy import ndimage
    from sklearn import datasets

    digits = datasets.load_digits()
    images = ndimage.zoom(digits.images.astype(np.float32), (1, 3.5, 3.5), order=1)
    images = np.clip(images, 0, 16) * np.float32(255 / 16)
    order = np.random.default_rng(seed).permutation(len(images))
    images, labels = images[order][:, None], digits.target[order].astype(np.int64)
    return images[:train], labels[:train], images[train:], labels[train:]
