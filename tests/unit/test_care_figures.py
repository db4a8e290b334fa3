"""The care page's figures say what a number is: positive and neutral messages are not complaints."""

import pandas as pd

from dashboards.care import figures


def test_backlog_bars_name_messages_without_a_complaint_as_such_and_put_complaints_first():
    df = pd.DataFrame({
        "complaint_type": ["positive", "rage", "neutral", "unhappy_customer"],
        "sla_status": ["breached", "breached", "in_time", "breached"],
        "messages": [5, 2, 3, 1],
        "median_open_business_minutes": [10.0, 20.0, 30.0, 40.0],
        "max_open_business_minutes": [15.0, 25.0, 35.0, 45.0],
    })
    fig = figures.backlog_bars(df)
    assert list(fig.layout.xaxis.categoryarray) == ["Rage", "Unhappy customer", "Neutral (no complaint)",
                                                    "Positive (no complaint)"]
    shown = {x: c[1] for t in fig.data for x, c in zip(t.x, t.customdata, strict=True)}
    assert shown["Positive (no complaint)"] == "positive"  # the drill-down still gets the value
    assert sum(sum(t.y) for t in fig.data) == 11
