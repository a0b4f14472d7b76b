"""What the demo's contacts do: e-mail campaigns, web sessions, forms, demos, trials, bots.

A contact's behaviour follows its *profile* (dormant, reader, evaluator, hot buyer, faded,
job seeker). Each profile has an active window (when interest peaks), rates for e-mail opens,
clicks and web sessions, the pages it tends to read and the chances of the conversion steps.
Times are whole seconds since the Unix epoch (UTC); nothing is generated at or after `end`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from leadscore.demo.personas import Person, Weighted

DAY = 86_400
WEEK = 7 * DAY
BASE = "https://acme.example"

PAGES: dict[str, tuple[str, ...]] = {
    "home": ("/", "/de/", "/pl/"),
    "blog": ("/blog/lead-scoring-101", "/blog/mql-vs-sql", "/blog/decay-explained",
             "/blog/b2b-funnel-benchmarks-2026", "/blog/fit-vs-engagement", "/blog/gdpr-and-tracking",
             "/blog/why-leads-go-cold", "/blog/revops-playbook", "/blog/email-bots-and-fake-clicks"),
    "product": ("/product", "/product/scoring", "/product/explain", "/product/backtesting"),
    "pricing": ("/pricing", "/pricing?plan=growth", "/pricing?plan=enterprise", "/de/pricing"),
    "docs": ("/docs/getting-started", "/docs/model-file", "/docs/api", "/docs/webhooks", "/docs/postgres"),
    "customers": ("/customers", "/customers/nordlys-retail", "/customers/krakow-fintech"),
    "integrations": ("/integrations/hubspot", "/integrations/salesforce", "/integrations/segment"),
    "security": ("/security", "/trust/gdpr"),
    "careers": ("/careers", "/careers/senior-python-engineer", "/careers/marketing-intern-krakow",
                "/careers/account-executive-berlin", "/careers/data-engineer-oslo",
                "/careers/werkstudent-m%C3%BCnchen"),
    "about": ("/about", "/about/team", "/contact"),
}  # fmt: skip
RESOURCES = ("/resources/lead-scoring-guide.pdf", "/resources/roi-calculator.xlsx",
             "/resources/b2b-benchmarks-2026.pdf", "/resources/mql-checklist.pdf")  # fmt: skip
_EMAIL_DEVICE = Weighted([("desktop", 55), ("mobile", 40), ("tablet", 5)])
_WEB_DEVICE = Weighted([("desktop", 68), ("mobile", 29), ("tablet", 3)])
_SOURCE = Weighted([("", 14), ("google-ads-brand", 2), ("linkedin-abm", 1), ("g2-listing", 1)])
# Hours (UTC) at which people browse: mostly office hours, a little in the evening.
_HOURS = Weighted([(h, w) for h, w in enumerate((1, 1, 1, 1, 1, 2, 4, 8, 11, 12, 12, 11, 9, 11, 12, 11,
                                                  9, 7, 5, 4, 4, 3, 2, 1))])  # fmt: skip


@dataclass(frozen=True)
class Profile:
    name: str
    open_rate: tuple[float, float]  # per delivered e-mail, drawn per contact
    click_rate: float  # per open
    sessions_per_week: float  # inside the active window
    idle_sessions_per_week: float  # outside it (not after a fade)
    pages: Weighted[str]
    pages_per_session: float  # mean extra pages after the landing page
    window_days: tuple[int, int] | None  # None: active over the contact's whole time
    p_newsletter: float
    p_webinar: float
    downloads: float  # mean number of gated downloads
    p_demo: float
    p_trial: float
    p_contact: float
    p_unsubscribe: float
    p_careers: float  # one look at the careers page by a professional


def _pages(**weights: float) -> Weighted[str]:
    return Weighted(list(weights.items()))


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("dormant", (0.02, 0.12), 0.05, 0.04, 0.0,
                _pages(home=30, blog=50, product=10, pricing=3, docs=2, customers=3, about=2), 0.6,
                None, 0.05, 0.01, 0.08, 0.003, 0.003, 0.004, 0.06, 0.02),
        Profile("reader", (0.2, 0.5), 0.16, 0.15, 0.0,
                _pages(blog=55, home=12, product=12, pricing=5, docs=5, customers=6, about=3), 1.0,
                None, 0.45, 0.12, 0.6, 0.012, 0.02, 0.01, 0.03, 0.02),
        Profile("evaluator", (0.25, 0.55), 0.22, 1.1, 0.08,
                _pages(product=25, docs=20, pricing=15, customers=12, blog=13, home=8, integrations=7),
                2.5, (20, 90), 0.2, 0.25, 1.2, 0.14, 0.22, 0.06, 0.02, 0.02),
        Profile("hot", (0.35, 0.7), 0.3, 2.4, 0.15,
                _pages(pricing=24, product=20, docs=18, customers=12, integrations=9, security=7,
                       blog=5, home=5), 3.5, (14, 60), 0.1, 0.2, 1.5, 0.7, 0.45, 0.2, 0.01, 0.01),
        Profile("faded", (0.3, 0.6), 0.2, 1.0, 0.0,
                _pages(product=22, docs=18, pricing=14, customers=10, blog=22, home=10, integrations=4),
                2.0, (20, 60), 0.25, 0.2, 1.0, 0.07, 0.1, 0.03, 0.25, 0.02),
        Profile("job_seeker", (0.0, 0.1), 0.05, 0.0, 0.0,
                _pages(careers=70, about=14, home=8, blog=5, product=3), 2.0,
                None, 0.03, 0.0, 0.0, 0.0, 0.0, 0.03, 0.15, 1.0),
    )
}  # fmt: skip


def pick_profile(rng: random.Random, fit: float) -> Profile:
    """Better-fitting contacts are more often evaluating or buying; most are quiet."""
    weights = [
        ("dormant", 55 - 25 * fit),
        ("reader", 22.0),
        ("evaluator", 6 + 14 * fit),
        ("hot", 0.5 + 9 * fit * fit),
        ("faded", 7 + 5 * fit),
    ]
    return PROFILES[Weighted(weights).pick(rng)]


@dataclass(frozen=True)
class Send:
    ts: int
    campaign: str
    links: tuple[str, ...]


def email_calendar(rng: random.Random, start: int, end: int) -> list[Send]:
    """A weekly newsletter on Tuesdays 08:00 UTC and a campaign every other Thursday 14:00 UTC."""
    campaigns = (
        ("webinar-invite", ("/webinars/scoring-that-sales-trusts",)),
        ("case-study", ("/customers/nordlys-retail", "/customers/krakow-fintech")),
        ("product-update", ("/product/explain", "/product/backtesting", "/docs/getting-started")),
        ("pricing-promo", ("/pricing", "/pricing?plan=growth")),
        ("ebook-guide", ("/resources/lead-scoring-guide.pdf",)),
        ("trial-nurture", ("/docs/getting-started", "/signup")),
    )
    sends: list[Send] = []
    first_day = datetime.fromtimestamp(start - start % DAY, UTC)
    for offset in range((end - start) // DAY + 1):
        day = first_day + timedelta(days=offset)
        ts = int(day.timestamp())
        if day.weekday() == 1:
            blog = rng.sample(PAGES["blog"], 3)
            sends.append(Send(ts + 8 * 3600, f"newsletter-{day:%Y-%m-%d}", tuple(blog)))
        elif day.weekday() == 3 and (offset // 7) % 2 == 0:
            name, links = campaigns[(offset // 14) % len(campaigns)]
            sends.append(Send(ts + 14 * 3600, f"{name}-{day:%Y-%m}", links))
    return [s for s in sends if start <= s.ts < end]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def work_time(rng: random.Random, t: float) -> int:
    """The same UTC day as `t`, at a plausible hour of browsing."""
    day = int(t) - int(t) % DAY
    return day + _HOURS.pick(rng) * 3600 + rng.randrange(3600)


Row = tuple[int, str, str, str, str, str, str]  # ts, type, url, form, campaign, device, is_bot


@dataclass
class Signals:
    """What sales would notice: the first conversion steps, pricing views and activity."""

    demo: int | None = None
    trial: int | None = None
    contact: int | None = None
    pricing: list[int] = field(default_factory=list)
    sessions: int = 0


class Journey:
    """One contact's events, collected in any order and sorted by the caller."""

    def __init__(self, rng: random.Random, person: Person, profile: Profile, begin: int, end: int) -> None:
        self.rng, self.person, self.profile, self.begin, self.end = rng, person, profile, begin, end
        self.rows: list[Row] = []
        self.signals = Signals()

    def add(self, ts: int, kind: str, url: str = "", form: str = "", campaign: str = "",
            device: str = "", is_bot: str = "") -> None:  # fmt: skip
        if ts >= self.end:
            return
        self.rows.append((ts, kind, url, form, campaign, device, is_bot))
        s = self.signals
        if kind == "page_view" and "/pricing" in url:
            s.pricing.append(ts)
        elif kind == "web_session":
            s.sessions += 1
        elif kind == "demo_request" and (s.demo is None or ts < s.demo):
            s.demo = ts
        elif kind == "trial_start" and (s.trial is None or ts < s.trial):
            s.trial = ts
        elif kind == "contact_request" and (s.contact is None or ts < s.contact):
            s.contact = ts

    def page(self, kind: str | None = None) -> str:
        kind = kind or self.profile.pages.pick(self.rng)
        return BASE + self.rng.choice(PAGES[kind])

    def session(self, t: int, landing: str | None = None, then: tuple[str, ...] = ()) -> int:
        """A web session: its landing page, a few more pages, then `then`; returns its last instant."""
        rng = self.rng
        device = _WEB_DEVICE.pick(rng)
        first = landing or self.page()
        self.add(
            t, "web_session", first, campaign=_SOURCE.pick(rng) if landing is None else "", device=device
        )
        self.add(t, "page_view", first, device=device)
        for _ in range(int(rng.expovariate(1 / self.profile.pages_per_session))):
            t += rng.randint(10, 240)
            self.add(t, "page_view", self.page(), device=device)
        for url in then:
            t += rng.randint(10, 240)
            self.add(t, "page_view", url, device=device)
        return t

    def form(self, t: int, form: str, page: str | None = None) -> int:
        """A session that ends in a form submission on `page`; returns the submission instant."""
        page = page or self.page("blog")
        last = self.session(t, then=(page,)) + self.rng.randint(20, 120)
        self.add(last, "form_submit", page, form=form)
        return last

    def when(self, t: float) -> int:
        """An instant on the same UTC day as `t` at a plausible hour, not before the contact existed."""
        return max(self.begin, work_time(self.rng, t))


