"""The emulator's model: the seeded data set and every piece of state the API reads and writes.

No HTTP here. It may import the standard library, numpy and :mod:`tpnb.emulator.options` (the
defaults), never Flask nor anything outside ``tpnb.emulator``. :mod:`~.dataset` builds the data set
from its parts (:mod:`~.business_units`, :mod:`~.accounts`, :mod:`~.consumers`, :mod:`~.reviews`,
:mod:`~.products`); an unknown id is one of the typed errors of :mod:`~.errors`, raised where that
entity is looked up; :mod:`~.tokens`, :mod:`~.webhooks` and :mod:`~.stores` hold what the API
creates at run time (grants, subscriptions, conversations, invitations...).
"""
