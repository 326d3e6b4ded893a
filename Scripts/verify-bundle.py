#!/usr/bin/env python3
"""Independent Custody bundle verifier (docs/VERIFYING.md, docs/LEDGER.md).

    python3 verify-bundle.py BUNDLE [VERIFIER_KEY_FILE] [--checkpoint EARLIER_CHECKPOINT]

Standard library plus `cryptography`. Prints "OK: ..." and exits 0, or "FAILED: <file>: <why>" and exits 1.
Without VERIFIER_KEY_FILE it trusts the bundle's own keys/ (say so in your report). It enforces every
rule of LEDGER.md §1-§9 on every line; of VERIFYING.md §3 step 6 it checks keys/, examiners.json, the
acquisition records, custody.csv and messages.csv only (not inventory.csv, campaigns.csv, indicators.csv,
case.jsonld, report.html, report.pdf)."""
import argparse, base64, csv, hashlib, io, json, os, re, stat, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

H = lambda *parts: hashlib.sha256(b"".join(parts)).digest()
LINE = re.compile(rb'^\{"entry":(.*),"hash":"([0-9a-f]{64})","sig":"([A-Za-z0-9+/]{86}==)"\}$', re.S)
DERIVED = re.compile(r"^(ledger\.jsonl|checkpoint|proofs\.jsonl|proofs\.idx|proofs/.*)$")  # written after the export entry
MEMBERS = {"action", "examiner", "payload", "prev", "seq", "station", "subjects", "time"}
ACTION = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")  # patterns are used with fullmatch; ASCII digits only
TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{3}Z")
HEX8, HEX64 = re.compile(r"[0-9a-f]{8}"), re.compile(r"[0-9a-f]{64}")
MAX_INT = 2**53 - 1
# LEDGER.md conventions: control characters are Unicode category Cc; Unicode spaces the White_Space property.
CONTROL = {*range(0x20), *range(0x7F, 0xA0)}
SPACES = {*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}

class Bad(Exception): pass

def b64(s, what):  # canonical RFC 4648 base64 only: one text per byte string
    try: raw = base64.b64decode(s, validate=True)
    except ValueError: raise Bad(f"{what} is not base64")
    if base64.b64encode(raw).decode() != s: raise Bad(f"{what} is not canonical base64")
    return raw

def parse_key(s, where):  # name+hexkeyid+base64(0x01||pubkey), LEDGER.md §3
    parts = s.split("+", 2)
    if len(parts) != 3 or not HEX8.fullmatch(parts[1]): raise Bad(f"{where}: malformed verifier key {s!r}")
    name, kid, raw = parts[0], parts[1], b64(parts[2], f"{where}: verifier key")
    if not name or any(c == "+" or ord(c) in CONTROL | SPACES for c in name): raise Bad(f"{where}: invalid key name {name!r}")
    if len(raw) != 33 or raw[0] != 1: raise Bad(f"{where}: not an Ed25519 verifier key")
    try: Ed25519PublicKey.from_public_bytes(raw[1:])
    except ValueError: raise Bad(f"{where}: not an Ed25519 public key")
    if H(name.encode(), b"\n", raw)[:4].hex() != kid: raise Bad(f"{where}: key ID {kid} does not match the key")
    return name, kid, raw[1:]

def ed25519_ok(pub, sig, msg):
    try: Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg); return True
    except Exception: return False

def canonical(v):  # LEDGER.md §1: RFC 8785 for strings, integers, true/false/null, arrays, objects
    if isinstance(v, dict): return "{" + ",".join(canonical(k) + ":" + canonical(v[k]) for k in sorted(v, key=lambda k: k.encode("utf-16-be"))) + "}"
    if isinstance(v, list): return "[" + ",".join(map(canonical, v)) + "]"
    return json.dumps(v, ensure_ascii=False)

def check_values(v):  # integers only, within +-(2^53-1)
    for x in v.values() if type(v) is dict else v if type(v) is list else (): check_values(x)
    if type(v) is int and not -MAX_INT <= v <= MAX_INT: raise Bad(f"integer {v} is outside +-(2^53-1)")

