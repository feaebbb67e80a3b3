"""Where apps plug their menu entries and dashboard panels into the shell.

Each app registers in its AppConfig.ready(), so core never imports an app.

The menu is grouped by task (households, help, donors, money, public pages,
administration): an entry names its group, or is put in its app's group, so
a page added by any app lands in a place a reader expects without the shell
knowing the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    icon: str = "folder"
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    group: str = ""
    icon: str = ""


@dataclass(frozen=True)
class Panel:
    template: str
    roles: frozenset[str]
    order: int = 100


# The task groups, in menu order. `icon` is a Bootstrap Icons name (without "bi-").
GROUPS: dict[str, NavGroup] = {}
# An entry registered without a group goes to the group of its URL's namespace.
NAMESPACE_GROUPS = {
    "beneficiaries": "households",
    "disbursements": "help",
    "donors": "donors",
    "funds": "money",
    "transparency": "public",
    "core": "admin",
}

NAV: list[NavItem] = []
PANELS: list[Panel] = []


@dataclass(frozen=True)
class QueueRow:
    """One line of a dashboard's work queue: what waits, how many, where to act."""

    label: str
    count: int
    href: str = ""
    tone: str = "warning"  # "danger" for what is overdue
    order: int = 100


@dataclass(frozen=True)
class Figure:
    """One key figure on a dashboard, shown as a card."""

    label: str
    value: str
    icon: str = "graph-up"
    href: str = ""
    note: str = ""
    tone: str = ""
    order: int = 100


@dataclass(frozen=True)
class DashboardSource:
    func: object  # callable(user) -> list[QueueRow] or list[Figure]
    roles: frozenset[str]


QUEUES: list[DashboardSource] = []
FIGURES: list[DashboardSource] = []


def register_queue(func, roles) -> None:
    """Add work to the dashboards of these roles: func(user) returns QueueRow items."""
    if not any(source.func is func for source in QUEUES):
        QUEUES.append(DashboardSource(func, frozenset(str(r) for r in roles)))


def register_figure(func, roles) -> None:
    """Add key figures to the dashboards of these roles: func(user) returns Figure items."""
    if not any(source.func is func for source in FIGURES):
        FIGURES.append(DashboardSource(func, frozenset(str(r) for r in roles)))


def collect(sources, user) -> list:
    """Call every source meant for one of the user's roles; return their items in order."""
    items = []
    for source in visible(sources, user):
        items.extend(source.func(user))
    return sorted(items, key=lambda item: item.order)


def register_group(key: str, label, icon: str = "folder", order: int = 100) -> None:
    """Declare a task group of the menu (idempotent: the first declaration wins)."""
    GROUPS.setdefault(key, NavGroup(key, label, icon, order))


register_group("mine", _("Milik saya"), "person-badge", 5)
register_group("households", _("Rumah tangga"), "house-heart", 10)
register_group("help", _("Penyaluran"), "box-seam", 20)
register_group("donors", _("Donatur"), "people", 30)
register_group("money", _("Keuangan"), "bank", 40)
register_group("public", _("Publik"), "globe2", 50)
register_group("admin", _("Administrasi"), "gear", 90)
register_group("other", _("Lainnya"), "three-dots", 99)


def register_nav(
    label, url_name: str, roles, order: int = 100, group: str = "", icon: str = ""
) -> None:
    """Add a menu entry for the given roles; `group` and `icon` are optional."""
    if not group:
        group = NAMESPACE_GROUPS.get(url_name.split(":")[0], "other")
    if not any(item.url_name == url_name for item in NAV):
        NAV.append(NavItem(label, url_name, frozenset(str(r) for r in roles), order, group, icon))
        NAV.sort(key=lambda item: item.order)


def register_panel(template: str, roles, order: int = 100) -> None:
    if not any(panel.template == template for panel in PANELS):
        PANELS.append(Panel(template, frozenset(str(r) for r in roles), order))
        PANELS.sort(key=lambda panel: panel.order)


def visible(items, user):
    roles = user.roles if user.is_authenticated else frozenset()
    return [item for item in items if item.roles & roles]


@dataclass
class MenuEntry:
    label: str
    href: str
    icon: str
    current: bool = False


@dataclass
class MenuGroup:
    key: str
    label: str
    icon: str
    entries: list[MenuEntry]
    current: bool = False


def menu(user, request=None) -> list[MenuGroup]:
    """Return the user's menu grouped by task, with the page being read marked.

    The current entry is the one whose URL name is the resolved view's, or else
    the one whose address is the longest prefix of the path (a donor's page
    marks "Donatur").
    """
    if user is None or not user.is_authenticated:
        return []
    path = getattr(request, "path", "") or ""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    groups: dict[str, MenuGroup] = {}
    entries: list[tuple[MenuEntry, str]] = []
    for item in visible(NAV, user):
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        # The view's own declaration has the last word: a menu never links to a 404.
        access = getattr(resolve(href).func, "kenanga_access", None)
        if access is not None and not access.may_read(user):
            continue
        group = GROUPS.get(item.group) or GROUPS["other"]
        entry = MenuEntry(str(item.label), href, item.icon or group.icon)
        if group.key not in groups:
            groups[group.key] = MenuGroup(group.key, str(group.label), group.icon, [])
        groups[group.key].entries.append(entry)
        entries.append((entry, item.url_name))
    current = next((e for e, name in entries if name == view_name), None)
    if current is None:
        prefixed = [e for e, _name in entries if len(e.href) > 1 and path.startswith(e.href)]
        current = max(prefixed, key=lambda e: len(e.href), default=None)
    ordered = sorted(groups.values(), key=lambda g: GROUPS[g.key].order)
    if current is not None:
        current.current = True
        for group in ordered:
            group.current = any(e.current for e in group.entries)
    return ordered
