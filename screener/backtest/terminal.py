"""The backtest result as terminal tables: readable at 80 columns and when piped."""

from __future__ import annotations

from typing import Any

import click
from rich.cells import cell_len

from screener.cli._output import console, print_table

WIDTH = 80
BENCH_HEADER = 28  # widest benchmark column header that keeps the summary within WIDTH
VERDICT_TEXT = {"holds": "HOLDS", "fails": "FAILS", "no_data": "NO DATA"}


def pct(x: Any, signed: bool = True) -> str:
    if x is None:
        return "-"
    return f"{x:+.2%}" if signed else f"{x:.2%}"


def num(x: Any, digits: int = 2) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def _banner(text: str) -> None:
    out = console()
    if out.is_terminal:
        out.print(f" {text} — not real market data ", style="bold white on red")
    else:
        click.echo(f"*** {text} — not real market data ***")


def _echo_wrapped(text: str, indent: str = "  ") -> None:
    """``text`` in lines of at most WIDTH terminal cells (Chinese characters take two)."""
    line, cont = indent, indent + "  "
    for word in text.split():
        if line.strip() and cell_len(line) + 1 + cell_len(word) > WIDTH:
            click.echo(line)
            line = cont
        line += word if not line.strip() else " " + word
    if line.strip():
        click.echo(line)


def settings_line(s: dict[str, Any]) -> str:
    rebalance = {"none": "buy and hold"}.get(s["rebalance"], f"{s['rebalance']} rebalancing")
    lots = "board lots" if s.get("lot_size") is None else f"lots of {s['lot_size']}"
    costs = "costs on" if s["costs"]["enabled"] else "no costs"
    return (
        f"{rebalance} · {s['weights']} weights · {s['members']} members · fill at {s['fill']} · "
        f"{s['cash']:,.0f} CNY · {lots} · {costs}"
    )


def render(result: dict[str, Any]) -> None:
    """Print the summary, members, claims and warnings."""
    demo = result.get("demo")
    if demo:
        _banner(result["label"])
    _echo_wrapped(
        f"{result['theme']} {result['theme_name']}: {result['start']} → {result['end']} "
        f"(base {result['base_date']}, {result['sessions']} session{'s' if result['sessions'] != 1 else ''})",
        indent="",
    )
    _echo_wrapped(settings_line(result["settings"]), indent="")
    label = result["label"]
    click.echo(f"data: {label}" if label.lower().startswith(result["data_source"]) else f"data: {result['data_source']} — {label}")
    b, m = result["basket"], result["benchmark"]
    bench_name = f"{m.get('name') or 'benchmark'} ({m['symbol']})"
    if cell_len(bench_name) > BENCH_HEADER:  # too wide for a column header at 80 columns
        _echo_wrapped(f"benchmark: {bench_name}", indent="")
        bench_name = f"Benchmark ({m['symbol']})"
    click.echo()

    has_bench = m.get("total_return") is not None
    rows = [
        ("Total return", pct(b["total_return"]), pct(m.get("total_return")) if has_bench else "-"),
        ("Annualised return", pct(b["annualized_return"]), pct(m.get("annualized_return"))),
        ("Volatility", pct(b["volatility"], False), pct(m.get("volatility"), False)),
        ("Sharpe", num(b["sharpe"]), num(m.get("sharpe"))),
        ("Sortino", num(b["sortino"]), num(m.get("sortino"))),
        ("Max drawdown", pct(b["max_drawdown"]), pct(m.get("max_drawdown"))),
        ("Calmar", num(b["calmar"]), num(m.get("calmar"))),
        ("Final value (CNY)", num(b["final_value"]), ""),
        ("Costs paid (CNY)", num(b["costs_paid"]), ""),
        ("Turnover", pct(b["turnover"], False), ""),
    ]
    if has_bench:
        rows += [
            ("Excess return", pct(m.get("excess_return")), ""),
            ("Beta / alpha", f"{num(m.get('beta'))} / {pct(m.get('alpha'))}", ""),
            ("Tracking error / IR", f"{pct(m.get('tracking_error'), False)} / {num(m.get('information_ratio'))}", ""),
        ]
    print_table(["", "Basket", bench_name], rows, justify=["left", "right", "right"])
    click.echo()

    member_rows = [
        (
            r["symbol"], r["name"], pct(r.get("weight_start"), False), pct(r.get("total_return")),
            pct(r.get("contribution")), r.get("trades", 0), r.get("blocked_orders", 0),
        )
        for r in result["members"]
    ]
    print_table(
        ["Symbol", "Name", "Weight", "Return", "Contrib.", "Trades", "Blocked"],
        member_rows,
        title="Members: weight at formation, own return, contribution to the basket",
        justify=["left", "left", "right", "right", "right", "right", "right"],
    )
    if result["claims"]:
        click.echo()
        claim_rows = [
            (c["id"] or c["kind"], c["kind"], _claimed(c), _measured(c), VERDICT_TEXT.get(c["verdict"], c["verdict"]))
            for c in result["claims"]
        ]
        print_table(["Claim", "Kind", "Claimed", "Measured", "Verdict"], claim_rows, title="Claims",
                    justify=["left", "left", "right", "right", "left"])
        for c in result["claims"]:
            _echo_wrapped(f"{c['id'] or c['kind']}: {c['detail']}")
    if result["warnings"]:
        click.echo()
        click.echo(f"Warnings ({len(result['warnings'])}):")
        for w in result["warnings"]:
            who = f"{w['symbol']}: " if w.get("symbol") and not w["message"].startswith(w["symbol"]) else ""
            _echo_wrapped(f"- {who}{w['message']}")
    if demo:
        click.echo()
        _banner(result["label"])


def _claimed(c: dict[str, Any]) -> str:
    if c["kind"] == "period_return":
        sign = {"at_least": "≥ ", "at_most": "≤ ", "about": "≈ "}.get(c.get("comparison") or "", "")
        return sign + pct(c["claimed"])
    return f"{c['kind'].replace('_', ' ')} ×{len(c.get('claimed') or [])}"


def _measured(c: dict[str, Any]) -> str:
    if c["kind"] == "period_return":
        return pct(c.get("measured"))
    results = c.get("results") or []
    held = sum(r["verdict"] == "holds" for r in results)
    return f"{held} of {len(results)}"
