"""The release link's layout tools (scripts/link): the callgrind ranking that makes
order.txt, and the flags every release build shares. What the layout saves is
measured by the benchmarks (bench/findings.md, scenario 6), not asserted here."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINK = REPO / "scripts" / "link"
sys.path.insert(0, str(LINK))
import rank  # noqa: E402

# callgrind's format, compressed as it writes it: a name is given once with its
# number, later only the number; a cost line after `calls=` is the call's inclusive cost.
PROFILE = """\
version: 1
events: Ir
fn=(1) main
0 10
cfn=(2) hot
calls=3 0
0 900
cfn=(3) only_called
calls=1 0
0 0
fn=(2)
0 500
+1 400
fn=(4) 0x0000000000001050
0 999
fn=(5) hot'2
0 50
fn=(6) warm
0 20
fn=(9) (below main)
0 70
"""


def test_rank_orders_by_own_instructions_and_skips_call_costs(tmp_path):
    profile = tmp_path / "callgrind.out.1"
    profile.write_text(PROFILE)
    # hot 900 own (not main's 900 inclusive call cost), warm 20, main 10; a function
    # seen only as a callee comes last; unnamed code and recursion levels are left out.
    assert rank.rank([str(profile)]) == ["hot", "warm", "main", "only_called"]


def test_rank_sums_the_gateway_and_executor_profiles(tmp_path):
    (tmp_path / "a").write_text("fn=(1) shared\n0 5\nfn=(2) gateway_only\n0 8\n")
    (tmp_path / "b").write_text("fn=(7) executor_only\n0 6\nfn=(8) shared\n0 5\n")
    assert rank.rank([str(tmp_path / "a"), str(tmp_path / "b")]) == ["shared", "gateway_only", "executor_only"]


def test_order_file_lists_symbol_names_one_per_line():
    names = (LINK / "order.txt").read_text().splitlines()
    assert len(names) > 1000, "order.txt is (nearly) empty: rerun scripts/link/generate-order.sh"
    assert len(set(names)) == len(names)
    assert all(name and not re.search(r"\s", name) for name in names)
    assert any(name.startswith("$s7Gateway") for name in names) and any(name.startswith("$s8Executor") for name in names)


def release_flags() -> str:
    return subprocess.run([str(LINK / "release-flags")], capture_output=True, text=True, check=True).stdout


def test_release_flags_name_files_that_exist():
    flags = release_flags()
    assert "-c release" in flags and "--static-swift-stdlib" in flags
    for path in re.findall(r"(?:--symbol-ordering-file=|-T -Xlinker )(\S+)", flags):
        assert Path(path).is_file(), path
    assert len(re.findall(r"(?:--symbol-ordering-file=|-T -Xlinker )", flags)) == 2


def test_make_release_and_the_image_build_use_the_same_flags():
    makefile = (REPO / "Makefile").read_text()
    for target in ("release", "bench"):
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
        assert "./scripts/link/build-release" in recipe and "swift build" not in recipe, recipe
    assert "$flags" in (LINK / "build-release").read_text()
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "COPY scripts/link ./scripts/link" in dockerfile
    assert dockerfile.count("swift build $(scripts/link/release-flags) --product") == 2
    assert "-c release --static-swift-stdlib" not in dockerfile  # no second, diverging list
    assert "!scripts/link/" in (REPO / ".dockerignore").read_text().splitlines()


def toolchain_tool(name: str) -> str | None:
    swift = shutil.which("swift")
    candidate = Path(os.path.realpath(swift)).parent / name if swift else None
    return str(candidate) if candidate and candidate.exists() else shutil.which(name)


def test_lld_places_ordered_and_private_functions_first(tmp_path):
    """A small C program linked with the release link flags: the ordered function
    comes first in .text, the compiler-private section lands in .text.private, and
    the program (packed relocations, nothing exported) runs."""
    clang = toolchain_tool("clang")
    if not clang or not toolchain_tool("ld.lld"):
        pytest.skip("the Swift toolchain's clang and ld.lld are not here")
    (tmp_path / "p.c").write_text(
        "#include <stdio.h>\n"
        "__attribute__((noinline)) int cold(int x) { return x * 3; }\n"
        "__attribute__((noinline)) int hot(int x) { return x + 1; }\n"
        "__attribute__((noinline, section(\".text..Lprivate_1\"))) int private_helper(int x) { return x - 2; }\n"
        "static const char *names[] = {\"a\", \"b\"};\n"  # a relative relocation for RELR
        "int main(void) { printf(\"%s%d\\n\", names[1], hot(1) + cold(1) + private_helper(3)); return 0; }\n")
    (tmp_path / "order.txt").write_text("hot\nmain\n")
    flags = release_flags()
    linker = re.findall(r"-Xlinker (\S+)", flags)
    linker = [arg.replace(str(LINK / "order.txt"), str(tmp_path / "order.txt")) for arg in linker]
    # --export-dynamic first (as swiftc passes it): only the release flags' later
    # --no-export-dynamic can keep `hot` out of the dynamic symbol table.
    command = [clang, "-O1", "-fPIE", "-pie", "-ffunction-sections", "-fuse-ld=lld", str(tmp_path / "p.c"),
               "-o", str(tmp_path / "p"), "-Wl,--export-dynamic"] + [f"-Wl,{arg}" for arg in linker]
    build = subprocess.run(command, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert subprocess.run([str(tmp_path / "p")], capture_output=True, text=True).stdout == "b6\n"
    symbols = {}
    for line in subprocess.run(["nm", str(tmp_path / "p")], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols[parts[2]] = int(parts[0], 16)
    assert symbols["hot"] < symbols["main"] < symbols["cold"]
    sections = subprocess.run(["readelf", "-S", "-W", str(tmp_path / "p")], capture_output=True, text=True).stdout
    assert re.search(r"\.text\.private\s", sections) and ".relr.dyn" in sections
    private = re.search(r"\.text\.private\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", sections)
    start, size = int(private.group(1), 16), int(private.group(2), 16)
    assert start <= symbols["private_helper"] < start + size
    dynamic = subprocess.run(["nm", "-D", "--defined-only", str(tmp_path / "p")], capture_output=True, text=True).stdout
    assert "hot" not in dynamic.split()
