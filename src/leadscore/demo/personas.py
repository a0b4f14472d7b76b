"""Who the demo's contacts are: countries, names, companies, job titles and how fit they are.

Everything here is drawn from one `random.Random`, so the same seed gives the same people.
The tables are small on purpose: enough variety for a realistic CRM export (non-ASCII names,
local job titles the model's regex misses, missing enrichment data), not a census.
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# The fictional vendor sells in these countries; leads elsewhere are often disqualified.
SERVICE_AREA = frozenset({"PL", "DE", "NO", "UK"})
SCANNER_MARKED_SHARE = 0.75  # the rest of the security scanners are not recognised as bots


class Weighted(Generic[T]):
    """A fixed weighted choice drawn with a single random number."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _ in items]
        self.cum: list[float] = []
        total = 0.0
        for _, w in items:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> T:
        i = bisect.bisect_right(self.cum, rng.random() * self.total)
        return self.values[min(i, len(self.values) - 1)]


@dataclass(frozen=True)
class Country:
    code: str
    tld: str
    offset: int  # minutes east of UTC used when an event is written with an offset
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    stems: tuple[str, ...]  # cities and words for company names
    suffixes: tuple[str, ...]
    free_mail: tuple[str, ...]


_INTL_F = ("Priya", "Ana", "Emma", "Olivia", "Aisha", "Mei", "Sara")
_INTL_M = ("Rahul", "João", "Liam", "Noah", "Arjun", "Lucas", "Omar")
_INTL_L = ("Sharma", "Silva", "Smith", "Patel", "Santos", "Tremblay", "Kumar", "Costa")
_FREE = ("gmail.com", "outlook.com", "yahoo.com")

COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "PL", "pl", 120,
            ("Zofia", "Małgorzata", "Agnieszka", "Katarzyna", "Joanna", "Anna", "Łucja", "Zuzanna"),
            ("Łukasz", "Paweł", "Piotr", "Michał", "Jakub", "Grzegorz", "Wojciech", "Bartłomiej", "Krzysztof"),
            ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
             "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Krawczyk", "Żak", "Grzybowski"),
            ("Kraków", "Łódź", "Wrocław", "Gdańsk", "Poznań", "Wisła", "Orzeł", "Bałtyk", "Śląsk"),
            ("sp. z o.o.", "S.A.", "sp. j."),
            ("gmail.com", "wp.pl", "o2.pl", "onet.pl"),
        ),
        Country(
            "DE", "de", 120,
            ("Lena", "Sophie", "Anna", "Katrin", "Mia", "Jülide", "Hannah", "Sören"),
            ("Jürgen", "Jörg", "Günter", "Maximilian", "Lukas", "Stefan", "Björn", "Tobias"),
            ("Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Schäfer", "Groß", "Köhler",
             "Becker", "Hoffmann", "Strauß", "Neumann", "Krüger"),
            ("München", "Köln", "Düsseldorf", "Nürnberg", "Hauptstraße", "Bergstraße", "Nordlicht",
             "Lüneburg", "Rhein"),
            ("GmbH", "AG", "GmbH & Co. KG"),
            ("gmail.com", "gmx.de", "web.de", "t-online.de"),
        ),
        Country(
            "UK", "co.uk", 60,
            ("Amelia", "Isla", "Emily", "Charlotte", "Olivia", "Siobhan"),
            ("Oliver", "Harry", "George", "Jack", "Rhys", "Callum"),
            ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "O'Brien"),
            ("Thames", "Pennine", "Brightwater", "Oakridge", "Mersey", "Cotswold", "Highgate"),
            ("Ltd", "plc", "LLP"),
            ("gmail.com", "outlook.com", "btinternet.com"),
        ),
        Country(
            "US", "com", -300,
            ("Mary", "Jennifer", "Ashley", "Jessica", "María", "Mei", "Keisha"),
            ("James", "Michael", "David", "Chris", "José", "Tyler", "Andre"),
            ("Johnson", "Miller", "Garcia", "Rodriguez", "Martinez", "Lee", "Nguyen", "Anderson", "O'Neil"),
            ("Summit", "Redwood", "Lakeside", "Bluebird", "Keystone", "Granite", "Prairie", "Liberty"),
            ("Inc.", "LLC", "Corp."),
            ("gmail.com", "yahoo.com", "outlook.com", "icloud.com"),
        ),
        Country(
            "NO", "no", 120,
            ("Åse", "Ingrid", "Kari", "Sigrid", "Nora", "Solveig"),
            ("Øyvind", "Bjørn", "Lars", "Håkon", "Marius", "Ørjan"),
            ("Hansen", "Johansen", "Olsen", "Larsen", "Bråten", "Dahl", "Sæther", "Haugen", "Løvås", "Berg"),
            ("Tromsø", "Bodø", "Fjord", "Ålesund", "Nordlys", "Bergen", "Vestland"),
            ("AS", "ASA"),
            ("gmail.com", "online.no", "hotmail.no"),
        ),
        Country(
            "FR", "fr", 120,
            ("Chloé", "Léa", "Hélène", "Amélie", "Manon", "Inès"),
            ("François", "Jérôme", "Étienne", "Lucas", "Benoît", "Gaël"),
            ("Martin", "Bernard", "Dubois", "Lefèvre", "Girard", "Mercier", "Rousseau", "Fontaine"),
            ("Lyon", "Nantes", "Côte", "Élan", "Bordeaux", "Lumière", "Garonne"),
            ("SAS", "SA", "SARL"),
            ("gmail.com", "orange.fr", "free.fr"),
        ),
        Country(
            "ES", "es", 120,
            ("María", "Begoña", "Lucía", "Sofía", "Nuria", "Carmen"),
            ("José", "Iñigo", "Álvaro", "Martín", "Sergio", "Jesús"),
            ("García", "Fernández", "Martínez", "López", "Sánchez", "Pérez", "Muñoz", "Ibáñez"),
            ("Málaga", "Córdoba", "León", "Cádiz", "Sol", "Ebro", "Cantábrico"),
            ("S.L.", "S.A."),
            ("gmail.com", "hotmail.es", "yahoo.es"),
        ),
        Country(
            "NL", "nl", 120, ("Sanne", "Femke", "Anouk"), ("Daan", "Bram", "Sem"),
            ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser"), ("Delta", "Polder", "Maas", "Utrecht"),
            ("B.V.", "N.V."), ("gmail.com", "ziggo.nl"),
        ),
        Country(
            "SE", "se", 120, ("Åsa", "Linnéa", "Elin"), ("Björn", "Erik", "Måns"),
            ("Andersson", "Johansson", "Söderberg", "Åkesson", "Lindqvist"), ("Göta", "Norrland", "Malmö"),
            ("AB",), ("gmail.com", "telia.com"),
        ),
        Country(
            "IT", "it", 120, ("Giulia", "Chiara", "Francesca"), ("Marco", "Niccolò", "Luca"),
            ("Rossi", "Russo", "Bianchi", "Colombo", "Ricci"), ("Po", "Milano", "Torino", "Adriatico"),
            ("S.r.l.", "S.p.A."), ("gmail.com", "libero.it"),
        ),
        Country(
            "CZ", "cz", 120, ("Tereza", "Zuzana", "Kateřina"), ("Jiří", "Lukáš", "Tomáš"),
            ("Novák", "Dvořák", "Černý", "Procházka", "Svoboda"), ("Vltava", "Brno", "Plzeň"),
            ("s.r.o.", "a.s."), ("gmail.com", "seznam.cz"),
        ),
        Country(
            "IE", "ie", 60, ("Aoife", "Siobhán", "Niamh"), ("Seán", "Ciarán", "Eoin"),
            ("Murphy", "Kelly", "O'Sullivan", "Walsh"), ("Liffey", "Shannon", "Emerald"),
            ("Ltd", "DAC"), ("gmail.com", "eircom.net"),
        ),
        Country("IN", "in", 330, _INTL_F, _INTL_M, _INTL_L, ("Deccan", "Ganga", "Lotus"), ("Pvt Ltd",), _FREE),
        Country("BR", "com.br", -180, _INTL_F, _INTL_M, _INTL_L, ("Paulista", "Rio", "Ipê"), ("Ltda.",), _FREE),
        Country("CA", "ca", -300, _INTL_F, _INTL_M, _INTL_L, ("Maple", "Laurentian", "Yukon"), ("Inc.",), _FREE),
    )
}  # fmt: skip

