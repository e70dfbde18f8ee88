"""Driving the whole-team set-up as a browser would: propose, then save what was proposed,
confirming every out-of-hours row (the rows' keys come from the page)."""

from __future__ import annotations

from typing import Any

from django.test import Client

# The test client's response, with .context.
Response = Any


def proposed(client: Client, url: str, step_one: dict[str, Any]) -> Response:
    response = client.post(url, {**step_one, "step": "propose"})
    assert response.status_code == 200, response.status_code
    assert "proposal_rows" in response.context, response.context["form"].errors
    return response


def save_payload(
    response: Response, step_one: dict[str, Any], *, confirm: bool = True
) -> dict[str, Any]:
    """Step 2 as proposed, with every out-of-hours row ticked when `confirm`."""
    payload: dict[str, Any] = {
        key: value for key, value in step_one.items() if key not in ("everyone", "reports")
    }
    payload["step"] = "save"
    payload["reports"] = []
    for row in response.context["proposal_rows"]:
        pk = row["report"].pk
        payload["reports"].append(pk)
        payload[f"weekday_{pk}"] = row["weekday"].value()
        start = row["start"].value()
        payload[f"start_{pk}"] = start.strftime("%H:%M") if hasattr(start, "strftime") else start
        if row["check"] and row["check"].problems:
            payload[f"shown_{pk}"] = row["check"].key
            if confirm:
                payload[f"confirm_{pk}"] = "on"
    return payload
