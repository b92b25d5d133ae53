"""Column-name constants shared by every stage, so a rename happens in one place.

Only names that code uses live here; add one when you first need it.
"""

# shop tables (shop-folder.md)
CUSTOMER_ID = "customer_id"
PRODUCT_ID = "product_id"
ORDER_ID = "order_id"
OFFER_ID = "offer_id"
CAMPAIGN_ID = "campaign_id"
TIMESTAMP = "timestamp"
TEXT = "text"
RATING = "rating"

# campaign plan columns (shop-folder.md, "A campaign plan")
GROUP = "group"
