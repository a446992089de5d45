"""The bookshop: an example application with a few session-handling bugs among correct code."""
