"""The inbox, mark read / mark all read, and the bell."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import notify

CLOSED = {"challenge": "Smart ports", "url": "/challenges/3/"}


@pytest.fixture
def inbox_of(django_capture_on_commit_callbacks):
    def make(user, count=1, event="challenge.closed", context=CLOSED):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(count):
                notify([user], event, None, context)
        return list(Notification.objects.filter(recipient=user))

    return make


def test_inbox_lists_own_notifications_with_links(owner, outsider, inbox_of, client_for):
    inbox_of(owner)
    inbox_of(outsider, context={"challenge": "Someone else's", "url": "/challenges/9/"})
    response = client_for(owner).get("/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Applications closed: Smart ports" in html
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html
    notification = Notification.objects.get(recipient=owner)
    assert f"/notifications/{notification.pk}/open/" in html
    assert "Mark as read" in html


def test_inbox_empty_state(owner, client_for):
    html = client_for(owner).get("/notifications/").content.decode()
    assert "No notifications yet" in html
    html = client_for(owner).get("/notifications/?filter=unread").content.decode()
    assert "No unread notifications" in html


def test_inbox_renders_feedback_as_a_table(owner, inbox_of, client_for):
    feedback = [{"criterion": "Feasibility", "score": 7, "max": 10, "comment": "Solid"}]
    inbox_of(
        owner,
        event="decision.not_selected",
        context={"challenge": "Ports", "url": "/c/1/", "feedback": feedback},
    )
    html = client_for(owner).get("/notifications/").content.decode()
    assert "Feasibility" in html and "7 / 10" in html


def test_inbox_is_paginated_with_constant_queries(owner, inbox_of, client_for):
    client = client_for(owner)
    inbox_of(owner, count=3)
    client.get("/notifications/")  # warm up session/user caches
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    inbox_of(owner, count=30)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/notifications/")
    assert len(many) == len(few)
    assert len(response.context["items"]) == 20
    assert response.context["page_obj"].paginator.num_pages == 2
    assert client.get("/notifications/?page=2").context["page_obj"].number == 2


def test_open_marks_read_and_redirects_to_the_object(owner, inbox_of, client_for):
    (notification,) = inbox_of(owner)
    response = client_for(owner).get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/challenges/3/"
    notification.refresh_from_db()
    assert not notification.is_unread


def test_open_never_redirects_off_site(owner, inbox_of, client_for):
    (notification,) = inbox_of(owner, context={"challenge": "X", "url": "//evil.example/"})
    response = client_for(owner).get(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_mark_read(owner, inbox_of, client_for):
    first, second = inbox_of(owner, count=2)
    client = client_for(owner)
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/?page=1"})
    assert response["Location"] == "/notifications/?page=1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_unread and second.is_unread


def test_mark_read_ignores_an_offsite_next(owner, inbox_of, client_for):
    (notification,) = inbox_of(owner)
    response = client_for(owner).post(
        f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/"


def test_mark_all_read(owner, outsider, inbox_of, client_for):
    inbox_of(owner, count=3)
    inbox_of(outsider)
    response = client_for(owner).post("/notifications/read-all/", follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).count() == 1


def test_another_users_notification_is_404(owner, outsider, inbox_of, client_for):
    (notification,) = inbox_of(outsider)
    client = client_for(owner)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_inbox_requires_login(db, client):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read-all/").status_code == 302


def test_bell_shows_unread_count_with_one_query(owner, inbox_of, django_assert_num_queries):
    inbox_of(owner, count=3)
    request = RequestFactory().get("/")
    request.user = owner
    with django_assert_num_queries(1):
        html = render_to_string("notifications/_bell.html", {"request": request})
        render_to_string("notifications/_bell.html", {"request": request})  # cached
    assert "3 unread notifications" in html
    assert 'href="/notifications/"' in html
    assert '<span class="count" aria-hidden="true">3</span>' in html


def test_bell_without_unread(owner, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = owner
    html = render_to_string("notifications/_bell.html", {"request": request})
    assert "0 unread notifications" in html
    assert 'class="count"' not in html


def test_bell_in_the_site_header(owner, inbox_of, client_for):
    inbox_of(owner, count=2)
    html = client_for(owner).get("/notifications/preferences/").content.decode()
    assert "2 unread notifications" in html


def test_bell_counts_once_on_the_inbox_page(owner, inbox_of, client_for):
    inbox_of(owner, count=2)
    with CaptureQueriesContext(connection) as queries:
        client_for(owner).get("/notifications/")
    unread_counts = [
        q["sql"] for q in queries if "COUNT" in q["sql"] and '"read_at" IS NULL' in q["sql"]
    ]
    assert len(unread_counts) == 1
