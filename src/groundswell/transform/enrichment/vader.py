"""VADER's compound score, computed as vaderSentiment 3.3.2 does it, four to five times faster.

``SentimentIntensityAnalyzer.polarity_scores`` spends most of its time on work that cannot
change the compound score: it rebuilds the text character by character to replace emoji
(even when there is none), lower-cases the whole word list again for every negation check
(``_negation_check`` is called up to three times per sentiment word), scans the 59 negation
words as a list, formats a dozen n-gram strings per sentiment word to look up idioms that
need words most texts do not have, and computes ``pos``/``neg``/``neu`` that we do not keep.

``compound`` below is the same algorithm with that work skipped or done once:

- emoji: the character loop runs only when the text holds a character of the emoji lexicon;
  otherwise its result is the text itself;
- words: each word is lower-cased once (``str.lower`` is idempotent, which the original's
  ``str(w).lower()`` of an already lower-cased word relies on too; a test checks it for
  every code point);
- a text none of whose words is in the lexicon scores 0.0 (every word adds the int 0, as
  in the original, so the sum is 0);
- per sentiment word, the rules of ``sentiment_valence``, ``scalar_inc_dec``,
  ``_negation_check``, ``_special_idioms_check`` and ``_least_check`` in the original's
  order, with the original's float operations in the original's order (so every valence
  is the same float, signed zeros included), reading the precomputed lower-cased words;
  the idiom check is skipped when none of the words i-3..i (each n-gram it looks up holds
  one of them) occurs in a multi-word idiom or booster key (then no key can match);
- ``_but_check``, ``normalize`` and the constants are the original's own functions and
  values, and the valences are summed by ``sum`` over the same list (same types, same
  order), so even a change of ``sum``'s algorithm (Python 3.12) changes both alike.

Only vaderSentiment 3.3.2 is known to match: with another version ``compound`` is the
original's ``polarity_scores(text)["compound"]``.  tests/unit/test_fast_paths.py checks the
two agree on tricky and random texts, tests/integration/test_enrichment_fast_paths.py on every
real text of ../shared/data.
"""

from __future__ import annotations

import importlib.metadata
from functools import lru_cache

from vaderSentiment import vaderSentiment as _vs

#: The vaderSentiment release this port reproduces.
PORTED_VERSION = "3.3.2"

_BOOSTERS = _vs.BOOSTER_DICT
_SPECIAL = _vs.SPECIAL_CASES
_NEGATE = frozenset(_vs.NEGATE)
_N_SCALAR = _vs.N_SCALAR
_C_INCR = _vs.C_INCR
_PUNCTUATION = _vs.string.punctuation
_normalize = _vs.normalize
_but_check = _vs.SentimentIntensityAnalyzer._but_check
#: Every word of a multi-word idiom or booster key: an n-gram without one cannot be a key.
_IDIOM_WORDS = frozenset(word for key in (*_SPECIAL, *_BOOSTERS) if " " in key for word in key.split())


@lru_cache(maxsize=1)
def analyzer() -> _vs.SentimentIntensityAnalyzer:
    """One VADER analyzer per process (loading its lexicon takes about 15 ms)."""
    return _vs.SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], frozenset[str], dict[str, str]]:
    a = analyzer()
    # Lexicon words that are not boosters: the only words that get a valence of their own.
    scoring = frozenset(w for w in a.lexicon if w not in _BOOSTERS)
    return a.lexicon, scoring, a.emojis


def _negated(word: str) -> bool:
    """``negated([word])`` of an already lower-cased word."""
    return word in _NEGATE or "n't" in word


