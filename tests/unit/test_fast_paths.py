"""The fast scoring paths give exactly what the definitions give.

``vader.compound`` against vaderSentiment's own ``SentimentIntensityAnalyzer().polarity_scores``
(the same float, signed zeros included), ``complaint_type`` against
``complaint_type_by_pattern`` and ``TopicMatcher.keywords_found`` against the one big pattern
(``keywords_found_by_pattern``), on texts chosen to hit every rule, on random texts made of
the words the rules look at, and on the facts about Python the fast paths rest on.  The same
comparison on every real text of ../shared/data: tests/integration/test_enrichment_fast_paths.py.
"""

from __future__ import annotations

import math
import random
import re
import sys

import duckdb
import pytest
from vaderSentiment import vaderSentiment as vs

from groundswell.config import PROJECT_ROOT
from groundswell.transform.enrichment import vader
from groundswell.transform.enrichment.rules import (
    ASCII_LOOKALIKES,
    TopicMatcher,
    complaint_type,
    complaint_type_by_pattern,
    load_rules,
)
from groundswell.transform.enrichment.scoring import Scorer, score_rows
from groundswell.transform.enrichment.text import clean_text, finish_cleaning, preclean, sentiment_label

SEEDS = PROJECT_ROOT / "dbt" / "seeds"
REFERENCE = vs.SentimentIntensityAnalyzer()

TRICKY = [
    # empty, blank, no lexicon word
    "", "   ", "\t\n", "what time does boarding start", "1234", "...", "!!!", "???",
    # negation, one to three words before; contractions; "no"
    "not good", "isn't bad", "this is not very good", "not at all good", "never good", "nope good",
    "I don't think it was good", "didnt like it", "aint good", "uh-uh good", "without good",
    "never so good", "never this good", "never so very good", "it was never this good at all",
    "without doubt good", "without a doubt good", "without doubt an excellent idea",
    "no good", "no", "no no", "no problem", "no good or bad", "no bad nor good", "not no good",
    "no, good", "no love no hate", "NO GOOD", "nothing good", "seldom good", "rarely bad",
    # "but": halves before, boosts after; repeated equal valences (the original's index() quirk)
    "good but bad", "good good but good", "bad but bad but bad", "but good", "good but", "BUT great",
    "I love it, but the service was terrible and the food was bad", "good but good good bad but",
    # capitals against lower case, all capitals, booster in capitals
    "GREAT service", "great SERVICE", "ALL CAPS TEXT IS BAD", "VERY good", "very GOOD", "VERY GOOD food",
    "the service was REALLY bad", "Today SUX!", "EXTREMELY BAD", "I HATE it", "Hate It",
    # punctuation emphasis
    "good!", "good!!!", "good!!!!!!!!", "bad!!", "good?", "good??", "good???", "good????????",
    "bad?!?!", "is it good?!", "!!! good !!!",
    # boosters and dampeners
    "very good", "extremely bad", "kind of good", "kind of bad", "kindof good", "kind-of good",
    "kinda good", "sort of good", "sorta bad", "hardly good", "barely bad", "just enough good",
    "good kind", "kind of", "kind", "so good", "so so good", "quite bad", "more good", "most bad",
    "fucking great", "FRIGGIN FUNNY", "uber handsome", "the very least good",
    # "least"
    "least good", "at least good", "very least good", "the least good", "at least it isn't bad",
    "one of the least compelling", "least", "Least bad",
    # idioms and special cases
    "the shit", "this is the shit", "the bomb", "it's the bomb", "bad ass", "badass", "bus stop",
    "yeah right", "kiss of death", "to die for", "beating heart", "that was to die for",
    "cut the mustard", "under the weather", "the shit is good", "good the shit", "what the hell",
    "he is such a bad ass dude", "the bus stop was great", "yeah right good",
    # emoticons and emoji
    ":)", ":(", ":-)", ":D", ":P", "<3", "</3", "good :)", "bad :(", "😂", "😁 great", "good😂",
    "a😁b", "💘 and 💋", "☺️", "I ❤ it", "😂😂😂", "😡 angry", "🤡 clown airline", " 😂 ",
    "👶🏻 baby", "👍", "thumbs 👎",
    # entities and handles, as the cleaning leaves them
    "@united thanks &amp; love", "&lt;3 you", "it&#39;s great", "&quot;great&quot; service",
    "www.x.com bad http://t.co/x", "R&amp;D is bad",
    # words around punctuation (stripped unless 2 letters or fewer remain)
    "good.", "(good)", "'bad'", "--bad--", "g!", "ok", "ok!", "okay...", "'no' good", "no. good",
    # non-ASCII
    "café terrible", "naïve but lovely", "Straße gut", "don’t like it", "it’s good", "ﬁne",
    "ÇOK KÖTÜ", "İyi değil", "ıyi", "ſo good", "Ｇｏｏｄ", "ΣΟΦΟΣ good", "good\u00a0bad",
    "\u212aind of good", "K\u0130ND OF BAD",
    # long and mixed
    "I am FURIOUS. they lost my bag. Absolutely unacceptable!!!",
    "Rumour: they leaked customer data, really bad if true",
    "@northwindair another day, another fail. pathetic 🤡",
    "lol what a joke of an airline", "WTF my flight is late", "no signal at home for a week, awful",
    "I was charged twice, bad", "my wi-fi doesn't work and the check-in app crashed",
    "haha hahaha ha lmao lmfaooo lolll rofl", "f*ck this, f@#k that, f***, fuuuck",
    "screw you, what the hell, god damn, goddamnit", "is it true? apparently the lie-flat seats are a lie",
    "heard that the cover-up was propaganda", "  heard they lied", "never again, never flying",
    "worst airline ever", "LOST MY BAG AGAIN", "LAX JFK SFO late", "NEVER AGAIN!! HATE",
]

