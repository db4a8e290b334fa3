"""Deterministic demo data (see generator.py)."""

from groundswell.land.demo.generator import DEFAULT_END_DATE, DEFAULT_SEED, SCALES, generate

__all__ = ["DEFAULT_END_DATE", "DEFAULT_SEED", "SCALES", "generate"]