def parse_body(body, where):  # LEDGER.md §1
    def no_float(s): raise Bad(f"number {s} is not an integer")
    try:
        e = json.loads(body.decode("utf-8"), parse_float=no_float, parse_constant=no_float)
        if re.search(rb"[0-9]{16}", body): check_values(e)  # only long digit runs can exceed 2^53-1
    except Bad as err: raise Bad(f"{where}: {err}")
    except ValueError as err: raise Bad(f"{where}: body is not JSON ({err})")
    # A duplicate member, whitespace, an escape not in LEDGER.md §1, -0: the re-encoding differs.
    # json.dumps sorts by code point, which is UTF-16 order unless a name holds a character above
    # U+FFFF (a 4-byte UTF-8 sequence): only then the exact (slower) encoder is needed.
    try: again = (canonical(e) if re.search(rb"[\xf0-\xf4]", body) else json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)).encode("utf-8")
    except UnicodeEncodeError: raise Bad(f"{where}: a string holds a lone surrogate")
    if again != body: raise Bad(f"{where}: body not canonical")
    if type(e) is not dict or set(e) != MEMBERS: raise Bad(f"{where}: body members are {sorted(e) if type(e) is dict else type(e).__name__}, not {sorted(MEMBERS)}")
    a, x, t = e["action"], e["examiner"], e["time"]
    if type(e["seq"]) is not int or e["seq"] < 0: raise Bad(f"{where}: seq is not an integer >= 0")
    if type(a) is not str or not ACTION.fullmatch(a) or len(a.encode()) > 64: raise Bad(f"{where}: action {a!r} is not a lowercase dotted name")
    if type(x) is not str or not x or any(ord(c) in CONTROL for c in x): raise Bad(f"{where}: examiner must be non-empty without control characters")
    if type(e["payload"]) is not dict: raise Bad(f"{where}: payload is not an object")
    if type(e["prev"]) is not str or not HEX64.fullmatch(e["prev"]): raise Bad(f"{where}: prev is not 64 lowercase hex digits")
    if type(e["station"]) is not str or not HEX8.fullmatch(e["station"]): raise Bad(f"{where}: station is not 8 lowercase hex digits")
    if type(e["subjects"]) is not list or any(type(s) is not str or not s for s in e["subjects"]): raise Bad(f"{where}: subjects must be non-empty strings")
    m = TIME.fullmatch(t) if type(t) is str else None
    if not m: raise Bad(f"{where}: time {t!r} is not YYYY-MM-DDTHH:MM:SS.mmmZ")
    y, mo, d, hh, mi, ss = map(int, m.groups())
    days = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not (1 <= mo <= 12 and 1 <= d <= days[mo - 1] and hh < 24 and mi < 60 and ss < 60): raise Bad(f"{where}: time {t} is not a valid UTC time")
    return e

class Ledger:  # who may sign and act (LEDGER.md §5, §6)
    def __init__(self, e, where, trusted):
        p = e["payload"]
        if e["action"] != "case.init" or e["seq"] != 0: raise Bad(f"{where}: not entry 0 (case.init)")
        if e["prev"] != "0" * 64: raise Bad(f"{where}: entry 0's prev is not 64 zeros")
        case = p.get("case")
        if type(case) is not dict or type(case.get("id")) is not str or not case["id"]: raise Bad(f"{where}: case.init lacks case.id")
        if type(p.get("stations")) is not list or not p["stations"] or any(type(s) is not str for s in p["stations"]): raise Bad(f"{where}: case.init lacks stations")
        if type(p.get("examiners")) is not list: raise Bad(f"{where}: case.init lacks examiners")
        self.case_id, self.active = case["id"], {}
        for s in p["stations"]:
            k = parse_key(s, where)
            if k[1] in self.active: raise Bad(f"{where}: two stations share key ID {k[1]}")
            self.active[k[1]] = k
        self.bound = list(self.active.values())
        self.roster = set()
        for x in p["examiners"]:
            if type(x) is not dict or type(x.get("id")) is not str or not x["id"]: raise Bad(f"{where}: examiners entry without an id")
            self.roster.add(x["id"])
        if e["examiner"] not in self.roster: raise Bad(f"{where}: examiner {e['examiner']} is not in the roster it declares")
        if e["station"] not in self.active: raise Bad(f"{where}: signed by {e['station']}, not one of its stations")
        if self.active[e["station"]] not in trusted: raise Bad(f"{where}: entry 0 is not signed by a trusted key")

    def apply(self, e, where):
        p, a = e["payload"], e["action"]
        if a == "case.init": raise Bad(f"{where}: case.init is only allowed as entry 0")
        if e["examiner"] not in self.roster: raise Bad(f"{where}: examiner {e['examiner']} is not in the roster")
        if a == "station.add":
            if type(p.get("key")) is not str: raise Bad(f"{where}: station.add payload key must be a verifier key string")
            k = parse_key(p["key"], where)
            if any(b[1] == k[1] and b != k for b in self.bound): raise Bad(f"{where}: station.add: key ID {k[1]} already used by another key")
            self.active[k[1]] = k
            if k not in self.bound: self.bound.append(k)
        elif a == "station.revoke":
            s = p.get("station")
            if type(s) is not str or not HEX8.fullmatch(s): raise Bad(f"{where}: station.revoke payload station must be an 8-hex key ID")
            if s not in self.active: raise Bad(f"{where}: station.revoke: {s} is not an active station")
            del self.active[s]
        elif a == "examiner.add":
            if type(p.get("id")) is not str or not p["id"]: raise Bad(f"{where}: examiner.add payload id must be a non-empty string")
            self.roster.add(p["id"])

