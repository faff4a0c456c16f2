"""float32 batches of mid-size matrix products, with a register-blocked kernel of our own.

OpenBLAS (the BLAS SciPy ships) multiplies float32 matrices of a hundred or a few
hundred rows well below this machine's peak (a 128 x 784 @ 784 x 128 product: 134
GFLOP/s on one core, PyTorch's MKL 187; a (32,128,128) bmm took 1.2-1.35x PyTorch's
time).  The product here is the classic one (as in BLIS): B is copied into panels of
NR columns and A into panels of MR rows, each laid out so that one step along the
depth reads contiguous memory (a transposed A is read in place: it is laid out so
already); a micro-kernel then keeps an MR x NR block of C in 16 vector registers while
it walks the depth, one broadcast element of A times one row of a B panel per fused
multiply-add.  While a product computes, its micro-kernel calls bring the next
product's A and B into L2 (a prefetch is a hint: it never faults, wherever it points).

The micro-kernel and the 8 x 8 transpose that packs A are written in LLVM IR: explicit
16-float vectors keep the accumulators in registers (measured on a hot 8 x 32 block:
206 GFLOP/s on one core, about 95% of the best this core reached in any product).
AVX-512 machines run each vector as one instruction; others split it (correct, but
slower than the BLAS: the backend uses the kernel only where it runs natively).

Only products in whole blocks of MR rows and a depth in steps of 8 come here (takes; a
last partial panel of columns is padded with zeros and computed into a tile), as batches
shared out over the threads a product each, or as lone products split over them a block
of columns each (see cpu._own_parts); the kernel checks that each matrix lies inside its
buffer before anything runs.  Results differ from the BLAS's in rounding only (the depth
is summed in order, with fused multiply-adds).
"""
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from .jit_options import NO_PYTHON_ENTRY
from .matmul_kernels import _copy_line, _inside

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)

MR = 8     # rows of C per micro-kernel call
NR = 32    # columns of C per call: two vectors of 16 floats
KC = 256   # depth per packed block: a B panel (KC x NR floats, 32 KB) stays in L1
_LANES = 16
_FLOAT = ir.FloatType()
_VECTOR = ir.VectorType(_FLOAT, _LANES)
_WORD = ir.IntType(64)


@intrinsic
def _micro(typingctx, kc, pa, a_rows, a_steps, pb, ldb, pc, ldc, add, pf, pf_step):
    """The micro-kernel: the MR x NR block of C at address pc (rows ldc floats apart) =
    (or, where add is not 0, +=) A block @ B block over kc >= 1 steps of the depth.
    A's element (i, p) lies at pa + 4 * (i * a_rows + p * a_steps); B's row p (NR
    contiguous floats) at pb + 4 * p * ldb.  Step p also asks for the line at address
    pf + p * pf_step to be brought into L2 (the next product's operands: see _product)."""
    sig = types.void(*([types.intp] * 11))

    def codegen(context, builder, signature, args):
        kc, pa, a_rows, a_steps, pb, ldb, pc, ldc, add, pf, pf_step = args
        fma = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(_VECTOR, [_VECTOR] * 3), "llvm.fma.v16f32")
        byte_pointer = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        prefetch = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]),
            "llvm.prefetch.p0")
        floats, vectors = _FLOAT.as_pointer(), _VECTOR.as_pointer()
        a, b = builder.inttoptr(pa, floats), builder.inttoptr(pb, floats)
        a_starts = [builder.gep(a, [builder.mul(ir.Constant(_WORD, i), a_rows)])
                    for i in range(MR)]
        zero = ir.Constant(_VECTOR, [0.0] * _LANES)
        splat = ir.Constant(ir.VectorType(ir.IntType(32), _LANES), [0] * _LANES)
        entry = builder.block
        loop = builder.append_basic_block("micro.step")
        done = builder.append_basic_block("micro.done")
        builder.branch(loop)
        builder.position_at_end(loop)
        p = builder.phi(_WORD)
        p.add_incoming(ir.Constant(_WORD, 0), entry)
        acc = []
        for _ in range(MR * 2):
            phi = builder.phi(_VECTOR)
            phi.add_incoming(zero, entry)
            acc.append(phi)
        row = builder.gep(b, [builder.mul(p, ldb)])
        bv = [builder.load(builder.bitcast(builder.gep(row, [ir.Constant(_WORD, _LANES * j)]),
                                           vectors), align=4) for j in (0, 1)]
        step = builder.mul(p, a_steps)
        new = []
        for i in range(MR):
            x = builder.load(builder.gep(a_starts[i], [step]), align=4)
            xv = builder.insert_element(ir.Constant(_VECTOR, ir.Undefined), x,
                                        ir.Constant(ir.IntType(32), 0))
            xv = builder.shuffle_vector(xv, ir.Constant(_VECTOR, ir.Undefined), splat)
            new += [builder.call(fma, [xv, bv[j], acc[2 * i + j]]) for j in (0, 1)]
        ahead = builder.inttoptr(builder.add(pf, builder.mul(p, pf_step)), byte_pointer)
        builder.call(prefetch, [ahead, ir.Constant(i32, 0), ir.Constant(i32, 2),
                                ir.Constant(i32, 1)])  # read, into L2, data
        following = builder.add(p, ir.Constant(_WORD, 1))
        for phi, value in zip(acc, new):
            phi.add_incoming(value, loop)
        p.add_incoming(following, loop)
        builder.cbranch(builder.icmp_signed("<", following, kc), loop, done)
        builder.position_at_end(done)
        c = builder.inttoptr(pc, floats)
        places = [builder.bitcast(builder.gep(c, [builder.add(
            builder.mul(ir.Constant(_WORD, i), ldc), ir.Constant(_WORD, _LANES * j))]), vectors)
            for i in range(MR) for j in (0, 1)]
        with builder.if_else(builder.icmp_signed("!=", add, ir.Constant(_WORD, 0))) as (
                adding, setting):
            with adding:
                for at, value in zip(places, new):
                    builder.store(builder.fadd(builder.load(at, align=4), value), at, align=4)
            with setting:
                for at, value in zip(places, new):
                    builder.store(value, at, align=4)
        return context.get_dummy_value()
    return sig, codegen


