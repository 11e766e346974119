"""The public results: every challenge whose lead is selected, and what it delivered."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..forms import ResultsFilterForm
from ..selectors import results as result_selectors

PAGE_SIZE = 12


def results(request: HttpRequest) -> HttpResponse:
    form = ResultsFilterForm(request.GET or None, years=result_selectors.result_years())
    filters = form.filters() if form.is_bound else {}
    paginator = Paginator(result_selectors.public_results(**filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/results.html",
        {
            "form": form,
            "page_obj": page,
            "results": result_selectors.results_of(page.object_list),
            "total": paginator.count,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )
