"""The same-day referral for urgent social services (405-р, section 6) as a printable HTML fragment."""
from __future__ import annotations

from socmethod.procedure.urgent import load_urgent
from socmethod.render import render


def referral_html(summary: dict) -> str:
    """A referral summary (`socmethod.procedure.urgent.referral`) as a printable fragment (Russian, every
    text escaped). Only the summary's service, circumstance, date and contact texts are printed; whatever
    else the dict holds (a name, say) is ignored. The name, birth date and signatures are blank lines for
    the bureau."""
    def text(value) -> str:
        return "" if value is None else str(value)

    where = summary.get("where") or {}
    programme = summary.get("programme") or {}
    return render(
        "urgent/referral.html.j2",
        title=text(summary.get("document", load_urgent()["referral"]["title"])),
        date=text(summary.get("date_ru")) or text(summary.get("date")),
        services=[text(s.get("title", "")) for s in summary.get("services") or []],
        circumstances=[{"field_label": text(c.get("field_label", "")), "label": text(c.get("label", ""))}
                       for c in summary.get("circumstances") or []],
        programme={"text": text(programme.get("text", "")).rstrip("."), "paragraph": text(programme.get("paragraph", ""))}
        if programme else None,
        notes=[text(n) for n in summary.get("notes") or []],
        where={key: text(where.get(key) or "") for key in ("office", "call_centre", "bureau_hours")})