# _transpose8's three rounds of shuffles: round r swaps blocks of 2^r elements between
# rows 2^r apart (the classic butterfly; LLVM picks the machine's shuffles)
_ROUNDS = (
    ([0, 8, 2, 10, 4, 12, 6, 14], [1, 9, 3, 11, 5, 13, 7, 15]),
    ([0, 1, 8, 9, 4, 5, 12, 13], [2, 3, 10, 11, 6, 7, 14, 15]),
    ([0, 1, 2, 3, 8, 9, 10, 11], [4, 5, 6, 7, 12, 13, 14, 15]))
_EIGHT = ir.VectorType(_FLOAT, 8)


@intrinsic
def _transpose8(typingctx, src, ld, dst, ldd):
    """The 8 x 8 block of floats at address src (rows ld floats apart) to address dst,
    transposed (its column j as the 8 contiguous floats at dst + 4 * ldd * j): how
    _pack_a lays out a panel of a row-major A, and _pack_b_t one of a transposed B, in
    24 shuffles instead of 64 scalar moves."""
    sig = types.void(types.intp, types.intp, types.intp, types.intp)

    def codegen(context, builder, signature, args):
        src, ld, dst, ldd = args
        floats, eights = _FLOAT.as_pointer(), _EIGHT.as_pointer()
        base = builder.inttoptr(src, floats)
        rows = [builder.load(builder.bitcast(
            builder.gep(base, [builder.mul(ir.Constant(_WORD, i), ld)]), eights), align=4)
            for i in range(8)]
        for r, (low, high) in enumerate(_ROUNDS):
            span = 1 << r
            out = list(rows)
            for i in range(8):
                if i & span:
                    continue
                pair = (rows[i], rows[i + span])
                out[i] = builder.shuffle_vector(*pair, ir.Constant(
                    ir.VectorType(ir.IntType(32), 8), low))
                out[i + span] = builder.shuffle_vector(*pair, ir.Constant(
                    ir.VectorType(ir.IntType(32), 8), high))
            rows = out
        target = builder.inttoptr(dst, floats)
        for j in range(8):
            builder.store(rows[j], builder.bitcast(
                builder.gep(target, [builder.mul(ir.Constant(_WORD, j), ldd)]), eights),
                align=4)
        return context.get_dummy_value()
    return sig, codegen