def split(n):  # largest power of two below n (n >= 2)
    return 1 << ((n - 1).bit_length() - 1)

def record_path(known, index, size, leaf, proof):  # RFC 6962 PATH: learn MTH(D[lo:hi]) along a verified proof
    path = list(proof)
    def walk(lo, hi):
        if hi - lo == 1: known[(lo, hi)] = leaf; return leaf
        k, sib = split(hi - lo), path.pop()
        if index < lo + k: known[(lo + k, hi)] = sib; h = H(b"\x01", walk(lo, lo + k), sib)
        else: known[(lo, lo + k)] = sib; h = H(b"\x01", sib, walk(lo + k, hi))
        known[(lo, hi)] = h
        return h
    walk(0, size)

def root_from(known, lo, hi):  # MTH(D[lo:hi]) from recorded subtrees, or None
    if (lo, hi) in known: return known[(lo, hi)]
    if hi - lo <= 1: return None
    k = split(hi - lo)
    left, right = root_from(known, lo, lo + k), root_from(known, lo + k, hi)
    return None if left is None or right is None else H(b"\x01", left, right)

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

def open_note(note, keys, where):  # LEDGER.md §8: returns (origin, size, root bytes, keys that signed)
    if any(c < 0x20 and c != 0x0A for c in note): raise Bad(f"{where}: control character in the note")
    try: note = note.decode("utf-8")
    except UnicodeDecodeError: raise Bad(f"{where}: not UTF-8")
    text, _, sigs = note.rpartition("\n\n")
    if not text or not sigs.endswith("\n"): raise Bad(f"{where}: not a signed note")
    text += "\n"
    signers = []
    for sl in sigs[:-1].split("\n"):
        parts = sl.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014": raise Bad(f"{where}: malformed signature line")
        blob = b64(parts[2], f"{where}: signature")
        for k in keys:
            if parts[1] == k[0] and blob[:4].hex() == k[1]:
                if not ed25519_ok(k[2], blob[4:], text.encode()): raise Bad(f"{where}: signature by {k[0]} does not verify")
                signers.append(k)
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not re.fullmatch(r"0|[1-9][0-9]{0,17}", lines[1]) or any(not l for l in lines[3:]): raise Bad(f"{where}: malformed checkpoint text")
    root = b64(lines[2], f"{where}: root")
    if len(root) != 32: raise Bad(f"{where}: root is not 32 bytes")
    return lines[0], int(lines[1]), root, signers

def read(root, p): return open(os.path.join(root, p), "rb").read()

