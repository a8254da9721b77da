"""alphalang: compile WorldQuant-style alpha formulas into fast (time x assets) signals."""
