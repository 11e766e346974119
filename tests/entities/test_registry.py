"""Registration numbers are checked per country, with the checksum where the registry has one."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from entities.forms import OrganizationForm
from entities.registry import (
    GENERIC,
    REGISTRIES,
    RegistrationNumberError,
    default_registry,
    is_well_formed,
    registries_for,
    uscc_category,
    uscc_region_code,
    validate_number,
)
from tests.factories import make_uscc, organization_form_data


def _uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def _wrong_check_character(number: str) -> str:
    good = number[-1]
    return number[:-1] + ("1" if good != "1" else "2")


GUANGXI_USCC = _uscc("91450100MA5KB1234")
SHENZHEN_USCC = _uscc("91440300MA5FABCDE")

# (country, registry, number, normalised)
VALID = [
    ("CN", "cn_uscc", GUANGXI_USCC, GUANGXI_USCC),
    ("CN", "cn_uscc", GUANGXI_USCC.lower(), GUANGXI_USCC),
    (
        "CN",
        "cn_uscc",
        " ".join([GUANGXI_USCC[:6], GUANGXI_USCC[6:12], GUANGXI_USCC[12:]]),
        GUANGXI_USCC,
    ),
    ("CN", "cn_uscc", _uscc("12450000MB0A12345"), _uscc("12450000MB0A12345")),
    ("SG", "sg_uen", "197401143C", "197401143C"),
    ("SG", "sg_uen", "00192200M", "00192200M"),
    ("SG", "sg_uen", "S16FC0121D", "S16FC0121D"),
    ("TH", "th_juristic", "0994000617721", "0994000617721"),
    ("TH", "th_juristic", "0105536112014", "0105536112014"),
    ("TH", "th_tin", "0994000617721", "0994000617721"),
    ("VN", "vn_mst", "0100233488", "0100233488"),
    ("VN", "vn_mst", "0314409058", "0314409058"),
    ("VN", "vn_mst", "0312687878001", "0312687878001"),
    ("ID", "id_npwp", "01.312.166.0-091.000", "013121660091000"),
    ("ID", "id_npwp", "013121660091000", "013121660091000"),
    ("MY", "my_ssm", "201901000005", "201901000005"),
    ("MY", "my_ssm", "1234567-x", "1234567-X"),
    ("PH", "ph_sec", "CS201912345", "CS201912345"),
    ("PH", "ph_sec", "A199700123", "A199700123"),
    ("BN", "bn_roc", "RC00012345", "RC00012345"),
    ("KH", "kh_moc", "00012345", "00012345"),
    ("LA", "la_erc", "0190123456", "0190123456"),
    ("MM", "mm_myco", "105012345", "105012345"),
    ("TL", "tl_serve", "2016/00123", "2016/00123"),
    ("DE", "other", "HRB 12345", "HRB12345"),
    ("US", "other", "c0806592", "C0806592"),
]

# (country, registry, number, is a checksum failure)
INVALID = [
    ("CN", "cn_uscc", _wrong_check_character(GUANGXI_USCC), True),
    ("CN", "cn_uscc", GUANGXI_USCC[:-1], False),  # 17 characters
    ("CN", "cn_uscc", "91450100MA5KB1234I", False),  # I is not in the alphabet
    ("CN", "cn_uscc", "12345", False),
    ("SG", "sg_uen", "197401143D", True),
    ("SG", "sg_uen", "T08LL0001B", True),
    ("SG", "sg_uen", "12345", False),
    ("TH", "th_juristic", "0994000617722", True),
    ("TH", "th_juristic", "099400061772", False),
    ("VN", "vn_mst", "0100233489", True),
    ("VN", "vn_mst", "01002334", False),
    ("ID", "id_npwp", "01.312.166.1-091.000", True),
    ("ID", "id_npwp", "0131216600910", False),
    ("MY", "my_ssm", "12345", False),
    ("MY", "my_ssm", "201909000005", False),  # entity type 09 does not exist
    ("PH", "ph_sec", "12345678", False),
    ("BN", "bn_roc", "RC12", False),
    ("KH", "kh_moc", "ABCDEFGH", False),
    ("LA", "la_erc", "12345678", False),
    ("MM", "mm_myco", "10501234", False),
    ("TL", "tl_serve", "2016-00123", False),
    ("DE", "other", "AB", False),
]


# --------------------------------------------------------------------------- entities.registry
@pytest.mark.parametrize(("country", "registry", "number", "normalised"), VALID)
def test_registry_valid_number_is_normalised(country, registry, number, normalised):
    assert registry in {r.code for r in registries_for(country)}
    assert validate_number(registry, number) == normalised
    assert is_well_formed(country, number)


@pytest.mark.parametrize(("country", "registry", "number", "checksum"), INVALID)
def test_registry_invalid_number_is_rejected(country, registry, number, checksum):
    with pytest.raises(RegistrationNumberError) as info:
        validate_number(registry, number)
    assert info.value.checksum is checksum
    assert not is_well_formed(country, number)


def test_registry_wrong_uscc_check_character_says_so():
    with pytest.raises(RegistrationNumberError) as info:
        validate_number("cn_uscc", _wrong_check_character(GUANGXI_USCC))
    assert info.value.checksum
    assert "check character" in str(info.value.message)


def test_registry_empty_number_is_rejected():
    with pytest.raises(RegistrationNumberError):
        validate_number("cn_uscc", "   ")


def test_registry_every_example_is_valid_for_its_registry():
    for registry in REGISTRIES.values():
        registry.check(registry.example)


def test_registry_country_without_specific_registry_uses_generic():
    assert registries_for("DE") == [GENERIC]
    assert default_registry("DE") == "other"
    assert default_registry("CN") == "cn_uscc"
    assert [r.code for r in registries_for("TH")] == ["th_juristic", "th_tin"]


def test_registry_uscc_region_code_is_characters_three_to_eight():
    assert uscc_region_code(SHENZHEN_USCC) == "440300"
    assert uscc_region_code(GUANGXI_USCC.lower()) == "450100"
    assert uscc_region_code("197401143C") == ""
    assert uscc_category(make_uscc(1, category="92")) == "92"
    assert uscc_category("197401143C") == ""


# --------------------------------------------------------------------------- through the form
def _form(country: str, registry: str, number: str, **extra) -> OrganizationForm:
    overrides = {
        "country": country,
        "registry": registry,
        "registration_number": number,
        "region_code": "450100" if country == "CN" else "",
        "region": "Nanning" if country == "CN" else "Capital",
    }
    overrides.update(extra)
    return OrganizationForm(data=organization_form_data(**overrides))


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "registry", "number", "normalised"), VALID)
def test_organization_form_valid_number_is_accepted(country, registry, number, normalised):
    form = _form(country, registry, number)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["registration_number"] == normalised
    assert form.cleaned_data["registry"] == registry


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "registry", "number", "checksum"), INVALID)
def test_organization_form_invalid_number_names_format_and_example(
    country, registry, number, checksum
):
    form = _form(country, registry, number)
    assert not form.is_valid()
    assert list(form.errors) == ["registration_number"]
    message = form.errors["registration_number"][0]
    expected = REGISTRIES[registry]
    assert str(expected.format) in message
    assert expected.example in message
    assert str(expected.label) in message
    if checksum:
        assert "check character is wrong" in message


@pytest.mark.django_db
def test_organization_form_wrong_uscc_check_character_is_an_error():
    form = _form("CN", "cn_uscc", _wrong_check_character(GUANGXI_USCC))
    assert not form.is_valid()
    message = form.errors["registration_number"][0]
    assert "the check character is wrong" in message
    assert "91450100MA5KB1234J" in message  # the example
    assert form.warnings == []


@pytest.mark.django_db
def test_organization_form_uscc_region_outside_declared_region_is_a_warning():
    form = _form("CN", "cn_uscc", SHENZHEN_USCC, region_code="450100")
    assert form.is_valid(), form.errors
    assert len(form.warnings) == 1
    assert "440300" in form.warnings[0]
    assert "450100" in form.warnings[0]


@pytest.mark.django_db
def test_organization_form_uscc_region_inside_declared_region_has_no_warning():
    form = _form("CN", "cn_uscc", make_uscc(7, region="450700"), region_code="450100")
    assert form.is_valid(), form.errors
    assert form.warnings == []


@pytest.mark.django_db
def test_organization_form_registry_of_another_country_is_replaced_when_unambiguous():
    form = _form("VN", "cn_uscc", "0100233488")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["registry"] == "vn_mst"


@pytest.mark.django_db
def test_organization_form_registry_of_another_country_is_an_error_when_ambiguous():
    form = _form("TH", "sg_uen", "0994000617721")
    assert not form.is_valid()
    assert "registry" in form.errors


@pytest.mark.django_db
def test_organization_form_registry_is_chosen_from_country_when_blank():
    form = _form("SG", "", "197401143C")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["registry"] == "sg_uen"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("region_code", "fragment"),
    [("", "6-digit administrative division code"), ("99ABCD", "6-digit"), ("990100", "6-digit")],
)
def test_organization_form_chinese_region_code_is_checked(region_code, fragment):
    form = _form("CN", "cn_uscc", GUANGXI_USCC, region_code=region_code)
    assert not form.is_valid()
    assert fragment in form.errors["region_code"][0]
