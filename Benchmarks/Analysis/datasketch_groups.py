#!/usr/bin/env python3
"""The clustering step of Analysis, written with datasketch's MinHash and MinHashLSH, for
Scripts/bench-analysis: the same masked forms, the same byte shingles (each token one byte), the
same bands x rows, the same threshold and the same union-find joining clusters by their roots.
Writes, for each form, the index of the first form of its group, or -1 when it is too short.

    datasketch_groups.py FORMS OUT [--shingle-size 5 --bands 16 --rows 4 --threshold 0.5 --minimum-shingles 12 --seed 18]
"""
import argparse

from datasketch import MinHash, MinHashLSH

# TokenKind.allCases order in Sources/Analysis: url, email, handle, phone, money, number, code.
TOKENS = {b"URL": 1, b"EMAIL": 2, b"HANDLE": 3, b"PHONE": 4, b"MONEY": 5, b"NUM": 6, b"CODE": 7}


def shingle_bytes(masked: str) -> bytes:
    out = bytearray()
    data = masked.encode("utf-8")
    i = 0
    while i < len(data):
        if data[i] == ord("<"):
            end = data.find(b">", i)
            if end > 0:
                out.append(TOKENS.get(data[i + 1:end], 0x1F))
                i = end + 1
                continue
        out.append(data[i])
        i += 1
    return bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("forms")
    parser.add_argument("out")
    parser.add_argument("--shingle-size", type=int, default=5)
    parser.add_argument("--bands", type=int, default=16)
    parser.add_argument("--rows", type=int, default=4)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--minimum-shingles", type=int, default=12)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    permutations = args.bands * args.rows
    lsh = MinHashLSH(num_perm=permutations, params=(args.bands, args.rows))
    with open(args.forms, encoding="utf-8") as f:
        forms = f.read().split("\n")[:-1]
    parent = list(range(len(forms)))
    signatures = {}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    k = args.shingle_size
    for index, masked in enumerate(forms):
        data = shingle_bytes(masked)
        if len(data) - k + 1 < max(1, args.minimum_shingles):
            parent[index] = -1
            continue
        minhash = MinHash(num_perm=permutations, seed=args.seed)
        minhash.update_batch([data[i:i + k] for i in range(len(data) - k + 1)])
        signatures[index] = minhash
        for candidate in lsh.query(minhash):
            a, b = root(index), root(candidate)
            if a != b and signatures[a].jaccard(signatures[b]) >= args.threshold:
                parent[max(a, b)] = min(a, b)
        lsh.insert(index, minhash)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("".join(f"{-1 if parent[i] == -1 else root(i)}\n" for i in range(len(forms))))


if __name__ == "__main__":
    main()
