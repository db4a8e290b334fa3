"""Program costs: what the social program spends, by whom and on what.

Files are CSV exports (finance or a planning sheet), one cost line per row.
Staff time is given as hours and an hourly rate; ``amount`` is what was spent.
"""

from __future__ import annotations

from groundswell.land.sources.base import DEPARTMENTS, Field, Source

COST_KINDS = ("paid_media", "staff_hours", "tools", "agency")

PROGRAM_COSTS = Source(
    key="program-costs",
    family="costs",
    entity="program_costs",
    description="Spend by date, channel, campaign, department and kind.",
    shape="finance export of cost lines (CSV, header row)",
    file_pattern="*.csv",
    format="csv",
    natural_key=("cost_id",),
    fields=(
        Field("cost_id", "VARCHAR", required=True),
        Field("cost_date", "DATE", required=True),
        Field("channel", "VARCHAR", doc="x, facebook, instagram, linkedin, youtube, community, all"),
        Field("campaign", "VARCHAR"),
        Field("department", "VARCHAR", required=True, choices=DEPARTMENTS),
        Field("business_unit", "VARCHAR", doc="business unit charged; empty for shared costs"),
        Field("cost_kind", "VARCHAR", required=True, choices=COST_KINDS),
        Field("hours", "DECIMAL(10,2)", doc="staff hours (staff_hours lines)"),
        Field("hourly_rate", "DECIMAL(10,2)", doc="rate per staff hour (staff_hours lines)"),
        Field("amount", "DECIMAL(18,2)", required=True),
        Field("currency", "VARCHAR"),
    ),
)
