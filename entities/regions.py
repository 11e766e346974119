"""China's provincial-level administrative division codes (GB/T 2260), first two digits.

Used to check that a declared 6-digit region code is plausible and to name it.
"""

from django.utils.translation import gettext_lazy as _

GUANGXI_PREFIX = "45"

CN_PROVINCES = {
    "11": _("Beijing"),
    "12": _("Tianjin"),
    "13": _("Hebei"),
    "14": _("Shanxi"),
    "15": _("Inner Mongolia"),
    "21": _("Liaoning"),
    "22": _("Jilin"),
    "23": _("Heilongjiang"),
    "31": _("Shanghai"),
    "32": _("Jiangsu"),
    "33": _("Zhejiang"),
    "34": _("Anhui"),
    "35": _("Fujian"),
    "36": _("Jiangxi"),
    "37": _("Shandong"),
    "41": _("Henan"),
    "42": _("Hubei"),
    "43": _("Hunan"),
    "44": _("Guangdong"),
    "45": _("Guangxi Zhuang Autonomous Region"),
    "46": _("Hainan"),
    "50": _("Chongqing"),
    "51": _("Sichuan"),
    "52": _("Guizhou"),
    "53": _("Yunnan"),
    "54": _("Tibet"),
    "61": _("Shaanxi"),
    "62": _("Gansu"),
    "63": _("Qinghai"),
    "64": _("Ningxia"),
    "65": _("Xinjiang"),
    "71": _("Taiwan"),
    "81": _("Hong Kong"),
    "82": _("Macao"),
}

GUANGXI_PREFECTURES = {
    "450000": _("Guangxi (region level)"),
    "450100": _("Nanning"),
    "450200": _("Liuzhou"),
    "450300": _("Guilin"),
    "450400": _("Wuzhou"),
    "450500": _("Beihai"),
    "450600": _("Fangchenggang"),
    "450700": _("Qinzhou"),
    "450800": _("Guigang"),
    "450900": _("Yulin"),
    "451000": _("Baise"),
    "451100": _("Hezhou"),
    "451200": _("Hechi"),
    "451300": _("Laibin"),
    "451400": _("Chongzuo"),
}


def is_valid_cn_region_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and code[:2] in CN_PROVINCES


def cn_region_name(code: str) -> str:
    if code in GUANGXI_PREFECTURES:
        return str(GUANGXI_PREFECTURES[code])
    prefix = code[:2] if code else ""
    return str(CN_PROVINCES.get(prefix, ""))
