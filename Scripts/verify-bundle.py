#!/usr/bin/env python3
"""Independent Custody bundle verifier (docs/VERIFYING.md, docs/LEDGER.md).

    python3 verify-bundle.py BUNDLE [VERIFIER_KEY_FILE]

Standard library plus `cryptography`. Prints "OK: ..." and exits 0, or the first problem and exits 1.
Without VERIFIER_KEY_FILE it trusts the bundle's own keys/ (say so in your report)."""
import base64, csv, hashlib, io, json, os, re, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

H = lambda *parts: hashlib.sha256(b"".join(parts)).digest()
LINE = re.compile(rb'^\{"entry":(.*),"hash":"([0-9a-f]{64})","sig":"([A-Za-z0-9+/]{86}==)"\}$', re.S)
DERIVED = re.compile(r"^(ledger\.jsonl|checkpoint|proofs/.*)$")  # written after the export entry

class Bad(Exception): pass

def parse_key(s):  # name+hexkeyid+base64(0x01||pubkey)
    name, kid, b64 = s.strip().split("+", 2)
    raw = base64.b64decode(b64, validate=True)
    if raw[0] != 1 or len(raw) != 33 or H(name.encode(), b"\n", raw)[:4].hex() != kid: raise Bad(f"bad verifier key {s!r}")
    return name, kid, raw[1:]

def ed25519_ok(pub, sig, msg):
    try: Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg); return True
    except Exception: return False

def mth(leaves):
    if len(leaves) == 1: return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return H(b"\x01", mth(leaves[:k]), mth(leaves[k:]))

