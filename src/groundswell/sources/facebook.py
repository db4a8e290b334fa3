"""Facebook Pages: the page's posts with engagement summaries and lifetime insights.

Files are response pages of the Graph API page feed::

    GET /{page-id}/posts?fields=id,message,created_time,status_type,permalink_url,from,
        shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),
        insights.metric(post_impressions,post_impressions_unique,post_clicks)

    {"data": [post, ...], "paging": {"cursors": {...}, "next": "..."}}

``created_time`` carries a ``+0000`` offset; insights arrive as a list of
``{"name", "period", "values": [{"value"}]}`` objects and are picked by name.
"""

from __future__ import annotations

from groundswell.sources.base import Field, Source


def _insight(metric: str) -> str:
    return (
        "list_filter(from_json(json_extract(payload, '$.insights.data'), "
        """'[{"name": "VARCHAR", "values": [{"value": "VARCHAR"}]}]'), """
        f"lambda i: i.name = '{metric}')[1]['values'][1]['value']"
    )


POSTS = Source(
    key="facebook-posts",
    family="facebook",
    entity="posts",
    description="Posts of the brand's Facebook Pages with reactions, comments, shares and reach.",
    shape="Facebook Graph API page feed (GET /{page-id}/posts) with reactions/comments "
    "summaries and lifetime post insights",
    file_pattern="*.json",
    format="api_pages",
    natural_key=("id",),
    fields=(
        Field("id", "VARCHAR", required=True, doc='post id, "{page-id}_{post-id}"'),
        Field("page_id", "VARCHAR", path="$.from.id", required=True, doc="page that posted"),
        Field("page_name", "VARCHAR", path="$.from.name"),
        Field("message", "VARCHAR"),
        Field("created_time", "TIMESTAMP", required=True, doc="when it was posted, UTC"),
        Field("status_type", "VARCHAR",
              doc="added_photos, added_video, shared_story, mobile_status_update, ..."),
        Field("permalink_url", "VARCHAR"),
        Field("shares_count", "BIGINT", path="$.shares.count"),
        Field("reactions_count", "BIGINT", path="$.reactions.summary.total_count"),
        Field("comments_count", "BIGINT", path="$.comments.summary.total_count"),
        Field("post_impressions", "BIGINT", sql=_insight("post_impressions"),
              doc="lifetime impressions (insights)"),
        Field("post_impressions_unique", "BIGINT", sql=_insight("post_impressions_unique"),
              doc="lifetime reach (insights)"),
        Field("post_clicks", "BIGINT", sql=_insight("post_clicks")),
    ),
)
