"""The listening page's hourly grain shows a readable window: the period's last 7 days of hours."""

from datetime import date

import pandas as pd

from dashboards.listening import figures, queries


def test_the_hourly_chart_shows_at_most_the_last_seven_days():
    start, end = date(2026, 8, 3), date(2026, 10, 31)
    assert queries.chart_window(start, end, "day") == start
    assert queries.chart_window(start, end, "hour") == date(2026, 10, 25)
    assert queries.chart_window(date(2026, 10, 29), end, "hour") == date(2026, 10, 29)  # shorter already


def test_the_cut_chart_says_so_and_shades_only_the_episodes_in_its_window():
    hours = pd.date_range("2026-10-25", "2026-10-31 23:00", freq="h")
    df = pd.DataFrame({"bucket": hours, "negative_mentions": 1, "neutral_mentions": 2, "positive_mentions": 3,
                       "net_sentiment": 0.3})
    episodes = pd.DataFrame({
        "start_at": pd.to_datetime(["2026-09-01 10:00", "2026-10-24 20:00", "2026-10-30 08:00"]),
        "end_at": pd.to_datetime(["2026-09-01 14:00", "2026-10-25 03:00", "2026-10-30 12:00"]),
        "kind": ["negative_spike", "negative_spike", "hashtag_hijack"]})
    fig = figures.mention_volume(df, episodes, "Contoso Mobile", "hour", date(2026, 10, 25))
    assert len(fig.layout.shapes) == 2  # the September episode lies outside the week shown
    assert "by hour from 25 Oct" in fig.layout.title.text
    assert len(fig.data[0].x) == 7 * 24
    whole = figures.mention_volume(df, episodes, "Contoso Mobile", "hour")
    assert len(whole.layout.shapes) == 3 and whole.layout.title.text == "Mentions of Contoso Mobile"
