"""The demo's action log: what the brands did about the problems customers reported.

Written after the mentions and the care messages, from them: a share of the
company's own brands' mentions that report a concrete problem (or repeat a
rumour) and of the customers' inbound complaints on X get an action, owned by
the department that can fix it.  A more active business unit takes feedback up
faster and closes more of it (seed 001: listening and then ignoring is worse
than not listening), so the brands' closure rates differ.

The log is exported weekly, the way a ticketing tool's "updated this week"
export works: each ``feedback/actions/dt=<day>/actions.csv`` holds the actions
logged or closed that week, in their state at the export; a later export of an
action replaces it.  Every draw is a hash of the seed and the feedback's id, as
in ``volume``, so the log is the same for the same seed and scale.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from groundswell.land.demo.volume import PROBLEMS, _h

#: Share of the problem reports that get an action.
ACTION_SHARE = 0.12
#: Which department owns the fix of a problem, by a phrase of the complaint (first match wins).
OWNERS = (
    ("charged twice", "finance"), ("billing", "finance"), ("refund", "finance"), ("hidden fee", "marketing"),
    ("shutting down", "marketing"), ("leaked", "marketing"),
    ("app", "product"), ("signal", "product"), ("internet", "product"),
    ("on hold", "service"), ("rude staff", "service"), ("nobody told me", "service"),
)
ACTIONS_TAKEN = {
    "finance": "Refunded the duplicate charge and fixed the billing run",
    "marketing": "Published a correction and briefed the care team",
    "product": "Filed the defect; fixed in the next release",
    "service": "Changed the process and coached the team",
    "operations": "Fixed the cause with the operations team",
}
COLUMNS = ("action_id", "feedback_ref", "action_taken", "owner_department", "owner", "status",
           "logged_at", "closed_at", "updated_at")
#: Phrases of the rumours ``volume`` writes (misinformation texts carry no problem phrase).
RUMOURS = ("hidden fee", "shutting down", "leaked")


def write_feedback_actions(
    landing: Path,
    seed: int,
    start: date,
    days: int,
    activity: list[tuple[str, date, float]],
    care_inbound: list[tuple[str, str, datetime, str]],
) -> tuple[int, int]:
    """Write the weekly exports; returns (actions, malformed rows written on purpose).

    ``activity``: (brand, day, activity 0..1 of the unit running it); ``care_inbound``:
    (message id, brand, received at, text) of the customers' inbound X messages.
    """
    con = duckdb.connect()
    con.execute("SET threads = 1")  # rows leave in ORDER BY order: the same bytes every run
    con.execute("CREATE TABLE activity (brand VARCHAR, day DATE, activity DOUBLE)")
    con.executemany("INSERT INTO activity VALUES (?, ?, ?)", activity)
    con.execute("CREATE TABLE care (id VARCHAR, brand VARCHAR, received_at TIMESTAMP, text VARCHAR)")
    con.executemany("INSERT INTO care VALUES (?, ?, ?, ?)", care_inbound)
    phrases = [p for ps in PROBLEMS.values() for p in ps] + list(RUMOURS)
    reports = " OR ".join(f"contains(lower(text), '{p.lower()}')" for p in phrases)
    owner = " ".join(f"WHEN contains(lower(text), '{k}') THEN '{d}'" for k, d in OWNERS)
    owner = f"CASE {owner} ELSE 'operations' END"
    taken = " ".join(f"WHEN '{d}' THEN '{t}'" for d, t in ACTIONS_TAKEN.items())
    taken = f"CASE owner_department {taken} END"
    mentions = landing / "listening" / "mentions" / "dt=*" / "mentions.jsonl"
    con.execute(f"""
    CREATE TABLE actions AS
    WITH feedback AS (
      SELECT 'mention:' || mention_id AS feedback_ref, matched_brand AS brand,
             created_at::TIMESTAMP AS feedback_at, text
      FROM read_json('{mentions}', format = 'newline_delimited',
                     columns = {{mention_id: 'VARCHAR', matched_brand: 'VARCHAR', created_at: 'VARCHAR',
                                 text: 'VARCHAR'}})
      WHERE matched_brand IN (SELECT DISTINCT brand FROM activity)
      UNION ALL
      SELECT 'x__tweets:' || id, brand, received_at, text FROM care
    ),
    picked AS (
      SELECT f.*, a.activity, {owner} AS owner_department,
             {_h(str(seed), "feedback_ref", "'pick'")} AS u0,
             {_h(str(seed), "feedback_ref", "'lag'")} AS u1,
             {_h(str(seed), "feedback_ref", "'close'")} AS u2,
             {_h(str(seed), "feedback_ref", "'took'")} AS u3,
             {_h(str(seed), "feedback_ref", "'status'")} AS u4
      FROM feedback f JOIN activity a ON a.brand = f.brand AND a.day = f.feedback_at::DATE
      WHERE ({reports})
    )
    SELECT
      'ACT-' || lpad((row_number() OVER (ORDER BY feedback_at, feedback_ref))::VARCHAR, 6, '0') AS action_id,
      feedback_ref, owner_department, {taken} AS action_taken,
      owner_department || '.lead@example.com' AS owner,
      -- taken up within hours where the unit is active, within days where it is not
      date_trunc('second', feedback_at + INTERVAL (1 + (96 - 90 * activity) * u1 * u1) HOUR) AS logged_at,
      CASE WHEN u2 < 0.35 + 0.6 * activity
        THEN date_trunc('second', feedback_at + INTERVAL (1 + (96 - 90 * activity) * u1 * u1) HOUR
                                     + INTERVAL (4 + 20 * 24 * u3 * u3) HOUR) END AS closed_at,
      CASE WHEN u4 < 0.12 THEN 'declined' ELSE 'done' END AS closed_status,
      CASE WHEN u4 < 0.5 THEN 'open' ELSE 'in_progress' END AS open_status
    FROM picked
    WHERE u0 < {ACTION_SHARE}
    """)
    end = start + timedelta(days=days - 1)
    exports = [start + timedelta(days=i) for i in range(6, days, 7)]
    if not exports or exports[-1] != end:
        exports.append(end)
    out = landing / "feedback" / "actions"
    previous = datetime.min
    malformed = 0
    for n, day in enumerate(exports):
        at = datetime(day.year, day.month, day.day, 23, 59, 59)
        folder = out / f"dt={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        bad = ""
        if n == 0:
            # One row a person typed by hand, on purpose: its reference is a ticket number, not
            # a feedback reference, so it is quarantined. And one naming a mention that never landed.
            bad = (" UNION ALL SELECT 'ACT-MANUAL-1', 'ticket 4711', 'Called the customer back', 'service', "
                   f"NULL, 'done', TIMESTAMP '{day} 09:00:00', TIMESTAMP '{day} 10:00:00', "
                   f"TIMESTAMP '{day} 10:00:00', 0"
                   " UNION ALL SELECT 'ACT-MANUAL-2', 'mention:x-0', 'Answered in the press', 'marketing', "
                   f"NULL, 'open', TIMESTAMP '{day} 09:00:00', NULL, TIMESTAMP '{day} 09:00:00', 0")
            malformed = 1
        con.execute(f"""
        COPY (
          SELECT {", ".join(COLUMNS)} FROM (
            SELECT action_id, feedback_ref, action_taken, owner_department, owner,
                   CASE WHEN closed_at <= TIMESTAMP '{at}' THEN closed_status ELSE open_status END AS status,
                   logged_at,
                   CASE WHEN closed_at <= TIMESTAMP '{at}' THEN closed_at END AS closed_at,
                   CASE WHEN closed_at <= TIMESTAMP '{at}' THEN closed_at ELSE logged_at END AS updated_at,
                   1 AS o
            FROM actions
            WHERE (logged_at > TIMESTAMP '{previous}' AND logged_at <= TIMESTAMP '{at}')
               OR (closed_at > TIMESTAMP '{previous}' AND closed_at <= TIMESTAMP '{at}')
            {bad}
          ) ORDER BY o, action_id
        ) TO '{folder / "actions.csv"}' (HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')
        """)
        previous = at
    total = con.execute(f"SELECT count(*) FROM actions WHERE logged_at <= TIMESTAMP '{previous}'")
    total = total.fetchone()[0]
    con.close()
    return total, malformed
