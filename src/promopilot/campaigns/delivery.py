"""Delivering a campaign plan: log the exposures, then message the customers who get an offer.

:func:`send_campaign` runs these steps:

1. read and check the plan; log every row (target, control, explore, none) in ``campaigns``
   in one transaction, with a fresh coupon code per offered customer (or find it logged: a
   re-run logs nothing and reuses the codes);
2. skip what is done: customers whose message was sent (or exported, or refused for good) in an
   earlier run of the same campaign and channel;
3. skip unsubscribed customers (status ``unsubscribed``) and those without an address on the
   channel (``no_address``); they stay in the log with their group;
4. write the coupon import file for the shop platform (the codes about to go out), each valid
   from the send date for its offer's ``valid_days`` (:func:`validity_from_send`);
5. deliver: e-mail over SMTP (each message's outcome is committed as soon as the server
   answers, so a crash loses nothing and a re-run sends only what is left), the coupon file
   alone for the ``csv`` channel, or with ``dry_run`` the messages into a folder.

Contact data is read only for the customers messaged in this run, kept in memory and never
written: not in the store, the log, the coupon file or file names. A dry run shows masked
addresses and names unless ``show_contacts`` is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from promopilot.campaigns.exposures import read_plan, record_exposures
from promopilot.campaigns.language import customer_languages, shop_language
from promopilot.campaigns.messages import MessageRenderer, template_environment
from promopilot.campaigns.outbox import build_email, write_dry_run
from promopilot.campaigns.settings import SendSettings, load_send_settings
from promopilot.campaigns.smtp import PermanentFailure, Sender, SmtpSender, TemporaryFailure
from promopilot.data import shop_time
from promopilot.data.currency import message_sign, setting, shop_currency
from promopilot.data.forgotten import forgotten_among
from promopilot.data.money_signs import mixed_signs, stored_signs
from promopilot.data.queries import delivery as q
from promopilot.data.store import Store
from promopilot.exceptions import InputError, PromopilotError

CHANNELS = ("email", "sms", "csv")
ADDRESS_FIELD = {"email": "email", "sms": "phone"}


@dataclass
class SendReport:
    """What one run of :func:`send_campaign` did."""

    campaign_id: str
    channel: str
    dry_run: bool
    n_exposures: int = 0  # rows of the campaign in the log
    n_logged: int = 0  # rows this run logged (0 on a re-run)
    n_forgotten: int = 0  # plan rows left out: the customer was forgotten on request
    n_offered: int = 0  # logged customers who get an offer
    n_done_before: int = 0  # delivered (or refused for good) in earlier runs
    n_delivered: int = 0  # this run: sent, exported, or written (dry run)
    n_unsubscribed: int = 0
    n_no_address: int = 0
    n_failed: int = 0
    n_deferred: int = 0
    files: list[str] = field(default_factory=list)
    currency: str = ""  # the sign its messages wrote prices with (data.currency.message_sign)
    shop_currency: str | None = None  # the shop's currency code (data.currency); None: unknown
    sign_set: bool = False  # whether that sign is the [send] currency setting's
    sign_written: bool = False  # whether it is the one the shop's files write (data.money_signs)
    currency_set: bool = False  # whether the shop's currency is the [promopilot] setting's
    signs_mixed: str = ""  # why no sign: the shop's files write more than one (data.money_signs)
    no_sender: bool = False  # e-mail written with no send.from_address: From: is a placeholder
    sent_nothing: bool = False  # the plan offers nobody: nothing logged, nothing written
    n_considered: int = 0  # the plan's rows (customers it considered)
    old_data: str = ""  # one line: logged now, though the shop's newest activity is long before


def _products(logged: pd.DataFrame, store: Store) -> dict[str, list[dict]]:
    """Recommended products (title, price) per customer, from the plan's ``|``-separated ids."""
    ids = logged.set_index("customer_id")["recommended_products"].fillna("").str.split("|")
    wanted = {p.strip() for items in ids for p in items if p.strip()}
    info = q.products_by_id(store, sorted(wanted)).set_index("product_id")
    table = {
        pid: {
            "product_id": pid,
            "title": row.title if isinstance(row.title, str) else pid,
            "price": row.price,
        }
        for pid, row in info.iterrows()
    }
    return {c: [table[p.strip()] for p in items if p.strip() in table] for c, items in ids.items()}