def build_journey(
    rng: random.Random, person: Person, profile: Profile, created: int, start: int, end: int,
    sends: list[Send],
) -> Journey:  # fmt: skip
    """Every event of one contact between max(start, created) and end."""
    s0 = max(start, created)
    j = Journey(rng, person, profile, s0, end)
    if s0 >= end:
        return j
    w0, w1 = _window(rng, profile, s0, end)

    def span(a: int, b: int) -> int:
        return a + int(rng.random() * max(1, b - a))

    open_rate = rng.uniform(*profile.open_rate)
    unsub_at = span(s0, end) if rng.random() < profile.p_unsubscribe else None
    if profile.name == "faded" and unsub_at is not None:
        unsub_at = span(w1, min(end, w1 + 30 * DAY))
    _emails(j, sends, created, open_rate, w0, w1, unsub_at)
    # Activity level varies a lot between contacts of one profile: a long tail of very active ones.
    mult = rng.lognormvariate(0.0, 0.7)
    for _ in range(poisson(rng, profile.sessions_per_week * (w1 - w0) / WEEK * mult)):
        j.session(j.when(span(w0, w1)))
    idle_end = w0 if profile.name == "faded" else end
    idle = (w0 - s0) + max(0, idle_end - w1) if profile.window_days else 0
    for _ in range(poisson(rng, profile.idle_sessions_per_week * idle / WEEK * mult)):
        j.session(j.when(span(s0, idle_end)))
    if created >= start:  # the form that created the contact
        capture = "job_application" if person.job_seeker else Weighted(
            [("ebook", 5), ("newsletter", 3), ("webinar", 2)]).pick(rng)  # fmt: skip
        t = j.form(created, capture, BASE + "/careers" if person.job_seeker else None)
        if capture == "ebook":
            j.add(t + rng.randint(3, 30), "download", BASE + RESOURCES[0], form="ebook")
    if person.job_seeker:
        _job_hunt(j, s0, end)
    _conversions(j, w0, w1, s0, end)
    return j