COUNTRY_PICK = Weighted(
    [("PL", 17), ("DE", 16), ("UK", 13), ("US", 14), ("NO", 6), ("FR", 8), ("ES", 6), ("NL", 4),
     ("SE", 3), ("IT", 3), ("CZ", 2), ("IE", 2), ("IN", 3), ("BR", 2), ("CA", 1)]
)  # fmt: skip

INDUSTRY_PICK = Weighted(
    [("software", 16), ("saas", 14), ("retail", 10), ("education", 6), ("manufacturing", 12),
     ("finance", 10), ("healthcare", 6), ("logistics", 6), ("consulting", 7), ("media", 5),
     ("government", 3), ("", 5)]
)  # fmt: skip
_INDUSTRY_FIT = {"software": 1.0, "saas": 1.0, "finance": 0.7, "consulting": 0.55, "media": 0.5,
                 "retail": 0.5, "manufacturing": 0.45, "healthcare": 0.4, "logistics": 0.4,
                 "government": 0.2, "education": 0.1, "": 0.4}  # fmt: skip
_INDUSTRY_NOUN = {"software": ("Software", "Labs", "Systems"), "saas": ("Cloud", "Analytics", "Apps"),
                  "retail": ("Retail", "Stores", "Market"), "education": ("Academy", "Learning"),
                  "manufacturing": ("Manufacturing", "Steel", "Maschinen", "Works"),
                  "finance": ("Capital", "Bank", "Finance", "Pay"), "healthcare": ("Health", "Medical"),
                  "logistics": ("Logistics", "Freight", "Cargo"), "consulting": ("Consulting", "Partners"),
                  "media": ("Media", "Studio"), "government": ("Agency", "Municipality"),
                  "": ("Group", "Holding", "Solutions")}  # fmt: skip

_FUNCTIONS = Weighted(
    [("Marketing", 24), ("Sales", 16), ("Growth", 4), ("Revenue Operations", 4), ("Engineering", 16),
     ("IT", 6), ("Finance", 7), ("Operations", 8), ("HR", 5), ("Product", 6), ("Customer Success", 4)]
)  # fmt: skip
_FUNCTION_FIT = {"Marketing": 1.0, "Sales": 1.0, "Growth": 1.0, "Revenue Operations": 1.0,
                 "Product": 0.6, "Customer Success": 0.6, "Engineering": 0.4, "IT": 0.4}  # fmt: skip
_SENIORITY = Weighted(
    [("chief", 5), ("vp", 5), ("head", 7), ("director", 10), ("manager", 25), ("ic", 42), ("junior", 6)]
)
_SENIORITY_FIT = {
    "chief": 1.0,
    "vp": 1.0,
    "head": 1.0,
    "director": 1.0,
    "manager": 0.6,
    "ic": 0.3,
    "junior": 0.0,
}
_CHIEF = {"Marketing": "Chief Marketing Officer", "Sales": "Chief Revenue Officer",
          "Engineering": "Chief Technology Officer", "IT": "Chief Information Officer",
          "Finance": "Chief Financial Officer", "Operations": "Chief Operating Officer",
          "HR": "Chief People Officer", "Product": "Chief Product Officer"}  # fmt: skip
_IC = {"Marketing": ("Marketing Specialist", "Content Marketer", "SEO Specialist", "Marketing Analyst"),
       "Sales": ("Account Executive", "Sales Development Representative", "Key Account Manager"),
       "Growth": ("Growth Marketer",), "Revenue Operations": ("RevOps Analyst", "Marketing Ops Specialist"),
       "Engineering": ("Software Engineer", "Backend Engineer", "DevOps Engineer", "Data Engineer"),
       "IT": ("IT Administrator", "Systems Engineer"), "Finance": ("Accountant", "Financial Analyst"),
       "Operations": ("Operations Coordinator", "Office Manager"), "HR": ("Recruiter", "HR Specialist"),
       "Product": ("Product Designer", "Product Analyst"),
       "Customer Success": ("Customer Success Manager", "Support Engineer")}  # fmt: skip
