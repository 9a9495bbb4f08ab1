"""Who may see and change what. The one place that decides; views, API routes, exports and
reports all ask here.

Access comes from relationships, worked out on every request so a change takes effect at
once: an admin sees the whole installation; a service manager their provider; a health
visitor the families whose named health visitor they are; a facilitator the families on
their own course runs; a parent their own family. Anything
outside that is treated as if it did not exist (404), never 403.

One import for views, the API, exports and reports: ``from nurture import policy``. The rules
live in one module per domain beside this one.
"""

from nurture.accounts.roles import Role
from nurture.policy.clinical import (
    alerts_visible_to,
    can_act_on_alert,
    can_answer_for,
    can_answer_in_class,
    can_configure_outcomes,
    can_record_concern,
    can_see_flags,
    can_see_scores,
    clinical_families_for,
    concerns_visible_to,
    responses_visible_to,
)
from nurture.policy.courses import (
    can_answer_offer,
    can_keep_register,
    can_manage_run,
    families_facilitated_by,
    offers_visible_to,
    runs_visible_to,
)
from nurture.policy.families import (
    babies_visible_to,
    can_edit_carer,
    can_edit_family,
    can_handle_data_rights,
    carers_visible_to,
    families_visible_to,
)
from nurture.policy.guards import get_visible_or_404, public, require_roles, signed_in
from nurture.policy.organisations import (
    chosen_provider,
    provider_for_new_family,
    providers_managed_by,
    providers_visible_to,
    providers_where_can_refer,
    teams_visible_to,
    venues_visible_to,
)
from nurture.policy.practice import can_log_for_baby, practice_babies_for
from nurture.policy.referrals import (
    can_manage_referral,
    can_override_eligibility,
    referrals_visible_to,
    sees_referral_reasons,
)
from nurture.policy.reports import ReportScope, facilitator_report_scope, programme_report_scope
from nurture.policy.scope import (
    ALL_ROLES,
    ANONYMOUS,
    REFERRERS,
    STAFF,
    Person,
    Scope,
    roles_of,
    scope_of,
)

__all__ = [
    "ALL_ROLES",
    "ANONYMOUS",
    "REFERRERS",
    "STAFF",
    "Person",
    "ReportScope",
    "Role",
    "Scope",
    "alerts_visible_to",
    "babies_visible_to",
    "can_act_on_alert",
    "can_answer_for",
    "can_answer_in_class",
    "can_answer_offer",
    "can_configure_outcomes",
    "can_edit_carer",
    "can_edit_family",
    "can_handle_data_rights",
    "can_keep_register",
    "can_log_for_baby",
    "can_manage_referral",
    "can_manage_run",
    "can_override_eligibility",
    "can_record_concern",
    "can_see_flags",
    "can_see_scores",
    "carers_visible_to",
    "chosen_provider",
    "clinical_families_for",
    "concerns_visible_to",
    "facilitator_report_scope",
    "families_facilitated_by",
    "families_visible_to",
    "get_visible_or_404",
    "offers_visible_to",
    "practice_babies_for",
    "programme_report_scope",
    "provider_for_new_family",
    "providers_managed_by",
    "providers_visible_to",
    "providers_where_can_refer",
    "public",
    "referrals_visible_to",
    "require_roles",
    "responses_visible_to",
    "roles_of",
    "runs_visible_to",
    "scope_of",
    "sees_referral_reasons",
    "signed_in",
    "teams_visible_to",
    "venues_visible_to",
]
