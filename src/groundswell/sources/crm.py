"""CRM deals: the pipeline export a sales team already has.

Files are CSV exports with a header row, one deal per row, in the shape of a
HubSpot or Salesforce opportunity report.  Amounts are in ``currency`` units;
``closed_at`` is empty while a deal is open.
"""

from __future__ import annotations

from groundswell.sources.base import DEPARTMENTS, Field, Source

DEAL_STAGES = ("prospecting", "qualified", "proposal", "closed_won", "closed_lost")

DEALS = Source(
    key="crm-deals",
    family="crm",
    entity="deals",
    description="Deals with stage, amount, dates, owning department and originating campaign.",
    shape="CRM opportunity export (CSV, header row), as HubSpot deals or Salesforce "
    "opportunities reports",
    file_pattern="*.csv",
    format="csv",
    natural_key=("deal_id",),
    fields=(
        Field("deal_id", "VARCHAR", required=True),
        Field("deal_name", "VARCHAR"),
        Field("account_id", "VARCHAR"),
        Field("contact_id", "VARCHAR"),
        Field("stage", "VARCHAR", required=True, choices=DEAL_STAGES),
        Field("amount", "DECIMAL(18,2)", required=True),
        Field("currency", "VARCHAR"),
        Field("created_at", "TIMESTAMP", required=True),
        Field("closed_at", "TIMESTAMP", doc="empty while the deal is open"),
        Field("owner_department", "VARCHAR", choices=DEPARTMENTS),
        Field("lead_source", "VARCHAR", doc="social, web, email, event, referral, ..."),
        Field("utm_campaign", "VARCHAR", doc="campaign that originated the lead"),
    ),
)
