"""Covid-19 impact: waves, deaths, MSOA harm by deprivation, vaccine equity."""
