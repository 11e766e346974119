"""axe-core in the browser tests: the vendored engine (tests/e2e/assets/axe.min.js, from the
npm package axe-core, MPL-2.0) injected into the page; no CDN."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """Every axe-core violation on the page as it is now, of any impact."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's DevTools protocol, not as a <script> element:
        # the page's Content-Security-Policy (no inline scripts) stays on and untouched.
        page.evaluate("() => {\n" + AXE.read_text(encoding="utf-8") + "\n}")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return result


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} — {v['targets']}" for v in violations)
