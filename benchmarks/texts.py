"""Realistic, varied words for the seed: places, organizations, challenge texts, numbers.

Pure functions of a `random.Random`, so a seed is the same every time. The
words are chosen so that a full-text search for "flood" matches only the
challenges of the flood topic (about 4.3 % of them): no other phrase here
stems to "flood" in PostgreSQL's English configuration.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from stdnum.cn import uscc
from stdnum.sg import uen
from stdnum.th import moa
from stdnum.vn import mst

FLOOD_SHARE = 0.043

# Country → (registry, regions).
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "BN": ("bn_roc", ("Brunei-Muara", "Belait", "Tutong", "Temburong")),
    "KH": ("kh_moc", ("Phnom Penh", "Siem Reap", "Battambang", "Kampong Cham")),
    "ID": ("id_npwp", ("Central Java", "West Java", "Bali", "East Kalimantan", "Aceh")),
    "LA": ("la_erc", ("Vientiane", "Luang Prabang", "Savannakhet", "Champasak")),
    "MY": ("my_ssm", ("Selangor", "Sarawak", "Penang", "Johor", "Sabah")),
    "MM": ("mm_myco", ("Yangon", "Mandalay", "Ayeyarwady", "Bago")),
    "PH": ("ph_sec", ("Metro Manila", "Cebu", "Davao", "Iloilo", "Leyte")),
    "SG": ("sg_uen", ("Central Region", "Jurong", "Tampines")),
    "TH": ("th_juristic", ("Bangkok", "Chiang Mai", "Khon Kaen", "Songkhla", "Nakhon Ratchasima")),
    "VN": ("vn_mst", ("Can Tho", "An Giang", "Ha Noi", "Da Nang", "Ho Chi Minh City")),
    "TL": ("tl_serve", ("Dili", "Baucau", "Bobonaro")),
}

GUANGXI_CITIES = (
    ("Nanning", "450100"),
    ("Liuzhou", "450200"),
    ("Guilin", "450300"),
    ("Wuzhou", "450400"),
    ("Beihai", "450500"),
    ("Qinzhou", "450700"),
    ("Yulin", "450900"),
    ("Baise", "451000"),
)

DEMAND_KINDS = (
    ("university", ("University of {region}", "{region} Technical University")),
    (
        "research_institute",
        ("{region} {field} Research Institute", "National {field} Research Centre, {region}"),
    ),
    ("enterprise", ("{region} {field} Corporation", "{region} Digital {field} Company")),
    ("government_agency", ("{region} Department of {field}", "{region} {field} Authority")),
)
DEMAND_FIELDS = (
    "Agriculture",
    "Water Resources",
    "Public Health",
    "Disaster Management",
    "Transport",
    "Energy",
    "Fisheries",
    "Forestry",
    "Education",
    "Meteorology",
)
LEAD_KINDS = (
    ("enterprise", "{city} {field} Intelligent Technology Co., Ltd."),
    ("university", "{city} University of {field} Engineering"),
    ("research_institute", "Guangxi {field} Artificial Intelligence Institute ({city})"),
)
LEAD_FIELDS = (
    "Vision",
    "Remote Sensing",
    "Language",
    "Robotics",
    "Data",
    "Agritech",
    "Health Informatics",
    "Smart Grid",
)

# sector → (topics: (task, object)), places are added from the organization's region.
TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    "agriculture": (
        ("early detection of rice blast", "drone images of paddy fields"),
        ("yield forecasting", "smallholder cassava farms"),
        ("pest outbreak prediction", "durian and mango orchards"),
        ("soil moisture estimation", "rain-fed maize plots"),
        ("grading of coffee beans", "cooperative processing lines"),
    ),
    "health": (
        ("triage of chest X-rays", "district hospitals"),
        ("dengue outbreak forecasting", "provincial surveillance data"),
        ("diabetic retinopathy screening", "mobile eye clinics"),
        ("drug supply forecasting", "rural health posts"),
    ),
    "disaster_warning": (
        ("landslide susceptibility mapping", "mountain road corridors"),
        ("drought early warning", "upland rice districts"),
        ("typhoon damage assessment", "coastal villages"),
        ("haze and wildfire detection", "peatland concessions"),
        ("storm surge nowcasting", "harbour districts"),
    ),
    "manufacturing": (
        ("visual defect inspection", "rubber glove production lines"),
        ("predictive maintenance", "palm oil mills"),
        ("energy optimisation", "textile dyeing plants"),
    ),
    "logistics": (
        ("container dwell time prediction", "river ports"),
        ("route optimisation", "cold-chain fruit exports"),
        ("border crossing queue forecasting", "truck corridors"),
    ),
    "energy": (
        ("solar output forecasting", "island microgrids"),
        ("fault localisation", "rural distribution networks"),
        ("demand forecasting", "industrial parks"),
    ),
    "education": (
        ("adaptive reading tutors", "primary schools in minority languages"),
        ("dropout risk prediction", "vocational colleges"),
    ),
    "finance": (
        ("credit scoring without credit history", "microfinance cooperatives"),
        ("fraud detection", "mobile payment agents"),
    ),
    "public_services": (
        ("document digitisation", "land registry archives"),
        ("citizen request routing", "municipal hotlines"),
    ),
    "language_technology": (
        ("speech recognition", "telemedicine calls in local dialects"),
        ("machine translation", "agricultural extension leaflets"),
    ),
}
FLOOD_TOPICS = (
    ("flood forecasting", "river basins"),
    ("flash flood early warning", "mountain catchments"),
    ("urban flood mapping", "low-lying city districts"),
    ("flooding risk assessment", "rice-growing deltas"),
)
METHODS = (
    "Satellite-based",
    "Drone-assisted",
    "Low-cost sensor",
    "Machine-learning",
    "Federated-learning",
    "Edge-computing",
    "Open-data",
    "Multilingual",
)
SUMMARY_OPENERS = (
    "Every season {object} in {region} suffer losses that come to light too late.",
    "Field staff in {region} still rely on manual checks of {object}.",
    "Decision makers in {region} lack timely figures about {object}.",
    "{region} has collected years of data on {object} that nobody analyses systematically.",
)
SUMMARY_NEEDS = (
    "We want a model for {task} that our own staff can run and maintain.",
    "We look for a partner to build {task} and train our engineers.",
    "A working system for {task} would let us act days earlier.",
    "The goal is {task} validated in our own operational scenario.",
)
PROBLEMS = (
    "Current practice misses most early cases; existing tools were trained elsewhere "
    "and do not transfer to local conditions.",
    "Data are noisy, incomplete and labelled by hand; connectivity in the field is limited.",
    "The solution must run on modest hardware and explain its outputs to non-specialists.",
    "Privacy rules require that raw data stay in the country; derived models may be shared.",
)
SCENARIOS = (
    "Pilot sites in {region} with staff who will use the results every week.",
    "Two provincial offices in {region} and a test bed at our main campus.",
    "Operational teams in {region} will compare the system with current practice for a season.",
)
KPI_ROWS = (
    ("Detection recall", "≥ 85 %", "40 %"),
    ("Lead time", "≥ 3 days", "same day"),
    ("Mean absolute error", "≤ 10 %", "25 %"),
    ("Staff trained", "≥ 20", "0"),
    ("Cost per site", "≤ USD 2,000", "USD 9,000"),
)
FIRST_NAMES = ("Wei", "Li", "Hao", "Ming", "Jun", "Yan", "Lan", "Qiang", "Fang", "Hui")
LAST_NAMES = ("Chen", "Huang", "Liang", "Lu", "Mo", "Wei", "Zhou", "Tan", "Lin", "Nong")


def challenge_texts(rng: random.Random, region: str) -> dict[str, object]:
    """Title, summary, problem, scenario, sector of one challenge."""
    if rng.random() < FLOOD_SHARE:
        sector, (task, obj) = "disaster_warning", rng.choice(FLOOD_TOPICS)
    else:
        sector = rng.choice(tuple(TOPICS))
        task, obj = rng.choice(TOPICS[sector])
    slots = {"task": task, "object": obj, "region": region}
    method = rng.choice(METHODS)
    return {
        "title": f"{method} {task} for {obj} in {region}"[:200],
        "summary": " ".join(
            (rng.choice(SUMMARY_OPENERS).format(**slots), rng.choice(SUMMARY_NEEDS).format(**slots))
        ),
        "problem_statement": " ".join(rng.sample(PROBLEMS, 2)),
        "operational_scenario": rng.choice(SCENARIOS).format(**slots),
        "sector": sector,
        "data_kind": f"Historical records and images of {obj}",
        "data_size": f"{rng.randint(2, 90)},000 records, {rng.randint(1, 12)} years",
    }


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


# --------------------------------------------------------------------------- registration numbers
def _with_check(base: str, check: Callable[[str], str]) -> str:
    return base + check(base)


def _vn_mst(n: int) -> str:
    k = n * 11 + 1
    while True:
        base = f"01{k:07d}"
        digit = mst.calc_check_digit(base)
        if len(digit) == 1:
            return base + digit
        k += 1


def _npwp(n: int) -> str:
    from stdnum import luhn

    base = f"{10000000 + n:08d}"
    return base + luhn.calc_check_digit(base) + "091000"


def registration_number(country: str, n: int) -> str:
    """A well-formed number (with a correct check character) for the country's registry."""
    makers: dict[str, Callable[[int], str]] = {
        "BN": lambda i: f"RC{i:08d}",
        "KH": lambda i: f"{10000000 + i:09d}",
        "ID": _npwp,
        "LA": lambda i: f"{190000000 + i:010d}",
        "MY": lambda i: f"2015{(i % 6) + 1:02d}{i:06d}",
        "MM": lambda i: f"{100000000 + i:09d}",
        "PH": lambda i: f"CS{i:09d}",
        "SG": lambda i: _with_check(f"2010{i:05d}", uen.calc_local_company_check_digit),
        "TH": lambda i: _with_check(f"0105{i:08d}", moa.calc_check_digit),
        "VN": _vn_mst,
        "TL": lambda i: f"2016/{i:05d}",
    }
    return makers[country](n)


def guangxi_uscc(n: int, region_code: str) -> str:
    body = f"91{region_code}MA5K{n:05d}"
    return body + uscc.calc_check_digit(body)
