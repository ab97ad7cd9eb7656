"""Makes the copy of a release binary that valgrind runs (scripts/link/generate-order.sh,
bench/gateway_instructions.sh):
- without debug info: valgrind cannot read the static binary's DWARF, and the symbol
  table is all it needs;
- with its constants writable: valgrind's sigsuspend writes into the signal mask it is
  given, and libdispatch passes a const one, which the release link keeps in read-only
  memory (text.ld), so valgrind would die of SIGSEGV inside itself.
What valgrind counts does not depend on either.

    profile-copy.py BINARY COPY
"""
import struct
import subprocess
import sys

PT_LOAD, PF_X, PF_W = 1, 1, 2


def make_constants_writable(path):
    with open(path, "r+b") as binary:
        header = binary.read(64)
        assert header[:4] == b"\x7fELF" and header[4] == 2 and header[5] == 1, "64-bit little-endian ELF only"
        phoff, = struct.unpack_from("<Q", header, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        for index in range(phnum):
            offset = phoff + index * phentsize
            binary.seek(offset)
            kind, flags = struct.unpack("<II", binary.read(8))
            if kind == PT_LOAD and not flags & (PF_X | PF_W):
                binary.seek(offset + 4)
                binary.write(struct.pack("<I", flags | PF_W))


if __name__ == "__main__":
    binary, copy = sys.argv[1:3]
    subprocess.run(["strip", "-g", "-o", copy, binary], check=True)
    make_constants_writable(copy)
