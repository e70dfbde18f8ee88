"""Single sign-on's settings (docs/sso.md) are checked at start-up, like every other."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.config.test_env import run_rapport

SSO = {
    "RAPPORT_OIDC_ISSUER": "https://login.example.com/realms/staff/",
    "RAPPORT_OIDC_CLIENT_ID": "rapport",
    "RAPPORT_OIDC_CLIENT_SECRET": "a-secret",
}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"RAPPORT_PASSWORD_SIGN_IN": "false"},
            "RAPPORT_PASSWORD_SIGN_IN must be on unless RAPPORT_OIDC_ISSUER and "
            "RAPPORT_PASSWORD_SIGN_IN_ADMINS are set",
        ),
        (
            {**SSO, "RAPPORT_PASSWORD_SIGN_IN": "false"},
            "RAPPORT_PASSWORD_SIGN_IN must be on unless",
        ),
        ({**SSO, "RAPPORT_OIDC_CLIENT_SECRET": ""}, "RAPPORT_OIDC_CLIENT_ID must be set with"),
        ({**SSO, "RAPPORT_OIDC_SCOPES": "email profile"}, "a list that includes openid"),
        (
            {**SSO, "RAPPORT_OIDC_ISSUER": "http://login.example.com"},
            "RAPPORT_OIDC_ISSUER must be an https:// address",
        ),
    ],
)
def test_a_setting_that_would_lock_people_out_stops_start_up(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    result = run_rapport("check", RAPPORT_VAR_DIR=str(tmp_path), **variables)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_full_configuration_starts_and_lets_sign_out_reach_the_provider(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings; "
        "form_action = [str(source) for source in settings.SECURE_CSP['form-action']]; "
        "print(settings.OIDC_ISSUER, form_action, settings.PASSWORD_SIGN_IN_ADMINS)"
    )
    result = run_rapport(
        "shell",
        "-c",
        script,
        RAPPORT_VAR_DIR=str(tmp_path),
        RAPPORT_PASSWORD_SIGN_IN="false",
        RAPPORT_PASSWORD_SIGN_IN_ADMINS="it@example.com",
        **SSO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "https://login.example.com/realms/staff [\"'self'\", 'https://login.example.com'] "
        "['it@example.com']"
    )
