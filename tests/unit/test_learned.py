"""Models learned from analysts' corrections (groundswell.transform.enrichment.learned).

On a small corpus written here: determinism, the saved model, cross-validation, the hashed
n-grams and the keyword rules' weight; on the real airline tweets (../shared/data, skipped where
absent): agreement with the human labels at k = 1,000 corrections, floors a few points under
bench/enrichment.py --learning-curve (split 0: sentiment 0.774, topic 0.592 against the rules'
0.568).
"""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from groundswell.config import PROJECT_ROOT
from groundswell.transform.enrichment import learned
from groundswell.transform.enrichment.evaluation import expected_topic, read_airline_tweets
from groundswell.transform.enrichment.rules import load_rules
from groundswell.transform.enrichment.text import clean_text, sentiment_score
from tests.conftest import shared_file

PLACES = ["boston", "denver", "chicago", "dallas", "seattle", "miami", "austin", "newark"]
POSITIVE = ["thanks for the great flight to {p}, the crew was amazing",
            "love flying with you, smooth landing in {p}",
            "best service ever on my trip to {p}, thank you"]
NEUTRAL = ["what time does the flight to {p} board",
           "is there wifi on the plane to {p}",
           "which terminal do flights to {p} leave from"]
NEGATIVE = [("my bag never arrived in {p}, lost luggage again", "lost_luggage"),
            ("flight to {p} delayed three hours and nobody tells us anything", "late_flight"),
            ("on hold for two hours, your customer service is useless, {p} agent hung up",
             "customer_service_issue")]


def corpus() -> tuple[list[str], list[str], list[str], list[str]]:
    """(texts, sentiment labels, negative texts, their topics): 72 texts, 24 negative."""
    texts, sentiment, negative, topics = [], [], [], []
    for p in PLACES:
        for t in POSITIVE:
            texts.append(t.format(p=p))
            sentiment.append("positive")
        for t in NEUTRAL:
            texts.append(t.format(p=p))
            sentiment.append("neutral")
        for t, topic in NEGATIVE:
            texts.append(t.format(p=p))
            sentiment.append("negative")
            negative.append(t.format(p=p))
            topics.append(topic)
    return texts, sentiment, negative, topics


@pytest.fixture(scope="module")
def rules():
    return load_rules(PROJECT_ROOT / "dbt" / "seeds")


UNSEEN = ["thank you for the amazing crew on my flight to portland",
          "does the flight to portland have wifi",
          "lost my bag in portland, luggage still missing",
          "delayed again, three hours waiting in portland",
          "", "✈️ 😂 so late", "Ünïcödé tëxt with straße and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"]


def test_the_same_corrections_give_the_same_version_model_and_labels_whatever_their_order(rules):
    texts, labels, _, _ = corpus()
    first = learned.train("sentiment", "airline", texts, labels, rules)
    order = list(range(len(texts)))
    random.Random(7).shuffle(order)
    shuffled = ([texts[i] for i in order], [labels[i] for i in order])
    again = learned.train("sentiment", "airline", *shuffled, rules)

    version = learned.model_version("sentiment", "airline", texts, labels)
    assert len(version) == 16 and int(version, 16) >= 0
    assert learned.model_version("sentiment", "airline", *shuffled) == version
    assert first.version == again.version == version
    assert np.array_equal(first.weights, again.weights) and np.array_equal(first.intercept, again.intercept)
    assert first.predict(UNSEEN) == again.predict(UNSEEN)
    assert first.predict(texts) == labels  # it learned the corpus
    assert first.kind == "sentiment" and first.industry == "airline" and first.trained_on == len(texts)
    assert first.classes == ("negative", "neutral", "positive")

    # Anything that names another model changes the version.
    changed = [*labels[:-1], "positive" if labels[-1] != "positive" else "neutral"]
    others = {learned.model_version("sentiment", "airline", texts, changed),
              learned.model_version("topic", "airline", texts, labels),
              learned.model_version("sentiment", "telecom", texts, labels),
              learned.model_version("sentiment", "airline", [*texts, "one more"], [*labels, "neutral"])}
    assert version not in others and len(others) == 4


