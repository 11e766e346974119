"""Demo challenges and bids: a dozen challenges of the ASEAN organizations in every stage.

Drafts (one returned with a vetting comment), one submitted for vetting, one
rejected, seven open for bids and the retinopathy screening challenge whose
bidding period is over (in evaluation, see `portal.demo.evaluation`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from challenges import lifecycle, multilingual
from challenges.enums import BidState, ChallengeState
from challenges.models import Bid, Challenge

from . import builders
from .accounts import People

# key, org, title, sector, modes, currency, budget, duration, deadline offset (days), target
# state, texts; optional: "comment" (of the vetting), "cofunding", "blind_review".
CHALLENGES = [
    {
        "key": "rice",
        "org": "mekong",
        "title": "Early detection of rice blast and brown planthopper from drone imagery in the Mekong Delta",
        "sector": "agriculture",
        "modes": ["collaborative_rnd", "technology_transfer", "personnel_training"],
        "currency": "USD",
        "budget": (150000, 400000),
        "duration": 18,
        "deadline": 35,
        "state": "listed",
        "summary": "Rice blast and brown planthopper outbreaks cost Mekong Delta farmers up to 30 % of a season's yield. Extension officers scout fields on foot and usually see an outbreak a week too late. We want a model that flags infected patches from routine drone flights early enough to treat only the affected plots.",
        "problem": "Detect leaf blast lesions and planthopper hopper-burn at an early stage on multispectral drone images taken at 60–120 m, under monsoon light conditions, and produce a treatment map per plot within 24 hours of the flight. Existing models trained on leaf close-ups do not transfer to aerial images.",
        "scenario": "12 cooperatives in Can Tho and An Giang provinces (8,000 ha) fly DJI multispectral drones weekly during the two main seasons. Extension officers receive maps on tablets and advise farmers by Zalo groups.",
        "data": (
            "Multispectral drone images with agronomist labels, weather station records",
            "120,000 images (2.1 TB), 4 seasons",
            "Use on the institute's servers in Can Tho; derived models may be shared; raw images stay in Viet Nam.",
        ),
        "env": "Two pilot cooperatives for field trials, a GPU workstation (2× A6000) at the institute, agronomists for ground truth.",
        "outcomes": "A field-validated detection model and a mapping workflow the cooperatives run themselves.",
        "kpis": [
            ("Detection recall for early-stage blast", "≥ 85 %", "≈ 40 % (scouting)"),
            ("Time from flight to treatment map", "< 24 h", "5–7 days"),
            ("Pesticide use on pilot plots", "−25 %", ""),
        ],
    },
    {
        "key": "salinity",
        "org": "mekong",
        "title": "Forecasting saltwater intrusion for rice farms four weeks ahead",
        "sector": "disaster_warning",
        "modes": ["collaborative_rnd", "technology_licensing"],
        "currency": "USD",
        "budget": (80000, 200000),
        "duration": 12,
        "deadline": 50,
        "state": "submitted",
        "summary": "In dry seasons saltwater moves up to 90 km inland along the Mekong's branches. Farmers need to know four weeks ahead when sluice gates will close so they can shift planting dates.",
        "problem": "Forecast salinity at 40 monitoring stations four weeks ahead from upstream discharge, tides and weather forecasts, with uncertainty bands farmers can act on.",
        "scenario": "Provincial irrigation departments publish weekly bulletins to 200,000 households; the forecast would feed these bulletins.",
        "data": (
            "Hourly salinity at 40 stations, discharge, tide gauges",
            "15 years, 40 stations",
            "Shared under a data use agreement with the provincial departments.",
        ),
        "env": "Access to the bulletin workflow, a test sluice gate schedule, staff of two irrigation departments.",
        "outcomes": "An operational forecast with a validated skill score.",
        "kpis": [("4-week forecast error at key stations", "< 1.5 g/l MAE", "3.2 g/l")],
    },
    {
        "key": "thaispeech",
        "org": "chula",
        "title": "Thai speech recognition for telemedicine triage in district hospitals",
        "sector": "language_technology",
        "modes": ["collaborative_rnd", "personnel_training", "technology_licensing"],
        "currency": "THB",
        "budget": (3000000, 9000000),
        "duration": 24,
        "deadline": 21,
        "state": "listed",
        "summary": "Nurses in rural Thai district hospitals spend a third of a telemedicine call typing notes. A speech recogniser that understands regional Thai dialects and medical vocabulary would give that time back to patients.",
        "problem": "Transcribe Isan and Northern Thai dialect speech mixed with English medical terms in noisy clinic rooms; current commercial engines reach 35 % word error rate on our recordings.",
        "scenario": "30 district hospitals connected to the university's telemedicine platform, 2,000 calls a week.",
        "data": (
            "De-identified call recordings with transcripts",
            "1,800 hours",
            "Processed only inside the university's secure enclave; ethics approval in place.",
        ),
        "env": "Secure GPU enclave, 5 pilot hospitals, clinical linguists.",
        "outcomes": "A deployed recogniser with dialect coverage and a training programme for hospital IT staff.",
        "kpis": [
            ("Word error rate on dialect test set", "≤ 12 %", "35 %"),
            ("Nurse documentation time per call", "−40 %", ""),
        ],
    },
    {
        "key": "retina",
        "org": "chula",
        "title": "Diabetic retinopathy screening on low-cost fundus cameras",
        "sector": "health",
        "modes": ["technology_transfer", "technology_investment"],
        "currency": "USD",
        "budget": (200000, 500000),
        "duration": 18,
        "deadline": 20,
        "state": "evaluation",
        "summary": "Thailand screens only half of its diabetic patients for retinopathy. Handheld fundus cameras are affordable, but their images are too noisy for existing grading models.",
        "problem": "Grade referable diabetic retinopathy on images from handheld cameras operated by village health volunteers, with a reliable 'ungradable' flag.",
        "scenario": "Community screening days in 3 provinces, images uploaded over 4G to the provincial hospital.",
        "data": (
            "Graded handheld fundus images",
            "46,000 images",
            "Within Thailand only; model weights may leave the country.",
        ),
        "env": "Three provincial hospitals, retina specialists for adjudication.",
        "outcomes": "A certified screening workflow in the pilot provinces.",
        "kpis": [("Sensitivity for referable DR", "≥ 90 %", ""), ("Specificity", "≥ 85 %", "")],
    },
    {
        "key": "flood",
        "org": "bnpb",
        "title": "Flood early warning for Jakarta's Ciliwung and Pesanggrahan basins",
        "sector": "disaster_warning",
        "modes": ["collaborative_rnd", "technology_transfer"],
        "currency": "IDR",
        "budget": (2500000000, 6000000000),
        "duration": 18,
        "deadline": 28,
        "state": "listed",
        "summary": "Flash floods reach Jakarta's neighbourhoods six to ten hours after heavy rain upstream in Bogor. Warnings today rely on manual readings at sluice gates and come too late for evacuation.",
        "problem": "Predict water levels at 25 gates six hours ahead from radar rainfall, upstream gauges and crowd reports, and issue neighbourhood-level warnings.",
        "scenario": "The agency's operations room issues warnings through the JAKI city app to 2 million users.",
        "data": (
            "Radar rainfall, gauge levels, geotagged flood reports",
            "8 years",
            "Shared under a cooperation agreement with BMKG and the city.",
        ),
        "env": "Operations room access, test channel in the JAKI app, sensor installation support.",
        "outcomes": "Operational six-hour forecasts and warnings in two basins.",
        "kpis": [("Lead time of warnings", "≥ 6 h", "1–2 h"), ("False alarm rate", "< 20 %", "")],
    },
    {
        "key": "notes",
        "org": "bnpb",
        "title": "Summarising Bahasa Indonesia field reports after disasters",
        "sector": "public_services",
        "modes": ["technology_licensing"],
        "currency": "USD",
        "budget": (50000, 120000),
        "duration": 9,
        "deadline": 40,
        "state": "draft",
        "summary": "After a disaster hundreds of field reports arrive per hour; coordinators need a reliable summary of needs per village.",
        "problem": "Summarise informal Bahasa Indonesia reports into structured needs (water, shelter, medical) per village.",
        "scenario": "Emergency operations centre during response phases.",
        "data": ("Archived field reports", "60,000 reports", "Anonymised, internal use."),
        "env": "Simulation exercises with the operations centre.",
        "outcomes": "A summarisation tool used in exercises.",
        "kpis": [("Coordinator time to situation report", "−50 %", "")],
        "comment": "Please describe the data access terms in more detail and add the expected duration of the pilot.",
    },
    {
        "key": "port",
        "org": "psa",
        "title": "Container yard planning and quay crane scheduling under uncertainty",
        "sector": "logistics",
        "modes": ["collaborative_rnd", "technology_investment"],
        "currency": "SGD",
        "budget": (300000, 800000),
        "duration": 24,
        "deadline": 45,
        "state": "listed",
        "summary": "Vessel arrivals deviate from schedule by hours, and yard plans made the day before break down. We look for planning that adapts in real time while keeping crane productivity high.",
        "problem": "Jointly optimise yard slot allocation and quay crane schedules with stochastic vessel arrival times and truck congestion; re-plan within 60 seconds.",
        "scenario": "A terminal handling 4 million TEU a year; planners work in a digital twin before changes go live.",
        "data": (
            "Vessel calls, crane moves, truck gate transactions",
            "3 years, 1.2 billion events",
            "Available in the digital twin sandbox; no raw data leaves Singapore.",
        ),
        "env": "Digital twin of the terminal, compute cluster, planners for user testing.",
        "outcomes": "A planning engine validated in the digital twin, then trialled on one berth.",
        "kpis": [
            ("Quay crane moves per hour", "+8 %", "28"),
            ("Truck turnaround time", "−15 %", "45 min"),
        ],
    },
    {
        "key": "cranes",
        "org": "psa",
        "title": "Predictive maintenance for rubber-tyred gantry cranes",
        "sector": "manufacturing",
        "modes": ["technology_transfer"],
        "currency": "SGD",
        "budget": (100000, 250000),
        "duration": 12,
        "deadline": 60,
        "state": "draft",
        "summary": "Unplanned crane breakdowns stop a yard block for hours; we want failures predicted days ahead from sensor data.",
        "problem": "",
        "scenario": "",
        "data": ("Vibration and hydraulic sensor streams", "", ""),
        "env": "",
        "outcomes": "",
        "kpis": [],
    },
    {
        "key": "palm",
        "org": "mardi",
        "title": "Oil palm yield estimation from satellite imagery for smallholders",
        "sector": "agriculture",
        "modes": ["collaborative_rnd", "personnel_training"],
        "currency": "MYR",
        "budget": (400000, 1200000),
        "duration": 18,
        "deadline": 30,
        "state": "listed",
        "summary": "Smallholders produce 40 % of Malaysia's palm oil but have no yield forecasts to plan harvesting labour and fertiliser. Satellite data could give every smallholder a monthly estimate.",
        "problem": "Estimate fresh fruit bunch yield per plot monthly from Sentinel-2 and SAR imagery, robust to cloud cover.",
        "scenario": "Extension services in Johor and Sabah reaching 30,000 smallholders through a mobile app.",
        "data": (
            "Harvest records of 5,000 plots, plot boundaries",
            "6 years",
            "Shared for research; publication after review.",
        ),
        "env": "Research stations in Johor and Sabah, field teams for validation.",
        "outcomes": "Monthly yield estimates delivered through the extension app.",
        "kpis": [("Yield estimate error", "≤ 15 %", "—")],
    },
    {
        "key": "durian",
        "org": "mardi",
        "title": "Durian export quality grading with computer vision",
        "sector": "agriculture",
        "modes": ["technology_investment"],
        "currency": "MYR",
        "budget": (100000, 300000),
        "duration": 12,
        "deadline": 25,
        "state": "rejected",
        "summary": "Export graders sort durians by eye; a vision system could grade faster and more consistently.",
        "problem": "Grade durian maturity and defects from images at packing houses.",
        "scenario": "Three packing houses in Pahang.",
        "data": ("Labelled images", "10,000 images", "Internal."),
        "env": "Packing house access.",
        "outcomes": "A grading prototype.",
        "kpis": [("Grading agreement with experts", "≥ 90 %", "")],
        "comment": "The programme does not fund quality grading for a single export crop this round; please consider the smallholder yield challenge instead.",
    },
    {
        "key": "solar",
        "org": "dost",
        "title": "Demand forecasting for solar mini-grids on off-grid islands",
        "sector": "energy",
        "modes": ["collaborative_rnd", "technology_transfer", "personnel_training"],
        "currency": "PHP",
        "budget": (8000000, 20000000),
        "duration": 18,
        "deadline": 14,
        "state": "listed",
        "summary": "Solar mini-grids on small Philippine islands either waste energy or run out at night because demand is hard to predict. Better day-ahead forecasts would let operators size batteries and schedule diesel backup.",
        "problem": "Forecast household and business demand day-ahead per mini-grid from smart-meter data, weather and local events, with little history for new grids.",
        "scenario": "42 mini-grids in Palawan and Romblon operated by electric cooperatives.",
        "data": (
            "Smart-meter readings, weather, outage logs",
            "3 years, 9,000 meters",
            "Shared with cooperative consent; aggregated data publishable.",
        ),
        "env": "Two pilot islands with controllable battery systems.",
        "outcomes": "Day-ahead forecasts integrated into the cooperatives' dispatch.",
        "kpis": [
            ("Day-ahead forecast error", "≤ 10 % MAPE", "25 %"),
            ("Diesel backup hours", "−30 %", ""),
        ],
    },
    {
        "key": "lao",
        "org": "lao",
        "title": "Optical character recognition for handwritten Lao land records",
        "sector": "public_services",
        "modes": ["collaborative_rnd", "personnel_training"],
        "currency": "USD",
        "budget": (60000, 150000),
        "duration": 12,
        "deadline": 40,
        "state": "listed",
        "summary": "Millions of land records in Laos exist only as handwritten ledgers. Digitising them by hand would take decades; OCR for handwritten Lao script would make land registration faster and fairer.",
        "problem": "Recognise handwritten Lao script in scanned ledgers from the 1990s–2010s, including faded ink and mixed Lao/French entries.",
        "scenario": "The land registry's digitisation unit in Vientiane scans 5,000 pages a day.",
        "data": (
            "Scanned ledger pages with partial transcriptions",
            "300,000 pages",
            "Used on site or on approved servers.",
        ),
        "env": "Digitisation unit, university computer lab, student transcribers.",
        "outcomes": "An OCR pipeline in production at the digitisation unit.",
        "kpis": [
            ("Character error rate", "≤ 8 %", "—"),
            ("Pages processed per day", "5,000", "200 (manual)"),
        ],
    },
]

BIDS = [
    # challenge key, applicant, target state, partners [(org, accepted?)]
    ("rice", "gxu", "submitted", [("ntu", True)]),
    ("rice", "gxai", "draft", [("ntu", False)]),
    ("port", "beibu", "submitted", []),
    ("retina", "gxai", "under_review", [("ntu", True)]),
    ("retina", "gxu", "under_review", []),
]


LEAD_NAMES = ["Chen Hao", "Wei Lin", "Mo Jun", "Huang Yi"]


def challenge_from_spec(spec: dict, people: People, now: dt.datetime) -> Challenge:
    """The challenge of `spec` (see CHALLENGES) as a draft of its organization's author."""
    data_kind, data_size, data_terms = spec["data"]
    extra = {name: spec[name] for name in ("blind_review", "cofunding") if name in spec}
    return builders.challenge_draft(
        organization=people.organizations[spec["org"]],
        by=people.author(spec["org"]),
        title=spec["title"],
        summary=spec["summary"],
        problem_statement=spec["problem"],
        operational_scenario=spec["scenario"],
        data_kind=data_kind,
        data_size=data_size,
        data_access_terms=data_terms,
        experimental_environment=spec["env"],
        expected_outcomes=spec["outcomes"],
        sector=spec["sector"],
        cooperation_modes=spec["modes"],
        budget_min=Decimal(spec["budget"][0]),
        budget_max=Decimal(spec["budget"][1]),
        currency=spec["currency"],
        deadline=builders.deadline_in(spec["deadline"], now=now),
        duration_months=spec["duration"],
        kpis=[{"metric": m, "target": t, "baseline": b} for m, t, b in spec["kpis"]],
        **extra,
    )


