"""Where the bytes go: raw value bytes per field kind and compressed body per act, v3 (issue 12 step 1).

    PYTHONPATH=. .venv/bin/python bench/foreign_corpus.py 600 --out /tmp/foreign600.jsonl
    PYTHONPATH=. .venv/bin/python bench/container_breakdown.py
"""
import sys, collections
sys.path.insert(0, ".")
from common.wire import acts_codec, compression
from bench.container import load_corpus
from pathlib import Path
acts = load_corpus(Path("/tmp/foreign600.jsonl"))
voc = compression.vocabulary(3)
raw = collections.Counter(); col = collections.Counter(); orig = acts_codec._encode_leaf
def spy(w, f, value, *a, **k):
    n = len(w.getvalue()); orig(w, f, value, *a, **k); raw[f.kind.value] += len(w.getvalue()) - n; col[f.name] += len(w.getvalue()) - n
acts_codec._encode_leaf = spy
body = comp = struct = 0
for i in range(0, 600, 50):
    b = acts_codec.encode_acts(acts[i:i+50], voc); body += len(b); comp += len(compression.compress(b))
n = 600
print("raw body B/act", round(body/n,1), "compressed B/act", round(comp/n,1))
for k, v in raw.most_common(): print(k, round(v/n,1), "raw B/act")
print("by leaf name:", [(k, round(v/n,1)) for k, v in col.most_common(12)])
