"""Non-temporal ("streaming") stores for element-wise results far larger than the caches.

A plain store first reads the line it writes (the cache must own it), so an add of 1e7
float32 moves 160 MB for 120 MB of data; a non-temporal store writes whole 64-byte lines
straight to memory.  Measured on this project's 2-core machine: a + b of 1e7 float32
3.6-3.9 -> 2.4-2.8 ms on two threads, 8.1-9.0 -> 5.0-5.5 ms on one; no gain at 4e6 (the
result still fits in the last-level cache, where a later read finds it).

Numba's loop vectoriser refuses a non-temporal store it cannot prove aligned, so the
element-wise kernels compute each block of STREAM_BLOCK elements into a small buffer
that stays in L1 (with their ordinary serial loop) and stream_lines copies it out a line
at a time.  The stores are weakly ordered: each thread ends its share with
stream_fence() before the kernel's threads join.
"""
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

LINE = 64  # bytes in a cache line, and in one streaming store
STREAM_BLOCK = 1024  # elements computed into the L1 buffer at a time (a multiple of LINE)
SHARE_BLOCKS = 64  # blocks per parallel work item: one buffer and one fence each

_OPTS = dict(cache=True, nogil=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)
_BYTE_PTR = ir.IntType(8).as_pointer()
_LINE_TYPE = ir.VectorType(ir.IntType(64), LINE // 8)


def _byte_address(context, builder, array_type, array, byte_offset):
    data = context.make_array(array_type)(context, builder, array).data
    return builder.gep(builder.bitcast(data, _BYTE_PTR), [byte_offset])


@intrinsic
def _store_line(typingctx, src, src_byte, dst, dst_byte):
    """Copy the 64 bytes at src's byte src_byte to dst's byte dst_byte, which must be
    64-byte aligned, with a non-temporal store."""
    sig = types.void(src, src_byte, dst, dst_byte)

    def codegen(context, builder, signature, args):
        src_v, src_off, dst_v, dst_off = args
        src_ptr = _byte_address(context, builder, signature.args[0], src_v, src_off)
        dst_ptr = _byte_address(context, builder, signature.args[2], dst_v, dst_off)
        line = builder.load(builder.bitcast(src_ptr, _LINE_TYPE.as_pointer()), align=8)
        store = builder.store(line, builder.bitcast(dst_ptr, _LINE_TYPE.as_pointer()),
                              align=LINE)
        store.set_metadata("nontemporal",
                           builder.module.add_metadata([ir.Constant(ir.IntType(32), 1)]))
        return context.get_dummy_value()
    return sig, codegen


@intrinsic
def stream_fence(typingctx):
    """Order this thread's streaming stores before what follows (x86's sfence)."""
    sig = types.void()

    def codegen(context, builder, signature, args):
        builder.fence("seq_cst")  # mfence on x86: it drains the write-combining buffers too
        return context.get_dummy_value()
    return sig, codegen


@njit(**_OPTS)
def stream_head(y, oy, n):
    """How many of y[oy:oy + n] come before the first element on a 64-byte boundary
    (all n where no element ever is: a buffer not aligned to its item size)."""
    size = y.itemsize
    address = y.ctypes.data + oy * size
    if address % size != 0:
        return n
    return min(n, ((-address) % LINE) // size)


@njit(**_OPTS)
def stream_lines(src, dst, dst_index, count):
    """Copy src[:count] to dst[dst_index:dst_index + count] with streaming stores; the
    destination must start on a 64-byte boundary and count * itemsize be whole lines."""
    size = dst.itemsize
    base = dst_index * size
    for k in range(0, count * size, LINE):
        _store_line(src, k, dst, base + k)
