"""The backend interface: every primitive a device must implement, as one abstract class.

A backend is the only code that touches a device's memory.  Everything above it (ops,
autograd, creation, random) describes work as *finished plans* and calls one of the
named primitives below; the backend only chooses a kernel (flat or strided, serial or
parallel on the CPU; a grid on a GPU) and launches it.

Conventions shared by every method
----------------------------------
buffer      The backend's flat 1-D storage object: a NumPy array on the CPU, a device
            array on CUDA.  `buffer.dtype` is its NumPy dtype (bool, uint8, int8..int64,
            float16/32/64, complex64/128).
operand     `(buffer, offset)`: a tensor's storage and the element offset of its first
            element.  Its shape and strides are not in the operand: they are in the plan.
strides     Always in elements (not bytes), one per dim of the plan; 0 on a broadcast dim.
scalar      A Python number (bool, int, float or complex) standing for an operand that is
            the same at every position.  The backend converts it to the kernel's compute
            type and passes it as a kernel argument: no one-element buffer is made.
            A float16 kernel computes in float32: a scalar operand (x + 0.1) is first
            rounded to float16 (PyTorch's wrapped number) but for the ops in
            scalar_ops.FLOAT16_NUMBER_UNROUNDED (x * 0.1), a scalar parameter (clamp's
            bounds, alpha, a fill value) goes to float32 directly, as in PyTorch.
plan        An object of numtensor._backends.plan (ElementwisePlan, ReducePlan, ScanPlan,
            ArgReducePlan, IndexPlan, MaskPlan, DimIndexPlan, MatmulPlan,
            ConvPlan, PoolPlan, SoftmaxPlan).  Plans are canonical: size-1 dims are
            dropped, dims that are contiguous for every operand are merged, and dims are
            ordered so that the output is walked in memory order.  A backend may rely on
            that and never re-plans.
dtype       Kernels compute in the dtype of their operand buffers, except where a backend
            cannot (float16 on the CPU): `compute_dtype` tells the ops layer what a
            backend computes a primitive in, so the device's policy lives here.
errors      Primitives never raise for data-dependent problems: they report them (the
            first out-of-range index, a failed factorisation per matrix) and the ops layer
            words PyTorch's error.  Reading such a report is a host sync on a GPU; it is
            done once per op, where PyTorch syncs too.

Adding a backend: subclass Backend, implement every abstract method, register it in
numtensor/_backends/__init__.py, and run tests/backends/ against it (that suite is
parametrised over the backends present).  See numtensor/_backends/README.md.
"""
import abc


