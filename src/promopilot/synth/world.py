"""The fixed parts of every synthetic shop: calendar, categories, catalogue names, offers and
review phrases. The random parts are drawn in :mod:`promopilot.synth.shop`."""

from __future__ import annotations

import pandas as pd

from promopilot.columns import OFFER_ID

START = pd.Timestamp("2025-01-01")
END = pd.Timestamp("2026-07-01")  # data runs up to (not including) this day: the as-of date
SALE = (pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-15"))  # 双11 sitewide 20% off
SALE_DISCOUNT = 0.20
CAMPAIGN_AT = pd.Timestamp("2026-05-01")
PAST_CAMPAIGN_ID = "spring-2026"  # the id of the past randomized campaign
WINDOW_DAYS = 14
SHIP_FEE = 8.0
MEAN_QUANTITY = 1.12  # 12% of order lines have quantity 2

CATEGORIES = pd.DataFrame(
    {
        "category": ["beauty", "apparel", "food", "home", "electronics", "baby", "books", "sports"],
        "zh": ["美妆", "服饰", "零食", "家居", "数码", "母婴", "图书", "运动"],
        "price_median": [120.0, 160.0, 35.0, 90.0, 450.0, 110.0, 45.0, 180.0],
        "margin": [0.60, 0.55, 0.35, 0.45, 0.20, 0.40, 0.30, 0.45],
    }
)
ITEMS = {
    "beauty": [
        ("保湿面霜", "Moisturizing Cream"),
        ("口红", "Lipstick"),
        ("面膜", "Face Mask"),
        ("防晒霜", "Sunscreen"),
        ("精华液", "Serum"),
    ],
    "apparel": [
        ("纯棉T恤", "Cotton T-shirt"),
        ("牛仔裤", "Jeans"),
        ("羽绒服", "Down Jacket"),
        ("连衣裙", "Dress"),
        ("卫衣", "Hoodie"),
    ],
    "food": [
        ("坚果礼盒", "Nut Gift Box"),
        ("绿茶", "Green Tea"),
        ("巧克力", "Chocolate"),
        ("牛肉干", "Beef Jerky"),
        ("咖啡豆", "Coffee Beans"),
    ],
    "home": [
        ("四件套", "Bedding Set"),
        ("马克杯", "Mug"),
        ("收纳盒", "Storage Box"),
        ("香薰蜡烛", "Scented Candle"),
        ("抱枕", "Cushion"),
    ],
    "electronics": [
        ("蓝牙耳机", "Bluetooth Earbuds"),
        ("充电宝", "Power Bank"),
        ("智能手表", "Smart Watch"),
        ("键盘", "Keyboard"),
        ("音箱", "Speaker"),
    ],
    "baby": [
        ("纸尿裤", "Diapers"),
        ("奶瓶", "Baby Bottle"),
        ("婴儿湿巾", "Baby Wipes"),
        ("玩具", "Toy"),
        ("童装", "Kids Clothes"),
    ],
    "books": [
        ("小说", "Novel"),
        ("绘本", "Picture Book"),
        ("菜谱", "Cookbook"),
        ("历史书", "History Book"),
        ("编程书", "Programming Book"),
    ],
    "sports": [
        ("瑜伽垫", "Yoga Mat"),
        ("跑鞋", "Running Shoes"),
        ("哑铃", "Dumbbells"),
        ("运动水壶", "Water Bottle"),
        ("护膝", "Knee Pads"),
    ],
}
REGIONS = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东", "福建", "陕西"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]

OFFERS = pd.DataFrame(
    {
        OFFER_ID: ["pct10", "mj150_20", "freeship", "beauty15"],
        "kind": ["percent_off", "amount_off", "free_shipping", "percent_off"],
        "value": [0.10, 20.0, SHIP_FEE, 0.15],
        "min_spend": [0.0, 150.0, 0.0, 0.0],
        "category": ["", "", "", "beauty"],
        "send_cost": [0.05, 0.05, 0.05, 0.05],
        "valid_days": [14, 14, 14, 7],
        "title": [
            "10% off everything",
            "满150减20 (20 off orders of 150+)",
            "Free shipping",
            "15% off beauty, this week only",
        ],
    }
)
COUPON_CODES = {
    "pct10": "PCT10",
    "mj150_20": "MJ150",
    "freeship": "FREESHIP",
    "beauty15": "BEAUTY15",
}
# extra purchase hazard per day that an offer adds at full sensitivity (see `_offer_effects`)
OFFER_STRENGTH = {"pct10": 0.045, "mj150_20": 0.060, "freeship": 0.050, "beauty15": 0.090}
MEAN_LIFETIME_DAYS = 700.0

REVIEWS_POS_ZH = [
    "质量很好，非常满意",
    "物流很快，包装完好",
    "性价比高，推荐购买",
    "做工精细，和描述一致",
    "客服态度好，发货快",
    "很喜欢，会回购的",
    "效果不错，值得",
]
REVIEWS_NEG_ZH = [
    "质量太差了，不推荐",
    "物流太慢，等了很久",
    "和描述不符，很失望",
    "包装破损，客服也不理",
    "用了两天就坏了",
    "价格贵，不值这个钱",
    "尺码不对，退货麻烦",
]
REVIEWS_MID_ZH = ["还行吧，一般般", "东西可以，物流有点慢", "中规中矩，价格还算合理"]
REVIEWS_POS_EN = [
    "Great quality, very happy with it",
    "Fast shipping and well packed",
    "Good value for money, recommended",
    "Exactly as described, love it",
    "Excellent customer service, will buy again",
]
REVIEWS_NEG_EN = [
    "Poor quality, would not recommend",
    "Shipping took forever",
    "Not as described, very disappointed",
    "Arrived broken and support ignored me",
    "Stopped working after two days",
    "Too expensive for what it is",
]
REVIEWS_MID_EN = [
    "It's okay, nothing special",
    "Decent, but delivery was slow",
    "Average quality for the price",
]