def verify(root, key_file=None, earlier_file=None):
    # 1. MANIFEST.sha256: every file listed with its hash, nothing more, nothing less; regular files only.
    on_disk = set()
    for d, ds, fs in os.walk(root):
        for f in ds + fs:
            p = os.path.relpath(os.path.join(d, f), root)
            mode = os.lstat(os.path.join(root, p)).st_mode
            if f in fs and stat.S_ISREG(mode): on_disk.add(p)
            elif not (f in ds and stat.S_ISDIR(mode)): raise Bad(f"{p}: is not a regular file or folder")
    on_disk.discard("MANIFEST.sha256")
    manifest = read(root, "MANIFEST.sha256").decode()
    listed = {}
    for n, line in enumerate(manifest.splitlines(), 1):
        m = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if not m: raise Bad(f"MANIFEST.sha256 line {n}: malformed")
        listed[m.group(2)] = m.group(1)
    for p in sorted(set(listed) | on_disk):
        if p not in on_disk: raise Bad(f"{p}: listed in MANIFEST.sha256 but missing")
        if p not in listed: raise Bad(f"{p}: not listed in MANIFEST.sha256")
        with open(os.path.join(root, p), "rb") as f:
            if hashlib.file_digest(f, "sha256").hexdigest() != listed[p]: raise Bad(f"{p}: SHA-256 differs from MANIFEST.sha256")
    # 2. Trusted keys.
    key_texts = open(key_file).read().split() if key_file else [read(root, p).decode().strip() for p in sorted(listed) if p.startswith("keys/")]
    trusted = [parse_key(k, key_file or "keys/") for k in key_texts]
    # 3. ledger.jsonl: every rule of LEDGER.md §1-§6 on every line; links only between consecutive seqs.
    raw = read(root, "ledger.jsonl")
    if not raw.endswith(b"\n"): raise Bad("ledger.jsonl: last line has no newline")
    entries, state, prev = [], None, None
    for i, line in enumerate(raw[:-1].split(b"\n")):
        where = f"ledger.jsonl line {i + 1}"
        m = LINE.match(line)
        if not m: raise Bad(f"{where}: malformed")
        body, stored, sig = m.group(1), bytes.fromhex(m.group(2).decode()), b64(m.group(3).decode(), f"{where}: sig")
        e = parse_body(body, where)
        msg = b"custody-ledger-entry-v1\n" + body
        if H(msg) != stored: raise Bad(f"{where}: hash mismatch")
        if i == 0: state = Ledger(e, where, trusted)
        elif e["seq"] <= prev[0]: raise Bad(f"{where}: sequence {e['seq']} after {prev[0]}")
        elif e["seq"] == prev[0] + 1 and bytes.fromhex(e["prev"]) != prev[1]: raise Bad(f"{where}: previous-hash link broken")
        if e["station"] not in state.active: raise Bad(f"{where}: station key {e['station']} is not an active station key")
        if not ed25519_ok(state.active[e["station"]][2], sig, msg): raise Bad(f"{where}: signature does not verify")
        if i > 0: state.apply(e, where)
        entries.append((e, stored, line, H(b"\x00", body)))
        prev = (e["seq"], stored)
    export = entries[-1][0]
    if export["action"] != "export.bundle": raise Bad("ledger.jsonl: the last entry is not export.bundle")
    scope = export["payload"].get("scope")
    if scope not in ("all", "items"): raise Bad(f"ledger.jsonl: the export entry's scope is {scope!r}, not all or items")
    if scope == "all" and [e["seq"] for e, *_ in entries] != list(range(len(entries))): raise Bad("ledger.jsonl: not the whole ledger")
    # 4. The checkpoint: signed by the export entry's station key (active then), this case, this export.
    note = read(root, "checkpoint")
    signer = state.active[export["station"]]
    origin, size, cp_root, signers = open_note(note, [signer], "checkpoint")
    if not signers: raise Bad(f"checkpoint: not signed by {signer[0]} ({signer[1]}), the station key that signed export entry {export['seq']}")
    if origin != "custody.case/" + state.case_id: raise Bad("checkpoint: another case")
    if size != export["seq"] + 1: raise Bad(f"checkpoint: size {size} is not this export's (stale)")
    if scope == "all" and root_from({(i, i + 1): leaf for i, (*_, leaf) in enumerate(entries)}, 0, len(entries)) != cp_root: raise Bad("checkpoint: root mismatch")
    # 5. One proof per line: proofs.jsonl + proofs.idx (LEDGER.md, "Proofs in a bundle"), or the folder proofs/ of older bundles.
    proofs, known = {p for p in listed if p.startswith("proofs/")}, {}
    def proved(e, leaf, hashes, where):
        if not inclusion_ok(e["seq"], size, leaf, hashes, cp_root): raise Bad(f"{where}: inclusion proof does not verify")
        if earlier_file and scope == "all": known[(e["seq"], e["seq"] + 1)] = leaf
        elif earlier_file: record_path(known, e["seq"], size, leaf, hashes)
    if "proofs.jsonl" in listed or "proofs.idx" in listed or not proofs:
        if proofs: raise Bad(f"{sorted(proofs)[0]}: a proof file of the old layout beside proofs.jsonl")
        if "proofs.jsonl" not in listed or "proofs.idx" not in listed: raise Bad("proofs.jsonl: missing (with proofs.idx)")
        offset, n, index = 0, 0, []
        with open(os.path.join(root, "proofs.jsonl"), "rb") as f:
            for n, line in enumerate(f, 1):
                where = f"proofs.jsonl line {n}"
                if n > len(entries): raise Bad(f"{where}: not the proof of any entry")
                if not line.endswith(b"\n"): raise Bad(f"{where}: no newline at its end")
                e, _, _, leaf = entries[n - 1]
                try: doc = json.loads(line)
                except ValueError: raise Bad(f"{where}: not JSON")
                if not isinstance(doc, dict) or set(doc) != {"hashes", "index"} or doc["index"] != e["seq"] or not isinstance(doc["hashes"], list) \
                        or canonical(doc).encode() + b"\n" != line: raise Bad(f"{where}: not the proof of entry {e['seq']}")
                proved(e, leaf, [b64(h, where) for h in doc["hashes"]], where)
                index.append(f"{e['seq']:020d} {offset:020d}\n".encode())
                offset += len(line)
        if n != len(entries): raise Bad(f"proofs.jsonl: {n} proofs for {len(entries)} lines of ledger.jsonl")
        if read(root, "proofs.idx") != b"".join(index): raise Bad("proofs.idx: not the sequence numbers and offsets of proofs.jsonl")
    else:
        for e, _, line, leaf in entries:
            p = f"proofs/{e['seq']}.tlog-proof"
            if p not in proofs: raise Bad(f"{p}: missing")
            proofs.discard(p)
            head, _, cp = read(root, p).decode().partition("\n\n")
            hl = head.split("\n")
            if hl[:3] != ["c2sp.org/tlog-proof@v1", "extra " + base64.b64encode(line).decode(), f"index {e['seq']}"]:
                raise Bad(f"{p}: not the proof of entry {e['seq']}")
            if cp.encode() != note: raise Bad(f"{p}: another checkpoint")
            proved(e, leaf, [b64(h, p) for h in hl[3:]], p)
        if proofs: raise Bad(f"{sorted(proofs)[0]}: not the proof of any entry")
    # 5b. An earlier checkpoint of this case (--checkpoint): the bundle's ledger must extend it.
    if earlier_file:
        o, n, r, s = open_note(open(earlier_file, "rb").read(), trusted + state.bound, earlier_file)
        if not s: raise Bad(f"{earlier_file}: not signed by a station key the ledger binds")
        if o != origin: raise Bad(f"{earlier_file}: a checkpoint of another case ({o})")
        if n > size: raise Bad(f"{earlier_file}: covers {n} entries, more than this bundle's {size}")
        mine = root_from(known, 0, n) if n else H()
        if mine is None: raise Bad(f"{earlier_file}: this excerpt does not determine the root of its first {n} entries")
        if mine != r: raise Bad(f"{earlier_file}: root differs from the first {n} entries this bundle proves: rewritten or forked")
    # 6. The files written before the export entry are the ones it recorded.
    sealed = "".join(f"{listed[p]}  {p}\n" for p in sorted(listed, key=lambda s: s.encode()) if not DERIVED.match(p))
    if hashlib.sha256(sealed.encode()).hexdigest() != export["payload"].get("manifestSHA256"): raise Bad("MANIFEST.sha256: sealed files differ from the export entry")
    # 7. keys/, examiners.json, the acquisition records, custody.csv and messages.csv agree with the ledger.
    want_keys = {f"keys/{kid}.pub": f"{name}+{kid}+{base64.b64encode(bytes([1]) + pub).decode()}\n".encode() for name, kid, pub in state.bound}
    if {p for p in listed if p.startswith("keys/")} != set(want_keys): raise Bad("keys/: not exactly the station keys the ledger binds")
    for p, text in want_keys.items():
        if read(root, p) != text: raise Bad(f"{p}: not the key the ledger binds")
    roster = [(x.get("id", ""), x.get("name", ""), x.get("role", ""), e["seq"]) for e, *_ in entries[:-1]
              for x in (e["payload"]["examiners"] if e["action"] == "case.init" else [e["payload"]] if e["action"] == "examiner.add" else [])]
    doc = json.loads(read(root, "examiners.json"))
    if doc.get("schema") != "custody.examiners/1" or [(x["id"], x["name"], x["role"], x["addedBy"]) for x in doc["examiners"]] != roster:
        raise Bad("examiners.json: not the roster in the ledger")
    redacted = "pins" in export["payload"].get("redacted", [])
    for e, *_ in entries[:-1]:
        if e["action"] in ("sim.acquire", "sim.reread") and not redacted:
            if listed.get(f"acquisitions/{e['seq']}.json") != e["payload"].get("recordSHA256"): raise Bad(f"acquisitions/{e['seq']}.json: not the recorded read")
    rows = list(csv.reader(io.StringIO(read(root, "custody.csv").decode("utf-8-sig"), newline="")))
    # Cells as written: a value starting like a spreadsheet formula (or with the marker ') has one ' in front (VERIFYING.md §2.3).
    guard = lambda v: "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r", "'") and v else v
    want = [[guard(c) for c in (str(e["seq"]), e["time"], e["action"], e["examiner"], "\n".join(e["subjects"]), canonical(e["payload"]), e["station"], h.hex())]
            for e, h, *_ in entries[:-1]]
    if rows[1:] != want: raise Bad("custody.csv: rows differ from ledger.jsonl")
    # messages.csv: every row brought in by an exported messages.import (same item and format) or
    # SIM read (same item); each import's row count as its entry records.
    imports = {e["seq"]: e for e, *_ in entries[:-1] if e["action"] == "messages.import"}
    simreads = {e["seq"]: e for e, *_ in entries[:-1] if e["action"] in ("sim.acquire", "sim.reread")}
    if imports or "messages.csv" in listed:
        unguard = lambda v: v[1:] if v[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r", "''") else v
        rows = list(csv.reader(io.StringIO(read(root, "messages.csv").decode("utf-8-sig"), newline="")))
        if rows[:1] != [["id", "item", "source", "entry", "row", "guid", "time", "originalTime", "direction", "counterpart",
                         "ownAddress", "text", "status", "service", "port", "subID"]]: raise Bad("messages.csv: not the header of VERIFYING.md")
        counts = dict.fromkeys(imports, 0)
        for n, row in enumerate(rows[1:], 2):
            item, source, seq = unguard(row[1]), row[2], int(row[3])
            e = imports.get(seq) or simreads.get(seq)
            if e is None or e["subjects"] != [item] or source != (e["payload"].get("format") if seq in imports else "sim"):
                raise Bad(f"messages.csv: row {n}: entry {seq} did not bring in a {source} message of {item}")
            if seq in imports: counts[seq] += 1
        for seq, e in imports.items():
            if counts[seq] != e["payload"].get("rows"): raise Bad(f"messages.csv: {counts[seq]} messages of entry {seq}, which imported {e['payload'].get('rows')}")
    return f"OK: {len(entries)} entries ({'whole ledger' if scope == 'all' else 'excerpt'}), {len(listed)} files, checkpoint size {size}, root {base64.b64encode(cp_root).decode()}" \
        + (f", extends {earlier_file}" if earlier_file else "") + ("" if key_file else " (trusting the bundle's own keys/)")

if __name__ == "__main__":
    args = argparse.ArgumentParser(description="Independent Custody bundle verifier")
    args.add_argument("bundle"); args.add_argument("key_file", nargs="?"); args.add_argument("--checkpoint")
    a = args.parse_args()
    try: print(verify(a.bundle, a.key_file, a.checkpoint))
    except (Bad, KeyError, ValueError, IndexError, TypeError, OSError, RecursionError) as err: print(f"FAILED: {err}"); sys.exit(1)
