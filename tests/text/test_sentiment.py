"""Review sentiment: lexicon rules, the shop-trained model, per-shop choice, aspects, CLI."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from promopilot.cli import app, main
from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.text.lexicon import Lexicon
from promopilot.text.sentiment import (
    LexiconSentiment,
    SentimentModel,
    aspect_keywords,
    labels_from_scores,
    ratings_to_labels,
    review_sentiment,
)
from promopilot.text.textproc import cjk_share, detect_language, jieba_cache_dir


def lex_score(text: str) -> float:
    return float(LexiconSentiment().fit().predict_score([text])[0])


# --------------------------------------------------------------------------- lexicon rules
@pytest.mark.parametrize(
    ("positive", "negated"),
    [
        ("好", "不好"),
        ("满意", "不满意"),
        ("好吃", "一点也不好吃"),
        ("推荐", "不推荐"),
        ("good", "not good"),
        ("worth it", "never worth it"),
        ("I like the quality, it's great", "I don't think the quality is great"),
    ],
)
def test_negation_flips_positive_words(positive: str, negated: str) -> None:
    assert lex_score(positive) > 0.3
    assert lex_score(negated) < -0.3


@pytest.mark.parametrize("text", ["没有问题", "没什么问题", "not bad", "no problems at all"])
def test_negated_negative_is_positive(text: str) -> None:
    assert lex_score(text) > 0


def test_degree_adverbs_strengthen_and_weaken() -> None:
    assert lex_score("非常好") > lex_score("好") > lex_score("有点好") > 0
    assert lex_score("very good") > lex_score("good") > lex_score("slightly good") > 0
    assert lex_score("太慢了") < lex_score("慢") < 0


def test_contrast_clause_counts_most() -> None:
    assert lex_score("质量不错，但是物流太慢") < 0
    assert lex_score("物流有点慢，但是质量非常好") > 0
    assert lex_score("Looks nice but it broke after a week") < 0


def test_ambiguous_hao_and_excess_words() -> None:
    assert lex_score("好慢") < 0  # 好 = "so" before an adjective
    assert lex_score("太小了") < 0 and lex_score("小") == 0  # neutral adjective made excessive
    assert lex_score("too small") < 0 and lex_score("small") == 0


def test_no_evidence_is_exactly_zero_and_neutral() -> None:
    scores = LexiconSentiment().fit().predict_score(["收到了", "I received it on Monday", "", None])
    assert np.all(scores == 0)
    assert list(LexiconSentiment().fit().predict(["收到了"])) == ["neutral"]
    from promopilot.text.lexicon import default_lexicon

    assert list(default_lexicon().evidence(["收到了", "很好", "meh"])) == [False, True, True]


def test_scores_are_bounded() -> None:
    text = "非常非常好！完美！超级喜欢！强烈推荐！" * 20
    assert 0.99 < lex_score(text) < 1.0
    assert -1.0 < lex_score("垃圾！太差了！骗子！" * 20) < -0.99


def test_lexicon_format_is_parsed_and_checked() -> None:
    lex = Lexicon.from_text("[positive]\nzorp 2\n[negator]\nnah\n[degree]\nmega 2\n")
    raw = lex.score_tokens(["mega", "zorp"])
    assert raw == pytest.approx(4.0)
    assert lex.score_tokens(["nah", "zorp"]) == pytest.approx(-1.5)
    with pytest.raises(ValueError, match="unknown lexicon section"):
        Lexicon.from_text("[happy]\nx 1\n")


def test_mixed_language_text_is_scored_run_by_run() -> None:
    assert lex_score("质量很好 and fast shipping") > 0
    assert lex_score("shipping 太慢了, not happy") < 0


def test_language_detection_by_cjk_share() -> None:
    texts = ["质量很好", "good", "质量很好 but slow", "ok 好", "12345", ""]
    share = cjk_share(texts)
    assert share[0] == 1.0 and share[1] == 0.0
    assert share[2] == pytest.approx(4 / 11)
    assert share[4] == 0.0 and share[5] == 0.0
    assert list(detect_language(texts)) == ["zh", "en", "zh", "zh", "en", "en"]


def test_jieba_is_lazy_and_caches_in_a_private_temp_folder() -> None:
    code = (
        "import sys, promopilot, promopilot.text.sentiment, promopilot.cli; "
        "print('jieba' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    lex_score("质量很好")
    import jieba

    assert jieba.dt.tmp_dir == jieba_cache_dir()


# --------------------------------------------------------------------------- trained model
def planted_shop(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Reviews whose stars depend only on words the lexicon does not know (嘟嘟/zorp good,
    咔咔/blick bad), with 10 % of ratings flipped and some 3-star noise."""
    rng = np.random.default_rng(seed)
    fillers_zh = ["这个", "东西", "收到", "今天", "颜色", "款式", "家里", "孩子"]
    fillers_en = ["the", "item", "came", "today", "colour", "style", "my", "kid"]
    texts, ratings = [], []
    for _ in range(n):
        good = rng.random() < 0.6
        zh = rng.random() < 0.5
        fill = fillers_zh if zh else fillers_en
        cue = ("嘟嘟" if good else "咔咔") if zh else ("zorp" if good else "blick")
        words = [*rng.choice(fill, size=4), cue]
        rng.shuffle(words)
        texts.append(("" if zh else " ").join(words))
        if rng.random() < 0.1:
            good = not good
        stars = int(rng.choice([4, 5])) if good else int(rng.choice([1, 2]))
        ratings.append(3 if rng.random() < 0.1 else stars)
    return texts, np.array(ratings)