_JUNIOR = ("Intern", "Marketing Intern", "Working Student", "Trainee", "Junior Analyst", "Student")
# Local titles a regex on director|vp|head|chief does not catch (or catches by luck).
_LOCAL_TITLES = {
    "PL": ("Dyrektor Marketingu", "Dyrektor Sprzedaży", "Kierownik ds. Marketingu", "Prezes Zarządu"),
    "DE": ("Leiter Marketing", "Vertriebsleiter", "Geschäftsführer", "Teamleiter Vertrieb"),
    "FR": ("Directeur Marketing", "Responsable Marketing", "Directrice Commerciale"),
    "ES": ("Director de Marketing", "Jefe de Ventas", "Directora Comercial"),
    "NO": ("Markedsdirektør", "Salgssjef", "Daglig leder"),
}
_STUDENT_TITLES = ("Student", "Computer Science Student", "Marketing Student", "Intern", "Graduate",
                   "Working Student", "Economics Student", "Praktikant", "Stażysta")  # fmt: skip
_JOB_HUNTER_TITLES = ("Software Engineer", "Junior Developer", "Marketing Specialist", "Data Analyst")
_UNIVERSITIES = {
    "PL": ("Uniwersytet Łódzki", "Politechnika Warszawska", "Uniwersytet Jagielloński w Krakowie"),
    "DE": ("Technische Universität München", "Universität zu Köln", "Humboldt-Universität zu Berlin"),
    "NO": ("NTNU", "Universitetet i Oslo"),
    "UK": ("University of Manchester", "King's College London"),
    "FR": ("Sorbonne Université", "Université de Lyon"),
    "ES": ("Universidad Complutense de Madrid", "Universitat de València"),
}
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: `Łódź Software` → `lodzsoftware`."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(ch for ch in folded.lower() if ch.isascii() and ch.isalnum())


@dataclass(frozen=True)
class Company:
    name: str
    domain: str
    country: str
    employees: int | None
    industry: str
    scanner: str  # "" (no security scanner), "marked" (is_bot=true) or "unmarked"


@dataclass(frozen=True)
class Person:
    """A contact's CRM fields plus what the generator knows and the model does not."""

    first_name: str
    last_name: str
    email: str
    company: str
    country: str  # "" when unknown
    employees: int | None
    job_title: str
    industry: str
    budget: int | None
    age: int | None
    fit: float  # 0..1, the generator's hidden truth about how well the lead fits (0: not at all)
    job_seeker: bool
    scanner: str
    offset: int  # minutes east of UTC for events written with an offset


def make_company(rng: random.Random) -> Company:
    code = COUNTRY_PICK.pick(rng)
    c = COUNTRIES[code]
    industry = INDUSTRY_PICK.pick(rng)
    # Company size is heavily skewed: a median near 80 and a long tail up to 20,000.
    employees: int | None = max(1, min(20000, int(rng.lognormvariate(4.4, 1.5))))
    if rng.random() < 0.02:  # a few enterprises
        employees = int(5000 * 4 ** rng.random())
    if rng.random() < 0.1:
        employees = None  # enrichment found nothing
    stem = rng.choice(c.stems)
    noun = rng.choice(_INDUSTRY_NOUN[industry])
    name = f"{stem} {noun} {rng.choice(c.suffixes)}"
    domain = f"{ascii_slug(stem)}-{ascii_slug(noun)}.{c.tld}"
    big = employees is not None and employees > 1000
    p_scanner = 0.03 + (0.12 if big else 0.0) + (0.1 if industry == "finance" else 0.0)
    scanner = ""
    if rng.random() < p_scanner:
        scanner = "marked" if rng.random() < SCANNER_MARKED_SHARE else "unmarked"
    if industry == "saas" and rng.random() < 0.3:
        industry = "SaaS"  # as typed into a form; models compare case-insensitively
    return Company(name, domain, code, employees, industry, scanner)


def _name(rng: random.Random, c: Country) -> tuple[str, str]:
    female = rng.random() < 0.45
    first = rng.choice(c.female if female else c.male)
    last = rng.choice(c.last)
    if female and c.code == "PL" and last.endswith(("ski", "cki")):
        last = last[:-1] + "a"
    if female and c.code == "CZ":
        last = last[:-1] + "á" if last.endswith("ý") else last + "ová"
    return first, last


def _email(rng: random.Random, first: str, last: str, domain: str) -> str:
    f, lname = ascii_slug(first), ascii_slug(last)
    local = Weighted([(f"{f}.{lname}", 6), (f"{f[:1]}{lname}", 3), (f, 1)]).pick(rng)
    return f"{local}@{domain}"


