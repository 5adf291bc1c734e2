"""The shop's latest prediction fits for the Dashboard's segment rule builder: a `prediction`
condition matches nobody while BG/NBD (or, for spend, the currency's Gamma-Gamma) is not fitted,
so the builder says so beside the row, with the counts the gate looked at."""

from __future__ import annotations

import graphene

from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.predictions import PredictionFitType
from saleor_mautomation.predictions import selectors
from saleor_mautomation.predictions.models import PredictionFit


class PredictionFitsQuery(graphene.ObjectType):
    prediction_fits = graphene.List(
        graphene.NonNull(PredictionFitType),
        required=True,
        description="The shop's latest nightly fits: BG/NBD first, then Gamma-Gamma by "
        "currency; empty before the first nightly run.",
    )

    @staticmethod
    def resolve_prediction_fits(root: None, info: graphene.ResolveInfo) -> list[PredictionFit]:
        return selectors.installation_fits(dashboard_installation_id(info))