def _window(rng: random.Random, profile: Profile, s0: int, end: int) -> tuple[int, int]:
    if profile.window_days is None:
        return s0, end
    length = rng.randint(*profile.window_days) * DAY
    if profile.name == "faded":  # interest stops at least ~2.5 months before the end
        w1 = max(s0 + DAY, min(s0 + length, end - 75 * DAY))
        return s0, min(w1, end)
    w0 = s0 + int(rng.random() * max(0, end - 7 * DAY - s0))
    return w0, min(end, w0 + length)


def _emails(
    j: Journey, sends: list[Send], created: int, open_rate: float, w0: int, w1: int, unsub_at: int | None
) -> None:
    rng, p, person = j.rng, j.profile, j.person
    bot = "true" if person.scanner == "marked" else ""
    for send in sends:
        if send.ts < created or rng.random() > 0.85:  # not yet a contact, or not in this segment
            continue
        delivered = send.ts + rng.randrange(600)
        if person.scanner:  # a security gateway opens and follows every link within seconds
            j.add(delivered + rng.randint(1, 20), "email_open", campaign=send.campaign, is_bot=bot)
            for link in send.links:
                j.add(delivered + rng.randint(2, 40), "email_click", BASE + link, campaign=send.campaign,
                      is_bot=bot)  # fmt: skip
        rate = open_rate
        if p.name == "faded" and delivered > w1:  # a last glance or two, then silence
            rate = rate * 0.1 if delivered < w1 + 21 * DAY else 0.0
        elif p.window_days and w0 <= delivered < w1:
            rate = min(0.95, rate * 1.3)
        if unsub_at is not None and delivered >= unsub_at:
            t = delivered + int(rng.expovariate(1 / 7200))
            j.add(t, "email_open", campaign=send.campaign, device=_EMAIL_DEVICE.pick(rng))
            j.add(t + rng.randint(5, 90), "unsubscribe", BASE + "/email/preferences", campaign=send.campaign)
            return
        if rng.random() >= rate:
            continue
        device = _EMAIL_DEVICE.pick(rng)
        t_open = delivered + int(min(rng.expovariate(1 / 18_000), 6 * DAY))
        j.add(t_open, "email_open", campaign=send.campaign, device=device)
        if rng.random() < 0.2:
            j.add(t_open + rng.randint(3600, 3 * DAY), "email_open", campaign=send.campaign, device=device)
        if rng.random() < p.click_rate:
            link = f"{BASE}{rng.choice(send.links)}?utm_source=email&utm_campaign={send.campaign}"
            t_click = t_open + rng.randint(5, 300)
            j.add(t_click, "email_click", link, campaign=send.campaign, device=device)
            j.session(t_click + rng.randint(1, 5), landing=link)
        if rng.random() < 0.008:
            j.add(t_open + rng.randint(60, 7200), "email_forward", campaign=send.campaign, device=device)


