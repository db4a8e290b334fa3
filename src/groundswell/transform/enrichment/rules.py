"""Complaint type and complaint topic of a cleaned text: simple, ordered, documented rules.

**Complaint type** follows the US Air Force's online response process (seed 004): a
message is first assessed positive or negative (VADER's label); a negative one is then
evaluated as one of four types, each with its own recommended response
(``dbt/seeds/complaint_responses.csv``).  The first rule that matches wins:

1. ``troll``: mockery or insult (``lol``, ``lmao``, 😂, 🤡, ``joke``, ``pathetic``, ``clown``,
   ``idiots``, ``garbage``, ...): written to provoke, not to be helped.
2. ``rage``: profanity (``wtf``, ``shit``, ``f*ck``, ...), or a very negative text
   (compound <= -0.5) that shouts (``!!``, or two words of 4+ letters in capitals: airport
   codes have 3) or uses an outrage word (``furious``, ``hate``, ``disgrace``,
   ``unacceptable``, ``never again``, ...).
3. ``misinformation``: says something is false, fake, a lie or a rumour (``rumour``,
   ``heard that``, ``apparently``, ``secretly``, ``fake``, ``lie``/``lied``/``lying``,
   ``hoax``, ``not true``, ...): the response is to correct the facts.
4. ``unhappy_customer``: every other negative text.

Non-negative texts are ``positive`` or ``neutral`` (their sentiment label).

**Complaint topic** is keyword matching against ``dbt/seeds/complaint_topics.csv``
(``industry,topic,keyword``; a keyword may be a phrase).  Matching is case-insensitive and
on word boundaries (a keyword is neither preceded nor followed by a letter, digit or
underscore; whitespace in a phrase matches any run of whitespace).  A topic's hits are the
distinct keywords of it found in the text (each counts once however often it occurs; in
"charged twice" both "charged" and "charged twice" count).  The topic with most hits wins,
ties go to the topic that comes first in the seed file; no hit is ``other``.  A text with
an industry hint is matched against that industry's list and the ``any`` list; a text
without one against every list.  Topics are computed for every text, whatever its
sentiment: VADER scores many complaints neutral ("my bag didn't arrive"), and those still
have a topic; count complaints with ``complaint_type``.

``RULES_VERSION`` names this file's rules: change it with any rule above, so
``rules_version`` changes and ``enrich`` rescores every text.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

#: Bump whenever the complaint type rules or the matching semantics change.
RULES_VERSION = "2026-11-24.1"

TOPICS_SEED = "complaint_topics.csv"
RESPONSES_SEED = "complaint_responses.csv"
ANY_INDUSTRY = "any"
NO_TOPIC = "other"

COMPLAINT_TYPES = ("positive", "neutral", "troll", "rage", "misinformation", "unhappy_customer")
VERY_NEGATIVE = -0.5


class EnrichmentConfigError(RuntimeError):
    """A seed the enrichment reads is missing or malformed; the message says how to fix it."""


#: The characters outside ASCII that Python's case-insensitive matching takes for an ASCII letter
#: (İ and ı for i, ſ for s, the Kelvin sign for k); tests/unit/test_fast_paths.py checks the list
#: against every code point.  ``str.lower`` turns none of the others into ASCII, and keeps the
#: length of every text without İ.
ASCII_LOOKALIKES = frozenset("\u0130\u0131\u017f\u212a")
#: Each of them as the ASCII letter it matched: "my ſim card" matches the keyword "sim".
_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_WORD_RUN = re.compile(r"\w+")


def _words(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any alternative on word boundaries."""
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _on_lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A ``_words`` pattern that finds a match in ``" " + text.lower()`` exactly when ``pattern``
    finds one in ``text``, for a text without ``ASCII_LOOKALIKES``; twice as fast.

    Why it is the same: the pattern's letters are all lower-case (checked), and on such a text
    case-insensitive matching takes a pattern letter for its two ASCII cases only, which
    ``lower`` makes one (it keeps the text's length and word characters).  Why it is faster:
    ``(?<!\\w)`` first makes ``re`` try the whole alternation at every word of the text, case
    folding each comparison; ``[^\\w]`` first (the space stands for the start of the text) lets it
    skip in C to the next non-word character, and a case-sensitive alternation skips the
    alternatives whose first letter differs without entering them.
    """
    source = pattern.pattern
    if not source.startswith(r"(?<!\w)(?:") or source != source.lower():
        raise ValueError(f"not a lower-case _words pattern: {source}")
    return re.compile(r"[^\w]" + source[len(r"(?<!\w)"):])


# Mockery: laughing at the brand, calling it names.
TROLL = _words(
    r"lol+", r"lmf?ao+", r"rofl", r"(?:ha){2,}h?", r"joke", r"clowns?", r"pathetic", r"laughable",
    r"losers?", r"idiots?", r"morons?", r"garbage", r"trash", r"dumb", r"epic fail", r"another fail",
    r"imagine paying",
)
TROLL_EMOJI = re.compile("[\U0001F602\U0001F923\U0001F921\U0001F644]")  # 😂 🤣 🤡 🙄
# Profanity, masked or not.
PROFANITY = _words(
    r"f+u+c+k\w*", r"f[*@#]+c?k\w*", r"f\*+", r"shit\w*", r"bullshit", r"wtf", r"stfu", r"crap\w*",
    r"ass(?:hole)?s?", r"bitch\w*", r"bastards?", r"piss(?:ed)?", r"god ?damn\w*",
    r"screw (?:you|this|u)", r"what the hell",
)
OUTRAGE = _words(
    r"furious", r"livid", r"outraged?", r"outrageous", r"hate", r"hated", r"disgrace\w*",
    r"disgust\w*", r"unacceptable", r"never again", r"never (?:fly|flying|use|using|buy|buying)",
    r"worst (?:company|airline|service) ever",
)
SHOUTED_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{4,}(?![A-Za-z])")
MISINFORMATION = _words(
    r"rumou?rs?", r"rumou?red", r"heard (?:that|rumou?rs?)", r"i heard", r"apparently", r"supposedly",
    r"allegedly", r"reportedly", r"secretly", r"is (?:it|this|that) true", r"if true", r"fake",
    r"fake news", r"hoax", r"lies", r"lie(?![- ]flat)", r"lied", r"lying", r"liars?", r"false(?:ly)?",
    r"misleading", r"not true", r"untrue", r"conspiracy", r"cover(?:-| )?up", r"propaganda",
)
STARTS_WITH_HEARD = re.compile(r"^\s*heard\b", re.IGNORECASE)
#: The four word patterns of ``complaint_type`` for lower-cased texts, and any of them (in most
#: negative texts none matches: one search then answers for the four).
_LOWERED = tuple(_on_lowered(p) for p in (TROLL, PROFANITY, OUTRAGE, MISINFORMATION))
_ANY_LOWERED = re.compile(r"[^\w](?:" + "|".join(p.pattern[len(r"[^\w]"):] for p in _LOWERED) + ")")


def is_shouting(text: str) -> bool:
    """'!!', or at least two words of 4+ letters written in capitals."""
    return "!!" in text or len(SHOUTED_WORD.findall(text)) >= 2


def complaint_type(cleaned: str, score: float, label: str) -> str:
    """The seed-004 type of a cleaned text, from its VADER score and label (rules above)."""
    if label != "negative":
        return label
    if cleaned.isascii() or ASCII_LOOKALIKES.isdisjoint(cleaned):  # almost every text: see _on_lowered
        text = " " + cleaned.lower()
        if _ANY_LOWERED.search(text):
            troll, profanity, outrage, misinformation = (p.search(text) for p in _LOWERED)
        else:
            troll = profanity = outrage = misinformation = None
    else:
        troll, profanity, outrage, misinformation = (
            p.search(cleaned) for p in (TROLL, PROFANITY, OUTRAGE, MISINFORMATION))
    if troll or TROLL_EMOJI.search(cleaned):
        return "troll"
    if profanity or (score <= VERY_NEGATIVE and (is_shouting(cleaned) or outrage)):
        return "rage"
    if misinformation or STARTS_WITH_HEARD.search(cleaned):
        return "misinformation"
    return "unhappy_customer"


def complaint_type_by_pattern(cleaned: str, score: float, label: str) -> str:
    """``complaint_type`` with the case-insensitive patterns on the text itself: the definition,
    which ``complaint_type`` is tested against."""
    if label != "negative":
        return label
    if TROLL.search(cleaned) or TROLL_EMOJI.search(cleaned):
        return "troll"
    if PROFANITY.search(cleaned) or (
            score <= VERY_NEGATIVE and (is_shouting(cleaned) or OUTRAGE.search(cleaned))):
        return "rage"
    if MISINFORMATION.search(cleaned) or STARTS_WITH_HEARD.search(cleaned):
        return "misinformation"
    return "unhappy_customer"


def _keyword_pattern(keyword: str) -> str:
    return r"\s+".join(re.escape(part) for part in keyword.split())


def _normalize(keyword: str) -> str:
    return " ".join(keyword.lower().split())


def _ends_word(text: str, end: int) -> bool:
    """Whether a match of ``text[:end]`` at the start of ``text`` ends on a word boundary."""
    return not (re.match(r"\w", text[end - 1]) and re.match(r"\w", text[end]))


class TopicMatcher:
    """The topics of one set of keyword lists, as one pattern (see the module docstring).

    ``keywords_found`` is what ``pattern`` finds, computed without it where it can be: that one
    pattern of 300 alternatives tries each of them at every word (40 µs a tweet, the largest
    cost of scoring before).  The shortcut rests on three facts:

    - every keyword starts with a word character, so a match starts where a run of word
      characters (``\\w+``) starts, and that run, lower-cased, is the keyword's own first run:
      all of it for a one-word keyword ("bag" at "Bag,"), its first part for the others ("wi"
      of "wi-fi", "late" of "late flight");
    - the keyword ``pattern`` takes at a position is the longest that matches there, and every
      other that matches there is one of its ``prefixes``: so the keywords found are each
      keyword that matches anywhere, with its prefixes;
    - a longer keyword matches only if each of its words occurs in the lower-cased text.

    So the text's runs are looked up in a dict of first runs: a one-word keyword is found by
    the lookup alone, a longer one by its own pattern at its run's positions (after the cheap
    substring test).  This holds where every keyword is ASCII and the text has none of
    ``ASCII_LOOKALIKES`` (a keyword character then matches only itself or its ASCII other
    case, and ``str.lower`` keeps the text's length and runs); other texts, or a seed with
    other keywords, go through ``pattern``.  Tests compare the two on tricky and real texts.
    """

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        # rows: (topic, keyword) in seed order.
        self.topics: list[str] = []
        self.keyword_topics: dict[str, list[int]] = {}
        for topic, keyword in rows:
            if topic not in self.topics:
                self.topics.append(topic)
            rank = self.topics.index(topic)
            topics = self.keyword_topics.setdefault(_normalize(keyword), [])
            if rank not in topics:
                topics.append(rank)
        # One pattern for all keywords: a lookahead finds a match at every start position, so
        # overlapping keywords are all found; at one position the longest keyword is the match,
        # and the shorter ones it begins with ("charged" in "charged twice") are added from
        # ``self.prefixes``.
        keywords = sorted(self.keyword_topics, key=lambda k: (-len(k), k))
        alternation = "|".join(_keyword_pattern(k) for k in keywords) or r"(?!x)x"
        self.pattern = re.compile(r"(?<!\w)(?=(" + alternation + r")(?!\w))", re.IGNORECASE)
        self.prefixes = {k: [p for p in keywords if p != k and k.startswith(p) and _ends_word(k, len(p))]
                         for k in keywords}
        # The shortcut: first run -> [(keyword, its own pattern (None for one word), its words)].
        self.fast = all(k.isascii() and _WORD_RUN.match(k) for k in keywords)
        self.by_first_run: dict[str, list[tuple[str, re.Pattern[str] | None, tuple[str, ...]]]] = {}
        if self.fast:
            for k in keywords:
                run = _WORD_RUN.match(k).group()
                own = None if run == k else re.compile(_keyword_pattern(k) + r"(?!\w)", re.IGNORECASE)
                self.by_first_run.setdefault(run, []).append((k, own, tuple(k.split())))
        self.first_runs = frozenset(self.by_first_run)

    def keywords_found(self, cleaned: str) -> set[str]:
        """The distinct keywords (normalized) that occur in the text (see the class docstring)."""
        if not self.fast or not (cleaned.isascii() or ASCII_LOOKALIKES.isdisjoint(cleaned)):
            return self.keywords_found_by_pattern(cleaned)
        lower = cleaned.lower()  # the text's length and runs, lower-cased (no İ in it)
        found: set[str] = set()
        for run in self.first_runs.intersection(_WORD_RUN.findall(lower)):
            for keyword, own, words in self.by_first_run[run]:
                if own is None or (all(w in lower for w in words) and any(
                        own.match(cleaned, at.start()) for at in _WORD_RUN.finditer(lower)
                        if at.group() == run)):
                    found.add(keyword)
                    found.update(self.prefixes[keyword])
        return found

    def keywords_found_by_pattern(self, cleaned: str) -> set[str]:
        """``keywords_found`` by the one pattern (the definition; the fast path's reference)."""
        found = set()
        for m in self.pattern.findall(cleaned):
            keyword = _normalize(m)
            # A match through a look-alike ("ſim") is its keyword in ASCII ("sim").
            found.add(keyword if keyword in self.prefixes else _normalize(m.translate(_TO_ASCII)))
        for keyword in list(found):
            found.update(self.prefixes[keyword])
        return found

    def topic(self, cleaned: str) -> str:
        return self.topic_of(self.keywords_found(cleaned))

    def topic_by_pattern(self, cleaned: str) -> str:
        """``topic`` through ``keywords_found_by_pattern``: the reference the fast path is tested against."""
        return self.topic_of(self.keywords_found_by_pattern(cleaned))

    def topic_of(self, found: set[str]) -> str:
        if not found:
            return NO_TOPIC
        hits = [0] * len(self.topics)
        for keyword in found:
            for rank in self.keyword_topics[keyword]:
                hits[rank] += 1
        best = max(hits)
        return self.topics[hits.index(best)]  # index(): the first in seed order wins a tie


@dataclass(frozen=True)
class Rules:
    """Everything a text's enrichment depends on besides the text: seeds and versions."""

    topic_rows: tuple[tuple[str, str, str], ...]  # (industry, topic, keyword), seed order
    responses: dict[str, str]  # complaint_type -> recommended_response
    version: str

    @cached_property
    def industries(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for i, _, _ in self.topic_rows))

    @cached_property
    def topic_names(self) -> tuple[str, ...]:
        """Every topic a text can get: the seed's, in seed order, then ``other``."""
        return tuple(dict.fromkeys([*(t for _, t, _ in self.topic_rows), NO_TOPIC]))

    @cached_property
    def _matchers(self) -> dict[str | None, TopicMatcher]:
        return {}

    def matcher(self, industry: str | None) -> TopicMatcher:
        """The lists for a hint: its industry's and ``any``; every list without a hint."""
        key = industry.lower() if industry else None
        if key not in self._matchers:
            wanted = None if key is None else {key, ANY_INDUSTRY}
            self._matchers[key] = TopicMatcher(
                [(t, k) for i, t, k in self.topic_rows if wanted is None or i in wanted])
        return self._matchers[key]

    def topic(self, cleaned: str, industry: str | None = None) -> str:
        return self.matcher(industry).topic(cleaned)


def read_seed(path: Path, columns: tuple[str, ...]) -> tuple[bytes, list[dict[str, str]]]:
    """A seed's bytes and rows (``columns`` only, stripped); an error that says what to fix."""
    if not path.exists():
        raise EnrichmentConfigError(
            f"{path} is missing: enrichment reads it (columns {', '.join(columns)}); restore it "
            "from the repository (git checkout -- dbt/seeds) or point seeds_dir at a folder holding it"
        )
    content = path.read_bytes()
    reader = csv.DictReader(content.decode("utf-8-sig").splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise EnrichmentConfigError(
            f"{path} has no column {', '.join(missing)} (its header is {reader.fieldnames}): "
            f"the header row must name {', '.join(columns)}"
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(c) or "").strip() for c in columns}
        if not all(values.values()):
            raise EnrichmentConfigError(
                f"{path} line {line}: every one of {', '.join(columns)} needs a value")
        rows.append(values)
    return content, rows


def vader_version() -> str:
    return importlib.metadata.version("vaderSentiment")


def load_rules(seeds_dir: Path) -> Rules:
    """Read both seeds and compute the rules version they make with this code and VADER."""
    topics_bytes, topic_rows = read_seed(seeds_dir / TOPICS_SEED, ("industry", "topic", "keyword"))
    responses_bytes, response_rows = read_seed(
        seeds_dir / RESPONSES_SEED, ("complaint_type", "recommended_response", "source"))
    responses = {r["complaint_type"]: r["recommended_response"] for r in response_rows}
    missing = [t for t in COMPLAINT_TYPES if t not in responses]
    unknown = [t for t in responses if t not in COMPLAINT_TYPES]
    if missing or unknown:
        raise EnrichmentConfigError(
            f"{seeds_dir / RESPONSES_SEED} must have one row per complaint type "
            f"({', '.join(COMPLAINT_TYPES)}): missing {missing or 'none'}, unknown {unknown or 'none'}"
        )
    digest = hashlib.sha256()
    for part in (vader_version().encode(), RULES_VERSION.encode(), topics_bytes, responses_bytes):
        digest.update(hashlib.sha256(part).digest())
    rows = tuple((r["industry"].lower(), r["topic"], r["keyword"]) for r in topic_rows)
    return Rules(topic_rows=rows, responses=responses, version=digest.hexdigest()[:16])
