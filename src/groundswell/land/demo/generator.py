"""Deterministic demo data in the raw shapes real sources send.

Same seed, scale and end date: the same bytes, file for file.  Everything is
drawn from one ``random.Random(seed)`` in a fixed order and written with fixed
JSON and CSV formatting, so a test can compare two runs byte for byte.

What it writes under ``landing/`` (one ``dt=YYYY-MM-DD`` folder per day), for
every source family of docs/sources.md except the imports of public data:

- ``x/tweets``: X API v2 pages: each brand's timeline (its posts, with
  public_metrics and media) and its mentions (customer messages and the
  brand's threaded replies), at most 100 tweets a page, like the API.
- ``x/followers``: each brand X account's follower list every 30 days (the last
  snapshot on the window's last day), 1,000 users a page: customers (some unfollow
  later) and fans the CRM does not know.
- ``facebook/posts``, ``facebook/comments``, ``facebook/messages``: Graph API
  page feeds with insights, comment threads with the Page's replies, and
  Messenger conversations.
- ``instagram/media``, ``linkedin/posts`` + ``linkedin/share_statistics``,
  ``youtube/videos`` + ``youtube/video_analytics``: the other platforms' APIs.
- ``listening/mentions`` and ``web/sessions``: the high-volume families,
  written by DuckDB (volume.py), with injected crisis episodes recorded in
  ``_demo/episodes.json``.
- ``crm/*``: contacts and accounts (a full export on the first day), deals and
  orders daily; ``costs/program_costs``: the day's cost lines.
- ``community/*``: threads, replies (some accepted as solutions), ideas.
- ``survey/maturity_responses``: each business unit's answers, once a quarter.
- ``feedback/actions``: the action log's weekly exports, actions taken on the
  problems customers reported in mentions and care messages (feedback.py).

Customers are shared: the same customer numbers appear in X conversations,
Facebook comments, mentions, CRM contacts, web sessions and the community
(families.py).  Business units sit at different maturity stages (brands.py):
their activity and survey answers follow the stage.

A few records are malformed on purpose, as real feeds are (a tweet whose
``created_at`` is not a time, a cost line whose amount is "TBD", an action
whose feedback reference is a ticket number): they must
reach ``raw.quarantine`` while the rest lands.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from groundswell.land.demo import feedback, volume
from groundswell.land.demo.brands import BRANDS, COMPETITORS, DemoBrand
from groundswell.land.demo.families import FamiliesMixin
from groundswell.land.sources import SOURCES
from groundswell.progress import track

DEMO_MARKER = ".groundswell-demo"
DEFAULT_SEED = 20261123
DEFAULT_END_DATE = date(2026, 10, 31)
X_EPOCH_MS = 1288834974657  # X snowflake ids count milliseconds from this instant


@dataclass(frozen=True)
class Scale:
    days: int
    x_posts_per_day: float  # per brand
    facebook_posts_per_day: float  # per brand
    conversations_per_day: float  # inbound customer messages on X per brand
    deals_per_day: float
    customers: int = 5000
    other_posts_per_day: float = 1.0  # Instagram per account; LinkedIn and YouTube a fraction of it
    mentions_factor: float = 1.0  # listening volume, times each brand's base daily mentions
    sessions_per_day: float = 1000
    community_threads_per_day: float = 10


# tiny runs in seconds (tests), small is the demo, default a year, large the benchmarks' volume:
# 2 brands x 13,700 inbound messages a day x 365 days > 10M customer messages; 50M+ mentions.
SCALES: dict[str, Scale] = {
    "tiny": Scale(days=14, x_posts_per_day=3, facebook_posts_per_day=1.5, conversations_per_day=8,
                  deals_per_day=3, customers=2000, other_posts_per_day=1, mentions_factor=0.2,
                  sessions_per_day=150, community_threads_per_day=4),
    "small": Scale(days=90, x_posts_per_day=4, facebook_posts_per_day=2, conversations_per_day=60,
                   deals_per_day=8, customers=5000, other_posts_per_day=1.5, mentions_factor=1,
                   sessions_per_day=1500, community_threads_per_day=12),
    "default": Scale(days=365, x_posts_per_day=6, facebook_posts_per_day=2, conversations_per_day=300,
                     deals_per_day=20, customers=20000, other_posts_per_day=2, mentions_factor=4,
                     sessions_per_day=6000, community_threads_per_day=40),
    "large": Scale(days=365, x_posts_per_day=8, facebook_posts_per_day=3, conversations_per_day=13700,
                   deals_per_day=200, customers=500000, other_posts_per_day=3, mentions_factor=140,
                   sessions_per_day=100000, community_threads_per_day=400),
}
# Mentions a day per listened brand at mentions_factor 1 (ours first, then competitors).
BASE_DAILY_MENTIONS = (420.0, 360.0, 300.0, 280.0)

CONTENT_TYPES = ("text", "image", "video", "link")
# Expected engagements per impression by content type: video and images earn more.
ENGAGEMENT_BASE = {"text": 0.018, "image": 0.032, "video": 0.045, "link": 0.012}
CAMPAIGNS = ("always-on", "summer-sale", "product-launch", "care-promise")
CHANNELS = ("x", "facebook", "instagram", "linkedin", "youtube")
DEPARTMENTS = ("marketing", "sales", "service")
DEAL_STAGES_OPEN = ("prospecting", "qualified", "proposal")
LEAD_SOURCES = ("social", "web", "email", "event", "referral")

POST_TEXTS = {
    "text": ["{topic}: what would you like to see next? Tell us below.",
             "Behind the scenes with our team today. {topic}.",
             "Quick tip: {topic}."],
    "image": ["A first look at {topic} 📸", "Your photos of {topic} this week!"],
    "video": ["Watch: {topic} in 60 seconds", "Live now: {topic} Q&A"],
    "link": ["Read more about {topic} on our blog: https://example.com/{slug}",
             "{topic}: the details are here https://example.com/{slug}"],
}
TOPICS = ["our new app", "the summer schedule", "customer stories", "the loyalty program",
          "sustainability", "the product roadmap", "holiday hours", "travel tips"]
COMPLAINTS = ["my order still hasn't arrived, can someone help?",
              "I've been on hold for an hour. Is anyone there?",
              "the app keeps crashing when I log in",
              "I was charged twice this month",
              "great service from your team today, thank you!",
              "how do I change my plan?",
              "my flight was cancelled and nobody told me",
              "where can I find my invoice?"]
REPLIES = ["Sorry to hear that. Please DM us your reference and we'll look into it right away.",
           "Thanks for reaching out! Could you send us a DM with more details?",
           "We're on it. Can you tell us which version of the app you're using?",
           "Thank you for the kind words, we'll pass them on to the team!"]
FOLLOW_UPS = ["DM sent.", "Still waiting...", "Thanks, that fixed it.", "Done, thank you."]


def _iso_x(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _iso_graph(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


class _Ids:
    """Snowflake-like tweet ids: time-ordered and unique, like X's."""

    def __init__(self) -> None:
        self.seq = 0

    def tweet(self, ts: datetime) -> str:
        self.seq += 1
        ms = int(ts.replace(tzinfo=UTC).timestamp() * 1000) - X_EPOCH_MS
        return str((ms << 22) | (self.seq % (1 << 22)))