def _vet(challenge: Challenge, spec: dict, people: People) -> None:
    """Take the draft to its target state through vetting."""
    author, operator, target = people.author(spec["org"]), people.operator, spec["state"]
    if target == ChallengeState.DRAFT and not spec.get("comment"):
        return
    if target in (ChallengeState.LISTED, ChallengeState.EVALUATION):
        builders.challenge_listed(challenge, author=author, operator=operator)
        return
    lifecycle.transition_challenge(challenge, "submit", by=author)
    if target == ChallengeState.DRAFT:
        lifecycle.transition_challenge(challenge, "return", by=operator, reason=spec["comment"])
    elif target == ChallengeState.REJECTED:
        lifecycle.transition_challenge(challenge, "reject", by=operator, reason=spec["comment"])


def demo_bid(challenge: Challenge, applicant_key: str, partners, people: People) -> Bid:
    """A complete draft bid with the demo's lead researcher; `partners`: [(key, accepted?)]."""
    applicant = people.organizations[applicant_key]
    user = people.author(applicant_key)
    bid = builders.bid_draft(
        challenge=challenge,
        applicant=applicant,
        by=user,
        lead_name=LEAD_NAMES[applicant.pk % len(LEAD_NAMES)],
    )
    for key, accepted in partners:
        add = builders.partner_accepted if accepted else builders.partner_invited
        add(bid=bid, organization=people.organizations[key], by=user)
    return bid