def test_trained_model_learns_from_weak_star_labels() -> None:
    texts, ratings = planted_shop(400, seed=1)
    model = SentimentModel(random_state=0).fit(texts, ratings)
    assert model.n_train_ == int((ratings != 3).sum())
    assert sum(model.class_counts_.values()) == model.n_train_
    assert set(model.language_counts_) == {"zh", "en"}
    test = ["今天收到嘟嘟", "咔咔这个东西", "zorp the item came", "blick my kid"]
    scores = model.predict_score(test)
    assert scores[0] > 0.3 and scores[2] > 0.3
    assert scores[1] < -0.3 and scores[3] < -0.3
    assert list(model.predict(test)) == ["positive", "negative", "positive", "negative"]
    assert np.all(LexiconSentiment().fit().predict_score(test) == 0)  # the lexicon cannot know them


def test_trained_model_held_out_accuracy_on_planted_shop() -> None:
    texts, ratings = planted_shop(600, seed=2)
    model = SentimentModel().fit(texts[:400], ratings[:400])
    truth = ratings_to_labels(ratings[400:])
    keep = truth >= 0
    predicted = (model.predict_score(texts[400:]) > 0).astype(int)
    # 10 % of labels were flipped, so about 0.9 is the best possible
    assert (predicted[keep] == truth[keep]).mean() > 0.8


def test_trained_model_accepts_labels_and_checks_input() -> None:
    texts = ["very good", "great stuff", "awful", "bad bad", "good", "terrible"]
    labels = ["positive", "positive", "negative", "negative", "positive", "negative"]
    model = SentimentModel().fit(texts, labels)
    assert model.n_train_ == 6
    with pytest.raises(NotFittedError):
        SentimentModel().predict_score(["x"])
    with pytest.raises(NotEnoughDataError):
        SentimentModel().fit(["a", "b", "c"], [5, 5, 4])
    with pytest.raises(InputError, match=r"y\[1\] is <object.*ratings must be numbers 1-5"):
        SentimentModel().fit(["a", "b"], [5, object()])
    with pytest.raises(InputError, match="labels must be"):
        SentimentModel().fit(["a", "b"], ["good", "bad"])
    with pytest.raises(InputError, match="texts but"):
        SentimentModel().fit(["a", "b"], [5, 1, 1])


