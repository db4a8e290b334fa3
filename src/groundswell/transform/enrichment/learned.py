"""A label learned from analysts' corrections: one classifier per target and industry.

Once an industry has enough corrections, a supervised model trained on the corrected texts labels
its other texts: ``kind`` ``"sentiment"`` (positive / neutral / negative) or ``"topic"`` (the
complaint topic).  ``train`` fits one, ``LabelModel.predict`` labels cleaned texts with it,
``cross_val_predict_labels`` gives out-of-fold labels of the corrections (how well a model agrees
with analysts on corrections it did not train on), ``save``/``load`` keep it on disk and
``model_version`` names the corrections it was (or would be) trained on.

**Features** (of a cleaned text, ``text.clean_text``), in three blocks side by side:

- word n-grams (1-2) and character n-grams (2-4, within words padded with a space, as
  scikit-learn's ``char_wb``), each a TF-IDF block: lower-cased; a word is a run of 2+ word
  characters (``\\w``, scikit-learn's default token); each occurrence of an n-gram seen in training
  adds its idf (``ln((1 + n) / (1 + df)) + 1``, scikit-learn's smoothed idf) divided by the root of
  the sum of idf² over the text's occurrences (scikit-learn's l2-normalised TF-IDF wherever no
  n-gram occurs twice in a text);
- VADER's compound score (``text.sentiment_score``) and whether it passes the positive and the
  negative thresholds (3 dense features);
- for ``topic`` only, the keyword rules of the industry (``Rules.matcher(industry)``): per topic,
  its keyword hits (at most ``MAX_HITS``), and the topic the rules give (one-hot, ``other``
  included).  Without them a model needs many more corrections to do better than the rules (5-fold
  cross-validation on the 614 negative tweets among 1,000 airline tweets: 0.55 without, 0.61 with,
  the rules alone 0.59).

N-grams are hashed, not looked up: scikit-learn's vectorizers count n-grams in a Python loop
(``char_wb`` 2-5: 10,000 tweets/s, slower than VADER), so the n-grams of a batch of texts are
computed at once with numpy on the code points of the texts joined (64-bit polynomial hashes, mixed,
their top ``HASH_BITS`` bits a slot, as ``HashingVectorizer`` does: n-grams sharing a slot share a
feature).  Only slots seen in training are features; the others are dropped.  Predicting needs numpy
and scipy only: no scikit-learn import in a scoring worker (scikit-learn takes seconds to import).
``predict_many`` labels texts with several models (an industry's sentiment and topic) computing
their n-grams once.

**Classifier**: scikit-learn's ``LogisticRegression`` (lbfgs, multinomial, L2), ``C`` 10 for
sentiment and 3 for topic, ``class_weight="balanced"``, ``random_state=SEED``, fitted on one
thread.  A topic model then weighs the keyword rules' topic as ``RULES_WEIGHT`` (100) corrections
against its probabilities times the corrections it trained on: below 100 corrections the rules'
topic stands (without this, the 60 negative tweets among 100 corrected airline tweets teach a model
4 points worse than the rules), from a few hundred the model overrules them where it is sure, with
2,000 it decides unless unsure.  All chosen by 5-fold cross-validation inside
the 3,000 training tweets of split 0 of ``bench/enrichment.py --learning-curve`` (and, for
``RULES_WEIGHT``, by training on 100 to 1,000 of them and measuring on the others): char_wb 2-4 as
good as 2-5 and faster; balanced weights as accurate as none and a better macro-F1; no gain from
word trigrams, min_df 2, dropping idf, per-keyword features or VADER's weight doubled.

**Determinism**: training sorts the (text, label) pairs first, so the same corrections in any order
give the same model (the same arrays, the same predictions, on one machine), and ``model_version``
(which sorts them too) names it.  Hashes are integer arithmetic (no ``hash()``, no PYTHONHASHSEED),
the solver has no randomness and runs on one BLAS thread.  A single class among the labels gives a
model that predicts it for every text (a topic model: where the rules do not outweigh it).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from groundswell.transform.enrichment.rules import NO_TOPIC, Rules, TopicMatcher
from groundswell.transform.enrichment.text import NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD, sentiment_score

#: Bump whenever the features, their hashing or the hyperparameters change: it is part of
#: ``model_version``, and ``load`` refuses a model of another format.
MODEL_FORMAT = "1"
#: The seed of everything random here: the folds of ``cross_val_predict_labels``, the solver's.
SEED = 0
KINDS = ("sentiment", "topic")

#: Inverse regularisation strength of the logistic regression, per kind.
C = {"sentiment": 10.0, "topic": 3.0}
CLASS_WEIGHT = "balanced"
MAX_ITER = 5000
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 4)
#: A word is a run of at least this many word characters (scikit-learn's default token pattern).
MIN_WORD_LENGTH = 2
#: Slots of the hashed n-grams: 2**20 per block (a 4 MB lookup table per block in memory, rebuilt
#: on load; only the slots seen in training are stored).
HASH_BITS = 20
#: Keyword hits per topic count up to this many.
MAX_HITS = 2
#: A topic model weighs the keyword rules' topic as this many corrections against its own
#: probabilities times the corrections it learned from (see the module docstring).
RULES_WEIGHT = 100
#: Texts featurised at once by ``predict`` (bounds the memory of the n-gram arrays: ~100 MB).
BATCH = 20_000

_U64 = np.uint64
_MASK = (1 << 64) - 1
_MULT = _U64(0x100000001B3)  # the FNV prime: the base of the polynomial hashes
_GOLD = 0x9E3779B97F4A7C15
_MIX1, _MIX2 = _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)
_CHAR_SALT = [_U64((n * _GOLD) & _MASK) for n in range(CHAR_NGRAMS[1] + 1)]
_BIGRAM_SALT = _U64(0xD6E8FEB86659FD93)
_SPACE, _SEPARATOR = 32, 0
#: Whether each code point of the Basic Multilingual Plane is a word character (``\w``).
_BMP_WORD = np.array([chr(i).isalnum() or i == 95 for i in range(0x10000)])


class StaleModelError(ValueError):
    """A saved model of another ``MODEL_FORMAT``: train it again (its version differs too)."""


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the input moves the top bits that choose the slot."""
    z = (z ^ (z >> _U64(30))) * _MIX1
    z = (z ^ (z >> _U64(27))) * _MIX2
    return z ^ (z >> _U64(31))