@dataclass
class GenerateResult:
    out_dir: Path
    files: int
    tweets: int
    facebook_posts: int
    deals: int
    cost_lines: int
    malformed: int
    start_date: date
    end_date: date
    records: dict[str, int]  # per family/entity written
    episodes: list[volume.Episode]

    def summary(self) -> str:
        return ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in self.records.items() if n)


class DemoGenerator(FamiliesMixin):
    def __init__(self, seed: int = DEFAULT_SEED, scale: str = "tiny",
                 end_date: date = DEFAULT_END_DATE, days: int | None = None) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose one of: {', '.join(SCALES)}")
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = SCALES[scale]
        if days is not None:  # the scale's daily volumes over a shorter (or longer) window
            self.scale = dataclasses.replace(self.scale, days=days)
        self.end_date = end_date
        self.start_date = end_date - timedelta(days=self.scale.days - 1)
        self.ids = _Ids()
        # Customer i tweets as user 2000000000 + i (families.py has every other key of customer i).
        self.customers = [str(2_000_000_000 + i) for i in range(self.scale.customers)]
        self.campaigns = CAMPAIGNS
        self.open_deals: list[dict] = []
        self.deal_seq = self.cost_seq = self.order_seq = 0
        self.thread_seq = self.reply_seq = self.idea_seq = 0
        self.youtube_videos: list[tuple[str, int]] = []
        self.counts: dict[str, int] = Counter()
        self.landing = Path(".")
        # Carried across midnight: replies land in the partition of the day they are written.
        self.pending_tweets: dict[date, list[tuple[DemoBrand, dict]]] = {}
        # The customers' inbound X messages (id, brand, time, text): the action log answers some.
        self.care_inbound: list[tuple[str, str, datetime, str]] = []

    # -- helpers -------------------------------------------------------------------------
    def _poisson(self, mean: float) -> int:
        # Knuth for small means, normal approximation for large ones: both deterministic.
        if mean > 30:
            return max(0, round(self.rng.gauss(mean, math.sqrt(mean))))
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _time_on(self, day: date, peak_hour: float = 15.0) -> datetime:
        hour = min(23.99, max(0.0, self.rng.gauss(peak_hour, 4.0)))
        base = datetime(day.year, day.month, day.day)
        return base + timedelta(seconds=int(hour * 3600), milliseconds=self.rng.randrange(1000))

    def _write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        self.counts["files"] += 1

    # -- X ---------------------------------------------------------------------------------
    def _owned_tweets(self, brand: DemoBrand, day: date) -> list[dict]:
        tweets = []
        activity = self._activity(brand.main_unit, day)
        for _ in range(self._poisson(self.scale.x_posts_per_day * max(0.2, activity))):
            ts = self._time_on(day, peak_hour=14)
            ctype = self.rng.choices(CONTENT_TYPES, weights=(4, 3, 2, 2))[0]
            topic = self.rng.choice(TOPICS)
            text = self.rng.choice(POST_TEXTS[ctype]).format(
                topic=topic.capitalize(), slug=topic.replace(" ", "-"))
            impressions = int(self.rng.lognormvariate(8.2, 0.8))
            rate = ENGAGEMENT_BASE[ctype] * self.rng.lognormvariate(0, 0.35)
            engaged = int(impressions * rate)
            likes = int(engaged * 0.7)
            reposts = int(engaged * 0.15)
            replies = int(engaged * 0.1)
            quotes = engaged - likes - reposts - replies
            tid = self.ids.tweet(ts)
            tweet = {
                "id": tid, "text": text, "author_id": brand.x_user_id,
                "created_at": _iso_x(ts), "conversation_id": tid, "lang": "en",
                "edit_history_tweet_ids": [tid],
                "public_metrics": {"retweet_count": reposts, "reply_count": replies,
                                   "like_count": likes, "quote_count": quotes,
                                   "bookmark_count": int(engaged * 0.05),
                                   "impression_count": impressions},
            }
            if ctype in ("image", "video"):
                key = ("3_" if ctype == "image" else "7_") + tid
                tweet["attachments"] = {"media_keys": [key]}
                tweet["_media"] = {"media_key": key,
                                   "type": "photo" if ctype == "image" else "video"}
            if ctype == "link":
                tweet["entities"] = {"urls": [{"start": 0, "end": 23,
                                               "url": "https://t.co/" + tid[-10:],
                                               "expanded_url": "https://example.com/"}]}
            tweets.append(tweet)
        return tweets

    def _conversations(self, brand: DemoBrand, day: date) -> None:
        """Inbound messages of the day and the replies they get, filed by the day written."""
        # A more mature unit answers more of its customers (seed 001: heard, then ignored, is worse).
        answer_rate = 0.4 + 0.5 * self._activity(brand.main_unit, day)
        for _ in range(self._poisson(self.scale.conversations_per_day)):
            ts = self._time_on(day, peak_hour=13)
            customer = self.rng.choice(self.customers)
            inbound_id = self.ids.tweet(ts)
            inbound = {
                "id": inbound_id, "text": f"@{brand.x_handle} {self.rng.choice(COMPLAINTS)}",
                "author_id": customer, "created_at": _iso_x(ts), "conversation_id": inbound_id,
                "in_reply_to_user_id": brand.x_user_id, "lang": "en",
                "edit_history_tweet_ids": [inbound_id],
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                   "quote_count": 0, "bookmark_count": 0,
                                   "impression_count": int(self.rng.lognormvariate(4, 1))},
            }
            self._file(brand, ts.date(), inbound)
            self.care_inbound.append((inbound_id, brand.name, ts, inbound["text"]))
            parent, parent_author, when = inbound, customer, ts
            for turn in range(3):
                if self.rng.random() > (answer_rate if turn == 0 else 0.6):
                    break  # not every customer is answered; not every answer is followed up
                # Replies are slower at night: the care team works 08:00-20:00.
                minutes = self.rng.lognormvariate(3.4, 1.1)
                if not 8 <= when.hour < 20:
                    minutes += self.rng.uniform(120, 600)
                when = when + timedelta(minutes=minutes, milliseconds=self.rng.randrange(1000))
                author = brand.x_user_id if parent_author == customer else customer
                text = (f"@{'c' + customer[-6:]} {self.rng.choice(REPLIES)}" if author != customer
                        else f"@{brand.x_handle} {self.rng.choice(FOLLOW_UPS)}")
                tid = self.ids.tweet(when)
                reply = {
                    "id": tid, "text": text, "author_id": author, "created_at": _iso_x(when),
                    "conversation_id": inbound_id, "lang": "en",
                    "in_reply_to_user_id": parent_author,
                    "referenced_tweets": [{"type": "replied_to", "id": parent["id"]}],
                    "edit_history_tweet_ids": [tid],
                    "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                       "quote_count": 0, "bookmark_count": 0,
                                       "impression_count": int(self.rng.lognormvariate(4, 1))},
                }
                self._file(brand, when.date(), reply)
                parent, parent_author = reply, author

    def _file(self, brand: DemoBrand, day: date, tweet: dict) -> None:
        self.pending_tweets.setdefault(day, []).append((brand, tweet))

    def _x_pages(self, tweets: list[dict], brand: DemoBrand) -> Iterator[dict]:
        """Split tweets into API pages of at most 100, newest first, with includes."""
        tweets = sorted(tweets, key=lambda t: int(t["id"]), reverse=True)
        for start in range(0, len(tweets), 100):
            chunk = tweets[start:start + 100]
            users, media = {}, []
            for t in chunk:
                if t["author_id"] == brand.x_user_id:
                    users[t["author_id"]] = {"id": brand.x_user_id, "name": brand.name,
                                             "username": brand.x_handle}
                else:
                    users[t["author_id"]] = {"id": t["author_id"],
                                             "name": f"Customer {t['author_id'][-6:]}",
                                             "username": "c" + t["author_id"][-6:]}
                if "_media" in t:
                    media.append(t.pop("_media"))
            page = {"data": chunk, "includes": {"users": list(users.values())},
                    "meta": {"result_count": len(chunk), "newest_id": chunk[0]["id"],
                             "oldest_id": chunk[-1]["id"]}}
            if media:
                page["includes"]["media"] = media
            if start + 100 < len(tweets):
                page["meta"]["next_token"] = f"b26v89c19zqg8o3f{start // 100 + 1:04d}"
            yield page

    # -- Facebook -------------------------------------------------------------------------
    def _facebook_posts(self, brand: DemoBrand, day: date) -> list[dict]:
        posts = []
        status = {"text": "mobile_status_update", "image": "added_photos",
                  "video": "added_video", "link": "shared_story"}
        for n in range(self._poisson(self.scale.facebook_posts_per_day)):
            ts = self._time_on(day, peak_hour=12)
            ctype = self.rng.choices(CONTENT_TYPES, weights=(2, 4, 3, 2))[0]
            topic = self.rng.choice(TOPICS)
            impressions = int(self.rng.lognormvariate(8.8, 0.9))
            rate = ENGAGEMENT_BASE[ctype] * 1.2 * self.rng.lognormvariate(0, 0.35)
            engaged = int(impressions * rate)
            reactions = int(engaged * 0.75)
            comments = int(engaged * 0.12)
            shares = engaged - reactions - comments
            post_id = f"{brand.facebook_page_id}_{day.strftime('%Y%m%d')}{n:03d}"
            insights = [
                ("post_impressions", "Lifetime Post Total Impressions", impressions),
                ("post_impressions_unique", "Lifetime Post Total Reach", int(impressions * 0.7)),
                ("post_clicks", "Lifetime Post Clicks", int(engaged * 0.4)),
            ]
            posts.append({
                "id": post_id,
                "message": self.rng.choice(POST_TEXTS[ctype]).format(
                    topic=topic.capitalize(), slug=topic.replace(" ", "-")),
                "created_time": _iso_graph(ts),
                "status_type": status[ctype],
                "permalink_url": f"https://www.facebook.com/{post_id.replace('_', '/posts/')}",
                "from": {"name": brand.name, "id": brand.facebook_page_id},
                "shares": {"count": shares},
                "reactions": {"data": [], "summary": {"total_count": reactions,
                                                      "viewer_reaction": "NONE"}},
                "comments": {"data": [], "summary": {"order": "ranked", "total_count": comments,
                                                     "can_comment": True}},
                "insights": {"data": [
                    {"name": name, "period": "lifetime", "values": [{"value": value}],
                     "title": title, "description": title + ".",
                     "id": f"{post_id}/insights/{name}/lifetime"}
                    for name, title, value in insights]},
            })
        return posts

    # -- CRM and costs ------------------------------------------------------------------
    DEAL_COLUMNS = ("deal_id", "deal_name", "account_id", "contact_id", "stage", "amount",
                    "currency", "created_at", "closed_at", "owner_department", "business_unit",
                    "lead_source", "utm_campaign")

    def _deals(self, day: date) -> list[dict]:
        rows = []
        still_open = []
        for deal in self.open_deals:
            if self.rng.random() < 0.08:
                closed = self._time_on(day, peak_hour=16)
                rows.append(deal | {"stage": "closed_won" if self.rng.random() < 0.45
                                    else "closed_lost",
                                    "closed_at": closed.strftime("%Y-%m-%d %H:%M:%S")})
            else:
                still_open.append(deal)
        self.open_deals = still_open
        for _ in range(self._poisson(self.scale.deals_per_day)):
            self.deal_seq += 1
            created = self._time_on(day, peak_hour=11)
            source = self.rng.choices(LEAD_SOURCES, weights=(3, 3, 2, 1, 1))[0]
            deal = {
                "deal_id": f"D{self.deal_seq:07d}",
                "deal_name": f"{self.rng.choice(['Fleet', 'Team', 'Enterprise', 'Family'])} "
                             f"plan #{self.deal_seq}",
                "account_id": f"A{self.rng.randrange(1, 800):05d}",
                "contact_id": f"C{self.rng.randrange(self.scale.customers):06d}",
                "stage": self.rng.choice(DEAL_STAGES_OPEN),
                "amount": f"{self.rng.lognormvariate(8.5, 0.9):.2f}",
                "currency": "USD",
                "created_at": created.strftime("%Y-%m-%d %H:%M:%S"),
                "closed_at": "",
                "owner_department": self.rng.choices(DEPARTMENTS, weights=(2, 6, 2))[0],
                "business_unit": self.rng.choice(("northwind-cargo", "contoso-business")),
                "lead_source": source,
                "utm_campaign": self.rng.choice(CAMPAIGNS) if source == "social" else "",
            }
            rows.append(deal)
            self.open_deals.append(deal)
        return rows

    COST_COLUMNS = ("cost_id", "cost_date", "channel", "campaign", "department", "business_unit",
                    "cost_kind", "hours", "hourly_rate", "amount", "currency")

    def _costs(self, day: date) -> list[dict]:
        rows = []

        def line(channel: str, campaign: str, department: str, kind: str, amount: float,
                 hours: float | None = None, rate: float | None = None, unit: str = "") -> None:
            self.cost_seq += 1
            rows.append({"cost_id": f"K{self.cost_seq:08d}", "cost_date": day.isoformat(),
                         "channel": channel, "campaign": campaign, "department": department,
                         "business_unit": unit,
                         "cost_kind": kind, "hours": "" if hours is None else f"{hours:.2f}",
                         "hourly_rate": "" if rate is None else f"{rate:.2f}",
                         "amount": f"{amount:.2f}", "currency": "USD"})

        for channel in CHANNELS:
            campaign = self.rng.choice(CAMPAIGNS)
            unit = "northwind-passenger" if self.rng.random() < 0.5 else "contoso-consumer"
            line(channel, campaign, "marketing", "paid_media", self.rng.uniform(150, 900), unit=unit)
        hours = round(self.rng.uniform(12, 30) * 2) / 2
        line("x", "care-promise", "service", "staff_hours", hours * 38.0, hours, 38.0)
        hours = round(self.rng.uniform(4, 10) * 2) / 2
        line("all", "always-on", "marketing", "staff_hours", hours * 45.0, hours, 45.0)
        hours = round(self.rng.uniform(2, 6) * 2) / 2  # social selling on LinkedIn
        line("linkedin", "always-on", "sales", "staff_hours", hours * 55.0, hours, 55.0,
             unit=self.rng.choice(("northwind-cargo", "contoso-business")))
        hours = round(self.rng.uniform(3, 8) * 2) / 2  # community moderation and answers
        line("community", "always-on", "service", "staff_hours", hours * 35.0, hours, 35.0)
        if day.day == 1:
            line("all", "always-on", "marketing", "tools", 1200.0)
            line("community", "always-on", "service", "tools", 800.0)
            line("all", "always-on", "sales", "agency", 4000.0)
        return rows

    @staticmethod
    def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()

    # -- driver ---------------------------------------------------------------------------
    def generate(self, landing_dir: Path) -> GenerateResult:
        prepare_landing(landing_dir)
        self.landing = landing_dir
        days = [self.start_date + timedelta(days=i) for i in range(self.scale.days)]
        for index, day in enumerate(track(days, "generating demo data")):
            part = f"dt={day.isoformat()}"
            if index == 0:
                self._crm_snapshot(part)
            fb_by_brand: dict[str, list[dict]] = {}
            for brand in BRANDS:
                owned = self._owned_tweets(brand, day)
                for n, page in enumerate(self._x_pages(owned, brand), start=1):
                    self.counts["tweets"] += len(page["data"])
                    self._write(landing_dir / "x/tweets" / part /
                                f"timeline-{brand.x_handle}-p{n}.json", _dumps(page))
                self._conversations(brand, day)
                fb = self._facebook_posts(brand, day)
                fb_by_brand[brand.name] = fb
                if fb:
                    self.counts["facebook_posts"] += len(fb)
                    page = {"data": fb, "paging": {"cursors": {"before": "QVFIUj", "after": "QVFIUk"}}}
                    self._write(landing_dir / "facebook/posts" / part /
                                f"page-{brand.facebook_page_id}-p1.json", _dumps(page))
            # Mentions filed today: the day's inbound messages and replies written today.
            todays = self.pending_tweets.pop(day, [])
            for brand in BRANDS:
                mine = [t for b, t in todays if b is brand]
                if index == 3 and mine:
                    mine[0]["created_at"] = "yesterday"  # a malformed record, on purpose
                    self.counts["malformed"] += 1
                for n, page in enumerate(self._x_pages(mine, brand), start=1):
                    self.counts["tweets"] += len(page["data"])
                    self._write(landing_dir / "x/tweets" / part /
                                f"mentions-{brand.x_handle}-p{n}.json", _dumps(page))
            self._facebook_conversations(day, part, fb_by_brand)
            self._instagram(day, part)
            self._linkedin(day, part)
            self._youtube(day, part)
            deals = self._deals(day)
            self.counts["deals"] += len(deals)
            self._write(landing_dir / "crm/deals" / part / "deals.csv",
                        self._csv(self.DEAL_COLUMNS, deals))
            self._orders(day, part)
            costs = self._costs(day)
            if index == 5:
                costs[0]["amount"] = "TBD"  # a malformed record, on purpose
                self.counts["malformed"] += 1
            self.counts["cost_lines"] += len(costs)
            self._write(landing_dir / "costs/program_costs" / part / "costs.csv",
                        self._csv(self.COST_COLUMNS, costs))
            self._community(day, part)
            self._survey(day, part)
            self._followers(day, part)
        # Replies written after the last day are outside the window: like a real export, dropped.
        listened = [volume.ListenedBrand(b.name, b.x_handle, b.industry, b.campaign_hashtag, daily, True)
                    for b, daily in zip(BRANDS, BASE_DAILY_MENTIONS, strict=False)]
        listened += [volume.ListenedBrand(name, handle, industry, tag, daily, False)
                     for (name, handle, industry, tag), daily
                     in zip(COMPETITORS, BASE_DAILY_MENTIONS[len(BRANDS):], strict=False)]
        episodes = volume.plan_episodes(self.seed, listened, self.start_date, self.scale.days,
                                        self.scale.mentions_factor)
        self.counts["mentions"] = volume.write_mentions(
            landing_dir, self.seed, listened, self.start_date, self.scale.days, self.scale.mentions_factor,
            self.scale.customers, episodes)
        self.counts["web_sessions"] = volume.write_sessions(
            landing_dir, self.seed, self.start_date, self.scale.days, self.scale.sessions_per_day,
            self.scale.customers, CAMPAIGNS)
        volume.write_episodes(landing_dir, episodes)
        activity = [(b.name, day, self._activity(b.main_unit, day)) for b in BRANDS for day in days]
        self.counts["feedback_actions"], bad = feedback.write_feedback_actions(
            landing_dir, self.seed, self.start_date, self.scale.days, activity, self.care_inbound)
        self.counts["malformed"] += bad
        self.counts["files"] += 2 * self.scale.days + 1 + -(-self.scale.days // 7)
        c = self.counts
        records = {k: v for k, v in sorted(c.items()) if k not in ("files", "malformed")}
        return GenerateResult(landing_dir, c["files"], c["tweets"], c["facebook_posts"],
                              c["deals"], c["cost_lines"], c["malformed"], self.start_date,
                              self.end_date, records, episodes)


# The demo writes every source but the imports of public data and connector tables, and the
# corrections log: analysts write that one (from the dashboards), and the demo starts unreviewed.
IMPORT_FAMILIES = ("customer_support", "airline_sentiment", "fivetran")
NOT_GENERATED = (*IMPORT_FAMILIES, "corrections")
DEMO_SOURCES = tuple(key for key, s in SOURCES.items() if s.family not in NOT_GENERATED)
# Every folder the demo writes: those of the sources it generates, and its own records.
DEMO_DROP_DIRS = (*sorted({SOURCES[key].drop_dir for key in DEMO_SOURCES}), "_demo")


def prepare_landing(landing_dir: Path) -> None:
    """Clear the demo's drop folders, refusing to touch a landing area that holds real data."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    marker = landing_dir / DEMO_MARKER
    occupied = [d for d in DEMO_DROP_DIRS if (landing_dir / d).exists()]
    if occupied and not marker.exists():
        raise FileExistsError(
            f"{landing_dir} already holds {', '.join(occupied)} that the demo did not write: "
            "generate into an empty folder (--out) or another GROUNDSWELL_HOME"
        )
    for d in occupied:
        shutil.rmtree(landing_dir / d)
    marker.write_text("written by `groundswell generate`; its drop folders are replaced on rerun\n")


def generate(out_dir: Path, seed: int = DEFAULT_SEED, scale: str = "tiny",
             end_date: date = DEFAULT_END_DATE, days: int | None = None) -> GenerateResult:
    return DemoGenerator(seed=seed, scale=scale, end_date=end_date, days=days).generate(out_dir)