#: Words the VADER rules and the complaint rules look at, for random texts.
VOCABULARY = (
    "good bad great terrible love hate not no never nor or so this without doubt but kind of sort "
    "least at very the shit bomb ass bus stop yeah right kiss death to die for beating heart just "
    "enough extremely hardly kinda isn't don't n't nothing none lol joke wtf furious fake lie heard "
    "flight bag lost late delayed cancelled charged twice refund wi-fi check-in on hold signal "
    "GOOD BAD VERY NOT NO BUT LEAST KIND OF :) :( <3 😂 💘 🤡 ! !! ? ?? , . ... - ' \""
).split()


def reference_compound(text: str) -> float:
    return REFERENCE.polarity_scores(text)["compound"]


def same_float(a: float, b: float) -> bool:
    return a == b and math.copysign(1, a) == math.copysign(1, b) and type(a) is type(b)


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(0, 40))) for _ in range(count)]


# -- VADER ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", TRICKY)
def test_compound_is_vaders_own_on_tricky_texts(text):
    for variant in (text, clean_text(text), text.upper(), text.lower()):
        assert same_float(vader.compound(variant), reference_compound(variant)), variant


def test_compound_is_vaders_own_on_random_texts_of_the_words_its_rules_read():
    for text in random_texts(5000, seed=6):
        assert same_float(vader.compound(text), reference_compound(text)), text


def test_the_port_is_of_the_installed_vader():
    # Another release may change a rule: then compound falls back to the original (vader.py).
    assert vader.compound is not vader.reference_compound
    assert vader.PORTED_VERSION == "3.3.2"


def test_lower_is_idempotent_and_keeps_word_characters():
    """What the ports of VADER and of the patterns assume of ``str.lower`` (every code point)."""
    word = re.compile(r"\w")
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        assert low.lower() == low, hex(cp)
        if cp > 127 and c not in ASCII_LOOKALIKES:
            assert len(low) == 1 and not low.isascii(), hex(cp)
            assert bool(word.match(c)) == bool(word.match(low)), hex(cp)


def test_ascii_lookalikes_are_every_character_case_insensitive_re_takes_for_ascii():
    others = "".join(chr(cp) for cp in range(128, sys.maxunicode + 1))
    found = set()
    for cp in range(128):
        found.update(re.compile(re.escape(chr(cp)), re.IGNORECASE).findall(others))
    assert found == ASCII_LOOKALIKES


# -- complaint type --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", TRICKY)
def test_complaint_type_is_the_patterns_on_tricky_texts(text):
    for variant in (text, clean_text(text), text.upper()):
        for score in (-1.0, -0.6, -0.5, -0.4999, -0.05, 0.0, 0.3):
            label = sentiment_label(score)
            assert complaint_type(variant, score, label) == complaint_type_by_pattern(variant, score, label)


def test_complaint_type_is_the_patterns_on_random_texts():
    for text in random_texts(3000, seed=4):
        for score in (-0.9, -0.3):
            expected = complaint_type_by_pattern(text, score, "negative")
            assert complaint_type(text, score, "negative") == expected, text


# -- complaint topic -------------------------------------------------------------------------------

def matchers() -> list[TopicMatcher]:
    """The shipped lists under each hint, and lists with every kind of keyword the seed allows."""
    rules = load_rules(SEEDS)
    odd = TopicMatcher([
        ("a", "on"), ("a", "on hold"), ("b", "on  hold   forever"), ("b", "on time"), ("c", "wi-fi"),
        ("c", "wi"), ("c", "wi-"), ("d", "hasn't arrived"), ("d", "hasn"), ("e", "c++"), ("e", "5g"),
        ("f", "charged"), ("f", "charged twice"), ("a", "Charged Twice"), ("g", "it's"), ("g", "it"),
        ("h", "kind of"), ("h", "of"),
    ])
    slow = TopicMatcher([("a", "#fail"), ("b", "bag"), ("c", "café"), ("c", "on hold")])
    assert odd.fast and not slow.fast  # a keyword that is not ASCII or starts with no word character
    return [rules.matcher(h) for h in (None, "airline", "telecom", "retail")] + [odd, slow]


