"""Service functions: one unit of work each, permission checks inside, typed errors."""
