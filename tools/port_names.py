#!/usr/bin/env python3
"""The names of the os and vfs module tables in preprocessed C (make check-ports).

usage: port_names.py STOCK_I OURS_I
Each file is C preprocessed with one board's configuration: STOCK_I is MicroPython's
extmod/modos.c and extmod/modvfs.c (stock's os and vfs on), OURS_I our c/modos.c.  The
keys of `os_module_globals_table` and `vfs_module_globals_table` are read from each, and
ours must have every name stock has.  Prints the names ours adds; exit 1 on any missing.
"""
import re
import sys


def tables(path):
    text = open(path).read()
    out = {}
    for m in re.finditer(r"\b(os|vfs)_module_globals_table\s*\[\s*\]\s*=\s*\{(.*?)\};", text, re.S):
        # Each entry is { key, value }; the key is the first qstr of the entry.
        entries = re.findall(r"\{\s*([^{}]*?MP_QSTR_\w+[^{}]*?),", m.group(2))
        names = {re.search(r"MP_QSTR_(\w+)", e).group(1) for e in entries}
        out.setdefault(m.group(1), set()).update(names)
    return out


stock, ours = tables(sys.argv[1]), tables(sys.argv[2])
bad = False
for mod in ("os", "vfs"):
    if mod not in stock or mod not in ours:
        print("%s: module table not found (stock %s, ours %s)" % (mod, mod in stock, mod in ours))
        bad = True
        continue
    missing = sorted(stock[mod] - ours[mod])
    if missing:
        print("%s: stock has, ours lacks: %s" % (mod, " ".join(missing)))
        bad = True
    print("%s: %d names, stock's %d; ours adds: %s" % (mod, len(ours[mod]), len(stock[mod]),
                                                       " ".join(sorted(ours[mod] - stock[mod])) or "nothing"))
sys.exit(1 if bad else 0)