@intrinsic
def _row_part(typingctx, dst, src, src_step, count, add, pad):
    """The first count (0 to NR) elements of a row of the last, partial panel: the floats
    at address src, src_step floats apart, to the NR floats at address dst (or, where
    add is not 0, added to them); with pad the row's other elements become zeros, else
    they are left alone.  Masked vector moves: nothing outside the count is read, nor
    written without pad (a loop of scalar moves here cost half a second of compile
    time, vectorised by LLVM in several versions)."""
    sig = types.void(*([types.intp] * 6))

    def codegen(context, builder, signature, args):
        dst, src, src_step, count, add, pad = args
        i32, floats = ir.IntType(32), _FLOAT.as_pointer()
        words, masks = ir.VectorType(_WORD, _LANES), ir.VectorType(ir.IntType(1), _LANES)
        gather = cgutils.get_or_insert_function(builder.module, ir.FunctionType(
            _VECTOR, [ir.VectorType(floats, _LANES), i32, masks, _VECTOR]),
            "llvm.masked.gather.v16f32.v16p0")
        load = cgutils.get_or_insert_function(builder.module, ir.FunctionType(
            _VECTOR, [_VECTOR.as_pointer(), i32, masks, _VECTOR]), "llvm.masked.load.v16f32.p0")
        store = cgutils.get_or_insert_function(builder.module, ir.FunctionType(
            ir.VoidType(), [_VECTOR, _VECTOR.as_pointer(), i32, masks]),
            "llvm.masked.store.v16f32.p0")
        align, zero = ir.Constant(i32, 4), ir.Constant(_VECTOR, [0.0] * _LANES)

        def splat(value):
            v = builder.insert_element(ir.Constant(words, ir.Undefined), value,
                                       ir.Constant(i32, 0))
            return builder.shuffle_vector(v, ir.Constant(words, ir.Undefined), ir.Constant(
                ir.VectorType(i32, _LANES), [0] * _LANES))
        step_bytes = splat(builder.mul(src_step, ir.Constant(_WORD, 4)))
        first, counts = splat(src), splat(count)
        adding = builder.icmp_signed("!=", add, ir.Constant(_WORD, 0))
        padding = builder.icmp_signed("!=", pad, ir.Constant(_WORD, 0))
        out = builder.inttoptr(dst, floats)
        for half in (0, 1):
            lanes = ir.Constant(words, [half * _LANES + j for j in range(_LANES)])
            mask = builder.icmp_signed("<", lanes, counts)
            places = builder.inttoptr(builder.add(first, builder.mul(lanes, step_bytes)),
                                      ir.VectorType(floats, _LANES))
            value = builder.call(gather, [places, align, mask, zero])
            at = builder.bitcast(builder.gep(out, [ir.Constant(_WORD, half * _LANES)]),
                                 _VECTOR.as_pointer())
            value = builder.select(adding, builder.fadd(
                value, builder.call(load, [at, align, mask, zero])), value)
            with builder.if_else(padding) as (whole, part):
                with whole:
                    builder.store(value, at, align=4)
                with part:
                    builder.call(store, [value, at, align, mask])
        return context.get_dummy_value()
    return sig, codegen


def runs_natively():
    """Whether the core runs the micro-kernel's 16-float vectors as one instruction each
    (AVX-512F, as Numba compiles for it).  Elsewhere each vector splits in two, the 8 x
    32 block of C wants 32 vector registers of the 16 there are, and the kernel spills:
    on a 2-core AVX2 AMD EPYC it took 1.6-1.8x the BLAS's time (256^3 541 against 347
    us, a Linear layer's 128x784 @ 784x256 856 against 528, a (32,128,64) @ (32,64,128)
    bmm 1094 against 617), so the backend leaves such cores to the BLAS."""
    if not _native:
        from numba.core import config
        if config.CPU_NAME:  # Numba told to compile for another CPU
            features = config.CPU_FEATURES or ""
            _native.append("+avx512f" in features.split(","))
        else:
            import llvmlite.binding as llvm
            _native.append(bool(llvm.get_host_cpu_features().get("avx512f", False)))
    return _native[0]


_native = []


def takes(m, k, n):
    """Whether these kernels take products of this shape: whole MR-row blocks of C and a
    depth in whole steps of 8 (_transpose8); C's last columns may make a partial panel
    (_pack_b_edge), which the micro-kernel computes into a tile copied out at the end."""
    return m % MR == 0 and k % 8 == 0 and m * k * n > 0


