"""Settings of the hello-world project: `django-admin startproject` defaults, production mode.

No database is configured and the view touches neither the session nor the
user, so a request costs Django's request/response cycle through the default
middleware and nothing else. Served exactly like the portal (gunicorn, 2 sync
workers, DEBUG off, behind the same X-Forwarded-Proto header).
"""

import os

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "hello-world-benchmark-only-not-secret-0123456789-abcdef")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
ROOT_URLCONF = "benchmarks.hello.urls"
WSGI_APPLICATION = "benchmarks.hello.wsgi.application"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES: dict = {}
USE_TZ = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
