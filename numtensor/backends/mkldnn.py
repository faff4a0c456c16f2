"""torch.backends.mkldnn: numtensor does not use oneDNN."""
enabled = False


def is_available():
    return False
