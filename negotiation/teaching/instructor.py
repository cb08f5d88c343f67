"""The instructor's view: the whole game as no seat sees it, for whoever runs the class.

Every instrument, both sides' values in each pair of talks (today and with no deal), trust both
ways, agreements with their expiry and any breach still hidden, pending threats and their dates,
deadlines, and the injects the instructor may fire. The terminal shows it at the instructor's
prompt ('?'); the page shows the same lines in its instructor tab. Reads the model, changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from negotiation.common.dates import day_text
from negotiation.game.clocks import deadline
from negotiation.scenario import Scenario
from negotiation.story import agreement_name, label, level_text


def instrument_rows(model) -> list[dict]:
    s = model.config
    return [{"instrument": label(spec), "from": spec.imposer, "on": spec.target,
             "now": level_text(s, spec.name, model.state.levels[k])} for k, spec in enumerate(s.instruments)]


def value_rows(model) -> list[dict]:
    """Each side of each pair of talks: its value today and with no deal, its trust in the other, the deadline."""
    values, out = model.values, []
    for talks in model.talks.values():
        a, b = sorted(talks.pair)
        idx = values.pair_instruments(a, b)
        today = values.values(a, b, values.state.levels[idx][None, :]).governments[0]
        due = deadline(model, a, b)
        for g, h in ((a, b), (b, a)):
            out.append({"government": g, "with": h, "today": f"{today[values.side(g, h)]:.3f}",
                        "no deal": f"{values.reservation(g, h):.3f}",
                        "trust": f"{model.state.trust[model.gov_index[g], model.gov_index[h]]:.2f}",
                        "deadline": "-" if due is None else f"round {due}"})
    return out


def agreement_rows(model) -> list[dict]:
    out = []
    for a in model.state.agreements:
        if not a.in_force:
            continue
        hidden = "; ".join(f"{who} quietly past its commitment on {', '.join(sorted(names))}"
                           for who, names in sorted(a.hidden_breaches.items()) if names)
        out.append({"agreement": agreement_name(a.name), "between": " and ".join(a.parties),
                    "until": f"round {a.expiry_round}", "truce": "yes" if a.interim else "no",
                    "hidden breach": hidden or "none"})
    return out


def threat_rows(model) -> list[dict]:
    s = model.config
    return [{"from": t.threat.threatener, "to": t.threat.target, "raise": label(s.instrument(t.threat.instrument)),
             "to level": level_text(s, t.threat.instrument, t.threat.level), "due": f"round {t.threat.due_round}",
             "unless": t.threat.condition.value.replace("_", " "), "credibility": f"{t.credibility:.2f}"}
            for t in model.state.threats if t.pending]


def inject_rows(scenario: Scenario, fired: list) -> list[dict]:
    done = {i.name: i.round for i in fired}
    return [{"inject": e.name, "what": e.description or e.name,
             "fired": f"round {done[e.name]}" if e.name in done else "-"} for e in scenario.injects]


def table(rows: list[dict]) -> str:
    if not rows:
        return "  none"
    head = list(rows[0])
    cells = [head, *[[str(r[k]) for k in head] for r in rows]]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    return "\n".join("  " + "  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip() for c in cells)


def whole_state(model, fired: Sequence = ()) -> str:
    """The instructor's screen, as text: everything the seats see only in part."""
    s, r = model.config, model.round
    parts = [f"Instructor's view after round {r} of {model.rounds} ({day_text(s.date_of(max(r, 1)))}): every side's values",
             "Instruments:", table(instrument_rows(model)),
             "Values (utility 0-1; a side accepts only what beats its no deal):", table(value_rows(model)),
             "Agreements in force:", table(agreement_rows(model)),
             "Pending threats:", table(threat_rows(model))]
    if s.injects:
        parts += ["Injects you may fire:", table(inject_rows(s, list(fired)))]
    return "\n".join(parts)
