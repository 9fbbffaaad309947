"""Insatser without (or besides) a participant register: activities, product goals,
phases and a grant over several years.

SUS calls such insatser "strukturövergripande" or "volyminsatser": they report what was
done (activities and attendance), what was delivered (produkt- and leveransmål with
status) and how the money over the whole project was used. Ny i Västerås (seed 003) is
the example. Product goals are available to every insats.

Modules: :mod:`~insats.programme.activities`, :mod:`~insats.programme.product_goals`,
:mod:`~insats.programme.timeline` and :mod:`~insats.programme.grant` (pure results); their
report sections are in :mod:`insats.report.sections.programme`. The product goals and
phases of the parameters are :class:`insats.params.ProductGoal` and
:class:`insats.params.Phase`.
"""
