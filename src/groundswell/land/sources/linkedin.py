"""LinkedIn Pages: the organization's posts and their share statistics.

Files are response pages of LinkedIn's Marketing API (versioned ``/rest``
endpoints), which keep records in ``elements``::

    GET /rest/posts?q=author&author=urn:li:organization:{id}
    GET /rest/organizationalEntityShareStatistics?q=organizationalEntity
        &organizationalEntity=urn:li:organization:{id}&ugcPosts=List(...)

    {"elements": [...], "paging": {"start": 0, "count": 100, "links": [...]}}

Times are epoch milliseconds (``createdAt``, ``publishedAt``).
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source


def _epoch_ms(key: str) -> str:
    return f"make_timestamp(try_cast(json_extract_string(payload, '$.{key}') AS BIGINT) * 1000)::VARCHAR"


POSTS = Source(
    key="linkedin-posts",
    launched="2003-05-05",  # LinkedIn's launch
    family="linkedin",
    entity="posts",
    description="Posts of the brand's LinkedIn Pages.",
    shape="LinkedIn Posts API (GET /rest/posts?q=author), elements of urn:li:share / urn:li:ugcPost",
    file_pattern="*.json",
    format="api_pages",
    records_path="$.elements",
    natural_key=("id",),
    example="""
{"elements": [{"id": "urn:li:share:7250000000000000001", "author": "urn:li:organization:10429",
               "commentary": "We are hiring care agents", "createdAt": 1729425600000,
               "publishedAt": 1729425600000, "lifecycleState": "PUBLISHED", "visibility": "PUBLIC",
               "content": {"media": {"id": "urn:li:image:C4E10AQ"}}}],
 "paging": {"start": 0, "count": 10, "links": []}}
""",
    fields=(
        Field("id", "VARCHAR", required=True, doc="post URN, urn:li:share:… or urn:li:ugcPost:…"),
        Field("author", "VARCHAR", required=True, doc="organization URN, urn:li:organization:…"),
        Field("commentary", "VARCHAR", doc="the post's text"),
        Field("created_at", "TIMESTAMP", sql=_epoch_ms("createdAt"), keys=("createdAt",),
              required=True, doc="createdAt (epoch ms) as UTC"),
        Field("published_at", "TIMESTAMP", sql=_epoch_ms("publishedAt"), keys=("publishedAt",),
              doc="publishedAt (epoch ms) as UTC"),
        Field("lifecycle_state", "VARCHAR", path="$.lifecycleState", doc="PUBLISHED, DRAFT, ..."),
        Field("media_id", "VARCHAR", path="$.content.media.id",
              doc="urn:li:image:… or urn:li:video:… when the post carries media"),
        Field("article_url", "VARCHAR", path="$.content.article.source", doc="link of an article post"),
    ),
)

SHARE_STATISTICS = Source(
    key="linkedin-share-statistics",
    launched="2003-05-05",  # LinkedIn's launch
    family="linkedin",
    entity="share_statistics",
    description="Lifetime statistics of each LinkedIn post: impressions, clicks, reactions, comments "
    "and shares.",
    shape="LinkedIn organizationalEntityShareStatistics (GET /rest/organizationalEntityShareStatistics"
    "?q=organizationalEntity&ugcPosts=List(...)), elements with totalShareStatistics",
    file_pattern="*.json",
    format="api_pages",
    records_path="$.elements",
    natural_key=("post_id",),
    example="""
{"elements": [{"share": "urn:li:share:7250000000000000001",
               "organizationalEntity": "urn:li:organization:10429",
               "totalShareStatistics": {"impressionCount": 5120, "uniqueImpressionsCount": 3900,
                                        "clickCount": 88, "likeCount": 64, "commentCount": 7,
                                        "shareCount": 5, "engagement": 0.031}}],
 "paging": {"start": 0, "count": 10, "links": []}}
""",
    fields=(
        Field("post_id", "VARCHAR", sql="coalesce(json_extract_string(payload, '$.ugcPost'), "
              "json_extract_string(payload, '$.share'))", keys=("ugcPost", "share"), required=True,
              doc="the post's URN (ugcPost or share)"),
        Field("organization", "VARCHAR", path="$.organizationalEntity", required=True),
        Field("impression_count", "BIGINT", path="$.totalShareStatistics.impressionCount"),
        Field("unique_impressions_count", "BIGINT", path="$.totalShareStatistics.uniqueImpressionsCount"),
        Field("click_count", "BIGINT", path="$.totalShareStatistics.clickCount"),
        Field("like_count", "BIGINT", path="$.totalShareStatistics.likeCount",
              doc="reactions of every kind"),
        Field("comment_count", "BIGINT", path="$.totalShareStatistics.commentCount"),
        Field("share_count", "BIGINT", path="$.totalShareStatistics.shareCount"),
        Field("engagement", "DOUBLE", path="$.totalShareStatistics.engagement",
              doc="LinkedIn's engagement rate, as it reports it"),
    ),
)