def _coupon_rows(rows: pd.DataFrame, offers: pd.DataFrame, sent_at: pd.Timestamp) -> list[dict]:
    """One dict per coupon for the import template (columns joined, not looped); `sent_at`
    is the shop's wall-clock time of the send."""
    terms = offers.reindex(
        columns=["offer_id", "kind", "value", "min_spend", "category", "max_discount"]
    )
    joined = rows[["coupon_code", "customer_id", "offer_id", "expires_at"]].merge(
        terms, on="offer_id", how="left"
    )
    joined = joined.rename(columns={"coupon_code": "code"}).assign(starts_at=f"{sent_at:%Y-%m-%d}")
    return joined.astype(object).where(joined.notna(), "").to_dict("records")


def validity_from_send(
    rows: pd.DataFrame, offers: pd.DataFrame, sent_at: pd.Timestamp
) -> pd.Series:
    """Each offered row's expiry date counted from the day it is sent: the send date plus the
    offer's ``valid_days``, or the plan's ``expires_at`` when that is later (a plan sent after
    its date would otherwise hand out coupons that expired before they start). Rows whose offer
    has no ``valid_days`` keep the plan's date; rows without an offer stay empty. `sent_at` is
    the shop's wall-clock time of the send (``Store.local_time``): its day is the shop's."""
    planned = rows["expires_at"].fillna("").astype(str)
    days = rows["offer_id"].map(offers.set_index("offer_id")["valid_days"])
    start = pd.Timestamp(sent_at).normalize()
    counted = (start + pd.to_timedelta(days.fillna(0), unit="D")).dt.strftime("%Y-%m-%d")
    counted = counted.where(days.notna() & rows["offer_id"].notna(), "")
    # ISO dates compare as text; "" (no date) loses to any date
    return counted.where(counted > planned, planned)


def old_data_line(store: Store, campaign_id: str, sent_at: pd.Timestamp) -> str:
    """Empty unless the newest order or event is more than ``OLD_DATA_DAYS`` (30) shop days
    before `sent_at` (the campaign's logged send time, a stored instant); then one line saying
    when the data ends, that the campaign is dated when it was sent (its outcomes are orders
    no export holds yet), and how a replay of an old export dates it instead."""
    opening = store.old_data_words(sent_at)
    if not opening:
        return ""
    return (
        f"{opening} campaign {campaign_id} was logged as sent "
        f"({store.local_text(sent_at)}): its outcomes are orders placed "
        "after that, which only a later ingest brings. Replaying an old export? Send it with "
        "--sent-at the plan's date (a new --campaign-id) to date it on the export."
    )