TOPIC_TEXTS = TRICKY + [
    "on hold", "ON HOLD", "on\thold", "on  hold   forever", "on hold forever", "put on hold on time",
    "onhold", "on holds", "wi-fi", "Wi-Fi!", "wi-fi-", "wi", "wifi", "wi-figure", "hasn't arrived",
    "hasnt arrived", "hasn't   arrived yet", "c++ crash", "c+++", "5g", "5G!", "5gb", "charged twice",
    "CHARGED TWICE", "charged", "charged  twice", "it's lost", "it", "its", "kind of", "kind  of",
    "my bag", "bag_", "_bag", "bag's", "#fail", "a#fail", "café", "cafe", "CAFÉ", "my ſim card",
    "İnternet down", "\u212aindle", "lost my bag, flight delayed, on hold for hours",
    "my baggage is lost", "Cancelled Flightled", "late flight", "flight was late", "customer service",
]


@pytest.mark.parametrize("index", range(6))
def test_keywords_found_are_the_patterns_on_tricky_texts(index):
    matcher = matchers()[index]
    for text in TOPIC_TEXTS + random_texts(2000, seed=index):
        for variant in (text, clean_text(text), text.upper()):
            expected = matcher.keywords_found_by_pattern(variant)
            assert matcher.keywords_found(variant) == expected, variant
            assert matcher.topic(variant) == matcher.topic_by_pattern(variant)


def test_a_keyword_matched_through_a_look_alike_letter_is_that_keyword():
    """Python's case-insensitive match takes ſ, İ, ı and the Kelvin sign for s, i, i and k: the
    topic of "my ſim card" is that of "my sim card" (it used to raise KeyError, failing the run)."""
    rules = load_rules(SEEDS)
    for text, plain in (("my ſim card is dead", "my sim card is dead"),
                        ("İnternet down again", "internet down again")):
        for industry in (None, "telecom"):
            assert rules.topic(text, industry) == rules.topic(plain, industry) != "other", text


# -- scoring, in this process and in workers --------------------------------------------------------

def reference_scores(rows, rules) -> list[tuple]:
    out = []
    for n, pre, hint in rows:
        cleaned = finish_cleaning(pre)
        score = reference_compound(cleaned)
        label = sentiment_label(score)
        out.append((n, score, label, complaint_type_by_pattern(cleaned, score, label),
                    rules.matcher(hint or None).topic_by_pattern(cleaned)))
    return out


def rows_of(parts) -> list[tuple]:
    return sorted(row for scores in parts for row in scores.rows())


def scoring_rows() -> list[tuple[int, str, str]]:
    texts = [t for t in TRICKY + TOPIC_TEXTS if "ſ" not in t and "İ" not in t]
    return [(i, preclean(t), hint) for i, (t, hint) in
            enumerate((t, h) for h in ("", "airline", "telecom") for t in texts)]


def test_scores_are_the_definitions_in_this_process_and_in_workers():
    rules = load_rules(SEEDS)
    rows = scoring_rows()
    expected = reference_scores(rows, rules)
    scores = score_rows(rows, rules)
    assert rows_of([scores]) == expected
    assert all(same_float(got, e[1]) for got, e in zip(scores.sentiment_score, expected, strict=True))
    # Into DuckDB as enrich() puts them: the same values, the same floats.
    con = duckdb.connect()
    con.execute("CREATE TABLE s (n BIGINT, sentiment_score DOUBLE, sentiment_label VARCHAR, "
                "complaint_type VARCHAR, complaint_topic VARCHAR)")
    scores.insert_into(con, "s")
    score_rows([], rules).insert_into(con, "s")
    stored = con.execute("SELECT * FROM s ORDER BY n").fetchall()
    assert stored == expected
    assert all(same_float(got[1], e[1]) for got, e in zip(stored, expected, strict=True))
    with Scorer(rules, workers=2) as scorer:
        assert len(scorer.pool) == 2
        parts = scorer.score(rows)
        assert len(parts) == 2  # one part per worker
        assert rows_of(parts) == expected
        assert rows_of(scorer.score(rows[:50])) == expected[:50]  # the workers serve chunk after chunk
        assert rows_of(scorer.score(rows[:3])) == expected[:3]  # too few rows to split: in this process


def test_an_error_in_a_worker_is_raised_here_and_a_dead_worker_is_replaced_by_this_process(caplog):
    rules = load_rules(SEEDS)
    rows = scoring_rows()[:40]
    with Scorer(rules, workers=2) as scorer:
        # A text that is not a string fails the cleaning: in a worker as in this process.
        with pytest.raises(TypeError):
            scorer.score([*rows, (999, None, "")])
        assert rows_of(scorer.score(rows)) == reference_scores(rows, rules)  # the workers carry on
        scorer.pool[0].kill()
        scorer.pool[0].wait()
        assert rows_of(scorer.score(rows)) == reference_scores(rows, rules)
        assert "a worker process failed" in caplog.text and scorer.pool == []