def _code_points(texts: Sequence[str]) -> np.ndarray:
    """The code points of ``" " + " \\0 ".join(texts) + " "`` lower-cased: one array, texts apart
    by a NUL (a NUL inside a text becomes a space) and each padded with a space."""
    joined = " \x00 ".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):
        joined = " \x00 ".join(t.replace("\x00", " ") for t in texts)
    data = (" " + joined + " ").lower().encode("utf-32-le", "surrogatepass")
    return np.frombuffer(data, dtype="<u4").astype(_U64)


#: (text, slot) of n-gram occurrences, in the order of the texts: one n of one analyzer.
Run = tuple[np.ndarray, np.ndarray]


def _slots(hashes: np.ndarray) -> np.ndarray:
    """The slot of each hash: the top ``HASH_BITS`` bits, mixed."""
    return (_mix(hashes) >> _U64(64 - HASH_BITS)).astype(np.int32)


def _char_ngrams(codes: np.ndarray, texts_before: np.ndarray) -> list[Run]:
    """Every character n-gram (``CHAR_NGRAMS``) within a word padded with spaces, a run per n."""
    low, high = CHAR_NGRAMS
    size = len(codes)
    spaces = np.zeros(size + 1, np.int64)
    np.cumsum(codes == _SPACE, out=spaces[1:])
    values = codes + _U64(1)
    rolling = np.zeros(size, _U64)
    runs = []
    for n in range(1, high + 1):
        m = size - n + 1
        if m <= 0:
            break
        rolling[:m] = rolling[:m] * _MULT + values[n - 1:n - 1 + m]  # Horner: the n-gram at each start
        if n < low:
            continue
        ok = texts_before[n:n + m] == texts_before[:m]  # no separator inside: one text
        if n > 2:
            ok &= spaces[n - 1:n - 1 + m] == spaces[1:1 + m]  # no space inside: one padded word
        at = np.flatnonzero(ok)
        runs.append((texts_before[at], _slots(rolling[at] ^ _CHAR_SALT[n])))
    return runs


