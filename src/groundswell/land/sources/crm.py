"""CRM: contacts, accounts, deals and orders, as the CRM and the shop export them.

Files are CSV exports with a header row, one record per row, in the shape of
HubSpot or Salesforce reports.  Amounts are in ``currency`` units; times
without an offset are taken as UTC.  Contacts carry the social handles and the
hashed login e-mail that link a social account, a web session or a community
member to a customer by exact key (the Social CRM of seed 002's hub and spoke).
"""

from __future__ import annotations

from groundswell.land.sources.base import DEPARTMENTS, Field, Source

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
        Field("business_unit", "VARCHAR", doc="business unit that owns the deal"),
        Field("lead_source", "VARCHAR", doc="social, web, email, event, referral, ..."),
        Field("utm_campaign", "VARCHAR", doc="campaign that originated the lead"),
    ),
)

CONTACTS = Source(
    key="crm-contacts",
    family="crm",
    entity="contacts",
    description="Customers and prospects, with the keys that link them to social accounts.",
    shape="CRM contact export (CSV, header row), as HubSpot contacts or Salesforce contacts reports",
    file_pattern="*.csv",
    format="csv",
    natural_key=("contact_id",),
    fields=(
        Field("contact_id", "VARCHAR", required=True),
        Field("account_id", "VARCHAR", doc="the company the contact belongs to (B2B)"),
        Field("email_sha256", "VARCHAR",
              doc="SHA-256 of the lower-cased, trimmed login e-mail (hex): the key web sessions carry"),
        Field("x_handle", "VARCHAR", doc="X @handle as recorded by the CRM (without @)"),
        Field("facebook_id", "VARCHAR", doc="Facebook page-scoped id recorded by a Messenger integration"),
        Field("instagram_handle", "VARCHAR"),
        Field("linkedin_url", "VARCHAR"),
        Field("community_user_id", "VARCHAR", doc="id of the contact's community account"),
        Field("lifecycle_stage", "VARCHAR", choices=("subscriber", "lead", "opportunity", "customer",
                                                     "former_customer", "other")),
        Field("segment", "VARCHAR", doc="target segment the marketing plan names (e.g. business, family)"),
        Field("country", "VARCHAR"),
        Field("created_at", "TIMESTAMP", required=True),
        Field("updated_at", "TIMESTAMP"),
    ),
)

ACCOUNTS = Source(
    key="crm-accounts",
    family="crm",
    entity="accounts",
    description="Companies (B2B accounts) with industry, segment and owning business unit.",
    shape="CRM company/account export (CSV, header row)",
    file_pattern="*.csv",
    format="csv",
    natural_key=("account_id",),
    fields=(
        Field("account_id", "VARCHAR", required=True),
        Field("name", "VARCHAR"),
        Field("industry", "VARCHAR"),
        Field("segment", "VARCHAR"),
        Field("business_unit", "VARCHAR"),
        Field("country", "VARCHAR"),
        Field("created_at", "TIMESTAMP"),
    ),
)

ORDERS = Source(
    key="crm-orders",
    family="crm",
    entity="orders",
    description="Orders placed by customers: revenue that is not a sales deal.",
    shape="e-commerce or ERP order export (CSV, header row), as Shopify orders exports",
    file_pattern="*.csv",
    format="csv",
    natural_key=("order_id",),
    fields=(
        Field("order_id", "VARCHAR", required=True),
        Field("contact_id", "VARCHAR", doc="empty for a guest checkout"),
        Field("account_id", "VARCHAR"),
        Field("ordered_at", "TIMESTAMP", required=True),
        Field("amount", "DECIMAL(18,2)", required=True),
        Field("currency", "VARCHAR"),
        Field("sales_channel", "VARCHAR", doc="web, app, store, phone"),
        Field("business_unit", "VARCHAR"),
        Field("utm_source", "VARCHAR", doc="UTM source of the session that ordered, when known"),
        Field("utm_campaign", "VARCHAR"),
    ),
)
