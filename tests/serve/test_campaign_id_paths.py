"""The dashboard's campaign page for an id with a line break or another control character:
``{campaign_id:path}`` stops at a line break, so such an id got a bare 404 (no page, no
campaign list); ids with ``/``, ``?`` and ``#`` reached their page already."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import pytest


@pytest.mark.parametrize("campaign_id", ["spring\n2026", "spring\r\n", "a\tb", "x\x00y", "z\x7f"])
def test_an_unknown_id_with_a_control_character_gets_the_dashboards_not_found_page(
    logged_in, campaign_id
):
    answer = logged_in.get(f"/campaigns/{quote(campaign_id, safe='')}")
    assert answer.status_code == 404
    assert 'id="report-error"' in answer.text and 'id="campaigns"' in answer.text
    shown = campaign_id.encode("unicode_escape").decode("ascii")  # spring\n2026, x\x00y
    assert f"No campaign {shown} in the store." in answer.text
    assert campaign_id not in answer.text  # never the raw character in the page


def test_a_logged_campaign_whose_id_holds_a_line_break_reaches_its_page(logged_in, store):
    from promopilot.data.queries.serve import insert_exposures

    insert_exposures(
        store,
        pd.DataFrame(
            {
                "campaign_id": "autumn\n2026",
                "customer_id": ["c1", "c2", "c3"],
                "offer_id": ["", "", ""],
                "sent_at": pd.Timestamp("2026-03-01 10:00"),
                "propensity": 1.0,
                "group": "control",
            }
        ),
    )
    answer = logged_in.get("/campaigns/" + quote("autumn\n2026", safe=""))
    assert "No campaign" not in answer.text, answer.text[-2000:]
    assert answer.status_code == 200
    assert 'id="report-title">autumn\\n2026</h2>' in answer.text  # its title, escaped
    assert "<td>autumn\\n2026</td>" in answer.text  # the campaign list's row
    assert 'href="/campaigns/autumn%0A2026"' in answer.text  # whose link comes back here
    assert "autumn\n2026" not in answer.text
