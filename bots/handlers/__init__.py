"""One Router per feature; `bots.app.build_dispatcher` includes them all."""
