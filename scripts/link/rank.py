"""Ranks the functions in callgrind profiles by the instructions spent in each
(exclusive, summed over the profiles), hottest first, one mangled name per line: the
symbol ordering file for lld (scripts/link/generate-order.sh). Functions that ran but spent no
counted instruction (seen only as callees) come last.

    rank.py RUNNING_PROFILE... [--start-up START_UP_PROFILE...]

Functions that ran after start-up (the RUNNING profiles) come first; those that ran only
during start-up follow. Each process hands its start-up pages back when start-up ends
(Sources/CStartupPages), so what it faults in afterwards should be packed together,
not spread among functions start-up alone ran."""
import collections
import re
import sys

NAME = re.compile(r"(c?fn)=\((\d+)\)(?: (.*))?")


def rank(paths):
    cost = collections.Counter()
    for path in paths:
        names, current, after_call = {}, None, False
        for line in open(path, errors="replace"):
            match = NAME.match(line.rstrip("\n"))
            if match:
                kind, number, name = match.groups()
                if name:
                    names[number] = name.strip()
                cost[names.get(number)] += 0
                if kind == "fn":
                    current = names.get(number)
                continue
            if line.startswith("calls="):
                after_call = True  # the next cost line is the call's inclusive cost
                continue
            if current and line[:1] in "0123456789+-*":
                fields = line.split()
                if not after_call and len(fields) >= 2:
                    cost[current] += int(fields[1])
            after_call = False
    # callgrind marks recursion levels with 'N, names unnamed code by its address and
    # has pseudo-functions such as "(below main)": none of them is a symbol
    return [n for n, _ in sorted(cost.items(), key=lambda kv: (-kv[1], kv[0] or ""))
            if n and "'" not in n and not n.startswith("0x") and not any(c.isspace() for c in n)]


def order(running, start_up):
    first = rank(running)
    seen = set(first)
    return first + [name for name in rank(start_up) if name not in seen]


if __name__ == "__main__":
    arguments = sys.argv[1:]
    split = arguments.index("--start-up") if "--start-up" in arguments else len(arguments)
    print("\n".join(order(arguments[:split], arguments[split + 1:])))
