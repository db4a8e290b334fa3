"""No mart carries a customer's identity in clear: author ids, handles, names, e-mail hashes and CRM
contact ids are keyed pseudonyms (dbt/macros/pseudonymize.sql, docs/metrics.md#pseudonyms)."""

from __future__ import annotations

import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from groundswell.config import Settings

#: Staging columns holding customers' identities (the originals stay in raw.* of the writer).
IDENTITY_COLUMNS = {
    "stg_airline_sentiment__tweets": ["author_handle"],
    "stg_community__ideas": ["author_user_id"],
    "stg_community__replies": ["author_user_id"],
    "stg_community__threads": ["author_user_id"],
    "stg_crm__contacts": ["contact_id", "email_sha256", "x_handle", "instagram_handle", "community_user_id"],
    "stg_crm__deals": ["contact_id"],
    "stg_crm__orders": ["contact_id"],
    "stg_customer_support__tweets": ["author_id"],
    "stg_facebook__comments": ["from_id", "from_name"],
    "stg_facebook__messages": ["from_id", "from_name"],
    "stg_listening__mentions": ["author_id", "author_handle"],
    "stg_web__sessions": ["user_pseudo_id", "email_sha256"],
    "stg_x__followers": ["follower_id", "follower_username"],
    "stg_x__tweets": ["author_id", "author_username", "in_reply_to_user_id"],
}


@pytest.fixture(scope="module")
def writer(published_home):
    con = duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_no_mart_column_holds_a_customer_identity(writer):
    existing = {r[0] for r in writer.execute(
        "select table_name from duckdb_tables() where schema_name = 'staging' "
        "union select view_name from duckdb_views() where schema_name = 'staging'").fetchall()}
    selects = [f"select distinct {c}::varchar as v from staging.{t}"
               for t, cols in IDENTITY_COLUMNS.items() if t in existing for c in cols]
    writer.execute(f"""
        create temp table identities as
        select v from ({' union '.join(selects)}) where v is not null and v <> ''
        except select account_id from seeds.brand_accounts
        except select account_handle from seeds.brand_accounts
        except select lower(account_handle) from seeds.brand_accounts
        except select brand from seeds.brands""")
    identities = writer.execute("select count(*) from temp.identities").fetchone()[0]
    assert identities > 1000  # the demo has customers on every source
    # public_handle names public voices on purpose: test_only_public_authors_are_named
    columns = writer.execute("""select table_name, column_name from duckdb_columns()
        where schema_name = 'marts' and data_type = 'VARCHAR' and column_name <> 'public_handle'
        order by all""").fetchall()
    assert len(columns) > 50
    leaks = {}
    for table, column in columns:
        hits = writer.execute(f'select count(*), any_value("{column}") from marts."{table}" '
                              f'where "{column}" in (select v from temp.identities)').fetchone()
        if hits[0]:
            leaks[f"{table}.{column}"] = hits
    assert not leaks


def test_only_public_authors_are_named(writer):
    """A listening author is named (public_handle) only on a mention that came with at least
    influencer_public_followers followers (10,000), and then by their own handle; no care mart
    names anyone."""
    named = writer.execute("""
        select count(*) filter (where m.public_handle is not null),
               count(*) filter (where m.public_handle is not null
                                and (s.author_followers < 10000 or m.public_handle <> s.author_handle)),
               count(*) filter (where m.public_handle is null and s.author_followers >= 10000
                                and s.author_handle is not null)
        from marts.fct_mentions as m
        inner join staging.stg_listening__mentions as s on s.mention_id = m.mention_id""").fetchone()
    assert named[0] > 0 and named[1:] == (0, 0)
    assert writer.execute("""select count(*) from marts.dim_influencers as i
        where public_handle is not null and not exists (select 1 from marts.fct_mentions as m
            where m.brand = i.brand and m.platform = i.platform and m.author_id = i.author_id
              and m.public_handle = i.public_handle)""").fetchone()[0] == 0
    care = writer.execute("""select count(*) from duckdb_columns() where schema_name = 'marts'
        and table_name like '%care%' and column_name like '%handle%'""").fetchone()[0]
    assert care == 0


def test_pseudonyms_are_stable_across_marts_and_keyed(writer, published_home):
    # joins still work: every conversation's customer is the author of its opening message
    unmatched = writer.execute("""
        select count(*) from marts.fct_care_conversations as c
        left join marts.fct_care_messages as m
            on m.source = c.source and m.message_id = c.opening_message_id and m.author_id = c.customer_id
        where m.message_id is null""").fetchone()[0]
    assert unmatched == 0
    # influencers are fct_mentions' authors, under the same pseudonyms
    assert writer.execute("""select count(*) from marts.dim_influencers as i anti join marts.fct_mentions
        as m using (brand, platform, author_id)""").fetchone()[0] == 0
    # a pseudonym is sha256(key:value), the key from the home's key file (0600), not the value alone
    key_path = Settings(home=published_home).pseudonym_key_path
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    key = key_path.read_text().strip()
    author, pseudonym = writer.execute("""
        select s.author_id, m.author_id from staging.stg_x__tweets as s
        inner join marts.fct_care_messages as m on m.source = 'x__tweets' and m.message_id = s.tweet_id
        limit 1""").fetchone()
    assert pseudonym == "p_" + hashlib.sha256(f"{key}:{author}".encode()).hexdigest()[:20]
    assert pseudonym != "p_" + hashlib.sha256(author.encode()).hexdigest()[:20]


def test_the_key_is_generated_once_per_home_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("GROUNDSWELL_PSEUDONYM_KEY", raising=False)
    settings = Settings(home=tmp_path / "home")
    first = settings.pseudonym_key_value()
    assert len(first) == 64 and Settings(home=tmp_path / "home").pseudonym_key_value() == first
    assert stat.S_IMODE(os.stat(settings.pseudonym_key_path).st_mode) == 0o600
    assert Settings(home=tmp_path / "other").pseudonym_key_value() != first
    monkeypatch.setenv("GROUNDSWELL_PSEUDONYM_KEY", "from-the-environment")
    assert Settings(home=tmp_path / "home").tool_env()["GROUNDSWELL_PSEUDONYM_KEY"] == "from-the-environment"


def test_first_builds_racing_for_the_key_share_one_and_leave_no_partial_file(tmp_path, monkeypatch):
    monkeypatch.delenv("GROUNDSWELL_PSEUDONYM_KEY", raising=False)
    home = tmp_path / "home"
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(lambda _: Settings(home=home).pseudonym_key_value(), range(64)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in (home / "secrets").iterdir()] == ["pseudonym.key"]
