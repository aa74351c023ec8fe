"""Figure builders (matplotlib/seaborn) and the single palette module."""
