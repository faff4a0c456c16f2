"""(being written)"""

METHODS = {}
FUNCTIONS = {}
