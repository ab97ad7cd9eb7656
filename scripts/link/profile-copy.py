"""Makes the constants of a copy of a release binary writable, for profiling it under
valgrind (scripts/link/generate-order.sh). Valgrind's sigsuspend writes into the signal
mask it is given, and libdispatch passes a const one, which the release link keeps in
read-only memory (text.ld): valgrind then dies of SIGSEGV inside itself. Only the copy
valgrind runs is changed; the function order it yields does not depend on this.

    profile-copy.py BINARY
"""
import struct
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
    make_constants_writable(sys.argv[1])