def _title(rng: random.Random, country: str) -> tuple[str, float]:
    """A job title and how well that role fits (seniority × function)."""
    level = _SENIORITY.pick(rng)
    function = _FUNCTIONS.pick(rng)
    fit = 0.6 * _SENIORITY_FIT[level] + 0.4 * _FUNCTION_FIT.get(function, 0.2)
    if level in ("director", "manager") and country in _LOCAL_TITLES and rng.random() < 0.2:
        return rng.choice(_LOCAL_TITLES[country]), fit
    if level == "chief":
        return (_CHIEF.get(function) or rng.choice(("CEO", "Founder & CEO", "Managing Director"))), fit
    if level == "vp":
        pattern = Weighted([("VP {}", 5), ("VP of {}", 3), ("Vice President, {}", 2)]).pick(rng)
        return pattern.format(function), fit
    if level == "head":
        return f"Head of {function}", fit
    if level == "director":
        return (f"{function} Director" if rng.random() < 0.5 else f"Director of {function}"), fit
    if level == "manager":
        return f"{function} Manager", fit
    if level == "ic":
        return rng.choice(_IC[function]), fit
    return rng.choice(_JUNIOR), fit


def _size_fit(employees: int | None) -> float:
    if employees is None:
        return 0.4
    if 50 <= employees <= 1000:
        return 1.0
    if 20 <= employees <= 5000:
        return 0.6
    return 0.4 if employees > 5000 else 0.15


def _country_fit(code: str) -> float:
    if code in SERVICE_AREA:
        return 1.0
    return {"US": 0.5, "": 0.4, "IN": 0.3, "BR": 0.3, "CA": 0.4}.get(code, 0.6)


def make_person(rng: random.Random, company: Company) -> Person:
    """A professional at `company`: usually its country, sometimes abroad or unknown."""
    code = company.country if rng.random() < 0.9 else COUNTRY_PICK.pick(rng)
    c = COUNTRIES[code]
    first, last = _name(rng, c)
    email = _email(rng, first, last, company.domain)
    title, role_fit = _title(rng, code)
    if rng.random() < 0.06:
        title = ""
    budget: int | None = None
    if rng.random() < 0.55:  # only asked on some forms
        base = 2000 + 30 * min(company.employees or 50, 3000)
        budget = max(500, min(300_000, round(base * rng.lognormvariate(0.0, 0.6) / 500) * 500))
    age = None if rng.random() < 0.3 else max(21, min(67, int(rng.gauss(40, 9.5))))
    if title in _JUNIOR and age is not None:
        age = rng.randint(19, 29)
    shown_country = "" if rng.random() < 0.03 else code
    budget_fit = 0.5 if budget is None else (1.0 if budget >= 10000 else 0.4)
    raw = (
        0.22 * _INDUSTRY_FIT[company.industry.lower()]
        + 0.2 * _size_fit(company.employees)
        + 0.3 * role_fit
        + 0.18 * _country_fit(shown_country)
        + 0.1 * budget_fit
    )
    fit = min(1.0, max(0.0, (raw - 0.45) / 0.45))  # raw spans about 0.3–1.0; most below 0.45 are poor
    return Person(
        first, last, email, company.name, shown_country, company.employees, title, company.industry,
        budget, age, fit, False, company.scanner, c.offset,
    )  # fmt: skip


def make_job_seeker(rng: random.Random) -> Person:
    """Students, interns and job hunters who found the careers page: poor fit, free e-mail."""
    code = COUNTRY_PICK.pick(rng)
    c = COUNTRIES[code]
    first, last = _name(rng, c)
    email = _email(rng, first, last, rng.choice(c.free_mail))
    student = rng.random() < 0.7
    title = rng.choice(_STUDENT_TITLES if student else _JOB_HUNTER_TITLES)
    company = (
        rng.choice(_UNIVERSITIES[code]) if student and code in _UNIVERSITIES and rng.random() < 0.6 else ""
    )
    industry = "education" if company else ""
    age: int | None = rng.randint(19, 27) if student else rng.randint(23, 40)
    if rng.random() < 0.03:
        age = rng.randint(15, 17)  # a pupil looking for a summer internship
    elif rng.random() < 0.35:
        age = None
    fit = 0.0
    return Person(
        first, last, email, company, code, None, title, industry, None, age, fit, True, "", c.offset
    )
