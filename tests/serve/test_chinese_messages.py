"""Chinese dashboard pages: a message a lower layer wrote in English is marked as English detail
under a Chinese lead, and labels meet their values with Chinese punctuation."""

from __future__ import annotations

import re
import sys

from promopilot.exceptions import NotEnoughDataError


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return match.group(1)


def test_the_models_page_marks_the_uplift_checks_english_reason(logged_in):
    # the tiny shop has no past campaigns to learn from: the check says why, in English
    zh = _text(logged_in.get("/models?lang=zh").text, "uplift-error")
    assert zh.startswith("数据不足（详情，英文）：")
    assert "past campaign exposures" in zh  # the reason itself is kept, not translated
    en = _text(logged_in.get("/models?lang=en").text, "uplift-error")
    assert en.startswith("Not enough data: ") and en.endswith(zh.split("：", 1)[1])


def test_a_report_that_cannot_be_measured_is_marked_on_the_overview_and_campaign_page(
    logged_in, monkeypatch
):
    def too_few(store, campaign_id, **kwargs):
        raise NotEnoughDataError("only 2 customers in the control group: at least 30 are needed")

    monkeypatch.setattr(sys.modules["promopilot.campaigns.measure"], "measure_campaign", too_few)
    overview = logged_in.get("/?lang=zh").text
    assert "无法测量（详情，英文）：only 2 customers in the control group" in overview
    campaign = logged_in.get("/campaigns/spring?lang=zh").text
    assert _text(campaign, "report-error") == (
        "报告不可用（详情，英文）：only 2 customers in the control group: at least 30 are needed"
    )
    english = logged_in.get("/campaigns/spring?lang=en").text
    assert _text(english, "report-error") == (
        "Report not available: only 2 customers in the control group: at least 30 are needed"
    )


def test_chinese_labels_meet_their_values_with_chinese_punctuation(logged_in):
    zh = logged_in.get("/campaigns/spring?lang=zh").text
    assert "整个活动的实测增量利润（对照：未获优惠的客户 1 位）：<span" in zh
    assert "整个活动对照组（未获优惠）：<span" in zh and "结论：<strong" in zh
    page = re.sub(r"<[^>]+>", "", zh.split("<main", 1)[-1])
    # no ASCII colon or parenthesis right after Chinese text (times such as 10:00 are fine)
    assert not re.search(r"[\u4e00-\u9fff）] ?[:(]", page), re.findall(
        r".{12}[\u4e00-\u9fff）] ?[:(].{12}", page
    )
    unknown = logged_in.get("/campaigns/NOPE?lang=zh").text
    assert _text(unknown, "report-error") == "报告不可用：店内没有活动 NOPE。"
