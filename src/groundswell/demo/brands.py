"""The demo's brands and their accounts (also in dbt/seeds/brand_accounts.csv)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoBrand:
    name: str
    x_user_id: str
    x_handle: str
    facebook_page_id: str
    industry: str


BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand("Northwind Air", "1100000000000000001", "NorthwindAir", "104000000000001", "airline"),
    DemoBrand("Contoso Mobile", "1100000000000000002", "ContosoMobile", "104000000000002", "telecom"),
)


def brand_account_rows() -> list[dict[str, str]]:
    """Rows of the brand_accounts seed, in its column order."""
    rows = []
    for b in BRANDS:
        rows.append({"platform": "x", "account_id": b.x_user_id,
                     "account_handle": b.x_handle, "brand": b.name})
        rows.append({"platform": "facebook", "account_id": b.facebook_page_id,
                     "account_handle": b.name, "brand": b.name})
    return rows