def test_predict_is_the_fitted_logistic_regression(rules):
    texts, labels, negative, topics = corpus()
    model = learned.train("sentiment", "airline", texts, labels, rules)
    classifier = model.classifier
    assert list(classifier.classes_) == list(model.classes)
    matrix = model.features.matrix(UNSEEN)
    assert model.predict(UNSEEN) == classifier.predict(matrix).tolist()
    assert np.allclose(model.decision_function(UNSEEN), classifier.decision_function(matrix))
    # VADER's scores given or computed: the same labels; predict_many as each predict.
    scores = [sentiment_score(t) for t in UNSEEN]
    assert model.predict(UNSEEN, scores) == model.predict(UNSEEN)
    topic = learned.train("topic", "airline", negative, topics, rules)
    assert np.allclose(topic.decision_function(UNSEEN), topic.classifier.decision_function(
        topic.features.matrix(UNSEEN)))
    assert learned.predict_many([model, topic], UNSEEN, scores) == [model.predict(UNSEEN),
                                                                   topic.predict(UNSEEN)]
    with pytest.raises(ValueError):
        model.predict(UNSEEN, scores[:-1])


def test_batches_and_odd_texts_do_not_change_a_text_s_features(rules, monkeypatch):
    texts, labels, _, _ = corpus()
    model = learned.train("sentiment", "airline", texts, labels, rules)
    whole = model.decision_function(UNSEEN + texts)
    # Each text alone: the same decision values as among others (no n-gram crosses texts).
    alone = np.vstack([model.decision_function([t]) for t in UNSEEN + texts])
    assert np.allclose(whole, alone)
    monkeypatch.setattr(learned, "BATCH", 3)
    assert model.predict(UNSEEN + texts) == model.predict(UNSEEN) + model.predict(texts)
    # A NUL inside a text is a space to the n-grams: it does not split the text in two.
    scores = [sentiment_score("lost bag"), 0.0]
    assert np.allclose(model.decision_function(["lost\x00bag", "x"], scores),
                       model.decision_function(["lost bag", "x"], scores))
    assert model.predict([]) == []


def test_a_model_of_one_class_and_bad_input(rules):
    texts, _, _, _ = corpus()
    model = learned.train("sentiment", "", texts[:5], ["neutral"] * 5, rules)
    assert model.classes == ("neutral",) and model.classifier is None
    assert model.predict(UNSEEN) == ["neutral"] * len(UNSEEN)
    with pytest.raises(ValueError, match="kind"):
        learned.train("emotion", "airline", texts, ["neutral"] * len(texts), rules)
    with pytest.raises(ValueError, match="labels"):
        learned.train("sentiment", "airline", texts, ["neutral"], rules)
    with pytest.raises(ValueError):
        learned.train("sentiment", "airline", [], [], rules)


def test_with_few_corrections_a_topic_model_keeps_the_keyword_rules(rules):
    _, _, negative, topics = corpus()  # 24 corrections: fewer than RULES_WEIGHT
    model = learned.train("topic", "airline", negative, topics, rules)
    probe = UNSEEN + ["my flight was cancelled", "the seat was broken and dirty", "charged twice for wifi"]
    assert model.predict(probe) == [rules.topic(t, "airline") for t in probe]
    # A topic model of one class too: the rules stand below RULES_WEIGHT corrections.
    single = learned.train("topic", "airline", negative[:3], ["late_flight"] * 3, rules)
    assert single.predict(probe) == [rules.topic(t, "airline") for t in probe]