def _word_ngrams(codes: np.ndarray, texts_before: np.ndarray) -> list[Run]:
    """Every word, then every pair of consecutive words of a text (``WORD_NGRAMS``): a run each."""
    size = len(codes)
    bmp = codes < 0x10000
    is_word = np.zeros(size, bool)
    is_word[bmp] = _BMP_WORD[codes[bmp].astype(np.intp)]
    if not bmp.all():
        beyond = np.flatnonzero(~bmp)
        is_word[beyond] = [chr(int(c)).isalnum() for c in codes[beyond]]
    starts = np.flatnonzero(is_word & ~np.r_[False, is_word[:-1]])
    if not len(starts):
        return []
    at = np.flatnonzero(is_word)  # positions of word characters, words one after the other
    first = np.searchsorted(at, starts)  # each word's first character in ``at``
    lengths = np.diff(np.r_[first, len(at)])
    offset = np.arange(len(at)) - np.repeat(first, lengths)
    powers = np.cumprod(np.full(int(lengths.max()), _MULT, _U64))
    words = np.add.reduceat((codes[at] + _U64(1)) * powers[offset], first)
    keep = lengths >= MIN_WORD_LENGTH
    words = _mix(words[keep])
    rows = texts_before[starts[keep]]
    runs = [(rows, (words >> _U64(64 - HASH_BITS)).astype(np.int32))]
    if WORD_NGRAMS[1] >= 2 and len(words) > 1:
        pair = np.flatnonzero(rows[1:] == rows[:-1])  # both words in one text
        runs.append((rows[pair], _slots(words[pair] * _U64(_GOLD) + words[pair + 1] ^ _BIGRAM_SALT)))
    return runs


def ngram_runs(texts: Sequence[str]) -> dict[str, list[Run]]:
    """The n-grams of ``texts`` (a model's features before its lookup): the same for every model,
    so ``predict_many`` computes them once for several."""
    codes = _code_points(texts)
    texts_before = np.zeros(len(codes) + 1, np.int64)  # separators before each position: its text
    np.cumsum(codes == _SEPARATOR, out=texts_before[1:])
    return {"word": _word_ngrams(codes, texts_before), "char": _char_ngrams(codes, texts_before)}