def send_campaign(
    store: Store,
    plan_path: str | Path,
    *,
    campaign_id: str,
    channel: str = "email",
    dry_run: bool = False,
    out: str | Path | None = None,
    settings: SendSettings | None = None,
    templates: str | Path | None = None,
    sent_at: pd.Timestamp | str | None = None,
    show_contacts: bool = False,
    sender: Sender | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SendReport:
    """Log the plan's exposures and deliver its offers (see the module docstring).

    Parameters
    ----------
    store : a writable store holding the shop's offers, products, contacts and unsubscribes.
    plan_path : the plan CSV (``promopilot plan --out``).
    campaign_id : names the campaign in the log; the same id and plan make a re-run.
    channel : ``email``, ``sms`` or ``csv`` (the coupon import file only).
    dry_run : write the messages into `out` instead of sending them (the exposures are logged).
    out : folder for the coupon import file and dry-run messages (default ``send-<id>``).
    sent_at : the send time logged for every exposure (default: now): a stored (UTC) instant,
        or text read in the shop's zone as ingest reads naive times (``--sent-at``).
    show_contacts : dry run only: write real addresses and names instead of masked ones.
    sender : the e-mail sender (default: :class:`SmtpSender` from `settings`).
    progress : called with (done, total) after each message.
    """
    settings = settings or load_send_settings()
    if channel not in CHANNELS:
        raise InputError(f"unknown channel {channel!r}: expected {', '.join(CHANNELS)}")
    if channel == "sms" and not dry_run:
        raise PromopilotError(
            "no SMS gateway is built in: use --dry-run to write the messages "
            "for your SMS provider's bulk upload"
        )
    # the plan first: a missing or bad plan file is the one thing to fix, whatever the settings
    offers = q.known_offers(store)
    money_in = shop_currency(store)  # read once: the report and the messages say it too
    plan = read_plan(plan_path, set(offers["offer_id"]), currency=money_in)
    if not (plan["offer_id"] != "").any():
        # every row in group none (or control): no offer to send, no lift to measure, nothing
        # to learn from; a logged campaign of "got nothing" rows only filled the lists
        return SendReport(campaign_id, channel, dry_run, sent_nothing=True, n_considered=len(plan))
    if channel == "email" and not dry_run and not settings.from_address and sender is None:
        raise InputError("set send.from_address (or PROMOPILOT_SEND_FROM_ADDRESS) to send e-mail")
    env = template_environment(templates or settings.templates or None)
    # customers forgotten on request since the plan was written are left out: never logged,
    # never messaged
    gone = forgotten_among(store, plan["customer_id"])
    if gone:
        plan = plan[~plan["customer_id"].isin(gone)].reset_index(drop=True)
    if sent_at is None:
        stamp = shop_time.utc_now()
    elif isinstance(sent_at, str):  # a person's text: the shop's wall-clock time, as ingest
        stamp = store.utc_time(sent_at, what="sent_at")
    else:
        stamp = pd.Timestamp(sent_at)
    logged, n_new = record_exposures(
        store,
        plan,
        campaign_id=campaign_id,
        channel=channel,
        sent_at=stamp,
        code_length=settings.code_length,
        code_prefix=settings.code_prefix,
    )
    report = SendReport(
        campaign_id,
        channel,
        dry_run,
        n_exposures=len(logged),
        n_logged=n_new,
        n_forgotten=len(gone),
        n_considered=len(plan),
    )
    if sent_at is None:
        report.old_data = old_data_line(store, campaign_id, pd.Timestamp(logged["sent_at"].min()))
    extra = plan.set_index("customer_id")[["recommended_products", "expires_at"]]
    logged = logged.join(extra, on="customer_id")
    # coupons start and expire on the shop's days: the day it is there when they are sent
    local_stamp = store.local_time(stamp)
    logged["expires_at"] = validity_from_send(logged, offers, local_stamp)
    offered = logged[logged["offer_id"].notna()]
    report.n_offered = len(offered)
    status = q.delivery_status(store, campaign_id)
    status = status[status["channel"] == channel]
    done = set(status.loc[status["status"].isin(q.FINAL_STATUSES), "customer_id"])
    report.n_done_before = len(done)
    pending = offered[~offered["customer_id"].isin(done)]
    blocked = q.unsubscribed(store, pending["customer_id"], channel)
    report.n_unsubscribed = len(blocked)
    pending = pending[~pending["customer_id"].isin(blocked)]
    contacts = pd.DataFrame(columns=["customer_id", "address", "name"])
    if channel in ADDRESS_FIELD:
        contacts = q.contacts_for(store, pending["customer_id"], ADDRESS_FIELD[channel])
        contacts = contacts.drop_duplicates("customer_id").set_index("customer_id")
        no_address = pending[~pending["customer_id"].isin(contacts.index)]["customer_id"]
        report.n_no_address = len(no_address)
        pending = pending[pending["customer_id"].isin(contacts.index)]
    else:
        no_address = pd.Series([], dtype=object)
    if not dry_run:
        skipped = pd.DataFrame(
            {
                "customer_id": [*sorted(blocked), *no_address],
                "status": ["unsubscribed"] * len(blocked) + ["no_address"] * len(no_address),
            }
        )
        _record(store, campaign_id, channel, skipped, attempts=0)

    folder = Path(out) if out else Path(f"send-{campaign_id}")
    folder.mkdir(parents=True, exist_ok=True)
    # prices in the [send] currency sign, else the shop's currency's (EUR: €), else the one
    # its files write ($59.00: $), else none: never a sign the shop did not name
    report.shop_currency = money_in  # the command's lines say it too
    report.sign_set = bool(settings.currency)
    report.currency_set = bool(money_in) and money_in == setting()
    signs = [] if report.sign_set or money_in else stored_signs(store)
    written = signs[0] if len(signs) == 1 else None  # $ and €: none is the shop's
    report.currency = message_sign(settings.currency, report.shop_currency, written)
    report.sign_written = bool(written)
    report.signs_mixed = mixed_signs(signs)
    renderer = MessageRenderer(env, shop_name=settings.shop_name, currency=report.currency)
    coupon_name = "coupons.csv" if dry_run else f"coupons-{pd.Timestamp.now():%Y%m%dT%H%M%S}.csv"
    if len(pending) or dry_run:
        coupons = renderer.coupons_csv(_coupon_rows(pending, offers, local_stamp))
        (folder / coupon_name).write_text(coupons, encoding="utf-8")
        report.files.append(str(folder / coupon_name))
    if channel == "csv":
        if not dry_run:
            _record(
                store,
                campaign_id,
                channel,
                pending[["customer_id"]].assign(status="exported"),
                attempts=1,
            )
        report.n_delivered = len(pending)
        return report

    languages = customer_languages(
        store, pending["customer_id"], default=shop_language(store, settings.language)
    )
    products = _products(pending, store)
    terms = {o: _offer(offers, o) for o in offers["offer_id"]}
    total = len(pending)
    if dry_run:
        report.files += write_dry_run(
            folder,
            pending,
            contacts,
            languages,
            products,
            terms,
            renderer,
            settings,
            channel=channel,
            campaign_id=campaign_id,
            show_contacts=show_contacts,
            progress=progress,
        )
        report.n_delivered = total
        report.no_sender = channel == "email" and bool(total) and not settings.from_address
        return report

    own_sender = sender is None
    sender = sender or SmtpSender(settings)
    try:
        for i, row in enumerate(pending.itertuples()):
            contact = contacts.loc[row.customer_id]
            url = settings.unsubscribe_url.format(
                customer_id=row.customer_id, campaign_id=campaign_id
            )
            context = renderer.context(
                language=languages[row.customer_id],
                code=row.coupon_code,
                offer=terms[row.offer_id],
                products=products.get(row.customer_id, []),
                expires_at=row.expires_at,
                name=contact["name"] or "",
                unsubscribe_url=url,
            )
            message = build_email(
                renderer.email(context),
                settings=settings,
                to=contact["address"],
                campaign_id=campaign_id,
                customer_id=row.customer_id,
                unsubscribe_url=url,
            )
            outcome, attempts, error = "sent", 1, None
            try:
                attempts = sender.send(message)
            except TemporaryFailure as why:
                outcome, attempts, error = "deferred", settings.max_retries + 1, str(why)
            except PermanentFailure as why:
                outcome, error = "failed", str(why)
            del message, contact
            one = pd.DataFrame(
                {"customer_id": [row.customer_id], "status": [outcome], "error": [error]}
            )
            _record(store, campaign_id, channel, one, attempts=attempts)
            report.n_delivered += outcome == "sent"
            report.n_deferred += outcome == "deferred"
            report.n_failed += outcome == "failed"
            if progress:
                progress(i + 1, total)
    finally:
        if own_sender:
            sender.close()
    return report


def _offer(offers: pd.DataFrame, offer_id: str) -> dict:
    row = offers.set_index("offer_id").loc[offer_id]
    return {"offer_id": offer_id, **{k: (None if pd.isna(v) else v) for k, v in row.items()}}


def _record(
    store: Store, campaign_id: str, channel: str, rows: pd.DataFrame, *, attempts: int
) -> None:
    if rows.empty:
        return
    delivered = rows["status"].isin(q.DELIVERED_STATUSES)
    frame = pd.DataFrame(
        {
            "customer_id": rows["customer_id"].astype(str).to_numpy(),
            "channel": channel,
            "status": rows["status"].to_numpy(),
            "attempts": attempts,
            "delivered_at": pd.Series(
                pd.Timestamp.now(tz="UTC").tz_localize(None), index=rows.index
            )
            .where(delivered)
            .to_numpy(),
            "error": rows["error"].to_numpy() if "error" in rows else None,
        }
    )
    q.record_deliveries(store, campaign_id, frame)