def test_save_and_load_give_back_the_same_model(rules, tmp_path):
    texts, labels, negative, topics = corpus()
    for model in (learned.train("sentiment", "airline", texts, labels, rules),
                  learned.train("topic", "airline", negative, topics, rules)):
        path = tmp_path / f"{model.kind}.pkl"
        learned.save(model, path)
        loaded = learned.load(path)
        assert (loaded.kind, loaded.industry, loaded.classes, loaded.trained_on, loaded.version) == (
            model.kind, model.industry, model.classes, model.trained_on, model.version)
        assert loaded.predict(UNSEEN + texts) == model.predict(UNSEEN + texts)
        assert np.array_equal(loaded.weights, model.weights)
    assert sorted(os.listdir(tmp_path)) == ["sentiment.pkl", "topic.pkl"]  # no temporary file left
    # Saving again over it is atomic too; a model of another format is refused.
    stale = learned.load(tmp_path / "topic.pkl")
    stale.format = "0"
    learned.save(stale, tmp_path / "topic.pkl")
    with pytest.raises(learned.StaleModelError):
        learned.load(tmp_path / "topic.pkl")


def test_cross_validated_labels(rules):
    texts, labels, negative, topics = corpus()
    held_out = learned.cross_val_predict_labels("sentiment", "airline", texts, labels, rules)
    assert len(held_out) == len(texts) and set(held_out) <= set(labels)
    assert sum(p == a for p, a in zip(held_out, labels, strict=True)) / len(labels) > 0.9
    # Deterministic, and the same corrections in another order give each text the same label.
    assert learned.cross_val_predict_labels("sentiment", "airline", texts, labels, rules) == held_out
    order = list(range(len(texts)))
    random.Random(3).shuffle(order)
    shuffled = learned.cross_val_predict_labels(
        "sentiment", "airline", [texts[i] for i in order], [labels[i] for i in order], rules)
    assert shuffled == [held_out[i] for i in order]
    # A class with fewer members than folds, and fewer texts than folds.
    few = learned.cross_val_predict_labels("topic", "airline", negative[:9] + negative[-1:],
                                           topics[:9] + ["long_lines"], rules)
    assert len(few) == 10
    assert len(learned.cross_val_predict_labels("sentiment", "airline", texts[:3], labels[:3], rules)) == 3
    two_classes = learned.cross_val_predict_labels("sentiment", "airline", texts[2:5], labels[2:5], rules)
    assert len(two_classes) == 3 and set(labels[2:5]) == {"positive", "neutral"}
    each_once = learned.cross_val_predict_labels("topic", "airline", negative[:3], topics[:3], rules)
    assert len(each_once) == 3 and len(set(topics[:3])) == 3  # every class a single member
    with pytest.raises(ValueError):
        learned.cross_val_predict_labels("sentiment", "airline", texts[:1], labels[:1], rules)


def test_on_real_airline_tweets_1000_corrections_beat_vader_and_the_keyword_rules(rules):
    tweets = read_airline_tweets(shared_file("airline_sentiment", "Tweets.csv"))
    texts = [clean_text(t.text) for t in tweets]
    order = np.random.default_rng(0).permutation(len(tweets))  # split 0 of the bench
    chosen, rest = order[:1000], order[1000:]
    human = np.array([t.sentiment for t in tweets], dtype=object)
    topics = np.array([expected_topic(t) for t in tweets], dtype=object)

    model = learned.train("sentiment", "airline", [texts[i] for i in chosen], human[chosen].tolist(), rules)
    predicted = np.array(model.predict([texts[i] for i in rest]), dtype=object)
    assert (predicted == human[rest]).mean() >= 0.75  # measured 0.774; VADER 0.550

    negative = chosen[human[chosen] == "negative"]
    rest_negative = rest[human[rest] == "negative"]
    model = learned.train("topic", "airline", [texts[i] for i in negative], topics[negative].tolist(), rules)
    predicted = np.array(model.predict([texts[i] for i in rest_negative]), dtype=object)
    keyword = np.array([rules.topic(texts[i], "airline") for i in rest_negative], dtype=object)
    accuracy = (predicted == topics[rest_negative]).mean()
    by_rules = (keyword == topics[rest_negative]).mean()
    assert accuracy >= by_rules + 0.01 and accuracy >= 0.57, (accuracy, by_rules)  # measured 0.592, 0.568