@dataclass(eq=False)
class NgramBlock:
    """A fitted block of hashed n-gram features: the slots seen in training and their idf."""

    analyzer: str  # "word" or "char"
    slots: np.ndarray  # int32, sorted: the slots seen in training, in feature order
    idf: np.ndarray  # float64, per feature
    _table: np.ndarray | None = field(default=None, repr=False)  # slot -> feature or -1 (not pickled)

    @classmethod
    def fit(cls, analyzer: str, runs: list[Run], n_texts: int) -> NgramBlock:
        if not runs:
            return cls(analyzer, np.zeros(0, np.int32), np.zeros(0))
        rows = np.concatenate([r for r, _ in runs])
        slots = np.concatenate([s for _, s in runs]).astype(np.int64)
        seen = np.unique(slots)
        pairs = np.unique(rows * (1 << HASH_BITS) + slots)  # (text, slot) once each
        df = np.bincount(np.searchsorted(seen, pairs & ((1 << HASH_BITS) - 1)), minlength=len(seen))
        idf = np.log((1 + n_texts) / (1 + df)) + 1
        return cls(analyzer, seen.astype(np.int32), idf)

    def __len__(self) -> int:
        return len(self.slots)

    def __getstate__(self) -> dict[str, Any]:
        return {"analyzer": self.analyzer, "slots": self.slots, "idf": self.idf, "_table": None}

    def entries(self, runs: list[Run], n_texts: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(text, feature, value) of each occurrence of an n-gram seen in training, run by run."""
        if self._table is None:
            table = np.full(1 << HASH_BITS, -1, np.int32)
            table[self.slots] = np.arange(len(self.slots), dtype=np.int32)
            self._table = table
        known_runs = []
        squares = np.zeros(n_texts)
        for rows, slots in runs:
            features = self._table[slots]
            known = np.flatnonzero(features >= 0)
            rows, features = rows[known], features[known]
            weights = self.idf[features]
            squares += np.bincount(rows, weights=weights * weights, minlength=n_texts)
            known_runs.append((rows, features, weights))
        norm = np.sqrt(squares)
        norm[norm == 0] = 1.0
        return [(rows, features, weights / norm[rows]) for rows, features, weights in known_runs]


@dataclass(eq=False)
class Features:
    """The fitted features of one model: two n-gram blocks, then the dense ones."""

    kind: str
    word: NgramBlock
    char: NgramBlock
    matcher: TopicMatcher | None  # the industry's keyword rules (topic only)

    @classmethod
    def fit(cls, kind: str, texts: Sequence[str], matcher: TopicMatcher | None) -> Features:
        runs = ngram_runs(texts)
        return cls(kind, NgramBlock.fit("word", runs["word"], len(texts)),
                   NgramBlock.fit("char", runs["char"], len(texts)), matcher)

    @property
    def n_dense(self) -> int:
        return 3 + (0 if self.matcher is None else 2 * len(self.matcher.topics) + 1)

    @property
    def n_sparse(self) -> int:
        return len(self.word) + len(self.char)

    def __len__(self) -> int:
        return self.n_sparse + self.n_dense

    def dense(self, texts: Sequence[str], scores: Sequence[float] | None) -> np.ndarray:
        """VADER's compound score and its two thresholds; for topic, the keyword hits per topic
        (at most ``MAX_HITS``) and the rules' topic (one-hot, ``other`` last)."""
        if scores is None:
            scores = [sentiment_score(t) for t in texts]
        compound = np.asarray(scores, dtype=np.float64).reshape(len(texts))
        out = np.zeros((len(texts), self.n_dense))
        out[:, 0] = compound
        out[:, 1] = compound >= POSITIVE_THRESHOLD
        out[:, 2] = compound <= NEGATIVE_THRESHOLD
        if self.matcher is not None:
            matcher, topics = self.matcher, len(self.matcher.topics)
            index = {t: i for i, t in enumerate(matcher.topics)}
            rows: list[int] = []
            ranks: list[int] = []
            rule = np.empty(len(texts), np.intp)
            for i, text in enumerate(texts):
                found = matcher.keywords_found(text)
                for keyword in found:
                    of = matcher.keyword_topics[keyword]
                    ranks.extend(of)
                    rows.extend([i] * len(of))
                topic = matcher.topic_of(found)
                rule[i] = topics if topic == NO_TOPIC else index[topic]
            hits = np.zeros((len(texts), topics))
            np.add.at(hits, (np.asarray(rows, np.intp), np.asarray(ranks, np.intp)), 1)
            out[:, 3:3 + topics] = np.minimum(hits, MAX_HITS)
            out[np.arange(len(texts)), 3 + topics + rule] = 1.0
        return out

    def sparse_entries(self, runs: dict[str, list[Run]], n_texts: int
                       ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(text, column, value) of the n-gram features, run by run; rows in order in each."""
        word = self.word.entries(runs["word"], n_texts)
        char = [(r, f + len(self.word), v) for r, f, v in self.char.entries(runs["char"], n_texts)]
        return word + char

    def matrix(self, texts: Sequence[str], scores: Sequence[float] | None = None) -> sparse.csr_matrix:
        """The feature matrix that training sees (scipy CSR)."""
        entries = self.sparse_entries(ngram_runs(texts), len(texts))
        dense = self.dense(texts, scores)
        rows_d, cols_d = np.nonzero(dense)
        rows = np.concatenate([e[0] for e in entries] + [rows_d])
        cols = np.concatenate([e[1] for e in entries] + [cols_d + self.n_sparse])
        values = np.concatenate([e[2] for e in entries] + [dense[rows_d, cols_d]])
        return sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), len(self)))  # sums repeats


@dataclass(eq=False)
class LabelModel:
    """A fitted model of one target (``kind``) of one industry.

    ``classes`` are the labels it learned; a topic model also returns the keyword rules' topic
    where the rules outweigh it (``RULES_WEIGHT``), which may be another.  ``weights`` and
    ``intercept`` are the logistic regression's ``coef_`` and ``intercept_``, which ``predict``
    uses; ``classifier`` is the fitted scikit-learn estimator itself, kept pickled and unpickled
    (importing scikit-learn) only when asked for.
    """

    kind: str
    industry: str
    classes: tuple[str, ...]
    trained_on: int
    features: Features
    weights: np.ndarray  # (classes, features), or (1, features) for two classes (or one)
    intercept: np.ndarray
    version: str  # model_version of the corrections it was trained on
    estimator: bytes = field(default=b"", repr=False)  # the LogisticRegression, pickled (see classifier)
    format: str = MODEL_FORMAT
    sklearn_version: str = ""

    @property
    def classifier(self):
        """The fitted ``LogisticRegression`` (None for a model of a single class)."""
        if not self.estimator:
            return None
        classifier = pickle.loads(self.estimator)  # kept without its coefficients: they are ours
        classifier.coef_, classifier.intercept_ = self.weights.copy(), self.intercept.copy()
        return classifier

    def predict(self, texts: Sequence[str], scores: Sequence[float] | None = None) -> list[str]:
        """The label of each cleaned text (``text.clean_text``); ``scores``: their VADER compound
        scores when already computed (``text.sentiment_score``), else computed here."""
        return predict_many([self], texts, scores)[0]

    def decision_function(self, texts: Sequence[str], scores: Sequence[float] | None = None) -> np.ndarray:
        """The logistic regression's decision values, (texts, classes) (one column for two)."""
        return self._decision(texts, self.features.dense(texts, scores), ngram_runs(texts))

    def _decision(self, texts: Sequence[str], dense: np.ndarray, runs: dict[str, list[Run]]) -> np.ndarray:
        n = len(texts)
        weights_t = self.weights.T  # (features, columns)
        decision = dense @ weights_t[self.features.n_sparse:] + self.intercept
        for rows, columns, values in self.features.sparse_entries(runs, n):
            indptr = np.zeros(n + 1, np.int64)
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])  # rows are in order
            decision += sparse.csr_matrix((values, columns, indptr), shape=(n, len(weights_t))) @ weights_t
        return decision

    def probabilities(self, decision: np.ndarray) -> np.ndarray:
        """The logistic regression's class probabilities, (texts, classes), from its decision values."""
        if len(self.classes) == 1:
            return np.ones((len(decision), 1))
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        exp = np.exp(decision - decision.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def _labels(self, decision: np.ndarray, dense: np.ndarray) -> list[str]:
        if self.kind == "sentiment":
            if len(self.classes) == 1:
                return [self.classes[0]] * len(decision)
            if len(self.classes) == 2:
                chosen = (decision[:, 0] > 0).astype(np.intp)
            else:
                chosen = decision.argmax(axis=1)
            return np.asarray(self.classes, dtype=object)[chosen].tolist()
        # Topic: the model's probabilities weighted by the corrections it learned from, plus the
        # keyword rules' topic weighted as RULES_WEIGHT corrections.
        matcher = self.features.matcher
        rule_topics = [*matcher.topics, NO_TOPIC]
        labels = list(self.classes) + [t for t in rule_topics if t not in self.classes]
        at = {label: i for i, label in enumerate(labels)}
        votes = np.zeros((len(decision), len(labels)))
        votes[:, :len(self.classes)] = self.trained_on * self.probabilities(decision)
        start = 3 + len(matcher.topics)
        rule = dense[:, start:start + len(rule_topics)].argmax(axis=1)
        rule_column = np.array([at[t] for t in rule_topics], np.intp)[rule]
        votes[np.arange(len(decision)), rule_column] += RULES_WEIGHT
        return np.asarray(labels, dtype=object)[votes.argmax(axis=1)].tolist()


def predict_many(models: Sequence[LabelModel], texts: Sequence[str],
                 scores: Sequence[float] | None = None) -> list[list[str]]:
    """Each model's labels of the same cleaned texts (``LabelModel.predict`` of each), their
    n-grams and VADER scores computed once for all; ``BATCH`` texts at a time."""
    if scores is not None and len(scores) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(scores)} scores")
    out: list[list[str]] = [[] for _ in models]
    for low in range(0, len(texts), BATCH):
        batch = list(texts[low:low + BATCH])
        vader = ([sentiment_score(t) for t in batch] if scores is None
                 else list(scores[low:low + BATCH]))
        runs = ngram_runs(batch)
        for i, model in enumerate(models):
            dense = model.features.dense(batch, vader)
            out[i].extend(model._labels(model._decision(batch, dense, runs), dense))
    return out


