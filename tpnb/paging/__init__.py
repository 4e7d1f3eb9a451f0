"""Walking list endpoints exactly once: the walkers, the exactness strategies, the collection.

walkers (page numbers, links, page tokens, cursors), slicing (exact review lists past the
100,000-record cap while they change), reviewlist (which walk reads a review list as asked, and
those walks), collect (what pages go into, and the progress bar). No HTTP: walks call the
``fetch`` functions they are given. Imports only errors (and pandas).
"""
