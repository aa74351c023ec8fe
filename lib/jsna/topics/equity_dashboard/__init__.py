"""Health-equity dashboard and Core20PLUS5 view for a Place."""
