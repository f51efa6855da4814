"""What every browser test checks on every page it visits, and the helpers they share."""
from __future__ import annotations

import re
from pathlib import Path

from tests import factories

PASSWORD = factories.TEST_PASSWORD
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
WIDTHS = (320, 390, 1280, 1440)  # the layout check's widths: small and common phones, laptop, desktop

# Runs in the page: form controls without a label, images without alt, page-level basics, overflow.
A11Y_JS = """
() => {
  const problems = [];
  const describe = (el) => el.outerHTML.slice(0, 120);
  const labelled = (el) => {
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).every((id) => document.getElementById(id))) return true;
    if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) return true;
    return el.closest("label") !== null;
  };
  for (const el of document.querySelectorAll("input, select, textarea")) {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
    if (!labelled(el)) problems.push("no label: " + describe(el));
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) problems.push("label for a missing id: " + describe(label));
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push("img without alt: " + describe(img));
  }
  if (!document.documentElement.lang) problems.push("html without lang");
  if (!document.title.trim()) problems.push("empty title");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  for (const el of document.querySelectorAll("a, button")) {
    const name = (el.getAttribute("aria-label") || el.textContent || "").trim();
    if (!name && el.getClientRects().length) problems.push("control without a name: " + describe(el));
  }
  const width = [document.documentElement.scrollWidth, window.innerWidth];
  if (width[0] > width[1]) problems.push(`horizontal overflow: page ${width[0]}px wide in a ${width[1]}px viewport`);
  // An element wider than its container, and text cut by overflow: skipped inside containers
  // that scroll on purpose (wide tables), for positioned layers and for visually hidden text.
  const scrolls = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const x = getComputedStyle(node).overflowX;
      if (x === "auto" || x === "scroll") return true;
    }
    return false;
  };
  const hidden = (el) => el.closest(
    ".visually-hidden, [hidden], [aria-hidden='true'], details:not([open]) > :not(summary)");
  for (const el of document.querySelectorAll("main *, header *, footer *")) {
    const style = getComputedStyle(el);
    if (style.position === "absolute" || style.position === "fixed" || style.display === "none") continue;
    if (!el.getClientRects().length || hidden(el) || scrolls(el)) continue;
    const box = el.getBoundingClientRect();
    const parent = el.parentElement;
    if (parent && box.width > 0) {
      const outer = parent.getBoundingClientRect();
      const pulled = Math.max(0, -(parseFloat(style.marginRight) || 0));  // a negative margin is a design choice
      if (box.right > outer.right + pulled + 1 && getComputedStyle(parent).overflowX === "visible"
          && !["BODY", "HTML"].includes(parent.tagName)) {
        problems.push(`wider than its container by ${Math.round(box.right - outer.right)}px: ${describe(el)}`);
      }
    }
    // Content wider than its own box spills out, or is cut where the box or a parent clips it.
    const ownScroll = ["auto", "scroll"].includes(style.overflowX);
    // Pico's nav pulls its lists by a negative margin on purpose; SVG text has no box of its own.
    // A few pixels are rounding and floated markers (details' chevron), not text anyone misses.
    const spills = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 4 && (el.textContent || "").trim();
    if (!ownScroll && el.tagName !== "NAV" && !el.closest("svg") && spills) {
      problems.push(`content cut or spilling (${el.scrollWidth}px in ${el.clientWidth}px): ${describe(el)}`);
    }
  }
  return problems;
}
"""


class Pages:
    """Checks every page a story visits (labels, alt, one h1, names, overflow, console errors) and screenshots it."""

    def __init__(self, folder: Path, accept_dialogs: bool = True) -> None:
        self.folder = folder
        self.accept_dialogs = accept_dialogs
        self.problems: dict[str, list[str]] = {}
        self.console: list[str] = []

    def watch(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("console", lambda msg: msg.type == "error" and self.console.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda error: self.console.append(f"{page.url}: {error}"))
        if self.accept_dialogs:
            page.on("dialog", lambda dialog: dialog.accept())

    def check(self, page, shot: str | None = None, label: str = "") -> None:  # type: ignore[no-untyped-def]
        page.wait_for_load_state("load")
        problems = list(page.evaluate(A11Y_JS))
        if problems:
            self.problems[f"{shot or label} {page.url}"] = problems
        if shot:
            page.screenshot(path=str(self.folder / f"{shot}.png"), full_page=True)


def log_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    """Log in through the real form and land on the dashboard."""
    from playwright.sync_api import expect

    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