TEXTS = ["great product", "awful", "really great", "bad bad", "good good", "terrible"]


@pytest.mark.parametrize(
    ("y", "message"),
    [
        # 10 read as positive and 0 or -3 as negative: a 1-10 scale or a typo trained silently
        ([5, 1, 10, 1, 5, 1], r"y\[2\] is 10: ratings must be numbers 1-5"),
        ([5, 1, 5, 0, 5, 1], r"y\[3\] is 0: ratings must be numbers 1-5"),
        (np.array([5.0, 1, 5, 1, 5, -3]), r"y\[5\] is -3.0: ratings must be numbers 1-5"),
        ([5, 1, 5, 1, 5.5, 1], r"y\[4\] is 5.5: ratings"),
        ([5, 1, 5, 1, np.inf, 1], r"y\[4\] is inf: ratings"),
        # True read as a 1-star rating: every review negative
        ([True, False, True, False, True, False], r"y\[0\] is True: .*not True/False"),
        (np.array([5, 1, 5, 1, 5, 1]) > 3, r"y\[0\] is True: .*not True/False"),
        (pd.Series([5, 1, 5, 1, 5, 1]) > 3, r"y\[0\] is True: .*not True/False"),
        ([5, 1, 5, 1, 5, False], r"y\[5\] is False: .*not True/False"),
    ],
)
def test_trained_model_refuses_ratings_that_are_not_stars(y, message) -> None:
    with pytest.raises(InputError, match=message):
        SentimentModel().fit(TEXTS, y)


def test_trained_model_refuses_no_ratings_and_keeps_missing_ones_out() -> None:
    with pytest.raises(InputError, match="y is empty"):
        SentimentModel().fit([], [])
    with pytest.raises(InputError, match="y is empty"):
        SentimentModel().fit(TEXTS, pd.Series([], dtype=float))
    # ratings 1-5 (halves too) and missing ones are still fine: a missing one is left out
    model = SentimentModel().fit([*TEXTS, "so so"], [5, 1, 4.5, 1.5, 5, 2, None])
    assert model.n_train_ == 6
    assert SentimentModel().fit([*TEXTS, "x"], [5, 1, 5, 1, 5, 1, np.nan]).n_train_ == 6


def test_estimator_conventions() -> None:
    model = SentimentModel(C=2.0, random_state=3)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "classifier_")
    texts, ratings = planted_shop(200, seed=4)
    a = SentimentModel(random_state=0).fit(texts, ratings).predict_score(texts[:20])
    b = SentimentModel(random_state=0).fit(texts, ratings).predict_score(texts[:20])
    np.testing.assert_array_equal(a, b)
    assert LexiconSentiment().fit().predict(["很好"])[0] == "positive"


def test_repeated_texts_are_tokenized_once_with_the_same_result(monkeypatch) -> None:
    import pickle

    from promopilot.text import scorers

    calls = []
    tokenize = scorers.raw_tokens
    monkeypatch.setattr(scorers, "raw_tokens", lambda text: calls.append(text) or tokenize(text))
    scorers._word_grams.cache_clear()
    texts, ratings = planted_shop(300, seed=5)
    model = SentimentModel(random_state=0).fit(texts * 3, np.r_[ratings, ratings, ratings])
    trained = {t for t, r in zip(texts, ratings, strict=True) if r != 3}  # 3 stars: left out
    assert sorted(calls) == sorted(trained)  # each distinct text once, however often it repeats
    # a second model (a profile trains one per snapshot date) tokenizes no text again
    again = SentimentModel(random_state=0).fit(texts * 3, np.r_[ratings, ratings, ratings])
    assert sorted(calls) == sorted(trained)
    np.testing.assert_array_equal(again.predict_score(texts), model.predict_score(texts))
    analyzer = model.vectorizer_.transformer_list[0][1].analyzer
    uncached = [scorers.word_ngrams(tokenize(t), 2) for t in texts[:50]]
    assert [analyzer(t) for t in texts[:50]] == uncached
    # the remembered n-grams are not saved with the model, and the loaded model scores alike
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.vectorizer_.transformer_list[0][1].analyzer.__dict__ == {"n_max": 2}
    np.testing.assert_array_equal(loaded.predict_score(texts), model.predict_score(texts))


