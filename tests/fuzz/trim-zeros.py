#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Writes a fuzz seed: flag byte 0, then an image without its trailing all-zero blocks
# (fuzz_ext4 and fuzz_fat read zeros past their input, so the cut changes nothing for the
# reader and keeps seeds small).
#   trim-zeros.py IMAGE OUT BLOCK_SIZE
import sys

data = open(sys.argv[1], 'rb').read()
block = int(sys.argv[3])
end = len(data)
while end >= block and not any(data[end - block:end]):
    end -= block
open(sys.argv[2], 'wb').write(b'\0' + data[:end])
