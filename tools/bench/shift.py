# usage: micropython shift.py K SCRIPT ARGS...
#
# Interns K new names, then compiles and runs SCRIPT with ARGS as its sys.argv[1:].  Every
# name SCRIPT brings (its identifiers, attribute names) then gets a qstr number K higher.
#
# Why: MicroPython's map lookup cache (MICROPY_OPT_MAP_LOOKUP_CACHE) has 128 slots chosen by
# the qstr number alone, shared by all maps.  Two names used in the same loop that land in
# one slot evict each other, and each miss costs a hash probe, or a linear scan of a ROM
# table such as the builtins.  A firmware with other static qstrs numbers a script's names
# differently: one numbering ran `tools/bench` "read 256K in 4K chunks" 25% slower than
# another, on either firmware.  Running both firmwares under the same set of shifts takes
# that draw out of the ratios, as code layouts do for where the interpreter sits.
import sys

_k = int(sys.argv[1])
_script = sys.argv[2]
sys.argv[:] = sys.argv[2:]


class _Names:
    pass


_names = _Names()
for _i in range(_k):
    setattr(_names, "_shift%d" % _i, None)
_names = None
exec(open(_script).read())
