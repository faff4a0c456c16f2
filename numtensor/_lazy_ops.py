"""Op modules that load on first use, so that `import numtensor` stays fast.

Each module below defines rarer ops and two tables, FUNCTIONS (torch.<name>) and METHODS
(Tensor.<name>).  Importing them all took about a quarter of a fresh `import numtensor`
(Python compiles each module's bytecode on a fresh checkout), so only their names are
known at import: Tensor gets a placeholder per method that loads the module on first
access and puts the real methods in place, and numtensor's module __getattr__ does the
same for the functions.  The names here must equal the modules' tables (a test checks).
"""
import importlib

# module of numtensor.ops -> (its FUNCTIONS' names, its METHODS' names)
LAZY_OPS = {
    "more_math": (
        """
        diff median nanmedian nansum nanmean cummax cummin logaddexp logaddexp2
        hypot xlogy float_power sgn signbit heaviside logit nan_to_num isin cov
        corrcoef cdist logit_ nan_to_num_ xlogy_
        """.split(),
        """
        diff median nanmedian nansum nanmean cummax cummin logaddexp logaddexp2
        hypot hypot_ xlogy xlogy_ float_power float_power_ sgn sgn_ signbit
        heaviside heaviside_ logit logit_ nan_to_num nan_to_num_ cov corrcoef
        """.split()),
    "more_shapes": (
        """
        tensor_split hsplit vsplit dsplit take take_along_dim atleast_1d atleast_2d
        atleast_3d column_stack dstack row_stack kron tensordot tril_indices
        triu_indices rot90 index_fill index_copy block_diag vander
        """.split(),
        """
        tensor_split hsplit vsplit dsplit take take_along_dim kron rot90 index_fill
        index_fill_ index_copy index_copy_
        """.split()),
    "special_math": (
        """
        erf erfc erfinv lgamma asinh acosh atanh arcsinh arccosh arctanh frac sinc
        isposinf isneginf isreal copysign fmax fmin digamma polygamma i0 erf_ erfc_
        asinh_ acosh_ atanh_ arcsinh_ arccosh_ arctanh_ frac_ sinc_ i0_
        """.split(),
        """
        erf erf_ erfc erfc_ erfinv erfinv_ lgamma lgamma_ asinh asinh_ acosh acosh_
        atanh atanh_ arcsinh arcsinh_ arccosh arccosh_ arctanh arctanh_ frac frac_
        sinc sinc_ digamma digamma_ i0 i0_ isposinf isneginf isreal copysign fmax
        fmin copysign_ polygamma polygamma_
        """.split()),
    "more_functions": (
        """
        repeat_interleave ravel addmv addr baddbmm addbmm vdot chain_matmul
        matrix_power logdet slogdet svd qr cholesky pinverse quantile nanquantile
        mode logcumsumexp combinations unravel_index diagflat trapezoid trapz
        cumulative_trapezoid renorm polar complex angle select_scatter slice_scatter
        masked_scatter
        """.split(),
        """
        addmv addr baddbmm addbmm vdot repeat_interleave ravel matrix_power logdet
        slogdet svd qr cholesky pinverse quantile nanquantile mode logcumsumexp
        diagflat renorm angle select_scatter slice_scatter masked_scatter
        masked_scatter_
        """.split()),
    "bit_math": (
        """
        bitwise_left_shift bitwise_right_shift arctan2 ldexp nextafter gcd lcm hardshrink
        prelu gcd_ lcm_ ldexp_
        """.split(),
        """
        bitwise_left_shift bitwise_left_shift_ bitwise_right_shift bitwise_right_shift_
        __lshift__ __rshift__ __rlshift__ __rrshift__ __ilshift__ __irshift__ arctan2
        arctan2_ ldexp ldexp_ nextafter nextafter_ gcd gcd_ lcm lcm_ hardshrink prelu
        """.split()),
    "tensor_extras": (
        """
        is_nonzero is_same_size is_inference is_neg resolve_neg narrow_copy
        split_with_sizes unsafe_split unsafe_split_with_sizes unsafe_chunk adjoint addmv_
        resize_as_
        """.split(),
        """
        is_nonzero is_same_size is_inference is_neg resolve_neg is_set_to is_shared
        share_memory_ is_pinned dim_order narrow_copy split_with_sizes unsafe_split
        unsafe_split_with_sizes unsafe_chunk sum_to_size adjoint new_empty_strided
        addbmm_ addmv_ addr_ baddbmm_ renorm_ fill_diagonal_ resize_ resize_as_ cfloat
        cdouble
        """.split()),
    "torch_functional": (
        """
        dropout dropout_ feature_dropout feature_dropout_ alpha_dropout alpha_dropout_
        feature_alpha_dropout feature_alpha_dropout_ layer_norm batch_norm group_norm
        instance_norm rms_norm embedding celu celu_ selu selu_ threshold threshold_ rrelu
        rrelu_ cosine_similarity pairwise_distance pdist kl_div
        binary_cross_entropy_with_logits cosine_embedding_loss hinge_embedding_loss
        margin_ranking_loss triplet_margin_loss poisson_nll_loss constant_pad_nd
        conv_transpose1d conv_transpose2d convolution rnn_tanh_cell rnn_relu_cell gru_cell
        lstm_cell
        """.split(),
        []),
    "more_draws_and_linalg": (
        """
        matrix_exp cholesky_solve cholesky_inverse mvlgamma
        """.split(),
        """
        cauchy_ log_normal_ geometric_ matrix_exp cholesky_solve cholesky_inverse mvlgamma
        mvlgamma_
        """.split()),
    "copy_variants": (
        """
        view_copy t_copy transpose_copy permute_copy unsqueeze_copy squeeze_copy
        expand_copy diagonal_copy select_copy slice_copy split_copy split_with_sizes_copy
        unbind_copy unfold_copy detach_copy alias_copy as_strided_copy view_as_real_copy
        view_as_complex_copy diagonal_scatter as_strided_scatter hann_window
        hamming_window blackman_window bartlett_window kaiser_window is_signed
        scalar_tensor get_device typename put frexp
        """.split(),
        """
        diagonal_scatter as_strided_scatter put put_ frexp
        """.split()),
    "lu_ops": (
        """
        triangular_solve lu_unpack lu_solve lu
        """.split(),
        """
        triangular_solve lu_solve lu
        """.split()),
    "scatter_reduce": (
        """
        scatter_reduce index_reduce
        """.split(),
        """
        scatter_reduce scatter_reduce_ index_reduce index_reduce_
        """.split()),
}

FUNCTION_MODULE = {name: module for module, (functions, _) in LAZY_OPS.items()
                   for name in functions}


def load(module_name):
    """Import ops.<module_name> and put its methods on Tensor and its functions on
    numtensor (replacing the placeholders); returns the module."""
    module = importlib.import_module(f"numtensor.ops.{module_name}")
    from ._tensor import Tensor
    for name, fn in module.METHODS.items():
        setattr(Tensor, name, fn)
    numtensor = importlib.import_module("numtensor")
    vars(numtensor).update(module.FUNCTIONS)
    return module


class _LazyMethod:
    """A Tensor method whose module has not loaded yet: the first access loads it."""
    __slots__ = ("module_name", "name")

    def __init__(self, module_name, name):
        self.module_name, self.name = module_name, name

    def __get__(self, obj, owner=None):
        load(self.module_name)
        return getattr(owner if obj is None else obj, self.name)


def install_placeholders(tensor_class):
    for module_name, (_, methods) in LAZY_OPS.items():
        for name in methods:
            setattr(tensor_class, name, _LazyMethod(module_name, name))
