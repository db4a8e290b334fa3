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

from groundswell.land.sources.base import Field, Source, graph_insight, nested_records

POSTS = Source(
    key="facebook-posts",
    launched="2004-02-04",  # Facebook's launch
    family="facebook",
    entity="posts",
    description="Posts of the brand's Facebook Pages with reactions, comments, shares and reach.",
    shape="Facebook Graph API page feed (GET /{page-id}/posts) with reactions/comments "
    "summaries and lifetime post insights",
    file_pattern="*.json",
    format="api_pages",
    natural_key=("id",),
    example="""
{"data": [{"id": "104000000000001_20261020001", "message": "Watch: our new app in 60 seconds",
           "created_time": "2026-10-20T12:00:00+0000", "status_type": "added_video",
           "permalink_url": "https://www.facebook.com/104000000000001/posts/20261020001",
           "from": {"name": "Northwind Air", "id": "104000000000001"},
           "shares": {"count": 12},
           "reactions": {"data": [], "summary": {"total_count": 240}},
           "comments": {"data": [], "summary": {"total_count": 31}},
           "insights": {"data": [
             {"name": "post_impressions", "period": "lifetime", "values": [{"value": 8120}]},
             {"name": "post_impressions_unique", "period": "lifetime", "values": [{"value": 5684}]},
             {"name": "post_clicks", "period": "lifetime", "values": [{"value": 95}]}]}}],
 "paging": {"cursors": {"before": "QVFIUj", "after": "QVFIUk"}}}
""",
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
        Field("post_impressions", "BIGINT", sql=graph_insight("post_impressions"), keys=("insights",),
              doc="lifetime impressions (insights)"),
        Field("post_impressions_unique", "BIGINT", sql=graph_insight("post_impressions_unique"),
              keys=("insights",),
              doc="lifetime reach (insights)"),
        Field("post_clicks", "BIGINT", sql=graph_insight("post_clicks"), keys=("insights",)),
    ),
)

COMMENTS = Source(
    key="facebook-comments",
    launched="2004-02-04",  # Facebook's launch
    family="facebook",
    entity="comments",
    description="Comments on the Pages' posts: customers' questions and complaints and the Page's replies.",
    shape="Facebook Graph API page feed with the comments edge, "
    "GET /{page-id}/posts?fields=id,comments.filter(stream).limit(100)"
    "{id,message,created_time,from,parent{id},like_count,comment_count}: each comment is a record",
    file_pattern="*.json",
    format="api_pages",
    enrich=nested_records("$.comments.data", {"post_id": "$.id"}),
    natural_key=("id",),
    example="""
{"data": [{"id": "104000000000001_20261020001",
           "comments": {"data": [
             {"id": "20261020001_9001", "message": "Still no refund after 3 weeks",
              "created_time": "2026-10-20T13:00:00+0000", "from": {"id": "5550001", "name": "Ann Lee"},
              "like_count": 4, "comment_count": 1},
             {"id": "20261020001_9002", "message": "Sorry Ann, please send us a message.",
              "created_time": "2026-10-20T13:20:00+0000",
              "from": {"id": "104000000000001", "name": "Northwind Air"},
              "parent": {"id": "20261020001_9001"}, "like_count": 0, "comment_count": 0}],
             "paging": {"cursors": {"before": "MQ", "after": "Mg"}}}}]}
""",
    fields=(
        Field("id", "VARCHAR", required=True, doc="comment id"),
        Field("post_id", "VARCHAR", required=True, doc="the post commented on (the feed record's id)"),
        Field("parent_id", "VARCHAR", path="$.parent.id",
              doc="the comment this one replies to; empty for a top-level comment"),
        Field("message", "VARCHAR"),
        Field("created_time", "TIMESTAMP", required=True),
        Field("from_id", "VARCHAR", path="$.from.id", required=True,
              doc="author: a person's app-scoped id, or the Page's id when the Page replies"),
        Field("from_name", "VARCHAR", path="$.from.name"),
        Field("like_count", "BIGINT"),
        Field("comment_count", "BIGINT", doc="replies to this comment"),
    ),
)

MESSAGES = Source(
    key="facebook-messages",
    launched="2004-02-04",  # Facebook's launch
    family="facebook",
    entity="messages",
    description="Private messages (Messenger) between customers and the Pages.",
    shape="Facebook Graph API page conversations, GET /{page-id}/conversations?platform=messenger"
    "&fields=id,updated_time,messages.limit(100){id,message,created_time,from,to}: each message is a record",
    file_pattern="*.json",
    format="api_pages",
    enrich=nested_records("$.messages.data", {"conversation_id": "$.id"}),
    natural_key=("id",),
    example="""
{"data": [{"id": "t_1000001", "updated_time": "2026-10-20T14:02:00+0000",
           "messages": {"data": [
             {"id": "m_2", "message": "Thanks, we have rebooked you.",
              "created_time": "2026-10-20T14:02:00+0000",
              "from": {"id": "104000000000001", "name": "Northwind Air"},
              "to": {"data": [{"id": "5550001", "name": "Ann Lee"}]}},
             {"id": "m_1", "message": "My booking vanished", "created_time": "2026-10-20T13:41:00+0000",
              "from": {"id": "5550001", "name": "Ann Lee"},
              "to": {"data": [{"id": "104000000000001", "name": "Northwind Air"}]}}]}}]}
""",
    fields=(
        Field("id", "VARCHAR", required=True, doc='message id ("m_...")'),
        Field("conversation_id", "VARCHAR", required=True, doc='thread id ("t_...")'),
        Field("message", "VARCHAR"),
        Field("created_time", "TIMESTAMP", required=True),
        Field("from_id", "VARCHAR", path="$.from.id", required=True,
              doc="sender: a person's page-scoped id, or the Page's id"),
        Field("from_name", "VARCHAR", path="$.from.name"),
        Field("to_id", "VARCHAR", sql="json_extract_string(payload, '$.to.data[0].id')", keys=("to",),
              doc="first recipient"),
    ),
    extra_doc="Messenger threads have no reply links: a Page message answers the customer "
    "messages before it in the same conversation (see docs/metrics.md).",
)
