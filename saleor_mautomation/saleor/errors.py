"""Errors at the Saleor boundary, each of a failure kind from ``core.errors``."""

from saleor_mautomation.core.errors import IgnoredError, PermanentError, RetryableError


class SaleorUrlNotAllowed(PermanentError):
    code = "saleor_url_not_allowed"


class InstallationNotFound(PermanentError):
    code = "installation_not_found"


class SignatureInvalid(PermanentError):
    code = "signature_invalid"


class TokenInvalid(PermanentError):
    code = "token_invalid"


class PermissionMissing(PermanentError):
    code = "permission_missing"


class SaleorUnavailable(RetryableError):
    """Saleor did not answer, or answered 5xx, after every retry."""

    code = "saleor_unavailable"


class SaleorGraphQLError(PermanentError):
    """Saleor answered with GraphQL ``errors``; ``codes`` holds their exception codes."""

    code = "saleor_graphql_error"

    def __init__(self, message: str, *, codes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


class SaleorPermissionDenied(SaleorGraphQLError):
    code = "saleor_permission_denied"


class SelfIssued(IgnoredError):
    """A delivery about a change this app made itself (e.g. its metadata write-back)."""

    code = "self_issued"
