"""YouTube: the channel's videos and their daily analytics.

Videos are response pages of the YouTube Data API (records in ``items``;
counts are strings, as the API sends them)::

    GET /youtube/v3/videos?part=snippet,statistics,contentDetails&id=...
    {"kind": "youtube#videoListResponse", "items": [...], "nextPageToken": "..."}

Analytics are YouTube Analytics API reports, a table of positional rows under
``columnHeaders``; each row becomes a record named by the headers::

    GET /v2/reports?ids=channel==MINE&dimensions=video,day
        &metrics=views,estimatedMinutesWatched,likes,comments,shares,subscribersGained
    {"kind": "youtubeAnalytics#resultTable", "columnHeaders": [{"name": "video", ...}, ...],
     "rows": [["dQw4w9WgXcQ", "2026-10-01", 1204, 3120.5, 40, 3, 5, 2], ...]}
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source, rows_with_headers

VIDEOS = Source(
    key="youtube-videos",
    launched="2005-02-14",  # YouTube's launch
    family="youtube",
    entity="videos",
    description="Videos of the brand's YouTube channels with lifetime views, likes and comments.",
    shape="YouTube Data API v3 videos.list (part=snippet,statistics,contentDetails)",
    file_pattern="*.json",
    format="api_pages",
    records_path="$.items",
    natural_key=("id",),
    example="""
{"kind": "youtube#videoListResponse",
 "items": [{"kind": "youtube#video", "id": "dQw4w9WgXcQ",
            "snippet": {"publishedAt": "2026-10-20T15:00:00Z", "channelId": "UC2vW_-qeIhF1ESszzuH2pyw",
                        "channelTitle": "Northwind Air", "title": "Our new app in 60 seconds"},
            "contentDetails": {"duration": "PT1M2S"},
            "statistics": {"viewCount": "12040", "likeCount": "310", "commentCount": "22"}}],
 "pageInfo": {"totalResults": 1, "resultsPerPage": 50}}
""",
    fields=(
        Field("id", "VARCHAR", required=True, doc="video id"),
        Field("channel_id", "VARCHAR", path="$.snippet.channelId", required=True),
        Field("channel_title", "VARCHAR", path="$.snippet.channelTitle"),
        Field("title", "VARCHAR", path="$.snippet.title"),
        Field("published_at", "TIMESTAMP", path="$.snippet.publishedAt", required=True),
        Field("duration", "VARCHAR", path="$.contentDetails.duration", doc="ISO 8601 duration, PT4M13S"),
        Field("view_count", "BIGINT", path="$.statistics.viewCount"),
        Field("like_count", "BIGINT", path="$.statistics.likeCount"),
        Field("comment_count", "BIGINT", path="$.statistics.commentCount"),
    ),
)

VIDEO_ANALYTICS = Source(
    key="youtube-video-analytics",
    launched="2005-02-14",  # YouTube's launch
    family="youtube",
    entity="video_analytics",
    description="Views, watch time and engagement of each video per day.",
    shape="YouTube Analytics API v2 reports.query (dimensions=video,day)",
    file_pattern="*.json",
    format="api_pages",
    records_path="$.rows",
    enrich=rows_with_headers,
    natural_key=("video", "day"),
    example="""
{"kind": "youtubeAnalytics#resultTable",
 "columnHeaders": [{"name": "video", "columnType": "DIMENSION", "dataType": "STRING"},
                   {"name": "day", "columnType": "DIMENSION", "dataType": "STRING"},
                   {"name": "views", "columnType": "METRIC", "dataType": "INTEGER"},
                   {"name": "estimatedMinutesWatched", "columnType": "METRIC", "dataType": "FLOAT"},
                   {"name": "likes", "columnType": "METRIC", "dataType": "INTEGER"},
                   {"name": "comments", "columnType": "METRIC", "dataType": "INTEGER"},
                   {"name": "shares", "columnType": "METRIC", "dataType": "INTEGER"},
                   {"name": "subscribersGained", "columnType": "METRIC", "dataType": "INTEGER"}],
 "rows": [["dQw4w9WgXcQ", "2026-10-20", 1204, 3120.5, 40, 3, 5, 2]]}
""",
    fields=(
        Field("video", "VARCHAR", required=True, doc="video id"),
        Field("day", "DATE", required=True),
        Field("views", "BIGINT"),
        Field("estimated_minutes_watched", "DOUBLE", path="$.estimatedMinutesWatched"),
        Field("likes", "BIGINT"),
        Field("comments", "BIGINT"),
        Field("shares", "BIGINT"),
        Field("subscribers_gained", "BIGINT", path="$.subscribersGained"),
    ),
)
