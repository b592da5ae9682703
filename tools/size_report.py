#!/usr/bin/env python3
"""Firmware size: ours against stock (.text/.data/.bss), and what our code is made of.

usage: size_report.py OURS.elf STOCK.elf [--markdown OUT.md]

The per-part share is read from the linker map of our firmware: C objects by file, and
the Rust library (linked as one relocatable object) by section name, each named after its
function."""
import subprocess
import sys


def size(elf):
    out = subprocess.run(["arm-none-eabi-size", elf], capture_output=True, text=True, check=True).stdout
    text, data, bss = out.splitlines()[1].split()[:3]
    return int(text), int(data), int(bss)


import re


def classify_rust(section):
    """A section of the Rust object by its name: the crate is named inside both manglings
    (legacy _ZN6rustos..., v0 _RNv...6rustos...)."""
    name = section.split(".", 2)[-1]
    if name.startswith("unlikely."):
        name = name[len("unlikely.") :]
    if name.startswith("rustos_"):
        return "rustos (our Rust)"
    if name.startswith(("_ZN", "_R")):
        for marker, part in (
            ("6rustos", "rustos (our Rust)"),
            ("17compiler_builtins", "compiler_builtins"),
            ("9getrandom", "getrandom"),
            ("5alloc", "Rust core/alloc"),
            ("4core", "Rust core/alloc"),
        ):
            if marker in name:
                return part
    if name.startswith("__aeabi"):
        return "compiler_builtins"
    if name.startswith("str") or name.startswith("cst") or name.startswith(".Lanon"):
        return "string literals and constants (Rust)"
    return "Rust, other"


def parts(elf):
    """Bytes of code and read-only data per part, from the linker map next to the ELF."""
    totals = {}
    text = open(elf[: -len(".elf")] + ".map").read()
    # Only what was linked: the map first lists the sections --gc-sections discarded.
    text = text[text.index("Linker script and memory map") :]
    # "<section> 0xADDR 0xSIZE <object>", the section name sometimes alone on its line.
    for m in re.finditer(r"^ (\.(?:text|rodata)\S*)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$", text, re.M):
        section, size, obj = m.group(1), int(m.group(2), 16), m.group(3)
        if obj.endswith("/rustos/rustos.o"):
            part = classify_rust(section)
        elif obj.endswith("/rustos/c/lfs1.o"):
            part = "littlefs v1 (C, lib/littlefs)"
        elif obj.endswith("/rustos/c/lfs2.o"):
            part = "littlefs v2 (C, lib/littlefs)"
        elif "/rustos/c/" in obj:
            part = "our C glue"
        elif "/qemu_hal/" in obj:
            part = "QEMU HAL shims (ports/qemu/hal)"
        else:
            continue
        totals[part] = totals.get(part, 0) + size
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def main():
    ours, stock = sys.argv[1], sys.argv[2]
    (ot, od, ob), (st, sd, sb) = size(ours), size(stock)
    lines = [
        "| section | ours | stock | ours/stock |",
        "| --- | ---: | ---: | ---: |",
        "| .text | %d | %d | %.3f |" % (ot, st, ot / st),
        "| .data | %d | %d | %.3f |" % (od, sd, od / sd if sd else 0),
        "| .bss | %d | %d | %.3f |" % (ob, sb, ob / sb if sb else 0),
        "",
        "| part of our firmware (code and read-only data, from the linker map) | bytes |",
        "| --- | ---: |",
    ]
    for part, n in parts(ours).items():
        lines.append("| %s | %d |" % (part, n))
    report = "\n".join(lines)
    print(report)
    if "--markdown" in sys.argv:
        with open(sys.argv[sys.argv.index("--markdown") + 1], "w") as f:
            f.write(report + "\n")


main()
