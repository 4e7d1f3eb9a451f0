"""Walking list endpoints exactly once: the walkers, the exactness strategies, the collection.

walkers (page numbers, links, page tokens, cursors), slicing (exact review lists past the
100,000-record cap while they change), reviewlist (review-list filters and keys), collect (what
pages go into, and the progress bar). No HTTP: walkers call a ``fetch`` function they are given.
May import endpoints, config and errors.
"""
