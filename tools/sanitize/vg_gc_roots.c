// Preloaded into the firmware under valgrind only (tools/sanitize/run.py builds it and sets
// LD_PRELOAD): a valgrind function wrapper around MicroPython's gc_collect_root().
//
// MicroPython's GC is conservative: gc_helper_collect_regs_and_stack() (shared/runtime)
// hands the whole live C stack, from the registers it spills there up to the stack's top,
// to gc_collect_root() as candidate pointers.  Memcheck counts every stack slot a frame has
// not written yet as undefined (it still holds a stale word of an older frame), so the scan
// reads undefined words; a stale word that points into the heap marks a block, and the mark
// bit's position is computed from the word's low bits, so the GC's allocation table becomes
// "undefined" too, and from there every block address gc_alloc() returns: memcheck then
// reports "uninitialised value" uses in gc_alloc, in the sweep, and in whatever code touches
// a new object (mp_obj_new_tuple, ...), each with origin "a stack allocation" in whichever
// function last left a word there (checked with --track-origins=yes).  A suppression file
// cannot tell those last ones from a real bug (their frames are ordinary code), so the
// undefinedness is stopped where it enters, and only there: the GC is given a copy of the
// words it scans, with the copy marked defined.  The stack itself stays as memcheck sees it
// (a real read of an unwritten local is still reported), the GC sees the same values.
#include <stddef.h>
#include <string.h>
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

#define CHUNK 256  // words per call: 2 KiB of the caller's stack (a thread's signal handler
                   // scans its own stack here, with the port's 8 KiB overflow margin)

void I_WRAP_SONAME_FNNAME_ZU(NONE, gc_collect_root)(void **ptrs, size_t len);
void I_WRAP_SONAME_FNNAME_ZU(NONE, gc_collect_root)(void **ptrs, size_t len) {
    OrigFn fn;
    VALGRIND_GET_ORIG_FN(fn);
    void *copy[CHUNK];
    while (len > 0) {
        size_t n = len < CHUNK ? len : CHUNK;
        memcpy(copy, ptrs, n * sizeof(void *));
        VALGRIND_MAKE_MEM_DEFINED(copy, n * sizeof(void *));
        CALL_FN_v_WW(fn, copy, n);
        ptrs += n;
        len -= n;
    }
}
