#!/usr/bin/env python3
"""Pack the images tools/lfs_images/write.py wrote into tests/os/lfs_old_images_diff.py's
data block: each image zlib-compressed, base64, in 76-character lines.
Usage: pack.py IMAGE_DIR > data.txt (pasted between the markers in the test)."""
import base64
import os
import sys
import zlib

d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if not name.endswith(".img"):
        continue
    raw = open(os.path.join(d, name), "rb").read()
    z = base64.b64encode(zlib.compress(raw, 9)).decode()
    print("IMAGES[%r] = (" % name[:-4])
    for i in range(0, len(z), 76):
        print("    %r" % z[i : i + 76])
    print(")")
