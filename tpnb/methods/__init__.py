"""The DataFrame methods of :class:`tpnb.Client`, as mixins over ``self.connection``.

Each mixin groups one resource family; :class:`DataMethods` combines them all::

    class Client(DataMethods): ...   # calls DataMethods.__init__(connection)

Every method checks ``raw=`` and its other arguments (:mod:`tpnb.params`) before any request,
accepts a business unit as a 24-hex id or a domain (domain lookups are cached per client), walks
every page (:mod:`tpnb.paging`) and returns a typed DataFrame (:mod:`tpnb.frames`); ``raw=True``
returns the JSON instead (each method's overloads say which type). May import endpoints, paging,
frames, params and errors.
"""

from __future__ import annotations

from tpnb.methods._base import MethodsBase
from tpnb.methods.customer import CustomerMethods
from tpnb.methods.deletions import DeletionMethods
from tpnb.methods.products import ProductMethods
from tpnb.methods.reviews import ReviewMethods
from tpnb.methods.units import BusinessUnitMethods


class DataMethods(
    BusinessUnitMethods, ReviewMethods, CustomerMethods, ProductMethods, DeletionMethods
):
    """All DataFrame methods: business units, reviews, consumers, Customer API, products,
    deletions."""


__all__ = [
    "BusinessUnitMethods",
    "CustomerMethods",
    "DataMethods",
    "DeletionMethods",
    "MethodsBase",
    "ProductMethods",
    "ReviewMethods",
]