def inclusion_ok(index, size, leaf, proof, root):  # RFC 9162 section 2.1.3.2
    if index >= size: return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = H(b"\x01", p, r)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else:
            r = H(b"\x01", r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root

def read(root, p): return open(os.path.join(root, p), "rb").read()

def verify(root, key_file=None):
    # 1. MANIFEST.sha256: every file listed with its hash, nothing more, nothing less.
    on_disk = {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs} - {"MANIFEST.sha256"}
    manifest = read(root, "MANIFEST.sha256").decode()
    listed = {}
    for n, line in enumerate(manifest.splitlines(), 1):
        m = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if not m: raise Bad(f"MANIFEST.sha256 line {n}: malformed")
        listed[m.group(2)] = m.group(1)
    for p in sorted(set(listed) | on_disk):
        if p not in on_disk: raise Bad(f"{p}: listed in MANIFEST.sha256 but missing")
        if p not in listed: raise Bad(f"{p}: not listed in MANIFEST.sha256")
        if hashlib.sha256(read(root, p)).hexdigest() != listed[p]: raise Bad(f"{p}: SHA-256 differs from MANIFEST.sha256")
    # 2. Trusted keys.
    key_texts = open(key_file).read().split() if key_file else [read(root, p).decode() for p in sorted(listed) if p.startswith("keys/")]
    trusted = [parse_key(k) for k in key_texts]
    # 3. ledger.jsonl: canonical bodies, hashes, signatures by active stations, roster.
    raw = read(root, "ledger.jsonl")
    if not raw.endswith(b"\n"): raise Bad("ledger.jsonl: last line has no newline")
    lines = raw[:-1].split(b"\n")
    entries, keys, roster, prev = [], {}, set(), None
    for i, line in enumerate(lines):
        m = LINE.match(line)
        if not m: raise Bad(f"ledger.jsonl line {i + 1}: malformed")
        body, stored, sig = m.group(1), bytes.fromhex(m.group(2).decode()), base64.b64decode(m.group(3))
        e = json.loads(body)
        if json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() != body: raise Bad(f"ledger.jsonl line {i + 1}: body not canonical")
        msg = b"custody-ledger-entry-v1\n" + body
        if H(msg) != stored: raise Bad(f"ledger.jsonl line {i + 1}: hash mismatch")
        if i == 0:
            if e["seq"] != 0 or e["action"] != "case.init": raise Bad("ledger.jsonl line 1: not entry 0 (case.init)")
            keys = {k[1]: k for k in map(parse_key, e["payload"]["stations"])}
            roster = {x["id"] for x in e["payload"]["examiners"]}
            if keys.get(e["station"]) not in trusted: raise Bad("ledger.jsonl line 1: entry 0 is not signed by a trusted key")
        elif e["seq"] <= prev[0]: raise Bad(f"ledger.jsonl line {i + 1}: sequence {e['seq']} after {prev[0]}")
        elif e["seq"] == prev[0] + 1 and bytes.fromhex(e["prev"]) != prev[1]: raise Bad(f"ledger.jsonl line {i + 1}: previous-hash link broken")
        if e["station"] not in keys or not ed25519_ok(keys[e["station"]][2], sig, msg): raise Bad(f"ledger.jsonl line {i + 1}: signature does not verify")
        if e["examiner"] not in roster: raise Bad(f"ledger.jsonl line {i + 1}: examiner not in roster")
        if i > 0 and e["action"] == "station.add": k = parse_key(e["payload"]["key"]); keys[k[1]] = k
        if e["action"] == "station.revoke": del keys[e["payload"]["station"]]
        if e["action"] == "examiner.add": roster.add(e["payload"]["id"])
        entries.append((e, stored, line))
        prev = (e["seq"], stored)
    export = entries[-1][0]
    if export["action"] != "export.bundle": raise Bad("ledger.jsonl: the last entry is not export.bundle")
    whole = export["payload"]["scope"] == "all"
    if whole and [e["seq"] for e, _, _ in entries] != list(range(len(entries))): raise Bad("ledger.jsonl: not the whole ledger")
    # 4. The checkpoint: signed by a trusted or bound key, this case, this export.
    note = read(root, "checkpoint").decode()
    text, _, sigs = note.rpartition("\n\n")
    text += "\n"
    signed = False
    for sl in sigs.splitlines():
        dash, name, b64 = sl.split(" ")
        blob = base64.b64decode(b64)
        for k in trusted + list(keys.values()):
            if dash == "\u2014" and name == k[0] and blob[:4].hex() == k[1]:
                if not ed25519_ok(k[2], blob[4:], text.encode()): raise Bad("checkpoint: bad signature")
                signed = True
    if not signed: raise Bad("checkpoint: not signed by a trusted key")
    origin, size, root_b64 = text.splitlines()[:3]
    cp_root = base64.b64decode(root_b64)
    if origin != "custody.case/" + entries[0][0]["payload"]["case"]["id"]: raise Bad("checkpoint: another case")
    if int(size) != export["seq"] + 1: raise Bad(f"checkpoint: size {size} is not this export's (stale)")
    if whole and mth([H(b"\x00", LINE.match(l).group(1)) for _, _, l in entries]) != cp_root: raise Bad("checkpoint: root mismatch")
    # 5. One proof per line.
    proofs = {p for p in listed if p.startswith("proofs/")}
    for e, _, line in entries:
        p = f"proofs/{e['seq']}.tlog-proof"
        if p not in proofs: raise Bad(f"{p}: missing")
        proofs.discard(p)
        head, _, cp = read(root, p).decode().partition("\n\n")
        hl = head.split("\n")
        if hl[0] != "c2sp.org/tlog-proof@v1" or hl[1] != "extra " + base64.b64encode(line).decode() or hl[2] != f"index {e['seq']}":
            raise Bad(f"{p}: not the proof of entry {e['seq']}")
        if cp != note: raise Bad(f"{p}: another checkpoint")
        if not inclusion_ok(e["seq"], int(size), H(b"\x00", LINE.match(line).group(1)), [base64.b64decode(h) for h in hl[3:]], cp_root):
            raise Bad(f"{p}: inclusion proof does not verify")
    if proofs: raise Bad(f"{sorted(proofs)[0]}: not the proof of any entry")
    # 6. The files written before the export entry are the ones it recorded.
    sealed = "".join(f"{listed[p]}  {p}\n" for p in sorted(listed, key=lambda s: s.encode()) if not DERIVED.match(p))
    if hashlib.sha256(sealed.encode()).hexdigest() != export["payload"]["manifestSHA256"]: raise Bad("MANIFEST.sha256: sealed files differ from the export entry")
    # 7. Acquisition records and custody.csv agree with the ledger.
    for e, _, _ in entries[:-1]:
        if e["action"] in ("sim.acquire", "sim.reread") and "pins" not in export["payload"]["redacted"]:
            if listed.get(f"acquisitions/{e['seq']}.json") != e["payload"]["recordSHA256"]: raise Bad(f"acquisitions/{e['seq']}.json: not the recorded read")
    rows = list(csv.reader(io.StringIO(read(root, "custody.csv").decode("utf-8-sig"), newline="")))
    want = [[str(e["seq"]), e["time"], e["action"], e["examiner"], "\n".join(e["subjects"]),
             json.dumps(e["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False), e["station"], h.hex()] for e, h, _ in entries[:-1]]
    if rows[1:] != want: raise Bad("custody.csv: rows differ from ledger.jsonl")
    return f"OK: {len(entries)} entries ({'whole ledger' if whole else 'excerpt'}), {len(listed)} files, checkpoint size {size}, root {root_b64}" \
        + ("" if key_file else " (trusting the bundle's own keys/)")

if __name__ == "__main__":
    try: print(verify(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
    except (Bad, KeyError, ValueError, IndexError, OSError) as err: print(f"FAILED: {err}"); sys.exit(1)
