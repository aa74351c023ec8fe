"""Deprivation maps: IMD 2019 by neighbourhood, local quintiles, Core20, named areas."""