def test_repeated_texts_are_split_into_characters_and_scored_once(monkeypatch) -> None:
    import pickle

    from sklearn.feature_extraction.text import TfidfVectorizer

    from promopilot.text import scorers

    texts, ratings = planted_shop(300, seed=6)
    texts = [f"{t} #{seed}" for seed in (6,) for t in texts]  # texts no other test has seen
    reference = SentimentModel(random_state=0).fit(texts * 3, np.r_[ratings, ratings, ratings])
    expected = [reference.predict_score([t])[0] for t in texts[:40]]  # one text at a time
    cut = []
    char_wb = TfidfVectorizer._char_wb_ngrams
    monkeypatch.setattr(
        TfidfVectorizer, "_char_wb_ngrams", lambda self, t: cut.append(t) or char_wb(self, t)
    )
    for remembered in ("_char_grams", "_char_wb_analyzer"):  # start from an empty cache
        if hasattr(scorers, remembered):
            getattr(scorers, remembered).cache_clear()
    model = SentimentModel(random_state=0).fit(texts * 3, np.r_[ratings, ratings, ratings])
    SentimentModel(random_state=0).fit(texts * 3, np.r_[ratings, ratings, ratings])
    # a text is cut into character n-grams once, however often it repeats and however many
    # models learn from it (a profile trains one per snapshot date)
    trained = {t.lower() for t, r in zip(texts, ratings, strict=True) if r != 3}
    assert sorted(cut) == sorted(trained)
    # a long text is not remembered (13 KB of n-grams for 110 characters), cut the same way
    analyzer = model.vectorizer_.transformer_list[1][1].analyzer
    long_text = "Great Mug, " * 20
    before = scorers._char_grams.cache_info().currsize
    sklearn_grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).build_analyzer()
    assert analyzer(long_text) == sklearn_grams(long_text)
    assert scorers._char_grams.cache_info().currsize == before
    # the remembered n-grams are not saved with the model, and the loaded model scores alike
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.vectorizer_.transformer_list[1][1].analyzer.__dict__ == {"ngram_range": (1, 3)}
    np.testing.assert_array_equal(loaded.predict_score(texts[:40]), np.asarray(expected))
    # scoring: each distinct text once, the same score as on its own
    seen = []
    transform = model.vectorizer_.transform
    monkeypatch.setattr(
        model.vectorizer_, "transform", lambda v: seen.append(len(v)) or transform(v)
    )
    scores = model.predict_score(texts[:40] * 5)
    assert seen == [40]
    np.testing.assert_array_equal(scores, np.tile(expected, 5))


def test_label_helpers() -> None:
    assert list(ratings_to_labels([5, 4, 3, 2, 1, None, np.nan])) == [1, 1, -1, 0, 0, -1, -1]
    assert list(labels_from_scores([0.5, 0.05, -0.05, -0.5], 0.1)) == [
        "positive",
        "neutral",
        "neutral",
        "negative",
    ]


# --------------------------------------------------------------------------- per shop
def shop_frame(n: int, seed: int, rated: bool = True) -> pd.DataFrame:
    texts, ratings = planted_shop(n, seed)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i % 7}" for i in range(n)],
            "product_id": [f"p{i % 3}" for i in range(n)],
            "text": texts,
            "rating": ratings.astype(float) if rated else np.nan,
        }
    )


