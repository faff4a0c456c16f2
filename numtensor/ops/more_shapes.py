"""(being written)"""
FUNCTIONS = {}  # torch.<name>
METHODS = {}    # Tensor.<name>
