"""Registration numbers: which registry each country uses and what a valid number looks like.

python-stdnum checks the registries it knows (with checksums); elsewhere a
published format rule applies. Pure functions, no database access: the
eligibility engine calls them too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.id import npwp
from stdnum.sg import uen
from stdnum.th import moa
from stdnum.th import tin as th_tin
from stdnum.vn import mst


class RegistrationNumberError(ValueError):
    """A registration number does not match its registry's format."""

    def __init__(self, message: Promise | str, *, checksum: bool = False) -> None:
        super().__init__(str(message))
        self.message = message
        self.checksum = checksum


def _stdnum(module) -> Callable[[str], str]:
    def check(number: str) -> str:
        try:
            return module.validate(number)
        except InvalidChecksum as exc:
            raise RegistrationNumberError(_("the check character is wrong"), checksum=True) from exc
        except ValidationError as exc:
            raise RegistrationNumberError(_("the format is not recognised")) from exc

    return check


def _pattern(regex: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def check(number: str) -> str:
        compact = re.sub(r"[\s]", "", number).upper()
        if not compiled.fullmatch(compact):
            raise RegistrationNumberError(_("the format is not recognised"))
        return compact

    return check


@dataclass(frozen=True)
class Registry:
    code: str
    country: str  # ISO alpha-2, "" for the generic fallback
    label: Promise
    example: str
    format: Promise
    check: Callable[[str], str]
    has_checksum: bool = False


GENERIC = Registry(
    code="other",
    country="",
    label=_("Other official registration number"),
    example="HRB 12345",
    format=_("3 to 40 letters, digits, spaces, '/', '.' or '-'"),
    check=_pattern(r"[A-Z0-9][A-Z0-9/.\-]{2,39}"),
)

REGISTRIES: dict[str, Registry] = {
    r.code: r
    for r in (
        Registry(
            "cn_uscc",
            "CN",
            _("Unified Social Credit Code (统一社会信用代码)"),
            "91450100MA5KB1234J",
            _(
                "18 characters: digits and capital letters except I, O, Z, S, V, with a check character"
            ),
            _stdnum(uscc),
            has_checksum=True,
        ),
        Registry(
            "sg_uen",
            "SG",
            _("Unique Entity Number (UEN)"),
            "197401143C",
            _("9 or 10 characters ending in a check letter"),
            _stdnum(uen),
            has_checksum=True,
        ),
        Registry(
            "th_juristic",
            "TH",
            _("Juristic person registration number (DBD)"),
            "0994000617721",
            _("13 digits with a check digit"),
            _stdnum(moa),
            has_checksum=True,
        ),
        Registry(
            "th_tin",
            "TH",
            _("Tax identification number (public bodies)"),
            "0994000617721",
            _("13 digits with a check digit"),
            _stdnum(th_tin),
            has_checksum=True,
        ),
        Registry(
            "vn_mst",
            "VN",
            _("Enterprise / tax code (mã số thuế)"),
            "0100233488",
            _("10 digits with a check digit, optionally followed by a 3-digit branch suffix"),
            _stdnum(mst),
            has_checksum=True,
        ),
        Registry(
            "id_npwp",
            "ID",
            _("Taxpayer number (NPWP)"),
            "01.312.166.0-091.000",
            _("15 or 16 digits with a check digit"),
            _stdnum(npwp),
            has_checksum=True,
        ),
        Registry(
            "my_ssm",
            "MY",
            _("SSM registration number"),
            "201901000005",
            _("12 digits (year, entity type, serial) or the old form 1234567-X"),
            _pattern(r"(19|20)\d{2}0[1-6]\d{6}|\d{1,7}-[A-Z]"),
        ),
        Registry(
            "ph_sec",
            "PH",
            _("SEC registration number"),
            "CS201912345",
            _("1 to 3 capital letters followed by 6 to 12 digits"),
            _pattern(r"[A-Z]{1,3}\d{6,12}"),
        ),
        Registry(
            "bn_roc",
            "BN",
            _("Registry of Companies and Business Names number"),
            "RC00012345",
            _("1 to 3 capital letters followed by 5 to 10 digits"),
            _pattern(r"[A-Z]{1,3}\d{5,10}"),
        ),
        Registry(
            "kh_moc",
            "KH",
            _("Ministry of Commerce registration number"),
            "00012345",
            _("8 to 10 digits"),
            _pattern(r"\d{8,10}"),
        ),
        Registry(
            "la_erc",
            "LA",
            _("Enterprise registration certificate number"),
            "0190123456",
            _("9 or 10 digits"),
            _pattern(r"\d{9,10}"),
        ),
        Registry(
            "mm_myco",
            "MM",
            _("Company registration number (MyCO)"),
            "105012345",
            _("9 digits"),
            _pattern(r"\d{9}"),
        ),
        Registry(
            "tl_serve",
            "TL",
            _("SERVE business registration number"),
            "2016/00123",
            _("year, '/', and 3 to 8 digits"),
            _pattern(r"(19|20)\d{2}/\d{3,8}"),
        ),
        GENERIC,
    )
}


def registries_for(country: str) -> list[Registry]:
    """The registries accepted for a country; the generic one only where no specific one exists."""
    specific = [r for r in REGISTRIES.values() if r.country == country]
    return specific or [GENERIC]


def registry_choices() -> list[tuple[str, Promise]]:
    return [(r.code, r.label) for r in REGISTRIES.values()]


def default_registry(country: str) -> str:
    return registries_for(country)[0].code


def validate_number(registry_code: str, number: str) -> str:
    """Return the normalised number or raise RegistrationNumberError.

    The error message names the expected format and gives an example.
    """
    registry = REGISTRIES.get(registry_code, GENERIC)
    number = (number or "").strip()
    if not number:
        raise RegistrationNumberError(_("a registration number is required"))
    return registry.check(number)


def is_well_formed(country: str, number: str) -> bool:
    """True when the number is valid for any registry accepted in the country."""
    for registry in registries_for(country):
        try:
            registry.check(number or "")
        except RegistrationNumberError:
            continue
        return True
    return False


def uscc_region_code(number: str) -> str:
    """Characters 3–8 of a USCC (the registering region), or "" if not a USCC."""
    compact = re.sub(r"\s", "", number or "").upper()
    if len(compact) != 18 or not compact[2:8].isdigit():
        return ""
    return compact[2:8]


def uscc_category(number: str) -> str:
    """Characters 1–2 of a USCC (authority and entity type), e.g. "92" for an individual business."""
    compact = re.sub(r"\s", "", number or "").upper()
    return compact[:2] if len(compact) == 18 else ""
