"""The segments page's words in English and Chinese (merged into ``i18n.LABELS``): the RFM
grid's segment names and the labels of the profile's named segments (their names and
descriptions come in both languages from the profile itself)."""

from __future__ import annotations

SEGMENT_LABELS: dict[str, tuple[str, str]] = {
    # RFM segment names (promopilot.profile.rfm)
    "rfm:Champions": ("Champions", "冠军客户"),
    "rfm:Loyal": ("Loyal", "忠诚客户"),
    "rfm:Potential loyalist": ("Potential loyalist", "潜在忠诚客户"),
    "rfm:New": ("New", "新客户"),
    "rfm:At risk": ("At risk", "流失风险客户"),
    "rfm:Can't lose": ("Can't lose", "不能流失的客户"),
    "rfm:Hibernating": ("Hibernating", "沉睡客户"),
    "rfm:Lost": ("Lost", "已流失客户"),
    "rfm:No purchases": ("No purchases", "从未购买"),
    "rfm:Returns only": ("Returns only (no purchase)", "仅有退货（无购买）"),
    # the profile's named segments, as `promopilot profile` last kept them (serve.named_segments)
    "named_segments": ("Named segments", "命名分群"),
    "named_as_of": (
        "From `promopilot profile` as of {as_of} (run {kept_at}) · {n} customers",
        "来自 `promopilot profile`，截至 {as_of}（运行于 {kept_at}）· 共 {n} 位客户",
    ),
    "named_none": (
        "No named segments are kept yet: run `promopilot profile` to name segments.",
        "尚未保存命名分群：运行 `promopilot profile` 为客户分群命名。",
    ),
    "named_older": (
        "These segments are of the profile as of {as_of}; the data now reach {now}: run "
        "`promopilot profile` again to name segments on the current data.",
        "这些分群来自截至 {as_of} 的画像；数据现已到 {now}：再次运行 `promopilot profile`，"
        "按当前数据为分群命名。",
    ),
    "description": ("Description", "描述"),
    "rfm_segments": (
        "RFM segments (recency and frequency grid, computed now)",
        "RFM 分群（按最近下单与下单次数，实时计算）",
    ),
}
