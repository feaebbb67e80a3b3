"""Where apps plug their menu entries and dashboard panels into the shell.

Each app registers in its AppConfig.ready(), so core never imports an app.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100


@dataclass(frozen=True)
class Panel:
    template: str
    roles: frozenset[str]
    order: int = 100


NAV: list[NavItem] = []
PANELS: list[Panel] = []


def register_nav(label, url_name: str, roles, order: int = 100) -> None:
    if not any(item.url_name == url_name for item in NAV):
        NAV.append(NavItem(label, url_name, frozenset(str(r) for r in roles), order))
        NAV.sort(key=lambda item: item.order)


def register_panel(template: str, roles, order: int = 100) -> None:
    if not any(panel.template == template for panel in PANELS):
        PANELS.append(Panel(template, frozenset(str(r) for r in roles), order))
        PANELS.sort(key=lambda panel: panel.order)


def visible(items, user):
    roles = user.roles if user.is_authenticated else frozenset()
    return [item for item in items if item.roles & roles]
