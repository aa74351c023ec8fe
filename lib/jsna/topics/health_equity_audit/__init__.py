"""Health Equity Audit of a service's uptake file (deprivation, ethnicity, practice)."""
