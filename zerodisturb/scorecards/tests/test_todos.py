"""Home-page to-dos: the bureau's exit proposals, the provider's unanswered warning."""

from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers, reply_to_warning
from zerodisturb.scorecards.tests.scenario import evaluations, moment
from zerodisturb.scorecards.todos import TODO_SOURCES


def _todos(user):
    return [t for source in TODO_SOURCES for t in source(user)]


def test_counts(visit_world):
    users = visit_world.county.users
    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    [todo] = _todos(users["provider_admin"])
    assert todo.count == 1 and todo.urgent
    assert _todos(users["supervisor"]) == []
    reply_to_warning(users["provider_admin"], ExitCase.objects.get(), text="已整改")
    assert _todos(users["provider_admin"]) == []
    assess_providers(moment(2026, 8, 1))
    [todo] = _todos(users["supervisor"])
    assert todo.count == 1 and "proposed" in todo.url
    assert _todos(users["agency_officer"]) == []
