"""Maturity survey: each business unit's self-assessment, once a quarter.

The questions are seed 004's readiness checklist and roadmap steps and the
governance and commitment questions of DOMAIN.md; measured behaviour decides
most of the maturity stage, the survey covers what data cannot show (is there
a sponsor, are staff trained, are there guidelines).  Files are CSV exports of
a survey tool (Google Forms, Typeform, Microsoft Forms), one response per row;
answers are yes/no unless stated.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

QUESTIONS = (
    ("customers_use_social", "Are our customers actively using social media? (readiness, seed 004)"),
    ("need_to_participate", "Do we need to participate in their social media conversations? (readiness)"),
    ("have_resources", "Do we have the resources (people, money, knowledge) to run social programs? "
                       "(readiness)"),
    ("conversation_goals_set", "Have we set social conversation goals tied to business goals? (step 1)"),
    ("target_customers_identified", "Have we identified target customers and their needs? (step 2)"),
    ("content_plan_in_place", "Do we have a content plan with production schedules? (step 4)"),
    ("guidelines_in_place", "Do we have social media guidelines for employees? (step 5, governance)"),
    ("staff_trained", "Have the staff who speak for us on social been trained? (step 5)"),
    ("influencer_program_active", "Do we run an influencer programme? (step 6)"),
    ("evangelist_program_active", "Do we run an evangelist/advocate programme? (step 7)"),
    ("leadership_sponsor", "Does a named executive sponsor the social programme? (commitment)"),
    ("budget_committed", "Is there a committed budget for the social programme this year? (commitment)"),
    ("roi_tracked", "Do we track social ROI for our department? (measurement)"),
)

SURVEY = Source(
    key="maturity-survey",
    family="survey",
    entity="maturity_responses",
    description="Quarterly self-assessment of each business unit: readiness, governance, commitment.",
    shape="survey tool export (CSV, header row), one response per row",
    file_pattern="*.csv",
    format="csv",
    natural_key=("response_id",),
    freshness_hours=24 * 100,  # quarterly, with a few weeks to answer
    fields=(
        Field("response_id", "VARCHAR", required=True),
        Field("business_unit", "VARCHAR", required=True),
        Field("quarter", "VARCHAR", required=True, pattern=r"\d{4}-Q[1-4]", doc="YYYY-Qn, e.g. 2026-Q3"),
        Field("respondent_role", "VARCHAR", doc="e.g. head of marketing"),
        Field("submitted_at", "TIMESTAMP", required=True),
        *(Field(name, "BOOLEAN", doc=question) for name, question in QUESTIONS),
        Field("trained_staff_count", "INTEGER", doc="people trained to speak for the brand on social"),
        Field("social_staff_fte", "DECIMAL(6,2)", doc="full-time equivalents working on social"),
        Field("annual_budget", "DECIMAL(18,2)", doc="the programme's committed budget for the year"),
    ),
)