class Backend(abc.ABC):
    """One device type's kernels.  Instances are stateless singletons."""

    name = "abstract"

    # ---- policy -------------------------------------------------------------------
    def compute_dtype(self, primitive, dtype):
        """The numtensor dtype in which this backend runs `primitive` ('matmul', 'reduce',
        'scan', 'arg_reduce', 'random', 'conv', 'pool', 'softmax', 'nll_loss') for tensors
        of `dtype`
        (every dtype the backend handles natively maps to itself).  The ops layer converts
        operands to it first and converts results back.  The element-wise primitives
        (copy, map, zip, where, fill) take every dtype as is."""
        return dtype

    # ---- storage ------------------------------------------------------------------
    @abc.abstractmethod
    def allocate(self, n, np_dtype):
        """A new buffer of n elements of np_dtype (a numpy.dtype); contents undefined."""

    def allocate_zeroed(self, n, np_dtype):
        """A new buffer of n elements of np_dtype, every byte zero (0, 0.0, False in every
        dtype).  A backend may get such memory cheaper than by filling it."""
        from . import plan
        buf = self.allocate(n, np_dtype)
        if n:
            self.fill(plan.contiguous_elementwise(n, 0), (buf, 0), 0)
        return buf

    @abc.abstractmethod
    def from_host(self, array):
        """A buffer holding a copy of `array` (a contiguous 1-D NumPy array).  The caller
        hands the array over: a CPU backend may adopt it without copying."""

    @abc.abstractmethod
    def to_host(self, buffer, start, count):
        """The elements buffer[start:start + count] as a 1-D NumPy array: a view on the
        CPU, a copy (and a sync) on a GPU.  The only way host code reads tensor data."""

    @abc.abstractmethod
    def write_from_host(self, buffer, start, array):
        """buffer[start:start + len(array)] = array (a 1-D NumPy array of buffer's dtype)."""

    @abc.abstractmethod
    def copy_span(self, src, dst, count):
        """dst[...:+count] = src[...:+count] for operands of the same dtype (a memcpy)."""

    # ---- element-wise ---------------------------------------------------------------
    @abc.abstractmethod
    def copy(self, plan, src, out):
        """out = src converted to out's dtype, over an ElementwisePlan with one input.

        plan.strides = (src strides, out strides).  Conversions follow PyTorch: float to
        integer truncates toward zero, anything to bool is `!= 0`, complex to real takes
        the real part, float16 rounds to nearest even.  src and out may be the same
        buffer only when they do not overlap (the ops layer guarantees it)."""

    @abc.abstractmethod
    def map(self, op, plan, x, out, params=()):
        """out = op(x) element-wise over an ElementwisePlan with one input.

        op: a name of numtensor._backends.scalar_ops.UNARY.  x: an operand (never a
        scalar: a map of a scalar is a fill).  params: up to two Python numbers the op's
        expression reads as p0 and p1 (clamp's bounds, ...), in the compute dtype.
        The compute dtype is x's dtype; the result is converted to out's dtype."""

    @abc.abstractmethod
    def zip(self, op, plan, a, b, out, params=()):
        """out = op(a, b) element-wise, broadcasting through the plan's strides.

        op: a name of scalar_ops.BINARY.  a, b: operands or scalars (not both scalars);
        the plan has strides for the tensor operands only, in order, then out.  Tensor
        operands share one dtype, the compute dtype; a scalar is converted to it."""

    def dense_route(self, op, codes, in_np_dtype, out_np_dtype):
        """A callable route(inputs, out, n, params) running op (a map for one input, a zip
        for two) over n elements laid out densely, and returning the output buffer: the
        small-op fast path, asked for once per (op, codes, dtypes) and kept by the ops
        layer.  codes: per input, 1 (an operand walked along), 0 (an operand whose one
        element is read at every position) or None (a Python number); `inputs` holds the
        operands and numbers in that order.  out: an operand to write into (n elements
        from its offset; an in-place op), or None for a fresh buffer of out_np_dtype.
        in_np_dtype: the tensor operands' (compute) dtype.  plain: every buffer is one the
        backend allocated (TypedStorage.plain).  This default plans and
        launches map/zip on every call; a backend may resolve its kernel once instead."""
        from . import plan
        strides = tuple((c,) for c in codes if c is not None) + ((1,),)
        launch = self.map if len(codes) == 1 else self.zip

        def route(inputs, out, n, params, plain=False):
            if out is None:
                out = (self.allocate(n, out_np_dtype), 0)
            launch(op, plan.elementwise((n,), strides), *inputs, out, params)
            return out[0]
        return route

    def strided_route(self, op, plan, codes, in_np_dtype, out_np_dtype):
        """A callable route(inputs, out, params, plain) running op (a map for one input, a
        zip for two) over `plan`, a plan the ops layer keeps for a geometry it meets again
        (broadcast or strided operands, which dense_route does not take): asked for once
        per such plan and kept with it.  codes: per input, 1 (an operand) or None (a
        Python number); inputs holds them in that order; out: an operand of out_np_dtype
        to write into, or None for a fresh buffer of the plan's element count; the route
        returns the output buffer.  in_np_dtype and plain as for dense_route.  This
        default launches map/zip on every call; a backend may resolve its kernel once
        instead."""
        launch = self.map if len(codes) == 1 else self.zip

        def route(inputs, out, params, plain=False):
            if out is None:
                out = (self.allocate(plan.n, out_np_dtype), 0)
            launch(op, plan, *inputs, out, params)
            return out[0]
        return route

    def reduce_route(self, op, plan, x_np_dtype, out_np_dtype):
        """A callable route(buf, offset, plain) returning a fresh buffer of plan.nout
        elements of out_np_dtype that holds reduce(op, plan) of the tensor in buf from
        offset (its elements of x_np_dtype): the path of a reduction whose geometry the
        ops layer meets again, asked for once per plan and dtypes and kept with the plan.
        plain as for whole_sum_route.  This default allocates and launches reduce on
        every call; a backend may resolve its kernel once instead."""
        def route(buf, offset, plain=False):
            out = self.allocate(plan.nout, out_np_dtype)
            self.reduce(op, plan, (buf, offset), (out, 0))
            return out
        return route

    def whole_sum_route(self, np_dtype):
        """A callable route(buf, offset, n, plain) returning a fresh one-element buffer of
        np_dtype that holds the sum of the n > 0 elements of buf from offset, as reduce
        sums them: the fast path of sum() over a dense tensor, asked for once per dtype
        and kept by the ops layer.  plain: buf is one the backend allocated
        (TypedStorage.plain).  This default plans and launches reduce on every call; a
        backend may resolve its kernel once instead."""
        from . import plan

        def route(buf, offset, n, plain=False):
            out = self.allocate(1, np_dtype)
            self.reduce("sum", plan.reduce((n,), (1,), (0,)), (buf, offset), (out, 0))
            return out
        return route

    @abc.abstractmethod
    def where(self, plan, cond, a, b, out):
        """out = a if cond else b element-wise; cond is a bool operand, a and b operands
        or scalars of out's dtype.  The plan has strides for the tensor operands, in
        order (cond, a, b), then out."""

    @abc.abstractmethod
    def fill(self, plan, out, value):
        """out[...] = value (a Python number converted to out's dtype) over an
        ElementwisePlan with no input (plan.strides == (out strides,))."""

    # ---- reductions and scans -----------------------------------------------------------
    @abc.abstractmethod
    def reduce(self, op, plan, x, out):
        """out[k] = op over the reduced dims of x, for every kept index k.

        op: 'sum', 'prod', 'amax', 'amin', 'all' or 'any' (NaN propagates through amax
        and amin; all/any give bool or uint8 per out's dtype).  plan: a ReducePlan whose
        kept dims (kshape, kx, ky) and reduced dims (rshape, rx) are canonical, the
        largest stride first.  x and out have the same dtype (the accumulator dtype),
        except for all/any, which read x of any dtype into a bool (or uint8) out."""

    @abc.abstractmethod
    def arg_reduce(self, op, plan, x, values, indices):
        """values[k], indices[k] = the max ('max') or min ('min') of x along one dim and
        its first position (a NaN wins, as in PyTorch).  plan: an ArgReducePlan."""

    @abc.abstractmethod
    def scan(self, op, plan, x, out):
        """out = the running 'sum' or 'prod' of x along one dim (a ScanPlan)."""

    # ---- matrix products --------------------------------------------------------------
    @abc.abstractmethod
    def matmul(self, plan, a, b, out, accumulate=False):
        """out[i] = a[i] @ b[i] for every batch element i of a MatmulPlan; with
        `accumulate` (float and complex products only), out[i] += a[i] @ b[i].

        a, b, out: buffers (offsets are in the plan, one per batch element).  Float and
        complex operands are row-major or transposed row-major matrices (plan.layout_a,
        plan.layout_b); integer products need unit-stride rows in b.  out is a
        contiguous (batch, m, n) buffer; k == 0 gives zeros (or leaves out as it is,
        accumulating).  Integer products wrap."""

    # ---- indexing ---------------------------------------------------------------------
    @abc.abstractmethod
    def index_offsets(self, plan, index, size, stride, out, accumulate, wrap=True):
        """out[j] (+)= wrap(index[j]) * stride over an ElementwisePlan (index, out):
        the element offsets of an integer index along one dim of length `size`
        (negative indices count from the end; with wrap=False they are out of range, as
        in index_select).  `accumulate` adds to out (several index tensors broadcast
        together); otherwise out is overwritten.

        Returns None, or the first index value out of [-size, size) ([0, size) without
        wrap) in the index's row-major order (the ops layer raises PyTorch's error
        with it)."""

    @abc.abstractmethod
    def gather(self, plan, src, offsets, out):
        """out[p, j, q] = src[pre(p) + offsets[j] + post(q)] over an IndexPlan:
        pre(p) walks the dims before the indexed ones, post(q) those after, both with
        src's strides.  offsets: an int64 operand of plan.nidx element offsets (from
        index_offsets).  out: a contiguous operand of the (P, J, Q) result."""

    @abc.abstractmethod
    def scatter(self, plan, dst, offsets, value, accumulate):
        """dst[pre(p) + offsets[j] + post(q)] = value[p, j, q] (or += with accumulate),
        the inverse of gather.  value: a contiguous operand of the (P, J, Q) shape or a
        scalar.  With repeated offsets the last write wins (serial order) and sums are
        deterministic, whatever the thread count."""

    @abc.abstractmethod
    def gather_dim(self, plan, src, index, out):
        """torch.gather: out[c] = src[c with c[dim] replaced by index[c]] over a
        DimIndexPlan (index's shape).  Returns None or the first index value out of
        [0, size) in the index's row-major order (then nothing is written): unlike
        indexing, gather and scatter take no negative indices."""

    @abc.abstractmethod
    def scatter_dim(self, plan, dst, index, src, accumulate):
        """torch.scatter / scatter_add: dst[c with c[dim] = index[c]] (+)= src[c]
        over a DimIndexPlan; src is an operand or a scalar.  Each line along `dim` is
        written by one thread, in order.  Returns None or the first bad index value in the
        index's row-major order; every index is checked before anything is written."""

    @abc.abstractmethod
    def mask_count(self, mask, n):
        """Count the true (nonzero) elements of a contiguous bool/uint8 mask of n elements.
        Returns a backend-specific MaskCount whose `.total` is the count (a host sync
        on a GPU, as in PyTorch) and which the mask_* passes below reuse."""

    @abc.abstractmethod
    def mask_gather(self, count, mask, plan, src, out):
        """out[k, q] = src[mask position of the k-th true element + post(q)], with the
        mask dims walked through plan.mshape/plan.mstrides (src strides) (a MaskPlan)."""

    @abc.abstractmethod
    def mask_scatter(self, count, mask, plan, dst, value):
        """The inverse of mask_gather: value is a contiguous (total, Q) operand or a
        scalar."""

    @abc.abstractmethod
    def mask_coordinates(self, count, mask, shape, out):
        """out[k, d] = coordinate d of the k-th true element of the mask of `shape`
        (row-major): what nonzero() returns.  out: an int64 operand.  A 0-d mask's
        coordinates have no columns: nothing is written."""

    # ---- sorting and searching --------------------------------------------------------------
    @abc.abstractmethod
    def argsort_rows(self, x, row_stride, elem_stride, nrows, n, descending, out):
        """Stable argsort of nrows rows of n elements: row r of x starts at offset +
        r * row_stride, its elements elem_stride apart; x is int64, float32 or float64.
        out (contiguous int64, nrows * n) receives, row after row, the index of the
        element that sorts to each place.  Equal elements keep their order; NaN sorts
        after every number (first with descending), as in PyTorch."""

    @abc.abstractmethod
    def searchsorted_rows(self, seq, seq_row_stride, m, values, values_row_stride, nv, nrows,
                          right, out):
        """For each of nrows rows: the insertion positions (int64, contiguous nrows * nv)
        of nv values in m sorted elements (the first element not less than the value,
        or with right=True greater than it); a NaN value goes after everything.
        seq_row_stride 0 shares one sorted sequence between the rows."""

    # ---- index-dependent fills and random draws --------------------------------------------
    @abc.abstractmethod
    def arange(self, out, n, start, step):
        """out[i] = start + i * step for i < n (contiguous; out is float64 or int64)."""

    def arange_as_pytorch_rounds(self, out, n, start, step):
        """Fill a float32 or float64 out (contiguous) with start + i * step rounded as
        PyTorch's kernels for this device round it, and return True; or return False,
        leaving out untouched, where the backend does not (the caller then fills through
        arange())."""
        return False

    @abc.abstractmethod
    def linspace(self, out, n, start, end, step):
        """out[i] = start + i * step, the second half computed from the end so that
        out[n - 1] == end exactly (float64, contiguous, n >= 2; the ops layer fills n == 1
        with start)."""

    @abc.abstractmethod
    def random_uniform(self, out, n, seed, counter, low, high):
        """n uniform draws in [low, high) into a contiguous float operand, from the
        counter-based stream (seed, counter .. counter + n): the same values on every
        device and thread count."""

    @abc.abstractmethod
    def random_normal(self, out, n, seed, counter, mean, std):
        """n normal draws (Box-Muller, counters counter .. counter + 2n)."""

    @abc.abstractmethod
    def random_integers(self, out, n, seed, counter, low, span):
        """n integers uniform in [low, low + span) into a contiguous operand."""

    @abc.abstractmethod
    def random_bernoulli(self, out, n, seed, counter, p):
        """out[i] = draw_i < p[i]; p is a contiguous float64 operand of n elements or a
        scalar."""

    @abc.abstractmethod
    def randperm(self, out, n, seed, counter):
        """A random permutation of 0..n-1 (Fisher-Yates) into a contiguous int64 operand."""

    @abc.abstractmethod
    def multinomial(self, probs, nrows, ncat, out, nsamples, replacement, seed, counter):
        """For each of nrows rows of ncat float64 weights (a contiguous operand), draw
        nsamples category indices into out (int64, contiguous, nrows x nsamples)."""

    # ---- LAPACK-class linear algebra --------------------------------------------------------
    # Every method takes nb contiguous row-major matrices in one operand and writes
    # contiguous outputs; `info` results are host int64 arrays (one entry per matrix,
    # nonzero where it failed).  A GPU backend may run these through the host.
    @abc.abstractmethod
    def linalg_inv(self, a, nb, n, out):
        """out = inv(a) per n x n matrix; returns info."""

    @abc.abstractmethod
    def linalg_solve(self, a, b, nb, n, k, out):
        """out = solve(a, b) per matrix (a: n x n, b and out: n x k); returns info."""

    @abc.abstractmethod
    def linalg_det(self, a, nb, n, out):
        """out[i] = det(a[i])."""

    @abc.abstractmethod
    def linalg_slogdet(self, a, nb, n, sign, logabs):
        """sign[i], logabs[i] = slogdet(a[i])."""

    @abc.abstractmethod
    def linalg_lstsq(self, a, b, nb, m, n, k, out, rank, rcond):
        """Minimum-norm least squares per matrix (a: m x n, b: m x k, out: n x k) and
        each matrix's numerical rank (int64)."""

    @abc.abstractmethod
    def linalg_eig(self, a, nb, n, w, v):
        """Eigenvalues w (n) and right eigenvectors v (n x n, columns) of general
        matrices; a real input gives complex outputs of the matching precision."""

    @abc.abstractmethod
    def linalg_eigvals(self, a, nb, n, w):
        """Eigenvalues only: complex w of the matching precision, for real or complex a."""

    @abc.abstractmethod
    def linalg_eigh(self, a, nb, n, w, v):
        """Ascending real eigenvalues w and orthonormal eigenvectors v of Hermitian
        matrices, from their lower triangle."""

    @abc.abstractmethod
    def linalg_cholesky(self, a, nb, n, out):
        """Lower Cholesky factors; returns info (nonzero: not positive-definite)."""

    @abc.abstractmethod
    def linalg_qr(self, a, nb, m, n, q, r, complete):
        """Reduced (q: m x min(m,n), r: min(m,n) x n) or complete (q: m x m, r: m x n) QR;
        the two differ only for a tall matrix (m > n)."""

    @abc.abstractmethod
    def linalg_svd(self, a, nb, m, n, u, s, vh, full_matrices):
        """Singular value decomposition, singular values descending."""

    @abc.abstractmethod
    def linalg_lu_factor(self, a, nb, m, n, lu, piv):
        """A = P L U with partial pivoting (getrf) per m x n matrix: lu (m x n) gets L
        below the diagonal (unit diagonal implied) and U on and above it, piv (int32,
        min(m, n) per matrix) the 1-based row swaps; returns info (k > 0: U[k, k] is
        exactly zero; not a failure)."""

    @abc.abstractmethod
    def linalg_solve_triangular(self, a, b, nb, n, k, upper, unitriangular, out):
        """out = T^-1 b per matrix (a: n x n, b and out: n x k), T the upper (upper) or
        lower triangle of a, its diagonal taken as ones when unitriangular; a zero on
        the diagonal gives inf/nan, as BLAS trsm does."""

    @abc.abstractmethod
    def linalg_lu_solve(self, lu, piv, b, nb, n, npiv, k, trans, out):
        """getrs: out = op(A)^-1 b per matrix, A = P L U given packed as lu (n x n) and
        piv (int32, npiv <= n 1-based row swaps per matrix); op: the identity (trans 0),
        the transpose (1) or the conjugate transpose (2)."""

    @abc.abstractmethod
    def linalg_first_zero_pivot(self, a, n):
        """1-based position of the first zero pivot of one n x n matrix's LU
        factorisation with partial pivoting (LAPACK getrf's info), 0 if none; for error
        messages only."""

    @abc.abstractmethod
    def linalg_first_bad_minor(self, a, n):
        """Order of the first leading minor of one Hermitian matrix that is not positive
        definite (potrf's info), 0 if none; for error messages only."""

    # ---- neural-network primitives: convolution, pooling, softmax, nll_loss ----------------
    # Fused kernels that cannot be composed from the primitives above at a useful speed.
    # Geometry comes in plan.ConvPlan / PoolPlan / SoftmaxPlan (int64 arrays, so one
    # kernel per dtype serves every shape); operands are (buffer, offset).  Kernels
    # compute in the operands' dtype (the ops layer converts to compute_dtype first).
    @abc.abstractmethod
    def im2col(self, plan, x, out):
        """Unfold the receptive fields of an image batch into a column buffer.

        x: an (N, C, H, W) operand with strides plan.x_strides (any layout).  out: the
        column operand; element (n, k, p) is written at plan.cols_strides (n, k, p),
        every one of the plan.ncols elements, with zeros where a receptive field reaches
        into the padding.  Row k = (c*KH + i)*KW + j is kernel tap (i, j) of channel c;
        column p = oh*OW + ow is an output position; with plan.ones, each group of
        channels' rows is followed by a row of ones (for a bias folded into the GEMM;
        see plan.ConvPlan).  The column layout is the caller's choice (per sample
        (N, K, P) or batch-wide (K, N, P)), so a GEMM can read it in place."""

    @abc.abstractmethod
    def col2im(self, plan, cols, out):
        """The adjoint of im2col: out[n, c, h, w] = the sum of every column element
        (n, k, p) that im2col would have copied from (n, c, h, w) (rows of ones are
        skipped).

        cols: the column operand (strides plan.cols_strides).  out: the (N, C, H, W)
        operand with strides plan.x_strides; every element is written (elements no
        window covers get 0), so out need not be initialised."""

    @abc.abstractmethod
    def max_pool(self, plan, x, out, indices):
        """Max pooling over the (H, W) planes of an (N, C, H, W) operand x (strides
        plan.x_strides) into out (strides plan.y_strides; shape (N, C, OH, OW)), each
        window given by plan's tables (see plan.PoolPlan).  indices: a contiguous int64
        operand of the output's shape receiving the flat position ih*W + iw of the first
        maximum in each window; a NaN counts as a maximum and propagates (of several
        NaNs the last is recorded, as in PyTorch's CPU kernel).  Integer dtypes start from
        their minimum, floats from -inf.  Every window holds at least one element."""

    @abc.abstractmethod
    def max_pool_backward(self, plan, grad, indices, out):
        """out = the input-shaped gradient of max_pool: 0 everywhere, plus each output's
        gradient grad[n, c, oh, ow] (strides plan.y_strides) added at its window's
        recorded maximum indices[n, c, oh, ow] (contiguous int64, positions within the
        plane).  out: (N, C, H, W) with strides plan.x_strides, fully written."""

    @abc.abstractmethod
    def avg_pool(self, plan, x, out):
        """Average pooling: out[n, c, oh, ow] = the sum of x over the window divided by
        plan.divisor if nonzero, else by div_h[oh] * div_w[ow] (plan.tables).  Windows
        are contiguous (the plan's dilation is 1; PyTorch's average pools have none).  Integer
        dtypes divide truncating toward zero (C++'s rule, as PyTorch's kernel does).
        x strides plan.x_strides, out strides plan.y_strides."""

    @abc.abstractmethod
    def avg_pool_backward(self, plan, grad, out):
        """The adjoint of avg_pool: out (input-shaped, strides plan.x_strides, fully
        written) = 0 plus grad[n, c, oh, ow] / divisor added over each window; grad has
        strides plan.y_strides."""

    @abc.abstractmethod
    def softmax(self, plan, x, out, log):
        """out = softmax(x) (log: log_softmax) along the n axis of a SoftmaxPlan
        (outer, n, inner); x and out are contiguous operands of one float dtype.
        Numerically stable: the line's maximum is subtracted before exp, and
        log_softmax is x - max - log(sum(exp(x - max))).  n >= 1."""

    @abc.abstractmethod
    def softmax_backward(self, plan, grad, result, out, log):
        """The gradient of softmax (log_softmax) along n: with y = result,
        out = y * (grad - sum(grad * y)) (softmax) or grad - exp(y) * sum(grad)
        (log_softmax), the sums along n.  grad, result and out are contiguous operands
        of one float dtype, laid out as the SoftmaxPlan says."""

    @abc.abstractmethod
    def nll_loss(self, x, target, weight, n, c, ignore_index, reduction, out, total_weight):
        """The negative log-likelihood loss of n rows of c log-probabilities.

        x: a contiguous (n, c) operand of one float dtype; target: a contiguous int64
        operand of n class indices; weight: a contiguous operand of c class weights in
        x's dtype, or None (every weight 1).  A row whose target is ignore_index
        counts for nothing (loss 0, weight 0).  reduction 'none': out (n elements)
        gets -x[i, target[i]] * weight[target[i]]; 'sum' / 'mean': out (one element)
        gets the sum of those, added in PyTorch's order (a cascade of partial sums
        that folds every 2**p rows, p = max(4, ceil(log2(n)) // 8)) and divided by the
        total weight for 'mean', and total_weight (one element) that total (the count
        of rows not ignored when weight is None).  Returns None, or the first target
        (in row order) outside [0, c) that is not ignore_index; then the outputs are
        undefined."""

    @abc.abstractmethod
    def nll_loss_backward(self, grad, target, weight, n, c, ignore_index, reduction,
                          total_weight, out):
        """The gradient of nll_loss with respect to x: out (a contiguous (n, c) operand,
        fully written) is 0 but at each (i, target[i]) whose target is not
        ignore_index, where it is weight[target[i]] * -g (1 * -g when weight is None)
        with g = grad[i] ('none', n elements), grad[0] ('sum') or grad[0] /
        total_weight[0] ('mean'), as PyTorch rounds it.  Targets are in range (the
        forward checked them)."""