# Language versions the owners added (the originals above are in English).
TRANSLATIONS = {
    "rice": {
        "zh-hans": {
            "title": "利用无人机影像及早发现湄公河三角洲的稻瘟病和褐飞虱",
            "summary": "稻瘟病和褐飞虱的暴发使湄公河三角洲农民每季损失多达 30% 的产量。"
            "农技人员徒步巡田，通常晚一周才发现疫情。我们需要一个模型，"
            "能从日常无人机飞行中及早标出受害地块，只对受影响的田块施药。",
        },
        "vi": {
            "title": "Phát hiện sớm bệnh đạo ôn và rầy nâu trên lúa từ ảnh máy bay không người lái "
            "ở Đồng bằng sông Cửu Long",
            "summary": "Dịch đạo ôn và rầy nâu làm nông dân Đồng bằng sông Cửu Long mất tới 30 % "
            "sản lượng mỗi vụ. Cán bộ khuyến nông đi thăm đồng bộ và thường phát hiện dịch "
            "muộn một tuần. Chúng tôi cần một mô hình đánh dấu sớm các khoảnh bị nhiễm "
            "từ các chuyến bay thường kỳ.",
        },
    },
    "thaispeech": {
        "th": {
            "title": "ระบบรู้จำเสียงพูดภาษาไทยสำหรับการคัดกรองผู้ป่วยทางไกลในโรงพยาบาลชุมชน",
            "summary": "พยาบาลในโรงพยาบาลชุมชนรับสายปรึกษาทางไกลจำนวนมากและต้องจดบันทึกอาการด้วยมือ "
            "เราต้องการระบบที่ถอดความบทสนทนาภาษาไทยและภาษาถิ่นได้แม่นยำพอสำหรับการคัดกรอง",
        }
    },
}


def _translate(challenge: Challenge, key: str, people: People, org: str) -> None:
    for language, texts in TRANSLATIONS.get(key, {}).items():
        multilingual.challenge_translation_save(
            challenge=challenge, language=language, by=people.author(org), **texts
        )


def load_challenges(people: People) -> dict[str, Challenge]:
    """The challenges and bids above, by key; nothing if there are challenges already."""
    if Challenge.objects.exists():
        return {}
    now = timezone.now()
    made: dict[str, Challenge] = {}
    for spec in CHALLENGES:
        made[spec["key"]] = challenge_from_spec(spec, people, now)
        _translate(made[spec["key"]], spec["key"], people, spec["org"])
        _vet(made[spec["key"]], spec, people)
    for key, applicant_key, target, partners in BIDS:
        bid = demo_bid(made[key], applicant_key, partners, people)
        if target in (BidState.SUBMITTED, BidState.UNDER_REVIEW):
            builders.bid_submitted(bid, by=people.author(applicant_key))
    # The retina challenge's bidding period is over: closed as the beat task would.
    made["retina"] = builders.challenge_close_bidding(
        made["retina"], ended=now - dt.timedelta(days=2)
    )
    return made