def _scalar(word: str, lower: str, valence: float, is_cap_diff: bool) -> float:
    """``scalar_inc_dec`` with the word's lower case precomputed."""
    scalar = 0.0
    if lower in _BOOSTERS:
        scalar = _BOOSTERS[lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            if valence > 0:
                scalar += _C_INCR
            else:
                scalar -= _C_INCR
    return scalar


def _idioms(valence: float, low: list[str], i: int) -> float:
    """``_special_idioms_check`` on the lower-cased words (i > 2)."""
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    if len(low) - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in _SPECIAL:
            valence = _SPECIAL[zeroone]
    if len(low) - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in _SPECIAL:
            valence = _SPECIAL[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


def _valence(words: list[str], low: list[str], i: int, lexicon: dict[str, float], is_cap_diff: bool):
    """``sentiment_valence`` of word ``i``, which is in the lexicon and not a booster."""
    item = words[i]
    item_lowercase = low[i]
    n = len(words)
    valence = lexicon[item_lowercase]
    if item_lowercase == "no" and i != n - 1 and low[i + 1] in lexicon:
        valence = 0.0
    if (i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no") \
            or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor")):
        valence = lexicon[item_lowercase] * _N_SCALAR
    if item.isupper() and is_cap_diff:
        if valence > 0:
            valence += _C_INCR
        else:
            valence -= _C_INCR
    for start_i in range(3):
        j = i - (start_i + 1)
        if i > start_i and low[j] not in lexicon:
            s = _scalar(words[j], low[j], valence, is_cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            # _negation_check
            if start_i == 0:
                if _negated(low[i - 1]):
                    valence = valence * _N_SCALAR
            elif start_i == 1:
                if low[i - 2] == "never" and (low[i - 1] == "so" or low[i - 1] == "this"):
                    valence = valence * 1.25
                elif low[i - 2] == "without" and low[i - 1] == "doubt":
                    pass
                elif _negated(low[i - 2]):
                    valence = valence * _N_SCALAR
            else:
                if low[i - 3] == "never" and (low[i - 2] == "so" or low[i - 2] == "this") or \
                        (low[i - 1] == "so" or low[i - 1] == "this"):
                    valence = valence * 1.25
                elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
                    pass
                elif _negated(low[i - 3]):
                    valence = valence * _N_SCALAR
                if (low[i - 3] in _IDIOM_WORDS or low[i - 2] in _IDIOM_WORDS or low[i - 1] in _IDIOM_WORDS
                        or item_lowercase in _IDIOM_WORDS):
                    valence = _idioms(valence, low, i)
    # _least_check
    if i > 1 and low[i - 1] not in lexicon and low[i - 1] == "least":
        if low[i - 2] != "at" and low[i - 2] != "very":
            valence = valence * _N_SCALAR
    elif i > 0 and low[i - 1] not in lexicon and low[i - 1] == "least":
        valence = valence * _N_SCALAR
    return valence


def _demojize(text: str, emojis: dict[str, str]) -> str:
    """The emoji loop of ``polarity_scores``: each emoji becomes its description."""
    text_no_emoji = ""
    prev_space = True
    for chr in text:
        if chr in emojis:
            description = emojis[chr]
            if not prev_space:
                text_no_emoji += " "
            text_no_emoji += description
            prev_space = False
        else:
            text_no_emoji += chr
            prev_space = chr == " "
    return text_no_emoji


def reference_compound(text: str) -> float:
    """The original: ``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``."""
    return analyzer().polarity_scores(text)["compound"]


def compound(text: str) -> float:
    """VADER's compound score of ``text``, the same float as ``reference_compound``."""
    lexicon, scoring, emojis = _tables()
    if not text.isascii() and not emojis.keys().isdisjoint(text):
        text = _demojize(text, emojis)
    text = text.strip()
    # SentiText: punctuation stripped from each word unless two characters or fewer would remain.
    words = [token if len(stripped := token.strip(_PUNCTUATION)) <= 2 else stripped for token in text.split()]
    low = [word.lower() for word in words]
    if scoring.isdisjoint(low):
        return 0.0  # no word has a valence: the sum of int zeros (or of nothing)
    n = len(words)
    caps = sum(map(str.isupper, words))
    is_cap_diff = 0 < n - caps < n  # allcap_differential
    sentiments: list = []
    for i, lower in enumerate(low):
        if lower not in scoring or (lower == "kind" and i < n - 1 and low[i + 1] == "of"):
            sentiments.append(0)  # not in the lexicon, a booster, or "kind of"
        else:
            sentiments.append(_valence(words, low, i, lexicon, is_cap_diff))
    if "but" in low:
        sentiments = _but_check(words, sentiments)
    # score_valence, compound only
    sum_s = float(sum(sentiments))
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    return round(_normalize(sum_s), 4)


if importlib.metadata.version("vaderSentiment") != PORTED_VERSION:  # pragma: no cover
    compound = reference_compound  # noqa: F811 - a VADER this port was not checked against
