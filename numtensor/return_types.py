"""Named-tuple results (max(dim) -> values, indices) that print like PyTorch's."""
import collections


def _make(name, fields):
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{body})"

    return type(name, (base,), {"__repr__": __repr__, "__str__": __repr__, "__slots__": ()})


max = _make("max", ["values", "indices"])
min = _make("min", ["values", "indices"])
sort = _make("sort", ["values", "indices"])
topk = _make("topk", ["values", "indices"])
kthvalue = _make("kthvalue", ["values", "indices"])
median = _make("median", ["values", "indices"])
nanmedian = _make("nanmedian", ["values", "indices"])
mode = _make("mode", ["values", "indices"])
aminmax = _make("aminmax", ["min", "max"])
cummax = _make("cummax", ["values", "indices"])
cummin = _make("cummin", ["values", "indices"])
frexp = _make("frexp", ["mantissa", "exponent"])
linalg_lstsq = _make("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
linalg_eig = _make("linalg_eig", ["eigenvalues", "eigenvectors"])
linalg_eigh = _make("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_slogdet = _make("linalg_slogdet", ["sign", "logabsdet"])
linalg_qr = _make("linalg_qr", ["Q", "R"])
linalg_svd = _make("linalg_svd", ["U", "S", "Vh"])
linalg_lu_factor = _make("linalg_lu_factor", ["LU", "pivots"])
linalg_lu_factor_ex = _make("linalg_lu_factor_ex", ["LU", "pivots", "info"])
linalg_lu = _make("linalg_lu", ["P", "L", "U"])
lu_unpack = _make("lu_unpack", ["P", "L", "U"])
triangular_solve = _make("triangular_solve", ["solution", "cloned_coefficient"])
linalg_inv_ex = _make("linalg_inv_ex", ["inverse", "info"])
linalg_solve_ex = _make("linalg_solve_ex", ["result", "info"])
linalg_cholesky_ex = _make("linalg_cholesky_ex", ["L", "info"])
