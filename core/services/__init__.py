"""Commands: what changes the journal, permission checks inside, typed errors.

Each command is an inner function, `post_mark_in(uow, ...)`, that works inside an open
unit of work, and its public form `post_mark = transactional(post_mark_in)`, one
transaction per call (core/uow.py). What only reads lives in `core.reading`.
"""
