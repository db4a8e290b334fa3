"""The demo's brands, business units, accounts and competitors.

The accounts are also in dbt/seeds/brand_accounts.csv (a test keeps the two
equal).  Each business unit has an intended maturity stage per quarter
(seed 000's five stages); the generator scales the unit's activity and its
survey answers to that stage, so the demo holds a unit at every stage, one
that moves up over the year and one that slips.
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("dormant", "testing", "coordinating", "scaling_optimizing", "empowered")
# How active a unit at each stage is, relative to an empowered one.
STAGE_ACTIVITY = {
    "dormant": 0.0,
    "testing": 0.3,
    "coordinating": 0.6,
    "scaling_optimizing": 0.85,
    "empowered": 1.0,
}


@dataclass(frozen=True)
class DemoBrand:
    name: str
    x_user_id: str
    x_handle: str
    facebook_page_id: str
    industry: str
    campaign_hashtag: str = ""
    main_unit: str = ""  # the business unit that runs the brand's X and Facebook accounts


@dataclass(frozen=True)
class BusinessUnit:
    key: str
    brand: str
    # Intended stage in each of the last four quarters of the demo window, oldest first.
    stages: tuple[str, str, str, str]
    answers_survey: bool = True

    def stage_in(self, quarters_before_end: int) -> str:
        """The stage ``quarters_before_end`` quarters before the window's last quarter (0 = last)."""
        return self.stages[max(0, len(self.stages) - 1 - quarters_before_end)]


@dataclass(frozen=True)
class DemoAccount:
    platform: str
    account_id: str
    handle: str
    brand: str
    business_unit: str


BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand(
        "Northwind Air",
        "1100000000000000001",
        "NorthwindAir",
        "104000000000001",
        "airline",
        "NorthwindStories",
        "northwind-passenger",
    ),
    DemoBrand(
        "Contoso Mobile",
        "1100000000000000002",
        "ContosoMobile",
        "104000000000002",
        "telecom",
        "ContosoMoments",
        "contoso-consumer",
    ),
)

BUSINESS_UNITS: tuple[BusinessUnit, ...] = (
    BusinessUnit(
        "northwind-passenger", "Northwind Air", ("scaling_optimizing", "empowered", "empowered", "empowered")
    ),
    BusinessUnit(
        "northwind-cargo",
        "Northwind Air",
        ("coordinating", "scaling_optimizing", "scaling_optimizing", "scaling_optimizing"),
    ),
    # moves up over the year
    BusinessUnit(
        "contoso-consumer", "Contoso Mobile", ("testing", "testing", "coordinating", "scaling_optimizing")
    ),
    # slips
    BusinessUnit(
        "contoso-business", "Contoso Mobile", ("coordinating", "coordinating", "testing", "testing")
    ),
    # no social activity and no survey answers
    BusinessUnit("contoso-devices", "Contoso Mobile", ("dormant",) * 4, answers_survey=False),
)
UNITS = {u.key: u for u in BUSINESS_UNITS}

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("x", "1100000000000000001", "NorthwindAir", "Northwind Air", "northwind-passenger"),
    DemoAccount("facebook", "104000000000001", "Northwind Air", "Northwind Air", "northwind-passenger"),
    DemoAccount("instagram", "17841400000000001", "northwindair", "Northwind Air", "northwind-passenger"),
    DemoAccount(
        "youtube", "UCnorthwindair000000000", "Northwind Air", "Northwind Air", "northwind-passenger"
    ),
    DemoAccount(
        "linkedin", "urn:li:organization:90001", "Northwind Air Cargo", "Northwind Air", "northwind-cargo"
    ),
    DemoAccount("x", "1100000000000000002", "ContosoMobile", "Contoso Mobile", "contoso-consumer"),
    DemoAccount("facebook", "104000000000002", "Contoso Mobile", "Contoso Mobile", "contoso-consumer"),
    DemoAccount("instagram", "17841400000000002", "contosomobile", "Contoso Mobile", "contoso-consumer"),
    DemoAccount(
        "linkedin",
        "urn:li:organization:90002",
        "Contoso Mobile for Business",
        "Contoso Mobile",
        "contoso-business",
    ),
    DemoAccount(
        "youtube", "UCcontosobusiness000000", "Contoso Business", "Contoso Mobile", "contoso-business"
    ),
)

# Competitors the listening query follows beside our brands (share of voice).
COMPETITORS: tuple[tuple[str, str, str, str], ...] = (
    ("Fabrikam Airways", "FabrikamAir", "airline", "FabrikamFlies"),
    ("Litware Telecom", "LitwareTel", "telecom", "LitwareLife"),
)


def accounts_on(platform: str) -> list[DemoAccount]:
    return [a for a in ACCOUNTS if a.platform == platform]


def brand_account_rows() -> list[dict[str, str]]:
    """Rows of the brand_accounts seed, in its column order."""
    return [
        {
            "platform": a.platform,
            "account_id": a.account_id,
            "account_handle": a.handle,
            "brand": a.brand,
            "business_unit": a.business_unit,
        }
        for a in ACCOUNTS
    ]
