"""Tale of two babies: the life course in the most against the least deprived areas."""
