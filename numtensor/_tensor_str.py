"""torch._tensor_str's public helpers, where PyTorch keeps them (there is no
torch.get_printoptions): get_printoptions() and the printoptions context manager."""
from ._printing import get_printoptions, printoptions, set_printoptions  # noqa: F401