def test_review_sentiment_falls_back_when_few_ratings() -> None:
    frame = shop_frame(60, seed=5)
    out = review_sentiment(frame, min_rated=200)
    assert out.attrs["sentiment"]["method"] == "lexicon"
    assert (out["sentiment_method"] == "lexicon").all()
    assert list(out.columns) == [*frame.columns, "sentiment", "label", "sentiment_method"]
    assert out.index.equals(frame.index)
    pd.testing.assert_frame_equal(out[frame.columns], frame)
    assert out["sentiment"].between(-1, 1).all()


def test_review_sentiment_trains_on_enough_ratings() -> None:
    frame = shop_frame(500, seed=6)
    out = review_sentiment(frame, min_rated=100, random_state=0)
    assert out.attrs["sentiment"]["method"] == "trained"
    assert out.attrs["sentiment"]["n_trained"] == int((frame["rating"] != 3).sum())
    good = out["text"].str.contains("嘟嘟|zorp")
    assert out.loc[good, "sentiment"].mean() > 0.3
    assert out.loc[~good, "sentiment"].mean() < -0.3


def test_review_sentiment_uses_model_only_for_languages_with_enough_ratings() -> None:
    frame = shop_frame(400, seed=7)
    zh = frame["text"].str.contains("[\u4e00-\u9fff]")
    english_unrated = frame.assign(rating=np.where(zh, frame["rating"], np.nan))
    extra = pd.DataFrame(
        {
            "customer_id": ["c1"],
            "product_id": ["p1"],
            "text": ["Terrible, it broke"],
            "rating": [np.nan],
        }
    )
    out = review_sentiment(pd.concat([english_unrated, extra], ignore_index=True), min_rated=100)
    assert out.attrs["sentiment"]["method"] == "trained+lexicon"
    is_zh = out["text"].str.contains("[\u4e00-\u9fff]")
    assert (out.loc[is_zh, "sentiment_method"] == "trained").all()
    assert (out.loc[~is_zh, "sentiment_method"] == "lexicon").all()
    assert out["sentiment"].iloc[-1] < 0


def test_review_sentiment_input_errors() -> None:
    with pytest.raises(InputError, match="text"):
        review_sentiment(pd.DataFrame({"review": ["好"]}))
    with pytest.raises(InputError, match="rating"):
        review_sentiment(pd.DataFrame({"text": ["好"], "rating": ["five"]}))
    with pytest.raises(InputError, match="1-5"):
        review_sentiment(pd.DataFrame({"text": ["好"], "rating": [7]}))


# --------------------------------------------------------------------------- aspects
def test_aspect_keywords_per_product_and_clause() -> None:
    reviews = pd.DataFrame(
        {
            "product_id": ["p1", "p1", "p2", "p2"],
            "text": [
                "质量很好，但是物流太慢",
                "包装很好，质量也不错",
                "Great quality but shipping was slow.",
                "The size is perfect",
            ],
        }
    )
    out = aspect_keywords(reviews)
    assert list(out.columns) == ["product_id", "aspect", "n_mentions", "mean_sentiment"]
    got = out.set_index(["product_id", "aspect"])
    assert got.loc[("p1", "quality"), "n_mentions"] == 2
    assert got.loc[("p1", "quality"), "mean_sentiment"] > 0
    assert got.loc[("p1", "delivery"), "mean_sentiment"] < 0
    assert got.loc[("p1", "packaging"), "n_mentions"] == 1
    assert got.loc[("p2", "quality"), "mean_sentiment"] > 0
    assert got.loc[("p2", "delivery"), "mean_sentiment"] < 0
    assert got.loc[("p2", "size"), "mean_sentiment"] > 0
    assert ("p2", "price") not in got.index


def test_aspect_keywords_uses_review_sentiment_when_clause_has_none() -> None:
    reviews = pd.DataFrame({"product_id": ["p1"], "text": ["客服回复了。"], "sentiment": [-0.6]})
    out = aspect_keywords(reviews)
    assert out.to_dict("records") == [
        {"product_id": "p1", "aspect": "service", "n_mentions": 1, "mean_sentiment": -0.6}
    ]
    empty = aspect_keywords(reviews.assign(text=["收到了"]))
    assert empty.empty and list(empty.columns) == list(out.columns)


