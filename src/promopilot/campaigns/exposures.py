"""The exposure log: every customer of a plan (target, control, explore and none, with offer,
group and propensity) written to the store's ``campaigns`` table before anything is sent.

The log is written once per campaign, in one transaction, with the coupon codes of the
customers who get an offer. Running the same send again finds the campaign logged, checks that
the plan is the same one, and returns the logged rows (and their codes) without writing. A plan
`promopilot serve --plan` has answered continues the campaign the server started: the customers
it answered keep their exposure and only get their coupon codes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.campaigns.codes import new_codes
from promopilot.data.cells import Cells, cells_of
from promopilot.data.contact_ids import masked
from promopilot.data.currency import plan_currency_error
from promopilot.data.hand_tables import read_hand_table
from promopilot.data.queries import delivery as q
from promopilot.data.queries.delivery import LIVE_CHANNEL
from promopilot.data.queries.measure import VISITOR_GROUP
from promopilot.data.store import Store
from promopilot.data.words import counted
from promopilot.exceptions import InputError

GROUPS = ("target", "control", "explore", "none")
PLAN_REQUIRED = ("customer_id", "offer_id", "group", "propensity")


def _bad(
    cells: Cells, path: Path | str, line: int, column: str, value: object, expected: str
) -> InputError:
    """The error of a bad cell (``line 7, column group``; in a workbook ``row 7, column C
    (Group)``); an e-mail address or phone number in it masked."""
    where = cells.at(line, column)
    return InputError(f"{path}: {where}: {masked(str(value))!r}: {expected}")


def read_plan(
    path: str | Path, offer_ids: set[str] | None = None, *, currency: str | None = None
) -> pd.DataFrame:
    """Read and check a plan file (``promopilot plan --out``, or written by hand; a CSV or an
    Excel .xlsx workbook: :func:`promopilot.data.hand_tables.read_hand_table`). A plan is used
    whole or not at all: a bad row stops the send with file, line, column, value and what was
    expected (in a workbook the cell as Excel names it: ``row 9, column D (propensity)``). Its
    customer ids are read as ingest stores them (``17850.0`` is ``17850``, an e-mail address
    or phone number its hash), and never shown unmasked."""
    path = Path(path)
    plan = read_hand_table(path, PLAN_REQUIRED, what="plan", once="each customer once per plan")
    cells = cells_of(plan)  # a workbook's cells named by row and column letter
    if why := plan_currency_error(plan, currency):  # a plan of another shop's store
        raise InputError(f"{path}: {why}")
    for col in ("recommended_products", "expires_at"):
        if col not in plan.columns:
            plan[col] = ""
    plan = plan.apply(lambda s: s.str.strip())
    lines = plan.index.to_numpy()  # as the file numbers them, a blank line counted
    bad_group = ~plan["group"].isin(GROUPS)
    if bad_group.any():
        i = int(np.argmax(bad_group))
        expected = "target, control, explore or none"
        raise _bad(cells, path, lines[i], "group", plan["group"].iat[i], expected)
    no_offer = plan["group"].isin(("control", "none")) & (plan["offer_id"] != "")
    if no_offer.any():
        i = int(np.argmax(no_offer))
        raise _bad(
            cells,
            path,
            lines[i],
            "offer_id",
            plan["offer_id"].iat[i],
            f"empty: a {plan['group'].iat[i]} customer gets nothing",
        )
    propensity = pd.to_numeric(plan["propensity"], errors="coerce")
    bad_p = ~((propensity > 0) & (propensity <= 1))
    if bad_p.any():
        i = int(np.argmax(bad_p))
        raise _bad(
            cells,
            path,
            lines[i],
            "propensity",
            plan["propensity"].iat[i],
            "a probability in (0, 1]",
        )
    plan["propensity"] = propensity.astype(float)
    if offer_ids is not None:
        unknown = (plan["offer_id"] != "") & ~plan["offer_id"].isin(offer_ids)
        if unknown.any():
            i = int(np.argmax(unknown))
            raise _bad(
                cells,
                path,
                lines[i],
                "offer_id",
                plan["offer_id"].iat[i],
                "an offer_id of the shop's offers table",
            )
    return plan.reset_index(drop=True)


def _same_plan(logged: pd.DataFrame, plan: pd.DataFrame) -> pd.Series:
    """Per plan row: does the log hold this customer with the same offer, group, propensity?"""
    logged = logged.set_index("customer_id").reindex(plan["customer_id"])
    return pd.Series(
        (logged["offer_id"].fillna("").to_numpy() == plan["offer_id"].to_numpy())
        & (logged["group"].fillna("").to_numpy() == plan["group"].to_numpy())
        & np.isclose(
            logged["propensity"].to_numpy(dtype=float), plan["propensity"].to_numpy(dtype=float)
        ),
        index=plan.index,
    )


def _plan_rows(logged: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """The campaign's logged rows that belong to the plan: those a send wrote, and those
    `promopilot serve` logged for the plan's customers it answered first (channel ``api``).
    Not the visitors serve answered outside the plan: group ``visitor``, or, logged before that
    group existed, a live explore or none row of a customer outside the plan. They get no
    message."""
    group = logged["group"].fillna("")
    live = logged["channel"] == LIVE_CHANNEL
    outside = ~logged["customer_id"].isin(plan["customer_id"])
    visitor = (group == VISITOR_GROUP) | (live & outside & group.isin(("explore", "none", "")))
    return logged[~visitor.to_numpy()].reset_index(drop=True)


def _refuse_another_plan(campaign_id: str, n_diff: int, served: bool) -> InputError:
    how = " (as `promopilot serve` answered it)" if served else ""
    return InputError(
        f"campaign {campaign_id!r} is already logged with another plan{how} "
        f"({counted(n_diff, 'customer')} {'differs' if n_diff == 1 else 'differ'}): "
        "send the same plan again, or choose a new --campaign-id"
    )


def record_exposures(
    store: Store,
    plan: pd.DataFrame,
    *,
    campaign_id: str,
    channel: str,
    sent_at: pd.Timestamp,
    code_length: int = 10,
    code_prefix: str = "",
) -> tuple[pd.DataFrame, int]:
    """Log every row of `plan` as campaign `campaign_id` (one transaction), or find it logged.

    Returns the campaign's logged rows of the plan (``campaigns`` columns, ``coupon_code``
    filled for the customers who get an offer) and the number of rows this call wrote (0 when
    it was logged already). A campaign logged with another plan or channel is an error: a send
    never changes what was logged.

    A plan `promopilot serve --plan` has answered continues that campaign: the customers it
    answered keep their exposure as logged (first asked, group, offer, propensity) and get
    their coupon codes filled in; the rest of the plan is logged now. Served rows that differ
    from the plan (another plan under the same id) are refused.
    """
    if not campaign_id.strip():
        raise InputError("the campaign id must not be empty")
    with store.transaction():
        logged = _plan_rows(q.campaign_exposures(store, campaign_id), plan)
        live = (logged["channel"] == LIVE_CHANNEL).to_numpy()
        sent, served = logged[~live], logged[live]
        if len(sent):
            if sent["group"].isna().all():
                raise InputError(
                    f"campaign {campaign_id!r} is a past campaign ingested from "
                    "campaigns.csv: choose a new --campaign-id"
                )
            channels = set(sent["channel"].dropna())
            if channels and channels != {channel}:
                raise InputError(
                    f"campaign {campaign_id!r} was logged for channel "
                    f"{', '.join(sorted(channels))}, not {channel}: send this plan under a "
                    "new --campaign-id"
                )
            same = _same_plan(logged, plan)
            if len(logged) != len(plan) or not same.all():
                n_diff = int((~same).sum()) + abs(len(logged) - len(plan))
                raise _refuse_another_plan(campaign_id, n_diff, served=False)
            return logged, 0
        answered = plan["customer_id"].isin(served["customer_id"]).to_numpy()
        if len(served):  # serve answered some of the plan's customers: continue its campaign
            same = _same_plan(served, plan[answered])
            n_diff = int((~same).sum()) + int(
                (~served["customer_id"].isin(plan["customer_id"])).sum()
            )
            if n_diff:
                raise _refuse_another_plan(campaign_id, n_diff, served=True)
        when = pd.Timestamp(sent_at)
        if when.tzinfo is not None:  # the store keeps UTC without a zone
            when = when.tz_convert("UTC").tz_localize(None)
        offered = (plan["offer_id"] != "").to_numpy()
        codes = np.full(len(plan), "", dtype=object)
        codes[offered] = new_codes(
            int(offered.sum()), length=code_length, prefix=code_prefix, taken=q.known_codes(store)
        )
        rows = pd.DataFrame(
            {
                "campaign_id": campaign_id,
                "customer_id": plan["customer_id"].astype(str),
                "offer_id": plan["offer_id"],
                "sent_at": when,
                "channel": channel,
                "propensity": plan["propensity"].astype(float),
                "group": plan["group"],
                "coupon_code": codes,
            }
        )
        n_new = q.insert_exposures(store, rows[~answered])
        if answered.any():  # first exposure kept (time, group); only the code is added
            q.fill_codes(store, campaign_id, rows[answered & offered])
        logged = _plan_rows(q.campaign_exposures(store, campaign_id), plan)
    return logged, n_new
