"""The demo's other families: Instagram, LinkedIn, YouTube, Facebook conversations, CRM, community, survey.

A mixin of :class:`~groundswell.land.demo.generator.DemoGenerator`: every draw comes
from the generator's one ``random.Random``, in a fixed order, so the bytes are
the same for the same seed.  Customers are numbers: customer ``i`` is CRM
contact ``C{i:06d}``, X user ``2000000000 + i`` (@c{i:06d}), Facebook user
``5550{i:06d}``, community member ``M{i:06d}`` and the e-mail
``customer{i}@example.com`` whose SHA-256 web sessions carry, so every family
joins on exact keys.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, datetime, timedelta

from groundswell.land.demo.brands import ACCOUNTS, BRANDS, BUSINESS_UNITS, STAGE_ACTIVITY, UNITS, accounts_on

COMMENT_TEXTS = [
    "Love this!",
    "When will this be available in my area?",
    "Still waiting for my refund...",
    "Great news 👏",
    "Your support line never answers",
    "How do I sign up?",
    "This is exactly what I needed",
    "The app crashed again today",
]
PAGE_REPLIES = [
    "Thanks! We're glad you like it.",
    "Sorry about that, please send us a message.",
    "You can sign up on our website.",
    "We're looking into it, thank you for your patience.",
]
MESSAGES = [
    "Hi, my booking disappeared from the app",
    "Can I change my plan online?",
    "I was charged twice",
    "Where is my order?",
    "How do I reset my password?",
]
MESSAGE_REPLIES = [
    "Thanks for reaching out! Could you share your reference?",
    "Yes: under Account > Plan.",
    "Sorry about that, we have refunded the second charge.",
    "Let me check that for you.",
]
BOARDS = ("billing", "app", "network", "travel", "devices")
IDEA_TITLES = (
    "Dark mode in the app",
    "Family plan discounts",
    "Seat selection on the website",
    "Pause my plan while travelling",
    "Live chat in the app",
    "Offline boarding passes",
    "eSIM for tablets",
    "Carbon offset at checkout",
)
INDUSTRIES = ("retail", "logistics", "healthcare", "education", "software", "manufacturing")
SEGMENTS = ("family", "business", "student", "frequent_traveller")
SURVEY_QUESTIONS = (
    "customers_use_social",
    "need_to_participate",
    "have_resources",
    "conversation_goals_set",
    "target_customers_identified",
    "content_plan_in_place",
    "guidelines_in_place",
    "staff_trained",
    "influencer_program_active",
    "evangelist_program_active",
    "leadership_sponsor",
    "budget_committed",
    "roi_tracked",
)
# The stage from which a unit answers yes to each question (readiness first, evangelists last).
SURVEY_STAGE = {
    "customers_use_social": 1,
    "need_to_participate": 1,
    "have_resources": 2,
    "conversation_goals_set": 2,
    "target_customers_identified": 2,
    "content_plan_in_place": 3,
    "guidelines_in_place": 2,
    "staff_trained": 3,
    "influencer_program_active": 3,
    "evangelist_program_active": 4,
    "leadership_sponsor": 3,
    "budget_committed": 2,
    "roi_tracked": 4,
}
STAGE_RANK = {"dormant": 0, "testing": 1, "coordinating": 2, "scaling_optimizing": 3, "empowered": 4}


def customer_email_sha256(i: int) -> str:
    return hashlib.sha256(f"customer{i}@example.com".encode()).hexdigest()


def quarters_before_end(day: date, end: date) -> int:
    return (end.year * 4 + (end.month - 1) // 3) - (day.year * 4 + (day.month - 1) // 3)


class FamiliesMixin:
    """Writers for the families beyond X, Facebook posts, deals and costs."""

    # -- activity by maturity stage ------------------------------------------------------------
    def _activity(self, business_unit: str, day: date) -> float:
        unit = UNITS[business_unit]
        return STAGE_ACTIVITY[unit.stage_in(quarters_before_end(day, self.end_date))]

    def _stage(self, business_unit: str, day: date) -> str:
        return UNITS[business_unit].stage_in(quarters_before_end(day, self.end_date))

    # -- Instagram, LinkedIn, YouTube --------------------------------------------------------------
    def _instagram(self, day: date, part: str) -> None:
        for account in accounts_on("instagram"):
            media = []
            for n in range(
                self._poisson(self.scale.other_posts_per_day * self._activity(account.business_unit, day))
            ):
                ts = self._time_on(day, peak_hour=17)
                kind = self.rng.choices(("IMAGE", "VIDEO", "CAROUSEL_ALBUM"), weights=(5, 3, 2))[0]
                impressions = int(self.rng.lognormvariate(8.5, 0.8))
                rate = (0.05 if kind == "VIDEO" else 0.04) * self.rng.lognormvariate(0, 0.35)
                likes = int(impressions * rate)
                media_id = f"179{day:%y%m%d}{n:03d}{account.account_id[-3:]}"
                media.append(
                    {
                        "id": media_id,
                        "caption": f"{self.rng.choice(('Behind the scenes', 'New today', 'Your photos'))}"
                        f" #{account.handle}",
                        "media_type": kind,
                        "media_product_type": "REELS" if kind == "VIDEO" else "FEED",
                        "permalink": f"https://www.instagram.com/p/{media_id[-11:]}/",
                        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                        "username": account.handle,
                        "owner": {"id": account.account_id},
                        "like_count": likes,
                        "comments_count": int(likes * 0.06),
                        "insights": {
                            "data": [
                                {
                                    "name": name,
                                    "period": "lifetime",
                                    "values": [{"value": value}],
                                    "id": f"{media_id}/insights/{name}/lifetime",
                                }
                                for name, value in (
                                    ("impressions", impressions),
                                    ("reach", int(impressions * 0.75)),
                                    ("saved", int(likes * 0.08)),
                                    ("shares", int(likes * 0.05)),
                                )
                            ]
                        },
                    }
                )
            if media:
                self.counts["instagram_media"] += len(media)
                self._write(
                    self.landing / "instagram/media" / part / f"media-{account.handle}-p1.json",
                    _dumps({"data": media, "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}}}),
                )

    def _linkedin(self, day: date, part: str) -> None:
        for account in accounts_on("linkedin"):
            posts, stats = [], []
            for n in range(
                self._poisson(
                    self.scale.other_posts_per_day * 0.6 * self._activity(account.business_unit, day)
                )
            ):
                ts = self._time_on(day, peak_hour=10)
                urn = f"urn:li:share:72{day:%y%m%d}{n:03d}{account.account_id[-5:]}"
                kind = self.rng.choices(("text", "image", "video", "article"), weights=(3, 3, 1, 3))[0]
                post = {
                    "id": urn,
                    "author": account.account_id,
                    "commentary": "Our team at work this week",
                    "createdAt": _epoch_ms(ts),
                    "publishedAt": _epoch_ms(ts),
                    "lifecycleState": "PUBLISHED",
                    "visibility": "PUBLIC",
                }
                if kind in ("image", "video"):
                    post["content"] = {"media": {"id": f"urn:li:{kind}:C4E{n:04d}{day:%y%m%d}"}}
                elif kind == "article":
                    post["content"] = {"article": {"source": "https://example.com/news", "title": "News"}}
                posts.append(post)
                impressions = int(self.rng.lognormvariate(7.5, 0.7))
                likes = int(impressions * 0.02 * self.rng.lognormvariate(0, 0.3))
                stats.append(
                    {
                        "share": urn,
                        "organizationalEntity": account.account_id,
                        "totalShareStatistics": {
                            "impressionCount": impressions,
                            "uniqueImpressionsCount": int(impressions * 0.8),
                            "clickCount": int(impressions * 0.01),
                            "likeCount": likes,
                            "commentCount": int(likes * 0.1),
                            "shareCount": int(likes * 0.05),
                            "engagement": round(likes * 1.2 / max(impressions, 1), 4),
                        },
                    }
                )
            if posts:
                self.counts["linkedin_posts"] += len(posts)
                self.counts["linkedin_share_statistics"] += len(stats)
                slug = account.account_id.rsplit(":", 1)[1]
                paging = {"start": 0, "count": len(posts), "links": []}
                self._write(
                    self.landing / "linkedin/posts" / part / f"posts-{slug}-p1.json",
                    _dumps({"elements": posts, "paging": paging}),
                )
                self._write(
                    self.landing / "linkedin/share_statistics" / part / f"statistics-{slug}-p1.json",
                    _dumps({"elements": stats, "paging": paging}),
                )

    def _youtube(self, day: date, part: str) -> None:
        for account in accounts_on("youtube"):
            activity = self._activity(account.business_unit, day)
            videos = []
            for n in range(self._poisson(self.scale.other_posts_per_day * 0.15 * activity)):
                ts = self._time_on(day, peak_hour=15)
                video_id = f"v{day:%y%m%d}{n:02d}{account.account_id[2:6]}"
                views = int(self.rng.lognormvariate(8, 1))
                videos.append(
                    {
                        "kind": "youtube#video",
                        "id": video_id,
                        "snippet": {
                            "publishedAt": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "channelId": account.account_id,
                            "channelTitle": account.handle,
                            "title": "How it works, in 60 seconds",
                        },
                        "contentDetails": {
                            "duration": f"PT{self.rng.randrange(1, 12)}M{self.rng.randrange(60)}S"
                        },
                        "statistics": {
                            "viewCount": str(views),
                            "likeCount": str(int(views * 0.03)),
                            "commentCount": str(int(views * 0.004)),
                        },
                    }
                )
                self.youtube_videos.append((video_id, views))
            if videos:
                self.counts["youtube_videos"] += len(videos)
                self._write(
                    self.landing / "youtube/videos" / part / f"videos-{account.account_id}-p1.json",
                    _dumps(
                        {
                            "kind": "youtube#videoListResponse",
                            "items": videos,
                            "pageInfo": {"totalResults": len(videos), "resultsPerPage": 50},
                        }
                    ),
                )
        # The daily report covers every video published so far (views decay with age).
        rows = []
        for video_id, views in self.youtube_videos:
            daily = int(views * 0.05 * self.rng.random())
            if daily:
                rows.append(
                    [
                        video_id,
                        day.isoformat(),
                        daily,
                        round(daily * 2.7, 1),
                        int(daily * 0.03),
                        int(daily * 0.004),
                        int(daily * 0.002),
                        int(daily * 0.001),
                    ]
                )
        if rows:
            self.counts["youtube_report_rows"] += len(rows)
            headers = [
                {"name": n, "columnType": t, "dataType": d}
                for n, t, d in (
                    ("video", "DIMENSION", "STRING"),
                    ("day", "DIMENSION", "STRING"),
                    ("views", "METRIC", "INTEGER"),
                    ("estimatedMinutesWatched", "METRIC", "FLOAT"),
                    ("likes", "METRIC", "INTEGER"),
                    ("comments", "METRIC", "INTEGER"),
                    ("shares", "METRIC", "INTEGER"),
                    ("subscribersGained", "METRIC", "INTEGER"),
                )
            ]
            self._write(
                self.landing / "youtube/video_analytics" / part / "report.json",
                _dumps({"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers, "rows": rows}),
            )

    # -- Facebook conversations ---------------------------------------------------------------------
    def _facebook_conversations(self, day: date, part: str, posts_by_brand: dict[str, list[dict]]) -> None:
        for brand in BRANDS:
            activity = self._activity(brand.main_unit, day)
            feed = []
            for post in posts_by_brand.get(brand.name, []):
                comments = []
                posted = datetime.strptime(post["created_time"], "%Y-%m-%dT%H:%M:%S+0000")
                for n in range(self._poisson(3)):
                    customer = self.rng.randrange(self.scale.customers)
                    when = posted + timedelta(minutes=self.rng.lognormvariate(3.5, 1))
                    if when.date() != day:
                        continue  # the feed is fetched at the end of the day
                    # Graph comment ids are "{post-object-id}_{comment-id}"; the page makes them unique
                    cid = f"{post['id'].split('_')[1]}{brand.facebook_page_id[-1]}_{n * 2 + 1}"
                    comments.append(
                        {
                            "id": cid,
                            "message": self.rng.choice(COMMENT_TEXTS),
                            "created_time": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                            "from": {"id": f"5550{customer:06d}", "name": f"Customer {customer}"},
                            "like_count": self.rng.randrange(5),
                            "comment_count": 0,
                        }
                    )
                    if self.rng.random() < 0.3 + 0.6 * activity:
                        reply_at = when + timedelta(minutes=self.rng.lognormvariate(3.8, 1.0))
                        if reply_at.date() == day:
                            comments[-1]["comment_count"] = 1
                            comments.append(
                                {
                                    "id": f"{cid[:-len(str(n * 2 + 1))]}{n * 2 + 2}",
                                    "message": self.rng.choice(PAGE_REPLIES),
                                    "created_time": reply_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                                    "from": {"id": brand.facebook_page_id, "name": brand.name},
                                    "parent": {"id": cid},
                                    "like_count": 0,
                                    "comment_count": 0,
                                }
                            )
                if comments:
                    feed.append({"id": post["id"], "comments": {"data": comments}})
                    self.counts["facebook_comments"] += len(comments)
            if feed:
                self._write(
                    self.landing / "facebook/comments" / part / f"comments-{brand.facebook_page_id}-p1.json",
                    _dumps({"data": feed}),
                )
            conversations = []
            for n in range(self._poisson(self.scale.conversations_per_day * 0.2)):
                customer = self.rng.randrange(self.scale.customers)
                when = self._time_on(day, peak_hour=14)
                person = {"id": f"5550{customer:06d}", "name": f"Customer {customer}"}
                page = {"id": brand.facebook_page_id, "name": brand.name}
                messages = [
                    {
                        "id": f"m_{brand.facebook_page_id[-1]}{day:%y%m%d}{n:04d}1",
                        "message": self.rng.choice(MESSAGES),
                        "created_time": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                        "from": person,
                        "to": {"data": [page]},
                    }
                ]
                if self.rng.random() < 0.4 + 0.5 * activity:
                    reply_at = when + timedelta(minutes=self.rng.lognormvariate(3.2, 1.2))
                    if reply_at.date() == day:
                        messages.append(
                            {
                                "id": f"m_{brand.facebook_page_id[-1]}{day:%y%m%d}{n:04d}2",
                                "message": self.rng.choice(MESSAGE_REPLIES),
                                "created_time": reply_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                                "from": page,
                                "to": {"data": [person]},
                            }
                        )
                conversations.append(
                    {
                        "id": f"t_{brand.facebook_page_id[-3:]}{day:%y%m%d}{n:04d}",
                        "updated_time": messages[-1]["created_time"],
                        "messages": {"data": list(reversed(messages))},
                    }
                )
                self.counts["facebook_messages"] += len(messages)
            if conversations:
                self._write(
                    self.landing
                    / "facebook/messages"
                    / part
                    / f"conversations-{brand.facebook_page_id}-p1.json",
                    _dumps({"data": conversations}),
                )

    # -- CRM ------------------------------------------------------------------------------------------
    CONTACT_COLUMNS = (
        "contact_id",
        "account_id",
        "email_sha256",
        "x_handle",
        "facebook_id",
        "instagram_handle",
        "linkedin_url",
        "community_user_id",
        "lifecycle_stage",
        "segment",
        "country",
        "created_at",
        "updated_at",
    )
    ACCOUNT_COLUMNS = ("account_id", "name", "industry", "segment", "business_unit", "country", "created_at")
    ORDER_COLUMNS = (
        "order_id",
        "contact_id",
        "account_id",
        "ordered_at",
        "amount",
        "currency",
        "sales_channel",
        "business_unit",
        "utm_source",
        "utm_campaign",
    )

    def _crm_snapshot(self, part: str) -> None:
        """The first day's full export of contacts and accounts (the CRM's state at the start)."""
        units = [u.key for u in BUSINESS_UNITS]
        accounts = [
            {
                "account_id": f"A{i:05d}",
                "name": f"Company {i}",
                "industry": self.rng.choice(INDUSTRIES),
                "segment": self.rng.choice(("smb", "mid_market", "enterprise")),
                "business_unit": self.rng.choice(units),
                "country": self.rng.choice(("US", "GB", "DE")),
                "created_at": "2024-01-15 09:00:00",
            }
            for i in range(1, 801)
        ]
        self.counts["crm_accounts"] += len(accounts)
        self._write(
            self.landing / "crm/accounts" / part / "accounts.csv", self._csv(self.ACCOUNT_COLUMNS, accounts)
        )
        contacts = []
        for i in range(self.scale.customers):
            # Not every customer gave the CRM every handle: the links are exact, and partial.
            contacts.append(
                {
                    "contact_id": f"C{i:06d}",
                    "account_id": f"A{1 + i % 800:05d}" if i % 3 == 0 else "",
                    "email_sha256": customer_email_sha256(i),
                    "x_handle": f"c{i:06d}" if self.rng.random() < 0.6 else "",
                    "facebook_id": f"5550{i:06d}" if self.rng.random() < 0.3 else "",
                    "instagram_handle": "",
                    "linkedin_url": "",
                    "community_user_id": f"M{i:06d}" if self.rng.random() < 0.25 else "",
                    "lifecycle_stage": self.rng.choices(
                        ("customer", "lead", "subscriber", "former_customer"), weights=(6, 2, 1, 1)
                    )[0],
                    "segment": self.rng.choice(SEGMENTS),
                    "country": self.rng.choice(("US", "GB", "DE")),
                    "created_at": f"202{self.rng.randrange(3, 6)}-0{self.rng.randrange(1, 10)}"
                    f"-1{self.rng.randrange(10)} "
                    "10:00:00",
                    "updated_at": "",
                }
            )
        self.counts["crm_contacts"] += len(contacts)
        self._write(
            self.landing / "crm/contacts" / part / "contacts.csv", self._csv(self.CONTACT_COLUMNS, contacts)
        )

    def _orders(self, day: date, part: str) -> None:
        rows = []
        for _ in range(self._poisson(self.scale.deals_per_day * 3)):
            self.order_seq += 1
            customer = self.rng.randrange(self.scale.customers)
            social = self.rng.random() < 0.2
            rows.append(
                {
                    "order_id": f"O{self.order_seq:08d}",
                    "contact_id": f"C{customer:06d}",
                    "account_id": "",
                    "ordered_at": self._time_on(day, 19).strftime("%Y-%m-%d %H:%M:%S"),
                    "amount": f"{self.rng.lognormvariate(4.5, 0.7):.2f}",
                    "currency": "USD",
                    "sales_channel": self.rng.choice(("web", "app", "store")),
                    "business_unit": self.rng.choice(("northwind-passenger", "contoso-consumer")),
                    "utm_source": self.rng.choice(("x", "facebook", "instagram")) if social else "",
                    "utm_campaign": self.rng.choice(self.campaigns) if social else "",
                }
            )
        self.counts["crm_orders"] += len(rows)
        self._write(self.landing / "crm/orders" / part / "orders.csv", self._csv(self.ORDER_COLUMNS, rows))

    # -- community --------------------------------------------------------------------------------
    def _community(self, day: date, part: str) -> None:
        threads, replies, ideas = [], [], []
        for _ in range(self._poisson(self.scale.community_threads_per_day)):
            self.thread_seq += 1
            created = self._time_on(day, peak_hour=20)
            author = self.rng.randrange(self.scale.customers)
            thread = {
                "thread_id": f"T{self.thread_seq:07d}",
                "board": self.rng.choice(BOARDS),
                "business_unit": self.rng.choice(
                    ("northwind-passenger", "contoso-consumer", "contoso-business")
                ),
                "title": "How do I ...?",
                "kind": self.rng.choices(("question", "discussion"), (4, 1))[0],
                "author_user_id": f"M{author:06d}",
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "views": int(self.rng.lognormvariate(4, 1)),
            }
            at = created
            for n in range(self._poisson(2.2)):
                self.reply_seq += 1
                at = at + timedelta(minutes=self.rng.lognormvariate(4, 1.2))
                if at.date() != day:
                    break
                staff = self.rng.random() < 0.2
                reply = {
                    "reply_id": f"R{self.reply_seq:08d}",
                    "thread_id": thread["thread_id"],
                    "author_user_id": "STAFF01"
                    if staff
                    else f"M{self.rng.randrange(self.scale.customers):06d}",
                    "author_is_staff": staff,
                    "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "is_accepted_solution": False,
                    "kudos": self.rng.randrange(6),
                }
                if (
                    thread["kind"] == "question"
                    and n > 0
                    and "accepted_reply_id" not in thread
                    and self.rng.random() < 0.5
                ):
                    reply["is_accepted_solution"] = True
                    thread["accepted_reply_id"] = reply["reply_id"]
                    thread["solved_at"] = reply["created_at"]
                replies.append(reply)
            threads.append(thread)
        for _ in range(self._poisson(self.scale.community_threads_per_day * 0.1)):
            self.idea_seq += 1
            status = self.rng.choices(("submitted", "under_review", "adopted", "declined"), (5, 2, 1, 1))[0]
            created = self._time_on(day, peak_hour=21)
            ideas.append(
                {
                    "idea_id": f"I{self.idea_seq:06d}",
                    "business_unit": self.rng.choice(("northwind-passenger", "contoso-consumer")),
                    "title": self.rng.choice(IDEA_TITLES),
                    "author_user_id": f"M{self.rng.randrange(self.scale.customers):06d}",
                    "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "status": status,
                    "status_changed_at": created.strftime("%Y-%m-%dT%H:%M:%SZ")
                    if status != "submitted"
                    else None,
                    "votes": int(self.rng.lognormvariate(2, 1)),
                }
            )
        for entity, rows in (("threads", threads), ("replies", replies), ("ideas", ideas)):
            self.counts[f"community_{entity}"] += len(rows)
            self._write(
                self.landing / "community" / entity / part / f"{entity}.jsonl",
                "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows),
            )

    # -- X follower lists -------------------------------------------------------------------------
    FOLLOWER_SNAPSHOT_DAYS = 30  # a snapshot every 30 days, the last on the window's last day
    FOLLOWER_CUSTOMERS_MAX = 50_000  # customers who may follow (keeps the large scale's lists sane)

    def _followers(self, day: date, part: str) -> None:
        """A snapshot of each brand X account's follower list, as ``GET /2/users/:id/followers`` pages.

        Each customer follows an account with some probability from a day in the window on,
        and a few unfollow later; a crowd of fans who are not customers (X users 3000000000 + j,
        unknown to the CRM) follows too. Drawn from a per-account generator, not the demo's one
        ``random.Random``, so the other families' bytes do not move.
        """
        if (self.end_date - day).days % self.FOLLOWER_SNAPSHOT_DAYS:
            return
        window = (self.end_date - self.start_date).days + 1
        offset = (day - self.start_date).days
        customers = min(self.scale.customers, self.FOLLOWER_CUSTOMERS_MAX)
        for account in accounts_on("x"):
            rng = random.Random(f"{self.seed}-followers-{account.account_id}")
            users = []
            for i in range(customers + customers // 2):
                follows, since, until = rng.random(), rng.randrange(-window, window), rng.random()
                if follows >= 0.35 or not since <= offset:
                    continue
                if until < 0.05 and since + window // 3 <= offset:
                    continue  # unfollowed a while after following
                if i < customers:
                    user_id, handle = str(2_000_000_000 + i), f"c{i:06d}"
                else:
                    user_id, handle = str(3_000_000_000 + i), f"fan{i:06d}"
                users.append({"id": user_id, "name": handle.capitalize(), "username": handle,
                              "public_metrics": {"followers_count": 20 + (i * 7919) % 3000,
                                                 "following_count": 100 + i % 400,
                                                 "tweet_count": 50 + i % 2000, "listed_count": i % 3}})
            # X lists the newest followers first
            users.reverse()
            pages = [users[n:n + 1000] for n in range(0, len(users), 1000)]
            for n, chunk in enumerate(pages, start=1):
                page = {"data": chunk, "meta": {"result_count": len(chunk)}}
                if n < len(pages):
                    page["meta"]["next_token"] = f"FOLLOWERS{n:04d}"
                # named as `groundswell fetch x-followers` names them: account, then fetch time
                self._write(self.landing / "x/followers" / part /
                            f"followers-{account.account_id}-{day:%Y%m%d}T120000-p{n:03d}.json",
                            _dumps(page))
            self.counts["x_followers"] += len(users)

    # -- maturity survey ------------------------------------------------------------------------
    def _survey(self, day: date, part: str) -> None:
        """Each unit answers once a quarter, on the quarter's last day (or the window's)."""
        next_day = day + timedelta(days=1)
        if not (next_day.day == 1 and next_day.month in (1, 4, 7, 10)) and day != self.end_date:
            return
        quarter = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        rows = []
        for unit in BUSINESS_UNITS:
            if not unit.answers_survey:
                continue  # its maturity rests on measured evidence alone (and is flagged)
            rank = STAGE_RANK[self._stage(unit.key, day)]
            row = {
                "response_id": f"{quarter}-{unit.key}",
                "business_unit": unit.key,
                "quarter": quarter,
                "respondent_role": "head of social",
                "submitted_at": f"{day.isoformat()} 16:00:00",
            }
            row |= {q: "yes" if rank >= SURVEY_STAGE[q] else "no" for q in SURVEY_QUESTIONS}
            row |= {
                "trained_staff_count": str(rank * 4),
                "social_staff_fte": f"{rank * 1.5:.2f}",
                "annual_budget": f"{rank * 60000:.2f}",
            }
            rows.append(row)
        columns = (
            "response_id",
            "business_unit",
            "quarter",
            "respondent_role",
            "submitted_at",
            *SURVEY_QUESTIONS,
            "trained_staff_count",
            "social_staff_fte",
            "annual_budget",
        )
        self.counts["survey_responses"] += len(rows)
        self._write(
            self.landing / "survey/maturity_responses" / part / f"survey-{quarter}.csv",
            self._csv(columns, rows),
        )


def _epoch_ms(ts: datetime) -> int:
    return int((ts - datetime(1970, 1, 1)).total_seconds() * 1000)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


__all__ = ["ACCOUNTS", "FamiliesMixin", "customer_email_sha256"]