def _check(kind: str, texts: Sequence[str], labels: Sequence[str]) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if not texts:
        raise ValueError("no corrections to learn from")


def _matcher(kind: str, industry: str, rules: Rules) -> TopicMatcher | None:
    return rules.matcher(industry or None) if kind == "topic" else None


def _sorted_pairs(texts: Sequence[str], labels: Sequence[str]) -> list[int]:
    return sorted(range(len(texts)), key=lambda i: (texts[i], labels[i]))


def _fit(kind: str, industry: str, texts: list[str], labels: list[str], rules: Rules,
         scores: list[float] | None = None) -> LabelModel:
    """A model of texts already in a fixed order."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    features = Features.fit(kind, texts, _matcher(kind, industry, rules))
    version = model_version(kind, industry, texts, labels)
    classes = tuple(sorted(set(labels)))
    common = dict(kind=kind, industry=industry, trained_on=len(texts), features=features, version=version,
                  sklearn_version=importlib.metadata.version("scikit-learn"))
    if len(classes) == 1:
        return LabelModel(classes=classes, weights=np.zeros((1, len(features))), intercept=np.zeros(1),
                          **common)
    X = features.matrix(texts, scores)
    classifier = LogisticRegression(C=C[kind], class_weight=CLASS_WEIGHT, max_iter=MAX_ITER,
                                    random_state=SEED)
    with threadpool_limits(1):
        classifier.fit(X, np.asarray(labels, dtype=object))
    weights, intercept = np.ascontiguousarray(classifier.coef_), classifier.intercept_.copy()
    classifier.coef_ = classifier.intercept_ = None  # stored once, in the model (``classifier``)
    return LabelModel(classes=tuple(str(c) for c in classifier.classes_), weights=weights,
                      intercept=intercept, estimator=pickle.dumps(classifier, pickle.HIGHEST_PROTOCOL),
                      **common)


def train(kind: str, industry: str, texts: list[str], labels: list[str], rules: Rules) -> LabelModel:
    """A model of ``kind`` for ``industry`` trained on cleaned ``texts`` and their ``labels``
    (deterministic, whatever their order: the pairs are sorted first)."""
    _check(kind, texts, labels)
    order = _sorted_pairs(texts, labels)
    return _fit(kind, industry, [texts[i] for i in order], [labels[i] for i in order], rules)


def cross_val_predict_labels(kind: str, industry: str, texts: list[str], labels: list[str], rules: Rules,
                             folds: int = 5) -> list[str]:
    """The label of each text predicted by a model trained on the other folds (in input order).

    ``folds`` stratified folds, shuffled with ``SEED`` over the sorted pairs (so the same
    corrections in any order give each text the same label).  Where classes are small: a class with
    fewer members than folds is spread over fewer folds (a class of one is never in its own
    training fold, so its text gets another label); when even the largest class has fewer members
    than ``folds``, as many folds as it has members; when every class has a single member, plain
    shuffled folds (at most ``folds``).  A training fold of one class predicts it.  Fewer than two
    texts or ``folds`` < 2: ValueError.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    _check(kind, texts, labels)
    if len(texts) < 2 or folds < 2:
        raise ValueError(f"cross-validation needs at least 2 texts and 2 folds (got {len(texts)}, {folds})")
    order = _sorted_pairs(texts, labels)
    texts_sorted = [texts[i] for i in order]
    labels_sorted = np.asarray([labels[i] for i in order], dtype=object)
    largest = int(max(np.unique(labels_sorted, return_counts=True)[1]))
    if largest >= 2:
        splitter = StratifiedKFold(n_splits=min(folds, largest), shuffle=True, random_state=SEED)
    else:
        splitter = KFold(n_splits=min(folds, len(texts)), shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(splitter.split(np.zeros(len(texts)), labels_sorted))
    scores = [sentiment_score(t) for t in texts_sorted]
    predicted = np.empty(len(texts), dtype=object)
    for train_at, test_at in splits:
        model = _fit(kind, industry, [texts_sorted[i] for i in train_at], labels_sorted[train_at].tolist(),
                     rules, [scores[i] for i in train_at])
        predicted[test_at] = model.predict([texts_sorted[i] for i in test_at], [scores[i] for i in test_at])
    out: list[str] = [""] * len(texts)
    for rank, i in enumerate(order):
        out[i] = predicted[rank]
    return out


def save(model: LabelModel, path: Path) -> None:
    """Write ``model`` to ``path`` atomically (a temporary file beside it, then renamed)."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(model, f, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> LabelModel:
    """A model ``save`` wrote; ``StaleModelError`` if of another ``MODEL_FORMAT`` (train again)."""
    with open(path, "rb") as f:
        model = pickle.load(f)
    if not isinstance(model, LabelModel):
        raise StaleModelError(f"{path} holds no LabelModel")
    if model.format != MODEL_FORMAT:
        raise StaleModelError(
            f"{path} is a model of format {model.format}, not {MODEL_FORMAT}: train it again")
    return model


def model_version(kind: str, industry: str, texts: Sequence[str], labels: Sequence[str]) -> str:
    """16 hex digits naming a model: MODEL_FORMAT, scikit-learn's version, kind, industry and the
    (text, label) pairs sorted (the same corrections in any order: the same version)."""
    pairs = sorted(zip(texts, labels, strict=True))
    payload = json.dumps([MODEL_FORMAT, importlib.metadata.version("scikit-learn"), kind, industry, pairs],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:16]
