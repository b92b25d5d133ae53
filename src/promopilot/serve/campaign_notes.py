"""Why a campaign page's offers have no row of their own, in the page's language: too few
held out or sent to measure each offer, or customers sent an offer outside the plan's choices
(exploration), who count in the whole campaign's figure only."""

from __future__ import annotations


def too_few_notes(report: dict, text: dict) -> list[str]:
    """Why offers have no row of their own, as ``campaigns.lift_words.summary`` says it, and
    how many of the customers sent an offer are in no offer's row."""
    fewest = f"{report.get('method', {}).get('min_arm_customers', 30):,}"
    notes = []
    held = report.get("held_out_customers")
    if held is not None and "per_offer_control" not in report:
        notes.append(text["held_out_too_few"].format(held=f"{held:,}", fewest=fewest))
    if report.get("too_few"):
        names = ", ".join(
            text["arm_count"].format(offer=a["offer_id"], n=f"{a['customers']:,}")
            for a in report["too_few"]
        )
        notes.append(text["arms_too_few"].format(names=names, fewest=fewest))
    unrowed = unrowed_note(report, text)
    return [*notes, unrowed] if unrowed else notes


def unrowed_note(report: dict, text: dict) -> str:
    """Where each offer is measured against the plan's held-out control, only the customers
    the plan chose for it are in its row: those shown an exploration offer count in the whole
    campaign only (``measure``'s method says so). The page gave the offers' rows (the demo:
    2,722 and 256) and the campaign's 5,000 customers, 1,751 without an offer, and left the
    271 explored unaccounted for; this says how many of those sent an offer have no row."""
    sent = report.get("power", {}).get("sent_customers")
    if sent is None or "per_offer_control" not in report:
        return ""
    rowed = sum(a["customers"] for a in report.get("arms", []))
    rowed += sum(a["customers"] for a in report.get("too_few", []))
    n = int(sent) - rowed
    if n <= 0:
        return ""
    explored = report.get("groups", {}).get("explore") == n
    template = text["unrowed_explore" if explored else "unrowed"]
    return template.format(n=f"{n:,}", sent=f"{int(sent):,}")
