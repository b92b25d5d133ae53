"""Small dashboard defects: language links of odd ids, the revenue label, kept model results
that follow the code, the login page's icon."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit


def test_the_language_links_keep_an_id_with_question_mark_hash_percent_and_space(logged_in):
    odd = "A?b#1 2%41"  # %41 must stay the three characters, not become "A"
    page = logged_in.get(f"/customers/{quote(odd, safe='')}")
    assert page.status_code == 200
    links = {
        lang: href for href, lang in re.findall(r'<a href="([^"]*)" id="lang-(en|zh)"', page.text)
    }
    assert set(links) == {"en", "zh"}
    for language, href in links.items():
        parts = urlsplit(href.replace("&amp;", "&"))
        assert parts.query == f"lang={language}" and parts.fragment == ""
        assert " " not in href and unquote(parts.path) == f"/customers/{odd}"
        followed = logged_in.get(href.replace("&amp;", "&"))
        assert followed.status_code == 200
        assert followed.url.path == f"/customers/{odd}"
    assert 'lang="zh-CN"' in logged_in.get(links["zh"]).text


def test_the_customer_pages_revenue_label_has_one_set_of_brackets_in_both_languages(logged_in):
    from promopilot.data.currency import money_label
    from promopilot.serve.i18n import labels

    english = logged_in.get("/customers/c1?lang=en").text
    assert "<td>Revenue, net of discounts and returns</td>" in english
    assert "<td>扣除折扣和退货后的收入</td>" in logged_in.get("/customers/c1?lang=zh").text
    for language in ("en", "zh"):
        for key in ("revenue", "revenue_net"):  # the customer page's row, the overview's card
            label = money_label(labels(language)[key], "CNY")
            assert label.endswith(" (CNY)") and label.count("(") + label.count("（") == 1, label


def test_every_page_names_an_empty_inline_icon_so_no_favicon_is_requested(client, logged_in):
    icon = re.compile(r'<link rel="icon" href="data:,">')
    assert icon.search(client.get("/login").text)  # the login page, before any session
    for page in ("/", "/customers/c1", "/models"):
        assert icon.search(logged_in.get(page).text), page


def test_kept_model_quality_is_computed_anew_when_the_code_changes(store, monkeypatch):
    from promopilot.serve import quality

    calls: list[int] = []

    def compute() -> dict:
        calls.append(1)
        return {"words": f"computed by code {len(calls)}"}

    assert quality.kept(store, "odds_check", compute) == {"words": "computed by code 1"}
    assert quality.kept(store, "odds_check", compute) == {"words": "computed by code 1"}
    assert len(calls) == 1  # the same code, the same data: read back
    # an upgrade (or an edited checkout) under the same version number
    monkeypatch.setattr(quality, "_code", lambda: "another code", raising=False)
    assert quality.kept(store, "odds_check", compute) == {"words": "computed by code 2"}
    assert len(calls) == 2


def test_the_code_digest_follows_the_source_files_not_their_caches(tmp_path):
    from promopilot.serve.quality import code_digest

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("X = 1\n", encoding="utf-8")
    (package / "sub" / "b.txt").write_text("词\n", encoding="utf-8")
    before = code_digest(package)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00")
    assert code_digest(package) == before
    (package / "sub" / "b.txt").write_text("词语\n", encoding="utf-8")
    assert code_digest(package) != before