def panels(n):
    """The panels of NR columns (the last one maybe partial) of n columns (the kernels
    count them so too)."""
    return -(-n // NR)


@njit(**HELPER)
def _aligned(scratch):
    """The first element of scratch on a 64-byte boundary (scratch has 16 spare)."""
    return ((-scratch.ctypes.data) % 64) // 4


@njit(**HELPER)
def _pack_b(pb, ldb, ncols, p0, kc, bp):
    """Rows p0:p0 + kc of B's ncols columns from address pb (a row-major matrix, rows ldb
    floats apart) into panels of NR columns (kc x NR floats each) from address bp, each
    row of a panel moved as two 64-byte lines (a slice copy per row cost 5x as much)."""
    for q in range(ncols // NR):
        src = pb + 4 * (p0 * ldb + q * NR)
        dst = bp + 4 * q * kc * NR
        for p in range(kc):
            _copy_line(dst, src)
            _copy_line(dst + 64, src + 64)
            src += 4 * ldb
            dst += 4 * NR


@njit(**HELPER)
def _pack_b_t(pb, ldb, ncols, p0, kc, bp):
    """_pack_b of a B given as its transpose (x @ w.t(), a Linear layer's product): B's
    column j is row j of the row-major matrix at address pb (rows ldb floats apart), so
    each panel is made of 8 x 8 transposes (kc is a multiple of 8)."""
    for q in range(ncols // NR):
        for g in range(0, NR, 8):
            src = pb + 4 * ((q * NR + g) * ldb + p0)
            dst = bp + 4 * (q * kc * NR + g)
            for p in range(0, kc, 8):
                _transpose8(src + 4 * p, ldb, dst + 4 * p * NR, NR)


@njit(**HELPER)
def _pack_b_edge(src, row_step, col_step, rem, kc, dst):
    """B's last, partial panel, its rem < NR columns (element (p, j) at address
    src + 4 * (p * row_step + j * col_step)) over kc rows, into the panel at address
    dst, padded with zeros to NR columns."""
    for p in range(kc):
        _row_part(dst + 4 * p * NR, src + 4 * p * row_step, col_step, rem, 0, 1)


@njit(**HELPER)
def _pack_a(pa, k, p0, kc, i0, ap):
    """Rows i0:i0 + MR of a row-major A (m x k, at address pa), its columns p0:p0 + kc,
    into one panel at address ap: kc x MR floats, a step's MR elements side by side,
    transposed 8 x 8 at a time (MR is 8; kc a multiple of 8)."""
    for p in range(0, kc, 8):
        _transpose8(pa + 4 * (i0 * k + p0 + p), k, ap + 4 * p * MR, MR)


@njit(**HELPER)
def _product(a_t, b_t, pa, pb, pc, m, k, ncols, ldb, ldc, accumulate, ap, bp, tile, next_a,
             next_b):
    """C = A @ B (or C += A @ B) over ncols columns of C, for one product at addresses
    pa, pb, pc: C row-major (m rows, ldc floats apart), A row-major (m, k) or (a_t) the
    transpose of a row-major (k, m) matrix, whose panels are read in place (a step's MR
    elements lie side by side there already), B row-major (rows ldb floats apart) or
    (b_t) the transpose of a row-major matrix (ncols rows ldb floats apart).  ap, bp,
    tile: 64-byte aligned scratch addresses.  A last partial panel of B's columns runs
    into the tile (m x NR floats), copied into C at the end.

    next_a, next_b: the addresses of the next work's A and B, which the micro-kernel
    calls bring into L2 a slice at a time while this product computes (its packing then
    reads them from L2, not from memory: a (32,128,128) bmm 500 -> 450 us here)."""
    full, rem = ncols // NR, ncols % NR
    row_panels, col_panels = m // MR, full + (1 if rem else 0)
    calls = row_panels * col_panels * ((k + KC - 1) // KC)
    a_bytes = 4 * m * k
    share = (a_bytes + 4 * k * ncols + calls - 1) // calls  # bytes brought in per call
    pf_step = share // min(KC, k) + 1
    call = 0
    for p0 in range(0, k, KC):
        kc = min(KC, k - p0)
        add = 1 if accumulate or p0 > 0 else 0
        if b_t:
            _pack_b_t(pb, ldb, full * NR, p0, kc, bp)
        else:
            _pack_b(pb, ldb, full * NR, p0, kc, bp)
        if rem:
            col = full * NR
            if b_t:
                _pack_b_edge(pb + 4 * (col * ldb + p0), 1, ldb, rem, kc, bp + 4 * col * kc)
            else:
                _pack_b_edge(pb + 4 * (p0 * ldb + col), ldb, 1, rem, kc, bp + 4 * col * kc)
        if not a_t:
            for r in range(row_panels):
                _pack_a(pa, k, p0, kc, r * MR, ap + 4 * r * kc * MR)
        for q in range(col_panels):
            b_panel = bp + 4 * q * kc * NR
            for r in range(row_panels):
                if a_t:
                    a_panel, a_steps = pa + 4 * (p0 * m + r * MR), m
                else:
                    a_panel, a_steps = ap + 4 * r * kc * MR, MR
                ahead = call * share  # this call's slice of the next A, then of the next B
                pf = next_a + ahead if ahead < a_bytes else next_b + (ahead - a_bytes)
                call += 1
                if q < full:
                    block, ld, adding = pc + 4 * (r * MR * ldc + q * NR), ldc, add
                else:  # the partial panel: into the tile, summed there over the depth
                    block, ld, adding = tile + 4 * r * MR * NR, NR, 1 if p0 > 0 else 0
                # (one call site: the micro-kernel's code is inlined wherever it is called)
                _micro(kc, a_panel, 1, a_steps, b_panel, NR, block, ld, adding, pf, pf_step)
    if rem:
        for i in range(m):
            _row_part(pc + 4 * (i * ldc + full * NR), tile + 4 * i * NR, 1, rem,
                      1 if accumulate else 0, 0)


@njit(**HELPER)
def _work(i, parts, a_t, b_t, a_offs, b_offs, c_offs, k, n):
    """Work item i: the columns of part i % parts of product i // parts, as (offset of
    its A, of its B, of its C in elements, its column count)."""
    j, part = i // parts, i % parts
    count = (n + NR - 1) // NR
    q0, q1 = part * count // parts, (part + 1) * count // parts
    col = q0 * NR
    return (a_offs[j], b_offs[j] + (col * k if b_t else col), c_offs[j] + col,
            min(q1 * NR, n) - col)


@njit(**HELPER)
def _products(a_t, b_t, a, a_offs, b, b_offs, c, c_offs, m, k, n, accumulate, parts, i0, i1):
    """Work items i0:i1 (see _work), with scratch of their own."""
    kc = min(KC, k)
    widest = -(-((n + NR - 1) // NR) // parts) * NR
    ap = np.empty(m * kc + 16, np.float32)
    bp = np.empty(widest * kc + 16, np.float32)
    tile = np.empty(m * NR + 16 if n % NR else 16, np.float32)
    pap, pbp = ap.ctypes.data + 4 * _aligned(ap), bp.ctypes.data + 4 * _aligned(bp)
    ptile = tile.ctypes.data + 4 * _aligned(tile)
    pa, pb, pc = a.ctypes.data, b.ctypes.data, c.ctypes.data
    ldb = k if b_t else n
    for i in range(i0, i1):
        ao, bo, co, ncols = _work(i, parts, a_t, b_t, a_offs, b_offs, c_offs, k, n)
        # (the last item brings in its own operands)
        next_ao, next_bo, _, _ = _work(min(i + 1, i1 - 1), parts, a_t, b_t, a_offs, b_offs,
                                       c_offs, k, n)
        _product(a_t, b_t, pa + 4 * ao, pb + 4 * bo, pc + 4 * co, m, k, ncols, ldb, n,
                 accumulate, pap, pbp, ptile, pa + 4 * next_ao, pb + 4 * next_bo)


@njit(**HELPER)
def _fit(a_offs, a, b_offs, b, c_offs, c, m, k, n):
    return _inside(a_offs, m * k, a.size) and _inside(b_offs, k * n, b.size) and \
        _inside(c_offs, m * n, c.size)


@njit(parallel=True, **OPTS)
def sgemm_par(a_t, b_t, a, a_offs, b, b_offs, c, c_offs, m, k, n, accumulate, parts, threads):
    """Every product C[i] = A[i] @ B[i] (+= with accumulate) of the batch, each in
    `parts` parts of its columns (whole panels of NR), the parts shared out over Numba's
    threads, one contiguous run per thread: a batch whole products a thread (parts 1), a
    lone product a part a thread.  float32 buffers, offsets in elements, A row-major or
    (a_t) the transpose of a row-major matrix, B likewise (b_t); a shape `takes`
    accepts, with parts at most panels(n).  threads: Numba's thread count (asked for in
    the kernel, it would keep the kernel out of the disk cache).  False, and nothing
    written, if a matrix would not lie inside its buffer."""
    if not _fit(a_offs, a, b_offs, b, c_offs, c, m, k, n):
        return False
    items = c_offs.size * parts
    runs = min(items, threads)
    for t in prange(runs):
        _products(a_t, b_t, a, a_offs, b, b_offs, c, c_offs, m, k, n, accumulate, parts,
                  t * items // runs, (t + 1) * items // runs)
    return True
