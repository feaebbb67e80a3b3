"""The programme rules shipped with Kenanga (domain.md, "Money out"), valid from 2020.

An organisation changes a rule by adding a version with a later start date;
requests keep the version they were checked against.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

SHIPPED_FROM = dt.date(2020, 1, 1)
D = Decimal

SHIPPED_RULES = {
    "rtlh": {
        "min_amount": D("5000000"),
        "max_amount": D("5000000"),
        "grades": ["very_poor", "poor"],
        "accepts_emergency_letter": False,
        "frequency": "household_years",
        "frequency_years": 10,
        "member_required": False,
        "payee_kinds": ["supplier", "household"],
        "evidence_required": ["photo_before", "photo_during", "photo_after", "bast"],
        "asnaf": ["fakir", "miskin"],
    },
    "kesehatan": {
        "min_amount": D("1000000"),
        "max_amount": D("1500000"),
        "grades": [],
        "accepts_emergency_letter": True,
        "frequency": "episode",
        "member_required": True,
        "payee_kinds": ["health", "household"],
        "evidence_required": ["receipt"],
        "asnaf": ["fakir", "miskin", "ibnu_sabil"],
    },
    "pendidikan": {
        "min_amount": D("350000"),
        "max_amount": D("750000"),
        "school_bands": {
            "sd": ["350000", "400000"],
            "smp": ["350000", "400000"],
            "sma": ["500000", "750000"],
            "pt": ["500000", "750000"],
        },
        "grades": [],
        "accepts_emergency_letter": False,
        "frequency": "member_school_year",
        "member_required": True,
        "payee_kinds": ["school", "household"],
        "evidence_required": ["bast"],
        "asnaf": ["fakir", "miskin", "fi_sabilillah"],
    },
    "lansia": {
        "min_amount": D("200000"),
        "max_amount": D("500000"),
        "grades": [],
        "accepts_emergency_letter": False,
        "frequency": "member_month",
        "member_required": True,
        "payee_kinds": ["household"],
        "evidence_required": ["bast"],
        "asnaf": ["fakir", "miskin"],
    },
    "darurat": {
        "min_amount": D("250000"),
        "max_amount": D("2500000"),
        "grades": [],
        "accepts_emergency_letter": True,
        "frequency": "episode",
        "member_required": False,
        "payee_kinds": ["household"],
        "evidence_required": ["bast"],
        "asnaf": ["fakir", "miskin", "gharimin", "ibnu_sabil"],
    },
}


def load_rules(Programme, ProgrammeRule, using: str = "default") -> None:
    """Create the shipped rule versions that are missing; safe to repeat."""
    for code, values in SHIPPED_RULES.items():
        programme = Programme.objects.using(using).filter(code=code).first()
        if programme is None:
            continue
        ProgrammeRule.objects.using(using).get_or_create(
            programme=programme, valid_from=SHIPPED_FROM, defaults=dict(values)
        )