# --------------------------------------------------------------------------- CLI
def test_cli_round_trips_chinese_text(tmp_path) -> None:
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame(
        {
            "customer_id": ["007", "008", "009"],
            "text": ["质量很好，非常满意", "太差了，不会再买", "Not good, too small"],
            "rating": ["5", "", "1"],
        }
    )
    frame.to_csv(source, index=False, encoding="utf-8-sig")
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "method: lexicon" in result.output
    assert "1 positive, 0 neutral, 2 negative" in result.output
    back = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(back["text"]) == list(frame["text"])
    assert list(back["customer_id"]) == ["007", "008", "009"]  # ids kept as written
    assert list(back["label"]) == ["positive", "negative", "negative"]
    assert back["sentiment"].astype(float).between(-1, 1).all()


def test_cli_reads_gbk_and_trains_when_enough_ratings(tmp_path) -> None:
    frame = shop_frame(300, seed=8)
    source = tmp_path / "gbk.csv"
    frame.to_csv(source, index=False, encoding="gbk")
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["sentiment", "--in", str(source), "--out", str(target), "--min-rated", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "method: trained" in result.output
    back = pd.read_csv(target, encoding="utf-8")
    assert list(back["text"]) == list(frame["text"])


def test_cli_missing_text_column_exits_2(tmp_path, capsys) -> None:
    source = tmp_path / "no_text.csv"
    pd.DataFrame({"title": ["好"], "rating": [5]}).to_csv(source, index=False)
    args = ["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InputError)
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("error:") and err.count("error:") == 1
    assert "no review text column" in err and "--text-column" in err
    assert "columns: title, rating" in err
    assert not (tmp_path / "o.csv").exists()
    # a named column that is not there is refused by name
    named = CliRunner().invoke(app, [*args, "--text-column", "body"])
    assert isinstance(named.exception, InputError)
    assert "no column 'body'" in str(named.exception)


@pytest.mark.parametrize(
    "name", ["review", "Comment", "content", "评论", "内容", "评价内容", "Review Text"]
)
def test_cli_finds_the_text_column_under_common_names(tmp_path, name) -> None:
    source = tmp_path / "reviews.csv"
    pd.DataFrame({name: ["质量很好，非常满意", "太差了，不会再买"]}).to_csv(source, index=False)
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert f"of '{name}'" in result.output
    back = pd.read_csv(target, encoding="utf-8")
    assert list(back["label"]) == ["positive", "negative"]


def test_cli_text_column_option_picks_the_column(tmp_path) -> None:
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame({"text": ["太差了，不会再买"], "body": ["质量很好，非常满意"]})
    frame.to_csv(source, index=False)
    target = tmp_path / "scored.csv"
    args = ["sentiment", "--in", str(source), "--out", str(target), "--text-column", "body"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(target)["label"]) == ["positive"]


def test_cli_never_overwrites_an_existing_label_column(tmp_path) -> None:
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame({"text": ["质量很好，非常满意", "太差了"], "label": ["mine", "mine"]})
    frame.to_csv(source, index=False)
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "predicted_label" in result.output
    back = pd.read_csv(target, encoding="utf-8")
    assert list(back["label"]) == ["mine", "mine"]
    assert list(back["predicted_label"]) == ["positive", "negative"]
    assert "predicted_sentiment" in back and "sentiment" not in back
    # with predicted_label taken too it refuses with one line and writes nothing
    frame.assign(predicted_label="x").to_csv(source, index=False)
    args = ["sentiment", "--in", str(source), "--out", str(tmp_path / "b")]
    again = CliRunner().invoke(app, args)
    assert isinstance(again.exception, InputError)
    assert "predicted_label" in str(again.exception)
    assert not (tmp_path / "b").exists()


def test_lexicon_sentiment_is_an_estimator_like_the_others():
    """Issue 10: predicting before fit raises; params round-trip through clone."""
    from sklearn.base import clone

    with pytest.raises(NotFittedError):
        LexiconSentiment().predict_score(["很好"])
    model = LexiconSentiment(neutral_band=0.3)
    assert clone(model).get_params() == {"neutral_band": 0.3}
    assert model.fit() is model
    assert model.predict(["很好"])[0] == "positive"


def test_cli_reads_a_back_office_review_export_with_its_rating(tmp_path) -> None:
    # the headers of a Taobao-style review export, as ingest knows them: 评价内容 and 评分
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame(
        {"评价ID": ["RV1", "RV2"], "评价内容": ["质量很好，好评", "差评，坏了"], "评分": [5, 1]}
    )
    frame.to_csv(source, index=False, encoding="utf-8-sig")
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "of '评价内容'" in result.output
    back = pd.read_csv(target, encoding="utf-8-sig")
    assert list(back["label"]) == ["positive", "negative"]


def test_cli_reads_a_tab_delimited_review_export(tmp_path) -> None:
    # back offices export .tsv/.txt with tabs as often as CSV; ingest reads them, so must this
    source = tmp_path / "reviews.tsv"
    source.write_text("评价ID\t评价内容\t评分\nRV1\t质量很好，好评\t5\nRV2\t差评，坏了\t1\n")
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(target, encoding="utf-8-sig")
    assert list(back["评价ID"]) == ["RV1", "RV2"]
    assert list(back["label"]) == ["positive", "negative"]


def test_cli_reads_a_review_export_saved_as_an_excel_workbook(tmp_path) -> None:
    # back offices export reviews as .xlsx as often as CSV; ingest reads workbooks, so must this
    source = tmp_path / "reviews.xlsx"
    pd.DataFrame(
        {"评价ID": ["RV1", "RV2"], "评价内容": ["质量很好，好评", "差评，坏了"], "评分": [5, 1]}
    ).to_excel(source, index=False)
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(target, encoding="utf-8-sig", dtype=str)
    assert list(back["评价ID"]) == ["RV1", "RV2"]
    assert list(back["评分"]) == ["5", "1"]
    assert list(back["label"]) == ["positive", "negative"]


def test_cli_scores_the_review_content_not_the_verdict_beside_it(tmp_path) -> None:
    source = tmp_path / "reviews.csv"
    pd.DataFrame({"评价": ["好评"], "评价内容": ["质量太差了，坏了，差评"]}).to_csv(
        source, index=False, encoding="utf-8-sig"
    )
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "of '评价内容'" in result.output


def test_trained_model_reads_ratings_written_as_text() -> None:
    # a rating column read from a CSV is text: "5", "4.5", 5星, 五星 are stars, as ingest reads them
    texts = TEXTS * 2
    as_text = ["5", "1", "4.5", "2", "5星", "一星", "五星", " 1 ", "四颗星", "1.0", "5", "二星"]
    as_numbers = [5, 1, 4.5, 2, 5, 1, 5, 1, 4, 1, 5, 2]
    model = SentimentModel().fit(texts, as_text)
    same = SentimentModel().fit(texts, as_numbers)
    assert model.n_train_ == same.n_train_ == 12
    assert np.allclose(model.predict_score(TEXTS), same.predict_score(TEXTS))
    # the same checks as numbers, naming the value as written
    with pytest.raises(InputError, match=r"y\[2\] is '10': ratings must be numbers 1-5"):
        SentimentModel().fit(TEXTS, ["5", "1", "10", "1", "5", "1"])
    with pytest.raises(InputError, match=r"y\[1\] is 'great': ratings must be numbers 1-5"):
        SentimentModel().fit(TEXTS, ["5", "great", "5", "1", "5", "1"])
    # a blank is a missing rating, left out
    assert SentimentModel().fit([*TEXTS, "x"], ["5", "1", "5", "1", "5", "1", ""]).n_train_ == 6


def test_trained_model_reads_chinese_review_grades_as_labels() -> None:
    model = SentimentModel().fit(TEXTS, ["好评", "差评", "好评", "差评", "好评", "差评"])
    assert model.n_train_ == 6
    assert SentimentModel().fit(TEXTS, ["positive", "negative"] * 3).n_train_ == 6


@pytest.mark.parametrize("y", [5, 5.0, np.int64(5), np.array(5), "positive", None])
def test_trained_model_refuses_one_value_for_y(y) -> None:
    """One value is no rating per text: it was Python's TypeError (or, for a string, its
    letters read as labels)."""
    with pytest.raises(InputError, match=r"^y is .*expected one star rating \(1-5\) or label"):
        SentimentModel().fit(TEXTS, y)


def test_trained_model_takes_a_generator_of_ratings() -> None:
    assert SentimentModel().fit(TEXTS, (r for r in [5, 1, 5, 1, 5, 1])).n_train_ == 6


def test_trained_model_learns_ratings_on_another_scale() -> None:
    """A 1-10 scale said with rating_range: 8-10 positive, 1-4 negative, the rest left out;
    the 1-5 range was fixed whatever positive_min and negative_max said."""
    model = SentimentModel(rating_range=(1, 10), positive_min=7, negative_max=4)
    assert model.get_params()["rating_range"] == (1, 10)  # stored as given
    texts = [*TEXTS, "fine", "ok"]
    model.fit(texts, [10, 1, 8, 3, 9, 2, 6, 5])
    assert model.n_train_ == 6 and model.class_counts_ == {"negative": 3, "positive": 3}
    with pytest.raises(InputError, match=r"y\[0\] is 11: ratings must be numbers 1-10"):
        clone(model).fit(TEXTS, [11, 1, 8, 3, 9, 2])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"positive_min": 7, "negative_max": 4},
            r"positive_min is 7, outside rating_range \(1, 5\)",
        ),
        ({"rating_range": (3, 10)}, r"negative_max is 2, outside rating_range \(3, 10\)"),
        ({"rating_range": (5, 1)}, r"rating_range is \(5, 1\): expected two finite numbers"),
        ({"rating_range": 5}, r"rating_range is 5: expected \(lowest, highest\)"),
    ],
)
def test_trained_model_checks_its_rating_range_in_fit(params, message) -> None:
    model = SentimentModel(**params)  # stored as given: checked in fit
    with pytest.raises(InputError, match=message):
        model.fit(TEXTS, [10, 1, 8, 3, 9, 2])


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("做工精细，和描述一致", "positive"),  # fine workmanship, as described: was neutral
        ("做工精细", "positive"),
        ("和描述一致", "positive"),
        ("实物与描述相符", "positive"),
        ("与描述完全一致", "positive"),
        ("跟图片一样", "positive"),
        ("做工不够精细", "negative"),
        ("和描述不一致", "negative"),
        ("和图片不一样", "negative"),
        ("描述一致，但是做工粗糙", "negative"),
    ],
)
def test_lexicon_reads_workmanship_and_as_described(text, label) -> None:
    assert LexiconSentiment().fit().predict([text])[0] == label


@pytest.mark.parametrize("texts", ["很好", b"good", None, 5, np.array("good")])
def test_one_text_for_texts_is_an_input_error_naming_texts(texts) -> None:
    """One string (or no sequence at all) for `texts` was Python's TypeError."""
    said = r"^texts is a \w+: expected a list of strings, one per text \(\[text\] for one\)$"
    with pytest.raises(InputError, match=said):
        SentimentModel().fit(texts, [5, 1, 5, 1, 5, 1])
    model = SentimentModel().fit(TEXTS, [5, 1, 5, 1, 5, 1])
    for predict in (model.predict, model.predict_score, LexiconSentiment().fit().predict):
        with pytest.raises(InputError, match=said):
            predict(texts)
    assert model.predict(["很好"]).shape == (1,)
