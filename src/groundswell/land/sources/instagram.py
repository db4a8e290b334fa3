"""Instagram (professional accounts): media with engagement counts and insights.

Files are response pages of the Instagram Graph API media edge::

    GET /{ig-user-id}/media?fields=id,caption,media_type,media_product_type,permalink,
        timestamp,username,owner,like_count,comments_count,
        insights.metric(impressions,reach,saved,shares)

    {"data": [media, ...], "paging": {"cursors": {...}, "next": "..."}}

``timestamp`` carries a ``+0000`` offset; insights arrive like the Pages API's
(``{"name", "period", "values": [{"value"}]}``) and are picked by name.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source, graph_insight

MEDIA = Source(
    key="instagram-media",
    launched="2010-10-06",  # Instagram's launch
    family="instagram",
    entity="media",
    description="Media of the brand's Instagram accounts with likes, comments, reach and saves.",
    shape="Instagram Graph API media edge (GET /{ig-user-id}/media) with lifetime media insights",
    file_pattern="*.json",
    format="api_pages",
    natural_key=("id",),
    example="""
{"data": [{"id": "17900000000000001", "caption": "Your photos of the summer schedule!",
           "media_type": "IMAGE", "media_product_type": "FEED",
           "permalink": "https://www.instagram.com/p/C0abc/", "timestamp": "2026-10-20T16:00:00+0000",
           "username": "northwindair", "owner": {"id": "17841400000000001"},
           "like_count": 410, "comments_count": 18,
           "insights": {"data": [
             {"name": "impressions", "period": "lifetime", "values": [{"value": 9100}]},
             {"name": "reach", "period": "lifetime", "values": [{"value": 7020}]},
             {"name": "saved", "period": "lifetime", "values": [{"value": 33}]},
             {"name": "shares", "period": "lifetime", "values": [{"value": 12}]}]}}],
 "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}}}
""",
    fields=(
        Field("id", "VARCHAR", required=True, doc="media id"),
        Field("owner_id", "VARCHAR", path="$.owner.id", required=True, doc="the account's ig-user-id"),
        Field("username", "VARCHAR", doc="the account's handle"),
        Field("caption", "VARCHAR"),
        Field("media_type", "VARCHAR", required=True, choices=("image", "video", "carousel_album"),
              doc="IMAGE, VIDEO or CAROUSEL_ALBUM"),
        Field("media_product_type", "VARCHAR", doc="FEED, REELS, STORY, AD"),
        Field("permalink", "VARCHAR"),
        Field("timestamp", "TIMESTAMP", required=True, doc="when it was posted, UTC"),
        Field("like_count", "BIGINT"),
        Field("comments_count", "BIGINT"),
        Field("impressions", "BIGINT", sql=graph_insight("impressions"), keys=("insights",)),
        Field("reach", "BIGINT", sql=graph_insight("reach"), keys=("insights",)),
        Field("saved", "BIGINT", sql=graph_insight("saved"), keys=("insights",)),
        Field("shares", "BIGINT", sql=graph_insight("shares"), keys=("insights",)),
    ),
)
