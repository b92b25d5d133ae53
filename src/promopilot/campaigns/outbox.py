"""What leaves promopilot, as objects and files: e-mail messages, masked contact data for
previews, and the dry run's folder (``email/000001.eml`` ... or ``sms.csv``, and ``index.csv``).

File names never hold contact data; ``index.csv`` maps each file to its customer, group, offer,
code and language. The dry run masks addresses and names unless ``show_contacts`` is set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import pandas as pd

from promopilot.campaigns.messages import MessageRenderer
from promopilot.campaigns.settings import SendSettings


def mask_address(address: str) -> str:
    """``j***@example.com``, ``*******5678``: enough to recognise, not to use."""
    text = str(address)
    if "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(text) - 4, 0) + text[-4:]


def mask_name(name: str) -> str:
    text = str(name or "")
    return text[:1] + "*" if text else ""


# the From: of a dry run's messages where send.from_address is empty: plainly not an address
# anyone owns (.invalid is reserved, RFC 2606), where the header was left empty
NO_SENDER = '"no sender configured" <no-sender@promopilot.invalid>'


def build_email(
    rendered,
    *,
    settings: SendSettings,
    to: str,
    campaign_id: str,
    customer_id: str,
    unsubscribe_url: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.from_address or NO_SENDER
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    digest = hashlib.sha256(f"{campaign_id}\x00{customer_id}".encode()).hexdigest()[:24]
    domain = settings.from_address.rpartition("@")[2] or "promopilot.invalid"
    message["Message-ID"] = f"<{digest}@{domain}>"  # the same on a re-send: receivers dedupe
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def write_dry_run(
    folder: Path,
    pending: pd.DataFrame,
    contacts: pd.DataFrame,
    languages: pd.Series,
    products: dict,
    terms: dict[str, dict],
    renderer: MessageRenderer,
    settings: SendSettings,
    *,
    channel: str,
    campaign_id: str,
    show_contacts: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """The messages as files: ``email/000001.eml`` ... or ``sms.csv``, and ``index.csv``
    (file, customer, group, offer, code, language: no contact data)."""
    index, sms_rows = [], []
    if channel == "email":
        (folder / "email").mkdir(exist_ok=True)
    for i, row in enumerate(pending.itertuples(), start=1):
        contact = contacts.loc[row.customer_id]
        address = contact["address"] if show_contacts else mask_address(contact["address"])
        name = (contact["name"] or "") if show_contacts else mask_name(contact["name"])
        context = renderer.context(
            language=languages[row.customer_id],
            code=row.coupon_code,
            offer=terms[row.offer_id],
            products=products.get(row.customer_id, []),
            expires_at=row.expires_at,
            name=name,
            unsubscribe_url=settings.unsubscribe_url.format(
                customer_id=row.customer_id, campaign_id=campaign_id
            ),
        )
        name_ = f"{i:06d}.eml" if channel == "email" else ""
        if channel == "email":
            message = build_email(
                renderer.email(context),
                settings=settings,
                to=address,
                campaign_id=campaign_id,
                customer_id=row.customer_id,
                unsubscribe_url=context["unsubscribe_url"],
            )
            (folder / "email" / name_).write_bytes(bytes(message))
        else:
            sms_rows.append(
                {
                    "customer_id": row.customer_id,
                    "to": address,
                    "language": context["language"],
                    "text": renderer.sms(context),
                }
            )
        index.append(
            {
                "file": f"email/{name_}" if name_ else "sms.csv",
                "customer_id": row.customer_id,
                "group": row.group,
                "offer_id": row.offer_id,
                "coupon_code": row.coupon_code,
                "language": context["language"],
            }
        )
        if progress:
            progress(i, len(pending))
    if channel == "sms":
        pd.DataFrame(sms_rows, columns=["customer_id", "to", "language", "text"]).to_csv(
            folder / "sms.csv", index=False, encoding="utf-8"
        )
        files = [str(folder / "sms.csv")]
    else:
        files = [str(folder / "email")]
    pd.DataFrame(
        index, columns=["file", "customer_id", "group", "offer_id", "coupon_code", "language"]
    ).to_csv(folder / "index.csv", index=False, encoding="utf-8")
    return [*files, str(folder / "index.csv")]
