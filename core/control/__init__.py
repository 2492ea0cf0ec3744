"""Journal control: the regulations' deadlines (rules) and what follows from them."""