def _job_hunt(j: Journey, s0: int, end: int) -> None:
    rng = j.rng
    until = min(end, s0 + 45 * DAY)
    for _ in range(1 + poisson(rng, 2.0)):
        j.session(
            j.when(s0 + rng.random() * (until - s0)), landing=j.page("careers"), then=(j.page("careers"),)
        )
    if rng.random() < 0.4:
        j.form(j.when(s0 + rng.random() * (until - s0)), "job_application", j.page("careers"))


def _conversions(j: Journey, w0: int, w1: int, s0: int, end: int) -> None:
    rng, p = j.rng, j.profile

    def late(share: float) -> int:  # an instant in the window, after the first `share` of it
        return w0 + int((share + (1 - share) * rng.random()) * (w1 - w0))

    if rng.random() < p.p_newsletter:
        j.form(j.when(late(0.0)), "newsletter")
    if rng.random() < p.p_webinar:
        j.form(j.when(late(0.0)), "webinar", BASE + "/webinars/scoring-that-sales-trusts")
    for _ in range(poisson(rng, p.downloads)):
        t = j.form(j.when(late(0.0)), "ebook", BASE + "/resources")
        j.add(t + rng.randint(3, 30), "download", BASE + rng.choice(RESOURCES), form="ebook")
    if rng.random() < p.p_careers:
        j.session(j.when(s0 + rng.random() * (end - s0)), landing=j.page("careers"))
    if rng.random() < p.p_demo:  # after a look at pricing, late in the window
        t = j.session(j.when(late(0.4)), then=(j.page("pricing"), BASE + "/demo"))
        t += rng.randint(30, 300)
        j.add(t, "demo_request", BASE + "/demo", form="demo")
        if rng.random() < (0.6 if p.name == "hot" else 0.2):  # talks with sales
            for _ in range(1 + poisson(rng, 1.0)):
                j.add(t + rng.randint(DAY // 2, 10 * DAY), "email_reply", campaign="sales-followup")
    if rng.random() < p.p_trial:
        t = j.session(j.when(late(0.3)), then=(j.page("docs"), BASE + "/signup"))
        j.add(t + rng.randint(30, 300), "trial_start", BASE + "/signup", form="trial")
    if rng.random() < p.p_contact:
        t = j.session(j.when(late(0.2)), then=(BASE + "/contact",))
        j.add(t + rng.randint(30, 300), "contact_request", BASE + "/contact", form="contact")
    if rng.random() < 0.02 and p.name in ("reader", "evaluator", "hot"):
        j.add(j.when(late(0.0)), "social_share", j.page("blog"))
