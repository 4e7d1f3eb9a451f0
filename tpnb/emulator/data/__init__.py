"""The emulator's model: the seeded data set and the state the API creates at run time
(grants, webhook subscriptions, conversations, invitations...), with no HTTP.

May import the standard library, numpy and :mod:`tpnb.emulator.options`; never Flask, nor the
rest of ``tpnb``. :mod:`~.dataset` composes the parts (:mod:`~.business_units`, :mod:`~.accounts`,
:mod:`~.consumers`, :mod:`~.reviews`, :mod:`~.products`); an unknown id is a typed error of
:mod:`~.errors`, raised where that entity is looked up.
"""
